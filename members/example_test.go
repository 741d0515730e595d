package members_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/members/memstore"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// exampleService returns a Service on memstore with a fixed clock and readable ids.
func exampleService(now time.Time) *members.Service {
	n := 0
	return members.NewService(memstore.New(),
		members.WithClock(func() time.Time { return now }),
		members.WithIDGenerator(func() string { n++; return fmt.Sprintf("id%d", n) }))
}

// A customer creates an organization and a project, the reseller registers an account,
// and a move takes effect from the next month (M-3).
func Example() {
	ctx := context.Background()
	svc := exampleService(time.Date(2025, time.March, 14, 0, 0, 0, 0, time.UTC))
	alice := members.Principal{IdentityID: "alice", Email: "alice@acme.example", MFA: true}
	operator := members.Principal{IdentityID: "staff", MFA: true, Operator: true}

	org, _ := svc.CreateOrganization(ctx, alice, members.NewOrganization{Code: "acme", Name: "Acme K.K."})
	newProject := func(name string) members.Project {
		p, err := svc.CreateProject(ctx, alice, org.ID, members.Project{
			Name: name, PaymentMethod: members.PaymentBankTransfer, Currency: money.JPY,
			InvoiceTo: []string{"billing@acme.example"},
		})
		if err != nil {
			panic(err)
		}
		return p
	}
	web, data := newProject("Web"), newProject("Data")
	acct, _ := svc.RegisterAccount(ctx, operator, org.ID, members.NewAccount{ID: "123456789012", ProjectID: web.ID})

	if _, err := svc.MoveAccount(ctx, alice, org.ID, acct.ID, data.ID, acct.Version); err != nil {
		panic(err)
	}
	for _, month := range []resellerkit.Month{resellerkit.NewMonth(2025, time.March), resellerkit.NewMonth(2025, time.April)} {
		owner, _ := svc.ProjectOwning(ctx, acct.ID, month)
		fmt.Printf("%s: billed to %s\n", month, map[string]string{web.ID: "Web", data.ID: "Data"}[owner.ProjectID])
	}
	// Output:
	// 2025-03: billed to Web
	// 2025-04: billed to Data
}

// Granting a permission without its prerequisite is rejected, naming it (M-5).
func ExampleNormalizePermissions() {
	_, err := members.NormalizePermissions(members.MemberGeneral, []members.Permission{members.PermAccountView})
	fmt.Println(err)
	var ve *resellerkit.ValidationError
	if errors.As(err, &ve) {
		fmt.Println(ve.Field, ve.Value, ve.Rule)
	}
	set, _ := members.NormalizePermissions(members.MemberGeneral, []members.Permission{members.PermAccountView, members.PermProjectView})
	fmt.Println(set)
	// Output:
	// members: invalid input: permissions "account.view" (M-5): requires "project.view", which is not granted
	// permissions account.view M-5
	// [account.view project.view]
}

// Invitations expire; an expired one cannot be accepted (M-8).
func ExampleService_AcceptInvitation() {
	ctx := context.Background()
	now := time.Date(2025, time.March, 14, 0, 0, 0, 0, time.UTC)
	n := 0
	svc := members.NewService(memstore.New(),
		members.WithClock(func() time.Time { return now }),
		members.WithIDGenerator(func() string { n++; return fmt.Sprintf("id%d", n) }),
		members.WithInvitationTTL(48*time.Hour))
	alice := members.Principal{IdentityID: "alice", Email: "alice@acme.example", MFA: true}
	bob := members.Principal{IdentityID: "bob", Email: "bob@acme.example"}
	org, _ := svc.CreateOrganization(ctx, alice, members.NewOrganization{Code: "acme", Name: "Acme K.K."})

	inv, _ := svc.Invite(ctx, alice, org.ID, members.NewInvitation{
		Email: bob.Email, Type: members.MemberGeneral, Permissions: []members.Permission{members.PermProjectView},
	})
	fmt.Println(inv.State, inv.ExpiresAt.Format(time.DateOnly))

	now = now.Add(72 * time.Hour)
	_, err := svc.AcceptInvitation(ctx, bob, org.ID, inv.ID)
	fmt.Println(errors.Is(err, members.ErrInvalid), err)
	// Output:
	// pending 2025-03-16
	// true members: invalid input: state "expired" (M-8): the invitation has expired and cannot be accepted
}

// Denial never tells an outsider whether an organization exists (M-7).
func ExampleCheck() {
	org := members.Organization{ID: "o1", EnforceMFA: true}
	bob := members.Principal{IdentityID: "bob"}
	member := &members.Membership{OrgID: "o1", IdentityID: "bob", Type: members.MemberGeneral,
		Permissions: []members.Permission{members.PermProjectView}}

	fmt.Println(members.Check(bob, org, nil, members.PermProjectView))
	fmt.Println(members.Check(bob, org, member, members.PermProjectView))
	bob.MFA = true
	fmt.Println(members.Check(bob, org, member, members.PermProjectView))
	fmt.Println(members.Check(bob, org, member, members.PermChargesView))
	// Output:
	// members: permission denied
	// members: permission denied: the organization requires multi-factor authentication (M-6)
	// <nil>
	// members: permission denied: "charges.view" is required
}
