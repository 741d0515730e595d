package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/identity/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
)

// These tests check each Store method's contract on both dialects, and what only
// SQL has (driver errors, migrations, cascades, races settled by one statement).

// eachDialect runs fn with a fresh store on every available dialect.
func eachDialect(t *testing.T, fn func(t *testing.T, s *sqlstore.Store)) {
	sqldbtest.Run(t, func(t *testing.T, d sqldb.Dialect) {
		s, err := sqlstore.New(t.Context(), sqldbtest.Open(t, d))
		require.NoError(t, err)
		fn(t, s)
	})
}

// t0 has nanoseconds and a zone: stores keep UTC microseconds.
var t0 = time.Date(2025, 4, 1, 9, 30, 0, 123456789, time.FixedZone("JST", 9*3600))

// at returns t0 plus d, as the store returns it.
func at(d time.Duration) time.Time { return t0.Add(d).UTC().Truncate(time.Microsecond) }

func person(id, email string) identity.Identity {
	return identity.Identity{ID: id, Email: email, Name: "Name " + id, PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$a2V5",
		PasswordChangedAt: t0, CreatedAt: t0, UpdatedAt: t0}
}

func session(identityID, id string) identity.Session {
	return identity.Session{ID: id, TokenHash: "hash-" + id, IdentityID: identityID, MFA: true, Method: "password+totp",
		UserAgent: "test/1.0", SourceIP: "192.0.2.1", CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(24 * time.Hour)}
}

func apiKey(identityID, id string) identity.APIKey {
	return identity.APIKey{ID: id, IdentityID: identityID, OrgID: "org-1", Name: "ci", SecretHash: "sh-" + id, MFA: true,
		CreatedAt: t0, ExpiresAt: t0.Add(90 * 24 * time.Hour)}
}

func passkey(identityID, credID string) identity.Passkey {
	return identity.Passkey{CredentialID: credID, IdentityID: identityID, Name: "YubiKey",
		Credential: []byte(`{"id":"` + credID + `"}`), SignCount: 7, CreatedAt: t0}
}

func ticket(identityID, hash, purpose string) identity.Ticket {
	return identity.Ticket{Hash: hash, Purpose: purpose, IdentityID: identityID, Data: []byte{0, 1, 2, 0xff},
		CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
}

// everyPage returns the keys of a whole list, read two items a page.
func everyPage[T any](t *testing.T, key func(T) string, list func(resellerkit.Page) ([]T, string, error)) []string {
	t.Helper()
	var keys []string
	page := resellerkit.Page{Limit: 2}
	for {
		items, next, err := list(page)
		require.NoError(t, err)
		for _, v := range items {
			keys = append(keys, key(v))
		}
		if next == "" {
			return keys
		}
		page.Token = next
	}
}

// assertNoLeak checks that an error's text holds no SQL internals and none of the
// given secrets.
func assertNoLeak(t *testing.T, err error, secrets ...string) {
	t.Helper()
	require.Error(t, err)
	for _, leak := range append([]string{"constraint", "sqldb", "UNIQUE", "unique", "FOREIGN", "foreign", "sqlite", "duplicate key", "identity_"}, secrets...) {
		assert.NotContains(t, err.Error(), leak)
	}
}

func TestIdentities_CreateGetUpdateDelete(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := t.Context()
		in := person("id-1", "a@x.example")
		in.Version = 42 // ignored: a new identity is version 1
		require.NoError(t, s.CreateIdentity(ctx, in))

		got, err := s.GetIdentity(ctx, "id-1")
		require.NoError(t, err)
		want := in
		want.PasswordChangedAt, want.CreatedAt, want.UpdatedAt, want.Version = at(0), at(0), at(0), 1
		assert.Equal(t, want, got)
		byEmail, err := s.GetIdentityByEmail(ctx, "a@x.example")
		require.NoError(t, err)
		assert.Equal(t, want, byEmail)
		_, err = s.GetIdentityByEmail(ctx, "A@x.example") // compared exactly
		require.ErrorIs(t, err, identity.ErrNotFound)
		_, err = s.GetIdentity(ctx, "ghost")
		require.ErrorIs(t, err, identity.ErrNotFound)

		// I-1: the id and the email are unique; the error says so and nothing more.
		err = s.CreateIdentity(ctx, person("id-2", "a@x.example"))
		require.ErrorIs(t, err, identity.ErrAlreadyExists)
		assertNoLeak(t, err)
		require.ErrorIs(t, s.CreateIdentity(ctx, person("id-1", "b@x.example")), identity.ErrAlreadyExists)
		_, err = s.GetIdentity(ctx, "id-2")
		require.ErrorIs(t, err, identity.ErrNotFound, "the failed create stored nothing")

		// Update stores name, password and times, never the email, and bumps the version.
		upd := got
		upd.Email, upd.Name, upd.PasswordHash = "changed@x.example", "Alice", "new-hash"
		upd.PasswordChangedAt, upd.UpdatedAt = t0.Add(time.Hour), t0.Add(time.Hour)
		require.NoError(t, s.UpdateIdentity(ctx, upd))
		got, err = s.GetIdentity(ctx, "id-1")
		require.NoError(t, err)
		assert.Equal(t, "a@x.example", got.Email)
		assert.Equal(t, "Alice", got.Name)
		assert.Equal(t, "new-hash", got.PasswordHash)
		assert.Equal(t, at(time.Hour), got.PasswordChangedAt)
		assert.Equal(t, at(0), got.CreatedAt)
		assert.Equal(t, int64(2), got.Version)

		upd.Name = "stale" // upd.Version is 1
		require.ErrorIs(t, s.UpdateIdentity(ctx, upd), identity.ErrConflict)
		ghost := person("ghost", "g@x.example")
		ghost.Version = 1
		require.ErrorIs(t, s.UpdateIdentity(ctx, ghost), identity.ErrNotFound)

		require.ErrorIs(t, s.DeleteIdentity(ctx, "id-1", 1), identity.ErrConflict)
		require.ErrorIs(t, s.DeleteIdentity(ctx, "ghost", 1), identity.ErrNotFound)
		require.NoError(t, s.DeleteIdentity(ctx, "id-1", 2))
		_, err = s.GetIdentity(ctx, "id-1")
		require.ErrorIs(t, err, identity.ErrNotFound)
		// The email is free again (a new person, a new identity).
		require.NoError(t, s.CreateIdentity(ctx, person("id-3", "a@x.example")))
	})
}

// TestListsPageInByteOrder: every list is in byte order of its key (upper case
// before lower case, multi-byte characters last) on both dialects, whatever
// PostgreSQL's locale, page after page, and scoped to the identity named.
func TestListsPageInByteOrder(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := t.Context()
		ids := []string{"b", "B", "a", "_z", "é", "A1", "a-"}
		want := []string{"A1", "B", "_z", "a", "a-", "b", "é"}
		for i, id := range ids {
			require.NoError(t, s.CreateIdentity(ctx, person(id, fmt.Sprintf("p%d@x.example", i))))
		}
		assert.Equal(t, want, everyPage(t, func(i identity.Identity) string { return i.ID }, func(p resellerkit.Page) ([]identity.Identity, string, error) {
			return s.ListIdentities(ctx, p)
		}))
		for _, id := range ids {
			require.NoError(t, s.CreateSession(ctx, session("a", id)))
			require.NoError(t, s.CreateAPIKey(ctx, apiKey("a", id)))
			require.NoError(t, s.CreatePasskey(ctx, passkey("a", id)))
		}
		require.NoError(t, s.CreateSession(ctx, session("b", "other")))
		require.NoError(t, s.CreateAPIKey(ctx, apiKey("b", "other")))
		require.NoError(t, s.CreatePasskey(ctx, passkey("b", "other")))

		assert.Equal(t, want, everyPage(t, func(x identity.Session) string { return x.ID }, func(p resellerkit.Page) ([]identity.Session, string, error) {
			return s.ListSessions(ctx, "a", p)
		}))
		assert.Equal(t, want, everyPage(t, func(k identity.APIKey) string { return k.ID }, func(p resellerkit.Page) ([]identity.APIKey, string, error) {
			return s.ListAPIKeys(ctx, "a", p)
		}))
		pks, err := s.ListPasskeys(ctx, "a")
		require.NoError(t, err)
		var creds []string
		for _, p := range pks {
			creds = append(creds, p.CredentialID)
		}
		assert.Equal(t, want, creds)

		_, _, err = s.ListSessions(ctx, "a", resellerkit.Page{Token: "!!not a token"})
		require.ErrorIs(t, err, resellerkit.ErrPageToken)
		l, next, err := s.ListAPIKeys(ctx, "nobody", resellerkit.Page{})
		require.NoError(t, err)
		assert.Empty(t, l)
		assert.Empty(t, next)
	})
}

// TestDeleteIdentity_CascadesToItsRecords: deleting an identity removes its TOTP,
// recovery codes, passkeys, sessions, API keys and tickets, and nothing of another
// identity nor a ticket of none.
func TestDeleteIdentity_CascadesToItsRecords(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := t.Context()
		for _, id := range []string{"gone", "kept"} {
			require.NoError(t, s.CreateIdentity(ctx, person(id, id+"@x.example")))
			require.NoError(t, s.CreateTOTP(ctx, identity.TOTP{IdentityID: id, Secret: []byte("12345678901234567890"), CreatedAt: t0}))
			require.NoError(t, s.ReplaceRecoveryCodes(ctx, id, []string{id + "-c1", id + "-c2"}))
			require.NoError(t, s.CreatePasskey(ctx, passkey(id, id+"-pk")))
			require.NoError(t, s.CreateSession(ctx, session(id, id+"-s")))
			require.NoError(t, s.CreateAPIKey(ctx, apiKey(id, id+"-k")))
			require.NoError(t, s.CreateTicket(ctx, ticket(id, id+"-t", "password_reset")))
		}
		require.NoError(t, s.CreateTicket(ctx, ticket("", "anon-t", "passkey_login")))

		require.NoError(t, s.DeleteIdentity(ctx, "gone", 1))

		check := func(id string, present bool) {
			t.Helper()
			is := func(err error) {
				t.Helper()
				if present {
					require.NoError(t, err)
				} else {
					require.ErrorIs(t, err, identity.ErrNotFound)
				}
			}
			_, err := s.GetTOTP(ctx, id)
			is(err)
			_, err = s.GetPasskey(ctx, id, id+"-pk")
			is(err)
			_, err = s.GetSessionByTokenHash(ctx, "hash-"+id+"-s")
			is(err)
			_, err = s.GetAPIKey(ctx, id+"-k")
			is(err)
			_, err = s.TakeTicket(ctx, id+"-t", "password_reset")
			is(err)
			n, err := s.CountRecoveryCodes(ctx, id)
			require.NoError(t, err)
			assert.Equal(t, map[bool]int{true: 2, false: 0}[present], n)
		}
		check("gone", false)
		check("kept", true)
		_, err := s.TakeTicket(ctx, "anon-t", "passkey_login")
		require.NoError(t, err)
	})
}

// TestCreates_NeedTheIdentity: every record of an identity is refused with
// ErrNotFound when the identity does not exist, and nothing is stored.
func TestCreates_NeedTheIdentity(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := t.Context()
		for name, err := range map[string]error{
			"totp":     s.CreateTOTP(ctx, identity.TOTP{IdentityID: "ghost", Secret: []byte("s")}),
			"codes":    s.ReplaceRecoveryCodes(ctx, "ghost", []string{"c"}),
			"passkey":  s.CreatePasskey(ctx, passkey("ghost", "pk")),
			"session":  s.CreateSession(ctx, session("ghost", "s")),
			"api key":  s.CreateAPIKey(ctx, apiKey("ghost", "k")),
			"ticket":   s.CreateTicket(ctx, ticket("ghost", "t", "password_reset")),
			"no codes": s.ReplaceRecoveryCodes(ctx, "ghost", nil),
		} {
			require.ErrorIs(t, err, identity.ErrNotFound, name)
			assertNoLeak(t, err)
		}
		_, err := s.GetSessionByTokenHash(ctx, "hash-s")
		require.ErrorIs(t, err, identity.ErrNotFound)
		_, err = s.TakeTicket(ctx, "t", "password_reset")
		require.ErrorIs(t, err, identity.ErrNotFound)
	})
}

func TestTOTP(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := t.Context()
		require.NoError(t, s.CreateIdentity(ctx, person("a", "a@x.example")))
		secret := []byte("12345678901234567890")
		in := identity.TOTP{IdentityID: "a", Secret: secret, LastStep: 5, CreatedAt: t0, Version: 9}
		require.NoError(t, s.CreateTOTP(ctx, in))
		secret[0] = 'X' // the store kept its own copy
		require.ErrorIs(t, s.CreateTOTP(ctx, in), identity.ErrAlreadyExists)

		got, err := s.GetTOTP(ctx, "a")
		require.NoError(t, err)
		assert.Equal(t, identity.TOTP{IdentityID: "a", Secret: []byte("12345678901234567890"), LastStep: 5, CreatedAt: at(0), Version: 1}, got)

		got.Confirmed, got.LastStep = true, 6
		require.NoError(t, s.UpdateTOTP(ctx, got))
		require.ErrorIs(t, s.UpdateTOTP(ctx, got), identity.ErrConflict, "version 1 is stale")
		require.ErrorIs(t, s.UpdateTOTP(ctx, identity.TOTP{IdentityID: "b", Version: 1}), identity.ErrNotFound)

		require.NoError(t, s.AdvanceTOTPStep(ctx, "a", 8))
		require.ErrorIs(t, s.AdvanceTOTPStep(ctx, "a", 8), identity.ErrConflict, "the same step twice")
		require.ErrorIs(t, s.AdvanceTOTPStep(ctx, "a", 7), identity.ErrConflict, "an earlier step")
		require.ErrorIs(t, s.AdvanceTOTPStep(ctx, "b", 9), identity.ErrNotFound)
		got, err = s.GetTOTP(ctx, "a")
		require.NoError(t, err)
		assert.Equal(t, int64(8), got.LastStep)
		assert.True(t, got.Confirmed)
		// Advancing is a change: an update made from a read before it conflicts
		// instead of setting the step back.
		assert.Equal(t, int64(3), got.Version)
		stale := got
		stale.Version = 2
		require.ErrorIs(t, s.UpdateTOTP(ctx, stale), identity.ErrConflict)

		require.NoError(t, s.DeleteTOTP(ctx, "a"))
		require.ErrorIs(t, s.DeleteTOTP(ctx, "a"), identity.ErrNotFound)
		_, err = s.GetTOTP(ctx, "a")
		require.ErrorIs(t, err, identity.ErrNotFound)
		require.ErrorIs(t, s.AdvanceTOTPStep(ctx, "a", 100), identity.ErrNotFound)
	})
}

// TestAdvanceTOTPStep_OneOfConcurrentWins: of many requests presenting a code of
// the same step at once, exactly one is accepted (RFC 6238 §5.2).
func TestAdvanceTOTPStep_OneOfConcurrentWins(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := t.Context()
		require.NoError(t, s.CreateIdentity(ctx, person("a", "a@x.example")))
		require.NoError(t, s.CreateTOTP(ctx, identity.TOTP{IdentityID: "a", Secret: []byte("s"), Confirmed: true}))
		for step := int64(1); step <= 5; step++ {
			const n = 8
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() { errs[i] = s.AdvanceTOTPStep(ctx, "a", step) })
			}
			wg.Wait()
			won := 0
			for _, err := range errs {
				if err == nil {
					won++
				} else {
					require.ErrorIs(t, err, identity.ErrConflict)
				}
			}
			assert.Equal(t, 1, won, "step %d", step)
		}
	})
}

func TestRecoveryCodes(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := t.Context()
		require.NoError(t, s.CreateIdentity(ctx, person("a", "a@x.example")))
		require.NoError(t, s.CreateIdentity(ctx, person("b", "b@x.example")))
		count := func(id string) int {
			t.Helper()
			n, err := s.CountRecoveryCodes(ctx, id)
			require.NoError(t, err)
			return n
		}
		assert.Equal(t, 0, count("a"))
		assert.Equal(t, 0, count("ghost"))
		require.NoError(t, s.ReplaceRecoveryCodes(ctx, "a", []string{"h1", "h2", "h3", "h2"}))
		require.NoError(t, s.ReplaceRecoveryCodes(ctx, "b", []string{"h1"}))
		assert.Equal(t, 3, count("a"), "a hash given twice is one code")

		require.NoError(t, s.UseRecoveryCode(ctx, "a", "h1"))
		err := s.UseRecoveryCode(ctx, "a", "h1")
		require.ErrorIs(t, err, identity.ErrNotFound, "a code works once")
		assertNoLeak(t, err, "h1")
		require.ErrorIs(t, s.UseRecoveryCode(ctx, "a", "nope"), identity.ErrNotFound)
		require.ErrorIs(t, s.UseRecoveryCode(ctx, "b", "h2"), identity.ErrNotFound, "another identity's code")
		assert.Equal(t, 2, count("a"))
		assert.Equal(t, 1, count("b"))

		require.NoError(t, s.ReplaceRecoveryCodes(ctx, "a", []string{"h9"}))
		assert.Equal(t, 1, count("a"))
		require.ErrorIs(t, s.UseRecoveryCode(ctx, "a", "h2"), identity.ErrNotFound, "replaced")
		require.NoError(t, s.ReplaceRecoveryCodes(ctx, "a", nil))
		assert.Equal(t, 0, count("a"))

		many := make([]string, 450) // more than one INSERT's worth
		for i := range many {
			many[i] = fmt.Sprintf("m%03d", i)
		}
		require.NoError(t, s.ReplaceRecoveryCodes(ctx, "a", many))
		assert.Equal(t, 450, count("a"))
		require.NoError(t, s.UseRecoveryCode(ctx, "a", "m449"))
	})
}

func TestPasskeys(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := t.Context()
		require.NoError(t, s.CreateIdentity(ctx, person("a", "a@x.example")))
		require.NoError(t, s.CreateIdentity(ctx, person("b", "b@x.example")))
		in := passkey("a", "cred-1")
		in.SignCount = 1<<32 - 1 // the whole uint32 range round-trips
		require.NoError(t, s.CreatePasskey(ctx, in))
		require.ErrorIs(t, s.CreatePasskey(ctx, passkey("b", "cred-1")), identity.ErrAlreadyExists, "credential ids are unique across identities")

		got, err := s.GetPasskey(ctx, "a", "cred-1")
		require.NoError(t, err)
		want := in
		want.CreatedAt, want.Version = at(0), 1
		assert.Equal(t, want, got)
		_, err = s.GetPasskey(ctx, "b", "cred-1")
		require.ErrorIs(t, err, identity.ErrNotFound, "another identity's passkey")
		l, err := s.ListPasskeys(ctx, "b")
		require.NoError(t, err)
		assert.Empty(t, l)

		got.Name, got.Credential, got.SignCount, got.LastUsedAt = "iPhone", []byte(`{"new":true}`), 8, t0.Add(time.Minute)
		require.NoError(t, s.UpdatePasskey(ctx, got))
		require.ErrorIs(t, s.UpdatePasskey(ctx, got), identity.ErrConflict)
		hijack := got
		hijack.IdentityID, hijack.Version = "b", 2
		require.ErrorIs(t, s.UpdatePasskey(ctx, hijack), identity.ErrNotFound, "another identity's passkey")
		got2, err := s.GetPasskey(ctx, "a", "cred-1")
		require.NoError(t, err)
		assert.Equal(t, "iPhone", got2.Name)
		assert.Equal(t, []byte(`{"new":true}`), got2.Credential)
		assert.Equal(t, uint32(8), got2.SignCount)
		assert.Equal(t, at(time.Minute), got2.LastUsedAt)
		assert.Equal(t, int64(2), got2.Version)

		require.ErrorIs(t, s.DeletePasskey(ctx, "b", "cred-1"), identity.ErrNotFound, "another identity's passkey")
		require.NoError(t, s.DeletePasskey(ctx, "a", "cred-1"))
		require.ErrorIs(t, s.DeletePasskey(ctx, "a", "cred-1"), identity.ErrNotFound)
	})
}

// TestBytes_RoundTrip: byte strings come back as they went in: nil as nil, empty
// as empty, any byte (NUL, invalid UTF-8) unchanged.
func TestBytes_RoundTrip(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := t.Context()
		require.NoError(t, s.CreateIdentity(ctx, person("a", "a@x.example")))
		for i, b := range [][]byte{nil, {}, {0}, {0xff, 0xfe, 0, 'x'}, make([]byte, 4096)} {
			hash := fmt.Sprint("t", i)
			tk := ticket("", hash, "p")
			tk.Data = b
			require.NoError(t, s.CreateTicket(ctx, tk))
			got, err := s.TakeTicket(ctx, hash, "p")
			require.NoError(t, err)
			assert.Equal(t, b == nil, got.Data == nil, "nil stays nil, empty stays empty: %v", b)
			assert.Equal(t, b, got.Data)

			p := passkey("a", hash)
			p.Credential = b
			require.NoError(t, s.CreatePasskey(ctx, p))
			gp, err := s.GetPasskey(ctx, "a", hash)
			require.NoError(t, err)
			assert.Equal(t, b == nil, gp.Credential == nil)
			assert.Equal(t, b, gp.Credential)
		}
	})
}

func TestSessions(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := t.Context()
		require.NoError(t, s.CreateIdentity(ctx, person("a", "a@x.example")))
		require.NoError(t, s.CreateIdentity(ctx, person("b", "b@x.example")))
		in := session("a", "s1")
		require.NoError(t, s.CreateSession(ctx, in))
		require.ErrorIs(t, s.CreateSession(ctx, in), identity.ErrAlreadyExists, "the id is taken")
		sameToken := session("a", "s2")
		sameToken.TokenHash = in.TokenHash
		err := s.CreateSession(ctx, sameToken)
		require.ErrorIs(t, err, identity.ErrAlreadyExists, "the token hash is taken")
		assertNoLeak(t, err, in.TokenHash)

		got, err := s.GetSessionByTokenHash(ctx, "hash-s1")
		require.NoError(t, err)
		want := in
		want.CreatedAt, want.LastSeenAt, want.ExpiresAt = at(0), at(0), at(24*time.Hour)
		assert.Equal(t, want, got)
		_, err = s.GetSessionByTokenHash(ctx, "hash-secret-unknown")
		require.ErrorIs(t, err, identity.ErrNotFound)
		assertNoLeak(t, err, "hash-secret-unknown")

		require.ErrorIs(t, s.DeleteSession(ctx, "b", "s1"), identity.ErrNotFound, "another identity's session")
		require.NoError(t, s.DeleteSession(ctx, "a", "s1"))
		require.ErrorIs(t, s.DeleteSession(ctx, "a", "s1"), identity.ErrNotFound)
		require.ErrorIs(t, s.TouchSession(ctx, "s1", t0.Add(time.Hour)), identity.ErrNotFound, "revoked")

		for _, id := range []string{"s1", "s2", "s3"} {
			require.NoError(t, s.CreateSession(ctx, session("a", id)))
		}
		require.NoError(t, s.CreateSession(ctx, session("b", "s4")))
		n, err := s.DeleteSessions(ctx, "a", "s2")
		require.NoError(t, err)
		assert.Equal(t, 2, n)
		n, err = s.DeleteSessions(ctx, "a", "s4") // b's session is not a's to keep or remove
		require.NoError(t, err)
		assert.Equal(t, 1, n)
		n, err = s.DeleteSessions(ctx, "a", "")
		require.NoError(t, err)
		assert.Equal(t, 0, n)
		_, err = s.GetSessionByTokenHash(ctx, "hash-s4")
		require.NoError(t, err)
	})
}

// TestTouch_OnlyMovesForward: touches arriving out of order never set a time back.
func TestTouch_OnlyMovesForward(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := t.Context()
		require.NoError(t, s.CreateIdentity(ctx, person("a", "a@x.example")))
		x := session("a", "s1")
		x.LastSeenAt = time.Time{}
		require.NoError(t, s.CreateSession(ctx, x))
		require.NoError(t, s.CreateAPIKey(ctx, apiKey("a", "k1")))
		lastSeen := func() time.Time {
			got, err := s.GetSessionByTokenHash(ctx, "hash-s1")
			require.NoError(t, err)
			return got.LastSeenAt
		}
		lastUsed := func() time.Time {
			got, err := s.GetAPIKey(ctx, "k1")
			require.NoError(t, err)
			return got.LastUsedAt
		}
		assert.True(t, lastSeen().IsZero())
		assert.True(t, lastUsed().IsZero())
		for _, step := range []struct {
			d    time.Duration
			want time.Duration
		}{{time.Minute, time.Minute}, {3 * time.Minute, 3 * time.Minute}, {2 * time.Minute, 3 * time.Minute}, {3 * time.Minute, 3 * time.Minute}} {
			require.NoError(t, s.TouchSession(ctx, "s1", t0.Add(step.d)))
			require.NoError(t, s.TouchAPIKey(ctx, "k1", t0.Add(step.d)))
			assert.Equal(t, at(step.want), lastSeen())
			assert.Equal(t, at(step.want), lastUsed())
		}
		require.NoError(t, s.TouchSession(ctx, "s1", time.Time{}), "zero is not later: nothing to do")
		assert.Equal(t, at(3*time.Minute), lastSeen())

		// Concurrent touches end at the latest of them.
		var wg sync.WaitGroup
		for i := range 10 {
			wg.Go(func() {
				assert.NoError(t, s.TouchSession(ctx, "s1", t0.Add(time.Hour+time.Duration(i)*time.Second)))
				assert.NoError(t, s.TouchAPIKey(ctx, "k1", t0.Add(time.Hour+time.Duration(i)*time.Second)))
			})
		}
		wg.Wait()
		assert.Equal(t, at(time.Hour+9*time.Second), lastSeen())
		assert.Equal(t, at(time.Hour+9*time.Second), lastUsed())

		require.ErrorIs(t, s.TouchSession(ctx, "ghost", t0), identity.ErrNotFound)
		require.ErrorIs(t, s.TouchAPIKey(ctx, "ghost", t0), identity.ErrNotFound)
		require.ErrorIs(t, s.TouchAPIKey(ctx, "ghost", time.Time{}), identity.ErrNotFound)
	})
}

func TestDeleteStaleSessions(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := t.Context()
		require.NoError(t, s.CreateIdentity(ctx, person("a", "a@x.example")))
		require.NoError(t, s.CreateIdentity(ctx, person("b", "b@x.example")))
		mk := func(identityID, id string, lastSeen, expires time.Duration) {
			x := session(identityID, id)
			x.LastSeenAt, x.ExpiresAt = t0.Add(lastSeen), t0.Add(expires)
			require.NoError(t, s.CreateSession(ctx, x))
		}
		mk("a", "expired", 0, time.Hour)     // expires at +1h
		mk("b", "at-expiry", 0, 2*time.Hour) // expires exactly at the bound
		mk("a", "idle", -time.Hour, 10*time.Hour)
		mk("b", "fresh", 0, 10*time.Hour)
		never := session("a", "never-seen")
		never.LastSeenAt = time.Time{}
		require.NoError(t, s.CreateSession(ctx, never))
		// A zero time is the earliest: a session never seen is idle by any bound,
		// and zero bounds match only such sessions.
		n, err := s.DeleteStaleSessions(ctx, time.Time{}, time.Time{})
		require.NoError(t, err)
		assert.Equal(t, 1, n)
		_, err = s.GetSessionByTokenHash(ctx, "hash-never-seen")
		require.ErrorIs(t, err, identity.ErrNotFound)

		n, err = s.DeleteStaleSessions(ctx, t0.Add(2*time.Hour), t0.Add(-30*time.Minute))
		require.NoError(t, err)
		assert.Equal(t, 3, n)
		_, err = s.GetSessionByTokenHash(ctx, "hash-fresh")
		require.NoError(t, err)
		for _, id := range []string{"expired", "at-expiry", "idle"} {
			_, err = s.GetSessionByTokenHash(ctx, "hash-"+id)
			require.ErrorIs(t, err, identity.ErrNotFound, id)
		}
	})
}

func TestAPIKeys(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := t.Context()
		require.NoError(t, s.CreateIdentity(ctx, person("a", "a@x.example")))
		require.NoError(t, s.CreateIdentity(ctx, person("b", "b@x.example")))
		in := apiKey("a", "rk_1")
		require.NoError(t, s.CreateAPIKey(ctx, in))
		require.ErrorIs(t, s.CreateAPIKey(ctx, apiKey("b", "rk_1")), identity.ErrAlreadyExists)
		never := apiKey("a", "rk_2")
		never.ExpiresAt = time.Time{}
		require.NoError(t, s.CreateAPIKey(ctx, never))

		got, err := s.GetAPIKey(ctx, "rk_1")
		require.NoError(t, err)
		want := in
		want.CreatedAt, want.ExpiresAt = at(0), at(90*24*time.Hour)
		assert.Equal(t, want, got)
		got, err = s.GetAPIKey(ctx, "rk_2")
		require.NoError(t, err)
		assert.True(t, got.ExpiresAt.IsZero(), "zero means never")

		require.ErrorIs(t, s.DeleteAPIKey(ctx, "b", "rk_1"), identity.ErrNotFound, "another identity's key")
		require.NoError(t, s.DeleteAPIKey(ctx, "a", "rk_1"))
		require.ErrorIs(t, s.DeleteAPIKey(ctx, "a", "rk_1"), identity.ErrNotFound)
		_, err = s.GetAPIKey(ctx, "rk_1")
		require.ErrorIs(t, err, identity.ErrNotFound)
	})
}

func TestTickets(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := t.Context()
		require.NoError(t, s.CreateIdentity(ctx, person("a", "a@x.example")))
		require.NoError(t, s.CreateIdentity(ctx, person("b", "b@x.example")))
		in := ticket("a", "secret-hash-1", "password_reset")
		require.NoError(t, s.CreateTicket(ctx, in))
		err := s.CreateTicket(ctx, ticket("b", "secret-hash-1", "webauthn"))
		require.ErrorIs(t, err, identity.ErrAlreadyExists)
		assertNoLeak(t, err, "secret-hash-1")

		_, err = s.TakeTicket(ctx, "secret-hash-1", "webauthn")
		require.ErrorIs(t, err, identity.ErrNotFound, "another purpose")
		assertNoLeak(t, err, "secret-hash-1")
		got, err := s.TakeTicket(ctx, "secret-hash-1", "password_reset")
		require.NoError(t, err, "a ticket of another purpose stays")
		want := in
		want.CreatedAt, want.ExpiresAt = at(0), at(time.Hour)
		assert.Equal(t, want, got)
		_, err = s.TakeTicket(ctx, "secret-hash-1", "password_reset")
		require.ErrorIs(t, err, identity.ErrNotFound, "a ticket works once")

		for i, owner := range []string{"a", "a", "b", ""} {
			require.NoError(t, s.CreateTicket(ctx, ticket(owner, fmt.Sprint("r", i), "password_reset")))
		}
		require.NoError(t, s.CreateTicket(ctx, ticket("a", "w", "webauthn")))
		n, err := s.DeleteTickets(ctx, "a", "password_reset")
		require.NoError(t, err)
		assert.Equal(t, 2, n)
		for hash, purpose := range map[string]string{"r2": "password_reset", "w": "webauthn"} {
			_, err = s.TakeTicket(ctx, hash, purpose)
			require.NoError(t, err, hash)
		}

		for i, exp := range []time.Duration{-time.Minute, 0, time.Minute} {
			tk := ticket("", fmt.Sprint("e", i), "p")
			tk.ExpiresAt = t0.Add(exp)
			require.NoError(t, s.CreateTicket(ctx, tk))
		}
		noExpiry := ticket("", "e-none", "p")
		noExpiry.ExpiresAt = time.Time{}
		require.NoError(t, s.CreateTicket(ctx, noExpiry))
		n, err = s.DeleteExpiredTickets(ctx, t0)
		require.NoError(t, err)
		assert.Equal(t, 3, n, "e0, e1 at the bound, and the one without an expiry (zero is the earliest time)")
		for _, hash := range []string{"e2", "r3"} {
			_, err = s.TakeTicket(ctx, hash, map[string]string{"e2": "p", "r3": "password_reset"}[hash])
			require.NoError(t, err, hash)
		}
	})
}

// TestTakeTicket_OnceUnderConcurrency: of many concurrent takes of one ticket,
// exactly one gets it.
func TestTakeTicket_OnceUnderConcurrency(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := t.Context()
		for round := range 5 {
			hash := fmt.Sprint("h", round)
			require.NoError(t, s.CreateTicket(ctx, ticket("", hash, "passkey_login")))
			const n = 8
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() { _, errs[i] = s.TakeTicket(ctx, hash, "passkey_login") })
			}
			wg.Wait()
			won := 0
			for _, err := range errs {
				if err == nil {
					won++
				} else {
					require.ErrorIs(t, err, identity.ErrNotFound)
				}
			}
			assert.Equal(t, 1, won, "round %d", round)
		}
	})
}

func TestFailures(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := t.Context()
		for _, d := range []time.Duration{0, time.Minute, time.Minute, 2 * time.Minute, 3 * time.Minute, 4 * time.Minute} {
			require.NoError(t, s.AddFailure(ctx, "a@x.example", t0.Add(d)))
		}
		require.NoError(t, s.AddFailure(ctx, "192.0.2.1", t0.Add(time.Minute)))

		recent := func(key string, since time.Time, limit int) []time.Time {
			t.Helper()
			l, err := s.RecentFailures(ctx, key, since, limit)
			require.NoError(t, err)
			return l
		}
		// The newest at or after since, at most limit, oldest first.
		assert.Equal(t, []time.Time{at(2 * time.Minute), at(3 * time.Minute), at(4 * time.Minute)}, recent("a@x.example", t0.Add(time.Minute), 3))
		assert.Equal(t, []time.Time{at(time.Minute), at(time.Minute), at(2 * time.Minute), at(3 * time.Minute), at(4 * time.Minute)},
			recent("a@x.example", t0.Add(time.Minute), 100), "duplicates count; since is inclusive")
		assert.Len(t, recent("a@x.example", time.Time{}, 100), 6, "a zero since bounds nothing")
		assert.Empty(t, recent("a@x.example", t0.Add(time.Hour), 10))
		assert.Empty(t, recent("a@x.example", t0, 0))
		assert.Len(t, recent("a@x.example", t0, -1), 6, "a negative limit bounds nothing")
		err := s.AddFailure(ctx, "a@x.example", time.Time{})
		require.Error(t, err, "a failure needs its time")
		assertNoLeak(t, err)
		assert.Empty(t, recent("nobody", t0, 10))

		n, err := s.DeleteFailuresBefore(ctx, t0.Add(2*time.Minute))
		require.NoError(t, err)
		assert.Equal(t, 4, n, "three of a's and the address's; the one at the bound stays")
		assert.Len(t, recent("a@x.example", t0, 10), 3)

		require.NoError(t, s.ClearFailures(ctx, "a@x.example"))
		assert.Empty(t, recent("a@x.example", t0, 10))
		require.NoError(t, s.ClearFailures(ctx, "nobody"))
	})
}

// TestInTx_SpansCallsAndFailedCallsChangeNothing: calls made with a transaction's
// context commit or roll back together, and a call failing inside it (a taken
// email, a missing identity) changes nothing and leaves the transaction usable,
// also on PostgreSQL.
func TestInTx_SpansCallsAndFailedCallsChangeNothing(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := t.Context()
		require.NoError(t, s.CreateIdentity(ctx, person("a", "a@x.example")))
		boom := errors.New("boom")
		err := s.InTx(ctx, func(ctx context.Context) error {
			require.NoError(t, s.CreateIdentity(ctx, person("b", "b@x.example")))
			require.NoError(t, s.CreateSession(ctx, session("b", "s1")))
			return boom
		})
		require.ErrorIs(t, err, boom)
		_, err = s.GetIdentity(ctx, "b")
		require.ErrorIs(t, err, identity.ErrNotFound)

		err = s.InTx(ctx, func(ctx context.Context) error {
			require.ErrorIs(t, s.CreateIdentity(ctx, person("c", "a@x.example")), identity.ErrAlreadyExists)
			require.ErrorIs(t, s.CreateSession(ctx, session("ghost", "s1")), identity.ErrNotFound)
			require.ErrorIs(t, s.UpdateIdentity(ctx, person("a", "a@x.example")), identity.ErrConflict)
			require.NoError(t, s.CreateIdentity(ctx, person("c", "c@x.example")))
			return s.CreateSession(ctx, session("c", "s1"))
		})
		require.NoError(t, err)
		_, err = s.GetSessionByTokenHash(ctx, "hash-s1")
		require.NoError(t, err)
	})
}

// TestInTx_LostRaceIsConflict: a transaction that keeps losing to concurrent ones
// (sqldb gives up retrying) is ErrConflict, and the database error stays in the
// chain.
func TestInTx_LostRaceIsConflict(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		runs := 0
		err := s.InTx(t.Context(), func(context.Context) error {
			runs++
			return sqldb.ErrSerialization
		})
		require.ErrorIs(t, err, identity.ErrConflict)
		assert.ErrorIs(t, err, sqldb.ErrSerialization)
		assert.Greater(t, runs, 1, "retried before giving up")
	})
}

// TestNew_SharesTheDatabase: New neither owns nor closes the database it is given;
// a second store over it migrates nothing twice and sees the same rows; the
// migrations are recorded under "identity" on both dialects.
func TestNew_SharesTheDatabase(t *testing.T) {
	sqldbtest.Run(t, func(t *testing.T, d sqldb.Dialect) {
		ctx := t.Context()
		db := sqldbtest.Open(t, d)
		first, err := sqlstore.New(ctx, db)
		require.NoError(t, err)
		require.NoError(t, first.CreateIdentity(ctx, person("a", "a@x.example")))
		require.NoError(t, first.Close())
		second, err := sqlstore.New(ctx, db)
		require.NoError(t, err, "the database is still open")
		assert.Same(t, db, second.DB())
		_, err = second.GetIdentity(ctx, "a")
		require.NoError(t, err)
		applied, err := db.AppliedMigrations(ctx, sqlstore.Component)
		require.NoError(t, err)
		assert.Equal(t, []int{1, 2}, applied)
	})
}

// TestOpen_ReopenKeepsData: the embedded default survives a restart.
func TestOpen_ReopenKeepsData(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "identity.db")
	s, err := sqlstore.Open(ctx, path)
	require.NoError(t, err)
	require.NoError(t, s.CreateIdentity(ctx, person("a", "a@x.example")))
	require.NoError(t, s.Close())

	s, err = sqlstore.Open(ctx, path)
	require.NoError(t, err)
	defer s.Close()
	got, err := s.GetIdentity(ctx, "a")
	require.NoError(t, err)
	assert.Equal(t, "a@x.example", got.Email)

	_, err = sqlstore.Open(ctx, filepath.Join(t.TempDir(), "missing", "dir", "x.db"))
	require.Error(t, err)
}
