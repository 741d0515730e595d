package webauthntest_test

import (
	"context"
	"fmt"

	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/identity/memstore"
	"github.com/seeda33a2f4f/resellerkit/identity/webauthntest"
)

// An Authenticator stands in for the browser and the passkey: it answers the
// options identity.Service hands out with the JSON a browser would POST back.
func Example() {
	ctx := context.Background()
	hasher, err := identity.NewHasher(identity.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}) // cheap: tests only
	if err != nil {
		panic(err)
	}
	svc, err := identity.NewService(memstore.New(), identity.WithHasher(hasher),
		identity.WithPasskeys("portal.example.com", "Portal", "https://portal.example.com"))
	if err != nil {
		panic(err)
	}
	if _, _, err := svc.Register(ctx, identity.NewIdentity{Email: "alice@example.com", Password: "Correct-Horse-9"}); err != nil {
		panic(err)
	}
	passkey := webauthntest.New("https://portal.example.com")

	// Register a passkey, from a signed-in session and with the current password.
	_, token, err := svc.SignIn(ctx, identity.Credentials{Email: "alice@example.com", Password: "Correct-Horse-9"}, identity.Client{IP: "192.0.2.7"})
	if err != nil {
		panic(err)
	}
	alice, err := svc.Authenticate(ctx, token)
	if err != nil {
		panic(err)
	}
	ticket, creation, err := svc.BeginPasskeyRegistration(ctx, alice, "Correct-Horse-9")
	if err != nil {
		panic(err)
	}
	attestation, err := passkey.Register(creation)
	if err != nil {
		panic(err)
	}
	pk, codes, err := svc.FinishPasskeyRegistration(ctx, alice, ticket, "Laptop", attestation)
	if err != nil {
		panic(err)
	}
	fmt.Println("registered:", pk.Name, "with", len(codes), "recovery codes")

	// Sign in with it, no password.
	ticket, request, err := svc.BeginPasskeySignIn(ctx, identity.Client{IP: "192.0.2.7"})
	if err != nil {
		panic(err)
	}
	assertion, err := passkey.Assert(request)
	if err != nil {
		panic(err)
	}
	session, _, err := svc.SignInWithPasskey(ctx, identity.PasskeyAssertion{Ticket: ticket, Response: assertion}, identity.Client{IP: "192.0.2.1"})
	if err != nil {
		panic(err)
	}
	fmt.Println("signed in:", session.IdentityID == alice.Identity.ID, session.Method, "mfa:", session.MFA)

	// The same response again is a replay.
	_, _, err = svc.SignInWithPasskey(ctx, identity.PasskeyAssertion{Ticket: ticket, Response: passkey.LastAssertion()}, identity.Client{IP: "192.0.2.1"})
	fmt.Println("replay:", err)
	// Output:
	// registered: Laptop with 10 recovery codes
	// signed in: true passkey mfa: true
	// replay: identity: authentication failed
}
