package main

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/support"
)

// The customer support pages (support.inquire): the organization's cases, a form
// to open one, and a case with its SLA due times (in Japan time), its
// conversation and a reply form. Every page calls support.Service, which decides
// who may; a ValidationError shows the form again with the input kept and each
// error next to its field.

func init() {
	uiPages = append(uiPages, "support_list.html", "support_new.html", "support_case.html")
}

// supportListPage is the data of the cases list.
type supportListPage struct {
	Rows        []supportRow
	First, Next string // links to the first and the next page, "" for none
}

// supportRow is one case of the list.
type supportRow struct {
	ID, Subject, Account               string
	CategoryKey, SeverityKey, StateKey string // message keys
	Created                            string // in JST
}

// supportOption is one choice of a select.
type supportOption struct {
	Value, Key string // Key: a message key ("" shows Label)
	Label      string
}

// supportFieldError is an error shown next to a field.
type supportFieldError struct {
	Key string // a message key
	Arg string // its argument, "" for none
}

// supportNewPage is the data of the form that opens a case.
type supportNewPage struct {
	Accounts   []supportOption // the organization's accounts; none: a text field
	Categories []supportOption
	Severities []supportOption
	Languages  []supportOption

	AccountID, Category, Severity, Subject, Body, CC, Language string // the input

	Errors map[string]*supportFieldError // by field: account_id, category, severity, subject, body, cc, language
	Error  string                        // a message key for the whole form, "" for none
}

// supportClockView is one SLA clock of a case.
type supportClockView struct {
	TitleKey    string
	Target      string // hours
	Due         string // in JST, "" while paused
	StateKey    string
	Provisional bool
}

// supportReplyView is one message of the conversation.
type supportReplyView struct {
	SideKey string
	Desk    bool
	Lines   []string
	Created string
}

// supportCasePage is the data of a case's page.
type supportCasePage struct {
	ID, Subject, Account               string
	CategoryKey, SeverityKey, StateKey string
	Language, Created                  string
	CC                                 []string
	Lines                              []string // the body, line by line
	Clocks                             []supportClockView
	Replies                            []supportReplyView
	CanReply                           bool // the case takes replies (not closed or rejected)
	ReplyBody                          string
	ReplyError                         string // a message key, "" for none
}

// supportAvailable answers errNoEndpoint when the portal runs without support.
func (u *ui) supportAvailable() error {
	if u.s.sup == nil {
		return errNoEndpoint
	}
	return nil
}

// supportBase is the path of the organization's support pages.
func supportBase(orgID string) string { return "/orgs/" + url.PathEscape(orgID) + "/support" }

// supportList is GET /orgs/{org}/support: a page of the organization's cases,
// newest first.
func (u *ui) supportList(_ http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p, orgID := r.Context(), principal(r), r.PathValue("org")
	if err := u.supportAvailable(); err != nil {
		return err
	}
	page, err := parsePage(r.URL.Query())
	if err != nil {
		return err
	}
	if page.Limit == 0 {
		page.Limit = uiPageLimit
	}
	if err := u.loadOrgs(ctx, p, v, orgID); err != nil {
		return err
	}
	var (
		cases []support.Case
		next  string
	)
	err = u.s.snapshot(ctx, func(ctx context.Context) error {
		cases, next, err = u.s.sup.List(ctx, p, orgID, support.CaseFilter{}, page)
		return err
	})
	if err != nil {
		return err
	}
	out := supportListPage{}
	for _, c := range cases {
		out.Rows = append(out.Rows, supportRow{ID: c.ID, Subject: c.Subject, Account: c.AccountID,
			CategoryKey: "support.category." + string(c.Category), SeverityKey: "support.severity." + string(c.Severity),
			StateKey: "support.state." + string(c.State), Created: jst(c.CreatedAt)})
	}
	base := supportBase(orgID)
	q := url.Values{}
	if r.URL.Query().Has(paramLimit) {
		q.Set(paramLimit, strconv.Itoa(page.Limit))
	}
	if page.Token != "" {
		out.First = base
		if len(q) > 0 {
			out.First += "?" + q.Encode()
		}
	}
	if next != "" {
		q.Set(paramPageToken, next)
		out.Next = base + "?" + q.Encode()
	}
	v.Page, v.Data = "support_list.html", out
	return nil
}

// jst writes t in Japan time, "" when zero.
func jst(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(tokyo).Format("2006-01-02 15:04 MST")
}

// supportForm returns the form's choices and its defaults, the organization's
// accounts as the account choices when the person may list them.
func (u *ui) supportForm(ctx context.Context, p members.Principal, orgID string, l lang) (supportNewPage, error) {
	out := supportNewPage{Severity: string(support.Normal), Language: string(l), Category: string(support.Technical),
		Categories: []supportOption{{Value: string(support.Technical), Key: "support.category.technical"},
			{Value: string(support.AccountBilling), Key: "support.category.account_billing"}},
		Languages: []supportOption{{Value: "ja", Key: "support.language.ja"}, {Value: "en", Key: "support.language.en"}}}
	for _, s := range support.Severities() {
		out.Severities = append(out.Severities, supportOption{Value: string(s), Key: "support.severity." + string(s)})
	}
	accts, _, err := u.s.svc.ListAccounts(ctx, p, orgID, resellerkit.Page{Limit: resellerkit.MaxPageLimit})
	switch {
	case err == nil:
		for _, a := range accts {
			if !a.ClosedFrom.IsZero() {
				continue
			}
			label := a.ID
			if a.Name != "" {
				label += " (" + a.Name + ")"
			}
			out.Accounts = append(out.Accounts, supportOption{Value: a.ID, Label: label})
		}
	case !errors.Is(err, members.ErrPermissionDenied):
		return out, err
	}
	return out, nil
}

// supportNew is GET /orgs/{org}/support/new: the form that opens a case, to a
// person who may (support.inquire).
func (u *ui) supportNew(_ http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p, orgID := r.Context(), principal(r), r.PathValue("org")
	if err := u.supportAvailable(); err != nil {
		return err
	}
	if err := u.loadOrgs(ctx, p, v, orgID); err != nil {
		return err
	}
	// The Service decides who may: a page of one case asks it.
	if _, _, err := u.s.sup.List(ctx, p, orgID, support.CaseFilter{}, resellerkit.Page{Limit: 1}); err != nil {
		return err
	}
	out, err := u.supportForm(ctx, p, orgID, v.Lang)
	if err != nil {
		return err
	}
	if len(out.Accounts) > 0 {
		out.AccountID = out.Accounts[0].Value
	}
	v.Page, v.Data = "support_new.html", out
	return nil
}

// supportOpen is POST /orgs/{org}/support/new: the case is opened and the person
// sent to it; bad input shows the form again with the input kept and each error
// next to its field (400).
func (u *ui) supportOpen(_ http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p, orgID := r.Context(), principal(r), r.PathValue("org")
	if err := u.supportAvailable(); err != nil {
		return err
	}
	if err := u.loadOrgs(ctx, p, v, orgID); err != nil {
		return err
	}
	var cc []string
	for _, line := range strings.Split(r.PostFormValue("cc"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			cc = append(cc, line)
		}
	}
	n := support.NewCase{AccountID: strings.TrimSpace(r.PostFormValue("account_id")),
		Category: support.Category(r.PostFormValue("category")), Severity: support.Severity(r.PostFormValue("severity")),
		Subject: r.PostFormValue("subject"), Body: r.PostFormValue("body"), CC: cc, Language: r.PostFormValue("language")}
	c, err := u.s.sup.Open(ctx, p, orgID, n)
	if err == nil {
		return seeOther(supportBase(orgID) + "/" + url.PathEscape(c.ID))
	}
	fields := map[string]*supportFieldError{}
	switch {
	case errors.Is(err, support.ErrNotFound):
		fields["account_id"] = &supportFieldError{Key: "support.error.account_id"}
	case errors.Is(err, support.ErrInvalid):
		for _, ve := range validationErrors(err) {
			name, _, indexed := strings.Cut(ve.Field, "[")
			fe, ok := fields[name]
			if !ok {
				fe = &supportFieldError{Key: "support.error." + name}
				if _, known := catalog[fe.Key]; !known {
					fe.Key = "support.error.invalid"
				}
			}
			if indexed && name == "cc" {
				fe.Key = "support.error.cc.address"
				if fe.Arg != "" {
					fe.Arg += ", "
				}
				fe.Arg += ve.Value
			}
			fields[name] = fe
		}
		if len(fields) == 0 {
			return err
		}
	default:
		return err
	}
	out, ferr := u.supportForm(ctx, p, orgID, v.Lang)
	if ferr != nil {
		return ferr
	}
	out.AccountID, out.Category, out.Severity = n.AccountID, string(n.Category), string(n.Severity)
	out.Subject, out.Body, out.CC, out.Language = n.Subject, n.Body, r.PostFormValue("cc"), n.Language
	out.Errors, out.Error = fields, "support.new.failed"
	v.Page, v.Status, v.Data = "support_new.html", http.StatusBadRequest, out
	return nil
}

// validationErrors returns every *resellerkit.ValidationError in err's tree
// (errors.Join'ed ones included).
func validationErrors(err error) []*resellerkit.ValidationError {
	var out []*resellerkit.ValidationError
	var walk func(error)
	walk = func(e error) {
		switch x := e.(type) {
		case nil:
		case *resellerkit.ValidationError:
			out = append(out, x)
		case interface{ Unwrap() []error }:
			for _, c := range x.Unwrap() {
				walk(c)
			}
		case interface{ Unwrap() error }:
			walk(x.Unwrap())
		}
	}
	walk(err)
	return out
}

// supportCase is GET /orgs/{org}/support/{case}: the case, its SLA clocks and
// its conversation, oldest first, with a reply form.
func (u *ui) supportCase(_ http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p, orgID := r.Context(), principal(r), r.PathValue("org")
	if err := u.supportAvailable(); err != nil {
		return err
	}
	if err := u.loadOrgs(ctx, p, v, orgID); err != nil {
		return err
	}
	out, err := u.supportCaseData(ctx, p, orgID, r.PathValue("case"))
	if err != nil {
		return err
	}
	v.Page, v.Data = "support_case.html", out
	return nil
}

// supportCaseData reads a case, its conversation and its clocks in one snapshot.
func (u *ui) supportCaseData(ctx context.Context, p members.Principal, orgID, id string) (supportCasePage, error) {
	var out supportCasePage
	err := u.s.snapshot(ctx, func(ctx context.Context) error {
		c, replies, err := u.s.sup.Get(ctx, p, orgID, id)
		if err != nil {
			return err
		}
		sla, err := u.s.sup.SLA(ctx, p, orgID, id)
		if err != nil {
			return err
		}
		out = supportCasePage{ID: c.ID, Subject: c.Subject, Account: c.AccountID,
			CategoryKey: "support.category." + string(c.Category), SeverityKey: "support.severity." + string(c.Severity),
			StateKey: "support.state." + string(c.State), Language: "support.language." + c.Language, Created: jst(c.CreatedAt),
			CC: c.CC, Lines: strings.Split(c.Body, "\n"), CanReply: !c.State.Final(),
			Clocks: []supportClockView{clockView("support.sla.first_response", sla.FirstResponse),
				clockView("support.sla.resolution", sla.Resolution)}}
		if _, ok := catalog[out.Language]; !ok {
			out.Language = "support.language.ja"
		}
		for _, rp := range replies {
			rv := supportReplyView{SideKey: "support.side." + string(rp.Side), Desk: rp.Side == support.Desk,
				Lines: strings.Split(rp.Body, "\n"), Created: jst(rp.CreatedAt)}
			out.Replies = append(out.Replies, rv)
		}
		return nil
	})
	return out, err
}

func clockView(title string, k support.Clock) supportClockView {
	return supportClockView{TitleKey: title, Target: strconv.FormatFloat(k.Target.Hours(), 'f', -1, 64),
		Due: jst(k.Due), StateKey: "support.clock." + string(k.State), Provisional: k.Provisional}
}

// supportReply is POST /orgs/{org}/support/{case}/replies: the person's message
// is added and they return to the case; an empty or too long one, or a case that
// takes no reply, shows the case again with the error by the form.
func (u *ui) supportReply(_ http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p, orgID, id := r.Context(), principal(r), r.PathValue("org"), r.PathValue("case")
	if err := u.supportAvailable(); err != nil {
		return err
	}
	if err := u.loadOrgs(ctx, p, v, orgID); err != nil {
		return err
	}
	body := r.PostFormValue("body")
	_, err := u.s.sup.Reply(ctx, p, orgID, id, body, nil)
	if err == nil {
		return seeOther(supportBase(orgID) + "/" + url.PathEscape(id) + "#replies")
	}
	key := ""
	switch {
	case errors.Is(err, support.ErrTransition):
		key = "support.reply.closed"
	case errors.Is(err, support.ErrInvalid):
		key = "support.error.reply"
	default:
		return err
	}
	out, rerr := u.supportCaseData(ctx, p, orgID, id)
	if rerr != nil {
		return rerr
	}
	out.ReplyBody, out.ReplyError = body, key
	v.Page, v.Status, v.Data = "support_case.html", http.StatusBadRequest, out
	return nil
}
