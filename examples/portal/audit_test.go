package main

import (
	"encoding/base32"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/members"
)

// Tests from a cold audit of the portal's routes (tenant isolation, permissions,
// the MFA gate, same-origin writes and bad input).

// orgsOf returns the organizations whose projects the charges hold.
func orgsOf(c chargesJSON) map[string]bool {
	out := map[string]bool{}
	for _, p := range c.Projects {
		out[p.OrgID] = true
	}
	return out
}

// TestM6_OperatorChargesLeaveOutOrganizationsWhoseMFAGateTheOperatorFails checks
// GET /v1/operator/billing/charges against M-6: operators pass the EnforceMFA gate
// like everyone (members.Principal.Operator), so an operator signed in without MFA
// does not see the charges of an organization that enforces MFA, as
// ListOrganizations leaves it out; an operator signed in with MFA sees them.
func TestM6_OperatorChargesLeaveOutOrganizationsWhoseMFAGateTheOperatorFails(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		weak := members.Principal{IdentityID: demoOperator.IdentityID, Email: demoOperator.Email, Operator: true} // password only
		var c chargesJSON
		require.Equal(t, http.StatusOK, f.do("GET", "/v1/operator/billing/charges", f.token(weak), nil, &c))
		require.True(t, orgsOf(c)[f.orgID], "before EnforceMFA the demo organization's charges are listed")

		var org orgJSON
		require.Equal(t, http.StatusOK, f.do("GET", "/v1/orgs/"+f.orgID, f.token(demoPower), nil, &org))
		require.Equal(t, http.StatusOK, f.do("PATCH", "/v1/orgs/"+f.orgID, f.token(demoPower), map[string]any{"enforce_mfa": true, "version": org.Version}, &org))
		require.True(t, org.EnforceMFA)
		var e errorJSON
		require.Equal(t, http.StatusForbidden, f.do("GET", "/v1/orgs/"+f.orgID+"/charges", f.token(weak), nil, &e), "the organization's own endpoint denies")
		assert.Equal(t, "mfa_required", e.Error.Code)

		c = chargesJSON{}
		require.Equal(t, http.StatusOK, f.do("GET", "/v1/operator/billing/charges", f.token(weak), nil, &c))
		assert.False(t, orgsOf(c)[f.orgID], "an MFA-enforcing organization's charges to an operator without MFA (M-6)")

		// Signed in with MFA, the operator sees them again.
		code := f.enrollTOTP(demoOperator)
		var signed signedInJSON
		require.Equal(t, http.StatusCreated, f.do("POST", "/v1/sessions", "",
			map[string]string{"email": demoOperator.Email, "password": f.passwords[demoOperator.Email], "totp": code}, &signed))
		c = chargesJSON{}
		require.Equal(t, http.StatusOK, f.do("GET", "/v1/operator/billing/charges", signed.Token, nil, &c))
		assert.True(t, orgsOf(c)[f.orgID])
	})
}

// TestUI_ContactsFormsAnswer4xxOnInvalidInput checks the contacts edit and the
// bulk edit (C-1, C-3, M-10) as every other form of the UI answers: invalid
// input is the form again with the error next to the field and 400, a stale
// version 409, and nothing saved; not a 200 that tells a client (or a test, or an
// assistive tool following the status) that the post went through.
func TestUI_ContactsFormsAnswer4xxOnInvalidInput(t *testing.T) {
	f := newFixture(t, "memory")
	f.setDetailContacts(t)
	f.setContacts(t, "100000000002")
	one, two := f.storedContacts(t, "100000000001"), f.storedContacts(t, "100000000002")
	c := f.uiClient(t)
	_, _ = c.signIn(demoPower, "")
	edit := "/orgs/" + f.orgID + "/accounts/100000000001/contacts/edit"
	bulk := "/orgs/" + f.orgID + "/accounts/bulk"
	badAddress := contactsForm("1", "+81311112222")
	badAddress.Set("security_to", "not-an-address")
	for _, tc := range []struct {
		name, path string
		form       url.Values
		status     int
		field      string // the id of the error shown next to the field
	}{
		{"an invalid phone", edit, contactsForm("1", "12ab"), http.StatusBadRequest, `id="phone1-error"`},
		{"an invalid address", edit, badAddress, http.StatusBadRequest, `id="security_to-error"`},
		{"an unknown language", edit, func() url.Values { v := contactsForm("1", "+81311112222"); v.Set("language", "xx"); return v }(),
			http.StatusBadRequest, `aria-invalid="true"`},
		{"a stale version", edit, contactsForm("7", "+81311112222"), http.StatusConflict, `id="contacts-error"`},
		{"bulk: an invalid phone", bulk, url.Values{"account": {"100000000001", "100000000002"}, "phone1": {"nope"}},
			http.StatusBadRequest, `id="phone1-error"`},
		{"bulk: an unknown language", bulk, url.Values{"account": {"100000000001"}, "language": {"xx"}},
			http.StatusBadRequest, `aria-invalid="true"`},
		{"bulk: no account chosen", bulk, url.Values{"phone1": {"+81311112222"}}, http.StatusBadRequest, `id="bulk-error"`},
		{"bulk: nothing to set", bulk, url.Values{"account": {"100000000001"}}, http.StatusBadRequest, `id="bulk-error"`},
		{"bulk: an account never configured", bulk, url.Values{"account": {"100000000001", "100000000003"}, "phone1": {"+81311112222"}},
			http.StatusBadRequest, `id="bulk-error"`},
	} {
		resp, body := c.post(tc.path, tc.form)
		assert.Equal(t, tc.status, resp.StatusCode, tc.name)
		assert.Equal(t, tc.path, resp.Request.URL.Path, "%s: the form again", tc.name)
		assert.Contains(t, body, tc.field, tc.name)
		checkPage(t, resp, body)
		assert.Equal(t, one, f.storedContacts(t, "100000000001"), "%s: nothing saved", tc.name)
		assert.Equal(t, two, f.storedContacts(t, "100000000002"), "%s: nothing saved", tc.name)
	}
}

// TestI3_AFailedEnrollmentIs400NamingTheFieldNot401 checks the second-factor
// enrollments of a signed-in caller (I-3): a wrong authenticator-app code or a
// passkey ceremony that does not verify (a bad response, an unknown or used
// ticket) is invalid input, 400 "invalid" naming the field, with nothing enrolled.
// It is not 401 "unauthenticated" (with WWW-Authenticate and the sign-in failure's
// message), which tells a client its session is dead when it is not.
func TestI3_AFailedEnrollmentIs400NamingTheFieldNot401(t *testing.T) {
	f := newFixture(t, "memory")
	tok := f.token(demoGeneral) // password only: no factor yet
	password := f.passwords[demoGeneral.Email]

	var totp totpJSON
	require.Equal(t, http.StatusCreated, f.do("POST", "/v1/me/totp", tok, map[string]string{"password": password}, &totp))
	secret, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(totp.Secret)
	require.NoError(t, err)
	step := identity.TOTPStep(time.Now())
	valid := []string{identity.TOTPCode(secret, step-1), identity.TOTPCode(secret, step), identity.TOTPCode(secret, step+1)}
	wrong := "000000"
	for n := 1; slices.Contains(valid, wrong); n++ {
		wrong = identity.TOTPCode(secret, step+10*int64(n))
	}

	var reg passkeyChallengeJSON
	require.Equal(t, http.StatusCreated, f.do("POST", "/v1/me/passkeys/challenge", tok, map[string]string{"password": password}, &reg))
	for _, tc := range []struct {
		name, path string
		body       any
		field      string
	}{
		{"a wrong code", "/v1/me/totp/confirm", map[string]string{"code": wrong}, "code"},
		{"a response that does not verify", "/v1/me/passkeys", map[string]any{"ticket": reg.Ticket, "name": "laptop", "response": map[string]any{}}, "response"},
		{"the ticket again, used", "/v1/me/passkeys", map[string]any{"ticket": reg.Ticket, "name": "laptop", "response": map[string]any{}}, "response"},
		{"an unknown ticket", "/v1/me/passkeys", map[string]any{"ticket": "NOSUCHTICKET", "name": "laptop", "response": map[string]any{}}, "response"},
	} {
		var e errorJSON
		assert.Equal(t, http.StatusBadRequest, f.do("POST", tc.path, tok, tc.body, &e), tc.name)
		assert.Equal(t, "invalid", e.Error.Code, tc.name)
		assert.Equal(t, tc.field, e.Error.Field, tc.name)
	}
	var mfa mfaJSON
	require.Equal(t, http.StatusOK, f.do("GET", "/v1/me/mfa", tok, nil, &mfa), "the session is still valid")
	assert.Equal(t, mfaJSON{}, mfa, "nothing enrolled")

	// The right code still enrolls the app.
	var codes recoveryCodesJSON
	require.Equal(t, http.StatusOK, f.do("POST", "/v1/me/totp/confirm", tok, map[string]string{"code": valid[1]}, &codes))
	assert.Len(t, codes.RecoveryCodes, identity.RecoveryCodeCount)
}
