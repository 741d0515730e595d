package main

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
