package identitytest

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// totpCases check the TOTP secret of I-3: one per identity, and a last accepted
// step that only moves forward, atomically.
func totpCases() []storeCase {
	return []storeCase{
		{"TOTP/CreateStoresVersion1AndEveryField", totpCreateStoresEveryField},
		{"TOTP/OnePerIdentity", totpOnePerIdentity},
		{"TOTP/CreateOfMissingIdentityIsNotFound", totpCreateOfMissingIdentity},
		{"TOTP/MissingIsNotFound", totpMissingIsNotFound},
		{"TOTP/UpdateStoresConfirmedAndLastStep", totpUpdateStoresItsFields},
		{"TOTP/UpdateStaleVersionIsConflict", totpUpdateStaleVersion},
		{"TOTP/AdvanceStepIsMonotonic_I3", totpAdvanceIsMonotonic},
		{"TOTP/ConcurrentAdvanceOneWins", totpConcurrentAdvanceOneWins},
		{"TOTP/ConcurrentAdvancesKeepTheHighest", totpConcurrentAdvancesKeepTheHighest},
		{"TOTP/DeleteThenCreateAgain", totpDelete},
	}
}

func totpCreateStoresEveryField(t *testing.T, s identity.Store) {
	ctx := t.Context()
	for i, v := range []int64{1, 0, 9} {
		id := fmt.Sprintf("i%d", i)
		must(t, s.CreateIdentity(ctx, Identity(id)))
		in := TOTP(id)
		in.Confirmed, in.LastStep, in.Version = i%2 == 0, int64(58_000_000+i), v
		must(t, s.CreateTOTP(ctx, in))
		want := in
		want.Version = 1
		got, err := s.GetTOTP(ctx, id)
		must(t, err)
		require.Equal(t, want, got, "created with version %d", v)
	}
}

func totpOnePerIdentity(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreateTOTP(ctx, TOTP("alice")))
	second := TOTP("alice")
	second.Secret = []byte("another-secret-of-20")
	errIs(t, s.CreateTOTP(ctx, second), identity.ErrAlreadyExists)
	got, err := s.GetTOTP(ctx, "alice")
	must(t, err)
	require.Equal(t, TOTP("alice"), got, "the first secret stays")
}

// totpCreateOfMissingIdentity: a TOTP of an identity that never existed, or was
// deleted, is ErrNotFound and stores nothing.
func totpCreateOfMissingIdentity(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("gone")))
	must(t, s.DeleteIdentity(ctx, "gone", 1))
	for _, id := range []string{"nobody", "gone"} {
		errIs(t, s.CreateTOTP(ctx, TOTP(id)), identity.ErrNotFound, "identity %s", id)
		_, err := s.GetTOTP(ctx, id)
		errIs(t, err, identity.ErrNotFound, "identity %s: nothing stored", id)
	}
}

// totpMissingIsNotFound: every TOTP method on an identity without one (existing or
// not) is ErrNotFound, and another identity's TOTP is untouched.
func totpMissingIsNotFound(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreateIdentity(ctx, Identity("bob")))
	must(t, s.CreateTOTP(ctx, TOTP("alice")))
	for _, id := range []string{"bob", "nobody"} {
		_, err := s.GetTOTP(ctx, id)
		errIs(t, err, identity.ErrNotFound, "GetTOTP %s", id)
		errIs(t, s.UpdateTOTP(ctx, TOTP(id)), identity.ErrNotFound, "UpdateTOTP %s", id)
		errIs(t, s.AdvanceTOTPStep(ctx, id, 5), identity.ErrNotFound, "AdvanceTOTPStep %s", id)
		errIs(t, s.DeleteTOTP(ctx, id), identity.ErrNotFound, "DeleteTOTP %s", id)
		_, err = s.GetTOTP(ctx, id)
		errIs(t, err, identity.ErrNotFound, "GetTOTP %s: no call created one", id)
	}
	got, err := s.GetTOTP(ctx, "alice")
	must(t, err)
	require.Equal(t, TOTP("alice"), got)
}

// totpUpdateStoresItsFields: UpdateTOTP stores Confirmed and LastStep and bumps the
// version; the secret and CreatedAt stay.
func totpUpdateStoresItsFields(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreateTOTP(ctx, TOTP("alice")))
	u := TOTP("alice")
	u.Confirmed, u.LastStep = true, 58_123_456
	u.Secret, u.CreatedAt = []byte("not-stored-secret-20"), t0.Add(time.Hour)
	must(t, s.UpdateTOTP(ctx, u))
	want := TOTP("alice")
	want.Confirmed, want.LastStep, want.Version = true, 58_123_456, 2
	got, err := s.GetTOTP(ctx, "alice")
	must(t, err)
	require.Equal(t, want, got)

	got.Confirmed, got.LastStep = false, 7
	must(t, s.UpdateTOTP(ctx, got))
	want.Confirmed, want.LastStep, want.Version = false, 7, 3
	got, err = s.GetTOTP(ctx, "alice")
	must(t, err)
	require.Equal(t, want, got, "UpdateTOTP stores what it is given, lower steps included")
}

func totpUpdateStaleVersion(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreateTOTP(ctx, TOTP("alice")))
	u := TOTP("alice")
	u.Confirmed = true
	must(t, s.UpdateTOTP(ctx, u))
	for _, v := range []int64{1, 3, 0} {
		stale := TOTP("alice")
		stale.LastStep, stale.Version = 99, v
		errIs(t, s.UpdateTOTP(ctx, stale), identity.ErrConflict, "version %d (current 2)", v)
	}
	got, err := s.GetTOTP(ctx, "alice")
	must(t, err)
	assert.True(t, got.Confirmed)
	assert.Zero(t, got.LastStep, "no stale write was stored")
	assert.Equal(t, int64(2), got.Version)
}

// totpAdvanceIsMonotonic: AdvanceTOTPStep moves LastStep forward only: a step at
// or below the stored one is ErrConflict and changes nothing (RFC 6238 §5.2: no
// code of a used step, or an earlier one, twice). It changes only LastStep, and
// only of its identity.
func totpAdvanceIsMonotonic(t *testing.T, s identity.Store) {
	ctx := t.Context()
	for _, id := range []string{"alice", "bob"} {
		must(t, s.CreateIdentity(ctx, Identity(id)))
		must(t, s.CreateTOTP(ctx, TOTP(id)))
	}
	u := TOTP("alice")
	u.Confirmed = true
	must(t, s.UpdateTOTP(ctx, u))
	stored := int64(0)
	for _, c := range []struct {
		step int64
		ok   bool
	}{
		{0, false}, {-1, false}, {10, true}, {10, false}, {9, false}, {11, true}, {58_000_000, true},
		{57_999_999, false}, {58_000_000, false}, {math.MaxInt64, true}, {math.MaxInt64, false},
	} {
		err := s.AdvanceTOTPStep(ctx, "alice", c.step)
		if c.ok {
			require.NoError(t, err, "step %d after %d", c.step, stored)
			stored = c.step
		} else {
			errIs(t, err, identity.ErrConflict, "step %d after %d", c.step, stored)
		}
		got, err := s.GetTOTP(ctx, "alice")
		must(t, err)
		require.Equal(t, stored, got.LastStep, "after step %d", c.step)
		require.True(t, got.Confirmed, "Confirmed is not AdvanceTOTPStep's")
		require.Equal(t, TOTP("alice").Secret, got.Secret)
	}
	bob, err := s.GetTOTP(ctx, "bob")
	must(t, err)
	require.Equal(t, TOTP("bob"), bob, "another identity's TOTP is untouched")
}

// totpConcurrentAdvanceOneWins: of requests presenting codes of one step at once,
// alone or inside transactions, exactly one succeeds and the others are
// ErrConflict.
func totpConcurrentAdvanceOneWins(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreateTOTP(ctx, TOTP("alice")))
	for round := range 8 {
		step := int64(1000 + round)
		errs := storetest.Concurrently(4, func(i int) error {
			if (round+i)%2 == 0 {
				return s.AdvanceTOTPStep(ctx, "alice", step)
			}
			return s.InTx(ctx, func(ctx context.Context) error {
				if _, err := s.GetTOTP(ctx, "alice"); err != nil {
					return err
				}
				return s.AdvanceTOTPStep(ctx, "alice", step)
			})
		})
		oneWinner(t, errs, identity.ErrConflict)
		got, err := s.GetTOTP(ctx, "alice")
		must(t, err)
		require.Equal(t, step, got.LastStep, "round %d", round)
	}
}

// totpConcurrentAdvancesKeepTheHighest: requests with different steps at once: in
// any order the highest step is accepted (nothing stored is above it) and ends up
// stored; the others succeed or are ErrConflict.
func totpConcurrentAdvancesKeepTheHighest(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreateTOTP(ctx, TOTP("alice")))
	for round := range 5 {
		steps := []int64{3, 1, 4, 5, 2}
		base := int64(100 * (round + 1))
		errs := storetest.Concurrently(len(steps), func(i int) error { return s.AdvanceTOTPStep(ctx, "alice", base+steps[i]) })
		for i, err := range errs {
			if steps[i] == slices.Max(steps) {
				require.NoError(t, err, "round %d: the highest step", round)
			} else if err != nil {
				errIs(t, err, identity.ErrConflict, "round %d: step %d", round, base+steps[i])
			}
		}
		got, err := s.GetTOTP(ctx, "alice")
		must(t, err)
		require.Equal(t, base+slices.Max(steps), got.LastStep, "round %d", round)
	}
}

func totpDelete(t *testing.T, s identity.Store) {
	ctx := t.Context()
	for _, id := range []string{"alice", "bob"} {
		must(t, s.CreateIdentity(ctx, Identity(id)))
		must(t, s.CreateTOTP(ctx, TOTP(id)))
	}
	must(t, s.AdvanceTOTPStep(ctx, "alice", 50))
	must(t, s.DeleteTOTP(ctx, "alice"))
	_, err := s.GetTOTP(ctx, "alice")
	errIs(t, err, identity.ErrNotFound, "deleted")
	errIs(t, s.DeleteTOTP(ctx, "alice"), identity.ErrNotFound, "deleted twice")
	bob, err := s.GetTOTP(ctx, "bob")
	must(t, err)
	require.Equal(t, TOTP("bob"), bob, "another identity's TOTP stays")

	again := TOTP("alice")
	again.Secret, again.Version = []byte("a-brand-new-secret!!"), 5
	must(t, s.CreateTOTP(ctx, again))
	got, err := s.GetTOTP(ctx, "alice")
	must(t, err)
	again.Version = 1
	require.Equal(t, again, got, "a new TOTP starts afresh: version 1, step 0")
	must(t, s.AdvanceTOTPStep(ctx, "alice", 1))
}

// recoveryCodeCases check I-3's one-time recovery codes.
func recoveryCodeCases() []storeCase {
	return []storeCase{
		{"RecoveryCodes/UseOnce_I3", codesUseOnce},
		{"RecoveryCodes/ReplaceDropsOld", codesReplaceDropsOld},
		{"RecoveryCodes/ScopedToIdentity", codesScopedToIdentity},
		{"RecoveryCodes/ReplaceOfMissingIdentityIsNotFound", codesOfMissingIdentity},
		{"RecoveryCodes/ConcurrentUseOneWins", codesConcurrentUseOneWins},
	}
}

func codesUseOnce(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	codes := RecoveryCodes("alice", 3)
	must(t, s.ReplaceRecoveryCodes(ctx, "alice", codes))
	count := func() int {
		n, err := s.CountRecoveryCodes(ctx, "alice")
		must(t, err)
		return n
	}
	require.Equal(t, 3, count())
	must(t, s.UseRecoveryCode(ctx, "alice", codes[1]))
	require.Equal(t, 2, count())
	errIs(t, s.UseRecoveryCode(ctx, "alice", codes[1]), identity.ErrNotFound, "I-3: a used code does not work again")
	require.Equal(t, 2, count())
	errIs(t, s.UseRecoveryCode(ctx, "alice", Hash("never issued")), identity.ErrNotFound, "a code never issued")
	errIs(t, s.UseRecoveryCode(ctx, "alice", ""), identity.ErrNotFound, "the empty hash")
	require.Equal(t, 2, count())
	must(t, s.UseRecoveryCode(ctx, "alice", codes[0]))
	must(t, s.UseRecoveryCode(ctx, "alice", codes[2]))
	require.Zero(t, count())
}

func codesReplaceDropsOld(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	count := func() int {
		n, err := s.CountRecoveryCodes(ctx, "alice")
		must(t, err)
		return n
	}
	require.Zero(t, count(), "an identity starts with no codes")
	old := RecoveryCodes("alice", 2)
	must(t, s.ReplaceRecoveryCodes(ctx, "alice", old))
	fresh := []string{Hash("fresh 1"), Hash("fresh 2"), Hash("fresh 3"), old[1]} // a hash may come again
	must(t, s.ReplaceRecoveryCodes(ctx, "alice", fresh))
	require.Equal(t, 4, count())
	errIs(t, s.UseRecoveryCode(ctx, "alice", old[0]), identity.ErrNotFound, "a replaced code")
	for _, h := range fresh {
		must(t, s.UseRecoveryCode(ctx, "alice", h))
	}
	require.Zero(t, count())

	must(t, s.ReplaceRecoveryCodes(ctx, "alice", fresh[:2]))
	must(t, s.ReplaceRecoveryCodes(ctx, "alice", []string{}))
	require.Zero(t, count(), "replaced by none")
	must(t, s.ReplaceRecoveryCodes(ctx, "alice", fresh[:2]))
	must(t, s.ReplaceRecoveryCodes(ctx, "alice", nil))
	require.Zero(t, count(), "replaced by nil")
	errIs(t, s.UseRecoveryCode(ctx, "alice", fresh[0]), identity.ErrNotFound)
}

// codesScopedToIdentity: codes belong to one identity: another's hash does not
// work, two identities may hold the same hash, and replacing or using one's codes
// leaves the other's.
func codesScopedToIdentity(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreateIdentity(ctx, Identity("bob")))
	alice, bob := RecoveryCodes("alice", 3), RecoveryCodes("bob", 2)
	must(t, s.ReplaceRecoveryCodes(ctx, "alice", alice))
	must(t, s.ReplaceRecoveryCodes(ctx, "bob", bob))
	errIs(t, s.UseRecoveryCode(ctx, "bob", alice[0]), identity.ErrNotFound, "alice's code presented as bob's")
	counts := func() [2]int {
		a, err := s.CountRecoveryCodes(ctx, "alice")
		must(t, err)
		b, err := s.CountRecoveryCodes(ctx, "bob")
		must(t, err)
		return [2]int{a, b}
	}
	require.Equal(t, [2]int{3, 2}, counts())

	shared := alice[0]
	must(t, s.ReplaceRecoveryCodes(ctx, "bob", []string{shared, bob[0]}))
	require.Equal(t, [2]int{3, 2}, counts(), "replacing bob's codes leaves alice's")
	must(t, s.UseRecoveryCode(ctx, "bob", shared))
	require.Equal(t, [2]int{3, 1}, counts())
	must(t, s.UseRecoveryCode(ctx, "alice", shared))
	require.Equal(t, [2]int{2, 1}, counts())
	must(t, s.UseRecoveryCode(ctx, "bob", bob[0]))
	require.Equal(t, [2]int{2, 0}, counts())
}

func codesOfMissingIdentity(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("gone")))
	must(t, s.DeleteIdentity(ctx, "gone", 1))
	for _, id := range []string{"nobody", "gone"} {
		errIs(t, s.ReplaceRecoveryCodes(ctx, id, RecoveryCodes(id, 2)), identity.ErrNotFound, "ReplaceRecoveryCodes %s", id)
		errIs(t, s.UseRecoveryCode(ctx, id, RecoveryCodes(id, 1)[0]), identity.ErrNotFound, "UseRecoveryCode %s", id)
		n, err := s.CountRecoveryCodes(ctx, id)
		require.NoError(t, err, "CountRecoveryCodes %s", id)
		require.Zero(t, n, "CountRecoveryCodes %s", id)
	}
}

// codesConcurrentUseOneWins: one code presented by several requests at once works
// once: one succeeds, the others are ErrNotFound (already used).
func codesConcurrentUseOneWins(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	codes := RecoveryCodes("alice", 6)
	must(t, s.ReplaceRecoveryCodes(ctx, "alice", codes))
	for round, code := range codes[:5] {
		errs := storetest.Concurrently(4, func(int) error { return s.UseRecoveryCode(ctx, "alice", code) })
		oneWinner(t, errs, identity.ErrNotFound)
		n, err := s.CountRecoveryCodes(ctx, "alice")
		must(t, err)
		require.Equal(t, len(codes)-round-1, n, "round %d", round)
	}
}

// passkeyCases check passkeys (I-3): credential ids unique across identities, and
// every read and write scoped to the identity.
func passkeyCases() []storeCase {
	return []storeCase{
		{"Passkeys/CreateStoresVersion1AndEveryField", passkeyCreateStoresEveryField},
		{"Passkeys/CredentialIDUniqueAcrossIdentities", passkeyCredentialIDUnique},
		{"Passkeys/ConcurrentCreatesOfOneCredentialOneWins", passkeyConcurrentCreates},
		{"Passkeys/CreateOfMissingIdentityIsNotFound", passkeyCreateOfMissingIdentity},
		{"Passkeys/MissingIsNotFound", passkeyMissingIsNotFound},
		{"Passkeys/OtherIdentityIsNotFound", passkeyOtherIdentityIsNotFound},
		{"Passkeys/ListOwnInCredentialIDByteOrder", passkeyListOrder},
		{"Passkeys/UpdateStoresOnlyItsFields", passkeyUpdateStoresItsFields},
		{"Passkeys/UpdateStaleVersionIsConflict", passkeyUpdateStaleVersion},
		{"Passkeys/ConcurrentUpdatesOfOneVersionOneWins", passkeyConcurrentUpdates},
		{"Passkeys/DeleteFreesCredentialID", passkeyDelete},
	}
}

func passkeyCreateStoresEveryField(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	var want []identity.Passkey
	for i, v := range []int64{1, 0, 7} {
		p := Passkey("alice", fmt.Sprintf("cred-%d", i))
		p.Version = v
		if i == 1 {
			p.SignCount, p.LastUsedAt = math.MaxUint32, t0.Add(time.Hour) // the counter's whole range
		}
		must(t, s.CreatePasskey(ctx, p))
		p.Version = 1
		got, err := s.GetPasskey(ctx, "alice", p.CredentialID)
		must(t, err)
		require.Equal(t, p, got, "created with version %d", v)
		want = append(want, p)
	}
	list, err := s.ListPasskeys(ctx, "alice")
	must(t, err)
	require.Equal(t, want, list)
}

func passkeyCredentialIDUnique(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreateIdentity(ctx, Identity("bob")))
	must(t, s.CreatePasskey(ctx, Passkey("alice", "cred-1")))
	errIs(t, s.CreatePasskey(ctx, Passkey("bob", "cred-1")), identity.ErrAlreadyExists, "registered to another identity")
	again := Passkey("alice", "cred-1")
	again.Name, again.Credential = "second", []byte(`{"other":true}`)
	errIs(t, s.CreatePasskey(ctx, again), identity.ErrAlreadyExists, "registered to the same identity")
	list, err := s.ListPasskeys(ctx, "bob")
	must(t, err)
	require.Empty(t, list, "bob got no passkey")
	got, err := s.GetPasskey(ctx, "alice", "cred-1")
	must(t, err)
	require.Equal(t, Passkey("alice", "cred-1"), got, "the first registration stays")
}

// passkeyConcurrentCreates: identities registering one credential id at once: one
// wins, the others are ErrAlreadyExists.
func passkeyConcurrentCreates(t *testing.T, s identity.Store) {
	ctx := t.Context()
	ids := []string{"i0", "i1", "i2", "i3"}
	for _, id := range ids {
		must(t, s.CreateIdentity(ctx, Identity(id)))
	}
	for round := range 5 {
		cred := fmt.Sprintf("cred-%d", round)
		errs := storetest.Concurrently(len(ids), func(i int) error { return s.CreatePasskey(ctx, Passkey(ids[i], cred)) })
		w := oneWinner(t, errs, identity.ErrAlreadyExists)
		for i, id := range ids {
			_, err := s.GetPasskey(ctx, id, cred)
			if i == w {
				require.NoError(t, err, "round %d: the winner's", round)
			} else {
				errIs(t, err, identity.ErrNotFound, "round %d: loser %s", round, id)
			}
		}
	}
}

func passkeyCreateOfMissingIdentity(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("gone")))
	must(t, s.DeleteIdentity(ctx, "gone", 1))
	for _, id := range []string{"nobody", "gone"} {
		errIs(t, s.CreatePasskey(ctx, Passkey(id, "cred-"+id)), identity.ErrNotFound, "identity %s", id)
		list, err := s.ListPasskeys(ctx, id)
		must(t, err)
		require.Empty(t, list, "identity %s: nothing stored", id)
	}
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreatePasskey(ctx, Passkey("alice", "cred-nobody")))
}

func passkeyMissingIsNotFound(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreatePasskey(ctx, Passkey("alice", "cred-1")))
	_, err := s.GetPasskey(ctx, "alice", "cred-2")
	errIs(t, err, identity.ErrNotFound, "GetPasskey")
	errIs(t, s.UpdatePasskey(ctx, Passkey("alice", "cred-2")), identity.ErrNotFound, "UpdatePasskey")
	errIs(t, s.DeletePasskey(ctx, "alice", "cred-2"), identity.ErrNotFound, "DeletePasskey")
	_, err = s.GetPasskey(ctx, "nobody", "cred-1")
	errIs(t, err, identity.ErrNotFound, "GetPasskey of a missing identity")
	list, err := s.ListPasskeys(ctx, "nobody")
	require.NoError(t, err, "a missing identity's list is empty, not an error")
	require.Empty(t, list)
	list, err = s.ListPasskeys(ctx, "alice")
	must(t, err)
	require.Equal(t, []identity.Passkey{Passkey("alice", "cred-1")}, list, "no failed call stored a passkey")
}

// passkeyOtherIdentityIsNotFound: another identity's passkey is reported exactly
// like a missing one, by GetPasskey, UpdatePasskey and DeletePasskey, and none of
// them changes it.
func passkeyOtherIdentityIsNotFound(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreateIdentity(ctx, Identity("bob")))
	must(t, s.CreatePasskey(ctx, Passkey("alice", "cred-1")))
	_, err := s.GetPasskey(ctx, "bob", "cred-1")
	errIs(t, err, identity.ErrNotFound, "GetPasskey")
	hijack := Passkey("bob", "cred-1")
	hijack.Name, hijack.SignCount, hijack.LastUsedAt = "hijacked", 99, t0.Add(time.Hour)
	errIs(t, s.UpdatePasskey(ctx, hijack), identity.ErrNotFound, "UpdatePasskey")
	errIs(t, s.DeletePasskey(ctx, "bob", "cred-1"), identity.ErrNotFound, "DeletePasskey")
	got, err := s.GetPasskey(ctx, "alice", "cred-1")
	must(t, err)
	require.Equal(t, Passkey("alice", "cred-1"), got, "alice's passkey is untouched")
	list, err := s.ListPasskeys(ctx, "bob")
	must(t, err)
	require.Empty(t, list)
}

// passkeyListOrder: ListPasskeys returns the identity's passkeys, and only them,
// in the byte order of CredentialID.
func passkeyListOrder(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreateIdentity(ctx, Identity("bob")))
	keys := storetest.OrderKeys()
	for _, k := range keys {
		must(t, s.CreatePasskey(ctx, Passkey("alice", k)))
		must(t, s.CreatePasskey(ctx, Passkey("bob", "bob-"+k)))
	}
	list, err := s.ListPasskeys(ctx, "alice")
	must(t, err)
	var got []string
	for _, p := range list {
		require.Equal(t, "alice", p.IdentityID)
		got = append(got, p.CredentialID)
	}
	require.Equal(t, slices.Sorted(slices.Values(keys)), got, "byte order of CredentialID")
}

// passkeyUpdateStoresItsFields: UpdatePasskey stores Name, Credential, SignCount
// and LastUsedAt and bumps the version; CreatedAt stays.
func passkeyUpdateStoresItsFields(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreatePasskey(ctx, Passkey("alice", "cred-1")))
	must(t, s.CreatePasskey(ctx, Passkey("alice", "cred-2")))
	u := Passkey("alice", "cred-1")
	u.Name, u.Credential, u.SignCount, u.LastUsedAt = "iPhone", []byte(`{"signCount":17}`), 17, t0.Add(time.Hour)
	u.CreatedAt = t0.Add(-time.Hour) // not stored
	must(t, s.UpdatePasskey(ctx, u))
	want := u
	want.CreatedAt, want.Version = t0, 2
	got, err := s.GetPasskey(ctx, "alice", "cred-1")
	must(t, err)
	require.Equal(t, want, got)
	other, err := s.GetPasskey(ctx, "alice", "cred-2")
	must(t, err)
	require.Equal(t, Passkey("alice", "cred-2"), other, "another passkey is untouched")
}

func passkeyUpdateStaleVersion(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreatePasskey(ctx, Passkey("alice", "cred-1")))
	u := Passkey("alice", "cred-1")
	u.SignCount = 5
	must(t, s.UpdatePasskey(ctx, u))
	for _, v := range []int64{1, 3, 0} {
		stale := Passkey("alice", "cred-1")
		stale.SignCount, stale.Version = 4, v
		errIs(t, s.UpdatePasskey(ctx, stale), identity.ErrConflict, "version %d (current 2)", v)
	}
	got, err := s.GetPasskey(ctx, "alice", "cred-1")
	must(t, err)
	assert.Equal(t, uint32(5), got.SignCount, "no stale write was stored")
	assert.Equal(t, int64(2), got.Version)
}

// passkeyConcurrentUpdates: sign-ins with one passkey at once, each writing the
// version it read: one succeeds, the others are ErrConflict (a sign counter
// another request advanced first).
func passkeyConcurrentUpdates(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreatePasskey(ctx, Passkey("alice", "cred-1")))
	for round := range 5 {
		cur, err := s.GetPasskey(ctx, "alice", "cred-1")
		must(t, err)
		count := func(i int) uint32 { return uint32(100*(round+1) + i) }
		errs := storetest.Concurrently(4, func(i int) error {
			u := cur.Clone()
			u.SignCount = count(i)
			return s.UpdatePasskey(ctx, u)
		})
		w := oneWinner(t, errs, identity.ErrConflict)
		got, err := s.GetPasskey(ctx, "alice", "cred-1")
		must(t, err)
		require.Equal(t, count(w), got.SignCount, "round %d: the winner's write is stored", round)
		require.Equal(t, cur.Version+1, got.Version, "round %d", round)
	}
}

func passkeyDelete(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreateIdentity(ctx, Identity("bob")))
	must(t, s.CreatePasskey(ctx, Passkey("alice", "cred-1")))
	must(t, s.CreatePasskey(ctx, Passkey("alice", "cred-2")))
	must(t, s.DeletePasskey(ctx, "alice", "cred-1"))
	_, err := s.GetPasskey(ctx, "alice", "cred-1")
	errIs(t, err, identity.ErrNotFound, "deleted")
	errIs(t, s.DeletePasskey(ctx, "alice", "cred-1"), identity.ErrNotFound, "deleted twice")
	list, err := s.ListPasskeys(ctx, "alice")
	must(t, err)
	require.Equal(t, []identity.Passkey{Passkey("alice", "cred-2")}, list)
	must(t, s.CreatePasskey(ctx, Passkey("bob", "cred-1")))
	got, err := s.GetPasskey(ctx, "bob", "cred-1")
	must(t, err)
	require.Equal(t, Passkey("bob", "cred-1"), got, "the credential id is free once deleted")
}
