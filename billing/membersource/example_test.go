package membersource_test

import (
	"context"
	"fmt"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/membersource"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/members/memstore"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// The monthly invoicing job asks members which project owns which account: a move
// made in October shows on November's invoice.
func Example() {
	ctx := context.Background()
	now := time.Date(2026, time.October, 20, 9, 0, 0, 0, time.UTC)
	svc := members.NewService(memstore.New(), members.WithClock(func() time.Time { return now }))
	alice := members.Principal{IdentityID: "alice", Email: "alice@acme.example", MFA: true}
	staff := members.Principal{IdentityID: "staff", MFA: true, Operator: true}
	org, _ := svc.CreateOrganization(ctx, alice, members.NewOrganization{Code: "acme", Name: "Acme"})
	project := func(name string) members.Project {
		p, err := svc.CreateProject(ctx, alice, org.ID, members.Project{Name: name, PaymentMethod: members.PaymentCard,
			Currency: money.USD, InvoiceTo: []string{"billing@acme.example"}})
		if err != nil {
			panic(err)
		}
		return p
	}
	web, data := project("Web"), project("Data")
	acct, _ := svc.RegisterAccount(ctx, staff, org.ID, members.NewAccount{ID: "123456789012", ProjectID: web.ID})
	if _, err := svc.MoveAccount(ctx, alice, org.ID, acct.ID, data.ID, acct.Version); err != nil {
		panic(err)
	}

	src := membersource.New(svc, &billing.Plans{})
	for _, m := range []resellerkit.Month{resellerkit.MonthOf(now), resellerkit.MonthOf(now).Next()} {
		projects, err := src.ProjectsFor(ctx, m)
		if err != nil {
			panic(err)
		}
		for _, p := range projects {
			fmt.Println(m, p.Name, p.Accounts)
		}
	}
	// Output:
	// 2026-10 Web [123456789012]
	// 2026-11 Data [123456789012]
}
