package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/members/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/money"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

// One database serves every package: open it with sqldb.Open (an SQLite file, or a
// postgres:// URL), hand it to sqlstore.New, which applies the members migrations,
// and to other packages' stores. A transaction of the database carries over to
// every store called with its context; a stale version is ErrConflict, a taken key
// ErrAlreadyExists.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "sqlstore-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)

	db, err := sqldb.Open(ctx, filepath.Join(dir, "reseller.db"))
	if err != nil {
		panic(err)
	}
	defer db.Close()
	store, err := sqlstore.New(ctx, db)
	if err != nil {
		panic(err)
	}
	applied, _ := db.AppliedMigrations(ctx, sqlstore.Component)
	fmt.Println("members migrations:", applied)

	now := time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)
	if err := store.CreateOrganization(ctx, members.Organization{ID: "org-1", Code: "acme", Name: "ACME KK", CreatedAt: now}); err != nil {
		panic(err)
	}

	// A transaction of the database; the store joins it through the context.
	err = db.InTx(ctx, func(ctx context.Context) error {
		p := members.Project{ID: "web", OrgID: "org-1", Name: "Web", Currency: money.JPY, CreatedAt: now}
		if err := store.CreateProject(ctx, p); err != nil {
			return err
		}
		return errors.New("the next step failed") // so nothing is kept
	})
	ps, _, _ := store.ListProjects(ctx, "org-1", resellerkit.Page{})
	fmt.Println(err, "/ projects kept:", len(ps))

	o, err := store.GetOrganization(ctx, "org-1")
	if err != nil {
		panic(err)
	}
	o.Alias = "ACME"
	fmt.Println("first update:", store.UpdateOrganization(ctx, o))
	o.Alias = "ACME Japan" // o.Version is now stale
	fmt.Println("second update conflicts:", errors.Is(store.UpdateOrganization(ctx, o), members.ErrConflict))
	err = store.CreateOrganization(ctx, members.Organization{ID: "org-2", Code: "acme", Name: "Other"})
	fmt.Println("taken code:", errors.Is(err, members.ErrAlreadyExists))
	// Output:
	// members migrations: [1 2 4]
	// the next step failed / projects kept: 0
	// first update: <nil>
	// second update conflicts: true
	// taken code: true
}
