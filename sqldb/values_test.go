package sqldb_test

import (
	"context"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

type label string

// Every value round-trips through its column on both databases, zero values
// through NULL: times in UTC to the microsecond, months, optional texts, bytes (nil
// and empty apart) and ordered lists.
func TestValues_RoundTrip(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		blob := map[sqldb.Dialect]string{sqldb.SQLite: "BLOB", sqldb.PostgreSQL: "BYTEA"}[db.Dialect()]
		exec(t, db, `CREATE TABLE v (id INTEGER PRIMARY KEY, t TIMESTAMP, m TIMESTAMP, s TEXT, b `+blob+`, l TEXT NOT NULL)`)
		type row struct {
			t time.Time
			m resellerkit.Month
			s string
			b []byte
			l []label
		}
		jst := time.FixedZone("JST", 9*3600)
		rows := []row{
			{}, // every zero value
			{t: time.Date(2025, 4, 1, 9, 30, 0, 123456789, jst), m: resellerkit.MonthOf(time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)),
				s: "ref", b: []byte{0, 1, 0xff}, l: []label{"b", "a", "", "日本語", `"quoted", comma`}},
			{b: []byte{}, l: []label{}},
		}
		for i, r := range rows {
			_, err := db.Querier(ctx).ExecContext(ctx, `INSERT INTO v (id, t, m, s, b, l) VALUES ($1, $2, $3, $4, $5, $6)`,
				i, sqldb.TimeArg(r.t), sqldb.MonthArg(r.m), sqldb.TextArg(r.s), sqldb.BytesArg(r.b), sqldb.ListArg(r.l))
			require.NoError(t, err)
		}
		got, err := sqldb.Collect(ctx, db.Querier(ctx), func(sc sqldb.Row) (row, error) {
			var r row
			err := sc.Scan(sqldb.ScanTime(&r.t), sqldb.ScanMonth(&r.m), sqldb.ScanText(&r.s), sqldb.ScanBytes(&r.b), sqldb.ScanList(&r.l))
			return r, err
		}, `SELECT t, m, s, b, l FROM v ORDER BY id`)
		require.NoError(t, err)
		require.Len(t, got, 3)

		assert.Equal(t, row{}, got[0])
		assert.Nil(t, got[0].b)
		assert.Equal(t, time.Date(2025, 4, 1, 0, 30, 0, 123456000, time.UTC), got[1].t, "UTC, to the microsecond")
		assert.Equal(t, rows[1].m, got[1].m)
		assert.Equal(t, "ref", got[1].s)
		assert.Equal(t, rows[1].b, got[1].b)
		assert.Equal(t, rows[1].l, got[1].l)
		assert.Equal(t, []byte{}, got[2].b, "empty is not NULL")
		assert.Nil(t, got[2].l, "an empty list reads as nil")
	})
}

func TestValues_BadColumns(t *testing.T) {
	var b []byte
	assert.Error(t, sqldb.ScanBytes(&b).Scan(42))
	var l []string
	assert.Error(t, sqldb.ScanList(&l).Scan(42))
	assert.Error(t, sqldb.ScanList(&l).Scan(`{"not":"a list"}`))
	assert.Equal(t, "[]", sqldb.ListArg[string](nil))
}

// FuzzListColumn: whatever list of strings goes into a list column comes back
// identical (order kept), and garbage in the column is an error, never a panic.
func FuzzListColumn(f *testing.F) {
	f.Add("a@x.example", "b@x.example", `["x"]`)
	f.Add("", "comma,inside", `[`)
	f.Add("日本語", "\x00", `null`)
	f.Fuzz(func(t *testing.T, a, b, raw string) {
		in := []label{label(a), label(b)}
		var out []label
		require.NoError(t, sqldb.ScanList(&out).Scan(sqldb.ListArg(in)))
		if len(out) != 2 {
			t.Fatalf("round trip of %q gave %q", in, out)
		}
		for i := range in {
			// JSON replaces invalid UTF-8 with U+FFFD; valid strings round-trip exactly.
			if utf8.ValidString(string(in[i])) {
				require.Equal(t, in[i], out[i])
			}
		}
		var junk []string
		_ = sqldb.ScanList(&junk).Scan(raw) // must not panic
		_ = sqldb.ScanList(&junk).Scan([]byte(raw))
	})
}
