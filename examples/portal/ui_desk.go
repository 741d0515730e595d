package main

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/members/awsorg"
	"github.com/seeda33a2f4f/resellerkit/support"
)

// The reseller desk's pages (operators only, like the API's /v1/operator
// endpoints: requireOperator): the support queue of every organization with its
// SLA states, and an organization's applications with review, complete and
// reject; account registration, the month's invoicing and the last maintenance
// runs are in ui_desk_*.go. Anyone else gets the 403 page. Completing goes through AWS
// Organizations (s.carrier) when the portal has it, as the API does.

func init() {
	uiPages = append(uiPages, "desk_support.html", "desk_applications.html")
	// Every desk page draws the desk's sub-navigation (templates/desk_nav.html),
	// and the menu's desk entry is current on each.
	uiPartials = append(uiPartials, "desk_nav.html")
	for i := range uiNav {
		if uiNav[i].Key == "nav.desk" {
			uiNav[i].Pages = append(uiNav[i].Pages, "desk_accounts.html", "desk_invoices.html", "desk_maintenance.html")
		}
	}
}

// deskClockFilters are the queue's filters (?clock=): "" for the whole queue.
var deskClockFilters = []support.ClockState{support.ClockAtRisk, support.ClockBreached}

// deskSupportPage is the data of the queue.
type deskSupportPage struct {
	Clock   string // the filter, "" for none
	Filters []supportOption
	Rows    []deskQueueRow
}

// deskQueueRow is one case of the queue.
type deskQueueRow struct {
	ID, OrgID, Subject, Account  string
	SeverityKey, StateKey        string // message keys
	FirstKey, FirstDue           string // the first-response clock: state key, due in JST
	ResolutionKey, ResolutionDue string
	Link                         string
	Created                      string
	AtRisk, Breached             bool
}

// deskSupport is GET /desk/support?clock=at_risk|breached: every organization's
// open cases, oldest first, with their SLA clocks now.
func (u *ui) deskSupport(_ http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p := r.Context(), principal(r)
	if err := requireOperator(p); err != nil {
		return err
	}
	if err := u.supportAvailable(); err != nil {
		return err
	}
	out := deskSupportPage{Clock: r.URL.Query().Get("clock"),
		Filters: []supportOption{{Value: "", Key: "desk.queue.filter.all"}}}
	var only []support.ClockState
	for _, c := range deskClockFilters {
		out.Filters = append(out.Filters, supportOption{Value: string(c), Key: "support.clock." + string(c)})
		if out.Clock == string(c) {
			only = []support.ClockState{c}
		}
	}
	if out.Clock != "" && only == nil {
		return &badRequestError{msg: "unknown clock filter"}
	}
	if err := u.loadOrgs(ctx, p, v, ""); err != nil {
		return err
	}
	var items []support.QueueItem
	err := u.s.snapshot(ctx, func(ctx context.Context) error {
		var err error
		items, err = u.s.sup.Queue(ctx, p, only)
		return err
	})
	if err != nil {
		return err
	}
	for _, it := range items {
		c, sla := it.Case, it.SLA
		out.Rows = append(out.Rows, deskQueueRow{ID: c.ID, OrgID: c.OrgID, Subject: c.Subject, Account: c.AccountID,
			SeverityKey: "support.severity." + string(c.Severity), StateKey: "support.state." + string(c.State),
			FirstKey: "support.clock." + string(sla.FirstResponse.State), FirstDue: jst(sla.FirstResponse.Due),
			ResolutionKey: "support.clock." + string(sla.Resolution.State), ResolutionDue: jst(sla.Resolution.Due),
			Link:     supportBase(c.OrgID) + "/" + url.PathEscape(c.ID),
			Created:  jst(c.CreatedAt),
			AtRisk:   sla.FirstResponse.State == support.ClockAtRisk || sla.Resolution.State == support.ClockAtRisk,
			Breached: sla.FirstResponse.State == support.ClockBreached || sla.Resolution.State == support.ClockBreached})
	}
	v.Page, v.Data = "desk_support.html", out
	return nil
}

// deskApplicationsPage is the data of an organization's applications.
type deskApplicationsPage struct {
	OrgID string // "" until one is chosen
	Rows  []deskApplicationRow
	Next  string
	Error string // a message key for the page, "" for none
}

// deskApplicationRow is one application with the operator's actions.
type deskApplicationRow struct {
	ID, Account, Project, Details, Reason string
	KindKey, StateKey                     string
	OpStateKey, OpReason, OpAccount       string // the AWS operation, "" before it starts
	Updated                               string
	CanReview, CanAct                     bool   // submitted: review; in review: complete or reject
	Base                                  string // the path of its actions
	ReasonInput                           string // the rejection reason typed
	ReasonError                           string // a message key, "" for none
}

// deskAppsPath is the applications page of orgID.
func deskAppsPath(orgID string) string { return "/desk/applications?org=" + url.QueryEscape(orgID) }

// deskApplications is GET /desk/applications?org=: the organization's
// applications (a choice of organization without org).
func (u *ui) deskApplications(_ http.ResponseWriter, r *http.Request, v *view) error {
	p := principal(r)
	if err := requireOperator(p); err != nil {
		return err
	}
	out, err := u.deskApplicationList(r, v, r.URL.Query().Get("org"))
	if err != nil {
		return err
	}
	v.Page, v.Data = "desk_applications.html", out
	return nil
}

// deskApplicationList fills v's organizations and lists orgID's applications.
func (u *ui) deskApplicationList(r *http.Request, v *view, orgID string) (deskApplicationsPage, error) {
	ctx, p := r.Context(), principal(r)
	out := deskApplicationsPage{OrgID: orgID}
	if err := u.loadOrgs(ctx, p, v, orgID); err != nil {
		return out, err
	}
	if orgID == "" {
		return out, nil
	}
	page := resellerkit.Page{Limit: uiPageLimit, Token: r.URL.Query().Get(paramPageToken)}
	apps, next, err := u.s.svc.ListApplications(ctx, p, orgID, page)
	if err != nil {
		return out, err
	}
	if next != "" {
		out.Next = deskAppsPath(orgID) + "&" + paramPageToken + "=" + url.QueryEscape(next)
	}
	base := "/desk/applications/" + url.PathEscape(orgID) + "/"
	for _, a := range apps {
		row := deskApplicationRow{ID: a.ID, Account: a.AccountID, Project: a.ProjectID, Details: a.Details, Reason: a.Reason,
			KindKey: "desk.kind." + string(a.Kind), StateKey: "desk.state." + string(a.State), Updated: jst(a.UpdatedAt),
			CanReview: a.State == members.AppSubmitted, CanAct: a.State == members.AppInReview,
			Base: base + url.PathEscape(a.ID)}
		if op := a.Operation; op != nil {
			row.OpStateKey, row.OpReason, row.OpAccount = "desk.op."+string(op.State), op.Reason, op.AWSAccountID
		}
		out.Rows = append(out.Rows, row)
	}
	return out, nil
}

// deskApplicationAct is POST /desk/applications/{org}/{app}/review|complete|reject:
// the move is made and the operator returns to the list; a rejection without a
// reason shows the list again with the error next to the reason (400), an
// operation AWS refused shows it with its reason (409).
func (u *ui) deskApplicationAct(action string) uiFunc {
	return func(_ http.ResponseWriter, r *http.Request, v *view) error {
		ctx, p, orgID, appID := r.Context(), principal(r), r.PathValue("org"), r.PathValue("app")
		if err := requireOperator(p); err != nil {
			return err
		}
		var (
			err       error
			reason    = strings.TrimSpace(r.PostFormValue("reason"))
			reasonKey string
		)
		switch action {
		case "review":
			_, err = u.s.svc.ReviewApplication(ctx, p, orgID, appID)
		case "complete":
			if u.s.carrier != nil {
				_, err = u.s.carrier.Complete(ctx, p, orgID, appID)
			} else {
				_, err = u.s.svc.CompleteApplication(ctx, p, orgID, appID)
			}
		case "reject":
			if reason == "" {
				reasonKey = "desk.error.reason"
				break
			}
			_, err = u.s.svc.RejectApplication(ctx, p, orgID, appID, reason)
			if err != nil && errors.Is(err, members.ErrInvalid) {
				for _, ve := range validationErrors(err) {
					if ve.Field == "reason" {
						reasonKey, err = "desk.error.reason.invalid", nil
					}
				}
			}
		default:
			return errNoEndpoint
		}
		status, pageErr := http.StatusOK, ""
		switch {
		case reasonKey != "":
			status = http.StatusBadRequest
		case errors.Is(err, awsorg.ErrRefused):
			status, pageErr = http.StatusConflict, "desk.apps.refused"
		case err != nil:
			return err
		default:
			return seeOther(deskAppsPath(orgID))
		}
		out, lerr := u.deskApplicationList(r, v, orgID)
		if lerr != nil {
			return lerr
		}
		for i := range out.Rows {
			if out.Rows[i].ID == appID {
				out.Rows[i].ReasonInput, out.Rows[i].ReasonError = r.PostFormValue("reason"), reasonKey
			}
		}
		out.Error = pageErr
		if reasonKey != "" {
			out.Error = "desk.apps.failed"
		}
		v.Page, v.Status, v.Data = "desk_applications.html", status, out
		return nil
	}
}
