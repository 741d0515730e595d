package members_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
)

// M-3, M-11, issue 14: BilledProjectsOf gives, for each organization, exactly
// BilledProjects' projects of that organization (same accounts, same order), in
// the months before, of and after an account's move and another's closure; an
// organization owning nothing gets none; an unknown one is ErrNotFound and an
// empty id is refused (M-7: the store would read every organization's accounts).
func TestM3_BilledProjectsOfIsBilledProjectsOfTheOrganization(t *testing.T) {
	f := newFixture(t)
	march := resellerkit.NewMonth(2025, time.March)
	carol := members.Principal{IdentityID: "carol", Email: "carol@beta.example", MFA: true}
	beta, err := f.svc.CreateOrganization(f.ctx, carol, members.NewOrganization{Code: "beta", Name: "Beta G.K."})
	require.NoError(t, err)
	bp, err := f.svc.CreateProject(f.ctx, carol, beta.ID, project("Beta"))
	require.NoError(t, err)
	for _, id := range []string{"999999999999", "000000000333"} {
		_, err = f.svc.RegisterAccount(f.ctx, f.op, beta.ID, members.NewAccount{ID: id, ProjectID: bp.ID})
		require.NoError(t, err)
	}
	empty, err := f.svc.CreateOrganization(f.ctx, carol, members.NewOrganization{Code: "empty", Name: "Empty"})
	require.NoError(t, err)

	// In April acme moves an account to its other project and closes the other.
	f.clock.set(time.Date(2025, time.April, 10, 0, 0, 0, 0, time.UTC))
	_, err = f.svc.MoveAccount(f.ctx, f.alice, f.org.ID, f.acct1.ID, f.p2.ID, f.accountVersion(t, f.org.ID, f.acct1.ID))
	require.NoError(t, err)
	app, err := f.svc.SubmitApplication(f.ctx, f.alice, f.org.ID, members.NewApplication{Kind: members.AppAccountClosure, AccountID: f.acct2.ID})
	require.NoError(t, err)
	_, err = f.svc.ReviewApplication(f.ctx, f.op, f.org.ID, app.ID)
	require.NoError(t, err)
	_, err = f.svc.CompleteApplication(f.ctx, f.op, f.org.ID, app.ID)
	require.NoError(t, err)

	for _, m := range []resellerkit.Month{march.AddMonths(-1), march, march.Next(), march.AddMonths(2)} {
		all, err := f.svc.BilledProjects(f.ctx, m)
		require.NoError(t, err)
		for _, orgID := range []string{f.org.ID, beta.ID, empty.ID} {
			got, err := f.svc.BilledProjectsOf(f.ctx, orgID, m)
			require.NoError(t, err, "%s in %s", orgID, m)
			want := slices.DeleteFunc(slices.Clone(all), func(b members.BilledProject) bool { return b.Project.OrgID != orgID })
			if len(want) == 0 {
				assert.Empty(t, got, "%s in %s", orgID, m)
				continue
			}
			assert.Equal(t, want, got, "%s in %s", orgID, m)
		}
	}
	got, err := f.svc.BilledProjectsOf(f.ctx, f.org.ID, march.AddMonths(2))
	require.NoError(t, err)
	require.Len(t, got, 1, "May: only the project the account moved to; the closed account is billed no more")
	assert.Equal(t, []string{f.acct1.ID}, got[0].Accounts)

	_, err = f.svc.BilledProjectsOf(f.ctx, "no-such-org", march)
	assert.ErrorIs(t, err, members.ErrNotFound)
	_, err = f.svc.BilledProjectsOf(f.ctx, "", march)
	assert.ErrorIs(t, err, members.ErrInvalid)
}
