package identity

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-webauthn/webauthn/webauthn"
)

// Policy holds the Service's time limits and counts. The zero value of a field
// means its default (DefaultPolicy).
type Policy struct {
	// SessionIdle ends a session not used for this long (default 2 h).
	SessionIdle time.Duration
	// SessionLifetime ends every session this long after sign-in, used or not
	// (default 12 h).
	SessionLifetime time.Duration
	// FailureLimit failed sign-ins within FailureWindow, per email address or per
	// source address, refuse every further attempt until the oldest leaves the
	// window (I-4; default 5 in 15 min).
	FailureLimit  int
	FailureWindow time.Duration
	// SourceFailureLimit is the failures per source address within FailureWindow
	// (default 50): higher than FailureLimit, because one office or carrier NAT is
	// many people behind one address.
	SourceFailureLimit int
	// ResetTTL is how long a password-reset link works (default 30 min).
	ResetTTL time.Duration
	// CeremonyTTL is how long a WebAuthn challenge may be answered (default 5 min).
	CeremonyTTL time.Duration
	// TouchEvery bounds how often a session's or key's last-seen time is written
	// (default 1 min): reads stay reads under load.
	TouchEvery time.Duration
	// MaxPasskeys is how many passkeys one identity may register (default 10).
	MaxPasskeys int
}

// DefaultPolicy returns the defaults: sessions idle 2 h and absolute 12 h (a
// portal that controls AWS accounts and money), 5 failures per email and 50 per
// source address per 15 min, reset links
// of 30 min, WebAuthn challenges of 5 min, last-seen written at most once a minute,
// 10 passkeys.
func DefaultPolicy() Policy {
	return Policy{SessionIdle: 2 * time.Hour, SessionLifetime: 12 * time.Hour, FailureLimit: 5, FailureWindow: 15 * time.Minute, SourceFailureLimit: 50,
		ResetTTL: 30 * time.Minute, CeremonyTTL: 5 * time.Minute, TouchEvery: time.Minute, MaxPasskeys: 10}
}

// withDefaults fills p's zero fields from DefaultPolicy.
func (p Policy) withDefaults() Policy {
	d := DefaultPolicy()
	fill := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	fill(&p.SessionIdle, d.SessionIdle)
	fill(&p.SessionLifetime, d.SessionLifetime)
	fill(&p.FailureWindow, d.FailureWindow)
	fill(&p.ResetTTL, d.ResetTTL)
	fill(&p.CeremonyTTL, d.CeremonyTTL)
	fill(&p.TouchEvery, d.TouchEvery)
	if p.FailureLimit <= 0 {
		p.FailureLimit = d.FailureLimit
	}
	if p.SourceFailureLimit <= 0 {
		p.SourceFailureLimit = d.SourceFailureLimit
	}
	if p.MaxPasskeys <= 0 {
		p.MaxPasskeys = d.MaxPasskeys
	}
	return p
}

// Memberships is what the Service needs to know about organizations: members
// implements it (members.Service.IsMember and HasMemberships). The Service uses it
// to bind an API key to an organization its owner belongs to, and to refuse deleting
// an identity that still belongs to one (I-5).
type Memberships interface {
	// IsMember reports whether the identity is a member of the organization.
	IsMember(ctx context.Context, orgID, identityID string) (bool, error)
	// HasMemberships reports whether the identity is a member of any organization.
	HasMemberships(ctx context.Context, identityID string) (bool, error)
}

// Client describes where a request comes from: the source address (throttling,
// I-4) and the user agent (listed with sessions).
type Client struct {
	IP        string
	UserAgent string
}

// Service is the identity domain's API: registration, sign-in with passwords,
// TOTP, recovery codes and passkeys, sessions, API keys and password reset.
//
// Methods acting on a person's own credentials take the identity id (or the Auth)
// the caller established by Authenticate: the Service trusts it. Changing the
// password or removing a second factor also asks for the current password.
type Service struct {
	store    Store
	hasher   *Hasher
	breach   BreachChecker
	mailer   Mailer
	members  Memberships
	webauthn *webauthn.WebAuthn // nil: passkeys are off
	issuer   string
	policy   Policy
	now      func() time.Time
	newID    func() string
}

// Option configures a Service.
type Option func(*Service) error

// WithClock sets the clock (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(s *Service) error { s.now = now; return nil }
}

// WithIDGenerator sets the generator of identity and session ids (default: 26
// random lower-case base32 characters).
func WithIDGenerator(newID func() string) Option {
	return func(s *Service) error { s.newID = newID; return nil }
}

// WithHasher sets the password hasher (default: argon2id with
// DefaultArgon2Params). Hashes made with other parameters still verify and are
// rehashed at the next sign-in.
func WithHasher(h *Hasher) Option { return func(s *Service) error { s.hasher = h; return nil } }

// WithBreachChecker refuses new passwords found in a breach corpus (I-2), for
// example NewHIBP(). Off by default: the library works offline. If the checker
// fails (network down), the password is accepted: a breach service's outage must
// not stop people from setting passwords that pass every other rule.
func WithBreachChecker(b BreachChecker) Option {
	return func(s *Service) error { s.breach = b; return nil }
}

// WithMailer sets where password-reset mails go (contacts implements Mailer; see
// LogMailer for development). Without one, RequestPasswordReset fails.
func WithMailer(m Mailer) Option { return func(s *Service) error { s.mailer = m; return nil } }

// WithMemberships connects the Service to organizations (members.Service). Without
// it, API keys cannot be created and DeleteIdentity refuses every identity.
func WithMemberships(m Memberships) Option {
	return func(s *Service) error { s.members = m; return nil }
}

// WithPolicy sets time limits and counts; zero fields keep their defaults.
func WithPolicy(p Policy) Option {
	return func(s *Service) error { s.policy = p.withDefaults(); return nil }
}

// WithIssuer sets the name authenticator apps show next to TOTP codes (default
// "resellerkit").
func WithIssuer(name string) Option { return func(s *Service) error { s.issuer = name; return nil } }

// WithPasskeys turns on WebAuthn passkeys for the relying party rpID (the site's
// domain, e.g. "portal.example.com"), shown as rpName, accepting ceremonies from
// origins (e.g. "https://portal.example.com").
func WithPasskeys(rpID, rpName string, origins ...string) Option {
	return func(s *Service) error {
		wa, err := webauthn.New(&webauthn.Config{RPID: rpID, RPDisplayName: rpName, RPOrigins: origins})
		if err != nil {
			return fmt.Errorf("identity: passkeys: %w", err)
		}
		s.webauthn = wa
		return nil
	}
}

// NewService returns a Service over store. It fails only on an option's bad
// configuration.
func NewService(store Store, opts ...Option) (*Service, error) {
	s := &Service{store: store, issuer: "resellerkit", policy: DefaultPolicy(), now: time.Now,
		newID: func() string { return strings.ToLower(rand.Text()) }}
	for _, o := range opts {
		if err := o(s); err != nil {
			return nil, err
		}
	}
	if s.hasher == nil {
		h, err := NewHasher(DefaultArgon2Params())
		if err != nil {
			return nil, err
		}
		s.hasher = h
	}
	return s, nil
}

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Policy returns the policy in force.
func (s *Service) Policy() Policy { return s.policy }

// hashSecret returns the hex SHA-256 of a high-entropy secret (a token, a key, a
// recovery code): what stores keep instead of it. Secrets of 80 bits and more need
// no slow hash.
func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// newSecret returns 26 random base32 characters (130 bits).
func newSecret() string { return rand.Text() }

// Ticket purposes.
const (
	purposeReset        = "password_reset"
	purposeSignup       = "signup"
	purposeRegistration = "webauthn_registration"
	purposeSignIn       = "webauthn_signin"
)

// issueTicket stores a ticket for purpose and returns its secret.
func (s *Service) issueTicket(ctx context.Context, purpose, identityID string, data []byte, ttl time.Duration) (string, error) {
	secret := newSecret()
	now := s.clock()
	err := s.store.CreateTicket(ctx, Ticket{Hash: hashSecret(secret), Purpose: purpose, IdentityID: identityID,
		Data: data, CreatedAt: now, ExpiresAt: now.Add(ttl)})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// takeTicket uses the ticket with secret for purpose: ErrUnauthenticated if there
// is none, it was used, or it expired.
func (s *Service) takeTicket(ctx context.Context, purpose, secret string) (Ticket, error) {
	if secret == "" || len(secret) > 128 {
		return Ticket{}, ErrUnauthenticated
	}
	t, err := s.store.TakeTicket(ctx, hashSecret(secret), purpose)
	switch {
	case errors.Is(err, ErrNotFound):
		return Ticket{}, ErrUnauthenticated
	case err != nil:
		return Ticket{}, err
	case !s.clock().Before(t.ExpiresAt):
		return Ticket{}, ErrUnauthenticated
	}
	return t, nil
}
