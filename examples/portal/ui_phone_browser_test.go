package main

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
)

// TestBrowser_PagesAreUsableOnAPhone: issue 14's "usable on a phone". At a phone's
// width (390 CSS pixels, as an iPhone 12 to 15 reports) the main customer pages
// lay out without a page-wide horizontal scroll: wide tables scroll inside their
// own focusable region, forms and the header wrap. Each page is checked after
// it rendered, in both languages.
func TestBrowser_PagesAreUsableOnAPhone(t *testing.T) {
	ctx := newBrowser(t)
	f := newFixture(t, "memory")
	code := f.enrollTOTP(demoPower)
	browserSignIn(t, ctx, f.srv.URL, demoPower, f.passwords[demoPower.Email], code)
	org := eval[string](t, ctx, `location.pathname.split("/")[2]`)

	do(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(3), chromedp.EmulateMobile))
	pages := []string{
		"/orgs/%s/accounts",
		"/orgs/%s/accounts/100000000001",
		"/orgs/%s/accounts/100000000001/contacts/edit",
		"/orgs/%s/charges",
		"/orgs/%s/invoices",
		"/orgs/%s/support",
		"/orgs/%s/support/new",
		"/orgs/%s/applications",
		"/orgs/%s/projects",
		"/orgs/%s/members",
		"/profile",
	}
	for _, lang := range []string{"ja", "en"} {
		for _, p := range pages {
			path := p
			if p[0:5] == "/orgs" {
				path = fmt.Sprintf(p, org)
			}
			open(t, ctx, f.srv.URL, path)
			if eval[string](t, ctx, `document.documentElement.lang`) != lang {
				do(t, ctx, chromedp.Click(chromedp.CSS(`form.lang-switch button`)), chromedp.WaitReady(chromedp.CSS(`html[lang="`+lang+`"] main[data-page]`)))
			}
			assert.Equal(t, "200", attr(t, ctx, "main", "data-status"), "%s (%s)", path, lang)
			overflow := eval[int](t, ctx, `document.documentElement.scrollWidth - document.documentElement.clientWidth`)
			assert.LessOrEqual(t, overflow, 0, "%s (%s) scrolls sideways by %d px at a phone's width", path, lang, overflow)
			if path == fmt.Sprintf("/orgs/%s/accounts", org) {
				screenshot(t, ctx, "phone-accounts-"+lang)
			}
		}
	}
}
