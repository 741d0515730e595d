package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"time"
)

// Admission: at most -max-inflight API requests compute at once in the steady state
// (see limiter), and a slot is held only while the server computes: the request
// body is read before taking one (readBodyFirst) and the answer is rendered in
// memory inside it and sent to the client after it is released (bufferedResponse),
// so a client that sends or reads slowly ties up its own goroutine and nothing else.

// limiter decides when an API request may compute: at most slots requests at once,
// in arrival order, without letting one principal keep the others waiting.
//
//   - A principal's requests up to share = max(1, slots/2) at a time are its own;
//     beyond that they borrow. Own requests are admitted while fewer than slots own
//     requests compute, whatever the borrowing; borrowing requests only while
//     fewer than slots requests compute in all and no own request waits.
//   - So a principal alone uses every slot, as before, but another principal's
//     request never waits for slots the first one borrowed: it computes at once,
//     even if that briefly makes more than slots requests (at most 2*slots), and
//     no one borrows again until fewer than slots compute. However many
//     connections a principal opens, beyond its share its requests queue behind
//     its own.
//   - When a principal's own request ends and it has requests waiting to borrow,
//     the first of them becomes its own and queues with the other principals' own
//     requests, in turn: a busy principal is not starved by light ones either.
//
// A hard cap of share per principal would protect the others as well, but leaves a
// principal alone with half the server: on 2 CPUs it cut the throughput of one
// principal's 20 clients (BenchmarkAccountsFirstPage) from about 1,800 to 1,100
// requests/s.
type limiter struct {
	slots int // requests computing at once, in the steady state
	share int // own requests a principal may have: max(1, slots/2)

	mu         sync.Mutex
	running    int                // requests computing now
	ownRunning int                // those that are their principal's own
	ownQ       waitQueue          // own requests waiting, in arrival order
	borrowQ    waitQueue          // borrowing requests waiting, in arrival order
	principals map[string]*tenant // principals with requests computing or waiting
}

// tenant is one principal's state in the limiter (under limiter.mu).
type tenant struct {
	id       string
	users    int       // its requests computing or waiting
	own      int       // its own requests computing or waiting (at most share)
	borrowed waitQueue // its borrowing requests waiting, in arrival order
}

// ticket is one request's place in the limiter (under limiter.mu but for ready).
type ticket struct {
	t     *tenant
	own   bool          // within the principal's share (set once, when it becomes so)
	state ticketState   // waiting until admitted or abandoned
	ready chan struct{} // closed when admitted, for a request that waits
}

type ticketState int8

const (
	waiting ticketState = iota
	admitted
	abandoned // its context ended while it waited
)

// newLimiter returns a limiter of n slots.
func newLimiter(n int) *limiter {
	return &limiter{slots: n, share: max(1, n/2), principals: map[string]*tenant{}}
}

// admit runs fn once the limiter admits the request of principal (see limiter).
// Until then the request waits its turn, or until ctx ends, which it returns. A
// request whose context has already ended is not admitted.
//
// With more concurrent requests than CPUs, Go's scheduler would share the CPUs among
// all of them: each would take as long as the slowest, and the tail latency grows
// while throughput does not. Taking requests in order keeps latency even: for the
// first page of 5,000 accounts at 20 clients on 2 CPUs (SQLite, wrk), p99 went from
// 55 ms to 18 ms at the same 1,550 requests/s.
func (l *limiter) admit(ctx context.Context, principal string, fn func()) error {
	tk, err := l.acquire(ctx, principal)
	if err != nil {
		return err
	}
	defer l.release(tk)
	fn()
	return nil
}

// acquire returns once the request of principal is admitted (release it after), or
// ctx's error once ctx ends.
func (l *limiter) acquire(ctx context.Context, principal string) (*ticket, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	l.mu.Lock()
	t := l.principals[principal]
	if t == nil {
		t = &tenant{id: principal}
		l.principals[principal] = t
	}
	t.users++
	tk := &ticket{t: t}
	if t.own < l.share {
		tk.own = true
		t.own++
	}
	if tk.own && l.ownQ.empty(true) && l.ownRunning < l.slots || !tk.own && l.borrowQ.empty(false) && l.running < l.slots {
		l.start(tk)
		l.mu.Unlock()
		return tk, nil
	}
	tk.ready = make(chan struct{})
	if tk.own {
		l.ownQ.push(tk)
	} else {
		l.borrowQ.push(tk)
		t.borrowed.push(tk)
	}
	l.mu.Unlock()

	select {
	case <-tk.ready:
		return tk, nil
	case <-ctx.Done():
	}
	l.mu.Lock()
	if tk.state == admitted { // admitted meanwhile: give the slot back
		l.mu.Unlock()
		l.release(tk)
		return nil, ctx.Err()
	}
	tk.state = abandoned
	l.leave(tk)
	l.mu.Unlock()
	return nil, ctx.Err()
}

// release ends an admitted request.
func (l *limiter) release(tk *ticket) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.running--
	if tk.own {
		l.ownRunning--
	}
	l.leave(tk)
}

// start admits tk.
func (l *limiter) start(tk *ticket) {
	tk.state = admitted
	l.running++
	if tk.own {
		l.ownRunning++
	}
	if tk.ready != nil {
		close(tk.ready)
	}
}

// leave removes tk, admitted or abandoned, from its principal; an own request hands
// its place to the principal's first borrowing request waiting. Then it admits
// whoever may now compute.
func (l *limiter) leave(tk *ticket) {
	t := tk.t
	if tk.own {
		t.own--
		if next := t.borrowed.pop(false); next != nil {
			next.own = true
			t.own++
			l.ownQ.push(next)
		}
	}
	if t.users--; t.users == 0 {
		delete(l.principals, t.id)
	}
	for l.ownRunning < l.slots {
		next := l.ownQ.pop(true)
		if next == nil {
			break
		}
		l.start(next)
	}
	for l.running < l.slots {
		next := l.borrowQ.pop(false)
		if next == nil {
			break
		}
		l.start(next)
	}
}

// waitQueue is a FIFO of tickets. A ticket that was admitted, abandoned or became
// its principal's own while in a queue of borrowing requests stays in it until it
// reaches the front, where it is dropped.
type waitQueue struct {
	items []*ticket
	head  int
}

func (q *waitQueue) push(tk *ticket) {
	if q.head > 0 && q.head >= len(q.items)/2 { // reuse the space of the popped half
		n := copy(q.items, q.items[q.head:])
		clear(q.items[n:])
		q.items, q.head = q.items[:n], 0
	}
	q.items = append(q.items, tk)
}

// front drops the tickets at the front that no longer wait as own (or borrowing)
// requests, and returns the first that does, or nil.
func (q *waitQueue) front(own bool) *ticket {
	for q.head < len(q.items) {
		if tk := q.items[q.head]; tk.state == waiting && tk.own == own {
			return tk
		}
		q.items[q.head] = nil
		q.head++
	}
	q.items, q.head = q.items[:0], 0
	return nil
}

func (q *waitQueue) empty(own bool) bool { return q.front(own) == nil }

// pop removes and returns the first ticket waiting as an own (or borrowing) request,
// or nil.
func (q *waitQueue) pop(own bool) *ticket {
	tk := q.front(own)
	if tk != nil {
		q.items[q.head] = nil
		q.head++
	}
	return tk
}

// readBodyFirst reads r's body (at most maxBody bytes, by the request's deadline)
// before the request takes a slot, and returns a copy of r whose Body replays it: the
// handler's decodeJSON then checks it exactly as it would the network body (413,
// 415, shape), without waiting on the client. A read error is kept for the handler
// too, which reports it if it reads the body (a handler that takes no body ignores
// it, as before), except when the deadline passed first: that is a 503 now, as the
// request can no longer be served.
//
// The deadline is set on the connection (http.ResponseController), so a client that
// trickles its body in is cut off when its request runs out of time; requestTimeout
// is below the server's ReadTimeout, so this only brings that deadline forward. Once
// the whole body is in, the read deadline is cleared: nothing more is read for this
// request, and a deadline left on the connection would cancel the request's context
// when it passed (net/http watches the connection while a handler runs). After a
// failed read it stays, so net/http does not wait on the client to discard the rest.
func readBodyFirst(w http.ResponseWriter, r *http.Request) (*http.Request, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return r, nil
	}
	rc := http.NewResponseController(w)
	deadline, hasDeadline := r.Context().Deadline()
	if hasDeadline {
		_ = rc.SetReadDeadline(deadline) // http.ErrNotSupported when not on a connection: nothing to bound
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded) || err != nil && errors.Is(r.Context().Err(), context.DeadlineExceeded):
		return r, fmt.Errorf("read request body: %w", context.DeadlineExceeded)
	case err == nil && hasDeadline:
		_ = rc.SetReadDeadline(time.Time{})
	}
	r = r.WithContext(r.Context()) // a copy: the request net/http holds keeps its own body
	r.Body = &bufferedBody{Reader: bytes.NewReader(body), err: err}
	return r, nil
}

// bufferedBody replays a body read in advance: its bytes, then the error that ended
// the read (io.EOF if none).
type bufferedBody struct {
	*bytes.Reader
	err error
}

func (b *bufferedBody) Read(p []byte) (int, error) {
	n, err := b.Reader.Read(p)
	if err == io.EOF && b.err != nil {
		return n, b.err
	}
	return n, err
}

func (*bufferedBody) Close() error { return nil }

// bufferedResponse is an answer rendered in memory: status, headers and body. The
// handler writes it while holding a slot; sendTo writes it to the client after the
// slot is released, so a client that reads slowly holds no slot. Nothing reaches the
// client before sendTo, so a panic while rendering is still a clean 500.
type bufferedResponse struct {
	header http.Header
	status int // the first status written (0: none)
	body   []byte
}

func newBufferedResponse() *bufferedResponse { return &bufferedResponse{header: http.Header{}} }

func (b *bufferedResponse) Header() http.Header { return b.header }

// WriteHeader records the first status, as net/http keeps only the first.
func (b *bufferedResponse) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *bufferedResponse) Write(p []byte) (int, error) {
	b.WriteHeader(http.StatusOK)
	b.body = append(b.body, p...)
	return len(p), nil
}

// sendTo writes the answer to w: the headers, the status if one was written, and
// the body. An answer that wrote nothing writes nothing (net/http then sends 200,
// or nothing at all for a request whose client went away, see writeError).
func (b *bufferedResponse) sendTo(w http.ResponseWriter) {
	h := w.Header()
	for k, v := range b.header {
		h[k] = v
	}
	if b.status != 0 {
		w.WriteHeader(b.status)
	}
	if len(b.body) > 0 {
		_, _ = w.Write(b.body) // a failed write is recorded by logRequests
	}
}
