package supporttest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/storetest"
	"github.com/seeda33a2f4f/resellerkit/support"
)

// lister is one filter of ListCases as the paging checks see it.
type lister struct {
	name string
	// scoped lists one organization's cases (OrgID set); else the desk's list of
	// every organization, whose rows are of o1 and o2 alternately.
	scoped bool
	// filter adds the filter under test to f.
	filter func(f *support.CaseFilter)
	// row makes the case of key (in the list); twin, if not nil, makes a case of
	// the same instant and organization that the filter leaves out.
	row, twin func(c *support.Case, key string)
	// leave, if not nil, changes a listed case so that the filter leaves it out
	// (Lister.Remove, by UpdateCase).
	leave func(c *support.Case)
}

// caseID is the id of the paging checks' case of key in org: the key prefixed by
// the organization in a scoped list (case ids are unique across organizations).
func (l lister) caseID(org, key string) string {
	if l.scoped {
		return org + "/" + key
	}
	return key
}

// org is the organization of the case of key in scope.
func (l lister) org(scope, key string) string {
	if l.scoped {
		return scope
	}
	return fmt.Sprint("o", 1+len(key)%2)
}

func (l lister) storetest() storetest.Lister[support.Store] {
	sl := storetest.Lister[support.Store]{
		Name: "ListCases" + l.name,
		Add: func(ctx context.Context, s support.Store, scope, key string) error {
			at, err := storetest.NewestFirst(key)
			if err != nil {
				return err
			}
			org := l.org(scope, key)
			c := Case(org, acct1, l.caseID(org, key), at)
			if l.row != nil {
				l.row(&c, key)
			}
			if err := s.CreateCase(ctx, c); err != nil {
				return err
			}
			if l.twin == nil {
				return nil
			}
			tw := Case(org, acct1, l.caseID(org, key)+"/twin", at)
			l.twin(&tw, key)
			return s.CreateCase(ctx, tw)
		},
		List: func(ctx context.Context, s support.Store, scope string, p resellerkit.Page) ([]storetest.Row, string, error) {
			f := support.CaseFilter{OrgID: scope}
			if l.filter != nil {
				l.filter(&f)
			}
			key := func(c support.Case) string { return c.ID }
			var scopeOf func(support.Case) string
			if l.scoped {
				key = func(c support.Case) string { return strings.TrimPrefix(c.ID, c.OrgID+"/") }
				scopeOf = func(c support.Case) string { return c.OrgID }
			}
			return storetest.RowsOf(key, scopeOf)(s.ListCases(ctx, f, p))
		},
	}
	if l.scoped {
		sl.Scopes = [2]string{"o1", "o2"}
	}
	if l.leave != nil {
		sl.Remove = func(ctx context.Context, s support.Store, scope, key string) error {
			org := l.org(scope, key)
			c, err := s.GetCase(ctx, org, l.caseID(org, key))
			if err != nil {
				return err
			}
			l.leave(&c)
			return s.UpdateCase(ctx, c)
		}
	}
	return sl
}

// listers are the lists the paging checks page through: an organization's
// cases, the desk's list of every organization's, and each filter (account, any
// of states, assignee) with twins of the same instant it leaves out; the states
// and assignee lists lose rows between pages when an update moves a case out.
func listers() []lister {
	return []lister{
		{name: "", scoped: true},
		{name: "/desk"},
		{name: "/account", scoped: true,
			filter: func(f *support.CaseFilter) { f.AccountID = acct1 },
			twin:   func(c *support.Case, _ string) { c.AccountID = acct2 }},
		{name: "/states", scoped: true,
			filter: func(f *support.CaseFilter) { f.States = []support.State{support.Open, support.WaitingOnCustomer} },
			row: func(c *support.Case, key string) {
				c.State = []support.State{support.Open, support.WaitingOnCustomer}[len(key)%2]
			},
			twin:  func(c *support.Case, _ string) { c.State = support.InProgress },
			leave: func(c *support.Case) { c.State = support.Resolved }},
		{name: "/assignee", scoped: true,
			filter: func(f *support.CaseFilter) { f.Assignee = "op-1" },
			twin:   func(c *support.Case, _ string) { c.Assignee = "op-2" },
			leave:  func(c *support.Case) { c.Assignee = "" }},
		{name: "/desk/states", filter: func(f *support.CaseFilter) { f.States = []support.State{support.Open} },
			row:   func(c *support.Case, _ string) { c.State = support.Open },
			twin:  func(c *support.Case, _ string) { c.State = support.Closed },
			leave: func(c *support.Case) { c.State = support.InProgress }},
	}
}

// pagingCases check resellerkit.Page on ListCases, of one organization and of
// every one, alone and with each filter: keyset pages newest first, every row
// once, the size asked for, tokens no list made refused, no row twice while
// cases are created (and, for the filters a case can leave, updated out of the
// list) between pages, and no token that crosses organizations (M-7).
func pagingCases() []storeCase {
	var cases []storeCase
	for _, l := range listers() {
		sl := l.storetest()
		p := "Paging/" + sl.Name + "/"
		cases = append(cases,
			storeCase{p + "EveryRowOnceNewestFirst", sl.CheckOrder},
			storeCase{p + "PageSize", sl.CheckSizes},
			storeCase{p + "NoRowTwiceWhileCasesChange", sl.CheckChanges},
		)
		if l.scoped {
			cases = append(cases,
				storeCase{p + "BadTokenIsErrPageToken", func(t *testing.T, s support.Store) { sl.CheckBadTokens(t, s, sentinels, "o1", "o9") }},
				storeCase{p + "OnlyTheOrgsRows_M7", func(t *testing.T, s support.Store) { sl.CheckOwnRows(t, s, "o3", "O1", "o") }},
				storeCase{p + "TokenOfAnotherOrgListsOnlyItsOwn_M7", sl.CheckForeignToken},
			)
		} else {
			cases = append(cases, storeCase{p + "BadTokenIsErrPageToken", func(t *testing.T, s support.Store) { sl.CheckBadTokens(t, s, sentinels) }})
		}
	}
	return append(cases,
		storeCase{"Paging/ListCases/LimitAboveMaximumGetsMaximum", listers()[0].storetest().CheckMaxLimit},
		storeCase{"Paging/ListCases/desk/LimitAboveMaximumGetsMaximum", listers()[1].storetest().CheckMaxLimit},
	)
}
