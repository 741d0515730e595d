package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/contacts/transports"
	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/security/securitytest"
	"github.com/seeda33a2f4f/resellerkit/support"
	"github.com/seeda33a2f4f/resellerkit/support/awssupport"
)

// shutdownTimeout bounds how long in-flight requests may run after a stop signal.
const shutdownTimeout = 10 * time.Second

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		// Stop capturing at the first signal: a second Ctrl-C during the drain
		// kills the process as usual.
		<-ctx.Done()
		stop()
	}()
	if err := run(ctx, os.Args[1:], os.Stdout, nil); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "portal:", err)
		os.Exit(1)
	}
}

// config is the parsed command line.
type config struct {
	addr        string
	db          string
	maxInflight int
	operators   map[string]bool // emails of the reseller's operators
	origin      string          // the portal's public origin (passkeys); "" = http://localhost:<port>
	hibp        bool            // refuse passwords found by Have I Been Pwned
	mail        *transports.Config
	dispatch    bool // run the notice dispatcher in this process
	billing     billingSetup
	support     supportSetup
	apps        applicationsSetup
}

func parseFlags(args []string, out io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("portal", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "listen address (host:port; port 0 picks a free one)")
	fs.StringVar(&c.db, "db", "portal.db", "SQLite file path, a postgres:// DSN, or \"memory\" for a throwaway in-memory store")
	fs.IntVar(&c.maxInflight, "max-inflight", defaultInflight(), "API requests computing at once; the others queue in arrival order (each user's share: max(1, n/2))")
	operators := fs.String("operators", demoOperator.Email, "comma-separated emails of the reseller's operators (they act on every organization)")
	c.mail = transports.RegisterFlags(fs)
	fs.BoolVar(&c.dispatch, "dispatch", true, "deliver notices from this process (false: run examples/notifier beside it)")
	fs.BoolVar(&c.hibp, "hibp", false, "refuse new passwords found in Have I Been Pwned's breach corpus (sends 5 hex characters of the password's SHA-1 to api.pwnedpasswords.com)")
	plans := fs.String("plans", "", "a billing.Plans JSON file: the pricing plans, support-fee rules and exchange-rate policies projects name (default: built-in demo plans with the exchange-rate policy "+demoRatePolicy+")")
	fs.StringVar(&c.billing.issuer.Name, "issuer-name", demoIssuerName, "the invoice issuer's name, printed on every invoice (B-12)")
	fs.StringVar(&c.billing.issuer.RegistrationNumber, "issuer-registration", demoIssuerRegistration, "the issuer's qualified-invoice registration number: T and 13 digits (B-12)")
	desk := fs.String("support-desk", demoOperator.Email, "comma-separated addresses of the support desk, told of new cases and customer replies (P-3)")
	fs.BoolVar(&c.support.escalation, "support-escalation", false, "escalate support cases to AWS Support (P-4) through -support-role in the customer's account, assumed from the default AWS configuration (the payer's credentials)")
	fs.StringVar(&c.support.role, "support-role", awssupport.DefaultRole, "the role assumed in a customer's account to open AWS Support cases (with -support-escalation)")
	fs.StringVar(&c.support.externalID, "support-external-id", "", "the external id -support-role's trust policy requires, if any")
	registerApplicationFlags(fs, &c.apps)
	fs.StringVar(&c.origin, "origin", "", "the portal's public origin, e.g. https://portal.example.com (passkeys are bound to its host; default http://localhost:<port>)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: portal [-addr host:port] [-db path|postgres://…|memory] [-max-inflight n] [-operators emails] [-origin url] [-hibp] [-mail log|smtp|ses|webhook …] [-dispatch=false] [-plans file] [-issuer-name name] [-issuer-registration T…] [-support-desk emails] [-support-escalation [-support-role name] [-support-external-id id]]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	if c.maxInflight < 1 {
		return c, fmt.Errorf("-max-inflight %d: must be at least 1", c.maxInflight)
	}
	c.operators = map[string]bool{}
	for _, e := range strings.Split(*operators, ",") {
		if e = strings.TrimSpace(e); e == "" {
			continue
		}
		norm, err := identity.NormalizeEmail(e)
		if err != nil {
			return c, fmt.Errorf("-operators: %w", err)
		}
		c.operators[norm] = true
	}
	for _, e := range strings.Split(*desk, ",") {
		if e = strings.TrimSpace(e); e == "" {
			continue
		}
		norm, err := identity.NormalizeEmail(e)
		if err != nil {
			return c, fmt.Errorf("-support-desk: %w", err)
		}
		c.support.desk = append(c.support.desk, norm)
	}
	c.billing.plans = demoPlans(time.Now())
	if *plans != "" {
		p, err := loadPlans(*plans)
		if err != nil {
			return c, fmt.Errorf("-plans: %w", err)
		}
		c.billing.plans = p
	}
	if c.origin != "" {
		u, err := url.Parse(c.origin)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Path != "" {
			return c, fmt.Errorf("-origin %q: must be an origin like https://portal.example.com", c.origin)
		}
	}
	return c, nil
}

// run is the whole program: it opens the store, seeds the demo data on first start,
// prints the demo users (with their passwords at the first start), serves until
// ctx is cancelled and then shuts down gracefully. onListen, when non-nil, is called with the bound address (tests use it
// with -addr 127.0.0.1:0).
func run(ctx context.Context, args []string, out io.Writer, onListen func(net.Addr)) error {
	cfg, err := parseFlags(args, out)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(out, nil))

	b, err := openBackend(ctx, cfg.db)
	if err != nil {
		return err
	}
	defer b.Close()
	svc := members.NewService(b.store)

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	defer ln.Close() // serve closes it too; this covers the returns before serve
	origin := cfg.origin
	if origin == "" {
		origin = "http://localhost:" + strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	}
	u, _ := url.Parse(origin) // parseFlags checked it
	notices, err := contacts.NewService(b.contacts, svc)
	if err != nil {
		return err
	}
	transport, err := transports.Open(ctx, *cfg.mail, logger)
	if err != nil {
		return err
	}
	opts := []identity.Option{identity.WithMemberships(svc), identity.WithIssuer("resellerkit portal"),
		identity.WithMailer(noticeMailer{notices: notices, origin: origin}), identity.WithPasskeys(u.Hostname(), "resellerkit portal", origin)}
	if cfg.hibp {
		opts = append(opts, identity.WithBreachChecker(identity.NewHIBP()))
	}
	ids, err := identity.NewService(b.ids, opts...)
	if err != nil {
		return err
	}

	bill, err := newBillingService(b.billing, svc, notices, cfg.billing, origin, time.Now)
	if err != nil {
		return fmt.Errorf("billing: %w", err)
	}
	// The demo has no AWS: a simulated fleet, for the seed's one maintenance run
	// (security_config.go). The portal runs no maintenance: examples/maintenance does.
	fleet := securitytest.NewFleet()
	sec, err := newSecurityService(b.security, svc, notices, fleet.Checks(), origin, time.Now)
	if err != nil {
		return fmt.Errorf("security: %w", err)
	}

	escalator, err := cfg.support.escalator(ctx)
	if err != nil {
		return fmt.Errorf("support escalation: %w", err)
	}
	sup, err := newSupportService(b.support, svc, notices, escalator, cfg.support.desk, origin, time.Now)
	if err != nil {
		return fmt.Errorf("support: %w", err)
	}

	now := time.Now()
	sd, err := seed(ctx, b, svc, ids, now)
	if err != nil {
		return fmt.Errorf("seed demo data: %w", err)
	}
	bs, err := seedBilling(ctx, bill, svc, b.state, sd.orgID, cfg.billing.plans, cfg.billing.costCurrency(), now)
	if err != nil {
		return fmt.Errorf("seed demo billing data: %w", err)
	}
	ss, err := seedSecurity(ctx, sec, svc, fleet, b.state, sd.orgID, now)
	if err != nil {
		return fmt.Errorf("seed demo security data: %w", err)
	}
	sus, err := seedSupport(ctx, sup, b.state, sd.orgID, now)
	if err != nil {
		return fmt.Errorf("seed demo support case: %w", err)
	}

	base := "http://" + ln.Addr().String()
	fmt.Fprintf(out, "portal: store %s, listening on %s (passkeys for origin %s)\n", b.desc, base, origin)
	printDemoUsers(out, base, sd)
	printBilling(out, base, sd, bs)
	printSecurity(out, base, sd, ss)
	printSupport(out, base, sd, sus)

	s := newServer(svc, ids, b.db, identityAuth{ids: ids, operators: cfg.operators}, logger)
	s.secureCookies = u.Scheme == "https"
	s.notices, s.origin = notices, origin
	s.bill, s.sec, s.sup = bill, sec, sup
	if s.carrier, err = cfg.apps.carrier(ctx, svc, logger); err != nil {
		return err
	}
	s.limit = newLimiter(cfg.maxInflight)
	srv := &http.Server{
		Handler:           s.routes(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second, // above requestTimeout: late requests still get their 503
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	if onListen != nil {
		onListen(ln.Addr())
	}
	// Background work stops before the store closes: the defers run in reverse,
	// so cancel, then wait, then (registered earlier) close the database.
	var bg sync.WaitGroup
	bgCtx, cancelBg := context.WithCancel(ctx)
	defer bg.Wait()
	defer cancelBg()
	bg.Go(func() { sweep(bgCtx, ids, sup, sweepEvery, logger) })
	if cfg.dispatch {
		d := contacts.NewDispatcher(b.contacts, transport, contacts.WithLogger(logger))
		bg.Go(func() { _, _ = d.Run(bgCtx) })
	}

	return serve(ctx, srv, ln, shutdownTimeout, out, s.gate.closeAndWait)
}

// sweepEvery is how often the portal removes expired sessions, tickets and
// failure counters (identity.Service.Sweep) and support cases past their
// retention (support.Service.Purge, P-5).
const sweepEvery = time.Hour

// maxLoggedCases is how many purged case ids a sweep's log line lists.
const maxLoggedCases = 20

// sweep runs ids.Sweep and sup.Purge (when sup is not nil) every interval until
// ctx ends, logging what they removed. A failed sweep is logged and retried at
// the next tick: nothing depends on it but the size of the tables (and, for
// support, how long past their 12 months cases stay).
func sweep(ctx context.Context, ids *identity.Service, sup *support.Service, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if r, err := ids.Sweep(ctx); err != nil {
			log.LogAttrs(ctx, slog.LevelError, "identity sweep failed", slog.String("err", err.Error()))
		} else {
			log.LogAttrs(ctx, slog.LevelInfo, "identity sweep", slog.Int("sessions", r.Sessions),
				slog.Int("tickets", r.Tickets), slog.Int("failures", r.Failures))
		}
		if sup == nil {
			continue
		}
		// A failed purge may have removed some batches: they are logged too.
		p, err := sup.Purge(ctx)
		attrs := []slog.Attr{slog.Time("cutoff", p.Cutoff), slog.Int("cases", len(p.Cases))}
		if len(p.Cases) > 0 {
			attrs = append(attrs, slog.String("ids", strings.Join(p.Cases[:min(len(p.Cases), maxLoggedCases)], ",")))
		}
		if err != nil {
			log.LogAttrs(ctx, slog.LevelError, "support purge failed", append(attrs, slog.String("err", err.Error()))...)
			continue
		}
		log.LogAttrs(ctx, slog.LevelInfo, "support purge", attrs...)
	}
}

// serve runs srv on ln until ctx is cancelled, then shuts it down gracefully: it
// waits up to timeout for in-flight requests, and if they are still running it
// closes every connection and cancels their requests' contexts. It returns only
// after Serve has returned and drained has (drained waits for the handlers still
// running: Serve returns as soon as the listener closes, not when they finish), so
// the caller may then close the store without pulling it from under a handler.
func serve(ctx context.Context, srv *http.Server, ln net.Listener, timeout time.Duration, out io.Writer, drained func()) error {
	// Requests run under baseCtx, cancelled once the drain times out so database
	// calls stop promptly.
	baseCtx, cancelBase := context.WithCancel(context.Background())
	defer cancelBase()
	srv.BaseContext = func(net.Listener) context.Context { return baseCtx }

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(out, "portal: shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	shutdownErr := srv.Shutdown(sctx)
	if shutdownErr != nil {
		fmt.Fprintln(out, "portal: requests still running after", timeout, "- closing connections")
		// Close the connections before cancelling the requests: a request cancelled
		// while its client is still connected would answer nothing, and net/http
		// would then send that client an empty 200.
		shutdownErr = errors.Join(shutdownErr, srv.Close())
		cancelBase()
	}
	err := <-errc
	drained()
	if !errors.Is(err, http.ErrServerClosed) {
		return errors.Join(err, shutdownErr)
	}
	if shutdownErr != nil {
		return fmt.Errorf("shutdown: %w", shutdownErr)
	}
	return nil
}
