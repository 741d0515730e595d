package billingtest

import (
	"errors"
	"slices"
	"testing"

	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// storeCase is one check of the Store contract, run on a fresh store. Its name is
// "<Area>/<WhatItProves>", with the DOMAIN.md rule id appended when it proves one
// ("CostData/NewerVersionReplacesTheMonth_B14").
type storeCase storetest.Case[billing.Store]

// TestStore runs the conformance suite of billing.Store: one parallel subtest per
// case, each on a store newStore returns. newStore must return a fresh, empty store
// on every call, and may be called from several goroutines at once.
func TestStore(t *testing.T, newStore func(t *testing.T) billing.Store) {
	storetest.Run(t, newStore, storeCases())
}

// storeCases returns every case of TestStore.
func storeCases() []storeCase {
	return slices.Concat(costDataCases(), documentCases(), alarmCases(), txCases(), pagingCases())
}

// sentinels are the errors of the Store contract.
var sentinels = storetest.Sentinels{billing.ErrNotFound, billing.ErrAlreadyExists, billing.ErrConflict,
	billing.ErrStaleReport, billing.ErrImmutable, billing.ErrLimit}

var (
	// must fails t unless err is nil.
	must = storetest.Must
	// errIs requires err to wrap want and no other sentinel of the contract.
	errIs = sentinels.Is
	// oneWinner requires exactly one error to be nil and every other to wrap
	// loser (and no other sentinel), and returns the winner's index.
	oneWinner = sentinels.OneWinner
)

// errRollback is what a transaction's fn returns to roll it back.
var errRollback = errors.New("billingtest: roll back")
