package main

import (
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// The JSON documents of the API. They mirror the members types with snake_case
// names; the handlers only convert, members.Service decides everything.

type orgJSON struct {
	ID          string    `json:"id"`
	Code        string    `json:"code"`
	Name        string    `json:"name"`
	Alias       string    `json:"alias,omitempty"`
	DisplayName string    `json:"display_name"`
	EnforceMFA  bool      `json:"enforce_mfa"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	Version     int64     `json:"version"`
}

func toOrg(o members.Organization) orgJSON {
	return orgJSON{ID: o.ID, Code: o.Code, Name: o.Name, Alias: o.Alias, DisplayName: o.DisplayName(),
		EnforceMFA: o.EnforceMFA, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt, Version: o.Version}
}

type billingJSON struct {
	PricingPlan        string `json:"pricing_plan,omitempty"`
	SupportFeeRule     string `json:"support_fee_rule,omitempty"`
	ExchangeRatePolicy string `json:"exchange_rate_policy,omitempty"`
}

// projectJSON is both the output and the input of projects. On input, id, org_id and
// the timestamps are ignored; version is the version the client read.
type projectJSON struct {
	ID            string      `json:"id"`
	OrgID         string      `json:"org_id"`
	Name          string      `json:"name"`
	Plan          string      `json:"plan"`
	PaymentMethod string      `json:"payment_method"`
	Currency      string      `json:"currency"`
	InvoiceTo     []string    `json:"invoice_to"`
	InvoiceCC     []string    `json:"invoice_cc"`
	Billing       billingJSON `json:"billing"`
	CreatedAt     time.Time   `json:"created_at,omitzero"`
	UpdatedAt     time.Time   `json:"updated_at,omitzero"`
	Version       int64       `json:"version"`
}

func toProject(p members.Project) projectJSON {
	return projectJSON{
		ID: p.ID, OrgID: p.OrgID, Name: p.Name, Plan: p.Plan, PaymentMethod: string(p.PaymentMethod),
		Currency: string(p.Currency), InvoiceTo: nonNil(p.InvoiceTo), InvoiceCC: nonNil(p.InvoiceCC),
		Billing:   billingJSON{p.Billing.PricingPlan, p.Billing.SupportFeeRule, p.Billing.ExchangeRatePolicy},
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt, Version: p.Version,
	}
}

// projectInput is what clients send to create or replace a project.
type projectInput struct {
	Name          string      `json:"name"`
	Plan          string      `json:"plan"`
	PaymentMethod string      `json:"payment_method"`
	Currency      string      `json:"currency"`
	InvoiceTo     []string    `json:"invoice_to"`
	InvoiceCC     []string    `json:"invoice_cc"`
	Billing       billingJSON `json:"billing"`
	// Version is the version the client read. It is required: absent or 0 is a 400
	// naming field "version"; a stale one is 409.
	Version int64 `json:"version"`
}

func (in projectInput) project(id string) members.Project {
	return members.Project{
		ID: id, Name: in.Name, Plan: in.Plan, PaymentMethod: members.PaymentMethod(in.PaymentMethod),
		Currency: money.Currency(in.Currency), InvoiceTo: in.InvoiceTo, InvoiceCC: in.InvoiceCC,
		Billing: members.BillingSettings{PricingPlan: in.Billing.PricingPlan, SupportFeeRule: in.Billing.SupportFeeRule,
			ExchangeRatePolicy: in.Billing.ExchangeRatePolicy},
		Version: in.Version,
	}
}

// ownershipJSON is one entry of an account's ownership history (M-3): from the
// UTC month From ("YYYY-MM") on, the account belongs to ProjectID.
type ownershipJSON struct {
	ProjectID string            `json:"project_id"`
	From      resellerkit.Month `json:"from"`
}

type accountJSON struct {
	ID               string            `json:"id"`
	OrgID            string            `json:"org_id"`
	Name             string            `json:"name"`
	Labels           []string          `json:"labels"`
	CurrentProjectID string            `json:"current_project_id,omitempty"`
	Ownership        []ownershipJSON   `json:"ownership"`
	ClosedFrom       resellerkit.Month `json:"closed_from,omitzero"` // first UTC month no longer billed (M-11)
	CreatedAt        time.Time         `json:"created_at"`
	UpdatedAt        time.Time         `json:"updated_at"`
	Version          int64             `json:"version"`
}

// toAccount converts an account; its current project is the owner in this UTC
// month by the server's clock.
func (s *server) toAccount(a members.Account) accountJSON {
	out := accountJSON{ID: a.ID, OrgID: a.OrgID, Name: a.Name, Labels: nonNil(a.Labels), ClosedFrom: a.ClosedFrom,
		CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt, Version: a.Version,
		Ownership: convert(a.Ownership, func(o members.Ownership) ownershipJSON { return ownershipJSON(o) })}
	out.CurrentProjectID, _ = a.ProjectAt(resellerkit.MonthOf(s.now()))
	return out
}

type memberJSON struct {
	OrgID       string    `json:"org_id"`
	IdentityID  string    `json:"identity_id"`
	Email       string    `json:"email,omitempty"`
	Type        string    `json:"type"`
	Permissions []string  `json:"permissions"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	Version     int64     `json:"version"`
}

func toMember(m members.Membership) memberJSON {
	return memberJSON{OrgID: m.OrgID, IdentityID: m.IdentityID, Email: m.Email, Type: string(m.Type),
		Permissions: permStrings(m.Permissions), CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt, Version: m.Version}
}

type invitationJSON struct {
	ID          string    `json:"id"`
	OrgID       string    `json:"org_id"`
	Email       string    `json:"email"`
	Type        string    `json:"type"`
	Permissions []string  `json:"permissions"`
	State       string    `json:"state"`
	InvitedBy   string    `json:"invited_by"`
	AcceptedBy  string    `json:"accepted_by,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	ExpiresAt   time.Time `json:"expires_at"`
	DecidedAt   time.Time `json:"decided_at,omitzero"`
	Version     int64     `json:"version"`
}

func toInvitation(i members.Invitation) invitationJSON {
	return invitationJSON{ID: i.ID, OrgID: i.OrgID, Email: i.Email, Type: string(i.Type),
		Permissions: permStrings(i.Permissions), State: string(i.State), InvitedBy: i.InvitedBy,
		AcceptedBy: i.AcceptedBy, CreatedAt: i.CreatedAt, ExpiresAt: i.ExpiresAt, DecidedAt: i.DecidedAt, Version: i.Version}
}

type applicationJSON struct {
	ID          string `json:"id"`
	OrgID       string `json:"org_id"`
	Kind        string `json:"kind"`
	State       string `json:"state"`
	AccountID   string `json:"account_id,omitempty"`
	ProjectID   string `json:"project_id,omitempty"`
	Details     string `json:"details,omitempty"`
	SubmittedBy string `json:"submitted_by"`
	ReviewedBy  string `json:"reviewed_by,omitempty"`
	Reason      string `json:"reason,omitempty"`
	// Operation is the AWS side of carrying the application out (M-11), absent
	// before it starts.
	Operation *operationJSON `json:"operation,omitempty"`
	CreatedAt time.Time      `json:"created_at"`
	UpdatedAt time.Time      `json:"updated_at"`
	Version   int64          `json:"version"`
}

// operationJSON is an application's AWS operation: its state, the account it
// created or joined, why it failed or what it waits for, and its steps with AWS's
// request ids.
type operationJSON struct {
	State          string              `json:"state"`
	AWSAccountID   string              `json:"aws_account_id,omitempty"`
	HandshakeID    string              `json:"handshake_id,omitempty"`
	EffectiveMonth string              `json:"effective_month,omitempty"`
	ContactsReview bool                `json:"contacts_review,omitempty"`
	Reason         string              `json:"reason,omitempty"`
	Steps          []operationStepJSON `json:"steps,omitempty"` // operators only
}

type operationStepJSON struct {
	At        time.Time `json:"at"`
	Action    string    `json:"action"`
	RequestID string    `json:"request_id,omitempty"`
	Outcome   string    `json:"outcome,omitempty"`
}

// applicationFor returns the conversion of an application for p: an operator's
// shows its whole AWS operation; anyone else's the operation's state, the AWS
// account and invitation, the effective month, and what it waits for, but not
// its steps (AWS request ids, runners) nor why it failed. A failure's reason is
// the desk's business, and may name another organization's registration of the
// account (M-7): the customer sees the application stay in review.
func applicationFor(p members.Principal) func(members.Application) applicationJSON {
	if p.Operator && p.OrgID == "" {
		return toApplication
	}
	return func(a members.Application) applicationJSON {
		out := toApplication(a)
		if o := out.Operation; o != nil {
			o.Steps = nil
			if a.Operation.State != members.OpWaiting {
				o.Reason = ""
			}
		}
		return out
	}
}

// toApplication converts an application with everything its operation recorded
// (applicationFor chooses what a caller sees).
func toApplication(a members.Application) applicationJSON {
	out := applicationJSON{ID: a.ID, OrgID: a.OrgID, Kind: string(a.Kind), State: string(a.State),
		AccountID: a.AccountID, ProjectID: a.ProjectID, Details: a.Details, SubmittedBy: a.SubmittedBy,
		ReviewedBy: a.ReviewedBy, Reason: a.Reason, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt, Version: a.Version}
	if op := a.Operation; op != nil {
		o := &operationJSON{State: string(op.State), AWSAccountID: op.AWSAccountID, HandshakeID: op.HandshakeID,
			ContactsReview: op.ContactsReview, Reason: op.Reason, Steps: []operationStepJSON{}}
		if !op.EffectiveMonth.IsZero() {
			o.EffectiveMonth = op.EffectiveMonth.String()
		}
		for _, st := range op.Steps {
			o.Steps = append(o.Steps, operationStepJSON{At: st.At, Action: st.Action, RequestID: st.RequestID, Outcome: st.Outcome})
		}
		out.Operation = o
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func permStrings(ps []members.Permission) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, string(p))
	}
	return out
}

func permissions(ss []string) []members.Permission {
	out := make([]members.Permission, 0, len(ss))
	for _, s := range ss {
		out = append(out, members.Permission(s))
	}
	return out
}
