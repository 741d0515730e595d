package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/costfile"
	"github.com/seeda33a2f4f/resellerkit/billing/membersource"
	bsqlstore "github.com/seeda33a2f4f/resellerkit/billing/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	csqlstore "github.com/seeda33a2f4f/resellerkit/contacts/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/members"
	msqlstore "github.com/seeda33a2f4f/resellerkit/members/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/money"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
)

// TestMain lets the crash tests run this program as a child process: the test
// binary re-executed with runAsJob set runs main.
func TestMain(m *testing.M) {
	if os.Getenv(runAsJob) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

const runAsJob = "BILLING_JOB_TEST_RUN_MAIN"

var oct = resellerkit.NewMonth(2026, time.October)

const (
	payer    = "999999999999"
	acctJPY1 = "111111111111"
	acctJPY2 = "111111111112"
	acctUSD  = "222222222222"
	asm1     = "aaaaaaaa-1111-4111-8111-000000000001"
	asm2     = "bbbbbbbb-2222-4222-8222-000000000002"
	issueAt  = "2026-11-10T09:00:00+09:00"
)

// world is a reseller's database (SQLite file) with one organization, a JPY and a
// USD project, three accounts and an alarm, plus the plans file.
type world struct {
	dir   string
	db    string
	plans string
	orgID string
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

func newWorld(t *testing.T, d sqldb.Dialect) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{dir: t.TempDir(), db: newDSN(t, d)}
	db, err := sqldb.Open(ctx, w.db)
	require.NoError(t, err)
	defer db.Close()
	ms, err := msqlstore.New(ctx, db)
	require.NoError(t, err)
	// The organization was set up before October, the month invoiced.
	// Ids are deterministic, so that every world of a test has the same ones.
	n := 0
	svc := members.NewService(ms, members.WithClock(func() time.Time { return time.Date(2026, 9, 20, 0, 0, 0, 0, time.UTC) }),
		members.WithIDGenerator(func() string { n++; return fmt.Sprintf("id%03d", n) }))
	alice := members.Principal{IdentityID: "alice", Email: "alice@acme.example", MFA: true}
	staff := members.Principal{IdentityID: "staff", MFA: true, Operator: true}
	org, err := svc.CreateOrganization(ctx, alice, members.NewOrganization{Code: "acme", Name: "株式会社アクメ"})
	require.NoError(t, err)
	w.orgID = org.ID
	jpy, err := svc.CreateProject(ctx, alice, org.ID, members.Project{Name: "本番", PaymentMethod: members.PaymentBankTransfer,
		Currency: money.JPY, InvoiceTo: []string{"keiri@acme.example"}, Billing: members.BillingSettings{ExchangeRatePolicy: "ttm"}})
	require.NoError(t, err)
	usd, err := svc.CreateProject(ctx, alice, org.ID, members.Project{Name: "US", PaymentMethod: members.PaymentBankTransfer,
		Currency: money.USD, InvoiceTo: []string{"us@acme.example"}})
	require.NoError(t, err)
	for id, p := range map[string]string{acctJPY1: jpy.ID, acctJPY2: jpy.ID, acctUSD: usd.ID} {
		_, err := svc.RegisterAccount(ctx, staff, org.ID, members.NewAccount{ID: id, ProjectID: p})
		require.NoError(t, err)
	}
	cs, err := csqlstore.New(ctx, db)
	require.NoError(t, err)
	csvc, err := contacts.NewService(cs, svc)
	require.NoError(t, err)
	billingTo := []string{"keiri@acme.example"}
	_, err = csvc.UpdateAccountContacts(ctx, alice, org.ID, acctJPY1, contacts.Update{
		Recipients: contacts.Recipients{Billing: contacts.List{To: billingTo}, Technical: contacts.List{To: billingTo}, Security: contacts.List{To: billingTo}},
		Language:   contacts.Japanese, Phones: []string{"+81-3-1234-5678"}})
	require.NoError(t, err)
	bs, err := bsqlstore.New(ctx, db)
	require.NoError(t, err)
	bsvc, err := billing.NewService(billing.ServiceConfig{Store: bs, Projects: membersource.New(svc, nil), Authorizer: svc,
		Issuer: billing.Issuer{Name: "x", RegistrationNumber: "T1234567890123"}})
	require.NoError(t, err)
	_, err = bsvc.CreateAlarm(ctx, alice, org.ID, acctJPY1, billing.AlarmSpec{Threshold: money.MustParse("10")})
	require.NoError(t, err)
	w.plans = filepath.Join(w.dir, "plans.json")
	require.NoError(t, os.WriteFile(w.plans, []byte(`{"exchange_rates": {"ttm": {"source": "MUFG TTM, month end", "rates": {"2026-10": "151.37"}}}}`), 0o644))
	return w
}

func (w *world) args(source string, extra ...string) []string {
	if !strings.HasPrefix(source, "s3://") {
		extra = append(extra, "-prefix", "cur")
	}
	return append([]string{"-db", w.db, "-source", source, "-period", "2026-10", "-plans", w.plans,
		"-issuer-name", "リセラー株式会社", "-issuer-registration", "T1234567890123", "-now", issueAt}, extra...)
}

// curHeader and rows make legacy CUR parts of October for the three accounts.
const curHeader = "identity/LineItemId,bill/BillingPeriodStartDate,bill/PayerAccountId,lineItem/UsageAccountId,lineItem/LineItemType," +
	"lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UsageType,lineItem/Operation,lineItem/UnblendedCost," +
	"lineItem/CurrencyCode,product/ProductName,bill/BillingEntity,resourceTags/user:CmBillingGroup\n"

// part returns one gzip CSV part: n rows per account, ids prefixed so parts never
// share a row.
func part(t *testing.T, prefix string, n int, cost string) []byte {
	t.Helper()
	var b strings.Builder
	b.WriteString(curHeader)
	for i := range n {
		for _, acct := range []string{acctJPY1, acctJPY2, acctUSD} {
			fmt.Fprintf(&b, "%s-%s-%d,2026-10-01T00:00:00Z,%s,%s,Usage,2026-10-%02dT%02d:00:00Z,AmazonEC2,APN1-BoxUsage:%s,RunInstances,%s,USD,Amazon Elastic Compute Cloud,AWS,web\n",
				prefix, acct, i, payer, acct, 1+i%28, i%24, prefix, cost)
		}
	}
	fmt.Fprintf(&b, "%s-tax,2026-10-01T00:00:00Z,%s,%s,Tax,2026-10-01T00:00:00Z,AmazonEC2,,,%s,USD,Amazon Elastic Compute Cloud,AWS,\n", prefix, payer, acctUSD, cost)
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	_, err := zw.Write([]byte(b.String()))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return z.Bytes()
}

// legacyReport writes a legacy CUR report for October under root (a directory
// laid out like the bucket): the period folder's manifest naming assembly asm's
// parts. It returns the parts' paths.
func legacyReport(t *testing.T, root, asm string, parts map[string][]byte, generated time.Time) []string {
	t.Helper()
	period := "cur/monthly/20261001-20261101/"
	var keys, paths []string
	for name, data := range parts {
		key := period + asm + "/" + name
		keys = append(keys, key)
		paths = append(paths, writeFile(t, root, key, data))
	}
	m, err := json.Marshal(map[string]any{"assemblyId": asm, "account": payer, "reportName": "monthly",
		"billingPeriod": map[string]string{"start": "20261001T000000.000Z", "end": "20261101T000000.000Z"}, "reportKeys": keys})
	require.NoError(t, err)
	mp := writeFile(t, root, period+"monthly-Manifest.json", m)
	require.NoError(t, os.Chtimes(mp, generated, generated))
	return paths
}

func writeFile(t *testing.T, root, key string, data []byte) string {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(key))
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, data, 0o644))
	return p
}

// state is what the database holds after a run: the documents and the notices.
type state struct {
	Documents []string // number, project, total
	Notices   []string // kind and key, sorted
}

func (w *world) state(t *testing.T) state {
	t.Helper()
	ctx := context.Background()
	db, err := sqldb.Open(ctx, w.db)
	require.NoError(t, err)
	defer db.Close()
	bs, err := bsqlstore.New(ctx, db)
	require.NoError(t, err)
	cs, err := csqlstore.New(ctx, db)
	require.NoError(t, err)
	var s state
	docs, err := resellerkit.All(func(pg resellerkit.Page) ([]billing.Document, string, error) {
		return bs.ListDocuments(ctx, billing.DocumentFilter{}, pg)
	})
	require.NoError(t, err)
	for _, d := range docs {
		s.Documents = append(s.Documents, fmt.Sprintf("%s %s %s %s", d.Number, d.Kind, d.ProjectID, d.Total))
	}
	notices, err := resellerkit.All(func(pg resellerkit.Page) ([]contacts.Notice, string, error) {
		return cs.ListNotices(ctx, w.orgID, "", pg)
	})
	require.NoError(t, err)
	for _, n := range notices {
		s.Notices = append(s.Notices, string(n.Kind)+" "+n.Key)
	}
	return s
}

// The monthly job end to end on a directory: ingest, alarms, issue, audit; its
// invoices equal the billing engine's (billing.Run) on the same files; a re-run
// changes nothing.
func TestJob_DirectoryEndToEnd(t *testing.T) {
	sqldbtest.Run(t, func(t *testing.T, d sqldb.Dialect) { testDirectoryEndToEnd(t, d) })
}

func testDirectoryEndToEnd(t *testing.T, d sqldb.Dialect) {
	w := newWorld(t, d)
	root := filepath.Join(w.dir, "bucket")
	paths := legacyReport(t, root, asm1, map[string][]byte{"monthly-1.csv.gz": part(t, "p1", 40, "0.1234567891"), "monthly-2.csv.gz": part(t, "p2", 25, "1.5")},
		time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC))
	var out, errOut bytes.Buffer
	require.NoError(t, run(context.Background(), w.args(root), &out, &errOut), errOut.String())
	t.Log(out.String())
	assert.Contains(t, out.String(), "ingest 2026-10: payer 999999999999 version "+asm1+": stored (2 files, 197 rows)")
	assert.Contains(t, out.String(), "alarms 2026-10: 1 evaluated, 1 fired now")
	assert.Contains(t, out.String(), "issue 2026-10: 2 invoices (2 new)")
	assert.Contains(t, out.String(), "audit 2026-10: 2 invoices checked, 0 differences")
	assert.Contains(t, errOut.String(), "reading "+paths[0]+": 100%", "a progress line per file")
	first := w.state(t)
	require.Len(t, first.Documents, 2)
	assert.Len(t, first.Notices, 3, "two invoice notices and one alarm notice")

	// The same totals as the engine on the same files, with the same projects.
	totals := engineTotals(t, w, costfile.File{Path: paths[0]}, costfile.File{Path: paths[1]})
	for _, d := range first.Documents {
		f := strings.Fields(d)
		assert.Equal(t, totals[f[2]], f[3], "project %s", f[2])
	}

	out.Reset()
	require.NoError(t, run(context.Background(), w.args(root), &out, &errOut))
	assert.Contains(t, out.String(), "unchanged")
	assert.Contains(t, out.String(), "issue 2026-10: 2 invoices (0 new)")
	assert.Contains(t, out.String(), "0 fired now, 1 had fired before")
	assert.Equal(t, first, w.state(t), "a re-run issues nothing and notifies nobody again")
}

// engineTotals runs billing.Run on inputs with the world's projects and returns
// each invoice's total by project.
func engineTotals(t *testing.T, w *world, inputs ...billing.Input) map[string]string {
	t.Helper()
	ctx := context.Background()
	db, err := sqldb.Open(ctx, w.db)
	require.NoError(t, err)
	defer db.Close()
	ms, err := msqlstore.New(ctx, db)
	require.NoError(t, err)
	f, err := os.Open(w.plans)
	require.NoError(t, err)
	defer f.Close()
	plans, err := billing.DecodePlans(f)
	require.NoError(t, err)
	res, err := billing.Run(ctx, billing.Job{Period: oct, Issuer: billing.Issuer{Name: "リセラー株式会社", RegistrationNumber: "T1234567890123"},
		Projects: membersource.New(members.NewService(ms), plans), Inputs: inputs})
	require.NoError(t, err)
	out := map[string]string{}
	for _, inv := range res.Invoices {
		out[inv.ProjectID] = inv.Total.String()
	}
	return out
}

// The job killed at every step, then run again, ends with the same invoices, the
// same numbers and no notice twice (B-12, B-14, B-15).
func TestJob_CrashAtEveryStepThenRerun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the job as child processes")
	}
	sqldbtest.Run(t, func(t *testing.T, d sqldb.Dialect) { testCrashAtEveryStep(t, d) })
}

func testCrashAtEveryStep(t *testing.T, d sqldb.Dialect) {
	ref := newWorld(t, d)
	root := filepath.Join(ref.dir, "bucket")
	legacyReport(t, root, asm1, map[string][]byte{"monthly-1.csv.gz": part(t, "p1", 10, "3.21")}, time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC))
	var out, errOut bytes.Buffer
	require.NoError(t, run(context.Background(), ref.args(root), &out, &errOut), errOut.String())
	want := ref.state(t)
	require.Len(t, want.Documents, 2)

	for _, point := range []string{"ingest:" + asm1, stepIngest, stepAlarms, "issue:T1234567890123-2026-000001", stepIssue} {
		t.Run(point, func(t *testing.T) {
			w := newWorld(t, d)
			cmd := exec.Command(os.Args[0], w.args(root)...)
			cmd.Env = append(os.Environ(), runAsJob+"=1", crashEnv+"="+point)
			outb, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			require.ErrorAs(t, err, &exit, "%s", outb)
			require.Equal(t, 3, exit.ExitCode(), "%s", outb)
			require.Contains(t, string(outb), "crashing at "+point)

			cmd = exec.Command(os.Args[0], w.args(root)...)
			cmd.Env = append(os.Environ(), runAsJob+"=1")
			outb, err = cmd.CombinedOutput()
			require.NoError(t, err, "%s", outb)

			got := w.state(t)
			assert.Equal(t, want.Documents, got.Documents, "same invoices, numbers and totals")
			assert.Equal(t, kinds(want), kinds(got), "no notice twice")
		})
	}
}

// kinds counts a state's notices by kind (their keys hold random document ids).
func kinds(s state) map[string]int {
	out := map[string]int{}
	for _, n := range s.Notices {
		out[strings.Fields(n)[0]]++
	}
	return out
}

// The acceptance end to end against an in-process S3 server through the real SDK
// client: a bucket holding a legacy manifest and gzip parts (and an older
// assembly, never read), and one holding a CUR 2.0 export, are ingested and
// invoiced, and the totals equal the engine's on the same files.
func TestJob_S3EndToEnd(t *testing.T) {
	backend := s3mem.New(s3mem.WithTimeSource(gofakes3.FixedTimeSource(time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC))))
	srv := httptest.NewServer(gofakes3.New(backend, gofakes3.WithTimeSkewLimit(0)).Server())
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	put := func(bucket, key string, data []byte) {
		_, err := backend.PutObject(bucket, key, map[string]string{}, bytes.NewReader(data), int64(len(data)), nil)
		require.NoError(t, err)
	}

	// Legacy: the current assembly (two parts) and an older one with other amounts.
	require.NoError(t, backend.CreateBucket("legacy-bucket"))
	local := t.TempDir()
	parts := map[string][]byte{"monthly-1.csv.gz": part(t, "p1", 30, "0.25"), "monthly-2.csv.gz": part(t, "p2", 30, "0.75")}
	paths := legacyReport(t, local, asm2, parts, time.Now())
	put("legacy-bucket", "cur/monthly/20261001-20261101/"+asm1+"/monthly-1.csv.gz", part(t, "old", 5, "99"))
	filepath.WalkDir(local, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(local, p)
			data, rerr := os.ReadFile(p)
			require.NoError(t, rerr)
			put("legacy-bucket", filepath.ToSlash(rel), data)
		}
		return nil
	})
	w := newWorld(t, sqldb.SQLite)
	var out, errOut bytes.Buffer
	require.NoError(t, run(context.Background(), w.args("s3://legacy-bucket/cur", "-s3-endpoint", srv.URL), &out, &errOut), errOut.String())
	assert.Contains(t, out.String(), "version "+asm2+": stored (2 files")
	assert.Contains(t, out.String(), "issue 2026-10: 2 invoices (2 new)")
	totals := engineTotals(t, w, costfile.File{Path: paths[0]}, costfile.File{Path: paths[1]})
	for _, d := range w.state(t).Documents {
		f := strings.Fields(d)
		assert.Equal(t, totals[f[2]], f[3], "project %s: the job's invoice equals the engine's on the same files", f[2])
	}

	// CUR 2.0: a Data Exports manifest and one gzip CSV file (CUR 2.0 columns).
	require.NoError(t, backend.CreateBucket("export-bucket"))
	cur2 := cur2Part(t)
	dataKey := "exports/monthly/data/BILLING_PERIOD=2026-10/monthly-00001.csv.gz"
	put("export-bucket", dataKey, cur2)
	m, err := json.Marshal(map[string]any{"executionId": "exec-1", "dataFiles": []string{"s3://export-bucket/" + dataKey},
		"billingPeriod": map[string]string{"start": "2026-10-01T00:00:00.000Z", "end": "2026-11-01T00:00:00.000Z"}})
	require.NoError(t, err)
	put("export-bucket", "exports/monthly/metadata/BILLING_PERIOD=2026-10/monthly-Manifest.json", m)
	w2 := newWorld(t, sqldb.SQLite)
	out.Reset()
	require.NoError(t, run(context.Background(), w2.args("s3://export-bucket/exports", "-s3-endpoint", srv.URL, "-payer", payer), &out, &errOut), errOut.String())
	assert.Contains(t, out.String(), "version exec-1: stored (1 files")
	cur2Path := writeFile(t, t.TempDir(), "cur2.csv.gz", cur2)
	totals = engineTotals(t, w2, costfile.File{Path: cur2Path})
	docs := w2.state(t).Documents
	require.Len(t, docs, 2)
	for _, d := range docs {
		f := strings.Fields(d)
		assert.Equal(t, totals[f[2]], f[3], "project %s", f[2])
	}
}

// cur2Part is a gzip CSV in CUR 2.0 columns for the three accounts.
func cur2Part(t *testing.T) []byte {
	t.Helper()
	var b strings.Builder
	b.WriteString("identity_line_item_id,bill_billing_period_start_date,bill_payer_account_id,line_item_usage_account_id,line_item_line_item_type," +
		"line_item_usage_start_date,line_item_product_code,line_item_usage_type,line_item_operation,line_item_unblended_cost,line_item_currency_code,bill_billing_entity\n")
	for i := range 20 {
		for _, acct := range []string{acctJPY1, acctJPY2, acctUSD} {
			fmt.Fprintf(&b, "c-%s-%d,2026-10-01 00:00:00,%s,%s,Usage,2026-10-%02d 00:00:00,AmazonS3,APN1-TimedStorage-ByteHrs,StandardStorage,0.0%d,USD,AWS\n",
				acct, i, payer, acct, 1+i, 10+i)
		}
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	_, err := zw.Write([]byte(b.String()))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return z.Bytes()
}

var (
	_ = aws.String
	_ = s3.New
)
