// Tests of the behaviour every later package copies: updates that change nothing
// write nothing, lists page by keyset, and Service calls join a transaction the
// caller holds.

package members_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
)

// An update whose values are already stored writes nothing: the version stays, so a
// client's copy stays current (M-1, M-2, M-3, M-4).
func TestM2_UpdateThatChangesNothingKeepsTheVersion(t *testing.T) {
	f := newFixture(t)
	alias := f.org.Alias
	org, err := f.svc.UpdateOrganization(f.ctx, f.alice, f.org.ID, members.OrganizationUpdate{Alias: &alias, Version: f.org.Version})
	require.NoError(t, err)
	assert.Equal(t, f.org, org)

	p, err := f.svc.UpdateProject(f.ctx, f.alice, f.org.ID, f.p1)
	require.NoError(t, err)
	assert.Equal(t, f.p1, p)

	m := f.memberVersion(t, f.org.ID, f.bob.IdentityID)
	got, err := f.svc.ChangeMember(f.ctx, f.alice, f.org.ID, f.bob.IdentityID, members.MemberGeneral,
		[]members.Permission{members.PermAccountView, members.PermProjectView}, m)
	require.NoError(t, err)
	assert.Equal(t, m, got.Version)

	a, err := f.svc.MoveAccount(f.ctx, f.alice, f.org.ID, f.acct1.ID, f.p1.ID, f.acct1.Version) // already p1's
	require.NoError(t, err)
	assert.Equal(t, f.acct1, a)

	// A real change still bumps it, and the stale copy then conflicts.
	alias = "ACME"
	org, err = f.svc.UpdateOrganization(f.ctx, f.alice, f.org.ID, members.OrganizationUpdate{Alias: &alias, Version: f.org.Version})
	require.NoError(t, err)
	assert.Equal(t, f.org.Version+1, org.Version)
	_, err = f.svc.UpdateOrganization(f.ctx, f.alice, f.org.ID, members.OrganizationUpdate{Alias: &alias, Version: f.org.Version})
	require.ErrorIs(t, err, members.ErrConflict, "even a no-op needs the current version")
}

// Service lists page through everything in order, never past the maximum page
// size, and reject a token no list returned.
func TestServiceListsPage(t *testing.T) {
	f := newFixture(t)
	var want []string
	for i := range 7 {
		p, err := f.svc.CreateProject(f.ctx, f.alice, f.org.ID, project(fmt.Sprintf("P%d", i)))
		require.NoError(t, err)
		want = append(want, p.ID)
	}
	want = append(want, f.p1.ID, f.p2.ID)
	all := pages(t, func(pg resellerkit.Page) ([]members.Project, string, error) {
		pg.Limit = 2
		return f.svc.ListProjects(f.ctx, f.bob, f.org.ID, pg)
	})
	var got []string
	for _, p := range all {
		got = append(got, p.ID)
	}
	assert.ElementsMatch(t, want, got)
	assert.IsIncreasing(t, got, "byte order of ids")

	_, _, err := f.svc.ListProjects(f.ctx, f.bob, f.org.ID, resellerkit.Page{Token: "%%%"})
	requireValidation(t, err, "page_token", "")
	_, _, err = f.svc.ListProjects(f.ctx, f.bob, "no-such-org", resellerkit.Page{Token: "%%%"})
	require.ErrorIs(t, err, members.ErrInvalid, "input is checked before anything is read")
}

// A Service call made with the context of a transaction the caller holds joins it:
// the caller's later failure rolls the Service's write back too. This is how a
// program commits a members change and, say, the notice it causes as one.
func TestServiceCallsJoinTheCallersTransaction(t *testing.T) {
	f := newFixture(t)
	boom := errors.New("the notice could not be recorded")
	err := f.store.InTx(f.ctx, func(ctx context.Context) error {
		if _, err := f.svc.CreateProject(ctx, f.alice, f.org.ID, project("Joined")); err != nil {
			return err
		}
		return boom
	})
	require.ErrorIs(t, err, boom)
	ps, _, err := f.svc.ListProjects(f.ctx, f.alice, f.org.ID, resellerkit.Page{})
	require.NoError(t, err)
	assert.Len(t, ps, 2, "the project was rolled back with the caller's transaction")

	// A Service failure inside the caller's transaction undoes only its own writes.
	require.NoError(t, f.store.InTx(f.ctx, func(ctx context.Context) error {
		if _, err := f.svc.CreateProject(ctx, f.alice, f.org.ID, project("Kept")); err != nil {
			return err
		}
		_, err := f.svc.CreateOrganization(ctx, f.bob, members.NewOrganization{Code: "acme", Name: "Taken"})
		require.ErrorIs(t, err, members.ErrAlreadyExists)
		return nil
	}))
	ps, _, err = f.svc.ListProjects(f.ctx, f.alice, f.org.ID, resellerkit.Page{})
	require.NoError(t, err)
	assert.Len(t, ps, 3)
}

// A huge id is never echoed whole: not by validation, not by a not-found error
// naming what was looked up (a 900 KB name once reached an error body and the log).
func TestM7_ErrorsEchoBoundedValues(t *testing.T) {
	f := newFixture(t)
	huge := strings.Repeat("x", 900_000)
	calls := map[string]func() error{
		"RegisterAccount": func() error {
			_, err := f.svc.RegisterAccount(f.ctx, f.op, f.org.ID, members.NewAccount{ID: "333333333333", ProjectID: huge})
			return err
		},
		"MoveAccount": func() error {
			_, err := f.svc.MoveAccount(f.ctx, f.alice, f.org.ID, f.acct1.ID, huge, f.acct1.Version)
			return err
		},
		"SubmitApplication": func() error {
			_, err := f.svc.SubmitApplication(f.ctx, f.alice, f.org.ID, members.NewApplication{Kind: members.AppNewAccount, ProjectID: huge})
			return err
		},
		"GetProject": func() error { _, err := f.svc.GetProject(f.ctx, f.alice, f.org.ID, huge); return err },
		"CreateProject": func() error {
			p := project(huge)
			_, err := f.svc.CreateProject(f.ctx, f.alice, f.org.ID, p)
			return err
		},
		"RejectInvitation": func() error { _, err := f.svc.RejectInvitation(f.ctx, f.bob, f.org.ID, huge); return err },
	}
	for name, call := range calls {
		err := call()
		require.Error(t, err, name)
		assert.Less(t, len(err.Error()), 1000, name)
	}
}
