package main

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/security"
)

// The desk's maintenance page (operators only): per account of an organization,
// the last security maintenance run that reached it (S-3) — when, its state, the
// drift found, repaired and reported, and the failures with the first error —
// as security.Service.LastDrift gives it, filterable to the accounts whose last
// run failed somewhere. Runs are examples/maintenance's (the portal starts none:
// the API has no endpoint for it), so there is no button to start one.

func init() {
	uiPages = append(uiPages, "desk_maintenance.html")
	uiRoutes = append(uiRoutes, func(u *ui, mux *http.ServeMux) {
		mux.HandleFunc("GET /desk/maintenance", u.page(u.deskMaintenance))
	})
}

// deskMaintenancePage is the data of the maintenance page.
type deskMaintenancePage struct {
	OrgID   string // "" until one is chosen
	Failing bool   // only the accounts whose last run failed somewhere
	Rows    []deskMaintenanceRow
	Next    string
	First   string
}

// deskMaintenanceRow is one account and its last run.
type deskMaintenanceRow struct {
	ID, Name, Link                             string
	Run                                        string // the run's id, "" when no run reached the account
	Started, Ended                             string // JST; Ended "" while running
	StateKey                                   string
	Items, Drifted, Repaired, Reported, Failed int
	FirstError                                 string // the first failed item's control and error
}

// deskMaintenancePath is the page of orgID with the filter.
func deskMaintenancePath(orgID string, failing bool, token string) string {
	q := url.Values{"org": {orgID}}
	if failing {
		q.Set("failing", "1")
	}
	if token != "" {
		q.Set(paramPageToken, token)
	}
	return "/desk/maintenance?" + q.Encode()
}

// deskMaintenance is GET /desk/maintenance?org=&failing=1: a page of the
// organization's accounts (by id) with their last runs. With failing, pages of
// accounts are read until a page's worth of failing ones is found or none is
// left, and Next continues after the last account read.
func (u *ui) deskMaintenance(_ http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p, q := r.Context(), principal(r), r.URL.Query()
	if err := requireOperator(p); err != nil {
		return err
	}
	if u.s.sec == nil {
		return errNoEndpoint
	}
	out := deskMaintenancePage{OrgID: q.Get("org"), Failing: q.Get("failing") != ""}
	if err := u.loadOrgs(ctx, p, v, out.OrgID); err != nil {
		return err
	}
	v.Page, v.Data = "desk_maintenance.html", &out
	if out.OrgID == "" {
		return nil
	}
	page := resellerkit.Page{Limit: uiPageLimit, Token: q.Get(paramPageToken)}
	if page.Token != "" {
		out.First = deskMaintenancePath(out.OrgID, out.Failing, "")
	}
	for {
		accts, next, err := u.s.svc.ListAccounts(ctx, p, out.OrgID, page)
		if err != nil {
			return err
		}
		for _, a := range accts {
			row, err := u.deskMaintenanceRow(ctx, p, a)
			if err != nil {
				return err
			}
			if !out.Failing || row.Failed > 0 {
				out.Rows = append(out.Rows, row)
			}
		}
		if next == "" {
			return nil
		}
		if !out.Failing || len(out.Rows) >= uiPageLimit {
			out.Next = deskMaintenancePath(out.OrgID, out.Failing, next)
			return nil
		}
		page.Token = next
	}
}

// deskMaintenanceRow is account a with the last run that reached it.
func (u *ui) deskMaintenanceRow(ctx context.Context, p members.Principal, a members.Account) (deskMaintenanceRow, error) {
	row := deskMaintenanceRow{ID: a.ID, Name: a.Name, StateKey: "desk.maint.state.none",
		Link: "/orgs/" + url.PathEscape(a.OrgID) + "/accounts/" + url.PathEscape(a.ID) + "#account-drift"}
	run, items, err := u.s.sec.LastDrift(ctx, p, a.OrgID, a.ID)
	switch {
	case errors.Is(err, security.ErrNotFound):
		return row, nil
	case err != nil:
		return row, err
	}
	row.Run, row.Started, row.Ended = run.ID, jst(run.StartedAt), jst(run.FinishedAt)
	row.StateKey = "desk.maint.state." + string(run.State)
	row.Items = len(items)
	for _, it := range items {
		if it.Drift {
			row.Drifted++
		}
		switch it.Action {
		case security.ActionRepaired:
			row.Repaired++
		case security.ActionReported:
			row.Reported++
		case security.ActionFailed:
			row.Failed++
			if row.FirstError == "" {
				row.FirstError = string(it.Control) + ": " + resellerkit.Truncate(it.Error)
			}
		}
	}
	return row, nil
}
