package sqldb

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/seeda33a2f4f/resellerkit"
)

// Row is what a scan function reads one row from: *sql.Rows in Collect and Page,
// and *sql.Row has the same method, so one scan function serves a single-row
// lookup too.
type Row interface {
	Scan(dest ...any) error
}

// traceKey is the context key of the function WithTrace installs.
type traceKey struct{}

// WithTrace returns a copy of ctx under which Collect and Page, and so every list
// of a store built on them, report each query they run to fn, with its arguments,
// just before running it. A store's tests use it to EXPLAIN its list queries and
// check that an index serves them in order; a program can log them. fn may be
// called from several goroutines at once.
func WithTrace(ctx context.Context, fn func(query string, args []any)) context.Context {
	return context.WithValue(ctx, traceKey{}, fn)
}

// Collect runs query, with args, on q and scans every row with scan.
func Collect[T any](ctx context.Context, q Querier, scan func(Row) (T, error), query string, args ...any) ([]T, error) {
	if see, _ := ctx.Value(traceKey{}).(func(string, []any)); see != nil {
		see(query, args)
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Page runs a keyset list query on q and cuts one page of pg out of it, returning
// the items and the next page's token ("" after the last page). query selects the
// rows whose key comes after $n-1 in byte order (DB.ByteOrder), ordered by the key,
// at most $n of them, where n is len(args)+2: Page appends the key pg starts after
// ("" for the first page) and the page size plus one to args. key returns an item's
// key. A token no list made (also one naming a key no text column holds: invalid
// UTF-8 or a NUL byte) is an error wrapping resellerkit.ErrPageToken.
//
//	sqldb.Page(ctx, q, pg, scanProject, func(p Project) string { return p.ID },
//		`SELECT … FROM projects WHERE org_id = $1 AND id`+c+` > $2 ORDER BY id`+c+` LIMIT $3`, orgID)
func Page[T any](ctx context.Context, q Querier, pg resellerkit.Page, scan func(Row) (T, error), key func(T) string, query string, args ...any) ([]T, string, error) {
	after, err := pg.After()
	if err != nil {
		return nil, "", err
	}
	if !utf8.ValidString(after) || strings.IndexByte(after, 0) >= 0 {
		// No text column holds it, so no list made it; PostgreSQL would refuse
		// the argument (SQLSTATE 22021) and abort a surrounding transaction.
		return nil, "", fmt.Errorf("%w %q: not a key of a list", resellerkit.ErrPageToken, resellerkit.Truncate(pg.Token))
	}
	size := pg.Size()
	args = append(args[:len(args):len(args)], after, size+1)
	items, err := Collect(ctx, q, scan, query, args...)
	if err != nil || len(items) <= size {
		return items, "", err
	}
	return items[:size], resellerkit.NextToken(key(items[size-1])), nil
}
