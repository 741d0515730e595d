package billingtest

import (
	"context"
	"testing"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// docLister is ListDocuments of one organization as the paging checks see it:
// each row is a document of its own series (the row's key), so the byte order of
// the keys is the issue order (Series, Year, Seq) the list pages by.
var docLister = storetest.Lister[billing.Store]{
	Name: "ListDocuments", Scopes: [2]string{"o1", "o2"},
	Add: func(ctx context.Context, s billing.Store, org, key string) error {
		d := Document(org, "p-"+key, org+"/"+key, may)
		d.Series, d.Key = key, "invoice/"+org+"/"+key
		_, _, err := s.IssueDocument(ctx, d)
		return err
	},
	List: func(ctx context.Context, s billing.Store, org string, p resellerkit.Page) ([]storetest.Row, string, error) {
		return storetest.RowsOf(func(d billing.Document) string { return d.Series },
			func(d billing.Document) string { return d.OrgID })(s.ListDocuments(ctx, billing.DocumentFilter{OrgID: org}, p))
	},
}

// pagingCases check resellerkit.Page on ListDocuments: keyset pages in issue
// order, every row once, the size asked for, tokens no list made refused, no row
// twice while documents are issued between pages, and no token that crosses
// organizations (M-7). Documents cannot be removed, so no row is.
func pagingCases() []storeCase {
	l := docLister
	p := "Paging/" + l.Name + "/"
	return []storeCase{
		{p + "EveryRowOnceInIssueOrder_B12", l.CheckOrder},
		{p + "PageSize", l.CheckSizes},
		{p + "BadTokenIsErrPageToken", func(t *testing.T, s billing.Store) { l.CheckBadTokens(t, s, sentinels, "o1", "o9") }},
		{p + "NoRowTwiceWhileDocumentsAreIssued", l.CheckChanges},
		{p + "OnlyTheOrgsRows_M7", func(t *testing.T, s billing.Store) { l.CheckOwnRows(t, s, "o3", "O1", "o") }},
		{p + "TokenOfAnotherOrgListsOnlyItsOwn_M7", l.CheckForeignToken},
		{p + "LimitAboveMaximumGetsMaximum", l.CheckMaxLimit},
	}
}
