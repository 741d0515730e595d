package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/contacts/memstore"
)

// A notice is written in the transaction of the change that causes it: when the
// transaction fails, neither is kept (C-7). A dispatcher then claims due notices,
// starts an attempt (counted) when it sends one, and records the outcome.
func Example() {
	ctx := context.Background()
	s := memstore.New()
	t0 := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	saveAndNotify := func(ctx context.Context) error {
		c := contacts.AccountContacts{OrgID: "o1", AccountID: "123456789012", Language: contacts.English,
			Recipients: contacts.Recipients{Security: contacts.List{To: []string{"sec@example.com"}}}, UpdatedAt: t0}
		if err := s.PutAccountContacts(ctx, c); err != nil {
			return err
		}
		return s.EnqueueNotice(ctx, contacts.Notice{ID: "n1", Key: "contacts-changed:123456789012:1", OrgID: "o1",
			Kind: contacts.KindTechnicalNotice, To: []string{"sec@example.com"}, NextAt: t0, CreatedAt: t0})
	}

	err := s.InTx(ctx, func(ctx context.Context) error {
		if err := saveAndNotify(ctx); err != nil {
			return err
		}
		return errors.New("changed my mind")
	})
	_, getErr := s.GetNotice(ctx, "o1", "n1")
	fmt.Println(err, "/ notice kept:", !errors.Is(getErr, contacts.ErrNotFound))

	fmt.Println(s.InTx(ctx, saveAndNotify))
	due, _ := s.ClaimNotices(ctx, "dispatcher-1", t0, t0.Add(time.Minute), 10)
	n := due[0]
	fmt.Println(n.ID, n.State, "attempts", n.Attempts, "leased by", n.LeaseOwner)
	fmt.Println(s.StartNotice(ctx, n, "dispatcher-1")) // just before the send: it counts
	n.Attempts++

	n.State, n.SentAt = contacts.NoticeSent, t0.Add(time.Second)
	fmt.Println(s.FinishNotice(ctx, n, "dispatcher-1"))
	err = s.FinishNotice(ctx, n, "dispatcher-1") // the lease is gone
	fmt.Println("again:", errors.Is(err, contacts.ErrConflict))
	// Output:
	// changed my mind / notice kept: false
	// <nil>
	// n1 queued attempts 0 leased by dispatcher-1
	// <nil>
	// <nil>
	// again: true
}
