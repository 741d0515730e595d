package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/members"
)

// The browser tests drive Debian's chromium (headless, through the DevTools
// protocol: chromedp) against the fixture's portal on loopback. Without a
// chromium they skip, saying so, unless RESELLERKIT_CI is set (.ci/run sets it and
// installs chromium): then they fail. RESELLERKIT_SCREENSHOTS=dir keeps the
// screenshots they take (always taken, into t.TempDir(), otherwise).

// findChromium returns the path of a chromium, or "".
func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// newBrowser starts a headless chromium with a fresh profile and returns a
// chromedp context on a tab of it, bounded by a minute.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	return newBrowserFor(t, time.Minute)
}

// newBrowserFor is newBrowser bounded by limit (a crawl of every page needs more
// than a minute).
func newBrowserFor(t *testing.T, limit time.Duration) context.Context {
	t.Helper()
	path := findChromium()
	if path == "" {
		if os.Getenv("RESELLERKIT_CI") != "" {
			t.Fatal("no chromium found: CI must run the browser tests (apt-get install chromium)")
		}
		t.Skip("no chromium found (apt-get install chromium): the browser tests of the web UI are skipped")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless,
		chromedp.NoSandbox, // root in CI containers
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("no-proxy-server", true),
		// Loopback only: every other host fails to resolve, so a page that tried to
		// load something from elsewhere would show it broken, never reach out.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.WindowSize(1280, 900),
		// A Japanese person's browser: Accept-Language ja.
		chromedp.Flag("lang", "ja"),
		chromedp.Flag("accept-lang", "ja"),
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	t.Cleanup(cancel)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(cancelBrowser)
	require.NoError(t, chromedp.Do(bctx, chromedp.Navigate("about:blank")), "start chromium")
	return bctx
}

// screenshot saves the page as name.png (quality 100: PNG, not JPEG) into t.TempDir() and, when
// RESELLERKIT_SCREENSHOTS is set, into that directory too.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NotEmpty(t, png)
	dirs := []string{t.TempDir()}
	if d := os.Getenv("RESELLERKIT_SCREENSHOTS"); d != "" {
		require.NoError(t, os.MkdirAll(d, 0o755))
		dirs = append(dirs, d)
	}
	for _, d := range dirs {
		require.NoError(t, os.WriteFile(filepath.Join(d, name+".png"), png, 0o644))
	}
}

// browserSignIn fills the sign-in form (and the code step when totp is not "")
// and waits for the accounts list.
func browserSignIn(t *testing.T, ctx context.Context, base string, p members.Principal, password, totp string) {
	t.Helper()
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), p.Email),
		chromedp.SendKeys(chromedp.CSS(`#password`), password),
		chromedp.Click(chromedp.CSS(`#signin-submit`)),
	))
	if totp != "" {
		require.NoError(t, chromedp.Do(ctx,
			chromedp.WaitVisible(chromedp.CSS(`#totp`)),
			chromedp.SendKeys(chromedp.CSS(`#totp`), totp),
			chromedp.Click(chromedp.CSS(`#totp-submit`)),
		))
	}
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#accounts`))))
}

// text returns the text of the first element sel matches.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	require.NoError(t, err, "text of %s", sel)
	return v
}

// attr returns the attribute name of the first element sel matches.
func attr(t *testing.T, ctx context.Context, sel, name string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(sel), name))
	require.NoError(t, err, "%s of %s", name, sel)
	return v.Value
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	require.NoError(t, err, "evaluate %s", expr)
	return v
}

func TestBrowser_PowerUserSignsInWithTOTPAndSeesChargesInBothLanguages(t *testing.T) {
	ctx := newBrowser(t)
	f := newFixture(t, "memory")
	code := f.enrollTOTP(demoPower)

	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(f.srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
	))
	assert.Equal(t, "ja", attr(t, ctx, "html", "lang"), "Japanese by default")
	assert.Equal(t, "サインイン", text(t, ctx, "h1"))
	screenshot(t, ctx, "signin-ja")

	browserSignIn(t, ctx, f.srv.URL, demoPower, f.passwords[demoPower.Email], code)
	table := text(t, ctx, "#accounts")
	for _, id := range []string{"100000000001", "100000000002", "100000000003", "100000000004", "100000000005"} {
		assert.Contains(t, table, id)
	}
	assert.Contains(t, text(t, ctx, "#col-charges"), "現在のご利用料金")
	assert.Contains(t, table, "JST")
	charges := eval[[]string](t, ctx, `[...document.querySelectorAll('td.charges')].map(e => e.textContent)`)
	require.Len(t, charges, 5)
	assert.NotEqual(t, []string{"0.00", "0.00", "0.00", "0.00", "0.00"}, charges, "the demo has charges")
	screenshot(t, ctx, "accounts-ja")

	// The switch in the header: English, remembered.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`.lang-switch button`)),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="en"] #accounts`)),
	))
	assert.Contains(t, text(t, ctx, "#col-charges"), "Current charges")
	screenshot(t, ctx, "accounts-en")

	// On a phone the page still fits: the table scrolls inside its own box.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.EmulateViewport(375, 740),
		chromedp.Navigate(f.srv.URL+"/orgs/"+f.orgID+"/accounts"),
		chromedp.WaitVisible(chromedp.CSS(`#accounts`)),
	))
	assert.False(t, eval[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth + 1`),
		"no page-wide horizontal scrolling on a 375 px screen")
	screenshot(t, ctx, "accounts-en-phone")
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)))

	// Signing out lands on the sign-in page, still in English.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`.signout button`)),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="en"] #email`)),
	))
	assert.Equal(t, "Sign in", text(t, ctx, "h1"))
	screenshot(t, ctx, "signin-en")
}
