package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/seeda33a2f4f/resellerkit/members"
)

// The middleware, outermost first (routes):
//
//	logRequests     one access-log line per request, with the status the client got
//	gate.wrap       503 once shutdown has started (serve waits for admitted requests)
//	withTimeout     the request's deadline, so a stuck call answers 503 in time
//	recoverPanics   a panic is a logged 500, not a dropped connection
//	front           /v1: authenticate first; non-canonical paths 404; mux 404/405 as JSON
//	serveAPI        (each API route) the body is read first; then at most cap requests
//	                compute (limiter: max(1, cap/2) each principal's share), the rest
//	                queue in order; the answer, rendered in memory, is sent after

// principal returns the principal front stored for an authenticated /v1 request.
func principal(r *http.Request) members.Principal { return callerOf(r).p }

// publicRoutes are the /v1 endpoints served without a credential: signing in,
// passkey challenges, password reset and joining by invitation.
var publicRoutes = map[string]bool{
	"POST /v1/sessions":                 true,
	"POST /v1/sessions/passkey":         true,
	"POST /v1/passkey-challenges":       true,
	"POST /v1/password-resets":          true,
	"POST /v1/password-resets/complete": true,
	"POST /v1/signup/start":             true,
	"POST /v1/signup":                   true,
}

// authenticate resolves the request's credential (Authorization header or session
// cookie) to its caller. A missing, malformed or dead credential is
// errUnauthenticated. A cookie-authenticated write from another origin is
// errCrossOrigin.
func (s *server) authenticate(r *http.Request) (caller, error) {
	token, fromCookie, err := credential(r)
	if err != nil {
		return caller{}, err
	}
	if fromCookie {
		if err := s.cop.Check(r); err != nil {
			return caller{}, errCrossOrigin
		}
	}
	return s.auth.authenticate(r.Context(), token)
}

// isAPIPath reports whether p is under /v1.
func isAPIPath(p string) bool { return p == "/v1" || strings.HasPrefix(p, "/v1/") }

// front authenticates every request under /v1 before anything else looks at it, so
// an anonymous client gets 401 whatever the path, method or spelling, and cannot map
// the API from 404s, 405s or redirects; only publicRoutes (sign-in, reset, signup)
// are served without a credential, and, like cookie-authenticated writes, only
// from the portal's own origin when a browser sends them. It then answers 404 for a
// path that is not in canonical form (a double slash, a dot segment, a trailing
// slash): ServeMux would redirect those to the cleaned path, and an API answers
// JSON, not redirects that clients replay with another method. The rest goes to
// mux, whose own 404 and 405 answers are rendered in the API's JSON shape (Allow
// header kept). /healthz is public.
func (s *server) front(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		clean := path.Clean("/" + r.URL.Path)
		if isAPIPath(r.URL.Path) || isAPIPath(clean) {
			if publicRoutes[r.Method+" "+r.URL.Path] {
				if err := s.cop.Check(r); err != nil {
					s.writeError(w, r, errCrossOrigin)
					return
				}
			} else {
				c, err := s.authenticate(r)
				if err != nil {
					s.writeError(w, r, err)
					return
				}
				r = r.WithContext(context.WithValue(r.Context(), callerKey{}, c))
			}
		}
		if r.URL.Path != clean {
			s.writeError(w, r, errNoEndpoint)
			return
		}
		h, pattern := mux.Handler(r)
		if pattern != "" {
			// mux.Handler leaves Pattern and the path values unset: ServeHTTP sets them.
			mux.ServeHTTP(w, r)
			return
		}
		// No pattern: h is the mux's 404 or 405 handler. Run it on a recorder to
		// learn which, and answer the same in JSON.
		rec := &statusRecorder{header: http.Header{}}
		h.ServeHTTP(rec, r)
		if allow := rec.header.Get("Allow"); rec.status == http.StatusMethodNotAllowed && allow != "" {
			w.Header().Set("Allow", allow)
			s.writeError(w, r, &methodError{method: r.Method})
			return
		}
		s.writeError(w, r, errNoEndpoint)
	})
}

// statusRecorder captures the status and headers the mux's own 404/405 handler
// writes, and drops its plain-text body.
type statusRecorder struct {
	header http.Header
	status int
}

func (r *statusRecorder) Header() http.Header         { return r.header }
func (r *statusRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (r *statusRecorder) WriteHeader(status int)      { r.status = status }

// recoverPanics turns a handler panic into a logged 500. If the response had already
// started, a 500 can no longer be sent: the connection is aborted instead
// (http.ErrAbortHandler), so the client sees a broken response, never a complete
// looking one, and the access log says aborted.
func (s *server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler || exchangeOf(r).started() {
				panic(http.ErrAbortHandler)
			}
			s.writeError(w, r, fmt.Errorf("panic: %v", v))
		}()
		next.ServeHTTP(w, r)
	})
}

// withTimeout gives each request a deadline shorter than the server's WriteTimeout,
// so a call that runs too long ends in a 503 the client receives rather than a
// connection closed under a response the log would call a success.
func (s *server) withTimeout(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), s.requestTimeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// gate admits requests until it is closed. serve closes it after the server has
// stopped and waits for every admitted request, so the store is never closed under a
// running handler.
type gate struct{ mu sync.RWMutex }

// wrap serves next while the gate is open, and closed once it is.
func (g *gate) wrap(next, closed http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !g.mu.TryRLock() {
			closed.ServeHTTP(w, r)
			return
		}
		defer g.mu.RUnlock()
		next.ServeHTTP(w, r)
	})
}

// closeAndWait closes the gate and returns once every admitted request has returned.
func (g *gate) closeAndWait() { g.mu.Lock() }

// exchange is what the access log learns about one request while it is served.
type exchange struct {
	status   int          // the status sent (0: nothing yet)
	bytes    int64        // body bytes written
	writeErr error        // the first failed write: the client did not get it all
	body     reflect.Type // the type the request body was decoded into, if any
}

type exchangeKey struct{}

// exchangeOf returns the request's exchange (a throwaway one outside logRequests).
func exchangeOf(r *http.Request) *exchange {
	if ex, ok := r.Context().Value(exchangeKey{}).(*exchange); ok {
		return ex
	}
	return &exchange{}
}

// started reports whether the response status was sent.
func (ex *exchange) started() bool { return ex.status != 0 }

// noteUnanswered records that the request got no response at all (status is what
// the log shows: statusClientClosed).
func (ex *exchange) noteUnanswered(status int) {
	if ex.status == 0 {
		ex.status = status
	}
}

// maxLoggedPath bounds the characters of a path in a log line.
const maxLoggedPath = 256

// logRequests logs one line per request with the status the client got: the first
// status written (a handler that writes nothing gets net/http's 200), 499 when the
// client went away and nothing was sent, and aborted=true when the connection was
// cut mid-response (status 0 if nothing had been sent). A failed body write is
// logged too: that client did not get the whole answer.
func (s *server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ex := &exchange{}
		sw := &statusWriter{ResponseWriter: w, ex: ex}
		aborted := true
		defer func() {
			status := ex.status
			if status == 0 && !aborted {
				status = http.StatusOK
			}
			attrs := []slog.Attr{slog.String("method", r.Method), slog.String("path", clip(r.URL.Path, maxLoggedPath)),
				slog.Int("status", status), slog.Int64("bytes", ex.bytes), slog.Duration("duration", time.Since(start))}
			if aborted {
				attrs = append(attrs, slog.Bool("aborted", true))
			}
			if ex.writeErr != nil {
				attrs = append(attrs, slog.String("write_error", clip(ex.writeErr.Error(), maxLoggedError)))
			}
			s.log.LogAttrs(r.Context(), slog.LevelInfo, "http", attrs...)
		}()
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), exchangeKey{}, ex)))
		aborted = false
	})
}

// statusWriter records in its exchange what reaches the client.
type statusWriter struct {
	http.ResponseWriter
	ex *exchange
}

// WriteHeader records the first status: net/http ignores later ones.
func (w *statusWriter) WriteHeader(status int) {
	if w.ex.status == 0 {
		w.ex.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.ex.status == 0 {
		w.ex.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.ex.bytes += int64(n)
	if err != nil && w.ex.writeErr == nil {
		w.ex.writeErr = err
	}
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// errShuttingDown answers requests that arrive after the gate closed.
var errShuttingDown = errors.New("the server is shutting down; retry on a new connection")
