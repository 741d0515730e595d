package memberstest

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// storeCase is one check of the Store contract, run on a fresh store. Its name
// starts with the DOMAIN.md rule id it proves ("M-7/OrgScopedReads") or with
// "Store/" for behaviour the contract alone promises (versions, transactions,
// paging).
type storeCase storetest.Case[members.Store]

// TestStore runs the conformance suite of members.Store: one parallel subtest per
// case, each on a store newStore returns. newStore must return a fresh, empty
// store on every call, and may be called from several goroutines at once.
func TestStore(t *testing.T, newStore func(t *testing.T) members.Store) {
	storetest.Run(t, newStore, storeCases())
}

// storeCases returns every case of TestStore.
func storeCases() []storeCase {
	return slices.Concat(ruleCases(), recordCases(), txCases(), concurrencyCases(), pagingCases())
}

// sentinels are the errors of the Store contract.
var sentinels = storetest.Sentinels{members.ErrNotFound, members.ErrAlreadyExists, members.ErrConflict}

var (
	// must fails t unless err is nil.
	must = storetest.Must
	// oneWinner requires exactly one error to be nil and every other to wrap loser
	// (and no other sentinel), and returns the winner's index.
	oneWinner = sentinels.OneWinner
)

// alreadyExists requires err to wrap ErrAlreadyExists and not ErrConflict: a
// taken key is not a lost race.
func alreadyExists(t *testing.T, err error, msgAndArgs ...any) {
	t.Helper()
	require.ErrorIs(t, err, members.ErrAlreadyExists, msgAndArgs...)
	require.NotErrorIs(t, err, members.ErrConflict, msgAndArgs...)
}

// orgs creates organizations with ids, each with code "code-"+id.
func orgs(t *testing.T, s members.Store, ids ...string) {
	t.Helper()
	for _, id := range ids {
		must(t, s.CreateOrganization(t.Context(), Org(id, "code-"+id)))
	}
}
