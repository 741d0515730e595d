package identitytest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// copyCases check that values are copied in and out: a caller mutating a slice it
// passed or received never changes the store.
func copyCases() []storeCase {
	return []storeCase{
		{"Copies/TOTPSecret", copiesTOTPSecret},
		{"Copies/PasskeyCredential", copiesPasskeyCredential},
		{"Copies/TicketData", copiesTicketData},
		{"Copies/RecoveryCodeHashes", copiesRecoveryCodeHashes},
	}
}

// scribble overwrites every byte of b.
func scribble(b []byte) {
	for i := range b {
		b[i] = 'X'
	}
}

func copiesTOTPSecret(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	in := TOTP("alice")
	must(t, s.CreateTOTP(ctx, in))
	scribble(in.Secret)
	got, err := s.GetTOTP(ctx, "alice")
	must(t, err)
	require.Equal(t, TOTP("alice").Secret, got.Secret, "mutating what CreateTOTP was given")
	scribble(got.Secret)
	again, err := s.GetTOTP(ctx, "alice")
	must(t, err)
	require.Equal(t, TOTP("alice").Secret, again.Secret, "mutating what GetTOTP returned")
	again.Confirmed = true
	must(t, s.UpdateTOTP(ctx, again))
	scribble(again.Secret)
	got, err = s.GetTOTP(ctx, "alice")
	must(t, err)
	require.Equal(t, TOTP("alice").Secret, got.Secret, "mutating what UpdateTOTP was given")
}

func copiesPasskeyCredential(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	in := Passkey("alice", "cred-1")
	must(t, s.CreatePasskey(ctx, in))
	scribble(in.Credential)
	stored := func(what string) {
		t.Helper()
		got, err := s.GetPasskey(ctx, "alice", "cred-1")
		must(t, err)
		require.Equal(t, string(Passkey("alice", "cred-1").Credential), string(got.Credential), what)
	}
	stored("mutating what CreatePasskey was given")
	got, err := s.GetPasskey(ctx, "alice", "cred-1")
	must(t, err)
	scribble(got.Credential)
	stored("mutating what GetPasskey returned")
	list, err := s.ListPasskeys(ctx, "alice")
	must(t, err)
	require.Len(t, list, 1)
	scribble(list[0].Credential)
	stored("mutating what ListPasskeys returned")

	u := Passkey("alice", "cred-1")
	u.Credential = []byte(`{"signCount":1}`)
	must(t, s.UpdatePasskey(ctx, u))
	scribble(u.Credential)
	got, err = s.GetPasskey(ctx, "alice", "cred-1")
	must(t, err)
	require.Equal(t, `{"signCount":1}`, string(got.Credential), "mutating what UpdatePasskey was given")
}

// copiesTicketData: the Data a ticket was created with, or that a take returned
// inside a transaction that was then rolled back, is the store's own copy.
func copiesTicketData(t *testing.T, s identity.Store) {
	ctx := t.Context()
	in := Ticket("", "t1", purposeWebAuthn)
	must(t, s.CreateTicket(ctx, in))
	scribble(in.Data)
	var taken identity.Ticket
	err := s.InTx(ctx, func(ctx context.Context) error {
		var err error
		taken, err = s.TakeTicket(ctx, in.Hash, purposeWebAuthn)
		if err != nil {
			return err
		}
		return errRollback
	})
	require.ErrorIs(t, err, errRollback)
	require.Equal(t, string(Ticket("", "t1", purposeWebAuthn).Data), string(taken.Data), "mutating what CreateTicket was given")
	scribble(taken.Data)
	got, err := s.TakeTicket(ctx, in.Hash, purposeWebAuthn)
	must(t, err)
	require.Equal(t, Ticket("", "t1", purposeWebAuthn), got, "mutating what TakeTicket returned")
}

func copiesRecoveryCodeHashes(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	codes := RecoveryCodes("alice", 3)
	in := append([]string(nil), codes...)
	must(t, s.ReplaceRecoveryCodes(ctx, "alice", in))
	in[0], in[1] = Hash("other 0"), Hash("other 1")
	errIs(t, s.UseRecoveryCode(ctx, "alice", in[0]), identity.ErrNotFound, "a hash put in the slice afterwards")
	must(t, s.UseRecoveryCode(ctx, "alice", codes[0]))
	must(t, s.UseRecoveryCode(ctx, "alice", codes[1]))
	n, err := s.CountRecoveryCodes(ctx, "alice")
	must(t, err)
	require.Equal(t, 1, n)
}

// timeCases check that times are UTC at microsecond precision and that a zero time
// means unset.
func timeCases() []storeCase {
	return []storeCase{
		{"Times/UTCMicroseconds", timesUTCMicroseconds},
		{"Times/ZeroStaysZero", timesZeroStaysZero},
		{"Times/ComparedAtMicroseconds", timesComparedAtMicroseconds},
	}
}

// timesUTCMicroseconds: every time of every record, given in another zone with
// nanoseconds, comes back in UTC at microsecond precision (truncated), through
// creates, updates and touches.
func timesUTCMicroseconds(t *testing.T, s identity.Store) {
	ctx := t.Context()
	w := []time.Time{t0, t0.Add(time.Hour), t0.Add(2 * time.Hour), t0.Add(3 * time.Hour), t0.Add(-time.Hour)}

	i := Identity("alice")
	i.CreatedAt, i.UpdatedAt, i.PasswordChangedAt = storetest.Local(w[0]), storetest.Local(w[1]), storetest.Local(w[2])
	must(t, s.CreateIdentity(ctx, i))
	gi, err := s.GetIdentity(ctx, "alice")
	must(t, err)
	storetest.UTC(t, w[0], gi.CreatedAt, "Identity.CreatedAt")
	storetest.UTC(t, w[1], gi.UpdatedAt, "Identity.UpdatedAt")
	storetest.UTC(t, w[2], gi.PasswordChangedAt, "Identity.PasswordChangedAt")
	gi.UpdatedAt, gi.PasswordChangedAt = storetest.Local(w[3]), storetest.Local(w[4])
	must(t, s.UpdateIdentity(ctx, gi))
	gi, err = s.GetIdentityByEmail(ctx, "alice@example.com")
	must(t, err)
	storetest.UTC(t, w[3], gi.UpdatedAt, "Identity.UpdatedAt after UpdateIdentity")
	storetest.UTC(t, w[4], gi.PasswordChangedAt, "Identity.PasswordChangedAt after UpdateIdentity")
	ids, _, err := s.ListIdentities(ctx, resellerkit.Page{})
	must(t, err)
	require.Len(t, ids, 1)
	storetest.UTC(t, w[0], ids[0].CreatedAt, "Identity.CreatedAt in ListIdentities")

	totp := TOTP("alice")
	totp.CreatedAt = storetest.Local(w[1])
	must(t, s.CreateTOTP(ctx, totp))
	gt, err := s.GetTOTP(ctx, "alice")
	must(t, err)
	storetest.UTC(t, w[1], gt.CreatedAt, "TOTP.CreatedAt")

	pk := Passkey("alice", "cred-1")
	pk.CreatedAt, pk.LastUsedAt = storetest.Local(w[0]), storetest.Local(w[1])
	must(t, s.CreatePasskey(ctx, pk))
	gp, err := s.GetPasskey(ctx, "alice", "cred-1")
	must(t, err)
	storetest.UTC(t, w[0], gp.CreatedAt, "Passkey.CreatedAt")
	storetest.UTC(t, w[1], gp.LastUsedAt, "Passkey.LastUsedAt")
	gp.LastUsedAt = storetest.Local(w[3])
	must(t, s.UpdatePasskey(ctx, gp))
	list, err := s.ListPasskeys(ctx, "alice")
	must(t, err)
	require.Len(t, list, 1)
	storetest.UTC(t, w[3], list[0].LastUsedAt, "Passkey.LastUsedAt after UpdatePasskey")

	x := Session("alice", "s1")
	x.CreatedAt, x.LastSeenAt, x.ExpiresAt = storetest.Local(w[0]), storetest.Local(w[1]), storetest.Local(w[2])
	must(t, s.CreateSession(ctx, x))
	gs, err := s.GetSessionByTokenHash(ctx, x.TokenHash)
	must(t, err)
	storetest.UTC(t, w[0], gs.CreatedAt, "Session.CreatedAt")
	storetest.UTC(t, w[1], gs.LastSeenAt, "Session.LastSeenAt")
	storetest.UTC(t, w[2], gs.ExpiresAt, "Session.ExpiresAt")
	must(t, s.TouchSession(ctx, "s1", storetest.Local(w[3])))
	sl, _, err := s.ListSessions(ctx, "alice", resellerkit.Page{})
	must(t, err)
	require.Len(t, sl, 1)
	storetest.UTC(t, w[3], sl[0].LastSeenAt, "Session.LastSeenAt after TouchSession")

	k := APIKey("alice", "rk_1")
	k.CreatedAt, k.ExpiresAt, k.LastUsedAt = storetest.Local(w[0]), storetest.Local(w[2]), storetest.Local(w[1])
	must(t, s.CreateAPIKey(ctx, k))
	gk, err := s.GetAPIKey(ctx, "rk_1")
	must(t, err)
	storetest.UTC(t, w[0], gk.CreatedAt, "APIKey.CreatedAt")
	storetest.UTC(t, w[2], gk.ExpiresAt, "APIKey.ExpiresAt")
	storetest.UTC(t, w[1], gk.LastUsedAt, "APIKey.LastUsedAt")
	must(t, s.TouchAPIKey(ctx, "rk_1", storetest.Local(w[3])))
	kl, _, err := s.ListAPIKeys(ctx, "alice", resellerkit.Page{})
	must(t, err)
	require.Len(t, kl, 1)
	storetest.UTC(t, w[3], kl[0].LastUsedAt, "APIKey.LastUsedAt after TouchAPIKey")

	tk := Ticket("alice", "t1", purposeReset)
	tk.CreatedAt, tk.ExpiresAt = storetest.Local(w[0]), storetest.Local(w[1])
	must(t, s.CreateTicket(ctx, tk))
	gtk, err := s.TakeTicket(ctx, tk.Hash, purposeReset)
	must(t, err)
	storetest.UTC(t, w[0], gtk.CreatedAt, "Ticket.CreatedAt")
	storetest.UTC(t, w[1], gtk.ExpiresAt, "Ticket.ExpiresAt")

	must(t, s.AddFailure(ctx, "k", storetest.Local(w[2])))
	fails, err := s.RecentFailures(ctx, "k", longAgo, 10)
	must(t, err)
	require.Len(t, fails, 1)
	storetest.UTC(t, w[2], fails[0], "a failure's time")
}

// timesZeroStaysZero: a zero time means unset and comes back zero.
func timesZeroStaysZero(t *testing.T, s identity.Store) {
	ctx := t.Context()
	i := Identity("alice")
	i.PasswordChangedAt, i.PasswordHash = time.Time{}, "" // no password yet
	must(t, s.CreateIdentity(ctx, i))
	gi, err := s.GetIdentity(ctx, "alice")
	must(t, err)
	assert.True(t, gi.PasswordChangedAt.IsZero(), "Identity.PasswordChangedAt: %v", gi.PasswordChangedAt)
	gi.PasswordChangedAt, gi.PasswordHash = t0, "$argon2id$set"
	must(t, s.UpdateIdentity(ctx, gi))
	gi.Version++
	gi.PasswordChangedAt, gi.PasswordHash = time.Time{}, ""
	must(t, s.UpdateIdentity(ctx, gi))
	gi, err = s.GetIdentity(ctx, "alice")
	must(t, err)
	assert.True(t, gi.PasswordChangedAt.IsZero(), "Identity.PasswordChangedAt unset again: %v", gi.PasswordChangedAt)

	must(t, s.CreatePasskey(ctx, Passkey("alice", "cred-1")))
	gp, err := s.GetPasskey(ctx, "alice", "cred-1")
	must(t, err)
	assert.True(t, gp.LastUsedAt.IsZero(), "Passkey.LastUsedAt until first used: %v", gp.LastUsedAt)

	k := APIKey("alice", "rk_1")
	k.ExpiresAt = time.Time{}
	must(t, s.CreateAPIKey(ctx, k))
	gk, err := s.GetAPIKey(ctx, "rk_1")
	must(t, err)
	assert.True(t, gk.ExpiresAt.IsZero(), "APIKey.ExpiresAt of a key that never expires: %v", gk.ExpiresAt)
	assert.True(t, gk.LastUsedAt.IsZero(), "APIKey.LastUsedAt until first used: %v", gk.LastUsedAt)
	must(t, s.TouchAPIKey(ctx, "rk_1", t0))
	gk, err = s.GetAPIKey(ctx, "rk_1")
	must(t, err)
	assert.Equal(t, t0, gk.LastUsedAt, "the first touch sets an unset LastUsedAt")
}

// timesComparedAtMicroseconds: times given with nanoseconds are stored truncated,
// so bounds given at the stored microsecond match them.
func timesComparedAtMicroseconds(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	at := t0.Add(time.Hour)
	x := Session("alice", "s1")
	x.ExpiresAt = at.Add(999 * time.Nanosecond)
	must(t, s.CreateSession(ctx, x))
	tk := Ticket("alice", "t1", purposeReset)
	tk.ExpiresAt = at.Add(999 * time.Nanosecond)
	must(t, s.CreateTicket(ctx, tk))
	must(t, s.AddFailure(ctx, "k", at.Add(999*time.Nanosecond)))

	got, err := s.RecentFailures(ctx, "k", at, 10)
	must(t, err)
	require.Equal(t, []time.Time{at}, got, "a failure at since, to the microsecond, counts")
	n, err := s.DeleteFailuresBefore(ctx, at)
	must(t, err)
	require.Zero(t, n, "a failure at the bound, to the microsecond, is not before it")

	n, err = s.DeleteStaleSessions(ctx, at, t0)
	must(t, err)
	require.Equal(t, 1, n, "a session expiring at the bound, to the microsecond, is stale")
	n, err = s.DeleteExpiredTickets(ctx, at)
	must(t, err)
	require.Equal(t, 1, n, "a ticket expiring at the bound, to the microsecond, has expired")
}
