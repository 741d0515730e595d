package support

import (
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/seeda33a2f4f/resellerkit"
)

// The sentinels of package support. Errors wrap them; branch with errors.Is.
var (
	// ErrInvalid: bad input; a *resellerkit.ValidationError says which field.
	ErrInvalid = errors.New("support: invalid input")
	// ErrNotFound: no such case (or another organization's).
	ErrNotFound = errors.New("support: not found")
	// ErrAlreadyExists: an id already used.
	ErrAlreadyExists = errors.New("support: already exists")
	// ErrConflict: a stale version, or a transaction that could not commit.
	ErrConflict = errors.New("support: conflict")
	// ErrTransition: a state change P-3 does not allow.
	ErrTransition = errors.New("support: transition not allowed")
	// ErrOutOfScope: the request is outside the service (P-6).
	ErrOutOfScope = errors.New("support: out of scope")
	// ErrEscalationUnknown: AWS may have acted, the answer was lost. An
	// Escalator wraps it in an error after which it cannot know whether AWS
	// Support opened the case: the request may have reached AWS and no answer
	// saying what AWS did was read (a dropped connection, the HTTP client's own
	// timeout, AWS failing on its side). Service.Escalate then keeps the
	// escalation claimed, as after a crash (ErrConflict, wrapping it too, as it
	// does for a call cut off by the end of its ctx): the desk checks AWS's
	// console before escalating again, which is possible after
	// EscalationTimeout. An error without it is a call AWS did not act on
	// (it refused it, or it was never sent), and gives the claim back.
	ErrEscalationUnknown = errors.New("support: escalation outcome unknown")
	// ErrEscalationClaimed: the case's escalation is claimed and no AWS case is
	// recorded yet — another desk is calling AWS Support, or an earlier call's
	// outcome is unknown (a crash, ErrEscalationUnknown). Service.Escalate wraps
	// it with ErrConflict until EscalationTimeout after the claim.
	ErrEscalationClaimed = errors.New("support: escalation claimed")
)

// Category is what a case is about (P-1); it decides its hours (P-2).
type Category string

// The categories.
const (
	Technical      Category = "technical"       // service questions, troubleshooting: 24×7
	AccountBilling Category = "account_billing" // accounts and invoices: business days 09:00–17:00 JST
)

// Valid reports whether c is a category.
func (c Category) Valid() bool { return c == Technical || c == AccountBilling }

// Severity is how urgent the inquirer says a case is (AWS Support's scale).
type Severity string

// The severities, lowest first.
const (
	Low      Severity = "low"      // general guidance
	Normal   Severity = "normal"   // system impaired
	High     Severity = "high"     // production system impaired
	Urgent   Severity = "urgent"   // production system down
	Critical Severity = "critical" // business-critical system down
)

// Severities returns every severity, lowest first.
func Severities() []Severity { return []Severity{Low, Normal, High, Urgent, Critical} }

// Valid reports whether s is a severity.
func (s Severity) Valid() bool { return slices.Contains(Severities(), s) }

// State is a case's state (P-3).
type State string

// The states of a case.
const (
	Open              State = "open"
	InProgress        State = "in_progress"
	WaitingOnCustomer State = "waiting_on_customer"
	Resolved          State = "resolved"
	Closed            State = "closed"
	// Rejected: out of scope (P-6), with the reason; final.
	Rejected State = "rejected"
)

// transitions are P-3's state machine: open → in_progress ↔ waiting_on_customer
// → resolved → closed, a resolved case reopened by a reply, and rejection of an
// out-of-scope request before it is resolved.
var transitions = map[State][]State{
	Open:              {InProgress, Rejected},
	InProgress:        {WaitingOnCustomer, Resolved, Rejected},
	WaitingOnCustomer: {InProgress, Resolved},
	Resolved:          {Closed, InProgress},
	Closed:            nil,
	Rejected:          nil,
}

// Valid reports whether s is a state.
func (s State) Valid() bool { _, ok := transitions[s]; return ok }

// CanMove reports whether P-3 allows a case in from to move to to.
func CanMove(from, to State) bool { return slices.Contains(transitions[from], to) }

// Final reports whether a case in s takes no more replies or changes.
func (s State) Final() bool { return s == Closed || s == Rejected }

// Scope is an operator's classification of a request outside the service (P-6).
type Scope string

// The out-of-scope classes of P-6.
const (
	ThirdPartySoftware Scope = "third_party_software" // support of software not from AWS
	CustomerCode       Scope = "customer_code"        // writing or debugging the customer's code
)

// Reason returns the explanation given to the customer, in Japanese and English.
func (s Scope) Reason() string {
	switch s {
	case ThirdPartySoftware:
		return "サードパーティ製ソフトウェアのサポートは本サービスの対象外です。/ Support of third-party software is outside this service (P-6)."
	case CustomerCode:
		return "お客様のプログラムの作成・デバッグは本サービスの対象外です。/ Writing or debugging customer code is outside this service (P-6)."
	}
	return ""
}

// Valid reports whether s is an out-of-scope class.
func (s Scope) Valid() bool { return s.Reason() != "" }

// Span is a period [Start, End); an open span has a zero End.
type Span struct {
	Start, End time.Time
}

// Escalation is a case opened with AWS Support for the customer's account (P-4).
// An empty AWSCaseID is an escalation in progress (or interrupted: see
// Service.Escalate).
type Escalation struct {
	AWSCaseID string
	DisplayID string
	At        time.Time
	By        string // the operator
}

// Case is a support case (P-1): an inquiry about one AWS account of an
// organization.
type Case struct {
	ID        string
	OrgID     string
	AccountID string
	Category  Category
	Severity  Severity
	Subject   string
	Body      string
	CC        []string
	Language  string // "ja" or "en": the language of its notices
	State     State

	OpenedBy      string // identity id of the inquirer
	OpenedByEmail string // where replies are announced (P-3)
	Assignee      string // the operator working on it, "" when none

	// Waiting are the periods in waiting_on_customer, which SLA clocks do not
	// count (P-2); the last one is open while waiting.
	Waiting []Span

	FirstResponseAt time.Time // the desk's first reply
	ResolvedAt      time.Time
	ClosedAt        time.Time
	Scope           Scope // set when rejected as out of scope (P-6)
	Escalation      *Escalation

	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int64
}

// Side says who wrote a reply.
type Side string

// The sides of a conversation.
const (
	Customer Side = "customer"
	Desk     Side = "desk" // the reseller's support desk
)

// Attachment is a reference to a file attached to a reply, kept elsewhere (an
// object store): support keeps its name, size and where it is.
type Attachment struct {
	Name string
	Size int64
	Ref  string // e.g. an S3 URI or a URL
}

// Reply is one message of a case's conversation.
type Reply struct {
	ID          string
	CaseID      string
	OrgID       string
	Side        Side
	AuthorID    string
	Body        string
	Attachments []Attachment
	CreatedAt   time.Time
}

// The limits of a case's text.
const (
	MaxSubject     = 200
	MaxBody        = 20000
	MaxCC          = 10
	MaxAttachments = 10
)

// NewCase is what an inquirer gives to open a case (P-1).
type NewCase struct {
	AccountID string
	Category  Category
	Severity  Severity
	Subject   string
	Body      string
	CC        []string
	Language  string // "ja" (default) or "en"
}

// validate checks a new case, reporting every problem.
func (n *NewCase) validate() error {
	var errs []error
	bad := func(field, value, rule, reason string) {
		errs = append(errs, resellerkit.Invalid(ErrInvalid, field, value, rule, reason))
	}
	if len(n.AccountID) != 12 || strings.Trim(n.AccountID, "0123456789") != "" {
		bad("account_id", n.AccountID, "P-1", "want the 12-digit AWS account id the case is about")
	}
	if !n.Category.Valid() {
		bad("category", string(n.Category), "P-1", "want technical or account_billing")
	}
	if n.Severity == "" {
		n.Severity = Normal
	}
	if !n.Severity.Valid() {
		bad("severity", string(n.Severity), "P-2", "want low, normal, high, urgent or critical")
	}
	checkText(bad, "subject", n.Subject, MaxSubject, true)
	checkText(bad, "body", n.Body, MaxBody, false)
	if len(n.CC) > MaxCC {
		bad("cc", fmt.Sprint(len(n.CC)), "P-1", fmt.Sprintf("at most %d addresses", MaxCC))
	}
	seen := map[string]bool{}
	for i, a := range n.CC {
		addr, err := mail.ParseAddress(a)
		switch {
		case err != nil || addr.Address != a || addr.Name != "" || len(a) > 254:
			bad(fmt.Sprintf("cc[%d]", i), a, "P-1", "not a plain email address (name@example.com)")
		case seen[strings.ToLower(a)]:
			bad(fmt.Sprintf("cc[%d]", i), a, "P-1", "listed twice")
		}
		seen[strings.ToLower(a)] = true
	}
	switch n.Language {
	case "":
		n.Language = "ja"
	case "ja", "en":
	default:
		bad("language", n.Language, "C-2", "want ja or en")
	}
	return errors.Join(errs...)
}

// checkText checks a text field: valid UTF-8, not blank, at most max characters,
// and one line when oneLine.
func checkText(bad func(field, value, rule, reason string), field, v string, limit int, oneLine bool) {
	switch {
	case !utf8.ValidString(v):
		bad(field, v, "P-1", "not valid UTF-8")
	case strings.TrimSpace(v) == "":
		bad(field, "", "P-1", "required")
	case utf8.RuneCountInString(v) > limit:
		bad(field, v, "P-1", fmt.Sprintf("at most %d characters", limit))
	case oneLine && strings.ContainsAny(v, "\r\n"):
		bad(field, v, "P-1", "one line")
	case strings.ContainsFunc(v, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }):
		bad(field, v, "P-1", "control characters are not allowed")
	}
}

// checkAttachment checks a reference to an attached file: a plain file name and
// an https:// or s3:// reference (no script or local scheme).
func checkAttachment(a Attachment) string {
	switch {
	case strings.TrimSpace(a.Name) == "" || utf8.RuneCountInString(a.Name) > 255:
		return "want a file name of 1..255 characters"
	case strings.ContainsAny(a.Name, "/\\") || a.Name == "." || a.Name == ".." ||
		strings.ContainsFunc(a.Name, unicode.IsControl):
		return "a file name, without a path or control characters"
	case a.Size < 0:
		return "the size cannot be negative"
	case len(a.Ref) > 2048 || !(strings.HasPrefix(a.Ref, "https://") || strings.HasPrefix(a.Ref, "s3://")) ||
		strings.ContainsFunc(a.Ref, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }):
		return "want an https:// or s3:// reference of where the file is kept"
	}
	return ""
}
