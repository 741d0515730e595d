package storetest_test

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// TestRun runs the example's suite on its store: every check passes on a store
// that keeps the contract.
func TestRun(t *testing.T) { storetest.Run(t, newNotes, notesCases()) }

// TestNewestFirst: the later a key's time, the smaller the key in byte order, for
// every key of the checks; times are whole microseconds; a key longer than six
// bytes is an error.
func TestNewestFirst(t *testing.T) {
	keys := append(storetest.OrderKeys(), "", "a", "a\x01", "zzzzzz", "\xff\xff\xff\xff\xff\xff")
	slices.Sort(keys)
	keys = slices.Compact(keys)
	var prev time.Time
	for i, k := range keys {
		at, err := storetest.NewestFirst(k)
		require.NoError(t, err, "key %q", k)
		assert.Zero(t, at.Nanosecond()%1000, "key %q: %s is not whole microseconds", k, at)
		if i > 0 {
			assert.True(t, at.Before(prev), "key %q (%s) after %q (%s) is not older", k, at, keys[i-1], prev)
		}
		prev = at
	}
	_, err := storetest.NewestFirst("1234567")
	require.ErrorContains(t, err, `"1234567" longer than 6 bytes`)
}

// TestWalk: a list paged by a limit is read whole, in order, whatever the limit.
func TestWalk(t *testing.T) {
	items := make([]int, 23)
	for i := range items {
		items[i] = i
	}
	for _, limit := range []int{1, 5, 22, 23, 24, 0} {
		got := storetest.Walk(t, limit, func(p resellerkit.Page) ([]int, string, error) {
			from := 0
			if p.Token != "" {
				from, _ = strconv.Atoi(p.Token)
			}
			to := min(from+p.Size(), len(items))
			next := ""
			if to < len(items) {
				next = strconv.Itoa(to)
			}
			return items[from:to], next, nil
		})
		assert.Equal(t, items, got, "limit %d", limit)
	}
}
