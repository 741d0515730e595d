package reports_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/costfile"
	"github.com/seeda33a2f4f/resellerkit/billing/reports"
)

// barrier holds scans at their start until n have started.
type barrier struct {
	mu      sync.Mutex
	n       int
	started int
	all     chan struct{}
}

// barrierInput is an Input whose Scan waits at the barrier first.
type barrierInput struct {
	billing.Input
	b *barrier
}

func (in barrierInput) Scan(ctx context.Context, newSink func() billing.Sink) (billing.InputStats, error) {
	in.b.mu.Lock()
	in.b.started++
	if in.b.started == in.b.n {
		close(in.b.all)
	}
	in.b.mu.Unlock()
	select {
	case <-in.b.all:
	case <-time.After(time.Minute): // the scans were not read at once: fail, not hang
		return billing.InputStats{}, errors.New("the scans of the Version's files did not overlap")
	}
	return in.Input.Scan(ctx, newSink)
}

// TestProgress_NeverConcurrent: billing.Run reads a version's files several at
// once (all three: each scan waits for the others to start), and still the Progress callback of the source, which keeps a plain map
// here, is never called twice at the same time; every file is reported read to
// its end.
func TestProgress_NeverConcurrent(t *testing.T) {
	f := newFakeS3(t)
	bucketLayout(t, f, t.TempDir())
	var (
		inside, overlapped atomic.Bool
		progress           = map[string][2]int64{} // no lock: the source serializes
	)
	src := reports.NewS3(f.client, testBucket, reports.Config{Prefix: "cur/", Progress: func(file string, n, size int64) {
		if !inside.CompareAndSwap(false, true) {
			overlapped.Store(true)
		}
		progress[file] = [2]int64{n, size}
		for range 20 {
			runtime.Gosched() // a slow callback: another file's call would come in now
		}
		inside.Store(false)
	}})
	vs, err := src.Versions(context.Background(), nov2023)
	require.NoError(t, err)
	require.Len(t, vs, 1)
	require.Len(t, vs[0].Files, 3)

	for range 5 {
		// Each scan waits at its start until all three have started: they are
		// read at once (runJob's Parallel 3), without relying on timing.
		inputs := vs[0].Inputs(costfile.Options{Workers: 1})
		b := &barrier{n: len(inputs), all: make(chan struct{})}
		for i, in := range inputs {
			inputs[i] = barrierInput{in, b}
		}
		res := runJob(t, inputs)
		require.Len(t, res.Inputs, 3)
		assert.Equal(t, 3, b.started, "the scans overlapped")
	}
	assert.False(t, overlapped.Load(), "two Progress calls at once")
	for _, file := range vs[0].Files {
		assert.Equal(t, [2]int64{file.Size, file.Size}, progress[file.Name], file.Name)
	}
}
