package main

import (
	"net/http"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// M-11 end to end on the simulated Organizations: a customer applies for a new
// account, an operator takes it into review and completes it, AWS creates the
// account, and it appears in the customer's accounts list; a closure application
// closes one; the operation's steps carry AWS's request ids.
func TestM11_ApplicationsCarriedOutOverHTTP(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		org := "/v1/orgs/" + f.orgID
		power, operator := f.token(demoPower), f.token(demoOperator)
		var projects pageJSON[projectJSON]
		require.Equal(t, http.StatusOK, f.do("GET", org+"/projects", power, nil, &projects))
		require.NotEmpty(t, projects.Items)
		project := projects.Items[0].ID

		accounts := func() []string {
			var page pageJSON[accountJSON]
			require.Equal(t, http.StatusOK, f.do("GET", org+"/accounts?limit=1000", power, nil, &page))
			var ids []string
			for _, a := range page.Items {
				ids = append(ids, a.ID)
			}
			return ids
		}
		before := accounts()

		var app applicationJSON
		require.Equal(t, http.StatusCreated, f.do("POST", org+"/applications", power,
			map[string]any{"kind": "new_account", "project_id": project, "details": "name: web-prod; profile: secure"}, &app))
		path := org + "/applications/" + app.ID
		require.Equal(t, http.StatusForbidden, f.do("POST", path+"/complete", power, nil, nil), "customers do not complete")
		require.Equal(t, http.StatusOK, f.do("POST", path+"/review", operator, nil, nil))
		var done applicationJSON
		require.Equal(t, http.StatusOK, f.do("POST", path+"/complete", operator, nil, &done))
		assert.Equal(t, "completed", done.State)
		require.NotNil(t, done.Operation)
		assert.Equal(t, "succeeded", done.Operation.State)
		require.Len(t, done.Operation.AWSAccountID, 12)
		require.NotEmpty(t, done.Operation.Steps)
		withID := 0
		for _, st := range done.Operation.Steps {
			if st.RequestID != "" {
				withID++
			}
		}
		assert.Positive(t, withID, "AWS's request ids are recorded: %+v", done.Operation.Steps)
		after := accounts()
		assert.Len(t, after, len(before)+1)
		assert.True(t, slices.Contains(after, done.Operation.AWSAccountID), "the new account is in the customer's list")

		// Completing it again changes nothing (no second account).
		var again applicationJSON
		code := f.do("POST", path+"/complete", operator, nil, &again)
		assert.Contains(t, []int{http.StatusOK, http.StatusBadRequest, http.StatusConflict}, code)
		assert.Len(t, accounts(), len(after))

		// A closure of the new account.
		var closure applicationJSON
		require.Equal(t, http.StatusCreated, f.do("POST", org+"/applications", power,
			map[string]any{"kind": "account_closure", "account_id": done.Operation.AWSAccountID}, &closure))
		cpath := org + "/applications/" + closure.ID
		require.Equal(t, http.StatusOK, f.do("POST", cpath+"/review", operator, nil, nil))
		var closed applicationJSON
		require.Equal(t, http.StatusOK, f.do("POST", cpath+"/complete", operator, nil, &closed))
		assert.Equal(t, "completed", closed.State)
		require.NotNil(t, closed.Operation)
		assert.Equal(t, "succeeded", closed.Operation.State)
		assert.Contains(t, f.logs.String(), "CloseAccount", "the simulated Organizations logs its calls")
	})
}

// M-11: completing an application completed already answers it as it is (a
// retried request after a lost answer must not fail or act twice).
func TestM11_CompleteIsIdempotent(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		org := "/v1/orgs/" + f.orgID
		power, operator := f.token(demoPower), f.token(demoOperator)
		var app applicationJSON
		require.Equal(t, http.StatusCreated, f.do("POST", org+"/applications", power, map[string]any{"kind": "owner_change", "account_id": "100000000001"}, &app))
		path := org + "/applications/" + app.ID
		require.Equal(t, http.StatusOK, f.do("POST", path+"/review", operator, nil, nil))
		var first, second applicationJSON
		require.Equal(t, http.StatusOK, f.do("POST", path+"/complete", operator, nil, &first))
		require.Equal(t, http.StatusOK, f.do("POST", path+"/complete", operator, nil, &second))
		assert.Equal(t, first, second)
		require.NotNil(t, first.Operation)
		assert.True(t, first.Operation.ContactsReview, "the new holder reviews the account's contacts")
		assert.NotEmpty(t, first.Operation.EffectiveMonth)
	})
}

// M-11: a transfer-in invites the account into the organization (the simulated
// owner accepts at once) and registers it under the application's project.
func TestM11_TransferInOverHTTP(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		org := "/v1/orgs/" + f.orgID
		power, operator := f.token(demoPower), f.token(demoOperator)
		var projects pageJSON[projectJSON]
		require.Equal(t, http.StatusOK, f.do("GET", org+"/projects", power, nil, &projects))
		var app applicationJSON
		require.Equal(t, http.StatusCreated, f.do("POST", org+"/applications", power,
			map[string]any{"kind": "account_transfer_in", "account_id": "555555555555", "project_id": projects.Items[0].ID}, &app))
		path := org + "/applications/" + app.ID
		require.Equal(t, http.StatusOK, f.do("POST", path+"/review", operator, nil, nil))
		var done applicationJSON
		require.Equal(t, http.StatusOK, f.do("POST", path+"/complete", operator, nil, &done))
		assert.Equal(t, "completed", done.State)
		require.NotNil(t, done.Operation)
		assert.NotEmpty(t, done.Operation.HandshakeID)
		var acct accountJSON
		require.Equal(t, http.StatusOK, f.do("GET", org+"/accounts/555555555555", power, nil, &acct), "registered when it joined")
	})
}
