package memstore_test

import (
	"testing"

	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/members/memberstest"
	"github.com/seeda33a2f4f/resellerkit/members/memstore"
)

func newStore(*testing.T) members.Store { return memstore.New() }

// TestStore runs the members conformance suite on the in-memory store.
func TestStore(t *testing.T) { memberstest.TestStore(t, newStore) }

// TestService runs the Service-level concurrency checks (M-2, M-8, M-9) on it.
func TestService(t *testing.T) { memberstest.TestService(t, newStore) }
