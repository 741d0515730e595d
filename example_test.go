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
// the in-memory store, and the tenant isolation every call enforces.
func Example() {
	ctx := context.Background()
	svc := members.NewService(memstore.New())

	alice := members.Principal{IdentityID: "alice", Email: "alice@example.co.jp", MFA: true}
	staff := members.Principal{IdentityID: "ops", Operator: true, MFA: true} // the reseller's staff

	org, err := svc.CreateOrganization(ctx, alice, members.NewOrganization{Code: "acme", Name: "Acme K.K."})
	if err != nil {
		panic(err)
	}
	proj, err := svc.CreateProject(ctx, alice, org.ID, members.Project{
		Name: "Web", PaymentMethod: members.PaymentBankTransfer, Currency: money.JPY,
		InvoiceTo: []string{"billing@example.co.jp"},
	})
	if err != nil {
		panic(err)
	}
	if _, err := svc.RegisterAccount(ctx, staff, org.ID, members.NewAccount{ID: "123456789012", ProjectID: proj.ID}); err != nil {
		panic(err)
	}
	accounts, _, _ := svc.ListAccounts(ctx, alice, org.ID, resellerkit.Page{})
	fmt.Println(org.DisplayName(), proj.Name, len(accounts), accounts[0].ID)

	// Bob belongs to no organization: whatever id he passes, he is denied.
	bob := members.Principal{IdentityID: "bob", Email: "bob@example.com", MFA: true}
	_, _, err = svc.ListProjects(ctx, bob, org.ID, resellerkit.Page{})
	fmt.Println(errors.Is(err, members.ErrPermissionDenied))
	// Output:
	// Acme K.K. Web 1 123456789012
	// true
}
