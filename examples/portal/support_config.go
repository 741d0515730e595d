package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	sdkconfig "github.com/aws/aws-sdk-go-v2/config"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
	"github.com/seeda33a2f4f/resellerkit/support"
	"github.com/seeda33a2f4f/resellerkit/support/awssupport"
)

// The support desk of the portal (P-1 … P-6): customers with support.inquire
// open cases about their accounts and follow the conversation; the reseller's
// operators work the desk's queue, move, assign, reject and escalate cases. The
// portal's support.Service has the default service levels (support.DefaultPolicy:
// technical 24×7, account and billing on Japanese business hours with the
// holidays), tells the desk (-support-desk) of new cases and customer replies and
// the inquirer of the desk's through the contacts outbox, and escalates to AWS
// Support only when -support-escalation says so: the demo has no AWS.

// supportSetup is the support part of the command line.
type supportSetup struct {
	desk       []string // the desk's addresses (-support-desk)
	escalation bool     // escalate through awssupport (-support-escalation)
	role       string   // the role assumed in the customer's account (-support-role)
	externalID string   // its trust policy's external id (-support-external-id)
}

// escalator returns the Escalator of s: nil unless escalation is on, else the
// AWS Support API called through s.role in the case's account, assumed from the
// default AWS configuration (environment, shared files, instance role: the
// payer's credentials) with awsfleet.
func (s supportSetup) escalator(ctx context.Context) (support.Escalator, error) {
	if !s.escalation {
		return nil, nil
	}
	base, err := sdkconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("AWS configuration: %w", err)
	}
	if base.Region == "" {
		base.Region = awssupport.Region // STS's; the Support API is called there anyway
	}
	var opts []awsfleet.Option
	if s.externalID != "" {
		opts = append(opts, awsfleet.WithExternalID(s.externalID))
	}
	return awssupport.New(awssupport.Sessions(base, s.role, opts...)), nil
}

// newSupportService returns the portal's one support.Service over store:
// members authorizes and says which organization owns an account, notices (nil:
// none) announces cases and replies, escalator (nil: none) opens AWS Support
// cases, desk are the desk's addresses, links in notices point under origin (the
// web UI answers them: ui_links.go).
func newSupportService(store support.Store, svc *members.Service, notices *contacts.Service, escalator support.Escalator, desk []string, origin string, now func() time.Time) (*support.Service, error) {
	cfg := support.Config{Store: store, Members: svc, Escalator: escalator, Policy: support.DefaultPolicy(),
		Desk: slices.Clone(desk), BaseURL: origin, Now: now}
	if notices != nil { // a nil *contacts.Service in the interface would not be nil
		cfg.Notifier = notices
	}
	return support.NewService(cfg)
}

// The demo case.
const (
	demoCaseAccount = "100000000001" // prod-web
	demoCaseSubject = "請求書の宛先変更について / Changing the invoice recipient"
	demoCaseBody    = "来月分から請求書の宛先を経理部に変更したいです。手続きを教えてください。\n" +
		"From next month we would like the invoices sent to our accounting department. What do we need to do?"
	demoDeskReply = "お問い合わせありがとうございます。プロジェクトの請求書送付先（invoice_to）を変更いただくと、次回発行分から反映されます。\n" +
		"Thank you for your inquiry. Change the project's invoice recipients (invoice_to): the next invoice issued goes there."
)

// supportSeeded is what seedSupport did.
type supportSeeded struct {
	caseID string // the demo case ("" when not seeded this start)
}

// seedSupport gives the demo organization one support case, the first time the
// portal starts on a database with support (a portal_state row records it): the
// power user asks an account-and-billing question about prod-web, the desk (the
// demo operator) takes it (in_progress) and answers. An interrupted seed resumes:
// the case is found by its subject, the desk's reply by its side.
func seedSupport(ctx context.Context, sup *support.Service, state *stateTable, orgID string, now time.Time) (supportSeeded, error) {
	var out supportSeeded
	done, err := state.SupportSeeded(ctx)
	if err != nil || done || orgID == "" {
		return out, err
	}
	cases, err := resellerkit.All(func(pg resellerkit.Page) ([]support.Case, string, error) {
		return sup.List(ctx, demoPower, orgID, support.CaseFilter{AccountID: demoCaseAccount}, pg)
	})
	if err != nil {
		return out, fmt.Errorf("cases: %w", err)
	}
	var c support.Case
	if i := slices.IndexFunc(cases, func(c support.Case) bool { return c.Subject == demoCaseSubject }); i >= 0 {
		c = cases[i]
	} else {
		c, err = sup.Open(ctx, demoPower, orgID, support.NewCase{AccountID: demoCaseAccount, Category: support.AccountBilling,
			Severity: support.Normal, Subject: demoCaseSubject, Body: demoCaseBody, Language: "ja"})
		if errors.Is(err, support.ErrNotFound) { // the account left the demo organization
			return out, state.MarkSupportSeeded(ctx, now)
		}
		if err != nil {
			return out, fmt.Errorf("open the demo case: %w", err)
		}
	}
	if c.State == support.Open {
		if c, err = sup.Transition(ctx, demoOperator, orgID, c.ID, support.InProgress, c.Version); err != nil {
			return out, fmt.Errorf("take the demo case: %w", err)
		}
	}
	_, replies, err := sup.Get(ctx, demoOperator, orgID, c.ID)
	if err != nil {
		return out, fmt.Errorf("demo case: %w", err)
	}
	if !slices.ContainsFunc(replies, func(r support.Reply) bool { return r.Side == support.Desk }) {
		if _, err := sup.Reply(ctx, demoOperator, orgID, c.ID, demoDeskReply, nil); err != nil {
			return out, fmt.Errorf("answer the demo case: %w", err)
		}
	}
	out.caseID = c.ID
	return out, state.MarkSupportSeeded(ctx, now)
}

// printSupport prints what seedSupport did and where to look.
func printSupport(out io.Writer, base string, sd seeded, ss supportSeeded) {
	if sd.orgID == "" || ss.caseID == "" {
		return
	}
	fmt.Fprintf(out, "Demo support: case %s (account_billing, answered by the desk) at %s/v1/orgs/%s/support/cases/%s\n",
		ss.caseID, base, sd.orgID, ss.caseID)
	fmt.Fprintf(out, "  the desk's queue (operators) at %s/v1/operator/support/queue\n", base)
}
