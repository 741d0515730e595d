package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/members"
)

// Identity endpoints: signing in and out, the caller's own sessions, password,
// second factors and API keys (I-1 … I-5). Each calls one identity.Service method
// for the caller's own identity; nothing here takes an identity id from the
// request.

// ---- sessions ----

type passkeyAssertionInput struct {
	Ticket   string          `json:"ticket"`
	Response json.RawMessage `json:"response"` // the browser's PublicKeyCredential, as JSON
}

type signInInput struct {
	Email        string                 `json:"email"`
	Password     string                 `json:"password"`
	TOTP         string                 `json:"totp"`
	RecoveryCode string                 `json:"recovery_code"`
	Passkey      *passkeyAssertionInput `json:"passkey"`
}

type sessionJSON struct {
	ID         string    `json:"id"`
	MFA        bool      `json:"mfa"`
	Method     string    `json:"method"`
	UserAgent  string    `json:"user_agent"`
	SourceIP   string    `json:"source_ip"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	Current    bool      `json:"current,omitempty"`
}

func toSession(x identity.Session) sessionJSON {
	return sessionJSON{ID: x.ID, MFA: x.MFA, Method: x.Method, UserAgent: x.UserAgent, SourceIP: x.SourceIP,
		CreatedAt: x.CreatedAt, LastSeenAt: x.LastSeenAt, ExpiresAt: x.ExpiresAt}
}

// signedInJSON answers a sign-in: the session, and its token for clients that
// send it as a bearer token (browsers use the cookie set with it).
type signedInJSON struct {
	Session sessionJSON `json:"session"`
	Token   string      `json:"token"`
}

func (p *passkeyAssertionInput) assertion() *identity.PasskeyAssertion {
	if p == nil {
		return nil
	}
	return &identity.PasskeyAssertion{Ticket: p.Ticket, Response: p.Response}
}

// signIn is POST /v1/sessions: email and password, plus a TOTP code, a recovery
// code or a passkey assertion when the identity has MFA on.
func (s *server) signIn(w http.ResponseWriter, r *http.Request, _ members.Principal) error {
	var in signInInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	sess, token, err := s.ids.SignIn(r.Context(), identity.Credentials{Email: in.Email, Password: in.Password,
		TOTP: in.TOTP, RecoveryCode: in.RecoveryCode, Passkey: in.Passkey.assertion()}, clientOf(r))
	if err != nil {
		return err
	}
	return s.startedSession(w, r, sess, token)
}

// signInWithPasskey is POST /v1/sessions/passkey: a passkey alone (passwordless).
func (s *server) signInWithPasskey(w http.ResponseWriter, r *http.Request, _ members.Principal) error {
	var in passkeyAssertionInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	sess, token, err := s.ids.SignInWithPasskey(r.Context(), *in.assertion(), clientOf(r))
	if err != nil {
		return err
	}
	return s.startedSession(w, r, sess, token)
}

// startedSession answers a sign-in: the new session's cookie and token. A session
// the browser's cookie still named is ended: a sign-in replaces it (so a session
// planted in the browser before sign-in cannot linger).
func (s *server) startedSession(w http.ResponseWriter, r *http.Request, sess identity.Session, token string) error {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if err := s.ids.SignOut(r.Context(), c.Value); err != nil {
			return err
		}
	}
	s.setSessionCookie(w, r, token, int(time.Until(sess.ExpiresAt)/time.Second))
	return writeJSON(w, http.StatusCreated, signedInJSON{Session: toSession(sess), Token: token})
}

// passkeyChallengeJSON is a WebAuthn challenge: options for
// navigator.credentials.get() or create(), and the ticket to send back with the
// answer.
type passkeyChallengeJSON struct {
	Ticket  string `json:"ticket"`
	Options any    `json:"options"`
}

// passkeyChallenge is POST /v1/passkey-challenges: a challenge for signing in with
// a passkey (as the only factor or the second). It needs no email, so it reveals
// nothing about who has passkeys.
func (s *server) passkeyChallenge(w http.ResponseWriter, r *http.Request, _ members.Principal) error {
	ticket, opts, err := s.ids.BeginPasskeySignIn(r.Context(), clientOf(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, passkeyChallengeJSON{Ticket: ticket, Options: opts})
}

// signOut is DELETE /v1/sessions/current: the caller's session ends and the cookie
// is cleared. With an API key there is no session: 403 session_required.
func (s *server) signOut(w http.ResponseWriter, r *http.Request, _ members.Principal) error {
	c := callerOf(r)
	if err := s.ids.RevokeSession(r.Context(), c.auth, c.auth.SessionID); err != nil {
		return err
	}
	s.clearSessionCookie(w, r)
	noContent(w)
	return nil
}

// listSessions is GET /v1/me/sessions.
func (s *server) listSessions(w http.ResponseWriter, r *http.Request, _ members.Principal) error {
	page, err := parsePage(r.URL.Query())
	if err != nil {
		return err
	}
	c := callerOf(r)
	list, next, err := s.ids.ListSessions(r.Context(), c.auth, page)
	if err != nil {
		return err
	}
	items := convert(list, toSession)
	for i := range items {
		items[i].Current = items[i].ID == c.auth.SessionID
	}
	return writeJSON(w, http.StatusOK, pageJSON[sessionJSON]{Items: items, NextPageToken: next})
}

// revokeSession is DELETE /v1/me/sessions/{session}.
func (s *server) revokeSession(w http.ResponseWriter, r *http.Request, _ members.Principal) error {
	c := callerOf(r)
	if err := s.ids.RevokeSession(r.Context(), c.auth, r.PathValue("session")); err != nil {
		return err
	}
	if r.PathValue("session") == c.auth.SessionID {
		s.clearSessionCookie(w, r)
	}
	noContent(w)
	return nil
}

type revokedJSON struct {
	Revoked int `json:"revoked"`
}

// revokeOtherSessions is POST /v1/me/sessions/revoke-others: every session of the
// caller but the current one ends.
func (s *server) revokeOtherSessions(w http.ResponseWriter, r *http.Request, _ members.Principal) error {
	c := callerOf(r)
	n, err := s.ids.RevokeSessions(r.Context(), c.auth)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, revokedJSON{Revoked: n})
}

// ---- password ----

type changePasswordInput struct {
	Current string `json:"current_password"`
	New     string `json:"new_password"`
}

// changePassword is PUT /v1/me/password: the current password is required; every
// other session ends.
func (s *server) changePassword(w http.ResponseWriter, r *http.Request, _ members.Principal) error {
	var in changePasswordInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.ids.ChangePassword(r.Context(), callerOf(r).auth, in.Current, in.New); err != nil {
		return err
	}
	noContent(w)
	return nil
}

type resetRequestInput struct {
	Email string `json:"email"`
}

// requestPasswordReset is POST /v1/password-resets: 202 whether or not the email
// has an identity.
func (s *server) requestPasswordReset(w http.ResponseWriter, r *http.Request, _ members.Principal) error {
	var in resetRequestInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.ids.RequestPasswordReset(r.Context(), in.Email, clientOf(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusAccepted)
	return nil
}

type resetInput struct {
	Token       string `json:"token"`
	NewPassword string `json:"new_password"`
}

// completePasswordReset is POST /v1/password-resets/complete: the token from the
// mail and the new password.
func (s *server) completePasswordReset(w http.ResponseWriter, r *http.Request, _ members.Principal) error {
	var in resetInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.ids.ResetPassword(r.Context(), in.Token, in.NewPassword, clientOf(r)); err != nil {
		return err
	}
	noContent(w)
	return nil
}

// ---- second factors ----

type mfaJSON struct {
	TOTP          bool `json:"totp"`
	Passkeys      int  `json:"passkeys"`
	RecoveryCodes int  `json:"recovery_codes"`
}

// getMFA is GET /v1/me/mfa: which second factors the caller has.
func (s *server) getMFA(w http.ResponseWriter, r *http.Request, _ members.Principal) error {
	st, err := s.ids.MFAStatus(r.Context(), callerOf(r).auth.Identity.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, mfaJSON(st))
}

type totpJSON struct {
	Secret string `json:"secret"`
	URI    string `json:"uri"` // otpauth://… for a QR code
}

// beginTOTP is POST /v1/me/totp with the password: a new, unconfirmed
// authenticator-app secret.
func (s *server) beginTOTP(w http.ResponseWriter, r *http.Request, _ members.Principal) error {
	var in passwordInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	e, err := s.ids.BeginTOTP(r.Context(), callerOf(r).auth, in.Password)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, totpJSON(e))
}

type codeInput struct {
	Code string `json:"code"`
}

type recoveryCodesJSON struct {
	// RecoveryCodes are shown once; empty when the identity already had some.
	RecoveryCodes []string `json:"recovery_codes"`
}

// enrollmentRefused turns identity's ErrUnauthenticated for a second factor
// being enrolled (a wrong code, a passkey ceremony that does not verify) into a
// *resellerkit.ValidationError naming field (400 invalid): the caller's session
// is valid, and a 401 would tell the client to sign in again (I-3, I-4).
func enrollmentRefused(err error, field, value, reason string) error {
	if errors.Is(err, identity.ErrUnauthenticated) {
		return resellerkit.Invalid(identity.ErrInvalid, field, value, "I-3", reason)
	}
	return err
}

// confirmTOTP is POST /v1/me/totp/confirm: a code from the app turns it on. A
// wrong code is 400 invalid naming "code".
func (s *server) confirmTOTP(w http.ResponseWriter, r *http.Request, _ members.Principal) error {
	var in codeInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	codes, err := s.ids.ConfirmTOTP(r.Context(), callerOf(r).auth, in.Code)
	if err != nil {
		return enrollmentRefused(err, "code", in.Code, "is not the code the authenticator app shows now (6 digits, from the key POST /v1/me/totp returned)")
	}
	return writeJSON(w, http.StatusOK, recoveryCodesJSON{RecoveryCodes: nonNil(codes)})
}

type passwordInput struct {
	Password string `json:"password"`
}

// removeTOTP is POST /v1/me/totp/remove with the password.
func (s *server) removeTOTP(w http.ResponseWriter, r *http.Request, _ members.Principal) error {
	var in passwordInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.ids.RemoveTOTP(r.Context(), callerOf(r).auth, in.Password); err != nil {
		return err
	}
	noContent(w)
	return nil
}

// regenerateRecoveryCodes is POST /v1/me/recovery-codes with the password.
func (s *server) regenerateRecoveryCodes(w http.ResponseWriter, r *http.Request, _ members.Principal) error {
	var in passwordInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	codes, err := s.ids.RegenerateRecoveryCodes(r.Context(), callerOf(r).auth, in.Password)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, recoveryCodesJSON{RecoveryCodes: nonNil(codes)})
}

type passkeyJSON struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

func toPasskey(p identity.Passkey) passkeyJSON {
	out := passkeyJSON{ID: p.CredentialID, Name: p.Name, CreatedAt: p.CreatedAt}
	if !p.LastUsedAt.IsZero() {
		out.LastUsedAt = &p.LastUsedAt
	}
	return out
}

// beginPasskeyRegistration is POST /v1/me/passkeys/challenge with the password:
// options for navigator.credentials.create().
func (s *server) beginPasskeyRegistration(w http.ResponseWriter, r *http.Request, _ members.Principal) error {
	var in passwordInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	ticket, opts, err := s.ids.BeginPasskeyRegistration(r.Context(), callerOf(r).auth, in.Password)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, passkeyChallengeJSON{Ticket: ticket, Options: opts})
}

type registerPasskeyInput struct {
	Ticket   string          `json:"ticket"`
	Name     string          `json:"name"`
	Response json.RawMessage `json:"response"`
}

type registeredPasskeyJSON struct {
	Passkey       passkeyJSON `json:"passkey"`
	RecoveryCodes []string    `json:"recovery_codes"`
}

// registerPasskey is POST /v1/me/passkeys: the authenticator's answer to the
// challenge. A ceremony that does not complete (the response does not verify, the
// ticket is unknown, used, expired or another identity's) is 400 invalid naming
// "response": begin again.
func (s *server) registerPasskey(w http.ResponseWriter, r *http.Request, _ members.Principal) error {
	var in registerPasskeyInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	pk, codes, err := s.ids.FinishPasskeyRegistration(r.Context(), callerOf(r).auth, in.Ticket, in.Name, in.Response)
	if err != nil {
		return enrollmentRefused(err, "response", string(in.Response), "the passkey registration did not verify, or its ticket is "+
			"unknown, used or expired: begin again with POST /v1/me/passkeys/challenge")
	}
	return writeJSON(w, http.StatusCreated, registeredPasskeyJSON{Passkey: toPasskey(pk), RecoveryCodes: nonNil(codes)})
}

// listPasskeys is GET /v1/me/passkeys.
func (s *server) listPasskeys(w http.ResponseWriter, r *http.Request, _ members.Principal) error {
	pks, err := s.ids.ListPasskeys(r.Context(), callerOf(r).auth.Identity.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, pageJSON[passkeyJSON]{Items: convert(pks, toPasskey)})
}

// removePasskey is POST /v1/me/passkeys/{passkey}/remove with the password.
func (s *server) removePasskey(w http.ResponseWriter, r *http.Request, _ members.Principal) error {
	var in passwordInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.ids.RemovePasskey(r.Context(), callerOf(r).auth, r.PathValue("passkey"), in.Password); err != nil {
		return err
	}
	noContent(w)
	return nil
}

// ---- API keys ----

type apiKeyInput struct {
	OrgID     string     `json:"org_id"`
	Name      string     `json:"name"`
	ExpiresAt *time.Time `json:"expires_at"`
}

type apiKeyJSON struct {
	ID         string     `json:"id"`
	OrgID      string     `json:"org_id"`
	Name       string     `json:"name"`
	MFA        bool       `json:"mfa"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	// Secret is the whole key, shown only in the answer that created it.
	Secret string `json:"secret,omitempty"`
}

func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func toAPIKey(k identity.APIKey) apiKeyJSON {
	return apiKeyJSON{ID: k.ID, OrgID: k.OrgID, Name: k.Name, MFA: k.MFA, CreatedAt: k.CreatedAt,
		ExpiresAt: optionalTime(k.ExpiresAt), LastUsedAt: optionalTime(k.LastUsedAt)}
}

// createAPIKey is POST /v1/me/api-keys: from a signed-in session only.
func (s *server) createAPIKey(w http.ResponseWriter, r *http.Request, _ members.Principal) error {
	var in apiKeyInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	nk := identity.NewAPIKey{OrgID: in.OrgID, Name: in.Name}
	if in.ExpiresAt != nil {
		nk.ExpiresAt = *in.ExpiresAt
	}
	k, secret, err := s.ids.CreateAPIKey(r.Context(), callerOf(r).auth, nk)
	if err != nil {
		return err
	}
	out := toAPIKey(k)
	out.Secret = secret
	return writeJSON(w, http.StatusCreated, out)
}

// listAPIKeys is GET /v1/me/api-keys.
func (s *server) listAPIKeys(w http.ResponseWriter, r *http.Request, _ members.Principal) error {
	page, err := parsePage(r.URL.Query())
	if err != nil {
		return err
	}
	keys, next, err := s.ids.ListAPIKeys(r.Context(), callerOf(r).auth, page)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, pageJSON[apiKeyJSON]{Items: convert(keys, toAPIKey), NextPageToken: next})
}

// revokeAPIKey is DELETE /v1/me/api-keys/{key}.
func (s *server) revokeAPIKey(w http.ResponseWriter, r *http.Request, _ members.Principal) error {
	if err := s.ids.RevokeAPIKey(r.Context(), callerOf(r).auth, r.PathValue("key")); err != nil {
		return err
	}
	noContent(w)
	return nil
}

// ---- joining by invitation (M-8 with I-1) ----

type startSignupInput struct {
	Email string `json:"email"`
}

// startSignup is POST /v1/signup/start: a person without an identity, holding an
// invitation, asks for a link proving they own the invited address. 202 whether
// or not the address has an identity (then nothing is sent: they sign in and
// accept instead).
func (s *server) startSignup(w http.ResponseWriter, r *http.Request, _ members.Principal) error {
	var in startSignupInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.ids.RequestSignup(r.Context(), in.Email, clientOf(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusAccepted)
	return nil
}

type signupInput struct {
	Token        string `json:"token"`
	OrgID        string `json:"org_id"`
	InvitationID string `json:"invitation_id"`
	Name         string `json:"name"`
	Password     string `json:"password"`
}

type signupJSON struct {
	IdentityID string        `json:"identity_id"`
	Email      string        `json:"email"`
	Membership memberJSON    `json:"membership"`
	Warnings   []warningJSON `json:"warnings"`
}

type warningJSON struct {
	Field   string `json:"field"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// signup is POST /v1/signup: with the token of the signup mail (the proof of the
// address, which the inviter never sees), the identity is created and the
// invitation accepted in one transaction: if the acceptance fails (the invitation
// is not addressed to that email, expired, or the organization enforces MFA, which
// a new identity cannot have yet), no identity is created and the token stays
// usable.
func (s *server) signup(w http.ResponseWriter, r *http.Request, _ members.Principal) error {
	var in signupInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	var out signupJSON
	err := s.inTx(r.Context(), func(ctx context.Context) error {
		id, warns, err := s.ids.CompleteSignup(ctx, in.Token, identity.NewIdentity{Name: in.Name, Password: in.Password}, clientOf(r))
		if err != nil {
			return err
		}
		m, err := s.svc.AcceptInvitation(ctx, members.Principal{IdentityID: id.ID, Email: id.Email}, in.OrgID, in.InvitationID)
		if err != nil {
			return err
		}
		out = signupJSON{IdentityID: id.ID, Email: id.Email, Membership: toMember(m), Warnings: []warningJSON{}}
		for _, w := range warns {
			out.Warnings = append(out.Warnings, warningJSON(w))
		}
		return nil
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, out)
}

// inTx runs fn in one transaction of the database every store shares.
func (s *server) inTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if s.db == nil {
		return fn(ctx)
	}
	return s.db.InTx(ctx, fn)
}
