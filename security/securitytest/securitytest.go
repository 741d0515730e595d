package securitytest

import (
	"errors"
	"slices"
	"testing"

	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// storeCase is one check of the Store contract, run on a fresh store. Its name is
// "<Area>/<WhatItProves>", with the DOMAIN.md rule id appended when it proves one
// ("Settings/PutRecordsTheChange_S2").
type storeCase storetest.Case[security.Store]

// TestStore runs the conformance suite of security.Store: one parallel subtest per
// case, each on a store newStore returns. newStore must return a fresh, empty store
// on every call, and may be called from several goroutines at once.
func TestStore(t *testing.T, newStore func(t *testing.T) security.Store) {
	storetest.Run(t, newStore, storeCases())
}

// storeCases returns every case of TestStore.
func storeCases() []storeCase {
	return slices.Concat(settingsCases(), runCases(), initializedCases(), alertCases(), txCases(), pagingCases())
}

// sentinels are the errors of the Store contract.
var sentinels = storetest.Sentinels{security.ErrNotFound, security.ErrAlreadyExists, security.ErrConflict, security.ErrInvalid}

var (
	// must fails t unless err is nil.
	must = storetest.Must
	// errIs requires err to wrap want and no other sentinel of the contract.
	errIs = sentinels.Is
)

// errRollback is what a transaction's fn returns to roll it back.
var errRollback = errors.New("securitytest: roll back")
