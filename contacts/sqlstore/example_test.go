package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/contacts/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

// printer is a Transport that prints what it delivers.
type printer struct{}

func (printer) Send(_ context.Context, m contacts.Message) error {
	fmt.Printf("send %s to %v (key %s)\n", m.NoticeID, m.To, m.IdempotencyKey)
	return nil
}

// One database serves every package: open it with sqldb.Open (an SQLite file, or a
// postgres:// URL; here a private in-memory SQLite database) and hand it to
// sqlstore.New, which applies the contacts migrations. A notice is written in the
// transaction of the change that causes it, so when the transaction fails neither
// is kept (C-7); a Dispatcher then claims the due notices, sends them and records
// the outcome, and a key enqueued again is the same notice.
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
	fmt.Println("contacts migrations:", applied)

	t0 := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	notice := contacts.Notice{ID: "n1", Key: "contacts-changed:123456789012:1", OrgID: "o1", Kind: contacts.KindTechnicalNotice,
		Language: contacts.English, To: []string{"ops@example.com"}, Subject: "Contacts changed", NextAt: t0, CreatedAt: t0}
	saveAndNotify := func(ctx context.Context) error {
		c := contacts.AccountContacts{OrgID: "o1", AccountID: "123456789012", Language: contacts.English,
			Recipients: contacts.Recipients{Technical: contacts.List{To: []string{"ops@example.com"}}}, UpdatedAt: t0}
		if err := store.PutAccountContacts(ctx, c); err != nil {
			return err
		}
		return store.EnqueueNotice(ctx, notice)
	}

	err = store.InTx(ctx, func(ctx context.Context) error {
		if err := saveAndNotify(ctx); err != nil {
			return err
		}
		return errors.New("changed my mind")
	})
	_, getErr := store.GetNotice(ctx, "o1", "n1")
	fmt.Println(err, "/ notice kept:", !errors.Is(getErr, contacts.ErrNotFound))

	fmt.Println("saved and notified:", store.InTx(ctx, saveAndNotify))
	again := notice
	again.ID = "n2"
	fmt.Println("same key again:", errors.Is(store.EnqueueNotice(ctx, again), contacts.ErrAlreadyExists))

	d := contacts.NewDispatcher(store, printer{}, contacts.WithOwner("dispatcher-1"),
		contacts.WithDispatcherClock(func() time.Time { return t0.Add(time.Second) }))
	report, err := d.RunOnce(ctx)
	fmt.Printf("%+v %v\n", report, err)
	n, _ := store.GetNotice(ctx, "o1", "n1")
	fmt.Println(n.ID, n.State, "after", n.Attempts, "attempt, at", n.SentAt.Format(time.RFC3339))
	report, _ = d.RunOnce(ctx)
	fmt.Println("next round claims:", report.Claimed)
	// Output:
	// contacts migrations: [1 2 3 4]
	// changed my mind / notice kept: false
	// saved and notified: <nil>
	// same key again: true
	// send n1 to [ops@example.com] (key o1/contacts-changed:123456789012:1)
	// {Claimed:1 Sent:1 Retried:0 Dead:0 Lost:0 Expired:0} <nil>
	// n1 sent after 1 attempt, at 2026-04-01T09:00:01Z
	// next round claims: 0
}
