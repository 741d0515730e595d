package sqlstore_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/contacts/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
)

// TestTwoDispatchersOnTwoPools_C7: two Dispatchers, each on its own connection
// pool (as two processes would be) to one database, deliver an outbox of 200
// notices concurrently: no notice is ever being sent by both at once, and every
// notice is delivered exactly once and recorded sent after one attempt.
func TestTwoDispatchersOnTwoPools_C7(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		// sqldb opens an SQLite file in WAL mode with a busy timeout, and nothing
		// keeps a second handle from opening it: two *sqldb.DB on one file are two
		// pools, whose writers queue for SQLite's one write lock.
		path := filepath.Join(t.TempDir(), "outbox.db")
		twoDispatchers(t, openSQLite(t, path), openSQLite(t, path))
	})
	t.Run("postgresql", func(t *testing.T) {
		sqldbtest.SkipUnavailable(t, sqldb.PostgreSQL)
		t.Parallel()
		a := sqldbtest.Postgres(t)
		twoDispatchers(t, a, openSameSchema(t, a))
	})
}

func openSQLite(t *testing.T, path string) *sqldb.DB {
	t.Helper()
	db, err := sqldb.Open(t.Context(), path)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// openSameSchema opens a second pool to the schema of a, the fresh schema
// sqldbtest.Postgres made (it is dropped when the test ends, after this pool
// closes).
func openSameSchema(t *testing.T, a *sqldb.DB) *sqldb.DB {
	t.Helper()
	var schema string
	require.NoError(t, a.Pool().QueryRowContext(t.Context(), `SELECT current_schema()`).Scan(&schema))
	u, err := url.Parse(os.Getenv(sqldbtest.EnvPostgresDSN))
	require.NoError(t, err)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	b, err := sqldb.Open(t.Context(), u.String())
	require.NoError(t, err)
	t.Cleanup(func() { _ = b.Close() })
	return b
}

// deliveries records what the dispatchers' transports delivered, and which notices
// are being sent right now.
type deliveries struct {
	t       *testing.T
	mu      sync.Mutex
	sending map[string]string // notice id → the dispatcher sending it now
	sent    map[string][]string
}

// transport is the Transport of one dispatcher, recording into deliveries.
type transport struct {
	d     *deliveries
	owner string
}

func (tr transport) Send(ctx context.Context, m contacts.Message) error {
	d := tr.d
	d.mu.Lock()
	if other, busy := d.sending[m.NoticeID]; busy {
		d.t.Errorf("notice %q is being sent by %s and %s at once", m.NoticeID, other, tr.owner)
	}
	d.sending[m.NoticeID] = tr.owner
	d.mu.Unlock()

	// A send takes a while, so that the other dispatcher's claims run meanwhile.
	time.Sleep(time.Duration(200+rand.IntN(800)) * time.Microsecond)

	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.sending, m.NoticeID)
	d.sent[m.NoticeID] = append(d.sent[m.NoticeID], tr.owner)
	return ctx.Err()
}

func twoDispatchers(t *testing.T, a, b *sqldb.DB) {
	ctx := t.Context()
	sa, err := sqlstore.New(ctx, a)
	require.NoError(t, err)
	sb, err := sqlstore.New(ctx, b)
	require.NoError(t, err)

	const total = 200
	now := time.Now().UTC()
	orgs := []string{"o1", "o2", ""}
	require.NoError(t, sa.InTx(ctx, func(ctx context.Context) error {
		for i := range total {
			id := fmt.Sprintf("n%03d", i)
			if err := sa.EnqueueNotice(ctx, contacts.Notice{ID: id, Key: "key:" + id, OrgID: orgs[i%len(orgs)],
				Kind: contacts.KindMaintenance, Language: contacts.English, To: []string{"ops@example.com"},
				Subject: "maintenance " + id, Text: "body", NextAt: now.Add(-time.Duration(i%5) * time.Second),
				CreatedAt: now}); err != nil {
				return err
			}
		}
		return nil
	}))

	d := &deliveries{t: t, sending: map[string]string{}, sent: map[string][]string{}}
	stores := map[string]contacts.Store{"d1": sa, "d2": sb}
	reports := map[string]contacts.RoundReport{}
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		errs = map[string]error{}
	)
	start := make(chan struct{})
	for owner, s := range stores {
		wg.Go(func() {
			disp := contacts.NewDispatcher(s, transport{d, owner}, contacts.WithOwner(owner), contacts.WithBatch(7, 4),
				contacts.WithLease(time.Hour), contacts.WithLogger(slog.New(slog.DiscardHandler)))
			var sum contacts.RoundReport
			var err error
			<-start
			for {
				var r contacts.RoundReport
				r, err = disp.RunOnce(ctx)
				sum.Claimed, sum.Sent, sum.Retried, sum.Dead, sum.Lost = sum.Claimed+r.Claimed, sum.Sent+r.Sent,
					sum.Retried+r.Retried, sum.Dead+r.Dead, sum.Lost+r.Lost
				if err != nil || r.Claimed == 0 {
					break
				}
			}
			mu.Lock()
			defer mu.Unlock()
			reports[owner], errs[owner] = sum, err
		})
	}
	close(start)
	wg.Wait()

	for owner, err := range errs {
		require.NoError(t, err, "dispatcher %s", owner)
	}
	t.Logf("d1: %+v; d2: %+v", reports["d1"], reports["d2"])
	for owner, r := range reports {
		assert.Equal(t, contacts.RoundReport{Claimed: r.Claimed, Sent: r.Claimed}, r, "dispatcher %s sent all it claimed", owner)
	}
	assert.Equal(t, total, reports["d1"].Sent+reports["d2"].Sent, "sends recorded")
	require.Len(t, d.sent, total, "notices delivered")
	for id, by := range d.sent {
		assert.Len(t, by, 1, "notice %q delivered by %v", id, by)
	}
	for _, org := range orgs {
		ns, err := resellerkit.All(func(p resellerkit.Page) ([]contacts.Notice, string, error) {
			return sb.ListNotices(ctx, org, "", p)
		})
		require.NoError(t, err)
		for _, n := range ns {
			assert.Equal(t, contacts.NoticeSent, n.State, "notice %q", n.ID)
			assert.Equal(t, 1, n.Attempts, "notice %q", n.ID)
			assert.Empty(t, n.LeaseOwner, "notice %q", n.ID)
		}
	}
}
