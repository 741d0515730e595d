package billingtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// alarmCases check the charge alarms of B-15 and their firings: optimistic
// versions, organization scoping (M-7), list order, and at most one firing per
// alarm and month.
func alarmCases() []storeCase {
	return []storeCase{
		{"Alarms/CreateIsVersion1_B15", alarmCreate},
		{"Alarms/CreateOfATakenIDIsErrAlreadyExists", alarmCreateTaken},
		{"Alarms/UpdateStoresItsFieldsAndBumpsVersion_B15", alarmUpdate},
		{"Alarms/StaleUpdateIsErrConflict_B15", alarmStaleUpdate},
		{"Alarms/ConcurrentUpdatesOfOneVersionOneWins", alarmConcurrentUpdates},
		{"Alarms/UpdateOrDeleteOfAMissingAlarmIsErrNotFound", alarmMissing},
		{"Alarms/DeleteRemovesItsFirings_B15", alarmDelete},
		{"Alarms/ListByAccountThenID", alarmList},
		{"Alarms/AnotherOrgsAlarmIsNotFound_M7", alarmTenantIsolation},
		{"Alarms/LimitCheckedInTxHoldsUnderConcurrency_B15", alarmLimitInTx},
		{"Firings/OncePerAlarmAndMonth_B15", firingOncePerMonth},
		{"Firings/ConcurrentFiringsRecordOne_B15", firingConcurrent},
		{"Firings/OfAnUnknownAlarmIsErrNotFound_B15", firingUnknownAlarm},
		{"Firings/ListNewestMonthFirst_B15", firingList},
	}
}

// alarmCreate: a created alarm round-trips at Version 1, whatever Version it was
// given, its times in UTC at microsecond precision.
func alarmCreate(t *testing.T, s billing.Store) {
	for i, a := range []billing.Alarm{
		Alarm("o1", "123456789012", "a1"),
		func() billing.Alarm {
			a := Alarm("o1", "123456789012", "a2")
			a.OnTag, a.TagValue, a.Threshold, a.Version = true, "team-a", dec("0.0000000001"), 7
			return a
		}(),
		func() billing.Alarm {
			a := Alarm("o1", "123456789012", "a3")
			a.OnTag, a.TagValue, a.Name, a.Threshold = true, "", "", dec("123456789012.1234567890")
			return a
		}(),
	} {
		want := created(a)
		in := a
		in.CreatedAt, in.UpdatedAt = storetest.Local(a.CreatedAt), storetest.Local(a.UpdatedAt)
		createAlarm(t, s, in)
		got := getAlarm(t, s, "o1", a.ID)
		assert.Equal(t, canonAlarm(want), got, "alarm %d", i)
		storetest.UTC(t, want.CreatedAt, got.CreatedAt, "CreatedAt")
		storetest.UTC(t, want.UpdatedAt, got.UpdatedAt, "UpdatedAt")
	}
	assert.Equal(t, "123456789012.123456789", getAlarm(t, s, "o1", "a3").Threshold.String())
}

// alarmCreateTaken: an alarm id is taken in every organization: ErrAlreadyExists,
// and the stored alarm is unchanged.
func alarmCreateTaken(t *testing.T, s billing.Store) {
	createAlarm(t, s, Alarm("o1", "123456789012", "a1"))
	for _, a := range []billing.Alarm{Alarm("o1", "123456789012", "a1"), Alarm("o1", "210987654321", "a1"), Alarm("o2", "123456789012", "a1")} {
		a.Name = "second"
		errIs(t, s.CreateAlarm(t.Context(), a), billing.ErrAlreadyExists, "alarm of %q", a.OrgID)
	}
	assert.Equal(t, canonAlarm(created(Alarm("o1", "123456789012", "a1"))), getAlarm(t, s, "o1", "a1"))
	assert.Empty(t, alarms(t, s, "o2", ""))
}

// alarmUpdate: an update with the current version stores OnTag, TagValue,
// Threshold, Name and UpdatedAt, nothing else, and bumps the version.
func alarmUpdate(t *testing.T, s billing.Store) {
	createAlarm(t, s, Alarm("o1", "123456789012", "a1"))
	u := getAlarm(t, s, "o1", "a1")
	u.OnTag, u.TagValue, u.Threshold, u.Name, u.UpdatedAt = true, "team-b", dec("2500.0000000001"), "renamed", storetest.Local(t0.Add(time.Hour))
	u.AccountID, u.CreatedAt = "999999999999", t0.Add(-time.Hour) // not the update's to change
	must(t, s.UpdateAlarm(t.Context(), u))
	want := created(Alarm("o1", "123456789012", "a1"))
	want.OnTag, want.TagValue, want.Threshold, want.Name, want.UpdatedAt = true, "team-b", dec("2500.0000000001"), "renamed", t0.Add(time.Hour)
	want.Version = 2
	assert.Equal(t, canonAlarm(want), getAlarm(t, s, "o1", "a1"))
	assert.Equal(t, []string{"a1"}, alarmIDs(alarms(t, s, "o1", "123456789012")), "still on its account")

	u = getAlarm(t, s, "o1", "a1")
	u.OnTag, u.TagValue = false, ""
	must(t, s.UpdateAlarm(t.Context(), u))
	got := getAlarm(t, s, "o1", "a1")
	assert.Equal(t, int64(3), got.Version)
	assert.False(t, got.OnTag)
	assert.Empty(t, got.TagValue)
}

// alarmStaleUpdate: an update with a version that is not the current one is
// ErrConflict and changes nothing.
func alarmStaleUpdate(t *testing.T, s billing.Store) {
	createAlarm(t, s, Alarm("o1", "123456789012", "a1"))
	v1 := getAlarm(t, s, "o1", "a1")
	u := v1
	u.Name = "first"
	must(t, s.UpdateAlarm(t.Context(), u))
	stored := getAlarm(t, s, "o1", "a1")
	for _, version := range []int64{1, 0, 3, -1} {
		u := v1
		u.Name, u.Version = "stale", version
		errIs(t, s.UpdateAlarm(t.Context(), u), billing.ErrConflict, "version %d", version)
	}
	assert.Equal(t, stored, getAlarm(t, s, "o1", "a1"))
}

// alarmConcurrentUpdates: writers of one version at once: one wins, the others are
// ErrConflict, and the winner's write is stored.
func alarmConcurrentUpdates(t *testing.T, s billing.Store) {
	createAlarm(t, s, Alarm("o1", "123456789012", "a1"))
	cur := getAlarm(t, s, "o1", "a1")
	errs := storetest.Concurrently(4, func(i int) error {
		u := cur
		u.Name = fmt.Sprintf("writer %d", i)
		return s.UpdateAlarm(t.Context(), u)
	})
	w := oneWinner(t, errs, billing.ErrConflict)
	got := getAlarm(t, s, "o1", "a1")
	assert.Equal(t, fmt.Sprintf("writer %d", w), got.Name)
	assert.Equal(t, int64(2), got.Version)
}

// alarmMissing: updating or deleting an alarm that does not exist is ErrNotFound.
func alarmMissing(t *testing.T, s billing.Store) {
	u := created(Alarm("o1", "123456789012", "missing"))
	errIs(t, s.UpdateAlarm(t.Context(), u), billing.ErrNotFound)
	errIs(t, s.DeleteAlarm(t.Context(), "o1", "missing"), billing.ErrNotFound)
	_, err := s.GetAlarm(t.Context(), "o1", "missing")
	errIs(t, err, billing.ErrNotFound)
	assert.Empty(t, alarms(t, s, "", ""), "an update never creates")
}

// alarmDelete: deleting an alarm removes it and its firings; an alarm created
// again with its id starts with none; a second delete is ErrNotFound.
func alarmDelete(t *testing.T, s billing.Store) {
	ctx := t.Context()
	createAlarm(t, s, Alarm("o1", "123456789012", "a1"))
	createAlarm(t, s, Alarm("o1", "123456789012", "a2"))
	record(t, s, Firing("o1", "a1", apr), true)
	record(t, s, Firing("o1", "a1", may), true)
	record(t, s, Firing("o1", "a2", may), true)
	must(t, s.DeleteAlarm(ctx, "o1", "a1"))
	_, err := s.GetAlarm(ctx, "o1", "a1")
	errIs(t, err, billing.ErrNotFound)
	assert.Empty(t, firings(t, s, "o1", "a1"), "its firings are gone")
	assert.Equal(t, canonFirings([]billing.AlarmFiring{Firing("o1", "a2", may)}), firings(t, s, "o1", "a2"), "another alarm's stay")
	assert.Equal(t, []string{"a2"}, alarmIDs(alarms(t, s, "o1", "")))
	errIs(t, s.DeleteAlarm(ctx, "o1", "a1"), billing.ErrNotFound)

	createAlarm(t, s, Alarm("o1", "123456789012", "a1"))
	assert.Equal(t, int64(1), getAlarm(t, s, "o1", "a1").Version)
	assert.Empty(t, firings(t, s, "o1", "a1"))
	record(t, s, Firing("o1", "a1", may), true) // May's firing went with the old alarm
}

// alarmList: ListAlarms selects by organization and account ("" for every one) and
// orders by account id then id.
func alarmList(t *testing.T, s billing.Store) {
	for _, a := range []billing.Alarm{
		Alarm("o1", "333333333333", "a1"),
		Alarm("o1", "111111111111", "b2"),
		Alarm("o2", "111111111111", "a3"),
		Alarm("o1", "111111111111", "A9"),
		Alarm("o1", "222222222222", "a0"),
		Alarm("o2", "333333333333", "z1"),
		Alarm("o1", "111111111111", "a10"),
		Alarm("o1", "111111111111", "a2"),
	} {
		createAlarm(t, s, a)
	}
	for _, c := range []struct {
		org, account string
		want         []string
	}{
		{"o1", "111111111111", []string{"A9", "a10", "a2", "b2"}},
		{"o1", "", []string{"A9", "a10", "a2", "b2", "a0", "a1"}},
		{"o2", "", []string{"a3", "z1"}},
		{"", "", []string{"A9", "a10", "a2", "a3", "b2", "a0", "a1", "z1"}},
		{"", "333333333333", []string{"a1", "z1"}},
		{"o2", "222222222222", nil},
		{"o9", "", nil},
		{"O1", "", nil},
	} {
		got := alarms(t, s, c.org, c.account)
		assert.Equal(t, c.want, storetest.NilIfEmpty(alarmIDs(got)), "ListAlarms(%q, %q)", c.org, c.account)
		for _, a := range got {
			if c.org != "" {
				assert.Equal(t, c.org, a.OrgID)
			}
			assert.Equal(t, int64(1), a.Version)
		}
	}
	assert.Equal(t, canonAlarm(created(Alarm("o1", "111111111111", "a10"))), alarms(t, s, "o1", "111111111111")[1], "listed whole")
}

// alarmTenantIsolation: organization B never reads, lists, updates, deletes or
// fires organization A's alarm, and never sees its firings (M-7); A's alarm is
// untouched.
func alarmTenantIsolation(t *testing.T, s billing.Store) {
	ctx := t.Context()
	createAlarm(t, s, Alarm("oA", "123456789012", "a1"))
	createAlarm(t, s, Alarm("oB", "123456789012", "b1"))
	record(t, s, Firing("oA", "a1", may), true)
	before := dump(t, s)

	_, err := s.GetAlarm(ctx, "oB", "a1")
	errIs(t, err, billing.ErrNotFound, "get")
	_, err = s.GetAlarm(ctx, "", "a1")
	errIs(t, err, billing.ErrNotFound, "get with no organization")
	u := getAlarm(t, s, "oA", "a1")
	u.OrgID, u.Name = "oB", "taken over"
	errIs(t, s.UpdateAlarm(ctx, u), billing.ErrNotFound, "update")
	errIs(t, s.DeleteAlarm(ctx, "oB", "a1"), billing.ErrNotFound, "delete")
	ok, err := s.RecordFiring(ctx, Firing("oB", "a1", jun))
	errIs(t, err, billing.ErrNotFound, "firing")
	assert.False(t, ok)
	assert.Empty(t, firings(t, s, "oB", "a1"), "A's firings under B")
	assert.Equal(t, []string{"b1"}, alarmIDs(alarms(t, s, "oB", "123456789012")), "the same account id, B's alarms only")
	assert.Equal(t, []string{"b1"}, alarmIDs(alarms(t, s, "oB", "")))
	storetest.SameDump(t, before, dump(t, s), "A's alarm and firings are untouched")
}

// errLimit is what alarmLimitInTx's transactions return: the Service's check of
// B-15's three alarms per account.
var errLimit = fmt.Errorf("%w: three alarms on the account", billing.ErrLimit)

// alarmLimitInTx: transactions that count an account's alarms and create one if
// there are fewer than three (the Service's check of B-15), all reading before
// any writes: never more than three alarms (no write skew), and every committed
// create is stored.
func alarmLimitInTx(t *testing.T, s billing.Store) {
	ctx := t.Context()
	createAlarm(t, s, Alarm("o1", "123456789012", "a0"))
	const writers = 5
	meet := storetest.NewBarrier(writers)
	errs := storetest.Concurrently(writers, func(i int) error {
		return s.InTx(ctx, func(ctx context.Context) error {
			as, err := s.ListAlarms(ctx, "o1", "123456789012")
			if err != nil {
				return err
			}
			meet.Wait()
			if len(as) >= 3 {
				return errLimit
			}
			return s.CreateAlarm(ctx, Alarm("o1", "123456789012", fmt.Sprintf("a%d", i+1)))
		})
	})
	n := storetest.Committed(t, errs, billing.ErrLimit, billing.ErrConflict)
	require.Positive(t, n)
	got := alarms(t, s, "o1", "123456789012")
	assert.LessOrEqual(t, len(got), 3, "at most three alarms per account: %v", alarmIDs(got))
	assert.Len(t, got, 1+n, "every committed create is stored")
}

// firingOncePerMonth: the first firing of an alarm in a month is recorded (true),
// a second is not (false) and changes nothing; another month's is its own.
func firingOncePerMonth(t *testing.T, s billing.Store) {
	createAlarm(t, s, Alarm("o1", "123456789012", "a1"))
	createAlarm(t, s, Alarm("o1", "123456789012", "a2"))
	first := Firing("o1", "a1", may)
	record(t, s, first, true)
	second := first
	second.Amount, second.FiredAt, second.NoticeID = dec("2000"), first.FiredAt.Add(time.Hour), "notice-2"
	record(t, s, second, false)
	record(t, s, first, false)
	assert.Equal(t, canonFirings([]billing.AlarmFiring{first}), firings(t, s, "o1", "a1"), "the first firing stays")
	record(t, s, Firing("o1", "a1", jun), true)
	record(t, s, Firing("o1", "a2", may), true)
	record(t, s, Firing("o1", "a2", may), false)
}

// firingConcurrent: 20 firings of one alarm and month at once: exactly one is
// recorded, none fails.
func firingConcurrent(t *testing.T, s billing.Store) {
	createAlarm(t, s, Alarm("o1", "123456789012", "a1"))
	oks := make([]bool, 20)
	errs := storetest.Concurrently(len(oks), func(i int) error {
		f := Firing("o1", "a1", may)
		f.NoticeID = fmt.Sprint("notice-", i)
		var err error
		oks[i], err = s.RecordFiring(t.Context(), f)
		return err
	})
	winner := -1
	for i, err := range errs {
		require.NoError(t, err, "caller %d", i)
		if oks[i] {
			require.Equal(t, -1, winner, "two firings recorded: %v", oks)
			winner = i
		}
	}
	require.NotEqual(t, -1, winner, "no firing recorded")
	got := firings(t, s, "o1", "a1")
	require.Len(t, got, 1)
	assert.Equal(t, fmt.Sprint("notice-", winner), got[0].NoticeID, "the recorded one is the winner's")
}

// firingUnknownAlarm: a firing of an alarm that does not exist (or no longer) is
// ErrNotFound and records nothing.
func firingUnknownAlarm(t *testing.T, s billing.Store) {
	ctx := t.Context()
	ok, err := s.RecordFiring(ctx, Firing("o1", "missing", may))
	errIs(t, err, billing.ErrNotFound)
	assert.False(t, ok)
	createAlarm(t, s, Alarm("o1", "123456789012", "a1"))
	must(t, s.DeleteAlarm(ctx, "o1", "a1"))
	_, err = s.RecordFiring(ctx, Firing("o1", "a1", may))
	errIs(t, err, billing.ErrNotFound, "a deleted alarm")
	assert.Empty(t, firings(t, s, "o1", "missing"))
	assert.Empty(t, firings(t, s, "o1", "a1"))
}

// firingList: ListFirings returns an alarm's firings newest month first, every
// field round-tripping, times in UTC at microsecond precision.
func firingList(t *testing.T, s billing.Store) {
	createAlarm(t, s, Alarm("o1", "123456789012", "a1"))
	createAlarm(t, s, Alarm("o1", "123456789012", "a2"))
	var want []billing.AlarmFiring
	for _, m := range []int{3, 12, 1, 5} { // recorded out of order
		p := may.AddMonths(m - 5)
		f := Firing("o1", "a1", p)
		f.Amount = dec(fmt.Sprintf("%d.0000000001", 1000+m))
		in := f
		in.FiredAt = storetest.Local(f.FiredAt)
		if m == 1 {
			in.NoticeID, f.NoticeID = "", "" // no notice sent
		}
		record(t, s, in, true)
		want = append(want, f)
	}
	record(t, s, Firing("o1", "a2", may), true)
	byMonth := map[int]billing.AlarmFiring{}
	for _, f := range want {
		byMonth[int(f.Period.Month())] = f
	}
	wantOrder := canonFirings([]billing.AlarmFiring{byMonth[12], byMonth[5], byMonth[3], byMonth[1]})
	got := firings(t, s, "o1", "a1")
	assert.Equal(t, wantOrder, got, "newest month first")
	for i := range got {
		storetest.UTC(t, wantOrder[i].FiredAt, got[i].FiredAt, "FiredAt")
	}
	assert.Empty(t, firings(t, s, "o2", "a1"), "another organization's: none")
}
