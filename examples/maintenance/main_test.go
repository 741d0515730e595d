package main

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	csqlstore "github.com/seeda33a2f4f/resellerkit/contacts/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/members"
	msqlstore "github.com/seeda33a2f4f/resellerkit/members/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/money"
	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/awsaccount"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
	"github.com/seeda33a2f4f/resellerkit/security/awsiam"
	ssqlstore "github.com/seeda33a2f4f/resellerkit/security/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
)

const (
	acctA1 = "111111111111" // org A, with contacts
	acctA2 = "111111111112" // org A, secure profile
	acctB  = "222222222222" // org B, no contacts
)

var alice = members.Principal{IdentityID: "alice", Email: "alice@acme.example", MFA: true}

// world is a reseller's database: organization A (two accounts, one with
// contacts, one in the secure profile) and organization B (one account).
type world struct {
	dsn        string
	orgA, orgB string
}

// newDSN returns the -db of a fresh database of dialect d: an SQLite file, or a
// PostgreSQL schema of its own (dropped when t ends; skipped when
// RESELLERKIT_TEST_POSTGRES_DSN is unset).
func newDSN(t *testing.T, d sqldb.Dialect) string {
	t.Helper()
	if d == sqldb.SQLite {
		return filepath.Join(t.TempDir(), "portal.db")
	}
	db := sqldbtest.Postgres(t)
	var schema string
	require.NoError(t, db.Pool().QueryRow("SELECT current_schema()").Scan(&schema))
	u, err := url.Parse(os.Getenv(sqldbtest.EnvPostgresDSN))
	require.NoError(t, err)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// newWorld seeds a database through the public API, as the portal would have.
func newWorld(t *testing.T, d sqldb.Dialect) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{dsn: newDSN(t, d)}
	db, err := sqldb.Open(ctx, w.dsn)
	require.NoError(t, err)
	defer db.Close()
	ms, err := msqlstore.New(ctx, db)
	require.NoError(t, err)
	// The accounts were registered last month: they are the organizations' this month.
	past := resellerkit.MonthOf(time.Now()).Prev().Start()
	svc := members.NewService(ms, members.WithClock(func() time.Time { return past }))
	bob := members.Principal{IdentityID: "bob", Email: "bob@beta.example", MFA: true}
	staff := members.Principal{IdentityID: "staff", MFA: true, Operator: true}
	register := func(p members.Principal, code string, accounts ...string) string {
		org, err := svc.CreateOrganization(ctx, p, members.NewOrganization{Code: code, Name: code + " K.K."})
		require.NoError(t, err)
		proj, err := svc.CreateProject(ctx, p, org.ID, members.Project{Name: "Prod", PaymentMethod: members.PaymentBankTransfer,
			Currency: money.USD, InvoiceTo: []string{"billing@" + code + ".example"}})
		require.NoError(t, err)
		for _, a := range accounts {
			_, err := svc.RegisterAccount(ctx, staff, org.ID, members.NewAccount{ID: a, ProjectID: proj.ID})
			require.NoError(t, err)
		}
		return org.ID
	}
	w.orgA = register(alice, "acme", acctA1, acctA2)
	w.orgB = register(bob, "beta", acctB)

	cs, err := csqlstore.New(ctx, db)
	require.NoError(t, err)
	csvc, err := contacts.NewService(cs, svc)
	require.NoError(t, err)
	to := contacts.List{To: []string{"sec@acme.example"}}
	_, err = csvc.UpdateAccountContacts(ctx, alice, w.orgA, acctA1, contacts.Update{
		Recipients: contacts.Recipients{Billing: to, Technical: to, Security: to}, Language: contacts.Japanese,
		Phones: []string{"+81-3-1234-5678"}})
	require.NoError(t, err)

	ss, err := ssqlstore.New(ctx, db)
	require.NoError(t, err)
	sec, err := security.NewService(security.Config{Store: ss, Members: svc})
	require.NoError(t, err)
	_, _, err = sec.UpdateSettings(ctx, alice, w.orgA, acctA2, security.SettingsUpdate{Profile: security.Secure})
	require.NoError(t, err)
	return w
}

// eachDialect runs fn on SQLite and, when RESELLERKIT_TEST_POSTGRES_DSN is set,
// on PostgreSQL.
func eachDialect(t *testing.T, fn func(t *testing.T, w *world)) {
	for _, d := range []struct {
		name    string
		dialect sqldb.Dialect
	}{{"sqlite", sqldb.SQLite}, {"postgresql", sqldb.PostgreSQL}} {
		t.Run(d.name, func(t *testing.T) { fn(t, newWorld(t, d.dialect)) })
	}
}

// runJob runs the program and returns its stdout and stderr.
func runJob(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr strings.Builder
	err := run(context.Background(), args, &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

func decode[T any](t *testing.T, s string) T {
	t.Helper()
	var v T
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&v), "%s", s)
	return v
}

// S-3: a simulated run over every account of every organization repairs the
// drift of the controls on; a second run repairs nothing. -accounts narrows it.
func TestS3_SimulatedRunTwice(t *testing.T) {
	eachDialect(t, func(t *testing.T, w *world) {
		args := []string{"-db", w.dsn, "-simulate", "-regions", "ap-northeast-1,us-east-1", "-workers", "2",
			"-issue", acctA1 + "," + acctA2 + "," + acctB} // fresh accounts, being issued
		out, errOut, err := runJob(t, args...)
		require.NoError(t, err, errOut)
		rep := decode[reportJSON](t, out)
		assert.Equal(t, "finished", rep.Run.State)
		assert.False(t, rep.Resumed)
		assert.Equal(t, []string{"ap-northeast-1", "us-east-1"}, rep.Run.Regions)
		// Per account: 6 global controls and 7 regional ones in 2 regions. Basic:
		// 14 on, all drifted in a fresh account, all repaired but root MFA; the
		// secure account has all 20 on.
		assert.Equal(t, 3*20, rep.Run.Items)
		assert.Len(t, rep.Items, 60)
		assert.Equal(t, 14+20+14, rep.Run.Drifted)
		assert.Equal(t, 13+19+13, rep.Run.Repaired)
		assert.Zero(t, rep.Run.Failed)
		assert.Equal(t, "maintenance: 3 accounts, 60 items: 48 drifted, 45 repaired, 0 failed\n", errOut)
		orgs := map[string]string{}
		actions := map[string]int{}
		for _, it := range rep.Items {
			orgs[it.AccountID] = it.OrgID
			actions[it.Action]++
		}
		assert.Equal(t, map[string]string{acctA1: w.orgA, acctA2: w.orgA, acctB: w.orgB}, orgs, "every organization's accounts")
		assert.Equal(t, map[string]int{"repaired": 45, "reported": 3, "skipped": 12}, actions)
		assert.NotContains(t, out, "USD", "the report is money-free")

		out, errOut, err = runJob(t, args...)
		require.NoError(t, err, errOut)
		rep = decode[reportJSON](t, out)
		assert.Zero(t, rep.Run.Repaired, "a second run repairs nothing")
		assert.Equal(t, 3, rep.Run.Drifted, "root MFA, report only, in each account")
		assert.Equal(t, "maintenance: 3 accounts, 60 items: 3 drifted, 0 repaired, 0 failed\n", errOut)

		out, errOut, err = runJob(t, append(args, "-accounts", acctB)...)
		require.NoError(t, err, errOut)
		rep = decode[reportJSON](t, out)
		assert.Equal(t, 20, rep.Run.Items)
		for _, it := range rep.Items {
			assert.Equal(t, acctB, it.AccountID)
		}
		_, _, err = runJob(t, append(args, "-accounts", "999999999999")...)
		require.ErrorContains(t, err, "999999999999 belongs to no organization")

		// The summary notices went to the outbox, to the account with technical contacts.
		ctx := context.Background()
		db, err := sqldb.Open(ctx, w.dsn)
		require.NoError(t, err)
		defer db.Close()
		ms, err := msqlstore.New(ctx, db)
		require.NoError(t, err)
		cs, err := csqlstore.New(ctx, db)
		require.NoError(t, err)
		csvc, err := contacts.NewService(cs, members.NewService(ms))
		require.NoError(t, err)
		notices, _, err := csvc.ListNotices(ctx, alice, w.orgA, "", resellerkit.Page{})
		require.NoError(t, err)
		kinds := map[contacts.Kind]int{}
		for _, n := range notices {
			kinds[n.Kind]++
			assert.Equal(t, acctA1, n.AccountID)
		}
		assert.Equal(t, map[contacts.Kind]int{contacts.KindMaintenance: 1}, kinds,
			"one summary: the first run repaired; the second only reported the root check again, which mails nobody")
	})
}

// S-4: -alerts routes each finding once to its account's security contacts; an
// account without them, or no organization's, is unrouted.
func TestS4_Alerts(t *testing.T) {
	eachDialect(t, func(t *testing.T, w *world) {
		file := filepath.Join(t.TempDir(), "findings.json")
		require.NoError(t, os.WriteFile(file, []byte(`{"detail": {"findings": [
			{"Id": "arn:aws:guardduty:ap-northeast-1:111111111111:detector/d/finding/f1", "AwsAccountId": "111111111111",
			 "Region": "ap-northeast-1", "ProductName": "GuardDuty", "Title": "Bitcoin mining from an EC2 instance",
			 "CreatedAt": "2026-05-01T00:00:00Z", "Severity": {"Label": "HIGH", "Normalized": 75}},
			{"Id": "f2", "AwsAccountId": "111111111111", "Title": "S3 bucket allows public read", "Severity": {"Label": "MEDIUM"}},
			{"Id": "f3", "AwsAccountId": "222222222222", "Title": "no security contacts", "Severity": {"Label": "LOW"}},
			{"Id": "f4", "AwsAccountId": "999999999999", "Title": "not the reseller's", "Severity": {"Normalized": 95}}]}}`), 0o644))
		out, errOut, err := runJob(t, "-db", w.dsn, "-alerts", file, "-url", "https://portal.example.com")
		require.NoError(t, err, errOut)
		rep := decode[alertReportJSON](t, out)
		require.Len(t, rep.New, 2)
		assert.Equal(t, 1, rep.Incidents)
		assert.Zero(t, rep.Repeated)
		a := rep.New[0]
		assert.Equal(t, w.orgA, a.OrgID)
		assert.True(t, a.Incident)
		assert.Equal(t, "GuardDuty", a.Product)
		assert.NotEmpty(t, a.NoticeID)
		assert.False(t, rep.New[1].Incident)
		require.Len(t, rep.Unrouted, 2)
		assert.Equal(t, []string{"f3", "f4"}, []string{rep.Unrouted[0].ID, rep.Unrouted[1].ID})
		assert.Equal(t, "CRITICAL", rep.Unrouted[1].Severity)
		assert.Equal(t, "alerts: 4 findings: 2 new (incidents: 1), 0 already alerted, 2 unrouted\n", errOut)

		out, errOut, err = runJob(t, "-db", w.dsn, "-alerts", file)
		require.NoError(t, err, errOut)
		rep = decode[alertReportJSON](t, out)
		assert.Empty(t, rep.New)
		assert.Equal(t, 2, rep.Repeated, "each finding alerted once")

		bad := filepath.Join(t.TempDir(), "bad.json")
		require.NoError(t, os.WriteFile(bad, []byte(`[{"Id": "x", "AwsAccountId": "12", "Title": "t", "Severity": {"Label": "LOW"}}]`), 0o644))
		_, _, err = runJob(t, "-db", w.dsn, "-alerts", bad)
		require.ErrorIs(t, err, security.ErrInvalid)
		assert.ErrorContains(t, err, "findings[0].AwsAccountId")
	})
}

func TestFlags(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "portal.db")
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"AWS without -config":   {[]string{"-db", dsn}, "-config is required"},
		"alerts and simulate":   {[]string{"-db", dsn, "-alerts", "f.json", "-simulate"}, "-alerts routes findings"},
		"alerts and accounts":   {[]string{"-db", dsn, "-alerts", "f.json", "-accounts", acctA1}, "-alerts routes findings"},
		"no region":             {[]string{"-db", dsn, "-simulate", "-regions", " , "}, "-regions"},
		"bad account":           {[]string{"-db", dsn, "-simulate", "-accounts", "12345"}, `"12345" is not a 12-digit`},
		"bad region":            {[]string{"-db", dsn, "-simulate", "-regions", "Tokyo"}, "regions[0]"},
		"bad workers":           {[]string{"-db", dsn, "-simulate", "-workers", "0"}, "workers"},
		"arguments":             {[]string{"-db", dsn, "-simulate", "extra"}, "unexpected arguments"},
		"config file not found": {[]string{"-db", dsn, "-config", filepath.Join(t.TempDir(), "none.json")}, "-config"},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := runJob(t, tc.args...)
			require.ErrorContains(t, err, tc.want)
		})
	}
}

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "adapters.json")
	require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	return p
}

func TestSettings(t *testing.T) {
	_, err := loadSettings(writeConfig(t, `{"cloudtrail": {"bucket": "b", "bukket": "c"}}`))
	require.ErrorContains(t, err, "cloudtrail.bukket")
	_, err = loadSettings(writeConfig(t, `{"password_policy": {"minimum_length": 3}}`))
	require.ErrorContains(t, err, "MinimumLength")

	s, err := loadSettings(writeConfig(t, `{"incident_score": 90, "password_policy": {"max_age_days": 30}}`))
	require.NoError(t, err)
	want := awsiamDefault()
	want.MaxAgeDays = 30
	assert.Equal(t, want, s.PasswordPolicy.policy(), "fields given override CIS's")
	assert.Equal(t, 90, s.IncidentScore)
	err = s.validate()
	for _, f := range []string{"cloudtrail.bucket", "config.bucket", "support_role.principal"} {
		assert.ErrorContains(t, err, f+" is required")
	}
	// Without AWS: the settings are refused before the AWS configuration is read.
	_, _, err = runJob(t, "-db", filepath.Join(t.TempDir(), "portal.db"), "-config", writeConfig(t, `{}`))
	require.ErrorContains(t, err, "cloudtrail.bucket is required")

	s, err = loadSettings(writeConfig(t, `{"cloudtrail": {"bucket": "trail-{account}"}, "config": {"bucket": "cfg",
		"role_arn": "arn:aws:iam::{account}:role/config"}, "support_role": {"principal": "111122223333"}}`))
	require.NoError(t, err)
	require.NoError(t, s.validate())
	assert.Equal(t, "trail-123456789012", perAccount(s.CloudTrail.Bucket)("123456789012"))
}

// The 13 adapters are built from the settings, one per control of the catalogue
// in its order, and a Service accepts them (no AWS call is made).
func TestBuildChecks(t *testing.T) {
	s, err := loadSettings(writeConfig(t, `{"cloudtrail": {"bucket": "b"}, "config": {"bucket": "c"}, "support_role": {"principal": "111122223333"}}`))
	require.NoError(t, err)
	cfg := aws.Config{Region: "ap-northeast-1"}
	checks := buildChecks(s, awsfleet.Static(cfg), "ap-northeast-1", func() *awsaccount.Check { return awsaccount.New(cfg, nil) })
	var got, want []security.ControlID
	for _, c := range checks {
		got = append(got, c.Control())
	}
	for _, c := range security.Catalog() {
		want = append(want, c.ID)
	}
	assert.Equal(t, want, got)
	_, err = security.NewService(security.Config{Store: nopStore{}, Members: members.NewService(nil), Checks: checks,
		Regions: []string{"ap-northeast-1", "us-east-1"}})
	require.NoError(t, err)
}

// nopStore satisfies security.Config's Store for TestBuildChecks, which calls no
// method of it.
type nopStore struct{ security.Store }

func awsiamDefault() awsiam.Policy { return awsiam.DefaultPolicy() }
