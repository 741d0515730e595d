package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/contacts/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
)

// BenchmarkNoticesNewestFirstPage measures the first page (50 rows) of an
// organization's notices newest first, with history notices in the outbox: "all"
// is how the portal's notices page read them before ListNoticesNewestFirst (every
// notice by id, sorted in memory), "page" is one ListNoticesNewestFirst page. The
// notices are created a second apart, in an order unrelated to their ids.
func BenchmarkNoticesNewestFirstPage(b *testing.B) {
	for _, history := range []int{1_000, 10_000} {
		for _, d := range sqldbtest.Dialects() {
			b.Run(fmt.Sprintf("%s/history=%d", d, history), func(b *testing.B) { benchNoticesPage(b, d, history) })
		}
	}
}

// benchNoticesPage fills an outbox of history notices of one organization on d
// and times its first page, read both ways.
func benchNoticesPage(b *testing.B, d sqldb.Dialect, history int) {
	ctx := context.Background()
	s, err := sqlstore.New(ctx, sqldbtest.Open(b, d))
	if err != nil {
		b.Fatal(err)
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	err = s.InTx(ctx, func(ctx context.Context) error {
		for i := range history {
			id := fmt.Sprintf("n%07d", (i*7919)%history)
			if err := s.EnqueueNotice(ctx, contacts.Notice{ID: id, Key: "bench:" + id, OrgID: "o1",
				AccountID: "123456789012", Kind: contacts.KindMaintenance, Language: contacts.English,
				To: []string{"ops@customer.example"}, Subject: "Maintenance " + id, Text: benchText, HTML: benchHTML,
				NextAt: t0, CreatedAt: t0.Add(time.Duration(i) * time.Second)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	page := resellerkit.Page{Limit: 50}
	b.Run("all", func(b *testing.B) {
		for b.Loop() {
			all, err := resellerkit.All(func(pg resellerkit.Page) ([]contacts.Notice, string, error) {
				pg.Limit = resellerkit.MaxPageLimit
				return s.ListNotices(ctx, "o1", "", pg)
			})
			if err != nil {
				b.Fatal(err)
			}
			slices.SortFunc(all, contacts.NewestFirst)
			_ = all[:page.Limit]
		}
	})
	b.Run("page", func(b *testing.B) {
		for b.Loop() {
			l, _, err := s.ListNoticesNewestFirst(ctx, "o1", "", page)
			if err != nil || len(l) != page.Limit {
				b.Fatal(len(l), err)
			}
		}
	})
}
