package billing

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hookInput wraps an Input with a function run before its scan and one run after it
// with its result, which may replace it: the tests below use them to order scans
// through channels, never through time.
type hookInput struct {
	Input
	before func(ctx context.Context)
	after  func(ctx context.Context, st InputStats, err error) (InputStats, error)
}

func (in hookInput) Scan(ctx context.Context, newSink func() Sink) (InputStats, error) {
	if in.before != nil {
		in.before(ctx)
	}
	st, err := in.Input.Scan(ctx, newSink)
	if in.after != nil {
		return in.after(ctx, st, err)
	}
	return st, err
}

// parallelParts cuts rows into n inputs with sketches (part1.csv … partN.csv).
func parallelParts(rows []row, n int) []Input {
	rowIDs := ids("li", len(rows))
	out := make([]Input, n)
	for i := range n {
		lo, hi := i*len(rows)/n, (i+1)*len(rows)/n
		out[i] = sketchInput{name: fmt.Sprintf("part%d.csv", i+1), rows: rows[lo:hi], ids: rowIDs[lo:hi]}
	}
	return out
}

// copyOf returns a copy of a part of parallelParts under another name.
func copyOf(in Input, name string) Input {
	c := in.(sketchInput)
	c.name = name
	return c
}

// runOutcome is what a Run gave: the result, or the error's text and whether it
// wraps ErrOverlap.
type runOutcome struct {
	res     *Result
	err     string
	overlap bool
}

func runWith(t *testing.T, cfg *Config, parallel int, inputs []Input) runOutcome {
	t.Helper()
	res, err := Run(context.Background(), Job{Period: oct, Issuer: cfg.Issuer, Tax: cfg.Tax, Projects: cfg, Inputs: inputs, Parallel: parallel})
	if err != nil {
		require.Nil(t, res, "no result with an error")
		return runOutcome{err: err.Error(), overlap: errors.Is(err, ErrOverlap)}
	}
	return runOutcome{res: res}
}

// TestB12_RunParallelEqualsSequential: however many inputs are scanned at once, Run
// gives what reading them one after another gives: the same invoices, warnings and
// input stats in input order, or the same error — the first input's in input order
// to fail, or the first to overlap one before it (B-14), even when a later input
// fails too.
func TestB12_RunParallelEqualsSequential(t *testing.T) {
	cfg := propertyConfig()
	rows := randomRows(rand.New(rand.NewPCG(8, 8)), 800)
	failing := func(in Input, msg string) Input {
		return hookInput{Input: in, after: func(_ context.Context, st InputStats, _ error) (InputStats, error) {
			return st, errors.New(msg)
		}}
	}
	tests := []struct {
		name    string
		inputs  func(parts []Input) []Input
		wantErr string // "" for a result; "overlap" for ErrOverlap
	}{
		{"8 parts", func(p []Input) []Input { return p }, ""},
		{"one part", func(p []Input) []Input { return p[:1] }, ""},
		{"an error in part 3 of 8", func(p []Input) []Input {
			p[2] = failing(p[2], "part3.csv:17: column lineItem/UnblendedCost: bad")
			return p
		}, "part3.csv:17"},
		{"an overlap between parts 2 and 6", func(p []Input) []Input {
			p[5] = copyOf(p[1], "part6.csv")
			return p
		}, "overlap"},
		{"errors in parts 3 and 7: part 3's", func(p []Input) []Input {
			p[2] = failing(p[2], "part3.csv:17: bad")
			p[6] = failing(p[6], "part7.csv:2: bad")
			return p
		}, "part3.csv:17"},
		{"an overlap between parts 2 and 6 before an error in part 7", func(p []Input) []Input {
			p[5] = copyOf(p[1], "part6.csv")
			p[6] = failing(p[6], "part7.csv:2: bad")
			return p
		}, "overlap"},
		{"an error in part 5 before an overlap between parts 2 and 6", func(p []Input) []Input {
			p[4] = failing(p[4], "part5.csv:9: bad")
			p[5] = copyOf(p[1], "part6.csv")
			return p
		}, "part5.csv:9"},
		{"an error in the last part", func(p []Input) []Input {
			p[7] = failing(p[7], "part8.csv:3: bad")
			return p
		}, "part8.csv:3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := runWith(t, cfg, 1, tt.inputs(parallelParts(rows, 8)))
			switch tt.wantErr {
			case "":
				require.Empty(t, want.err)
				assert.Len(t, want.res.Inputs, len(tt.inputs(parallelParts(rows, 8))))
			case "overlap":
				require.True(t, want.overlap, want.err)
				assert.Contains(t, want.err, "inputs part2.csv and part6.csv overlap")
			default:
				assert.Equal(t, tt.wantErr, want.err[:len(tt.wantErr)])
			}
			for _, parallel := range []int{2, 3, 4, 8, 16} {
				for range 5 {
					got := runWith(t, cfg, parallel, tt.inputs(parallelParts(rows, 8)))
					assert.Equal(t, want, got, "parallel %d", parallel)
				}
			}
		})
	}
}

// TestB12_RunParallelTakesInputsInOrder: inputs whose scans end in reverse order are
// still merged, checked and reported in input order.
func TestB12_RunParallelTakesInputsInOrder(t *testing.T) {
	cfg := propertyConfig()
	rows := randomRows(rand.New(rand.NewPCG(9, 9)), 300)
	want := runWith(t, cfg, 1, parallelParts(rows, 3))
	require.Empty(t, want.err)

	// Part 1 waits for part 2, which waits for part 3.
	parts := parallelParts(rows, 3)
	done := []chan struct{}{make(chan struct{}), make(chan struct{}), make(chan struct{})}
	for i := range parts {
		parts[i] = hookInput{Input: parts[i], after: func(_ context.Context, st InputStats, err error) (InputStats, error) {
			if i+1 < len(done) {
				<-done[i+1]
			}
			close(done[i])
			return st, err
		}}
	}
	got := runWith(t, cfg, 3, parts)
	assert.Equal(t, want, got)
	assert.Equal(t, []string{"part1.csv", "part2.csv", "part3.csv"}, []string{got.res.Inputs[0].Name, got.res.Inputs[1].Name, got.res.Inputs[2].Name})
}

// TestB12_RunParallelFirstErrorInInputOrder: when a later input fails first, Run
// waits for the earlier ones: their error, if any, is the one reported, as in a
// sequential run; else the later input's.
func TestB12_RunParallelFirstErrorInInputOrder(t *testing.T) {
	cfg := propertyConfig()
	rows := randomRows(rand.New(rand.NewPCG(10, 10)), 300)
	for _, firstFails := range []bool{true, false} {
		t.Run(fmt.Sprintf("first fails %v", firstFails), func(t *testing.T) {
			parts := parallelParts(rows, 3)
			secondFailed := make(chan struct{})
			parts[0] = hookInput{Input: parts[0], after: func(_ context.Context, st InputStats, err error) (InputStats, error) {
				<-secondFailed
				if firstFails {
					return st, errors.New("part1.csv:5: bad")
				}
				return st, err
			}}
			parts[1] = hookInput{Input: parts[1], after: func(_ context.Context, st InputStats, _ error) (InputStats, error) {
				close(secondFailed)
				return st, errors.New("part2.csv:7: bad")
			}}
			got := runWith(t, cfg, 3, parts)
			if firstFails {
				assert.Equal(t, "part1.csv:5: bad", got.err)
			} else {
				assert.Equal(t, "part2.csv:7: bad", got.err)
			}
		})
	}
}

// TestB12_RunParallelCancelsTheRest: once an input fails, the scans still running
// are cancelled, and Run returns only after every scan it started has returned.
func TestB12_RunParallelCancelsTheRest(t *testing.T) {
	cfg := propertyConfig()
	rows := randomRows(rand.New(rand.NewPCG(11, 11)), 300)
	parts := parallelParts(rows, 4)
	var (
		mu       sync.Mutex
		returned = map[string]error{}
	)
	for i := range parts {
		name := fmt.Sprintf("part%d.csv", i+1)
		parts[i] = hookInput{Input: parts[i], after: func(ctx context.Context, st InputStats, _ error) (InputStats, error) {
			var err error
			if i == 0 {
				err = errors.New("part1.csv:2: bad")
			} else {
				<-ctx.Done() // only a cancellation ends these scans
				err = ctx.Err()
			}
			mu.Lock()
			returned[name] = err
			mu.Unlock()
			return st, err
		}}
	}
	got := runWith(t, cfg, 3, parts)
	assert.Equal(t, "part1.csv:2: bad", got.err)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, map[string]error{"part1.csv": errors.New("part1.csv:2: bad"), "part2.csv": context.Canceled, "part3.csv": context.Canceled}, returned,
		"parts 2 and 3 were started and cancelled, part 4 never started")
}

// TestB12_RunParallelCallerCancels: a run whose context is cancelled returns the
// cancellation, and no scan is left running.
func TestB12_RunParallelCallerCancels(t *testing.T) {
	cfg := propertyConfig()
	rows := randomRows(rand.New(rand.NewPCG(12, 12)), 300)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var running atomic.Int32
	parts := parallelParts(rows, 6)
	for i := range parts {
		parts[i] = hookInput{Input: parts[i],
			before: func(context.Context) { running.Add(1) },
			after: func(ctx context.Context, st InputStats, err error) (InputStats, error) {
				defer running.Add(-1)
				if i == 1 {
					cancel()
				}
				<-ctx.Done()
				return st, ctx.Err()
			}}
	}
	res, err := Run(ctx, Job{Period: oct, Issuer: cfg.Issuer, Tax: cfg.Tax, Projects: cfg, Inputs: parts, Parallel: 2})
	require.ErrorIs(t, err, context.Canceled)
	assert.Nil(t, res)
	assert.Zero(t, running.Load(), "every scan returned before Run did")
}

// TestB12_RunParallelBoundsInputsInFlight: with Parallel n, input i+n starts only
// once input i has been merged, so however long one scan takes, at most n inputs'
// Aggregators wait.
func TestB12_RunParallelBoundsInputsInFlight(t *testing.T) {
	cfg := propertyConfig()
	rows := randomRows(rand.New(rand.NewPCG(13, 13)), 300)
	want := runWith(t, cfg, 1, parallelParts(rows, 6))
	const n = 2
	parts := parallelParts(rows, 6)
	var (
		mu       sync.Mutex
		finished = map[int]bool{}
		early    []string
		inFlight int
		most     int
	)
	secondDone := make(chan struct{})
	for i := range parts {
		parts[i] = hookInput{Input: parts[i],
			before: func(context.Context) {
				mu.Lock()
				defer mu.Unlock()
				if i >= n && !finished[i-n] {
					early = append(early, fmt.Sprintf("part %d started before part %d ended", i+1, i-n+1))
				}
				inFlight++
				most = max(most, inFlight)
			},
			after: func(_ context.Context, st InputStats, err error) (InputStats, error) {
				if i == 0 {
					<-secondDone // part 1 is the long one
				}
				mu.Lock()
				defer mu.Unlock()
				finished[i] = true
				inFlight--
				if i == 1 {
					close(secondDone)
				}
				return st, err
			}}
	}
	got := runWith(t, cfg, n, parts)
	assert.Equal(t, want, got)
	mu.Lock()
	defer mu.Unlock()
	assert.Empty(t, early)
	assert.Equal(t, n, most)
}

// TestB12_RunParallelInvalid: a negative Parallel is refused before anything is read.
func TestB12_RunParallelInvalid(t *testing.T) {
	cfg := propertyConfig()
	scanned := false
	_, err := Run(context.Background(), Job{Period: oct, Issuer: cfg.Issuer, Tax: cfg.Tax, Projects: cfg, Parallel: -1,
		Inputs: []Input{rowsInput{name: "a.csv", scanned: &scanned}}})
	require.ErrorIs(t, err, ErrInvalid)
	assert.Contains(t, err.Error(), "parallel")
	assert.False(t, scanned)
}

// panicInput panics in its Scan with value.
type panicInput struct {
	Input
	value any
}

func (in panicInput) Scan(context.Context, func() Sink) (InputStats, error) { panic(in.value) }

// TestB12_RunParallelScanPanicReachesCaller: an input whose Scan panics, on the
// goroutine scanInputs gives it, does not kill the process: the panic reaches
// Run's caller, who can recover it, as a *ScanPanic with the value and the scan's
// stack, raised when that input's turn comes: an error of an input before it is
// returned instead, as reading them one after another would.
func TestB12_RunParallelScanPanicReachesCaller(t *testing.T) {
	cfg := propertyConfig()
	rows := randomRows(rand.New(rand.NewPCG(12, 12)), 300)
	type bug struct{ n int }
	run := func(parallel int, parts []Input) (v any, out runOutcome) {
		defer func() { v = recover() }()
		return nil, runWith(t, cfg, parallel, parts)
	}
	for _, parallel := range []int{1, 3} {
		parts := parallelParts(rows, 3)
		parts[1] = panicInput{parts[1], bug{7}}
		v, _ := run(parallel, parts)
		p, ok := v.(*ScanPanic)
		require.True(t, ok, "parallel %d: recovered %v", parallel, v)
		require.Equal(t, bug{7}, p.Value)
		require.Equal(t, "inputs[1]", p.Input)
		require.Contains(t, string(p.Stack), "panicInput.Scan")
		require.Contains(t, p.Error(), "inputs[1]: Scan panicked: {7}")

		parts = parallelParts(rows, 3)
		parts[0] = hookInput{Input: parts[0], after: func(_ context.Context, st InputStats, _ error) (InputStats, error) {
			return st, errors.New("part1.csv:5: bad")
		}}
		parts[1] = panicInput{parts[1], bug{8}}
		v, out := run(parallel, parts)
		require.Nil(t, v, "parallel %d", parallel)
		require.Equal(t, "part1.csv:5: bad", out.err)
	}
	err := errors.New("boom")
	require.ErrorIs(t, &ScanPanic{Value: err}, err)
}

// TestB12_ParallelInputsBounded: Job.Parallel and ServiceConfig.ParallelInputs
// beyond MaxParallelInputs are taken as MaxParallelInputs.
func TestB12_ParallelInputsBounded(t *testing.T) {
	for n, want := range map[int]int{1: 1, 3: 3, MaxParallelInputs: MaxParallelInputs, MaxParallelInputs + 1: MaxParallelInputs, 1 << 30: MaxParallelInputs} {
		require.Equal(t, want, parallelInputs(n), "n %d", n)
	}
	require.Positive(t, parallelInputs(0))
	require.LessOrEqual(t, parallelInputs(0), MaxParallelInputs)
}
