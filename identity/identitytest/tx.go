package identitytest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// txCases check the transactions that travel in the context (Store.InTx) and the
// atomicity of every failing call.
func txCases() []storeCase {
	return []storeCase{
		{"Tx/CommitKeepsEverything", txCommitKeepsEverything},
		{"Tx/ReadsSeeUncommittedWrites", txReadsSeeUncommittedWrites},
		{"Tx/RollbackKeepsNothing", txRollbackKeepsNothing},
		{"Tx/FailedCallInsideTxChangesNothing", txFailedCallInsideTxChangesNothing},
		{"Tx/NestedJoinsTheTransaction", txNestedJoins},
		{"Tx/NestedFailureUndoesOnlyItsWrites", txNestedFailureUndoesOnlyItsWrites},
		{"Tx/CancelledContextWritesNothing", txCancelledContextWritesNothing},
		{"Atomic/FailedCallsChangeNothing", atomicFailedCallsChangeNothing},
	}
}

// withCarol returns the fixture extended with identity carol, whom the transaction
// cases create with a record of every kind.
func (f fixture) withCarol() fixture {
	f.identities = append(slices.Clone(f.identities), "carol")
	f.codes = maps.Clone(f.codes)
	f.codes["carol"] = RecoveryCodes("carol", 2)
	f.tickets = append(slices.Clone(f.tickets), Ticket("carol", "carol-reset", purposeReset))
	f.failureKeys = append(slices.Clone(f.failureKeys), "carol@example.com")
	return f
}

// createCarol creates carol with a record of every kind, returning the first
// error.
func createCarol(ctx context.Context, s identity.Store, f fixture) error {
	for _, err := range []error{
		s.CreateIdentity(ctx, Identity("carol")),
		s.CreateTOTP(ctx, TOTP("carol")),
		s.ReplaceRecoveryCodes(ctx, "carol", f.codes["carol"]),
		s.CreatePasskey(ctx, Passkey("carol", "carol-pk1")),
		s.CreateSession(ctx, Session("carol", "carol-s1")),
		s.CreateAPIKey(ctx, APIKey("carol", "rk_carol1")),
		s.CreateTicket(ctx, Ticket("carol", "carol-reset", purposeReset)),
		s.AddFailure(ctx, "carol@example.com", t0),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

// txCommitKeepsEverything: every write of a transaction whose fn returns nil is
// kept.
func txCommitKeepsEverything(t *testing.T, s identity.Store) {
	ctx := t.Context()
	f := seed(t, s).withCarol()
	must(t, s.InTx(ctx, func(ctx context.Context) error {
		if err := createCarol(ctx, s, f); err != nil {
			return err
		}
		return s.DeleteSession(ctx, "alice", "alice-s1")
	}))
	d := dump(t, s, f)
	assert.Equal(t, Identity("carol"), d["carol/identity"])
	assert.Equal(t, TOTP("carol"), d["carol/totp"])
	assert.Equal(t, 2, d["carol/codes"])
	assert.Equal(t, []identity.Passkey{Passkey("carol", "carol-pk1")}, d["carol/passkeys"])
	assert.Equal(t, []identity.Session{Session("carol", "carol-s1")}, d["carol/sessions"])
	assert.Equal(t, []identity.APIKey{APIKey("carol", "rk_carol1")}, d["carol/apikeys"])
	assert.Equal(t, Ticket("carol", "carol-reset", purposeReset), d["ticket/carol/"+Ticket("carol", "carol-reset", "").Hash[:8]])
	assert.Equal(t, []time.Time{t0}, d["failures/carol@example.com"])
	assert.Equal(t, []identity.Session{Session("alice", "alice-s2")}, d["alice/sessions"])
}

// txReadsSeeUncommittedWrites: every read made with the transaction's context sees
// its writes (creates, updates, deletes, takes); once fn fails none is kept.
func txReadsSeeUncommittedWrites(t *testing.T, s identity.Store) {
	ctx := t.Context()
	f := seed(t, s).withCarol()
	before := dump(t, s, f)
	err := s.InTx(ctx, func(ctx context.Context) error {
		require.NoError(t, createCarol(ctx, s, f))
		got, err := s.GetIdentity(ctx, "carol")
		require.NoError(t, err)
		assert.Equal(t, Identity("carol"), got)
		got, err = s.GetIdentityByEmail(ctx, "carol@example.com")
		require.NoError(t, err)
		assert.Equal(t, "carol", got.ID)
		ids, _, err := s.ListIdentities(ctx, resellerkit.Page{})
		require.NoError(t, err)
		assert.Len(t, ids, 3)
		totp, err := s.GetTOTP(ctx, "carol")
		require.NoError(t, err)
		assert.Equal(t, TOTP("carol"), totp)
		n, err := s.CountRecoveryCodes(ctx, "carol")
		require.NoError(t, err)
		assert.Equal(t, 2, n)
		pk, err := s.GetPasskey(ctx, "carol", "carol-pk1")
		require.NoError(t, err)
		assert.Equal(t, Passkey("carol", "carol-pk1"), pk)
		x, err := s.GetSessionByTokenHash(ctx, Session("carol", "carol-s1").TokenHash)
		require.NoError(t, err)
		assert.Equal(t, Session("carol", "carol-s1"), x)
		k, err := s.GetAPIKey(ctx, "rk_carol1")
		require.NoError(t, err)
		assert.Equal(t, APIKey("carol", "rk_carol1"), k)
		fails, err := s.RecentFailures(ctx, "carol@example.com", longAgo, 10)
		require.NoError(t, err)
		assert.Equal(t, []time.Time{t0}, fails)

		u := Identity("alice")
		u.Name = "in the transaction"
		require.NoError(t, s.UpdateIdentity(ctx, u))
		got, err = s.GetIdentity(ctx, "alice")
		require.NoError(t, err)
		assert.Equal(t, "in the transaction", got.Name)
		assert.Equal(t, int64(2), got.Version)
		require.NoError(t, s.AdvanceTOTPStep(ctx, "alice", 77))
		totp, err = s.GetTOTP(ctx, "alice")
		require.NoError(t, err)
		assert.Equal(t, int64(77), totp.LastStep)
		require.NoError(t, s.UseRecoveryCode(ctx, "alice", f.codes["alice"][0]))
		n, err = s.CountRecoveryCodes(ctx, "alice")
		require.NoError(t, err)
		assert.Equal(t, 2, n)
		require.NoError(t, s.TouchSession(ctx, "alice-s1", t0.Add(time.Hour)))
		x, err = s.GetSessionByTokenHash(ctx, Session("alice", "alice-s1").TokenHash)
		require.NoError(t, err)
		assert.Equal(t, t0.Add(time.Hour), x.LastSeenAt)

		require.NoError(t, s.DeleteIdentity(ctx, "bob", 1))
		_, err = s.GetIdentity(ctx, "bob")
		assert.ErrorIs(t, err, identity.ErrNotFound)
		_, err = s.GetTOTP(ctx, "bob")
		assert.ErrorIs(t, err, identity.ErrNotFound, "the cascade is seen in the transaction")
		bobSessions, _, err := s.ListSessions(ctx, "bob", resellerkit.Page{})
		require.NoError(t, err)
		assert.Empty(t, bobSessions)
		_, err = s.TakeTicket(ctx, Ticket("bob", "bob-reset", "").Hash, purposeReset)
		assert.ErrorIs(t, err, identity.ErrNotFound)

		tk, err := s.TakeTicket(ctx, Ticket("alice", "alice-reset", "").Hash, purposeReset)
		require.NoError(t, err)
		assert.Equal(t, Ticket("alice", "alice-reset", purposeReset), tk)
		_, err = s.TakeTicket(ctx, tk.Hash, purposeReset)
		assert.ErrorIs(t, err, identity.ErrNotFound, "taken in the transaction")
		return errRollback
	})
	require.ErrorIs(t, err, errRollback)
	storetest.SameDump(t, before, dump(t, s, f), "nothing of the failed transaction is kept")
}

// txRollbackKeepsNothing: a transaction that writes with every method, then fails,
// keeps none of it, and InTx returns fn's error unchanged.
func txRollbackKeepsNothing(t *testing.T, s identity.Store) {
	ctx := t.Context()
	f := seed(t, s).withCarol()
	before := dump(t, s, f)
	wrapped := fmt.Errorf("wrapped: %w", errRollback)
	err := s.InTx(ctx, func(ctx context.Context) error {
		u := Identity("alice")
		u.Name = "changed"
		totp := TOTP("alice")
		totp.Confirmed = true
		pk := Passkey("alice", "alice-pk1")
		pk.SignCount = 9
		for _, err := range []error{
			createCarol(ctx, s, f),
			s.UpdateIdentity(ctx, u),
			s.UpdateTOTP(ctx, totp),
			s.AdvanceTOTPStep(ctx, "alice", 12),
			s.DeleteTOTP(ctx, "bob"),
			s.UseRecoveryCode(ctx, "alice", f.codes["alice"][1]),
			s.ReplaceRecoveryCodes(ctx, "bob", []string{Hash("new")}),
			s.UpdatePasskey(ctx, pk),
			s.DeletePasskey(ctx, "alice", "alice-pk2"),
			s.CreatePasskey(ctx, Passkey("bob", "bob-pk3")),
			s.TouchSession(ctx, "alice-s1", t0.Add(time.Hour)),
			s.DeleteSession(ctx, "alice", "alice-s2"),
			s.CreateSession(ctx, Session("bob", "bob-s3")),
			s.TouchAPIKey(ctx, "rk_alice1", t0.Add(time.Hour)),
			s.DeleteAPIKey(ctx, "alice", "rk_alice2"),
			s.CreateAPIKey(ctx, APIKey("bob", "rk_bob3")),
			s.CreateTicket(ctx, Ticket("bob", "bob-extra", purposeReset)),
			s.AddFailure(ctx, "alice@example.com", t0.Add(time.Hour)),
			s.RemoveFailure(ctx, "bob@example.com", t0.Add(10*time.Second)),
			s.ClearFailures(ctx, "192.0.2.10"),
		} {
			require.NoError(t, err)
		}
		_, err := s.TakeTicket(ctx, Ticket("alice", "alice-reset", "").Hash, purposeReset)
		require.NoError(t, err)
		for _, n := range []func() (int, error){
			func() (int, error) { return s.DeleteSessions(ctx, "bob", "") },
			func() (int, error) {
				return s.DeleteStaleSessions(ctx, t0.Add(365*24*time.Hour), t0.Add(365*24*time.Hour))
			},
			func() (int, error) { return s.DeleteTickets(ctx, "alice", purposeWebAuthn) },
			func() (int, error) { return s.DeleteExpiredTickets(ctx, t0.Add(time.Hour)) },
			func() (int, error) { return s.DeleteFailuresBefore(ctx, t0.Add(time.Hour)) },
		} {
			removed, err := n()
			require.NoError(t, err)
			require.Positive(t, removed)
		}
		require.NoError(t, s.DeleteIdentity(ctx, "bob", 1))
		return wrapped
	})
	assert.Same(t, wrapped, err, "InTx returns fn's error unchanged")
	storetest.SameDump(t, before, dump(t, s, f), "nothing of the failed transaction is kept")
	_, err = s.GetIdentity(ctx, "carol")
	errIs(t, err, identity.ErrNotFound)
}

// failingCall is a call that must fail with want.
type failingCall struct {
	name string
	want error
	call func(ctx context.Context) error
}

// failingCalls are calls of every method that fails on the seed fixture, one per
// error the contract names.
func failingCalls(s identity.Store, f fixture) []failingCall {
	nf, ae, cf := identity.ErrNotFound, identity.ErrAlreadyExists, identity.ErrConflict
	stale := func(v int64) identity.Identity { i := Identity("alice"); i.Name, i.Version = "stale", v; return i }
	emailTaken := Identity("zed")
	emailTaken.Email = "alice@example.com"
	idTaken := Identity("alice")
	idTaken.Email = "zed@example.com"
	staleTOTP := TOTP("alice")
	staleTOTP.Confirmed, staleTOTP.Version = true, 2
	bobsPasskey := Passkey("bob", "alice-pk1")
	bobsPasskey.Name = "hijack"
	stalePasskey := Passkey("alice", "alice-pk1")
	stalePasskey.SignCount, stalePasskey.Version = 5, 7
	tokenTaken := Session("bob", "bob-s9")
	tokenTaken.TokenHash = Session("alice", "alice-s1").TokenHash
	idTakenSession := Session("bob", "alice-s1")
	idTakenSession.TokenHash = Hash("fresh token")
	badToken := resellerkit.Page{Token: "!"}
	return []failingCall{
		{"CreateIdentity: a taken id", ae, func(ctx context.Context) error { return s.CreateIdentity(ctx, idTaken) }},
		{"CreateIdentity: a taken email (I-1)", ae, func(ctx context.Context) error { return s.CreateIdentity(ctx, emailTaken) }},
		{"UpdateIdentity: a stale version", cf, func(ctx context.Context) error { return s.UpdateIdentity(ctx, stale(2)) }},
		{"UpdateIdentity: missing", nf, func(ctx context.Context) error { return s.UpdateIdentity(ctx, Identity("zed")) }},
		{"DeleteIdentity: a stale version", cf, func(ctx context.Context) error { return s.DeleteIdentity(ctx, "bob", 2) }},
		{"DeleteIdentity: missing", nf, func(ctx context.Context) error { return s.DeleteIdentity(ctx, "zed", 1) }},
		{"CreateTOTP: has one", ae, func(ctx context.Context) error { return s.CreateTOTP(ctx, TOTP("alice")) }},
		{"CreateTOTP: missing identity", nf, func(ctx context.Context) error { return s.CreateTOTP(ctx, TOTP("zed")) }},
		{"UpdateTOTP: a stale version", cf, func(ctx context.Context) error { return s.UpdateTOTP(ctx, staleTOTP) }},
		{"UpdateTOTP: missing", nf, func(ctx context.Context) error { return s.UpdateTOTP(ctx, TOTP("zed")) }},
		{"AdvanceTOTPStep: a used step", cf, func(ctx context.Context) error { return s.AdvanceTOTPStep(ctx, "alice", 0) }},
		{"AdvanceTOTPStep: missing", nf, func(ctx context.Context) error { return s.AdvanceTOTPStep(ctx, "zed", 1) }},
		{"DeleteTOTP: missing", nf, func(ctx context.Context) error { return s.DeleteTOTP(ctx, "zed") }},
		{"ReplaceRecoveryCodes: missing identity", nf, func(ctx context.Context) error {
			return s.ReplaceRecoveryCodes(ctx, "zed", []string{Hash("x")})
		}},
		{"UseRecoveryCode: no such code", nf, func(ctx context.Context) error { return s.UseRecoveryCode(ctx, "alice", Hash("x")) }},
		{"UseRecoveryCode: another identity's", nf, func(ctx context.Context) error {
			return s.UseRecoveryCode(ctx, "bob", f.codes["alice"][0])
		}},
		{"CreatePasskey: a taken credential id", ae, func(ctx context.Context) error {
			return s.CreatePasskey(ctx, Passkey("bob", "alice-pk1"))
		}},
		{"CreatePasskey: missing identity", nf, func(ctx context.Context) error { return s.CreatePasskey(ctx, Passkey("zed", "zed-pk")) }},
		{"UpdatePasskey: a stale version", cf, func(ctx context.Context) error { return s.UpdatePasskey(ctx, stalePasskey) }},
		{"UpdatePasskey: another identity's", nf, func(ctx context.Context) error { return s.UpdatePasskey(ctx, bobsPasskey) }},
		{"DeletePasskey: another identity's", nf, func(ctx context.Context) error { return s.DeletePasskey(ctx, "bob", "alice-pk1") }},
		{"CreateSession: a taken id", ae, func(ctx context.Context) error { return s.CreateSession(ctx, idTakenSession) }},
		{"CreateSession: a taken token hash", ae, func(ctx context.Context) error { return s.CreateSession(ctx, tokenTaken) }},
		{"CreateSession: missing identity", nf, func(ctx context.Context) error { return s.CreateSession(ctx, Session("zed", "zed-s")) }},
		{"TouchSession: missing", nf, func(ctx context.Context) error { return s.TouchSession(ctx, "zed-s", t0.Add(time.Hour)) }},
		{"DeleteSession: another identity's", nf, func(ctx context.Context) error { return s.DeleteSession(ctx, "bob", "alice-s1") }},
		{"CreateAPIKey: a taken id", ae, func(ctx context.Context) error { return s.CreateAPIKey(ctx, APIKey("bob", "rk_alice1")) }},
		{"CreateAPIKey: missing identity", nf, func(ctx context.Context) error { return s.CreateAPIKey(ctx, APIKey("zed", "rk_zed")) }},
		{"TouchAPIKey: missing", nf, func(ctx context.Context) error { return s.TouchAPIKey(ctx, "rk_zed", t0.Add(time.Hour)) }},
		{"DeleteAPIKey: another identity's", nf, func(ctx context.Context) error { return s.DeleteAPIKey(ctx, "bob", "rk_alice1") }},
		{"CreateTicket: a taken hash", ae, func(ctx context.Context) error {
			return s.CreateTicket(ctx, Ticket("bob", "alice-reset", purposeWebAuthn))
		}},
		{"CreateTicket: missing identity", nf, func(ctx context.Context) error {
			return s.CreateTicket(ctx, Ticket("zed", "zed-reset", purposeReset))
		}},
		{"TakeTicket: another purpose", nf, func(ctx context.Context) error {
			_, err := s.TakeTicket(ctx, Ticket("alice", "alice-reset", "").Hash, purposeWebAuthn)
			return err
		}},
		{"TakeTicket: missing", nf, func(ctx context.Context) error {
			_, err := s.TakeTicket(ctx, Hash("x"), purposeReset)
			return err
		}},
		{"ListIdentities: a bad token", resellerkit.ErrPageToken, func(ctx context.Context) error {
			_, _, err := s.ListIdentities(ctx, badToken)
			return err
		}},
		{"ListSessions: a bad token", resellerkit.ErrPageToken, func(ctx context.Context) error {
			_, _, err := s.ListSessions(ctx, "alice", badToken)
			return err
		}},
		{"ListAPIKeys: a bad token", resellerkit.ErrPageToken, func(ctx context.Context) error {
			_, _, err := s.ListAPIKeys(ctx, "alice", badToken)
			return err
		}},
	}
}

// atomicFailedCallsChangeNothing: every call that fails changes nothing.
func atomicFailedCallsChangeNothing(t *testing.T, s identity.Store) {
	ctx := t.Context()
	f := seed(t, s)
	before := dump(t, s, f)
	for _, c := range failingCalls(s, f) {
		err := c.call(ctx)
		if c.want == resellerkit.ErrPageToken {
			require.ErrorIs(t, err, c.want, c.name)
		} else {
			errIs(t, err, c.want, c.name)
		}
		storetest.SameDump(t, before, dump(t, s, f), "%s changed the store", c.name)
	}
}

// txFailedCallInsideTxChangesNothing: every call that fails inside a transaction
// changes nothing, even when the caller handles the error and commits; the
// transaction stays usable, and a write after the failures commits.
func txFailedCallInsideTxChangesNothing(t *testing.T, s identity.Store) {
	ctx := t.Context()
	f := seed(t, s)
	before := dump(t, s, f)
	calls := failingCalls(s, f)
	errs := make([]error, len(calls))
	must(t, s.InTx(ctx, func(ctx context.Context) error {
		clear(errs)
		for i, c := range calls {
			if c.want != resellerkit.ErrPageToken { // the lists read outside the transaction
				errs[i] = c.call(ctx)
			}
		}
		return s.CreateIdentity(ctx, Identity("after"))
	}))
	for i, c := range calls {
		if c.want != resellerkit.ErrPageToken {
			errIs(t, errs[i], c.want, c.name)
		}
	}
	got, err := s.GetIdentity(ctx, "after")
	require.NoError(t, err, "the transaction committed what came after the failures")
	require.Equal(t, Identity("after"), got)
	storetest.SameDump(t, before, without(dump(t, s, f), "after/"), "no failed call left a trace")
}

// txNestedJoins: an InTx inside another is part of it: what it wrote is seen by the
// outer one, commits with it and is undone with it.
func txNestedJoins(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	err := s.InTx(ctx, func(ctx context.Context) error {
		require.NoError(t, s.InTx(ctx, func(ctx context.Context) error { return s.CreateSession(ctx, Session("alice", "s1")) }))
		_, err := s.GetSessionByTokenHash(ctx, Session("alice", "s1").TokenHash)
		require.NoError(t, err, "the outer transaction sees the inner one's write")
		return errRollback
	})
	require.ErrorIs(t, err, errRollback)
	_, err = s.GetSessionByTokenHash(ctx, Session("alice", "s1").TokenHash)
	errIs(t, err, identity.ErrNotFound, "the inner write did not commit on its own")

	must(t, s.InTx(ctx, func(ctx context.Context) error {
		return s.InTx(ctx, func(ctx context.Context) error { return s.CreateSession(ctx, Session("alice", "s1")) })
	}))
	_, err = s.GetSessionByTokenHash(ctx, Session("alice", "s1").TokenHash)
	must(t, err)
}

// txNestedFailureUndoesOnlyItsWrites: a nested InTx whose fn fails undoes its own
// writes and hands back its error unchanged; the outer transaction goes on, sees
// its own writes, and commits them.
func txNestedFailureUndoesOnlyItsWrites(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreateTOTP(ctx, TOTP("alice")))
	must(t, s.CreateSession(ctx, Session("alice", "s0")))
	inner := fmt.Errorf("inner: %w", errRollback)
	must(t, s.InTx(ctx, func(ctx context.Context) error {
		require.NoError(t, s.AdvanceTOTPStep(ctx, "alice", 10))
		require.NoError(t, s.CreateSession(ctx, Session("alice", "s1")))
		err := s.InTx(ctx, func(ctx context.Context) error {
			require.NoError(t, s.AdvanceTOTPStep(ctx, "alice", 20))
			require.NoError(t, s.CreateSession(ctx, Session("alice", "s2")))
			require.NoError(t, s.DeleteSession(ctx, "alice", "s0"))
			return inner
		})
		assert.Same(t, inner, err, "the inner InTx returns its fn's error unchanged")
		totp, err := s.GetTOTP(ctx, "alice")
		require.NoError(t, err)
		assert.Equal(t, int64(10), totp.LastStep, "the outer advance stands, the inner one is undone")
		list, _, err := s.ListSessions(ctx, "alice", resellerkit.Page{})
		require.NoError(t, err)
		var ids []string
		for _, x := range list {
			ids = append(ids, x.ID)
		}
		assert.Equal(t, []string{"s0", "s1"}, ids, "the inner create and delete are undone")
		return s.AdvanceTOTPStep(ctx, "alice", 20) // the step the inner transaction used is free again
	}))
	totp, err := s.GetTOTP(ctx, "alice")
	must(t, err)
	assert.Equal(t, int64(20), totp.LastStep)
	assert.Equal(t, []string{"s0", "s1"}, sessionIDs(t, s, "alice"))
}

func txCancelledContextWritesNothing(t *testing.T, s identity.Store) {
	must(t, s.CreateIdentity(t.Context(), Identity("alice")))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := s.InTx(ctx, func(ctx context.Context) error { return s.CreateSession(ctx, Session("alice", "s1")) })
	require.ErrorIs(t, err, context.Canceled)
	for _, sentinel := range sentinels {
		assert.NotErrorIs(t, err, sentinel, "a caller that gave up is none of the contract's outcomes")
	}
	_, err = s.GetSessionByTokenHash(t.Context(), Session("alice", "s1").TokenHash)
	errIs(t, err, identity.ErrNotFound, "a cancelled transaction writes nothing")
}
