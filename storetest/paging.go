package storetest

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
)

// Row is one item of a list as the paging checks see it: the key the list is
// ordered by, and the scope it belongs to (its organization, identity…; "" for a
// list of no scope).
type Row struct{ Key, Scope string }

// RowsOf turns a page of T, as a list returns it, into rows with key and scope
// (nil scope: every row's scope is ""):
//
//	return storetest.RowsOf(key, org)(s.ListProjects(ctx, org, page))
func RowsOf[T any](key, scope func(T) string) func([]T, string, error) ([]Row, string, error) {
	return func(items []T, next string, err error) ([]Row, string, error) {
		rows := make([]Row, len(items))
		for i, v := range items {
			rows[i].Key = key(v)
			if scope != nil {
				rows[i].Scope = scope(v)
			}
		}
		return rows, next, err
	}
}

// Keys returns the keys of rows, in order.
func Keys(rows []Row) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Key
	}
	return out
}

// Store is what a Lister needs of a store: transactions that travel in the context,
// as every resellerkit store has them, to add rows fast.
type Store interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
}

// Lister is one paged list of a store contract, seen through keys and scopes, so
// that its Check methods run the same keyset-paging checks on every list. Every
// key the checks add is a short printable string ("k07", "a-1", "Ä", "k04+"); Add
// must accept them all.
type Lister[S Store] struct {
	Name string // the Store method, and its filter if any
	// Scopes are two scopes the checks fill, e.g. two organizations; the zero
	// value for a list of no scope (every row's scope "").
	Scopes [2]string
	// Prepare, if not nil, creates what Add needs in scope (its organization…).
	Prepare func(ctx context.Context, s S, scope string) error
	// Add stores a row with key in scope's list.
	Add func(ctx context.Context, s S, scope, key string) error
	// Remove, if not nil, takes the row with key out of scope's list; nil when the
	// contract has no way to (no delete, no field that leaves the list).
	Remove func(ctx context.Context, s S, scope, key string) error
	// List returns one page of scope's list.
	List func(ctx context.Context, s S, scope string, page resellerkit.Page) ([]Row, string, error)
}

// Scoped reports whether the list is of one scope.
func (l Lister[S]) Scoped() bool { return l.Scopes != [2]string{} }

// Fill prepares scope and adds rows with keys to its list, in one transaction.
func (l Lister[S]) Fill(t *testing.T, s S, scope string, keys ...string) {
	t.Helper()
	require.NoError(t, s.InTx(t.Context(), func(ctx context.Context) error {
		if l.Prepare != nil {
			if err := l.Prepare(ctx, s, scope); err != nil {
				return err
			}
		}
		for _, k := range keys {
			if err := l.Add(ctx, s, scope, k); err != nil {
				return fmt.Errorf("add %q: %w", k, err)
			}
		}
		return nil
	}))
}

// Walk reads scope's whole list from page on and returns its pages. It requires
// every page but the last to hold exactly page.Size() rows and a token, the last
// to hold at most that many and the token "", every row to be of scope, and the
// list to end.
func (l Lister[S]) Walk(t *testing.T, s S, scope string, page resellerkit.Page) [][]Row {
	t.Helper()
	var pages [][]Row
	for range maxPages {
		rows, next, err := l.List(t.Context(), s, scope, page)
		require.NoError(t, err, "page %d", len(pages)+1)
		pages = append(pages, rows)
		for _, r := range rows {
			require.Equal(t, scope, r.Scope, "row %q of page %d", r.Key, len(pages))
		}
		require.LessOrEqual(t, len(rows), page.Size(), "page %d: more rows than asked", len(pages))
		if next == "" {
			return pages
		}
		require.Len(t, rows, page.Size(), "page %d is not the last (token %q) but short", len(pages), next)
		page.Token = next
	}
	require.FailNow(t, "the list never ended", "%d pages", maxPages)
	return nil
}

// WalkKeys is the keys of Walk's rows with page limit limit, in order.
func (l Lister[S]) WalkKeys(t *testing.T, s S, scope string, limit int) []string {
	t.Helper()
	return Keys(slices.Concat(l.Walk(t, s, scope, resellerkit.Page{Limit: limit})...))
}

// OrderKeys returns keys whose byte order differs from a locale's order (case,
// accents, punctuation, prefixes), in no order: CheckOrder's, for a list that is
// not paged.
func OrderKeys() []string {
	return []string{"b", "B", "_", "a", "A1", "Ä", "a-1", "~", "0", "a1", "ä", "ab"}
}

// CheckOrder: pages of several sizes hold every row once, in the byte order of the
// key.
func (l Lister[S]) CheckOrder(t *testing.T, s S) {
	scope, keys := l.Scopes[0], OrderKeys()
	l.Fill(t, s, scope, keys...)
	want := slices.Sorted(slices.Values(keys))
	for _, limit := range []int{1, 3, 5, len(keys) - 1, len(keys), 0} {
		assert.Equal(t, want, l.WalkKeys(t, s, scope, limit), "limit %d: every row once, in the byte order of the key", limit)
	}
}

// CheckSizes: a page holds the size asked for (resellerkit.DefaultPageLimit for 0
// or less), a full last page has the token "", and the pages hold every row.
func (l Lister[S]) CheckSizes(t *testing.T, s S) {
	n := resellerkit.DefaultPageLimit + 1
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("k%04d", i)
	}
	scope := l.Scopes[0]
	l.Fill(t, s, scope, keys...)
	for _, c := range []struct {
		limit int
		sizes []int
	}{
		{0, []int{resellerkit.DefaultPageLimit, 1}}, // the default
		{-3, []int{resellerkit.DefaultPageLimit, 1}},
		{7, append(slices.Repeat([]int{7}, n/7), n%7)},
		{50, []int{50, 50, 1}},
		{n, []int{n}}, // the last page is full: its token is already ""
		{n + 1, []int{n}},
	} {
		pages := l.Walk(t, s, scope, resellerkit.Page{Limit: c.limit})
		sizes := make([]int, len(pages))
		for i, p := range pages {
			sizes[i] = len(p)
		}
		assert.Equal(t, c.sizes, sizes, "limit %d", c.limit)
		assert.Equal(t, keys, Keys(slices.Concat(pages...)), "limit %d", c.limit)
	}
}

// CheckBadTokens: a token no list made (malformed, too long) is an error wrapping
// resellerkit.ErrPageToken and none of sentinels, with no rows and no next token,
// in the list of each of scopes (the first of Scopes when none is given; name a
// scope with no rows to check that too).
func (l Lister[S]) CheckBadTokens(t *testing.T, s S, sentinels Sentinels, scopes ...string) {
	if len(scopes) == 0 {
		scopes = []string{l.Scopes[0]}
	}
	l.Fill(t, s, l.Scopes[0], "k1", "k2")
	for _, scope := range scopes {
		for _, token := range []string{"!", "a", "not a token", "%2F", "====", "k1\x00", strings.Repeat("a", resellerkit.MaxPageToken+4)} {
			rows, next, err := l.List(t.Context(), s, scope, resellerkit.Page{Token: token})
			sentinels.Is(t, err, resellerkit.ErrPageToken, "%s: token %q", scope, token)
			assert.Empty(t, rows, "%s: token %q", scope, token)
			assert.Empty(t, next, "%s: token %q", scope, token)
		}
	}
}

// CheckChanges pages through a list three rows a page while, between pages, rows
// are added before the position, right after it and after everything, and (with
// Remove) the row the token names, a row already read and the next unread row are
// removed. No row comes twice (keys strictly increase), every row that existed
// throughout comes and so does every row added ahead of the position, and no row
// added behind it or removed before it was reached does.
func (l Lister[S]) CheckChanges(t *testing.T, s S) {
	ctx := t.Context()
	scope := l.Scopes[0]
	var initial []string
	for i := 0; i < 40; i += 2 {
		initial = append(initial, fmt.Sprintf("k%02d", i))
	}
	l.Fill(t, s, scope, initial...)
	gone := map[string]bool{}    // removed before the walk reached them
	removed := map[string]bool{} // removed at all
	remove := func(k, why string) {
		t.Helper()
		require.NoError(t, l.Remove(ctx, s, scope, k), "remove %q: %s", k, why)
		removed[k] = true
	}
	var seen, ahead []string
	page := resellerkit.Page{Limit: 3}
	for i := 0; ; i++ {
		require.Less(t, i, maxPages, "the list never ended")
		rows, next, err := l.List(ctx, s, scope, page)
		require.NoError(t, err, "page %d", i+1)
		for _, r := range rows {
			require.Equal(t, scope, r.Scope)
			seen = append(seen, r.Key)
		}
		if next == "" {
			break
		}
		page.Token = next
		require.NotEmpty(t, rows, "page %d has a token but no rows", i+1)
		last := rows[len(rows)-1].Key
		for _, k := range []string{fmt.Sprintf("a%02d", i), last + "+", fmt.Sprintf("z%02d", i)} {
			require.NoError(t, l.Add(ctx, s, scope, k), "add %q", k)
		}
		ahead = append(ahead, last+"+", fmt.Sprintf("z%02d", i))
		if l.Remove == nil {
			continue
		}
		remove(last, "the row the token names")
		if k := seen[0]; !removed[k] {
			remove(k, "a row already read")
		}
		if idx := slices.Index(initial, last); idx >= 0 && idx+1 < len(initial) {
			k := initial[idx+1]
			remove(k, "the next unread row")
			gone[k] = true
		}
	}
	for i := 1; i < len(seen); i++ {
		require.Less(t, seen[i-1], seen[i], "rows %d and %d: a row came twice or out of order: %q", i-1, i, seen)
	}
	for _, k := range initial {
		if gone[k] {
			assert.NotContains(t, seen, k, "removed before the walk reached it")
		} else {
			assert.Contains(t, seen, k, "existed throughout the walk")
		}
	}
	for _, k := range ahead {
		assert.Contains(t, seen, k, "a row added ahead of the walk")
	}
	assert.NotContains(t, seen, "a00", "a row added behind the walk")
	if l.Remove != nil {
		assert.NotEmpty(t, gone, "the walk removed unread rows")
	}
}

// CheckOwnRows: the list of each of Scopes holds its rows and no other's, and the
// list of each of empty (scopes with no rows, or missing) is empty, not an error.
// The list must be scoped.
func (l Lister[S]) CheckOwnRows(t *testing.T, s S, empty ...string) {
	a, b := l.Scopes[0], l.Scopes[1]
	l.Fill(t, s, a, "k1", "k3")
	l.Fill(t, s, b, "k2", "k4")
	assert.Equal(t, []string{"k1", "k3"}, l.WalkKeys(t, s, a, 1))
	assert.Equal(t, []string{"k2", "k4"}, l.WalkKeys(t, s, b, 0))
	for _, scope := range empty {
		rows, next, err := l.List(t.Context(), s, scope, resellerkit.Page{})
		require.NoError(t, err, "scope %q", scope)
		assert.Empty(t, rows, "scope %q", scope)
		assert.Empty(t, next, "scope %q", scope)
	}
}

// CheckForeignToken: a token from one scope's list, given to another's, pages the
// other's rows after the token's key and never one of the first scope's. The list
// must be scoped.
func (l Lister[S]) CheckForeignToken(t *testing.T, s S) {
	a, b := l.Scopes[0], l.Scopes[1]
	l.Fill(t, s, a, "k01", "k03", "k05", "k07")
	l.Fill(t, s, b, "k02", "k04", "k06", "k08")
	rows, tokenA, err := l.List(t.Context(), s, a, resellerkit.Page{Limit: 2})
	require.NoError(t, err)
	require.Equal(t, []Row{{"k01", a}, {"k03", a}}, rows)
	require.NotEmpty(t, tokenA)

	rows, next, err := l.List(t.Context(), s, b, resellerkit.Page{Limit: 10, Token: tokenA})
	require.NoError(t, err)
	assert.Equal(t, []Row{{"k04", b}, {"k06", b}, {"k08", b}}, rows, "B's rows after the token's key, none of A's")
	assert.Empty(t, next)

	_, tokenB, err := l.List(t.Context(), s, b, resellerkit.Page{Limit: 1})
	require.NoError(t, err)
	rows, _, err = l.List(t.Context(), s, a, resellerkit.Page{Limit: 10, Token: tokenB})
	require.NoError(t, err)
	assert.Equal(t, []Row{{"k03", a}, {"k05", a}, {"k07", a}}, rows, "A's rows after B's token, none of B's")
}

// CheckMaxLimit: a Limit above resellerkit.MaxPageLimit gets exactly MaxPageLimit
// rows and a token, not everything.
func (l Lister[S]) CheckMaxLimit(t *testing.T, s S) {
	scope := l.Scopes[0]
	n := resellerkit.MaxPageLimit + 1
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("k%05d", i)
	}
	l.Fill(t, s, scope, keys...)
	for _, limit := range []int{resellerkit.MaxPageLimit + 1, math.MaxInt} {
		rows, next, err := l.List(t.Context(), s, scope, resellerkit.Page{Limit: limit})
		require.NoError(t, err)
		require.Len(t, rows, resellerkit.MaxPageLimit, "limit %d", limit)
		require.NotEmpty(t, next, "limit %d", limit)
		rest, last, err := l.List(t.Context(), s, scope, resellerkit.Page{Limit: limit, Token: next})
		require.NoError(t, err)
		assert.Equal(t, []Row{{keys[n-1], scope}}, rest, "limit %d", limit)
		assert.Empty(t, last, "limit %d", limit)
	}
}
