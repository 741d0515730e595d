package memdb

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// DB is one in-memory database: the lock its tables share.
type DB struct {
	sem chan struct{} // a one-slot semaphore: the lock, which honours contexts
}

// New returns an empty database.
func New() *DB { return &DB{sem: make(chan struct{}, 1)} }

// stuckAfter is how long waiting for a lock may take before the wait fails with
// ErrStuck: a transaction's callback that calls a store with a context other than
// the one it received waits for its own lock forever, and an error that says so
// beats a hang.
const stuckAfter = time.Minute

// ErrStuck is wrapped by the error of an operation that waited too long for a
// database lock.
var ErrStuck = errors.New("memdb: waited too long for a database lock")

func (db *DB) lock(ctx context.Context) error {
	select {
	case db.sem <- struct{}{}:
		return nil
	default:
	}
	t := time.NewTimer(stuckAfter)
	defer t.Stop()
	select {
	case db.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return fmt.Errorf("%w (%v): is a transaction's callback calling a store with a context other than the one InTx gave it, or two transactions taking two databases' locks in opposite orders?", ErrStuck, stuckAfter)
	}
}

func (db *DB) unlock() { <-db.sem }

// Tx is one database's part of a transaction: the rows it changed, by table. A
// write-through Tx (an operation outside any transaction) changes the tables
// directly.
type Tx struct {
	db       *DB
	through  bool
	overlays map[any]overlay // by *Table
}

// overlay is a table's changed rows in one transaction.
type overlay interface {
	apply()            // write the changes to the table
	clone() overlay    // a copy, for a savepoint
	restore(o overlay) // go back to a copy
}

// group is a transaction: the databases it holds, in the order it locked them.
type group struct {
	txs   map[*DB]*Tx
	order []*DB
}

type groupKey struct{}

func groupOf(ctx context.Context) *group {
	g, _ := ctx.Value(groupKey{}).(*group)
	return g
}

// join returns db's part of g, locking db when g reaches it first.
func (g *group) join(ctx context.Context, db *DB) (*Tx, error) {
	if tx, ok := g.txs[db]; ok {
		return tx, nil
	}
	if err := db.lock(ctx); err != nil {
		return nil, err
	}
	tx := &Tx{db: db, overlays: map[any]overlay{}}
	g.txs[db] = tx
	g.order = append(g.order, db)
	return tx, nil
}

// snapshot copies every overlay of g; restore goes back to it.
func (g *group) snapshot() map[*DB]map[any]overlay {
	s := make(map[*DB]map[any]overlay, len(g.txs))
	for db, tx := range g.txs {
		m := make(map[any]overlay, len(tx.overlays))
		for t, o := range tx.overlays {
			m[t] = o.clone()
		}
		s[db] = m
	}
	return s
}

func (g *group) restore(s map[*DB]map[any]overlay) {
	for db, tx := range g.txs {
		saved := s[db]
		for t, o := range tx.overlays {
			if so, ok := saved[t]; ok {
				o.restore(so)
			} else {
				delete(tx.overlays, t)
			}
		}
	}
}

// finish applies every change when commit is set, then releases the locks in
// reverse order.
func (g *group) finish(commit bool) {
	for i := len(g.order) - 1; i >= 0; i-- {
		db := g.order[i]
		if commit {
			for _, o := range g.txs[db].overlays {
				o.apply()
			}
		}
		db.unlock()
	}
}

// InTx runs fn in a transaction holding db's lock and commits its writes when fn
// returns nil; otherwise nothing fn wrote is kept and InTx returns fn's error
// unchanged. fn's context carries the transaction (see the package doc): use it
// for every operation fn makes. With a context that already carries a
// transaction, InTx joins it: fn's writes commit with it, and are undone if fn
// fails. A context that ends while InTx waits for the lock ends the wait with its
// error; one that ended when fn returns nil keeps nothing either and InTx returns
// its error, as a SQL commit with it fails.
func (db *DB) InTx(ctx context.Context, fn func(ctx context.Context) error) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	if g := groupOf(ctx); g != nil {
		if _, err := g.join(ctx, db); err != nil {
			return err
		}
		saved := g.snapshot()
		if err := fn(ctx); err != nil {
			g.restore(saved)
			return err
		}
		return nil
	}
	g := &group{txs: map[*DB]*Tx{}}
	if _, err := g.join(ctx, db); err != nil {
		return err
	}
	committed := false
	defer func() { g.finish(committed) }() // also on panic: release, keep nothing
	if err := fn(context.WithValue(ctx, groupKey{}, g)); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err // ended before the commit: nothing kept, as a SQL commit fails
	}
	committed = true
	return nil
}

// Do runs one operation of a store on db: in the transaction ctx carries (joining
// it), or else alone under db's lock, writing through. The operation must check
// everything before it writes, so that a failed call changes nothing even inside
// a transaction that goes on. A ctx already ended fails with its error and runs
// nothing, as a SQL store's call does.
func (db *DB) Do(ctx context.Context, op func(tx *Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if g := groupOf(ctx); g != nil {
		tx, err := g.join(ctx, db)
		if err != nil {
			return err
		}
		return op(tx)
	}
	if err := db.lock(ctx); err != nil {
		return err
	}
	defer db.unlock()
	return op(&Tx{db: db, through: true})
}
