package sqldb_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

func scanID(r sqldb.Row) (string, error) {
	var id string
	err := r.Scan(&id)
	return id, err
}

// Page walks a list in byte order on both databases, a page at a time, and every
// query it runs is reported to the trace of its context, with its arguments.
func TestPage(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		exec(t, db, `CREATE TABLE items (grp VARCHAR(8) NOT NULL, id VARCHAR(64) NOT NULL, PRIMARY KEY (grp, id))`)
		// Byte order: upper case before lower case, "é" (0xC3 0xA9) after "z".
		for _, id := range []string{"b", "é", "B", "a", "z", "A"} {
			exec(t, db, `INSERT INTO items (grp, id) VALUES ('g', $1)`, id)
		}
		exec(t, db, `INSERT INTO items (grp, id) VALUES ('other', 'a')`)

		var mu sync.Mutex
		var seen [][]any
		ctx = sqldb.WithTrace(ctx, func(query string, args []any) {
			mu.Lock()
			defer mu.Unlock()
			assert.Contains(t, query, "FROM items")
			seen = append(seen, args)
		})
		c := db.ByteOrder()
		query := `SELECT id FROM items WHERE grp = $1 AND id` + c + ` > $2 ORDER BY id` + c + ` LIMIT $3`
		var all []string
		pg := resellerkit.Page{Limit: 4}
		for {
			args := append(make([]any, 0, 4), "g") // room to append in place
			items, next, err := sqldb.Page(ctx, db.Querier(ctx), pg, scanID, func(id string) string { return id }, query, args...)
			require.NoError(t, err)
			assert.Equal(t, []any{"g", nil, nil, nil}, args[:4], "the caller's arguments are left alone")
			assert.LessOrEqual(t, len(items), 4)
			all = append(all, items...)
			if next == "" {
				break
			}
			pg.Token = next
		}
		assert.Equal(t, []string{"A", "B", "a", "b", "z", "é"}, all)
		assert.Equal(t, [][]any{{"g", "", 5}, {"g", "b", 5}}, seen, "the key after and the size plus one are appended")

		_, _, err := sqldb.Page(ctx, db.Querier(ctx), resellerkit.Page{Token: "!"}, scanID,
			func(id string) string { return id }, query, "g")
		assert.ErrorIs(t, err, resellerkit.ErrPageToken)
		assert.ErrorIs(t, errs.Map(err, "items", ""), resellerkit.ErrPageToken, "Map lets it pass")

		got, err := sqldb.Collect(context.Background(), db.Querier(ctx), scanID,
			`SELECT id FROM items WHERE grp = $1 ORDER BY id`+c, "other")
		require.NoError(t, err)
		assert.Equal(t, []string{"a"}, got)
		assert.Len(t, seen, 2, "without a trace in its context, nothing is reported")
	})
}
