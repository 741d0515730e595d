package main

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/money"
	"github.com/seeda33a2f4f/resellerkit/security"
)

// Security endpoints (S-1 … S-4): an account's security settings with the
// catalogue and the estimated monthly cost, their changes, the drift its last
// maintenance run found, and the organization's security alerts. Each calls one
// security.Service method; members decides who may (account.view to read,
// security.edit to change). Maintenance runs and alerts are written by
// examples/maintenance, not by the portal.

// costCurrency is the currency of the catalogue's costs and of the estimate.
const costCurrency = "USD"

// usd writes a cost in USD with cents.
func usd(d money.Decimal) string { return d.StringFixed(2) }

// controlJSON is one control of the catalogue with its state in the account's
// settings: on (a managed control always), and its cost range per account (per
// region when per_region).
type controlJSON struct {
	ID          string   `json:"id"`
	SecurityHub []string `json:"security_hub"`
	TitleJA     string   `json:"title_ja"`
	TitleEN     string   `json:"title_en"`
	Class       string   `json:"class"` // managed, initial, maintained
	PerRegion   bool     `json:"per_region"`
	Secure      bool     `json:"secure"` // on by default in the secure profile only
	Remedy      string   `json:"remedy"` // api or report
	On          bool     `json:"on"`
	CostMin     string   `json:"cost_min"`
	CostMax     string   `json:"cost_max"`
}

type controlCostJSON struct {
	Control string `json:"control"`
	Min     string `json:"min"`
	Max     string `json:"max"`
}

// estimateJSON is the estimated monthly cost of the settings (S-2): a range in
// currency (USD), the controls on in regions regions.
type estimateJSON struct {
	Currency string            `json:"currency"`
	Min      string            `json:"min"`
	Max      string            `json:"max"`
	Regions  int               `json:"regions"`
	Controls []controlCostJSON `json:"controls"`
}

// securityJSON is an account's security settings: the profile, the explicit
// choices, the whole catalogue with each control on or off, and the estimate.
type securityJSON struct {
	OrgID     string          `json:"org_id"`
	AccountID string          `json:"account_id"`
	Profile   string          `json:"profile"`
	Choices   map[string]bool `json:"choices"`
	Regions   []string        `json:"regions"`
	Controls  []controlJSON   `json:"controls"`
	Estimate  estimateJSON    `json:"estimate"`
	UpdatedAt *time.Time      `json:"updated_at,omitempty"`
	UpdatedBy string          `json:"updated_by,omitempty"`
	Version   int64           `json:"version"` // 0: never saved (the defaults)
}

func choicesJSON(c map[security.ControlID]bool) map[string]bool {
	out := make(map[string]bool, len(c))
	for id, on := range c {
		out[string(id)] = on
	}
	return out
}

func (s *server) toSecurity(st security.Settings, e security.Estimate) securityJSON {
	out := securityJSON{OrgID: st.OrgID, AccountID: st.AccountID, Profile: string(st.Profile), Choices: choicesJSON(st.Choices),
		Regions: s.sec.Regions(), UpdatedAt: optionalTime(st.UpdatedAt), UpdatedBy: st.UpdatedBy, Version: st.Version,
		Estimate: estimateJSON{Currency: costCurrency, Min: usd(e.Min), Max: usd(e.Max), Regions: e.Regions,
			Controls: convert(e.Controls, func(c security.ControlCost) controlCostJSON {
				return controlCostJSON{Control: string(c.Control), Min: usd(c.Min), Max: usd(c.Max)}
			})}}
	out.Controls = convert(security.Catalog(), func(c security.Control) controlJSON {
		return controlJSON{ID: string(c.ID), SecurityHub: c.SecurityHub, TitleJA: c.TitleJA, TitleEN: c.TitleEN, Class: string(c.Class),
			PerRegion: c.PerRegion, Secure: c.Secure, Remedy: string(c.Remedy), On: st.On(c), CostMin: usd(c.CostMin), CostMax: usd(c.CostMax)}
	})
	return out
}

// getSecurity is GET /v1/orgs/{org}/accounts/{account}/security (account.view):
// the settings (the defaults until saved) with the catalogue and the estimate.
func (s *server) getSecurity(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	st, e, err := s.sec.GetSettings(r.Context(), p, r.PathValue("org"), r.PathValue("account"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.toSecurity(st, e))
}

// securityInput is the body of PUT …/security: the profile, the choices (control
// id → on) and the version read (0 for settings never saved).
type securityInput struct {
	Profile string          `json:"profile"`
	Choices map[string]bool `json:"choices"`
	Version int64           `json:"version"`
}

// putSecurity is PUT /v1/orgs/{org}/accounts/{account}/security (security.edit):
// the settings saved, with the estimate; they apply at the next maintenance run.
// A managed control turned off is 422 managed_control; a stale version 409.
func (s *server) putSecurity(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	var in securityInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	u := security.SettingsUpdate{Profile: security.Profile(in.Profile), Choices: map[security.ControlID]bool{}, Version: in.Version}
	for id, on := range in.Choices {
		u.Choices[security.ControlID(id)] = on
	}
	st, e, err := s.sec.UpdateSettings(r.Context(), p, r.PathValue("org"), r.PathValue("account"), u)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.toSecurity(st, e))
}

// settingsJSON is the settings before or after a change.
type settingsJSON struct {
	Profile string          `json:"profile"`
	Choices map[string]bool `json:"choices"`
	Version int64           `json:"version"`
}

type changeJSON struct {
	By     string       `json:"by"`
	At     time.Time    `json:"at"`
	Before settingsJSON `json:"before"`
	After  settingsJSON `json:"after"`
}

func toSettingsJSON(st security.Settings) settingsJSON {
	return settingsJSON{Profile: string(st.Profile), Choices: choicesJSON(st.Choices), Version: st.Version}
}

func toChange(c security.Change) changeJSON {
	return changeJSON{By: c.By, At: c.At, Before: toSettingsJSON(c.Before), After: toSettingsJSON(c.After)}
}

// listSecurityChanges is GET /v1/orgs/{org}/accounts/{account}/security/changes
// (account.view): who changed the settings, when, from what to what, newest
// first. An account the organization does not have is 404.
func (s *server) listSecurityChanges(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	page, err := parsePage(r.URL.Query())
	if err != nil {
		return err
	}
	org, acct := r.PathValue("org"), r.PathValue("account")
	var (
		changes []security.Change
		next    string
	)
	err = s.snapshot(r.Context(), func(ctx context.Context) error {
		if _, err := s.svc.GetAccount(ctx, p, org, acct); err != nil {
			return err
		}
		changes, next, err = s.sec.ListChanges(ctx, p, org, acct, page)
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, pageJSON[changeJSON]{Items: convert(changes, toChange), NextPageToken: next})
}

// runJSON is a maintenance run as a customer sees it: when and where, not the
// fleet's totals (LastDrift leaves them out).
type runJSON struct {
	ID         string     `json:"id"`
	State      string     `json:"state"`
	StartedAt  time.Time  `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
	Regions    []string   `json:"regions"`
}

func toRun(r security.Run) runJSON {
	return runJSON{ID: r.ID, State: string(r.State), StartedAt: r.StartedAt, FinishedAt: optionalTime(r.FinishedAt),
		Regions: slices.Clone(r.Regions)}
}

// driftTotals counts the account's items of a run.
type driftTotals struct {
	Items    int `json:"items"`
	Drifted  int `json:"drifted"`
	Repaired int `json:"repaired"`
	Failed   int `json:"failed"`
}

func totalsOf(items []security.Item) driftTotals {
	t := driftTotals{Items: len(items)}
	for _, it := range items {
		if it.Drift {
			t.Drifted++
		}
		switch it.Action {
		case security.ActionRepaired:
			t.Repaired++
		case security.ActionFailed:
			t.Failed++
		}
	}
	return t
}

// itemJSON is one control × region of the account in a run: whether it is
// wanted on, what was seen, whether it drifted and what was done.
type itemJSON struct {
	Control   string    `json:"control"`
	Region    string    `json:"region,omitempty"` // absent for a global control
	Desired   bool      `json:"desired"`
	Compliant bool      `json:"compliant"`
	Observed  string    `json:"observed,omitempty"`
	Drift     bool      `json:"drift"`
	Action    string    `json:"action"` // none, repaired, reported, skipped, failed, no_region
	Detail    string    `json:"detail,omitempty"`
	Error     string    `json:"error,omitempty"`
	At        time.Time `json:"at"`
}

func toItem(it security.Item) itemJSON {
	return itemJSON{Control: string(it.Control), Region: it.Region, Desired: it.Desired, Compliant: it.Observed.Compliant,
		Observed: it.Observed.Detail, Drift: it.Drift, Action: string(it.Action), Detail: it.Detail,
		Error: resellerkit.Truncate(it.Error), At: it.At}
}

// driftJSON is the last maintenance run that reached an account, the account's
// items in it and their totals.
type driftJSON struct {
	AccountID string      `json:"account_id"`
	Run       runJSON     `json:"run"`
	Totals    driftTotals `json:"totals"`
	Items     []itemJSON  `json:"items"`
}

// getDrift is GET /v1/orgs/{org}/accounts/{account}/security/drift
// (account.view): the account's drift as the latest maintenance run that reached
// it observed it (S-3). 404 when no run has.
func (s *server) getDrift(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	acct := r.PathValue("account")
	run, items, err := s.sec.LastDrift(r.Context(), p, r.PathValue("org"), acct)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, driftJSON{AccountID: acct, Run: toRun(run), Totals: totalsOf(items),
		Items: convert(items, toItem)})
}

type alertJSON struct {
	ID         string    `json:"id"`
	OrgID      string    `json:"org_id"`
	AccountID  string    `json:"account_id"`
	Region     string    `json:"region,omitempty"`
	Product    string    `json:"product"`
	Title      string    `json:"title"`
	Severity   string    `json:"severity"`
	Score      int       `json:"score"`
	Incident   bool      `json:"incident"`
	Types      []string  `json:"types"`
	CreatedAt  time.Time `json:"created_at"`
	ReceivedAt time.Time `json:"received_at"`
	NoticeID   string    `json:"notice_id,omitempty"`
}

func toAlert(a security.Alert) alertJSON {
	types := slices.Clone(a.Types)
	if types == nil {
		types = []string{}
	}
	return alertJSON{ID: a.ID, OrgID: a.OrgID, AccountID: a.AccountID, Region: a.Region, Product: a.Product, Title: a.Title,
		Severity: a.Severity, Score: a.Score, Incident: a.Incident, Types: types, CreatedAt: a.CreatedAt,
		ReceivedAt: a.ReceivedAt, NoticeID: a.NoticeID}
}

// listAlerts is GET /v1/orgs/{org}/alerts?account= and GET
// /v1/orgs/{org}/accounts/{account}/security/alerts (account.view, the page an
// alert's notice links to): the organization's security alerts (one account's),
// newest first (S-4).
func (s *server) listAlerts(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	q := r.URL.Query()
	page, err := parsePage(q)
	if err != nil {
		return err
	}
	acct := r.PathValue("account")
	if acct == "" {
		if acct, _, err = oneParam(q, "account"); err != nil {
			return err
		}
	} else if q.Has("account") {
		return resellerkit.Invalid(errInvalidQuery, "account", q.Get("account"), "S-4", "the path names the account")
	}
	var (
		alerts []security.Alert
		next   string
	)
	err = s.snapshot(r.Context(), func(ctx context.Context) error {
		alerts, next, err = s.sec.ListAlerts(ctx, p, r.PathValue("org"), acct, page)
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, pageJSON[alertJSON]{Items: convert(alerts, toAlert), NextPageToken: next})
}
