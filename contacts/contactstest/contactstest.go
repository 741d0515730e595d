package contactstest

import (
	"errors"
	"slices"
	"testing"

	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// storeCase is one check of the Store contract, run on a fresh store. Its name is
// "<Area>/<WhatItProves>", with the DOMAIN.md rule id appended when it proves one
// ("Tx/RollbackLeavesNoNotice_C7").
type storeCase storetest.Case[contacts.Store]

// TestStore runs the conformance suite of contacts.Store: one parallel subtest per
// case, each on a store newStore returns. newStore must return a fresh, empty store
// on every call, and may be called from several goroutines at once.
func TestStore(t *testing.T, newStore func(t *testing.T) contacts.Store) {
	storetest.Run(t, newStore, storeCases())
}

// storeCases returns every case of TestStore.
func storeCases() []storeCase {
	return slices.Concat(contactsCases(), noticeCases(), claimCases(), startCases(), finishCases(),
		txCases(), pagingCases(), newestCases(), copyCases(), timeCases())
}

// sentinels are the errors of the Store contract.
var sentinels = storetest.Sentinels{contacts.ErrNotFound, contacts.ErrAlreadyExists, contacts.ErrConflict}

var (
	// must fails t unless err is nil.
	must = storetest.Must
	// errIs requires err to wrap want and no other sentinel of the contract: a
	// missing record is not a lost race, and a taken key is not a missing one.
	errIs = sentinels.Is
	// oneWinner requires exactly one error to be nil and every other to wrap loser
	// (and no other sentinel), and returns the winner's index.
	oneWinner = sentinels.OneWinner
)

// errRollback is what a transaction's fn returns to roll it back.
var errRollback = errors.New("contactstest: roll back")
