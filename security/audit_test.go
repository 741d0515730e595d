package security_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/security"
	securitymem "github.com/seeda33a2f4f/resellerkit/security/memstore"
	securitysql "github.com/seeda33a2f4f/resellerkit/security/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
)

// rendezvousStore holds the answer of every UnfinishedRun until two callers
// have read theirs (or wait passed): two runners starting together both look for
// an unfinished run before either has created one, the interleaving two
// overlapping cron jobs (or two hosts running the job) can get.
type rendezvousStore struct {
	security.Store
	wait time.Duration

	mu      sync.Mutex
	arrived int
	both    chan struct{}
}

func (r *rendezvousStore) UnfinishedRun(ctx context.Context) (security.Run, error) {
	run, err := r.Store.UnfinishedRun(ctx)
	r.mu.Lock()
	r.arrived++
	if r.arrived == 2 {
		close(r.both)
	}
	r.mu.Unlock()
	select {
	case <-r.both:
	case <-time.After(r.wait):
	}
	return run, err
}

// S-3: two runners started at the same moment with no unfinished run must not
// each create a run of their own and maintain the same accounts at once (two
// repairs of one control, two summary notices per account): one works the run,
// the other is told ErrBusy, as it is once the run exists (or, had the first
// finished already, starts the next run).
func TestS3_TwoRunnersStartingTogetherMakeOneRun(t *testing.T) {
	t.Run("memstore", func(t *testing.T) { twoRunnersTogether(t, securitymem.New()) })
	sqldbtest.Run(t, func(t *testing.T, d sqldb.Dialect) {
		s, err := securitysql.New(context.Background(), sqldbtest.Open(t, d))
		require.NoError(t, err)
		twoRunnersTogether(t, s)
	})
}

func twoRunnersTogether(t *testing.T, store security.Store) {
	f := newFixture(t, 3, store)
	rz := &rendezvousStore{Store: store, wait: 500 * time.Millisecond, both: make(chan struct{})}
	var (
		wg   sync.WaitGroup
		errs [2]error
		reps [2]security.Report
	)
	for i := range 2 {
		svc, err := security.NewService(security.Config{Store: rz, Members: f.members, Notifier: f.contacts,
			Checks: f.aws.checks(), Regions: regions, Workers: 2})
		require.NoError(t, err)
		wg.Add(1)
		go func() {
			defer wg.Done()
			reps[i], errs[i] = svc.Maintain(f.ctx, f.targets)
		}()
	}
	wg.Wait()
	busy, ok := 0, 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
			assert.Equal(t, security.RunFinished, reps[i].Run.State)
		case errors.Is(err, security.ErrBusy):
			busy++
		default:
			t.Fatalf("runner %d: %v", i, err)
		}
	}
	switch ok {
	case 1:
		assert.Equal(t, 1, busy, "the other is told a run is in progress")
	case 2: // the second started after the first had finished: one run after the other
		first, second := reps[0].Run, reps[1].Run
		if second.StartedAt.Before(first.StartedAt) {
			first, second = second, first
		}
		assert.NotEqual(t, first.ID, second.ID)
		assert.False(t, second.StartedAt.Before(first.FinishedAt),
			"two runs at once: %s from %s to %s, %s from %s", first.ID, first.StartedAt, first.FinishedAt, second.ID, second.StartedAt)
	default:
		t.Fatalf("no runner succeeded: %v", errs)
	}
	assert.Equal(t, 1, f.aws.maxRepairs(), "no control repaired twice")
}
