package billingtest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// costDataCases check the cost data of B-13 and B-14: one stored version per payer
// and month, replaced whole by a newer one, never by an older or superseded one.
func costDataCases() []storeCase {
	return []storeCase{
		{"CostData/FirstVersionIsStored_B14", costFirstVersion},
		{"CostData/NewerVersionReplacesTheMonth_B14", costNewerReplaces},
		{"CostData/NewerVersionWithNoGroupsEmptiesTheMonth_B14", costNewerWithNoGroups},
		{"CostData/SameVersionAgainIsUnchanged_B14", costSameVersionUnchanged},
		{"CostData/SupersededVersionIsStale_B14", costSupersededStale},
		{"CostData/VersionNotAfterTheStoredIsStale_B14", costNotAfterStale},
		{"CostData/HistoryOldestFirst_B14", costHistory},
		{"CostData/PayersOfOneMonthAreIndependent_B14", costPayersIndependent},
		{"CostData/PeriodsAreIndependent_B14", costPeriodsIndependent},
		{"CostData/DecimalsRoundTripExactly_B14", costDecimals},
		{"CostData/ClassIsClassifyKeys", costClass},
		{"CostData/EveryFieldRoundTripsInUTC_B13", costEveryField},
		{"CostData/FailedTxKeepsThePreviousVersion_B14", costFailedTx},
		{"CostData/ConcurrentVersionsTheLatestWins_B14", costConcurrent},
		{"CostData/CopiesInAndOut", costCopies},
		{"CostData/SketchRoundTrips_B14", costSketchRoundTrips},
		{"CostData/NilSketchComesBackNil_B14", costNilSketch},
		{"CostData/NewerVersionsSketchReplacesTheOlder_B14", costSketchReplaced},
		{"CostData/GroupsOfAccountsAreTheFilteredGroups_B13", costGroupsOf},
	}
}

// costFirstVersion: the first version of a month is Stored, listed, its groups
// returned in stored order, its history one entry.
func costFirstVersion(t *testing.T, s billing.Store) {
	v1 := CostData(Report(payer1, may, "v1", t0), Group(payer1, "AmazonS3", "Usage", "1"),
		Group(payer1, "AmazonEC2", "Usage", "2"), Group(payer1, "AmazonEC2", "Tax", "0.2"))
	put(t, s, v1, billing.Stored)
	assert.Equal(t, classified(v1.Groups...), groups(t, s, may), "the groups, in stored order")
	assert.Equal(t, headers(v1), reports(t, s, may))
	assert.Equal(t, histHeaders(v1), history(t, s, payer1, may))
}

// costNewerReplaces: a version generated later replaces the month whole (B-14):
// only its groups remain, one report, and the history has both.
func costNewerReplaces(t *testing.T, s billing.Store) {
	v1 := CostData(Report(payer1, may, "v1", t0), Group(payer1, "AmazonEC2", "Usage", "10"),
		Group(payer1, "AmazonS3", "Usage", "3"), Group(payer1, "AmazonRDS", "Usage", "4"))
	v2 := CostData(Report(payer1, may, "v2", t0.Add(time.Hour)), Group(payer1, "AmazonEC2", "Usage", "11"),
		Group(payer1, "AWSLambda", "Usage", "0.5"))
	put(t, s, v1, billing.Stored)
	put(t, s, v2, billing.Stored)
	assert.Equal(t, classified(v2.Groups...), groups(t, s, may), "only the newer version's groups: nothing counted twice")
	assert.Equal(t, headers(v2), reports(t, s, may), "one report per payer: the newer")
	assert.Equal(t, histHeaders(v1, v2), history(t, s, payer1, may))
}

// costNewerWithNoGroups: a newer version with no groups (a month AWS emptied)
// leaves the month with none.
func costNewerWithNoGroups(t *testing.T, s billing.Store) {
	put(t, s, CostData(Report(payer1, may, "v1", t0), Group(payer1, "AmazonEC2", "Usage", "10")), billing.Stored)
	v2 := CostData(Report(payer1, may, "v2", t0.Add(time.Hour)))
	v2.Files = nil
	put(t, s, v2, billing.Stored)
	assert.Empty(t, groups(t, s, may))
	assert.Equal(t, headers(v2), reports(t, s, may))
}

// costSameVersionUnchanged: the stored version again is Unchanged and writes
// nothing, whatever else it carries (a later time, other groups).
func costSameVersionUnchanged(t *testing.T, s billing.Store) {
	seed(t, s)
	before := dump(t, s)
	for _, d := range []billing.CostData{
		fixV2,
		CostData(Report(payer1, may, "v2", fixV2.GeneratedAt.Add(time.Hour)), Group(payer1, "AmazonS3", "Usage", "1")),
		CostData(Report(payer1, may, "v2", fixV2.GeneratedAt.Add(-time.Hour))),
	} {
		put(t, s, d, billing.Unchanged)
	}
	storetest.SameDump(t, before, dump(t, s), "an unchanged version writes nothing")
}

// costSupersededStale: a version the stored one superseded is ErrStaleReport, even
// with a time after the stored one's, and changes nothing.
func costSupersededStale(t *testing.T, s billing.Store) {
	seed(t, s)
	before := dump(t, s)
	for _, d := range []billing.CostData{
		fixV1,
		CostData(Report(payer1, may, "v1", fixV2.GeneratedAt.Add(time.Hour)), Group(payer1, "AmazonS3", "Usage", "1")),
	} {
		got, err := s.PutCostData(t.Context(), d)
		errIs(t, err, billing.ErrStaleReport, "version %s generated at %s", d.Version, d.GeneratedAt)
		assert.NotEqual(t, billing.Stored, got)
	}
	storetest.SameDump(t, before, dump(t, s), "a stale version changes nothing")
}

// costNotAfterStale: a new version generated at or before the stored one's time
// is ErrStaleReport and changes nothing; one a microsecond after is stored.
func costNotAfterStale(t *testing.T, s billing.Store) {
	seed(t, s)
	before := dump(t, s)
	at := fixV2.GeneratedAt
	for _, c := range []struct {
		name string
		at   time.Time
	}{
		{"the same time", at},
		{"the same time in another zone", storetest.Local(at).Add(-999)},
		{"an hour before", at.Add(-time.Hour)},
		{"before the first version", fixV1.GeneratedAt.Add(-time.Hour)},
	} {
		d := CostData(Report(payer1, may, "v3", c.at), Group(payer1, "AmazonS3", "Usage", "1"))
		_, err := s.PutCostData(t.Context(), d)
		errIs(t, err, billing.ErrStaleReport, c.name)
	}
	storetest.SameDump(t, before, dump(t, s), "a stale version changes nothing")
	v3 := CostData(Report(payer1, may, "v3", at.Add(time.Microsecond)), Group(payer1, "AmazonS3", "Usage", "1"))
	put(t, s, v3, billing.Stored)
	assert.Equal(t, classified(v3.Groups...), groups(t, s, may)[:1], "payer1's groups come first")
}

// costHistory: ReportHistory lists every version stored, oldest first, without
// groups; refused versions are not in it.
func costHistory(t *testing.T, s billing.Store) {
	var stored []billing.CostData
	for i := range 4 {
		d := CostData(Report(payer1, may, fmt.Sprintf("v%d", i+1), t0.Add(time.Duration(i)*time.Hour)),
			Group(payer1, "AmazonEC2", "Usage", fmt.Sprint(i+1)))
		put(t, s, d, billing.Stored)
		stored = append(stored, d)
		_, err := s.PutCostData(t.Context(), CostData(Report(payer1, may, fmt.Sprintf("stale%d", i), t0.Add(-time.Hour))))
		errIs(t, err, billing.ErrStaleReport)
		put(t, s, d, billing.Unchanged)
	}
	h := history(t, s, payer1, may)
	assert.Equal(t, histHeaders(stored...), h, "every version, oldest first, none refused")
	assert.Equal(t, h[len(h)-1:], withoutSketches(reports(t, s, may)), "the last one is current")
	assert.Empty(t, history(t, s, payer2, may), "a payer never stored has no history")
	assert.Empty(t, history(t, s, payer1, apr), "a month never stored has no history")
}

// costPayersIndependent: two payers of one month are stored, replaced and refused
// independently (their version ids and times are unrelated); reports come in payer
// order and groups payer by payer.
func costPayersIndependent(t *testing.T, s billing.Store) {
	p2 := CostData(Report(payer2, may, "same-id", t0.Add(time.Hour)), Group(payer2, "AmazonEC2", "Usage", "2"))
	p1 := CostData(Report(payer1, may, "same-id", t0), Group(payer1, "AmazonEC2", "Usage", "1"),
		Group(payer1, "AmazonS3", "Usage", "1.5"))
	put(t, s, p2, billing.Stored) // payer2 first: the order is the payers', not the puts'
	put(t, s, p1, billing.Stored)
	assert.Equal(t, headers(p1, p2), reports(t, s, may), "one per payer, in payer order")
	assert.Equal(t, classified(slices.Concat(p1.Groups, p2.Groups)...), groups(t, s, may), "payer by payer")

	p1v2 := CostData(Report(payer1, may, "p1-v2", t0.Add(30*time.Minute)), Group(payer1, "AmazonRDS", "Usage", "7"))
	put(t, s, p1v2, billing.Stored) // before payer2's time: each payer's versions are its own
	assert.Equal(t, headers(p1v2, p2), reports(t, s, may))
	assert.Equal(t, classified(slices.Concat(p1v2.Groups, p2.Groups)...), groups(t, s, may), "payer2's groups untouched")
	_, err := s.PutCostData(t.Context(), CostData(Report(payer2, may, "p2-old", t0.Add(45*time.Minute))))
	errIs(t, err, billing.ErrStaleReport, "payer2's own stored time decides")
	assert.Equal(t, histHeaders(p1, p1v2), history(t, s, payer1, may))
	assert.Equal(t, histHeaders(p2), history(t, s, payer2, may))
}

// costPeriodsIndependent: one payer's months are stored, replaced and refused
// independently, and a month with no data has no reports and no groups.
func costPeriodsIndependent(t *testing.T, s billing.Store) {
	mayV := CostData(Report(payer1, may, "m1", t0), Group(payer1, "AmazonEC2", "Usage", "5"))
	aprV := CostData(Report(payer1, apr, "a1", t0.Add(-40*24*time.Hour)), Group(payer1, "AmazonS3", "Usage", "4"))
	put(t, s, mayV, billing.Stored)
	put(t, s, aprV, billing.Stored) // generated before May's: April's own history decides
	aprV2 := CostData(Report(payer1, apr, "m1", t0.Add(time.Hour)), Group(payer1, "AmazonS3", "Credit", "-1"))
	put(t, s, aprV2, billing.Stored) // May's version id, in April: another month's
	assert.Equal(t, classified(mayV.Groups...), groups(t, s, may))
	assert.Equal(t, classified(aprV2.Groups...), groups(t, s, apr))
	assert.Equal(t, headers(mayV), reports(t, s, may))
	assert.Equal(t, headers(aprV2), reports(t, s, apr))
	assert.Equal(t, histHeaders(aprV, aprV2), history(t, s, payer1, apr))
	assert.Empty(t, groups(t, s, jun), "a month with no data: no groups, no error")
	assert.Empty(t, reports(t, s, jun), "a month with no data: no reports, no error")
}

// costDecimals: every digit of every cost comes back (B-14: a month recomputed
// from its groups gives the invoice its files gave), trailing zeros aside.
func costDecimals(t *testing.T, s billing.Store) {
	costs := []string{"0.0000000181", "-0.0000000181", "-12.3456789012", "123456789012.1234567890",
		"999999999999.9999999999", "0", "1.5000000000", "42", "-0.0000000001"}
	var gs []billing.Group
	for i, c := range costs {
		g := Group(payer1, fmt.Sprintf("Product%02d", i), "Usage", c)
		g.PublicCost = dec(c).Neg()
		g.Rows = int64(i) * 1_000_000_007
		gs = append(gs, g)
	}
	put(t, s, CostData(Report(payer1, may, "v1", t0), gs...), billing.Stored)
	got, err := s.CostGroups(t.Context(), may)
	must(t, err)
	require.Len(t, got, len(costs))
	for i, c := range costs {
		assert.True(t, dec(c).Equal(got[i].Cost), "cost %s came back as %s", c, got[i].Cost)
		assert.Equal(t, dec(c).String(), got[i].Cost.String(), "cost %s", c)
		assert.True(t, dec(c).Neg().Equal(got[i].PublicCost), "public cost -(%s) came back as %s", c, got[i].PublicCost)
		assert.Equal(t, int64(i)*1_000_000_007, got[i].Rows)
	}
}

// costClass: CostGroups gives every group billing.ClassifyKey's Class, whatever
// Class it was put with.
func costClass(t *testing.T, s billing.Store) {
	market := Group(payer1, "prod-abc", "Usage", "10")
	market.BillingEntity = billing.MarketplaceBillingEntity
	domain := Group(payer1, "AmazonRegistrar", "Usage", "12")
	unknown := Group(payer1, "AmazonEC2", "MysteryLineItem", "1")
	credit := Group(payer1, "AmazonEC2", "Credit", "-3")
	fee := Group(payer1, "ComputeSavingsPlans", "SavingsPlanUpfrontFee", "100")
	in := []billing.Group{market, domain, unknown, credit, fee}
	bogus := billing.Class{Unknown: true, Marketplace: true, DomainRegistration: true, NotListPriced: true}
	for i := range in {
		in[i].Class = bogus // a store keeps the key, not this
	}
	put(t, s, CostData(Report(payer1, may, "v1", t0), in...), billing.Stored)
	got := groups(t, s, may)
	require.Len(t, got, len(in))
	for i, g := range got {
		assert.Equal(t, billing.ClassifyKey(in[i].GroupKey), g.Class, "group %d (%s %s)", i, g.ProductCode, g.LineItemType)
	}
	assert.True(t, got[0].Class.Marketplace, "a Marketplace group")
	assert.True(t, got[1].Class.DomainRegistration, "a domain registration")
	assert.True(t, got[2].Class.Unknown, "an unknown line item type")
	assert.True(t, got[4].Class.NotListPriced, "a Savings Plan fee")
}

// costEveryField: every field of CostData round-trips, times in UTC at microsecond
// precision whatever zone they were given in (B-13's "last updated").
func costEveryField(t *testing.T, s billing.Store) {
	want := CostData(Report(payer1, may, "0f6e3c8a-assembly-id", t0), Group(payer1, "AmazonEC2", "Usage", "1"))
	want.Rows, want.OutsideRows = 123456789012, 42
	want.Files = []string{"b.csv.gz", "a.csv.gz", "c.parquet"}
	want.AggregatedAt = t0.Add(36 * time.Hour)
	want.Sketch = sketchOf("every-field", "every-field", 2500)
	in := cloneCostData(want)
	in.GeneratedAt, in.AggregatedAt = storetest.Local(want.GeneratedAt), storetest.Local(want.AggregatedAt)
	put(t, s, in, billing.Stored)
	for _, c := range []struct {
		got, want []billing.CostData
	}{
		{reports(t, s, may), headers(want)},
		{history(t, s, payer1, may), histHeaders(want)}, // a sketch or not: checkHistorySketches
	} {
		require.Len(t, c.got, 1)
		assert.Equal(t, c.want, c.got)
		storetest.UTC(t, want.GeneratedAt, c.got[0].GeneratedAt, "GeneratedAt")
		storetest.UTC(t, want.AggregatedAt, c.got[0].AggregatedAt, "AggregatedAt")
	}
	checkHistorySketches(t, s, payer1, may, want)
}

// costFailedTx: a version stored in a transaction that then fails is not kept: the
// previous version stays whole, and the rolled-back version may be put again.
func costFailedTx(t *testing.T, s billing.Store) {
	seed(t, s)
	before := dump(t, s)
	v3 := CostData(Report(payer1, may, "v3", fixV2.GeneratedAt.Add(time.Hour)), Group(payer1, "AmazonS3", "Usage", "3"))
	err := s.InTx(t.Context(), func(ctx context.Context) error {
		got, err := s.PutCostData(ctx, v3)
		require.NoError(t, err)
		require.Equal(t, billing.Stored, got)
		assert.Equal(t, classified(slices.Concat(v3.Groups, fixP2.Groups)...), groupsIn(ctx, t, s, may),
			"the transaction sees its version")
		return errRollback
	})
	require.ErrorIs(t, err, errRollback)
	storetest.SameDump(t, before, dump(t, s), "the previous version is intact")
	put(t, s, v3, billing.Stored)
	assert.Equal(t, histHeaders(fixV1, fixV2, v3), history(t, s, payer1, may))
}

// costConcurrent: versions put at once, in any order: each is Stored or
// ErrStaleReport, the latest is always stored and ends current, and the history
// holds the stored ones in generation order.
func costConcurrent(t *testing.T, s billing.Store) {
	const n = 10
	versions := make([]billing.CostData, n)
	for i := range versions {
		versions[i] = CostData(Report(payer1, may, fmt.Sprintf("v%02d", i), t0.Add(time.Duration(i)*time.Minute)),
			Group(payer1, "AmazonEC2", "Usage", fmt.Sprint(i)))
	}
	outcomes := make([]billing.PutOutcome, n)
	errs := storetest.Concurrently(n, func(i int) error {
		var err error
		outcomes[i], err = s.PutCostData(t.Context(), versions[n-1-i]) // the latest first, to race
		return err
	})
	storetest.Committed(t, errs, billing.ErrStaleReport)
	require.NoError(t, errs[0], "the latest version is never stale")
	assert.Equal(t, billing.Stored, outcomes[0])
	assert.Equal(t, classified(versions[n-1].Groups...), groups(t, s, may))
	h := history(t, s, payer1, may)
	require.NotEmpty(t, h)
	assert.Equal(t, "v09", h[len(h)-1].Version)
	stored := 0
	for i, err := range errs {
		if err == nil {
			assert.Equal(t, billing.Stored, outcomes[i], "version %d", n-1-i)
			stored++
		}
	}
	assert.Len(t, h, stored, "every version stored is in the history")
	for i := 1; i < len(h); i++ {
		assert.True(t, h[i].GeneratedAt.After(h[i-1].GeneratedAt), "history in generation order: %v", h)
	}
}

// costCopies: mutating what PutCostData was given or what the reads returned never
// changes the store.
func costCopies(t *testing.T, s billing.Store) {
	ctx := t.Context()
	want := sketched(CostData(Report(payer1, may, "v1", t0), Group(payer1, "AmazonEC2", "Usage", "1"),
		Group(payer1, "AmazonS3", "Usage", "2")), sketchOf("copies", "copies", 3000))
	in := cloneCostData(want)
	put(t, s, in, billing.Stored)
	scribble := func(d billing.CostData) {
		for i := range d.Files {
			d.Files[i] = "scribbled"
		}
		for i := range d.Groups {
			d.Groups[i].AccountID, d.Groups[i].Cost = "scribbled", dec("666")
		}
		if d.Sketch != nil {
			d.Sketch.Merge(sketchOf("scribbled", "scribbled", 3000)) // about half its sample replaced
		}
	}
	scribble(in)
	check := func(what string) {
		t.Helper()
		assert.Equal(t, classified(want.Groups...), groups(t, s, may), what)
		assert.Equal(t, headers(want), reports(t, s, may), what)
		assert.Equal(t, histHeaders(want), history(t, s, payer1, may), what)
		checkHistorySketches(t, s, payer1, may, want)
	}
	check("mutating what PutCostData was given")
	gs, err := s.CostGroups(ctx, may)
	must(t, err)
	scribble(billing.CostData{Groups: gs})
	check("mutating what CostGroups returned")
	rs, err := s.CostReports(ctx, may)
	must(t, err)
	scribble(rs[0])
	check("mutating what CostReports returned")
	hs, err := s.ReportHistory(ctx, payer1, may)
	must(t, err)
	scribble(hs[0])
	check("mutating what ReportHistory returned")
}

// cloneCostData returns a copy of d sharing no slice nor sketch with it.
func cloneCostData(d billing.CostData) billing.CostData {
	d.Files = slices.Clone(d.Files)
	d.Groups = slices.Clone(d.Groups)
	d.Sketch = cloneSketch(d.Sketch)
	return d
}

// costSketchRoundTrips: the sketch of a version's rows (B-14) comes back from
// CostReports as it was put: a full one (thousands of rows), a small one and an
// empty one, each payer's its own, with their samples of row identities and of
// row contents. CostGroups is unaffected.
func costSketchRoundTrips(t *testing.T, s billing.Store) {
	full := sketched(CostData(Report(payer1, may, "v1", t0), Group(payer1, "AmazonEC2", "Usage", "1")),
		sketchOf("full", "full", 5000))
	small := sketched(CostData(Report(payer2, may, "v1", t0), Group(payer2, "AmazonS3", "Usage", "2")),
		sketchOf("small", "small", 25))
	empty := sketched(CostData(Report(payer1, jun, "v1", t0.Add(time.Hour))), new(billing.Sketch))
	require.Equal(t, billing.SketchSize, full.Sketch.Len(), "the fixture fills its sketch")
	for _, d := range []billing.CostData{full, small, empty} {
		put(t, s, d, billing.Stored)
	}

	got, err := s.CostReports(t.Context(), may)
	must(t, err)
	require.Len(t, got, 2)
	for i, want := range []billing.CostData{full, small} {
		require.NotNil(t, got[i].Sketch, "payer %s's sketch", want.Payer)
		shared, na, nb := want.Sketch.Overlap(got[i].Sketch)
		assert.Equal(t, want.Sketch.Len(), shared, "payer %s: every sampled row is shared", want.Payer)
		assert.Equal(t, shared, na, "payer %s", want.Payer)
		assert.Equal(t, shared, nb, "payer %s", want.Payer)
		assert.Equal(t, want.Sketch.Len(), got[i].Sketch.Len(), "payer %s", want.Payer)
		sameSketch(t, want.Sketch, got[i].Sketch, "payer %s", want.Payer)
	}
	assert.Equal(t, headers(full, small), reports(t, s, may), "every field, the sketches included")
	assert.False(t, got[0].Sketch.Overlaps(got[1].Sketch), "each payer has its own sketch")

	// The row contents were kept too: a restatement whose ids were regenerated
	// overlaps the stored version by its contents alone.
	other, _, _ := sketchOf("regenerated-ids", "other", 5000).Overlap(full.Sketch)
	require.Zero(t, other, "the regenerated ids alone share nothing")
	shared, na, nb := sketchOf("regenerated-ids", "full", 5000).Overlap(got[0].Sketch)
	assert.True(t, shared > 0 && shared == na && shared == nb, "the stored contents: shared %d of %d and %d", shared, na, nb)

	gotJun := reports(t, s, jun)
	require.Len(t, gotJun, 1)
	require.NotNil(t, gotJun[0].Sketch, "an empty sketch is not nil")
	assert.Zero(t, gotJun[0].Sketch.Len())
	assert.Equal(t, classified(full.Groups[0], small.Groups[0]), groups(t, s, may), "the groups are unaffected")
	checkHistorySketches(t, s, payer1, may, full)
	checkHistorySketches(t, s, payer2, may, small)
	checkHistorySketches(t, s, payer1, jun, empty)
}

// costNilSketch: a version put without a sketch comes back without one, from
// CostReports and (if it carries sketches) ReportHistory.
func costNilSketch(t *testing.T, s billing.Store) {
	v1 := CostData(Report(payer1, may, "v1", t0), Group(payer1, "AmazonEC2", "Usage", "1"))
	require.Nil(t, v1.Sketch)
	put(t, s, v1, billing.Stored)
	got, err := s.CostReports(t.Context(), may)
	must(t, err)
	require.Len(t, got, 1)
	assert.Nil(t, got[0].Sketch)
	assert.Equal(t, headers(v1), reports(t, s, may))
	h, err := s.ReportHistory(t.Context(), payer1, may)
	must(t, err)
	require.Len(t, h, 1)
	assert.Nil(t, h[0].Sketch, "no sketch in the history either")
}

// costSketchReplaced: a newer version's sketch replaces the stored one's, a
// newer version without one leaves the month without one, and a version refused
// (stale) or Unchanged does not change it.
func costSketchReplaced(t *testing.T, s billing.Store) {
	v1 := sketched(CostData(Report(payer1, may, "v1", t0), Group(payer1, "AmazonEC2", "Usage", "1")),
		sketchOf("v1", "v1", 4000))
	v2 := sketched(CostData(Report(payer1, may, "v2", t0.Add(time.Hour)), Group(payer1, "AmazonEC2", "Usage", "2")),
		sketchOf("v2", "v2", 3000))
	v3 := CostData(Report(payer1, may, "v3", t0.Add(2*time.Hour)), Group(payer1, "AmazonEC2", "Usage", "3"))
	current := func() *billing.Sketch {
		t.Helper()
		got, err := s.CostReports(t.Context(), may)
		must(t, err)
		require.Len(t, got, 1)
		return got[0].Sketch
	}

	put(t, s, v1, billing.Stored)
	sameSketch(t, v1.Sketch, current(), "v1's")
	put(t, s, v2, billing.Stored)
	got := current()
	sameSketch(t, v2.Sketch, got, "v2's replaces v1's")
	shared, _, _ := v1.Sketch.Overlap(got)
	assert.Zero(t, shared, "nothing of v1's sketch remains")

	stale := sketched(CostData(Report(payer1, may, "v0", t0.Add(-time.Hour))), sketchOf("stale", "stale", 10))
	_, err := s.PutCostData(t.Context(), stale)
	errIs(t, err, billing.ErrStaleReport)
	again := v2
	again.Sketch = sketchOf("again", "again", 10)
	put(t, s, again, billing.Unchanged)
	sameSketch(t, v2.Sketch, current(), "a stale or unchanged version leaves the sketch")

	put(t, s, v3, billing.Stored)
	assert.Nil(t, current(), "a newer version without a sketch leaves the month without one")
	assert.Equal(t, headers(v3), reports(t, s, may))
	checkHistorySketches(t, s, payer1, may, v1, v2, v3)
}

// costGroupsOf: CostGroupsOf gives exactly CostGroups' groups of the listed
// accounts, in CostGroups' order (payer by payer, stored order), over several
// payers, months and versions; an account id matches only itself (not its
// left-padded or unpadded spelling); ids without data, duplicates and an empty
// list are harmless; more ids than one query binds (600, interleaved in stored
// order) come back in stored order too.
func costGroupsOf(t *testing.T, s billing.Store) {
	ctx := t.Context()
	acct := func(i int) string { return fmt.Sprintf("%012d", 300000000000+i) }
	var p1, p2 []billing.Group
	for i := range 600 {
		// stored order interleaves the accounts, so that no batch of sorted ids
		// comes back in stored order by itself
		a := acct((i * 7) % 600)
		p1 = append(p1, Group(a, fmt.Sprintf("P%03d", i), "Usage", fmt.Sprintf("%d.%03d", i, i)))
		if i%3 == 0 {
			p2 = append(p2, Group(a, "AmazonS3", "Credit", fmt.Sprintf("-%d.5", i)))
		}
	}
	short := Group("12345", "AmazonEC2", "Usage", "1")         // an unpadded id, as some data has
	padded := Group("000000012345", "AmazonEC2", "Usage", "2") // and its padded spelling
	p1 = append(p1, short, padded)
	old := CostData(Report(payer1, may, "v1", t0), Group(acct(1), "Old", "Usage", "99"))
	put(t, s, old, billing.Stored)
	put(t, s, CostData(Report(payer1, may, "v2", t0.Add(time.Hour)), p1...), billing.Stored) // v1's groups are gone
	put(t, s, CostData(Report(payer2, may, "v1", t0), p2...), billing.Stored)
	put(t, s, CostData(Report(payer1, may.Next(), "v1", t0), Group(acct(1), "NextMonth", "Usage", "5")), billing.Stored)

	all := groups(t, s, may)
	filtered := func(ids ...string) []billing.Group {
		var out []billing.Group
		for _, g := range all {
			if slices.Contains(ids, g.AccountID) {
				out = append(out, g)
			}
		}
		return out
	}
	every := make([]string, 600)
	for i := range every {
		every[i] = acct(599 - i) // not sorted
	}
	for _, tc := range []struct {
		name string
		ids  []string
	}{
		{"one account", []string{acct(1)}},
		{"three accounts, duplicates and one without data", []string{acct(3), acct(598), acct(3), "999999999999", acct(0)}},
		{"an unpadded id matches only itself", []string{"12345"}},
		{"a padded id matches only itself", []string{"000000012345"}},
		{"every account: more ids than one query binds", every},
		{"none", nil},
		{"none with data", []string{"999999999999"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.CostGroupsOf(ctx, may, tc.ids)
			require.NoError(t, err, "CostGroupsOf(%s, %d ids)", may, len(tc.ids))
			assert.Equal(t, filtered(tc.ids...), canonGroups(got))
		})
	}
	got, err := s.CostGroupsOf(ctx, may.Next().Next(), []string{acct(1)})
	require.NoError(t, err)
	assert.Empty(t, got, "a month with no data: no groups, no error")
}
