package members

import (
	"slices"
	"strconv"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// Organization is the tenant, usually one contracting company (M-1). Code is unique
// across organizations and never changes; customers edit only Alias and EnforceMFA.
type Organization struct {
	ID         string
	Code       string // unique, immutable
	Name       string
	Alias      string // shown instead of Name when set
	EnforceMFA bool   // M-6: members without MFA are denied everything
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Version    int64 // optimistic concurrency; 1 after creation
}

// DisplayName returns Alias when set, else Name (M-1).
func (o Organization) DisplayName() string {
	if o.Alias != "" {
		return o.Alias
	}
	return o.Name
}

// PaymentMethod is how a project pays its invoice (M-2).
type PaymentMethod string

// The payment methods of M-2.
const (
	PaymentBankTransfer PaymentMethod = "bank_transfer"
	PaymentCard         PaymentMethod = "card"
)

// BillingSettings are the per-project knobs the billing package reads (M-2). Their
// values are names of rules billing defines; members stores them opaquely.
type BillingSettings struct {
	PricingPlan        string
	SupportFeeRule     string
	ExchangeRatePolicy string
}

// Project belongs to one organization and is the unit of invoicing: one invoice per
// project per month (M-2).
type Project struct {
	ID            string
	OrgID         string
	Name          string
	Plan          string
	PaymentMethod PaymentMethod
	Currency      money.Currency // the invoice currency: money.JPY or money.USD
	InvoiceTo     []string       // 1..6 email addresses
	InvoiceCC     []string       // 0..6 email addresses
	Billing       BillingSettings
	CreatedAt     time.Time
	UpdatedAt     time.Time
	Version       int64
}

// Ownership is one entry of an account's ownership history: from the UTC month From
// on, the account belongs to ProjectID (M-3).
type Ownership struct {
	ProjectID string
	From      resellerkit.Month
}

// Account is an AWS account (12-digit id) of one organization. It belongs to exactly
// one project at any time; Ownership lists, oldest first, the project owning it from
// each month on, so billing can ask which project owned it in a past month (M-3).
// An entry may lie in the future: a move takes effect from the next UTC month.
type Account struct {
	ID        string // 12 digits; unique across all organizations
	OrgID     string // never changes (M-3)
	Name      string // display name, editable by bulk edit
	Labels    []string
	Ownership []Ownership // at least one entry, strictly increasing From
	// ClosedFrom is the first UTC month the account is no longer billed (M-11: a
	// completed closure ends billing at the end of that month). Zero while open.
	ClosedFrom resellerkit.Month
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Version    int64
}

// CheckOwnership reports a *resellerkit.ValidationError (M-3) unless a's ownership
// history names a project in every entry and its months strictly increase: the
// shape every Store requires before it writes an account.
func CheckOwnership(a Account) error {
	for i, o := range a.Ownership {
		field := "ownership[" + strconv.Itoa(i) + "]"
		switch {
		case o.ProjectID == "" || o.From.IsZero():
			return invalid(field, o.ProjectID, "M-3", "needs a project and a month")
		case i > 0 && !a.Ownership[i-1].From.Before(o.From):
			return invalid(field, o.From.String(), "M-3", "months must increase")
		}
	}
	return nil
}

// ProjectAt returns the project owning the account in month m and whether there is
// one (false before the first entry, or from ClosedFrom on). That project is billed
// the whole month (M-3).
func (a Account) ProjectAt(m resellerkit.Month) (string, bool) {
	if !a.ClosedFrom.IsZero() && !m.Before(a.ClosedFrom) {
		return "", false
	}
	owner := ""
	for _, o := range a.Ownership {
		if o.From.After(m) {
			break
		}
		owner = o.ProjectID
	}
	return owner, owner != ""
}

// MemberType is a membership's type in one organization (M-4).
type MemberType string

// The member types of M-4.
const (
	// MemberPower (特権ユーザー) holds every permission plus user management.
	MemberPower MemberType = "power"
	// MemberGeneral (一般ユーザー) holds an explicit permission set.
	MemberGeneral MemberType = "general"
)

// Membership is one identity's place in one organization (M-4). Type and permissions
// are per organization. Permissions is empty for power users (they hold all).
type Membership struct {
	OrgID       string
	IdentityID  string
	Email       string
	Type        MemberType
	Permissions []Permission // sorted, no duplicates, closed under prerequisites (M-5)
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Version     int64
}

// InvitationState is where an invitation is in its life (M-8).
type InvitationState string

// The invitation states of M-8: pending → accepted | rejected | expired | revoked.
const (
	InvitationPending  InvitationState = "pending"
	InvitationAccepted InvitationState = "accepted"
	InvitationRejected InvitationState = "rejected"
	InvitationExpired  InvitationState = "expired"
	InvitationRevoked  InvitationState = "revoked"
)

// Invitation asks the person with Email to join OrgID with Type and Permissions (M-8).
type Invitation struct {
	ID          string
	OrgID       string
	Email       string
	Type        MemberType
	Permissions []Permission
	State       InvitationState
	InvitedBy   string // identity id of the power user who invited
	AcceptedBy  string // identity id that accepted; empty unless accepted
	CreatedAt   time.Time
	ExpiresAt   time.Time
	DecidedAt   time.Time // when it left pending; zero while pending
	Version     int64
}

// ApplicationKind is what an application (申請) asks the reseller to do (M-11).
type ApplicationKind string

// The application kinds of M-11.
const (
	AppAccountClosure    ApplicationKind = "account_closure"     // 解約
	AppOwnerChange       ApplicationKind = "owner_change"        // 名義変更
	AppNewAccount        ApplicationKind = "new_account"         // new account issue
	AppAccountTransferIn ApplicationKind = "account_transfer_in" // account transfer-in
	AppProjectCreation   ApplicationKind = "project_creation"
)

// ApplicationState is where an application is in the M-11 state machine.
type ApplicationState string

// The application states of M-11: submitted → in_review → completed | rejected, or
// submitted → cancelled by the applicant.
const (
	AppSubmitted ApplicationState = "submitted"
	AppInReview  ApplicationState = "in_review"
	AppCompleted ApplicationState = "completed"
	AppRejected  ApplicationState = "rejected"
	AppCancelled ApplicationState = "cancelled"
)

// Application is a request from an organization to the reseller (M-11).
type Application struct {
	ID          string
	OrgID       string
	Kind        ApplicationKind
	State       ApplicationState
	AccountID   string // the account concerned (closure, owner change, transfer-in)
	ProjectID   string // the project concerned (new account)
	Details     string // free text from the applicant (e.g. the new project's name)
	SubmittedBy string // identity id of the applicant
	ReviewedBy  string // identity id of the reseller operator handling it
	Reason      string // operator's note, e.g. why it was rejected
	// Operation is the AWS side of carrying the application out (new account,
	// closure, transfer-in, owner change), nil before it starts.
	Operation *Operation
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int64
}

// OperationState is the state of an application's AWS operation.
type OperationState string

// The states of an operation.
const (
	OpRunning   OperationState = "running"   // a runner is on it (see Owner, LeaseUntil)
	OpWaiting   OperationState = "waiting"   // AWS is not done (an account being created, an invitation not answered): run it again later
	OpSucceeded OperationState = "succeeded" // done; the application is completed
	OpFailed    OperationState = "failed"    // AWS refused; Reason says why, the application stays in review
)

// Operation is the AWS side of carrying an application out (M-11), recorded step
// by step so that a run after a crash resumes it and never does a step twice.
type Operation struct {
	State OperationState
	// Token is the operation's idempotency key (a client token where the AWS API
	// takes one).
	Token string
	// Owner and LeaseUntil: one in-flight run per application; another runner
	// takes an operation over only once the lease has expired.
	Owner      string
	LeaseUntil time.Time
	// AWSAccountID is the account created (new account) or joined (transfer-in).
	AWSAccountID string
	// CreateRequestID is the new account's CreateAccountStatus id; HandshakeID the
	// transfer-in's invitation.
	CreateRequestID string
	HandshakeID     string
	// EffectiveMonth is when a change of owner takes effect; ContactsReview asks
	// for the account's contacts to be reviewed by the new holder.
	EffectiveMonth resellerkit.Month
	ContactsReview bool
	Reason         string // why it failed, or what it waits for
	Steps          []OperationStep
}

// OperationStep is one recorded step of an Operation: what was asked of AWS, its
// request id and the outcome.
type OperationStep struct {
	At        time.Time
	Action    string // e.g. "organizations:CreateAccount"
	RequestID string // AWS's request id, when AWS was called
	Outcome   string
}

// Clone returns a deep copy of o (nil for nil).
func (o *Operation) Clone() *Operation {
	if o == nil {
		return nil
	}
	c := *o
	c.Steps = slices.Clone(o.Steps)
	return &c
}

// Clone returns a deep copy of a.
func (a Application) Clone() Application {
	a.Operation = a.Operation.Clone()
	return a
}

// Clone returns a deep copy of p.
func (p Project) Clone() Project {
	p.InvoiceTo = slices.Clone(p.InvoiceTo)
	p.InvoiceCC = slices.Clone(p.InvoiceCC)
	return p
}

// Clone returns a deep copy of a.
func (a Account) Clone() Account {
	a.Labels = slices.Clone(a.Labels)
	a.Ownership = slices.Clone(a.Ownership)
	return a
}

// Clone returns a deep copy of m.
func (m Membership) Clone() Membership {
	m.Permissions = slices.Clone(m.Permissions)
	return m
}

// Clone returns a deep copy of i.
func (i Invitation) Clone() Invitation {
	i.Permissions = slices.Clone(i.Permissions)
	return i
}
