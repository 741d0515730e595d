package security_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	contactsmem "github.com/seeda33a2f4f/resellerkit/contacts/memstore"
	"github.com/seeda33a2f4f/resellerkit/members"
	membersmem "github.com/seeda33a2f4f/resellerkit/members/memstore"
	"github.com/seeda33a2f4f/resellerkit/money"
	"github.com/seeda33a2f4f/resellerkit/security"
	securitymem "github.com/seeda33a2f4f/resellerkit/security/memstore"
	securitysql "github.com/seeda33a2f4f/resellerkit/security/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
)

var regions = []string{"ap-northeast-1", "us-east-1", "eu-west-1"}

// fakeAWS is the state of a fleet as fake Checks see it: which account × control
// × region is compliant, and how often each was observed and repaired. Accounts
// start with every control off (a fresh account).
type fakeAWS struct {
	mu          sync.Mutex
	compliant   map[string]bool
	observed    map[string]int
	repaired    map[string]int
	unreachable map[string]bool // accounts whose role cannot be assumed
	disabled    map[string]bool // regions not enabled (every account)
}

func newFakeAWS() *fakeAWS {
	return &fakeAWS{compliant: map[string]bool{}, observed: map[string]int{}, repaired: map[string]int{},
		unreachable: map[string]bool{}, disabled: map[string]bool{}}
}

func key(account string, c security.ControlID, region string) string {
	return account + "/" + string(c) + "/" + region
}

// check is a fake security.Check of one control over fakeAWS.
type check struct {
	aws *fakeAWS
	id  security.ControlID
}

func (c check) Control() security.ControlID { return c.id }

func (c check) gate(account, region string) error {
	if c.aws.unreachable[account] {
		return fmt.Errorf("%w: %w: cannot assume the role", security.ErrUnreachable, security.ErrAccessDenied)
	}
	if c.aws.disabled[region] {
		return fmt.Errorf("%w: OptInRequired", security.ErrRegionDisabled)
	}
	return nil
}

func (c check) Observe(_ context.Context, account, region string) (security.Observation, error) {
	c.aws.mu.Lock()
	defer c.aws.mu.Unlock()
	k := key(account, c.id, region)
	c.aws.observed[k]++
	if err := c.gate(account, region); err != nil {
		return security.Observation{}, err
	}
	if c.aws.compliant[k] {
		return security.Observation{Compliant: true, Detail: "on"}, nil
	}
	return security.Observation{Detail: "off"}, nil
}

func (c check) Repair(_ context.Context, account, region string) (string, error) {
	c.aws.mu.Lock()
	defer c.aws.mu.Unlock()
	if err := c.gate(account, region); err != nil {
		return "", err
	}
	ctl, _ := security.Lookup(c.id)
	if ctl.Remedy == security.ReportOnly {
		return "", fmt.Errorf("%w: report only", security.ErrInvalid)
	}
	k := key(account, c.id, region)
	c.aws.repaired[k]++
	c.aws.compliant[k] = true
	return "turned on", nil
}

func (f *fakeAWS) checks() []security.Check {
	var out []security.Check
	for _, c := range security.Catalog() {
		out = append(out, check{aws: f, id: c.ID})
	}
	return out
}

func (f *fakeAWS) maxRepairs() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := 0
	for _, n := range f.repaired {
		m = max(m, n)
	}
	return m
}

func (f *fakeAWS) totalRepairs() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, r := range f.repaired {
		n += r
	}
	return n
}

// fixture is a reseller with one organization of n accounts.
type fixture struct {
	ctx      context.Context
	members  *members.Service
	contacts *contacts.Service
	cstore   *contactsmem.Store
	store    security.Store
	aws      *fakeAWS
	svc      *security.Service
	org      members.Organization
	alice    members.Principal
	bob      members.Principal
	targets  []security.Target
}

func newFixture(t *testing.T, accounts int, store security.Store) *fixture {
	t.Helper()
	f := &fixture{ctx: context.Background(), aws: newFakeAWS(), store: store, cstore: contactsmem.New()}
	f.members = members.NewService(membersmem.New())
	f.alice = members.Principal{IdentityID: "alice", Email: "alice@a.example", MFA: true}
	f.bob = members.Principal{IdentityID: "bob", Email: "bob@b.example", MFA: true}
	staff := members.Principal{IdentityID: "staff", MFA: true, Operator: true}
	var err error
	f.org, err = f.members.CreateOrganization(f.ctx, f.alice, members.NewOrganization{Code: "org-a", Name: "A"})
	require.NoError(t, err)
	_, err = f.members.CreateOrganization(f.ctx, f.bob, members.NewOrganization{Code: "org-b", Name: "B"})
	require.NoError(t, err)
	p, err := f.members.CreateProject(f.ctx, f.alice, f.org.ID, members.Project{Name: "P", PaymentMethod: members.PaymentBankTransfer,
		Currency: money.USD, InvoiceTo: []string{"x@a.example"}})
	require.NoError(t, err)
	for i := range accounts {
		id := fmt.Sprintf("%012d", 100000000000+i)
		_, err := f.members.RegisterAccount(f.ctx, staff, f.org.ID, members.NewAccount{ID: id, ProjectID: p.ID})
		require.NoError(t, err)
		f.targets = append(f.targets, security.Target{OrgID: f.org.ID, AccountID: id, New: true}) // being issued
	}
	f.contacts, err = contacts.NewService(f.cstore, f.members)
	require.NoError(t, err)
	f.svc, err = security.NewService(security.Config{Store: store, Members: f.members, Notifier: f.contacts,
		Checks: f.aws.checks(), Regions: regions, Workers: 16})
	require.NoError(t, err)
	return f
}

// S-3 on a fleet: 200 accounts × 3 regions. The first run repairs every drift of
// the controls on; the second changes nothing.
func TestS3_FleetRepairedThenIdempotent(t *testing.T) {
	f := newFixture(t, 200, securitymem.New())
	rep, err := f.svc.Maintain(f.ctx, f.targets)
	require.NoError(t, err)
	assert.False(t, rep.Resumed)
	assert.Equal(t, security.RunFinished, rep.Run.State)
	// Basic profile: 5 managed (AccessAnalyzer per region), 5 initial (3 per
	// region); the 3 maintained ones are off. RootMFA is report-only.
	perAccount := 4 + 3 /* access analyzer */ + 2 + 3*3 /* initial regional */ + 3*3 /* maintained, skipped */
	assert.Equal(t, 200*perAccount, rep.Run.Items)
	assert.Equal(t, 200*(perAccount-9-1), rep.Run.Repaired, "every drift but root MFA (report only) and the skipped ones")
	assert.Zero(t, rep.Run.Failed)
	assert.Equal(t, 1, f.aws.maxRepairs())

	before := f.aws.totalRepairs()
	rep, err = f.svc.Maintain(f.ctx, f.targets)
	require.NoError(t, err)
	assert.Zero(t, rep.Run.Repaired, "a second run changes nothing")
	assert.Equal(t, before, f.aws.totalRepairs())
	assert.Equal(t, 200, rep.Run.Drifted, "only root MFA, reported again")
}

// crashingStore fails every PutItem after the first n, like a process killed
// half-way through a run.
type crashingStore struct {
	security.Store
	left atomic.Int64
}

func (c *crashingStore) PutItem(ctx context.Context, it security.Item) error {
	if c.left.Add(-1) < 0 {
		return errors.New("crash")
	}
	return c.Store.PutItem(ctx, it)
}

// S-3: a crash after N items, then a re-run: the run is resumed, ends in the same
// state as an uninterrupted one, and no control is repaired twice.
func TestS3_CrashThenResume(t *testing.T) {
	store := securitymem.New()
	f := newFixture(t, 50, store)
	crashing := &crashingStore{Store: store}
	crashing.left.Store(700)
	crashed, err := security.NewService(security.Config{Store: crashing, Members: f.members, Notifier: f.contacts,
		Checks: f.aws.checks(), Regions: regions, Workers: 4})
	require.NoError(t, err)
	_, err = crashed.Maintain(f.ctx, f.targets)
	require.ErrorContains(t, err, "crash")

	rep, err := f.svc.Maintain(f.ctx, f.targets)
	require.NoError(t, err)
	assert.True(t, rep.Resumed, "the unfinished run is continued")
	assert.Equal(t, 1, f.aws.maxRepairs(), "no control repaired twice")
	ref := newFixture(t, 50, securitymem.New())
	want, err := ref.svc.Maintain(ref.ctx, ref.targets)
	require.NoError(t, err)
	assert.Equal(t, len(want.Items), len(rep.Items))
	assert.Equal(t, ref.aws.compliant, f.aws.compliant, "the same end state")
}

// S-3: an account whose role cannot be assumed is reported (every item failed,
// observed once) and the others are maintained; a region not enabled is no_region.
func TestS3_UnreachableAccountIsolated(t *testing.T) {
	f := newFixture(t, 5, securitymem.New())
	bad := f.targets[2].AccountID
	f.aws.unreachable[bad] = true
	f.aws.disabled["eu-west-1"] = true
	rep, err := f.svc.Maintain(f.ctx, f.targets)
	require.NoError(t, err)
	calls := 0
	for k, n := range f.aws.observed {
		if strings.HasPrefix(k, bad+"/") {
			calls += n
		}
	}
	assert.Equal(t, 1, calls, "no more AWS calls once the account is unreachable")
	for _, it := range rep.Items {
		switch {
		case it.AccountID == bad && it.Desired:
			assert.Equal(t, security.ActionFailed, it.Action, "%+v", it)
			assert.Contains(t, it.Error, "cannot assume the role")
		case it.Region == "eu-west-1" && it.Desired:
			assert.Equal(t, security.ActionNoRegion, it.Action)
		case it.Desired && it.Control != security.RootMFA:
			assert.Equal(t, security.ActionRepaired, it.Action, "%+v", it)
		}
	}
}

// S-1/S-2: a control the customer turned off is never observed nor repaired; a
// managed control cannot be turned off; an initial control is set once, then the
// customer's.
func TestS2_ChoicesAreRespected(t *testing.T) {
	f := newFixture(t, 1, securitymem.New())
	acct := f.targets[0].AccountID
	st, est, err := f.svc.GetSettings(f.ctx, f.alice, f.org.ID, acct)
	require.NoError(t, err)
	assert.Equal(t, security.Basic, st.Profile)
	assert.Equal(t, "0", est.Min.String())

	_, _, err = f.svc.UpdateSettings(f.ctx, f.alice, f.org.ID, acct, security.SettingsUpdate{Profile: security.Basic,
		Choices: map[security.ControlID]bool{security.CloudTrail: false}})
	require.ErrorIs(t, err, security.ErrManaged)
	require.ErrorIs(t, err, security.ErrInvalid)
	assert.ErrorContains(t, err, "choices.cloudtrail-multi-region")

	st, est, err = f.svc.UpdateSettings(f.ctx, f.alice, f.org.ID, acct, security.SettingsUpdate{Profile: security.Secure,
		Choices: map[security.ControlID]bool{security.GuardDuty: false, security.EBSDefaultEncryption: false}})
	require.NoError(t, err)
	assert.Equal(t, int64(1), st.Version)
	assert.Equal(t, "9", est.Min.String(), "Config 2 + Security Hub 1, in 3 regions")
	assert.Equal(t, "31", est.Max.String(), "CloudTrail 1 + (Config 5 + Security Hub 5) × 3")
	_, _, err = f.svc.UpdateSettings(f.ctx, f.alice, f.org.ID, acct, security.SettingsUpdate{Profile: security.Secure, Version: 0})
	require.ErrorIs(t, err, security.ErrConflict, "a stale version")
	_, _, err = f.svc.UpdateSettings(f.ctx, f.bob, f.org.ID, acct, security.SettingsUpdate{Profile: security.Basic, Version: 1})
	require.ErrorIs(t, err, members.ErrPermissionDenied, "M-7")
	changes, _, err := f.svc.ListChanges(f.ctx, f.alice, f.org.ID, acct, resellerkit.Page{})
	require.NoError(t, err)
	require.Len(t, changes, 1)
	assert.Equal(t, "alice", changes[0].By)
	assert.Equal(t, security.Basic, changes[0].Before.Profile)
	assert.Equal(t, security.Secure, changes[0].After.Profile)
	assert.Equal(t, int64(1), changes[0].After.Version, "the change records the settings as saved")

	_, err = f.svc.Maintain(f.ctx, f.targets)
	require.NoError(t, err)
	for _, r := range regions {
		assert.Zero(t, f.aws.observed[key(acct, security.GuardDuty, r)], "turned off: never touched")
		assert.Zero(t, f.aws.observed[key(acct, security.EBSDefaultEncryption, r)])
		assert.Equal(t, 1, f.aws.repaired[key(acct, security.ConfigRecording, r)], "maintained and on: repaired")
		assert.Equal(t, 1, f.aws.repaired[key(acct, security.IMDSv2Default, r)], "initial: set at issue")
	}

	// The customer turns IMDSv2 back off in AWS, GuardDuty is turned on, and
	// Config drifts: the next run restores Config, leaves IMDSv2 (reported) and
	// enables GuardDuty.
	f.aws.compliant[key(acct, security.IMDSv2Default, regions[0])] = false
	f.aws.compliant[key(acct, security.ConfigRecording, regions[0])] = false
	_, _, err = f.svc.UpdateSettings(f.ctx, f.alice, f.org.ID, acct, security.SettingsUpdate{Profile: security.Secure,
		Choices: map[security.ControlID]bool{security.EBSDefaultEncryption: false}, Version: 1})
	require.NoError(t, err)
	rep, err := f.svc.Maintain(f.ctx, f.targets)
	require.NoError(t, err)
	actions := map[string]security.Action{}
	for _, it := range rep.Items {
		if it.Region == regions[0] {
			actions[string(it.Control)] = it.Action
		}
	}
	assert.Equal(t, security.ActionReported, actions[string(security.IMDSv2Default)], "initial: not restored")
	assert.Equal(t, security.ActionRepaired, actions[string(security.ConfigRecording)], "maintained: restored")
	assert.Equal(t, security.ActionRepaired, actions[string(security.GuardDuty)], "turned on: applied at the next run")
	assert.Equal(t, security.ActionSkipped, actions[string(security.EBSDefaultEncryption)])

	run, items, err := f.svc.LastDrift(f.ctx, f.alice, f.org.ID, acct)
	require.NoError(t, err)
	assert.Equal(t, rep.Run.ID, run.ID)
	assert.Zero(t, run.Items, "no fleet-wide totals for a customer")
	assert.Len(t, items, len(rep.Items))
	_, _, err = f.svc.LastDrift(f.ctx, f.bob, f.org.ID, acct)
	require.ErrorIs(t, err, members.ErrPermissionDenied)
}

// The summary notice of a run goes to the account's technical contacts, once per
// account and run.
func TestS3_SummaryNotice(t *testing.T) {
	f := newFixture(t, 1, securitymem.New())
	acct := f.targets[0].AccountID
	setContacts(t, f, acct)
	_, err := f.svc.Maintain(f.ctx, f.targets)
	require.NoError(t, err)
	notices, _, err := f.cstore.ListNotices(f.ctx, f.org.ID, "", resellerkit.Page{})
	require.NoError(t, err)
	require.Len(t, notices, 1)
	assert.Equal(t, contacts.KindMaintenance, notices[0].Kind)
	assert.Equal(t, []string{"tech@a.example"}, notices[0].To)
	assert.Contains(t, notices[0].Text, "CloudTrail")
}

func setContacts(t *testing.T, f *fixture, acct string) {
	t.Helper()
	l := func(a string) contacts.List { return contacts.List{To: []string{a}} }
	_, err := f.contacts.UpdateAccountContacts(f.ctx, f.alice, f.org.ID, acct, contacts.Update{
		Recipients: contacts.Recipients{Billing: l("bill@a.example"), Technical: l("tech@a.example"), Security: l("sec@a.example")},
		Language:   contacts.Japanese, Phones: []string{"+81-90-1111-1111", "+81-90-2222-2222", "+81-3-3333-3333"}})
	require.NoError(t, err)
}

// S-4: the same finding twice notifies once; an incident's notice lists the
// emergency phones in order; an alert below the threshold is a plain alert; a
// finding of an unknown account is unrouted.
func TestS4_AlertsOncePerFindingIncidentsWithPhones(t *testing.T) {
	f := newFixture(t, 2, securitymem.New())
	acct := f.targets[0].AccountID
	setContacts(t, f, acct)
	doc := `{"Findings": [
	  {"Id": "arn:aws:guardduty:ap-northeast-1:` + acct + `:detector/d/finding/1", "AwsAccountId": "` + acct + `", "Region": "ap-northeast-1",
	   "ProductName": "GuardDuty", "Title": "EC2 instance communicating with a crypto-mining pool", "Types": ["TTPs/Impact"],
	   "CreatedAt": "2026-11-29T01:02:03.000Z", "Severity": {"Label": "HIGH", "Normalized": 75}},
	  {"Id": "low-1", "AwsAccountId": "` + acct + `", "Title": "Unusual API call", "Severity": {"Label": "LOW"}},
	  {"Id": "x-1", "AwsAccountId": "999999999999", "Title": "Not ours", "Severity": {"Normalized": 90}}]}`
	findings, err := security.ParseFindings(strings.NewReader(doc))
	require.NoError(t, err)
	require.Len(t, findings, 3)
	assert.Equal(t, 1, findings[1].Severity.Normalized, "LOW without a score")

	rep, err := f.svc.Alert(f.ctx, findings)
	require.NoError(t, err)
	require.Len(t, rep.New, 2)
	assert.Equal(t, 1, rep.Incidents)
	require.Len(t, rep.Unrouted, 1)
	assert.Equal(t, "x-1", rep.Unrouted[0].ID)

	again, err := f.svc.Alert(f.ctx, findings[:2])
	require.NoError(t, err)
	assert.Empty(t, again.New)
	assert.Equal(t, 2, again.Repeated, "the same finding twice notifies once")

	notices, _, err := f.cstore.ListNotices(f.ctx, f.org.ID, "", resellerkit.Page{})
	require.NoError(t, err)
	require.Len(t, notices, 2)
	kinds := map[contacts.Kind]contacts.Notice{}
	for _, n := range notices {
		kinds[n.Kind] = n
	}
	inc := kinds[contacts.KindSecurityIncident]
	assert.Equal(t, []string{"+819011111111", "+819022222222", "+81333333333"}, inc.Phones, "the phones in call order")
	i1, i2 := strings.Index(inc.Text, "+81 90-1111-1111"), strings.Index(inc.Text, "+81 90-2222-2222")
	if i1 < 0 {
		i1, i2 = strings.Index(inc.Text, "+819011111111"), strings.Index(inc.Text, "+819022222222")
	}
	assert.True(t, i1 >= 0 && i2 > i1, "the mail lists the phones in order:\n%s", inc.Text)
	assert.Equal(t, []string{"sec@a.example"}, kinds[contacts.KindSecurityAlert].To)

	alerts, _, err := f.svc.ListAlerts(f.ctx, f.alice, f.org.ID, acct, resellerkit.Page{})
	require.NoError(t, err)
	assert.Len(t, alerts, 2)
	_, _, err = f.svc.ListAlerts(f.ctx, f.bob, f.org.ID, "", resellerkit.Page{})
	require.ErrorIs(t, err, members.ErrPermissionDenied, "M-7")
}

// ParseFindings names the finding, field and value of a bad finding.
func TestS4_ParseFindingsErrors(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{`{"Findings": [{"Id": "a", "AwsAccountId": "12", "Title": "t", "Severity": {"Label": "HIGH"}}]}`, `findings[0].AwsAccountId "12"`},
		{`[{"Id": "a", "AwsAccountId": "123456789012", "Title": "t", "Severity": {"Label": "SEVERE"}}]`, `findings[0].Severity.Label "SEVERE"`},
		{`{"detail": {"findings": [{"Id": "", "AwsAccountId": "123456789012", "Title": "t", "Severity": {"Normalized": 5}}]}}`, `findings[0].Id`},
		{`{"nothing": 1}`, `want {"Findings": [...]}`},
		{`not json`, `not JSON findings`},
	} {
		_, err := security.ParseFindings(strings.NewReader(tc.doc))
		require.ErrorIs(t, err, security.ErrInvalid, tc.doc)
		assert.ErrorContains(t, err, tc.want)
	}
}

// S-3 on the SQL store (SQLite, and PostgreSQL when configured): a run repairs,
// the next changes nothing, and a crashed run is resumed without a second repair.
func TestS3_OnSQL(t *testing.T) {
	sqldbtest.Run(t, func(t *testing.T, d sqldb.Dialect) {
		store, err := securitysql.New(context.Background(), sqldbtest.Open(t, d))
		require.NoError(t, err)
		f := newFixture(t, 20, store)
		crashing := &crashingStore{Store: store}
		crashing.left.Store(300)
		crashed, err := security.NewService(security.Config{Store: crashing, Members: f.members, Checks: f.aws.checks(), Regions: regions})
		require.NoError(t, err)
		_, err = crashed.Maintain(f.ctx, f.targets)
		require.ErrorContains(t, err, "crash")
		rep, err := f.svc.Maintain(f.ctx, f.targets)
		require.NoError(t, err)
		assert.True(t, rep.Resumed)
		assert.Equal(t, 1, f.aws.maxRepairs())
		rep, err = f.svc.Maintain(f.ctx, f.targets)
		require.NoError(t, err)
		assert.Zero(t, rep.Run.Repaired)
	})
}

// S-1: the initial controls of an account that is not being issued are only
// reported: turning on S3 Block Public Access or closing the default security
// groups of a live account could break it.
func TestS1_InitialControlsOfALiveAccountReported(t *testing.T) {
	f := newFixture(t, 1, securitymem.New())
	live := []security.Target{{OrgID: f.org.ID, AccountID: f.targets[0].AccountID}}
	rep, err := f.svc.Maintain(f.ctx, live)
	require.NoError(t, err)
	for _, it := range rep.Items {
		c, _ := security.Lookup(it.Control)
		if c.Class == security.Initial {
			assert.Equal(t, security.ActionReported, it.Action, "%s %s", it.Control, it.Region)
		}
	}
	assert.Zero(t, f.aws.repaired[key(live[0].AccountID, security.S3PublicAccessBlock, "")])
}

// S-3: an account listed twice is refused (it would be maintained twice at once).
func TestS3_DuplicateTargetsRefused(t *testing.T) {
	f := newFixture(t, 2, securitymem.New())
	_, err := f.svc.Maintain(f.ctx, append(f.targets, f.targets[0]))
	require.ErrorIs(t, err, security.ErrInvalid)
	assert.ErrorContains(t, err, "listed twice")
	_, err = f.svc.Maintain(f.ctx, nil)
	require.ErrorIs(t, err, security.ErrInvalid)
}

// blockingCheck blocks its Observe until release is closed, once started is
// signalled.
type blockingCheck struct {
	check
	started chan struct{}
	release chan struct{}
	once    sync.Once
}

func (b *blockingCheck) Observe(ctx context.Context, account, region string) (security.Observation, error) {
	b.once.Do(func() { close(b.started) })
	select {
	case <-b.release:
	case <-ctx.Done():
		return security.Observation{}, ctx.Err()
	}
	return b.check.Observe(ctx, account, region)
}

// S-3: while a runner holds the run, another Maintain is refused (ErrBusy) rather
// than working the same items; a cancelled run records nothing as failed and is
// resumed whole.
func TestS3_OneRunnerAtATimeAndCancellation(t *testing.T) {
	f := newFixture(t, 3, securitymem.New())
	b := &blockingCheck{check: check{aws: f.aws, id: security.CloudTrail}, started: make(chan struct{}), release: make(chan struct{})}
	var checks []security.Check
	for _, c := range f.aws.checks() {
		if c.Control() == security.CloudTrail {
			c = b
		}
		checks = append(checks, c)
	}
	slow, err := security.NewService(security.Config{Store: f.store, Members: f.members, Checks: checks, Regions: regions, Workers: 1})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(f.ctx)
	done := make(chan error)
	go func() { _, err := slow.Maintain(ctx, f.targets); done <- err }()
	<-b.started
	_, err = f.svc.Maintain(f.ctx, f.targets)
	require.ErrorIs(t, err, security.ErrBusy, "a second runner does not work the held run")
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)

	rep, err := f.svc.Maintain(f.ctx, f.targets)
	require.NoError(t, err, "the cancelled runner gave its lease back")
	assert.True(t, rep.Resumed)
	assert.Zero(t, rep.Run.Failed, "a cancelled run recorded no failure")
	assert.Equal(t, 1, f.aws.maxRepairs())
}

// S-4: findings that are not problems (archived, resolved, a passed check) are
// ignored; a finding id longer than a notice key is alerted once all the same.
func TestS4_IgnoredFindingsAndLongIDs(t *testing.T) {
	f := newFixture(t, 1, securitymem.New())
	acct := f.targets[0].AccountID
	setContacts(t, f, acct)
	long := "arn:aws:securityhub:ap-northeast-1:" + acct + ":subscription/aws-foundational-security-best-practices/v/1.0.0/EC2.2/finding/" + strings.Repeat("f", 150)
	doc := `[
	  {"Id": "passed", "AwsAccountId": "` + acct + `", "Title": "EC2.2", "Severity": {"Label": "INFORMATIONAL"}, "Compliance": {"Status": "PASSED"}},
	  {"Id": "archived", "AwsAccountId": "` + acct + `", "Title": "old", "Severity": {"Label": "HIGH"}, "RecordState": "ARCHIVED"},
	  {"Id": "resolved", "AwsAccountId": "` + acct + `", "Title": "done", "Severity": {"Label": "HIGH"}, "Workflow": {"Status": "RESOLVED"}},
	  {"Id": "` + long + `", "AwsAccountId": "` + acct + `", "Title": "default SG open", "Severity": {"Label": "MEDIUM"}, "Compliance": {"Status": "FAILED"}}]`
	findings, err := security.ParseFindings(strings.NewReader(doc))
	require.NoError(t, err)
	rep, err := f.svc.Alert(f.ctx, findings)
	require.NoError(t, err)
	assert.Equal(t, 3, rep.Ignored)
	require.Len(t, rep.New, 1)
	assert.Equal(t, long, rep.New[0].ID)
	rep, err = f.svc.Alert(f.ctx, findings)
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Repeated)
}
