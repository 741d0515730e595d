package supporttest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/storetest"
	"github.com/seeda33a2f4f/resellerkit/support"
)

// pageAll asks for the largest page.
var pageAll = resellerkit.Page{Limit: resellerkit.MaxPageLimit}

// listCases check ListCases' order and filters (P-1, M-7).
func listCases() []storeCase {
	return []storeCase{
		{"List/NewestFirstThenGreaterID", listOrder},
		{"List/OrderIsCreatedAtNotUpdatedAt", listOrderNotUpdated},
		{"List/Filters_M7", listFilters},
		{"List/UpdatesMoveCasesBetweenFilters_P3", listAfterUpdate},
	}
}

// listOrder: ListCases is newest CreatedAt first, and of one instant the greater
// id (byte order) first, whatever the order of the creates; pages of every size
// hold the same list.
func listOrder(t *testing.T, s support.Store) {
	for _, c := range []support.Case{
		Case("o1", acct1, "b", t0),
		Case("o1", acct1, "old", t0.Add(-time.Hour)),
		Case("o1", acct1, "a", t0),
		Case("o1", acct1, "new", t0.Add(time.Microsecond)),
		Case("o1", acct1, "B", t0),
		Case("o1", acct1, "Ä", t0),
		Case("o1", acct1, "a-1", t0),
		Case("o2", acct1, "other", t0),
	} {
		createCase(t, s, c)
	}
	want := []string{"new", "Ä", "b", "a-1", "a", "B", "old"}
	f := support.CaseFilter{OrgID: "o1"}
	assert.Equal(t, want, caseIDs(cases(t, s, f)))
	for _, limit := range []int{1, 2, 3, 6} {
		assert.Equal(t, want, caseIDs(storetest.Walk(t, limit, func(p resellerkit.Page) ([]support.Case, string, error) {
			return s.ListCases(t.Context(), f, p)
		})), "limit %d", limit)
	}
	assert.Equal(t, []string{"new", "Ä", "other", "b", "a-1", "a", "B", "old"}, caseIDs(cases(t, s, support.CaseFilter{})),
		"the desk's list of every organization")
}

// listOrderNotUpdated: an update (a later UpdatedAt) does not move a case in the
// list: CreatedAt orders it.
func listOrderNotUpdated(t *testing.T, s support.Store) {
	createCase(t, s, Case("o1", acct1, "first", t0))
	createCase(t, s, Case("o1", acct1, "second", t0.Add(time.Minute)))
	u := getCase(t, s, "o1", "first")
	u.UpdatedAt = t0.Add(48 * time.Hour)
	updateCase(t, s, u)
	assert.Equal(t, []string{"second", "first"}, caseIDs(cases(t, s, support.CaseFilter{OrgID: "o1"})))
}

// listFilters: every filter alone and together; States selects any of the
// states given; each field is compared exactly; OrgID "" lists every
// organization's cases, any other OrgID only its own (M-7); a filter that
// selects nothing is an empty list, not an error.
func listFilters(t *testing.T, s support.Store) {
	mk := func(org, account, id string, at time.Duration, state support.State, assignee string) {
		c := Case(org, account, id, t0.Add(at))
		c.State, c.Assignee = state, assignee
		createCase(t, s, c)
	}
	mk("o1", acct1, "k1", 1*time.Minute, support.Open, "")
	mk("o1", acct1, "k2", 2*time.Minute, support.InProgress, "op-1")
	mk("o1", acct2, "k3", 3*time.Minute, support.WaitingOnCustomer, "op-1")
	mk("o1", acct2, "k4", 4*time.Minute, support.Closed, "op-2")
	mk("o2", acct1, "k5", 5*time.Minute, support.InProgress, "op-1")
	mk("o2", acct2, "k6", 6*time.Minute, support.Rejected, "op-2")
	mk("", acct1, "k7", 7*time.Minute, support.Open, "")
	st := func(s ...support.State) []support.State { return s }
	for _, c := range []struct {
		name string
		f    support.CaseFilter
		want []string
	}{
		{"everything", support.CaseFilter{}, []string{"k7", "k6", "k5", "k4", "k3", "k2", "k1"}},
		{"o1", support.CaseFilter{OrgID: "o1"}, []string{"k4", "k3", "k2", "k1"}},
		{"o2", support.CaseFilter{OrgID: "o2"}, []string{"k6", "k5"}},
		{"O1", support.CaseFilter{OrgID: "O1"}, nil},
		{"o3", support.CaseFilter{OrgID: "o3"}, nil},
		{"account", support.CaseFilter{AccountID: acct1}, []string{"k7", "k5", "k2", "k1"}},
		{"o1 account", support.CaseFilter{OrgID: "o1", AccountID: acct2}, []string{"k4", "k3"}},
		{"o2 account", support.CaseFilter{OrgID: "o2", AccountID: acct1}, []string{"k5"}},
		{"unknown account", support.CaseFilter{OrgID: "o1", AccountID: "333333333333"}, nil},
		{"one state", support.CaseFilter{States: st(support.InProgress)}, []string{"k5", "k2"}},
		{"any of states", support.CaseFilter{OrgID: "o1", States: st(support.Open, support.WaitingOnCustomer, support.Closed)}, []string{"k4", "k3", "k1"}},
		{"states repeated", support.CaseFilter{States: st(support.Open, support.Open)}, []string{"k7", "k1"}},
		{"states empty", support.CaseFilter{OrgID: "o2", States: st()}, []string{"k6", "k5"}},
		{"unknown state", support.CaseFilter{States: st("nope")}, nil},
		{"assignee", support.CaseFilter{Assignee: "op-1"}, []string{"k5", "k3", "k2"}},
		{"o1 assignee", support.CaseFilter{OrgID: "o1", Assignee: "op-2"}, []string{"k4"}},
		{"assignee case", support.CaseFilter{Assignee: "OP-1"}, nil},
		{"all four", support.CaseFilter{OrgID: "o1", AccountID: acct2, States: st(support.WaitingOnCustomer, support.Resolved), Assignee: "op-1"}, []string{"k3"}},
		{"all four, none", support.CaseFilter{OrgID: "o2", AccountID: acct2, States: st(support.InProgress), Assignee: "op-1"}, nil},
	} {
		got := cases(t, s, c.f)
		assert.Equal(t, c.want, caseIDs(got), c.name)
		for _, g := range got {
			if c.f.OrgID != "" {
				assert.Equal(t, c.f.OrgID, g.OrgID, c.name)
			}
		}
	}
}

// listAfterUpdate: a case whose state or assignee is updated leaves the lists
// that filter on the old value and joins those of the new one.
func listAfterUpdate(t *testing.T, s support.Store) {
	c := Case("o1", acct1, "case-1", t0)
	c.State, c.Assignee = support.Open, ""
	createCase(t, s, c)
	open := support.CaseFilter{OrgID: "o1", States: []support.State{support.Open}}
	mine := support.CaseFilter{Assignee: "op-1"}
	assert.Equal(t, []string{"case-1"}, caseIDs(cases(t, s, open)))
	assert.Empty(t, cases(t, s, mine))
	u := getCase(t, s, "o1", "case-1")
	u.State, u.Assignee = support.InProgress, "op-1"
	updateCase(t, s, u)
	assert.Empty(t, cases(t, s, open))
	assert.Equal(t, []string{"case-1"}, caseIDs(cases(t, s, mine)))
	assert.Equal(t, []string{"case-1"}, caseIDs(cases(t, s, support.CaseFilter{States: []support.State{support.InProgress}})))
}
