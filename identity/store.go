package identity

import (
	"context"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
)

// Store is the storage contract of the identity domain. It holds no policy: the
// Service hashes, verifies, throttles and expires; the Store keeps rows. Every
// implementation passes identitytest.TestStore.
//
// Conventions every method follows (the same as members.Store):
//
//   - Transactions travel in the context: InTx hands its callback a context, and
//     every call made with it is part of the transaction. Stores sharing one
//     database (sqldb, or in memory memdb) join one transaction, so creating an
//     identity and accepting an invitation in members commit as one.
//   - Identity scoping: a method taking an identity id never sees or changes another
//     identity's sessions, keys, passkeys or codes; another identity's row is
//     reported as ErrNotFound, exactly like a missing one. The few lookups by secret
//     hash or public id (sessions, API keys, tickets, passkeys) are unscoped because
//     they are how a caller is identified in the first place.
//   - Versions: Create* stores Version 1 whatever the argument holds; Update* takes
//     the version the caller read and returns ErrConflict if it changed.
//   - Uniqueness: a Create* whose key or unique value is taken returns
//     ErrAlreadyExists.
//   - Every error is atomic: a call that fails changes nothing.
//   - Values are copied in and out; times are UTC at microsecond precision; a zero
//     time means unset (NULL in SQL) and compares as the earliest time (a session
//     never seen is idle, a ticket without expiry has expired).
//   - Lists page by keyset (resellerkit.Page) in the byte order of the key the
//     comment names; a token no list made wraps resellerkit.ErrPageToken.
//   - Errors wrap ErrNotFound, ErrAlreadyExists or ErrConflict; any other error is
//     an infrastructure failure.
type Store interface {
	// InTx runs fn in one serializable transaction, joining one the context already
	// carries (members.Store.InTx states the full contract: fn may run more than
	// once and must reset captured output; ErrConflict if it still cannot commit).
	InTx(ctx context.Context, fn func(ctx context.Context) error) error

	// CreateIdentity stores a new identity. ErrAlreadyExists if the id or the email
	// is taken (I-1).
	CreateIdentity(ctx context.Context, id Identity) error
	// GetIdentity returns the identity. ErrNotFound if none.
	GetIdentity(ctx context.Context, identityID string) (Identity, error)
	// GetIdentityByEmail returns the identity with the (normalized) email, compared
	// exactly. ErrNotFound if none.
	GetIdentityByEmail(ctx context.Context, email string) (Identity, error)
	// ListIdentities returns a page of every identity ordered by ID. Unscoped: for
	// the reseller's operators.
	ListIdentities(ctx context.Context, page resellerkit.Page) ([]Identity, string, error)
	// UpdateIdentity stores Name, PasswordHash, PasswordChangedAt and UpdatedAt
	// (never Email, I-1) if id.Version is current. ErrNotFound, ErrConflict.
	UpdateIdentity(ctx context.Context, id Identity) error
	// DeleteIdentity removes the identity with its TOTP, recovery codes, passkeys,
	// sessions, API keys and tickets if version is current. ErrNotFound,
	// ErrConflict.
	DeleteIdentity(ctx context.Context, identityID string, version int64) error

	// CreateTOTP stores the identity's TOTP secret. ErrAlreadyExists if it has one;
	// ErrNotFound if the identity does not exist.
	CreateTOTP(ctx context.Context, t TOTP) error
	// GetTOTP returns the identity's TOTP. ErrNotFound if none.
	GetTOTP(ctx context.Context, identityID string) (TOTP, error)
	// UpdateTOTP stores Confirmed and LastStep if t.Version is current. ErrNotFound,
	// ErrConflict.
	UpdateTOTP(ctx context.Context, t TOTP) error
	// AdvanceTOTPStep sets LastStep to step if the stored LastStep is lower, in one
	// atomic step, so of two requests presenting codes of the same step only one
	// succeeds; ErrConflict if the stored LastStep is step or higher (the code, or a
	// later one, was already used), ErrNotFound if there is no TOTP. It bumps
	// Version, so an UpdateTOTP based on an earlier read cannot set the step back.
	AdvanceTOTPStep(ctx context.Context, identityID string, step int64) error
	// DeleteTOTP removes the identity's TOTP. ErrNotFound if none.
	DeleteTOTP(ctx context.Context, identityID string) error

	// ReplaceRecoveryCodes replaces every recovery code of the identity by hashes
	// (none when empty). ErrNotFound if the identity does not exist.
	ReplaceRecoveryCodes(ctx context.Context, identityID string, hashes []string) error
	// UseRecoveryCode removes the identity's code with the hash, so it works once.
	// ErrNotFound if the identity has no such code (never had, or already used).
	UseRecoveryCode(ctx context.Context, identityID, hash string) error
	// CountRecoveryCodes returns how many unused codes the identity has.
	CountRecoveryCodes(ctx context.Context, identityID string) (int, error)

	// CreatePasskey stores a new passkey. ErrAlreadyExists if the credential id is
	// registered to any identity; ErrNotFound if the identity does not exist.
	CreatePasskey(ctx context.Context, p Passkey) error
	// GetPasskey returns the identity's passkey with the credential id. ErrNotFound
	// if none (or another identity's).
	GetPasskey(ctx context.Context, identityID, credentialID string) (Passkey, error)
	// ListPasskeys returns every passkey of the identity ordered by CredentialID (an
	// identity has a handful: the Service caps them).
	ListPasskeys(ctx context.Context, identityID string) ([]Passkey, error)
	// UpdatePasskey stores Name, Credential, SignCount and LastUsedAt if p.Version
	// is current. ErrNotFound, ErrConflict.
	UpdatePasskey(ctx context.Context, p Passkey) error
	// DeletePasskey removes the identity's passkey. ErrNotFound if none.
	DeletePasskey(ctx context.Context, identityID, credentialID string) error

	// CreateSession stores a new session. ErrAlreadyExists if the id or token hash
	// is taken; ErrNotFound if the identity does not exist.
	CreateSession(ctx context.Context, s Session) error
	// GetSessionByTokenHash returns the session whose token hashes to hash.
	// ErrNotFound if none. Unscoped: this is how a request is identified.
	GetSessionByTokenHash(ctx context.Context, hash string) (Session, error)
	// TouchSession sets the session's LastSeenAt to at if at is later. ErrNotFound if
	// the session is gone (revoked).
	TouchSession(ctx context.Context, sessionID string, at time.Time) error
	// ListSessions returns a page of the identity's sessions ordered by ID.
	ListSessions(ctx context.Context, identityID string, page resellerkit.Page) ([]Session, string, error)
	// DeleteSession removes (revokes) the identity's session. ErrNotFound if none.
	DeleteSession(ctx context.Context, identityID, sessionID string) error
	// DeleteSessions removes every session of the identity except the one with id
	// except (none kept when except is empty) and returns how many it removed.
	DeleteSessions(ctx context.Context, identityID, except string) (int, error)
	// DeleteStaleSessions removes, across identities, every session that expired at
	// or before expiredBy or was last seen at or before idleBy, and returns how many.
	// Unscoped: maintenance.
	DeleteStaleSessions(ctx context.Context, expiredBy, idleBy time.Time) (int, error)

	// CreateAPIKey stores a new API key. ErrAlreadyExists if the id is taken;
	// ErrNotFound if the identity does not exist.
	CreateAPIKey(ctx context.Context, k APIKey) error
	// GetAPIKey returns the key with the id. ErrNotFound if none. Unscoped: this is
	// how a program is identified.
	GetAPIKey(ctx context.Context, keyID string) (APIKey, error)
	// ListAPIKeys returns a page of the identity's keys ordered by ID.
	ListAPIKeys(ctx context.Context, identityID string, page resellerkit.Page) ([]APIKey, string, error)
	// TouchAPIKey sets the key's LastUsedAt to at if at is later. ErrNotFound if the
	// key is gone.
	TouchAPIKey(ctx context.Context, keyID string, at time.Time) error
	// DeleteAPIKey removes (revokes) the identity's key. ErrNotFound if none.
	DeleteAPIKey(ctx context.Context, identityID, keyID string) error

	// CreateTicket stores a new ticket. ErrAlreadyExists if the hash is taken;
	// ErrNotFound if it names an identity that does not exist.
	CreateTicket(ctx context.Context, t Ticket) error
	// TakeTicket removes and returns the ticket with the hash and purpose, so it
	// can be used once; of two concurrent takes, one gets ErrNotFound. ErrNotFound
	// if there is none with that purpose (a ticket of another purpose stays).
	TakeTicket(ctx context.Context, hash, purpose string) (Ticket, error)
	// DeleteTickets removes the identity's tickets of the purpose (e.g. every
	// pending password reset once one succeeded) and returns how many.
	DeleteTickets(ctx context.Context, identityID, purpose string) (int, error)
	// DeleteExpiredTickets removes, across identities, every ticket that expired at
	// or before t and returns how many. Unscoped: maintenance.
	DeleteExpiredTickets(ctx context.Context, t time.Time) (int, error)

	// AddFailure records a failed sign-in under key (an email or a source address,
	// as the Service spells them) at time at.
	AddFailure(ctx context.Context, key string, at time.Time) error
	// RecentFailures returns the times of the newest failures under key at or after
	// since, at most limit of them, oldest first.
	RecentFailures(ctx context.Context, key string, since time.Time, limit int) ([]time.Time, error)
	// RemoveFailure removes the failures under key recorded at exactly at: an
	// attempt counted before its check that did not fail (attempts reserved in the
	// same microsecond go together, erring on the side of the person).
	RemoveFailure(ctx context.Context, key string, at time.Time) error
	// ClearFailures removes every failure under key.
	ClearFailures(ctx context.Context, key string) error
	// DeleteFailuresBefore removes, across keys, every failure before t and returns
	// how many. Unscoped: maintenance.
	DeleteFailuresBefore(ctx context.Context, t time.Time) (int, error)
}
