package support

import (
	"fmt"
	"slices"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/support/hours"
)

// Hours counts business time over a schedule (P-2); hours.Schedule (package
// support/hours) implements it: Always for 24×7, JapanBusinessHours for business
// days 09:00–17:00 JST.
type Hours interface {
	// Add returns the instant when d of business time has elapsed from start.
	Add(start time.Time, d time.Duration) (time.Time, error)
	// Elapsed returns the business time between from and to (0 when to ≤ from).
	Elapsed(from, to time.Time) (time.Duration, error)
}

// coverage is implemented by Hours whose holiday list ends somewhere
// (hours.Schedule): a clock computed past its end is provisional.
type coverage interface {
	Covered(from, to time.Time) bool
}

// Target is the service level of one category and severity: the business time
// to the desk's first response and to resolution.
type Target struct {
	FirstResponse time.Duration
	Resolution    time.Duration
}

// Policy is the desk's service levels (P-2): the hours of each category and the
// targets of each category and severity. AtRisk is the share of a target after
// which a clock is at risk (default 0.75).
type Policy struct {
	Hours   map[Category]Hours
	Targets map[Category]map[Severity]Target
	AtRisk  float64
}

// Validate checks that every category has hours and every category and severity
// a target.
func (p *Policy) Validate() error {
	for _, c := range []Category{Technical, AccountBilling} {
		if p.Hours[c] == nil {
			return resellerkit.Invalid(ErrInvalid, "hours."+string(c), "", "P-2", "required")
		}
		for _, s := range Severities() {
			t, ok := p.Targets[c][s]
			if !ok || t.FirstResponse <= 0 || t.Resolution < t.FirstResponse {
				return resellerkit.Invalid(ErrInvalid, fmt.Sprintf("targets.%s.%s", c, s), "", "P-2",
					"want a first-response target above zero and a resolution target not shorter")
			}
		}
	}
	if p.AtRisk < 0 || p.AtRisk >= 1 {
		return resellerkit.Invalid(ErrInvalid, "at_risk", fmt.Sprint(p.AtRisk), "P-2", "want a share in [0, 1), 0 meaning 0.75")
	}
	return nil
}

// ClockState is the state of one SLA clock.
type ClockState string

// The states of a clock.
const (
	ClockRunning  ClockState = "running"  // under the at-risk share of its target
	ClockAtRisk   ClockState = "at_risk"  // past AtRisk of its target, not met
	ClockBreached ClockState = "breached" // past its target, not met
	ClockPaused   ClockState = "paused"   // waiting on the customer
	ClockMet      ClockState = "met"      // done within the target
	ClockMissed   ClockState = "missed"   // done, after the target
)

// Clock is one SLA clock of a case: its target, business time used, due time and
// state at a moment.
type Clock struct {
	Target  time.Duration
	Elapsed time.Duration // business time counted, waiting excluded
	Due     time.Time     // zero while paused
	State   ClockState
	// Provisional reports that the due time lies past the end of the holiday
	// list: it may move once a newer list is loaded.
	Provisional bool
}

// SLA is a case's two clocks (P-2).
type SLA struct {
	FirstResponse Clock
	Resolution    Clock
}

// Evaluate returns c's clocks at now: business time from its creation, without
// the time waiting on the customer, against the targets of its category and
// severity.
func (p *Policy) Evaluate(c *Case, now time.Time) (SLA, error) {
	h := p.Hours[c.Category]
	t, ok := p.Targets[c.Category][c.Severity]
	if h == nil || !ok {
		return SLA{}, resellerkit.Invalid(ErrInvalid, "case", c.ID, "P-2", fmt.Sprintf("no service level for %s/%s", c.Category, c.Severity))
	}
	risk := p.AtRisk
	if risk == 0 {
		risk = 0.75
	}
	// The first-response clock stops at the desk's first reply, or when the case
	// ends without one (resolved, closed or rejected): it is then not breached
	// for ever.
	frDone := c.FirstResponseAt
	if frDone.IsZero() {
		frDone = c.ResolvedAt
	}
	if frDone.IsZero() {
		frDone = c.ClosedAt
	}
	fr, err := clock(h, c, t.FirstResponse, frDone, now, risk)
	if err != nil {
		return SLA{}, err
	}
	done := c.ResolvedAt
	if done.IsZero() && c.State == Rejected {
		done = c.ClosedAt
	}
	res, err := clock(h, c, t.Resolution, done, now, risk)
	if err != nil {
		return SLA{}, err
	}
	return SLA{FirstResponse: fr, Resolution: res}, nil
}

// clock evaluates one clock of target from c's creation, stopped at done when set.
func clock(h Hours, c *Case, target time.Duration, done, now time.Time, risk float64) (Clock, error) {
	end := now
	if !done.IsZero() {
		end = done
	}
	elapsed, err := Elapsed(h, c.CreatedAt, end, c.Waiting)
	if err != nil {
		return Clock{}, err
	}
	k := Clock{Target: target, Elapsed: elapsed}
	due, paused, err := Due(h, c.CreatedAt, target, c.Waiting)
	if err != nil {
		return Clock{}, err
	}
	k.Due = due
	if cov, ok := h.(coverage); ok && !due.IsZero() {
		k.Provisional = !cov.Covered(c.CreatedAt, due)
	}
	switch {
	case !done.IsZero() && k.Elapsed <= target:
		k.State = ClockMet
	case !done.IsZero():
		k.State = ClockMissed
	case k.Elapsed > target:
		k.State = ClockBreached
	case paused && (k.Due.IsZero() || now.Before(k.Due)):
		k.State = ClockPaused
	case float64(k.Elapsed) >= risk*float64(target):
		k.State = ClockAtRisk
	default:
		k.State = ClockRunning
	}
	return k, nil
}

// Elapsed returns the business time between from and to, less the business time
// of the pauses (waiting on the customer; an open pause runs to to).
func Elapsed(h Hours, from, to time.Time, pauses []Span) (time.Duration, error) {
	total, err := h.Elapsed(from, to)
	if err != nil {
		return 0, err
	}
	for _, p := range pauses {
		s, e := maxTime(p.Start, from), p.End
		if e.IsZero() || e.After(to) {
			e = to
		}
		if e.After(s) {
			d, err := h.Elapsed(s, e)
			if err != nil {
				return 0, err
			}
			total -= d
		}
	}
	return max(total, 0), nil
}

// Due returns when target of business time has elapsed from start, not counting
// the pauses: each pause that begins before the target is reached pushes it back
// by its business time. paused reports that the target falls after the start of
// an open pause: the due time is then not known (zero) until the pause ends.
func Due(h Hours, start time.Time, target time.Duration, pauses []Span) (due time.Time, paused bool, err error) {
	ps := slices.Clone(pauses)
	slices.SortFunc(ps, func(a, b Span) int { return a.Start.Compare(b.Start) })
	cursor, remaining := start, target
	for _, p := range ps {
		if !p.Start.After(cursor) {
			if p.End.IsZero() {
				return time.Time{}, true, nil
			}
			cursor = maxTime(cursor, p.End)
			continue
		}
		part, err := h.Elapsed(cursor, p.Start)
		if err != nil {
			return time.Time{}, false, err
		}
		if part >= remaining {
			break
		}
		remaining -= part
		if p.End.IsZero() {
			return time.Time{}, true, nil
		}
		cursor = p.End
	}
	due, err = h.Add(cursor, remaining)
	return due, false, err
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// DefaultPolicy is the desk's default service levels (P-2): technical cases on
// 24×7 hours, account and billing cases on Japanese business days 09:00–17:00
// JST (hours.JapanBusinessHours: weekends, the Cabinet Office's public holidays
// and 12/29–1/3 closed). Targets are business time:
//
//	                 technical              account_billing
//	severity     first reply  resolved   first reply  resolved
//	low              24h        120h         16h         40h
//	normal           12h         72h          8h         40h
//	high              4h         48h          4h         24h
//	urgent            1h         24h          2h         16h
//	critical         30m         12h          2h         16h
func DefaultPolicy() Policy {
	h := time.Hour
	t := func(fr, res time.Duration) Target { return Target{FirstResponse: fr, Resolution: res} }
	return Policy{
		Hours: map[Category]Hours{Technical: hours.Always(), AccountBilling: hours.JapanBusinessHours(nil)},
		Targets: map[Category]map[Severity]Target{
			Technical:      {Low: t(24*h, 120*h), Normal: t(12*h, 72*h), High: t(4*h, 48*h), Urgent: t(h, 24*h), Critical: t(30*time.Minute, 12*h)},
			AccountBilling: {Low: t(16*h, 40*h), Normal: t(8*h, 40*h), High: t(4*h, 24*h), Urgent: t(2*h, 16*h), Critical: t(2*h, 16*h)},
		},
		AtRisk: 0.75,
	}
}
