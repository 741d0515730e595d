package memdb_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/memdb"
)

// Note is a record of a user's own store.
type Note struct {
	ID, OrgID, Text string
	Version         int64
}

var (
	errNotFound = errors.New("notes: not found")
	errExists   = errors.New("notes: already exists")
	errConflict = errors.New("notes: changed concurrently")
)

// NoteStore is a fake of a user's own store, built the way resellerkit's memstores
// are.
type NoteStore struct {
	db    *memdb.DB
	notes *memdb.Records[Note]
}

// NewNoteStore returns an empty NoteStore.
func NewNoteStore() *NoteStore {
	db := memdb.New()
	return &NoteStore{db: db, notes: &memdb.Records[Note]{
		Table: memdb.NewTable[string](db, func(n Note) Note { return n }),
		Name:  "note", Key: func(n Note) string { return n.ID }, Scope: func(n Note) string { return n.OrgID },
		Version: func(n *Note) *int64 { return &n.Version },
		Errors:  memdb.Errors{NotFound: errNotFound, AlreadyExists: errExists, Conflict: errConflict},
	}}
}

// InTx runs fn in one transaction.
func (s *NoteStore) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.db.InTx(ctx, fn)
}

// Create stores a new note.
func (s *NoteStore) Create(ctx context.Context, n Note) error {
	return s.db.Do(ctx, func(tx *memdb.Tx) error { return s.notes.Create(tx, n) })
}

// Get returns a note of orgID.
func (s *NoteStore) Get(ctx context.Context, orgID, id string) (Note, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) (Note, error) { return s.notes.Find(tx, id, orgID, id) })
}

// List returns a page of orgID's notes.
func (s *NoteStore) List(ctx context.Context, orgID string, page resellerkit.Page) ([]Note, string, error) {
	return memdb.ReadPage(ctx, s.db, func(tx *memdb.Tx) ([]Note, string, error) {
		return s.notes.Page(tx, page, func(n Note) bool { return n.OrgID == orgID }, s.notes.Key)
	})
}

// A fake store in a few lines: scoped reads, a transaction that keeps nothing when it
// fails, keyset pages.
func Example() {
	ctx := context.Background()
	s := NewNoteStore()
	_ = s.Create(ctx, Note{ID: "n1", OrgID: "acme", Text: "hello"})

	err := s.InTx(ctx, func(ctx context.Context) error {
		if err := s.Create(ctx, Note{ID: "n2", OrgID: "acme", Text: "draft"}); err != nil {
			return err
		}
		return errors.New("changed my mind")
	})
	fmt.Println(err)

	_, err = s.Get(ctx, "globex", "n1")
	fmt.Println(errors.Is(err, errNotFound), err) // another organization's note looks missing
	fmt.Println(errors.Is(s.Create(ctx, Note{ID: "n1", OrgID: "acme"}), errExists))

	notes, next, _ := s.List(ctx, "acme", resellerkit.Page{Limit: 10})
	fmt.Println(len(notes), notes[0].Version, next == "")
	// Output:
	// changed my mind
	// true notes: not found: note "n1"
	// true
	// 1 1 true
}
