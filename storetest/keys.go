package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
)

// newestEpoch is the latest time NewestFirst returns.
var newestEpoch = time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC)

// NewestFirst returns a time for the row with key such that a list ordered newest
// first lists rows in the byte order of their keys, the order Lister's checks
// expect: the later, the smaller the key. It is how a suite puts a list ordered by
// time (alerts by ReceivedAt, cases by CreatedAt, newest first) under those
// checks, by giving each row Lister.Add makes the time of its key. A key is read
// as a number of six bytes (zero-padded on the right), microseconds before
// 2035-01-01 UTC, so the times are whole microseconds (what every store keeps)
// and distinct for distinct keys without a NUL byte (as are the checks': "a" and
// "a\x00" get one time); the checks' keys are at most six bytes long, a longer
// one is an error.
func NewestFirst(key string) (time.Time, error) {
	if len(key) > 6 {
		return time.Time{}, fmt.Errorf("storetest: paging key %q longer than 6 bytes", key)
	}
	var n int64
	for i := range 6 {
		n <<= 8
		if i < len(key) {
			n |= int64(key[i])
		}
	}
	return newestEpoch.Add(-time.Duration(n) * time.Microsecond), nil
}

// Walk reads a whole list limit items a page (the store's default for 0) and
// returns its items in order, requiring every call to succeed, every page but the
// last to hold exactly the page's size and a token, the last at most that many and
// the token "", and the list to end. Lister.Walk is the same for a Lister's rows;
// All reads a list without checking its page sizes.
func Walk[T any](t *testing.T, limit int, list func(resellerkit.Page) ([]T, string, error)) []T {
	t.Helper()
	var out []T
	page := resellerkit.Page{Limit: limit}
	for i := range maxPages {
		got, next, err := list(page)
		require.NoError(t, err, "page %d", i+1)
		require.LessOrEqual(t, len(got), page.Size(), "page %d: more than asked", i+1)
		out = append(out, got...)
		if next == "" {
			return out
		}
		require.Len(t, got, page.Size(), "page %d is not the last but short", i+1)
		page.Token = next
	}
	require.FailNow(t, "the list never ended", "%d pages", maxPages)
	return nil
}
