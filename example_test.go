package resellerkit_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/members/memstore"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// Example is the README's quick start: an organization, a project and an account on
// the in-memory store, a paged list, and the tenant isolation every call enforces.
func Example() {
	ctx := context.Background()
	svc := members.NewService(memstore.New())
	alice := members.Principal{IdentityID: "alice", Email: "alice@example.co.jp", MFA: true}
	staff := members.Principal{IdentityID: "ops", Operator: true, MFA: true} // the reseller's staff

	org, _ := svc.CreateOrganization(ctx, alice, members.NewOrganization{Code: "acme", Name: "Acme K.K."})
	proj, _ := svc.CreateProject(ctx, alice, org.ID, members.Project{Name: "Web",
		PaymentMethod: members.PaymentBankTransfer, Currency: money.JPY,
		InvoiceTo: []string{"billing@example.co.jp"}})
	_, err := svc.RegisterAccount(ctx, staff, org.ID, members.NewAccount{ID: "123456789012", ProjectID: proj.ID})
	fmt.Println(err) // <nil>

	accounts, next, _ := svc.ListAccounts(ctx, alice, org.ID, resellerkit.Page{Limit: 50})
	fmt.Println(len(accounts), next == "") // 1 true: every list pages by keyset

	bob := members.Principal{IdentityID: "bob", MFA: true} // in no organization
	_, _, err = svc.ListProjects(ctx, bob, org.ID, resellerkit.Page{})
	fmt.Println(errors.Is(err, members.ErrPermissionDenied)) // true: tenant isolation (M-7)
	// Output:
	// <nil>
	// 1 true
	// true
}
