package main

import (
	"context"
	"crypto/rand"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/costfile"
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
// records so in b.state and later starts do nothing (so the demo data can be edited
// freely); an interrupted seed resumes where it stopped, because every step first
// looks for what it would create.
func seed(ctx context.Context, b *backend, svc *members.Service, ids *identity.Service, now time.Time) (seeded, error) {
	out := seeded{passwords: map[string]string{}}
	state := b.state
	done, err := state.Seeded(ctx)
	if err != nil {
		return out, err
	}
	if !done {
		if err := seedIdentities(ctx, ids, out.passwords); err != nil {
			return out, err
		}
		if err := seedSteps(ctx, b.store, svc, now); err != nil {
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

// demoSince is when the demo accounts are registered (their ownership's first
// month, M-3): the first day of the month before the previous one, so that the
// months seedBilling bills are theirs.
func demoSince(now time.Time) time.Time { return resellerkit.MonthOf(now).AddMonths(-2).Start() }

// seedSteps creates the demo organization, projects, accounts and general user
// through svc, except the accounts, which are registered through a members.Service
// over store whose clock says demoSince(now).
func seedSteps(ctx context.Context, store members.Store, svc *members.Service, now time.Time) error {
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

	// 3. Five accounts (M-3). Only reseller operators register accounts. They are
	// registered as of demoSince(now), so the demo has past months to bill.
	since := demoSince(now)
	past := members.NewService(store, members.WithClock(func() time.Time { return since }))
	for _, a := range demoAccounts {
		_, err := svc.GetAccount(ctx, demoOperator, org.ID, a.id)
		if errors.Is(err, members.ErrNotFound) {
			_, err = past.RegisterAccount(ctx, demoOperator, org.ID, members.NewAccount{
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

// ---- demo billing data ----

// demoPayer is the reseller's payer (management) account of the demo cost data.
const demoPayer = "100000000000"

// demoTags gives each demo account's EC2 usage its CmBillingGroup tag value (B-9);
// "" leaves it untagged. S3 is never tagged, so tagged accounts show a split.
var demoTags = map[string]string{"100000000001": "web", "100000000002": "database", "100000000004": "sandbox"}

// billingSeeded is what seedBilling did.
type billingSeeded struct {
	months   []resellerkit.Month // whose cost data was ingested, oldest first
	invoiced resellerkit.Month   // whose invoices were issued (zero: none)
	invoices []billing.Document
	note     string // why the invoices were not issued, when they were not
}

// demoInvoiceMonth is the month the demo invoices are issued for: the previous
// month once its issue day has come (the 10th, Japan time, B-16), else the one
// before it, whose issue day has passed for sure. The Service refuses to issue a
// month before its issue day; rather than giving it a clock in the future, the
// seed bills a month it may already bill.
func demoInvoiceMonth(now time.Time, cal billing.Calendar) resellerkit.Month {
	prev := resellerkit.MonthOf(now).Prev()
	y, m, d := now.In(billing.JST).Date()
	if time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Before(cal.IssueFrom(prev)) {
		return prev.Prev()
	}
	return prev
}

// seedBilling gives the demo organization cost data and an invoice, the first
// time the portal starts on a database with billing (a portal_state row records
// it; an interrupted run is repeated whole, which changes nothing that was done:
// a report version already stored is unchanged, an invoice already issued is
// returned as it was). It
//
//   - sets the Production project's exchange-rate policy to demoRatePolicy when it
//     has none and the plans have it (a JPY project needs one, B-10);
//   - ingests a generated legacy CUR of the demo accounts (EC2 and S3 usage by day,
//     a CmBillingGroup tag, a credit, the tax rows) for every month from
//     demoInvoiceMonth to now's, the current one up to yesterday, through
//     billing.Service.Ingest like any report version (B-14);
//   - issues the invoices of demoInvoiceMonth (B-12, B-16), which also queues their
//     invoice-issued notices.
//
// A configuration the invoices cannot be computed with (-plans without the
// Production project's policy or rate) is reported in note, not as an error: the
// portal still starts, and the charges still show.
func seedBilling(ctx context.Context, bill *billing.Service, svc *members.Service, state *stateTable, orgID string, plans *billing.Plans, cur money.Currency, now time.Time) (billingSeeded, error) {
	var out billingSeeded
	done, err := state.BillingSeeded(ctx)
	if err != nil || done || orgID == "" {
		return out, err
	}
	if err := demoRatePolicyOn(ctx, svc, orgID, plans); err != nil {
		return out, fmt.Errorf("exchange-rate policy: %w", err)
	}
	invoiced := demoInvoiceMonth(now, billing.Calendar{})
	for m := invoiced; !m.After(resellerkit.MonthOf(now)); m = m.Next() {
		generated := m.End().AddDate(0, 0, 4) // a past month: its report once AWS has closed it
		if generated.After(now) {
			generated = now
		}
		_, err := bill.Ingest(ctx, billing.Report{Payer: demoPayer, Period: m, Version: "demo-" + m.String(), GeneratedAt: generated},
			[]billing.Input{textInput{name: "demo-cur-" + m.String() + ".csv", text: demoCUR(m, now, cur)}})
		if err != nil && !errors.Is(err, billing.ErrStaleReport) { // stale: a newer version was ingested since
			return out, fmt.Errorf("cost data of %s: %w", m, err)
		}
		out.months = append(out.months, m)
	}
	issued, err := bill.IssueInvoices(ctx, invoiced)
	switch {
	case errors.Is(err, billing.ErrInvalid), errors.Is(err, billing.ErrNotReady):
		out.note = fmt.Sprintf("the invoices of %s were not issued: %v", invoiced, err)
	case err != nil:
		return out, fmt.Errorf("invoices of %s: %w", invoiced, err)
	default:
		out.invoiced = invoiced
		for _, inv := range issued.Invoices {
			out.invoices = append(out.invoices, inv.Document)
		}
	}
	return out, state.MarkBillingSeeded(ctx, now)
}

// demoRatePolicyOn sets the exchange-rate policy of the demo organization's JPY
// projects that have none to demoRatePolicy, if plans has it.
func demoRatePolicyOn(ctx context.Context, svc *members.Service, orgID string, plans *billing.Plans) error {
	if _, ok := plans.ExchangeRates[demoRatePolicy]; !ok {
		return nil
	}
	ps, err := resellerkit.All(func(pg resellerkit.Page) ([]members.Project, string, error) {
		return svc.ListProjects(ctx, demoPower, orgID, pg)
	})
	if err != nil {
		return err
	}
	for _, p := range ps {
		if p.Currency != money.JPY || p.Billing.ExchangeRatePolicy != "" {
			continue
		}
		p.Billing.ExchangeRatePolicy = demoRatePolicy
		if _, err := svc.UpdateProject(ctx, demoPower, orgID, p); err != nil {
			return fmt.Errorf("project %s: %w", p.ID, err)
		}
	}
	return nil
}

// textInput is a billing.Input of cost data held in memory.
type textInput struct{ name, text string }

func (in textInput) Scan(ctx context.Context, newSink func() billing.Sink) (billing.InputStats, error) {
	return costfile.Scan(ctx, in.name, strings.NewReader(in.text), newSink, costfile.Options{})
}

// demoCURHeader is the demo report's columns: a subset of the legacy CUR's, in its
// spelling.
var demoCURHeader = []string{"identity/LineItemId", "identity/TimeInterval", "bill/BillingEntity", "bill/PayerAccountId",
	"bill/BillingPeriodStartDate", "bill/BillingPeriodEndDate", "lineItem/UsageAccountId", "lineItem/LineItemType",
	"lineItem/UsageStartDate", "lineItem/UsageEndDate", "lineItem/ProductCode", "lineItem/UsageType", "lineItem/Operation",
	"lineItem/UsageAmount", "lineItem/CurrencyCode", "lineItem/UnblendedRate", "lineItem/UnblendedCost",
	"lineItem/LineItemDescription", "product/ProductName", "pricing/publicOnDemandCost", "resourceTags/user:CmBillingGroup"}

// demoCUR returns a legacy CUR of month m for the demo accounts, in currency cur:
// per account and day an EC2 instance's hours (tagged per demoTags) and its S3
// storage; on the 1st a $10 promotional credit on prod-web and each account's
// consumption-tax row (the reseller's input tax, never billed, B-4). The current
// month has the days up to yesterday (AWS's data lags a day), at least the 1st.
func demoCUR(m resellerkit.Month, now time.Time, cur money.Currency) string {
	days := m.End().AddDate(0, 0, -1).Day()
	if m == resellerkit.MonthOf(now) {
		days = max(1, now.UTC().Day()-1)
	}
	const stamp = "2006-01-02T15:04:05Z"
	var b strings.Builder
	w := csv.NewWriter(&b)
	_ = w.Write(demoCURHeader) // a strings.Builder does not fail
	row := func(id, acct, typ string, day int, product, usageType, op string, qty, rate money.Decimal, desc, name, tag string) {
		start := m.Start().AddDate(0, 0, day-1)
		end := start.AddDate(0, 0, 1)
		cost := qty.Mul(rate)
		public := cost
		if typ != "Usage" {
			public = money.Decimal{}
		}
		_ = w.Write([]string{id, start.Format(stamp) + "/" + end.Format(stamp), "AWS", demoPayer,
			m.Start().Format(stamp), m.End().Format(stamp), acct, typ, start.Format(stamp), end.Format(stamp),
			product, usageType, op, qty.String(), string(cur), rate.String(), cost.String(), desc, name, public.String(), tag})
	}
	for i, a := range demoAccounts {
		instance, hourly := "m5.large", money.MustParse("0.124")
		if demoProjects[a.project].Currency == money.USD { // Development
			instance, hourly = "t3.medium", money.MustParse("0.0544")
		}
		for day := 1; day <= days; day++ {
			hours := money.NewFromInt(24)
			if demoProjects[a.project].Currency == money.USD {
				hours = money.NewFromInt(int64(8 + (day+i)%5)) // switched off at night
			}
			id := fmt.Sprintf("demo-%s-%s-%02d", m, a.id, day)
			row(id+"-ec2", a.id, "Usage", day, "AmazonEC2", "APN1-BoxUsage:"+instance, "RunInstances", hours, hourly,
				"$"+hourly.String()+" per On Demand Linux "+instance+" Instance Hour", "Amazon Elastic Compute Cloud", demoTags[a.id])
			gbMonths := money.New(int64(1000+40*day+100*i), 0).Quo(money.NewFromInt(int64(30*24)), 10, money.HalfUp) // GB-months of the day
			row(id+"-s3", a.id, "Usage", day, "AmazonS3", "APN1-TimedStorage-ByteHrs", "StandardStorage", gbMonths,
				money.MustParse("0.025"), "$0.025 per GB - first 50 TB / month of storage used", "Amazon Simple Storage Service", "")
		}
		if a.id == demoAccounts[0].id {
			row(fmt.Sprintf("demo-%s-%s-credit", m, a.id), a.id, "Credit", 1, "AmazonEC2", "APN1-BoxUsage:"+instance, "RunInstances",
				money.NewFromInt(1), money.MustParse("-10"), "AWS Promotional Credit", "Amazon Elastic Compute Cloud", "")
		}
		row(fmt.Sprintf("demo-%s-%s-tax", m, a.id), a.id, "Tax", 1, "AmazonEC2", "", "", money.NewFromInt(1),
			money.New(int64(150+25*i), -2), "Tax for product code AmazonEC2", "Amazon Elastic Compute Cloud", "")
	}
	w.Flush()
	return b.String()
}

// printBilling prints what seedBilling did and where to look.
func printBilling(out io.Writer, base string, sd seeded, bs billingSeeded) {
	if sd.orgID == "" || len(bs.months) == 0 {
		return
	}
	org := base + "/v1/orgs/" + sd.orgID
	fmt.Fprintf(out, "Demo billing: cost data of %s to %s, charges at %s/charges?period=%s\n",
		bs.months[0], bs.months[len(bs.months)-1], org, bs.months[len(bs.months)-1])
	if bs.note != "" {
		fmt.Fprintln(out, "  "+bs.note)
	}
	for _, d := range bs.invoices {
		fmt.Fprintf(out, "  invoice %s of %s to %s: %s %s, PDF at %s/documents/%s/pdf\n",
			d.Number, d.Period, d.Recipient, d.Total, d.Currency, org, d.ID)
	}
}
