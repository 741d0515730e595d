package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/identity/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

// One database serves every package: open it with sqldb.Open (an SQLite file, or a
// postgres:// URL; here a private in-memory SQLite database), hand it to
// sqlstore.New, which applies the identity migrations, and to other packages'
// stores. A taken email is ErrAlreadyExists; a TOTP step is accepted once; a
// ticket works once; deleting an identity deletes its sessions.
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
	fmt.Println("identity migrations:", applied)

	now := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
	alice := identity.Identity{ID: "id-alice", Email: "alice@example.com", Name: "Alice", CreatedAt: now}
	if err := store.CreateIdentity(ctx, alice); err != nil {
		panic(err)
	}
	err = store.CreateIdentity(ctx, identity.Identity{ID: "id-other", Email: "alice@example.com"})
	fmt.Println("taken email:", errors.Is(err, identity.ErrAlreadyExists))

	// The identity and its first session commit together, or not at all.
	err = store.InTx(ctx, func(ctx context.Context) error {
		return store.CreateSession(ctx, identity.Session{ID: "s1", TokenHash: "9f86d0…", IdentityID: alice.ID,
			Method: "password", CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(12 * time.Hour)})
	})
	fmt.Println("session:", err)

	if err := store.CreateTOTP(ctx, identity.TOTP{IdentityID: alice.ID, Secret: []byte("12345678901234567890"), CreatedAt: now}); err != nil {
		panic(err)
	}
	step := now.Unix() / 30
	fmt.Println("first use of a code:", store.AdvanceTOTPStep(ctx, alice.ID, step))
	fmt.Println("replayed code conflicts:", errors.Is(store.AdvanceTOTPStep(ctx, alice.ID, step), identity.ErrConflict))

	reset := identity.Ticket{Hash: "e3b0c4…", Purpose: "password_reset", IdentityID: alice.ID, ExpiresAt: now.Add(time.Hour)}
	if err := store.CreateTicket(ctx, reset); err != nil {
		panic(err)
	}
	t, err := store.TakeTicket(ctx, reset.Hash, "password_reset")
	fmt.Println("ticket for:", t.IdentityID, err)
	_, err = store.TakeTicket(ctx, reset.Hash, "password_reset")
	fmt.Println("taken again:", errors.Is(err, identity.ErrNotFound))

	if err := store.DeleteIdentity(ctx, alice.ID, 1); err != nil {
		panic(err)
	}
	_, err = store.GetSessionByTokenHash(ctx, "9f86d0…")
	fmt.Println("session after deletion:", errors.Is(err, identity.ErrNotFound))
	// Output:
	// identity migrations: [1 2]
	// taken email: true
	// session: <nil>
	// first use of a code: <nil>
	// replayed code conflicts: true
	// ticket for: id-alice <nil>
	// taken again: true
	// session after deletion: true
}
