package identity

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
)

// Token prefixes: a session token and an API key say what they are, so secret
// scanners and Authenticate can tell them apart.
const (
	SessionTokenPrefix = "rks_"
	APIKeyPrefix       = "rk_"
)

// maxUserAgentLen bounds the user agent kept with a session.
const maxUserAgentLen = 256

// Credentials are what a person presents to SignIn: the email and password, and
// when the identity has MFA on (I-3), one second factor.
type Credentials struct {
	Email        string
	Password     string
	TOTP         string            // a 6-digit code from the authenticator app
	RecoveryCode string            // one of the recovery codes, instead of TOTP
	Passkey      *PasskeyAssertion // a passkey assertion, instead of TOTP
}

// PasskeyAssertion is a WebAuthn assertion answering a challenge from
// BeginPasskeySignIn: the ticket that call returned and the browser's
// PublicKeyCredential response as JSON.
type PasskeyAssertion struct {
	Ticket   string
	Response []byte
}

// Auth is who a request acts for, as Authenticate established it.
type Auth struct {
	Identity  Identity
	SessionID string // set when authenticated by a session token
	APIKeyID  string // set when authenticated by an API key
	// OrgID is the one organization an API key may act in; empty for sessions.
	OrgID string
	// MFA reports that a second factor established the session (or the session that
	// created the API key): what the EnforceMFA gate (M-6) reads.
	MFA bool
}

// session returns ErrSessionRequired unless a was established by a session (not
// an API key) of an identity.
func (a Auth) session() error {
	if a.SessionID == "" || a.APIKeyID != "" || a.Identity.ID == "" {
		return ErrSessionRequired
	}
	return nil
}

// emailKey and sourceKey are the failure counters of I-4.
func emailKey(email string) string { return "email:" + email }

// sourceKey counts an IPv4 address alone and an IPv6 address by its /64, the block
// one client usually holds.
func sourceKey(ip string) string {
	a, err := netip.ParseAddr(strings.TrimSpace(ip))
	if err != nil {
		return "ip:" + storable(resellerkit.Truncate(ip))
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return "ip:" + p.String()
	}
	return "ip:" + a.String()
}

// ChallengeLimit is how many passkey sign-in challenges one source address may
// start per Policy.FailureWindow, and ResetLimitPerSource how many password-reset
// mails it may ask for: generous for people, a wall for scripts.
// TicketAttemptLimit is how many reset or signup tokens one source address may
// present per Policy.FailureWindow.
const (
	ChallengeLimit      = 100
	ResetLimitPerSource = 20
	TicketAttemptLimit  = 20
)

// storable returns s as text every store keeps: valid UTF-8 without NUL bytes
// (PostgreSQL refuses both in text columns).
func storable(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// throttled reports whether key has Policy.FailureLimit failures in the window, and
// when the oldest of them leaves it.
func (s *Service) throttled(ctx context.Context, key string) (time.Duration, bool, error) {
	return s.throttledAt(ctx, key, s.policy.FailureLimit)
}

// countAttempt records an attempt under key unless key already has limit attempts
// in the window (a *ThrottledError then, and nothing recorded).
func (s *Service) countAttempt(ctx context.Context, key string, limit int) error {
	wait, throttled, err := s.throttledAt(ctx, key, limit)
	if err != nil {
		return err
	}
	if throttled {
		return &ThrottledError{RetryAfter: wait}
	}
	return s.store.AddFailure(ctx, key, s.clock())
}

// throttledAt is throttled with another limit.
func (s *Service) throttledAt(ctx context.Context, key string, limit int) (time.Duration, bool, error) {
	now := s.clock()
	recent, err := s.store.RecentFailures(ctx, key, now.Add(-s.policy.FailureWindow), limit)
	if err != nil || len(recent) < limit {
		return 0, false, err
	}
	// The store counts a failure at exactly now-window; it has left the window,
	// so waiting RetryAfter is enough.
	wait := recent[0].Add(s.policy.FailureWindow).Sub(now)
	if wait <= 0 {
		return 0, false, nil
	}
	return wait, true, nil
}

// SignIn checks credentials and starts a session (I-4). It returns the session and
// its token, which is shown only now.
//
// Every failure is the same ErrUnauthenticated, whether the email is unknown, the
// password wrong, or the second factor wrong or replayed, and costs the same work:
// an unknown email is checked against a dummy hash. A password changed or reset
// while it was being checked is wrong too: no session outlives the change that
// ended the others. Failures count per email
// (Policy.FailureLimit) and per source address (Policy.SourceFailureLimit) within
// Policy.FailureWindow; at the limit, attempts are refused with a *ThrottledError,
// even with the right password, until the oldest failure leaves the window. Each
// attempt is counted before its password is checked, in one transaction with the
// check of the limit, so concurrent guesses cannot overshoot it; an attempt that
// succeeds takes its count back. (So attempts still being checked count too: a
// burst of simultaneous sign-ins from one address can meet the source limit
// while they queue for the hasher, and is then asked to retry shortly.) A right
// password for an identity with MFA on but
// no second factor is ErrSecondFactorRequired (not a failure). A TOTP code is
// accepted once: that code, and every code of its step or an earlier one, is
// refused afterwards (RFC 6238 §5.2). Giving more than one second factor is
// refused as ErrInvalid.
func (s *Service) SignIn(ctx context.Context, c Credentials, client Client) (Session, string, error) {
	if factors(c) > 1 {
		return Session{}, "", invalid("second_factor", "", "I-3", "give one of totp, recovery_code and passkey")
	}
	email := strings.ToLower(strings.TrimSpace(c.Email))
	_, malformed := NormalizeEmail(email)
	if malformed != nil {
		// No identity has a malformed address: bound it, as storable text, for the
		// counter. A well-formed one stays whole, so that it is the same key
		// verifyCurrent and ResetPassword use.
		email = storable(resellerkit.Truncate(email))
	}
	r, err := s.reserve(ctx, limit{emailKey(email), s.policy.FailureLimit}, limit{sourceKey(client.IP), s.policy.SourceFailureLimit})
	if err != nil {
		return Session{}, "", err
	}
	sess, token, err := s.signIn(ctx, c, email, malformed == nil, client)
	switch {
	case errors.Is(err, ErrUnauthenticated):
		return Session{}, "", ErrUnauthenticated // counted: the reservation stays
	case err == nil:
		// The email's failures are forgotten with the success; the source's count
		// only loses this attempt.
		err = errors.Join(s.store.ClearFailures(ctx, emailKey(email)), r.release(ctx, 1))
		if err != nil {
			return Session{}, "", err
		}
		return sess, token, nil
	}
	// Not a failed guess (a second factor is needed, or the store failed).
	return Session{}, "", errors.Join(err, r.release(ctx, 0))
}

// factors counts the second factors c carries.
func factors(c Credentials) int {
	n := 0
	for _, given := range []bool{c.TOTP != "", c.RecoveryCode != "", c.Passkey != nil} {
		if given {
			n++
		}
	}
	return n
}

// signIn is SignIn after its attempt was counted: ErrUnauthenticated for a failed
// guess.
func (s *Service) signIn(ctx context.Context, c Credentials, email string, wellFormed bool, client Client) (Session, string, error) {
	var id Identity
	err := ErrNotFound
	if wellFormed {
		id, err = s.store.GetIdentityByEmail(ctx, email)
	}
	if errors.Is(err, ErrNotFound) {
		s.hasher.Dummy(ctx, c.Password)
		return Session{}, "", ErrUnauthenticated
	}
	if err != nil {
		return Session{}, "", err
	}
	ok, rehash, err := s.hasher.Verify(ctx, id.PasswordHash, c.Password)
	if err != nil {
		return Session{}, "", err
	}
	if !ok {
		return Session{}, "", ErrUnauthenticated
	}
	mfa, method, err := s.secondFactor(ctx, id, c)
	if err != nil {
		return Session{}, "", err
	}
	if rehash {
		s.rehash(ctx, id, c.Password)
	}
	// The session is created only if the password just verified is still the
	// identity's: a change or reset committed meanwhile (the verification takes
	// the hasher's time) ended every session, and must end this one too (I-4).
	// What tells is PasswordChangedAt, not the hash: this sign-in's rehash, or
	// another's, stores a new hash of the same password (nextPasswordChange).
	var (
		sess  Session
		token string
	)
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		cur, err := s.store.GetIdentity(ctx, id.ID)
		switch {
		case errors.Is(err, ErrNotFound):
			return ErrUnauthenticated
		case err != nil:
			return err
		case !cur.PasswordChangedAt.Equal(id.PasswordChangedAt):
			return ErrUnauthenticated
		}
		sess, token, err = s.startSession(ctx, id, mfa, method, client)
		return err
	})
	if err != nil {
		return Session{}, "", err
	}
	return sess, token, nil
}

// limit is a failure counter and its limit.
type limit struct {
	key string
	max int
}

// reservation is an attempt counted under each of its keys at one instant.
type reservation struct {
	s    *Service
	keys []string
	at   time.Time
}

// reserve counts an attempt under every key, after checking, in the same
// transaction, that none is at its limit (a *ThrottledError, and nothing counted,
// if one is). Counting before the attempt's password check is what keeps
// concurrent attempts from all passing a check made before any of them failed.
func (s *Service) reserve(ctx context.Context, limits ...limit) (reservation, error) {
	r := reservation{s: s, at: s.clock()}
	for _, l := range limits {
		r.keys = append(r.keys, l.key)
	}
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		for _, l := range limits {
			wait, throttled, err := s.throttledAt(ctx, l.key, l.max)
			if err != nil {
				return err
			}
			if throttled {
				return &ThrottledError{RetryAfter: wait}
			}
		}
		for _, l := range limits {
			if err := s.store.AddFailure(ctx, l.key, r.at); err != nil {
				return err
			}
		}
		return nil
	})
	return r, err
}

// release takes the reservation back from its keys from the from-th on (an
// attempt that did not fail), best effort: a count left behind only expires with
// the window.
func (r reservation) release(ctx context.Context, from int) error {
	var errs []error
	for _, k := range r.keys[from:] {
		errs = append(errs, r.s.store.RemoveFailure(ctx, k, r.at))
	}
	return errors.Join(errs...)
}

// secondFactor checks the second factor of c for id when id has MFA on: whether
// one was used and the sign-in method. ErrSecondFactorRequired if MFA is on and c
// has none; ErrUnauthenticated if the one given is wrong.
func (s *Service) secondFactor(ctx context.Context, id Identity, c Credentials) (bool, string, error) {
	st, err := s.MFAStatus(ctx, id.ID)
	if err != nil {
		return false, "", err
	}
	if !st.Enabled() {
		return false, "password", nil
	}
	switch {
	case c.TOTP != "":
		if !st.TOTP {
			return false, "", ErrUnauthenticated
		}
		return true, "password+totp", s.useTOTP(ctx, id.ID, c.TOTP)
	case c.RecoveryCode != "":
		return true, "password+recovery_code", s.useRecoveryCode(ctx, id.ID, c.RecoveryCode)
	case c.Passkey != nil:
		who, err := s.verifyPasskey(ctx, c.Passkey.Ticket, c.Passkey.Response)
		if err != nil {
			return false, "", err
		}
		if subtle.ConstantTimeCompare([]byte(who.ID), []byte(id.ID)) != 1 {
			return false, "", ErrUnauthenticated
		}
		return true, "password+passkey", nil
	}
	return false, "", ErrSecondFactorRequired
}

// rehash stores a new hash of password with the hasher's current parameters. It
// is no password change: PasswordChangedAt stays, so a change the password
// allowed elsewhere, checked against the old hash, still completes. A failure is
// not the sign-in's: the old hash still verifies, the next sign-in tries again.
func (s *Service) rehash(ctx context.Context, id Identity, password string) {
	hash, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return
	}
	id.PasswordHash, id.UpdatedAt = hash, s.clock()
	_ = s.store.UpdateIdentity(ctx, id) // a concurrent change (ErrConflict) wins; the next sign-in retries
}

// SignInWithPasskey signs in without a password (I-3): the assertion answers a
// challenge from BeginPasskeySignIn, and the passkey names the identity. The
// assertion must have verified the user (a PIN or biometric on the device):
// without it a passkey is only something the person has, one factor, and is
// refused here (it still serves as the second factor after a password). The
// session counts as MFA: something the person has, unlocked by something they know
// or are. Failures count per source address.
func (s *Service) SignInWithPasskey(ctx context.Context, a PasskeyAssertion, client Client) (Session, string, error) {
	r, err := s.reserve(ctx, limit{sourceKey(client.IP), s.policy.SourceFailureLimit})
	if err != nil {
		return Session{}, "", err
	}
	id, uv, err := s.verifyPasskeyUV(ctx, a.Ticket, a.Response)
	if err == nil && !uv {
		err = fmt.Errorf("%w: a passkey signs in alone only with user verification (a PIN or biometric)", ErrUnauthenticated)
	}
	if errors.Is(err, ErrUnauthenticated) {
		return Session{}, "", ErrUnauthenticated
	}
	if err != nil {
		return Session{}, "", errors.Join(err, r.release(ctx, 0))
	}
	sess, token, err := s.startSession(ctx, id, true, "passkey", client)
	return sess, token, errors.Join(err, r.release(ctx, 0))
}

// startSession stores a new session of id and returns it (without its token
// hash) with its token.
func (s *Service) startSession(ctx context.Context, id Identity, mfa bool, method string, client Client) (Session, string, error) {
	token := SessionTokenPrefix + newSecret()
	now := s.clock()
	ua := storable(client.UserAgent) // SQL text columns refuse invalid UTF-8 and NUL
	if len(ua) > maxUserAgentLen {
		ua = strings.ToValidUTF8(ua[:maxUserAgentLen], "") // drops a character cut in two
	}
	sess := Session{ID: s.newID(), TokenHash: hashSecret(token), IdentityID: id.ID, MFA: mfa, Method: method,
		UserAgent: ua, SourceIP: storable(resellerkit.Truncate(client.IP)), CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(s.policy.SessionLifetime)}
	if err := s.store.CreateSession(ctx, sess); err != nil {
		return Session{}, "", err
	}
	sess.TokenHash = ""
	return sess, token, nil
}

// Authenticate resolves a session token or an API key to who it acts for.
// ErrUnauthenticated for anything that is not a live credential: unknown,
// malformed, revoked, expired (a session idle for Policy.SessionIdle, or past its
// absolute expiry; a key past its ExpiresAt). Last-seen times are written at most
// once per Policy.TouchEvery.
func (s *Service) Authenticate(ctx context.Context, token string) (Auth, error) {
	switch {
	case len(token) > 256:
		return Auth{}, ErrUnauthenticated
	case strings.HasPrefix(token, SessionTokenPrefix):
		return s.authenticateSession(ctx, token)
	case strings.HasPrefix(token, APIKeyPrefix):
		return s.authenticateKey(ctx, token)
	}
	return Auth{}, ErrUnauthenticated
}

func (s *Service) authenticateSession(ctx context.Context, token string) (Auth, error) {
	sess, err := s.store.GetSessionByTokenHash(ctx, hashSecret(token))
	if errors.Is(err, ErrNotFound) {
		return Auth{}, ErrUnauthenticated
	}
	if err != nil {
		return Auth{}, err
	}
	now := s.clock()
	if !now.Before(sess.ExpiresAt) || !now.Before(sess.LastSeenAt.Add(s.policy.SessionIdle)) {
		if err := s.store.DeleteSession(ctx, sess.IdentityID, sess.ID); err != nil && !errors.Is(err, ErrNotFound) {
			return Auth{}, err
		}
		return Auth{}, ErrUnauthenticated
	}
	if now.Sub(sess.LastSeenAt) >= s.policy.TouchEvery {
		if err := s.store.TouchSession(ctx, sess.ID, now); errors.Is(err, ErrNotFound) {
			return Auth{}, ErrUnauthenticated // revoked meanwhile
		} else if err != nil {
			return Auth{}, err
		}
	}
	id, err := s.store.GetIdentity(ctx, sess.IdentityID)
	if errors.Is(err, ErrNotFound) {
		return Auth{}, ErrUnauthenticated
	}
	if err != nil {
		return Auth{}, err
	}
	return Auth{Identity: id.public(), SessionID: sess.ID, MFA: sess.MFA}, nil
}

// SignOut ends the session of token. Signing out twice, or with a token that is
// not a live session, is not an error.
func (s *Service) SignOut(ctx context.Context, token string) error {
	if !strings.HasPrefix(token, SessionTokenPrefix) || len(token) > 256 {
		return nil
	}
	sess, err := s.store.GetSessionByTokenHash(ctx, hashSecret(token))
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := s.store.DeleteSession(ctx, sess.IdentityID, sess.ID); err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	return nil
}

// ListSessions returns a page of the identity's sessions ordered by id (I-4), with
// last-seen time, user agent and source address. Sessions past their expiry are
// not listed.
func (s *Service) ListSessions(ctx context.Context, a Auth, page resellerkit.Page) ([]Session, string, error) {
	if err := a.session(); err != nil {
		return nil, "", err
	}
	identityID := a.Identity.ID
	if err := checkPage(page); err != nil {
		return nil, "", err
	}
	list, next, err := s.store.ListSessions(ctx, identityID, page)
	if err != nil {
		return nil, "", err
	}
	now := s.clock()
	live := list[:0]
	for _, x := range list {
		if now.Before(x.ExpiresAt) && now.Before(x.LastSeenAt.Add(s.policy.SessionIdle)) {
			x.TokenHash = "" // never handed out, like an API key's SecretHash
			live = append(live, x)
		}
	}
	return live, next, nil
}

// RevokeSession ends one session of the identity (I-4). ErrNotFound if it has no
// such session.
func (s *Service) RevokeSession(ctx context.Context, a Auth, sessionID string) error {
	if err := a.session(); err != nil {
		return err
	}
	identityID := a.Identity.ID
	return s.store.DeleteSession(ctx, identityID, sessionID)
}

// RevokeSessions ends every session of the identity except keep (none kept when
// empty) and returns how many ended (I-4).
func (s *Service) RevokeSessions(ctx context.Context, a Auth) (int, error) {
	if err := a.session(); err != nil {
		return 0, err
	}
	identityID := a.Identity.ID
	return s.store.DeleteSessions(ctx, identityID, a.SessionID)
}

// EndSessions ends every session of the identity and returns how many ended. It
// is a system operation for the reseller's operators (a compromised account) and
// maintenance; a person ends their own with RevokeSessions.
func (s *Service) EndSessions(ctx context.Context, identityID string) (int, error) {
	return s.store.DeleteSessions(ctx, identityID, "")
}

// SweepReport says what Sweep removed.
type SweepReport struct {
	Sessions int // expired or idle sessions
	Tickets  int // expired reset links and WebAuthn challenges
	Failures int // failed sign-ins older than the throttling window
}

// Sweep removes what has expired: sessions, tickets and failures that no longer
// count. It is maintenance (run it from a job, e.g. hourly) and idempotent.
func (s *Service) Sweep(ctx context.Context) (SweepReport, error) {
	now := s.clock()
	var r SweepReport
	var err error
	if r.Sessions, err = s.store.DeleteStaleSessions(ctx, now, now.Add(-s.policy.SessionIdle)); err != nil {
		return r, err
	}
	if r.Tickets, err = s.store.DeleteExpiredTickets(ctx, now); err != nil {
		return r, err
	}
	r.Failures, err = s.store.DeleteFailuresBefore(ctx, now.Add(-s.policy.FailureWindow))
	return r, err
}
