package memstore_test

import (
	"testing"

	"github.com/seeda33a2f4f/resellerkit/support"
	"github.com/seeda33a2f4f/resellerkit/support/memstore"
	"github.com/seeda33a2f4f/resellerkit/support/supporttest"
)

// TestStore runs the support conformance suite on the in-memory store.
func TestStore(t *testing.T) {
	supporttest.TestStore(t, func(*testing.T) support.Store { return memstore.New() })
}
