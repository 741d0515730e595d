package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

// One database serves every package: open it with sqldb.Open (an SQLite file, or
// a postgres:// URL; here a private in-memory SQLite database) and hand it to
// sqlstore.New, which applies the security migrations. Settings are saved with the
// version read and every save is recorded (S-2); a run's items are kept per
// account, control and region, and a crashed run is found again (S-3); a finding
// is kept once (S-4).
func Example() {
	ctx := context.Background()
	db, err := sqldb.Open(ctx, ":memory:")
	if err != nil {
		panic(err)
	}
	defer db.Close()
	store, err := sqlstore.New(ctx, db)
	if err != nil {
		panic(err)
	}
	applied, _ := db.AppliedMigrations(ctx, sqlstore.Component)
	fmt.Println("security migrations:", applied)

	t0 := time.Date(2026, 6, 2, 6, 0, 0, 0, time.UTC)
	st := security.DefaultSettings("o1", "111111111111")
	st.Profile, st.UpdatedBy, st.UpdatedAt = security.Secure, "user-1", t0
	fmt.Println(store.PutSettings(ctx, st, security.Change{By: "user-1", At: t0, Before: security.DefaultSettings("o1", "111111111111"), After: st}))
	err = store.PutSettings(ctx, st, security.Change{By: "user-2", At: t0}) // Version 0 again: stale
	fmt.Println(errors.Is(err, security.ErrConflict))
	changes, _, _ := store.ListChanges(ctx, "o1", "111111111111", resellerkit.Page{})
	fmt.Println(len(changes), changes[0].By, changes[0].Before.Profile, "→", changes[0].After.Profile)

	_ = store.CreateRun(ctx, security.Run{ID: "r1", StartedAt: t0, State: security.RunRunning, Regions: []string{"us-east-1"}})
	for _, action := range []security.Action{security.ActionFailed, security.ActionRepaired} {
		_ = store.PutItem(ctx, security.Item{RunID: "r1", OrgID: "o1", AccountID: "111111111111",
			Control: security.GuardDuty, Region: "us-east-1", Desired: true, Drift: true, Action: action, At: t0})
	}
	resume, _ := store.UnfinishedRun(ctx)
	items, _ := store.ListItems(ctx, resume.ID, "o1", "")
	fmt.Println("resume", resume.ID, len(items), items[0].Action)

	a := security.Alert{ID: "finding-1", OrgID: "o1", AccountID: "111111111111", Severity: "CRITICAL", Score: 90,
		Incident: true, ReceivedAt: t0}
	first, _ := store.PutAlert(ctx, a)
	again, _ := store.PutAlert(ctx, a)
	fmt.Println(first, again)
	// Output:
	// security migrations: [1 2 3]
	// <nil>
	// true
	// 1 user-1 basic → secure
	// resume r1 1 repaired
	// true false
}
