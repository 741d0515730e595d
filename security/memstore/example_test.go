package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/memstore"
)

// Settings are saved with the version read (0 the first time) and every save is
// recorded (S-2); a maintenance run keeps one item per account, control and
// region, and an account's last drift is its items of the latest run that reached
// it (S-3); a finding is kept once (S-4).
func Example() {
	ctx := context.Background()
	s := memstore.New()
	t0 := time.Date(2026, 5, 20, 3, 0, 0, 0, time.UTC)

	st := security.DefaultSettings("o1", "111111111111")
	st.Profile, st.UpdatedBy, st.UpdatedAt = security.Secure, "user-1", t0
	err := s.PutSettings(ctx, st, security.Change{By: "user-1", At: t0, Before: security.DefaultSettings("o1", "111111111111"), After: st})
	fmt.Println(err)
	saved, _ := s.GetSettings(ctx, "o1", "111111111111")
	fmt.Println(saved.Profile, saved.Version)
	err = s.PutSettings(ctx, st, security.Change{By: "user-2", At: t0})
	fmt.Println(errors.Is(err, security.ErrConflict))
	changes, _, _ := s.ListChanges(ctx, "o1", "111111111111", resellerkit.Page{})
	fmt.Println(len(changes), changes[0].By, changes[0].After.Profile)

	_ = s.CreateRun(ctx, security.Run{ID: "r1", StartedAt: t0, State: security.RunRunning, Regions: []string{"us-east-1"}})
	item := security.Item{RunID: "r1", OrgID: "o1", AccountID: "111111111111", Control: security.GuardDuty,
		Region: "us-east-1", Desired: true, Drift: true, Action: security.ActionFailed, Error: "throttled", At: t0}
	_ = s.PutItem(ctx, item)
	item.Action, item.Error, item.Detail = security.ActionRepaired, "", "detector created"
	_ = s.PutItem(ctx, item) // the retry after a crash replaces the first attempt
	run, items, _ := s.LastItems(ctx, "o1", "111111111111")
	fmt.Println(run.ID, len(items), items[0].Action, items[0].Detail)
	unfinished, _ := s.UnfinishedRun(ctx)
	fmt.Println("resume", unfinished.ID)

	a := security.Alert{ID: "finding-1", OrgID: "o1", AccountID: "111111111111", Severity: "HIGH", ReceivedAt: t0}
	first, _ := s.PutAlert(ctx, a)
	again, _ := s.PutAlert(ctx, a)
	fmt.Println(first, again)
	// Output:
	// <nil>
	// secure 1
	// true
	// 1 user-1 secure
	// r1 1 repaired detector created
	// resume r1
	// true false
}
