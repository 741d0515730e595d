package identitytest_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/identity/identitytest"
	"github.com/seeda33a2f4f/resellerkit/identity/memstore"
)

// A store's test runs the suite on fresh stores:
//
//	func TestStore(t *testing.T) {
//		identitytest.TestStore(t, func(t *testing.T) identity.Store { return memstore.New() })
//	}
//
// The record builders the suite uses are exported for stores' own extra tests;
// here on memstore, the store users put in their own tests.
func Example() {
	ctx := context.Background()
	s := memstore.New()
	_ = s.CreateIdentity(ctx, identitytest.Identity("alice"))
	_ = s.CreateTOTP(ctx, identitytest.TOTP("alice")) // a child record needs its identity
	_ = s.CreateSession(ctx, identitytest.Session("alice", "s1"))

	fmt.Println(s.AdvanceTOTPStep(ctx, "alice", 58_000_000))
	err := s.AdvanceTOTPStep(ctx, "alice", 58_000_000) // the same code again (I-3)
	fmt.Println(errors.Is(err, identity.ErrConflict))

	x, _ := s.GetSessionByTokenHash(ctx, identitytest.Hash("token:s1"))
	fmt.Println(x.ID, x.IdentityID, x.MFA)

	_ = s.DeleteIdentity(ctx, "alice", 1) // takes the TOTP and the sessions with it
	_, err = s.GetSessionByTokenHash(ctx, identitytest.Hash("token:s1"))
	fmt.Println(errors.Is(err, identity.ErrNotFound))
	// Output:
	// <nil>
	// true
	// s1 alice true
	// true
}
