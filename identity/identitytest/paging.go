package identitytest

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/identity"
)

// row is one item of a list as the paging cases see it: its key (the one the list
// is ordered by) and the identity it belongs to ("" for ListIdentities).
type row struct{ key, scope string }

// lister is one paged list of the Store contract, seen through keys and scopes, so
// the paging cases run the same checks on each.
type lister struct {
	name   string // the Store method
	scoped bool   // the list is of one identity
	// add stores a row with key in scope's list (creating the identity scope first
	// if needed).
	add func(ctx context.Context, s identity.Store, scope, key string) error
	// remove takes the row with key out of scope's list.
	remove func(ctx context.Context, s identity.Store, scope, key string) error
	// list returns one page of scope's list.
	list func(ctx context.Context, s identity.Store, scope string, page resellerkit.Page) ([]row, string, error)
}

// ensureIdentity creates identity id unless it exists, without a call that fails:
// listers add rows inside transactions.
func ensureIdentity(ctx context.Context, s identity.Store, id string) error {
	_, err := s.GetIdentity(ctx, id)
	if errors.Is(err, identity.ErrNotFound) {
		return s.CreateIdentity(ctx, pagedIdentity(id))
	}
	return err
}

// pagedIdentity is Identity(id) with an email made of id's hex, so that ids which
// differ only in case or accents never make emails that a store might confuse.
func pagedIdentity(id string) identity.Identity {
	i := Identity(id)
	i.Email = "u" + hex.EncodeToString([]byte(id)) + "@example.com"
	return i
}

// rowsOf turns a page of T into rows with key and scope.
func rowsOf[T any](key, scope func(T) string) func([]T, string, error) ([]row, string, error) {
	return func(items []T, next string, err error) ([]row, string, error) {
		rows := make([]row, len(items))
		for i, v := range items {
			rows[i] = row{key(v), scope(v)}
		}
		return rows, next, err
	}
}

// listers returns the three paged lists of the contract.
func listers() []lister {
	return []lister{{
		name: "ListIdentities",
		add: func(ctx context.Context, s identity.Store, _, key string) error {
			return s.CreateIdentity(ctx, pagedIdentity(key))
		},
		remove: func(ctx context.Context, s identity.Store, _, key string) error {
			i, err := s.GetIdentity(ctx, key)
			if err != nil {
				return err
			}
			return s.DeleteIdentity(ctx, key, i.Version)
		},
		list: func(ctx context.Context, s identity.Store, _ string, p resellerkit.Page) ([]row, string, error) {
			return rowsOf(func(i identity.Identity) string { return i.ID },
				func(identity.Identity) string { return "" })(s.ListIdentities(ctx, p))
		},
	}, {
		name: "ListSessions", scoped: true,
		add: func(ctx context.Context, s identity.Store, scope, key string) error {
			if err := ensureIdentity(ctx, s, scope); err != nil {
				return err
			}
			return s.CreateSession(ctx, Session(scope, key))
		},
		remove: func(ctx context.Context, s identity.Store, scope, key string) error {
			return s.DeleteSession(ctx, scope, key)
		},
		list: func(ctx context.Context, s identity.Store, scope string, p resellerkit.Page) ([]row, string, error) {
			return rowsOf(func(x identity.Session) string { return x.ID },
				func(x identity.Session) string { return x.IdentityID })(s.ListSessions(ctx, scope, p))
		},
	}, {
		name: "ListAPIKeys", scoped: true,
		add: func(ctx context.Context, s identity.Store, scope, key string) error {
			if err := ensureIdentity(ctx, s, scope); err != nil {
				return err
			}
			return s.CreateAPIKey(ctx, APIKey(scope, key))
		},
		remove: func(ctx context.Context, s identity.Store, scope, key string) error {
			return s.DeleteAPIKey(ctx, scope, key)
		},
		list: func(ctx context.Context, s identity.Store, scope string, p resellerkit.Page) ([]row, string, error) {
			return rowsOf(func(k identity.APIKey) string { return k.ID },
				func(k identity.APIKey) string { return k.IdentityID })(s.ListAPIKeys(ctx, scope, p))
		},
	}}
}

// pagingCases check resellerkit.Page on every paged list: keyset pages in the byte
// order of the id, every row once, the size asked for, "" after the last page,
// tokens no list made refused, no row twice while rows come and go between pages,
// and (for the lists of one identity) no token that crosses identities.
func pagingCases() []storeCase {
	var cases []storeCase
	for _, l := range listers() {
		p := "Paging/" + l.name + "/"
		cases = append(cases,
			storeCase{p + "EveryRowOnceInIDByteOrder", func(t *testing.T, s identity.Store) { pagesInKeyOrder(t, s, l) }},
			storeCase{p + "PageSize", func(t *testing.T, s identity.Store) { pageSizes(t, s, l) }},
			storeCase{p + "BadTokenIsErrPageToken", func(t *testing.T, s identity.Store) { badTokens(t, s, l) }},
			storeCase{p + "NoRowTwiceWhileRowsChange", func(t *testing.T, s identity.Store) { rowsChangeBetweenPages(t, s, l) }},
		)
		if l.scoped {
			cases = append(cases,
				storeCase{p + "OnlyTheIdentitysRows", func(t *testing.T, s identity.Store) { onlyTheIdentitysRows(t, s, l) }},
				storeCase{p + "TokenOfAnotherIdentityListsOnlyItsOwn", func(t *testing.T, s identity.Store) { tokenOfAnotherScope(t, s, l) }},
			)
		}
	}
	return append(cases, storeCase{"Paging/ListIdentities/LimitAboveMaximumGetsMaximum", limitAboveMaximum})
}

// scopeOf returns scope for a scoped list, "" for ListIdentities.
func scopeOf(l lister, scope string) string {
	if l.scoped {
		return scope
	}
	return ""
}

// fill adds rows with keys to scope's list, in one transaction (fast on SQL
// stores).
func fill(t *testing.T, s identity.Store, l lister, scope string, keys ...string) {
	t.Helper()
	require.NoError(t, s.InTx(t.Context(), func(ctx context.Context) error {
		for _, k := range keys {
			if err := l.add(ctx, s, scope, k); err != nil {
				return fmt.Errorf("add %q: %w", k, err)
			}
		}
		return nil
	}))
}

// maxPages bounds how many pages a walk reads: a store whose tokens never end
// fails instead of looping.
const maxPages = 10_000

// walk reads scope's whole list and returns its pages. Every page but the last
// holds exactly page.Size() rows and a token; the last holds at most that many and
// the token "". Every row is of scope.
func walk(t *testing.T, s identity.Store, l lister, scope string, page resellerkit.Page) [][]row {
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

// keys returns the keys of rows, in order.
func keys(rows []row) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.key
	}
	return out
}

// orderKeys are keys whose byte order differs from a locale's order (case,
// accents, punctuation, prefixes), in no order.
var orderKeys = []string{"b", "B", "_", "a", "A1", "Ä", "a-1", "~", "0", "a1", "ä", "ab"}

func pagesInKeyOrder(t *testing.T, s identity.Store, l lister) {
	scope := scopeOf(l, "sa")
	fill(t, s, l, scope, orderKeys...)
	want := slices.Sorted(slices.Values(orderKeys))
	for _, limit := range []int{1, 3, 5, len(orderKeys) - 1, len(orderKeys), 0} {
		got := keys(slices.Concat(walk(t, s, l, scope, resellerkit.Page{Limit: limit})...))
		assert.Equal(t, want, got, "limit %d: every row once, in the byte order of the id", limit)
	}
}

func pageSizes(t *testing.T, s identity.Store, l lister) {
	n := resellerkit.DefaultPageLimit + 1
	ks := make([]string, n)
	for i := range ks {
		ks[i] = fmt.Sprintf("k%04d", i)
	}
	scope := scopeOf(l, "sa")
	fill(t, s, l, scope, ks...)
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
		assert.Equal(t, ks, keys(slices.Concat(pages...)), "limit %d", c.limit)
	}
}

// badTokens: a token no list made is an error wrapping resellerkit.ErrPageToken,
// with no rows and no next token.
func badTokens(t *testing.T, s identity.Store, l lister) {
	scope := scopeOf(l, "sa")
	fill(t, s, l, scope, "k1", "k2")
	for _, token := range []string{"!", "a", "not a token", "%2F", "====", "k1\x00", strings.Repeat("a", resellerkit.MaxPageToken+4)} {
		rows, next, err := l.list(t.Context(), s, scope, resellerkit.Page{Token: token})
		require.ErrorIs(t, err, resellerkit.ErrPageToken, "token %q", token)
		for _, sentinel := range sentinels {
			require.NotErrorIs(t, err, sentinel, "token %q", token)
		}
		assert.Empty(t, rows, "token %q", token)
		assert.Empty(t, next, "token %q", token)
	}
}

// rowsChangeBetweenPages pages through a list three rows a page while, between
// pages, rows are added before the position, right after it and after everything,
// and the row the token names, a row already read and the next unread row are
// removed. No row comes twice (keys strictly increase), every row that existed
// throughout comes, and no row removed before it was reached does.
func rowsChangeBetweenPages(t *testing.T, s identity.Store, l lister) {
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
	assert.NotEmpty(t, gone, "the walk removed unread rows")
}

// onlyTheIdentitysRows: an identity's list holds its rows and no other's; the list
// of an identity with none, or of a missing identity, is empty, not an error.
func onlyTheIdentitysRows(t *testing.T, s identity.Store, l lister) {
	fill(t, s, l, "sa", "k1", "k3")
	fill(t, s, l, "sb", "k2", "k4")
	must(t, ensureIdentity(t.Context(), s, "sc"))
	assert.Equal(t, []string{"k1", "k3"}, keys(slices.Concat(walk(t, s, l, "sa", resellerkit.Page{Limit: 1})...)))
	assert.Equal(t, []string{"k2", "k4"}, keys(slices.Concat(walk(t, s, l, "sb", resellerkit.Page{})...)))
	for _, scope := range []string{"sc", "nobody", ""} {
		rows, next, err := l.list(t.Context(), s, scope, resellerkit.Page{})
		require.NoError(t, err, "identity %q", scope)
		assert.Empty(t, rows, "identity %q", scope)
		assert.Empty(t, next, "identity %q", scope)
	}
}

// tokenOfAnotherScope: a token from identity A's list, given to B's, pages B's rows
// after the token's key and never one of A's.
func tokenOfAnotherScope(t *testing.T, s identity.Store, l lister) {
	a, b := "sa", "sb"
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
func limitAboveMaximum(t *testing.T, s identity.Store) {
	l := listers()[0]
	n := resellerkit.MaxPageLimit + 1
	ks := make([]string, n)
	for i := range ks {
		ks[i] = fmt.Sprintf("i%05d", i)
	}
	fill(t, s, l, "", ks...)
	for _, limit := range []int{resellerkit.MaxPageLimit + 1, math.MaxInt} {
		rows, next, err := l.list(t.Context(), s, "", resellerkit.Page{Limit: limit})
		require.NoError(t, err)
		require.Len(t, rows, resellerkit.MaxPageLimit, "limit %d", limit)
		require.NotEmpty(t, next, "limit %d", limit)
		rest, last, err := l.list(t.Context(), s, "", resellerkit.Page{Limit: limit, Token: next})
		require.NoError(t, err)
		assert.Equal(t, []row{{ks[n-1], ""}}, rest, "limit %d", limit)
		assert.Empty(t, last, "limit %d", limit)
	}
}
