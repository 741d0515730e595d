package awsorg_test

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/members/awsorg"
	"github.com/seeda33a2f4f/resellerkit/members/memstore"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// A customer asks for a new account and the closure of an old one; the reseller's
// operator carries both out through the simulated AWS Organizations (M-11).
func Example() {
	ctx := context.Background()
	now := func() time.Time { return time.Date(2026, time.April, 20, 9, 0, 0, 0, time.UTC) }
	svc := members.NewService(memstore.New(), members.WithClock(now))
	alice := members.Principal{IdentityID: "alice", Email: "alice@acme.example", MFA: true}
	operator := members.Principal{IdentityID: "staff", MFA: true, Operator: true}
	org, _ := svc.CreateOrganization(ctx, alice, members.NewOrganization{Code: "acme", Name: "Acme K.K."})
	web, _ := svc.CreateProject(ctx, alice, org.ID, members.Project{Name: "Web", PaymentMethod: members.PaymentBankTransfer,
		Currency: money.JPY, InvoiceTo: []string{"billing@acme.example"}})
	old, _ := svc.RegisterAccount(ctx, operator, org.ID, members.NewAccount{ID: "111122223333", ProjectID: web.ID})

	carrier := awsorg.NewSimulated(svc, awsorg.Config{
		EmailDomain: "reseller.example",
		OUs:         map[string]string{"basic": "ou-basic", "secure": "ou-secure"},
		Now:         now,
	}, slog.New(slog.DiscardHandler)) // the portal logs every simulated call

	carry := func(in members.NewApplication) members.Application {
		app, err := svc.SubmitApplication(ctx, alice, org.ID, in)
		if err != nil {
			panic(err)
		}
		if _, err := svc.ReviewApplication(ctx, operator, org.ID, app.ID); err != nil {
			panic(err)
		}
		done, err := carrier.Complete(ctx, operator, org.ID, app.ID)
		if err != nil {
			panic(err)
		}
		return done
	}

	created := carry(members.NewApplication{Kind: members.AppNewAccount, ProjectID: web.ID, Details: "name: web-prod; profile: secure"})
	fmt.Println("new account:", created.State, created.Operation.State, len(created.Operation.AWSAccountID), "digits")
	acct, _ := svc.GetAccount(ctx, alice, org.ID, created.Operation.AWSAccountID)
	fmt.Println("the customer sees it in project Web:", acct.Ownership[0].ProjectID == web.ID)

	closed := carry(members.NewApplication{Kind: members.AppAccountClosure, AccountID: old.ID})
	fmt.Println("closure:", closed.State, closed.Operation.State)
	_, err := svc.ProjectOwning(ctx, old.ID, resellerkit.NewMonth(2026, time.May))
	fmt.Println("billed in May:", err == nil)
	// Output:
	// new account: completed succeeded 12 digits
	// the customer sees it in project Web: true
	// closure: completed succeeded
	// billed in May: false
}
