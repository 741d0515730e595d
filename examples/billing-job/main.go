package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/costfile"
	"github.com/seeda33a2f4f/resellerkit/billing/membersource"
	"github.com/seeda33a2f4f/resellerkit/billing/reports"
	bsqlstore "github.com/seeda33a2f4f/resellerkit/billing/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	csqlstore "github.com/seeda33a2f4f/resellerkit/contacts/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/contacts/transports"
	"github.com/seeda33a2f4f/resellerkit/members"
	msqlstore "github.com/seeda33a2f4f/resellerkit/members/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/money"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "billing-job:", err)
		os.Exit(1)
	}
}

// The steps of the job, in order.
const (
	stepIngest  = "ingest"
	stepAlarms  = "alarms"
	stepIssue   = "issue"
	stepAudit   = "audit"
	stepDeliver = "deliver"
)

var allSteps = []string{stepIngest, stepAlarms, stepIssue, stepAudit}

// config is the parsed command line.
type config struct {
	db           string
	source       string // a directory or s3://bucket/prefix
	prefix       string // with a directory source
	report       string
	payer        string
	s3Endpoint   string
	period       resellerkit.Month
	plans        string
	costCurrency money.Currency
	issuer       billing.Issuer
	calendar     billing.Calendar
	baseURL      string
	steps        map[string]bool
	mail         *transports.Config
	now          time.Time // -now, for tests and back-dated runs; zero: the clock
}

func parseFlags(args []string, out io.Writer, now time.Time) (config, error) {
	var c config
	fs := flag.NewFlagSet("billing-job", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&c.db, "db", "portal.db", "the database: an SQLite file or a postgres:// URL (the portal's, holding organizations, projects and accounts)")
	fs.StringVar(&c.source, "source", "", "where the cost reports are: a directory laid out like the report bucket, or s3://bucket/prefix")
	fs.StringVar(&c.prefix, "prefix", "", "the key prefix of the report folders in a -source directory (for s3:// sources it is the URL's path)")
	fs.StringVar(&c.report, "report", "", "the name of the one report or data export to read under the prefix (default: every one)")
	fs.StringVar(&c.payer, "payer", "", "the payer account id, for CUR 2.0 manifests, which do not name it")
	fs.StringVar(&c.s3Endpoint, "s3-endpoint", "", "an S3-compatible endpoint URL instead of AWS's (path-style requests)")
	period := fs.String("period", "", "the billing month YYYY-MM (default: the previous UTC month; the current one when the steps include neither issue nor audit)")
	fs.StringVar(&c.plans, "plans", "", "the billing plans JSON (pricing plans, support fees, exchange-rate policies; default: none)")
	cur := fs.String("cost-currency", "", "the cost data's currency, USD or JPY (default: the plans', else USD)")
	fs.StringVar(&c.issuer.Name, "issuer-name", "", "the invoice issuer's name (required for the issue step)")
	fs.StringVar(&c.issuer.RegistrationNumber, "issuer-registration", "", "the issuer's qualified-invoice registration number, T + 13 digits")
	fs.IntVar(&c.calendar.IssueDay, "issue-day", 10, "the day of the next month invoices are issued from (B-16)")
	due := fs.String("due", "end_of_next_month", "the due date: end_of_next_month, or days:N after issue")
	fs.StringVar(&c.baseURL, "url", "", "the portal's origin, for the links in notices (e.g. https://members.example.com)")
	steps := fs.String("steps", strings.Join(allSteps, ","), "the steps to run, in this order: ingest,alarms,issue,audit[,deliver]")
	nowFlag := fs.String("now", "", "run as if it were this RFC 3339 time (default: now)")
	c.mail = transports.RegisterFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: billing-job -source DIR|s3://bucket/prefix [-db portal.db] [-period YYYY-MM] [-plans plans.json] -issuer-name NAME -issuer-registration T… [-steps …]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	c.now = now
	if *nowFlag != "" {
		t, err := time.Parse(time.RFC3339, *nowFlag)
		if err != nil {
			return c, fmt.Errorf("-now %q: want an RFC 3339 time such as 2026-11-10T09:00:00+09:00", *nowFlag)
		}
		c.now = t
	}
	if *period != "" {
		m, err := resellerkit.ParseMonth(*period)
		if err != nil {
			return c, fmt.Errorf("-period: %w", err)
		}
		c.period = m
	}
	if *cur != "" {
		cc, err := money.ParseCurrency(*cur)
		if err != nil {
			return c, fmt.Errorf("-cost-currency: %w", err)
		}
		c.costCurrency = cc
	}
	switch {
	case *due == "end_of_next_month":
		c.calendar.Due = billing.DueEndOfNextMonth
	case strings.HasPrefix(*due, "days:"):
		n, err := strconv.Atoi(strings.TrimPrefix(*due, "days:"))
		if err != nil {
			return c, fmt.Errorf("-due %q: want days:N", *due)
		}
		c.calendar.Due, c.calendar.DueDays = billing.DueDaysAfterIssue, n
	default:
		return c, fmt.Errorf("-due %q: want end_of_next_month or days:N", *due)
	}
	c.steps = map[string]bool{}
	for _, s := range strings.Split(*steps, ",") {
		s = strings.TrimSpace(s)
		switch s {
		case stepIngest, stepAlarms, stepIssue, stepAudit, stepDeliver:
			c.steps[s] = true
		case "":
		default:
			return c, fmt.Errorf("-steps: unknown step %q (want ingest, alarms, issue, audit, deliver)", s)
		}
	}
	if len(c.steps) == 0 {
		return c, fmt.Errorf("-steps %q: no step (want some of ingest, alarms, issue, audit, deliver)", *steps)
	}
	if c.period.IsZero() {
		// The monthly run (issue, audit) closes the previous month; the daily run
		// (ingest, alarms) follows the current one, whose month-to-date charges
		// the portal shows (B-13) and the alarms watch (B-15).
		c.period = resellerkit.MonthOf(c.now)
		if c.steps[stepIssue] || c.steps[stepAudit] {
			c.period = c.period.Prev()
		}
	}
	if c.steps[stepIngest] && c.source == "" {
		return c, errors.New("-source is required for the ingest step")
	}
	if c.prefix != "" && strings.HasPrefix(c.source, "s3://") {
		return c, errors.New("-prefix is for a directory source: give an S3 prefix in the URL, s3://bucket/prefix")
	}
	return c, nil
}

// run is the whole program: it opens the database, then runs the chosen steps in
// order. Every step is safe to run again (see doc.go): after a failure or a crash,
// run the same command again.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr, time.Now())
	if err != nil {
		return err
	}
	clock := func() time.Time { return time.Now() }
	if !cfg.now.IsZero() {
		offset := time.Since(cfg.now)
		clock = func() time.Time { return time.Now().Add(-offset) }
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	db, err := sqldb.Open(ctx, cfg.db)
	if err != nil {
		return err
	}
	defer db.Close()
	mstore, err := msqlstore.New(ctx, db)
	if err != nil {
		return err
	}
	cstore, err := csqlstore.New(ctx, db)
	if err != nil {
		return err
	}
	bstore, err := bsqlstore.New(ctx, db)
	if err != nil {
		return err
	}
	plans := &billing.Plans{}
	if cfg.plans != "" {
		f, err := os.Open(cfg.plans)
		if err != nil {
			return err
		}
		plans, err = billing.DecodePlans(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", cfg.plans, err)
		}
	}
	if cfg.costCurrency == "" {
		cfg.costCurrency = plans.CostCurrency
	} else if plans.CostCurrency != "" && plans.CostCurrency != cfg.costCurrency {
		return fmt.Errorf("-cost-currency %s contradicts the plans' cost_currency %s", cfg.costCurrency, plans.CostCurrency)
	}
	plans.CostCurrency = cfg.costCurrency
	msvc := members.NewService(mstore)
	notices, err := contacts.NewService(cstore, msvc)
	if err != nil {
		return err
	}
	src := membersource.New(msvc, plans)
	issuer := cfg.issuer
	if issuer == (billing.Issuer{}) && !cfg.steps[stepIssue] {
		issuer = billing.Issuer{Name: "-", RegistrationNumber: "T0000000000000"} // charges and alarms print no invoice
	}
	var urls billing.URLs
	if cfg.baseURL != "" {
		// The links open the portal's web UI, which answers each with the page
		// that shows what it names (examples/portal, "Links in notices").
		urls.Base = strings.TrimSuffix(cfg.baseURL, "/")
	}
	p := &printer{out: stdout}
	svc, err := billing.NewService(billing.ServiceConfig{
		Store: bstore, Projects: src, ChargeProjects: src.InCostCurrency(), Authorizer: msvc, Notifier: notices,
		Issuer: issuer, CostCurrency: cfg.costCurrency, Calendar: cfg.calendar, URLs: urls,
		Now: clock, OnIssued: p.issued,
	})
	if err != nil {
		return err
	}
	if cfg.steps[stepIngest] {
		if err := ingest(ctx, cfg, svc, p, stderr); err != nil {
			return err
		}
		crashPoint(stepIngest)
	}
	if cfg.steps[stepAlarms] {
		rep, err := svc.EvaluateAlarms(ctx, cfg.period)
		if err != nil {
			return fmt.Errorf("alarms: %w", err)
		}
		for _, a := range rep.Unrouted {
			p.printf("warning: alarm %s of account %s is over its threshold but the account has no billing recipients: set them and run again\n", a.ID, a.AccountID)
		}
		p.printf("alarms %s: %d evaluated, %d fired now, %d had fired before\n", cfg.period, rep.Evaluated, len(rep.Fired), rep.AlreadyFired)
		crashPoint(stepAlarms)
	}
	if cfg.steps[stepIssue] {
		got, err := svc.IssueInvoices(ctx, cfg.period)
		if err != nil {
			return fmt.Errorf("issue: %w", err)
		}
		for _, w := range got.Warnings {
			p.printf("warning: %s\n", w)
		}
		for _, u := range got.Uncarried {
			p.printf("warning: project %s (organization %s) has no invoice in %s to carry %s of late credits of %s on account %s: settle them with a credit note\n",
				u.ProjectID, u.OrgID, cfg.period, u.AmountUSD, u.RefPeriod, u.AccountID)
		}
		created := 0
		for _, inv := range got.Invoices {
			if inv.Created {
				created++
			}
		}
		p.printf("issue %s: %d invoices (%d new), %d projects with nothing to bill\n", cfg.period, len(got.Invoices), created, len(got.Skipped))
		crashPoint(stepIssue)
	}
	if cfg.steps[stepAudit] {
		a, err := svc.Audit(ctx, cfg.period)
		if err != nil {
			return fmt.Errorf("audit: %w", err)
		}
		for _, f := range a.Findings {
			why := "NOT explained by a restatement: the stored data or the settings no longer give the issued figures"
			if f.Restated {
				why = "the month was restated after issue: new credits carry to the next invoice (see the issue step), other differences need a correction"
			}
			p.printf("audit: invoice %s: issued %s, recomputed %s: %s\n", f.Document.Number, f.IssuedTotal, f.Recomputed, why)
		}
		p.printf("audit %s: %d invoices checked, %d differences\n", cfg.period, a.Checked, len(a.Findings))
		if !a.OK() {
			return fmt.Errorf("audit: issued figures of %s do not follow from the stored data", cfg.period)
		}
	}
	if cfg.steps[stepDeliver] {
		t, err := transports.Open(ctx, *cfg.mail, log)
		if err != nil {
			return err
		}
		d := contacts.NewDispatcher(cstore, t, contacts.WithLogger(log))
		var total contacts.RoundReport
		for {
			r, err := d.RunOnce(ctx)
			total.Add(r)
			if err != nil {
				return fmt.Errorf("deliver: %w", err)
			}
			if r.Claimed == 0 {
				break
			}
		}
		p.printf("deliver: %d sent, %d to retry, %d dead\n", total.Sent, total.Retried, total.Dead)
	}
	return p.err
}

// ingest stores the newest version of every report of the month found at the
// source, with a progress line per file on stderr.
func ingest(ctx context.Context, cfg config, svc *billing.Service, p *printer, progress io.Writer) error {
	rcfg := reports.Config{Report: cfg.report, Payer: cfg.payer, Progress: newProgress(progress)}
	var src reports.Source
	if bucket, prefix, ok := strings.Cut(strings.TrimPrefix(cfg.source, "s3://"), "/"); strings.HasPrefix(cfg.source, "s3://") {
		if !ok && bucket == "" {
			return fmt.Errorf("-source %q: want s3://bucket/prefix", cfg.source)
		}
		client, err := s3Client(ctx, cfg.s3Endpoint)
		if err != nil {
			return err
		}
		rcfg.Prefix = prefix
		src = reports.NewS3(client, bucket, rcfg)
	} else {
		rcfg.Prefix = cfg.prefix
		src = reports.NewDir(cfg.source, rcfg)
	}
	versions, err := src.Versions(ctx, cfg.period)
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	if len(versions) == 0 {
		p.printf("ingest %s: no report found at %s\n", cfg.period, cfg.source)
		return nil
	}
	for _, v := range versions {
		got, err := svc.Ingest(ctx, v.Report, v.Inputs(costfile.Options{}))
		if err != nil {
			return fmt.Errorf("ingest %s: %w", v.Manifest, err)
		}
		for _, w := range got.Warnings {
			p.printf("warning: %s\n", w)
		}
		p.printf("ingest %s: payer %s version %s: %s (%d files, %d rows)\n", cfg.period, v.Payer, v.Version, got.Outcome,
			len(got.Data.Files), got.Data.Rows)
		crashPoint(stepIngest + ":" + v.Version)
	}
	return nil
}

// s3Client returns an S3 client from the default AWS configuration (environment,
// shared files, instance role), on endpoint when set (path-style, e.g. MinIO).
func s3Client(ctx context.Context, endpoint string) (*s3.Client, error) {
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, err
	}
	if awsCfg.Region == "" {
		awsCfg.Region = "us-east-1"
	}
	return s3.NewFromConfig(awsCfg, func(o *s3.Options) {
		if endpoint != "" {
			if _, err := url.Parse(endpoint); err == nil {
				o.BaseEndpoint = aws.String(endpoint)
				o.UsePathStyle = true
			}
		}
	}), nil
}

// newProgress returns a ProgressFunc printing one line per file each time another
// tenth of it is read (so a long ingestion shows it is alive, and logs stay short).
func newProgress(w io.Writer) reports.ProgressFunc {
	last := map[string]int64{}
	return func(file string, read, size int64) {
		step := int64(-1)
		if size > 0 {
			step = read * 10 / size
		} else {
			step = read >> 26 // every 64 MiB when the size is unknown
		}
		if prev, ok := last[file]; ok && prev == step {
			return
		}
		last[file] = step
		if size > 0 {
			fmt.Fprintf(w, "reading %s: %d%% (%d of %d bytes)\n", file, read*100/size, read, size)
		} else {
			fmt.Fprintf(w, "reading %s: %d bytes\n", file, read)
		}
	}
}

// printer writes the job's report lines, keeping the first write error.
type printer struct {
	out io.Writer
	err error
}

func (p *printer) printf(format string, args ...any) {
	if _, err := fmt.Fprintf(p.out, format, args...); err != nil && p.err == nil {
		p.err = err
	}
}

func (p *printer) issued(d billing.Document, created bool) {
	state := "issued"
	if !created {
		state = "already issued"
	}
	p.printf("invoice %s %s: project %s, %s, total %s\n", d.Number, state, d.ProjectID, d.Period, d.Total)
	crashPoint(stepIssue + ":" + d.Number)
}

// crashEnv names a point at which the job kills itself, for the crash tests: a
// step ("ingest", "alarms", "issue") after it completes, "ingest:<version>" after
// a version is stored, "issue:<number>" after an invoice is stored.
const crashEnv = "BILLING_JOB_CRASH_AT"

// crashPoint ends the process abruptly (no deferred call runs, like a kill) when
// crashEnv names point.
func crashPoint(point string) {
	if v := os.Getenv(crashEnv); v != "" && v == point {
		fmt.Fprintln(os.Stderr, "billing-job: crashing at", point)
		os.Exit(3)
	}
}
