package identity_test

import (
	"context"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/identity/memstore"
)

// Register an identity: the email is normalized, a role address is accepted with
// a warning, and a password breaking I-2 is refused with every rule it breaks.
func ExampleService_Register() {
	ctx := context.Background()
	svc, err := identity.NewService(memstore.New())
	if err != nil {
		panic(err)
	}

	alice, warnings, err := svc.Register(ctx, identity.NewIdentity{Email: "Alice@Example.com", Name: "Alice", Password: "Correct-Horse-9"})
	if err != nil {
		panic(err)
	}
	fmt.Println(alice.Email, len(warnings))

	_, warnings, err = svc.Register(ctx, identity.NewIdentity{Email: "info@example.com", Password: "Correct-Horse-9"})
	if err != nil {
		panic(err)
	}
	fmt.Println(warnings[0].Field, warnings[0].Rule)

	_, _, err = svc.Register(ctx, identity.NewIdentity{Email: "ALICE@example.com", Password: "Correct-Horse-9"})
	fmt.Println(errors.Is(err, identity.ErrAlreadyExists))

	_, _, err = svc.Register(ctx, identity.NewIdentity{Email: "bob@example.com", Password: "password"})
	fmt.Println(err)
	// Output:
	// alice@example.com 0
	// email I-1
	// true
	// identity: invalid input: password "" (I-2): must be at least 10 characters long; must contain an uppercase letter (A-Z); must contain a digit (0-9); must contain a symbol from !@#$%^&*()_+-=[]{}|'
}

// Sign in with a password, then authenticate later requests with the session
// token. A wrong password and an unknown email get the same answer.
func ExampleService_SignIn() {
	ctx := context.Background()
	svc, err := identity.NewService(memstore.New())
	if err != nil {
		panic(err)
	}
	if _, _, err := svc.Register(ctx, identity.NewIdentity{Email: "alice@example.com", Password: "Correct-Horse-9"}); err != nil {
		panic(err)
	}
	client := identity.Client{IP: "192.0.2.10", UserAgent: "example/1.0"}

	sess, token, err := svc.SignIn(ctx, identity.Credentials{Email: "alice@example.com", Password: "Correct-Horse-9"}, client)
	if err != nil {
		panic(err)
	}
	fmt.Println(sess.Method, strings.HasPrefix(token, identity.SessionTokenPrefix))

	auth, err := svc.Authenticate(ctx, token)
	if err != nil {
		panic(err)
	}
	fmt.Println(auth.Identity.Email, auth.SessionID == sess.ID, auth.MFA)

	_, _, wrong := svc.SignIn(ctx, identity.Credentials{Email: "alice@example.com", Password: "Wrong-Horse-9"}, client)
	_, _, unknown := svc.SignIn(ctx, identity.Credentials{Email: "nobody@example.com", Password: "Correct-Horse-9"}, client)
	fmt.Println(wrong)
	fmt.Println(unknown)

	if err := svc.SignOut(ctx, token); err != nil {
		panic(err)
	}
	_, err = svc.Authenticate(ctx, token)
	fmt.Println(errors.Is(err, identity.ErrUnauthenticated))
	// Output:
	// password true
	// alice@example.com true false
	// identity: authentication failed
	// identity: authentication failed
	// true
}

// Enroll an authenticator app (TOTP) from a signed-in session, with the current
// password: confirming it with a first code returns the recovery codes, and from
// then on signing in takes a code, each accepted once.
func ExampleService_ConfirmTOTP() {
	ctx := context.Background()
	now := time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)
	svc, err := identity.NewService(memstore.New(), identity.WithClock(func() time.Time { return now }))
	if err != nil {
		panic(err)
	}
	if _, _, err := svc.Register(ctx, identity.NewIdentity{Email: "alice@example.com", Password: "Correct-Horse-9"}); err != nil {
		panic(err)
	}
	client := identity.Client{IP: "192.0.2.10"}
	creds := identity.Credentials{Email: "alice@example.com", Password: "Correct-Horse-9"}
	_, token, err := svc.SignIn(ctx, creds, client)
	if err != nil {
		panic(err)
	}
	session, err := svc.Authenticate(ctx, token)
	if err != nil {
		panic(err)
	}

	enrollment, err := svc.BeginTOTP(ctx, session, "Correct-Horse-9")
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.HasPrefix(enrollment.URI, "otpauth://totp/resellerkit:alice@example.com?secret="+enrollment.Secret))

	// The person scans enrollment.URI; the app shows the current code.
	app := func() string {
		secret, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(enrollment.Secret)
		if err != nil {
			panic(err)
		}
		return identity.TOTPCode(secret, identity.TOTPStep(now))
	}
	recoveryCodes, err := svc.ConfirmTOTP(ctx, session, app())
	if err != nil {
		panic(err)
	}
	fmt.Println(len(recoveryCodes))

	_, _, err = svc.SignIn(ctx, creds, client)
	fmt.Println(err)

	now = now.Add(30 * time.Second) // the next code
	creds.TOTP = app()
	sess, _, err := svc.SignIn(ctx, creds, client)
	if err != nil {
		panic(err)
	}
	fmt.Println(sess.Method, sess.MFA)

	_, _, err = svc.SignIn(ctx, creds, client) // the same code again
	fmt.Println(err)

	creds.TOTP, creds.RecoveryCode = "", recoveryCodes[0]
	sess, _, err = svc.SignIn(ctx, creds, client)
	if err != nil {
		panic(err)
	}
	fmt.Println(sess.Method, sess.MFA)
	// Output:
	// true
	// 10
	// identity: a second factor is required
	// password+totp true
	// identity: authentication failed
	// password+recovery_code true
}

// orgMembers answers identity.Memberships from a map of identity id to the
// organizations it belongs to; members.Service implements it for real.
type orgMembers map[string][]string

func (m orgMembers) IsMember(_ context.Context, orgID, identityID string) (bool, error) {
	for _, o := range m[identityID] {
		if o == orgID {
			return true, nil
		}
	}
	return false, nil
}

func (m orgMembers) HasMemberships(_ context.Context, identityID string) (bool, error) {
	return len(m[identityID]) > 0, nil
}

// Create an API key from a signed-in session: it is bound to one organization the
// identity belongs to, shown once, and revocable.
func ExampleService_CreateAPIKey() {
	ctx := context.Background()
	members := orgMembers{"alice": {"acme"}}
	svc, err := identity.NewService(memstore.New(), identity.WithMemberships(members))
	if err != nil {
		panic(err)
	}
	if _, _, err := svc.Register(ctx, identity.NewIdentity{ID: "alice", Email: "alice@example.com", Password: "Correct-Horse-9"}); err != nil {
		panic(err)
	}
	_, token, err := svc.SignIn(ctx, identity.Credentials{Email: "alice@example.com", Password: "Correct-Horse-9"}, identity.Client{IP: "192.0.2.10"})
	if err != nil {
		panic(err)
	}
	session, err := svc.Authenticate(ctx, token)
	if err != nil {
		panic(err)
	}

	key, secret, err := svc.CreateAPIKey(ctx, session, identity.NewAPIKey{OrgID: "acme", Name: "deploy bot"})
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.HasPrefix(secret, key.ID+"."), strings.HasPrefix(key.ID, identity.APIKeyPrefix))

	_, _, err = svc.CreateAPIKey(ctx, session, identity.NewAPIKey{OrgID: "globex", Name: "elsewhere"})
	fmt.Println(errors.Is(err, identity.ErrNotFound))

	program, err := svc.Authenticate(ctx, secret) // what a program sends as "Authorization: Bearer <secret>"
	if err != nil {
		panic(err)
	}
	fmt.Println(program.Identity.ID, program.OrgID, program.APIKeyID == key.ID)

	// A key acts in its organization, but cannot manage credentials, its own
	// included: only a signed-in session lists or revokes keys.
	_, _, err = svc.ListAPIKeys(ctx, program, resellerkit.Page{})
	fmt.Println(errors.Is(err, identity.ErrSessionRequired))

	listed, _, err := svc.ListAPIKeys(ctx, session, resellerkit.Page{})
	if err != nil {
		panic(err)
	}
	fmt.Println(listed[0].Name, listed[0].SecretHash == "")

	if err := svc.RevokeAPIKey(ctx, session, key.ID); err != nil {
		panic(err)
	}
	_, err = svc.Authenticate(ctx, secret)
	fmt.Println(err)
	// Output:
	// true true
	// true
	// alice acme true
	// true
	// deploy bot true
	// identity: authentication failed
}

// Sign up by proving the address first: RequestSignup mails a link (nothing to an
// address that already has an identity, with the same answer), and CompleteSignup
// creates the identity for the address the token was mailed to.
func ExampleService_CompleteSignup() {
	ctx := context.Background()
	outbox := &outboxMailer{}
	svc, err := identity.NewService(memstore.New(), identity.WithMailer(outbox))
	if err != nil {
		panic(err)
	}
	client := identity.Client{IP: "192.0.2.10"}

	if err := svc.RequestSignup(ctx, "Bob@Example.com", client); err != nil {
		panic(err)
	}
	mail := outbox.mails[0]
	fmt.Println(mail.Kind, mail.To)

	bob, _, err := svc.CompleteSignup(ctx, mail.Token, identity.NewIdentity{Name: "Bob", Password: "Correct-Horse-9"}, client)
	if err != nil {
		panic(err)
	}
	fmt.Println(bob.Email, bob.Name)

	_, _, err = svc.CompleteSignup(ctx, mail.Token, identity.NewIdentity{Name: "Bob", Password: "Correct-Horse-9"}, client)
	fmt.Println(err) // a token works once

	if err := svc.RequestSignup(ctx, "bob@example.com", client); err != nil {
		panic(err)
	}
	fmt.Println(len(outbox.mails)) // bob has an identity: nothing sent
	// Output:
	// identity.signup bob@example.com
	// bob@example.com Bob
	// identity: authentication failed
	// 1
}

// outboxMailer keeps the mails it is given (contacts delivers them for real).
type outboxMailer struct{ mails []identity.Mail }

func (o *outboxMailer) SendMail(_ context.Context, m identity.Mail) error {
	o.mails = append(o.mails, m)
	return nil
}
