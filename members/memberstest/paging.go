package memberstest

import (
	"testing"

	"github.com/seeda33a2f4f/resellerkit/members"
)

// pagingCases checks resellerkit.Page on every list of the contract: keyset pages in
// the byte order of the key (every row once), the size asked for (the default for 0
// or less, never more than the maximum), "" after the last page, malformed tokens
// refused, no row twice while rows come and go between pages, and no token that
// crosses organizations (M-7).
func pagingCases() []storeCase {
	var cases []storeCase
	for _, l := range listers() {
		cases = append(cases,
			storeCase{"Store/" + l.Name + "/PagesInByteOrderOfTheKey", l.CheckOrder},
			storeCase{"Store/" + l.Name + "/PageSize", l.CheckSizes},
			storeCase{"Store/" + l.Name + "/MalformedTokenIsErrPageToken", func(t *testing.T, s members.Store) { l.CheckBadTokens(t, s, sentinels) }},
			storeCase{"Store/" + l.Name + "/NoRowTwiceWhileRowsChange", l.CheckChanges},
		)
		if l.Scoped() {
			cases = append(cases, storeCase{"M-7/" + l.Name + "/TokenOfAnotherScopeListsOnlyItsOwn", l.CheckForeignToken})
		}
	}
	return append(cases, storeCase{"Store/ListProjects/LimitAboveMaximumGetsMaximum", lists("ListProjects").CheckMaxLimit})
}
