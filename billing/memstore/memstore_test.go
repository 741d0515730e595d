package memstore_test

import (
	"testing"

	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/billingtest"
	"github.com/seeda33a2f4f/resellerkit/billing/memstore"
)

// TestStore runs the billing conformance suite on the in-memory store.
func TestStore(t *testing.T) {
	billingtest.TestStore(t, func(*testing.T) billing.Store { return memstore.New() })
}
