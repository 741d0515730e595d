package supporttest

import (
	"errors"
	"slices"
	"testing"

	"github.com/seeda33a2f4f/resellerkit/storetest"
	"github.com/seeda33a2f4f/resellerkit/support"
)

// storeCase is one check of the Store contract, run on a fresh store. Its name is
// "<Area>/<WhatItProves>", with the DOMAIN.md rule id appended when it proves one
// ("Purge/DeletesOldCasesWithTheirReplies_P5").
type storeCase storetest.Case[support.Store]

// TestStore runs the conformance suite of support.Store: one parallel subtest per
// case, each on a store newStore returns. newStore must return a fresh, empty store
// on every call, and may be called from several goroutines at once.
func TestStore(t *testing.T, newStore func(t *testing.T) support.Store) {
	storetest.Run(t, newStore, storeCases())
}

// storeCases returns every case of TestStore.
func storeCases() []storeCase {
	return slices.Concat(caseCases(), listCases(), replyCases(), purgeCases(), txCases(), pagingCases())
}

// sentinels are the errors of the Store contract.
var sentinels = storetest.Sentinels{support.ErrNotFound, support.ErrAlreadyExists, support.ErrConflict, support.ErrInvalid}

var (
	// must fails t unless err is nil.
	must = storetest.Must
	// errIs requires err to wrap want and no other sentinel of the contract.
	errIs = sentinels.Is
)

// errRollback is what a transaction's fn returns to roll it back.
var errRollback = errors.New("supporttest: roll back")
