// Tests of M-10, the bulk edit: one transaction, overwrite semantics, all or nothing,
// authorized inside the transaction, at most MaxBulkAccounts accounts.

package members_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/members/memstore"
)

// otherOrg adds an organization with one account, 999999999999, that alice also
// administers.
func (f *fixture) otherOrg(t *testing.T) members.Organization {
	t.Helper()
	other, err := f.svc.CreateOrganization(f.ctx, f.alice, members.NewOrganization{Code: "other", Name: "Other"})
	require.NoError(t, err)
	op, err := f.svc.CreateProject(f.ctx, f.alice, other.ID, project("Other"))
	require.NoError(t, err)
	_, err = f.svc.RegisterAccount(f.ctx, f.op, other.ID, members.NewAccount{ID: "999999999999", ProjectID: op.ID})
	require.NoError(t, err)
	return other
}

func TestM10_BulkEditIsAllOrNothing(t *testing.T) {
	f := newFixture(t)
	other := f.otherOrg(t)
	snapshot := func() [2][]members.Account {
		return [2][]members.Account{f.accounts(t, f.org.ID), f.accounts(t, other.ID)}
	}
	name, badName := "renamed", "bad\x00name"
	labels, badLabels := []string{"team-a", "prod"}, []string{"x", "x"}
	ok := members.AccountDetails{Name: &name, Labels: &labels}
	both := []string{f.acct1.ID, f.acct2.ID}

	cases := []struct {
		name  string
		p     members.Principal
		ids   []string
		edit  members.AccountDetails
		is    error
		field string
		rule  string
	}{
		{"account of another organization last", f.alice, []string{f.acct1.ID, f.acct2.ID, "999999999999"}, ok, members.ErrNotFound, "", ""},
		{"unknown account last", f.alice, []string{f.acct1.ID, f.acct2.ID, "123123123123"}, ok, members.ErrNotFound, "", ""},
		{"malformed id", f.alice, []string{f.acct1.ID, "12345"}, ok, members.ErrInvalid, "account_ids[1]", "M-3"},
		{"duplicate id", f.alice, []string{f.acct1.ID, f.acct1.ID}, ok, members.ErrInvalid, "account_ids[1]", "M-10"},
		{"empty list", f.alice, nil, ok, members.ErrInvalid, "account_ids", "M-10"},
		{"invalid name", f.alice, both, members.AccountDetails{Name: &badName}, members.ErrInvalid, "name", "M-10"},
		{"invalid labels", f.alice, both, members.AccountDetails{Labels: &badLabels}, members.ErrInvalid, "labels[1]", "M-10"},
		{"edit sets nothing", f.alice, both, members.AccountDetails{}, members.ErrInvalid, "edit", "M-10"},
		{"no permission", f.bob, both, ok, members.ErrPermissionDenied, "", ""},
		{"caller's other organization named", f.alice, []string{"999999999999"}, ok, members.ErrNotFound, "", ""},
	}
	before := snapshot()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.svc.BulkEditAccounts(f.ctx, c.p, f.org.ID, c.ids, c.edit)
			require.ErrorIs(t, err, c.is)
			if c.field != "" {
				requireValidation(t, err, c.field, c.rule)
			}
			assert.Equal(t, before, snapshot(), "nothing changed")
		})
	}

	got, err := f.svc.BulkEditAccounts(f.ctx, f.alice, f.org.ID, both, ok)
	require.NoError(t, err)
	require.Len(t, got, 2)
	for _, a := range got {
		assert.Equal(t, "renamed", a.Name)
		assert.Equal(t, labels, a.Labels, "overwritten, not merged")
		assert.Equal(t, int64(2), a.Version)
	}
	after := snapshot()
	assert.Equal(t, got, after[0])
	assert.Equal(t, before[1], after[1])

	again, err := f.svc.BulkEditAccounts(f.ctx, f.alice, f.org.ID, both, ok)
	require.NoError(t, err)
	assert.Equal(t, got, again, "an edit that changes nothing keeps the versions")

	// A general user with contacts.edit may bulk edit.
	_, err = f.svc.ChangeMember(f.ctx, f.alice, f.org.ID, f.bob.IdentityID, members.MemberGeneral,
		[]members.Permission{members.PermProjectView, members.PermAccountView, members.PermContactsEdit}, f.memberVersion(t, f.org.ID, f.bob.IdentityID))
	require.NoError(t, err)
	_, err = f.svc.BulkEditAccounts(f.ctx, f.bob, f.org.ID, both, members.AccountDetails{Labels: &[]string{}})
	require.NoError(t, err)
	err = f.svc.EditAccounts(f.ctx, f.bob, f.org.ID, both, members.PermSecurityEdit, func(context.Context, []members.Account) error { return nil })
	require.ErrorIs(t, err, members.ErrPermissionDenied, "bob holds contacts.edit, not security.edit")
}

// A package's own change (here: writes to members' store, then to the store of
// "another package", a second in-memory database) fails on one account: nothing of
// the batch is kept anywhere (M-10).
func TestM10_AnotherPackagesChangeCommitsWithTheBatchOrNotAtAll(t *testing.T) {
	f := newFixture(t)
	contacts := memstore.New() // stands for another package's in-memory store
	require.NoError(t, contacts.CreateOrganization(f.ctx, members.Organization{ID: "ledger", Code: "ledger", Name: "Ledger"}))
	rejected := errors.New("the address list of 222222222222 is invalid")
	change := func(failOn string) func(ctx context.Context, as []members.Account) error {
		return func(ctx context.Context, as []members.Account) error {
			for _, a := range as {
				if a.ID == failOn {
					return rejected
				}
				// members' own store, and the other package's store, in this transaction.
				a.Name = "changed"
				if err := f.store.UpdateAccount(ctx, a); err != nil {
					return err
				}
				if err := contacts.CreateProject(ctx, members.Project{ID: "recipients-" + a.ID, OrgID: "ledger", Name: a.ID}); err != nil {
					return err
				}
			}
			return nil
		}
	}
	otherProjects := func() []members.Project {
		return pages(t, func(p resellerkit.Page) ([]members.Project, string, error) {
			return contacts.ListProjects(f.ctx, "ledger", p)
		})
	}
	before := f.accounts(t, f.org.ID)
	err := f.svc.EditAccounts(f.ctx, f.alice, f.org.ID, []string{f.acct1.ID, f.acct2.ID}, members.PermContactsEdit, change(f.acct2.ID))
	require.ErrorIs(t, err, rejected)
	assert.Equal(t, before, f.accounts(t, f.org.ID), "members' writes rolled back")
	assert.Empty(t, otherProjects(), "the other store's writes rolled back with them")

	require.NoError(t, f.svc.EditAccounts(f.ctx, f.alice, f.org.ID, []string{f.acct1.ID, f.acct2.ID}, members.PermContactsEdit, change("")))
	assert.Len(t, otherProjects(), 2)
	for _, a := range f.accounts(t, f.org.ID) {
		assert.Equal(t, "changed", a.Name)
	}
}

// The acceptance case of the issue: a batch of MaxBulkAccounts accounts with one
// foreign account changes nothing; one account more is refused with a clear error.
func TestM10_ThousandAccountsWithOneForeignChangesNothing(t *testing.T) {
	f := newFixture(t)
	f.otherOrg(t)
	ids := []string{f.acct1.ID, f.acct2.ID}
	require.NoError(t, f.store.InTx(f.ctx, func(ctx context.Context) error {
		for i := len(ids); i < members.MaxBulkAccounts-1; i++ {
			id := fmt.Sprintf("5%011d", i)
			a := members.Account{ID: id, OrgID: f.org.ID, Ownership: []members.Ownership{{ProjectID: f.p1.ID, From: resellerkit.MonthOf(t0)}}}
			if err := f.store.CreateAccount(ctx, a); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	}))
	ids = append(ids, "999999999999") // the other organization's, last
	require.Len(t, ids, members.MaxBulkAccounts)
	name := "renamed"
	before := f.accounts(t, f.org.ID)
	_, err := f.svc.BulkEditAccounts(f.ctx, f.alice, f.org.ID, ids, members.AccountDetails{Name: &name})
	require.ErrorIs(t, err, members.ErrNotFound)
	assert.Contains(t, err.Error(), "account_ids[999]")
	assert.Equal(t, before, f.accounts(t, f.org.ID), "nothing changed")

	_, err = f.svc.BulkEditAccounts(f.ctx, f.alice, f.org.ID, append(ids[:len(ids)-1], "777777777777", "888888888888"), members.AccountDetails{Name: &name})
	ve := requireValidation(t, err, "account_ids", "M-10")
	assert.Equal(t, "1001 accounts", ve.Value)
	assert.Contains(t, ve.Reason, "at most 1000")

	got, err := f.svc.BulkEditAccounts(f.ctx, f.alice, f.org.ID, ids[:len(ids)-1], members.AccountDetails{Name: &name})
	require.NoError(t, err)
	assert.Len(t, got, members.MaxBulkAccounts-1)
}

// failingUpdates is a store whose UpdateAccount fails for one account: a failure at
// write time, after the accounts before it in the batch were written.
type failingUpdates struct {
	*memstore.Store
	failOn string
}

var errDiskFull = errors.New("disk full")

func (s failingUpdates) UpdateAccount(ctx context.Context, a members.Account) error {
	if a.ID == s.failOn {
		return errDiskFull
	}
	return s.Store.UpdateAccount(ctx, a)
}

// All or nothing also when the batch fails half way through its writes: the 500th
// account of 1,000 fails to be written, and the 499 written before it are rolled
// back with it (M-10).
func TestM10_FailureHalfWayThroughTheWritesChangesNothing(t *testing.T) {
	f := newFixture(t)
	ids := make([]string, 0, members.MaxBulkAccounts)
	require.NoError(t, f.store.InTx(f.ctx, func(ctx context.Context) error {
		for i := range members.MaxBulkAccounts {
			id := fmt.Sprintf("6%011d", i)
			a := members.Account{ID: id, OrgID: f.org.ID, Ownership: []members.Ownership{{ProjectID: f.p1.ID, From: resellerkit.MonthOf(t0)}}}
			if err := f.store.CreateAccount(ctx, a); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	}))
	svc := members.NewService(failingUpdates{Store: f.store, failOn: ids[499]}, members.WithClock(f.clock.now))
	before := f.accounts(t, f.org.ID)
	name := "renamed"
	_, err := svc.BulkEditAccounts(f.ctx, f.alice, f.org.ID, ids, members.AccountDetails{Name: &name})
	require.ErrorIs(t, err, errDiskFull)
	assert.Equal(t, before, f.accounts(t, f.org.ID), "the 499 accounts written before the failure were rolled back")
}
