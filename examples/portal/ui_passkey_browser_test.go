package main

import (
	"context"
	"net"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/identity"
)

// passkeyPortal serves the fixture's portal again at http://localhost:PORT with
// passkeys bound to that origin (a WebAuthn origin has its port; the fixture's
// is portless) and returns its base URL. The same stores and demo users: only
// the identity Service differs, in its WebAuthn origin.
func (f *fixture) passkeyPortal(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	origin := "http://localhost:" + strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ids, err := identity.NewService(f.b.ids, identity.WithMemberships(f.svc), identity.WithHasher(testHasher(t)),
		identity.WithMailer(f.mails), identity.WithPasskeys("localhost", "resellerkit portal", origin))
	require.NoError(t, err)
	s := *f.s
	s.ids, s.auth = ids, identityAuth{ids: ids, operators: map[string]bool{demoOperator.Email: true}}
	srv := httptest.NewUnstartedServer(s.routes())
	require.NoError(t, srv.Listener.Close())
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return origin
}

// newPasskeyBrowser is newBrowser (ui_browser_test.go) letting the tab reach
// localhost too: WebAuthn needs a domain (an IP address is no relying party
// id), and http://localhost is a secure context. Every other host still fails
// to resolve.
func newPasskeyBrowser(t *testing.T) context.Context {
	t.Helper()
	path := findChromium()
	if path == "" {
		if os.Getenv("RESELLERKIT_CI") != "" {
			t.Fatal("no chromium found: CI must run the browser tests (apt-get install chromium)")
		}
		t.Skip("no chromium found (apt-get install chromium): the passkey browser test is skipped")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, chromedp.ExecPath(path), chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless, chromedp.NoSandbox, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("no-proxy-server", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"),
		chromedp.WindowSize(1280, 900), chromedp.Flag("lang", "ja"), chromedp.Flag("accept-lang", "ja"))
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(cancelBrowser)
	require.NoError(t, chromedp.Do(bctx, chromedp.Navigate("about:blank")), "start chromium")
	return bctx
}

// TestBrowser_PasskeyRegisteredInTheProfileSignsIn registers a passkey on the
// profile page with Chromium's virtual authenticator (a platform passkey:
// CTAP2, internal, resident key, user verification), then signs out and signs
// in with it alone: static/passkey.js runs both ceremonies under the portal's
// CSP.
func TestBrowser_PasskeyRegisteredInTheProfileSignsIn(t *testing.T) {
	ctx := newPasskeyBrowser(t)
	f := newFixture(t, "memory")
	base := f.passkeyPortal(t)

	_, err := chromedp.Call(ctx, webauthn.Enable, webauthn.EnableParams{})
	require.NoError(t, err)
	_, err = chromedp.Call(ctx, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{
		Options: &webauthn.VirtualAuthenticatorOptions{Protocol: webauthn.AuthenticatorProtocolCtap2, Ctap2version: webauthn.Ctap2versionCtap21,
			Transport: webauthn.AuthenticatorTransportInternal, HasResidentKey: true, HasUserVerification: true, IsUserVerified: true,
			AutomaticPresenceSimulation: true}})
	require.NoError(t, err)

	browserSignIn(t, ctx, base, demoGeneral, f.passwords[demoGeneral.Email], "")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(base+"/profile"),
		chromedp.WaitVisible(chromedp.CSS(`#passkey_name`)),
		chromedp.SendKeys(chromedp.CSS(`#passkey_name`), "このブラウザー"),
		chromedp.SendKeys(chromedp.CSS(`#passkey_password`), f.passwords[demoGeneral.Email]),
		chromedp.Click(chromedp.CSS(`#passkey-new-submit`)),
		// The script shows the ceremony's button only where passkeys work.
		chromedp.WaitVisible(chromedp.CSS(`#passkey-create-submit`)),
	))
	screenshot(t, ctx, "passkey-create-ja")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#passkey-create-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#recovery-codes`)),
	))
	assert.Contains(t, text(t, ctx, "#profile-passkeys"), "このブラウザー")
	assert.Equal(t, "1", strings.TrimSpace(text(t, ctx, "#mfa-passkeys")))
	assert.Len(t, eval[[]string](t, ctx, `[...document.querySelectorAll('#recovery-codes li')].map(e => e.textContent)`),
		identity.RecoveryCodeCount, "the first second factor's recovery codes, shown once")
	screenshot(t, ctx, "passkey-registered-ja")

	// Signed out, the passkey alone signs in: the sign-in page's button.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`.signout button`)),
		chromedp.WaitVisible(chromedp.CSS(`#passkey-signin-submit`)),
	))
	screenshot(t, ctx, "signin-passkey-ja")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#passkey-signin-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#accounts`)),
	))
	assert.Contains(t, text(t, ctx, "#accounts"), "100000000001")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(base+"/profile"),
		chromedp.WaitVisible(chromedp.CSS(`#profile-passkeys`)),
	))
	assert.NotContains(t, text(t, ctx, "#profile-passkeys"), "未使用", "the passkey's last use is recorded")
}
