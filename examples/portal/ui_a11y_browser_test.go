package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
)

// The accessibility check of every page (issue 14's acceptance): a browser signed
// in as a power user, a general user and an operator crawls, in Japanese and in
// English, every page of the portal reachable by a same-origin GET link from where
// sign-in lands (the menu and the links of each page), plus the sign-in and code
// pages, a 404 and the error state of the forms (submitted empty). On each page it
// runs axe-core (testdata/axe, vendored) with the WCAG 2.0/2.1/2.2 A and AA rules —
// labels, contrast, names of buttons and links, the title, the language, images'
// alternatives, duplicate ids … — and fails listing every violation by rule,
// element and page. It records every request the pages make (the DevTools
// protocol's network events) and fails if one goes to another origin.

// axeTags are the rule sets run: WCAG 2.x levels A and AA.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

// axeMustRun are rules the check must have run on every page (passed, not
// applicable or incomplete): a sign that axe ran with the rules the acceptance
// names, not that it silently ran none.
var axeMustRun = []string{"label", "color-contrast", "button-name", "link-name", "document-title",
	"html-has-lang", "html-lang-valid", "image-alt", "duplicate-id-aria", "select-name", "aria-valid-attr"}

// axeSource is the vendored axe-core.
var axeSource = sync.OnceValues(func() (string, error) {
	b, err := os.ReadFile("testdata/axe/axe.min.js")
	return string(b), err
})

// axeReport is what runAxe returns: the violations, and the ids of every rule
// that ran.
type axeReport struct {
	Violations []struct {
		ID     string `json:"id"`
		Impact string `json:"impact"`
		Help   string `json:"help"`
		Nodes  []struct {
			Target  string `json:"target"`
			Summary string `json:"summary"`
		} `json:"nodes"`
	} `json:"violations"`
	Ran []string `json:"ran"`
}

// axeScript runs axe on the document and returns an axeReport.
func axeScript() string {
	tags := `["` + strings.Join(axeTags, `","`) + `"]`
	return `axe.run(document, {
  runOnly: {type: "tag", values: ` + tags + `},
  rules: {"duplicate-id": {enabled: true}, "duplicate-id-active": {enabled: true}},
  resultTypes: ["violations"],
}).then(r => ({
  violations: r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: (n.failureSummary || "").replace(/\s+/g, " ")}))})),
  ran: [...r.passes, ...r.violations, ...r.incomplete, ...r.inapplicable].map(x => x.id),
}))`
}

// runAxe injects axe-core into the page (through Runtime.evaluate, which the page's
// Content-Security-Policy does not govern: the portal never serves it) and runs it.
func runAxe(t *testing.T, ctx context.Context) axeReport {
	t.Helper()
	src, err := axeSource()
	require.NoError(t, err, "the vendored axe-core (testdata/axe)")
	_, err = chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](src+"\n;void 0"))
	require.NoError(t, err, "inject axe-core")
	r, err := chromedp.Run(ctx, chromedp.Evaluate[axeReport](axeScript(), chromedp.EvalAwaitPromise))
	require.NoError(t, err, "axe.run")
	return r
}

// requestLog records the URL of every request a browser tab sends.
type requestLog struct {
	mu   sync.Mutex
	urls []string
}

func (l *requestLog) listen(t *testing.T, ctx context.Context) {
	t.Helper()
	require.NoError(t, chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			l.mu.Lock()
			l.urls = append(l.urls, e.Request.URL+" (from "+e.DocumentURL+")")
			l.mu.Unlock()
		}
	}))
}

// foreign returns the requests that went anywhere but base's origin. A data: URL
// is no request to anywhere (chromium draws its own date picker's icon with one).
func (l *requestLog) foreign(base string) (out []string, total int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, u := range l.urls {
		if !strings.HasPrefix(u, base+"/") && !strings.HasPrefix(u, "data:") {
			out = append(out, u)
		}
	}
	return out, len(l.urls)
}

// crawler visits pages in one browser tab, checks each with axe, and collects
// what it found.
type crawler struct {
	t          *testing.T
	ctx        context.Context
	base       string
	who        string
	shots      bool                // screenshots of the main screens (the power user's crawl)
	seen       map[string]bool     // crawl keys visited, per language: lang + " " + key
	forms      map[string]bool     // form actions submitted empty, per language
	problems   []string            // violations and broken pages
	pages      map[string][]string // visited page templates → URLs, for the log
	checked    int
	shotsTaken map[string]bool
}

func newCrawler(t *testing.T, ctx context.Context, base, who string) *crawler {
	return &crawler{t: t, ctx: ctx, base: base, who: who, seen: map[string]bool{}, forms: map[string]bool{},
		pages: map[string][]string{}, shotsTaken: map[string]bool{}}
}

// maxCrawl bounds the pages one crawl visits in one language.
const maxCrawl = 80

// skipPath reports the paths a crawl does not follow: the stylesheet and icon,
// downloads (invoice files), sign-out and the API.
var skipPath = regexp.MustCompile(`^/(static/|v1/|signout|healthz)|/invoices/[^/]+$|\.(pdf|csv)$`)

// crawlKey is what makes two URLs the same page for the crawl: the path and the
// names (not values) of its query, so paging, month and filter links are followed
// once each.
func crawlKey(u *url.URL) string {
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range u.Query() {
			if !yield(k) {
				return
			}
		}
	})
	return u.Path + "?" + strings.Join(keys, "&")
}

// lang is the page's language.
func (c *crawler) lang() string {
	return eval[string](c.t, c.ctx, `document.documentElement.lang`)
}

// check runs axe on the page shown now and records its violations under label.
func (c *crawler) check(label string) {
	c.t.Helper()
	info := eval[[]string](c.t, c.ctx, `[location.pathname + location.search, document.documentElement.lang,
		(document.querySelector("main") || {dataset: {}}).dataset.page || "", (document.querySelector("main") || {dataset: {}}).dataset.status || ""]`)
	where := fmt.Sprintf("%s, %s, %s %s (%s)", c.who, info[1], info[0], info[2], label)
	t0 := time.Now()
	r := runAxe(c.t, c.ctx)
	c.t.Logf("checked %s in %v: %d violations", where, time.Since(t0).Round(time.Millisecond), len(r.Violations))
	c.checked++
	c.pages[info[2]] = append(c.pages[info[2]], info[1]+" "+info[0])
	for _, rule := range axeMustRun {
		if !slices.Contains(r.Ran, rule) {
			c.problems = append(c.problems, fmt.Sprintf("%s: axe did not run rule %s", where, rule))
		}
	}
	for _, v := range r.Violations {
		for _, n := range v.Nodes {
			c.problems = append(c.problems, fmt.Sprintf("%s: %s (%s) %q: %s — %s", where, v.ID, v.Impact, n.Target, v.Help, n.Summary))
		}
	}
	if c.shots {
		for _, name := range []string{"accounts", "account", "charges", "invoices"} {
			key := name + "-" + info[1]
			if info[2] == name+".html" && !c.shotsTaken[key] {
				c.shotsTaken[key] = true
				screenshot(c.t, c.ctx, key)
			}
		}
	}
}

// crawl visits start and every same-origin page reachable from it by GET links,
// in the language the browser has now, checking each; and on each page with a
// form that fails when empty (formActions), submits it empty once and checks the
// error state.
func (c *crawler) crawl(start ...string) {
	c.t.Helper()
	lang := c.lang()
	queue := slices.Clone(start)
	visited := 0
	for len(queue) > 0 && visited < maxCrawl {
		raw := queue[0]
		queue = queue[1:]
		u, err := url.Parse(raw)
		require.NoError(c.t, err)
		key := lang + " " + crawlKey(u)
		if c.seen[key] {
			continue
		}
		c.seen[key] = true
		visited++
		do(c.t, c.ctx, chromedp.Navigate(c.base+u.RequestURI()), chromedp.WaitReady(chromedp.CSS(`main`)))
		if got := c.lang(); got != lang {
			c.problems = append(c.problems, fmt.Sprintf("%s, %s: in %q, not %q", c.who, u.RequestURI(), got, lang))
		}
		if status := attr(c.t, c.ctx, "main", "data-status"); status != "200" {
			c.problems = append(c.problems, fmt.Sprintf("%s, %s, %s: a link leads to a %s page", c.who, lang, u.RequestURI(), status))
		}
		c.check("page")
		links := eval[[]string](c.t, c.ctx, `[...document.querySelectorAll("a[href]")].filter(a => !a.hasAttribute("download")).map(a => a.href)`)
		for _, l := range links {
			lu, err := url.Parse(l)
			if err != nil || lu.Scheme+"://"+lu.Host != c.base || skipPath.MatchString(lu.Path) {
				continue
			}
			lu.Fragment = ""
			if !c.seen[lang+" "+crawlKey(lu)] {
				queue = append(queue, lu.RequestURI())
			}
		}
		c.submitEmpty(lang)
	}
	require.Less(c.t, visited, maxCrawl, "%s, %s: the crawl reached its bound; raise maxCrawl or narrow crawlKey", c.who, lang)
}

// formActions are the forms whose empty submission shows an error state: new
// support case and reply, new application, bulk edit, contacts edit, password.
var formActions = regexp.MustCompile(`(/support/new|/replies|/applications/new|/accounts/bulk|/contacts/edit|/profile/password)$`)

// submitEmpty submits, once per language and form action, the page's first form
// that formActions matches with its text fields emptied and its boxes unticked,
// and checks the page that answers (its error state).
func (c *crawler) submitEmpty(lang string) {
	c.t.Helper()
	action := eval[string](c.t, c.ctx, formJS+`(() => {
  const f = [...document.querySelectorAll("form")].find(f => isPost(f) && new RegExp(`+jsString(formActions.String())+`).test(actionOf(f)));
  return f ? actionOf(f) : "";
})()`)
	if action == "" {
		return
	}
	key := lang + " " + regexp.MustCompile(`/orgs/[^/]+/(accounts/[^/]+/contacts|support/[^/]+/replies)`).ReplaceAllString(action, "/$1")
	if c.forms[key] {
		return
	}
	c.forms[key] = true
	_, err := chromedp.Run(c.ctx, chromedp.Evaluate[chromedp.Void](formJS+`(() => {
  const f = [...document.querySelectorAll("form")].find(f => isPost(f) && actionOf(f) === `+jsString(action)+`);
  f.querySelectorAll("input[type=text], input[type=email], input[type=tel], input[type=password], input:not([type]), textarea").forEach(e => { e.value = ""; });
  f.querySelectorAll("input[type=checkbox]").forEach(e => { e.checked = false; });
  document.documentElement.dataset.before = "submit";
  f.noValidate = true;
  f.requestSubmit();
})()`))
	require.NoError(c.t, err, "%s: submit %s empty", c.who, action)
	c.waitNewDocument()
	c.check("form " + action + " submitted empty")
}

// formJS defines isPost and actionOf, reading a form's attributes (its fields
// named "action" or "method" would shadow the properties).
const formJS = `var isPost = f => (f.getAttribute("method") || "").toLowerCase() === "post";
var actionOf = f => new URL(f.getAttribute("action") || "", location.href).pathname;
`

// waitNewDocument waits until the document marked before a submission is replaced
// by the answer, and that answer has loaded.
func (c *crawler) waitNewDocument() {
	c.t.Helper()
	for {
		done, err := chromedp.Run(c.ctx, chromedp.Evaluate[bool](
			`document.documentElement.dataset.before === undefined && document.readyState === "complete" && !!document.querySelector("main")`,
			chromedp.EvalIgnoreExceptions))
		if err == nil && done {
			return
		}
		select {
		case <-c.ctx.Done():
			c.t.Fatalf("%s: no page after submitting a form: %v", c.who, c.ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

// switchLang clicks the header's language switch and waits for the page in to.
func (c *crawler) switchLang(to string) {
	c.t.Helper()
	do(c.t, c.ctx,
		chromedp.Click(chromedp.CSS(`.lang-switch button`)),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="`+to+`"] main`)),
	)
}

// signIn signs p in through the form, checking the sign-in page, its error state
// (a wrong password) and, when totp is not "", the code page on the way.
func (c *crawler) signIn(p members.Principal, password, totp string) {
	c.t.Helper()
	do(c.t, c.ctx,
		chromedp.Navigate(c.base+"/signin"),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
	)
	c.check("sign-in")
	do(c.t, c.ctx,
		chromedp.SendKeys(chromedp.CSS(`#email`), p.Email),
		chromedp.SendKeys(chromedp.CSS(`#password`), "not-the-password"),
		chromedp.Click(chromedp.CSS(`#signin-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`main[data-status="401"] #password`)),
	)
	c.check("sign-in with a wrong password")
	do(c.t, c.ctx,
		chromedp.SetValue(chromedp.CSS(`#email`), p.Email),
		chromedp.SendKeys(chromedp.CSS(`#password`), password),
		chromedp.Click(chromedp.CSS(`#signin-submit`)),
	)
	if totp != "" {
		do(c.t, c.ctx, chromedp.WaitVisible(chromedp.CSS(`#totp`)))
		c.check("code step")
		do(c.t, c.ctx,
			chromedp.SendKeys(chromedp.CSS(`#totp`), totp),
			chromedp.Click(chromedp.CSS(`#totp-submit`)),
		)
	}
	do(c.t, c.ctx, chromedp.WaitVisible(chromedp.CSS(`main[data-status="200"]:not([data-page="signin.html"]):not([data-page="totp.html"])`)))
}

// notFound checks the 404 page.
func (c *crawler) notFound() {
	c.t.Helper()
	do(c.t, c.ctx,
		chromedp.Navigate(c.base+"/no/such/page"),
		chromedp.WaitVisible(chromedp.CSS(`main[data-status="404"]`)),
	)
	c.check("404")
}

func TestBrowser_EveryPagePassesTheAccessibilityCheckAndLoadsNothingFromElsewhere(t *testing.T) {
	if findChromium() == "" {
		newBrowser(t) // skips, or fails in CI
	}
	f := newFixture(t, "memory")
	// Something on every list: an application (applications, the desk's review),
	// filed through the Service (f.token would enroll the power user's TOTP).
	ctx := context.Background()
	projects, _, err := f.svc.ListProjects(ctx, demoPower, f.orgID, resellerkit.Page{Limit: 1})
	require.NoError(t, err)
	require.NotEmpty(t, projects)
	_, err = f.svc.SubmitApplication(ctx, demoPower, f.orgID, members.NewApplication{
		Kind: members.AppNewAccount, ProjectID: projects[0].ID, Details: "name: web-prod; profile: secure"})
	require.NoError(t, err)

	type run struct {
		who        string
		p          members.Principal
		totp       bool   // an authenticator app, enrolled right before the sign-in (its code is short-lived)
		first      string // the language signed in with; the other is crawled second
		start      []string
		public     bool // crawl the pages reachable from the sign-in page first, signed out
		screenshot bool
	}
	orgPath := "/orgs/" + f.orgID + "/"
	runs := []run{
		{who: "power user", p: demoPower, totp: true, first: "ja",
			start: []string{"/", "/orgs", "/profile", orgPath + "accounts/bulk"}, screenshot: true},
		{who: "general user", p: demoGeneral, first: "en", start: []string{"/", "/orgs", "/profile"}, public: true},
		{who: "operator", p: demoOperator, totp: true, first: "en",
			start: []string{"/", "/orgs", "/profile", "/desk/support", "/desk/applications?org=" + f.orgID}},
	}
	var problems []string
	var foreign []string
	for _, r := range runs {
		t.Run(strings.ReplaceAll(r.who, " ", "_"), func(t *testing.T) {
			ctx := newBrowserFor(t, 8*time.Minute)
			var log requestLog
			log.listen(t, ctx)
			c := newCrawler(t, ctx, f.srv.URL, r.who)
			c.shots = r.screenshot
			second := map[string]string{"ja": "en", "en": "ja"}[r.first]
			require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(f.srv.URL+"/signin"), chromedp.WaitVisible(chromedp.CSS(`#email`))))
			if r.first == "en" {
				c.switchLang("en")
			}
			if r.public {
				c.crawl("/signin")
				c.seen = map[string]bool{}
			}
			code := ""
			if r.totp {
				code = f.enrollTOTP(r.p)
			}
			c.signIn(r.p, f.passwords[r.p.Email], code)
			c.crawl(r.start...)
			c.notFound()
			c.switchLang(second)
			c.crawl(r.start...)
			c.notFound()

			templates := slices.Sorted(func(yield func(string) bool) {
				for k := range c.pages {
					if !yield(k) {
						return
					}
				}
			})
			t.Logf("%s: %d pages checked; templates: %s", r.who, c.checked, strings.Join(templates, " "))
			bad, total := log.foreign(f.srv.URL)
			t.Logf("%s: %d requests recorded", r.who, total)
			assert.NotZero(t, total, "the network events were recorded")
			problems = append(problems, c.problems...)
			foreign = append(foreign, bad...)
		})
	}
	sort.Strings(problems)
	assert.Empty(t, problems, "accessibility violations (rule, element, page):\n%s", strings.Join(problems, "\n"))
	assert.Empty(t, foreign, "requests to another origin:\n%s", strings.Join(foreign, "\n"))
}
