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

// Signing in: email and password, then, when the identity has an authenticator
// app, its code (or a recovery code). The second step needs the first's
// credentials again (identity.Service.SignIn checks them together); they travel in
// the second form sealed (AES-GCM under a key that lives only in this process,
// for pendingTTL), never in clear and never stored.

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
}

var errPendingExpired = errors.New("ui: the first sign-in step is unknown or expired")

func (s *sealer) seal(p pendingSignIn) string {
	plain, _ := json.Marshal(p) // strings and an int: always encodes
	nonce := make([]byte, s.aead.NonceSize())
	_, _ = rand.Read(nonce) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(s.aead.Seal(nonce, nonce, plain, nil))
}

func (s *sealer) open(sealed string, now time.Time) (pendingSignIn, error) {
	raw, err := base64.RawURLEncoding.DecodeString(sealed)
	if err != nil || len(raw) < s.aead.NonceSize() {
		return pendingSignIn{}, errPendingExpired
	}
	plain, err := s.aead.Open(nil, raw[:s.aead.NonceSize()], raw[s.aead.NonceSize():], nil)
	if err != nil {
		return pendingSignIn{}, errPendingExpired
	}
	var p pendingSignIn
	if err := json.Unmarshal(plain, &p); err != nil || now.Unix() > p.Expires {
		return pendingSignIn{}, errPendingExpired
	}
	return p, nil
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
	EmailError, PasswordError string
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
		creds.Email, creds.Password, form.Next = p.Email, p.Password, p.Next
		form.Pending = r.PostFormValue("pending")
		creds.TOTP = strings.TrimSpace(r.PostFormValue("totp"))
		creds.RecoveryCode = strings.TrimSpace(r.PostFormValue("recovery_code"))
		if creds.TOTP == "" && creds.RecoveryCode == "" {
			v.Page, v.Status, form.Error = "totp.html", http.StatusBadRequest, "signin.totp.missing"
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
		form.Pending = u.pending.seal(pendingSignIn{Email: creds.Email, Password: creds.Password, Next: form.Next,
			Expires: now.Add(pendingTTL).Unix()})
		v.Page, v.Data = "totp.html", form
		return nil
	case errors.As(err, &throttled):
		form.Error, form.ErrorArg = "signin.throttled", throttled.Seconds()
		w.Header().Set("Retry-After", strconv.FormatInt(throttled.Seconds(), 10))
		v.Page, v.Status, v.Data = u.signInStep(second), http.StatusTooManyRequests, form
		return nil
	case errors.Is(err, identity.ErrUnauthenticated), errors.Is(err, identity.ErrInvalid):
		form.Error = "signin.failed"
		if second {
			form.Error = "signin.totp.failed"
		}
		v.Page, v.Status, v.Data = u.signInStep(second), http.StatusUnauthorized, form
		return nil
	default:
		return err
	}
	// A session the browser's cookie still named is ended: a sign-in replaces it.
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if err := u.s.ids.SignOut(r.Context(), c.Value); err != nil {
			return err
		}
	}
	u.s.setSessionCookie(w, r, token, int(sess.ExpiresAt.Sub(now)/time.Second))
	return seeOther(form.Next)
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
