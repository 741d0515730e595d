package storetest_test

import (
	"testing"

	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// TestRun runs the example's suite on its store: every check passes on a store
// that keeps the contract.
func TestRun(t *testing.T) { storetest.Run(t, newNotes, notesCases()) }
