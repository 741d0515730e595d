package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// The demo data: three identities with readable ids (the seed acts as them, the
// way the Service would for them once signed in), one organization, two projects,
// five accounts.
const demoOrgCode = "demo"

var (
	demoPower = members.Principal{IdentityID: "demo-power", Email: "power@demo.example.com", MFA: true}
	// demoGeneral signed in without MFA: turning EnforceMFA on shows M-6 denying it.
	demoGeneral  = members.Principal{IdentityID: "demo-general", Email: "general@demo.example.com"}
	demoOperator = members.Principal{IdentityID: "demo-operator", Email: "operator@reseller.example.com", MFA: true, Operator: true}

	// demoViewOnly is the general user's permission set: view-only (M-5).
	demoViewOnly = []members.Permission{members.PermProjectView, members.PermAccountView, members.PermChargesView, members.PermInvoiceView}

	demoProjects = []members.Project{
		{Name: "Production", Plan: "standard", PaymentMethod: members.PaymentBankTransfer, Currency: money.JPY,
			InvoiceTo: []string{"billing@demo.example.com"}, InvoiceCC: []string{"cfo@demo.example.com"}},
		{Name: "Development", Plan: "standard", PaymentMethod: members.PaymentCard, Currency: money.USD,
			InvoiceTo: []string{"dev-billing@demo.example.com"}},
	}
	// demoAccounts lists the five accounts and the index of their project.
	demoAccounts = []struct {
		id, name string
		project  int
	}{
		{"100000000001", "prod-web", 0},
		{"100000000002", "prod-db", 0},
		{"100000000003", "prod-logging", 0},
		{"100000000004", "dev-sandbox", 1},
		{"100000000005", "dev-ci", 1},
	}
)

// demoUser is one demo principal with its label, for printing.
type demoUser struct {
	label string
	p     members.Principal
}

var demoUsers = []demoUser{
	{"power user", demoPower},
	{"general user, view-only", demoGeneral},
	{"reseller operator", demoOperator},
}

// seeded is what seed reports.
type seeded struct {
	orgID string // the demo organization ("" if the power user no longer sees it)
	// passwords holds the initial password of each demo user created by this call,
	// by email: they are shown once, at the first start, and never stored.
	passwords map[string]string
}

// seed creates the demo data through the Services, the way a client would, the
// first time the portal starts on a database. It is idempotent: once complete it
// records so in state and later starts do nothing (so the demo data can be edited
// freely); an interrupted seed resumes where it stopped, because every step first
// looks for what it would create.
func seed(ctx context.Context, svc *members.Service, ids *identity.Service, state *stateTable, now time.Time) (seeded, error) {
	out := seeded{passwords: map[string]string{}}
	done, err := state.Seeded(ctx)
	if err != nil {
		return out, err
	}
	if !done {
		if err := seedIdentities(ctx, ids, out.passwords); err != nil {
			return out, err
		}
		if err := seedSteps(ctx, svc, now); err != nil {
			return out, err
		}
		if err := state.MarkSeeded(ctx, now); err != nil {
			return out, err
		}
	}
	org, err := findDemoOrg(ctx, svc)
	if errors.Is(err, members.ErrNotFound) {
		return out, nil
	}
	out.orgID = org.ID
	return out, err
}

// seedIdentities registers each demo user that has no identity yet, with a random
// password recorded in passwords.
func seedIdentities(ctx context.Context, ids *identity.Service, passwords map[string]string) error {
	for _, u := range demoUsers {
		_, err := ids.FindIdentityByEmail(ctx, u.p.Email)
		if err == nil {
			continue
		}
		if !errors.Is(err, identity.ErrNotFound) {
			return err
		}
		pw := demoPassword()
		_, _, err = ids.Register(ctx, identity.NewIdentity{ID: u.p.IdentityID, Email: u.p.Email, Name: u.label, Password: pw})
		if err != nil {
			return fmt.Errorf("identity %s: %w", u.p.Email, err)
		}
		passwords[u.p.Email] = pw
	}
	return nil
}

// demoPassword returns a random password meeting I-2: 10 random base32 characters
// between fixed ones that supply each required class.
func demoPassword() string { return "Demo-" + rand.Text()[:10] + "a7" }

func findDemoOrg(ctx context.Context, svc *members.Service) (members.Organization, error) {
	orgs, err := resellerkit.All(func(pg resellerkit.Page) ([]members.Organization, string, error) {
		return svc.ListOrganizations(ctx, demoPower, pg)
	})
	if err != nil {
		return members.Organization{}, err
	}
	if i := slices.IndexFunc(orgs, func(o members.Organization) bool { return o.Code == demoOrgCode }); i >= 0 {
		return orgs[i], nil
	}
	return members.Organization{}, fmt.Errorf("%w: organization %q", members.ErrNotFound, demoOrgCode)
}

func seedSteps(ctx context.Context, svc *members.Service, now time.Time) error {
	// 1. The organization; its creator becomes its first power user (M-4).
	org, err := findDemoOrg(ctx, svc)
	if errors.Is(err, members.ErrNotFound) {
		org, err = svc.CreateOrganization(ctx, demoPower, members.NewOrganization{
			Code: demoOrgCode, Name: "Demo Trading K.K.", Alias: "Demo"})
		if errors.Is(err, members.ErrAlreadyExists) { // a concurrent first start won
			org, err = findDemoOrg(ctx, svc)
		}
	}
	if err != nil {
		return fmt.Errorf("organization: %w", err)
	}

	// 2. Two projects (M-2), matched by name.
	have, err := resellerkit.All(func(pg resellerkit.Page) ([]members.Project, string, error) {
		return svc.ListProjects(ctx, demoPower, org.ID, pg)
	})
	if err != nil {
		return fmt.Errorf("projects: %w", err)
	}
	projectIDs := make([]string, len(demoProjects))
	for i, want := range demoProjects {
		if j := slices.IndexFunc(have, func(p members.Project) bool { return p.Name == want.Name }); j >= 0 {
			projectIDs[i] = have[j].ID
			continue
		}
		p, err := svc.CreateProject(ctx, demoPower, org.ID, want)
		if err != nil {
			return fmt.Errorf("project %q: %w", want.Name, err)
		}
		projectIDs[i] = p.ID
	}

	// 3. Five accounts (M-3). Only reseller operators register accounts.
	for _, a := range demoAccounts {
		_, err := svc.GetAccount(ctx, demoOperator, org.ID, a.id)
		if errors.Is(err, members.ErrNotFound) {
			_, err = svc.RegisterAccount(ctx, demoOperator, org.ID, members.NewAccount{
				ID: a.id, ProjectID: projectIDs[a.project], Name: a.name})
		}
		if err != nil {
			return fmt.Errorf("account %s: %w", a.id, err)
		}
	}

	// 4. The general user, invited view-only and accepting (M-5, M-8).
	_, err = svc.GetMember(ctx, demoPower, org.ID, demoGeneral.IdentityID)
	if !errors.Is(err, members.ErrNotFound) {
		return err // nil: already a member
	}
	invs, err := resellerkit.All(func(pg resellerkit.Page) ([]members.Invitation, string, error) {
		return svc.ListInvitations(ctx, demoPower, org.ID, pg)
	})
	if err != nil {
		return fmt.Errorf("invitations: %w", err)
	}
	i := slices.IndexFunc(invs, func(inv members.Invitation) bool {
		return inv.Email == demoGeneral.Email && inv.State == members.InvitationPending && now.Before(inv.ExpiresAt)
	})
	var inv members.Invitation
	if i >= 0 {
		inv = invs[i]
	} else if inv, err = svc.Invite(ctx, demoPower, org.ID, members.NewInvitation{
		Email: demoGeneral.Email, Type: members.MemberGeneral, Permissions: demoViewOnly}); err != nil {
		return fmt.Errorf("invite general user: %w", err)
	}
	if _, err := svc.AcceptInvitation(ctx, demoGeneral, org.ID, inv.ID); err != nil {
		return fmt.Errorf("general user accepts: %w", err)
	}
	return nil
}

// printDemoUsers prints the demo users, their passwords when this start created
// them, and a curl line to sign in.
func printDemoUsers(out io.Writer, base string, sd seeded) {
	if len(sd.passwords) > 0 {
		fmt.Fprintln(out, "Demo users (their initial passwords are shown only now, at the first start on this database):")
	} else {
		fmt.Fprintln(out, "Demo users (passwords were shown at the first start; POST /v1/password-resets logs a reset link):")
	}
	for _, u := range demoUsers {
		fmt.Fprintf(out, "  %-26s %-31s %s\n", u.label, u.p.Email, sd.passwords[u.p.Email])
	}
	if sd.orgID == "" {
		fmt.Fprintln(out, "The demo organization is no longer visible to the power user.")
		return
	}
	pw := sd.passwords[demoPower.Email]
	if pw == "" {
		pw = "PASSWORD"
	}
	fmt.Fprintf(out, "Demo organization %q: %s/v1/orgs/%s\n", demoOrgCode, base, sd.orgID)
	fmt.Fprintf(out, "Try:\n  curl -c jar -H 'Content-Type: application/json' -d '{\"email\":%q,\"password\":%q}' %s/v1/sessions\n",
		demoPower.Email, pw, base)
	fmt.Fprintf(out, "  curl -b jar %s/v1/orgs/%s/projects\n", base, sd.orgID)
}
