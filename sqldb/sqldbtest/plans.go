package sqldbtest

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

// CheckPlans checks that an index serves every list query, in key order, on
// PostgreSQL: it calls lists with a context traced by sqldb.WithTrace (so every
// query that sqldb.Collect and sqldb.Page run under it is recorded), then has
// PostgreSQL EXPLAIN each recorded query with its arguments and fails t when a plan
// holds a sequential scan ("Seq Scan") or a sort, or no index. It returns how many
// queries it checked, so a test can tell that every list of its store was called.
//
// Plans are taken with sequential scans, bitmap scans and sorts disabled (tiny
// test tables would otherwise make any plan cheapest), so a query that no index
// can serve in order still shows a scan or a sort. Keys compared in byte order
// (sqldb.DB.ByteOrder) need PostgreSQL indexes in the "C" collation. db must be a
// PostgreSQL database (Postgres(t)).
func CheckPlans(t testing.TB, db *sqldb.DB, lists func(ctx context.Context)) int {
	t.Helper()
	if db.Dialect() != sqldb.PostgreSQL {
		t.Fatalf("sqldbtest: CheckPlans needs PostgreSQL, not %s", db.Dialect())
	}
	type run struct {
		query string
		args  []any
	}
	var (
		mu   sync.Mutex
		runs []run
	)
	lists(sqldb.WithTrace(context.Background(), func(query string, args []any) {
		mu.Lock()
		defer mu.Unlock()
		runs = append(runs, run{query, args})
	}))
	mu.Lock()
	defer mu.Unlock()
	for _, r := range runs {
		plan, err := explain(db, r.query, r.args)
		if err != nil {
			t.Errorf("sqldbtest: EXPLAIN %s: %v", r.query, err)
			continue
		}
		if strings.Contains(plan, "Seq Scan") || strings.Contains(plan, "Sort") || !strings.Contains(plan, "Index") {
			t.Errorf("sqldbtest: no index serves this query in order:\n%s\n%s", r.query, plan)
		}
	}
	return len(runs)
}

// explain returns the plan of query with sequential scans, bitmap scans and sorts
// disabled, in a transaction that sets them for itself only.
func explain(db *sqldb.DB, query string, args []any) (string, error) {
	ctx := context.Background()
	var plan []string
	err := db.InTx(ctx, func(ctx context.Context) error {
		plan = plan[:0]
		q := db.Querier(ctx)
		for _, off := range []string{"enable_seqscan", "enable_bitmapscan", "enable_sort"} {
			if _, err := q.ExecContext(ctx, `SET LOCAL `+off+` = off`); err != nil {
				return err
			}
		}
		rows, err := q.QueryContext(ctx, `EXPLAIN `+query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				return err
			}
			plan = append(plan, line)
		}
		return rows.Err()
	})
	return strings.Join(plan, "\n"), err
}
