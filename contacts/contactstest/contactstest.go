package contactstest

import (
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
)

// storeCase is one check of the Store contract, run on a fresh store. Its name is
// "<Area>/<WhatItProves>", with the DOMAIN.md rule id appended when it proves one
// ("Tx/RollbackLeavesNoNotice_C7").
type storeCase struct {
	name string
	run  func(t *testing.T, s contacts.Store)
}

// TestStore runs the conformance suite of contacts.Store: one parallel subtest per
// case, each on a store newStore returns. newStore must return a fresh, empty store
// on every call, and may be called from several goroutines at once.
func TestStore(t *testing.T, newStore func(t *testing.T) contacts.Store) {
	seen := map[string]bool{}
	for _, c := range storeCases() {
		if seen[c.name] {
			t.Fatalf("contactstest: two cases named %q", c.name)
		}
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, newStore(t))
		})
	}
}

// storeCases returns every case of TestStore.
func storeCases() []storeCase {
	return slices.Concat(contactsCases(), noticeCases(), claimCases(), finishCases(),
		txCases(), pagingCases(), copyCases(), timeCases())
}

// must fails t unless err is nil.
func must(t *testing.T, err error) {
	t.Helper()
	require.NoError(t, err)
}

// sentinels are the errors of the Store contract.
var sentinels = []error{contacts.ErrNotFound, contacts.ErrAlreadyExists, contacts.ErrConflict}

// errIs requires err to wrap want and no other sentinel of the contract: a missing
// record is not a lost race, and a taken key is not a missing one.
func errIs(t *testing.T, err, want error, msgAndArgs ...any) {
	t.Helper()
	require.ErrorIs(t, err, want, msgAndArgs...)
	for _, other := range sentinels {
		if other != want {
			require.NotErrorIs(t, err, other, msgAndArgs...)
		}
	}
}

// all collects every page of a list, requiring each call to succeed.
func all[T any](t *testing.T, list func(resellerkit.Page) ([]T, string, error)) []T {
	t.Helper()
	items, err := resellerkit.All(list)
	require.NoError(t, err)
	return items
}

// concurrently runs f(0..n-1) in n goroutines released together and returns their
// errors. f must not call t.FailNow (require): it runs on other goroutines.
func concurrently(n int, f func(i int) error) []error {
	start := make(chan struct{})
	errs := make([]error, n)
	var done sync.WaitGroup
	for i := range n {
		done.Go(func() {
			<-start
			errs[i] = f(i)
		})
	}
	close(start)
	done.Wait()
	return errs
}

// oneWinner requires exactly one error to be nil and every other to wrap loser (and
// no other sentinel), and returns the winner's index.
func oneWinner(t *testing.T, errs []error, loser error) int {
	t.Helper()
	winner := -1
	for i, err := range errs {
		if err == nil {
			require.Equal(t, -1, winner, "more than one caller succeeded: %v", errs)
			winner = i
			continue
		}
		errIs(t, err, loser, "caller %d", i)
	}
	require.NotEqual(t, -1, winner, "no caller succeeded: %v", errs)
	return winner
}

// errRollback is what a transaction's fn returns to roll it back.
var errRollback = errors.New("contactstest: roll back")
