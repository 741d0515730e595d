package identitytest

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// identityCases check the identities themselves: I-1's unique, immutable email,
// versions, and the delete that takes every record of the identity with it.
func identityCases() []storeCase {
	return []storeCase{
		{"Identity/CreateStoresVersion1AndEveryField", identityCreateStoresEveryField},
		{"Identity/IDUnique", identityIDUnique},
		{"Identity/EmailUnique_I1", identityEmailUnique},
		{"Identity/ConcurrentCreatesOfOneEmailOneWins_I1", identityConcurrentCreatesOfOneEmail},
		{"Identity/EmailComparedExactly", identityEmailComparedExactly},
		{"Identity/MissingIsNotFound", identityMissingIsNotFound},
		{"Identity/UpdateStoresOnlyItsFields", identityUpdateStoresItsFields},
		{"Identity/UpdateNeverChangesEmail_I1", identityUpdateNeverChangesEmail},
		{"Identity/UpdateStaleVersionIsConflict", identityUpdateStaleVersion},
		{"Identity/ConcurrentUpdatesOfOneVersionOneWins", identityConcurrentUpdates},
		{"Identity/DeleteStaleVersionIsConflict", identityDeleteStaleVersion},
		{"Identity/DeleteCascades", identityDeleteCascades},
		{"Identity/DeleteFreesIDEmailAndChildKeys", identityDeleteFreesKeys},
	}
}

// identityCreateStoresEveryField: every field round-trips through GetIdentity and
// GetIdentityByEmail, and the stored Version is 1 whatever the argument held.
func identityCreateStoresEveryField(t *testing.T, s identity.Store) {
	ctx := t.Context()
	for _, v := range []int64{1, 0, 42, -3} {
		id := Identity(fmt.Sprintf("v%d", v))
		id.Version = v
		must(t, s.CreateIdentity(ctx, id))
		want := id
		want.Version = 1
		got, err := s.GetIdentity(ctx, id.ID)
		must(t, err)
		require.Equal(t, want, got, "GetIdentity, created with version %d", v)
		got, err = s.GetIdentityByEmail(ctx, id.Email)
		must(t, err)
		require.Equal(t, want, got, "GetIdentityByEmail, created with version %d", v)
	}
	bare := identity.Identity{ID: "bare", Email: "bare@example.com", CreatedAt: t0, UpdatedAt: t0} // no name, no password yet
	must(t, s.CreateIdentity(ctx, bare))
	bare.Version = 1
	got, err := s.GetIdentity(ctx, "bare")
	must(t, err)
	require.Equal(t, bare, got, "an empty name and password hash and an unset PasswordChangedAt round-trip")
}

func identityIDUnique(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	dup := Identity("alice")
	dup.Email, dup.Name = "other@example.com", "Impostor"
	errIs(t, s.CreateIdentity(ctx, dup), identity.ErrAlreadyExists, "a taken id")
	got, err := s.GetIdentity(ctx, "alice")
	must(t, err)
	require.Equal(t, Identity("alice"), got, "the first identity is untouched")
	_, err = s.GetIdentityByEmail(ctx, "other@example.com")
	errIs(t, err, identity.ErrNotFound, "the refused identity's email was not stored")
}

func identityEmailUnique(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	dup := Identity("alice2")
	dup.Email = "alice@example.com"
	errIs(t, s.CreateIdentity(ctx, dup), identity.ErrAlreadyExists, "I-1: a taken email")
	_, err := s.GetIdentity(ctx, "alice2")
	errIs(t, err, identity.ErrNotFound, "the refused identity was not stored")
	got, err := s.GetIdentityByEmail(ctx, "alice@example.com")
	must(t, err)
	require.Equal(t, Identity("alice"), got)
}

// identityConcurrentCreatesOfOneEmail: identities with different ids and one
// email created at once: one wins, the others are ErrAlreadyExists (I-1).
func identityConcurrentCreatesOfOneEmail(t *testing.T, s identity.Store) {
	ctx := t.Context()
	for round := range 5 {
		email := fmt.Sprintf("round%d@example.com", round)
		idOf := func(i int) string { return fmt.Sprintf("r%d-%d", round, i) }
		errs := storetest.Concurrently(4, func(i int) error {
			id := Identity(idOf(i))
			id.Email = email
			return s.CreateIdentity(ctx, id)
		})
		w := oneWinner(t, errs, identity.ErrAlreadyExists)
		got, err := s.GetIdentityByEmail(ctx, email)
		must(t, err)
		require.Equal(t, idOf(w), got.ID, "round %d: the winner holds the email", round)
		for i := range errs {
			if i != w {
				_, err := s.GetIdentity(ctx, idOf(i))
				errIs(t, err, identity.ErrNotFound, "round %d: loser %d", round, i)
			}
		}
	}
}

// identityEmailComparedExactly: GetIdentityByEmail compares the normalized email
// byte for byte: the Service normalizes, the store does not.
func identityEmailComparedExactly(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	for _, email := range []string{"Alice@example.com", "ALICE@EXAMPLE.COM", " alice@example.com", "alice@example.com ",
		"alice@example.co", "alice@example.com.", "alice", "%@example.com", "alice@example.co_", ""} {
		_, err := s.GetIdentityByEmail(ctx, email)
		errIs(t, err, identity.ErrNotFound, "email %q", email)
	}
}

func identityMissingIsNotFound(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	_, err := s.GetIdentity(ctx, "bob")
	errIs(t, err, identity.ErrNotFound, "GetIdentity")
	_, err = s.GetIdentityByEmail(ctx, "bob@example.com")
	errIs(t, err, identity.ErrNotFound, "GetIdentityByEmail")
	errIs(t, s.UpdateIdentity(ctx, Identity("bob")), identity.ErrNotFound, "UpdateIdentity")
	errIs(t, s.DeleteIdentity(ctx, "bob", 1), identity.ErrNotFound, "DeleteIdentity")
	_, err = s.GetIdentity(ctx, "bob")
	errIs(t, err, identity.ErrNotFound, "the failed update created nothing")
}

// identityUpdateStoresItsFields: UpdateIdentity stores Name, PasswordHash,
// PasswordChangedAt and UpdatedAt, bumps the version, and keeps CreatedAt.
func identityUpdateStoresItsFields(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreateIdentity(ctx, Identity("bob")))
	u := Identity("alice")
	u.Name, u.PasswordHash = "Alice Liddell", "$argon2id$v=19$m=19456,t=2,p=1$bmV3c2FsdA$bmV3aGFzaA"
	u.PasswordChangedAt, u.UpdatedAt = t0.Add(time.Hour), t0.Add(2*time.Hour)
	u.CreatedAt = t0.Add(-24 * time.Hour) // not stored
	must(t, s.UpdateIdentity(ctx, u))
	want := u
	want.CreatedAt, want.Version = t0, 2
	got, err := s.GetIdentity(ctx, "alice")
	must(t, err)
	require.Equal(t, want, got)

	u = got
	u.Name, u.UpdatedAt = "", t0.Add(3*time.Hour)
	must(t, s.UpdateIdentity(ctx, u))
	want.Name, want.UpdatedAt, want.Version = "", t0.Add(3*time.Hour), 3
	got, err = s.GetIdentityByEmail(ctx, "alice@example.com")
	must(t, err)
	require.Equal(t, want, got, "the name can be cleared")

	other, err := s.GetIdentity(ctx, "bob")
	must(t, err)
	require.Equal(t, Identity("bob"), other, "another identity is untouched")
}

// identityUpdateNeverChangesEmail: an update carrying another email (even one of
// another identity) succeeds and keeps the stored email (I-1).
func identityUpdateNeverChangesEmail(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreateIdentity(ctx, Identity("bob")))
	u := Identity("alice")
	u.Email, u.Name = "alice.new@example.com", "renamed"
	must(t, s.UpdateIdentity(ctx, u))
	got, err := s.GetIdentity(ctx, "alice")
	must(t, err)
	assert.Equal(t, "alice@example.com", got.Email, "I-1: the email never changes")
	assert.Equal(t, "renamed", got.Name, "the other fields are stored")
	assert.Equal(t, int64(2), got.Version)
	_, err = s.GetIdentityByEmail(ctx, "alice.new@example.com")
	errIs(t, err, identity.ErrNotFound, "the new email leads nowhere")
	byOld, err := s.GetIdentityByEmail(ctx, "alice@example.com")
	must(t, err)
	assert.Equal(t, "alice", byOld.ID)

	got.Email = "bob@example.com" // another identity's
	must(t, s.UpdateIdentity(ctx, got))
	byBob, err := s.GetIdentityByEmail(ctx, "bob@example.com")
	must(t, err)
	assert.Equal(t, "bob", byBob.ID)
	got, err = s.GetIdentity(ctx, "alice")
	must(t, err)
	assert.Equal(t, "alice@example.com", got.Email)
	assert.Equal(t, int64(3), got.Version)
}

func identityUpdateStaleVersion(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	u := Identity("alice")
	u.Name = "first"
	must(t, s.UpdateIdentity(ctx, u))
	for _, v := range []int64{1, 3, 0} {
		stale := Identity("alice")
		stale.Name, stale.Version = "stale", v
		errIs(t, s.UpdateIdentity(ctx, stale), identity.ErrConflict, "version %d (current 2)", v)
	}
	got, err := s.GetIdentity(ctx, "alice")
	must(t, err)
	assert.Equal(t, "first", got.Name, "no stale write was stored")
	assert.Equal(t, int64(2), got.Version)
}

// identityConcurrentUpdates: writers of one version: exactly one succeeds and its
// write is stored, the others are ErrConflict.
func identityConcurrentUpdates(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	for round := range 5 {
		cur, err := s.GetIdentity(ctx, "alice")
		must(t, err)
		name := func(i int) string { return fmt.Sprintf("round %d writer %d", round, i) }
		errs := storetest.Concurrently(4, func(i int) error {
			u := cur
			u.Name = name(i)
			return s.UpdateIdentity(ctx, u)
		})
		w := oneWinner(t, errs, identity.ErrConflict)
		got, err := s.GetIdentity(ctx, "alice")
		must(t, err)
		require.Equal(t, name(w), got.Name, "round %d: the winner's write is stored", round)
		require.Equal(t, cur.Version+1, got.Version, "round %d", round)
	}
}

func identityDeleteStaleVersion(t *testing.T, s identity.Store) {
	ctx := t.Context()
	f := seed(t, s)
	u := Identity("alice")
	u.Name = "v2"
	must(t, s.UpdateIdentity(ctx, u))
	before := dump(t, s, f)
	for _, v := range []int64{1, 3, 0} {
		errIs(t, s.DeleteIdentity(ctx, "alice", v), identity.ErrConflict, "version %d (current 2)", v)
	}
	storetest.SameDump(t, before, dump(t, s, f), "a stale delete removes nothing, neither the identity nor its records")
	must(t, s.DeleteIdentity(ctx, "alice", 2))
	_, err := s.GetIdentity(ctx, "alice")
	errIs(t, err, identity.ErrNotFound)
}

// identityDeleteCascades: DeleteIdentity removes the identity with its TOTP,
// recovery codes, passkeys, sessions, API keys and tickets, and nothing of anyone
// else's: another identity's records and a ticket of no identity stay.
func identityDeleteCascades(t *testing.T, s identity.Store) {
	ctx := t.Context()
	f := seed(t, s)
	before := dump(t, s, f)
	must(t, s.DeleteIdentity(ctx, "alice", 1))

	_, err := s.GetIdentity(ctx, "alice")
	errIs(t, err, identity.ErrNotFound, "GetIdentity")
	_, err = s.GetIdentityByEmail(ctx, "alice@example.com")
	errIs(t, err, identity.ErrNotFound, "GetIdentityByEmail")
	_, err = s.GetTOTP(ctx, "alice")
	errIs(t, err, identity.ErrNotFound, "GetTOTP")
	errIs(t, s.AdvanceTOTPStep(ctx, "alice", 99), identity.ErrNotFound, "AdvanceTOTPStep")
	n, err := s.CountRecoveryCodes(ctx, "alice")
	must(t, err)
	assert.Zero(t, n, "CountRecoveryCodes")
	errIs(t, s.UseRecoveryCode(ctx, "alice", f.codes["alice"][0]), identity.ErrNotFound, "UseRecoveryCode")
	_, err = s.GetPasskey(ctx, "alice", "alice-pk1")
	errIs(t, err, identity.ErrNotFound, "GetPasskey")
	for _, id := range []string{"alice-s1", "alice-s2"} {
		_, err = s.GetSessionByTokenHash(ctx, Session("alice", id).TokenHash)
		errIs(t, err, identity.ErrNotFound, "GetSessionByTokenHash %s", id)
		errIs(t, s.TouchSession(ctx, id, t0.Add(time.Hour)), identity.ErrNotFound, "TouchSession %s", id)
	}
	for _, id := range []string{"rk_alice1", "rk_alice2"} {
		_, err = s.GetAPIKey(ctx, id)
		errIs(t, err, identity.ErrNotFound, "GetAPIKey %s", id)
		errIs(t, s.TouchAPIKey(ctx, id, t0.Add(time.Hour)), identity.ErrNotFound, "TouchAPIKey %s", id)
	}

	after := dump(t, s, f)
	for k, v := range after {
		switch k {
		case "alice/identity", "alice/totp":
			assert.Equal(t, none, v, k)
		case "alice/codes":
			assert.Equal(t, 0, v, k)
		case "alice/passkeys", "alice/sessions", "alice/apikeys":
			assert.Nil(t, v, k)
		}
	}
	for _, tk := range f.tickets {
		if tk.IdentityID == "alice" {
			assert.Equal(t, none, after["ticket/alice/"+tk.Hash[:8]], "ticket %s", tk.Purpose)
		}
	}
	// Failures are keyed by email or address, not by identity: the contract does
	// not say what becomes of them.
	ignore := []string{"alice/", "ticket/alice/", "failures/alice@example.com"}
	storetest.SameDump(t, without(before, ignore...), without(after, ignore...), "nothing of bob's, and no ticket of no identity, is removed")
}

// identityDeleteFreesKeys: once an identity is deleted its id, email, passkey
// credential ids, session ids and token hashes, API key ids and ticket hashes can
// be created again, and a new identity with the old id starts with none of the old
// one's records.
func identityDeleteFreesKeys(t *testing.T, s identity.Store) {
	ctx := t.Context()
	f := seed(t, s)
	must(t, s.DeleteIdentity(ctx, "alice", 1))
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	got, err := s.GetIdentity(ctx, "alice")
	must(t, err)
	require.Equal(t, Identity("alice"), got, "version 1 again")
	after := dump(t, s, f)
	assert.Equal(t, none, after["alice/totp"])
	assert.Equal(t, 0, after["alice/codes"])
	assert.Nil(t, after["alice/passkeys"])
	assert.Nil(t, after["alice/sessions"])
	assert.Nil(t, after["alice/apikeys"])

	must(t, s.CreateTOTP(ctx, TOTP("alice")))
	must(t, s.ReplaceRecoveryCodes(ctx, "alice", f.codes["alice"]))
	must(t, s.CreatePasskey(ctx, Passkey("alice", "alice-pk1")))
	must(t, s.CreateSession(ctx, Session("alice", "alice-s1")))
	must(t, s.CreateAPIKey(ctx, APIKey("alice", "rk_alice1")))
	must(t, s.CreateTicket(ctx, Ticket("alice", "alice-reset", purposeReset)))
	n, err := s.CountRecoveryCodes(ctx, "alice")
	must(t, err)
	assert.Equal(t, 3, n)
}
