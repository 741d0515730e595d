package contacts

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/seeda33a2f4f/resellerkit"
)

// Dispatcher delivers the outbox (C-7). Each round it claims due notices with a
// lease, so two dispatchers (in one process or many, on one database) never send
// one notice at the same time, and a crashed dispatcher's notices come due again
// when its lease expires. A failed attempt is retried after an exponential backoff
// with jitter; after MaxAttempts, or at once for a permanent failure (a Transport
// error wrapping ErrPermanent), the notice is dead: kept, with its attempts and
// last error, for a person to look at. An attempt is a send that started
// (Store.StartNotice records it before the transport is called): a claimed notice
// never handed to the transport (its turn came too late in the lease, or the
// dispatcher was stopped or died first) counts none, however often that happens.
// Delivery is at least once: a dispatcher that dies after sending and before
// recording it sends again, with the same Message.IdempotencyKey, so a receiver
// deduplicating on it sees the notice once; that unrecorded send still counts, so
// a notice whose every send kills (or outlasts) its dispatcher is dead after
// MaxAttempts sends instead of being sent forever.
type Dispatcher struct {
	store       Store
	transport   Transport
	owner       string
	lease       time.Duration
	maxAttempts int
	baseDelay   time.Duration
	maxDelay    time.Duration
	batch       int
	parallel    int
	poll        time.Duration
	now         func() time.Time
	jitter      func(n int64) int64 // a random number in [0, n)
	log         *slog.Logger
}

// DispatcherOption configures a Dispatcher.
type DispatcherOption func(*Dispatcher)

// Dispatcher defaults.
const (
	DefaultLease       = 2 * time.Minute
	DefaultMaxAttempts = 16
	DefaultBaseDelay   = 30 * time.Second
	DefaultMaxDelay    = time.Hour
	DefaultBatch       = 50
	DefaultParallel    = 4
	DefaultPoll        = 2 * time.Second
	// MinLease is the shortest lease a Dispatcher takes: a send must fit in three
	// quarters of it, and a shorter lease would leave every notice unsent (its
	// turn always too late) or let a second dispatcher claim it under a send.
	MinLease = 10 * time.Second
)

// WithOwner names the dispatcher in leases (default: a random id per Dispatcher).
func WithOwner(id string) DispatcherOption { return func(d *Dispatcher) { d.owner = id } }

// WithLease sets how long a claimed notice stays this dispatcher's (default
// DefaultLease). A send must end a quarter of the lease before the lease does (its
// context's deadline), and a claimed notice whose send could not start by then
// (it waited behind others of its batch) is not sent by this dispatcher: so the
// lease never expires under a send still running, and no other dispatcher can
// send the same notice at the same time. A lease of zero or less means the
// default; a positive one below MinLease is MinLease.
func WithLease(l time.Duration) DispatcherOption { return func(d *Dispatcher) { d.lease = l } }

// WithMaxAttempts sets the attempts (sends started) before a notice is dead (default
// DefaultMaxAttempts: with the default backoff, about ten hours of retrying, long
// enough for an operator to fix a mail server's configuration overnight). A dead
// notice can be queued again (Service.RequeueNotice).
func WithMaxAttempts(n int) DispatcherOption { return func(d *Dispatcher) { d.maxAttempts = n } }

// WithBackoff sets the delay after the first failed attempt and the cap: the delay
// doubles each attempt, and its upper half is random (jitter), so notices that
// failed together do not retry together (defaults DefaultBaseDelay, DefaultMaxDelay).
func WithBackoff(base, maximum time.Duration) DispatcherOption {
	return func(d *Dispatcher) { d.baseDelay, d.maxDelay = base, maximum }
}

// WithBatch sets how many notices one round claims and how many it sends at once
// (defaults DefaultBatch, DefaultParallel).
func WithBatch(claim, parallel int) DispatcherOption {
	return func(d *Dispatcher) { d.batch, d.parallel = claim, parallel }
}

// WithPoll sets how long Run waits after a round that found less than a full batch
// (default DefaultPoll).
func WithPoll(p time.Duration) DispatcherOption { return func(d *Dispatcher) { d.poll = p } }

// WithDispatcherClock sets the clock (default time.Now).
func WithDispatcherClock(now func() time.Time) DispatcherOption {
	return func(d *Dispatcher) { d.now = now }
}

// WithJitter sets the random source of the backoff's jitter: a function returning
// a number in [0, n) (default math/rand/v2). Tests pass a fixed one.
func WithJitter(f func(n int64) int64) DispatcherOption { return func(d *Dispatcher) { d.jitter = f } }

// WithLogger sets where the dispatcher logs failed attempts (default
// slog.Default()).
func WithLogger(l *slog.Logger) DispatcherOption { return func(d *Dispatcher) { d.log = l } }

// NewDispatcher returns a Dispatcher delivering store's outbox through t.
func NewDispatcher(store Store, t Transport, opts ...DispatcherOption) *Dispatcher {
	d := &Dispatcher{store: store, transport: t, owner: "dispatcher-" + strings.ToLower(rand.Text()[:12]),
		lease: DefaultLease, maxAttempts: DefaultMaxAttempts, baseDelay: DefaultBaseDelay, maxDelay: DefaultMaxDelay,
		batch: DefaultBatch, parallel: DefaultParallel, poll: DefaultPoll, now: time.Now, jitter: mrand.Int64N,
		log: slog.Default()}
	for _, o := range opts {
		o(d)
	}
	d.batch, d.parallel, d.maxAttempts = max(d.batch, 1), max(d.parallel, 1), max(d.maxAttempts, 1)
	switch {
	case d.lease <= 0:
		// A claim that ends when it is made holds nothing: another dispatcher
		// would claim the notice while it is being sent.
		d.lease = DefaultLease
	case d.lease < MinLease:
		d.lease = MinLease
	}
	return d
}

// Owner returns the name the dispatcher claims notices under.
func (d *Dispatcher) Owner() string { return d.owner }

// RoundReport says what one round did.
type RoundReport struct {
	Claimed int // notices claimed
	Sent    int // delivered
	Retried int // failed, due again later
	Dead    int // failed for the last time, or permanently
	Lost    int // the lease expired, before the send started or under it, and the notice was claimed again
	Expired int // claimed but not sent (no attempt): its send could not start early enough in the lease
}

// Add adds the counts of o to r: the report of several rounds.
func (r *RoundReport) Add(o RoundReport) {
	r.Claimed += o.Claimed
	r.Sent += o.Sent
	r.Retried += o.Retried
	r.Dead += o.Dead
	r.Lost += o.Lost
	r.Expired += o.Expired
}

// RunOnce claims the due notices (up to the batch size), sends them (up to the
// parallel count at once) and records each outcome. It returns the first store
// error; a transport error is an outcome, not an error of the round.
func (d *Dispatcher) RunOnce(ctx context.Context) (RoundReport, error) {
	now := d.clock()
	claimed, err := d.store.ClaimNotices(ctx, d.owner, now, now.Add(d.lease), d.batch)
	if err != nil {
		return RoundReport{}, err
	}
	var (
		mu     sync.Mutex
		report = RoundReport{Claimed: len(claimed)}
	)
	// A plain group: a store error on one notice must not cancel the sends of
	// the others, which would then go unrecorded.
	var g errgroup.Group
	g.SetLimit(d.parallel)
	for _, n := range claimed {
		g.Go(func() error {
			r, err := d.deliver(ctx, n)
			mu.Lock()
			report.Add(r)
			mu.Unlock()
			return err
		})
	}
	err = g.Wait()
	return report, err
}

// deliver sends one claimed notice and records the outcome. Only a send that
// starts counts an attempt (Store.StartNotice, before the transport is called): a
// claimed notice left unsent (its turn came too late in the lease, or the round
// was stopped first) keeps its attempts and comes due again when its lease
// expires.
func (d *Dispatcher) deliver(ctx context.Context, n Notice) (RoundReport, error) {
	if ctx.Err() != nil {
		// The round was stopped before this notice's turn: not sent, no attempt.
		return RoundReport{}, nil
	}
	// The send must end well before the lease does: after it, another
	// dispatcher may claim the notice. A notice whose turn came too late is left
	// alone; it comes due again when its lease expires.
	left := n.LeaseUntil.Add(-d.lease / 4).Sub(d.clock())
	if left < d.lease/4 {
		return RoundReport{Expired: 1}, nil
	}
	if n.Attempts >= d.maxAttempts {
		return d.exhausted(ctx, n)
	}
	// Counting the attempt may take half the send's time at most: a store that
	// stalls longer is abandoned (its write rolls back, no attempt counted) and
	// the notice is left for its lease to expire, rather than counted unsent.
	startCtx, cancelStart := context.WithTimeout(ctx, left/2)
	err := d.store.StartNotice(startCtx, n, d.owner)
	cancelStart()
	switch {
	case errors.Is(err, ErrConflict):
		return RoundReport{Lost: 1}, nil // the lease expired before the send started
	case err != nil && ctx.Err() != nil:
		return RoundReport{}, nil // stopped: not sent, no attempt
	case err != nil && startCtx.Err() != nil:
		return RoundReport{Expired: 1}, nil // the store stalled: not sent, no attempt
	case err != nil:
		return RoundReport{}, err
	}
	n.Attempts++
	if left = n.LeaseUntil.Add(-d.lease / 4).Sub(d.clock()); left <= 0 {
		// The store counted the attempt as the send's time ran out (its write
		// committed as its deadline passed): not sent, rather than sent with a
		// context already over; the notice comes due when its lease expires.
		return RoundReport{Expired: 1}, nil
	}
	sendCtx, cancel := context.WithTimeout(ctx, left)
	err = d.transport.Send(sendCtx, n.message())
	cancel()
	if err != nil && ctx.Err() != nil {
		// The round was stopped (shutdown): not the notice's failure. Its lease
		// expires and it comes due again (the attempt counted when its send
		// started stays counted, without an error: the send may have arrived).
		return RoundReport{}, nil
	}
	now := d.clock()
	var r RoundReport
	switch {
	case err == nil:
		n.State, n.SentAt, n.LastError = NoticeSent, now, ""
		r.Sent = 1
	case errors.Is(err, ErrPermanent) || n.Attempts >= d.maxAttempts:
		n.State, n.LastError = NoticeDead, lastError(n.Attempts, err)
		r.Dead = 1
	default:
		n.NextAt, n.LastError = now.Add(d.backoff(n.Attempts)), lastError(n.Attempts, err)
		r.Retried = 1
	}
	if err != nil {
		d.log.LogAttrs(ctx, slog.LevelWarn, "notice delivery failed", slog.String("notice", n.ID), slog.String("kind", string(n.Kind)),
			slog.Int("attempt", n.Attempts), slog.String("state", string(n.State)), slog.String("err", n.LastError))
	}
	return d.finish(ctx, n, r)
}

// errNoOutcome is the last error of a notice whose last attempt started and
// never recorded its outcome, when no attempt is left.
var errNoOutcome = errors.New("no outcome recorded: the send started and its dispatcher stopped or lost the lease before recording it")

// exhausted records as dead a claimed notice with no attempt left. Its attempts
// all started (only a started send counts one); unless the limit was lowered
// after its last failure was recorded (LastError names that attempt, and is
// kept), the last of them never recorded an outcome: the dispatcher sending it
// died or lost its lease during the send, which the notice itself may cause (a
// message that crashes the sender), so it is not sent again.
func (d *Dispatcher) exhausted(ctx context.Context, n Notice) (RoundReport, error) {
	n.State = NoticeDead
	if !strings.HasPrefix(n.LastError, fmt.Sprintf("attempt %d: ", n.Attempts)) {
		n.LastError = lastError(n.Attempts, errNoOutcome)
	}
	d.log.LogAttrs(ctx, slog.LevelWarn, "notice delivery failed", slog.String("notice", n.ID), slog.String("kind", string(n.Kind)),
		slog.Int("attempt", n.Attempts), slog.String("state", string(n.State)), slog.String("err", n.LastError))
	return d.finish(ctx, n, RoundReport{Dead: 1})
}

// finish records n's outcome, r, under the lease of its claim. It is recorded
// even when the round is being stopped: a sent notice left unrecorded would be
// sent again.
func (d *Dispatcher) finish(ctx context.Context, n Notice, r RoundReport) (RoundReport, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.lease/4)
	defer cancel()
	switch err := d.store.FinishNotice(ctx, n, d.owner); {
	case errors.Is(err, ErrConflict):
		return RoundReport{Lost: 1}, nil
	case err != nil:
		return r, err
	}
	return r, nil
}

// maxErrorLen bounds the last error kept with a notice.
const maxErrorLen = 1000

func lastError(attempt int, err error) string {
	msg := fmt.Sprintf("attempt %d: %s", attempt, err)
	if len(msg) > maxErrorLen {
		msg = strings.ToValidUTF8(msg[:maxErrorLen], "") + "…"
	}
	return msg
}

// backoff returns the delay after failed attempt number attempt (1 for the
// first): base·2^(attempt−1), capped, its upper half random ("equal jitter").
func (d *Dispatcher) backoff(attempt int) time.Duration {
	delay := d.baseDelay
	for i := 1; i < attempt && delay < d.maxDelay; i++ {
		delay *= 2
	}
	delay = min(delay, d.maxDelay)
	half := int64(delay / 2)
	if half <= 0 {
		return delay
	}
	return time.Duration(half + d.jitter(half))
}

func (d *Dispatcher) clock() time.Time { return d.now().UTC().Truncate(time.Microsecond) }

// Run delivers until ctx ends: a round, then at once another if the round was
// full, else a wait of the poll interval. A failing store is retried after the
// poll interval, logged. It returns ctx's error, and what every round did.
func (d *Dispatcher) Run(ctx context.Context) (RoundReport, error) {
	var total RoundReport
	for {
		r, err := d.RunOnce(ctx)
		total.Add(r)
		if err != nil && ctx.Err() == nil {
			d.log.LogAttrs(ctx, slog.LevelError, "outbox round failed", slog.String("err", resellerkit.Truncate(err.Error())))
		}
		if err == nil && r.Claimed == d.batch {
			continue
		}
		t := time.NewTimer(d.poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return total, ctx.Err()
		case <-t.C:
		}
	}
}
