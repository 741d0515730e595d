package memstore_test

import (
	"testing"

	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/members/memberstest"
	"github.com/seeda33a2f4f/resellerkit/members/memstore"
)

func TestStore(t *testing.T) {
	memberstest.TestStore(t, func(*testing.T) members.Store { return memstore.New() })
}

func TestService(t *testing.T) {
	memberstest.TestService(t, func(*testing.T) members.Store { return memstore.New() })
}
