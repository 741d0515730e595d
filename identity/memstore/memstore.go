package memstore

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/memdb"
)

// Store is an in-memory identity.Store, safe for concurrent use. The zero value is
// not usable; call New.
type Store struct {
	db         *memdb.DB
	identities *memdb.Records[identity.Identity]
	totps      *memdb.Records[identity.TOTP]
	codes      *memdb.Table[string, recoveryCode] // identity id + "\x00" + hash
	passkeys   *memdb.Records[identity.Passkey]
	sessions   *memdb.Table[string, identity.Session]
	keys       *memdb.Table[string, identity.APIKey]
	tickets    *memdb.Table[string, identity.Ticket]
	failures   *memdb.Table[string, failure] // key + "\x00" + sequence
	seq        int64                         // failure row sequence; guarded by db's lock
}

// failure is one failed sign-in.
type failure struct {
	Key string
	At  time.Time
	Seq int64
}

var _ identity.Store = (*Store)(nil)

var errs = memdb.Errors{NotFound: identity.ErrNotFound, AlreadyExists: identity.ErrAlreadyExists, Conflict: identity.ErrConflict}

func same[V any](v V) V { return v }

// New returns an empty Store on a database of its own.
func New() *Store { return NewOn(memdb.New()) }

// NewOn returns an empty Store whose tables live in db, which the memstores of other
// packages (members, contacts…) may share so that one transaction spans them, as
// SQL stores on one database do.
func NewOn(db *memdb.DB) *Store {
	return &Store{db: db,
		identities: &memdb.Records[identity.Identity]{Table: memdb.NewTable[string](db, same[identity.Identity]),
			Name: "identity", Key: func(i identity.Identity) string { return i.ID },
			Version: func(i *identity.Identity) *int64 { return &i.Version },
			Merge: func(cur, i identity.Identity) identity.Identity {
				cur.Name, cur.PasswordHash, cur.PasswordChangedAt, cur.UpdatedAt = i.Name, i.PasswordHash, i.PasswordChangedAt, i.UpdatedAt
				return cur
			}, Errors: errs},
		totps: &memdb.Records[identity.TOTP]{Table: memdb.NewTable[string](db, identity.TOTP.Clone),
			Name: "totp", Key: func(t identity.TOTP) string { return t.IdentityID },
			Scope:   func(t identity.TOTP) string { return t.IdentityID },
			Version: func(t *identity.TOTP) *int64 { return &t.Version },
			Merge: func(cur, t identity.TOTP) identity.TOTP {
				cur.Confirmed, cur.LastStep = t.Confirmed, t.LastStep
				return cur
			}, Errors: errs},
		codes: memdb.NewTable[string](db, same[recoveryCode]),
		passkeys: &memdb.Records[identity.Passkey]{Table: memdb.NewTable[string](db, identity.Passkey.Clone),
			Name: "passkey", Key: func(p identity.Passkey) string { return p.CredentialID },
			Scope:   func(p identity.Passkey) string { return p.IdentityID },
			Version: func(p *identity.Passkey) *int64 { return &p.Version },
			Merge: func(cur, p identity.Passkey) identity.Passkey {
				cur.Name, cur.Credential, cur.SignCount, cur.LastUsedAt = p.Name, p.Credential, p.SignCount, p.LastUsedAt
				return cur
			}, Errors: errs},
		sessions: memdb.NewTable[string](db, same[identity.Session]),
		keys:     memdb.NewTable[string](db, same[identity.APIKey]),
		tickets:  memdb.NewTable[string](db, identity.Ticket.Clone),
		failures: memdb.NewTable[string](db, same[failure]),
	}
}

// InTx implements identity.Store: fn runs holding the database's lock, and its
// writes are kept only when it returns nil.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.db.InTx(ctx, fn)
}

func (s *Store) write(ctx context.Context, op func(tx *memdb.Tx) error) error {
	return s.db.Do(ctx, op)
}

func notFound(what, id string) error {
	return fmt.Errorf("%w: %s %q", identity.ErrNotFound, what, resellerkit.Truncate(id))
}

func exists(what, id string) error {
	return fmt.Errorf("%w: %s %q", identity.ErrAlreadyExists, what, resellerkit.Truncate(id))
}

// identityExists is the check of every create of an identity's record, as the SQL
// stores' foreign keys ensure.
func (s *Store) identityExists(tx *memdb.Tx, identityID string) func() error {
	return func() error {
		if !s.identities.Has(tx, identityID) {
			return notFound("identity", identityID)
		}
		return nil
	}
}

// ---- identities ----

// CreateIdentity implements identity.Store.
func (s *Store) CreateIdentity(ctx context.Context, id identity.Identity) error {
	return s.write(ctx, func(tx *memdb.Tx) error {
		return s.identities.Create(tx, id, func() error {
			if s.identities.Exists(tx, func(x identity.Identity) bool { return x.Email == id.Email }) {
				return exists("email", id.Email)
			}
			return nil
		})
	})
}

// GetIdentity implements identity.Store.
func (s *Store) GetIdentity(ctx context.Context, identityID string) (identity.Identity, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) (identity.Identity, error) {
		return s.identities.Find(tx, identityID, "", identityID)
	})
}

// GetIdentityByEmail implements identity.Store.
func (s *Store) GetIdentityByEmail(ctx context.Context, email string) (identity.Identity, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) (identity.Identity, error) {
		found := s.identities.Select(tx, func(x identity.Identity) bool { return x.Email == email })
		if len(found) == 0 {
			return identity.Identity{}, notFound("identity with email", email)
		}
		return found[0], nil
	})
}

// ListIdentities implements identity.Store.
func (s *Store) ListIdentities(ctx context.Context, page resellerkit.Page) ([]identity.Identity, string, error) {
	return memdb.ReadPage(ctx, s.db, func(tx *memdb.Tx) ([]identity.Identity, string, error) {
		return s.identities.Page(tx, page, func(identity.Identity) bool { return true }, s.identities.Key)
	})
}

// UpdateIdentity implements identity.Store.
func (s *Store) UpdateIdentity(ctx context.Context, id identity.Identity) error {
	return s.write(ctx, func(tx *memdb.Tx) error { return s.identities.Update(tx, id, id.ID) })
}

// DeleteIdentity implements identity.Store.
func (s *Store) DeleteIdentity(ctx context.Context, identityID string, version int64) error {
	return s.write(ctx, func(tx *memdb.Tx) error {
		if err := s.identities.Remove(tx, identityID, "", identityID, version); err != nil {
			return err
		}
		s.totps.Delete(tx, identityID)
		s.deleteCodes(tx, identityID)
		for _, p := range s.passkeys.Select(tx, func(p identity.Passkey) bool { return p.IdentityID == identityID }) {
			s.passkeys.Delete(tx, p.CredentialID)
		}
		for _, x := range s.sessions.Select(tx, func(x identity.Session) bool { return x.IdentityID == identityID }) {
			s.sessions.Delete(tx, x.ID)
		}
		for _, k := range s.keys.Select(tx, func(k identity.APIKey) bool { return k.IdentityID == identityID }) {
			s.keys.Delete(tx, k.ID)
		}
		for _, t := range s.tickets.Select(tx, func(t identity.Ticket) bool { return t.IdentityID == identityID }) {
			s.tickets.Delete(tx, t.Hash)
		}
		return nil
	})
}

// ---- TOTP and recovery codes ----

// CreateTOTP implements identity.Store.
func (s *Store) CreateTOTP(ctx context.Context, t identity.TOTP) error {
	return s.write(ctx, func(tx *memdb.Tx) error { return s.totps.Create(tx, t, s.identityExists(tx, t.IdentityID)) })
}

// GetTOTP implements identity.Store.
func (s *Store) GetTOTP(ctx context.Context, identityID string) (identity.TOTP, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) (identity.TOTP, error) {
		return s.totps.Find(tx, identityID, identityID, identityID)
	})
}

// UpdateTOTP implements identity.Store.
func (s *Store) UpdateTOTP(ctx context.Context, t identity.TOTP) error {
	return s.write(ctx, func(tx *memdb.Tx) error { return s.totps.Update(tx, t, t.IdentityID) })
}

// AdvanceTOTPStep implements identity.Store.
func (s *Store) AdvanceTOTPStep(ctx context.Context, identityID string, step int64) error {
	return s.write(ctx, func(tx *memdb.Tx) error {
		t, err := s.totps.Find(tx, identityID, identityID, identityID)
		if err != nil {
			return err
		}
		if t.LastStep >= step {
			return fmt.Errorf("%w: TOTP step %d already used (last %d)", identity.ErrConflict, step, t.LastStep)
		}
		t.LastStep = step
		t.Version++
		s.totps.Put(tx, identityID, t)
		return nil
	})
}

// DeleteTOTP implements identity.Store.
func (s *Store) DeleteTOTP(ctx context.Context, identityID string) error {
	return s.write(ctx, func(tx *memdb.Tx) error {
		if _, err := s.totps.Find(tx, identityID, identityID, identityID); err != nil {
			return err
		}
		s.totps.Delete(tx, identityID)
		return nil
	})
}

func codeKey(identityID, hash string) string { return identityID + "\x00" + hash }

// recoveryCode is one unused recovery code's hash.
type recoveryCode struct {
	IdentityID string
	Hash       string
}

func (s *Store) codesOf(tx *memdb.Tx, identityID string) []recoveryCode {
	return s.codes.Select(tx, func(c recoveryCode) bool { return c.IdentityID == identityID })
}

func (s *Store) deleteCodes(tx *memdb.Tx, identityID string) {
	for _, c := range s.codesOf(tx, identityID) {
		s.codes.Delete(tx, codeKey(c.IdentityID, c.Hash))
	}
}

// ReplaceRecoveryCodes implements identity.Store.
func (s *Store) ReplaceRecoveryCodes(ctx context.Context, identityID string, hashes []string) error {
	return s.write(ctx, func(tx *memdb.Tx) error {
		if err := s.identityExists(tx, identityID)(); err != nil {
			return err
		}
		s.deleteCodes(tx, identityID)
		for _, h := range hashes {
			s.codes.Put(tx, codeKey(identityID, h), recoveryCode{IdentityID: identityID, Hash: h})
		}
		return nil
	})
}

// UseRecoveryCode implements identity.Store.
func (s *Store) UseRecoveryCode(ctx context.Context, identityID, hash string) error {
	return s.write(ctx, func(tx *memdb.Tx) error {
		k := codeKey(identityID, hash)
		if !s.codes.Has(tx, k) {
			return notFound("recovery code of identity", identityID)
		}
		s.codes.Delete(tx, k)
		return nil
	})
}

// CountRecoveryCodes implements identity.Store.
func (s *Store) CountRecoveryCodes(ctx context.Context, identityID string) (int, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) (int, error) { return len(s.codesOf(tx, identityID)), nil })
}

// ---- passkeys ----

// CreatePasskey implements identity.Store.
func (s *Store) CreatePasskey(ctx context.Context, p identity.Passkey) error {
	return s.write(ctx, func(tx *memdb.Tx) error { return s.passkeys.Create(tx, p, s.identityExists(tx, p.IdentityID)) })
}

// GetPasskey implements identity.Store.
func (s *Store) GetPasskey(ctx context.Context, identityID, credentialID string) (identity.Passkey, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) (identity.Passkey, error) {
		return s.passkeys.Find(tx, credentialID, identityID, credentialID)
	})
}

// ListPasskeys implements identity.Store.
func (s *Store) ListPasskeys(ctx context.Context, identityID string) ([]identity.Passkey, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) ([]identity.Passkey, error) {
		return s.passkeys.Select(tx, func(p identity.Passkey) bool { return p.IdentityID == identityID }), nil
	})
}

// UpdatePasskey implements identity.Store.
func (s *Store) UpdatePasskey(ctx context.Context, p identity.Passkey) error {
	return s.write(ctx, func(tx *memdb.Tx) error { return s.passkeys.Update(tx, p, p.CredentialID) })
}

// DeletePasskey implements identity.Store.
func (s *Store) DeletePasskey(ctx context.Context, identityID, credentialID string) error {
	return s.write(ctx, func(tx *memdb.Tx) error {
		if _, err := s.passkeys.Find(tx, credentialID, identityID, credentialID); err != nil {
			return err
		}
		s.passkeys.Delete(tx, credentialID)
		return nil
	})
}

// ---- sessions ----

// CreateSession implements identity.Store.
func (s *Store) CreateSession(ctx context.Context, x identity.Session) error {
	return s.write(ctx, func(tx *memdb.Tx) error {
		if s.sessions.Has(tx, x.ID) {
			return exists("session", x.ID)
		}
		if len(s.sessions.Select(tx, func(y identity.Session) bool { return y.TokenHash == x.TokenHash })) > 0 {
			return exists("session token", "")
		}
		if err := s.identityExists(tx, x.IdentityID)(); err != nil {
			return err
		}
		s.sessions.Put(tx, x.ID, x)
		return nil
	})
}

// GetSessionByTokenHash implements identity.Store.
func (s *Store) GetSessionByTokenHash(ctx context.Context, hash string) (identity.Session, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) (identity.Session, error) {
		found := s.sessions.Select(tx, func(y identity.Session) bool { return y.TokenHash == hash })
		if len(found) == 0 {
			return identity.Session{}, notFound("session", "")
		}
		return found[0], nil
	})
}

// TouchSession implements identity.Store.
func (s *Store) TouchSession(ctx context.Context, sessionID string, at time.Time) error {
	return s.write(ctx, func(tx *memdb.Tx) error {
		x, ok := s.sessions.Get(tx, sessionID)
		if !ok {
			return notFound("session", sessionID)
		}
		if at.After(x.LastSeenAt) {
			x.LastSeenAt = at
			s.sessions.Put(tx, sessionID, x)
		}
		return nil
	})
}

// ListSessions implements identity.Store.
func (s *Store) ListSessions(ctx context.Context, identityID string, page resellerkit.Page) ([]identity.Session, string, error) {
	return memdb.ReadPage(ctx, s.db, func(tx *memdb.Tx) ([]identity.Session, string, error) {
		return resellerkit.Paginate(s.sessions.Select(tx, func(x identity.Session) bool { return x.IdentityID == identityID }),
			page, func(x identity.Session) string { return x.ID })
	})
}

// DeleteSession implements identity.Store.
func (s *Store) DeleteSession(ctx context.Context, identityID, sessionID string) error {
	return s.write(ctx, func(tx *memdb.Tx) error {
		x, ok := s.sessions.Get(tx, sessionID)
		if !ok || x.IdentityID != identityID {
			return notFound("session", sessionID)
		}
		s.sessions.Delete(tx, sessionID)
		return nil
	})
}

// DeleteSessions implements identity.Store.
func (s *Store) DeleteSessions(ctx context.Context, identityID, except string) (int, error) {
	return deleteWhere(ctx, s, s.sessions, func(x identity.Session) bool { return x.IdentityID == identityID && x.ID != except },
		func(x identity.Session) string { return x.ID })
}

// DeleteStaleSessions implements identity.Store.
func (s *Store) DeleteStaleSessions(ctx context.Context, expiredBy, idleBy time.Time) (int, error) {
	return deleteWhere(ctx, s, s.sessions, func(x identity.Session) bool {
		return !x.ExpiresAt.After(expiredBy) || !x.LastSeenAt.After(idleBy)
	}, func(x identity.Session) string { return x.ID })
}

// deleteWhere removes the rows of t keep accepts and returns how many.
func deleteWhere[V any](ctx context.Context, s *Store, t *memdb.Table[string, V], keep func(V) bool, key func(V) string) (int, error) {
	n := 0
	err := s.write(ctx, func(tx *memdb.Tx) error {
		rows := t.Select(tx, keep)
		for _, v := range rows {
			t.Delete(tx, key(v))
		}
		n = len(rows)
		return nil
	})
	return n, err
}

// ---- API keys ----

// CreateAPIKey implements identity.Store.
func (s *Store) CreateAPIKey(ctx context.Context, k identity.APIKey) error {
	return s.write(ctx, func(tx *memdb.Tx) error {
		if s.keys.Has(tx, k.ID) {
			return exists("API key", k.ID)
		}
		if err := s.identityExists(tx, k.IdentityID)(); err != nil {
			return err
		}
		s.keys.Put(tx, k.ID, k)
		return nil
	})
}

// GetAPIKey implements identity.Store.
func (s *Store) GetAPIKey(ctx context.Context, keyID string) (identity.APIKey, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) (identity.APIKey, error) {
		k, ok := s.keys.Get(tx, keyID)
		if !ok {
			return identity.APIKey{}, notFound("API key", keyID)
		}
		return k, nil
	})
}

// ListAPIKeys implements identity.Store.
func (s *Store) ListAPIKeys(ctx context.Context, identityID string, page resellerkit.Page) ([]identity.APIKey, string, error) {
	return memdb.ReadPage(ctx, s.db, func(tx *memdb.Tx) ([]identity.APIKey, string, error) {
		return resellerkit.Paginate(s.keys.Select(tx, func(k identity.APIKey) bool { return k.IdentityID == identityID }),
			page, func(k identity.APIKey) string { return k.ID })
	})
}

// TouchAPIKey implements identity.Store.
func (s *Store) TouchAPIKey(ctx context.Context, keyID string, at time.Time) error {
	return s.write(ctx, func(tx *memdb.Tx) error {
		k, ok := s.keys.Get(tx, keyID)
		if !ok {
			return notFound("API key", keyID)
		}
		if at.After(k.LastUsedAt) {
			k.LastUsedAt = at
			s.keys.Put(tx, keyID, k)
		}
		return nil
	})
}

// DeleteAPIKey implements identity.Store.
func (s *Store) DeleteAPIKey(ctx context.Context, identityID, keyID string) error {
	return s.write(ctx, func(tx *memdb.Tx) error {
		k, ok := s.keys.Get(tx, keyID)
		if !ok || k.IdentityID != identityID {
			return notFound("API key", keyID)
		}
		s.keys.Delete(tx, keyID)
		return nil
	})
}

// ---- tickets ----

// CreateTicket implements identity.Store.
func (s *Store) CreateTicket(ctx context.Context, t identity.Ticket) error {
	return s.write(ctx, func(tx *memdb.Tx) error {
		if s.tickets.Has(tx, t.Hash) {
			return exists("ticket", "")
		}
		if t.IdentityID != "" {
			if err := s.identityExists(tx, t.IdentityID)(); err != nil {
				return err
			}
		}
		s.tickets.Put(tx, t.Hash, t)
		return nil
	})
}

// TakeTicket implements identity.Store.
func (s *Store) TakeTicket(ctx context.Context, hash, purpose string) (identity.Ticket, error) {
	var out identity.Ticket
	err := s.write(ctx, func(tx *memdb.Tx) error {
		t, ok := s.tickets.Get(tx, hash)
		if !ok || t.Purpose != purpose {
			return notFound("ticket for", purpose)
		}
		s.tickets.Delete(tx, hash)
		out = t
		return nil
	})
	return out, err
}

// DeleteTickets implements identity.Store.
func (s *Store) DeleteTickets(ctx context.Context, identityID, purpose string) (int, error) {
	return deleteWhere(ctx, s, s.tickets, func(t identity.Ticket) bool { return t.IdentityID == identityID && t.Purpose == purpose },
		func(t identity.Ticket) string { return t.Hash })
}

// DeleteExpiredTickets implements identity.Store.
func (s *Store) DeleteExpiredTickets(ctx context.Context, at time.Time) (int, error) {
	return deleteWhere(ctx, s, s.tickets, func(t identity.Ticket) bool { return !t.ExpiresAt.After(at) },
		func(t identity.Ticket) string { return t.Hash })
}

// ---- failures ----

// failureKey orders a key's failures by insertion: the key, then a zero-padded
// sequence number.
func failureKey(key string, seq int64) string {
	return key + "\x00" + fmt.Sprintf("%020d", seq)
}

func (s *Store) failureRowKey(f failure) string { return failureKey(f.Key, f.Seq) }

// AddFailure implements identity.Store.
func (s *Store) AddFailure(ctx context.Context, key string, at time.Time) error {
	return s.write(ctx, func(tx *memdb.Tx) error {
		s.seq++
		s.failures.Put(tx, failureKey(key, s.seq), failure{Key: key, At: at, Seq: s.seq})
		return nil
	})
}

// RecentFailures implements identity.Store.
func (s *Store) RecentFailures(ctx context.Context, key string, since time.Time, limit int) ([]time.Time, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) ([]time.Time, error) {
		var out []time.Time
		for _, f := range s.failures.Select(tx, func(f failure) bool { return f.Key == key && !f.At.Before(since) }) {
			out = append(out, f.At)
		}
		slices.SortStableFunc(out, time.Time.Compare)
		if limit >= 0 && len(out) > limit {
			out = out[len(out)-limit:]
		}
		return out, nil
	})
}

// RemoveFailure implements identity.Store.
func (s *Store) RemoveFailure(ctx context.Context, key string, at time.Time) error {
	return s.write(ctx, func(tx *memdb.Tx) error {
		at = at.UTC().Truncate(time.Microsecond)
		for _, f := range s.failures.Select(tx, func(f failure) bool { return f.Key == key && f.At.Equal(at) }) {
			s.failures.Delete(tx, s.failureRowKey(f))
		}
		return nil
	})
}

// ClearFailures implements identity.Store.
func (s *Store) ClearFailures(ctx context.Context, key string) error {
	_, err := deleteWhere(ctx, s, s.failures, func(f failure) bool { return f.Key == key }, s.failureRowKey)
	return err
}

// DeleteFailuresBefore implements identity.Store.
func (s *Store) DeleteFailuresBefore(ctx context.Context, at time.Time) (int, error) {
	return deleteWhere(ctx, s, s.failures, func(f failure) bool { return f.At.Before(at) }, s.failureRowKey)
}
