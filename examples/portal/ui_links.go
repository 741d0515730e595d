package main

import (
	"net/http"
	"net/url"
	"strings"
)

// The links notices carry. billing, security and support build them under the
// portal's origin from their own paths (billing.URLs, security.Config.BaseURL,
// support.Config.BaseURL): a person reading the mail opens them in a browser, so
// the web UI answers each with a redirect to the page that shows what it names.
// The page does every check (sign-in first, then the organization and the
// permission), so the redirect reveals nothing a link's reader did not have. A
// program following the link (an API key in Authorization, or JSON accepted and
// not HTML) is sent to the same path under /v1, the API's resource, which does
// the same checks.
//
//	/orgs/{org}/documents/{document}                    → /orgs/{org}/invoices (its PDF and CSV are listed there)
//	/orgs/{org}/accounts/{account}/charges              → /orgs/{org}/accounts/{account}#account-charges
//	/orgs/{org}/accounts/{account}/security/alerts      → /orgs/{org}/accounts/{account}#account-security
//	/orgs/{org}/support/cases/{case}                    → /orgs/{org}/support/{case}

func init() {
	uiRoutes = append(uiRoutes, func(u *ui, mux *http.ServeMux) {
		mux.HandleFunc("GET /orgs/{org}/documents/{document}", noticeLink(func(r *http.Request) string {
			return "/orgs/" + seg(r, "org") + "/invoices"
		}))
		mux.HandleFunc("GET /orgs/{org}/accounts/{account}/charges", noticeLink(func(r *http.Request) string {
			return "/orgs/" + seg(r, "org") + "/accounts/" + seg(r, "account") + "#account-charges"
		}))
		mux.HandleFunc("GET /orgs/{org}/accounts/{account}/security/alerts", noticeLink(func(r *http.Request) string {
			return "/orgs/" + seg(r, "org") + "/accounts/" + seg(r, "account") + "#account-security"
		}))
		mux.HandleFunc("GET /orgs/{org}/support/cases/{case}", noticeLink(func(r *http.Request) string {
			return "/orgs/" + seg(r, "org") + "/support/" + seg(r, "case")
		}))
	})
}

// noticeLink answers a notice's link with a redirect to the page target names,
// or, for a program (a request with an Authorization header, or one that accepts
// JSON and not HTML: a webhook receiver fetching a notice's URL with an API key),
// to the API's resource of the same path under /v1 (307: the method stays).
func noticeLink(target func(r *http.Request) string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if wantsAPI(r) {
			http.Redirect(w, r, "/v1"+r.URL.EscapedPath(), http.StatusTemporaryRedirect)
			return
		}
		http.Redirect(w, r, target(r), http.StatusSeeOther)
	}
}

// wantsAPI reports a request from a program rather than a browser: it carries an
// Authorization header (browsers sign in with the session cookie), or accepts
// JSON and not HTML.
func wantsAPI(r *http.Request) bool {
	if r.Header.Get("Authorization") != "" {
		return true
	}
	accept := r.Header.Get("Accept")
	return strings.Contains(accept, "application/json") && !strings.Contains(accept, "text/html")
}

// seg is the path value name of r, escaped for a path segment.
func seg(r *http.Request, name string) string { return url.PathEscape(r.PathValue(name)) }
