package billing_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/costfile"
	"github.com/seeda33a2f4f/resellerkit/billing/membersource"
	billingmem "github.com/seeda33a2f4f/resellerkit/billing/memstore"
	billingsql "github.com/seeda33a2f4f/resellerkit/billing/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/members"
	membersmem "github.com/seeda33a2f4f/resellerkit/members/memstore"
	"github.com/seeda33a2f4f/resellerkit/money"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
)

var (
	oct = resellerkit.NewMonth(2026, time.October)
	nov = oct.Next()
	dec = nov.Next()
)

const (
	payer  = "999999999999"
	acctA1 = "111111111111" // org A, project A (JPY)
	acctA2 = "111111111112" // org A, project A, moved to project A-USD in November
	acctB1 = "222222222222" // org B
	issuer = "T1234567890123"
)

// csvInput is a billing.Input of legacy CUR text, streamed through costfile.
type csvInput struct {
	name string
	text string
	read *atomic.Int32 // counts scans, when set
}

func (in csvInput) Scan(ctx context.Context, newSink func() billing.Sink) (billing.InputStats, error) {
	if in.read != nil {
		in.read.Add(1)
	}
	return costfile.Scan(ctx, in.name, strings.NewReader(in.text), newSink, costfile.Options{Workers: 1})
}

const curHeader = "identity/LineItemId,bill/BillingPeriodStartDate,bill/PayerAccountId,lineItem/UsageAccountId,lineItem/LineItemType," +
	"lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UsageType,lineItem/Operation,lineItem/UnblendedCost," +
	"lineItem/CurrencyCode,product/ProductName,bill/BillingEntity,resourceTags/user:CmBillingGroup\n"

// line is one CUR row of the fixture.
type line struct {
	id, acct, typ, product, usage, cost, group string
	currency                                   string
}

// report renders rows of month m as legacy CUR text.
func report(m resellerkit.Month, rows ...line) string {
	var b strings.Builder
	b.WriteString(curHeader)
	start := m.Start().Format("2006-01-02T15:04:05Z")
	for _, r := range rows {
		cur := r.currency
		if cur == "" {
			cur = "USD"
		}
		usage := r.usage
		if usage == "" {
			usage = "APN1-BoxUsage:t3.micro"
		}
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s,%s,%s,RunInstances,%s,%s,%s,AWS,%s\n",
			r.id, start, payer, r.acct, r.typ, start, r.product, usage, r.cost, cur, r.product, r.group)
	}
	return b.String()
}

// recorder is a Notifier keeping notices by key, as contacts does (idempotent).
type recorder struct {
	mu     sync.Mutex
	byKey  map[string]contacts.NewNotice
	writes int
	// unrouted accounts have no recipients: contacts.ErrNotFound, as contacts says.
	unrouted map[string]bool
}

func (r *recorder) Notify(_ context.Context, n contacts.NewNotice) (contacts.Notice, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.unrouted[n.AccountID] {
		return contacts.Notice{}, fmt.Errorf("%w: account %q has no contacts", contacts.ErrNotFound, n.AccountID)
	}
	if r.byKey == nil {
		r.byKey = map[string]contacts.NewNotice{}
	}
	if _, ok := r.byKey[n.Key]; !ok {
		r.byKey[n.Key] = n
		r.writes++
	}
	return contacts.Notice{ID: "n-" + n.Key, Key: n.Key, Kind: n.Kind}, nil
}

func (r *recorder) count(kind contacts.Kind) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, v := range r.byKey {
		if v.Kind == kind {
			n++
		}
	}
	return n
}

// fixture is a reseller with two organizations on in-memory stores: org A with a
// JPY project (A1, A2) and a USD project (empty until A2 moves in November), org B
// with a USD project (B1).
type fixture struct {
	ctx      context.Context
	now      atomic.Pointer[time.Time]
	members  *members.Service
	store    billing.Store
	notices  *recorder
	svc      *billing.Service
	orgA     members.Organization
	orgB     members.Organization
	projA    members.Project
	projAUSD members.Project
	projB    members.Project
	alice    members.Principal // power user of A
	bob      members.Principal // power user of B
	staff    members.Principal
	plans    *billing.Plans
	newID    func() string // shared by every Service on the fixture's store
}

func (f *fixture) set(t time.Time)  { f.now.Store(&t) }
func (f *fixture) clock() time.Time { return *f.now.Load() }

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{ctx: context.Background(), notices: &recorder{}}
	f.set(time.Date(2026, time.October, 1, 0, 0, 0, 0, time.UTC))
	f.members = members.NewService(membersmem.New(), members.WithClock(f.clock))
	f.alice = members.Principal{IdentityID: "alice", Email: "alice@a.example", MFA: true}
	f.bob = members.Principal{IdentityID: "bob", Email: "bob@b.example", MFA: true}
	f.staff = members.Principal{IdentityID: "staff", MFA: true, Operator: true}
	var err error
	f.orgA, err = f.members.CreateOrganization(f.ctx, f.alice, members.NewOrganization{Code: "org-a", Name: "株式会社エー"})
	require.NoError(t, err)
	f.orgB, err = f.members.CreateOrganization(f.ctx, f.bob, members.NewOrganization{Code: "org-b", Name: "B Corp"})
	require.NoError(t, err)
	project := func(p members.Principal, org, name string, cur money.Currency, policy string) members.Project {
		pr, err := f.members.CreateProject(f.ctx, p, org, members.Project{Name: name, PaymentMethod: members.PaymentBankTransfer,
			Currency: cur, InvoiceTo: []string{"billing@" + org + ".example"}, Billing: members.BillingSettings{ExchangeRatePolicy: policy}})
		require.NoError(t, err)
		return pr
	}
	f.projA = project(f.alice, f.orgA.ID, "A", money.JPY, "ttm")
	f.projAUSD = project(f.alice, f.orgA.ID, "A-USD", money.USD, "")
	f.projB = project(f.bob, f.orgB.ID, "B", money.USD, "")
	for id, p := range map[string]members.Project{acctA1: f.projA, acctA2: f.projA, acctB1: f.projB} {
		_, err := f.members.RegisterAccount(f.ctx, f.staff, p.OrgID, members.NewAccount{ID: id, ProjectID: p.ID})
		require.NoError(t, err)
	}
	f.plans = &billing.Plans{ExchangeRates: map[string]billing.ExchangeRatePolicy{"ttm": {
		Source: "MUFG TTM, month end",
		Rates:  map[resellerkit.Month]money.Decimal{oct: money.MustParse("150"), nov: money.MustParse("151.5"), dec: money.MustParse("152")},
	}}}
	f.store = newBillingStore(t)
	f.newID = newIDs()
	f.svc = f.serviceOn(t, f.store)
	return f
}

// serviceOn is a Service like the fixture's on st: the fixture's store or a
// wrapper of it that runs a hook in the middle of a call.
func (f *fixture) serviceOn(t *testing.T, st billing.Store) *billing.Service {
	t.Helper()
	src := membersource.New(f.members, f.plans)
	svc, err := billing.NewService(billing.ServiceConfig{
		Store: st, Projects: src, ChargeProjects: src.InCostCurrency(), Authorizer: f.members, Notifier: f.notices,
		Issuer:   billing.Issuer{Name: "リセラー株式会社", RegistrationNumber: issuer},
		Calendar: billing.Calendar{IssueDay: 10}, URLs: billing.URLs{Base: "https://portal.example"},
		Now: f.clock, NewID: f.newID,
	})
	require.NoError(t, err)
	return svc
}

// newIDs returns a generator of distinct ids, safe for concurrent use.
func newIDs() func() string {
	var n atomic.Int64
	return func() string { return fmt.Sprintf("id%06d", n.Add(1)) }
}

func (f *fixture) ingest(t *testing.T, m resellerkit.Month, version string, generated time.Time, rows ...line) billing.Ingested {
	t.Helper()
	got, err := f.svc.Ingest(f.ctx, billing.Report{Payer: payer, Period: m, Version: version, GeneratedAt: generated},
		[]billing.Input{csvInput{name: version + ".csv", text: report(m, rows...)}})
	require.NoError(t, err)
	return got
}

// octRows is October's usage: A1 $100 EC2 (tag web) + $20 S3, A2 $50 EC2, B1 $30.
func octRows() []line {
	return []line{
		{id: "o1", acct: acctA1, typ: "Usage", product: "AmazonEC2", cost: "100", group: "web"},
		{id: "o2", acct: acctA1, typ: "Usage", product: "AmazonS3", cost: "20"},
		{id: "o3", acct: acctA2, typ: "Usage", product: "AmazonEC2", cost: "50"},
		{id: "o4", acct: acctB1, typ: "Usage", product: "AmazonEC2", cost: "30"},
	}
}

func chargesOf(t *testing.T, c *billing.Charges, projectID, acct string) money.Decimal {
	t.Helper()
	for _, p := range c.Projects {
		if p.ProjectID == projectID {
			if acct == "" {
				return p.Charges
			}
			a, ok := p.Account(acct)
			require.True(t, ok, "account %s in project %s", acct, projectID)
			return a.ChargesUSD
		}
	}
	t.Fatalf("no project %s", projectID)
	return money.Decimal{}
}

func dec2(s string) money.Decimal { return money.MustParse(s) }

// B-14: version 1 then version 2 of a month: only version 2 counts; version 1 again
// is refused without reading a byte and changes nothing; version 2 again is
// unchanged, also without reading.
func TestB14_RestatementReplacesTheMonth(t *testing.T) {
	f := newFixture(t)
	t0 := time.Date(2026, time.October, 5, 0, 0, 0, 0, time.UTC)
	got := f.ingest(t, oct, "v1", t0, octRows()...)
	assert.Equal(t, billing.Stored, got.Outcome)
	c, err := f.svc.CurrentCharges(f.ctx, oct)
	require.NoError(t, err)
	assert.Equal(t, "170", chargesOf(t, c, f.projA.ID, "").String())

	v2 := append(octRows(), line{id: "o5", acct: acctA1, typ: "Usage", product: "AmazonEC2", cost: "5"})
	got = f.ingest(t, oct, "v2", t0.Add(24*time.Hour), v2...)
	assert.Equal(t, billing.Stored, got.Outcome)
	c, err = f.svc.CurrentCharges(f.ctx, oct)
	require.NoError(t, err)
	assert.Equal(t, "175", chargesOf(t, c, f.projA.ID, "").String(), "only version 2 counts")
	require.Len(t, c.Reports, 1)
	assert.Equal(t, "v2", c.Reports[0].Version)

	var reads atomic.Int32
	for _, again := range []struct {
		version string
		at      time.Time
		want    error
	}{
		{"v1", t0, billing.ErrStaleReport},
		{"v1", t0.Add(48 * time.Hour), billing.ErrStaleReport}, // superseded, whatever its time
		{"v0", t0, billing.ErrStaleReport},                     // older than the stored one
		{"v2", t0.Add(24 * time.Hour), nil},                    // the same version: unchanged
	} {
		got, err := f.svc.Ingest(f.ctx, billing.Report{Payer: payer, Period: oct, Version: again.version, GeneratedAt: again.at},
			[]billing.Input{csvInput{name: "x.csv", text: report(oct, octRows()...), read: &reads}})
		if again.want != nil {
			require.ErrorIs(t, err, again.want, again.version)
		} else {
			require.NoError(t, err)
			assert.Equal(t, billing.Unchanged, got.Outcome)
		}
	}
	assert.Zero(t, reads.Load(), "stale and repeated versions are answered before reading")
	c, err = f.svc.CurrentCharges(f.ctx, oct)
	require.NoError(t, err)
	assert.Equal(t, "175", chargesOf(t, c, f.projA.ID, "").String(), "nothing changed")
}

// B-14, B-1: overlapping inputs and a row in another currency stop the ingestion
// before anything is stored.
func TestB14_IngestRefusesOverlapAndForeignCurrency(t *testing.T) {
	f := newFixture(t)
	at := time.Date(2026, time.October, 5, 0, 0, 0, 0, time.UTC)
	text := report(oct, octRows()...)
	_, err := f.svc.Ingest(f.ctx, billing.Report{Payer: payer, Period: oct, Version: "v1", GeneratedAt: at},
		[]billing.Input{csvInput{name: "part-1.csv", text: text}, csvInput{name: "copy-of-part-1.csv", text: text}})
	require.ErrorIs(t, err, billing.ErrOverlap)
	assert.Contains(t, err.Error(), "copy-of-part-1.csv")

	_, err = f.svc.Ingest(f.ctx, billing.Report{Payer: payer, Period: oct, Version: "v1", GeneratedAt: at},
		[]billing.Input{csvInput{name: "nok.csv", text: report(oct, line{id: "x", acct: acctA1, typ: "Usage", product: "AmazonEC2", cost: "30", currency: "NOK"})}})
	require.ErrorIs(t, err, billing.ErrCurrency)
	assert.Contains(t, err.Error(), `"NOK", the configuration expects USD`)

	reps, err := f.store.CostReports(f.ctx, oct)
	require.NoError(t, err)
	assert.Empty(t, reps, "nothing stored")

	_, err = f.svc.Ingest(f.ctx, billing.Report{Payer: "12345", Period: oct, Version: "", GeneratedAt: at}, nil)
	var ve *resellerkit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "payer", ve.Field)
	assert.ErrorContains(t, err, "version")
}

// B-13 and M-7: current charges per project, account, service and tag value with
// the time the data was aggregated; a member of one organization sees only its own
// projects, and needs charges.view.
func TestB13_CurrentCharges(t *testing.T) {
	f := newFixture(t)
	f.set(time.Date(2026, time.October, 6, 3, 0, 0, 0, time.UTC))
	f.ingest(t, oct, "v1", time.Date(2026, time.October, 6, 0, 0, 0, 0, time.UTC), octRows()...)
	f.set(time.Date(2026, time.October, 6, 9, 0, 0, 0, time.UTC))

	c, err := f.svc.OrgCharges(f.ctx, f.alice, f.orgA.ID, oct)
	require.NoError(t, err)
	assert.Equal(t, time.Date(2026, time.October, 6, 3, 0, 0, 0, time.UTC), c.LastUpdated, "when it was aggregated, not now")
	assert.Equal(t, money.USD, c.CostCurrency)
	for _, p := range c.Projects {
		assert.Equal(t, f.orgA.ID, p.OrgID, "M-7: only org A's projects")
	}
	require.Len(t, c.Projects, 1, "A-USD owns no account in October")
	p := c.Projects[0]
	assert.Equal(t, "170", p.Charges.String())
	a1, ok := p.Account(acctA1)
	require.True(t, ok)
	assert.Equal(t, "120", a1.ChargesUSD.String())
	require.Len(t, p.Services, 2)
	assert.Equal(t, "AmazonEC2", p.Services[0].Service)
	assert.Equal(t, "150", p.Services[0].ChargesUSD.String())
	groups := map[string]string{}
	for _, g := range p.BillingGroups {
		groups[g.Group] = g.ChargesUSD.String()
	}
	assert.Equal(t, map[string]string{"web": "100", "": "70"}, groups)
	assert.Equal(t, "187", p.Estimate.String(), "with the 10 % support fee, before tax")

	_, err = f.svc.OrgCharges(f.ctx, f.bob, f.orgA.ID, oct)
	require.ErrorIs(t, err, members.ErrPermissionDenied, "M-7: bob is not in org A")
	c, err = f.svc.OrgCharges(f.ctx, f.bob, f.orgB.ID, oct)
	require.NoError(t, err)
	require.Len(t, c.Projects, 1)
	assert.Equal(t, f.projB.ID, c.Projects[0].ProjectID)
}

// M-3: an account moved to another project during October is billed to its old
// project for October (the move takes effect from the next month) and to the new
// one for November.
func TestM3_ChargesFollowTheMonthEndOwner(t *testing.T) {
	f := newFixture(t)
	f.set(time.Date(2026, time.October, 20, 0, 0, 0, 0, time.UTC))
	acct, err := f.members.GetAccount(f.ctx, f.alice, f.orgA.ID, acctA2)
	require.NoError(t, err)
	_, err = f.members.MoveAccount(f.ctx, f.alice, f.orgA.ID, acctA2, f.projAUSD.ID, acct.Version)
	require.NoError(t, err)
	f.ingest(t, oct, "v1", time.Date(2026, time.November, 5, 0, 0, 0, 0, time.UTC), octRows()...)
	f.ingest(t, nov, "n1", time.Date(2026, time.November, 15, 0, 0, 0, 0, time.UTC),
		line{id: "n1", acct: acctA2, typ: "Usage", product: "AmazonEC2", cost: "7"})

	c, err := f.svc.CurrentCharges(f.ctx, oct)
	require.NoError(t, err)
	assert.Equal(t, "50", chargesOf(t, c, f.projA.ID, acctA2).String(), "October: the old project")
	c, err = f.svc.CurrentCharges(f.ctx, nov)
	require.NoError(t, err)
	assert.Equal(t, "7", chargesOf(t, c, f.projAUSD.ID, acctA2).String(), "November: the month-end owner")
}

// B-15: an alarm over its threshold notifies once per month whatever the number of
// runs, sequential or concurrent; upfront fees do not count; a tag alarm watches its
// tag value only; the fourth alarm on an account is refused.
func TestB15_AlarmNotifiesOncePerMonth(t *testing.T) {
	f := newFixture(t)
	onAccount, err := f.svc.CreateAlarm(f.ctx, f.alice, f.orgA.ID, acctA1, billing.AlarmSpec{Threshold: dec2("110")})
	require.NoError(t, err)
	onTag, err := f.svc.CreateAlarm(f.ctx, f.alice, f.orgA.ID, acctA1, billing.AlarmSpec{OnTag: true, TagValue: "web", Threshold: dec2("150")})
	require.NoError(t, err)
	_, err = f.svc.CreateAlarm(f.ctx, f.alice, f.orgA.ID, acctA1, billing.AlarmSpec{Threshold: dec2("1000")})
	require.NoError(t, err)
	_, err = f.svc.CreateAlarm(f.ctx, f.alice, f.orgA.ID, acctA1, billing.AlarmSpec{Threshold: dec2("5")})
	require.ErrorIs(t, err, billing.ErrLimit, "B-15: up to 3 per account")
	_, err = f.svc.CreateAlarm(f.ctx, f.bob, f.orgA.ID, acctA1, billing.AlarmSpec{Threshold: dec2("5")})
	require.ErrorIs(t, err, members.ErrPermissionDenied, "M-7")
	_, err = f.svc.CreateAlarm(f.ctx, f.alice, f.orgA.ID, acctB1, billing.AlarmSpec{Threshold: dec2("5")})
	require.ErrorIs(t, err, members.ErrNotFound, "M-7: org B's account")
	_, err = f.svc.CreateAlarm(f.ctx, f.alice, f.orgA.ID, acctA2, billing.AlarmSpec{Threshold: dec2("-1")})
	require.ErrorIs(t, err, billing.ErrInvalid)

	// A1: $120 of usage (100 tagged web) and a $2,000 upfront Savings Plan fee.
	rows := append(octRows(), line{id: "sp", acct: acctA1, typ: "SavingsPlanUpfrontFee", product: "ComputeSavingsPlans", cost: "2000"})
	f.ingest(t, oct, "v1", time.Date(2026, time.October, 10, 0, 0, 0, 0, time.UTC), rows...)
	// Ten evaluations at once: exactly one records the firing.
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		fired []billing.AlarmFiring
		again int
	)
	for range 10 {
		wg.Go(func() {
			rep, err := f.svc.EvaluateAlarms(f.ctx, oct)
			assert.NoError(t, err)
			mu.Lock()
			fired = append(fired, rep.Fired...)
			again += rep.AlreadyFired
			mu.Unlock()
		})
	}
	wg.Wait()
	require.Len(t, fired, 1, "120 ≥ 110 fires once; the tag (100 < 150) and the 1,000 alarm (upfront excluded) do not")
	assert.Equal(t, 9, again, "the other runs found it fired")
	assert.Equal(t, onAccount.ID, fired[0].AlarmID)
	assert.Equal(t, "120", fired[0].Amount.String())
	assert.Equal(t, 1, f.notices.count(contacts.KindChargeAlarm), "one notice per alarm per month")
	n := f.notices.byKey["charge_alarm:"+onAccount.ID+":2026-10"]
	assert.Equal(t, acctA1, n.AccountID)
	assert.Equal(t, "120.00", n.Data.(contacts.ChargeAlarmData).Current)

	// The tag value grows past its threshold in a restated version: it fires once.
	f.ingest(t, oct, "v2", time.Date(2026, time.October, 11, 0, 0, 0, 0, time.UTC),
		append(rows, line{id: "o9", acct: acctA1, typ: "Usage", product: "AmazonEC2", cost: "60", group: "web"})...)
	rep, err := f.svc.EvaluateAlarms(f.ctx, oct)
	require.NoError(t, err)
	require.Len(t, rep.Fired, 1)
	assert.Equal(t, onTag.ID, rep.Fired[0].AlarmID)
	assert.Equal(t, 1, rep.AlreadyFired)
	assert.Equal(t, 2, f.notices.count(contacts.KindChargeAlarm))

	// November is a new month: the account alarm fires again.
	f.ingest(t, nov, "n1", time.Date(2026, time.November, 10, 0, 0, 0, 0, time.UTC),
		line{id: "n1", acct: acctA1, typ: "Usage", product: "AmazonEC2", cost: "111"})
	rep, err = f.svc.EvaluateAlarms(f.ctx, nov)
	require.NoError(t, err)
	require.Len(t, rep.Fired, 1)
	firings, err := f.svc.ListFirings(f.ctx, f.alice, f.orgA.ID, onAccount.ID)
	require.NoError(t, err)
	require.Len(t, firings, 2)
	assert.Equal(t, nov, firings[0].Period, "newest first")
	_, err = f.svc.ListFirings(f.ctx, f.bob, f.orgA.ID, onAccount.ID)
	require.ErrorIs(t, err, members.ErrPermissionDenied)
	_, err = f.svc.ListFirings(f.ctx, f.alice, f.orgA.ID, "no-such-alarm")
	require.ErrorIs(t, err, billing.ErrNotFound)
	_, err = f.svc.UpdateAlarm(f.ctx, f.alice, f.orgA.ID, onAccount.ID, billing.AlarmSpec{Threshold: dec2("1")}, 0)
	require.ErrorIs(t, err, billing.ErrInvalid, "the version read is required")
}

// B-15: an alarm of an account without billing recipients is reported, not
// recorded, so it notifies once the recipients are set.
func TestB15_AlarmWithoutRecipientsWaits(t *testing.T) {
	f := newFixture(t)
	a, err := f.svc.CreateAlarm(f.ctx, f.alice, f.orgA.ID, acctA2, billing.AlarmSpec{Threshold: dec2("10")})
	require.NoError(t, err)
	f.ingest(t, oct, "v1", time.Date(2026, time.October, 10, 0, 0, 0, 0, time.UTC), octRows()...)
	f.notices.unrouted = map[string]bool{acctA2: true}
	rep, err := f.svc.EvaluateAlarms(f.ctx, oct)
	require.NoError(t, err)
	require.Len(t, rep.Unrouted, 1)
	assert.Equal(t, a.ID, rep.Unrouted[0].ID)
	assert.Empty(t, rep.Fired)
	f.notices.unrouted = nil
	rep, err = f.svc.EvaluateAlarms(f.ctx, oct)
	require.NoError(t, err)
	require.Len(t, rep.Fired, 1)
	assert.Equal(t, 1, f.notices.count(contacts.KindChargeAlarm))
}

// B-16: invoices are issued from the calendar's issue day of the next month, and
// only for a month with cost data.
func TestB16_IssueCalendar(t *testing.T) {
	f := newFixture(t)
	f.set(time.Date(2026, time.November, 9, 14, 59, 0, 0, time.UTC)) // 23:59 JST on the 9th
	_, err := f.svc.IssueInvoices(f.ctx, oct)
	require.ErrorIs(t, err, billing.ErrNotReady)
	assert.ErrorContains(t, err, "can be issued from 2026-11-10")
	f.set(time.Date(2026, time.November, 9, 15, 0, 0, 0, time.UTC)) // 00:00 JST on the 10th
	_, err = f.svc.IssueInvoices(f.ctx, oct)
	require.ErrorIs(t, err, billing.ErrNotReady)
	assert.ErrorContains(t, err, "no cost data")

	cal := billing.Calendar{}
	assert.Equal(t, "2026-11-30", cal.DueDate(oct, cal.IssueFrom(oct)).Format(time.DateOnly))
	cal = billing.Calendar{IssueDay: 5, Due: billing.DueDaysAfterIssue, DueDays: 30}
	assert.Equal(t, "2026-12-05", cal.DueDate(oct, cal.IssueFrom(oct)).Format(time.DateOnly))
	_, err = billing.NewService(billing.ServiceConfig{Store: f.store, Projects: membersource.New(f.members, f.plans),
		Issuer: billing.Issuer{Name: "x", RegistrationNumber: issuer}, Calendar: billing.Calendar{IssueDay: 31}})
	require.ErrorIs(t, err, billing.ErrInvalid)
}

// issueOctober ingests October and issues it on November 10th.
func issueOctober(t *testing.T, f *fixture) billing.Issued {
	t.Helper()
	f.ingest(t, oct, "v1", time.Date(2026, time.November, 5, 0, 0, 0, 0, time.UTC), octRows()...)
	f.set(time.Date(2026, time.November, 10, 1, 0, 0, 0, time.UTC))
	got, err := f.svc.IssueInvoices(f.ctx, oct)
	require.NoError(t, err)
	return got
}

// B-12: the qualified invoice's fields, numbers gap-free per issuer and year, and a
// re-run that changes nothing and notifies nobody twice.
func TestB12_IssueInvoices(t *testing.T) {
	f := newFixture(t)
	got := issueOctober(t, f)
	require.Len(t, got.Invoices, 2, "projects A and B; A-USD has nothing to bill")
	assert.Equal(t, []bool{true, true}, created(got))
	var a billing.Document
	for _, d := range docsOf(got) {
		if d.ProjectID == f.projA.ID {
			a = d
		}
	}
	assert.Equal(t, billing.DocInvoice, a.Kind)
	assert.Regexp(t, `^T1234567890123-2026-00000[12]$`, a.Number)
	assert.Equal(t, "株式会社エー", a.Recipient)
	assert.Equal(t, issuer, a.Issuer.RegistrationNumber)
	assert.Equal(t, "2026-11-10", a.IssueDate.Format(time.DateOnly))
	assert.Equal(t, "2026-11-30", a.DueDate.Format(time.DateOnly))
	assert.Equal(t, money.JPY, a.Currency)
	assert.Equal(t, "150", a.ExchangeRate.String())
	assert.Equal(t, "MUFG TTM, month end", a.ExchangeRateSource)
	assert.Equal(t, "2026-10-31", a.ExchangeRateDate.Format(time.DateOnly))
	require.Len(t, a.Sources, 1)
	assert.Equal(t, "v1", a.Sources[0].Version)
	// $170 + 10 % support fee = $187 at 150 = ¥28,050; tax 10 % once = ¥2,805.
	assert.Equal(t, "28050", a.Subtotal.Decimal().String())
	require.Len(t, a.Taxes, 1)
	assert.Equal(t, "0.1", a.Taxes[0].Rate.String())
	assert.Equal(t, "2805", a.Taxes[0].Tax.Decimal().String())
	assert.Equal(t, "30855", a.Total.Decimal().String())
	assert.Equal(t, 2, f.notices.count(contacts.KindInvoiceIssued))
	n := f.notices.byKey["invoice_issued:"+a.ID]
	assert.Equal(t, []string{"billing@" + f.orgA.ID + ".example"}, n.To)
	assert.Equal(t, "¥30,855", n.Data.(contacts.InvoiceIssuedData).Total)

	// A re-run (after a crash, or by mistake) returns the same documents.
	f.set(time.Date(2026, time.November, 12, 0, 0, 0, 0, time.UTC))
	again, err := f.svc.IssueInvoices(f.ctx, oct)
	require.NoError(t, err)
	assert.Equal(t, []bool{false, false}, created(again))
	assert.Equal(t, docsOf(got), docsOf(again))
	assert.Equal(t, 2, f.notices.count(contacts.KindInvoiceIssued))
	assert.Equal(t, 2, f.notices.writes)

	// M-7: documents are scoped by organization.
	_, err = f.svc.GetDocument(f.ctx, f.bob, f.orgB.ID, a.ID)
	require.ErrorIs(t, err, billing.ErrNotFound)
	_, err = f.svc.GetDocument(f.ctx, f.bob, f.orgA.ID, a.ID)
	require.ErrorIs(t, err, members.ErrPermissionDenied)
	docs, _, err := f.svc.ListDocuments(f.ctx, f.bob, f.orgB.ID, billing.DocumentFilter{OrgID: f.orgA.ID}, resellerkit.Page{})
	require.NoError(t, err)
	require.Len(t, docs, 1, "the filter's organization is the caller's")
	assert.Equal(t, f.projB.ID, docs[0].ProjectID)

	audit, err := f.svc.Audit(f.ctx, oct)
	require.NoError(t, err)
	assert.Equal(t, 2, audit.Checked)
	assert.True(t, audit.OK(), "%+v", audit.Findings)
}

// B-12: fifty projects issued by two concurrent runs get numbers 1…50, each once.
func TestB12_ConcurrentIssuanceIsGapFree(t *testing.T) {
	f := newFixture(t)
	var rows []line
	for i := range 50 {
		p, err := f.members.CreateProject(f.ctx, f.bob, f.orgB.ID, members.Project{Name: fmt.Sprintf("P%02d", i),
			PaymentMethod: members.PaymentBankTransfer, Currency: money.USD, InvoiceTo: []string{"x@b.example"}})
		require.NoError(t, err)
		id := fmt.Sprintf("3000000000%02d", i)
		_, err = f.members.RegisterAccount(f.ctx, f.staff, f.orgB.ID, members.NewAccount{ID: id, ProjectID: p.ID})
		require.NoError(t, err)
		rows = append(rows, line{id: "r" + id, acct: id, typ: "Usage", product: "AmazonEC2", cost: "1"})
	}
	f.ingest(t, oct, "v1", time.Date(2026, time.November, 5, 0, 0, 0, 0, time.UTC), rows...)
	f.set(time.Date(2026, time.November, 10, 1, 0, 0, 0, time.UTC))
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			_, err := f.svc.IssueInvoices(f.ctx, oct)
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	docs, err := resellerkit.All(func(pg resellerkit.Page) ([]billing.Document, string, error) {
		return f.store.ListDocuments(f.ctx, billing.DocumentFilter{Period: oct}, pg)
	})
	require.NoError(t, err)
	require.Len(t, docs, 50)
	for i, d := range docs {
		assert.Equal(t, int64(i+1), d.Seq)
	}
	assert.Equal(t, 50, f.notices.count(contacts.KindInvoiceIssued))
}

// B-16: a credit that arrives after October was issued (a restated October report)
// lands on November's invoice, once; October's invoice is unchanged; the audit
// tells the restatement apart.
func TestB16_LateCreditLandsOnTheNextInvoice(t *testing.T) {
	f := newFixture(t)
	first := issueOctober(t, f)
	octA, err := f.store.DocumentByKey(f.ctx, "invoice/"+f.projA.ID+"/2026-10")
	require.NoError(t, err)

	f.ingest(t, oct, "v2", time.Date(2026, time.November, 20, 0, 0, 0, 0, time.UTC),
		append(octRows(), line{id: "cr", acct: acctA1, typ: "Credit", product: "AmazonEC2", cost: "-10"})...)
	f.ingest(t, nov, "n1", time.Date(2026, time.December, 5, 0, 0, 0, 0, time.UTC),
		line{id: "n1", acct: acctA1, typ: "Usage", product: "AmazonEC2", cost: "40"})
	f.set(time.Date(2026, time.December, 10, 1, 0, 0, 0, time.UTC))
	got, err := f.svc.IssueInvoices(f.ctx, nov)
	require.NoError(t, err)
	require.Len(t, got.Invoices, 1)
	novA := got.Invoices[0].Document
	var late []billing.DocumentLine
	for _, l := range novA.Lines {
		if l.Kind == billing.LineLateCredits {
			late = append(late, l)
		}
	}
	require.Len(t, late, 1)
	assert.Equal(t, oct, late[0].RefPeriod)
	assert.Equal(t, acctA1, late[0].AccountID)
	assert.Equal(t, "-10", late[0].AmountCost.String())
	assert.Equal(t, "-1515", late[0].Amount.Decimal().String(), "at November's rate 151.5")
	// $40 + $4 support fee − $10 = $34 at 151.5: lines of ¥6,060 + ¥606 − ¥1,515 = ¥5,151.
	assert.Equal(t, "5151", novA.Subtotal.Decimal().String())

	unchanged, err := f.store.GetDocument(f.ctx, "", octA.ID)
	require.NoError(t, err)
	assert.Equal(t, octA, unchanged, "the issued October invoice is never rewritten")
	assert.Equal(t, docsOf(first), mustReissue(t, f, oct), "re-issuing October returns the same documents")

	// The carried credit is carried once: December carries nothing more.
	f.ingest(t, dec, "d1", time.Date(2027, time.January, 5, 0, 0, 0, 0, time.UTC),
		line{id: "d1", acct: acctA1, typ: "Usage", product: "AmazonEC2", cost: "1"})
	f.set(time.Date(2027, time.January, 10, 1, 0, 0, 0, time.UTC))
	got, err = f.svc.IssueInvoices(f.ctx, dec)
	require.NoError(t, err)
	for _, l := range got.Invoices[0].Lines {
		assert.NotEqual(t, billing.LineLateCredits, l.Kind)
	}

	audit, err := f.svc.Audit(f.ctx, oct)
	require.NoError(t, err)
	require.Len(t, audit.Findings, 1)
	assert.True(t, audit.Findings[0].Restated, "October differs because it was restated after issue")
	assert.True(t, audit.OK())
	audit, err = f.svc.Audit(f.ctx, nov)
	require.NoError(t, err)
	assert.Empty(t, audit.Findings, "November recomputes to the yen, its late credit included")
}

func mustReissue(t *testing.T, f *fixture, m resellerkit.Month) []billing.Document {
	t.Helper()
	got, err := f.svc.IssueInvoices(f.ctx, m)
	require.NoError(t, err)
	return docsOf(got)
}

// docsOf returns the documents of an Issued, in order.
func docsOf(got billing.Issued) []billing.Document {
	var out []billing.Document
	for _, inv := range got.Invoices {
		out = append(out, inv.Document)
	}
	return out
}

// created returns the Created flags of an Issued, in order.
func created(got billing.Issued) []bool {
	var out []bool
	for _, inv := range got.Invoices {
		out = append(out, inv.Created)
	}
	return out
}

// B-12: a credit note references its invoice, is numbered in the same series, has
// its tax once per rate, cannot return more than the invoice, and is idempotent.
func TestB12_CreditNote(t *testing.T) {
	f := newFixture(t)
	issueOctober(t, f)
	inv, err := f.store.DocumentByKey(f.ctx, "invoice/"+f.projA.ID+"/2026-10")
	require.NoError(t, err)
	note, err := f.svc.IssueCreditNote(f.ctx, "req-1", inv.ID, "サポート料金の返金", []billing.ReturnLine{
		{AccountID: acctA1, Description: "返金 1", Amount: dec2("12345")},
		{AccountID: acctA1, Description: "返金 2", Amount: dec2("13456")},
	})
	require.NoError(t, err)
	assert.Equal(t, billing.DocCreditNote, note.Kind)
	assert.Equal(t, inv.ID, note.RefersTo)
	assert.Equal(t, int64(3), note.Seq, "after the two invoices")
	assert.Equal(t, "25801", note.Subtotal.Decimal().String())
	assert.Equal(t, "2580", note.Tax.Decimal().String(), "B-11: once on the sum, floored (not 1,234 + 1,345)")
	again, err := f.svc.IssueCreditNote(f.ctx, "req-1", inv.ID, "サポート料金の返金", []billing.ReturnLine{{Description: "x", Amount: dec2("1")}})
	require.NoError(t, err)
	assert.Equal(t, note, again, "the same key issues one note")

	_, err = f.svc.IssueCreditNote(f.ctx, "req-2", inv.ID, "too much", []billing.ReturnLine{{Description: "x", Amount: inv.Subtotal.Decimal()}})
	require.ErrorIs(t, err, billing.ErrInvalid, "more than the invoice in all")
	_, err = f.svc.IssueCreditNote(f.ctx, "req-3", inv.ID, "bad", []billing.ReturnLine{{Description: "x", Amount: dec2("0.5")}})
	require.ErrorIs(t, err, billing.ErrInvalid, "whole yen")
	_, err = f.svc.IssueCreditNote(f.ctx, "req-4", note.ID, "on a note", []billing.ReturnLine{{Description: "x", Amount: dec2("1")}})
	require.ErrorIs(t, err, billing.ErrInvalid)
	_, err = f.svc.IssueCreditNote(f.ctx, "req-5", "nope", "r", []billing.ReturnLine{{Description: "x", Amount: dec2("1")}})
	require.ErrorIs(t, err, billing.ErrNotFound)
}

// B-12: a corrected invoice gets a new number and references the original, which is
// unchanged; the month's current invoice is then the correction.
func TestB12_CorrectedInvoice(t *testing.T) {
	f := newFixture(t)
	got := issueOctober(t, f)
	var orig billing.Document
	for _, d := range docsOf(got) {
		if d.ProjectID == f.projA.ID {
			orig = d
		}
	}
	// The operator fixes October's data (a restatement) and corrects the invoice.
	f.ingest(t, oct, "v2", time.Date(2026, time.November, 11, 0, 0, 0, 0, time.UTC),
		append(octRows(), line{id: "fix", acct: acctA1, typ: "Usage", product: "AmazonEC2", cost: "10"})...)
	corr, err := f.svc.CorrectInvoice(f.ctx, "fix-1", orig.ID)
	require.NoError(t, err)
	assert.Equal(t, orig.ID, corr.Replaces)
	assert.Equal(t, int64(3), corr.Seq)
	assert.NotEqual(t, orig.Number, corr.Number)
	assert.Equal(t, "29700", corr.Subtotal.Decimal().String(), "$198 at 150")
	again, err := f.svc.CorrectInvoice(f.ctx, "fix-1", orig.ID)
	require.NoError(t, err)
	assert.Equal(t, corr, again)
	_, err = f.svc.CorrectInvoice(f.ctx, "fix-2", orig.ID)
	require.ErrorIs(t, err, billing.ErrInvalid, "only the latest invoice can be corrected")
	stored, err := f.store.GetDocument(f.ctx, f.orgA.ID, orig.ID)
	require.NoError(t, err)
	assert.Equal(t, orig, stored)

	audit, err := f.svc.Audit(f.ctx, oct)
	require.NoError(t, err)
	assert.Empty(t, audit.Findings, "the correction is the current invoice and matches")
}

// B-12 audit: a figure that does not follow from the stored data (here: the
// project's pricing changed after issue, with no restatement) is a finding that is
// not explained by a restatement.
func TestB12_AuditFindsUnexplainedDifferences(t *testing.T) {
	f := newFixture(t)
	issueOctober(t, f)
	f.plans.SupportFees = map[string]billing.SupportFee{"none": {Rate: ptr(dec2("0"))}}
	p := f.projB
	p.Billing.SupportFeeRule = "none"
	_, err := f.members.UpdateProject(f.ctx, f.bob, f.orgB.ID, p)
	require.NoError(t, err)
	audit, err := f.svc.Audit(f.ctx, oct)
	require.NoError(t, err)
	require.Len(t, audit.Findings, 1)
	assert.False(t, audit.Findings[0].Restated)
	assert.False(t, audit.OK())
	assert.Equal(t, "36.30", audit.Findings[0].IssuedTotal.Decimal().StringFixed(2), "$30 + $3 support fee + $3.30 tax")
}

func ptr[T any](v T) *T { return &v }

var _ = errors.Is

// restateOctoberWithCredit issues October, restates it with a −$10 credit on A1
// and issues November, which carries the credit.
func restateOctoberWithCredit(t *testing.T, f *fixture) (octA, novA billing.Document) {
	t.Helper()
	issueOctober(t, f)
	var err error
	octA, err = f.store.DocumentByKey(f.ctx, "invoice/"+f.projA.ID+"/2026-10")
	require.NoError(t, err)
	f.ingest(t, oct, "v2", time.Date(2026, time.November, 20, 0, 0, 0, 0, time.UTC),
		append(octRows(), line{id: "cr", acct: acctA1, typ: "Credit", product: "AmazonEC2", cost: "-10"})...)
	f.ingest(t, nov, "n1", time.Date(2026, time.December, 5, 0, 0, 0, 0, time.UTC),
		line{id: "n1", acct: acctA1, typ: "Usage", product: "AmazonEC2", cost: "40"})
	f.set(time.Date(2026, time.December, 10, 1, 0, 0, 0, time.UTC))
	got, err := f.svc.IssueInvoices(f.ctx, nov)
	require.NoError(t, err)
	require.Len(t, got.Invoices, 1)
	return octA, got.Invoices[0].Document
}

// B-16 with corrections: a month whose credits a later invoice carried cannot be
// corrected (they would count twice); a correction of the carrying invoice keeps
// its carried credits.
func TestB16_CorrectionAndCarriedCredits(t *testing.T) {
	f := newFixture(t)
	octA, novA := restateOctoberWithCredit(t, f)
	_, err := f.svc.CorrectInvoice(f.ctx, "fix-oct", octA.ID)
	require.ErrorIs(t, err, billing.ErrInvalid)
	assert.ErrorContains(t, err, "carried credits of 2026-10 already")

	corr, err := f.svc.CorrectInvoice(f.ctx, "fix-nov", novA.ID)
	require.NoError(t, err)
	assert.Equal(t, novA.Subtotal, corr.Subtotal, "the correction bills the carried credit as November did")
	assert.True(t, slices.ContainsFunc(corr.Lines, func(l billing.DocumentLine) bool {
		return l.Kind == billing.LineLateCredits && l.RefPeriod == oct && l.AmountCost.String() == "-10"
	}))
	assert.False(t, corr.DueDate.Before(corr.IssueDate), "a correction is never due before it is issued")

	// December carries nothing more: the credit was billed once.
	f.ingest(t, dec, "d1", time.Date(2027, time.January, 5, 0, 0, 0, 0, time.UTC),
		line{id: "d1", acct: acctA1, typ: "Usage", product: "AmazonEC2", cost: "1"})
	f.set(time.Date(2027, time.January, 10, 1, 0, 0, 0, time.UTC))
	got, err := f.svc.IssueInvoices(f.ctx, dec)
	require.NoError(t, err)
	for _, l := range got.Invoices[0].Lines {
		assert.NotEqual(t, billing.LineLateCredits, l.Kind)
	}
}

// B-12: concurrent corrections of one invoice: exactly one is issued.
func TestB12_ConcurrentCorrectionsIssueOne(t *testing.T) {
	f := newFixture(t)
	issueOctober(t, f)
	orig, err := f.store.DocumentByKey(f.ctx, "invoice/"+f.projA.ID+"/2026-10")
	require.NoError(t, err)
	var (
		wg         sync.WaitGroup
		ok, refuse atomic.Int32
	)
	for i := range 8 {
		wg.Go(func() {
			_, err := f.svc.CorrectInvoice(f.ctx, fmt.Sprint("fix-", i), orig.ID)
			switch {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, billing.ErrInvalid):
				refuse.Add(1)
			default:
				t.Error(err)
			}
		})
	}
	wg.Wait()
	assert.Equal(t, int32(1), ok.Load())
	assert.Equal(t, int32(7), refuse.Load())
}

// B-16: late credits of a project that has no invoice in the issued month (its
// accounts moved away) are reported as uncarried, never dropped silently.
func TestB16_UncarriedLateCreditsAreReported(t *testing.T) {
	f := newFixture(t)
	issueOctober(t, f)
	// A's accounts all move to A-USD in November; October is then restated with a credit.
	f.set(time.Date(2026, time.November, 15, 0, 0, 0, 0, time.UTC))
	for _, id := range []string{acctA1, acctA2} {
		acct, err := f.members.GetAccount(f.ctx, f.alice, f.orgA.ID, id)
		require.NoError(t, err)
		_, err = f.members.MoveAccount(f.ctx, f.alice, f.orgA.ID, id, f.projAUSD.ID, acct.Version)
		require.NoError(t, err)
	}
	f.ingest(t, oct, "v2", time.Date(2026, time.November, 20, 0, 0, 0, 0, time.UTC),
		append(octRows(), line{id: "cr", acct: acctA1, typ: "Credit", product: "AmazonEC2", cost: "-10"})...)
	f.ingest(t, dec, "d1", time.Date(2027, time.January, 5, 0, 0, 0, 0, time.UTC),
		line{id: "d1", acct: acctA1, typ: "Usage", product: "AmazonEC2", cost: "40"})
	f.set(time.Date(2027, time.January, 10, 1, 0, 0, 0, time.UTC))
	got, err := f.svc.IssueInvoices(f.ctx, dec)
	require.NoError(t, err)
	require.Len(t, got.Uncarried, 1)
	u := got.Uncarried[0]
	assert.Equal(t, f.projA.ID, u.ProjectID)
	assert.Equal(t, f.orgA.ID, u.OrgID)
	assert.Equal(t, oct, u.RefPeriod)
	assert.Equal(t, "-10", u.AmountUSD.String())
}

// B-14: the same rows under a second payer are refused (they would count twice);
// a version with no input or no row of the month is refused (it would empty it).
func TestB14_IngestRefusesAnotherPayersRowsAndEmptyVersions(t *testing.T) {
	f := newFixture(t)
	at := time.Date(2026, time.October, 5, 0, 0, 0, 0, time.UTC)
	f.ingest(t, oct, "v1", at, octRows()...)
	_, err := f.svc.Ingest(f.ctx, billing.Report{Payer: "888888888888", Period: oct, Version: "x1", GeneratedAt: at},
		[]billing.Input{csvInput{name: "again.csv", text: report(oct, octRows()...)}})
	require.ErrorIs(t, err, billing.ErrOverlap)
	assert.ErrorContains(t, err, "stored for payer 999999999999")

	_, err = f.svc.Ingest(f.ctx, billing.Report{Payer: payer, Period: oct, Version: "v2", GeneratedAt: at.Add(time.Hour)}, nil)
	require.ErrorIs(t, err, billing.ErrInvalid)
	_, err = f.svc.Ingest(f.ctx, billing.Report{Payer: payer, Period: oct, Version: "v2", GeneratedAt: at.Add(time.Hour)},
		[]billing.Input{csvInput{name: "nov.csv", text: report(nov, octRows()...)}})
	require.ErrorIs(t, err, billing.ErrInvalid)
	assert.ErrorContains(t, err, "no row of 2026-10")
	c, err := f.svc.CurrentCharges(f.ctx, oct)
	require.NoError(t, err)
	assert.Equal(t, "170", chargesOf(t, c, f.projA.ID, "").String(), "nothing changed")
	require.Len(t, c.Reports, 1)

	_, err = f.svc.OrgCharges(f.ctx, f.alice, "", oct)
	require.ErrorIs(t, err, billing.ErrInvalid, "M-7: an empty organization is never every organization")
	oc, err := f.svc.OrgCharges(f.ctx, f.alice, f.orgA.ID, oct)
	require.NoError(t, err)
	assert.Empty(t, oc.Reports, "customers do not see the reseller's payer accounts")
}

// storeKind selects the billing.Store of the fixtures: "memory" (the default) or
// a SQL dialect (TestLifecycle_SQL sets it while it re-runs the tests above).
var storeKind = "memory"

func newBillingStore(t *testing.T) billing.Store {
	t.Helper()
	switch storeKind {
	case "sqlite":
		st, err := billingsql.New(context.Background(), sqldbtest.SQLite(t))
		require.NoError(t, err)
		return st
	case "postgresql":
		st, err := billingsql.New(context.Background(), sqldbtest.Postgres(t))
		require.NoError(t, err)
		return st
	}
	return billingmem.New()
}

// The lifecycle tests again on the SQL store, SQLite and PostgreSQL (when
// RESELLERKIT_TEST_POSTGRES_DSN is set): the Service's guarantees must not depend
// on memstore's single lock.
func TestLifecycle_SQL(t *testing.T) {
	tests := map[string]func(*testing.T){
		"B14_Restatement": TestB14_RestatementReplacesTheMonth, "B14_Refusals": TestB14_IngestRefusesAnotherPayersRowsAndEmptyVersions,
		"B13_CurrentCharges": TestB13_CurrentCharges, "B15_Alarms": TestB15_AlarmNotifiesOncePerMonth,
		"B12_Issue": TestB12_IssueInvoices, "B12_GapFree": TestB12_ConcurrentIssuanceIsGapFree,
		"B16_LateCredit": TestB16_LateCreditLandsOnTheNextInvoice, "B16_Corrections": TestB16_CorrectionAndCarriedCredits,
		"B12_ConcurrentCorrections": TestB12_ConcurrentCorrectionsIssueOne, "B12_CreditNote": TestB12_CreditNote,
		"B12_CorrectionKeepsNotes": TestB12_CorrectionKeepsTheMonthsCreditNotes, "B12_NoteRemainder": TestB12_SecondCreditNoteBeyondTheRemainderIsRefused,
		"B12_NoteAccounts": TestB12_CreditNoteLinesNameTheInvoicesAccounts, "B12_ConcurrentNoteAndCorrection": TestB12_ConcurrentCreditNoteAndCorrection,
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
