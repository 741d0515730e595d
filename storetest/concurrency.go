package storetest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Concurrently runs f(0..n-1) in n goroutines released together and returns their
// errors, errs[i] being f(i)'s. f must not call t.FailNow (require): it runs on
// other goroutines.
func Concurrently(n int, f func(i int) error) []error {
	start := make(chan struct{})
	errs := make([]error, n)
	var done sync.WaitGroup
	for i := range n {
		done.Go(func() {
			<-start
			errs[i] = f(i)
		})
	}
	close(start)
	done.Wait()
	return errs
}

// Committed returns how many of errs are nil, requiring every other to wrap one of
// allowed: of racing transactions, how many committed while the others failed
// only in the ways the contract allows.
func Committed(t *testing.T, errs []error, allowed ...error) int {
	t.Helper()
	n := 0
	for i, err := range errs {
		if err == nil {
			n++
			continue
		}
		ok := false
		for _, a := range allowed {
			ok = ok || errors.Is(err, a)
		}
		require.True(t, ok, "transaction %d: %v is none of %v", i, err, allowed)
	}
	return n
}

// barrierPatience is how long a Barrier waits for the others. Only how the
// transactions interleave depends on it, never a verdict: a store that runs
// transactions one at a time holds the others back until the first ends, so its
// first waiter gives up and the barrier opens for good.
const barrierPatience = 100 * time.Millisecond

// Barrier lets n transactions meet after their reads, so that on a store that
// runs them at once they all read before any writes (the shape of a lost update
// or a write skew). On a store that holds the others back, a waiter stops waiting
// after a moment and the barrier opens for good; once open it stays open, so a
// retried transaction passes straight through. No verdict may depend on whether
// the barrier met or gave up.
type Barrier struct {
	mu   sync.Mutex
	n    int
	open chan struct{}
}

// NewBarrier returns a Barrier for n transactions.
func NewBarrier(n int) *Barrier { return &Barrier{n: n, open: make(chan struct{})} }

// Wait returns when all n transactions called Wait, or when the barrier gave up
// waiting for them.
func (b *Barrier) Wait() {
	b.mu.Lock()
	b.n--
	if b.n == 0 {
		close(b.open)
	}
	b.mu.Unlock()
	timer := time.NewTimer(barrierPatience)
	defer timer.Stop()
	select {
	case <-b.open:
	case <-timer.C:
		b.mu.Lock()
		if b.n > 0 {
			b.n = 0
			close(b.open) // the others are held back by the store: stop waiting for them
		}
		b.mu.Unlock()
	}
}
