package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
)

// seedAccounts registers n accounts 9xxxxxxxxxxx in project projectID of orgID
// directly through the store, in one transaction: thousands take well under a
// second, where as many HTTP calls would take minutes.
func seedAccounts(tb testing.TB, store members.Store, orgID, projectID string, n int) {
	tb.Helper()
	now := time.Now().UTC().Truncate(time.Microsecond)
	err := store.InTx(context.Background(), func(ctx context.Context) error {
		for i := range n {
			a := members.Account{ID: fmt.Sprintf("9%011d", i), OrgID: orgID, Name: fmt.Sprintf("load-%d", i),
				Ownership: []members.Ownership{{ProjectID: projectID, From: resellerkit.MonthOf(now)}},
				CreatedAt: now, UpdatedAt: now, Version: 1}
			if err := store.CreateAccount(ctx, a); err != nil {
				return err
			}
		}
		return nil
	})
	require.NoError(tb, err)
}

func TestParsePage(t *testing.T) {
	token := resellerkit.NextToken("100000000003")
	for _, tc := range []struct {
		name, query string
		want        resellerkit.Page
		field       string // the invalid parameter, or "" when the query is fine
	}{
		{"nothing: the default size", "", resellerkit.Page{}, ""},
		{"a limit", "limit=7", resellerkit.Page{Limit: 7}, ""},
		{"the maximum", "limit=1000", resellerkit.Page{Limit: 1000}, ""},
		{"above the maximum gets the maximum", "limit=1001", resellerkit.Page{Limit: 1000}, ""},
		{"beyond uint64 gets the maximum", "limit=99999999999999999999999999", resellerkit.Page{Limit: 1000}, ""},
		{"a token", "page_token=" + token, resellerkit.Page{Token: token}, ""},
		{"zero", "limit=0", resellerkit.Page{}, "limit"},
		{"negative", "limit=-1", resellerkit.Page{}, "limit"},
		{"not a number", "limit=ten", resellerkit.Page{}, "limit"},
		{"a fraction", "limit=1.5", resellerkit.Page{}, "limit"},
		{"a sign", "limit=+5", resellerkit.Page{}, "limit"},
		{"empty", "limit=", resellerkit.Page{}, "limit"},
		{"twice", "limit=1&limit=2", resellerkit.Page{}, "limit"},
		{"a token no list made", "page_token=%21%21%21", resellerkit.Page{}, "page_token"},
		{"a token twice", "page_token=" + token + "&page_token=" + token, resellerkit.Page{}, "page_token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, err := url.ParseQuery(tc.query)
			require.NoError(t, err)
			got, err := parsePage(q)
			if tc.field == "" {
				require.NoError(t, err)
				assert.Equal(t, tc.want, got)
				return
			}
			var ve *resellerkit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.ErrorIs(t, err, errInvalidQuery)
		})
	}
}

// keyed is any list item: whichever of its keys the list is ordered by.
type keyed struct {
	ID         string `json:"id"`
	OrgID      string `json:"org_id"`
	IdentityID string `json:"identity_id"`
}

// pageThrough lists path page by page with limit and returns the keys seen (key
// picks them), checking that every page but the last carries a next_page_token.
func (f *fixture) pageThrough(path, token string, limit int, key func(keyed) string) []string {
	f.t.Helper()
	var keys []string
	next := ""
	for range 1000 {
		q := url.Values{"limit": {fmt.Sprint(limit)}}
		if next != "" {
			q.Set("page_token", next)
		}
		var page struct {
			Items []keyed `json:"items"`
			Next  *string `json:"next_page_token"`
		}
		require.Equal(f.t, http.StatusOK, f.do("GET", path+"?"+q.Encode(), token, nil, &page))
		require.LessOrEqual(f.t, len(page.Items), limit)
		for _, it := range page.Items {
			keys = append(keys, key(it))
		}
		if page.Next == nil {
			return keys // the last page carries no token at all
		}
		require.NotEmpty(f.t, *page.Next)
		next = *page.Next
	}
	f.t.Fatalf("%s: more than 1000 pages", path)
	return nil
}

// TestLists_EveryListEndpointPagesInOneOrder pages through every list endpoint one
// item at a time and checks that the pages together are exactly the single large
// page: each item once, in the same order.
func TestLists_EveryListEndpointPagesInOneOrder(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		org := "/v1/orgs/" + f.orgID
		power := f.token(demoPower)
		// More of everything: a second organization, projects, invitations (two for
		// the outsider, in two organizations) and applications.
		var other orgJSON
		require.Equal(t, http.StatusCreated, f.do("POST", "/v1/orgs", power, map[string]any{"code": "second", "name": "Second K.K."}, &other))
		for _, o := range []string{f.orgID, other.ID} {
			require.Equal(t, http.StatusCreated, f.do("POST", "/v1/orgs/"+o+"/invitations", power,
				map[string]any{"email": outsider.Email, "type": "general", "permissions": []string{"project.view"}}, nil))
		}
		for i := range 3 {
			require.Equal(t, http.StatusCreated, f.do("POST", org+"/projects", power, map[string]any{"name": fmt.Sprint("extra ", i),
				"payment_method": "card", "currency": "USD", "invoice_to": []string{"a@demo.example.com"}}, nil))
			require.Equal(t, http.StatusCreated, f.do("POST", org+"/invitations", power,
				map[string]any{"email": fmt.Sprintf("new%d@demo.example.com", i), "type": "power"}, nil))
			require.Equal(t, http.StatusCreated, f.do("POST", org+"/applications", power,
				map[string]any{"kind": "project_creation", "details": fmt.Sprint("project ", i)}, nil))
		}
		byID := func(k keyed) string { return k.ID }
		for _, tc := range []struct {
			path  string
			token string
			key   func(keyed) string
			want  int
		}{
			{"/v1/orgs", power, byID, 2},
			{"/v1/me/memberships", power, func(k keyed) string { return k.OrgID }, 2},
			{"/v1/me/invitations", f.token(outsider), byID, 2},
			{org + "/projects", power, byID, 5},
			{org + "/accounts", power, byID, 5},
			{org + "/members", power, func(k keyed) string { return k.IdentityID }, 2},
			{org + "/invitations", power, byID, 5},
			{org + "/applications", power, byID, 3},
		} {
			t.Run(strings.TrimPrefix(strings.ReplaceAll(tc.path, f.orgID, "{org}"), "/v1/"), func(t *testing.T) {
				whole := f.pageThrough(tc.path, tc.token, resellerkit.MaxPageLimit, tc.key)
				require.Len(t, whole, tc.want)
				assert.Equal(t, whole, f.pageThrough(tc.path, tc.token, 1, tc.key), "page by page: each once, same order")
				assert.Equal(t, whole, f.pageThrough(tc.path, tc.token, 2, tc.key))
				assert.IsIncreasing(t, whole, "ordered by key")
			})
		}
	})
}

// TestLists_BadLimitOrTokenIs400NamingTheParameter checks every list endpoint.
func TestLists_BadLimitOrTokenIs400NamingTheParameter(t *testing.T) {
	f := newFixture(t, "memory")
	org := "/v1/orgs/" + f.orgID
	for _, path := range []string{"/v1/orgs", "/v1/me/memberships", "/v1/me/invitations", org + "/projects",
		org + "/accounts", org + "/members", org + "/invitations", org + "/applications"} {
		for _, tc := range []struct{ query, field string }{
			{"limit=abc", "limit"},
			{"limit=-5", "limit"},
			{"limit=0", "limit"},
			{"page_token=not%20a%20token", "page_token"},
			{"page_token=" + strings.Repeat("%FF", 300), "page_token"},
		} {
			var e errorJSON
			require.Equal(t, http.StatusBadRequest, f.do("GET", path+"?"+tc.query, f.token(demoPower), nil, &e), "%s?%s", path, tc.query)
			assert.Equal(t, "invalid", e.Error.Code)
			assert.Equal(t, tc.field, e.Error.Field, "%s?%s", path, tc.query)
			assert.LessOrEqual(t, utf8.RuneCountInString(e.Error.Message), maxShownMessage+1, "the echoed value is bounded")
		}
	}
}

// TestLists_LimitAboveTheMaximumGetsTheMaximum: with 1,005 accounts, any limit above
// 1000 (even one beyond int64) returns 1000 and a token for the other 5.
func TestLists_LimitAboveTheMaximumGetsTheMaximum(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		seedAccounts(t, f.b.store, f.orgID, f.project().ID, resellerkit.MaxPageLimit)
		path := "/v1/orgs/" + f.orgID + "/accounts"
		for _, limit := range []string{"1001", "5000", "99999999999999999999999"} {
			var page pageJSON[accountJSON]
			require.Equal(t, http.StatusOK, f.do("GET", path+"?limit="+limit, f.token(demoPower), nil, &page))
			assert.Len(t, page.Items, resellerkit.MaxPageLimit, limit)
			require.NotEmpty(t, page.NextPageToken)
			var rest pageJSON[accountJSON]
			require.Equal(t, http.StatusOK, f.do("GET", path+"?limit="+limit+"&page_token="+page.NextPageToken, f.token(demoPower), nil, &rest))
			assert.Len(t, rest.Items, 5)
			assert.Empty(t, rest.NextPageToken)
		}
		var def pageJSON[accountJSON]
		require.Equal(t, http.StatusOK, f.do("GET", path, f.token(demoPower), nil, &def))
		assert.Len(t, def.Items, resellerkit.DefaultPageLimit, "no limit: the default page")
	})
}

// TestMe_ShowsTheFirstPageOfMembershipsAndATokenForMore: /v1/me carries the first
// page of memberships (resellerkit.DefaultPageLimit) and, when there are more, the
// token that /v1/me/memberships continues from.
func TestMe_ShowsTheFirstPageOfMembershipsAndATokenForMore(t *testing.T) {
	f := newFixture(t, "memory")
	var me meJSON
	require.Equal(t, http.StatusOK, f.do("GET", "/v1/me", f.token(demoGeneral), nil, &me))
	assert.Equal(t, demoGeneral.IdentityID, me.IdentityID)
	require.Len(t, me.Memberships, 1)
	assert.Empty(t, me.MembershipsNextPageToken)

	ctx := context.Background()
	for i := range resellerkit.DefaultPageLimit {
		_, err := f.svc.CreateOrganization(ctx, demoGeneral, members.NewOrganization{Code: fmt.Sprintf("org-%03d", i), Name: "Org"})
		require.NoError(t, err)
	}
	require.Equal(t, http.StatusOK, f.do("GET", "/v1/me", f.token(demoGeneral), nil, &me))
	assert.Len(t, me.Memberships, resellerkit.DefaultPageLimit)
	require.NotEmpty(t, me.MembershipsNextPageToken)
	var rest pageJSON[memberJSON]
	require.Equal(t, http.StatusOK, f.do("GET", "/v1/me/memberships?page_token="+me.MembershipsNextPageToken, f.token(demoGeneral), nil, &rest))
	assert.Len(t, rest.Items, 1)
}
