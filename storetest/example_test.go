package storetest_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// notes is a store of a made-up domain: notes of an owner, each with a key
// unique across owners, listed by owner in keyset pages.
type notes struct {
	mu    sync.Mutex
	owner map[string]string // key → owner
}

type note struct{ Key, Owner string }

var errTaken = errors.New("notes: key taken")

func newNotes(*testing.T) *notes { return &notes{owner: map[string]string{}} }

// InTx runs fn and undoes its writes if it fails: enough transaction for a toy
// whose transactions never run at the same time as other writes.
func (s *notes) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	before := maps.Clone(s.owner)
	s.mu.Unlock()
	err := fn(ctx)
	if err != nil {
		s.mu.Lock()
		s.owner = before
		s.mu.Unlock()
	}
	return err
}

func (s *notes) Create(_ context.Context, n note) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.owner[n.Key]; ok {
		return fmt.Errorf("%w: %q", errTaken, n.Key)
	}
	s.owner[n.Key] = n.Owner
	return nil
}

func (s *notes) List(_ context.Context, owner string, p resellerkit.Page) ([]note, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ns []note
	for _, k := range slices.Sorted(maps.Keys(s.owner)) {
		if s.owner[k] == owner {
			ns = append(ns, note{k, owner})
		}
	}
	return resellerkit.Paginate(ns, p, func(n note) string { return n.Key })
}

// byOwner is the notes list as the paging checks see it.
var byOwner = storetest.Lister[*notes]{
	Name:   "List",
	Scopes: [2]string{"alice", "bob"},
	Add: func(ctx context.Context, s *notes, owner, key string) error {
		return s.Create(ctx, note{key, owner})
	},
	List: func(ctx context.Context, s *notes, owner string, p resellerkit.Page) ([]storetest.Row, string, error) {
		return storetest.RowsOf(func(n note) string { return n.Key },
			func(n note) string { return n.Owner })(s.List(ctx, owner, p))
	},
}

var sentinels = storetest.Sentinels{errTaken}

// notesDump is every note of s, keyed by its key, for storetest.SameDump.
func notesDump(_ context.Context, _ *testing.T, s *notes) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := map[string]any{}
	for k, o := range s.owner {
		d[k] = o
	}
	return d
}

// notesTx is the notes store for the transaction checks: a note of alice in the
// fixture, and Write creates one of bob.
var notesTx = storetest.Tx[*notes]{
	Seed: func(t *testing.T, s *notes) { storetest.Must(t, s.Create(t.Context(), note{"a1", "alice"})) },
	Dump: notesDump,
	Write: func(ctx context.Context, s *notes) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return s.Create(ctx, note{"b1", "bob"})
	},
	Check: func(t *testing.T, before, d map[string]any) {
		want := maps.Clone(before)
		want["b1"] = "bob"
		storetest.SameDump(t, want, d, "bob's note")
	},
}

// notesCases is the conformance suite of the notes store: a domain suite's
// TestStore runs it with storetest.Run(t, newStore, notesCases()).
func notesCases() []storetest.Case[*notes] {
	return []storetest.Case[*notes]{
		{"Notes/ConcurrentCreatesOneWins", func(t *testing.T, s *notes) {
			errs := storetest.Concurrently(4, func(i int) error {
				return s.Create(t.Context(), note{"k", fmt.Sprint("owner", i)})
			})
			w := sentinels.OneWinner(t, errs, errTaken)
			got := storetest.All(t, func(p resellerkit.Page) ([]note, string, error) {
				return s.List(t.Context(), fmt.Sprint("owner", w), p)
			})
			if len(got) != 1 {
				t.Errorf("the winner's notes: %v", got)
			}
		}},
		{"Paging/List/EveryRowOnceInByteOrder", byOwner.CheckOrder},
		{"Paging/List/PageSize", byOwner.CheckSizes},
		{"Paging/List/BadTokenIsErrPageToken", func(t *testing.T, s *notes) {
			byOwner.CheckBadTokens(t, s, sentinels, "alice", "carol")
		}},
		{"Paging/List/NoRowTwiceWhileRowsAreAdded", byOwner.CheckChanges},
		{"Paging/List/OnlyTheOwnersRows", func(t *testing.T, s *notes) { byOwner.CheckOwnRows(t, s, "carol", "Alice", "") }},
		{"Paging/List/TokenOfAnotherOwnerListsOnlyItsOwn", byOwner.CheckForeignToken},
		{"Paging/List/LimitAboveMaximumGetsMaximum", byOwner.CheckMaxLimit},
		{"Tx/CommitKeepsEverything", notesTx.CheckCommit},
		{"Tx/RollbackKeepsNothing", notesTx.CheckRollback},
		{"Tx/ReadsSeeUncommittedWrites", func(t *testing.T, s *notes) {
			notesTx.CheckReadsSeeWrites(t, s, func(ctx context.Context) {
				sentinels.Is(t, s.Create(ctx, note{"b1", "carol"}), errTaken, "bob's note holds its key")
			})
		}},
		{"Tx/CancelledContextWritesNothing", func(t *testing.T, s *notes) { notesTx.CheckCancelled(t, s, sentinels) }},
		{"Atomic/FailedCallsChangeNothing", func(t *testing.T, s *notes) {
			notesTx.CheckFailedCalls(t, s, func(ctx context.Context) {
				sentinels.Is(t, s.Create(ctx, note{"a1", "bob"}), errTaken, "alice's key")
			})
		}},
	}
}

// A domain's conformance suite is a table of cases; its TestStore hands the table
// to Run with the store constructor it was given:
//
//	func TestStore(t *testing.T, newStore func(t *testing.T) *notes) {
//		storetest.Run(t, newStore, notesCases())
//	}
//
// The pieces that need no *testing.T run anywhere: here, four racing creates of
// one key, of which one wins.
func Example() {
	s := newNotes(nil)
	errs := storetest.Concurrently(4, func(i int) error {
		return s.Create(context.Background(), note{"k1", fmt.Sprint("owner", i)})
	})
	won := slices.IndexFunc(errs, func(err error) bool { return err == nil })
	taken := 0
	for _, err := range errs {
		if errors.Is(err, errTaken) {
			taken++
		}
	}
	rows, next, _ := byOwner.List(context.Background(), s, fmt.Sprint("owner", won), resellerkit.Page{})
	fmt.Println("taken:", taken, "/ the winner's list:", storetest.Keys(rows), cmp.Or(next, `""`))
	for _, c := range notesCases()[:3] {
		fmt.Println(c.Name)
	}
	// Output:
	// taken: 3 / the winner's list: [k1] ""
	// Notes/ConcurrentCreatesOneWins
	// Paging/List/EveryRowOnceInByteOrder
	// Paging/List/PageSize
}
