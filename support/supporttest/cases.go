package supporttest

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/storetest"
	"github.com/seeda33a2f4f/resellerkit/support"
)

// caseCases check a case's life in the store (P-1, P-3): created once at
// Version 1, read and updated within its organization (M-7) with optimistic
// versions, every field round-tripping and copied in and out.
func caseCases() []storeCase {
	return []storeCase{
		{"Cases/CreateIsVersion1AndEveryFieldRoundTrips_P1", caseRoundTrip},
		{"Cases/UnsetFieldsRoundTrip", caseRoundTripUnset},
		{"Cases/OpenWaitingSpanRoundTrips_P2", caseOpenSpan},
		{"Cases/UsedIDIsErrAlreadyExists", caseCreateTwice},
		{"Cases/ConcurrentCreatesOfOneIDOneWins", caseCreateConcurrent},
		{"Cases/GetIsScopedByOrg_M7", caseGetScoped},
		{"Cases/UpdateStoresEveryMutableFieldAndBumpsVersion_P3", caseUpdate},
		{"Cases/UpdateNeverChangesImmutableFields", caseUpdateImmutable},
		{"Cases/StaleUpdateIsErrConflictAndChangesNothing", caseUpdateStale},
		{"Cases/ConcurrentUpdatesOfOneVersionOneWins", caseUpdateConcurrent},
		{"Cases/UpdateOfAnotherOrgsCaseIsErrNotFound_M7", caseUpdateScoped},
		{"Cases/SlicesAndEscalationAreCopiedInAndOut", caseCopies},
	}
}

// caseRoundTrip: a created case is stored at Version 1 whatever Version it
// holds, and every field round-trips, times in UTC at microsecond precision.
func caseRoundTrip(t *testing.T, s support.Store) {
	want := Case("o1", acct1, "case-1", t0)
	want.State, want.Scope = support.Rejected, support.CustomerCode
	want.ResolvedAt, want.ClosedAt = t0.Add(3*time.Hour), t0.Add(4*time.Hour)
	want.Waiting = append(want.Waiting, support.Span{Start: t0.Add(150 * time.Minute), End: t0.Add(170 * time.Minute)})
	in := canonCase(want)
	in.Version = 7
	in.CreatedAt, in.UpdatedAt = storetest.Local(want.CreatedAt), storetest.Local(want.UpdatedAt)
	in.FirstResponseAt, in.ResolvedAt, in.ClosedAt = storetest.Local(want.FirstResponseAt), storetest.Local(want.ResolvedAt), storetest.Local(want.ClosedAt)
	for i, sp := range in.Waiting {
		in.Waiting[i] = support.Span{Start: storetest.Local(sp.Start), End: storetest.Local(sp.End)}
	}
	in.Escalation.At = storetest.Local(want.Escalation.At)
	createCase(t, s, in)

	got := getCase(t, s, "o1", "case-1")
	assert.Equal(t, saved(want, 1), got)
	storetest.UTC(t, want.CreatedAt, got.CreatedAt, "CreatedAt")
	storetest.UTC(t, want.UpdatedAt, got.UpdatedAt, "UpdatedAt")
	storetest.UTC(t, want.FirstResponseAt, got.FirstResponseAt, "FirstResponseAt")
	storetest.UTC(t, want.ResolvedAt, got.ResolvedAt, "ResolvedAt")
	storetest.UTC(t, want.ClosedAt, got.ClosedAt, "ClosedAt")
	require.Len(t, got.Waiting, 2)
	for i, sp := range got.Waiting {
		storetest.UTC(t, want.Waiting[i].Start, sp.Start, fmt.Sprintf("Waiting[%d].Start", i))
		storetest.UTC(t, want.Waiting[i].End, sp.End, fmt.Sprintf("Waiting[%d].End", i))
	}
	require.NotNil(t, got.Escalation)
	storetest.UTC(t, want.Escalation.At, got.Escalation.At, "Escalation.At")

	listed := cases(t, s, support.CaseFilter{OrgID: "o1"})
	assert.Equal(t, []support.Case{saved(want, 1)}, listed, "ListCases returns the whole case")
}

// caseRoundTripUnset: a new case with nothing but what an inquirer gives (no CC,
// no assignee, no waiting, no escalation, no response, zero times) comes back
// as such: Escalation nil, times zero.
func caseRoundTripUnset(t *testing.T, s support.Store) {
	c := support.Case{ID: "case-1", OrgID: "o1", AccountID: acct1, Category: support.AccountBilling,
		Severity: support.Low, Subject: "請求書", Body: "", CC: []string{}, Language: "en", State: support.Open,
		OpenedBy: "user-1", CreatedAt: t0, Waiting: []support.Span{}}
	createCase(t, s, c)
	got := getCase(t, s, "o1", "case-1")
	assert.Equal(t, saved(c, 1), got)
	assert.Nil(t, got.Escalation)
	for what, tm := range map[string]time.Time{"UpdatedAt": got.UpdatedAt, "FirstResponseAt": got.FirstResponseAt,
		"ResolvedAt": got.ResolvedAt, "ClosedAt": got.ClosedAt} {
		assert.True(t, tm.IsZero(), "%s: %v", what, tm)
	}

	zero := support.Case{ID: "case-0", OrgID: "o1"}
	createCase(t, s, zero)
	assert.Equal(t, saved(zero, 1), getCase(t, s, "o1", "case-0"), "a case with only its keys round-trips too")
}

// caseOpenSpan: the open span of a case waiting on its customer (zero End) comes
// back open, after the closed ones, and stays so through an update that closes
// it and opens another.
func caseOpenSpan(t *testing.T, s support.Store) {
	c := Case("o1", acct1, "case-1", t0)
	c.State = support.WaitingOnCustomer
	c.Waiting = append(c.Waiting, support.Span{Start: t0.Add(3 * time.Hour)})
	createCase(t, s, c)
	got := getCase(t, s, "o1", "case-1")
	assert.Equal(t, saved(c, 1), got)
	require.Len(t, got.Waiting, 2)
	assert.True(t, got.Waiting[1].End.IsZero(), "the open span has a zero End")

	got.Waiting[1].End = storetest.Local(t0.Add(4 * time.Hour))
	got.Waiting = append(got.Waiting, support.Span{Start: t0.Add(5 * time.Hour)})
	updateCase(t, s, got)
	want := c
	want.Waiting = []support.Span{c.Waiting[0], {Start: t0.Add(3 * time.Hour), End: t0.Add(4 * time.Hour)}, {Start: t0.Add(5 * time.Hour)}}
	assert.Equal(t, saved(want, 2), getCase(t, s, "o1", "case-1"))
}

// caseCreateTwice: a case id is unique across organizations: creating it again,
// in its organization or another, is ErrAlreadyExists and changes nothing.
func caseCreateTwice(t *testing.T, s support.Store) {
	createCase(t, s, Case("o1", acct1, "case-1", t0))
	again := Case("o1", acct2, "case-1", t0.Add(time.Hour))
	again.Subject = "second"
	errIs(t, s.CreateCase(t.Context(), again), support.ErrAlreadyExists, "the id is used")
	errIs(t, s.CreateCase(t.Context(), Case("o2", acct1, "case-1", t0)), support.ErrAlreadyExists, "the id is used by another organization")
	assert.Equal(t, saved(Case("o1", acct1, "case-1", t0), 1), getCase(t, s, "", "case-1"))
	assert.Empty(t, cases(t, s, support.CaseFilter{OrgID: "o2"}))
	createCase(t, s, Case("o1", acct1, "Case-1", t0))
	assert.Len(t, cases(t, s, support.CaseFilter{}), 2, "ids are compared exactly")
}

// caseCreateConcurrent: of 10 creates of one id at once exactly one stores; the
// others are ErrAlreadyExists.
func caseCreateConcurrent(t *testing.T, s support.Store) {
	errs := storetest.Concurrently(10, func(i int) error {
		c := Case(fmt.Sprint("o", i), acct1, "case-1", t0)
		c.Subject = fmt.Sprint("subject ", i)
		return s.CreateCase(t.Context(), c)
	})
	w := sentinels.OneWinner(t, errs, support.ErrAlreadyExists)
	got := getCase(t, s, "", "case-1")
	assert.Equal(t, fmt.Sprint("subject ", w), got.Subject)
	assert.Equal(t, fmt.Sprint("o", w), got.OrgID)
	assert.Len(t, cases(t, s, support.CaseFilter{}), 1)
}

// caseGetScoped: GetCase finds a case in its organization, or in any with orgID
// "" (the desk's read); another organization's case is ErrNotFound, like a
// missing one (M-7); organization ids are compared exactly.
func caseGetScoped(t *testing.T, s support.Store) {
	createCase(t, s, Case("o1", acct1, "case-1", t0))
	createCase(t, s, Case("o2", acct1, "case-2", t0))
	want := saved(Case("o1", acct1, "case-1", t0), 1)
	assert.Equal(t, want, getCase(t, s, "o1", "case-1"))
	assert.Equal(t, want, getCase(t, s, "", "case-1"))
	assert.Equal(t, "o2", getCase(t, s, "", "case-2").OrgID)
	for _, c := range [][2]string{{"o2", "case-1"}, {"O1", "case-1"}, {"o", "case-1"}, {"o1", "case-2"},
		{"o1", "case-9"}, {"", "case-9"}, {"o1", ""}, {"", ""}, {"o1", "CASE-1"}} {
		_, err := s.GetCase(t.Context(), c[0], c[1])
		errIs(t, err, support.ErrNotFound, "GetCase(%q, %q)", c[0], c[1])
	}
}

// caseUpdate: an update with the stored version stores every mutable field as
// given (UpdatedAt too: the store keeps the caller's clock), clearing what was
// cleared, and stores Version+1.
func caseUpdate(t *testing.T, s support.Store) {
	createCase(t, s, Case("o1", acct1, "case-1", t0))
	u := getCase(t, s, "o1", "case-1")
	u.Category, u.Severity, u.Subject, u.Body = support.AccountBilling, support.Critical, "updated subject", "updated body"
	u.CC, u.Language, u.State = []string{"new@example.com"}, "en", support.Resolved
	u.OpenedByEmail, u.Assignee = "new-mail@example.co.jp", "op-2"
	u.Waiting = append(u.Waiting, support.Span{Start: t0.Add(3 * time.Hour), End: t0.Add(4 * time.Hour)})
	u.FirstResponseAt, u.ResolvedAt, u.ClosedAt = storetest.Local(t0.Add(time.Minute)), storetest.Local(t0.Add(5*time.Hour)), t0.Add(6*time.Hour)
	u.Scope = support.ThirdPartySoftware
	u.Escalation = &support.Escalation{AWSCaseID: "case-2", DisplayID: "99", At: storetest.Local(t0.Add(time.Hour)), By: "op-2"}
	u.UpdatedAt = storetest.Local(t0.Add(5 * time.Hour))
	updateCase(t, s, u)

	want := Case("o1", acct1, "case-1", t0)
	want.Category, want.Severity, want.Subject, want.Body = support.AccountBilling, support.Critical, "updated subject", "updated body"
	want.CC, want.Language, want.State = []string{"new@example.com"}, "en", support.Resolved
	want.OpenedByEmail, want.Assignee = "new-mail@example.co.jp", "op-2"
	want.Waiting = append(want.Waiting, support.Span{Start: t0.Add(3 * time.Hour), End: t0.Add(4 * time.Hour)})
	want.FirstResponseAt, want.ResolvedAt, want.ClosedAt = t0.Add(time.Minute), t0.Add(5*time.Hour), t0.Add(6*time.Hour)
	want.Scope = support.ThirdPartySoftware
	want.Escalation = &support.Escalation{AWSCaseID: "case-2", DisplayID: "99", At: t0.Add(time.Hour), By: "op-2"}
	want.UpdatedAt = t0.Add(5 * time.Hour)
	got := getCase(t, s, "o1", "case-1")
	assert.Equal(t, saved(want, 2), got)
	storetest.UTC(t, want.UpdatedAt, got.UpdatedAt, "UpdatedAt")
	storetest.UTC(t, want.Escalation.At, got.Escalation.At, "Escalation.At")

	got.CC, got.Waiting, got.Escalation, got.Assignee = nil, nil, nil, ""
	got.FirstResponseAt, got.ResolvedAt, got.ClosedAt, got.Scope = time.Time{}, time.Time{}, time.Time{}, ""
	updateCase(t, s, got)
	want.CC, want.Waiting, want.Escalation, want.Assignee = nil, nil, nil, ""
	want.FirstResponseAt, want.ResolvedAt, want.ClosedAt, want.Scope = time.Time{}, time.Time{}, time.Time{}, ""
	assert.Equal(t, saved(want, 3), getCase(t, s, "", "case-1"), "cleared fields are stored cleared")
	assert.Equal(t, []support.Case{saved(want, 3)}, cases(t, s, support.CaseFilter{OrgID: "o1"}))
}

// caseUpdateImmutable: an update never changes AccountID, OpenedBy or CreatedAt
// (it stores the rest); it matches the case by OrgID and ID, so it never moves a
// case to another organization.
func caseUpdateImmutable(t *testing.T, s support.Store) {
	orig := Case("o1", acct1, "case-1", t0)
	createCase(t, s, orig)
	u := getCase(t, s, "o1", "case-1")
	u.AccountID, u.OpenedBy, u.CreatedAt = acct2, "intruder", t0.Add(-24*time.Hour)
	u.Subject = "changed"
	updateCase(t, s, u)
	want := orig
	want.Subject = "changed"
	assert.Equal(t, saved(want, 2), getCase(t, s, "o1", "case-1"))
	assert.Empty(t, cases(t, s, support.CaseFilter{AccountID: acct2}), "the case is still of its account")

	moved := getCase(t, s, "o1", "case-1")
	moved.OrgID = "o2"
	errIs(t, s.UpdateCase(t.Context(), moved), support.ErrNotFound, "o2 has no case-1")
	assert.Equal(t, saved(want, 2), getCase(t, s, "o1", "case-1"))
	assert.Empty(t, cases(t, s, support.CaseFilter{OrgID: "o2"}))
}

// caseUpdateStale: an update with any version but the stored one (the one before
// it, 0, a negative or a future one) is ErrConflict and changes nothing.
func caseUpdateStale(t *testing.T, s support.Store) {
	createCase(t, s, Case("o1", acct1, "case-1", t0))
	u := getCase(t, s, "o1", "case-1")
	u.Subject = "v2"
	updateCase(t, s, u)
	want := getCase(t, s, "o1", "case-1")
	require.Equal(t, int64(2), want.Version)
	for _, v := range []int64{1, 0, -1, 3, 99} {
		stale := want
		stale.Version, stale.Subject, stale.State = v, fmt.Sprint("stale ", v), support.Closed
		errIs(t, s.UpdateCase(t.Context(), stale), support.ErrConflict, "version %d", v)
	}
	assert.Equal(t, want, getCase(t, s, "o1", "case-1"))
}

// caseUpdateConcurrent: of 8 updates of one version at once exactly one is
// stored; the others are ErrConflict.
func caseUpdateConcurrent(t *testing.T, s support.Store) {
	createCase(t, s, Case("o1", acct1, "case-1", t0))
	read := getCase(t, s, "o1", "case-1")
	errs := storetest.Concurrently(8, func(i int) error {
		u := read
		u.Assignee = fmt.Sprint("op-", i)
		return s.UpdateCase(t.Context(), u)
	})
	w := sentinels.OneWinner(t, errs, support.ErrConflict)
	got := getCase(t, s, "o1", "case-1")
	assert.Equal(t, fmt.Sprint("op-", w), got.Assignee)
	assert.Equal(t, int64(2), got.Version)
}

// caseUpdateScoped: an update of another organization's case, of a missing one,
// or with OrgID "" (an update always names the case's organization) is
// ErrNotFound and changes nothing (M-7).
func caseUpdateScoped(t *testing.T, s support.Store) {
	createCase(t, s, Case("o1", acct1, "case-1", t0))
	want := getCase(t, s, "o1", "case-1")
	for _, org := range []string{"o2", "", "O1"} {
		u := want
		u.OrgID, u.Subject = org, "hijacked"
		errIs(t, s.UpdateCase(t.Context(), u), support.ErrNotFound, "org %q", org)
	}
	missing := want
	missing.ID = "case-9"
	errIs(t, s.UpdateCase(t.Context(), missing), support.ErrNotFound, "missing case")
	stale := want
	stale.OrgID, stale.Version = "o2", 9
	errIs(t, s.UpdateCase(t.Context(), stale), support.ErrNotFound, "another organization's case is missing, not stale")
	assert.Equal(t, want, getCase(t, s, "o1", "case-1"))
	_, err := s.GetCase(t.Context(), "", "case-9")
	errIs(t, err, support.ErrNotFound, "a failed update creates nothing")
}

// caseCopies: mutating the CC, Waiting or Escalation of a case a caller passed to
// CreateCase or UpdateCase, or received from GetCase or ListCases, never changes
// the store.
func caseCopies(t *testing.T, s support.Store) {
	in := Case("o1", acct1, "case-1", t0)
	createCase(t, s, in)
	in.CC[0], in.Waiting[0].End, in.Escalation.AWSCaseID = "scribbled", time.Time{}, "scribbled"
	want := saved(Case("o1", acct1, "case-1", t0), 1)
	assert.Equal(t, want, getCase(t, s, "o1", "case-1"))

	got, err := s.GetCase(t.Context(), "o1", "case-1")
	require.NoError(t, err)
	got.CC[1], got.Waiting[0].Start, got.Escalation.By = "scribbled", t0, "scribbled"
	listed, _, err := s.ListCases(t.Context(), support.CaseFilter{OrgID: "o1"}, pageAll)
	require.NoError(t, err)
	require.Len(t, listed, 1)
	listed[0].CC[0], listed[0].Waiting[0].End, listed[0].Escalation.DisplayID = "scribbled", t0, "scribbled"
	assert.Equal(t, want, getCase(t, s, "o1", "case-1"))

	u := getCase(t, s, "o1", "case-1")
	updateCase(t, s, u)
	u.CC[0], u.Waiting[0].End, u.Escalation.At = "scribbled", time.Time{}, time.Time{}
	assert.Equal(t, saved(Case("o1", acct1, "case-1", t0), 2), getCase(t, s, "o1", "case-1"))
}
