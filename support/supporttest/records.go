package supporttest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/storetest"
	"github.com/seeda33a2f4f/resellerkit/support"
)

// createCase stores c.
func createCase(t *testing.T, s support.Store, c support.Case) {
	t.Helper()
	require.NoError(t, s.CreateCase(t.Context(), c), "create case %q", c.ID)
}

// getCase returns orgID's case id, canonical.
func getCase(t *testing.T, s support.Store, orgID, id string) support.Case {
	t.Helper()
	c, err := s.GetCase(t.Context(), orgID, id)
	require.NoError(t, err, "case %q of %q", id, orgID)
	return canonCase(c)
}

// updateCase stores c.
func updateCase(t *testing.T, s support.Store, c support.Case) {
	t.Helper()
	require.NoError(t, s.UpdateCase(t.Context(), c), "update case %q of %q at version %d", c.ID, c.OrgID, c.Version)
}

// cases returns every case f selects, canonical.
func cases(t *testing.T, s support.Store, f support.CaseFilter) []support.Case {
	t.Helper()
	return casesIn(t.Context(), t, s, f)
}

func casesIn(ctx context.Context, t *testing.T, s support.Store, f support.CaseFilter) []support.Case {
	t.Helper()
	return canonCases(storetest.All(t, func(p resellerkit.Page) ([]support.Case, string, error) {
		return s.ListCases(ctx, f, p)
	}))
}

// caseIDs returns the ids of cs, in order.
func caseIDs(cs []support.Case) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

// addReply stores r.
func addReply(t *testing.T, s support.Store, r support.Reply) {
	t.Helper()
	require.NoError(t, s.AddReply(t.Context(), r), "add reply %q to case %q of %q", r.ID, r.CaseID, r.OrgID)
}

// replies returns the replies of orgID's case, canonical.
func replies(t *testing.T, s support.Store, orgID, caseID string) []support.Reply {
	t.Helper()
	rs, err := s.ListReplies(t.Context(), orgID, caseID)
	require.NoError(t, err, "replies of case %q of %q", caseID, orgID)
	return canonReplies(rs)
}

// replyIDs returns the ids of rs, in order.
func replyIDs(rs []support.Reply) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

// purge returns PurgeCases(cutoff, limit), requiring no error.
func purge(t *testing.T, s support.Store, cutoff time.Time, limit int) []string {
	t.Helper()
	ids, err := s.PurgeCases(t.Context(), cutoff, limit)
	require.NoError(t, err, "purge before %v, limit %d", cutoff, limit)
	return storetest.NilIfEmpty(ids)
}

// The fixture every transaction and atomicity case starts from.
var (
	// fixOld is o2's case opened more than a year before t0: the one a purge
	// with the cutoff fixCutoff deletes.
	fixOld    = Case("o2", acct2, "c0", t0.AddDate(-1, -1, 0))
	fixCutoff = t0.AddDate(-1, 0, 0)
	fixC1     = Case("o1", acct1, "c1", t0)
	fixC2     = func() support.Case {
		c := Case("o1", acct2, "c2", t0.Add(time.Hour))
		c.State, c.Assignee, c.Escalation, c.Waiting = support.Open, "", nil, nil
		return c
	}()
	fixC3 = Case("o2", acct1, "c3", t0.Add(2*time.Hour))
)

// The fixture's keys, which dump reads.
var (
	fixtureCases   = []string{"c0", "c1", "c2", "c3", "c4", "c9"}
	fixtureFilters = []support.CaseFilter{{}, {OrgID: "o1"}, {OrgID: "o2"}, {OrgID: "o2", States: []support.State{support.Closed}}}
)

// seed stores the fixture: o1's cases c1 (updated once: Version 2) and c2 (with
// two replies), o2's c3 (one reply) and the old c0 (one reply).
func seed(t *testing.T, s support.Store) {
	t.Helper()
	for _, c := range []support.Case{fixOld, fixC1, fixC2, fixC3} {
		createCase(t, s, c)
	}
	c1 := fixC1
	c1.Version, c1.Severity = 1, support.Urgent
	updateCase(t, s, c1)
	addReply(t, s, Reply("o2", "c0", "r0", fixOld.CreatedAt.Add(time.Minute)))
	addReply(t, s, Reply("o1", "c2", "r1", t0.Add(2*time.Hour)))
	addReply(t, s, Reply("o1", "c2", "r2", t0.Add(3*time.Hour)))
	addReply(t, s, Reply("o2", "c3", "r3", t0.Add(3*time.Hour)))
}

// dump returns everything the store holds of the fixture's cases, canonical,
// keyed by what it is.
func dump(t *testing.T, s support.Store) map[string]any {
	t.Helper()
	return dumpIn(t.Context(), t, s)
}

func dumpIn(ctx context.Context, t *testing.T, s support.Store) map[string]any {
	t.Helper()
	out := map[string]any{}
	for _, id := range fixtureCases {
		c, err := s.GetCase(ctx, "", id)
		if err != nil {
			errIs(t, err, support.ErrNotFound, "case %s", id)
			_, err := s.ListReplies(ctx, "", id)
			errIs(t, err, support.ErrNotFound, "replies of case %s", id)
			continue
		}
		out["case/"+id] = canonCase(c)
		rs, err := s.ListReplies(ctx, "", id)
		require.NoError(t, err, "replies of case %s", id)
		if len(rs) > 0 {
			out["replies/"+id] = canonReplies(rs)
		}
	}
	for _, f := range fixtureFilters {
		out["list/"+f.OrgID+"/"+statesKey(f.States)] = caseIDs(casesIn(ctx, t, s, f))
	}
	return out
}

func statesKey(states []support.State) string {
	k := ""
	for _, st := range states {
		k += string(st) + ","
	}
	return k
}
