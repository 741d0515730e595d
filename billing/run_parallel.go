package billing

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"

	"golang.org/x/sync/errgroup"
)

// MaxParallelInputs bounds the number of inputs Run and Service.Ingest scan at once:
// the default is runtime.GOMAXPROCS(0), at most this, and a larger Job.Parallel
// or ServiceConfig.ParallelInputs is taken as this. Every input in flight holds its reader's
// buffers and its workers' Aggregators, so the bound keeps memory flat on machines
// with many cores, where one input's own workers already use them all unless it
// is compressed.
const MaxParallelInputs = 8

// parallelInputs returns how many inputs to scan at once for a requested n: n when
// positive (at most MaxParallelInputs), else runtime.GOMAXPROCS(0) up to
// MaxParallelInputs.
func parallelInputs(n int) int {
	if n > 0 {
		return min(n, MaxParallelInputs)
	}
	return min(runtime.GOMAXPROCS(0), MaxParallelInputs)
}

// ScanPanic is the value Run and Service.Ingest panic with when an Input's Scan
// panicked: the scan runs on a goroutine of its own, so its panic is carried to
// the caller's goroutine, and raised there when that input's turn comes (after
// the inputs before it, as reading them one after another would), once the other
// scans have returned. Value is the scan's panic value, Stack the scan goroutine's
// stack where it panicked.
type ScanPanic struct {
	Input string // the Input's position, "inputs[i]"
	Value any
	Stack []byte
}

// Error returns the panic value, the input and the scan's stack.
func (p *ScanPanic) Error() string {
	return fmt.Sprintf("billing: %s: Scan panicked: %v\n\n%s", p.Input, p.Value, p.Stack)
}

// Unwrap returns the panic value when it is an error.
func (p *ScanPanic) Unwrap() error {
	err, _ := p.Value.(error)
	return err
}

// inputResult is what one input's scan left for the merge: its stats, its error,
// and the Aggregators of its Sinks.
type inputResult struct {
	stats    InputStats
	err      error
	aggs     []*Aggregator
	panicked *ScanPanic // the scan panicked
}

// scanOne runs in's Scan, recovering its panic into a ScanPanic.
func scanOne(ctx context.Context, i int, in Input, newSink func() Sink) (st InputStats, p *ScanPanic, err error) {
	defer func() {
		if v := recover(); v != nil {
			p = &ScanPanic{Input: fmt.Sprintf("inputs[%d]", i), Value: v, Stack: debug.Stack()}
		}
	}()
	st, err = in.Scan(ctx, newSink)
	return st, nil, err
}

// scanInputs scans inputs into total, up to parallel of them at once (parallel ≥ 1),
// and returns their stats in input order. Each input's Sinks are Aggregators made by
// newAgg; they are merged into total when their input's turn comes, so the result
// is the one of reading the inputs one after another, whatever order their scans
// end in:
//
//   - inputs are taken in order as their scans end: the first one whose scan fails,
//     which overlaps one before it (checkOverlap, B-14), or whose merge fails, stops
//     the run with that error, the one a sequential run reports; the scans still
//     running are cancelled, and scanInputs returns once they have all returned;
//   - a scan that fails while an earlier input is still being read waits for it,
//     since that input's error, or an overlap, comes first;
//   - input i+parallel starts only once input i has been merged, so at most
//     parallel inputs' Aggregators exist besides total, however the scans'
//     lengths differ;
//   - a scan that panics is recovered on its goroutine, and the panic raised again
//     (a *ScanPanic with the value and the scan's stack) on the caller's goroutine
//     when that input's turn comes, after the other scans have returned.
//
// With parallel 1 this is the plain loop: scan, check, merge, next.
func scanInputs(ctx context.Context, inputs []Input, parallel int, newAgg func() *Aggregator, total *Aggregator) ([]InputStats, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var g errgroup.Group
	// Each scan's goroutine sends once on its own buffered channel, so none waits
	// for the merge, and the merge reads them in input order.
	results := make([]chan inputResult, len(inputs))
	next := 0
	start := func() {
		i := next
		next++
		done := make(chan inputResult, 1)
		results[i] = done
		g.Go(func() error {
			var (
				mu   sync.Mutex
				aggs []*Aggregator
			)
			newSink := func() Sink {
				a := newAgg()
				mu.Lock()
				aggs = append(aggs, a)
				mu.Unlock()
				return a
			}
			st, p, err := scanOne(ctx, i, inputs[i], newSink)
			mu.Lock()
			defer mu.Unlock()
			done <- inputResult{stats: st, err: err, aggs: aggs, panicked: p}
			return nil
		})
	}
	for next < min(parallel, len(inputs)) {
		start()
	}
	stats := make([]InputStats, 0, len(inputs))
	var panicked *ScanPanic
	err := func() error {
		for i := range inputs {
			r := <-results[i]
			if r.panicked != nil {
				panicked = r.panicked
				return r.panicked
			}
			if r.err != nil {
				return r.err
			}
			stats = append(stats, r.stats)
			// B-14: an input overlapping one before it stops the run now, before
			// the rest is merged and before anything is computed.
			if err := checkOverlap(stats); err != nil {
				return err
			}
			for _, a := range r.aggs {
				if err := total.Merge(a); err != nil {
					return err
				}
			}
			if next < len(inputs) {
				start()
			}
		}
		return nil
	}()
	if err != nil {
		cancel()
	}
	_ = g.Wait() // the scans return no error of their own: each sent its result
	if panicked != nil {
		panic(panicked)
	}
	if err != nil {
		return nil, err
	}
	return stats, nil
}
