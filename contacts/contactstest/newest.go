package contactstest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// newestCases check ListNoticesNewestFirst: the generic keyset checks of
// storetest (through keys whose byte order is the list's order, see
// storetest.NewestFirst), and its own order: CreatedAt descending, ties by id
// descending in byte order, pages that split a run of equal CreatedAt, the state
// filter, only the organization's notices (M-7) and tokens it did not make
// refused.
func newestCases() []storeCase {
	var cases []storeCase
	for _, l := range newestListers() {
		p := "Newest/" + l.Name + "/"
		cases = append(cases,
			storeCase{p + "EveryRowOnceNewestFirst", l.CheckOrder},
			storeCase{p + "PageSize", l.CheckSizes},
			storeCase{p + "BadTokenIsErrPageToken", func(t *testing.T, s contacts.Store) { l.CheckBadTokens(t, s, sentinels, "o1", "o9") }},
			storeCase{p + "NoRowTwiceWhileRowsAreAdded", l.CheckChanges},
			storeCase{p + "OnlyTheOrgsRows_M7", func(t *testing.T, s contacts.Store) { onlyTheOrgsRows(t, s, l) }},
			storeCase{p + "TokenOfAnotherOrgListsOnlyItsOwn_M7", l.CheckForeignToken},
		)
	}
	return append(cases,
		storeCase{"Newest/TiesByIDDescending", newestTies},
		storeCase{"Newest/PagesSplitEqualCreatedAt", newestPagesAcrossTies},
		storeCase{"Newest/FiltersByState_C7", newestByState},
		storeCase{"Newest/NeverAnotherOrgsNotice_M7", newestOtherOrg},
		storeCase{"Newest/ZeroCreatedAtIsTheEarliest", newestZeroCreatedAt},
		storeCase{"Newest/TokenOfAnotherListIsErrPageToken", newestForeignToken},
	)
}

// listNewest returns ListNoticesNewestFirst of state as a list of rows.
func listNewest(state contacts.NoticeState) func(ctx context.Context, s contacts.Store, org string, p resellerkit.Page) ([]storetest.Row, string, error) {
	return func(ctx context.Context, s contacts.Store, org string, p resellerkit.Page) ([]storetest.Row, string, error) {
		return storetest.RowsOf(func(n contacts.Notice) string { return n.ID },
			func(n contacts.Notice) string { return n.OrgID })(s.ListNoticesNewestFirst(ctx, org, state, p))
	}
}

// newestListers returns ListNoticesNewestFirst without and with a state filter.
// With the filter (queued), every listed notice has a dead twin of the same
// CreatedAt whose id sorts right after its own, which the filter must leave out.
func newestListers() []lister {
	return []lister{{noOrg: true, Lister: storetest.Lister[contacts.Store]{
		Name: "ListNoticesNewestFirst", Scopes: orgs,
		Add: func(ctx context.Context, s contacts.Store, org, key string) error {
			created, err := storetest.NewestFirst(key)
			if err != nil {
				return err
			}
			n := Notice(org, key)
			n.CreatedAt = created
			return s.EnqueueNotice(ctx, n)
		},
		List: listNewest(""),
	}}, {noOrg: true, Lister: storetest.Lister[contacts.Store]{
		Name: "ListNoticesNewestFirst/queued", Scopes: orgs,
		Add: func(ctx context.Context, s contacts.Store, org, key string) error {
			created, err := storetest.NewestFirst(key)
			if err != nil {
				return err
			}
			twin := at(org, key+"/dead", time.Time{})
			twin.CreatedAt = created
			if err := s.EnqueueNotice(ctx, twin); err != nil {
				return err
			}
			got, err := s.ClaimNotices(ctx, "pager", t0, t0.Add(time.Minute), 1)
			if err != nil {
				return err
			}
			if len(got) != 1 || got[0].ID != twin.ID {
				return fmt.Errorf("claimed %q, want only %q", ids(got), twin.ID)
			}
			got[0].State, got[0].LastError = contacts.NoticeDead, "550"
			if err := s.FinishNotice(ctx, got[0], "pager"); err != nil {
				return err
			}
			n := at(org, key, never)
			n.CreatedAt = created
			return s.EnqueueNotice(ctx, n)
		},
		List: listNewest(contacts.NoticeQueued),
	}}}
}

// createdAt returns Notice(orgID, id) created at c.
func createdAt(orgID, id string, c time.Time) contacts.Notice {
	n := Notice(orgID, id)
	n.CreatedAt = c
	return n
}

// walkNewest reads orgID's whole ListNoticesNewestFirst of state, limit a page,
// and returns the ids in order.
func walkNewest(t *testing.T, s contacts.Store, orgID string, state contacts.NoticeState, limit int) []string {
	t.Helper()
	return ids(storetest.All(t, func(p resellerkit.Page) ([]contacts.Notice, string, error) {
		p.Limit = limit
		return s.ListNoticesNewestFirst(t.Context(), orgID, state, p)
	}))
}

// newestTies: notices of one CreatedAt come by id descending in byte order
// (case and length count as bytes, no locale), between the newer and the older.
func newestTies(t *testing.T, s contacts.Store) {
	enqueue(t, s, createdAt("o1", "b", t0), createdAt("o1", "older", t0.Add(-time.Microsecond)),
		createdAt("o1", "B", t0), createdAt("o1", "a", t0), createdAt("o1", "ab", t0),
		createdAt("o1", "newer", t0.Add(time.Microsecond)))
	assert.Equal(t, []string{"newer", "b", "ab", "a", "B", "older"}, walkNewest(t, s, "o1", "", 0))
}

// newestPagesAcrossTies: pages of every size split a run of equal CreatedAt
// anywhere and still hold every notice once, in order (the token holds the id,
// not only the time).
func newestPagesAcrossTies(t *testing.T, s contacts.Store) {
	var want []string
	for i := 9; i >= 0; i-- {
		id := fmt.Sprintf("n%d", i)
		want = append(want, id)
		enqueue(t, s, createdAt("o1", id, t0))
	}
	enqueue(t, s, createdAt("o1", "z-old", t0.Add(-time.Hour)))
	want = append(want, "z-old")
	for _, limit := range []int{1, 2, 3, 4, 7, 10, 11, 0} {
		assert.Equal(t, want, walkNewest(t, s, "o1", "", limit), "limit %d", limit)
	}
}

// newestByState: with a state only the notices in it come, newest first, and
// paging keeps the filter; without one every state comes.
func newestByState(t *testing.T, s contacts.Store) {
	ctx := t.Context()
	enqueue(t, s, createdAt("o1", "dead1", t0.Add(3*time.Minute)))
	n := claimOne(t, s, "d", t0, t0.Add(time.Minute), "dead1")
	n.State, n.LastError = contacts.NoticeDead, "550"
	must(t, s.FinishNotice(ctx, n, "d"))
	q := []contacts.Notice{createdAt("o1", "q1", t0.Add(time.Minute)), createdAt("o1", "q2", t0.Add(2*time.Minute)),
		createdAt("o1", "q3", t0.Add(4*time.Minute))}
	for i := range q {
		q[i].NextAt = never
	}
	enqueue(t, s, q...)
	assert.Equal(t, []string{"q3", "q2", "q1"}, walkNewest(t, s, "o1", contacts.NoticeQueued, 1))
	assert.Equal(t, []string{"dead1"}, walkNewest(t, s, "o1", contacts.NoticeDead, 1))
	assert.Empty(t, walkNewest(t, s, "o1", contacts.NoticeSent, 1))
	assert.Equal(t, []string{"q3", "dead1", "q2", "q1"}, walkNewest(t, s, "o1", "", 2))
}

// newestOtherOrg: another organization's notices never come, not even those of
// the same CreatedAt, nor in the list of no organization ("") (M-7).
func newestOtherOrg(t *testing.T, s contacts.Store) {
	enqueue(t, s, createdAt("o1", "mine", t0), createdAt("o2", "theirs", t0), createdAt("o2", "theirs-new", t0.Add(time.Hour)),
		createdAt("", "system", t0))
	for _, limit := range []int{1, 0} {
		assert.Equal(t, []string{"mine"}, walkNewest(t, s, "o1", "", limit))
		assert.Equal(t, []string{"theirs-new", "theirs"}, walkNewest(t, s, "o2", "", limit))
		assert.Equal(t, []string{"system"}, walkNewest(t, s, "", "", limit))
		assert.Empty(t, walkNewest(t, s, "O1", "", limit))
	}
}

// newestZeroCreatedAt: a notice with no CreatedAt comes last, as the earliest,
// and round-trips as zero.
func newestZeroCreatedAt(t *testing.T, s contacts.Store) {
	enqueue(t, s, createdAt("o1", "unset", time.Time{}), createdAt("o1", "set", t0))
	assert.Equal(t, []string{"set", "unset"}, walkNewest(t, s, "o1", "", 1))
	got, _, err := s.ListNoticesNewestFirst(t.Context(), "o1", "", resellerkit.Page{Limit: 1,
		Token: resellerkit.NextToken(contacts.NoticePosition(createdAt("o1", "set", t0)))})
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.True(t, got[0].CreatedAt.IsZero(), "CreatedAt %v", got[0].CreatedAt)
}

// newestForeignToken: a token of ListNotices (an id, no position) or of no list
// is refused with resellerkit.ErrPageToken and no contract sentinel, whatever the
// organization's notices.
func newestForeignToken(t *testing.T, s contacts.Store) {
	enqueue(t, s, createdAt("o1", "n1", t0), createdAt("o1", "n2", t0))
	_, idToken, err := s.ListNotices(t.Context(), "o1", "", resellerkit.Page{Limit: 1})
	require.NoError(t, err)
	require.NotEmpty(t, idToken)
	for _, token := range []string{idToken, resellerkit.NextToken("12x\x00n1"), resellerkit.NextToken("+1\x00n1"),
		"not a token"} {
		_, _, err := s.ListNoticesNewestFirst(t.Context(), "o1", "", resellerkit.Page{Token: token})
		require.ErrorIs(t, err, resellerkit.ErrPageToken, "token %q", token)
		for _, e := range sentinels {
			assert.NotErrorIs(t, err, e, "token %q", token)
		}
	}
}
