package billing_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/membersource"
)

// flightInput counts the scans in flight around its CSV scan; when gate is set,
// a scan waits there until gate is closed (by the last of a group of scans to
// start), so scans that must overlap are checked without timing.
type flightInput struct {
	csvInput
	f *flight
}

type flight struct {
	mu        sync.Mutex
	in, most  int
	started   int
	all       int           // gate closes when this many scans have started
	gate      chan struct{} // nil: no gate
	gateClose sync.Once
}

func (in flightInput) Scan(ctx context.Context, newSink func() billing.Sink) (billing.InputStats, error) {
	f := in.f
	f.mu.Lock()
	f.in++
	f.started++
	f.most = max(f.most, f.in)
	if f.gate != nil && f.started == f.all {
		f.gateClose.Do(func() { close(f.gate) })
	}
	f.mu.Unlock()
	if f.gate != nil {
		select {
		case <-f.gate:
		case <-ctx.Done():
			return billing.InputStats{}, ctx.Err()
		}
	}
	defer func() {
		f.mu.Lock()
		f.in--
		f.mu.Unlock()
	}()
	return in.csvInput.Scan(ctx, newSink)
}

// TestB14_IngestParallelInputs: ServiceConfig.ParallelInputs 1 makes Ingest scan a
// version's files one after another; 3 scans three at once (each scan waits for
// the other two to start); negative is refused.
func TestB14_IngestParallelInputs(t *testing.T) {
	rows := octRows()
	for _, tc := range []struct {
		parallel int
		wantMost int
	}{{1, 1}, {3, 3}} {
		t.Run(fmt.Sprint(tc.parallel), func(t *testing.T) {
			f := newFixture(t)
			src := membersource.New(f.members, f.plans)
			svc, err := billing.NewService(billing.ServiceConfig{Store: f.store, Projects: src,
				Issuer: billing.Issuer{Name: "x", RegistrationNumber: issuer}, Calendar: billing.Calendar{IssueDay: 10},
				Now: f.clock, NewID: newIDs(), ParallelInputs: tc.parallel})
			require.NoError(t, err)
			fl := &flight{}
			if tc.parallel > 1 {
				fl.gate, fl.all = make(chan struct{}), tc.parallel
			}
			var inputs []billing.Input
			for i := range 3 {
				inputs = append(inputs, flightInput{csvInput{name: fmt.Sprintf("part%d.csv", i+1), text: report(oct, rows[i])}, fl})
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a deadlock fails, not hangs
			defer cancel()
			got, err := svc.Ingest(ctx, billing.Report{Payer: payer, Period: oct, Version: "v1",
				GeneratedAt: time.Date(2026, time.November, 5, 0, 0, 0, 0, time.UTC)}, inputs)
			require.NoError(t, err)
			require.Len(t, got.Inputs, 3)
			require.Equal(t, "part1.csv", got.Inputs[0].Name)
			require.Equal(t, tc.wantMost, fl.most)
		})
	}
	f := newFixture(t)
	_, err := billing.NewService(billing.ServiceConfig{Store: f.store, Projects: membersource.New(f.members, f.plans),
		Issuer: billing.Issuer{Name: "x", RegistrationNumber: issuer}, ParallelInputs: -1})
	require.ErrorIs(t, err, billing.ErrInvalid)
	require.ErrorContains(t, err, "parallel_inputs")
}
