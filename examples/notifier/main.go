package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/contacts/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/contacts/transports"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "notifier:", err)
		os.Exit(1)
	}
}

// run is the whole program.
func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("notifier", flag.ContinueOnError)
	fs.SetOutput(out)
	dsn := fs.String("db", "portal.db", "the database: an SQLite file or a postgres:// URL")
	once := fs.Bool("once", false, "deliver what is due, then exit")
	maxAttempts := fs.Int("max-attempts", contacts.DefaultMaxAttempts, "attempts before a notice is dead (1 or more)")
	mail := transports.RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	if *maxAttempts < 1 {
		// The dispatcher would take it as 1: every notice dead on its first failure.
		return fmt.Errorf("-max-attempts %d: want 1 or more (default %d)", *maxAttempts, contacts.DefaultMaxAttempts)
	}
	log := slog.New(slog.NewTextHandler(out, nil))
	db, err := sqldb.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	store, err := sqlstore.New(ctx, db)
	if err != nil {
		return err
	}
	t, err := transports.Open(ctx, *mail, log)
	if err != nil {
		return err
	}
	d := contacts.NewDispatcher(store, t, contacts.WithLogger(log), contacts.WithMaxAttempts(*maxAttempts))
	log.Info("notifier started", slog.String("owner", d.Owner()), slog.String("transport", string(mail.Kind)))
	var total contacts.RoundReport
	if *once {
		for err == nil {
			var r contacts.RoundReport
			r, err = d.RunOnce(ctx)
			total.Add(r)
			if r.Claimed == 0 {
				break
			}
		}
		// Stopped (a signal) or failed, -once did not drain the outbox: its
		// status is 1, after what it did.
	} else {
		total, err = d.Run(ctx)
		if errors.Is(err, context.Canceled) {
			err = nil // stopped by a signal: the long-running mode's end
		}
	}
	log.Info("notifier stopped", slog.Int("sent", total.Sent), slog.Int("retried", total.Retried),
		slog.Int("dead", total.Dead), slog.Int("lost", total.Lost), slog.Int("expired", total.Expired))
	return err
}
