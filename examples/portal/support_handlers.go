package main

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/support"
	"github.com/seeda33a2f4f/resellerkit/support/awssupport"
)

// Support endpoints (P-1 … P-6): a customer's cases, their conversation and SLA
// clocks, and the desk's queue and actions. Each calls one support.Service method
// (reading a case calls Get and SLA in one snapshot); the Service decides who may:
// support.inquire for customers, an operator acting for the whole reseller (not
// through an API key bound to one organization) for the desk. The same replies
// endpoint serves both sides: the Service tells them apart by the principal.

// errEscalationOff: the portal runs without an Escalator (-support-escalation).
var errEscalationOff = errors.New("escalation to AWS Support is not configured on this portal: " +
	"start it with -support-escalation (the role " + awssupport.DefaultRole + " assumed in the customer's account from the default AWS configuration)")

// ---- documents ----

type spanJSON struct {
	Start time.Time  `json:"start"`
	End   *time.Time `json:"end,omitempty"` // absent while waiting
}

type escalationJSON struct {
	AWSCaseID string    `json:"aws_case_id"`
	DisplayID string    `json:"display_id,omitempty"`
	At        time.Time `json:"at"`
	By        string    `json:"by"`
}

// caseJSON is a support case (P-1) with its state (P-3), its rejection's scope
// and reason (P-6) and its escalation (P-4).
type caseJSON struct {
	ID              string          `json:"id"`
	OrgID           string          `json:"org_id"`
	AccountID       string          `json:"account_id"`
	Category        string          `json:"category"`
	Severity        string          `json:"severity"`
	Subject         string          `json:"subject"`
	Body            string          `json:"body"`
	CC              []string        `json:"cc"`
	Language        string          `json:"language"`
	State           string          `json:"state"`
	OpenedBy        string          `json:"opened_by"`
	Assignee        string          `json:"assignee,omitempty"`
	Waiting         []spanJSON      `json:"waiting"` // the periods waiting on the customer, which the clocks do not count
	FirstResponseAt *time.Time      `json:"first_response_at,omitempty"`
	ResolvedAt      *time.Time      `json:"resolved_at,omitempty"`
	ClosedAt        *time.Time      `json:"closed_at,omitempty"`
	Scope           string          `json:"scope,omitempty"`  // set when rejected (P-6)
	Reason          string          `json:"reason,omitempty"` // the scope's explanation, Japanese / English
	Escalation      *escalationJSON `json:"escalation,omitempty"`
	CreatedAt       time.Time       `json:"created_at"`
	UpdatedAt       time.Time       `json:"updated_at"`
	Version         int64           `json:"version"`
}

func toCase(c support.Case) caseJSON {
	out := caseJSON{ID: c.ID, OrgID: c.OrgID, AccountID: c.AccountID, Category: string(c.Category), Severity: string(c.Severity),
		Subject: c.Subject, Body: c.Body, CC: nonNil(c.CC), Language: c.Language, State: string(c.State), OpenedBy: c.OpenedBy,
		Assignee: c.Assignee, FirstResponseAt: optionalTime(c.FirstResponseAt), ResolvedAt: optionalTime(c.ResolvedAt),
		ClosedAt: optionalTime(c.ClosedAt), Scope: string(c.Scope), Reason: c.Scope.Reason(),
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, Version: c.Version,
		Waiting: convert(c.Waiting, func(s support.Span) spanJSON { return spanJSON{Start: s.Start, End: optionalTime(s.End)} })}
	if e := c.Escalation; e != nil {
		out.Escalation = &escalationJSON{AWSCaseID: e.AWSCaseID, DisplayID: e.DisplayID, At: e.At, By: e.By}
	}
	return out
}

// attachmentJSON is a reference to a file kept elsewhere (an object store): the
// portal stores no files.
type attachmentJSON struct {
	Name string `json:"name"`
	Size int64  `json:"size"`
	Ref  string `json:"ref"` // e.g. an S3 URI or a URL
}

type replyJSON struct {
	ID          string           `json:"id"`
	CaseID      string           `json:"case_id"`
	Side        string           `json:"side"` // customer or desk
	AuthorID    string           `json:"author_id"`
	Body        string           `json:"body"`
	Attachments []attachmentJSON `json:"attachments"`
	CreatedAt   time.Time        `json:"created_at"`
}

func toReply(r support.Reply) replyJSON {
	return replyJSON{ID: r.ID, CaseID: r.CaseID, Side: string(r.Side), AuthorID: r.AuthorID, Body: r.Body, CreatedAt: r.CreatedAt,
		Attachments: convert(r.Attachments, func(a support.Attachment) attachmentJSON {
			return attachmentJSON{Name: a.Name, Size: a.Size, Ref: a.Ref}
		})}
}

// clockJSON is one SLA clock (P-2): its target and the business time used, in
// seconds, the due time in UTC like every time of the API (absent while paused:
// it is known once the customer answers), its state, and whether the due time lies past the holiday list
// (provisional: it may move once a newer list is loaded).
type clockJSON struct {
	TargetSeconds  int64      `json:"target_seconds"`
	ElapsedSeconds int64      `json:"elapsed_seconds"`
	Due            *time.Time `json:"due,omitempty"`
	State          string     `json:"state"` // running, at_risk, breached, paused, met, missed
	Provisional    bool       `json:"provisional"`
}

// slaJSON is a case's two clocks at the time of the answer.
type slaJSON struct {
	FirstResponse clockJSON `json:"first_response"`
	Resolution    clockJSON `json:"resolution"`
}

func toClock(k support.Clock) clockJSON {
	return clockJSON{TargetSeconds: int64(k.Target / time.Second), ElapsedSeconds: int64(k.Elapsed / time.Second),
		Due: optionalTime(k.Due.UTC()), State: string(k.State), Provisional: k.Provisional}
}

func toSLA(s support.SLA) slaJSON {
	return slaJSON{FirstResponse: toClock(s.FirstResponse), Resolution: toClock(s.Resolution)}
}

// caseDetailJSON is a case with its conversation, oldest first, and its clocks.
type caseDetailJSON struct {
	caseJSON
	Replies []replyJSON `json:"replies"`
	SLA     slaJSON     `json:"sla"`
}

// queueItemJSON is a case of the desk's queue with its clocks.
type queueItemJSON struct {
	caseJSON
	SLA slaJSON `json:"sla"`
}

// ---- customers (and the desk) ----

// caseInput is the body of POST …/support/cases (P-1).
type caseInput struct {
	AccountID string   `json:"account_id"`
	Category  string   `json:"category"`
	Severity  string   `json:"severity"` // default normal
	Subject   string   `json:"subject"`
	Body      string   `json:"body"`
	CC        []string `json:"cc"`
	Language  string   `json:"language"` // ja (default) or en
}

// openCase is POST /v1/orgs/{org}/support/cases (support.inquire): a case about
// an account of the organization, 201; the desk is told. An account the
// organization does not have is 404.
func (s *server) openCase(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	var in caseInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := s.sup.Open(r.Context(), p, r.PathValue("org"), support.NewCase{AccountID: in.AccountID,
		Category: support.Category(in.Category), Severity: support.Severity(in.Severity), Subject: in.Subject, Body: in.Body,
		CC: in.CC, Language: in.Language})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, toCase(c))
}

// listParam reads a comma-separated query parameter ("" and nil when absent).
func listParam(r *http.Request, name string) ([]string, error) {
	v, ok, err := oneParam(r.URL.Query(), name)
	if err != nil || !ok || v == "" {
		return nil, err
	}
	return strings.Split(v, ","), nil
}

// listCases is GET /v1/orgs/{org}/support/cases?state=&account=&assignee=
// (support.inquire, or the desk): the organization's cases, newest first; state
// takes several states separated by commas.
func (s *server) listCases(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	q := r.URL.Query()
	page, err := parsePage(q)
	if err != nil {
		return err
	}
	var f support.CaseFilter
	states, err := listParam(r, "state")
	if err != nil {
		return err
	}
	for _, st := range states {
		if !support.State(st).Valid() {
			return resellerkit.Invalid(errInvalidQuery, "state", st, "P-3",
				"want open, in_progress, waiting_on_customer, resolved, closed or rejected (several separated by commas)")
		}
		f.States = append(f.States, support.State(st))
	}
	if f.AccountID, _, err = oneParam(q, "account"); err != nil {
		return err
	}
	if f.Assignee, _, err = oneParam(q, "assignee"); err != nil {
		return err
	}
	var (
		cases []support.Case
		next  string
	)
	err = s.snapshot(r.Context(), func(ctx context.Context) error {
		cases, next, err = s.sup.List(ctx, p, r.PathValue("org"), f, page)
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, pageJSON[caseJSON]{Items: convert(cases, toCase), NextPageToken: next})
}

// getCase is GET /v1/orgs/{org}/support/cases/{case} (support.inquire, or the
// desk): the case, its replies oldest first and its SLA clocks now.
func (s *server) getCase(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	org, id := r.PathValue("org"), r.PathValue("case")
	var out caseDetailJSON
	err := s.snapshot(r.Context(), func(ctx context.Context) error {
		c, replies, err := s.sup.Get(ctx, p, org, id)
		if err != nil {
			return err
		}
		sla, err := s.sup.SLA(ctx, p, org, id)
		if err != nil {
			return err
		}
		out = caseDetailJSON{caseJSON: toCase(c), Replies: convert(replies, toReply), SLA: toSLA(sla)}
		return nil
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

// replyInput is the body of POST …/replies (P-3).
type replyInput struct {
	Body        string           `json:"body"`
	Attachments []attachmentJSON `json:"attachments"`
}

// replyToCase is POST /v1/orgs/{org}/support/cases/{case}/replies
// (support.inquire, or the desk): a message from the caller's side, 201,
// announced to the other side. A customer's reply moves a case waiting on them
// (or resolved) back to in_progress; the desk's first stops the first-response
// clock. A closed or rejected case is 409 transition_not_allowed.
func (s *server) replyToCase(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	var in replyInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	atts := convert(in.Attachments, func(a attachmentJSON) support.Attachment {
		return support.Attachment{Name: a.Name, Size: a.Size, Ref: a.Ref}
	})
	reply, err := s.sup.Reply(r.Context(), p, r.PathValue("org"), r.PathValue("case"), in.Body, atts)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, toReply(reply))
}

// ---- the desk ----

// clockStates are the states of an SLA clock, for ?clock=.
var clockStates = []support.ClockState{support.ClockRunning, support.ClockAtRisk, support.ClockBreached,
	support.ClockPaused, support.ClockMet, support.ClockMissed}

// supportQueue is GET /v1/operator/support/queue?clock=at_risk,breached (reseller
// operator): every organization's cases not closed or rejected, oldest first,
// with their clocks now; with clock, those whose first-response or resolution
// clock is in one of the states. The queue is whole: it does not page.
func (s *server) supportQueue(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	clocks, err := listParam(r, "clock")
	if err != nil {
		return err
	}
	var only []support.ClockState
	for _, c := range clocks {
		if !slices.Contains(clockStates, support.ClockState(c)) {
			return resellerkit.Invalid(errInvalidQuery, "clock", c, "P-2",
				"want running, at_risk, breached, paused, met or missed (several separated by commas)")
		}
		only = append(only, support.ClockState(c))
	}
	var items []support.QueueItem
	err = s.snapshot(r.Context(), func(ctx context.Context) error {
		items, err = s.sup.Queue(ctx, p, only)
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, pageJSON[queueItemJSON]{Items: convert(items, func(it support.QueueItem) queueItemJSON {
		return queueItemJSON{caseJSON: toCase(it.Case), SLA: toSLA(it.SLA)}
	})})
}

// checkVersion requires the version the client read, as every update of the
// portal does: 0 (a forgotten field) is 400 invalid naming "version", not a 409.
func checkVersion(v int64) error {
	if v < 1 {
		return resellerkit.Invalid(support.ErrInvalid, "version", strconv.FormatInt(v, 10), "P-3", "required: send the version of the case you read")
	}
	return nil
}

// stateInput is the body of POST …/state.
type stateInput struct {
	State   string `json:"state"`
	Version int64  `json:"version"`
}

// moveCase is POST /v1/orgs/{org}/support/cases/{case}/state (the desk): open →
// in_progress ↔ waiting_on_customer → resolved → closed, and resolved →
// in_progress (P-3). Any other move is 409 transition_not_allowed naming the
// states; rejection is …/reject.
func (s *server) moveCase(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	var in stateInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := checkVersion(in.Version); err != nil {
		return err
	}
	c, err := s.sup.Transition(r.Context(), p, r.PathValue("org"), r.PathValue("case"), support.State(in.State), in.Version)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toCase(c))
}

// assignInput is the body of POST …/assign.
type assignInput struct {
	Assignee string `json:"assignee"` // "" unassigns
	Version  int64  `json:"version"`
}

// assignCase is POST /v1/orgs/{org}/support/cases/{case}/assign (the desk): who
// works on the case.
func (s *server) assignCase(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	var in assignInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := checkVersion(in.Version); err != nil {
		return err
	}
	c, err := s.sup.Assign(r.Context(), p, r.PathValue("org"), r.PathValue("case"), in.Assignee, in.Version)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toCase(c))
}

// rejectInput is the body of POST …/reject.
type rejectInput struct {
	Scope   string `json:"scope"` // third_party_software or customer_code
	Version int64  `json:"version"`
}

// rejectCase is POST /v1/orgs/{org}/support/cases/{case}/reject (the desk): an
// out-of-scope request closed with the reason (P-6), which the inquirer is
// mailed; only an open or in-progress case.
func (s *server) rejectCase(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	var in rejectInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := checkVersion(in.Version); err != nil {
		return err
	}
	c, err := s.sup.Reject(r.Context(), p, r.PathValue("org"), r.PathValue("case"), support.Scope(in.Scope), in.Version)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toCase(c))
}

// escalateCase is POST /v1/orgs/{org}/support/cases/{case}/escalate (the desk):
// a case opened with AWS Support in the case's account (P-4), recorded on the
// case; a case escalated already answers as it is. Without an Escalator
// (-support-escalation) it is 422 escalation_not_configured.
func (s *server) escalateCase(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	var none struct{}
	if err := decodeOptionalJSON(w, r, &none); err != nil {
		return err
	}
	c, err := s.sup.Escalate(r.Context(), p, r.PathValue("org"), r.PathValue("case"))
	if v := (*resellerkit.ValidationError)(nil); errors.As(err, &v) && v.Field == "escalator" && errors.Is(err, support.ErrInvalid) {
		return errEscalationOff
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toCase(c))
}
