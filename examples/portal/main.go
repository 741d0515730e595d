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
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/seeda33a2f4f/resellerkit/members"
)

// shutdownTimeout bounds how long in-flight requests may run after a stop signal.
const shutdownTimeout = 10 * time.Second

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
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
	addr string
	db   string
}

func parseFlags(args []string, out io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("portal", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "listen address (host:port; port 0 picks a free one)")
	fs.StringVar(&c.db, "db", "portal.db", "SQLite file path, a postgres:// DSN, or \"memory\" for a throwaway in-memory store")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: portal [-addr host:port] [-db path|postgres://…|memory]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	return c, nil
}

// run is the whole program: it opens the store, seeds the demo data on first start,
// prints the demo tokens, serves until ctx is cancelled and then shuts down
// gracefully. onListen, when non-nil, is called with the bound address (tests use it
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
	secret, err := b.state.Secret(ctx)
	if err != nil {
		return err
	}
	tokens := tokenMinter{secret: secret}
	svc := members.NewService(b.store)

	orgID, err := seed(ctx, svc, b.state, time.Now())
	if err != nil {
		return fmt.Errorf("seed demo data: %w", err)
	}

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(out, "portal: store %s, listening on %s\n", b.desc, base)
	printTokens(out, base, orgID, tokens)

	srv := &http.Server{
		Handler:           newServer(svc, tokens, demoPrincipals(), logger).routes(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	if onListen != nil {
		onListen(ln.Addr())
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(out, "portal: shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
