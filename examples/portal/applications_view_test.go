package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/members"
)

// TestM7_M11_CustomersSeeAnOperationsStateNotItsStepsOrFailure: an application's
// AWS operation is shown to its organization as its state, account and what it
// waits for; its steps (AWS request ids, runners) and a failure's reason (which
// may name another organization's registration of the account) are the desk's
// only, in the API and in the web UI.
func TestM7_M11_CustomersSeeAnOperationsStateNotItsStepsOrFailure(t *testing.T) {
	const secret = "account 123456789012 is registered to another organization"
	cases := []struct {
		name       string
		state      members.OperationState
		reason     string
		seeReason  bool // the customer sees the reason
		stepsShown int  // steps the customer sees
	}{
		{"failed", members.OpFailed, secret, false, 0},
		{"waiting", members.OpWaiting, "the invitation h-abc waits for the owner of the account", true, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, "memory")
			c := f.uiClient(t) // signed in before f.token sets up demoPower's authenticator app
			_, _ = c.signIn(demoPower, "")
			org := "/v1/orgs/" + f.orgID
			power, operator := f.token(demoPower), f.token(demoOperator)
			var projects pageJSON[projectJSON]
			require.Equal(t, http.StatusOK, f.do("GET", org+"/projects", power, nil, &projects))
			require.NotEmpty(t, projects.Items)
			var app applicationJSON
			require.Equal(t, http.StatusCreated, f.do("POST", org+"/applications", power,
				map[string]any{"kind": "account_transfer_in", "account_id": "123456789012", "project_id": projects.Items[0].ID}, &app))
			require.Equal(t, http.StatusOK, f.do("POST", org+"/applications/"+app.ID+"/review", operator, nil, nil))
			_, err := f.svc.UpdateOperation(context.Background(), demoOperator, f.orgID, app.ID,
				func(members.Application) (*members.Operation, error) {
					return &members.Operation{State: tc.state, Token: "t-1", Reason: tc.reason, HandshakeID: "h-abc",
						Steps: []members.OperationStep{{At: time.Now().UTC(), Action: "organizations:InviteAccountToOrganization",
							RequestID: "req-42", Outcome: tc.reason}}}, nil
				})
			require.NoError(t, err)

			var asOperator, asCustomer applicationJSON
			require.Equal(t, http.StatusOK, f.do("GET", org+"/applications/"+app.ID, operator, nil, &asOperator))
			require.NotNil(t, asOperator.Operation)
			assert.Equal(t, tc.reason, asOperator.Operation.Reason, "the desk sees why")
			assert.Len(t, asOperator.Operation.Steps, 1, "the desk sees the steps")

			require.Equal(t, http.StatusOK, f.do("GET", org+"/applications/"+app.ID, power, nil, &asCustomer))
			require.NotNil(t, asCustomer.Operation)
			assert.Equal(t, string(tc.state), asCustomer.Operation.State)
			assert.Equal(t, "h-abc", asCustomer.Operation.HandshakeID)
			assert.Len(t, asCustomer.Operation.Steps, tc.stepsShown)
			assert.Equal(t, tc.seeReason, asCustomer.Operation.Reason != "")

			var list pageJSON[applicationJSON]
			require.Equal(t, http.StatusOK, f.do("GET", org+"/applications", power, nil, &list))
			for _, a := range list.Items {
				if a.ID == app.ID {
					require.NotNil(t, a.Operation)
					assert.Empty(t, a.Operation.Steps, "the list shows no steps either")
					assert.Equal(t, tc.seeReason, a.Operation.Reason != "")
				}
			}

			_, body := c.get("/orgs/" + f.orgID + "/applications")
			require.Contains(t, body, app.ID, "the applications page lists it")
			assert.Equal(t, tc.seeReason, strings.Contains(body, tc.reason), "the applications page")
			assert.NotContains(t, body, "req-42")
		})
	}
}
