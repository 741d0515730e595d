package memdb

import (
	"cmp"
	"maps"
	"reflect"
	"slices"
	"time"
)

// Table is one kind of row of a DB, keyed by K. Values are copied in and out with
// the clone function, so callers may mutate what they pass and receive, and every
// time.Time a value holds (in exported fields, nested structs and slices) is kept in
// UTC at microsecond precision, as the SQL stores keep times, so a fake answers as
// they do.
type Table[K cmp.Ordered, V any] struct {
	db    *DB
	rows  map[K]V
	clone func(V) V
}

// NewTable returns an empty table of db. clone returns a copy of a value sharing
// nothing mutable with it (for a value without slices or maps, the value itself).
func NewTable[K cmp.Ordered, V any](db *DB, clone func(V) V) *Table[K, V] {
	return &Table[K, V]{db: db, rows: map[K]V{}, clone: clone}
}

// change is one changed row in an overlay: its new value or its deletion.
type change[V any] struct {
	v       V
	deleted bool
}

type tableOverlay[K cmp.Ordered, V any] struct {
	t       *Table[K, V]
	changes map[K]change[V]
}

func (o *tableOverlay[K, V]) apply() {
	for k, c := range o.changes {
		if c.deleted {
			delete(o.t.rows, k)
		} else {
			o.t.rows[k] = c.v
		}
	}
}

func (o *tableOverlay[K, V]) clone() overlay {
	return &tableOverlay[K, V]{t: o.t, changes: maps.Clone(o.changes)}
}

func (o *tableOverlay[K, V]) restore(s overlay) { o.changes = s.(*tableOverlay[K, V]).changes }

// overlay returns the table's overlay in tx, creating it when create is set; nil
// for a write-through tx or, without create, a table tx has not written.
func (t *Table[K, V]) overlay(tx *Tx, create bool) *tableOverlay[K, V] {
	if tx.db != t.db {
		panic("memdb: a table used in a transaction of another database")
	}
	if tx.through {
		return nil
	}
	o, ok := tx.overlays[t]
	if !ok {
		if !create {
			return nil
		}
		o = &tableOverlay[K, V]{t: t, changes: map[K]change[V]{}}
		tx.overlays[t] = o
	}
	return o.(*tableOverlay[K, V])
}

// lookup returns the row as tx sees it, without copying.
func (t *Table[K, V]) lookup(tx *Tx, k K) (V, bool) {
	if o := t.overlay(tx, false); o != nil {
		if c, ok := o.changes[k]; ok {
			return c.v, !c.deleted
		}
	}
	v, ok := t.rows[k]
	return v, ok
}

// Get returns a copy of row k and whether it exists.
func (t *Table[K, V]) Get(tx *Tx, k K) (V, bool) {
	v, ok := t.lookup(tx, k)
	if ok {
		v = t.clone(v)
	}
	return v, ok
}

// Has reports whether row k exists.
func (t *Table[K, V]) Has(tx *Tx, k K) bool {
	_, ok := t.lookup(tx, k)
	return ok
}

// Put stores a copy of v as row k.
func (t *Table[K, V]) Put(tx *Tx, k K, v V) {
	v = t.clone(v)
	normalizeTimes(reflect.ValueOf(&v).Elem())
	if o := t.overlay(tx, true); o != nil {
		o.changes[k] = change[V]{v: v}
		return
	}
	t.rows[k] = v
}

// Delete removes row k (nothing if it does not exist).
func (t *Table[K, V]) Delete(tx *Tx, k K) {
	if o := t.overlay(tx, true); o != nil {
		o.changes[k] = change[V]{deleted: true}
		return
	}
	delete(t.rows, k)
}

// Select returns copies of the rows keep accepts, ordered by key.
func (t *Table[K, V]) Select(tx *Tx, keep func(V) bool) []V {
	keys := make([]K, 0, len(t.rows))
	o := t.overlay(tx, false)
	for k := range t.rows {
		if o == nil || !hasChange(o, k) {
			keys = append(keys, k)
		}
	}
	if o != nil {
		for k, c := range o.changes {
			if !c.deleted {
				keys = append(keys, k)
			}
		}
	}
	slices.Sort(keys)
	var out []V
	for _, k := range keys {
		if v, _ := t.lookup(tx, k); keep(v) {
			out = append(out, t.clone(v))
		}
	}
	return out
}

func hasChange[K cmp.Ordered, V any](o *tableOverlay[K, V], k K) bool {
	_, ok := o.changes[k]
	return ok
}

var timeType = reflect.TypeFor[time.Time]()

// normalizeTimes sets every settable time.Time reachable in v without following
// pointers to UTC at microsecond precision (the zero time stays zero).
func normalizeTimes(v reflect.Value) {
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == timeType {
			if v.CanSet() {
				v.Set(reflect.ValueOf(v.Interface().(time.Time).UTC().Truncate(time.Microsecond)))
			}
			return
		}
		for i := range v.NumField() {
			if f := v.Field(i); f.CanSet() {
				normalizeTimes(f)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			normalizeTimes(v.Index(i))
		}
	}
}
