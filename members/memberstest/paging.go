package memberstest

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
)

// pagingCases checks resellerkit.Page on every list of the contract: keyset pages in
// the byte order of the key, the size asked for (the default for 0 or less, never
// more than the maximum), "" after the last page, malformed tokens refused, no row
// twice while rows come and go between pages, and no token that crosses
// organizations (M-7).
func pagingCases() []storeCase {
	var cases []storeCase
	for _, l := range listers() {
		cases = append(cases,
			storeCase{"Store/" + l.name + "/PagesInByteOrderOfTheKey", func(t *testing.T, s members.Store) { pagesInKeyOrder(t, s, l) }},
			storeCase{"Store/" + l.name + "/PageSize", func(t *testing.T, s members.Store) { pageSizes(t, s, l) }},
			storeCase{"Store/" + l.name + "/MalformedTokenIsErrPageToken", func(t *testing.T, s members.Store) { malformedTokens(t, s, l) }},
			storeCase{"Store/" + l.name + "/NoRowTwiceWhileRowsChange", func(t *testing.T, s members.Store) { rowsChangeBetweenPages(t, s, l) }},
		)
		if l.scoped {
			cases = append(cases, storeCase{"M-7/" + l.name + "/TokenOfAnotherScopeListsOnlyItsOwn",
				func(t *testing.T, s members.Store) { tokenOfAnotherScope(t, s, l) }})
		}
	}
	return append(cases, storeCase{"Store/ListProjects/LimitAboveMaximumGetsMaximum", limitAboveMaximum})
}

// fill prepares scope and adds rows with keys to its list, in one transaction
// (fast on SQL stores).
func fill(t *testing.T, s members.Store, l lister, scope string, keys ...string) {
	t.Helper()
	require.NoError(t, s.InTx(t.Context(), func(ctx context.Context) error {
		if l.prepare != nil {
			if err := l.prepare(ctx, s, scope); err != nil {
				return err
			}
		}
		for _, k := range keys {
			if err := l.add(ctx, s, scope, k); err != nil {
				return fmt.Errorf("add %q: %w", k, err)
			}
		}
		return nil
	}))
}

// walk reads scope's whole list with page.Limit limit and returns its pages. Every
// page but the last holds exactly page.Size() rows and a token; the last holds at
// most that many and the token "". Every row is of scope.
func walk(t *testing.T, s members.Store, l lister, scope string, page resellerkit.Page) [][]row {
	t.Helper()
	var pages [][]row
	for range maxPages {
		rows, next, err := l.list(t.Context(), s, scope, page)
		require.NoError(t, err, "page %d", len(pages)+1)
		pages = append(pages, rows)
		for _, r := range rows {
			require.Equal(t, scope, r.scope, "row %q of page %d", r.key, len(pages))
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

// walkKeys is walk's rows' keys, in order.
func walkKeys(t *testing.T, s members.Store, l lister, scope string, limit int) []string {
	t.Helper()
	return keysOf(slices.Concat(walk(t, s, l, scope, resellerkit.Page{Limit: limit})...), func(r row) string { return r.key })
}

// orderKeys are keys whose byte order differs from a locale's order (case, accents,
// punctuation, prefixes), in no order.
var orderKeys = []string{"b", "B", "_", "a", "A1", "Ä", "a-1", "~", "0", "a1", "ä", "ab"}

func pagesInKeyOrder(t *testing.T, s members.Store, l lister) {
	fill(t, s, l, scopeOf(l, "sa"), orderKeys...)
	want := slices.Sorted(slices.Values(orderKeys))
	for _, limit := range []int{1, 3, 5, len(orderKeys), 0} {
		assert.Equal(t, want, walkKeys(t, s, l, scopeOf(l, "sa"), limit), "limit %d: byte order of the key", limit)
	}
}

func pageSizes(t *testing.T, s members.Store, l lister) {
	n := resellerkit.DefaultPageLimit + 1
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("k%04d", i)
	}
	scope := scopeOf(l, "sa")
	fill(t, s, l, scope, keys...)
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
		pages := walk(t, s, l, scope, resellerkit.Page{Limit: c.limit})
		sizes := make([]int, len(pages))
		for i, p := range pages {
			sizes[i] = len(p)
		}
		assert.Equal(t, c.sizes, sizes, "limit %d", c.limit)
		assert.Equal(t, keys, keysOf(slices.Concat(pages...), func(r row) string { return r.key }), "limit %d", c.limit)
	}
}

func malformedTokens(t *testing.T, s members.Store, l lister) {
	scope := scopeOf(l, "sa")
	fill(t, s, l, scope, "k1", "k2")
	for _, token := range []string{"!", "a", "not a token", "%2F", "====", "k1\x00"} {
		rows, next, err := l.list(t.Context(), s, scope, resellerkit.Page{Token: token})
		require.ErrorIs(t, err, resellerkit.ErrPageToken, "token %q", token)
		assert.Empty(t, rows, "token %q", token)
		assert.Empty(t, next, "token %q", token)
	}
}

// rowsChangeBetweenPages pages through a list with three rows a page while, between
// pages, rows are added before the position, right after it and after everything,
// and (where the contract can remove rows) the row the token names, a row already
// read and the next unread row are removed. No row comes twice (keys strictly
// increase), every row that existed throughout comes, and no row removed before it
// was reached does.
func rowsChangeBetweenPages(t *testing.T, s members.Store, l lister) {
	ctx := t.Context()
	scope := scopeOf(l, "sa")
	var initial []string
	for i := 0; i < 40; i += 2 {
		initial = append(initial, fmt.Sprintf("k%02d", i))
	}
	fill(t, s, l, scope, initial...)
	gone := map[string]bool{}    // removed before the walk reached them
	removed := map[string]bool{} // removed at all
	remove := func(k, why string) {
		t.Helper()
		require.NoError(t, l.remove(ctx, s, scope, k), "remove %q: %s", k, why)
		removed[k] = true
	}
	var seen []string
	page := resellerkit.Page{Limit: 3}
	for i := 0; ; i++ {
		require.Less(t, i, maxPages, "the list never ended")
		rows, next, err := l.list(ctx, s, scope, page)
		require.NoError(t, err, "page %d", i+1)
		for _, r := range rows {
			require.Equal(t, scope, r.scope)
			seen = append(seen, r.key)
		}
		if next == "" {
			break
		}
		page.Token = next
		require.NotEmpty(t, rows, "page %d has a token but no rows", i+1)
		last := rows[len(rows)-1].key
		for _, k := range []string{fmt.Sprintf("a%02d", i), last + "+", fmt.Sprintf("z%02d", i)} {
			require.NoError(t, l.add(ctx, s, scope, k), "add %q", k)
		}
		if l.remove == nil {
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
	if l.remove != nil {
		assert.NotEmpty(t, gone, "the walk removed unread rows")
	}
}

// tokenOfAnotherScope: a token from scope A's list, given to scope B's, pages B's
// rows after the token's key and never one of A's (M-7).
func tokenOfAnotherScope(t *testing.T, s members.Store, l lister) {
	a, b := scopeOf(l, "sa"), scopeOf(l, "sb")
	fill(t, s, l, a, "k01", "k03", "k05", "k07")
	fill(t, s, l, b, "k02", "k04", "k06", "k08")
	rows, tokenA, err := l.list(t.Context(), s, a, resellerkit.Page{Limit: 2})
	require.NoError(t, err)
	require.Equal(t, []row{{"k01", a}, {"k03", a}}, rows)
	require.NotEmpty(t, tokenA)

	rows, next, err := l.list(t.Context(), s, b, resellerkit.Page{Limit: 10, Token: tokenA})
	require.NoError(t, err)
	assert.Equal(t, []row{{"k04", b}, {"k06", b}, {"k08", b}}, rows, "B's rows after the token's key, none of A's")
	assert.Empty(t, next)

	_, tokenB, err := l.list(t.Context(), s, b, resellerkit.Page{Limit: 1})
	require.NoError(t, err)
	rows, _, err = l.list(t.Context(), s, a, resellerkit.Page{Limit: 10, Token: tokenB})
	require.NoError(t, err)
	assert.Equal(t, []row{{"k03", a}, {"k05", a}, {"k07", a}}, rows, "A's rows after B's token, none of B's")
}

// limitAboveMaximum: a Limit above resellerkit.MaxPageLimit gets exactly
// MaxPageLimit rows, not everything.
func limitAboveMaximum(t *testing.T, s members.Store) {
	l := lists("ListProjects")
	n := resellerkit.MaxPageLimit + 1
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("p%05d", i)
	}
	fill(t, s, l, "o1", keys...)
	for _, limit := range []int{resellerkit.MaxPageLimit + 1, math.MaxInt} {
		rows, next, err := l.list(t.Context(), s, "o1", resellerkit.Page{Limit: limit})
		require.NoError(t, err)
		require.Len(t, rows, resellerkit.MaxPageLimit, "limit %d", limit)
		require.NotEmpty(t, next, "limit %d", limit)
		rest, last, err := l.list(t.Context(), s, "o1", resellerkit.Page{Limit: limit, Token: next})
		require.NoError(t, err)
		assert.Equal(t, []row{{keys[n-1], "o1"}}, rest, "limit %d", limit)
		assert.Empty(t, last, "limit %d", limit)
	}
}

// scopeOf returns scope for a scoped list, "" for an unscoped one.
func scopeOf(l lister, scope string) string {
	if l.scoped {
		return scope
	}
	return ""
}
