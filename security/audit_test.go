package security_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
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

// S-4: Security Hub updates a finding under the same Id, its severity too (an
// analyst's BatchUpdateFindings, a re-scored finding), and sends it again. A
// finding alerted below the incident score that comes back above it is now an
// incident: its alert is repeated once, as an incident (the emergency phones
// listed), under the finding's id + EscalatedSuffix; later deliveries of it are
// repeats. One lowered from an incident was alerted as one: a repeat. Neither
// fails the batch (for ever: every later delivery of it would fail the same way)
// or leaves the batch's other findings unrouted.
func TestS4_FindingWhoseSeverityCrossedTheIncidentScore(t *testing.T) {
	for _, tc := range []struct {
		name, first, then string
		escalated         bool
	}{
		{"raised to an incident is alerted once more, as one", "MEDIUM", "HIGH", true},
		{"raised from LOW to CRITICAL", "LOW", "CRITICAL", true},
		{"lowered from an incident is a repeat", "CRITICAL", "LOW", false},
		{"lowered within the incidents is a repeat", "CRITICAL", "HIGH", false},
		{"raised below the incident score is a repeat", "LOW", "MEDIUM", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, 1, securitymem.New())
			acct := f.targets[0].AccountID
			setContacts(t, f, acct)
			finding := func(id, label string) string {
				return `{"Id": "` + id + `", "AwsAccountId": "` + acct + `", "Title": "S3 bucket public", "Severity": {"Label": "` + label + `"}}`
			}
			first, err := security.ParseFindings(strings.NewReader(`[` + finding("f-1", tc.first) + `]`))
			require.NoError(t, err)
			rep, err := f.svc.Alert(f.ctx, first)
			require.NoError(t, err)
			require.Len(t, rep.New, 1)

			batch, err := security.ParseFindings(strings.NewReader(`[` + finding("f-1", tc.then) + `, ` + finding("f-2", "MEDIUM") + `]`))
			require.NoError(t, err)
			for run := range 2 { // the second delivery of the batch repeats everything
				rep, err = f.svc.Alert(f.ctx, batch)
				require.NoError(t, err, "an updated finding does not stop the batch")
				if run == 1 {
					assert.Empty(t, rep.New, "delivered again")
					assert.Equal(t, 2, rep.Repeated, "delivered again")
					break
				}
				var ids []string
				for _, a := range rep.New {
					ids = append(ids, a.ID)
				}
				if tc.escalated {
					assert.Equal(t, []string{"f-1" + security.EscalatedSuffix, "f-2"}, ids)
					assert.Equal(t, 0, rep.Repeated)
					assert.Equal(t, 1, rep.Incidents, "the escalation is an incident")
					assert.True(t, rep.New[0].Incident)
					assert.Equal(t, tc.then, rep.New[0].Severity)
				} else {
					assert.Equal(t, []string{"f-2"}, ids, "f-2, after f-1 in the batch, is alerted")
					assert.Equal(t, 1, rep.Repeated, "f-1 was alerted already")
					assert.Equal(t, 0, rep.Incidents)
				}
			}

			notices, _, err := f.cstore.ListNotices(f.ctx, f.org.ID, "", resellerkit.Page{})
			require.NoError(t, err)
			kinds := map[contacts.Kind]int{}
			for _, n := range notices {
				kinds[n.Kind]++
			}
			alerts, _, err := f.svc.ListAlerts(f.ctx, f.alice, f.org.ID, acct, resellerkit.Page{})
			require.NoError(t, err)
			firstKind := contacts.KindSecurityAlert
			if tc.first == "HIGH" || tc.first == "CRITICAL" {
				firstKind = contacts.KindSecurityIncident
			}
			want := map[contacts.Kind]int{contacts.KindSecurityAlert: 1} // f-2
			want[firstKind]++
			if tc.escalated {
				want[contacts.KindSecurityIncident]++
				assert.Len(t, alerts, 3, "f-1, its escalation and f-2")
			} else {
				assert.Len(t, alerts, 2, "f-1 and f-2")
			}
			assert.Equal(t, want, kinds, "one notice per finding, and one per escalation")
		})
	}
}
