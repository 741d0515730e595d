package main

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/seeda33a2f4f/resellerkit/identity"
)

// Signing in: email and password, then, when the identity has MFA on, a second
// factor: a code of its authenticator app, one of its recovery codes, or a
// passkey (identity.Credentials). The second step needs the first's credentials
// again (identity.Service.SignIn checks them together); they travel in the second
// form sealed (AES-GCM under a key that lives only in this process, for
// pendingTTL), never in clear and never stored. A passkey also signs in alone
// (identity.Service.SignInWithPasskey: POST /signin/passkey). Its ceremony needs
// script (static/passkey.js): the challenge comes from the API's POST
// /v1/passkey-challenges and the browser's answer is posted with the form, so
// the sign-in itself is a form post like the others, under the same
// cross-origin protection; without script the passkey buttons stay hidden.

func init() {
	uiRoutes = append(uiRoutes, func(u *ui, mux *http.ServeMux) {
		mux.HandleFunc("POST /signin/passkey", u.public(u.signInPasskey))
	})
}

// pendingTTL is how long the second sign-in step may take.
const pendingTTL = 5 * time.Minute

// sealer seals the first sign-in step for the second.
type sealer struct{ aead cipher.AEAD }

func newSealer() (*sealer, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead}, nil
}

// pendingSignIn is the first step, sealed into the second form.
type pendingSignIn struct {
	Email    string `json:"e"`
	Password string `json:"p"`
	Next     string `json:"n"`
	Expires  int64  `json:"x"` // Unix seconds
	// NoTOTP: the identity has no authenticator app (only passkeys), so the
	// second step asks for no code. Known once the password was right.
	NoTOTP bool `json:"o,omitempty"`
}

var errPendingExpired = errors.New("ui: the first sign-in step is unknown or expired")

func (s *sealer) seal(p pendingSignIn) string { return s.sealJSON(p) }

func (s *sealer) open(sealed string, now time.Time) (pendingSignIn, error) {
	var p pendingSignIn
	if err := s.openJSON(sealed, &p); err != nil || now.Unix() > p.Expires {
		return pendingSignIn{}, errPendingExpired
	}
	return p, nil
}

// sealJSON seals v (encoded as JSON) for a form: only this process can open it,
// and nobody can change it.
func (s *sealer) sealJSON(v any) string {
	plain, err := json.Marshal(v)
	if err != nil {
		panic(err) // the sealed types are plain structs of strings and numbers
	}
	nonce := make([]byte, s.aead.NonceSize())
	_, _ = rand.Read(nonce) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(s.aead.Seal(nonce, nonce, plain, nil))
}

// openJSON opens what sealJSON sealed into v: errPendingExpired if it is not
// this process's or was changed.
func (s *sealer) openJSON(sealed string, v any) error {
	raw, err := base64.RawURLEncoding.DecodeString(sealed)
	if err != nil || len(raw) < s.aead.NonceSize() {
		return errPendingExpired
	}
	plain, err := s.aead.Open(nil, raw[:s.aead.NonceSize()], raw[s.aead.NonceSize():], nil)
	if err != nil || json.Unmarshal(plain, v) != nil {
		return errPendingExpired
	}
	return nil
}

// signInForm is the data of the sign-in pages.
type signInForm struct {
	Email     string
	Next      string
	Pending   string // the sealed first step (second step only)
	Error     string // a message key for the whole form
	ErrorArg  any    // its argument, if any
	SignedOut bool
	// Field errors: message keys, by field.
	EmailError, PasswordError              string
	TOTPError, RecoveryError, PasskeyError string
	NoTOTP                                 bool // the second step asks for no authenticator code (pendingSignIn.NoTOTP)
}

// signInPage is GET /signin: the first step. A person already signed in goes on.
func (u *ui) signInPage(_ http.ResponseWriter, r *http.Request, v *view) error {
	next := localPath(r.URL.Query().Get("next"))
	if v.Signed {
		return seeOther(next)
	}
	v.Page, v.Data = "signin.html", signInForm{Next: next, SignedOut: r.URL.Query().Has("signedout")}
	return nil
}

// signIn is POST /signin: either step. On success the session cookie is set (as
// POST /v1/sessions sets it) and the person goes to next.
func (u *ui) signIn(w http.ResponseWriter, r *http.Request, v *view) error {
	now := u.s.now()
	form := signInForm{Next: localPath(r.PostFormValue("next"))}
	creds := identity.Credentials{}
	second := r.PostFormValue("pending") != ""
	if second {
		p, err := u.pending.open(r.PostFormValue("pending"), now)
		if err != nil {
			v.Page, v.Status, v.Data = "signin.html", http.StatusUnauthorized, signInForm{Next: form.Next, Error: "signin.expired"}
			return nil
		}
		creds.Email, creds.Password, form.Next, form.NoTOTP = p.Email, p.Password, p.Next, p.NoTOTP
		form.Pending = r.PostFormValue("pending")
		creds.TOTP = strings.TrimSpace(r.PostFormValue("totp"))
		creds.RecoveryCode = strings.TrimSpace(r.PostFormValue("recovery_code"))
		creds.Passkey = passkeyAssertion(r)
		switch {
		case creds.TOTP == "" && creds.RecoveryCode == "" && creds.Passkey == nil:
			v.Page, v.Status, form.Error = "totp.html", http.StatusBadRequest, "signin.totp.missing"
			v.Data = form
			return nil
		case creds.TOTP != "" && creds.RecoveryCode != "":
			// identity refuses two factors at once (ErrInvalid): say which to keep.
			v.Page, v.Status, form.Error = "totp.html", http.StatusBadRequest, "signin.second.one"
			form.TOTPError, form.RecoveryError = "signin.second.one", "signin.second.one"
			v.Data = form
			return nil
		}
	} else {
		creds.Email, creds.Password = strings.TrimSpace(r.PostFormValue("email")), r.PostFormValue("password")
		form.Email = creds.Email
		if creds.Email == "" {
			form.EmailError = "signin.error.required"
		}
		if creds.Password == "" {
			form.PasswordError = "signin.error.required"
		}
		if form.EmailError != "" || form.PasswordError != "" {
			v.Page, v.Status, form.Error = "signin.html", http.StatusBadRequest, "signin.missing"
			v.Data = form
			return nil
		}
	}
	sess, token, err := u.s.ids.SignIn(r.Context(), creds, clientOf(r))
	var throttled *identity.ThrottledError
	switch {
	case err == nil:
	case errors.Is(err, identity.ErrSecondFactorRequired):
		// The password was right: which factors the identity has is no secret
		// from this person any more, and the second step asks only for those.
		if form.NoTOTP, err = u.noTOTP(r, creds.Email); err != nil {
			return err
		}
		form.Pending = u.pending.seal(pendingSignIn{Email: creds.Email, Password: creds.Password, Next: form.Next,
			Expires: now.Add(pendingTTL).Unix(), NoTOTP: form.NoTOTP})
		v.Page, v.Data = "totp.html", form
		return nil
	case errors.As(err, &throttled):
		form.Error, form.ErrorArg = "signin.throttled", throttled.Seconds()
		w.Header().Set("Retry-After", strconv.FormatInt(throttled.Seconds(), 10))
		v.Page, v.Status, v.Data = u.signInStep(second), http.StatusTooManyRequests, form
		return nil
	case errors.Is(err, identity.ErrUnauthenticated), errors.Is(err, identity.ErrInvalid):
		// Nothing says which part was wrong beyond the field the person filled.
		form.Error = "signin.failed"
		if second {
			form.Error = "signin.totp.failed"
			switch {
			case creds.Passkey != nil:
				form.Error, form.PasskeyError = "signin.passkey.failed", "signin.passkey.failed"
			case creds.RecoveryCode != "":
				form.RecoveryError = "signin.recovery.failed"
			default:
				form.TOTPError = "signin.totp.failed"
			}
		}
		v.Page, v.Status, v.Data = u.signInStep(second), http.StatusUnauthorized, form
		return nil
	default:
		return err
	}
	return u.startSession(w, r, sess, token, form.Next)
}

// noTOTP reports whether the identity with the email has MFA without an
// authenticator app (passkeys only).
func (u *ui) noTOTP(r *http.Request, email string) (bool, error) {
	id, err := u.s.ids.FindIdentityByEmail(r.Context(), email)
	if err != nil {
		return false, err
	}
	st, err := u.s.ids.MFAStatus(r.Context(), id.ID)
	return !st.TOTP, err
}

// startSession finishes a sign-in: a session the browser's cookie still named is
// ended (a sign-in replaces it), the new session's cookie is set (as POST
// /v1/sessions sets it), and the person goes to next.
func (u *ui) startSession(w http.ResponseWriter, r *http.Request, sess identity.Session, token, next string) error {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if err := u.s.ids.SignOut(r.Context(), c.Value); err != nil {
			return err
		}
	}
	u.s.setSessionCookie(w, r, token, int(sess.ExpiresAt.Sub(u.s.now())/time.Second))
	return seeOther(next)
}

// passkeyAssertion is the passkey answer a form carries (static/passkey.js fills
// passkey_ticket and passkey_response), nil without one.
func passkeyAssertion(r *http.Request) *identity.PasskeyAssertion {
	ticket, response := r.PostFormValue("passkey_ticket"), r.PostFormValue("passkey_response")
	if ticket == "" || response == "" {
		return nil
	}
	return &identity.PasskeyAssertion{Ticket: ticket, Response: []byte(response)}
}

// signInPasskey is POST /signin/passkey: a passkey alone (with user
// verification, identity.Service.SignInWithPasskey). A refused passkey shows
// the first step again with the error next to the passkey button, revealing
// nothing about why.
func (u *ui) signInPasskey(w http.ResponseWriter, r *http.Request, v *view) error {
	form := signInForm{Next: localPath(r.PostFormValue("next"))}
	a := passkeyAssertion(r)
	if a == nil {
		v.Page, v.Status, form.Error, form.PasskeyError = "signin.html", http.StatusBadRequest, "signin.passkey.failed", "signin.passkey.failed"
		v.Data = form
		return nil
	}
	sess, token, err := u.s.ids.SignInWithPasskey(r.Context(), *a, clientOf(r))
	var throttled *identity.ThrottledError
	switch {
	case err == nil:
		return u.startSession(w, r, sess, token, form.Next)
	case errors.As(err, &throttled):
		form.Error, form.ErrorArg = "signin.throttled", throttled.Seconds()
		w.Header().Set("Retry-After", strconv.FormatInt(throttled.Seconds(), 10))
		v.Page, v.Status, v.Data = "signin.html", http.StatusTooManyRequests, form
		return nil
	case errors.Is(err, identity.ErrUnauthenticated), errors.Is(err, identity.ErrInvalid):
		form.Error, form.PasskeyError = "signin.passkey.failed", "signin.passkey.failed"
		v.Page, v.Status, v.Data = "signin.html", http.StatusUnauthorized, form
		return nil
	default:
		return err
	}
}

func (u *ui) signInStep(second bool) string {
	if second {
		return "totp.html"
	}
	return "signin.html"
}

// signOut is POST /signout: the session ends, the cookie is cleared, and the
// sign-in page says so.
func (u *ui) signOut(w http.ResponseWriter, r *http.Request, _ *view) error {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if err := u.s.ids.SignOut(r.Context(), c.Value); err != nil && !errors.Is(err, identity.ErrUnauthenticated) {
			return err
		}
	}
	u.s.clearSessionCookie(w, r)
	return seeOther("/signin?signedout=1")
}
