package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/security"
)

// securityPath is the path of the demo account's security settings.
func (f *fixture) securityPath(account string) string {
	return "/v1/orgs/" + f.orgID + "/accounts/" + account + "/security"
}

// control returns the control id of the answer's catalogue.
func control(t *testing.T, s securityJSON, id security.ControlID) controlJSON {
	t.Helper()
	for _, c := range s.Controls {
		if c.ID == string(id) {
			return c
		}
	}
	t.Fatalf("no control %s in the answer", id)
	return controlJSON{}
}

// TestS2_SecuritySettingsOverHTTP: an account's settings with the catalogue and
// the estimated monthly cost, read with account.view and saved with security.edit
// (S-2); a managed control cannot be turned off (S-1); a stale version is 409;
// another organization's accounts are not reachable (M-7).
func TestS2_SecuritySettingsOverHTTP(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		general, power := f.token(demoGeneral), f.token(demoPower)
		const acct = "100000000001"
		var s securityJSON
		require.Equal(t, http.StatusOK, f.do("GET", f.securityPath(acct), general, nil, &s))
		assert.Equal(t, f.orgID, s.OrgID)
		assert.Equal(t, acct, s.AccountID)
		assert.Equal(t, "basic", s.Profile, "the defaults until saved")
		assert.Zero(t, s.Version)
		assert.Empty(t, s.Choices)
		assert.Nil(t, s.UpdatedAt)
		assert.Equal(t, demoSecurityRegions, s.Regions)
		require.Len(t, s.Controls, len(security.Catalog()))
		ct := control(t, s, security.CloudTrail)
		assert.Equal(t, controlJSON{ID: "cloudtrail-multi-region", SecurityHub: []string{"CloudTrail.1", "CloudTrail.4"},
			TitleJA: ct.TitleJA, TitleEN: ct.TitleEN, Class: "managed", Remedy: "api", On: true, CostMin: "0.00", CostMax: "1.00"}, ct)
		gd := control(t, s, security.GuardDuty)
		assert.False(t, gd.On, "maintained: off in the basic profile")
		assert.True(t, gd.PerRegion)
		assert.Equal(t, "maintained", gd.Class)
		assert.Equal(t, []string{"2.00", "5.00"}, []string{gd.CostMin, gd.CostMax})
		assert.Equal(t, "report", control(t, s, security.RootMFA).Remedy)
		assert.Equal(t, estimateJSON{Currency: "USD", Min: "0.00", Max: "1.00", Regions: 2, Controls: s.Estimate.Controls}, s.Estimate)
		assert.Len(t, s.Estimate.Controls, 10, "the managed and initial controls")

		// The seeded secure account: $5–15 a month per region (S-2), and CloudTrail.
		require.Equal(t, http.StatusOK, f.do("GET", f.securityPath(securedDemoAccount), general, nil, &s))
		assert.Equal(t, "secure", s.Profile)
		assert.Equal(t, int64(1), s.Version)
		assert.Equal(t, demoPower.IdentityID, s.UpdatedBy)
		assert.NotNil(t, s.UpdatedAt)
		assert.True(t, control(t, s, security.GuardDuty).On)
		assert.Equal(t, []string{"10.00", "31.00"}, []string{s.Estimate.Min, s.Estimate.Max})

		// Saving needs security.edit, which the view-only general user lacks.
		var e errorJSON
		body := map[string]any{"profile": "secure", "choices": map[string]bool{"config-recording": false}, "version": 0}
		require.Equal(t, http.StatusForbidden, f.do("PUT", f.securityPath(acct), general, body, &e))
		assert.Equal(t, "permission_denied", e.Error.Code)
		assert.Contains(t, e.Error.Message, "security.edit")

		require.Equal(t, http.StatusOK, f.do("PUT", f.securityPath(acct), power, body, &s))
		assert.Equal(t, "secure", s.Profile)
		assert.Equal(t, int64(1), s.Version)
		assert.Equal(t, map[string]bool{"config-recording": false}, s.Choices)
		assert.False(t, control(t, s, security.ConfigRecording).On, "the choice overrides the profile")
		assert.True(t, control(t, s, security.SecurityHubFSBP).On)
		assert.Equal(t, []string{"6.00", "21.00"}, []string{s.Estimate.Min, s.Estimate.Max})

		// The same version again: someone saved meanwhile.
		require.Equal(t, http.StatusConflict, f.do("PUT", f.securityPath(acct), power, body, &e))
		assert.Equal(t, "conflict", e.Error.Code)

		// S-1: a managed control cannot be turned off; nothing is saved.
		off := map[string]any{"profile": "basic", "choices": map[string]bool{"cloudtrail-multi-region": false}, "version": 1}
		require.Equal(t, http.StatusUnprocessableEntity, f.do("PUT", f.securityPath(acct), power, off, &e))
		assert.Equal(t, "managed_control", e.Error.Code)
		assert.Equal(t, "choices.cloudtrail-multi-region", e.Error.Field)
		assert.Contains(t, e.Error.Message, "managed")
		off["profile"] = "gold" // and another problem joined with it: still the managed control's field
		require.Equal(t, http.StatusUnprocessableEntity, f.do("PUT", f.securityPath(acct), power, off, &e))
		assert.Equal(t, "choices.cloudtrail-multi-region", e.Error.Field)
		require.Equal(t, http.StatusOK, f.do("GET", f.securityPath(acct), general, nil, &s))
		assert.Equal(t, int64(1), s.Version)
		assert.Equal(t, "secure", s.Profile)

		// Bad input.
		require.Equal(t, http.StatusBadRequest, f.do("PUT", f.securityPath(acct), power,
			map[string]any{"profile": "gold", "version": 1}, &e))
		assert.Equal(t, "invalid", e.Error.Code)
		assert.Equal(t, "profile", e.Error.Field)
		require.Equal(t, http.StatusBadRequest, f.do("PUT", f.securityPath(acct), power,
			map[string]any{"profile": "basic", "choices": map[string]bool{"firewall": true}, "version": 1}, &e))
		assert.Equal(t, "choices.firewall", e.Error.Field)
		require.Equal(t, http.StatusBadRequest, f.do("PUT", f.securityPath(acct), power,
			map[string]any{"profile": "basic", "version": 1, "regions": []string{"us-west-2"}}, &e))
		assert.Equal(t, "bad_request", e.Error.Code)
		assert.Equal(t, "regions", e.Error.Field)

		// Changes, newest first.
		var changes pageJSON[changeJSON]
		require.Equal(t, http.StatusOK, f.do("GET", f.securityPath(acct)+"/changes", general, nil, &changes))
		require.Len(t, changes.Items, 1)
		c := changes.Items[0]
		assert.Equal(t, demoPower.IdentityID, c.By)
		assert.Equal(t, settingsJSON{Profile: "basic", Choices: map[string]bool{}}, c.Before)
		assert.Equal(t, "secure", c.After.Profile)
		assert.Equal(t, map[string]bool{"config-recording": false}, c.After.Choices)
		require.Equal(t, http.StatusOK, f.do("GET", f.securityPath(securedDemoAccount)+"/changes?limit=1", general, nil, &changes))
		require.Len(t, changes.Items, 1, "the seed's change")
		assert.Empty(t, changes.NextPageToken)
		require.Equal(t, http.StatusNotFound, f.do("GET", f.securityPath("999999999999")+"/changes", general, nil, &e))
		require.Equal(t, http.StatusNotFound, f.do("GET", f.securityPath("999999999999"), general, nil, &e))
		require.Equal(t, http.StatusNotFound, f.do("PUT", f.securityPath("999999999999"), power, body, &e))

		// M-7: another organization's power user.
		other := f.outsiderOrg()
		for _, path := range []string{f.securityPath(acct), f.securityPath(acct) + "/changes"} {
			require.Equal(t, http.StatusForbidden, f.do("GET", path, f.token(outsider), nil, &e), path)
		}
		require.Equal(t, http.StatusForbidden, f.do("PUT", f.securityPath(acct), f.token(outsider), body, &e))
		theirs := "/v1/orgs/" + other + "/accounts/" + acct + "/security"
		require.Equal(t, http.StatusNotFound, f.do("GET", theirs, f.token(outsider), nil, &e), "the demo's account is not theirs")
		require.Equal(t, http.StatusNotFound, f.do("PUT", theirs, f.token(outsider), body, &e))
		require.Equal(t, http.StatusNotFound, f.do("GET", theirs+"/changes", f.token(outsider), nil, &e))

		// M-5: without account.view.
		f.generalWithout("account.view")
		require.Equal(t, http.StatusForbidden, f.do("GET", f.securityPath(acct), general, nil, &e))
		assert.Contains(t, e.Error.Message, "account.view")
	})
}

// TestS3_DriftOverHTTP: the seeded maintenance run's items per account (S-3):
// drift repaired, compliant items left alone, controls off skipped, root MFA
// reported; a later run is the one shown.
func TestS3_DriftOverHTTP(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		general := f.token(demoGeneral)
		run := f.security.run
		assert.Equal(t, security.RunFinished, run.State)
		assert.Equal(t, 5*20, run.Items, "5 accounts × (6 global + 7 regional × 2 regions)")
		assert.Zero(t, run.Failed)

		items := func(acct string) (driftJSON, map[string]itemJSON) {
			t.Helper()
			var d driftJSON
			require.Equal(t, http.StatusOK, f.do("GET", f.securityPath(acct)+"/drift", general, nil, &d))
			byKey := map[string]itemJSON{}
			for _, it := range d.Items {
				byKey[it.Control+"/"+it.Region] = it
			}
			return d, byKey
		}
		d, got := items(securedDemoAccount)
		assert.Equal(t, securedDemoAccount, d.AccountID)
		assert.Equal(t, run.ID, d.Run.ID)
		assert.Equal(t, "finished", d.Run.State)
		assert.NotNil(t, d.Run.FinishedAt)
		assert.Equal(t, demoSecurityRegions, d.Run.Regions)
		require.Len(t, d.Items, 20)
		assert.Equal(t, driftTotals{Items: 20, Drifted: 20, Repaired: 19}, d.Totals, "a fresh account: all but root MFA repaired")
		gd := got["guardduty/us-east-1"]
		assert.True(t, gd.Desired, "the secure profile")
		assert.True(t, gd.Drift)
		assert.Equal(t, "repaired", gd.Action)
		assert.Contains(t, gd.Detail, "CreateDetector")
		mfa := got["root-mfa-no-access-keys/"]
		assert.Equal(t, "reported", mfa.Action, "report only")
		assert.Empty(t, mfa.Region, "a global control")

		_, got = items("100000000001")
		assert.Equal(t, "none", got["cloudtrail-multi-region/"].Action, "found compliant")
		assert.True(t, got["cloudtrail-multi-region/"].Compliant)
		assert.Equal(t, "skipped", got["guardduty/ap-northeast-1"].Action, "off in the basic profile")
		assert.False(t, got["guardduty/ap-northeast-1"].Desired)

		// A later run (examples/maintenance's, here on the demo's fleet) is the one shown.
		f.fleet.SetCompliant("100000000004", security.AccessAnalyzer, "us-east-1", false)
		f.fleet.SetUnreachable("100000000005", true)
		rep, err := f.sec.Maintain(context.Background(), []security.Target{
			{OrgID: f.orgID, AccountID: "100000000004"}, {OrgID: f.orgID, AccountID: "100000000005"}})
		require.NoError(t, err)
		d, got = items("100000000004")
		assert.Equal(t, rep.Run.ID, d.Run.ID)
		assert.Equal(t, driftTotals{Items: 20, Drifted: 2, Repaired: 1}, d.Totals, "the account's, not the run's")
		assert.Equal(t, 1, rep.Run.Repaired)
		assert.Equal(t, "repaired", got["iam-access-analyzer/us-east-1"].Action)
		assert.Equal(t, "none", got["iam-access-analyzer/ap-northeast-1"].Action)
		_, got = items("100000000005")
		assert.Equal(t, "failed", got["iam-access-analyzer/us-east-1"].Action)
		assert.Contains(t, got["iam-access-analyzer/us-east-1"].Error, "cannot assume the role")
		d, _ = items("100000000001")
		assert.Equal(t, run.ID, d.Run.ID, "the last run that reached the account")

		var e errorJSON
		require.Equal(t, http.StatusNotFound, f.do("GET", f.securityPath("999999999999")+"/drift", general, nil, &e))
		assert.Equal(t, "not_found", e.Error.Code)
		require.Equal(t, http.StatusForbidden, f.do("GET", f.securityPath("100000000001")+"/drift", f.token(outsider), nil, &e))
		other := f.outsiderOrg()
		require.Equal(t, http.StatusNotFound, f.do("GET", "/v1/orgs/"+other+"/accounts/100000000001/security/drift", f.token(outsider), nil, &e))

		// Seeding again does nothing: the run was seeded once.
		again, err := seedSecurity(context.Background(), f.sec, f.svc, f.fleet, f.b.state, f.orgID, time.Now())
		require.NoError(t, err)
		assert.Empty(t, again.run.ID)
	})
}

// TestS4_AlertsOverHTTP: findings routed by Service.Alert (examples/maintenance
// -alerts does it) are listed newest first to the organization's members with
// account.view, per account too; another organization sees none (M-7).
func TestS4_AlertsOverHTTP(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		general := f.token(demoGeneral)
		to := contacts.List{To: []string{"security@demo.example.com"}}
		for _, acct := range []string{"100000000001", "100000000004"} {
			_, err := f.notices.UpdateAccountContacts(ctx, demoPower, f.orgID, acct, contacts.Update{
				Recipients: contacts.Recipients{Billing: to, Technical: to, Security: to}, Language: contacts.Japanese,
				Phones: []string{"+81-3-1234-5678"}})
			require.NoError(t, err)
		}
		findings, err := security.ParseFindings(strings.NewReader(`{"Findings": [
			{"Id": "f-1", "AwsAccountId": "100000000001", "Region": "ap-northeast-1", "ProductName": "GuardDuty",
			 "Title": "EC2 instance communicating with a known bitcoin mining pool", "Types": ["TTPs/Impact"],
			 "CreatedAt": "2026-05-01T00:00:00Z", "Severity": {"Label": "HIGH", "Normalized": 80}},
			{"Id": "f-2", "AwsAccountId": "100000000004", "Title": "S3 bucket is public", "Severity": {"Label": "MEDIUM"}},
			{"Id": "f-3", "AwsAccountId": "100000000002", "Title": "no security recipients", "Severity": {"Label": "LOW"}},
			{"Id": "f-4", "AwsAccountId": "999999999999", "Title": "not an account of the reseller", "Severity": {"Label": "LOW"}}]}`))
		require.NoError(t, err)
		rep, err := f.sec.Alert(ctx, findings)
		require.NoError(t, err)
		require.Len(t, rep.New, 2)
		assert.Equal(t, 1, rep.Incidents)
		assert.Len(t, rep.Unrouted, 2)

		var list pageJSON[alertJSON]
		require.Equal(t, http.StatusOK, f.do("GET", "/v1/orgs/"+f.orgID+"/alerts", general, nil, &list))
		require.Len(t, list.Items, 2)
		byID := map[string]alertJSON{}
		for _, a := range list.Items {
			byID[a.ID] = a
			assert.Equal(t, f.orgID, a.OrgID)
			assert.NotEmpty(t, a.NoticeID, "notified to the security contacts")
		}
		f1 := byID["f-1"]
		assert.Equal(t, "100000000001", f1.AccountID)
		assert.Equal(t, "GuardDuty", f1.Product)
		assert.Equal(t, "HIGH", f1.Severity)
		assert.Equal(t, 80, f1.Score)
		assert.True(t, f1.Incident, "HIGH: the emergency phones are listed")
		assert.Equal(t, []string{"TTPs/Impact"}, f1.Types)
		assert.False(t, byID["f-2"].Incident)
		assert.Equal(t, []string{}, byID["f-2"].Types)

		require.Equal(t, http.StatusOK, f.do("GET", "/v1/orgs/"+f.orgID+"/alerts?account=100000000004", general, nil, &list))
		require.Len(t, list.Items, 1)
		assert.Equal(t, "f-2", list.Items[0].ID)
		require.Equal(t, http.StatusOK, f.do("GET", f.securityPath("100000000001")+"/alerts", general, nil, &list))
		require.Len(t, list.Items, 1, "the page an alert's notice links to")
		assert.Equal(t, "f-1", list.Items[0].ID)
		require.Equal(t, http.StatusOK, f.do("GET", "/v1/orgs/"+f.orgID+"/alerts?limit=1", general, nil, &list))
		require.Len(t, list.Items, 1)
		require.NotEmpty(t, list.NextPageToken)
		first := list.Items[0].ID
		require.Equal(t, http.StatusOK, f.do("GET", "/v1/orgs/"+f.orgID+"/alerts?limit=1&page_token="+list.NextPageToken, general, nil, &list))
		require.Len(t, list.Items, 1)
		assert.NotEqual(t, first, list.Items[0].ID)

		var e errorJSON
		require.Equal(t, http.StatusBadRequest, f.do("GET", "/v1/orgs/"+f.orgID+"/alerts?account=1&account=2", general, nil, &e))
		assert.Equal(t, "account", e.Error.Field)
		require.Equal(t, http.StatusBadRequest, f.do("GET", "/v1/orgs/"+f.orgID+"/alerts?page_token=zzz", general, nil, &e))

		// M-7: another organization's power user sees the demo's alerts nowhere.
		other := f.outsiderOrg()
		require.Equal(t, http.StatusForbidden, f.do("GET", "/v1/orgs/"+f.orgID+"/alerts", f.token(outsider), nil, &e))
		require.Equal(t, http.StatusOK, f.do("GET", "/v1/orgs/"+other+"/alerts?account=100000000001", f.token(outsider), nil, &list))
		assert.Empty(t, list.Items)

		// M-5: without account.view.
		f.generalWithout("account.view")
		require.Equal(t, http.StatusForbidden, f.do("GET", "/v1/orgs/"+f.orgID+"/alerts", general, nil, &e))
	})
}
