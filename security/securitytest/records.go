package securitytest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// getSettings returns the settings of orgID's account, canonical.
func getSettings(t *testing.T, s security.Store, orgID, accountID string) security.Settings {
	t.Helper()
	got, err := s.GetSettings(t.Context(), orgID, accountID)
	require.NoError(t, err, "settings of %q's %q", orgID, accountID)
	require.NotNil(t, got.Choices, "Choices is a map, empty when there is no choice")
	return canonSettings(got)
}

// putSettings stores st with the change that saves it.
func putSettings(t *testing.T, s security.Store, st security.Settings, by string) {
	t.Helper()
	require.NoError(t, s.PutSettings(t.Context(), st, Change(st, by)), "put settings of %q's %q at version %d", st.OrgID, st.AccountID, st.Version)
}

// changes returns every change of orgID's account, canonical.
func changes(t *testing.T, s security.Store, orgID, accountID string) []security.Change {
	t.Helper()
	return changesIn(t.Context(), t, s, orgID, accountID)
}

func changesIn(ctx context.Context, t *testing.T, s security.Store, orgID, accountID string) []security.Change {
	t.Helper()
	return canonChanges(storetest.All(t, func(p resellerkit.Page) ([]security.Change, string, error) {
		return s.ListChanges(ctx, orgID, accountID, p)
	}))
}

// changeBys returns who made each of cs, in order.
func changeBys(cs []security.Change) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.By)
	}
	return out
}

// createRun creates r.
func createRun(t *testing.T, s security.Store, r security.Run) {
	t.Helper()
	require.NoError(t, s.CreateRun(t.Context(), r), "create run %q", r.ID)
}

// getRun returns run id, canonical.
func getRun(t *testing.T, s security.Store, id string) security.Run {
	t.Helper()
	r, err := s.GetRun(t.Context(), id)
	require.NoError(t, err, "run %q", id)
	return canonRun(r)
}

// putItem stores it.
func putItem(t *testing.T, s security.Store, it security.Item) {
	t.Helper()
	require.NoError(t, s.PutItem(t.Context(), it), "put item %s/%s/%s/%q", it.RunID, it.AccountID, it.Control, it.Region)
}

// items returns ListItems(runID, orgID, accountID), canonical.
func items(t *testing.T, s security.Store, runID, orgID, accountID string) []security.Item {
	t.Helper()
	its, err := s.ListItems(t.Context(), runID, orgID, accountID)
	require.NoError(t, err, "ListItems(%q, %q, %q)", runID, orgID, accountID)
	return canonItems(its)
}

// itemKeys returns "account/control/region" of each of its, in order.
func itemKeys(its []security.Item) []string {
	var out []string
	for _, it := range its {
		out = append(out, fmt.Sprintf("%s/%s/%s", it.AccountID, it.Control, it.Region))
	}
	return out
}

// putAlert stores a, requiring the answer want.
func putAlert(t *testing.T, s security.Store, a security.Alert, want bool) {
	t.Helper()
	got, err := s.PutAlert(t.Context(), a)
	require.NoError(t, err, "put alert %q", a.ID)
	require.Equal(t, want, got, "put alert %q: stored", a.ID)
}

// alerts returns every alert of ListAlerts(orgID, accountID), canonical.
func alerts(t *testing.T, s security.Store, orgID, accountID string) []security.Alert {
	t.Helper()
	return alertsIn(t.Context(), t, s, orgID, accountID)
}

func alertsIn(ctx context.Context, t *testing.T, s security.Store, orgID, accountID string) []security.Alert {
	t.Helper()
	return canonAlerts(storetest.All(t, func(p resellerkit.Page) ([]security.Alert, string, error) {
		return s.ListAlerts(ctx, orgID, accountID, p)
	}))
}

// alertIDs returns the ids of as, in order.
func alertIDs(as []security.Alert) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.ID)
	}
	return out
}

// initialized reports Initialized(accountID, c, region).
func initialized(t *testing.T, s security.Store, accountID string, c security.ControlID, region string) bool {
	t.Helper()
	ok, err := s.Initialized(t.Context(), accountID, c, region)
	require.NoError(t, err, "Initialized(%q, %s, %q)", accountID, c, region)
	return ok
}

// The fixture every transaction and atomicity case starts from.
const (
	acct1 = "111111111111"
	acct2 = "222222222222"
	acct3 = "333333333333"
)

var (
	fixSettings1 = Settings("o1", acct1)
	fixSettings2 = func() security.Settings {
		st := Settings("o2", acct2)
		st.Profile, st.Choices = security.Basic, nil
		return st
	}()
	fixR1 = Finished(Run("r1", t0))
	fixR2 = Run("r2", t0.Add(24*time.Hour))
)

// The fixture's keys, which dump reads.
var (
	fixtureAccounts = [][2]string{{"o1", acct1}, {"o2", acct2}, {"o2", acct3}, {"o1", acct2}}
	fixtureRuns     = []string{"r1", "r2", "r3"}
	fixtureOrgs     = []string{"o1", "o2"}
	fixtureControls = []security.ControlID{security.EBSDefaultEncryption, security.S3PublicAccessBlock}
	fixtureRegions  = []string{"", "ap-northeast-1", "us-east-1"}
)

// seed stores the fixture: o1's account 1 settings at version 2 (two changes),
// o2's account 2 at version 1; run r1 finished with items of both accounts, r2
// running with one item of account 1; EBS encryption initialized in account 1's
// ap-northeast-1; an alert of each organization.
func seed(t *testing.T, s security.Store) {
	t.Helper()
	putSettings(t, s, fixSettings1, "user-1")
	v1 := fixSettings1
	v1.Version, v1.Profile = 1, security.Basic
	putSettings(t, s, v1, "user-2")
	putSettings(t, s, fixSettings2, "user-3")
	r1 := Run("r1", t0)
	createRun(t, s, r1)
	putItem(t, s, Item("r1", "o1", acct1, security.GuardDuty, "ap-northeast-1"))
	putItem(t, s, Item("r1", "o2", acct2, security.CloudTrail, ""))
	require.NoError(t, s.FinishRun(t.Context(), fixR1))
	createRun(t, s, fixR2)
	putItem(t, s, Item("r2", "o1", acct1, security.EBSDefaultEncryption, "us-east-1"))
	require.NoError(t, s.MarkInitialized(t.Context(), acct1, security.EBSDefaultEncryption, "ap-northeast-1", t0))
	putAlert(t, s, Alert("o1", acct1, "al1", t0), true)
	putAlert(t, s, Alert("o2", acct2, "al2", t0), true)
}

// dump returns everything the store holds of the fixture's organizations,
// accounts, runs, controls and regions, canonical, keyed by what it is.
func dump(t *testing.T, s security.Store) map[string]any {
	t.Helper()
	return dumpIn(t.Context(), t, s)
}

func dumpIn(ctx context.Context, t *testing.T, s security.Store) map[string]any {
	t.Helper()
	out := map[string]any{}
	for _, oa := range fixtureAccounts {
		k := oa[0] + "/" + oa[1]
		st, err := s.GetSettings(ctx, oa[0], oa[1])
		if err == nil {
			out["settings/"+k] = canonSettings(st)
		} else {
			errIs(t, err, security.ErrNotFound, "settings of %s", k)
		}
		if cs := changesIn(ctx, t, s, oa[0], oa[1]); len(cs) > 0 {
			out["changes/"+k] = cs
		}
		r, its, err := s.LastItems(ctx, oa[0], oa[1])
		if err == nil {
			out["last/"+k] = fmt.Sprintf("%s: %q", r.ID, itemKeys(its))
		} else {
			errIs(t, err, security.ErrNotFound, "last items of %s", k)
		}
		for _, c := range fixtureControls {
			for _, region := range fixtureRegions {
				ok, err := s.Initialized(ctx, oa[1], c, region)
				require.NoError(t, err)
				if ok {
					out[fmt.Sprintf("initialized/%s/%s/%s", oa[1], c, region)] = true
				}
			}
		}
	}
	for _, id := range fixtureRuns {
		r, err := s.GetRun(ctx, id)
		if err == nil {
			out["run/"+id] = canonRun(r)
		} else {
			errIs(t, err, security.ErrNotFound, "run %s", id)
		}
		its, err := s.ListItems(ctx, id, "", "")
		require.NoError(t, err)
		if len(its) > 0 {
			out["items/"+id] = canonItems(its)
		}
	}
	r, err := s.UnfinishedRun(ctx)
	if err == nil {
		out["unfinished"] = r.ID
	} else {
		errIs(t, err, security.ErrNotFound, "unfinished run")
	}
	for _, org := range fixtureOrgs {
		if as := alertsIn(ctx, t, s, org, ""); len(as) > 0 {
			out["alerts/"+org] = as
		}
	}
	return out
}
