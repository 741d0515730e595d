package sqldb_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

// A page token is client input: one that decodes to bytes no text key can hold
// (invalid UTF-8, NUL) is a token no list made, refused with ErrPageToken on both
// databases, not sent to PostgreSQL, which refuses it as a text value (SQLSTATE
// 22021) and, inside a transaction, aborts it.
func TestPage_TokenNoTextKeyCanHold(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		exec(t, db, `CREATE TABLE items (id VARCHAR(64) NOT NULL PRIMARY KEY)`)
		exec(t, db, `INSERT INTO items (id) VALUES ('a')`)
		c := db.ByteOrder()
		query := `SELECT id FROM items WHERE id` + c + ` > $1 ORDER BY id` + c + ` LIMIT $2`
		for _, key := range []string{"\x80", "a\x00b", "\xff\xfe"} {
			pg := resellerkit.Page{Token: resellerkit.NextToken(key)}
			err := db.InTx(ctx, func(ctx context.Context) error {
				_, _, err := sqldb.Page(ctx, db.Querier(ctx), pg, scanID, func(id string) string { return id }, query)
				require.ErrorIs(t, err, resellerkit.ErrPageToken, "key %q", key)
				// The transaction is still usable.
				var n int
				return db.Querier(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM items`).Scan(&n)
			})
			require.NoError(t, err)
		}
	})
}
