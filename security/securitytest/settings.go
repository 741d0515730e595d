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

// settingsCases check an account's settings and their changes (S-2): optimistic
// versions, the change recorded in the same transaction, copies, and
// organization scoping (M-7).
func settingsCases() []storeCase {
	return []storeCase{
		{"Settings/NeverSavedIsErrNotFound_S2", settingsNeverSaved},
		{"Settings/PutWithVersion0CreatesAtVersion1_S2", settingsCreate},
		{"Settings/PutWithCurrentVersionReplacesAndBumps_S2", settingsUpdate},
		{"Settings/StalePutIsErrConflictAndRecordsNothing_S2", settingsStale},
		{"Settings/ConcurrentPutsOfOneVersionOneWins_S2", settingsConcurrent},
		{"Settings/PutRecordsTheChange_S2", settingsChange},
		{"Settings/ChangeOfAnotherAccountIsErrInvalid", settingsChangeMismatch},
		{"Settings/ChoicesAreCopiedInAndOut", settingsCopies},
		{"Settings/ChangesNewestFirst_S2", settingsChangesOrder},
		{"Settings/AnotherOrgsSettingsAndChangesAreNotSeen_M7", settingsTenantIsolation},
	}
}

// settingsNeverSaved: the settings of an account never saved are ErrNotFound (the
// caller uses the defaults), and it has no change.
func settingsNeverSaved(t *testing.T, s security.Store) {
	_, err := s.GetSettings(t.Context(), "o1", acct1)
	errIs(t, err, security.ErrNotFound)
	assert.Empty(t, changes(t, s, "o1", acct1))
}

// settingsCreate: settings put with Version 0 are stored at Version 1, every field
// round-tripping, times in UTC at microsecond precision; no choice comes back as an
// empty map, never nil.
func settingsCreate(t *testing.T, s security.Store) {
	in := Settings("o1", acct1)
	in.UpdatedAt = storetest.Local(t0)
	putSettings(t, s, in, "user-1")
	got := getSettings(t, s, "o1", acct1)
	assert.Equal(t, saved(Settings("o1", acct1), 1), got)
	storetest.UTC(t, t0, got.UpdatedAt, "UpdatedAt")

	for i, choices := range []map[security.ControlID]bool{nil, {}} {
		account := fmt.Sprintf("44444444444%d", i)
		st := security.DefaultSettings("o1", account)
		st.Choices, st.UpdatedAt = choices, t0
		putSettings(t, s, st, "user-1")
		got := getSettings(t, s, "o1", account)
		assert.Equal(t, map[security.ControlID]bool{}, got.Choices, "choices %#v", choices)
		assert.Equal(t, security.Basic, got.Profile)
		assert.Equal(t, int64(1), got.Version)
	}
}

// settingsUpdate: a put with the stored version replaces the settings whole and
// bumps the version, choices removed included.
func settingsUpdate(t *testing.T, s security.Store) {
	putSettings(t, s, Settings("o1", acct1), "user-1")
	u := getSettings(t, s, "o1", acct1)
	u.Profile, u.UpdatedAt, u.UpdatedBy = security.Basic, storetest.Local(t0.Add(time.Hour)), "user-2"
	u.Choices = map[security.ControlID]bool{security.ConfigRecording: true}
	putSettings(t, s, u, "user-2")
	want := security.Settings{OrgID: "o1", AccountID: acct1, Profile: security.Basic,
		Choices: map[security.ControlID]bool{security.ConfigRecording: true}, UpdatedAt: t0.Add(time.Hour), UpdatedBy: "user-2", Version: 2}
	got := getSettings(t, s, "o1", acct1)
	assert.Equal(t, want, got)
	storetest.UTC(t, t0.Add(time.Hour), got.UpdatedAt, "UpdatedAt")

	got.Choices = nil
	putSettings(t, s, got, "user-3")
	want.Choices, want.Version = map[security.ControlID]bool{}, 3
	assert.Equal(t, want, getSettings(t, s, "o1", acct1), "every choice removed")
}

// settingsStale: a put whose Version is not the stored one (0 when none is) is
// ErrConflict, stores nothing and records no change.
func settingsStale(t *testing.T, s security.Store) {
	for _, v := range []int64{1, 2, -1} {
		st := Settings("o1", acct1)
		st.Version = v
		errIs(t, s.PutSettings(t.Context(), st, Change(st, "stale")), security.ErrConflict, "version %d of settings never saved", v)
	}
	_, err := s.GetSettings(t.Context(), "o1", acct1)
	errIs(t, err, security.ErrNotFound, "a refused put creates nothing")
	assert.Empty(t, changes(t, s, "o1", acct1))

	putSettings(t, s, Settings("o1", acct1), "user-1")
	u := getSettings(t, s, "o1", acct1)
	putSettings(t, s, u, "user-2")
	stored := getSettings(t, s, "o1", acct1)
	before := changes(t, s, "o1", acct1)
	for _, v := range []int64{0, 1, 3, 9, -1} {
		st := stored
		st.Version, st.Profile = v, security.Basic
		errIs(t, s.PutSettings(t.Context(), st, Change(st, "stale")), security.ErrConflict, "version %d, stored 2", v)
	}
	assert.Equal(t, stored, getSettings(t, s, "o1", acct1))
	assert.Equal(t, before, changes(t, s, "o1", acct1), "no change recorded")
}

// settingsConcurrent: writers of one version at once: one wins, the others are
// ErrConflict, and only the winner's change is recorded.
func settingsConcurrent(t *testing.T, s security.Store) {
	for _, version := range []int64{0, 1} {
		errs := storetest.Concurrently(6, func(i int) error {
			st := Settings("o1", acct1)
			st.Version = version
			return s.PutSettings(t.Context(), st, Change(st, fmt.Sprintf("writer %d/%d", version, i)))
		})
		w := sentinels.OneWinner(t, errs, security.ErrConflict)
		assert.Equal(t, version+1, getSettings(t, s, "o1", acct1).Version)
		assert.Equal(t, fmt.Sprintf("writer %d/%d", version, w), changes(t, s, "o1", acct1)[0].By, "the winner's change")
		assert.Len(t, changes(t, s, "o1", acct1), int(version)+1)
	}
}

// settingsChange: the change a put records round-trips whole (Before and After
// with their choices, times in UTC at microsecond precision), as given: the store
// does not touch After's Version, and a zero Before (no profile, no choice) is
// kept as it is. A change with no organization and account is recorded under the
// settings'.
func settingsChange(t *testing.T, s security.Store) {
	st := Settings("o1", acct1)
	ch := Change(st, "user-1")
	want := canonChange(ch)
	ch.At = storetest.Local(ch.At)
	ch.After.UpdatedAt = storetest.Local(ch.After.UpdatedAt)
	ch.Before.UpdatedAt = storetest.Local(t0.Add(-time.Hour))
	want.Before.UpdatedAt = t0.Add(-time.Hour)
	must(t, s.PutSettings(t.Context(), st, ch))
	got := changes(t, s, "o1", acct1)
	require.Len(t, got, 1)
	assert.Equal(t, want, got[0])
	storetest.UTC(t, t0, got[0].At, "At")
	storetest.UTC(t, t0, got[0].After.UpdatedAt, "After.UpdatedAt")
	storetest.UTC(t, t0.Add(-time.Hour), got[0].Before.UpdatedAt, "Before.UpdatedAt")
	assert.Equal(t, map[security.ControlID]bool{}, got[0].Before.Choices, "no choice: an empty map")

	next := getSettings(t, s, "o1", acct1)
	ch2 := security.Change{By: "user-2", At: t0.Add(time.Minute), After: next}
	must(t, s.PutSettings(t.Context(), next, ch2))
	got = changes(t, s, "o1", acct1)
	require.Len(t, got, 2)
	ch2.OrgID, ch2.AccountID = "o1", acct1
	assert.Equal(t, canonChange(ch2), got[0], "recorded under the settings' organization and account")
}

// settingsChangeMismatch: a change naming another organization or account than
// the settings is ErrInvalid, and nothing is stored.
func settingsChangeMismatch(t *testing.T, s security.Store) {
	st := Settings("o1", acct1)
	for _, ch := range []security.Change{
		{OrgID: "o2", AccountID: acct1, By: "user-1", At: t0},
		{OrgID: "o1", AccountID: acct2, By: "user-1", At: t0},
		{OrgID: "o2", By: "user-1", At: t0},
	} {
		errIs(t, s.PutSettings(t.Context(), st, ch), security.ErrInvalid, "change of %q's %q", ch.OrgID, ch.AccountID)
	}
	_, err := s.GetSettings(t.Context(), "o1", acct1)
	errIs(t, err, security.ErrNotFound)
	for _, oa := range [][2]string{{"o1", acct1}, {"o2", acct1}, {"o1", acct2}, {"o2", ""}} {
		assert.Empty(t, changes(t, s, oa[0], oa[1]))
	}
}

// settingsCopies: mutating the Choices a caller passed to PutSettings, or received
// from GetSettings or ListChanges, never changes the store.
func settingsCopies(t *testing.T, s security.Store) {
	st := Settings("o1", acct1)
	ch := Change(st, "user-1")
	ch.Before.Choices = map[security.ControlID]bool{security.GuardDuty: true}
	must(t, s.PutSettings(t.Context(), st, ch))
	st.Choices[security.SecurityHubFSBP] = true
	ch.Before.Choices[security.AccessAnalyzer] = true
	want := saved(Settings("o1", acct1), 1)
	wantCh := canonChange(Change(Settings("o1", acct1), "user-1"))
	wantCh.Before.Choices = map[security.ControlID]bool{security.GuardDuty: true}
	assert.Equal(t, want, getSettings(t, s, "o1", acct1), "mutating what PutSettings stored from")
	assert.Equal(t, []security.Change{wantCh}, changes(t, s, "o1", acct1), "mutating the change PutSettings recorded")

	got := getSettings(t, s, "o1", acct1)
	got.Choices[security.SecurityHubFSBP] = true
	delete(got.Choices, security.GuardDuty)
	assert.Equal(t, want, getSettings(t, s, "o1", acct1), "mutating what GetSettings returned")
	cs := changes(t, s, "o1", acct1)
	cs[0].After.Choices[security.SecurityHubFSBP] = true
	cs[0].Before.Choices[security.SecurityHubFSBP] = true
	assert.Equal(t, []security.Change{wantCh}, changes(t, s, "o1", acct1), "mutating what ListChanges returned")
}

// settingsChangesOrder: ListChanges is newest first in the order the changes were
// recorded (each put's version), whatever their At; another account's changes are
// not listed.
func settingsChangesOrder(t *testing.T, s security.Store) {
	st := Settings("o1", acct1)
	ats := []time.Duration{0, 3 * time.Hour, time.Hour, time.Hour, -time.Hour}
	var want []string
	for i, d := range ats {
		st.Version, st.UpdatedAt = int64(i), t0.Add(d)
		by := fmt.Sprintf("user-%d", i)
		putSettings(t, s, st, by)
		want = append([]string{by}, want...)
		putSettings(t, s, func() security.Settings { o := Settings("o1", acct2); o.Version = int64(i); return o }(), "other account")
	}
	got := changes(t, s, "o1", acct1)
	assert.Equal(t, want, changeBys(got), "newest first, in recording order")
	for _, c := range got {
		assert.Equal(t, "o1", c.OrgID)
		assert.Equal(t, acct1, c.AccountID)
	}
}

// settingsTenantIsolation: settings are an organization's and an account's: the
// same account id under another organization has settings and changes of its own,
// and neither sees the other's (M-7).
func settingsTenantIsolation(t *testing.T, s security.Store) {
	putSettings(t, s, Settings("oA", acct1), "user-a")
	_, err := s.GetSettings(t.Context(), "oB", acct1)
	errIs(t, err, security.ErrNotFound, "another organization's settings")
	_, err = s.GetSettings(t.Context(), "", acct1)
	errIs(t, err, security.ErrNotFound, "no organization")
	assert.Empty(t, changes(t, s, "oB", acct1))
	assert.Empty(t, changes(t, s, "", acct1))
	assert.Empty(t, changes(t, s, "oA", ""))

	stale := getSettings(t, s, "oA", acct1)
	stale.OrgID, stale.UpdatedBy = "oB", "user-b"
	errIs(t, s.PutSettings(t.Context(), stale, Change(stale, "user-b")), security.ErrConflict, "B's version 1 of settings B never saved")

	b := Settings("oB", acct1)
	b.Profile = security.Basic
	putSettings(t, s, b, "user-b")
	assert.Equal(t, saved(Settings("oA", acct1), 1), getSettings(t, s, "oA", acct1), "A's settings untouched")
	assert.Equal(t, saved(b, 1), getSettings(t, s, "oB", acct1))
	assert.Equal(t, []string{"user-a"}, changeBys(changes(t, s, "oA", acct1)))
	assert.Equal(t, []string{"user-b"}, changeBys(changes(t, s, "oB", acct1)))
}
