package main

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
)

// The web UI: server-rendered pages in Japanese and English over the same
// Services, permissions and session cookie as the API (doc.go, "Web UI").
//
// Every path outside /v1 and /healthz is the UI's (withUI). Its pages are
// html/template files (templates/) drawn inside one layout (templates/layout.html:
// a header with the organization switcher, the language switch and sign-out, the
// navigation, and main); its one stylesheet and icon are in static/. Both are
// embedded, so the portal runs offline, and the Content-Security-Policy allows
// nothing but the portal's own origin: no inline script or style, no other site.
// Forms are plain posts; the one script, static/passkey.js, only runs the
// WebAuthn ceremonies of passkeys (which need it) and fills a form with their
// result, so every page works without it. Every post passes the API's
// http.CrossOriginProtection (s.cop), sign-in included (login CSRF).
//
// A page's work runs in one slot of the API's limiter (s.limit), like an API
// request's; the page is rendered into memory and sent after. (Not in one read
// snapshot: billing.Service.OrgCharges may write, and a ReadTx refuses that.)

//go:embed templates/*.html static/*
var uiFiles embed.FS

// uiPages are the templates drawn inside the layout, by file name.
var uiPages = []string{"signin.html", "totp.html", "orgs.html", "accounts.html", "error.html"}

// uiPartials are template files parsed with every page (after the layout): shared
// {{define}} blocks a screen's pages include, e.g. the desk's sub-navigation.
var uiPartials []string

// uiContentSecurityPolicy allows the portal's own origin only: its stylesheet,
// icon and passkey script (static/passkey.js: a file, never inline script), forms
// posting to itself, fetches to itself; no frames, no plugins.
const uiContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// uiTemplates are the parsed templates: per page, per language (the t function
// bound to that language's messages).
type uiTemplates map[string]map[lang]*template.Template

// parseUITemplates parses every page with the layout and the partials, once per
// language.
var parseUITemplates = sync.OnceValues(func() (uiTemplates, error) {
	out := uiTemplates{}
	for _, name := range uiPages {
		files := []string{"templates/layout.html"}
		for _, p := range uiPartials {
			files = append(files, "templates/"+p)
		}
		base, err := template.New(name).Funcs(template.FuncMap{"t": func(string, ...any) (string, error) { return "", nil }}).
			ParseFS(uiFiles, append(files, "templates/"+name)...)
		if err != nil {
			return nil, err
		}
		out[name] = map[lang]*template.Template{}
		for _, l := range langs {
			c, err := base.Clone()
			if err != nil {
				return nil, err
			}
			c.Funcs(template.FuncMap{"t": func(key string, args ...any) (string, error) { return translate(l, key, args...) }})
			out[name][l] = c
		}
	}
	return out, nil
})

// ui serves the web UI.
type ui struct {
	s       *server
	tmpl    uiTemplates
	static  http.Handler
	pending *sealer        // the first sign-in step, carried to the second
	mux     *http.ServeMux // the UI's routes, to know whether a path has a page to GET
}

// newUI returns the UI of s.
func newUI(s *server) (*ui, error) {
	tmpl, err := parseUITemplates()
	if err != nil {
		return nil, err
	}
	static, err := fs.Sub(uiFiles, "static")
	if err != nil {
		return nil, err
	}
	seal, err := newSealer()
	if err != nil {
		return nil, err
	}
	return &ui{s: s, tmpl: tmpl, static: http.StripPrefix("/static/", http.FileServerFS(static)), pending: seal}, nil
}

// withUI sends every request under /v1 (as front sees it: before or after
// cleaning the path) and /healthz to api, and the rest to the UI.
func (s *server) withUI(api http.Handler) http.Handler {
	u, err := newUI(s)
	if err != nil {
		panic(err) // the embedded templates do not parse: a bug TestUI_* catches
	}
	h := u.routes(api)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		clean := path.Clean("/" + r.URL.Path)
		if isAPIPath(r.URL.Path) || isAPIPath(clean) || clean == "/healthz" {
			api.ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// routes returns the UI's handler. A path that is no page answers the 404 page to
// a browser (Accept: text/html) and, to any other client, what api answers (the
// API's JSON 404).
func (u *ui) routes(api http.Handler) http.Handler {
	mux := http.NewServeMux()
	u.mux = mux
	mux.Handle("GET /static/", u.staticFiles())
	mux.HandleFunc("GET /{$}", u.page(u.home))
	mux.HandleFunc("GET /signin", u.public(u.signInPage))
	mux.HandleFunc("POST /signin", u.public(u.signIn))
	mux.HandleFunc("POST /signout", u.public(u.signOut))
	mux.HandleFunc("POST /lang", u.public(u.switchLang))
	mux.HandleFunc("GET /switch", u.page(u.switchOrg))
	mux.HandleFunc("GET /orgs", u.page(u.orgs))
	mux.HandleFunc("GET /orgs/{org}/accounts", u.page(u.accounts))
	mux.HandleFunc("GET /orgs/{org}/accounts/{account}", u.page(u.accountDetail))
	mux.HandleFunc("GET /orgs/{org}/accounts/{account}/contacts/edit", u.page(u.contactsEdit))
	mux.HandleFunc("POST /orgs/{org}/accounts/{account}/contacts/edit", u.page(u.contactsEdit))
	mux.HandleFunc("GET /orgs/{org}/accounts/bulk", u.page(u.bulkEdit))
	mux.HandleFunc("POST /orgs/{org}/accounts/bulk", u.page(u.bulkEdit))
	mux.HandleFunc("GET /orgs/{org}/charges", u.page(u.charges))
	mux.HandleFunc("GET /orgs/{org}/invoices", u.page(u.invoices))
	mux.HandleFunc("GET /orgs/{org}/invoices/{file}", u.invoiceFile)
	mux.HandleFunc("GET /orgs/{org}/support", u.page(u.supportList))
	mux.HandleFunc("GET /orgs/{org}/support/new", u.page(u.supportNew))
	mux.HandleFunc("POST /orgs/{org}/support/new", u.page(u.supportOpen))
	mux.HandleFunc("GET /orgs/{org}/support/{case}", u.page(u.supportCase))
	mux.HandleFunc("POST /orgs/{org}/support/{case}/replies", u.page(u.supportReply))
	mux.HandleFunc("GET /orgs/{org}/applications", u.page(u.applications))
	mux.HandleFunc("GET /orgs/{org}/applications/new", u.page(u.applicationNew))
	mux.HandleFunc("POST /orgs/{org}/applications/new", u.page(u.applicationSubmit))
	mux.HandleFunc("GET /profile", u.page(u.profile))
	mux.HandleFunc("POST /profile/password", u.page(u.profilePassword))
	mux.HandleFunc("POST /profile/sessions/revoke-others", u.page(u.profileRevokeOthers))
	mux.HandleFunc("GET /desk/support", u.page(u.deskSupport))
	mux.HandleFunc("GET /desk/applications", u.page(u.deskApplications))
	mux.HandleFunc("POST /desk/applications/{org}/{app}/review", u.page(u.deskApplicationAct("review")))
	mux.HandleFunc("POST /desk/applications/{org}/{app}/complete", u.page(u.deskApplicationAct("complete")))
	mux.HandleFunc("POST /desk/applications/{org}/{app}/reject", u.page(u.deskApplicationAct("reject")))
	for _, add := range uiRoutes {
		add(u, mux)
	}
	notFound := u.public(func(http.ResponseWriter, *http.Request, *view) error { return errNoEndpoint })
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if !wantsHTML(r) {
			api.ServeHTTP(w, r)
			return
		}
		notFound(w, r)
	})
	return mux
}

// wantsHTML reports whether the request's client accepts HTML (a browser).
func wantsHTML(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "text/html")
}

// staticFiles serves the embedded stylesheet and icon.
func (u *ui) staticFiles() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setUIHeaders(w)
		w.Header().Set("Cache-Control", "public, max-age=3600")
		u.static.ServeHTTP(w, r)
	})
}

// setUIHeaders sets the security headers of every UI answer.
func setUIHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", uiContentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
}

// uiRoutes are more screens' routes: a screen's file appends its registration in
// init, so screens are added without editing this file.
var uiRoutes []func(u *ui, mux *http.ServeMux)

// navItem is one link of the main navigation. Screens register theirs in uiNav
// (init); the layout draws, in Order, those the person may use here.
type navItem struct {
	Order int
	Key   string   // the label's message key
	Path  string   // "/orgs/{org}/" + Path when InOrg, else Path itself
	InOrg bool     // needs a selected organization
	Pages []string // the templates on which it is the current page
	// Need is the permission the link's page needs: "" any member (or anyone
	// signed in when !InOrg), members.PermOperator operators only.
	Need members.Permission
}

// uiNav is the main navigation, in registration order until sorted by Order.
var uiNav = []navItem{
	{Order: 10, Key: "nav.accounts", Path: "accounts", InOrg: true, Need: members.PermAccountView,
		Pages: []string{"accounts.html", "account.html", "contacts_edit.html", "bulk.html"}},
	{Order: 20, Key: "nav.charges", Path: "charges", InOrg: true, Need: members.PermChargesView, Pages: []string{"charges.html"}},
	{Order: 30, Key: "nav.invoices", Path: "invoices", InOrg: true, Need: members.PermInvoiceView, Pages: []string{"invoices.html"}},
	{Order: 60, Key: "nav.support", Path: "support", InOrg: true, Need: members.PermSupportInquire,
		Pages: []string{"support_list.html", "support_new.html", "support_case.html"}},
	{Order: 70, Key: "nav.applications", Path: "applications", InOrg: true, Need: members.PermApplicationSubmit,
		Pages: []string{"applications.html", "application_new.html"}},
	{Order: 90, Key: "nav.profile", Path: "/profile", Pages: []string{"profile.html"}},
	{Order: 100, Key: "nav.desk", Path: "/desk/support", Need: members.PermOperator,
		Pages: []string{"desk_support.html", "desk_applications.html"}},
}

// navLink is one link as the layout draws it.
type navLink struct {
	Href, Key string
	Current   bool
}

// fillNav sets v.Nav: the links of uiNav that p may follow, the organization's
// only when one is selected, checked with members.Check against p's own
// membership (one read), so a general user sees no link to a page that would
// answer 403.
func (u *ui) fillNav(ctx context.Context, p members.Principal, v *view) {
	if !v.Signed {
		return
	}
	var m *members.Membership
	inOrg := v.Org.ID != ""
	if inOrg && !p.Operator {
		mm, err := u.s.svc.GetMember(ctx, p, v.Org.ID, p.IdentityID)
		if err != nil {
			inOrg = false
		} else {
			m = &mm
		}
	}
	items := slices.Clone(uiNav)
	slices.SortStableFunc(items, func(a, b navItem) int { return a.Order - b.Order })
	for _, it := range items {
		href := it.Path
		switch {
		case it.InOrg && !inOrg:
			continue
		case it.InOrg:
			if members.Check(p, v.Org, m, it.Need) != nil {
				continue
			}
			href = "/orgs/" + url.PathEscape(v.Org.ID) + "/" + it.Path
		case it.Need == members.PermOperator:
			if !p.Operator || p.OrgID != "" {
				continue
			}
		}
		v.Nav = append(v.Nav, navLink{Href: href, Key: it.Key, Current: slices.Contains(it.Pages, v.Page)})
	}
}

// view is what a page's template sees, and what its handler fills.
type view struct {
	Lang      lang
	OtherLang lang   // the language the switch offers
	Path      string // the request's path and query: where the language switch returns
	Page      string // the template
	Status    int

	// Signed in only.
	Signed bool
	Email  string
	Orgs   []members.Organization // the switcher's choices
	Org    members.Organization   // the selected organization, if any
	Nav    []navLink              // the main navigation (fillNav)

	Data any // the page's own
}

// uiFunc is a page handler: it fills v (v.Page and v.Data) or returns an error,
// which becomes an error page (or a redirect, see redirectError).
type uiFunc func(w http.ResponseWriter, r *http.Request, v *view) error

// redirectError answers with a 303 to its location instead of a page.
type redirectError struct{ to string }

func (e *redirectError) Error() string { return "redirect to " + e.to }

func seeOther(to string) error { return &redirectError{to: to} }

// public serves fn to anyone: signed in or not. A post must come from the
// portal's own origin (s.cop), like the API's cookie-authenticated writes.
func (u *ui) public(fn uiFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := u.newView(r)
		if c, err := u.caller(r); err == nil {
			u.signedIn(v, c)
		}
		u.serve(w, r, v, fn)
	}
}

// page serves fn to a signed-in person only: the others are sent to sign in and
// brought back afterwards.
func (u *ui) page(fn uiFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := u.newView(r)
		c, err := u.caller(r)
		if errors.Is(err, errUnauthenticated) {
			setUIHeaders(w)
			http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if err != nil {
			u.fail(w, r, v, err)
			return
		}
		u.signedIn(v, c)
		r = r.WithContext(context.WithValue(r.Context(), callerKey{}, c))
		u.serve(w, r, v, fn)
	}
}

func (u *ui) newView(r *http.Request) *view {
	l := langOf(r)
	other := langEN
	if l == langEN {
		other = langJA
	}
	return &view{Lang: l, OtherLang: other, Path: u.langNext(r), Status: http.StatusOK}
}

// langNext returns where the language switch of r's page returns to: the page
// itself for a GET. A post's path may have no page (GET there is the 404 page),
// so for a post: the page of this portal that sent it (the Referer, sent for
// same-origin requests only), else the post's path when a page answers GET
// there, else "/".
func (u *ui) langNext(r *http.Request) string {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return r.URL.RequestURI()
	}
	if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host && (ref.Scheme == "http" || ref.Scheme == "https") {
		if next := localPath(ref.RequestURI()); next != "/" || ref.Path == "/" {
			return next
		}
	}
	if u.mux != nil {
		get := &http.Request{Method: http.MethodGet, Host: r.Host, URL: &url.URL{Path: r.URL.Path}, Header: http.Header{}}
		if _, pattern := u.mux.Handler(get); pattern != "" && pattern != "/" {
			return r.URL.EscapedPath()
		}
	}
	return "/"
}

func (u *ui) signedIn(v *view, c caller) {
	v.Signed, v.Email = true, c.p.Email
}

// caller authenticates the request by its session cookie only (a browser UI has
// no bearer header). errUnauthenticated without a live session.
func (u *ui) caller(r *http.Request) (caller, error) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return caller{}, errUnauthenticated
	}
	return u.s.auth.authenticate(r.Context(), ck.Value)
}

// serve checks a post's origin, runs fn in a slot of the limiter, renders its page into memory, and sends it.
func (u *ui) serve(w http.ResponseWriter, r *http.Request, v *view, fn uiFunc) {
	setUIHeaders(w)
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		if err := u.s.cop.Check(r); err != nil {
			u.fail(w, r, v, errCrossOrigin)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		if err := r.ParseForm(); err != nil {
			u.fail(w, r, v, &badRequestError{msg: "unreadable form"})
			return
		}
	}
	who := callerOf(r).p.IdentityID
	if who == "" {
		who = "ip:" + clientOf(r).IP
	}
	var (
		body   bytes.Buffer
		fnErr  error
		header = http.Header{}
	)
	hw := &headerOnly{header: header}
	err := u.s.limit.admit(r.Context(), who, func() {
		fnErr = fn(hw, r, v)
		if fnErr == nil {
			u.fillNav(r.Context(), callerOf(r).p, v)
			fnErr = u.render(&body, v)
		}
	})
	if err == nil {
		err = fnErr
	}
	for k, vs := range header {
		w.Header()[k] = vs
	}
	if err != nil {
		u.fail(w, r, v, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(v.Status)
	_, _ = w.Write(body.Bytes())
}

// headerOnly lets a page handler set headers (cookies) while its page renders
// into memory.
type headerOnly struct{ header http.Header }

func (h *headerOnly) Header() http.Header { return h.header }
func (h *headerOnly) Write([]byte) (int, error) {
	return 0, errors.New("ui: a page handler writes no body")
}
func (h *headerOnly) WriteHeader(int) {}

// render draws v's page in v's language.
func (u *ui) render(w *bytes.Buffer, v *view) error {
	t, ok := u.tmpl[v.Page][v.Lang]
	if !ok {
		return fmt.Errorf("ui: no template %q", v.Page)
	}
	return t.ExecuteTemplate(w, "layout", v)
}

// uiError is the error page's data.
type uiError struct {
	TitleKey, BodyKey string
	Detail            string // a message key, "" for none
}

// fail answers err: a redirect, or the error page with err's status (as the API
// maps it: errorTable) in the request's language. 401 sends the person to sign
// in; a 400, 403, 404, 503 and 500 have their own wording, anything else the
// 500's without internals.
func (u *ui) fail(w http.ResponseWriter, r *http.Request, v *view, err error) {
	setUIHeaders(w)
	var re *redirectError
	if errors.As(err, &re) {
		http.Redirect(w, r, re.to, http.StatusSeeOther)
		return
	}
	status, body := errorResponse(err)
	level := slog.LevelInfo
	if status == http.StatusInternalServerError {
		level = slog.LevelError
	}
	u.s.log.LogAttrs(r.Context(), level, "page failed", slog.String("method", r.Method),
		slog.String("path", clip(r.URL.Path, maxLoggedPath)), slog.Int("status", status),
		slog.String("err", boundMessage(err.Error(), maxLoggedError)))
	if status == statusClientClosed {
		exchangeOf(r).noteUnanswered(status)
		return
	}
	if status == http.StatusUnauthorized {
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return
	}
	e := uiError{}
	switch status {
	case http.StatusBadRequest, http.StatusForbidden, http.StatusNotFound, http.StatusServiceUnavailable:
		e.TitleKey, e.BodyKey = fmt.Sprintf("error.%d.title", status), fmt.Sprintf("error.%d.body", status)
	default:
		e.TitleKey, e.BodyKey = "error.500.title", "error.500.body"
	}
	switch {
	case body.Error.Code == "cross_origin" || errors.Is(err, errCrossOrigin):
		e.Detail = "error.crossorigin"
	case errors.Is(err, members.ErrMFARequired):
		e.Detail = "error.mfarequired"
	}
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	v.Page, v.Status, v.Data = "error.html", status, e
	var buf bytes.Buffer
	if rerr := u.render(&buf, v); rerr != nil {
		u.s.log.LogAttrs(r.Context(), slog.LevelError, "error page failed", slog.String("err", rerr.Error()))
		http.Error(w, http.StatusText(status), status)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// localPath returns next when it is a path of this portal (and not of the API),
// else "/": the sign-in and language forms never send a person elsewhere.
func localPath(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || isAPIPath(path.Clean(u.Path)) {
		return "/"
	}
	return next
}

// switchLang is POST /lang: the language cookie is set to lang (a year), and the
// person returns to next.
func (u *ui) switchLang(w http.ResponseWriter, r *http.Request, v *view) error {
	l, ok := parseLang(r.PostFormValue("lang"))
	if !ok {
		return &badRequestError{msg: "unknown language"}
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: string(l), Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil || u.s.secureCookies})
	return seeOther(localPath(r.PostFormValue("next")))
}

// ---- organizations ----

// uiSwitcherLimit is how many organizations the switcher lists.
const uiSwitcherLimit = 100

// loadOrgs fills v.Orgs (the switcher) and, when orgID is not "", v.Org: the
// organization as its member (or an operator) reads it, so a person of another
// organization gets the Service's 403 or 404.
func (u *ui) loadOrgs(ctx context.Context, p members.Principal, v *view, orgID string) error {
	orgs, _, err := u.s.svc.ListOrganizations(ctx, p, resellerkit.Page{Limit: uiSwitcherLimit})
	if err != nil {
		return err
	}
	v.Orgs = orgs
	if orgID == "" {
		return nil
	}
	v.Org, err = u.s.svc.GetOrganization(ctx, p, orgID)
	return err
}

// home is GET /: the accounts of the person's first organization, or the
// organization list when there is none or invitations wait for an answer.
func (u *ui) home(w http.ResponseWriter, r *http.Request, v *view) error {
	p := principal(r)
	if err := u.loadOrgs(r.Context(), p, v, ""); err != nil {
		return err
	}
	invs, err := u.myInvitations(r.Context(), p)
	if err != nil {
		return err
	}
	if len(v.Orgs) >= 1 && len(invs) == 0 {
		return seeOther("/orgs/" + url.PathEscape(v.Orgs[0].ID) + "/accounts")
	}
	return u.orgs(w, r, v)
}

// orgs is GET /orgs: the organizations the person can open.
func (u *ui) orgs(_ http.ResponseWriter, r *http.Request, v *view) error {
	if err := u.loadOrgs(r.Context(), principal(r), v, ""); err != nil {
		return err
	}
	d, err := u.orgsData(r.Context(), principal(r), r) // the invitations waiting (ui_members.go)
	if err != nil {
		return err
	}
	v.Page, v.Data = "orgs.html", d
	return nil
}

// switchOrg is GET /switch?org=: the switcher's form, answered with the chosen
// organization's accounts.
func (u *ui) switchOrg(_ http.ResponseWriter, r *http.Request, _ *view) error {
	org := r.URL.Query().Get("org")
	if org == "" {
		return seeOther("/orgs")
	}
	return seeOther("/orgs/" + url.PathEscape(org) + "/accounts")
}
