package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
)

// errInvalidQuery is the sentinel of the *resellerkit.ValidationError for a bad query
// parameter (limit, page_token).
var errInvalidQuery = errors.New("portal: invalid query parameter")

// The query parameters of every list endpoint.
const (
	paramLimit     = "limit"
	paramPageToken = "page_token"
)

// parsePage reads limit and page_token. An absent limit is resellerkit's default
// (DefaultPageLimit); a limit above MaxPageLimit gets MaxPageLimit, however large it
// is; anything but a whole number from 1 up is invalid. A page_token no list
// returned is invalid. A parameter given twice is invalid: which one counts would be
// a guess.
func parsePage(q url.Values) (resellerkit.Page, error) {
	var page resellerkit.Page
	for _, name := range []string{paramLimit, paramPageToken} {
		if len(q[name]) > 1 {
			return page, resellerkit.Invalid(errInvalidQuery, name, q[name][1], "", "is given more than once")
		}
	}
	if s, ok := q[paramLimit]; ok {
		n, err := strconv.ParseUint(s[0], 10, 64)
		switch {
		case errors.Is(err, strconv.ErrRange) || err == nil && n > resellerkit.MaxPageLimit:
			n = resellerkit.MaxPageLimit
		case err != nil || n == 0:
			return page, resellerkit.Invalid(errInvalidQuery, paramLimit, s[0], "",
				fmt.Sprintf("must be a whole number from 1 to %d (larger asks get %d)", resellerkit.MaxPageLimit, resellerkit.MaxPageLimit))
		}
		page.Limit = int(n)
	}
	page.Token = q.Get(paramPageToken)
	if _, err := page.After(); err != nil {
		return page, resellerkit.Invalid(errInvalidQuery, paramPageToken, page.Token, "",
			"is not a next_page_token a previous page returned")
	}
	return page, nil
}

// pageJSON is the answer of every list endpoint: one page of items, in a stable
// order, and the token of the next page, absent on the last one.
type pageJSON[T any] struct {
	Items         []T    `json:"items"`
	NextPageToken string `json:"next_page_token,omitempty"`
}

// convert returns the items converted by conv, never nil (an empty list is []).
func convert[S, T any](in []S, conv func(S) T) []T {
	out := make([]T, 0, len(in))
	for _, v := range in {
		out = append(out, conv(v))
	}
	return out
}

// lister fetches one page of a list for the request.
type lister[T any] func(r *http.Request, p members.Principal, page resellerkit.Page) ([]T, string, error)

// inOrg adapts a Service list of one organization's records (ListProjects,
// ListAccounts…) to the organization the path names.
func inOrg[T any](list func(context.Context, members.Principal, string, resellerkit.Page) ([]T, string, error)) lister[T] {
	return func(r *http.Request, p members.Principal, page resellerkit.Page) ([]T, string, error) {
		return list(r.Context(), p, r.PathValue("org"), page)
	}
}

// mine adapts a Service list of the principal's own records (ListOrganizations,
// ListMyMemberships, ListMyInvitations).
func mine[T any](list func(context.Context, members.Principal, resellerkit.Page) ([]T, string, error)) lister[T] {
	return func(r *http.Request, p members.Principal, page resellerkit.Page) ([]T, string, error) {
		return list(r.Context(), p, page)
	}
}

// listHandler is a list endpoint of s: it reads the page from the query, fetches it
// and answers it converted by conv. The Service's authorization and the page are
// read in one snapshot: one read transaction instead of one per store call, and a
// page consistent with the membership that allowed it.
func listHandler[T, J any](s *server, fetch lister[T], conv func(T) J) apiFunc {
	return func(w http.ResponseWriter, r *http.Request, p members.Principal) error {
		page, err := parsePage(r.URL.Query())
		if err != nil {
			return err
		}
		var items []T
		var next string
		err = s.snapshot(r.Context(), func(ctx context.Context) error {
			items, next, err = fetch(r.WithContext(ctx), p, page)
			return err
		})
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, pageJSON[J]{Items: convert(items, conv), NextPageToken: next})
	}
}
