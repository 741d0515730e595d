package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
)

type principalKey struct{}

// authenticate resolves the bearer token to the acting principal and stores it in the
// request context. A missing, malformed or unknown token is a 401 JSON error; the
// handler is not called.
func (s *server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
			s.writeError(w, r, errUnauthenticated)
			return
		}
		p, ok := s.principalFor(strings.TrimSpace(token))
		if !ok {
			s.writeError(w, r, errUnauthenticated)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)))
	})
}

// statusRecorder captures the status the mux's own 404/405 handlers write, so the
// response can be re-rendered as JSON.
type statusRecorder struct {
	header http.Header
	status int
}

func (r *statusRecorder) Header() http.Header         { return r.header }
func (r *statusRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (r *statusRecorder) WriteHeader(status int)      { r.status = status }

// jsonMuxErrors serves mux, turning its plain-text "404 page not found" and "405
// method not allowed" into the API's JSON error shape (keeping the Allow header).
// Under /v1/ the bearer token is checked first, so an anonymous client gets 401
// for every path and method and cannot map the API from 404s and 405s; /healthz
// stays public.
func (s *server) jsonMuxErrors(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		if r.URL.Path == "/v1" || strings.HasPrefix(r.URL.Path, "/v1/") {
			s.authenticate(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				s.muxError(w, r, h)
			})).ServeHTTP(w, r)
			return
		}
		s.muxError(w, r, h)
	})
}

// muxError runs the mux's own 404/405/redirect handler h and renders its answer in
// the API's JSON shape.
func (s *server) muxError(w http.ResponseWriter, r *http.Request, h http.Handler) {
	rec := &statusRecorder{header: http.Header{}, status: http.StatusOK}
	h.ServeHTTP(rec, r)
	if allow := rec.header.Get("Allow"); allow != "" {
		w.Header().Set("Allow", allow)
	}
	if loc := rec.header.Get("Location"); loc != "" && rec.status/100 == 3 {
		// the mux redirects to the cleaned path
		http.Redirect(w, r, loc, rec.status)
		return
	}
	code, msg := "not_found", "no such endpoint"
	if rec.status == http.StatusMethodNotAllowed {
		code, msg = "method_not_allowed", fmt.Sprintf("method %s not allowed here", r.Method)
	} else {
		rec.status = http.StatusNotFound
	}
	writeJSON(w, rec.status, errorBody{errorDetail{Code: code, Message: msg}})
}

// recoverPanics turns a handler panic into a logged 500 instead of a dropped
// connection.
func (s *server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.writeError(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// logRequests logs one line per request.
func (s *server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		s.log.InfoContext(r.Context(), "http", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", sw.status))
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
