package identitytest

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// t0 is the base time of the suite's records: UTC, microsecond precision, as the
// Service stores times.
var t0 = time.Date(2025, time.March, 3, 9, 15, 30, 123456000, time.UTC)

// longAgo is before every time of the suite: the since of a RecentFailures that
// wants them all. Never the zero time, which means "unset" (NULL in SQL).
var longAgo = t0.AddDate(-1, 0, 0)

// Purposes of the suite's tickets.
const (
	purposeReset    = "password_reset"
	purposeWebAuthn = "webauthn_login"
)

// Hash returns the SHA-256 of s in hex: the shape of every hash the store keeps
// (session tokens, API key secrets, tickets, recovery codes).
func Hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// Identity returns a valid identity record with id and email id@example.com, at
// version 1.
func Identity(id string) identity.Identity {
	return identity.Identity{ID: id, Email: id + "@example.com", Name: "Name " + id,
		PasswordHash:      "$argon2id$v=19$m=19456,t=2,p=1$" + Hash("salt:" + id)[:22] + "$" + Hash("password:" + id)[:43],
		PasswordChangedAt: t0, CreatedAt: t0, UpdatedAt: t0, Version: 1}
}

// TOTP returns an unconfirmed TOTP record of identityID with a 20-byte secret
// derived from it, at version 1.
func TOTP(identityID string) identity.TOTP {
	sum := sha256.Sum256([]byte("totp:" + identityID))
	return identity.TOTP{IdentityID: identityID, Secret: sum[:20], CreatedAt: t0, Version: 1}
}

// RecoveryCodes returns n recovery-code hashes of identityID.
func RecoveryCodes(identityID string, n int) []string {
	hashes := make([]string, n)
	for i := range hashes {
		hashes[i] = Hash(fmt.Sprintf("code:%s:%d", identityID, i))
	}
	return hashes
}

// Passkey returns a never-used passkey record of identityID with credentialID, at
// version 1.
func Passkey(identityID, credentialID string) identity.Passkey {
	return identity.Passkey{CredentialID: credentialID, IdentityID: identityID, Name: "YubiKey " + credentialID,
		Credential: []byte(`{"id":"` + credentialID + `","publicKey":"pQECAyYgASFYIA","signCount":0}`),
		CreatedAt:  t0, Version: 1}
}

// Session returns a session record of identityID with id, its token hash
// Hash("token:"+id), seen a minute after it was created and expiring 12 hours
// after.
func Session(identityID, id string) identity.Session {
	return identity.Session{ID: id, TokenHash: Hash("token:" + id), IdentityID: identityID, MFA: true,
		Method: "password+totp", UserAgent: "Mozilla/5.0 (X11; Linux x86_64)", SourceIP: "192.0.2.10",
		CreatedAt: t0, LastSeenAt: t0.Add(time.Minute), ExpiresAt: t0.Add(12 * time.Hour)}
}

// APIKey returns a never-used API key record of identityID with id, for
// organization org-1, expiring after 90 days.
func APIKey(identityID, id string) identity.APIKey {
	return identity.APIKey{ID: id, IdentityID: identityID, OrgID: "org-1", Name: "key " + id,
		SecretHash: Hash("secret:" + id), MFA: true, CreatedAt: t0, ExpiresAt: t0.Add(90 * 24 * time.Hour)}
}

// Ticket returns a ticket record for identityID ("" for none) with hash
// Hash("ticket:"+name) and purpose, expiring 15 minutes after it was created.
func Ticket(identityID, name, purpose string) identity.Ticket {
	return identity.Ticket{Hash: Hash("ticket:" + name), Purpose: purpose, IdentityID: identityID,
		Data:      []byte(`{"challenge":"` + Hash("challenge:" + name)[:16] + `"}`),
		CreatedAt: t0, ExpiresAt: t0.Add(15 * time.Minute)}
}

// fixture is what seed stored: everything dump reads back.
type fixture struct {
	identities  []string
	codes       map[string][]string // by identity
	tickets     []identity.Ticket
	failureKeys []string
}

// seed stores, in one transaction, identities alice and bob, each with a TOTP,
// three recovery codes, two passkeys, two sessions, two API keys and two tickets
// (a password reset and a WebAuthn ceremony), a passwordless ticket of no identity,
// and failures under both emails and a source address.
func seed(t *testing.T, s identity.Store) fixture {
	t.Helper()
	f := fixture{identities: []string{"alice", "bob"}, codes: map[string][]string{}}
	for _, id := range f.identities {
		f.codes[id] = RecoveryCodes(id, 3)
		f.tickets = append(f.tickets, Ticket(id, id+"-reset", purposeReset), Ticket(id, id+"-webauthn", purposeWebAuthn))
		f.failureKeys = append(f.failureKeys, id+"@example.com")
	}
	f.tickets = append(f.tickets, Ticket("", "passwordless", purposeWebAuthn))
	f.failureKeys = append(f.failureKeys, "192.0.2.10")
	must(t, s.InTx(t.Context(), func(ctx context.Context) error {
		for _, id := range f.identities {
			for _, err := range []error{
				s.CreateIdentity(ctx, Identity(id)),
				s.CreateTOTP(ctx, TOTP(id)),
				s.ReplaceRecoveryCodes(ctx, id, f.codes[id]),
				s.CreatePasskey(ctx, Passkey(id, id+"-pk1")),
				s.CreatePasskey(ctx, Passkey(id, id+"-pk2")),
				s.CreateSession(ctx, Session(id, id+"-s1")),
				s.CreateSession(ctx, Session(id, id+"-s2")),
				s.CreateAPIKey(ctx, APIKey(id, "rk_"+id+"1")),
				s.CreateAPIKey(ctx, APIKey(id, "rk_"+id+"2")),
			} {
				if err != nil {
					return err
				}
			}
		}
		for _, tk := range f.tickets {
			if err := s.CreateTicket(ctx, tk); err != nil {
				return err
			}
		}
		for i, k := range f.failureKeys {
			for j := range 2 {
				if err := s.AddFailure(ctx, k, t0.Add(time.Duration(10*i+j)*time.Second)); err != nil {
					return err
				}
			}
		}
		return nil
	}))
	return f
}

// none stands in a dump for a record the store reports as ErrNotFound.
const none = "<none>"

// errPeek rolls back the transaction in which dump takes tickets and uses codes.
var errPeek = errors.New("identitytest: peek")

// dump returns everything the store holds about f's records and every listed
// identity, keyed "<identity>/<what>", "ticket/<identity or ->/<hash>" and
// "failures/<key>", for comparing before and after calls that must change
// nothing. Tickets and recovery codes are read by taking and using them in a
// transaction that is rolled back.
func dump(t *testing.T, s identity.Store, f fixture) map[string]any {
	t.Helper()
	ctx := t.Context()
	out := map[string]any{}
	ids := slices.Clone(f.identities)
	for _, i := range storetest.All(t, func(p resellerkit.Page) ([]identity.Identity, string, error) { return s.ListIdentities(ctx, p) }) {
		ids = append(ids, i.ID)
	}
	slices.Sort(ids)
	for _, id := range slices.Compact(ids) {
		i, err := s.GetIdentity(ctx, id)
		out[id+"/identity"] = orNone(t, i, err)
		totp, err := s.GetTOTP(ctx, id)
		out[id+"/totp"] = orNone(t, totp, err)
		n, err := s.CountRecoveryCodes(ctx, id)
		require.NoError(t, err)
		out[id+"/codes"] = n
		pks, err := s.ListPasskeys(ctx, id)
		require.NoError(t, err)
		out[id+"/passkeys"] = storetest.NilIfEmpty(pks)
		out[id+"/sessions"] = storetest.NilIfEmpty(storetest.All(t, func(p resellerkit.Page) ([]identity.Session, string, error) {
			return s.ListSessions(ctx, id, p)
		}))
		out[id+"/apikeys"] = storetest.NilIfEmpty(storetest.All(t, func(p resellerkit.Page) ([]identity.APIKey, string, error) {
			return s.ListAPIKeys(ctx, id, p)
		}))
	}
	for _, k := range f.failureKeys {
		times, err := s.RecentFailures(ctx, k, longAgo, 1000)
		require.NoError(t, err)
		out["failures/"+k] = storetest.NilIfEmpty(times)
	}
	peeked := map[string]any{}
	var errs []error
	err := s.InTx(ctx, func(ctx context.Context) error {
		clear(peeked) // fn may run more than once
		errs = errs[:0]
		for _, id := range slices.Sorted(maps.Keys(f.codes)) {
			for _, h := range f.codes[id] {
				err := s.UseRecoveryCode(ctx, id, h)
				peeked[id+"/code/"+h[:8]] = err == nil
				if err != nil && !errors.Is(err, identity.ErrNotFound) {
					errs = append(errs, err)
				}
			}
		}
		for _, tk := range f.tickets {
			got, err := s.TakeTicket(ctx, tk.Hash, tk.Purpose)
			owner := cmp.Or(tk.IdentityID, "-")
			switch {
			case err == nil:
				peeked["ticket/"+owner+"/"+tk.Hash[:8]] = got
			case errors.Is(err, identity.ErrNotFound):
				peeked["ticket/"+owner+"/"+tk.Hash[:8]] = none
			default:
				errs = append(errs, err)
			}
		}
		return errPeek
	})
	require.ErrorIs(t, err, errPeek)
	require.Empty(t, errs, "reading recovery codes and tickets")
	maps.Copy(out, peeked)
	return out
}

// orNone returns v, or none when err wraps ErrNotFound; any other error fails t.
func orNone[T any](t *testing.T, v T, err error) any {
	t.Helper()
	if errors.Is(err, identity.ErrNotFound) {
		return none
	}
	require.NoError(t, err)
	return v
}

// without returns m without the keys starting with any of prefixes.
func without(m map[string]any, prefixes ...string) map[string]any {
	out := maps.Clone(m)
	for k := range out {
		for _, p := range prefixes {
			if strings.HasPrefix(k, p) {
				delete(out, k)
			}
		}
	}
	return out
}
