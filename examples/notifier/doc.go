// Command notifier delivers the notices of a resellerkit database on its own: the
// contacts Dispatcher (C-7) without the portal, for a portal started with
// -dispatch=false, or to run several dispatchers beside it (their leases keep
// them from sending one notice twice at once).
//
//	go run ./examples/notifier -db portal.db                # to the log
//	go run ./examples/notifier -db postgres://… -mail smtp -smtp-addr mail.example.com:587 \
//	    -mail-from noreply@reseller.example                   # password in $RESELLERKIT_SMTP_PASSWORD
//	go run ./examples/notifier -db portal.db -once           # one round, then exit (cron)
//
// Flags: -db (an SQLite file or a postgres:// URL; migrated on start), the
// transport flags of contacts/transports (-mail log|smtp|ses|webhook, -mail-from,
// -smtp-addr, -smtp-user, -smtp-tls, -ses-configuration-set, -webhook-url),
// -max-attempts (1 or more; default contacts.DefaultMaxAttempts), -once. It
// stops on SIGINT or SIGTERM after the round in flight: a notice being sent is
// either recorded or, its lease expiring, sent again with the same idempotency
// key. It logs what it did ("notifier stopped", with its counts) and exits with
// status 0, or 1 when -once was stopped before the outbox was drained or a
// store error ended it (a failed send is a retry or a dead notice, not an error).
package main
