package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
)

// The admission tests (issue: one tenant could stall every other through admit) run
// the portal's handler in memory inside a synctest bubble: a request that waits for
// a slot until its deadline gets its 503 as soon as every goroutine is blocked, so
// no test waits on the clock or depends on timing. Clients that send or read slowly
// are readers and writers that block on channels.

// Three tenants: each is one principal (one token), not an operator.
var (
	tenantA = members.Principal{IdentityID: "tenant-a", Email: "a@tenant-a.example.com", MFA: true}
	tenantB = members.Principal{IdentityID: "tenant-b", Email: "b@tenant-b.example.com", MFA: true}
	tenantC = members.Principal{IdentityID: "tenant-c", Email: "c@tenant-c.example.com", MFA: true}
)

// heldStore is a members.Store that answers GET /v1/orgs of a non-operator
// (ListMembershipsOfIdentity) with no memberships, and holds the calls of one
// identity until released: a request that computes for as long as the test wants.
// Any other store call panics (the embedded Store is nil): these tests make none.
type heldStore struct {
	members.Store
	held    string        // the identity whose calls wait for release
	release chan struct{} // closed by free to let them return
	once    sync.Once
	mu      sync.Mutex
	inside  int // held calls running now
	most    int // the most held calls that ran at once
}

func (st *heldStore) ListMembershipsOfIdentity(ctx context.Context, identityID string, _ resellerkit.Page) ([]members.Membership, string, error) {
	if identityID != st.held {
		return nil, "", nil
	}
	st.mu.Lock()
	st.inside++
	st.most = max(st.most, st.inside)
	st.mu.Unlock()
	defer func() {
		st.mu.Lock()
		st.inside--
		st.mu.Unlock()
	}()
	select {
	case <-st.release:
		return nil, "", nil
	case <-ctx.Done():
		return nil, "", ctx.Err()
	}
}

// admissionEnv is a portal with inflight slots over a heldStore, served in memory.
type admissionEnv struct {
	t     *testing.T
	s     *server
	h     http.Handler
	store *heldStore
	logs  *syncBuffer
}

// newAdmissionEnv must be called inside the bubble: the channels it makes must
// belong to it.
func newAdmissionEnv(t *testing.T, inflight int) *admissionEnv {
	store := &heldStore{release: make(chan struct{})}
	t.Cleanup(store.free) // a failed test must not leave requests held
	principals := staticAuth{}
	for _, p := range []members.Principal{tenantA, tenantB, tenantC} {
		principals[p.IdentityID] = p
	}
	logs := &syncBuffer{}
	s := newServer(members.NewService(store), nil, nil, principals, slog.New(slog.NewTextHandler(logs, nil)))
	s.limit = newLimiter(inflight)
	return &admissionEnv{t: t, s: s, h: s.routes(), store: store, logs: logs}
}

// hold makes who's GET /v1/orgs wait in the store until store.free.
func (e *admissionEnv) hold(who members.Principal) { e.store.held = who.IdentityID }

// free lets the held calls return.
func (st *heldStore) free() { st.once.Do(func() { close(st.release) }) }

// request is an in-memory request of who; a non-nil body is sent as JSON.
func (e *admissionEnv) request(method, path string, who members.Principal, body io.Reader) *http.Request {
	r := httptest.NewRequest(method, path, body)
	r.Header.Set("Authorization", "Bearer "+staticToken(who.IdentityID))
	if body != nil {
		r.ContentLength = -1 // sent as it comes, like a chunked body
		r.Header.Set("Content-Type", "application/json")
	}
	return r
}

// listOrgs serves GET /v1/orgs for who and returns the recorded answer.
func (e *admissionEnv) listOrgs(who members.Principal) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, e.request("GET", "/v1/orgs", who, nil))
	return rec
}

// accessLog returns the access-log lines (msg=http) of method and path.
func (e *admissionEnv) accessLog(method, path string) []string {
	var out []string
	for line := range strings.Lines(e.logs.String()) {
		if strings.Contains(line, " msg=http ") && strings.Contains(line, " method="+method+" ") && strings.Contains(line, " path="+path+" ") {
			out = append(out, strings.TrimSpace(line))
		}
	}
	return out
}

// dripBody is a request body the client sends one byte at a time: each Read
// returns one byte once the test sends it, and blocks until then.
type dripBody struct {
	bytes chan byte
	once  sync.Once
}

func newDripBody(t *testing.T) *dripBody {
	b := &dripBody{bytes: make(chan byte)}
	t.Cleanup(b.end) // a failed test must not leave the server reading
	return b
}

func (b *dripBody) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	c, ok := <-b.bytes
	if !ok {
		return 0, io.EOF
	}
	p[0] = c
	return 1, nil
}

// send hands s to the server byte by byte: it returns once the server has read
// the last one.
func (b *dripBody) send(s string) {
	for i := range len(s) {
		b.bytes <- s[i]
	}
}

// end ends the body.
func (b *dripBody) end() { b.once.Do(func() { close(b.bytes) }) }

// stuckWriter is a client that does not read its answer: Write blocks until
// unblock, as a write to a socket whose peer reads nothing does once the buffers
// are full. It records what it gets.
type stuckWriter struct {
	header  http.Header
	status  int
	body    strings.Builder
	release chan struct{}
	once    sync.Once
}

func newStuckWriter(t *testing.T) *stuckWriter {
	w := &stuckWriter{header: http.Header{}, release: make(chan struct{})}
	t.Cleanup(w.unblock)
	return w
}

func (w *stuckWriter) Header() http.Header { return w.header }

func (w *stuckWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *stuckWriter) Write(p []byte) (int, error) {
	<-w.release
	w.WriteHeader(http.StatusOK)
	return w.body.Write(p)
}

func (w *stuckWriter) unblock() { w.once.Do(func() { close(w.release) }) }

// TestAdmission_ASlowRequestBodyDoesNotDelayAnotherTenant: the reviewer's finding.
// Two tenants each send a POST body one byte at a time and stop after the first; on
// two slots, a third tenant's GET used to wait for a slot until its deadline (503):
// the body was read while holding one. It is read before taking a slot now, and the
// slow bodies, once complete, are decoded as usual.
func TestAdmission_ASlowRequestBodyDoesNotDelayAnotherTenant(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newAdmissionEnv(t, 2)
		var wg sync.WaitGroup
		var slow []*httptest.ResponseRecorder
		var bodies []*dripBody
		for _, who := range []members.Principal{tenantA, tenantC} {
			body := newDripBody(t)
			req := e.request("POST", "/v1/orgs", who, body)
			rec := httptest.NewRecorder()
			wg.Go(func() { e.h.ServeHTTP(rec, req) })
			body.send(`{`)
			slow, bodies = append(slow, rec), append(bodies, body)
		}
		synctest.Wait() // both handlers wait for their body's next byte

		rec := e.listOrgs(tenantB)
		require.Equal(t, http.StatusOK, rec.Code, "another tenant is served while the bodies trickle in: %s", rec.Body)
		assert.JSONEq(t, `{"items":[]}`, rec.Body.String())

		for _, body := range bodies {
			body.send(`"code":"slow","nope":1}`)
			body.end()
		}
		wg.Wait()
		for _, rec := range slow {
			var e errorJSON
			require.Equal(t, http.StatusBadRequest, rec.Code, "%s", rec.Body)
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &e))
			assert.Equal(t, "bad_request", e.Error.Code)
			assert.Equal(t, "nope", e.Error.Field, "the whole body was read, byte by byte")
		}
	})
}

// TestAdmission_AClientThatDoesNotReadItsAnswerHoldsNoSlot: two tenants' clients
// read nothing of their answers; on two slots, a third tenant's GET used to wait
// for a slot until its deadline (503): the answer was written to the socket while
// holding one. It is rendered in memory inside the slot and sent after it is
// released now. The stuck clients get their whole answer once they read, and the
// access log shows the status they got.
func TestAdmission_AClientThatDoesNotReadItsAnswerHoldsNoSlot(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newAdmissionEnv(t, 2)
		var wg sync.WaitGroup
		var stuck []*stuckWriter
		for _, who := range []members.Principal{tenantA, tenantC} {
			w := newStuckWriter(t)
			req := e.request("GET", "/v1/orgs", who, nil)
			wg.Go(func() { e.h.ServeHTTP(w, req) })
			stuck = append(stuck, w)
		}
		synctest.Wait() // both handlers are blocked writing their answers

		rec := e.listOrgs(tenantB)
		require.Equal(t, http.StatusOK, rec.Code, "another tenant is served while the answers wait: %s", rec.Body)

		for _, w := range stuck {
			w.unblock()
		}
		wg.Wait()
		for _, w := range stuck {
			assert.Equal(t, http.StatusOK, w.status)
			assert.Equal(t, "application/json; charset=utf-8", w.header.Get("Content-Type"))
			assert.JSONEq(t, `{"items":[]}`, w.body.String())
		}
		logged := e.accessLog("GET", "/v1/orgs")
		require.Len(t, logged, 3)
		for _, line := range logged {
			assert.Contains(t, line, " status=200 ")
			assert.Contains(t, line, " bytes=13 ")
		}
	})
}

// TestAdmission_OnePrincipalWithManySlowRequestsCannotStarveAnother: one tenant
// sends six requests that compute for as long as the test wants (its store calls
// wait). Alone, it uses both slots; it used to keep them, and another tenant's GET
// waited for a slot until its deadline (503). The other tenant's request is within
// its share, so it never waits for the slots the first one borrowed: it is served
// while the six still compute. All six are served once they may finish.
func TestAdmission_OnePrincipalWithManySlowRequestsCannotStarveAnother(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newAdmissionEnv(t, 2)
		e.hold(tenantA)
		var wg sync.WaitGroup
		recs := make([]*httptest.ResponseRecorder, 6)
		for i := range recs {
			recs[i] = httptest.NewRecorder()
			req := e.request("GET", "/v1/orgs", tenantA, nil)
			wg.Go(func() { e.h.ServeHTTP(recs[i], req) })
		}
		synctest.Wait() // tenant A's requests compute or wait
		assert.Equal(t, 2, e.store.most, "alone, tenant A uses every slot")

		rec := e.listOrgs(tenantB)
		require.Equal(t, http.StatusOK, rec.Code, "another tenant is served while A's requests compute: %s", rec.Body)

		e.store.free()
		wg.Wait()
		for i, rec := range recs {
			assert.Equal(t, http.StatusOK, rec.Code, "request %d of tenant A: %s", i, rec.Body)
		}
		assert.Equal(t, 2, e.store.most, "never more than the slots")
	})
}

// attempt is a request asking the limiter for a slot in its own goroutine.
type attempt struct {
	ch  chan *ticket
	tk  *ticket
	err error
}

func tryAcquire(ctx context.Context, l *limiter, principal string) *attempt {
	a := &attempt{ch: make(chan *ticket, 1)}
	go func() {
		tk, err := l.acquire(ctx, principal)
		a.err = err
		a.ch <- tk
	}()
	return a
}

// admitted reports whether the attempt got its slot; call it after synctest.Wait.
func (a *attempt) admitted() bool {
	if a.tk == nil {
		select {
		case a.tk = <-a.ch:
		default:
		}
	}
	return a.tk != nil
}

// admittedOnes returns which of as got their slot; call it after synctest.Wait.
func admittedOnes(as ...*attempt) []bool {
	out := make([]bool, len(as))
	for i, a := range as {
		out[i] = a.admitted()
	}
	return out
}

// TestLimiter_APrincipalAloneUsesEverySlotInArrivalOrder: alone, a principal's
// requests take every slot (the share is no hard cap: a lone tenant keeps the whole
// server), and the rest are admitted in the order they came.
func TestLimiter_APrincipalAloneUsesEverySlotInArrivalOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := newLimiter(2)
		ctx := context.Background()
		var as []*attempt
		for range 5 {
			as = append(as, tryAcquire(ctx, l, "a"))
			synctest.Wait() // so that they arrive in this order
		}
		assert.Equal(t, []bool{true, true, false, false, false}, admittedOnes(as...))
		l.release(as[1].tk)
		synctest.Wait()
		assert.Equal(t, []bool{true, true, true, false, false}, admittedOnes(as...))
		l.release(as[0].tk)
		synctest.Wait()
		assert.Equal(t, []bool{true, true, true, true, false}, admittedOnes(as...))
		for _, a := range as[2:4] {
			l.release(a.tk)
		}
		synctest.Wait()
		require.True(t, as[4].admitted())
		l.release(as[4].tk)
		assert.Empty(t, l.principals, "nothing is left of a principal with no request")
		assert.Zero(t, l.running)
	})
}

// TestLimiter_AnotherPrincipalNeverWaitsForBorrowedSlots: a principal that uses
// every slot has borrowed beyond its share (1 of 2); another principal's request
// computes at once, and the borrower gets no slot back until fewer than cap
// requests compute.
func TestLimiter_AnotherPrincipalNeverWaitsForBorrowedSlots(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := newLimiter(2)
		ctx := context.Background()
		a1 := tryAcquire(ctx, l, "a") // a's own
		synctest.Wait()
		a2 := tryAcquire(ctx, l, "a") // borrowed
		synctest.Wait()
		a3 := tryAcquire(ctx, l, "a")
		synctest.Wait()
		require.Equal(t, []bool{true, true, false}, admittedOnes(a1, a2, a3))

		b := tryAcquire(ctx, l, "b")
		synctest.Wait()
		require.True(t, b.admitted(), "b computes at once, above cap")
		assert.Equal(t, 3, l.running)

		l.release(a2.tk)
		synctest.Wait()
		assert.False(t, a3.admitted(), "a borrows no more while cap requests compute")
		l.release(b.tk)
		synctest.Wait()
		assert.True(t, a3.admitted())

		// When a's own request ends instead, its next request takes its share at once.
		a4 := tryAcquire(ctx, l, "a")
		synctest.Wait()
		b2 := tryAcquire(ctx, l, "b")
		synctest.Wait()
		require.Equal(t, []bool{false, true}, admittedOnes(a4, b2))
		l.release(a1.tk)
		synctest.Wait()
		assert.True(t, a4.admitted())
		for _, a := range []*attempt{a3, a4, b2} {
			l.release(a.tk)
		}
		assert.Empty(t, l.principals)
	})
}

// TestLimiter_APrincipalBeyondItsShareStillGetsItsTurn: when a principal's own
// request ends, its first waiting request becomes its own and queues with the other
// principals' own requests in turn: principals that each send one request at a time
// cannot keep a busy one out.
func TestLimiter_APrincipalBeyondItsShareStillGetsItsTurn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := newLimiter(2)
		ctx := context.Background()
		a1 := tryAcquire(ctx, l, "a")
		synctest.Wait()
		b1 := tryAcquire(ctx, l, "b")
		synctest.Wait()
		a2 := tryAcquire(ctx, l, "a") // borrows: waits, as cap requests compute
		synctest.Wait()
		c1 := tryAcquire(ctx, l, "c") // own: waits, as cap own requests compute
		synctest.Wait()
		require.Equal(t, []bool{true, true, false, false}, admittedOnes(a1, b1, a2, c1))

		l.release(a1.tk) // a2 becomes a's own, behind c1
		synctest.Wait()
		assert.Equal(t, []bool{false, true}, admittedOnes(a2, c1))
		l.release(b1.tk)
		b2 := tryAcquire(ctx, l, "b") // b at once again: behind a2
		synctest.Wait()
		assert.Equal(t, []bool{true, false}, admittedOnes(a2, b2))
		l.release(c1.tk)
		synctest.Wait()
		assert.True(t, b2.admitted())
		l.release(a2.tk)
		l.release(b2.tk)
		assert.Empty(t, l.principals)
		assert.Zero(t, l.running)
	})
}

// TestLimiter_ARequestWhoseContextEndsLeavesTheQueue: a waiting request whose context
// ends returns its error and keeps no place; an own one hands its place to its
// principal's next request; a request whose context has already ended is not
// admitted even with slots free.
func TestLimiter_ARequestWhoseContextEndsLeavesTheQueue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := newLimiter(2)
		bg := context.Background()
		a1, b1 := tryAcquire(bg, l, "a"), tryAcquire(bg, l, "b")
		synctest.Wait()
		ctxC, cancelC := context.WithCancel(bg)
		c1 := tryAcquire(ctxC, l, "c") // own, waiting
		synctest.Wait()
		ctxA, cancelA := context.WithCancel(bg)
		a2 := tryAcquire(ctxA, l, "a") // borrowing, waiting
		synctest.Wait()
		a3 := tryAcquire(bg, l, "a")
		synctest.Wait()
		require.Equal(t, []bool{true, true, false, false, false}, admittedOnes(a1, b1, c1, a2, a3))

		cancelC()
		cancelA()
		synctest.Wait()
		for _, a := range []*attempt{c1, a2} {
			require.Nil(t, <-a.ch)
			assert.ErrorIs(t, a.err, context.Canceled)
		}
		l.release(a1.tk) // a3 becomes a's own; a2 is gone
		synctest.Wait()
		assert.True(t, a3.admitted())

		ended, cancel := context.WithCancel(bg)
		cancel()
		_, err := l.acquire(ended, "d")
		require.ErrorIs(t, err, context.Canceled)
		l.release(b1.tk)
		l.release(a3.tk)
		assert.Empty(t, l.principals)
		assert.Zero(t, l.running)
		assert.Zero(t, l.ownRunning)
	})
}

// TestAdmission_ABodyNotInByTheDeadlineIs503: the body is read under the request's
// deadline, on the connection: a client that has sent part of its body when the
// request runs out of time gets a 503 (logged 503), from the body read, before the
// request asks for a slot; it used to wait for the rest of the body in the handler
// for as long as the client liked. (The deadline is 1 ns, past before the body is
// read: the test does not depend on timing.)
func TestAdmission_ABodyNotInByTheDeadlineIs503(t *testing.T) {
	f := newFixture(t, "memory")
	f.useStaticAuth()
	f.s.limit = newLimiter(1)
	f.s.requestTimeout = 1 // ns
	pr, pw := io.Pipe()
	defer pw.Close()
	go func() { _, _ = pw.Write([]byte(`{"code":`)) }() // and nothing more
	req := f.request("POST", "/v1/orgs", f.token(demoPower), nil)
	req.Body = pr
	req.Header.Set("Content-Type", "application/json")
	var e errorJSON
	require.Equal(t, http.StatusServiceUnavailable, f.send(req, &e))
	assert.Equal(t, "unavailable", e.Error.Code)
	assert.Contains(t, f.accessLog("POST", "/v1/orgs")[0], " status=503 ")
	assert.Contains(t, f.logs.String(), "read request body: context deadline exceeded")
}

// TestLimiter_EveryRequestIsServedAndNothingIsLeft: many principals, one sending
// far more than the others, some requests giving up before they ask and some
// (perhaps) while they wait: every other request is admitted, no more than 2*slots
// compute at once and no more than slots own requests, no principal has more than
// its share of own requests, and nothing is left in the limiter afterwards.
func TestLimiter_EveryRequestIsServedAndNothingIsLeft(t *testing.T) {
	const n = 400
	for _, slots := range []int{1, 2, 3, 8} {
		l := newLimiter(slots)
		ctxs := make([]context.Context, n)
		cancels := make([]context.CancelFunc, n)
		for i := range n {
			ctxs[i], cancels[i] = context.WithCancel(context.Background())
			if i%10 == 0 {
				cancels[i]() // gives up before asking
			}
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		served, gaveUp := 0, 0
		for i := range n {
			principal := fmt.Sprint("p", i%7)
			if i%3 == 0 {
				principal = "busy"
			}
			wg.Go(func() {
				defer cancels[i]()
				err := l.admit(ctxs[i], principal, func() {
					l.mu.Lock()
					assert.LessOrEqual(t, l.running, 2*slots)
					assert.LessOrEqual(t, l.ownRunning, slots)
					for _, tn := range l.principals {
						assert.LessOrEqual(t, tn.own, l.share)
					}
					l.mu.Unlock()
					if i%10 == 5 && i+1 < n {
						cancels[i+1]() // waiting, admitted, or not yet asking: any of them
					}
				})
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					assert.ErrorIs(t, err, context.Canceled)
					gaveUp++
					return
				}
				served++
			})
		}
		wg.Wait()
		assert.Equal(t, n, served+gaveUp)
		assert.GreaterOrEqual(t, served, n-2*n/10, "only the requests that gave up are refused")
		assert.Empty(t, l.principals, "slots %d", slots)
		assert.Zero(t, l.running)
		assert.Zero(t, l.ownRunning)
	}
}
