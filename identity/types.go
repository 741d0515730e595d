package identity

import (
	"slices"
	"time"
)

// Identity is one person (I-1). Email is normalized (lower-cased), unique across
// identities and never changes: a person with a new address is a new identity.
type Identity struct {
	ID           string
	Email        string // normalized; unique; immutable (I-1)
	Name         string // display name, may be empty
	PasswordHash string // argon2id in PHC form (I-2); never the password itself
	// PasswordChangedAt is when the password was last set. The Service moves it
	// forward at every password change or reset (by a microsecond at least, the
	// stores' precision, should the clock not have moved), and only then: a
	// sign-in storing a new hash of the same password keeps it. It is what tells
	// whether the password checked is still the identity's (I-4).
	PasswordChangedAt time.Time
	CreatedAt         time.Time
	UpdatedAt         time.Time
	Version           int64 // optimistic concurrency; 1 after creation
}

// TOTP is an identity's authenticator-app secret (I-3). It counts as a second factor
// only once Confirmed, that is once a code computed from it was accepted. LastStep is
// the last accepted time step: no code of that step or an earlier one is accepted
// again (RFC 6238 §5.2).
type TOTP struct {
	IdentityID string
	Secret     []byte // 20 random bytes (HMAC-SHA-1 key)
	Confirmed  bool
	LastStep   int64
	CreatedAt  time.Time
	Version    int64
}

// Clone returns a deep copy of t.
func (t TOTP) Clone() TOTP {
	t.Secret = slices.Clone(t.Secret)
	return t
}

// Passkey is a WebAuthn credential of an identity (I-3): a second factor after the
// password, and a way to sign in without one.
type Passkey struct {
	// CredentialID is the credential id the authenticator chose, base64url without
	// padding; unique across identities.
	CredentialID string
	IdentityID   string
	Name         string // the person's label, e.g. "YubiKey" or "iPhone"
	// Credential is the go-webauthn credential record (JSON) as registration
	// produced it and sign-ins updated it: public key, flags, AAGUID, sign counter.
	Credential []byte
	SignCount  uint32 // the authenticator's counter at the last accepted use
	CreatedAt  time.Time
	LastUsedAt time.Time // zero until first used
	Version    int64
}

// Clone returns a deep copy of p.
func (p Passkey) Clone() Passkey {
	p.Credential = slices.Clone(p.Credential)
	return p
}

// Session is one signed-in browser or client (I-4). Its token is shown once, when
// it is created; the store keeps only TokenHash. A session ends at ExpiresAt
// (absolute), after the Service's idle timeout without use, or when it is revoked
// (deleted).
type Session struct {
	ID         string // public id, for listing and revoking; not a credential
	TokenHash  string // SHA-256 of the token, hex; unique
	IdentityID string
	// MFA reports that the session was established with a second factor (TOTP, a
	// recovery code or a passkey): what the EnforceMFA gate (M-6) reads.
	MFA        bool
	Method     string // how it signed in, e.g. "password+totp" or "passkey"
	UserAgent  string // as the client sent it, truncated
	SourceIP   string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time // absolute expiry
}

// APIKey is a credential for programs (I-4): bound to one identity and one
// organization, shown once, stored hashed. The key a program sends is
// "<ID>.<secret>"; ID is its visible prefix, safe to show and log.
type APIKey struct {
	ID         string // visible prefix, e.g. "rk_4f3k2m9q1x7z"; unique
	IdentityID string
	OrgID      string // the one organization the key may act in
	Name       string
	SecretHash string // SHA-256 of the secret part, hex
	// MFA reports that the key was created from a session established with a second
	// factor, so it passes the EnforceMFA gate (M-6) of its organization.
	MFA        bool
	CreatedAt  time.Time
	ExpiresAt  time.Time // zero: never
	LastUsedAt time.Time // zero until first used
}

// Ticket is a single-use, short-lived secret: a password-reset link, or the state
// of a WebAuthn ceremony between its begin and finish calls. The store keeps only
// Hash; Take deletes it, so it works once.
type Ticket struct {
	Hash       string // SHA-256 of the secret, hex; unique
	Purpose    string // what it may be used for, e.g. "password_reset"
	IdentityID string // the identity it is for; empty for a passwordless sign-in challenge
	Data       []byte // purpose-specific state (e.g. WebAuthn session data, JSON)
	CreatedAt  time.Time
	ExpiresAt  time.Time
}

// Clone returns a deep copy of t.
func (t Ticket) Clone() Ticket {
	t.Data = slices.Clone(t.Data)
	return t
}
