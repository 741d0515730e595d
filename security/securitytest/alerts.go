package securitytest

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// initializedCases check the record that an initial control was set once (S-1).
func initializedCases() []storeCase {
	return []storeCase{
		{"Initialized/MarkIsPerAccountControlRegion_S1", initMark},
		{"Initialized/ConcurrentMarksAllSucceed_S1", initConcurrent},
	}
}

// initMark: an initial control is initialized once marked, in its account, control
// and region only ("" for a global control is a region of its own); marking again
// is no error and changes nothing.
func initMark(t *testing.T, s security.Store) {
	ctx := t.Context()
	assert.False(t, initialized(t, s, acct1, security.EBSDefaultEncryption, "us-east-1"))
	must(t, s.MarkInitialized(ctx, acct1, security.EBSDefaultEncryption, "us-east-1", storetest.Local(t0)))
	must(t, s.MarkInitialized(ctx, acct1, security.S3PublicAccessBlock, "", t0))
	assert.True(t, initialized(t, s, acct1, security.EBSDefaultEncryption, "us-east-1"))
	assert.True(t, initialized(t, s, acct1, security.S3PublicAccessBlock, ""))
	for _, c := range []struct {
		account string
		control security.ControlID
		region  string
	}{
		{acct1, security.EBSDefaultEncryption, "ap-northeast-1"},
		{acct1, security.EBSDefaultEncryption, ""},
		{acct1, security.IMDSv2Default, "us-east-1"},
		{acct2, security.EBSDefaultEncryption, "us-east-1"},
		{acct1, security.S3PublicAccessBlock, "us-east-1"},
		{"", security.EBSDefaultEncryption, "us-east-1"},
	} {
		assert.False(t, initialized(t, s, c.account, c.control, c.region), "%s %s %q", c.account, c.control, c.region)
	}
	must(t, s.MarkInitialized(ctx, acct1, security.EBSDefaultEncryption, "us-east-1", t0.Add(time.Hour)))
	assert.True(t, initialized(t, s, acct1, security.EBSDefaultEncryption, "us-east-1"))
}

// initConcurrent: marks of one control at once all succeed, and it is marked.
func initConcurrent(t *testing.T, s security.Store) {
	errs := storetest.Concurrently(10, func(i int) error {
		return s.MarkInitialized(t.Context(), acct1, security.DefaultSGClosed, "us-east-1", t0.Add(time.Duration(i)*time.Second))
	})
	for i, err := range errs {
		require.NoError(t, err, "caller %d", i)
	}
	assert.True(t, initialized(t, s, acct1, security.DefaultSGClosed, "us-east-1"))
}

// alertCases check security alerts (S-4): kept once per finding id, listed newest
// first, scoped to an organization (M-7).
func alertCases() []storeCase {
	return []storeCase{
		{"Alerts/EveryFieldRoundTrips_S4", alertRoundTrip},
		{"Alerts/PutStoresOncePerID_S4", alertOnce},
		{"Alerts/ConcurrentPutsOfOneIDStoreOne_S4", alertConcurrent},
		{"Alerts/ListNewestFirstThenID_S4", alertOrder},
		{"Alerts/ListByOrgAndAccount_M7", alertFilters},
		{"Alerts/TypesAreCopiedInAndOut", alertCopies},
	}
}

// alertRoundTrip: every field of an alert round-trips, times in UTC at microsecond
// precision; no Types and a zero CreatedAt come back as such.
func alertRoundTrip(t *testing.T, s security.Store) {
	a := Alert("o1", acct1, "arn:aws:guardduty:ap-northeast-1:111111111111:detector/d1/finding/f1", t0)
	in := a
	in.CreatedAt, in.ReceivedAt = storetest.Local(a.CreatedAt), storetest.Local(a.ReceivedAt)
	putAlert(t, s, in, true)
	b := Alert("o1", acct1, "b", t0.Add(-time.Hour))
	b.Types, b.CreatedAt, b.Incident, b.Score, b.Severity, b.Region, b.NoticeID = nil, time.Time{}, false, 0, "INFORMATIONAL", "", ""
	putAlert(t, s, b, true)
	got := alerts(t, s, "o1", acct1)
	assert.Equal(t, []security.Alert{a, canonAlert(b)}, got)
	require.Len(t, got, 2)
	storetest.UTC(t, a.CreatedAt, got[0].CreatedAt, "CreatedAt")
	storetest.UTC(t, a.ReceivedAt, got[0].ReceivedAt, "ReceivedAt")
	assert.True(t, got[1].CreatedAt.IsZero())
}

// alertOnce: an alert is stored once per id (true); another with its id, of any
// organization, is not (false) and changes nothing.
func alertOnce(t *testing.T, s security.Store) {
	putAlert(t, s, Alert("o1", acct1, "f1", t0), true)
	second := Alert("o1", acct1, "f1", t0.Add(time.Hour))
	second.Title, second.Severity, second.NoticeID = "updated", "CRITICAL", "notice-2"
	putAlert(t, s, second, false)
	putAlert(t, s, Alert("o2", acct2, "f1", t0.Add(time.Hour)), false)
	putAlert(t, s, Alert("o1", acct1, "f2", t0), true)
	assert.Equal(t, []security.Alert{Alert("o1", acct1, "f2", t0), Alert("o1", acct1, "f1", t0)}, alerts(t, s, "o1", ""),
		"the first f1 stays")
	assert.Empty(t, alerts(t, s, "o2", ""))
}

// alertConcurrent: 20 puts of one id at once: exactly one stores (true), none
// fails, and the stored alert is the winner's.
func alertConcurrent(t *testing.T, s security.Store) {
	oks := make([]bool, 20)
	errs := storetest.Concurrently(len(oks), func(i int) error {
		a := Alert("o1", acct1, "f1", t0)
		a.NoticeID = fmt.Sprint("notice-", i)
		var err error
		oks[i], err = s.PutAlert(t.Context(), a)
		return err
	})
	winner := -1
	for i, err := range errs {
		require.NoError(t, err, "caller %d", i)
		if oks[i] {
			require.Equal(t, -1, winner, "two puts stored: %v", oks)
			winner = i
		}
	}
	require.NotEqual(t, -1, winner, "no put stored")
	got := alerts(t, s, "o1", acct1)
	require.Len(t, got, 1)
	assert.Equal(t, fmt.Sprint("notice-", winner), got[0].NoticeID)
}

// alertOrder: ListAlerts is newest ReceivedAt first, and of one instant the
// greater id (in byte order) first, whatever the order of the puts.
func alertOrder(t *testing.T, s security.Store) {
	for _, a := range []security.Alert{
		Alert("o1", acct1, "b", t0),
		Alert("o1", acct1, "old", t0.Add(-time.Hour)),
		Alert("o1", acct1, "a", t0),
		Alert("o1", acct1, "new", t0.Add(time.Microsecond)),
		Alert("o1", acct1, "B", t0),
		Alert("o1", acct1, "Ä", t0),
		Alert("o1", acct1, "a-1", t0),
	} {
		putAlert(t, s, a, true)
	}
	want := []string{"new", "Ä", "b", "a-1", "a", "B", "old"}
	assert.Equal(t, want, alertIDs(alerts(t, s, "o1", acct1)))
	for _, limit := range []int{1, 2, 3, 6} {
		assert.Equal(t, want, alertIDs(storetest.Walk(t, limit, func(p resellerkit.Page) ([]security.Alert, string, error) {
			return s.ListAlerts(t.Context(), "o1", acct1, p)
		})), "limit %d", limit)
	}
}

// alertFilters: ListAlerts lists one organization's alerts (one account's when
// accountID is set), never another's, even for the same account id (M-7); an
// organization with none lists none, not an error.
func alertFilters(t *testing.T, s security.Store) {
	putAlert(t, s, Alert("o1", acct1, "a1", t0), true)
	putAlert(t, s, Alert("o1", acct2, "a2", t0.Add(time.Minute)), true)
	putAlert(t, s, Alert("o2", acct1, "a3", t0.Add(2*time.Minute)), true)
	putAlert(t, s, Alert("", acct1, "a4", t0.Add(3*time.Minute)), true)
	for _, c := range []struct {
		org, account string
		want         []string
	}{
		{"o1", "", []string{"a2", "a1"}},
		{"o1", acct1, []string{"a1"}},
		{"o1", acct2, []string{"a2"}},
		{"o2", "", []string{"a3"}},
		{"o2", acct2, nil},
		{"", "", []string{"a4"}},
		{"o3", "", nil},
		{"O1", "", nil},
	} {
		got := alerts(t, s, c.org, c.account)
		assert.Equal(t, c.want, alertIDs(got), "ListAlerts(%q, %q)", c.org, c.account)
		for _, a := range got {
			assert.Equal(t, c.org, a.OrgID)
		}
	}
}

// alertCopies: mutating the Types a caller passed to PutAlert or received from
// ListAlerts never changes the store.
func alertCopies(t *testing.T, s security.Store) {
	in := Alert("o1", acct1, "f1", t0)
	putAlert(t, s, in, true)
	in.Types[0] = "scribbled"
	want := []security.Alert{Alert("o1", acct1, "f1", t0)}
	assert.Equal(t, want, alerts(t, s, "o1", ""))
	got := alerts(t, s, "o1", "")
	got[0].Types[1] = "scribbled"
	assert.Equal(t, want, alerts(t, s, "o1", ""))
}
