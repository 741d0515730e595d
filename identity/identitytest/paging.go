package identitytest

import (
	"context"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// lister is one paged list of the Store contract, seen through keys and scopes
// (the identity a row belongs to; none for ListIdentities), so the paging cases
// run the same checks on each.
type lister = storetest.Lister[identity.Store]

// scopes are the identities the paging checks fill.
var scopes = [2]string{"sa", "sb"}

// ensureIdentity creates identity id unless it exists, without a call that fails:
// listers add rows inside transactions.
func ensureIdentity(ctx context.Context, s identity.Store, id string) error {
	_, err := s.GetIdentity(ctx, id)
	if errors.Is(err, identity.ErrNotFound) {
		return s.CreateIdentity(ctx, pagedIdentity(id))
	}
	return err
}

// pagedIdentity is Identity(id) with an email made of id's hex, so that ids which
// differ only in case or accents never make emails that a store might confuse.
func pagedIdentity(id string) identity.Identity {
	i := Identity(id)
	i.Email = "u" + hex.EncodeToString([]byte(id)) + "@example.com"
	return i
}

// listers returns the three paged lists of the contract.
func listers() []lister {
	return []lister{{
		Name: "ListIdentities",
		Add: func(ctx context.Context, s identity.Store, _, key string) error {
			return s.CreateIdentity(ctx, pagedIdentity(key))
		},
		Remove: func(ctx context.Context, s identity.Store, _, key string) error {
			i, err := s.GetIdentity(ctx, key)
			if err != nil {
				return err
			}
			return s.DeleteIdentity(ctx, key, i.Version)
		},
		List: func(ctx context.Context, s identity.Store, _ string, p resellerkit.Page) ([]storetest.Row, string, error) {
			return storetest.RowsOf(func(i identity.Identity) string { return i.ID }, nil)(s.ListIdentities(ctx, p))
		},
	}, {
		Name: "ListSessions", Scopes: scopes,
		Add: func(ctx context.Context, s identity.Store, scope, key string) error {
			if err := ensureIdentity(ctx, s, scope); err != nil {
				return err
			}
			return s.CreateSession(ctx, Session(scope, key))
		},
		Remove: func(ctx context.Context, s identity.Store, scope, key string) error {
			return s.DeleteSession(ctx, scope, key)
		},
		List: func(ctx context.Context, s identity.Store, scope string, p resellerkit.Page) ([]storetest.Row, string, error) {
			return storetest.RowsOf(func(x identity.Session) string { return x.ID },
				func(x identity.Session) string { return x.IdentityID })(s.ListSessions(ctx, scope, p))
		},
	}, {
		Name: "ListAPIKeys", Scopes: scopes,
		Add: func(ctx context.Context, s identity.Store, scope, key string) error {
			if err := ensureIdentity(ctx, s, scope); err != nil {
				return err
			}
			return s.CreateAPIKey(ctx, APIKey(scope, key))
		},
		Remove: func(ctx context.Context, s identity.Store, scope, key string) error {
			return s.DeleteAPIKey(ctx, scope, key)
		},
		List: func(ctx context.Context, s identity.Store, scope string, p resellerkit.Page) ([]storetest.Row, string, error) {
			return storetest.RowsOf(func(k identity.APIKey) string { return k.ID },
				func(k identity.APIKey) string { return k.IdentityID })(s.ListAPIKeys(ctx, scope, p))
		},
	}}
}

// pagingCases check resellerkit.Page on every paged list: keyset pages in the byte
// order of the id, every row once, the size asked for, "" after the last page,
// tokens no list made refused, no row twice while rows come and go between pages,
// and (for the lists of one identity) no token that crosses identities.
func pagingCases() []storeCase {
	var cases []storeCase
	for _, l := range listers() {
		p := "Paging/" + l.Name + "/"
		cases = append(cases,
			storeCase{p + "EveryRowOnceInIDByteOrder", l.CheckOrder},
			storeCase{p + "PageSize", l.CheckSizes},
			storeCase{p + "BadTokenIsErrPageToken", func(t *testing.T, s identity.Store) { l.CheckBadTokens(t, s, sentinels) }},
			storeCase{p + "NoRowTwiceWhileRowsChange", l.CheckChanges},
		)
		if l.Scoped() {
			cases = append(cases,
				storeCase{p + "OnlyTheIdentitysRows", func(t *testing.T, s identity.Store) { onlyTheIdentitysRows(t, s, l) }},
				storeCase{p + "TokenOfAnotherIdentityListsOnlyItsOwn", l.CheckForeignToken},
			)
		}
	}
	return append(cases, storeCase{"Paging/ListIdentities/LimitAboveMaximumGetsMaximum", listers()[0].CheckMaxLimit})
}

// onlyTheIdentitysRows: an identity's list holds its rows and no other's; the list
// of an identity with none, or of a missing identity, is empty, not an error.
func onlyTheIdentitysRows(t *testing.T, s identity.Store, l lister) {
	must(t, ensureIdentity(t.Context(), s, "sc"))
	l.CheckOwnRows(t, s, "sc", "nobody", "")
}
