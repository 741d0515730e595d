package securitytest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// alertLister is ListAlerts of one organization as the paging checks see it: each
// row is an alert whose id is the key and whose ReceivedAt orders the keys (see
// storetest.NewestFirst). With account set, the list is of one account, and every
// row has a twin of another account of the organization, received at the same
// instant, which the list must leave out.
func alertLister(account string) storetest.Lister[security.Store] {
	name := "ListAlerts"
	if account != "" {
		name += "/account"
	}
	return storetest.Lister[security.Store]{
		Name: name, Scopes: [2]string{"o1", "o2"},
		Add: func(ctx context.Context, s security.Store, org, key string) error {
			at, err := storetest.NewestFirst(key)
			if err != nil {
				return err
			}
			ids := []string{org + "/" + key}
			if account != "" {
				ids = append(ids, org+"/"+key+"/twin")
			}
			for i, id := range ids {
				a := Alert(org, acct1, id, at)
				if i > 0 {
					a.AccountID = acct2
				}
				if _, err := s.PutAlert(ctx, a); err != nil {
					return err
				}
			}
			return nil
		},
		List: func(ctx context.Context, s security.Store, org string, p resellerkit.Page) ([]storetest.Row, string, error) {
			acc := ""
			if account != "" {
				acc = acct1
			}
			return storetest.RowsOf(func(a security.Alert) string { return strings.TrimPrefix(a.ID, a.OrgID+"/") },
				func(a security.Alert) string { return a.OrgID })(s.ListAlerts(ctx, org, acc, p))
		},
	}
}

// pagingCases check resellerkit.Page on ListAlerts (of an organization and of one
// of its accounts) and ListChanges: keyset pages newest first, every row once, the
// size asked for, tokens no list made refused, no row twice while rows are added
// between pages, and no token that crosses organizations (M-7). Neither alerts
// nor changes can be removed, so no row is.
func pagingCases() []storeCase {
	var cases []storeCase
	for _, l := range []storetest.Lister[security.Store]{alertLister(""), alertLister(acct1)} {
		p := "Paging/" + l.Name + "/"
		cases = append(cases,
			storeCase{p + "EveryRowOnceNewestFirst_S4", l.CheckOrder},
			storeCase{p + "PageSize", l.CheckSizes},
			storeCase{p + "BadTokenIsErrPageToken", func(t *testing.T, s security.Store) { l.CheckBadTokens(t, s, sentinels, "o1", "o9") }},
			storeCase{p + "NoRowTwiceWhileAlertsArrive", l.CheckChanges},
			storeCase{p + "OnlyTheOrgsRows_M7", func(t *testing.T, s security.Store) { l.CheckOwnRows(t, s, "o3", "O1", "o", "") }},
			storeCase{p + "TokenOfAnotherOrgListsOnlyItsOwn_M7", l.CheckForeignToken},
		)
	}
	return append(cases,
		storeCase{"Paging/ListAlerts/LimitAboveMaximumGetsMaximum", alertLister("").CheckMaxLimit},
		storeCase{"Paging/ListChanges/EveryRowOnceNewestFirst_S2", changesPages},
		storeCase{"Paging/ListChanges/BadTokenIsErrPageToken", changesBadTokens},
		storeCase{"Paging/ListChanges/NoRowTwiceWhileChangesAreRecorded", changesWhileRecorded},
		storeCase{"Paging/ListChanges/TokenOfAnotherAccountListsOnlyItsOwn_M7", changesForeignToken},
	)
}

// recordChanges saves orgID's account n times, by "<prefix>0" … "<prefix>n-1",
// starting from version v.
func recordChanges(t *testing.T, s security.Store, orgID, accountID string, v int64, n int, prefix string) {
	t.Helper()
	require.NoError(t, s.InTx(t.Context(), func(ctx context.Context) error {
		for i := range n {
			st := Settings(orgID, accountID)
			st.Version = v + int64(i)
			if err := s.PutSettings(ctx, st, Change(st, fmt.Sprint(prefix, i))); err != nil {
				return err
			}
		}
		return nil
	}))
}

// newestFirst returns "<prefix>n-1" … "<prefix>0".
func newestFirst(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprint(prefix, n-1-i)
	}
	return out
}

func listChanges(t *testing.T, s security.Store, orgID, accountID string) func(resellerkit.Page) ([]security.Change, string, error) {
	return func(p resellerkit.Page) ([]security.Change, string, error) {
		return s.ListChanges(t.Context(), orgID, accountID, p)
	}
}

// changesPages: pages of several sizes hold every change once, newest first, the
// size asked for (resellerkit.DefaultPageLimit for 0 or less), the last one "".
func changesPages(t *testing.T, s security.Store) {
	n := resellerkit.DefaultPageLimit + 2
	recordChanges(t, s, "o1", acct1, 0, n, "u")
	recordChanges(t, s, "o1", acct2, 0, 3, "other")
	want := newestFirst("u", n)
	for _, limit := range []int{1, 3, 7, n - 1, n, n + 1, 0, -1} {
		assert.Equal(t, want, changeBys(storetest.Walk(t, limit, listChanges(t, s, "o1", acct1))), "limit %d", limit)
	}
	first, next, err := s.ListChanges(t.Context(), "o1", acct1, resellerkit.Page{})
	require.NoError(t, err)
	assert.Len(t, first, resellerkit.DefaultPageLimit)
	assert.NotEmpty(t, next)
}

// changesBadTokens: a token no list made is an error wrapping
// resellerkit.ErrPageToken and no sentinel of the contract, with no rows.
func changesBadTokens(t *testing.T, s security.Store) {
	recordChanges(t, s, "o1", acct1, 0, 2, "u")
	for _, account := range []string{acct1, acct2} {
		for _, token := range []string{"!", "a", "not a token", "%2F", "====", "k1\x00", strings.Repeat("a", resellerkit.MaxPageToken+4)} {
			cs, next, err := s.ListChanges(t.Context(), "o1", account, resellerkit.Page{Token: token})
			errIs(t, err, resellerkit.ErrPageToken, "token %q", token)
			assert.Empty(t, cs)
			assert.Empty(t, next)
		}
	}
}

// changesWhileRecorded: changes recorded while a caller pages come before its
// position (they are newer): it sees every change that existed when it started,
// once, in order, and none of the new ones.
func changesWhileRecorded(t *testing.T, s security.Store) {
	recordChanges(t, s, "o1", acct1, 0, 10, "u")
	var seen []string
	page := resellerkit.Page{Limit: 3}
	v := int64(10)
	for i := 0; ; i++ {
		require.Less(t, i, 100)
		cs, next, err := s.ListChanges(t.Context(), "o1", acct1, page)
		require.NoError(t, err)
		seen = append(seen, changeBys(cs)...)
		if next == "" {
			break
		}
		page.Token = next
		recordChanges(t, s, "o1", acct1, v, 2, fmt.Sprintf("new%d-", i))
		v += 2
	}
	assert.Equal(t, newestFirst("u", 10), seen)
}

// changesForeignToken: a token of one account's list, given to another's (of the
// same or another organization), lists only the other's changes, never the
// first's (M-7).
func changesForeignToken(t *testing.T, s security.Store) {
	recordChanges(t, s, "o1", acct1, 0, 6, "a")
	recordChanges(t, s, "o2", acct1, 0, 6, "b")
	recordChanges(t, s, "o1", acct2, 0, 6, "c")
	_, token, err := s.ListChanges(t.Context(), "o1", acct1, resellerkit.Page{Limit: 2})
	require.NoError(t, err)
	require.NotEmpty(t, token)
	for _, c := range []struct{ org, account, prefix string }{{"o2", acct1, "b"}, {"o1", acct2, "c"}} {
		got := storetest.Walk(t, 0, func(p resellerkit.Page) ([]security.Change, string, error) {
			if p.Token == "" {
				p.Token = token
			}
			return s.ListChanges(t.Context(), c.org, c.account, p)
		})
		for _, ch := range got {
			assert.Equal(t, c.org, ch.OrgID)
			assert.Equal(t, c.account, ch.AccountID)
			assert.True(t, strings.HasPrefix(ch.By, c.prefix), "%q in %s's %s", ch.By, c.org, c.account)
		}
	}
}
