package main

import (
	"net/http"
	"net/url"

	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/members"
)

// The notices page (C-7): the organization's notices newest first with their
// kind, subject, recipients and delivery state (queued with its next attempt,
// sent, or failed for good with its attempts and last error), filtered by state
// like the API's ?state=. contacts.Service decides who may: power users, as the
// API (notices carry the recipients and contents of every area).
//
// The page reads one page of contacts.Service.ListNoticesNewestFirst: the store
// serves newest first (created time, then id) from an index, by keyset, so a
// view costs its rows, not the organization's history of notices.

func init() {
	uiPages = append(uiPages, "notices.html")
	uiRoutes = append(uiRoutes, func(u *ui, mux *http.ServeMux) {
		mux.HandleFunc("GET /orgs/{org}/notices", u.page(u.noticesList))
	})
	uiNav = append(uiNav, navItem{Order: 80, Key: "nav.notices", Path: "notices", InOrg: true, Need: members.PermUserManage,
		Pages: []string{"notices.html"}})
}

// noticesPage is the data of the notices list.
type noticesPage struct {
	Rows        []noticeRow
	State       string          // the filter, "" for every state
	States      []supportOption // the filter's choices
	First, Next string
}

// noticeRow is one notice of the list.
type noticeRow struct {
	ID, Subject, Account string
	KindKey, StateKey    string // message keys
	Dead                 bool   // failed for good
	To, CC               []string
	Attempts             int
	LastError            string
	NextAt, Created      string // in JST; NextAt only while queued
	Sent                 string
}

// noticesList is GET /orgs/{org}/notices: a page of the organization's notices,
// newest first, ?state=queued|sent|dead for one state.
func (u *ui) noticesList(_ http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p, orgID := r.Context(), principal(r), r.PathValue("org")
	if u.s.notices == nil {
		return errNoEndpoint
	}
	page, err := listPage(r)
	if err != nil {
		return err
	}
	if err := u.loadOrgs(ctx, p, v, orgID); err != nil {
		return err
	}
	state := contacts.NoticeState(r.URL.Query().Get("state"))
	list, next, err := u.s.notices.ListNoticesNewestFirst(ctx, p, orgID, state, page)
	if err != nil {
		return err
	}
	out := noticesPage{State: string(state), States: []supportOption{{Value: "", Key: "notices.state.all"},
		{Value: string(contacts.NoticeQueued), Key: "notices.state.queued"}, {Value: string(contacts.NoticeSent), Key: "notices.state.sent"},
		{Value: string(contacts.NoticeDead), Key: "notices.state.dead"}}}
	for _, n := range list {
		row := noticeRow{ID: n.ID, Subject: n.Subject, Account: n.AccountID, KindKey: "notices.kind." + string(n.Kind),
			StateKey: "notices.state." + string(n.State), Dead: n.State == contacts.NoticeDead, To: n.To, CC: n.CC,
			Attempts: n.Attempts, LastError: n.LastError, Created: jst(n.CreatedAt), Sent: jst(n.SentAt)}
		if _, ok := catalog[row.KindKey]; !ok {
			row.KindKey = "notices.kind.other"
		}
		if _, ok := catalog[row.StateKey]; !ok {
			row.StateKey = "notices.state.other"
		}
		if n.State == contacts.NoticeQueued {
			row.NextAt = jst(n.NextAt)
		}
		out.Rows = append(out.Rows, row)
	}
	out.First, out.Next = pageLinks(noticesBase(orgID), r, page, next, "state")
	v.Page, v.Data = "notices.html", out
	return nil
}

// noticesBase is the path of the organization's notices page.
func noticesBase(orgID string) string { return "/orgs/" + url.PathEscape(orgID) + "/notices" }
