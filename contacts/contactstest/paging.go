package contactstest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// lister is one paged list of the Store contract, seen through keys and
// organizations, so the paging cases run the same checks on each.
type lister struct {
	storetest.Lister[contacts.Store]
	// noOrg is set for a list that also holds rows of no organization ("").
	noOrg bool
}

// orgs are the organizations the paging checks fill.
var orgs = [2]string{"o1", "o2"}

// listNotices returns ListNotices of state as a list of rows.
func listNotices(state contacts.NoticeState) func(ctx context.Context, s contacts.Store, org string, p resellerkit.Page) ([]storetest.Row, string, error) {
	return func(ctx context.Context, s contacts.Store, org string, p resellerkit.Page) ([]storetest.Row, string, error) {
		return storetest.RowsOf(func(n contacts.Notice) string { return n.ID },
			func(n contacts.Notice) string { return n.OrgID })(s.ListNotices(ctx, org, state, p))
	}
}

// listers returns the paged lists of the contract: ListAccountContacts, and
// ListNotices without and with a state filter.
func listers() []lister {
	return []lister{{Lister: storetest.Lister[contacts.Store]{
		Name: "ListAccountContacts", Scopes: orgs,
		Add: func(ctx context.Context, s contacts.Store, org, key string) error {
			return s.PutAccountContacts(ctx, Contacts(org, key))
		},
		List: func(ctx context.Context, s contacts.Store, org string, p resellerkit.Page) ([]storetest.Row, string, error) {
			return storetest.RowsOf(func(c contacts.AccountContacts) string { return c.AccountID },
				func(c contacts.AccountContacts) string { return c.OrgID })(s.ListAccountContacts(ctx, org, p))
		},
	}}, {noOrg: true, Lister: storetest.Lister[contacts.Store]{
		Name: "ListNotices", Scopes: orgs,
		Add: func(ctx context.Context, s contacts.Store, org, key string) error {
			return s.EnqueueNotice(ctx, Notice(org, key))
		},
		List: listNotices(""),
	}}, {noOrg: true, Lister: storetest.Lister[contacts.Store]{
		// The dead notices, among queued ones: each row is enqueued, claimed (it is
		// the only notice due) and finished dead, beside a queued notice due later
		// whose id sorts right after it.
		Name: "ListNotices/dead", Scopes: orgs,
		Add: func(ctx context.Context, s contacts.Store, org, key string) error {
			if err := s.EnqueueNotice(ctx, at(org, key, time.Time{})); err != nil {
				return err
			}
			got, err := s.ClaimNotices(ctx, "pager", t0, t0.Add(time.Minute), 1)
			if err != nil {
				return err
			}
			if len(got) != 1 || got[0].ID != key {
				return fmt.Errorf("claimed %q, want only %q", ids(got), key)
			}
			got[0].State, got[0].LastError = contacts.NoticeDead, "550"
			if err := s.FinishNotice(ctx, got[0], "pager"); err != nil {
				return err
			}
			return s.EnqueueNotice(ctx, at(org, key+".queued", never))
		},
		List: listNotices(contacts.NoticeDead),
	}}}
}

// pagingCases check resellerkit.Page on every paged list: keyset pages in the byte
// order of the key, every row once, the size asked for, "" after the last page,
// tokens no list made refused, no row twice while rows are added between pages,
// and no token that crosses organizations (M-7).
func pagingCases() []storeCase {
	var cases []storeCase
	for _, l := range listers() {
		p := "Paging/" + l.Name + "/"
		cases = append(cases,
			storeCase{p + "EveryRowOnceInByteOrder", l.CheckOrder},
			storeCase{p + "PageSize", l.CheckSizes},
			storeCase{p + "BadTokenIsErrPageToken", func(t *testing.T, s contacts.Store) { l.CheckBadTokens(t, s, sentinels, "o1", "o9") }},
			storeCase{p + "NoRowTwiceWhileRowsAreAdded", l.CheckChanges},
			storeCase{p + "OnlyTheOrgsRows_M7", func(t *testing.T, s contacts.Store) { onlyTheOrgsRows(t, s, l) }},
			storeCase{p + "TokenOfAnotherOrgListsOnlyItsOwn_M7", l.CheckForeignToken},
		)
	}
	return append(cases, storeCase{"Paging/ListNotices/LimitAboveMaximumGetsMaximum", listers()[1].CheckMaxLimit})
}

// onlyTheOrgsRows: an organization's list holds its rows and no other's, and the
// list of no organization ("") only the rows of none; the list of an organization
// with none is empty, not an error.
func onlyTheOrgsRows(t *testing.T, s contacts.Store, l lister) {
	empty := []string{"o3", "O1", "o", ""}
	if l.noOrg {
		l.Fill(t, s, "", "k5")
		assert.Equal(t, []string{"k5"}, l.WalkKeys(t, s, "", 0))
		empty = empty[:len(empty)-1]
	}
	l.CheckOwnRows(t, s, empty...)
}
