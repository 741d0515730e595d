package support

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/members"
)

// Members is what support needs from members (members.Service implements it).
type Members interface {
	// Authorize checks p's permission need in orgID (M-5, M-6, M-7).
	Authorize(ctx context.Context, p members.Principal, orgID string, need members.Permission) error
	// ProjectOwning returns the organization owning an account in a month: a
	// case's account must be its organization's.
	ProjectOwning(ctx context.Context, accountID string, m resellerkit.Month) (members.AccountOwner, error)
}

// Notifier writes notices to the outbox (contacts.Service implements it),
// idempotent by NewNotice.Key.
type Notifier interface {
	Notify(ctx context.Context, n contacts.NewNotice) (contacts.Notice, error)
}

// Escalator opens a case with AWS Support for a customer's account (P-4):
// support/awssupport implements it through the role kept in the account. An
// error after which it cannot know whether AWS opened the case (the answer was
// lost) wraps ErrEscalationUnknown; any other error means AWS did not open it.
type Escalator interface {
	Escalate(ctx context.Context, c Case) (Escalation, error)
}

// Retention is how long a case is kept after its creation (P-5).
const Retention = 12 // months

// Service is the support desk (P-1 … P-6).
type Service struct {
	store     Store
	members   Members
	notifier  Notifier
	escalator Escalator
	policy    Policy
	desk      []string
	baseURL   string
	now       func() time.Time
	newID     func() string
}

// Config is what a Service is made of. Store, Members and Policy are required.
type Config struct {
	Store   Store
	Members Members
	// Notifier announces replies (P-3): to the inquirer and the case's CC, or to
	// the desk; nil sends none.
	Notifier Notifier
	// Escalator opens AWS Support cases (P-4); nil refuses escalation.
	Escalator Escalator
	Policy    Policy
	// Desk are the desk's addresses, told of new cases and customer replies.
	Desk    []string
	BaseURL string
	Now     func() time.Time
	NewID   func() string
}

// NewService returns the Service of cfg, or an error wrapping ErrInvalid.
func NewService(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Members == nil {
		return nil, resellerkit.Invalid(ErrInvalid, "store", "", "P-1", "a Store and a Members are required")
	}
	if err := cfg.Policy.Validate(); err != nil {
		return nil, err
	}
	s := &Service{store: cfg.Store, members: cfg.Members, notifier: cfg.Notifier, escalator: cfg.Escalator, policy: cfg.Policy,
		desk: slices.Clone(cfg.Desk), baseURL: cfg.BaseURL, now: cfg.Now, newID: cfg.NewID}
	if s.now == nil {
		s.now = time.Now
	}
	if s.newID == nil {
		s.newID = func() string { return strings.ToLower(rand.Text()) }
	}
	return s, nil
}

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// side authorizes p on orgID's cases: the desk (an operator acting for the whole
// reseller) or a customer with support.inquire (M-5).
func (s *Service) side(ctx context.Context, p members.Principal, orgID string) (Side, error) {
	if orgID == "" {
		return "", resellerkit.Invalid(ErrInvalid, "org_id", "", "M-7", "required: the organization acted on")
	}
	if p.Operator {
		if p.OrgID != "" {
			return "", fmt.Errorf("%w: the support desk acts for the whole reseller, not through a key bound to one organization", members.ErrPermissionDenied)
		}
		if err := s.members.Authorize(ctx, p, orgID, members.PermOperator); err != nil {
			return "", err
		}
		return Desk, nil
	}
	if err := s.members.Authorize(ctx, p, orgID, members.PermSupportInquire); err != nil {
		return "", err
	}
	return Customer, nil
}

// deskOnly authorizes p as the desk on orgID.
func (s *Service) deskOnly(ctx context.Context, p members.Principal, orgID string) error {
	side, err := s.side(ctx, p, orgID)
	if err != nil {
		return err
	}
	if side != Desk {
		return fmt.Errorf("%w: only the reseller's support desk (an operator) may do this", members.ErrPermissionDenied)
	}
	return nil
}

// Open opens a case (P-1) about an account of orgID: p needs support.inquire, and
// the account must be the organization's (ErrNotFound otherwise, as for a
// missing one). The desk is told.
func (s *Service) Open(ctx context.Context, p members.Principal, orgID string, n NewCase) (Case, error) {
	side, err := s.side(ctx, p, orgID)
	if err != nil {
		return Case{}, err
	}
	if side == Desk {
		return Case{}, fmt.Errorf("%w: a case is opened by the customer (the desk replies to it)", members.ErrPermissionDenied)
	}
	if err := n.validate(); err != nil {
		return Case{}, err
	}
	now := s.clock()
	owner, err := s.members.ProjectOwning(ctx, n.AccountID, resellerkit.MonthOf(now))
	if errors.Is(err, members.ErrNotFound) || (err == nil && owner.OrgID != orgID) {
		return Case{}, fmt.Errorf("%w: account %s is not an account of the organization", ErrNotFound, n.AccountID)
	}
	if err != nil {
		return Case{}, err
	}
	c := Case{ID: s.newID(), OrgID: orgID, AccountID: n.AccountID, Category: n.Category, Severity: n.Severity,
		Subject: n.Subject, Body: n.Body, CC: slices.Clone(n.CC), Language: n.Language, State: Open,
		OpenedBy: p.IdentityID, OpenedByEmail: p.Email, CreatedAt: now, UpdatedAt: now, Version: 1}
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.CreateCase(ctx, c); err != nil {
			return err
		}
		return s.notify(ctx, &c, "open", Desk, c.Body)
	})
	if err != nil {
		return Case{}, err
	}
	return c, nil
}

// Get returns a case of orgID and its conversation to p (support.inquire, or the
// desk).
func (s *Service) Get(ctx context.Context, p members.Principal, orgID, caseID string) (Case, []Reply, error) {
	if _, err := s.side(ctx, p, orgID); err != nil {
		return Case{}, nil, err
	}
	c, err := s.store.GetCase(ctx, orgID, caseID)
	if err != nil {
		return Case{}, nil, err
	}
	rs, err := s.store.ListReplies(ctx, orgID, caseID)
	return c, rs, err
}

// List returns a page of orgID's cases, newest first, to p (support.inquire, or
// the desk); f.OrgID is forced to orgID. A state that is none, or an account id
// that is not 12 digits, is ErrInvalid naming it (not an empty page).
func (s *Service) List(ctx context.Context, p members.Principal, orgID string, f CaseFilter, page resellerkit.Page) ([]Case, string, error) {
	if _, err := s.side(ctx, p, orgID); err != nil {
		return nil, "", err
	}
	for i, st := range f.States {
		if !st.Valid() {
			return nil, "", resellerkit.Invalid(ErrInvalid, fmt.Sprintf("states[%d]", i), string(st), "P-3",
				"want open, in_progress, waiting_on_customer, resolved, closed or rejected")
		}
	}
	if f.AccountID != "" && (len(f.AccountID) != 12 || strings.Trim(f.AccountID, "0123456789") != "") {
		return nil, "", resellerkit.Invalid(ErrInvalid, "account_id", f.AccountID, "P-1", "want a 12-digit AWS account id")
	}
	f.OrgID = orgID
	return s.store.ListCases(ctx, f, page)
}

// Reply adds a message to a case (P-3) from p's side and announces it to the
// other side: the desk's reply to the inquirer and the case's CC, a customer's to
// the desk. The desk's first reply stops the first-response clock. A customer's
// reply moves a case waiting on the customer, or resolved, back to in_progress.
// A closed or rejected case takes no reply (ErrTransition).
func (s *Service) Reply(ctx context.Context, p members.Principal, orgID, caseID, body string, atts []Attachment) (Reply, error) {
	side, err := s.side(ctx, p, orgID)
	if err != nil {
		return Reply{}, err
	}
	var errs []error
	checkText(func(f, v, r, why string) { errs = append(errs, resellerkit.Invalid(ErrInvalid, f, v, r, why)) }, "body", body, MaxBody, false)
	if len(atts) > MaxAttachments {
		errs = append(errs, resellerkit.Invalid(ErrInvalid, "attachments", fmt.Sprint(len(atts)), "P-3", fmt.Sprintf("at most %d", MaxAttachments)))
	}
	for i, a := range atts {
		if why := checkAttachment(a); why != "" {
			errs = append(errs, resellerkit.Invalid(ErrInvalid, fmt.Sprintf("attachments[%d]", i), a.Name, "P-3", why))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return Reply{}, err
	}
	var out Reply
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		c, err := s.store.GetCase(ctx, orgID, caseID)
		if err != nil {
			return err
		}
		if c.State.Final() {
			return fmt.Errorf("%w: case %s is %s: open a new case", ErrTransition, c.ID, c.State)
		}
		now := s.clock()
		out = Reply{ID: s.newID(), CaseID: c.ID, OrgID: orgID, Side: side, AuthorID: p.IdentityID, Body: body,
			Attachments: slices.Clone(atts), CreatedAt: now}
		if err := s.store.AddReply(ctx, out); err != nil {
			return err
		}
		switch {
		case side == Desk && c.FirstResponseAt.IsZero():
			c.FirstResponseAt = now
		case side == Customer && (c.State == WaitingOnCustomer || c.State == Resolved):
			move(&c, InProgress, now)
		}
		c.UpdatedAt = now
		if err := s.store.UpdateCase(ctx, c); err != nil {
			return err
		}
		to := Desk
		if side == Desk {
			to = Customer
		}
		return s.notify(ctx, &c, "reply:"+out.ID, to, body)
	})
	return out, err
}

// move changes c's state, keeping the waiting spans and the resolution times.
func move(c *Case, to State, now time.Time) {
	if c.State == WaitingOnCustomer && len(c.Waiting) > 0 && c.Waiting[len(c.Waiting)-1].End.IsZero() {
		c.Waiting[len(c.Waiting)-1].End = now
	}
	switch to {
	case WaitingOnCustomer:
		c.Waiting = append(c.Waiting, Span{Start: now})
	case Resolved:
		c.ResolvedAt = now
	case Closed, Rejected:
		c.ClosedAt = now
	case InProgress:
		if c.State == Resolved {
			// Reopened: the resolution clock runs again, without the time the case
			// stayed resolved (it was not the desk's to count).
			c.Waiting = append(c.Waiting, Span{Start: c.ResolvedAt, End: now})
			c.ResolvedAt = time.Time{}
		}
	}
	c.State = to
}

// Transition moves a case (P-3), by the desk, if version is current: open →
// in_progress ↔ waiting_on_customer → resolved → closed (and resolved →
// in_progress). Rejection goes through Reject. ErrTransition names the states.
func (s *Service) Transition(ctx context.Context, p members.Principal, orgID, caseID string, to State, version int64) (Case, error) {
	if err := s.deskOnly(ctx, p, orgID); err != nil {
		return Case{}, err
	}
	if !to.Valid() || to == Rejected {
		return Case{}, resellerkit.Invalid(ErrInvalid, "state", string(to), "P-3", "want in_progress, waiting_on_customer, resolved or closed")
	}
	return s.update(ctx, orgID, caseID, version, func(c *Case, now time.Time) error {
		if !CanMove(c.State, to) {
			return fmt.Errorf("%w: a case %s cannot become %s (P-3)", ErrTransition, c.State, to)
		}
		move(c, to, now)
		return nil
	})
}

// Assign sets the operator working on a case ("" to unassign), by the desk.
func (s *Service) Assign(ctx context.Context, p members.Principal, orgID, caseID, assignee string, version int64) (Case, error) {
	if err := s.deskOnly(ctx, p, orgID); err != nil {
		return Case{}, err
	}
	if len(assignee) > 200 {
		return Case{}, resellerkit.Invalid(ErrInvalid, "assignee", assignee, "P-3", "at most 200 characters")
	}
	return s.update(ctx, orgID, caseID, version, func(c *Case, _ time.Time) error {
		c.Assignee = assignee
		return nil
	})
}

// Reject closes an out-of-scope request (P-6), by the desk: third-party software
// or the customer's code; the inquirer is told the reason. Only an open or in
// progress case can be rejected.
func (s *Service) Reject(ctx context.Context, p members.Principal, orgID, caseID string, scope Scope, version int64) (Case, error) {
	if err := s.deskOnly(ctx, p, orgID); err != nil {
		return Case{}, err
	}
	if !scope.Valid() {
		return Case{}, resellerkit.Invalid(ErrInvalid, "scope", string(scope), "P-6", "want third_party_software or customer_code")
	}
	var out Case
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		c, err := s.update(ctx, orgID, caseID, version, func(c *Case, now time.Time) error {
			if !CanMove(c.State, Rejected) {
				return fmt.Errorf("%w: a case %s cannot be rejected (P-3)", ErrTransition, c.State)
			}
			c.Scope = scope
			move(c, Rejected, now)
			return nil
		})
		if err != nil {
			return err
		}
		out = c
		return s.notify(ctx, &c, "rejected", Customer, scope.Reason())
	})
	return out, err
}

// Escalate opens a case with AWS Support for the case's account (P-4), by the
// desk, through the Escalator, and records it on the case; a case escalated
// already returns as it is. The escalation is claimed in a transaction before AWS
// is called, so two desks escalating at once open one AWS case (the second gets
// ErrConflict), and recorded after it whatever else changed the case meanwhile.
// A claim left by a crash during the call (an escalation without an AWS case id)
// is given up after EscalationTimeout: the desk checks AWS's console first, as
// the AWS case may exist (CreateCase has no idempotency token). A call cut off by
// the end of ctx, or whose answer the Escalator lost with ctx still live
// (ErrEscalationUnknown: a dropped connection, the HTTP client's own timeout), is
// such a claim too (ErrConflict and ErrEscalationUnknown); an AWS case opened is
// recorded even when ctx ended after the call; a call AWS refused gives the claim
// back at once. A second attempt while the claim holds gets ErrConflict and
// ErrEscalationClaimed.
func (s *Service) Escalate(ctx context.Context, p members.Principal, orgID, caseID string) (Case, error) {
	if err := s.deskOnly(ctx, p, orgID); err != nil {
		return Case{}, err
	}
	if s.escalator == nil {
		return Case{}, resellerkit.Invalid(ErrInvalid, "escalator", "", "P-4", "no Escalator is configured")
	}
	var (
		c       Case
		already bool
	)
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if c, err = s.store.GetCase(ctx, orgID, caseID); err != nil {
			return err
		}
		now := s.clock()
		switch {
		case c.Escalation != nil && c.Escalation.AWSCaseID != "":
			already = true
			return nil
		case c.Escalation != nil && now.Sub(c.Escalation.At) < EscalationTimeout:
			return fmt.Errorf("%w: %w: case %s is being escalated since %s, or that call's outcome is unknown: check AWS Support's console; "+
				"escalating again is possible after %s", ErrConflict, ErrEscalationClaimed, c.ID, c.Escalation.At.Format(time.RFC3339), EscalationTimeout)
		case c.State.Final():
			return fmt.Errorf("%w: case %s is %s", ErrTransition, c.ID, c.State)
		}
		c.Escalation = &Escalation{At: now, By: p.IdentityID} // claimed: no AWS case id yet
		c.UpdatedAt = now
		if err := s.store.UpdateCase(ctx, c); err != nil {
			return err
		}
		c.Version++
		return nil
	})
	if err != nil || already {
		return c, err
	}
	e, err := s.escalator.Escalate(ctx, c)
	// What AWS did is recorded even when ctx ended meanwhile (a request's
	// deadline, a closed browser): an AWS case left unrecorded is opened again.
	record := context.WithoutCancel(ctx)
	if err != nil {
		if ctx.Err() != nil || errors.Is(err, ErrEscalationUnknown) {
			// The call was cut off, or its answer lost on the way (a dropped
			// connection, the HTTP client's own timeout): AWS may have opened the
			// case. The claim stays, as after a crash.
			if !errors.Is(err, ErrEscalationUnknown) {
				err = fmt.Errorf("%w: %w", ErrEscalationUnknown, err) // cut off by ctx: unknown all the same
			}
			return Case{}, fmt.Errorf("%w: escalating case %s got no answer (%w): AWS Support may have opened the case; "+
				"check its console before escalating again, which is possible after %s", ErrConflict, c.ID, err, EscalationTimeout)
		}
		// Give the claim back, so the desk can try again.
		_, _ = s.setEscalation(record, orgID, caseID, nil) // best effort: it times out anyway
		return Case{}, fmt.Errorf("support: escalating case %s: %w", c.ID, err)
	}
	e.At, e.By = s.clock(), p.IdentityID
	out, err := s.setEscalation(record, orgID, caseID, &e)
	if err != nil {
		return Case{}, fmt.Errorf("support: case %s was escalated to AWS as case %s (%s), but recording it failed: %w", caseID, e.AWSCaseID, e.DisplayID, err)
	}
	return out, nil
}

// EscalationTimeout is how long an escalation claim without an AWS case id (a
// crash during the call to AWS) blocks another attempt.
const EscalationTimeout = 10 * time.Minute

// setEscalation records e (nil: clears a claim) on the case, whatever else
// changed it since, retrying a lost race.
func (s *Service) setEscalation(ctx context.Context, orgID, caseID string, e *Escalation) (Case, error) {
	var out Case
	var err error
	for range 5 {
		err = s.store.InTx(ctx, func(ctx context.Context) error {
			c, err := s.store.GetCase(ctx, orgID, caseID)
			if err != nil {
				return err
			}
			c.Escalation, c.UpdatedAt = e, s.clock()
			if err := s.store.UpdateCase(ctx, c); err != nil {
				return err
			}
			c.Version++
			out = c
			return nil
		})
		if !errors.Is(err, ErrConflict) {
			return out, err
		}
	}
	return out, err
}

// update loads a case, checks version, applies fn and stores it.
func (s *Service) update(ctx context.Context, orgID, caseID string, version int64, fn func(c *Case, now time.Time) error) (Case, error) {
	if version < 1 {
		return Case{}, resellerkit.Invalid(ErrInvalid, "version", fmt.Sprint(version), "P-3", "required: the version read (1 or more)")
	}
	var out Case
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		c, err := s.store.GetCase(ctx, orgID, caseID)
		if err != nil {
			return err
		}
		if c.Version != version {
			return fmt.Errorf("%w: case %s is at version %d, not %d", ErrConflict, caseID, c.Version, version)
		}
		now := s.clock()
		if err := fn(&c, now); err != nil {
			return err
		}
		c.UpdatedAt = now
		if err := s.store.UpdateCase(ctx, c); err != nil {
			return err
		}
		c.Version++
		out = c
		return nil
	})
	return out, err
}

// notify announces a case event to a side: the inquirer and CC (Customer) or the
// desk; key makes it once per event.
func (s *Service) notify(ctx context.Context, c *Case, event string, to Side, text string) error {
	if s.notifier == nil {
		return nil
	}
	n := contacts.NewNotice{Key: "support:" + c.ID + ":" + event, Kind: contacts.KindSupportReply, OrgID: c.OrgID,
		Language: contacts.Language(c.Language),
		Data: contacts.SupportReplyData{CaseID: c.ID, Subject: c.Subject, ReplyExcerpt: excerpt(text),
			URL: fmt.Sprintf("%s/orgs/%s/support/cases/%s", s.baseURL, c.OrgID, c.ID)}}
	if to == Desk {
		if len(s.desk) == 0 {
			return nil
		}
		// The desk's own notices belong to no organization: a customer listing its
		// organization's notices never sees the desk's addresses.
		n.To, n.Language, n.OrgID = s.desk, contacts.Japanese, ""
	} else {
		switch {
		case c.OpenedByEmail != "":
			n.To, n.CC = []string{c.OpenedByEmail}, c.CC
		case len(c.CC) > 0:
			n.To = c.CC // opened through an API key without an email: the CC are told
		default:
			return nil
		}
	}
	_, err := s.notifier.Notify(ctx, n)
	return err
}

// excerpt is the first 500 characters of a text.
func excerpt(s string) string {
	if utf8.RuneCountInString(s) <= 500 {
		return s
	}
	r := []rune(s)
	return string(r[:500]) + "…"
}

// QueueItem is a case in the desk's queue with its SLA clocks now.
type QueueItem struct {
	Case Case
	SLA  SLA
}

// Queue returns the desk's queue (operators signed in with MFA): every case of
// every organization that is not final, oldest first, with its SLA clocks at now
// (read whole: the queue of open cases is the desk's working set); with only set, those whose first-response or resolution clock
// is in one of the states (e.g. at_risk, breached; a state that is none is
// ErrInvalid naming it).
func (s *Service) Queue(ctx context.Context, p members.Principal, only []ClockState) ([]QueueItem, error) {
	if !p.Operator || p.OrgID != "" {
		return nil, fmt.Errorf("%w: the queue is the support desk's (operators)", members.ErrPermissionDenied)
	}
	if !p.MFA {
		// The queue shows every organization's cases, some of which enforce MFA
		// (M-6): the desk signs in with a second factor.
		return nil, fmt.Errorf("%w: the support desk's queue needs a sign-in with MFA", members.ErrPermissionDenied)
	}
	for i, st := range only {
		switch st {
		case ClockRunning, ClockAtRisk, ClockBreached, ClockPaused, ClockMet, ClockMissed:
		default:
			return nil, resellerkit.Invalid(ErrInvalid, fmt.Sprintf("only[%d]", i), string(st), "P-2",
				"want running, at_risk, breached, paused, met or missed")
		}
	}
	cases, err := resellerkit.All(func(pg resellerkit.Page) ([]Case, string, error) {
		return s.store.ListCases(ctx, CaseFilter{States: []State{Open, InProgress, WaitingOnCustomer, Resolved}}, pg)
	})
	if err != nil {
		return nil, err
	}
	now := s.clock()
	var out []QueueItem
	for i := len(cases) - 1; i >= 0; i-- {
		c := cases[i]
		sla, err := s.policy.Evaluate(&c, now)
		if err != nil {
			return nil, err
		}
		if len(only) > 0 && !slices.Contains(only, sla.FirstResponse.State) && !slices.Contains(only, sla.Resolution.State) {
			continue
		}
		out = append(out, QueueItem{Case: c, SLA: sla})
	}
	return out, nil
}

// SLA returns a case's clocks now, to p (support.inquire or the desk).
func (s *Service) SLA(ctx context.Context, p members.Principal, orgID, caseID string) (SLA, error) {
	if _, err := s.side(ctx, p, orgID); err != nil {
		return SLA{}, err
	}
	c, err := s.store.GetCase(ctx, orgID, caseID)
	if err != nil {
		return SLA{}, err
	}
	return s.policy.Evaluate(&c, s.clock())
}

// monthsBefore returns t n months earlier; when that month has no such day (29
// February in a common year), its last day: time.AddDate would roll over into
// the next month (2028-02-29 less 12 months is 2027-03-01), purging a case the day
// before its retention ends.
func monthsBefore(t time.Time, n int) time.Time {
	c := t.AddDate(0, -n, 0)
	if c.Day() != t.Day() {
		c = c.AddDate(0, 0, -c.Day())
	}
	return c
}

// Purged is what Service.Purge removed.
type Purged struct {
	Cutoff time.Time
	Cases  []string
}

// Purge deletes the cases created more than Retention months ago (P-5), with
// their replies, in batches, and reports them. Idempotent: a second run removes
// nothing more. A system operation.
func (s *Service) Purge(ctx context.Context) (Purged, error) {
	out := Purged{Cutoff: monthsBefore(s.clock(), Retention)}
	for {
		ids, err := s.store.PurgeCases(ctx, out.Cutoff, 500)
		if err != nil {
			return out, err
		}
		out.Cases = append(out.Cases, ids...)
		if len(ids) < 500 {
			return out, nil
		}
	}
}
