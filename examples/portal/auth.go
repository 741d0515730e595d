package main

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/members"
)

// Authentication.
//
// A request proves who it acts for in one of two ways:
//
//   - a session cookie (sessionCookie), set by POST /v1/sessions: HttpOnly (no
//     script reads it), SameSite=Lax (not sent with cross-site subrequests or
//     forms), Secure when the portal is served over TLS, Path=/;
//   - an Authorization: Bearer header carrying a session token (API clients that
//     signed in) or an API key (programs; bound to one organization).
//
// Cookies are sent by browsers on their own, so every cookie-authenticated
// request with an unsafe method passes http.CrossOriginProtection (Sec-Fetch-Site
// or Origin must say same origin); a bearer header is never sent on its own, so it
// needs no such check. Sign-in itself runs the same check: a cross-site form must
// not sign a victim in to the attacker's account (login CSRF).
//
// Whether an identity is a reseller operator is the portal's configuration (the
// -operators flag lists their emails; emails never change, I-1), not something a
// credential claims.

// sessionCookie is the name of the session cookie.
const sessionCookie = "rk_session"

// caller is who a request acts for: the members principal every Service call
// takes, and the identity credential behind it (session or API key).
type caller struct {
	p    members.Principal
	auth identity.Auth
}

type callerKey struct{}

// callerOf returns the caller front stored for an authenticated request.
func callerOf(r *http.Request) caller {
	c, _ := r.Context().Value(callerKey{}).(caller)
	return c
}

// authenticator resolves a credential (session token or API key) to its caller:
// errUnauthenticated when it is not a live credential.
type authenticator interface {
	authenticate(ctx context.Context, token string) (caller, error)
}

// identityAuth authenticates with the identity package.
type identityAuth struct {
	ids       *identity.Service
	operators map[string]bool // emails of the reseller's operators
}

func (a identityAuth) authenticate(ctx context.Context, token string) (caller, error) {
	au, err := a.ids.Authenticate(ctx, token)
	if errors.Is(err, identity.ErrUnauthenticated) {
		return caller{}, errUnauthenticated
	}
	if err != nil {
		return caller{}, err
	}
	p := members.Principal{IdentityID: au.Identity.ID, Email: au.Identity.Email, MFA: au.MFA,
		Operator: a.operators[au.Identity.Email], OrgID: au.OrgID}
	return caller{p: p, auth: au}, nil
}

// credential returns the request's credential and whether it came from the
// session cookie. A request with an Authorization header uses it (and must use
// the Bearer scheme); otherwise the cookie, if any.
func credential(r *http.Request) (token string, fromCookie bool, err error) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
			return "", false, errUnauthenticated
		}
		return strings.TrimSpace(token), false, nil
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return "", false, errUnauthenticated
	}
	return c.Value, true, nil
}

// setSessionCookie sends the session cookie for token, valid as long as the
// session can be (the server ends it sooner when idle). It is Secure when the
// request came over TLS or the portal's public origin is https (TLS ended by a
// proxy in front).
func (s *server) setSessionCookie(w http.ResponseWriter, r *http.Request, token string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil || s.secureCookies})
}

// clearSessionCookie tells the browser to forget the session cookie.
func (s *server) clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil || s.secureCookies})
}

// clientOf describes the request's client for throttling and the session list.
// The source is the connection's address: behind a reverse proxy, set it from the
// proxy's header in the proxy-facing middleware instead, or every client counts as
// one.
func clientOf(r *http.Request) identity.Client {
	ip := r.RemoteAddr
	if i := strings.LastIndexByte(ip, ':'); i >= 0 {
		ip = strings.Trim(ip[:i], "[]")
	}
	return identity.Client{IP: ip, UserAgent: r.UserAgent()}
}

// errCrossOrigin answers a cookie-authenticated (or sign-in) write a browser sent
// from another origin.
var errCrossOrigin = errors.New("cross-origin request refused: send it from the portal's own origin, or authenticate with an Authorization header")
