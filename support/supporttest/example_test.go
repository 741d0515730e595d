package supporttest_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/seeda33a2f4f/resellerkit/support"
	"github.com/seeda33a2f4f/resellerkit/support/memstore"
	"github.com/seeda33a2f4f/resellerkit/support/supporttest"
)

// A store's test runs the suite on fresh stores:
//
//	func TestStore(t *testing.T) {
//		supporttest.TestStore(t, func(t *testing.T) support.Store { return memstore.New() })
//	}
//
// The fixture builders the suite uses are exported for stores' own extra tests;
// here on memstore, the store users put in their own tests.
func Example() {
	ctx := context.Background()
	s := memstore.New()
	t0 := time.Date(2026, 5, 20, 3, 0, 0, 0, time.UTC)

	c := supporttest.Case("o1", "111111111111", "case-1", t0)
	fmt.Println(s.CreateCase(ctx, c))
	_, err := s.GetCase(ctx, "o2", "case-1") // another organization's (M-7)
	fmt.Println(errors.Is(err, support.ErrNotFound))
	err = s.UpdateCase(ctx, c) // still Version 0: stale
	fmt.Println(errors.Is(err, support.ErrConflict))

	_ = s.AddReply(ctx, supporttest.Reply("o1", "case-1", "r1", t0.Add(time.Hour)))
	replies, _ := s.ListReplies(ctx, "o1", "case-1")
	fmt.Println(len(replies), replies[0].Side, len(replies[0].Attachments))

	purged, _ := s.PurgeCases(ctx, t0.AddDate(1, 0, 0), 100) // P-5: a year later
	fmt.Println(purged)
	// Output:
	// <nil>
	// true
	// true
	// 1 desk 2
	// [case-1]
}
