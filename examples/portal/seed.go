package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// The demo data. Identities arrive with the identity package; until then the demo
// users are fixed principals authenticated by demo tokens (tokens.go).
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

// demoPrincipals maps the identity ids of the demo users to their principals.
func demoPrincipals() map[string]members.Principal {
	m := map[string]members.Principal{}
	for _, u := range demoUsers {
		m[u.p.IdentityID] = u.p
	}
	return m
}

// seed creates the demo data through the Service, the way a client would, the first
// time the portal starts on a database. It is idempotent: once complete it records
// so in state and later starts do nothing (so the demo data can be edited freely);
// an interrupted seed resumes where it stopped, because every step first looks for
// what it would create. It returns the demo organization's id ("" if the power user
// no longer sees it).
func seed(ctx context.Context, svc *members.Service, state *stateTable, now time.Time) (string, error) {
	done, err := state.Seeded(ctx)
	if err != nil {
		return "", err
	}
	if !done {
		if err := seedSteps(ctx, svc, now); err != nil {
			return "", err
		}
		if err := state.MarkSeeded(ctx, now); err != nil {
			return "", err
		}
	}
	org, err := findDemoOrg(ctx, svc)
	if errors.Is(err, members.ErrNotFound) {
		return "", nil
	}
	return org.ID, err
}

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

// printTokens prints a bearer token per demo user and a curl line to try.
func printTokens(out io.Writer, base, orgID string, tokens tokenMinter) {
	fmt.Fprintln(out, "Demo bearer tokens (stable across restarts; real sign-in replaces them with the identity package):")
	for _, u := range demoUsers {
		fmt.Fprintf(out, "  %-26s %-31s %s\n", u.label, u.p.Email, tokens.mint(u.p.IdentityID))
	}
	if orgID == "" {
		fmt.Fprintln(out, "The demo organization is no longer visible to the power user.")
		return
	}
	fmt.Fprintf(out, "Demo organization %q: %s/v1/orgs/%s\n", demoOrgCode, base, orgID)
	fmt.Fprintf(out, "Try:\n  curl -H \"Authorization: Bearer %s\" %s/v1/orgs/%s/projects\n",
		tokens.mint(demoPower.IdentityID), base, orgID)
}
