package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/members/sqlstore"
)

// Open an SQLite file (or a postgres:// URL), store an organization and see
// optimistic concurrency turn a stale write into ErrConflict.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "sqlstore-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)

	store, err := sqlstore.Open(ctx, filepath.Join(dir, "members.db"))
	if err != nil {
		panic(err)
	}
	defer store.Close()

	now := time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)
	err = store.CreateOrganization(ctx, members.Organization{
		ID: "org-1", Code: "acme", Name: "ACME KK", CreatedAt: now, UpdatedAt: now,
	})
	if err != nil {
		panic(err)
	}

	o, err := store.GetOrganization(ctx, "org-1")
	if err != nil {
		panic(err)
	}
	fmt.Println(o.DisplayName(), "version", o.Version)

	o.Alias = "ACME"
	fmt.Println("first update:", store.UpdateOrganization(ctx, o))
	o.Alias = "ACME Japan" // o.Version is now stale
	err = store.UpdateOrganization(ctx, o)
	fmt.Println("second update conflicts:", errors.Is(err, members.ErrConflict))

	_, err = store.GetOrganization(ctx, "org-2")
	fmt.Println("missing:", errors.Is(err, members.ErrNotFound))
	// Output:
	// ACME KK version 1
	// first update: <nil>
	// second update conflicts: true
	// missing: true
}
