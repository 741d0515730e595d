package main

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBrowser_PasskeyFailureIsAnnounced: when the passkey sign-in fails in the
// browser (here its challenge cannot be fetched), the script shows the error,
// an alert (announced by screen readers), and describes the button by it.
func TestBrowser_PasskeyFailureIsAnnounced(t *testing.T) {
	ctx := newPasskeyBrowser(t)
	f := newFixture(t, "memory")
	base := f.passkeyPortal(t)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(base+"/signin"),
		chromedp.WaitVisible(chromedp.CSS(`#passkey-signin-submit`)),
	))
	assert.Empty(t, eval[string](t, ctx, `document.querySelector('#passkey-signin-submit').getAttribute('aria-describedby') || ''`))
	// The challenge's address answers 404: the ceremony fails before any authenticator.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#passkey-signin').dataset.optionsUrl = '/v1/no-such-challenges'; void 0`),
		chromedp.Click(chromedp.CSS(`#passkey-signin-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#passkey-error`)),
	))
	assert.Equal(t, "alert", eval[string](t, ctx, `document.querySelector('#passkey-error').getAttribute('role')`))
	assert.Equal(t, "passkey-error", eval[string](t, ctx, `document.querySelector('#passkey-signin-submit').getAttribute('aria-describedby')`))
	assert.Contains(t, text(t, ctx, "#passkey-error"), "パスキーで確認できませんでした")
}
