package resellerkit_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
)

func TestPage_SizeIsBounded(t *testing.T) {
	for _, c := range []struct{ limit, want int }{
		{0, resellerkit.DefaultPageLimit}, {-5, resellerkit.DefaultPageLimit}, {1, 1}, {250, 250},
		{resellerkit.MaxPageLimit, resellerkit.MaxPageLimit}, {resellerkit.MaxPageLimit + 1, resellerkit.MaxPageLimit}, {1 << 30, resellerkit.MaxPageLimit},
	} {
		assert.Equal(t, c.want, resellerkit.Page{Limit: c.limit}.Size(), c.limit)
	}
}

func TestPaginate_WalksEveryItemOnce(t *testing.T) {
	var items []string
	for i := range 23 {
		items = append(items, fmt.Sprintf("k%02d", i))
	}
	id := func(s string) string { return s }
	var got []string
	page := resellerkit.Page{Limit: 5}
	for n := 0; ; n++ {
		require.Less(t, n, 10)
		part, next, err := resellerkit.Paginate(items, page, id)
		require.NoError(t, err)
		got = append(got, part...)
		if next == "" {
			break
		}
		page.Token = next
	}
	assert.Equal(t, items, got)

	// An item removed and items added between pages: none is returned twice.
	first, next, err := resellerkit.Paginate(items, resellerkit.Page{Limit: 5}, id)
	require.NoError(t, err)
	changed := append([]string{"a-new-first"}, items[3:]...) // k00..k02 gone, one added before
	second, _, err := resellerkit.Paginate(changed, resellerkit.Page{Limit: 5, Token: next}, id)
	require.NoError(t, err)
	assert.Equal(t, []string{"k05", "k06", "k07", "k08", "k09"}, second)
	assert.NotContains(t, second, first[len(first)-1])
}

func TestPage_BadToken(t *testing.T) {
	for _, tok := range []string{"%%%", "=", "a b", resellerkit.NextToken(strings.Repeat("k", 400))} {
		_, _, err := resellerkit.Paginate([]string{"a"}, resellerkit.Page{Token: tok}, func(s string) string { return s })
		require.ErrorIs(t, err, resellerkit.ErrPageToken, tok)
	}
	after, err := resellerkit.Page{Token: resellerkit.NextToken("org/42")}.After()
	require.NoError(t, err)
	assert.Equal(t, "org/42", after)
}

func TestAll_CollectsEveryPageAndStopsOnError(t *testing.T) {
	items := make([]string, 2500)
	for i := range items {
		items[i] = fmt.Sprintf("k%04d", i)
	}
	calls := 0
	got, err := resellerkit.All(func(p resellerkit.Page) ([]string, string, error) {
		calls++
		return resellerkit.Paginate(items, p, func(s string) string { return s })
	})
	require.NoError(t, err)
	assert.Equal(t, items, got)
	assert.Equal(t, 3, calls, "pages of MaxPageLimit")

	boom := fmt.Errorf("store down")
	_, err = resellerkit.All(func(resellerkit.Page) ([]string, string, error) { return nil, "", boom })
	assert.ErrorIs(t, err, boom)
}
