package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/seeda33a2f4f/resellerkit/members"
	msqlstore "github.com/seeda33a2f4f/resellerkit/members/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/money"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

// Example runs one simulated maintenance pass on a fresh database with one
// organization of two accounts, in two regions: the basic profile's controls are
// repaired but root MFA (report only); the maintained ones are off.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "maintenance")
	defer os.RemoveAll(dir)
	dsn := filepath.Join(dir, "portal.db")

	db, _ := sqldb.Open(ctx, dsn)
	store, _ := msqlstore.New(ctx, db)
	svc := members.NewService(store)
	alice := members.Principal{IdentityID: "alice", Email: "alice@acme.example", MFA: true}
	staff := members.Principal{IdentityID: "staff", MFA: true, Operator: true}
	org, _ := svc.CreateOrganization(ctx, alice, members.NewOrganization{Code: "acme", Name: "Acme K.K."})
	p, _ := svc.CreateProject(ctx, alice, org.ID, members.Project{Name: "Prod", PaymentMethod: members.PaymentBankTransfer,
		Currency: money.JPY, InvoiceTo: []string{"billing@acme.example"}})
	for _, id := range []string{"111111111111", "222222222222"} {
		_, _ = svc.RegisterAccount(ctx, staff, org.ID, members.NewAccount{ID: id, ProjectID: p.ID})
	}
	db.Close()

	var stderr strings.Builder
	err := run(ctx, []string{"-db", dsn, "-simulate", "-regions", "ap-northeast-1,us-east-1", "-issue", "111111111111,222222222222"}, io.Discard, &stderr)
	fmt.Print(stderr.String())
	fmt.Println(err)
	// Output:
	// maintenance: 2 accounts, 40 items: 28 drifted, 26 repaired, 0 failed
	// <nil>
}
