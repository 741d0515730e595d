package contacts_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/contacts/memstore"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var t0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// recorder is a Transport that fails as told, then records what it delivers.
type recorder struct {
	mu        sync.Mutex
	fail      int   // the next fail sends fail with failErr
	failErr   error // default: a retryable error
	delivered []contacts.Message
	attempts  int
}

func (r *recorder) Send(_ context.Context, m contacts.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.attempts++
	if r.fail > 0 {
		r.fail--
		if r.failErr != nil {
			return r.failErr
		}
		return errors.New("451 4.3.0 try again later")
	}
	r.delivered = append(r.delivered, m)
	return nil
}

func (r *recorder) keys() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, m := range r.delivered {
		out = append(out, m.IdempotencyKey)
	}
	return out
}

// queue enqueues n notices directly in the store, due at the clock's time.
func queue(t *testing.T, st contacts.Store, c *clock, n int) []contacts.Notice {
	t.Helper()
	var out []contacts.Notice
	for i := range n {
		no := outboxNotice(fmt.Sprintf("n%03d", i), "org", fmt.Sprintf("key-%03d", i), c.now())
		require.NoError(t, st.EnqueueNotice(context.Background(), no))
		out = append(out, no)
	}
	return out
}

// outboxNotice is a queued charge alarm of org with id and key, due and created
// at at, as Service.Notify would write it.
func outboxNotice(id, org, key string, at time.Time) contacts.Notice {
	return contacts.Notice{ID: id, Key: key, OrgID: org, Kind: contacts.KindChargeAlarm,
		Language: contacts.Japanese, To: []string{"billing@example.com"}, Subject: "s", Text: "t", HTML: "<p>t</p>",
		State: contacts.NoticeQueued, NextAt: at, CreatedAt: at}
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newDispatcher(st contacts.Store, tr contacts.Transport, c *clock, opts ...contacts.DispatcherOption) *contacts.Dispatcher {
	base := []contacts.DispatcherOption{contacts.WithDispatcherClock(c.now), contacts.WithJitter(func(int64) int64 { return 0 }),
		contacts.WithBackoff(time.Minute, time.Hour), contacts.WithLogger(quiet())}
	return contacts.NewDispatcher(st, tr, append(base, opts...)...)
}

func notice(t *testing.T, st contacts.Store, id string) contacts.Notice {
	t.Helper()
	n, err := st.GetNotice(context.Background(), "org", id)
	require.NoError(t, err)
	return n
}

func TestC7_EveryNoticeIsSentOnce(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: t0}
	st := memstore.New()
	queue(t, st, c, 7)
	tr := &recorder{}
	d := newDispatcher(st, tr, c, contacts.WithBatch(3, 2))
	total := contacts.RoundReport{}
	for range 4 {
		r, err := d.RunOnce(ctx)
		require.NoError(t, err)
		total.Claimed += r.Claimed
		total.Sent += r.Sent
	}
	assert.Equal(t, contacts.RoundReport{Claimed: 7, Sent: 7}, total)
	assert.ElementsMatch(t, []string{"org/key-000", "org/key-001", "org/key-002", "org/key-003", "org/key-004", "org/key-005", "org/key-006"}, tr.keys(),
		"each key within its organization")
	n := notice(t, st, "n000")
	assert.Equal(t, contacts.NoticeSent, n.State)
	assert.Equal(t, t0, n.SentAt)
	assert.Equal(t, 1, n.Attempts)
	assert.Empty(t, n.LeaseOwner)
}

// TestC7_RetriedWithExponentialBackoffThenDead: each failure pushes the notice
// back by base·2^(n−1), half of it random (the jitter here is 0: the lower half);
// after the last attempt it is dead with its last error, and stays so.
func TestC7_RetriedWithExponentialBackoffThenDead(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: t0}
	st := memstore.New()
	queue(t, st, c, 1)
	tr := &recorder{fail: 100}
	d := newDispatcher(st, tr, c, contacts.WithMaxAttempts(4))
	wantDelays := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute} // base 1 min: 1, 2, 4 min, lower halves
	for i, delay := range wantDelays {
		r, err := d.RunOnce(ctx)
		require.NoError(t, err)
		require.Equal(t, 1, r.Retried, "attempt %d", i+1)
		n := notice(t, st, "n000")
		assert.Equal(t, c.now().Add(delay), n.NextAt, "attempt %d", i+1)
		assert.Contains(t, n.LastError, fmt.Sprintf("attempt %d: 451", i+1))
		// Not due before its time.
		c.add(delay - time.Second)
		r, err = d.RunOnce(ctx)
		require.NoError(t, err)
		require.Zero(t, r.Claimed)
		c.add(time.Second)
	}
	r, err := d.RunOnce(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, r.Dead)
	n := notice(t, st, "n000")
	assert.Equal(t, contacts.NoticeDead, n.State)
	assert.Equal(t, 4, n.Attempts)
	assert.Contains(t, n.LastError, "attempt 4")
	c.add(24 * time.Hour)
	r, err = d.RunOnce(ctx)
	require.NoError(t, err)
	assert.Zero(t, r.Claimed, "a dead notice is not retried")
	assert.Equal(t, 4, tr.attempts)
}

// TestC7_BackoffJitterAndCap: the delay doubles up to the cap, and the jitter
// spreads it over its upper half.
func TestC7_BackoffJitterAndCap(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: t0}
	st := memstore.New()
	queue(t, st, c, 1)
	d := newDispatcher(st, &recorder{fail: 100}, c, contacts.WithBackoff(time.Minute, 5*time.Minute),
		contacts.WithJitter(func(n int64) int64 { return n - int64(time.Microsecond) }), contacts.WithMaxAttempts(10))
	var got []time.Duration
	for range 5 {
		_, err := d.RunOnce(ctx)
		require.NoError(t, err)
		n := notice(t, st, "n000")
		got = append(got, n.NextAt.Sub(c.now()))
		c.t = n.NextAt
	}
	us := time.Microsecond // the largest jitter, in the stores' precision
	assert.Equal(t, []time.Duration{time.Minute - us, 2*time.Minute - us, 4*time.Minute - us, 5*time.Minute - us, 5*time.Minute - us}, got)
}

func TestC7_PermanentFailureIsDeadAtOnce(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: t0}
	st := memstore.New()
	queue(t, st, c, 1)
	tr := &recorder{fail: 1, failErr: fmt.Errorf("550 5.1.1 no such user: %w", contacts.ErrPermanent)}
	r, err := newDispatcher(st, tr, c).RunOnce(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, r.Dead)
	n := notice(t, st, "n000")
	assert.Equal(t, contacts.NoticeDead, n.State)
	assert.Contains(t, n.LastError, "550 5.1.1")
}

// TestC7_RefusedNTimesThenEveryNoticeArrivesOnce: a receiver refusing the first
// attempts of every notice, then recovering: each notice arrives exactly once.
func TestC7_RefusedNTimesThenEveryNoticeArrivesOnce(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: t0}
	st := memstore.New()
	queue(t, st, c, 20)
	tr := &recorder{fail: 45}
	d := newDispatcher(st, tr, c)
	for range 10 {
		_, err := d.RunOnce(ctx)
		require.NoError(t, err)
		c.add(time.Hour)
	}
	keys := tr.keys()
	assert.Len(t, keys, 20)
	seen := map[string]bool{}
	for _, k := range keys {
		assert.False(t, seen[k], "delivered twice: %s", k)
		seen[k] = true
	}
	sent, _, err := st.ListNotices(ctx, "org", contacts.NoticeSent, resellerkit.Page{})
	require.NoError(t, err)
	assert.Len(t, sent, 20)
}

// crashingStore loses the outcome of the first FinishNotice calls, as a dispatcher
// that dies between sending and recording would.
type crashingStore struct {
	contacts.Store
	mu    sync.Mutex
	crash int
}

func (s *crashingStore) FinishNotice(ctx context.Context, n contacts.Notice, owner string) error {
	s.mu.Lock()
	crash := s.crash > 0
	s.crash--
	s.mu.Unlock()
	if crash {
		return errors.New("process killed")
	}
	return s.Store.FinishNotice(ctx, n, owner)
}

// TestC7_CrashAfterSendingSendsAgainWithTheSameKey: the first dispatcher sends
// and dies before recording it; once its lease expires, another sends the notice
// again with the same idempotency key, so a receiver deduplicating on it keeps
// one. Before the lease expires, nobody takes the notice.
func TestC7_CrashAfterSendingSendsAgainWithTheSameKey(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: t0}
	st := memstore.New()
	queue(t, st, c, 1)
	tr := &recorder{}
	first := newDispatcher(&crashingStore{Store: st, crash: 1}, tr, c, contacts.WithOwner("first"))
	_, err := first.RunOnce(ctx)
	require.ErrorContains(t, err, "process killed")
	second := newDispatcher(st, tr, c, contacts.WithOwner("second"))
	r, err := second.RunOnce(ctx)
	require.NoError(t, err)
	assert.Zero(t, r.Claimed, "the first dispatcher's lease still holds")
	c.add(contacts.DefaultLease)
	r, err = second.RunOnce(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, r.Sent)
	assert.Equal(t, []string{"org/key-000", "org/key-000"}, tr.keys(), "sent twice, with one key")
	n := notice(t, st, "n000")
	assert.Equal(t, contacts.NoticeSent, n.State)
	assert.Equal(t, 2, n.Attempts)
}

// slowTransport holds every send until released.
type slowTransport struct {
	started chan struct{}
	release chan struct{}
}

func (s *slowTransport) Send(ctx context.Context, m contacts.Message) error {
	s.started <- struct{}{}
	select {
	case <-s.release:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// TestC7_TwoDispatchersNeverSendOneNoticeAtOnce: while one dispatcher holds a
// notice, another (a second later) claims nothing of it; also when both were
// given a lease that is no lease (zero or negative), which means the default, or
// one too short for a send, which means MinLease.
func TestC7_TwoDispatchersNeverSendOneNoticeAtOnce(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []contacts.DispatcherOption
	}{
		{"default lease", nil},
		{"zero lease is the default", []contacts.DispatcherOption{contacts.WithLease(0)}},
		{"negative lease is the default", []contacts.DispatcherOption{contacts.WithLease(-time.Minute)}},
		{"a millisecond's lease is MinLease", []contacts.DispatcherOption{contacts.WithLease(time.Millisecond)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			c := &clock{t: t0}
			st := memstore.New()
			queue(t, st, c, 1)
			slow := &slowTransport{started: make(chan struct{}, 1), release: make(chan struct{})}
			a := newDispatcher(st, slow, c, append([]contacts.DispatcherOption{contacts.WithOwner("a")}, tc.opts...)...)
			done := make(chan contacts.RoundReport)
			go func() { r, _ := a.RunOnce(ctx); done <- r }()
			select {
			case <-slow.started:
			case r := <-done:
				t.Fatalf("the first dispatcher's round ended without a send: %+v", r)
			}
			c.add(time.Second)
			other := &recorder{}
			r, err := newDispatcher(st, other, c, append([]contacts.DispatcherOption{contacts.WithOwner("b")}, tc.opts...)...).RunOnce(ctx)
			require.NoError(t, err)
			assert.Zero(t, r.Claimed)
			close(slow.release)
			assert.Equal(t, 1, (<-done).Sent)
			assert.Empty(t, other.keys())
		})
	}
}

// TestC7_StoppedRoundLeavesTheNoticeDue: a dispatcher stopped during a send does
// not count the attempt as failed; the notice comes due when its lease expires.
func TestC7_StoppedRoundLeavesTheNoticeDue(t *testing.T) {
	c := &clock{t: t0}
	st := memstore.New()
	queue(t, st, c, 1)
	slow := &slowTransport{started: make(chan struct{}, 1), release: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { _, err := newDispatcher(st, slow, c).RunOnce(ctx); done <- err }()
	<-slow.started
	cancel()
	require.NoError(t, <-done)
	n := notice(t, st, "n000")
	assert.Equal(t, contacts.NoticeQueued, n.State)
	assert.Empty(t, n.LastError)
	c.add(contacts.DefaultLease)
	tr := &recorder{}
	r, err := newDispatcher(st, tr, c).RunOnce(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 1, r.Sent)
}

// TestC7_RunStopsWithItsContext: Run delivers what is due and returns when its
// context ends.
// (In a synctest bubble: the poll interval passes on the fake clock.)
func TestC7_RunStopsWithItsContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := &clock{t: t0}
		st := memstore.New()
		queue(t, st, c, 3)
		tr := &recorder{fail: 1}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan contacts.RoundReport)
		d := newDispatcher(st, tr, c, contacts.WithPoll(time.Second), contacts.WithBackoff(0, 0))
		go func() { r, _ := d.Run(ctx); done <- r }()
		time.Sleep(3 * time.Second)
		synctest.Wait()
		assert.Len(t, tr.keys(), 3, "the failed one again after a poll")
		cancel()
		r := <-done
		assert.Equal(t, 3, r.Sent)
		assert.Equal(t, 1, r.Retried)
	})
}

// advancing is a Transport whose every send takes a minute of the test clock, and
// that records when each notice was sent, and by whom (its owner name).
type advancing struct {
	c    *clock
	mu   sync.Mutex
	sent map[string][]time.Time
}

func (a *advancing) Send(_ context.Context, m contacts.Message) error {
	a.c.add(time.Minute)
	a.mu.Lock()
	defer a.mu.Unlock()
	a.sent[m.NoticeID] = append(a.sent[m.NoticeID], a.c.now())
	return nil
}

// TestC7_NoSendStartsTooLateInItsLease: a batch sent one at a time, each send a
// minute long, under a 4-minute lease: the notices whose turn comes after the
// safe part of the lease are left alone, and come due for the next round once
// the lease has expired, so no notice is ever sent by two dispatchers, or twice.
func TestC7_NoSendStartsTooLateInItsLease(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: t0}
	st := memstore.New()
	queue(t, st, c, 6)
	tr := &advancing{c: c, sent: map[string][]time.Time{}}
	opts := []contacts.DispatcherOption{contacts.WithLease(4 * time.Minute), contacts.WithBatch(6, 1)}
	r, err := newDispatcher(st, tr, c, opts...).RunOnce(ctx)
	require.NoError(t, err)
	assert.Equal(t, 3, r.Sent, "sends starting at +0, +1 and +2 min end before the last quarter of the lease")
	assert.Equal(t, 3, r.Expired)
	r, err = newDispatcher(st, tr, c, append(opts, contacts.WithOwner("other"))...).RunOnce(ctx)
	require.NoError(t, err)
	assert.Zero(t, r.Claimed, "the leases still hold")
	c.add(2 * time.Minute)
	for range 3 {
		_, err = newDispatcher(st, tr, c, append(opts, contacts.WithOwner("other"))...).RunOnce(ctx)
		require.NoError(t, err)
	}
	require.Len(t, tr.sent, 6)
	for id, at := range tr.sent {
		assert.Len(t, at, 1, "notice %s sent once", id)
	}
}

// cancelling is a Transport that delivers, and stops the round as it does (a
// shutdown arriving during the send).
type cancelling struct {
	cancel context.CancelFunc
	sent   int
}

func (c *cancelling) Send(context.Context, contacts.Message) error {
	c.sent++
	c.cancel()
	return nil
}

// TestC7_ASendFinishedDuringShutdownIsRecorded: the outcome of a send that
// succeeded is recorded even though the round's context ended meanwhile, so the
// notice is not sent again.
func TestC7_ASendFinishedDuringShutdownIsRecorded(t *testing.T) {
	c := &clock{t: t0}
	st := memstore.New()
	queue(t, st, c, 1)
	ctx, cancel := context.WithCancel(context.Background())
	tr := &cancelling{cancel: cancel}
	r, err := newDispatcher(st, tr, c).RunOnce(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, r.Sent)
	assert.Equal(t, contacts.NoticeSent, notice(t, st, "n000").State)
}

// hogging is a Transport whose sends of the notices in slow take minutes of the
// test clock each and succeed, and whose other sends fail as a retryable error
// (or succeed once ok is set). It counts the sends of each notice.
type hogging struct {
	c     *clock
	slow  map[string]bool
	ok    bool
	mu    sync.Mutex
	sends map[string]int
}

func (h *hogging) Send(_ context.Context, m contacts.Message) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.sends[m.NoticeID]++
	if h.slow[m.NoticeID] {
		h.c.add(3 * time.Minute)
		return nil
	}
	if h.ok {
		return nil
	}
	return errors.New("451 4.3.0 try again later")
}

// TestC7_AClaimWhoseSendNeverStartedIsNoAttempt: a notice claimed round after
// round but never handed to the transport (its turn came too late in the lease,
// behind slow sends) loses no attempt: its first real failure is attempt 1 and is
// retried, however many times it was claimed, and only sends that started count
// towards the limit.
func TestC7_AClaimWhoseSendNeverStartedIsNoAttempt(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: t0}
	st := memstore.New()
	queue(t, st, c, 1) // n000, the victim
	const maxAttempts = 3
	tr := &hogging{c: c, slow: map[string]bool{}, sends: map[string]int{}}
	d := newDispatcher(st, tr, c, contacts.WithLease(4*time.Minute), contacts.WithBatch(2, 1), contacts.WithMaxAttempts(maxAttempts))
	for i := range 2 * maxAttempts {
		// A slow notice due before the victim takes the round's lease: the
		// victim's turn comes after the safe part of its lease.
		hog := outboxNotice(fmt.Sprintf("hog%02d", i), "org", fmt.Sprintf("hog-%02d", i), c.now())
		hog.NextAt = c.now().Add(-time.Hour)
		require.NoError(t, st.EnqueueNotice(ctx, hog))
		tr.slow[hog.ID] = true
		r, err := d.RunOnce(ctx)
		require.NoError(t, err)
		require.Equal(t, contacts.RoundReport{Claimed: 2, Sent: 1, Expired: 1}, r, "round %d", i+1)
		c.add(4 * time.Minute) // the victim's lease expires
	}
	require.Zero(t, tr.sends["n000"], "the victim was never handed to the transport")
	assert.Zero(t, notice(t, st, "n000").Attempts, "claims whose send never started are no attempts")

	r, err := d.RunOnce(ctx)
	require.NoError(t, err)
	assert.Equal(t, contacts.RoundReport{Claimed: 1, Retried: 1}, r, "its first real failure is retried, not dead")
	n := notice(t, st, "n000")
	assert.Equal(t, contacts.NoticeQueued, n.State)
	assert.Equal(t, 1, n.Attempts)
	assert.Contains(t, n.LastError, "attempt 1: 451")

	// The limit counts the sends that started: dead after the third failure.
	for i := 2; i <= maxAttempts; i++ {
		c.t = notice(t, st, "n000").NextAt
		r, err = d.RunOnce(ctx)
		require.NoError(t, err)
		require.Equal(t, 1, r.Claimed, "attempt %d", i)
	}
	assert.Equal(t, 1, r.Dead)
	assert.Equal(t, maxAttempts, tr.sends["n000"])
	n = notice(t, st, "n000")
	assert.Equal(t, contacts.NoticeDead, n.State)
	assert.Equal(t, maxAttempts, n.Attempts)
}

// blocking is a Transport that holds the first send until its context ends,
// and counts every send.
type blocking struct {
	started chan struct{}
	mu      sync.Mutex
	sends   map[string]int
}

func (b *blocking) Send(ctx context.Context, m contacts.Message) error {
	b.mu.Lock()
	b.sends[m.NoticeID]++
	first := len(b.sends) == 1
	b.mu.Unlock()
	if first {
		b.started <- struct{}{}
		<-ctx.Done()
		return ctx.Err()
	}
	return ctx.Err()
}

// TestC7_ShutdownDoesNotSendOrCountTheRestOfTheBatch: a dispatcher stopped during
// the first send of its batch hands the notices waiting behind it to no
// transport and counts no attempt on them; the notice whose send had started
// keeps its attempt (the send may have reached the receiver).
func TestC7_ShutdownDoesNotSendOrCountTheRestOfTheBatch(t *testing.T) {
	c := &clock{t: t0}
	st := memstore.New()
	queue(t, st, c, 3)
	tr := &blocking{started: make(chan struct{}, 1), sends: map[string]int{}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { _, err := newDispatcher(st, tr, c, contacts.WithBatch(3, 1)).RunOnce(ctx); done <- err }()
	<-tr.started
	cancel()
	require.NoError(t, <-done)
	assert.Equal(t, map[string]int{"n000": 1}, tr.sends, "only the send that started before the shutdown")
	for id, want := range map[string]int{"n000": 1, "n001": 0, "n002": 0} {
		n := notice(t, st, id)
		assert.Equal(t, want, n.Attempts, id)
		assert.Equal(t, contacts.NoticeQueued, n.State, id)
		assert.Empty(t, n.LastError, id)
	}
}

// TestC7_ASendThatNeverRecordsIsDeadAfterTheLimit: a notice whose every send
// starts and never gets its outcome recorded (the dispatcher dies during it, or
// loses its lease) counts each of those attempts, and once they reach the limit
// it is dead instead of being sent again forever.
func TestC7_ASendThatNeverRecordsIsDeadAfterTheLimit(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: t0}
	st := memstore.New()
	queue(t, st, c, 1)
	const maxAttempts = 3
	tr := &recorder{}
	crashing := &crashingStore{Store: st, crash: maxAttempts}
	for i := range maxAttempts + 2 {
		_, err := newDispatcher(crashing, tr, c, contacts.WithMaxAttempts(maxAttempts)).RunOnce(ctx)
		if i < maxAttempts {
			require.ErrorContains(t, err, "process killed", "round %d", i+1)
		} else {
			require.NoError(t, err, "round %d", i+1)
		}
		c.add(contacts.DefaultLease)
	}
	assert.Len(t, tr.keys(), maxAttempts, "sent once per attempt, up to the limit")
	n := notice(t, st, "n000")
	assert.Equal(t, contacts.NoticeDead, n.State)
	assert.Equal(t, maxAttempts, n.Attempts)
	assert.Contains(t, n.LastError, fmt.Sprintf("attempt %d: ", maxAttempts))
	assert.Contains(t, n.LastError, "no outcome")
}

// TestC7_NoAttemptLeftIsDeadWithoutASend: a claimed notice whose attempts already
// reach the limit is dead without being sent again; its last error says why — the
// last attempt's recorded failure when the limit was lowered after it, else that
// the last send's outcome was never recorded.
func TestC7_NoAttemptLeftIsDeadWithoutASend(t *testing.T) {
	for _, tc := range []struct {
		name, lastError, want string
	}{
		{"the limit was lowered", "attempt 5: 451 busy", "attempt 5: 451 busy"},
		{"the last send never recorded", "attempt 4: 451 busy", "attempt 5: no outcome recorded"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &clock{t: t0}
			st := memstore.New()
			n := queue(t, &presetStore{Store: st, attempts: 5, lastError: tc.lastError}, c, 1)[0]
			tr := &recorder{}
			r, err := newDispatcher(st, tr, c, contacts.WithMaxAttempts(3)).RunOnce(context.Background())
			require.NoError(t, err)
			assert.Equal(t, contacts.RoundReport{Claimed: 1, Dead: 1}, r)
			assert.Zero(t, tr.attempts, "not sent")
			got := notice(t, st, n.ID)
			assert.Equal(t, contacts.NoticeDead, got.State)
			assert.Equal(t, 5, got.Attempts)
			assert.True(t, strings.HasPrefix(got.LastError, tc.want), got.LastError)
		})
	}
}

// presetStore enqueues notices as if attempts had been made on them already.
type presetStore struct {
	contacts.Store
	attempts  int
	lastError string
}

func (s *presetStore) EnqueueNotice(ctx context.Context, n contacts.Notice) error {
	n.Attempts, n.LastError = s.attempts, s.lastError
	return s.Store.EnqueueNotice(ctx, n)
}

// stallingStore is a store whose StartNotice takes the clock past when.
type stallingStore struct {
	contacts.Store
	c    *clock
	by   time.Duration
	once sync.Once
}

func (s *stallingStore) StartNotice(ctx context.Context, n contacts.Notice, owner string) error {
	err := s.Store.StartNotice(ctx, n, owner)
	s.once.Do(func() { s.c.add(s.by) })
	return err
}

// TestC7_NoSendAfterItsTimeWentToTheStore: when counting the attempt took the
// send's whole time (a stalled database), the transport is not called with a
// context already over, which would record a failure of a send that never ran;
// the notice is left for its lease to expire, its attempt counted.
func TestC7_NoSendAfterItsTimeWentToTheStore(t *testing.T) {
	c := &clock{t: t0}
	mem := memstore.New()
	queue(t, mem, c, 1)
	st := &stallingStore{Store: mem, c: c, by: contacts.DefaultLease}
	tr := &recorder{}
	r, err := newDispatcher(st, tr, c).RunOnce(context.Background())
	require.NoError(t, err)
	assert.Equal(t, contacts.RoundReport{Claimed: 1, Expired: 1}, r)
	assert.Empty(t, tr.keys(), "not sent")
	n := notice(t, mem, "n000")
	assert.Equal(t, contacts.NoticeQueued, n.State)
	assert.Equal(t, 1, n.Attempts, "the attempt the store counted")
	assert.Empty(t, n.LastError, "no failure recorded")
}

// blockingStore is a store whose StartNotice waits until its context ends, as a
// stalled database does, and writes nothing.
type blockingStore struct{ contacts.Store }

func (s blockingStore) StartNotice(ctx context.Context, _ contacts.Notice, _ string) error {
	<-ctx.Done()
	return ctx.Err()
}

// TestC7_AStalledStartCountsNoAttempt: a store that stalls while counting the
// attempt is abandoned after half the send's time: the notice is not sent and
// loses no attempt (with one attempt allowed it would otherwise go dead unsent),
// and comes due again when its lease expires.
func TestC7_AStalledStartCountsNoAttempt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) { // the store's wait is on the bubble's clock
		c := &clock{t: t0}
		mem := memstore.New()
		queue(t, mem, c, 1)
		tr := &recorder{}
		d := newDispatcher(blockingStore{mem}, tr, c, contacts.WithLease(contacts.MinLease), contacts.WithMaxAttempts(1))
		r, err := d.RunOnce(context.Background())
		require.NoError(t, err)
		assert.Equal(t, contacts.RoundReport{Claimed: 1, Expired: 1}, r)
		assert.Empty(t, tr.keys(), "not sent")
		n := notice(t, mem, "n000")
		assert.Equal(t, contacts.NoticeQueued, n.State)
		assert.Zero(t, n.Attempts, "no attempt counted")
	})
}
