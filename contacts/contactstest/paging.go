package contactstest

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
)

// row is one item of a list as the paging cases see it: its key (the one the list
// is ordered by) and the organization it belongs to.
type row struct{ key, org string }

// lister is one paged list of the Store contract, seen through keys and
// organizations, so the paging cases run the same checks on each.
type lister struct {
	name string // the Store method, and the state filter if any
	// noOrg is set for a list that also holds rows of no organization ("").
	noOrg bool
	// add stores a row with key in org's list, and rows of org the list must not
	// return (a notice in another state).
	add func(ctx context.Context, s contacts.Store, org, key string) error
	// list returns one page of org's list.
	list func(ctx context.Context, s contacts.Store, org string, page resellerkit.Page) ([]row, string, error)
}

// rowsOf turns a page of T into rows with key and org.
func rowsOf[T any](key, org func(T) string) func([]T, string, error) ([]row, string, error) {
	return func(items []T, next string, err error) ([]row, string, error) {
		rows := make([]row, len(items))
		for i, v := range items {
			rows[i] = row{key(v), org(v)}
		}
		return rows, next, err
	}
}

// listNotices returns ListNotices of state as a list of rows.
func listNotices(state contacts.NoticeState) func(ctx context.Context, s contacts.Store, org string, p resellerkit.Page) ([]row, string, error) {
	return func(ctx context.Context, s contacts.Store, org string, p resellerkit.Page) ([]row, string, error) {
		return rowsOf(func(n contacts.Notice) string { return n.ID },
			func(n contacts.Notice) string { return n.OrgID })(s.ListNotices(ctx, org, state, p))
	}
}

// listers returns the paged lists of the contract: ListAccountContacts, and
// ListNotices without and with a state filter.
func listers() []lister {
	return []lister{{
		name: "ListAccountContacts",
		add: func(ctx context.Context, s contacts.Store, org, key string) error {
			return s.PutAccountContacts(ctx, Contacts(org, key))
		},
		list: func(ctx context.Context, s contacts.Store, org string, p resellerkit.Page) ([]row, string, error) {
			return rowsOf(func(c contacts.AccountContacts) string { return c.AccountID },
				func(c contacts.AccountContacts) string { return c.OrgID })(s.ListAccountContacts(ctx, org, p))
		},
	}, {
		name: "ListNotices", noOrg: true,
		add: func(ctx context.Context, s contacts.Store, org, key string) error {
			return s.EnqueueNotice(ctx, Notice(org, key))
		},
		list: listNotices(""),
	}, {
		// The dead notices, among queued ones: each row is enqueued, claimed (it is
		// the only notice due) and finished dead, beside a queued notice due later
		// whose id sorts right after it.
		name: "ListNotices/dead", noOrg: true,
		add: func(ctx context.Context, s contacts.Store, org, key string) error {
			if err := s.EnqueueNotice(ctx, at(org, key, time.Time{})); err != nil {
				return err
			}
			got, err := s.ClaimNotices(ctx, "pager", t0, t0.Add(time.Minute), 1)
			if err != nil {
				return err
			}
			if len(got) != 1 || got[0].ID != key {
				return fmt.Errorf("claimed %q, want only %q", ids(got), key)
			}
			got[0].State, got[0].LastError = contacts.NoticeDead, "550"
			if err := s.FinishNotice(ctx, got[0], "pager"); err != nil {
				return err
			}
			return s.EnqueueNotice(ctx, at(org, key+".queued", never))
		},
		list: listNotices(contacts.NoticeDead),
	}}
}

// pagingCases check resellerkit.Page on every paged list: keyset pages in the byte
// order of the key, every row once, the size asked for, "" after the last page,
// tokens no list made refused, no row twice while rows are added between pages,
// and no token that crosses organizations (M-7).
func pagingCases() []storeCase {
	var cases []storeCase
	for _, l := range listers() {
		p := "Paging/" + l.name + "/"
		cases = append(cases,
			storeCase{p + "EveryRowOnceInByteOrder", func(t *testing.T, s contacts.Store) { pagesInKeyOrder(t, s, l) }},
			storeCase{p + "PageSize", func(t *testing.T, s contacts.Store) { pageSizes(t, s, l) }},
			storeCase{p + "BadTokenIsErrPageToken", func(t *testing.T, s contacts.Store) { badTokens(t, s, l) }},
			storeCase{p + "NoRowTwiceWhileRowsAreAdded", func(t *testing.T, s contacts.Store) { rowsAddedBetweenPages(t, s, l) }},
			storeCase{p + "OnlyTheOrgsRows_M7", func(t *testing.T, s contacts.Store) { onlyTheOrgsRows(t, s, l) }},
			storeCase{p + "TokenOfAnotherOrgListsOnlyItsOwn_M7", func(t *testing.T, s contacts.Store) { tokenOfAnotherOrg(t, s, l) }},
		)
	}
	return append(cases, storeCase{"Paging/ListNotices/LimitAboveMaximumGetsMaximum", limitAboveMaximum})
}

// fill adds rows with keys to org's list, in one transaction (fast on SQL stores).
func fill(t *testing.T, s contacts.Store, l lister, org string, keys ...string) {
	t.Helper()
	require.NoError(t, s.InTx(t.Context(), func(ctx context.Context) error {
		for _, k := range keys {
			if err := l.add(ctx, s, org, k); err != nil {
				return fmt.Errorf("add %q: %w", k, err)
			}
		}
		return nil
	}))
}

// maxPages bounds how many pages a walk reads: a store whose tokens never end
// fails instead of looping.
const maxPages = 10_000

// walk reads org's whole list and returns its pages. Every page but the last holds
// exactly page.Size() rows and a token; the last holds at most that many and the
// token "". Every row is of org.
func walk(t *testing.T, s contacts.Store, l lister, org string, page resellerkit.Page) [][]row {
	t.Helper()
	var pages [][]row
	for range maxPages {
		rows, next, err := l.list(t.Context(), s, org, page)
		require.NoError(t, err, "page %d", len(pages)+1)
		pages = append(pages, rows)
		for _, r := range rows {
			require.Equal(t, org, r.org, "row %q of page %d", r.key, len(pages))
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

// walkKeys is the keys of walk's rows, in order.
func walkKeys(t *testing.T, s contacts.Store, l lister, org string, limit int) []string {
	t.Helper()
	return keys(slices.Concat(walk(t, s, l, org, resellerkit.Page{Limit: limit})...))
}

// orderKeys are keys whose byte order differs from a locale's order (case,
// accents, punctuation, prefixes), in no order.
var orderKeys = []string{"b", "B", "_", "a", "A1", "Ä", "a-1", "~", "0", "a1", "ä", "ab"}

func pagesInKeyOrder(t *testing.T, s contacts.Store, l lister) {
	fill(t, s, l, "o1", orderKeys...)
	want := slices.Sorted(slices.Values(orderKeys))
	for _, limit := range []int{1, 3, 5, len(orderKeys) - 1, len(orderKeys), 0} {
		assert.Equal(t, want, walkKeys(t, s, l, "o1", limit), "limit %d: every row once, in byte order", limit)
	}
}

func pageSizes(t *testing.T, s contacts.Store, l lister) {
	n := resellerkit.DefaultPageLimit + 1
	ks := make([]string, n)
	for i := range ks {
		ks[i] = fmt.Sprintf("k%04d", i)
	}
	fill(t, s, l, "o1", ks...)
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
		pages := walk(t, s, l, "o1", resellerkit.Page{Limit: c.limit})
		sizes := make([]int, len(pages))
		for i, p := range pages {
			sizes[i] = len(p)
		}
		assert.Equal(t, c.sizes, sizes, "limit %d", c.limit)
		assert.Equal(t, ks, keys(slices.Concat(pages...)), "limit %d", c.limit)
	}
}

// badTokens: a token no list made is an error wrapping resellerkit.ErrPageToken,
// with no rows and no next token, also for an organization with no rows.
func badTokens(t *testing.T, s contacts.Store, l lister) {
	fill(t, s, l, "o1", "k1", "k2")
	for _, org := range []string{"o1", "o9"} {
		for _, token := range []string{"!", "a", "not a token", "%2F", "====", "k1\x00", strings.Repeat("a", resellerkit.MaxPageToken+4)} {
			rows, next, err := l.list(t.Context(), s, org, resellerkit.Page{Token: token})
			require.ErrorIs(t, err, resellerkit.ErrPageToken, "%s: token %q", org, token)
			for _, sentinel := range sentinels {
				require.NotErrorIs(t, err, sentinel, "%s: token %q", org, token)
			}
			assert.Empty(t, rows, "%s: token %q", org, token)
			assert.Empty(t, next, "%s: token %q", org, token)
		}
	}
}

// rowsAddedBetweenPages pages through a list three rows a page while, between
// pages, rows are added before the position, right after it and after
// everything. No row comes twice (keys strictly increase), every row that existed
// throughout comes, and so do the rows added after the position.
func rowsAddedBetweenPages(t *testing.T, s contacts.Store, l lister) {
	ctx := t.Context()
	var initial []string
	for i := 0; i < 40; i += 2 {
		initial = append(initial, fmt.Sprintf("k%02d", i))
	}
	fill(t, s, l, "o1", initial...)
	var seen, ahead []string
	page := resellerkit.Page{Limit: 3}
	for i := 0; ; i++ {
		require.Less(t, i, maxPages, "the list never ended")
		rows, next, err := l.list(ctx, s, "o1", page)
		require.NoError(t, err, "page %d", i+1)
		for _, r := range rows {
			require.Equal(t, "o1", r.org)
			seen = append(seen, r.key)
		}
		if next == "" {
			break
		}
		page.Token = next
		require.NotEmpty(t, rows, "page %d has a token but no rows", i+1)
		last := rows[len(rows)-1].key
		for _, k := range []string{fmt.Sprintf("a%02d", i), last + "+", fmt.Sprintf("z%02d", i)} {
			require.NoError(t, l.add(ctx, s, "o1", k), "add %q", k)
		}
		ahead = append(ahead, last+"+", fmt.Sprintf("z%02d", i))
	}
	for i := 1; i < len(seen); i++ {
		require.Less(t, seen[i-1], seen[i], "rows %d and %d: a row came twice or out of order: %q", i-1, i, seen)
	}
	for _, k := range slices.Concat(initial, ahead) {
		assert.Contains(t, seen, k, "a row that was ahead of the walk")
	}
	assert.NotContains(t, seen, "a00", "a row added behind the walk")
}

// onlyTheOrgsRows: an organization's list holds its rows and no other's, and the
// list of no organization ("") only the rows of none; the list of an organization
// with none is empty, not an error.
func onlyTheOrgsRows(t *testing.T, s contacts.Store, l lister) {
	fill(t, s, l, "o1", "k1", "k3")
	fill(t, s, l, "o2", "k2", "k4")
	empty := []string{"o3", "O1", "o", ""}
	if l.noOrg {
		fill(t, s, l, "", "k5")
		assert.Equal(t, []string{"k5"}, walkKeys(t, s, l, "", 0))
		empty = empty[:len(empty)-1]
	}
	assert.Equal(t, []string{"k1", "k3"}, walkKeys(t, s, l, "o1", 1))
	assert.Equal(t, []string{"k2", "k4"}, walkKeys(t, s, l, "o2", 0))
	for _, org := range empty {
		rows, next, err := l.list(t.Context(), s, org, resellerkit.Page{})
		require.NoError(t, err, "organization %q", org)
		assert.Empty(t, rows, "organization %q", org)
		assert.Empty(t, next, "organization %q", org)
	}
}

// tokenOfAnotherOrg: a token from organization A's list, given to B's, pages B's
// rows after the token's key and never one of A's (M-7).
func tokenOfAnotherOrg(t *testing.T, s contacts.Store, l lister) {
	a, b := "o1", "o2"
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
func limitAboveMaximum(t *testing.T, s contacts.Store) {
	l := listers()[1]
	n := resellerkit.MaxPageLimit + 1
	ks := make([]string, n)
	for i := range ks {
		ks[i] = fmt.Sprintf("n%05d", i)
	}
	fill(t, s, l, "o1", ks...)
	for _, limit := range []int{resellerkit.MaxPageLimit + 1, math.MaxInt} {
		rows, next, err := l.list(t.Context(), s, "o1", resellerkit.Page{Limit: limit})
		require.NoError(t, err)
		require.Len(t, rows, resellerkit.MaxPageLimit, "limit %d", limit)
		require.NotEmpty(t, next, "limit %d", limit)
		rest, last, err := l.list(t.Context(), s, "o1", resellerkit.Page{Limit: limit, Token: next})
		require.NoError(t, err)
		assert.Equal(t, []row{{ks[n-1], "o1"}}, rest, "limit %d", limit)
		assert.Empty(t, last, "limit %d", limit)
	}
}
