package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	csqlstore "github.com/seeda33a2f4f/resellerkit/contacts/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/members"
	msqlstore "github.com/seeda33a2f4f/resellerkit/members/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
	"github.com/seeda33a2f4f/resellerkit/security/securitytest"
	ssqlstore "github.com/seeda33a2f4f/resellerkit/security/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "maintenance:", err)
		os.Exit(1)
	}
}

// options is the parsed command line.
type options struct {
	db         string
	regions    []string
	role       string
	externalID string
	workers    int
	simulate   bool
	config     string
	accounts   []string        // the -accounts filter; nil: every account
	issuing    map[string]bool // -issue: accounts whose initial controls are set
	alerts     string          // a findings file ("-": stdin): route them instead of a run
	baseURL    string
}

func parseFlags(args []string, out io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("maintenance", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&o.db, "db", "portal.db", "the database: an SQLite file or a postgres:// URL (the portal's: organizations, accounts, contacts, security settings)")
	regions := fs.String("regions", "ap-northeast-1", "comma-separated regions where the regional controls are kept")
	fs.StringVar(&o.role, "role", awsfleet.DefaultRole, "the role assumed in every member account from the payer's credentials")
	fs.StringVar(&o.externalID, "external-id", "", "the external id the role's trust policy requires, if any")
	fs.IntVar(&o.workers, "workers", 8, "accounts maintained at once (1..256)")
	fs.BoolVar(&o.simulate, "simulate", false, "maintain a simulated fleet (securitytest.Fleet) instead of calling AWS: for demos and tests")
	fs.StringVar(&o.config, "config", "", "a JSON file with the AWS adapters' settings (buckets, roles, the support principal…); required without -simulate")
	accounts := fs.String("accounts", "", "comma-separated account ids to maintain (default: every account of every organization)")
	issuing := fs.String("issue", "", "comma-separated account ids being issued: their initial controls are set (S-1); on the others initial drift is only reported")
	fs.StringVar(&o.alerts, "alerts", "", "route the ASFF findings of this file (- for stdin) to the accounts' security contacts instead of running maintenance")
	fs.StringVar(&o.baseURL, "url", "", "the portal's origin, for the links in notices (e.g. https://portal.example.com)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: maintenance [-db portal.db] [-regions ap-northeast-1,…] [-config adapters.json | -simulate] [-accounts id,…] [-issue id,…] [-role name] [-external-id id] [-workers n]")
		fmt.Fprintln(fs.Output(), "       maintenance [-db portal.db] -alerts findings.json")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	if o.workers < 1 || o.workers > 256 {
		return o, fmt.Errorf("-workers %d: want 1..256", o.workers)
	}
	o.regions = splitList(*regions)
	if len(o.regions) == 0 {
		return o, errors.New("-regions: at least one region")
	}
	if *accounts != "" {
		o.accounts = splitList(*accounts)
		for _, a := range o.accounts {
			if len(a) != 12 || strings.Trim(a, "0123456789") != "" {
				return o, fmt.Errorf("-accounts: %q is not a 12-digit AWS account id", a)
			}
		}
	}
	o.issuing = map[string]bool{}
	for _, a := range splitList(*issuing) {
		if len(a) != 12 || strings.Trim(a, "0123456789") != "" {
			return o, fmt.Errorf("-issue: %q is not a 12-digit AWS account id", a)
		}
		o.issuing[a] = true
	}
	if o.alerts != "" && (o.simulate || o.accounts != nil || len(o.issuing) > 0) {
		return o, errors.New("-alerts routes findings, it runs no maintenance: it takes no -simulate, -accounts or -issue")
	}
	if o.simulate && o.config != "" {
		// The simulated run would be recorded, and its summaries mailed, as the
		// accounts' maintenance: the operator meant one of the two.
		return o, errors.New("-simulate maintains a simulated fleet, -config the AWS one: give one of them")
	}
	if o.alerts == "" && !o.simulate && o.config == "" {
		return o, errors.New("-config is required to call AWS (or -simulate for a simulated fleet)")
	}
	return o, nil
}

// splitList splits a comma-separated list, dropping empty entries.
func splitList(s string) []string {
	var out []string
	for v := range strings.SplitSeq(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// run is the whole program: it opens the database, then either routes the
// findings of -alerts or runs one maintenance pass, printing the report as JSON
// on stdout and a summary line on stderr. A run is safe to repeat: after a crash,
// the same command resumes the unfinished run.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	var settings *adapterSettings
	if o.config != "" {
		if settings, err = loadSettings(o.config); err != nil {
			return err
		}
	}
	db, err := sqldb.Open(ctx, o.db)
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
	sstore, err := ssqlstore.New(ctx, db)
	if err != nil {
		return err
	}
	msvc := members.NewService(mstore)
	notices, err := contacts.NewService(cstore, msvc)
	if err != nil {
		return err
	}
	cfg := security.Config{Store: sstore, Members: msvc, Notifier: notices, Regions: o.regions, Workers: o.workers}
	if o.baseURL != "" {
		cfg.BaseURL = strings.TrimSuffix(o.baseURL, "/")
	}
	if settings != nil {
		cfg.IncidentScore = settings.IncidentScore
	}

	if o.alerts != "" {
		svc, err := security.NewService(cfg)
		if err != nil {
			return err
		}
		return routeAlerts(ctx, svc, o.alerts, stdout, stderr)
	}

	targets, err := targetsOf(ctx, msvc, o.accounts, o.issuing, time.Now())
	if err != nil {
		return err
	}
	for i := range targets {
		targets[i].New = o.issuing[targets[i].AccountID]
	}
	if o.simulate {
		fleet, err := simulatedFleet(ctx, sstore, targets)
		if err != nil {
			return err
		}
		cfg.Checks = fleet.Checks()
	} else {
		checks, err := awsChecks(ctx, settings, o, contactsOf(cstore, targets))
		if err != nil {
			return err
		}
		cfg.Checks = checks
	}
	svc, err := security.NewService(cfg)
	if err != nil {
		return err
	}
	rep, err := svc.Maintain(ctx, targets)
	if err != nil {
		return fmt.Errorf("maintenance run (run the same command again to resume it): %w", err)
	}
	if err := writeJSON(stdout, toReport(rep)); err != nil {
		return err
	}
	if _, err := fmt.Fprintln(stderr, summary(rep, len(targets))); err != nil {
		return err
	}
	// The run is finished: running it again would not write these summaries
	// (S-3), so the operator is told, and the exit status says so.
	for _, e := range rep.NoticeErrors {
		fmt.Fprintln(stderr, "maintenance: warning:", e)
	}
	if n := len(rep.NoticeErrors); n > 0 {
		return fmt.Errorf("the run finished, but %d summary notice(s) could not be written to the outbox: tell those accounts' technical contacts", n)
	}
	return nil
}

// targetsOf returns every account of every organization billed in now's UTC month
// (members.Service.BilledProjects: an account closed before it is in none), or
// those of only when set; an account of only or of issuing (-issue) that no
// organization has this month is an error: it would be maintained, or get its
// initial controls (S-1), by no run, with nothing said.
func targetsOf(ctx context.Context, msvc *members.Service, only []string, issuing map[string]bool, now time.Time) ([]security.Target, error) {
	billed, err := msvc.BilledProjects(ctx, resellerkit.MonthOf(now))
	if err != nil {
		return nil, err
	}
	var targets []security.Target
	found, known := map[string]bool{}, map[string]bool{}
	for _, bp := range billed {
		for _, a := range bp.Accounts {
			known[a] = true
			if only != nil && !slices.Contains(only, a) {
				continue
			}
			targets = append(targets, security.Target{OrgID: bp.Project.OrgID, AccountID: a})
			found[a] = true
		}
	}
	for _, a := range only {
		if !found[a] {
			return nil, fmt.Errorf("-accounts: account %s belongs to no organization in %s", a, resellerkit.MonthOf(now))
		}
	}
	for _, a := range slices.Sorted(maps.Keys(issuing)) {
		if !known[a] {
			return nil, fmt.Errorf("-issue: account %s belongs to no organization in %s: its initial controls would not be set", a, resellerkit.MonthOf(now))
		}
	}
	slices.SortFunc(targets, func(a, b security.Target) int { return strings.Compare(a.AccountID, b.AccountID) })
	return targets, nil
}

// simulatedFleet returns the fleet -simulate maintains: a securitytest.Fleet where
// each target is as the last run that reached it left it (what that run found
// compliant or repaired is compliant still; the rest drifted, as in a fresh
// account), so that a second run repairs nothing.
func simulatedFleet(ctx context.Context, store security.Store, targets []security.Target) (*securitytest.Fleet, error) {
	fleet := securitytest.NewFleet()
	for _, t := range targets {
		_, items, err := store.LastItems(ctx, t.OrgID, t.AccountID)
		if errors.Is(err, security.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			if it.Action == security.ActionNone || it.Action == security.ActionRepaired {
				fleet.SetCompliant(it.AccountID, it.Control, it.Region, true)
			}
		}
	}
	return fleet, nil
}

// contactsOf returns the contacts of an account of targets, from the contacts
// store (a system read: the awsaccount Check writes them to AWS as the account's
// security alternate contact).
func contactsOf(store contacts.Store, targets []security.Target) func(ctx context.Context, accountID string) (contacts.AccountContacts, error) {
	orgOf := map[string]string{}
	for _, t := range targets {
		orgOf[t.AccountID] = t.OrgID
	}
	return func(ctx context.Context, accountID string) (contacts.AccountContacts, error) {
		org, ok := orgOf[accountID]
		if !ok {
			return contacts.AccountContacts{}, fmt.Errorf("%w: account %s is not maintained by this run", contacts.ErrNotFound, accountID)
		}
		return store.GetAccountContacts(ctx, org, accountID)
	}
}

// routeAlerts reads the findings of path ("-": stdin), routes them
// (security.Service.Alert) and prints what happened.
func routeAlerts(ctx context.Context, svc *security.Service, path string, stdout, stderr io.Writer) error {
	var r io.Reader = os.Stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	findings, err := security.ParseFindings(r)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	rep, err := svc.Alert(ctx, findings)
	if err != nil {
		return fmt.Errorf("alerts (run the same command again: alerts already routed are not sent twice): %w", err)
	}
	if err := writeJSON(stdout, toAlertReport(rep)); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stderr, "alerts: %d findings: %d new (incidents: %d), %d already alerted, %d unrouted\n",
		len(findings), len(rep.New), rep.Incidents, rep.Repeated, len(rep.Unrouted))
	return err
}

// writeJSON writes v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
