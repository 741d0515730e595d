package sqlstore_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/contacts/smtpmail"
	"github.com/seeda33a2f4f/resellerkit/contacts/smtpmail/smtptest"
	"github.com/seeda33a2f4f/resellerkit/contacts/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
)

// benchNotices is how many notices one iteration of BenchmarkC7_Dispatch
// enqueues and then delivers.
const benchNotices = 500

// BenchmarkC7_Dispatch measures the delivery of the outbox (C-7): notices per
// second through contacts.Dispatcher on sqlstore, over an SQLite file and over
// PostgreSQL (when RESELLERKIT_TEST_POSTGRES_DSN is set), with
//
//   - transport "noop": a Transport that accepts at once, so what is measured is
//     the outbox's own cost (ClaimNotices per batch, StartNotice and
//     FinishNotice per notice, the dispatcher's goroutines);
//   - transport "smtp": smtpmail (TLSNone, a new connection per message) to an
//     in-process smtptest server on 127.0.0.1.
//
// Each iteration enqueues benchNotices due notices in one transaction with the
// timer stopped (enqueuing is the cost of the change that causes a notice, not of
// delivery), then times the dispatchers running RunOnce until a round claims
// nothing, and checks that every notice was sent once. The settings are the
// defaults (WithBatch(50, 4)), WithBatch(100, 8), and, for one dispatcher,
// WithBatch(50, 1): one send at a time, the baseline parallelism is measured
// against. "dispatchers=2" runs two dispatchers at once, each on its own
// connection pool (as two processes would), sharing the outbox through the
// claim's lease (FOR UPDATE SKIP LOCKED on PostgreSQL, the single write lock on
// SQLite). Sent notices stay in the table, as they do in production, so later
// iterations claim from a larger table.
//
// Metrics: notices/s and ns/notice over the timed part of all iterations; ns/op
// is one whole outbox of benchNotices.
func BenchmarkC7_Dispatch(b *testing.B) {
	type settings struct {
		name            string
		batch, parallel int
	}
	all := []settings{
		{fmt.Sprintf("batch=%d,parallel=%d", contacts.DefaultBatch, contacts.DefaultParallel), contacts.DefaultBatch, contacts.DefaultParallel},
		{"batch=100,parallel=8", 100, 8},
		{"batch=50,parallel=1", 50, 1}, // one dispatcher only: sends one at a time
	}
	for _, d := range sqldbtest.Dialects() {
		b.Run(d.String(), func(b *testing.B) {
			sqldbtest.SkipUnavailable(b, d)
			for _, tr := range []string{"noop", "smtp"} {
				for _, dispatchers := range []int{1, 2} {
					for _, s := range all {
						if dispatchers > 1 && s.parallel == 1 {
							continue
						}
						b.Run(fmt.Sprintf("%s/dispatchers=%d/%s", tr, dispatchers, s.name), func(b *testing.B) {
							benchDispatch(b, d, tr, dispatchers, s.batch, s.parallel)
						})
					}
				}
			}
		})
	}
}

// benchDispatch runs one configuration of BenchmarkC7_Dispatch.
func benchDispatch(b *testing.B, d sqldb.Dialect, transport string, dispatchers, batch, parallel int) {
	ctx := context.Background()
	pools := benchPools(b, d, dispatchers)
	stores := make([]*sqlstore.Store, len(pools))
	for i, db := range pools {
		s, err := sqlstore.New(ctx, db)
		if err != nil {
			b.Fatal(err)
		}
		stores[i] = s
	}

	var (
		tr  contacts.Transport = noopTransport{}
		srv *smtptest.Server
	)
	if transport == "smtp" {
		srv = smtptest.NewServer(b)
		smtp, err := smtpmail.New(smtpmail.Config{Addr: srv.Addr, From: "Reseller <noreply@reseller.example>",
			TLS: smtpmail.TLSNone})
		if err != nil {
			b.Fatal(err)
		}
		tr = smtp
	}
	quiet := slog.New(slog.DiscardHandler)
	disps := make([]*contacts.Dispatcher, len(stores))
	for i, s := range stores {
		disps[i] = contacts.NewDispatcher(s, tr, contacts.WithBatch(batch, parallel), contacts.WithLogger(quiet),
			contacts.WithOwner(fmt.Sprintf("bench-%d", i+1)))
	}

	enqueued := 0
	for b.Loop() {
		b.StopTimer()
		enqueueBench(b, stores[0], enqueued, benchNotices)
		enqueued += benchNotices
		b.StartTimer()

		reports := drain(ctx, b, disps)

		b.StopTimer()
		var sum contacts.RoundReport
		for _, r := range reports {
			sum.Claimed, sum.Sent = sum.Claimed+r.Claimed, sum.Sent+r.Sent
			sum.Retried, sum.Dead, sum.Lost = sum.Retried+r.Retried, sum.Dead+r.Dead, sum.Lost+r.Lost
		}
		if want := (contacts.RoundReport{Claimed: benchNotices, Sent: benchNotices}); sum != want {
			b.Fatalf("delivered %+v, want %+v", sum, want)
		}
		if srv != nil {
			if got := len(srv.Messages()); got != enqueued {
				b.Fatalf("the SMTP server holds %d messages, want %d", got, enqueued)
			}
		}
		b.StartTimer()
	}
	elapsed := b.Elapsed()
	n := float64(b.N * benchNotices)
	b.ReportMetric(n/elapsed.Seconds(), "notices/s")
	b.ReportMetric(float64(elapsed.Nanoseconds())/n, "ns/notice")
}

// drain runs every dispatcher, each in its own goroutine, until a round of it
// claims nothing, and returns what each delivered.
func drain(ctx context.Context, b *testing.B, disps []*contacts.Dispatcher) []contacts.RoundReport {
	reports := make([]contacts.RoundReport, len(disps))
	errs := make([]error, len(disps))
	var wg sync.WaitGroup
	for i, d := range disps {
		wg.Go(func() {
			for {
				r, err := d.RunOnce(ctx)
				reports[i].Claimed, reports[i].Sent = reports[i].Claimed+r.Claimed, reports[i].Sent+r.Sent
				reports[i].Retried, reports[i].Dead = reports[i].Retried+r.Retried, reports[i].Dead+r.Dead
				reports[i].Lost += r.Lost
				if err != nil || r.Claimed == 0 {
					errs[i] = err
					return
				}
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			b.Fatalf("dispatcher %d: %v", i+1, err)
		}
	}
	return reports
}

// benchPools opens n connection pools to one fresh database of dialect d: an
// SQLite file in b.TempDir(), or a fresh PostgreSQL schema (sqldbtest.Postgres).
func benchPools(b *testing.B, d sqldb.Dialect, n int) []*sqldb.DB {
	ctx := context.Background()
	var (
		first *sqldb.DB
		dsn   string
	)
	if d == sqldb.SQLite {
		dsn = filepath.Join(b.TempDir(), "outbox.db")
	} else {
		first = sqldbtest.Postgres(b)
		var schema string
		if err := first.Pool().QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
			b.Fatal(err)
		}
		u, err := url.Parse(os.Getenv(sqldbtest.EnvPostgresDSN))
		if err != nil {
			b.Fatal(err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		dsn = u.String()
	}
	var pools []*sqldb.DB
	if first != nil {
		pools = append(pools, first)
	}
	for len(pools) < n {
		db, err := sqldb.Open(ctx, dsn)
		if err != nil {
			b.Fatal(err)
		}
		// Registered after sqldbtest.Postgres's cleanup, so it runs first: the pool
		// closes before the schema is dropped.
		b.Cleanup(func() { _ = db.Close() })
		pools = append(pools, db)
	}
	return pools
}

// benchText and benchHTML are bodies of the size of a rendered maintenance
// notice (about 0.6 KB of text, 1.5 KB of HTML).
var (
	benchText = strings.Repeat("Scheduled maintenance of the billing portal. ", 14)
	benchHTML = "<html><body><p>" + strings.Repeat("Scheduled maintenance of the <b>billing portal</b>. ", 28) +
		"</p></body></html>"
)

// enqueueBench enqueues n due notices, numbered from first, in one transaction.
func enqueueBench(b *testing.B, s *sqlstore.Store, first, n int) {
	ctx := context.Background()
	now := time.Now().UTC()
	err := s.InTx(ctx, func(ctx context.Context) error {
		for i := first; i < first+n; i++ {
			id := fmt.Sprintf("n%07d", i)
			if err := s.EnqueueNotice(ctx, contacts.Notice{ID: id, Key: "bench:" + id, OrgID: "o1",
				AccountID: "123456789012", Kind: contacts.KindMaintenance, Language: contacts.English,
				To: []string{"ops@customer.example"}, CC: []string{"noc@customer.example"},
				Subject: "Maintenance " + id, Text: benchText, HTML: benchHTML,
				NextAt: now.Add(-time.Second), CreatedAt: now}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// noopTransport accepts every message at once.
type noopTransport struct{}

func (noopTransport) Send(context.Context, contacts.Message) error { return nil }
