package billingtest

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// put stores d, requiring the outcome want.
func put(t *testing.T, s billing.Store, d billing.CostData, want billing.PutOutcome) {
	t.Helper()
	got, err := s.PutCostData(t.Context(), d)
	require.NoError(t, err, "put %s of %s for %s", d.Version, d.Payer, d.Period)
	require.Equal(t, want, got, "put %s of %s for %s", d.Version, d.Payer, d.Period)
}

// groups returns CostGroups(period), canonical.
func groups(t *testing.T, s billing.Store, period resellerkit.Month) []billing.Group {
	t.Helper()
	return groupsIn(t.Context(), t, s, period)
}

func groupsIn(ctx context.Context, t *testing.T, s billing.Store, period resellerkit.Month) []billing.Group {
	t.Helper()
	gs, err := s.CostGroups(ctx, period)
	require.NoError(t, err, "CostGroups(%s)", period)
	return canonGroups(gs)
}

// reports returns CostReports(period), canonical.
func reports(t *testing.T, s billing.Store, period resellerkit.Month) []billing.CostData {
	t.Helper()
	ds, err := s.CostReports(t.Context(), period)
	require.NoError(t, err, "CostReports(%s)", period)
	return canonCostDatas(ds)
}

// history returns ReportHistory(payer, period), canonical and without sketches:
// the contract leaves it to the store whether the history carries them
// (historySketches checks them when it does).
func history(t *testing.T, s billing.Store, payer string, period resellerkit.Month) []billing.CostData {
	t.Helper()
	return withoutSketches(historySketched(t.Context(), t, s, payer, period))
}

// historySketched returns ReportHistory(payer, period), canonical, sketches and
// all.
func historySketched(ctx context.Context, t *testing.T, s billing.Store, payer string, period resellerkit.Month) []billing.CostData {
	t.Helper()
	ds, err := s.ReportHistory(ctx, payer, period)
	require.NoError(t, err, "ReportHistory(%s, %s)", payer, period)
	return canonCostDatas(ds)
}

// withoutSketches returns ds with every Sketch nil.
func withoutSketches(ds []billing.CostData) []billing.CostData {
	if ds == nil {
		return nil
	}
	out := make([]billing.CostData, len(ds))
	for i, d := range ds {
		d.Sketch = nil
		out[i] = d
	}
	return out
}

// headers returns the headers of ds, canonical: what CostReports returns for
// them.
func headers(ds ...billing.CostData) []billing.CostData {
	out := make([]billing.CostData, len(ds))
	for i, d := range ds {
		out[i] = header(d)
	}
	return canonCostDatas(out)
}

// histHeaders returns the headers of ds as history compares them: without
// sketches.
func histHeaders(ds ...billing.CostData) []billing.CostData { return withoutSketches(headers(ds...)) }

// sameSketch requires got to be want: both nil, or the same sample of row
// identities (Overlap shares all of both, Len equal) and of row contents.
func sameSketch(t *testing.T, want, got *billing.Sketch, msgAndArgs ...any) {
	t.Helper()
	if want == nil || got == nil {
		assert.Equal(t, want == nil, got == nil, append([]any{"a nil sketch, and only a nil one, comes back nil: "}, msgAndArgs...)...)
		return
	}
	want, got = cloneSketch(want), cloneSketch(got) // Sketch's reads sort it: never those of the caller
	shared, na, nb := want.Overlap(got)
	assert.Equal(t, [3]int{want.Len(), want.Len(), want.Len()}, [3]int{shared, na, nb},
		append([]any{"Overlap (shared, na, nb): every sampled row of each: "}, msgAndArgs...)...)
	assert.Equal(t, want.Len(), got.Len(), msgAndArgs...)
	assert.Equal(t, want, got, append([]any{"the same samples, row contents included: "}, msgAndArgs...)...)
}

// checkHistorySketches requires the sketches ReportHistory(payer, period) returns,
// if it returns any, to be those of want, the versions stored: a store may leave
// them out, never give another's.
func checkHistorySketches(t *testing.T, s billing.Store, payer string, period resellerkit.Month, want ...billing.CostData) {
	t.Helper()
	h := historySketched(t.Context(), t, s, payer, period)
	require.Len(t, h, len(want), "ReportHistory(%s, %s)", payer, period)
	returned := 0
	for _, d := range h {
		if d.Sketch != nil {
			returned++
		}
	}
	if returned == 0 {
		return // the store's history carries no sketches
	}
	for i, d := range h {
		sameSketch(t, want[i].Sketch, d.Sketch, "ReportHistory's version %s", want[i].Version)
	}
}

// issue issues d, requiring it to be stored (true), and returns what the store
// returned, canonical.
func issue(t *testing.T, s billing.Store, d billing.Document) billing.Document {
	t.Helper()
	return issueIn(t.Context(), t, s, d)
}

func issueIn(ctx context.Context, t *testing.T, s billing.Store, d billing.Document) billing.Document {
	t.Helper()
	got, ok, err := s.IssueDocument(ctx, d)
	require.NoError(t, err, "issue %q", d.ID)
	require.True(t, ok, "issue %q: a new key is issued", d.ID)
	return canonDocument(got)
}

// getDoc returns document id of orgID, canonical.
func getDoc(t *testing.T, s billing.Store, orgID, id string) billing.Document {
	t.Helper()
	d, err := s.GetDocument(t.Context(), orgID, id)
	require.NoError(t, err, "document %q of %q", id, orgID)
	return canonDocument(d)
}

// docs returns every document f selects, canonical.
func docs(t *testing.T, s billing.Store, f billing.DocumentFilter) []billing.Document {
	t.Helper()
	return canonDocuments(storetest.All(t, func(p resellerkit.Page) ([]billing.Document, string, error) {
		return s.ListDocuments(t.Context(), f, p)
	}))
}

// docIDs returns the ids of ds, in order.
func docIDs(ds []billing.Document) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.ID
	}
	return out
}

// getAlarm returns alarm id of orgID, canonical.
func getAlarm(t *testing.T, s billing.Store, orgID, id string) billing.Alarm {
	t.Helper()
	a, err := s.GetAlarm(t.Context(), orgID, id)
	require.NoError(t, err, "alarm %q of %q", id, orgID)
	return canonAlarm(a)
}

// createAlarm creates a.
func createAlarm(t *testing.T, s billing.Store, a billing.Alarm) {
	t.Helper()
	require.NoError(t, s.CreateAlarm(t.Context(), a), "create alarm %q", a.ID)
}

// alarms returns ListAlarms(orgID, accountID), canonical.
func alarms(t *testing.T, s billing.Store, orgID, accountID string) []billing.Alarm {
	t.Helper()
	as, err := s.ListAlarms(t.Context(), orgID, accountID)
	require.NoError(t, err, "ListAlarms(%q, %q)", orgID, accountID)
	return canonAlarms(as)
}

// alarmIDs returns the ids of as, in order.
func alarmIDs(as []billing.Alarm) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.ID
	}
	return out
}

// firings returns ListFirings(orgID, alarmID), canonical.
func firings(t *testing.T, s billing.Store, orgID, alarmID string) []billing.AlarmFiring {
	t.Helper()
	fs, err := s.ListFirings(t.Context(), orgID, alarmID)
	require.NoError(t, err, "ListFirings(%q, %q)", orgID, alarmID)
	return canonFirings(fs)
}

// record records f, requiring the answer want.
func record(t *testing.T, s billing.Store, f billing.AlarmFiring, want bool) {
	t.Helper()
	got, err := s.RecordFiring(t.Context(), f)
	require.NoError(t, err, "firing of %q in %s", f.AlarmID, f.Period)
	require.Equal(t, want, got, "firing of %q in %s: recorded", f.AlarmID, f.Period)
}

// The fixture every transaction and atomicity case starts from. fixV1 has no
// sketch; fixV2's is full, fixP2's small.
var (
	fixV1 = CostData(Report(payer1, may, "v1", t0), Group(payer1, "AmazonEC2", "Usage", "10.5"),
		Group(payer1, "AmazonS3", "Usage", "0.0000000181"))
	fixV2 = sketched(CostData(Report(payer1, may, "v2", t0.Add(24*60*60e9)), Group(payer1, "AmazonEC2", "Usage", "12.25")),
		sketchOf("fixV2", "fixV2", 3000))
	fixP2 = sketched(CostData(Report(payer2, may, "p2v1", t0), Group(payer2, "AWSMarketplace", "Usage", "99")),
		sketchOf("fixP2", "fixP2", 40))
)

// sketched returns d with sketch s.
func sketched(d billing.CostData, s *billing.Sketch) billing.CostData {
	d.Sketch = s
	return d
}

// fixturePeriods and fixturePayers are the cost data dump reads.
var (
	fixturePeriods = []resellerkit.Month{apr, may, jun}
	fixturePayers  = []string{payer1, payer2}
)

// seed stores the fixture: two versions of payer1's May (v2 current), payer2's
// May, documents d1 (o1) and d2 (o2), alarms a1 (o1, with a firing in May) and a2
// (o2).
func seed(t *testing.T, s billing.Store) {
	t.Helper()
	put(t, s, fixV1, billing.Stored)
	put(t, s, fixV2, billing.Stored)
	put(t, s, fixP2, billing.Stored)
	issue(t, s, Document("o1", "p1", "d1", may))
	issue(t, s, Document("o2", "p2", "d2", may))
	createAlarm(t, s, Alarm("o1", "123456789012", "a1"))
	createAlarm(t, s, Alarm("o2", "123456789012", "a2"))
	record(t, s, Firing("o1", "a1", may), true)
}

// dump returns everything the store holds of the fixture's payers, periods and
// organizations, canonical, keyed by what it is.
func dump(t *testing.T, s billing.Store) map[string]any {
	t.Helper()
	return dumpIn(t.Context(), t, s)
}

func dumpIn(ctx context.Context, t *testing.T, s billing.Store) map[string]any {
	t.Helper()
	out := map[string]any{}
	for _, period := range fixturePeriods {
		ds, err := s.CostReports(ctx, period)
		require.NoError(t, err)
		for _, d := range canonCostDatas(ds) {
			out[fmt.Sprintf("report/%s/%s", period, d.Payer)] = d
		}
		if gs := groupsIn(ctx, t, s, period); len(gs) > 0 {
			out[fmt.Sprintf("groups/%s", period)] = gs
		}
		for _, payer := range fixturePayers {
			if h := withoutSketches(historySketched(ctx, t, s, payer, period)); len(h) > 0 {
				out[fmt.Sprintf("history/%s/%s", period, payer)] = h
			}
		}
	}
	var all []billing.Document
	page := resellerkit.Page{Limit: resellerkit.MaxPageLimit}
	for {
		ds, next, err := s.ListDocuments(ctx, billing.DocumentFilter{}, page)
		require.NoError(t, err)
		all = append(all, ds...)
		if next == "" {
			break
		}
		page.Token = next
	}
	for _, d := range canonDocuments(all) {
		out["document/"+d.ID] = d
	}
	as, err := s.ListAlarms(ctx, "", "")
	require.NoError(t, err)
	for _, a := range canonAlarms(as) {
		out["alarm/"+a.ID] = a
		fs, err := s.ListFirings(ctx, a.OrgID, a.ID)
		require.NoError(t, err)
		if len(fs) > 0 {
			out["firings/"+a.ID] = canonFirings(fs)
		}
	}
	return out
}
