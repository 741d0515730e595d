package securitytest

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// runCases check maintenance runs and their items (S-3): what a crashed run
// resumes from, the totals of a finished one, items replaced per account, control
// and region, list order and filters, the last drift of an account, and
// organization scoping (M-7).
func runCases() []storeCase {
	return []storeCase{
		{"Runs/CreateRoundTrips_S3", runCreate},
		{"Runs/CreateOfATakenIDIsErrAlreadyExists", runCreateTaken},
		{"Runs/GetOfAMissingRunIsErrNotFound", runMissing},
		{"Runs/UnfinishedIsTheLatestRunning_S3", runUnfinished},
		{"Runs/FinishStoresTotalsAndStateOnly_S3", runFinish},
		{"Runs/RegionsAreCopiedInAndOut", runCopies},
		{"Runs/OwnerAndLeaseRoundTrip_S3", runLeaseRoundTrip},
		{"Runs/ClaimByTheHolderExtendsTheLease_S3", runClaimHolder},
		{"Runs/ClaimBeforeAnotherOwnersLeaseExpiresIsRefused_S3", runClaimHeld},
		{"Runs/ClaimOfAnExpiredLeaseTakesTheRunOver_S3", runClaimExpired},
		{"Runs/ClaimOfAFinishedRunIsRefused_S3", runClaimFinished},
		{"Runs/ClaimOfAMissingRunIsErrNotFound", runClaimMissing},
		{"Runs/ConcurrentClaimsOfAnExpiredRunOneWins_S3", runClaimRace},
		{"Items/EveryFieldRoundTrips_S3", itemRoundTrip},
		{"Items/PutReplacesTheSameAccountControlRegion_S3", itemReplace},
		{"Items/PutOfAnUnknownRunIsErrNotFound", itemUnknownRun},
		{"Items/ListByAccountControlRegionWithFilters_M7", itemList},
		{"Items/LastItemsAreOfTheLatestRunThatReachedTheAccount_S3", itemLast},
		{"Items/LastItemsOfAnotherOrgAreNotSeen_M7", itemLastTenant},
	}
}

// runCreate: a created run round-trips whole, times in UTC at microsecond
// precision, a zero FinishedAt zero.
func runCreate(t *testing.T, s security.Store) {
	want := Run("r1", t0)
	in := want
	in.StartedAt = storetest.Local(t0)
	createRun(t, s, in)
	got := getRun(t, s, "r1")
	assert.Equal(t, canonRun(want), got)
	storetest.UTC(t, t0, got.StartedAt, "StartedAt")
	assert.True(t, got.FinishedAt.IsZero(), "FinishedAt of a running run")

	f := Finished(Run("r2", t0.Add(time.Hour)))
	f.Regions = nil
	in = f
	in.StartedAt, in.FinishedAt = storetest.Local(f.StartedAt), storetest.Local(f.FinishedAt)
	createRun(t, s, in)
	got = getRun(t, s, "r2")
	assert.Equal(t, canonRun(f), got, "a run created finished, with totals and no region")
	storetest.UTC(t, f.FinishedAt, got.FinishedAt, "FinishedAt")
}

// runCreateTaken: a run id taken is ErrAlreadyExists, and the run is unchanged.
func runCreateTaken(t *testing.T, s security.Store) {
	createRun(t, s, Run("r1", t0))
	again := Finished(Run("r1", t0.Add(time.Hour)))
	errIs(t, s.CreateRun(t.Context(), again), security.ErrAlreadyExists)
	assert.Equal(t, canonRun(Run("r1", t0)), getRun(t, s, "r1"))
}

// runMissing: GetRun and FinishRun of a run that does not exist are ErrNotFound,
// and FinishRun creates nothing.
func runMissing(t *testing.T, s security.Store) {
	_, err := s.GetRun(t.Context(), "missing")
	errIs(t, err, security.ErrNotFound, "get")
	errIs(t, s.FinishRun(t.Context(), Finished(Run("missing", t0))), security.ErrNotFound, "finish")
	_, err = s.GetRun(t.Context(), "missing")
	errIs(t, err, security.ErrNotFound, "finish creates nothing")
	_, err = s.UnfinishedRun(t.Context())
	errIs(t, err, security.ErrNotFound, "no run at all")
}

// runUnfinished: UnfinishedRun is the running run started last (of two started at
// one instant, the greater id in byte order), finished runs never; ErrNotFound
// when every run is finished.
func runUnfinished(t *testing.T, s security.Store) {
	createRun(t, s, Finished(Run("done", t0)))
	_, err := s.UnfinishedRun(t.Context())
	errIs(t, err, security.ErrNotFound, "only a finished run")

	createRun(t, s, Run("old", t0.Add(time.Hour)))
	createRun(t, s, Run("b", t0.Add(2*time.Hour)))
	createRun(t, s, Run("a", t0.Add(2*time.Hour)))
	createRun(t, s, Run("B", t0.Add(2*time.Hour)))
	createRun(t, s, Finished(Run("later", t0.Add(3*time.Hour))))
	unfinished := func() string {
		t.Helper()
		r, err := s.UnfinishedRun(t.Context())
		require.NoError(t, err)
		return r.ID
	}
	assert.Equal(t, "b", unfinished(), "the latest StartedAt, then the greatest id in byte order")
	got, err := s.UnfinishedRun(t.Context())
	require.NoError(t, err)
	assert.Equal(t, canonRun(Run("b", t0.Add(2*time.Hour))), canonRun(got), "returned whole")

	for _, next := range []string{"a", "B", "old"} {
		must(t, s.FinishRun(t.Context(), Finished(getRun(t, s, unfinished()))))
		assert.Equal(t, next, unfinished())
	}
	must(t, s.FinishRun(t.Context(), Finished(getRun(t, s, "old"))))
	_, err = s.UnfinishedRun(t.Context())
	errIs(t, err, security.ErrNotFound, "every run finished")
}

// runFinish: FinishRun stores FinishedAt, State and the totals, and nothing else
// (StartedAt and Regions stay as created).
func runFinish(t *testing.T, s security.Store) {
	createRun(t, s, Run("r1", t0))
	f := Finished(Run("r1", t0))
	in := f
	in.StartedAt, in.Regions = t0.Add(-time.Hour), []string{"eu-west-1"} // not FinishRun's to change
	in.FinishedAt = storetest.Local(f.FinishedAt)
	must(t, s.FinishRun(t.Context(), in))
	got := getRun(t, s, "r1")
	assert.Equal(t, canonRun(f), got)
	storetest.UTC(t, f.FinishedAt, got.FinishedAt, "FinishedAt")

	again := f
	again.Items, again.Failed = 30, 5
	must(t, s.FinishRun(t.Context(), again))
	assert.Equal(t, canonRun(again), getRun(t, s, "r1"), "finishing again stores the latest totals")
}

// runCopies: mutating the Regions a caller passed to CreateRun or received from
// GetRun or UnfinishedRun never changes the store.
func runCopies(t *testing.T, s security.Store) {
	in := Run("r1", t0)
	createRun(t, s, in)
	in.Regions[0] = "scribbled"
	want := canonRun(Run("r1", t0))
	assert.Equal(t, want, getRun(t, s, "r1"))
	got := getRun(t, s, "r1")
	got.Regions[0] = "scribbled"
	assert.Equal(t, want, getRun(t, s, "r1"))
	u, err := s.UnfinishedRun(t.Context())
	require.NoError(t, err)
	u.Regions[1] = "scribbled"
	assert.Equal(t, want, getRun(t, s, "r1"))
}

// claim returns ClaimRun(id, owner, now, until), requiring no error.
func claim(t *testing.T, s security.Store, id, owner string, now, until time.Time) bool {
	t.Helper()
	ok, err := s.ClaimRun(t.Context(), id, owner, now, until)
	require.NoError(t, err, "claim of run %q by %q", id, owner)
	return ok
}

// runLeaseRoundTrip: Owner and LeaseUntil round-trip through CreateRun, GetRun,
// UnfinishedRun and LastItems, LeaseUntil in UTC at microsecond precision; a run
// created without them has neither; FinishRun leaves them as they are.
func runLeaseRoundTrip(t *testing.T, s security.Store) {
	want := Leased(Run("r1", t0), "runner-1", t0.Add(5*time.Minute))
	in := want
	in.LeaseUntil = storetest.Local(want.LeaseUntil)
	createRun(t, s, in)
	got := getRun(t, s, "r1")
	assert.Equal(t, canonRun(want), got)
	storetest.UTC(t, want.LeaseUntil, got.LeaseUntil, "LeaseUntil")
	u, err := s.UnfinishedRun(t.Context())
	require.NoError(t, err)
	assert.Equal(t, canonRun(want), canonRun(u), "UnfinishedRun")
	putItem(t, s, Item("r1", "o1", acct1, security.GuardDuty, "us-east-1"))
	last, _, err := s.LastItems(t.Context(), "o1", acct1)
	require.NoError(t, err)
	assert.Equal(t, canonRun(want), canonRun(last), "LastItems")

	createRun(t, s, Run("r2", t0))
	got = getRun(t, s, "r2")
	assert.Empty(t, got.Owner, "no owner given")
	assert.True(t, got.LeaseUntil.IsZero(), "no lease given")

	f := Finished(want)
	f.Owner, f.LeaseUntil = "someone-else", t0.Add(time.Hour) // not FinishRun's to change
	must(t, s.FinishRun(t.Context(), f))
	assert.Equal(t, canonRun(Finished(want)), getRun(t, s, "r1"), "FinishRun keeps the owner and lease")
}

// runClaimHolder: the holder's claim extends (or shortens) its lease, before or
// after it expired; the run is otherwise unchanged.
func runClaimHolder(t *testing.T, s security.Store) {
	createRun(t, s, Leased(Run("r1", t0), "runner-1", t0.Add(5*time.Minute)))
	assert.True(t, claim(t, s, "r1", "runner-1", t0.Add(time.Minute), storetest.Local(t0.Add(6*time.Minute))))
	got := getRun(t, s, "r1")
	assert.Equal(t, canonRun(Leased(Run("r1", t0), "runner-1", t0.Add(6*time.Minute))), got)
	storetest.UTC(t, t0.Add(6*time.Minute), got.LeaseUntil, "LeaseUntil")
	assert.True(t, claim(t, s, "r1", "runner-1", t0.Add(time.Hour), t0.Add(time.Hour+5*time.Minute)), "after its own lease expired")
	assert.Equal(t, canonRun(Leased(Run("r1", t0), "runner-1", t0.Add(time.Hour+5*time.Minute))), getRun(t, s, "r1"))
}

// runClaimHeld: another owner's claim before the lease expires (up to its last
// microsecond) is false and writes nothing.
func runClaimHeld(t *testing.T, s security.Store) {
	held := Leased(Run("r1", t0), "runner-1", t0.Add(5*time.Minute))
	createRun(t, s, held)
	for _, now := range []time.Time{t0, t0.Add(5*time.Minute - time.Microsecond), storetest.Local(t0.Add(4 * time.Minute))} {
		assert.False(t, claim(t, s, "r1", "runner-2", now, now.Add(5*time.Minute)), "claim at %s", now)
		assert.Equal(t, canonRun(held), getRun(t, s, "r1"), "a refused claim writes nothing")
	}
	assert.False(t, claim(t, s, "r1", "", t0, t0.Add(time.Hour)), "an empty owner is another owner")
	assert.Equal(t, canonRun(held), getRun(t, s, "r1"))
}

// runClaimExpired: once the lease is not after now (at its very instant too),
// another owner's claim is true and makes it the holder; a run without a lease is
// free; the previous holder is then refused.
func runClaimExpired(t *testing.T, s security.Store) {
	createRun(t, s, Leased(Run("r1", t0), "runner-1", t0.Add(5*time.Minute)))
	assert.True(t, claim(t, s, "r1", "runner-2", t0.Add(5*time.Minute), t0.Add(10*time.Minute)), "at the lease's end")
	assert.Equal(t, canonRun(Leased(Run("r1", t0), "runner-2", t0.Add(10*time.Minute))), getRun(t, s, "r1"))
	assert.False(t, claim(t, s, "r1", "runner-1", t0.Add(6*time.Minute), t0.Add(11*time.Minute)), "the previous holder lost it")
	assert.True(t, claim(t, s, "r1", "runner-3", storetest.Local(t0.Add(time.Hour)), t0.Add(time.Hour+5*time.Minute)), "long after")
	assert.Equal(t, canonRun(Leased(Run("r1", t0), "runner-3", t0.Add(time.Hour+5*time.Minute))), getRun(t, s, "r1"))

	createRun(t, s, Run("free", t0)) // no owner, no lease: a run recorded before leases
	assert.True(t, claim(t, s, "free", "runner-1", t0, t0.Add(5*time.Minute)))
	assert.Equal(t, canonRun(Leased(Run("free", t0), "runner-1", t0.Add(5*time.Minute))), getRun(t, s, "free"))
}

// runClaimFinished: a finished run is never claimed, whoever asks and however
// long its lease expired; nothing is written.
func runClaimFinished(t *testing.T, s security.Store) {
	done := Finished(Leased(Run("r1", t0), "runner-1", t0.Add(5*time.Minute)))
	createRun(t, s, done)
	createRun(t, s, Finished(Run("r2", t0)))
	for _, owner := range []string{"runner-1", "runner-2"} {
		assert.False(t, claim(t, s, "r1", owner, t0.Add(time.Hour), t0.Add(2*time.Hour)), "claim by %s", owner)
	}
	assert.False(t, claim(t, s, "r2", "runner-2", t0.Add(time.Hour), t0.Add(2*time.Hour)), "a finished run without a lease")
	assert.Equal(t, canonRun(done), getRun(t, s, "r1"))
	assert.Equal(t, canonRun(Finished(Run("r2", t0))), getRun(t, s, "r2"))
}

// runClaimMissing: a claim of a run that does not exist is ErrNotFound and
// creates nothing.
func runClaimMissing(t *testing.T, s security.Store) {
	createRun(t, s, Run("r1", t0))
	ok, err := s.ClaimRun(t.Context(), "missing", "runner-1", t0, t0.Add(time.Minute))
	errIs(t, err, security.ErrNotFound)
	assert.False(t, ok)
	_, err = s.GetRun(t.Context(), "missing")
	errIs(t, err, security.ErrNotFound, "a refused claim creates nothing")
	assert.Equal(t, canonRun(Run("r1", t0)), getRun(t, s, "r1"))
}

// runClaimRace: of 20 owners claiming an expired run at once, exactly one gets
// true, no call fails, and the run is the winner's until its lease's end.
func runClaimRace(t *testing.T, s security.Store) {
	createRun(t, s, Leased(Run("r1", t0), "crashed", t0.Add(5*time.Minute)))
	now := t0.Add(time.Hour)
	const n = 20
	oks := make([]bool, n)
	errs := storetest.Concurrently(n, func(i int) error {
		var err error
		oks[i], err = s.ClaimRun(t.Context(), "r1", fmt.Sprint("runner-", i), now, now.Add(time.Duration(i+1)*time.Minute))
		return err
	})
	winner := -1
	for i, err := range errs {
		require.NoError(t, err, "claim %d", i)
		if oks[i] {
			require.Equal(t, -1, winner, "claims %d and %d both won", winner, i)
			winner = i
		}
	}
	require.NotEqual(t, -1, winner, "no claim won")
	assert.Equal(t, canonRun(Leased(Run("r1", t0), fmt.Sprint("runner-", winner), now.Add(time.Duration(winner+1)*time.Minute))),
		getRun(t, s, "r1"), "the winner holds the run")
}

// itemRoundTrip: every field of an item round-trips, through ListItems and
// LastItems, At in UTC at microsecond precision; a global control's region is "".
func itemRoundTrip(t *testing.T, s security.Store) {
	createRun(t, s, Run("r1", t0))
	a := Item("r1", "o1", acct1, security.CloudTrail, "")
	b := Item("r1", "o1", acct1, security.GuardDuty, "us-east-1")
	b.Desired, b.Observed, b.Drift, b.Action, b.Detail, b.Error = false, security.Observation{Compliant: true, Detail: "detector d-1 enabled"},
		false, security.ActionSkipped, "", ""
	c := Item("r1", "o1", acct1, security.RootMFA, "")
	c.Action, c.Error, c.Detail = security.ActionFailed, "security: access denied: iam:GetAccountSummary", ""
	c.At = time.Time{}
	for _, it := range []security.Item{a, b, c} {
		in := it
		in.At = storetest.Local(it.At)
		if it.At.IsZero() {
			in.At = time.Time{}
		}
		putItem(t, s, in)
	}
	want := []security.Item{a, b, c}
	got := items(t, s, "r1", "o1", acct1)
	assert.Equal(t, want, got)
	storetest.UTC(t, a.At, got[0].At, "At")
	assert.True(t, got[2].At.IsZero(), "a zero At stays zero")
	run, last, err := s.LastItems(t.Context(), "o1", acct1)
	require.NoError(t, err)
	assert.Equal(t, canonRun(Run("r1", t0)), canonRun(run))
	assert.Equal(t, want, canonItems(last))
}

// itemReplace: an item put again for the same run, account, control and region
// replaces the first whole; other regions, controls and runs are their own.
func itemReplace(t *testing.T, s security.Store) {
	createRun(t, s, Run("r1", t0))
	createRun(t, s, Run("r2", t0.Add(time.Hour)))
	first := Item("r1", "o1", acct1, security.GuardDuty, "us-east-1")
	putItem(t, s, first)
	putItem(t, s, Item("r1", "o1", acct1, security.GuardDuty, "ap-northeast-1"))
	putItem(t, s, Item("r1", "o1", acct1, security.ConfigRecording, "us-east-1"))
	putItem(t, s, Item("r2", "o1", acct1, security.GuardDuty, "us-east-1"))
	second := first
	second.Desired, second.Observed, second.Drift = false, security.Observation{Compliant: true}, false
	second.Action, second.Detail, second.Error, second.At = security.ActionNone, "", "", t0.Add(time.Hour)
	putItem(t, s, second)
	got := items(t, s, "r1", "", "")
	require.Len(t, got, 3)
	assert.Equal(t, Item("r1", "o1", acct1, security.ConfigRecording, "us-east-1"), got[0])
	assert.Equal(t, Item("r1", "o1", acct1, security.GuardDuty, "ap-northeast-1"), got[1])
	assert.Equal(t, second, got[2], "replaced whole")
	assert.Equal(t, []security.Item{Item("r2", "o1", acct1, security.GuardDuty, "us-east-1")}, items(t, s, "r2", "", ""))
}

// itemUnknownRun: an item of a run that does not exist is ErrNotFound and stored
// nowhere; ListItems of an unknown run is empty, not an error.
func itemUnknownRun(t *testing.T, s security.Store) {
	createRun(t, s, Run("r1", t0))
	errIs(t, s.PutItem(t.Context(), Item("missing", "o1", acct1, security.GuardDuty, "us-east-1")), security.ErrNotFound)
	assert.Empty(t, items(t, s, "missing", "", ""))
	assert.Empty(t, items(t, s, "r1", "", ""))
	_, _, err := s.LastItems(t.Context(), "o1", acct1)
	errIs(t, err, security.ErrNotFound)
}

// itemList: ListItems orders by account, control and region in byte order; orgID
// and accountID filter independently ("" selects every one); another run's items
// are never listed.
func itemList(t *testing.T, s security.Store) {
	createRun(t, s, Run("r1", t0))
	createRun(t, s, Run("r2", t0))
	for _, it := range []security.Item{
		Item("r1", "o1", acct3, security.GuardDuty, "us-east-1"),
		Item("r1", "o1", acct1, security.GuardDuty, "us-east-1"),
		Item("r1", "o2", acct2, security.CloudTrail, ""),
		Item("r1", "o1", acct1, security.GuardDuty, "ap-northeast-1"),
		Item("r1", "o1", acct1, security.CloudTrail, ""),
		Item("r1", "o1", acct1, security.AccessAnalyzer, "us-east-1"),
		Item("r1", "o1", acct1, security.AccessAnalyzer, "Z-region"),
		Item("r1", "o2", acct1, security.SupportRole, ""), // the same account id under another organization
		Item("r2", "o1", acct1, security.RootMFA, ""),
	} {
		putItem(t, s, it)
	}
	a1 := []string{
		acct1 + "/cloudtrail-multi-region/",
		acct1 + "/guardduty/ap-northeast-1",
		acct1 + "/guardduty/us-east-1",
		acct1 + "/iam-access-analyzer/Z-region",
		acct1 + "/iam-access-analyzer/us-east-1",
	}
	for _, c := range []struct {
		org, account string
		want         []string
	}{
		{"o1", acct1, a1},
		{"o1", "", append(a1[:len(a1):len(a1)], acct3+"/guardduty/us-east-1")},
		{"o2", "", []string{acct1 + "/support-escalation-role/", acct2 + "/cloudtrail-multi-region/"}},
		{"", acct1, []string{a1[0], a1[1], a1[2], a1[3], a1[4], acct1 + "/support-escalation-role/"}},
		{"", "", []string{a1[0], a1[1], a1[2], a1[3], a1[4], acct1 + "/support-escalation-role/",
			acct2 + "/cloudtrail-multi-region/", acct3 + "/guardduty/us-east-1"}},
		{"o2", acct3, nil},
		{"o9", "", nil},
		{"O1", "", nil},
	} {
		got := items(t, s, "r1", c.org, c.account)
		if !assert.Equal(t, c.want, itemKeys(got), "ListItems(r1, %q, %q)", c.org, c.account) {
			continue
		}
		for _, it := range got {
			assert.Equal(t, "r1", it.RunID)
			if c.org != "" {
				assert.Equal(t, c.org, it.OrgID)
			}
		}
	}
	got := items(t, s, "", acct1, "")
	assert.Empty(t, got, "no run id: no run's items")
}

// itemLast: LastItems returns the account's items of the latest run (StartedAt,
// then id) that has some, running or finished, with that run; runs that did not
// reach the account, and other accounts' items, do not count.
func itemLast(t *testing.T, s security.Store) {
	_, _, err := s.LastItems(t.Context(), "o1", acct1)
	errIs(t, err, security.ErrNotFound, "no run")
	createRun(t, s, Finished(Run("r1", t0)))
	createRun(t, s, Finished(Run("r2", t0.Add(24*time.Hour))))
	createRun(t, s, Run("r4", t0.Add(72*time.Hour)))
	createRun(t, s, Run("r3", t0.Add(48*time.Hour)))
	_, _, err = s.LastItems(t.Context(), "o1", acct1)
	errIs(t, err, security.ErrNotFound, "runs that reached no account")

	putItem(t, s, Item("r1", "o1", acct1, security.GuardDuty, "us-east-1"))
	putItem(t, s, Item("r1", "o1", acct1, security.CloudTrail, ""))
	putItem(t, s, Item("r2", "o1", acct1, security.GuardDuty, "us-east-1"))
	putItem(t, s, Item("r3", "o1", acct2, security.GuardDuty, "us-east-1")) // r3 did not reach account 1
	putItem(t, s, Item("r4", "o2", acct1, security.GuardDuty, "us-east-1")) // r4 reached it under o2 only
	last := func(org, account string) (string, []string) {
		t.Helper()
		r, its, err := s.LastItems(t.Context(), org, account)
		require.NoError(t, err, "LastItems(%q, %q)", org, account)
		for _, it := range its {
			assert.Equal(t, r.ID, it.RunID)
			assert.Equal(t, org, it.OrgID)
			assert.Equal(t, account, it.AccountID)
		}
		return r.ID, itemKeys(its)
	}
	r, its := last("o1", acct1)
	assert.Equal(t, "r2", r)
	assert.Equal(t, []string{acct1 + "/guardduty/us-east-1"}, its, "r2's only, not r1's CloudTrail")
	run, _, err := s.LastItems(t.Context(), "o1", acct1)
	require.NoError(t, err)
	assert.Equal(t, canonRun(Finished(Run("r2", t0.Add(24*time.Hour)))), canonRun(run), "the run, whole")

	r, _ = last("o1", acct2)
	assert.Equal(t, "r3", r, "a running run counts")
	r, _ = last("o2", acct1)
	assert.Equal(t, "r4", r)

	createRun(t, s, Run("r5", t0.Add(72*time.Hour))) // as late as r4, a greater id
	for i, c := range []security.ControlID{security.RootMFA, security.CloudTrail, security.AccessAnalyzer} {
		putItem(t, s, Item("r5", "o1", acct1, c, fmt.Sprint("region-", 3-i)))
	}
	r, its = last("o1", acct1)
	assert.Equal(t, "r5", r)
	assert.Equal(t, []string{acct1 + "/cloudtrail-multi-region/region-2", acct1 + "/iam-access-analyzer/region-1",
		acct1 + "/root-mfa-no-access-keys/region-3"}, its, "by control and region")
}

// itemLastTenant: an organization never gets another's last items, whatever the
// account id (M-7).
func itemLastTenant(t *testing.T, s security.Store) {
	createRun(t, s, Run("r1", t0))
	putItem(t, s, Item("r1", "oA", acct1, security.GuardDuty, "us-east-1"))
	for _, oa := range [][2]string{{"oB", acct1}, {"", acct1}, {"oA", ""}, {"oA", acct2}} {
		_, its, err := s.LastItems(t.Context(), oa[0], oa[1])
		errIs(t, err, security.ErrNotFound, "LastItems(%q, %q)", oa[0], oa[1])
		assert.Empty(t, its)
	}
	assert.Empty(t, items(t, s, "r1", "oB", ""))
	assert.Empty(t, items(t, s, "r1", "oB", acct1))
}
