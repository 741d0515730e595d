package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

// TestErrors_AlreadyExistsShowsNoInternals: a duplicate organization code (M-1) is a
// 409 already_exists whose body names no table, constraint, driver or server-made id.
func TestErrors_AlreadyExistsShowsNoInternals(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		req, err := http.NewRequest("POST", f.srv.URL+"/v1/orgs", strings.NewReader(`{"code":"demo","name":"Again"}`))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+f.token(demoPower))
		req.Header.Set("Content-Type", "application/json")
		resp, err := f.srv.Client().Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.Equal(t, http.StatusConflict, resp.StatusCode, "%s", raw)
		for _, leak := range []string{"constraint", "sqldb", "UNIQUE", "unique", "sqlite", "duplicate key", "organizations", "members:"} {
			assert.NotContains(t, string(raw), leak)
		}
		assert.Contains(t, string(raw), msgAlreadyExists)
	})
}

// TestErrors_ContextAndLimits: a client that went away gets nothing (and no 500), a
// deadline is 503, a transaction given up because the context ended is not a
// conflict, an oversized body is 413.
func TestErrors_ContextAndLimits(t *testing.T) {
	gaveUp := errors.Join(fmt.Errorf("%w: concurrent", members.ErrConflict), sqldb.ErrSerialization, context.Canceled)
	for _, tc := range []struct {
		name   string
		err    error
		status int
		code   string
	}{
		{"canceled", fmt.Errorf("list: %w", context.Canceled), statusClientClosed, "canceled"},
		{"canceled retry is not a conflict", gaveUp, statusClientClosed, "canceled"},
		{"deadline", fmt.Errorf("list: %w", context.DeadlineExceeded), http.StatusServiceUnavailable, "unavailable"},
		{"too large", &tooLargeError{limit: maxBody}, http.StatusRequestEntityTooLarge, "payload_too_large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := errorResponse(tc.err)
			assert.Equal(t, tc.status, status)
			assert.Equal(t, tc.code, body.Error.Code)
		})
	}

	var logs bytes.Buffer
	s := newServer(nil, nil, nil, staticAuth{}, slog.New(slog.NewTextHandler(&logs, nil)))
	rec := httptest.NewRecorder()
	s.writeError(rec, httptest.NewRequest("GET", "/v1/orgs", nil), gaveUp)
	assert.Zero(t, rec.Body.Len(), "nothing is written to a client that went away")
	assert.Empty(t, rec.Header().Get("Content-Type"))
	assert.Contains(t, logs.String(), "level=INFO")
	assert.NotContains(t, logs.String(), "level=ERROR")

	eachBackend(t, func(t *testing.T, f *fixture) {
		big := `{"name":"` + strings.Repeat("x", 2<<20) + `"}`
		var e errorJSON
		assert.Equal(t, http.StatusRequestEntityTooLarge, f.do("PATCH", "/v1/orgs/"+f.orgID, f.token(demoPower), big, &e))
		assert.Equal(t, "payload_too_large", e.Error.Code)
	})
}

// TestAuth_BeforeNotFoundAndMethod: under /v1/ an anonymous client gets 401 for
// unknown paths and wrong methods alike; /healthz stays public.
func TestAuth_BeforeNotFoundAndMethod(t *testing.T) {
	f := newFixture(t, "memory")
	for _, tc := range []struct {
		method, path, token string
		status              int
	}{
		{"DELETE", "/v1/orgs", "", http.StatusUnauthorized},
		{"GET", "/v1/no-such-thing", "", http.StatusUnauthorized},
		{"GET", "/v1", "", http.StatusUnauthorized},
		{"DELETE", "/v1/orgs", f.token(demoPower), http.StatusMethodNotAllowed},
		{"GET", "/v1/no-such-thing", f.token(demoPower), http.StatusNotFound},
		{"GET", "/no-such-thing", "", http.StatusNotFound},
		{"GET", "/healthz", "", http.StatusOK},
	} {
		t.Run(tc.method+" "+tc.path+" token="+fmt.Sprint(tc.token != ""), func(t *testing.T) {
			assert.Equal(t, tc.status, f.do(tc.method, tc.path, tc.token, nil, nil))
		})
	}
}

// TestDecodeOptionalJSON_EmptyChunkedBody: an optional body sent with unknown length
// and no content is absent, not malformed; a truncated document is still 400.
func TestDecodeOptionalJSON_EmptyChunkedBody(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		wantErr    bool
	}{
		{"empty", "", false},
		{"whitespace", " \n", false},
		{"object", `{"reason":"no"}`, false},
		{"truncated", `{"reason":`, true},
		{"not an object", `[]`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/x", io.NopCloser(strings.NewReader(tc.body)))
			r.ContentLength = -1 // chunked
			r.Header.Set("Content-Type", "application/json")
			var dst struct {
				Reason string `json:"reason"`
			}
			err := decodeOptionalJSON(httptest.NewRecorder(), r, &dst)
			if tc.wantErr {
				var bad *badRequestError
				require.ErrorAs(t, err, &bad)
				return
			}
			require.NoError(t, err)
		})
	}
}

// TestServe_ShutdownTimeoutClosesAndWaits: when in-flight requests outlast the drain,
// serve closes the connections (cancelling the requests) and returns only after
// every handler has returned, so the store is never closed under a running one.
func TestServe_ShutdownTimeoutClosesAndWaits(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	started := make(chan struct{})
	var finished atomic.Bool
	g := &gate{}
	srv := &http.Server{Handler: g.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-r.Context().Done()
		time.Sleep(50 * time.Millisecond) // e.g. rolling back a transaction
		finished.Store(true)
	}), http.NotFoundHandler())}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, srv, ln, 100*time.Millisecond, io.Discard, g.closeAndWait) }()

	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/slow")
		if err == nil {
			resp.Body.Close()
		}
	}()
	select {
	case <-started:
	case <-time.After(5 * time.Second):
		t.Fatal("request never reached the handler")
	}
	cancel()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, context.DeadlineExceeded, "the drain timed out")
		assert.True(t, finished.Load(), "serve returned while a handler was still running")
	case <-time.After(5 * time.Second):
		t.Fatal("serve did not return after the shutdown timeout")
	}
}

func TestLoneSurrogate(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		lone bool
	}{
		{`"plain"`, false},
		{`"\ud83d\ude00"`, false},               // a pair
		{`"\\ud800"`, false},                    // an escaped backslash, then text
		{`"\\\ud800"`, true},                    // an escaped backslash, then a lone escape
		{`"\ud800"`, true},                      // high alone
		{`"\udfff"`, true},                      // low alone
		{`"\ud800\u0041"`, true},                // high, then not a low
		{`"\ud800\n"`, true},                    // high, then another escape
		{`"\ud800`, true},                       // high at the end of the input
		{`: "\u00e9", "\"\ud800"`, true},        // after an escaped quote
		{`"\u0041" "\ud800" outside "x"`, true}, // several strings
		{`\ud800 "x"`, false},                   // outside a string: not text
		{`"\ud83d\ude00\ud83d\ude00"`, false},   // two pairs
		{`"\uD83D\uDE00"`, false},               // upper-case hex
		{`"\uzzzz"`, false},                     // malformed: the decoder reports it
	} {
		assert.Equal(t, tc.lone, loneSurrogate([]byte(tc.raw)), tc.raw)
	}
}

// FuzzCheckShape: whatever the body, checkShape does not panic, and a body it
// accepts decodes with encoding/json and is valid UTF-8 with no lone surrogate.
func FuzzCheckShape(f *testing.F) {
	for _, s := range []string{`{}`, `null`, `{"name":"a","invoice_to":["x@y.z"],"billing":{"pricing_plan":"p"},"version":3}`,
		`{"name":"\ud800"}`, `{"name":"a","name":"b"}`, `{"billing":null}`, `[1,2]`, `{"version":1e3}`, "{\"plan\":\"\xff\"}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		typ := reflect.TypeOf(projectInput{})
		if checkShape(body, typ) != nil {
			return
		}
		var in projectInput
		require.NoError(t, json.Unmarshal(body, &in), "%q", body)
		assert.True(t, utf8.Valid(body), "%q", body)
		assert.False(t, loneSurrogate(body), "%q", body)
	})
}
