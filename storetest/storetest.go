package storetest

import (
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
)

// Case is one check of a store contract, run on a fresh store of type S. Its name
// is the subtest's: "<Area>/<WhatItProves>", with a rule id where it proves one.
//
// A suite may declare its own type as Case[S] (type storeCase
// storetest.Case[my.Store]) to write its table with unkeyed literals, which go
// vet accepts only for a type of the suite's package; Run takes either.
type Case[S any] struct {
	Name string
	Run  func(t *testing.T, s S)
}

// Run runs cases (a []Case[S], or a slice of a suite's own type declared as
// Case[S]) as parallel subtests of t, each on a store newStore returns. Two cases
// with one name fail t. newStore must return a fresh, empty store on every call,
// and may be called from several goroutines at once.
func Run[S any, C ~struct {
	Name string
	Run  func(t *testing.T, s S)
}](t *testing.T, newStore func(t *testing.T) S, cases []C) {
	seen := map[string]bool{}
	for _, c := range cases {
		c := Case[S](c)
		if seen[c.Name] {
			t.Fatalf("storetest: two cases named %q", c.Name)
		}
		seen[c.Name] = true
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			c.Run(t, newStore(t))
		})
	}
}

// Must fails t unless err is nil.
func Must(t *testing.T, err error) {
	t.Helper()
	require.NoError(t, err)
}

// Sentinels are the errors a store contract names (not found, already exists,
// conflict…), each a distinct outcome.
type Sentinels []error

// Is requires err to wrap want and no other of s: a missing record is not a lost
// race, and a taken key is not a missing one. want need not be one of s
// (resellerkit.ErrPageToken, context.Canceled).
func (s Sentinels) Is(t *testing.T, err, want error, msgAndArgs ...any) {
	t.Helper()
	require.ErrorIs(t, err, want, msgAndArgs...)
	for _, other := range s {
		if other != want {
			require.NotErrorIs(t, err, other, msgAndArgs...)
		}
	}
}

// OneWinner requires exactly one of errs to be nil and every other to wrap loser
// (and, per Is, no other of s), and returns the winner's index.
func (s Sentinels) OneWinner(t *testing.T, errs []error, loser error) int {
	t.Helper()
	winner := -1
	for i, err := range errs {
		if err == nil {
			require.Equal(t, -1, winner, "more than one caller succeeded: %v", errs)
			winner = i
			continue
		}
		s.Is(t, err, loser, "caller %d", i)
	}
	require.NotEqual(t, -1, winner, "no caller succeeded: %v", errs)
	return winner
}

// maxPages bounds how many pages a walk through a list reads: a store whose tokens
// never end fails instead of looping.
const maxPages = 10_000

// All collects every page of a list, asking for the largest pages and requiring
// each call to succeed and the list to end.
func All[T any](t *testing.T, list func(resellerkit.Page) ([]T, string, error)) []T {
	t.Helper()
	var out []T
	page := resellerkit.Page{Limit: resellerkit.MaxPageLimit}
	for range maxPages {
		items, next, err := list(page)
		require.NoError(t, err)
		out = append(out, items...)
		if next == "" {
			return out
		}
		page.Token = next
	}
	require.FailNow(t, "the list never ended", "%d pages", maxPages)
	return nil
}

// NilIfEmpty returns nil for an empty s, else s, so that a nil and an empty slice
// compare equal: store contracts let a store return either.
func NilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// SameDump requires two dumps of a store (entries keyed by what they hold, taken
// before and after calls that must change nothing) to be equal, reporting each
// differing or new entry on its own. msgAndArgs is a format and its arguments.
func SameDump(t *testing.T, want, got map[string]any, msgAndArgs ...any) {
	t.Helper()
	ok := true
	for _, k := range slices.Sorted(maps.Keys(want)) {
		ok = assert.Equal(t, want[k], got[k], "entry %q", k) && ok
	}
	for _, k := range slices.Sorted(maps.Keys(got)) {
		if _, found := want[k]; !found {
			ok = assert.Fail(t, "an entry appeared", "entry %q: %#v", k, got[k]) && ok
		}
	}
	if !ok {
		msg := "the dumps differ"
		if len(msgAndArgs) > 0 {
			if format, isString := msgAndArgs[0].(string); isString {
				msg = fmt.Sprintf(format, msgAndArgs[1:]...)
			}
		}
		require.FailNow(t, msg)
	}
}

// jst is a zone other than UTC, with no daylight saving time.
var jst = time.FixedZone("JST", 9*3600)

// Local returns want's instant in JST plus 999 nanoseconds: what a store gets when
// a caller does not normalize a time (UTC, microsecond precision) before storing it.
func Local(want time.Time) time.Time { return want.In(jst).Add(999 * time.Nanosecond) }

// UTC requires got to be want (UTC, microsecond precision) in UTC; what names the
// time in the failure message.
func UTC(t *testing.T, want, got time.Time, what string) {
	t.Helper()
	require.Equal(t, want, got, what)
	require.Equal(t, time.UTC, got.Location(), what)
}
