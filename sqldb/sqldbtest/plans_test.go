package sqldbtest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
)

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

// CheckPlans fails a keyset query that no index serves in byte order, and passes
// it once an index in the "C" collation exists.
func TestCheckPlans(t *testing.T) {
	db := sqldbtest.Postgres(t)
	ctx := context.Background()
	if _, err := db.Pool().ExecContext(ctx, `CREATE TABLE items (id VARCHAR(64) PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	list := func(ctx context.Context) {
		c := db.ByteOrder()
		_, _, err := sqldb.Page(ctx, db.Querier(ctx), resellerkit.Page{}, func(r sqldb.Row) (string, error) {
			var id string
			return id, r.Scan(&id)
		}, func(id string) string { return id }, `SELECT id FROM items WHERE id`+c+` > $1 ORDER BY id`+c+` LIMIT $2`)
		if err != nil {
			t.Fatal(err)
		}
	}

	r := &recorder{TB: t}
	if n := sqldbtest.CheckPlans(r, db, list); n != 1 || len(r.errors) != 1 {
		t.Fatalf("without a \"C\" index: %d queries, errors %q; want 1 query and 1 error", n, r.errors)
	}
	if _, err := db.Pool().ExecContext(ctx, `CREATE INDEX items_c ON items (id COLLATE "C")`); err != nil {
		t.Fatal(err)
	}
	r = &recorder{TB: t}
	if n := sqldbtest.CheckPlans(r, db, list); n != 1 || len(r.errors) != 0 {
		t.Fatalf("with a \"C\" index: %d queries, errors %q; want 1 query and none", n, r.errors)
	}
}
