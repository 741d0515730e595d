package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/support"
	"github.com/seeda33a2f4f/resellerkit/support/memstore"
)

// A case is opened about an organization's AWS account (P-1) and updated with
// the version read (P-3); its conversation is read whole, oldest first; the desk
// lists the cases waiting for it across organizations; a year after their
// creation cases are purged with their replies (P-5).
func Example() {
	ctx := context.Background()
	s := memstore.New()
	t0 := time.Date(2026, 5, 20, 3, 0, 0, 0, time.UTC)

	c := support.Case{ID: "case-1", OrgID: "o1", AccountID: "111111111111", Category: support.Technical,
		Severity: support.High, Subject: "EC2 に接続できません", State: support.Open, OpenedBy: "user-1", CreatedAt: t0}
	fmt.Println(s.CreateCase(ctx, c))
	got, _ := s.GetCase(ctx, "o1", "case-1")
	fmt.Println(got.State, got.Version)
	got.State, got.Assignee, got.UpdatedAt = support.InProgress, "op-1", t0.Add(time.Minute)
	fmt.Println(s.UpdateCase(ctx, got))
	err := s.UpdateCase(ctx, got) // the version read is stale now
	fmt.Println(errors.Is(err, support.ErrConflict))

	_ = s.AddReply(ctx, support.Reply{ID: "r2", CaseID: "case-1", OrgID: "o1", Side: support.Customer, Body: "ありがとう", CreatedAt: t0.Add(time.Hour)})
	_ = s.AddReply(ctx, support.Reply{ID: "r1", CaseID: "case-1", OrgID: "o1", Side: support.Desk, Body: "確認します", CreatedAt: t0.Add(time.Minute),
		Attachments: []support.Attachment{{Name: "log.txt", Size: 12, Ref: "s3://bucket/case-1/log.txt"}}})
	replies, _ := s.ListReplies(ctx, "o1", "case-1")
	for _, r := range replies {
		fmt.Println(r.ID, r.Side, len(r.Attachments))
	}
	err = s.AddReply(ctx, support.Reply{ID: "r3", CaseID: "case-1", OrgID: "o2"}) // another organization's case (M-7)
	fmt.Println(errors.Is(err, support.ErrNotFound))

	queue, _, _ := s.ListCases(ctx, support.CaseFilter{States: []support.State{support.Open, support.InProgress}}, resellerkit.Page{})
	fmt.Println(len(queue), queue[0].ID, queue[0].Assignee)

	purged, _ := s.PurgeCases(ctx, t0.AddDate(1, 0, 0), 100)
	_, err = s.ListReplies(ctx, "o1", "case-1")
	fmt.Println(purged, errors.Is(err, support.ErrNotFound))
	// Output:
	// <nil>
	// open 1
	// <nil>
	// true
	// r1 desk 1
	// r2 customer 0
	// true
	// 1 case-1 op-1
	// [case-1] true
}
