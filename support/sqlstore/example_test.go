package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/support"
	"github.com/seeda33a2f4f/resellerkit/support/sqlstore"
)

// One database serves every package: open it with sqldb.Open (an SQLite file, or
// a postgres:// URL; here a private in-memory SQLite database) and hand it to
// sqlstore.New, which applies the support migrations. A case is opened about an
// organization's account (P-1) and updated with the version read (P-3); its
// conversation is read whole, oldest first; the desk lists its queue across
// organizations; a year on, cases are purged with their replies (P-5).
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
	fmt.Println("support migrations:", applied)

	t0 := time.Date(2026, 6, 2, 6, 0, 0, 0, time.UTC)
	c := support.Case{ID: "case-1", OrgID: "o1", AccountID: "111111111111", Category: support.AccountBilling,
		Severity: support.Normal, Subject: "5月分の請求書について", State: support.Open, OpenedBy: "user-1",
		CC: []string{"finance@example.co.jp"}, CreatedAt: t0}
	fmt.Println(store.CreateCase(ctx, c))
	got, _ := store.GetCase(ctx, "o1", "case-1")
	got.State, got.Assignee = support.WaitingOnCustomer, "op-1"
	got.Waiting = []support.Span{{Start: t0.Add(time.Hour)}} // open: waiting now
	fmt.Println(store.UpdateCase(ctx, got))
	err = store.UpdateCase(ctx, got) // the version read is stale now
	fmt.Println(errors.Is(err, support.ErrConflict))

	_ = store.AddReply(ctx, support.Reply{ID: "r1", CaseID: "case-1", OrgID: "o1", Side: support.Desk,
		Body: "請求書を添付します。", CreatedAt: t0.Add(time.Hour),
		Attachments: []support.Attachment{{Name: "invoice.pdf", Size: 52_344, Ref: "s3://reseller-support/case-1/invoice.pdf"}}})
	replies, _ := store.ListReplies(ctx, "o1", "case-1")
	fmt.Println(len(replies), replies[0].Attachments[0].Name)

	queue, _, _ := store.ListCases(ctx, support.CaseFilter{States: []support.State{support.WaitingOnCustomer}}, resellerkit.Page{})
	fmt.Println(len(queue), queue[0].ID, queue[0].Version, queue[0].Waiting[0].End.IsZero())

	purged, _ := store.PurgeCases(ctx, t0.AddDate(1, 0, 0), 100)
	_, err = store.GetCase(ctx, "", "case-1")
	fmt.Println(purged, errors.Is(err, support.ErrNotFound))
	// Output:
	// support migrations: [1 2]
	// <nil>
	// <nil>
	// true
	// 1 invoice.pdf
	// 1 case-1 2 true
	// [case-1] true
}
