package securitytest_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/memstore"
	"github.com/seeda33a2f4f/resellerkit/security/securitytest"
)

// A store's test runs the suite on fresh stores:
//
//	func TestStore(t *testing.T) {
//		securitytest.TestStore(t, func(t *testing.T) security.Store { return memstore.New() })
//	}
//
// The fixture builders the suite uses are exported for stores' own extra tests;
// here on memstore, the store users put in their own tests.
func Example() {
	ctx := context.Background()
	s := memstore.New()
	t0 := time.Date(2026, 5, 20, 3, 0, 0, 0, time.UTC)

	st := securitytest.Settings("o1", "111111111111")
	fmt.Println(s.PutSettings(ctx, st, securitytest.Change(st, "user-1")))
	err := s.PutSettings(ctx, st, securitytest.Change(st, "user-2")) // still Version 0
	fmt.Println(errors.Is(err, security.ErrConflict))

	_ = s.CreateRun(ctx, securitytest.Run("r1", t0))
	_ = s.PutItem(ctx, securitytest.Item("r1", "o1", "111111111111", security.GuardDuty, "us-east-1"))
	run, items, _ := s.LastItems(ctx, "o1", "111111111111")
	fmt.Println(run.ID, len(items), items[0].Action)

	first, _ := s.PutAlert(ctx, securitytest.Alert("o1", "111111111111", "f1", t0))
	again, _ := s.PutAlert(ctx, securitytest.Alert("o1", "111111111111", "f1", t0))
	fmt.Println(first, again)
	// Output:
	// <nil>
	// true
	// r1 1 repaired
	// true false
}
