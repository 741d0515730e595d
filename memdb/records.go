package memdb

import (
	"context"
	"fmt"

	"github.com/seeda33a2f4f/resellerkit"
)

// Errors are the sentinels of the package whose records a Records table holds.
type Errors struct {
	NotFound      error // a missing record, or one of another scope (organization)
	AlreadyExists error // a create whose key is taken
	Conflict      error // an update or delete with a stale version
}

// Records is a table of versioned records, each of one scope (the organization
// that owns it) or of none: the create, get, update, delete and list logic every
// memstore shares, following the store contract of resellerkit's domain packages
// (version 1 on create, optimistic versions on update, a record of another scope
// reported like a missing one, every check before any write).
type Records[V any] struct {
	*Table[string, V]
	Name    string          // the record's noun in errors, e.g. "project"
	Key     func(V) string  // the record's key
	Scope   func(V) string  // the record's organization; nil for unscoped records
	Version func(*V) *int64 // the record's Version field
	Merge   func(cur, v V) V
	Errors  Errors
}

// NotFound returns the error for a missing record named name.
func (r *Records[V]) NotFound(name string) error {
	return fmt.Errorf("%w: %s %q", r.Errors.NotFound, r.Name, resellerkit.Truncate(name))
}

// Create stores v with version 1 unless its key is taken (AlreadyExists) or a
// check fails; it writes nothing before every check passed.
func (r *Records[V]) Create(tx *Tx, v V, checks ...func() error) error {
	k := r.Key(v)
	if r.Has(tx, k) {
		return fmt.Errorf("%w: %s %q", r.Errors.AlreadyExists, r.Name, resellerkit.Truncate(k))
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	*r.Version(&v) = 1
	r.Put(tx, k, v)
	return nil
}

// Find returns record k of scope (any scope for unscoped records); name is how
// errors call it.
func (r *Records[V]) Find(tx *Tx, k, scope, name string) (V, error) {
	v, ok := r.Get(tx, k)
	if !ok || (r.Scope != nil && r.Scope(v) != scope) {
		var zero V
		return zero, r.NotFound(name)
	}
	return v, nil
}

// Update stores Merge(current, v) (v itself without Merge) with the version bumped,
// unless the record is missing or of another scope (NotFound), v's version is not
// the current one (Conflict) or a check fails.
func (r *Records[V]) Update(tx *Tx, v V, name string, checks ...func() error) error {
	k := r.Key(v)
	scope := ""
	if r.Scope != nil {
		scope = r.Scope(v)
	}
	cur, err := r.Find(tx, k, scope, name)
	if err != nil {
		return err
	}
	if err := r.checkVersion(*r.Version(&v), *r.Version(&cur), name); err != nil {
		return err
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	next := v
	if r.Merge != nil {
		next = r.Merge(cur, v)
	}
	*r.Version(&next) = *r.Version(&cur) + 1
	r.Put(tx, k, next)
	return nil
}

// Remove deletes record k of scope if version is current.
func (r *Records[V]) Remove(tx *Tx, k, scope, name string, version int64) error {
	cur, err := r.Find(tx, k, scope, name)
	if err != nil {
		return err
	}
	if err := r.checkVersion(version, *r.Version(&cur), name); err != nil {
		return err
	}
	r.Delete(tx, k)
	return nil
}

func (r *Records[V]) checkVersion(have, want int64, name string) error {
	if have != want {
		return fmt.Errorf("%w: %s %q: stale version %d, current is %d", r.Errors.Conflict, r.Name, name, have, want)
	}
	return nil
}

// Exists reports whether a record keep accepts exists: a uniqueness check.
func (r *Records[V]) Exists(tx *Tx, keep func(V) bool) bool {
	return len(r.Select(tx, keep)) > 0
}

// Page returns one page of the records keep accepts, in the order of sortKey,
// which must be unique among them and order like the table's key.
func (r *Records[V]) Page(tx *Tx, page resellerkit.Page, keep func(V) bool, sortKey func(V) string) ([]V, string, error) {
	return resellerkit.Paginate(r.Select(tx, keep), page, sortKey)
}

// Read runs op as one operation on db (see DB.Do) and returns its result.
func Read[T any](ctx context.Context, db *DB, op func(tx *Tx) (T, error)) (T, error) {
	var out T
	err := db.Do(ctx, func(tx *Tx) error {
		var err error
		out, err = op(tx)
		return err
	})
	return out, err
}

// ReadPage is Read for an operation returning a page.
func ReadPage[T any](ctx context.Context, db *DB, op func(tx *Tx) ([]T, string, error)) ([]T, string, error) {
	var items []T
	var next string
	err := db.Do(ctx, func(tx *Tx) error {
		var err error
		items, next, err = op(tx)
		return err
	})
	return items, next, err
}
