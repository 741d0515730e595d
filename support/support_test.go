package support_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	contactsmem "github.com/seeda33a2f4f/resellerkit/contacts/memstore"
	"github.com/seeda33a2f4f/resellerkit/members"
	membersmem "github.com/seeda33a2f4f/resellerkit/members/memstore"
	"github.com/seeda33a2f4f/resellerkit/money"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
	"github.com/seeda33a2f4f/resellerkit/support"
	"github.com/seeda33a2f4f/resellerkit/support/hours"
	supportmem "github.com/seeda33a2f4f/resellerkit/support/memstore"
	supportsql "github.com/seeda33a2f4f/resellerkit/support/sqlstore"
)

// always is 24×7 hours: business time is wall time.
type always struct{}

func (always) Add(t time.Time, d time.Duration) (time.Time, error) { return t.Add(d), nil }
func (always) Elapsed(a, b time.Time) (time.Duration, error) {
	if b.Before(a) {
		return 0, nil
	}
	return b.Sub(a), nil
}

func policy() support.Policy {
	t := map[support.Severity]support.Target{}
	for _, s := range support.Severities() {
		t[s] = support.Target{FirstResponse: 4 * time.Hour, Resolution: 24 * time.Hour}
	}
	t[support.Urgent] = support.Target{FirstResponse: time.Hour, Resolution: 8 * time.Hour}
	return support.Policy{Hours: map[support.Category]support.Hours{support.Technical: always{}, support.AccountBilling: always{}},
		Targets: map[support.Category]map[support.Severity]support.Target{support.Technical: t, support.AccountBilling: t}}
}

// escalator is a fake AWS Support.
type escalator struct{ calls atomic.Int32 }

func (e *escalator) Escalate(_ context.Context, c support.Case) (support.Escalation, error) {
	n := e.calls.Add(1)
	return support.Escalation{AWSCaseID: fmt.Sprintf("case-%s-%d", c.AccountID, n), DisplayID: fmt.Sprint(1000 + n)}, nil
}

type fixture struct {
	ctx     context.Context
	now     atomic.Pointer[time.Time]
	members *members.Service
	cstore  *contactsmem.Store
	store   support.Store
	svc     *support.Service
	esc     *escalator
	orgA    members.Organization
	orgB    members.Organization
	alice   members.Principal // power user of A
	viewer  members.Principal // general user of A without support.inquire
	bob     members.Principal // power user of B
	desk    members.Principal
	acctA   string
	acctB   string
}

func (f *fixture) set(t time.Time)  { f.now.Store(&t) }
func (f *fixture) clock() time.Time { return *f.now.Load() }

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{ctx: context.Background(), cstore: contactsmem.New(), store: newStore(t), esc: &escalator{},
		acctA: "111111111111", acctB: "222222222222"}
	f.set(time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)) // the organization exists since 2025-09
	f.members = members.NewService(membersmem.New(), members.WithClock(f.clock))
	f.alice = members.Principal{IdentityID: "alice", Email: "alice@a.example", MFA: true}
	f.bob = members.Principal{IdentityID: "bob", Email: "bob@b.example", MFA: true}
	f.viewer = members.Principal{IdentityID: "viewer", Email: "viewer@a.example", MFA: true}
	f.desk = members.Principal{IdentityID: "op", Email: "op@reseller.example", MFA: true, Operator: true}
	var err error
	f.orgA, err = f.members.CreateOrganization(f.ctx, f.alice, members.NewOrganization{Code: "org-a", Name: "A"})
	require.NoError(t, err)
	f.orgB, err = f.members.CreateOrganization(f.ctx, f.bob, members.NewOrganization{Code: "org-b", Name: "B"})
	require.NoError(t, err)
	for _, x := range []struct {
		p    members.Principal
		org  string
		acct string
	}{{f.alice, f.orgA.ID, f.acctA}, {f.bob, f.orgB.ID, f.acctB}} {
		p, err := f.members.CreateProject(f.ctx, x.p, x.org, members.Project{Name: "P", PaymentMethod: members.PaymentBankTransfer,
			Currency: money.USD, InvoiceTo: []string{"x@x.example"}})
		require.NoError(t, err)
		_, err = f.members.RegisterAccount(f.ctx, f.desk, x.org, members.NewAccount{ID: x.acct, ProjectID: p.ID})
		require.NoError(t, err)
	}
	inv, err := f.members.Invite(f.ctx, f.alice, f.orgA.ID, members.NewInvitation{Email: f.viewer.Email, Type: members.MemberGeneral,
		Permissions: []members.Permission{members.PermProjectView}})
	require.NoError(t, err)
	_, err = f.members.AcceptInvitation(f.ctx, f.viewer, f.orgA.ID, inv.ID)
	require.NoError(t, err)
	notices, err := contacts.NewService(f.cstore, f.members)
	require.NoError(t, err)
	f.svc, err = support.NewService(support.Config{Store: f.store, Members: f.members, Notifier: notices, Escalator: f.esc,
		Policy: policy(), Desk: []string{"desk@reseller.example"}, Now: f.clock})
	require.NoError(t, err)
	f.set(time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC))
	return f
}

func (f *fixture) open(t *testing.T, sev support.Severity) support.Case {
	t.Helper()
	c, err := f.svc.Open(f.ctx, f.alice, f.orgA.ID, support.NewCase{AccountID: f.acctA, Category: support.Technical, Severity: sev,
		Subject: "EC2 が起動しません", Body: "i-0123 が pending のままです。", CC: []string{"ops@a.example"}})
	require.NoError(t, err)
	return c
}

// notices returns the notices of organization A and those of no organization
// (the desk's).
func (f *fixture) notices(t *testing.T) []contacts.Notice {
	t.Helper()
	var out []contacts.Notice
	for _, org := range []string{f.orgA.ID, ""} {
		ns, _, err := f.cstore.ListNotices(f.ctx, org, "", resellerkit.Page{})
		require.NoError(t, err)
		for _, n := range ns {
			if org == "" {
				assert.Equal(t, []string{"desk@reseller.example"}, n.To, "only the desk's notices belong to no organization")
			}
		}
		out = append(out, ns...)
	}
	return out
}

// P-1: a case names an account of the caller's organization and needs
// support.inquire; the desk is told of it.
func TestP1_OpenCase(t *testing.T) {
	f := newFixture(t)
	c := f.open(t, support.Normal)
	assert.Equal(t, support.Open, c.State)
	assert.Equal(t, "alice@a.example", c.OpenedByEmail)
	ns := f.notices(t)
	require.Len(t, ns, 1)
	assert.Equal(t, []string{"desk@reseller.example"}, ns[0].To)

	for name, tc := range map[string]struct {
		p    members.Principal
		n    support.NewCase
		want error
	}{
		"another organization's account": {f.alice, support.NewCase{AccountID: f.acctB, Category: support.Technical, Subject: "s", Body: "b"}, support.ErrNotFound},
		"without support.inquire":        {f.viewer, support.NewCase{AccountID: f.acctA, Category: support.Technical, Subject: "s", Body: "b"}, members.ErrPermissionDenied},
		"bad category":                   {f.alice, support.NewCase{AccountID: f.acctA, Category: "sales", Subject: "s", Body: "b"}, support.ErrInvalid},
		"no subject":                     {f.alice, support.NewCase{AccountID: f.acctA, Category: support.Technical, Body: "b"}, support.ErrInvalid},
		"bad cc":                         {f.alice, support.NewCase{AccountID: f.acctA, Category: support.Technical, Subject: "s", Body: "b", CC: []string{"nope"}}, support.ErrInvalid},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := f.svc.Open(f.ctx, tc.p, f.orgA.ID, tc.n)
			require.ErrorIs(t, err, tc.want)
		})
	}
}

// P-3: the state machine, as a table.
func TestP3_StateMachine(t *testing.T) {
	for _, tc := range []struct {
		from, to support.State
		ok       bool
	}{
		{support.Open, support.InProgress, true}, {support.Open, support.Resolved, false}, {support.Open, support.Rejected, true},
		{support.InProgress, support.WaitingOnCustomer, true}, {support.WaitingOnCustomer, support.InProgress, true},
		{support.InProgress, support.Resolved, true}, {support.WaitingOnCustomer, support.Resolved, true},
		{support.Resolved, support.Closed, true}, {support.Resolved, support.InProgress, true},
		{support.Closed, support.InProgress, false}, {support.Rejected, support.Open, false}, {support.Open, support.Closed, false},
		{support.WaitingOnCustomer, support.Rejected, false},
	} {
		assert.Equal(t, tc.ok, support.CanMove(tc.from, tc.to), "%s → %s", tc.from, tc.to)
	}
}

// P-3: the desk moves a case, a customer's reply brings it back from waiting,
// each reply notifies the other side, and a closed case takes no reply; P-2:
// the time waiting does not count.
func TestP3_ConversationAndStates(t *testing.T) {
	f := newFixture(t)
	c := f.open(t, support.Normal)
	_, err := f.svc.Transition(f.ctx, f.alice, f.orgA.ID, c.ID, support.InProgress, c.Version)
	require.ErrorIs(t, err, members.ErrPermissionDenied, "only the desk moves a case")
	c, err = f.svc.Transition(f.ctx, f.desk, f.orgA.ID, c.ID, support.InProgress, c.Version)
	require.NoError(t, err)
	_, err = f.svc.Transition(f.ctx, f.desk, f.orgA.ID, c.ID, support.Closed, c.Version)
	require.ErrorIs(t, err, support.ErrTransition)
	_, err = f.svc.Transition(f.ctx, f.desk, f.orgA.ID, c.ID, support.WaitingOnCustomer, c.Version-1)
	require.ErrorIs(t, err, support.ErrConflict)

	f.set(f.clock().Add(30 * time.Minute))
	_, err = f.svc.Reply(f.ctx, f.desk, f.orgA.ID, c.ID, "ログを添付してください。", nil)
	require.NoError(t, err)
	c, _, err = f.svc.Get(f.ctx, f.alice, f.orgA.ID, c.ID)
	require.NoError(t, err)
	assert.Equal(t, f.clock(), c.FirstResponseAt)
	c, err = f.svc.Transition(f.ctx, f.desk, f.orgA.ID, c.ID, support.WaitingOnCustomer, c.Version)
	require.NoError(t, err)

	f.set(f.clock().Add(10 * time.Hour)) // the customer takes 10 hours
	r, err := f.svc.Reply(f.ctx, f.alice, f.orgA.ID, c.ID, "添付します。", []support.Attachment{{Name: "log.txt", Size: 123, Ref: "s3://att/log.txt"}})
	require.NoError(t, err)
	assert.Equal(t, support.Customer, r.Side)
	c, replies, err := f.svc.Get(f.ctx, f.alice, f.orgA.ID, c.ID)
	require.NoError(t, err)
	assert.Equal(t, support.InProgress, c.State, "a customer's reply ends the wait")
	require.Len(t, c.Waiting, 1)
	assert.Equal(t, 10*time.Hour, c.Waiting[0].End.Sub(c.Waiting[0].Start))
	require.Len(t, replies, 2)
	assert.Equal(t, "s3://att/log.txt", replies[1].Attachments[0].Ref)

	sla, err := f.svc.SLA(f.ctx, f.alice, f.orgA.ID, c.ID)
	require.NoError(t, err)
	assert.Equal(t, support.ClockMet, sla.FirstResponse.State)
	assert.Equal(t, 30*time.Minute, sla.Resolution.Elapsed, "the 10 hours waiting do not count")
	assert.Equal(t, c.CreatedAt.Add(34*time.Hour), sla.Resolution.Due, "24 h + 10 h waiting")

	var to []string
	for _, n := range f.notices(t) {
		to = append(to, n.To[0])
	}
	assert.ElementsMatch(t, []string{"desk@reseller.example", "alice@a.example", "desk@reseller.example"}, to,
		"the desk told of the case and of the customer's reply, the customer of the desk's")

	c, err = f.svc.Transition(f.ctx, f.desk, f.orgA.ID, c.ID, support.Resolved, c.Version)
	require.NoError(t, err)
	c, err = f.svc.Transition(f.ctx, f.desk, f.orgA.ID, c.ID, support.Closed, c.Version)
	require.NoError(t, err)
	_, err = f.svc.Reply(f.ctx, f.alice, f.orgA.ID, c.ID, "もう一点", nil)
	require.ErrorIs(t, err, support.ErrTransition)
}

// P-6: the desk rejects an out-of-scope request with the reason, told to the
// inquirer.
func TestP6_OutOfScopeRejected(t *testing.T) {
	f := newFixture(t)
	c := f.open(t, support.Low)
	_, err := f.svc.Reject(f.ctx, f.desk, f.orgA.ID, c.ID, "rude", c.Version)
	require.ErrorIs(t, err, support.ErrInvalid)
	c, err = f.svc.Reject(f.ctx, f.desk, f.orgA.ID, c.ID, support.CustomerCode, c.Version)
	require.NoError(t, err)
	assert.Equal(t, support.Rejected, c.State)
	var last contacts.Notice
	for _, n := range f.notices(t) {
		if n.Key == "support:"+c.ID+":rejected" {
			last = n
		}
	}
	assert.Equal(t, []string{"alice@a.example"}, last.To)
	assert.Equal(t, []string{"ops@a.example"}, last.CC)
	assert.Contains(t, last.Text, "対象外")
	_, err = f.svc.Reply(f.ctx, f.alice, f.orgA.ID, c.ID, "でも", nil)
	require.ErrorIs(t, err, support.ErrTransition)
}

// P-4: the desk escalates a case to AWS Support once.
func TestP4_Escalation(t *testing.T) {
	f := newFixture(t)
	c := f.open(t, support.Urgent)
	_, err := f.svc.Escalate(f.ctx, f.alice, f.orgA.ID, c.ID)
	require.ErrorIs(t, err, members.ErrPermissionDenied)
	c, err = f.svc.Escalate(f.ctx, f.desk, f.orgA.ID, c.ID)
	require.NoError(t, err)
	require.NotNil(t, c.Escalation)
	assert.Equal(t, "case-111111111111-1", c.Escalation.AWSCaseID)
	again, err := f.svc.Escalate(f.ctx, f.desk, f.orgA.ID, c.ID)
	require.NoError(t, err)
	assert.Equal(t, c.Escalation, again.Escalation)
	assert.Equal(t, int32(1), f.esc.calls.Load())
}

// M-7: a case of organization A is invisible to organization B.
func TestM7_CasesIsolated(t *testing.T) {
	f := newFixture(t)
	c := f.open(t, support.Normal)
	_, _, err := f.svc.Get(f.ctx, f.bob, f.orgB.ID, c.ID)
	require.ErrorIs(t, err, support.ErrNotFound)
	_, _, err = f.svc.Get(f.ctx, f.bob, f.orgA.ID, c.ID)
	require.ErrorIs(t, err, members.ErrPermissionDenied)
	list, _, err := f.svc.List(f.ctx, f.bob, f.orgB.ID, support.CaseFilter{OrgID: f.orgA.ID}, resellerkit.Page{})
	require.NoError(t, err)
	assert.Empty(t, list)
	_, err = f.svc.Reply(f.ctx, f.bob, f.orgB.ID, c.ID, "hi", nil)
	require.ErrorIs(t, err, support.ErrNotFound)
	_, err = f.svc.Queue(f.ctx, f.bob, nil)
	require.ErrorIs(t, err, members.ErrPermissionDenied)
}

// P-2: the desk's queue lists cases with their clocks; at risk at 75 % of a
// target, breached past it.
func TestP2_QueueAtRiskAndBreached(t *testing.T) {
	f := newFixture(t)
	urgent := f.open(t, support.Urgent) // 1 h first response
	f.open(t, support.Normal)           // 4 h
	f.set(f.clock().Add(50 * time.Minute))
	q, err := f.svc.Queue(f.ctx, f.desk, []support.ClockState{support.ClockAtRisk, support.ClockBreached})
	require.NoError(t, err)
	require.Len(t, q, 1)
	assert.Equal(t, urgent.ID, q[0].Case.ID)
	assert.Equal(t, support.ClockAtRisk, q[0].SLA.FirstResponse.State)
	f.set(f.clock().Add(20 * time.Minute))
	q, err = f.svc.Queue(f.ctx, f.desk, []support.ClockState{support.ClockBreached})
	require.NoError(t, err)
	require.Len(t, q, 1)
	assert.Equal(t, support.ClockBreached, q[0].SLA.FirstResponse.State)
	all, err := f.svc.Queue(f.ctx, f.desk, nil)
	require.NoError(t, err)
	assert.Len(t, all, 2)
}

// P-5: a case 12 months and one day old is purged with its replies; one 11 months
// old is kept; the sweep run twice removes nothing more.
func TestP5_Retention(t *testing.T) {
	f := newFixture(t)
	start := time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC)
	f.set(start)
	old := f.open(t, support.Normal)
	_, err := f.svc.Reply(f.ctx, f.desk, f.orgA.ID, old.ID, "回答", nil)
	require.NoError(t, err)
	f.set(start.AddDate(0, 1, 1))
	young := f.open(t, support.Normal)
	f.set(start.AddDate(0, 12, 1)) // old: 12 months and a day; young: 11 months
	p, err := f.svc.Purge(f.ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{old.ID}, p.Cases)
	_, _, err = f.svc.Get(f.ctx, f.alice, f.orgA.ID, old.ID)
	require.ErrorIs(t, err, support.ErrNotFound)
	_, _, err = f.svc.Get(f.ctx, f.alice, f.orgA.ID, young.ID)
	require.NoError(t, err)
	p, err = f.svc.Purge(f.ctx)
	require.NoError(t, err)
	assert.Empty(t, p.Cases, "nothing more the second time")
}

// P-2 with the default policy: an account and billing case (urgent: 2 business
// hours to the first reply) opened Friday 16:30 JST is due Monday 10:30 JST, or
// Tuesday 10:30 when Monday is a public holiday (海の日, 2025-07-21); one opened
// 2025-12-26 16:00 is due 2026-01-05 10:00 (12/29–1/3 closed); a technical case
// counts every hour.
func TestP2_DefaultPolicyClocks(t *testing.T) {
	jst := hours.Tokyo()
	p := support.DefaultPolicy()
	require.NoError(t, p.Validate())
	for _, tc := range []struct {
		name   string
		cat    support.Category
		opened time.Time
		due    time.Time
	}{
		{"Friday to Monday", support.AccountBilling, time.Date(2025, 11, 14, 16, 30, 0, 0, jst), time.Date(2025, 11, 17, 10, 30, 0, 0, jst)},
		{"Monday a holiday", support.AccountBilling, time.Date(2025, 7, 18, 16, 30, 0, 0, jst), time.Date(2025, 7, 22, 10, 30, 0, 0, jst)},
		{"year-end closure", support.AccountBilling, time.Date(2025, 12, 26, 16, 0, 0, 0, jst), time.Date(2026, 1, 5, 10, 0, 0, 0, jst)},
		{"technical 24×7", support.Technical, time.Date(2025, 11, 14, 16, 30, 0, 0, jst), time.Date(2025, 11, 14, 17, 30, 0, 0, jst)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := support.Case{ID: "c", Category: tc.cat, Severity: support.Urgent, CreatedAt: tc.opened, State: support.Open}
			sla, err := p.Evaluate(&c, tc.opened)
			require.NoError(t, err)
			assert.True(t, tc.due.Equal(sla.FirstResponse.Due), "due %s, want %s", sla.FirstResponse.Due, tc.due)
			assert.False(t, sla.FirstResponse.Provisional)
		})
	}
	// Waiting on the customer from Monday 9:00 to Tuesday 9:00 pushes the Friday
	// case's due time by that day's 8 business hours.
	c := support.Case{ID: "c", Category: support.AccountBilling, Severity: support.Urgent, State: support.InProgress,
		CreatedAt: time.Date(2025, 11, 14, 16, 30, 0, 0, jst),
		Waiting:   []support.Span{{Start: time.Date(2025, 11, 17, 9, 0, 0, 0, jst), End: time.Date(2025, 11, 18, 9, 0, 0, 0, jst)}}}
	sla, err := p.Evaluate(&c, time.Date(2025, 11, 18, 9, 0, 0, 0, jst))
	require.NoError(t, err)
	assert.True(t, time.Date(2025, 11, 18, 10, 30, 0, 0, jst).Equal(sla.FirstResponse.Due), "%s", sla.FirstResponse.Due)
}

// storeKind selects the fixtures' Store: "memory" (the default) or a SQL dialect
// (TestService_OnSQL sets it while it re-runs the tests above).
var storeKind = "memory"

func newStore(t *testing.T) support.Store {
	t.Helper()
	switch storeKind {
	case "sqlite", "postgresql":
		d := sqldb.SQLite
		if storeKind == "postgresql" {
			d = sqldb.PostgreSQL
		}
		st, err := supportsql.New(context.Background(), sqldbtest.Open(t, d))
		require.NoError(t, err)
		return st
	}
	return supportmem.New()
}

// The Service's tests again on the SQL store, SQLite and PostgreSQL (when
// RESELLERKIT_TEST_POSTGRES_DSN is set).
func TestService_OnSQL(t *testing.T) {
	tests := map[string]func(*testing.T){
		"P1_Open": TestP1_OpenCase, "P3_Conversation": TestP3_ConversationAndStates, "P6_Reject": TestP6_OutOfScopeRejected,
		"P4_Escalation": TestP4_Escalation, "M7_Isolation": TestM7_CasesIsolated, "P2_Queue": TestP2_QueueAtRiskAndBreached,
		"P5_Retention": TestP5_Retention,
	}
	for _, kind := range []string{"sqlite", "postgresql"} {
		t.Run(kind, func(t *testing.T) {
			if kind == "postgresql" {
				sqldbtest.SkipUnavailable(t, sqldb.PostgreSQL)
			}
			storeKind = kind
			defer func() { storeKind = "memory" }()
			for _, name := range slices.Sorted(maps.Keys(tests)) {
				t.Run(name, tests[name])
			}
		})
	}
}

// P-2: the time a case stays resolved does not count when it is reopened, and a
// case ended without a desk reply stops its first-response clock.
func TestP2_ReopenAndEndedWithoutReply(t *testing.T) {
	f := newFixture(t)
	c := f.open(t, support.Normal) // 24 h resolution
	c, err := f.svc.Transition(f.ctx, f.desk, f.orgA.ID, c.ID, support.InProgress, c.Version)
	require.NoError(t, err)
	f.set(f.clock().Add(time.Hour))
	c, err = f.svc.Transition(f.ctx, f.desk, f.orgA.ID, c.ID, support.Resolved, c.Version)
	require.NoError(t, err)
	f.set(f.clock().Add(7 * 24 * time.Hour))
	_, err = f.svc.Reply(f.ctx, f.alice, f.orgA.ID, c.ID, "再発しました", nil)
	require.NoError(t, err)
	sla, err := f.svc.SLA(f.ctx, f.alice, f.orgA.ID, c.ID)
	require.NoError(t, err)
	assert.Equal(t, time.Hour, sla.Resolution.Elapsed, "the week resolved does not count")
	assert.Equal(t, support.ClockRunning, sla.Resolution.State)
	assert.Equal(t, support.ClockRunning, sla.FirstResponse.State, "reopened without a reply yet: still waiting for one")
	assert.Equal(t, time.Hour, sla.FirstResponse.Elapsed, "the week resolved does not count there either")

	r := f.open(t, support.Normal)
	f.set(f.clock().Add(30 * 24 * time.Hour))
	_, err = f.svc.Reject(f.ctx, f.desk, f.orgA.ID, r.ID, support.ThirdPartySoftware, r.Version)
	require.NoError(t, err)
	sla, err = f.svc.SLA(f.ctx, f.alice, f.orgA.ID, r.ID)
	require.NoError(t, err)
	assert.Equal(t, support.ClockMissed, sla.FirstResponse.State, "stopped at the rejection, not breached for ever")
}

// M-5/M-6: an operator's key bound to one organization is not the desk (nor a
// customer); the queue needs a sign-in with MFA; the desk does not open cases.
func TestM5_DeskPrincipals(t *testing.T) {
	f := newFixture(t)
	c := f.open(t, support.Normal)
	bound := f.desk
	bound.OrgID = f.orgA.ID
	_, err := f.svc.Reply(f.ctx, bound, f.orgA.ID, c.ID, "hi", nil)
	require.ErrorIs(t, err, members.ErrPermissionDenied)
	noMFA := f.desk
	noMFA.MFA = false
	_, err = f.svc.Queue(f.ctx, noMFA, nil)
	require.ErrorIs(t, err, members.ErrPermissionDenied)
	_, err = f.svc.Open(f.ctx, f.desk, f.orgA.ID, support.NewCase{AccountID: f.acctA, Category: support.Technical, Subject: "s", Body: "b"})
	require.ErrorIs(t, err, members.ErrPermissionDenied)
	_, err = f.svc.Assign(f.ctx, f.alice, f.orgA.ID, c.ID, "op", c.Version)
	require.ErrorIs(t, err, members.ErrPermissionDenied, "customers do not assign")
}

// P-1/P-3: bad text, addresses and attachment references are refused with the
// field named.
func TestP1_InputRefused(t *testing.T) {
	f := newFixture(t)
	for name, n := range map[string]support.NewCase{
		"control character": {AccountID: f.acctA, Category: support.Technical, Subject: "s", Body: "a\x00b"},
		"cc with two @":     {AccountID: f.acctA, Category: support.Technical, Subject: "s", Body: "b", CC: []string{"a@b@c"}},
		"cc twice":          {AccountID: f.acctA, Category: support.Technical, Subject: "s", Body: "b", CC: []string{"a@b.example", "A@b.example"}},
	} {
		_, err := f.svc.Open(f.ctx, f.alice, f.orgA.ID, n)
		require.ErrorIs(t, err, support.ErrInvalid, name)
	}
	c := f.open(t, support.Normal)
	for _, a := range []support.Attachment{
		{Name: "x.txt", Ref: "javascript:alert(1)"}, {Name: "../etc/passwd", Ref: "s3://b/k"}, {Name: "x", Size: -1, Ref: "s3://b/k"},
	} {
		_, err := f.svc.Reply(f.ctx, f.alice, f.orgA.ID, c.ID, "see", []support.Attachment{a})
		require.ErrorIs(t, err, support.ErrInvalid, a.Name)
		assert.ErrorContains(t, err, "attachments[0]")
	}
}

// blockingEscalator blocks until released, once started is signalled.
type blockingEscalator struct {
	escalator
	started, release chan struct{}
}

func (b *blockingEscalator) Escalate(ctx context.Context, c support.Case) (support.Escalation, error) {
	close(b.started)
	<-b.release
	return b.escalator.Escalate(ctx, c)
}

// P-4: two desks escalating at once open one AWS case; a reply during the call
// does not lose the record.
func TestP4_ConcurrentEscalationOpensOne(t *testing.T) {
	f := newFixture(t)
	b := &blockingEscalator{started: make(chan struct{}), release: make(chan struct{})}
	svc, err := support.NewService(support.Config{Store: f.store, Members: f.members, Escalator: b, Policy: policy(), Now: f.clock})
	require.NoError(t, err)
	c := f.open(t, support.Urgent)
	done := make(chan error)
	go func() { _, err := svc.Escalate(f.ctx, f.desk, f.orgA.ID, c.ID); done <- err }()
	<-b.started
	_, err = svc.Escalate(f.ctx, f.desk, f.orgA.ID, c.ID)
	require.ErrorIs(t, err, support.ErrConflict, "being escalated")
	require.ErrorIs(t, err, support.ErrEscalationClaimed, "being escalated")
	_, err = f.svc.Reply(f.ctx, f.alice, f.orgA.ID, c.ID, "急ぎです", nil) // changes the case meanwhile
	require.NoError(t, err)
	close(b.release)
	require.NoError(t, <-done)
	got, _, err := f.svc.Get(f.ctx, f.alice, f.orgA.ID, c.ID)
	require.NoError(t, err)
	require.NotNil(t, got.Escalation)
	assert.NotEmpty(t, got.Escalation.AWSCaseID)
	assert.Equal(t, int32(1), b.calls.Load())
}
