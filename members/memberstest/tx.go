package memberstest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// txCases check the transactions that travel in the context (Store.InTx).
func txCases() []storeCase {
	return []storeCase{
		{"Store/InTxCommitsEverything", inTxCommitsEverything},
		{"Store/InTxReadsSeeItsUncommittedWrites", inTxReadsSeeItsUncommittedWrites},
		{"Store/InTxFailureKeepsNothing", inTxFailureKeepsNothing},
		{"Store/InTxCancelledContextWritesNothing", inTxCancelledContextWritesNothing},
		{"Store/NestedInTxJoinsTheTransaction", nestedInTxJoinsTheTransaction},
		{"Store/NestedInTxFailureUndoesOnlyItsWrites", nestedInTxFailureUndoesOnlyItsWrites},
		{"Store/FailedCallInTxChangesNothing", failedCallInTxChangesNothing},
	}
}

var errRollback = errors.New("memberstest: roll back")

func inTxCommitsEverything(t *testing.T, s members.Store) {
	ctx := t.Context()
	must(t, s.InTx(ctx, func(ctx context.Context) error {
		if err := s.CreateOrganization(ctx, Org("o1", "acme")); err != nil {
			return err
		}
		if err := s.CreateMembership(ctx, Member("o1", "alice")); err != nil {
			return err
		}
		if err := s.CreateProject(ctx, Project("o1", "p1")); err != nil {
			return err
		}
		return s.CreateAccount(ctx, Account("o1", "111111111111", "p1"))
	}))
	_, err := s.GetOrganization(ctx, "o1")
	must(t, err)
	_, err = s.GetMembership(ctx, "o1", "alice")
	must(t, err)
	got, err := s.GetAccount(ctx, "o1", "111111111111")
	must(t, err)
	same(t, Account("o1", "111111111111", "p1"), got)
}

// inTxReadsSeeItsUncommittedWrites: every read made with the transaction's
// context (gets and every list) sees its creates, updates and deletes; once it
// fails, none of them is kept.
func inTxReadsSeeItsUncommittedWrites(t *testing.T, s members.Store) {
	ctx := t.Context()
	base(t, s)
	must(t, s.CreateMembership(ctx, Member("o1", "gone")))
	before := dump(t, s)
	err := s.InTx(ctx, func(ctx context.Context) error {
		inv := Invitation("o2", "i1", "carol@example.com")
		inv.ExpiresAt = t0
		for _, err := range []error{
			s.CreateOrganization(ctx, Org("o2", "beta")),
			s.CreateProject(ctx, Project("o2", "q1")),
			s.CreateAccount(ctx, Account("o2", "222222222222", "q1")),
			s.CreateMembership(ctx, Member("o2", "carol")),
			s.CreateInvitation(ctx, inv),
			s.CreateApplication(ctx, Application("o2", "a1")),
			s.DeleteMembership(ctx, "o1", "gone", 1),
		} {
			require.NoError(t, err)
		}
		p, err := s.GetProject(ctx, "o1", "p0")
		require.NoError(t, err)
		p.Name = "renamed in the transaction"
		require.NoError(t, s.UpdateProject(ctx, p))

		o, err := s.GetOrganization(ctx, "o2")
		require.NoError(t, err)
		same(t, Org("o2", "beta"), o)
		p, err = s.GetProject(ctx, "o1", "p0")
		require.NoError(t, err)
		assert.Equal(t, "renamed in the transaction", p.Name)
		assert.Equal(t, int64(2), p.Version)
		a, err := s.FindAccount(ctx, "222222222222")
		require.NoError(t, err)
		same(t, Account("o2", "222222222222", "q1"), a)
		_, err = s.GetMembership(ctx, "o1", "gone")
		require.ErrorIs(t, err, members.ErrNotFound)
		got, err := s.GetInvitation(ctx, "o2", "i1")
		require.NoError(t, err)
		same(t, inv, got)
		_, err = s.GetApplication(ctx, "o2", "a1")
		require.NoError(t, err)

		want := map[string][]string{
			"ListOrganizations":              {"o1", "o2"},
			"ListProjects":                   {"q1"},
			"ListAccounts":                   {"222222222222"},
			"ListMemberships":                {"carol"},
			"ListMembershipsOfIdentity":      {"o2"},
			"ListInvitations":                {"i1"},
			"ListApplications":               {"a1"},
			"ListInvitationsByEmail":         {"i1"},
			"ListPendingInvitationsExpiring": {"i1"},
		}
		scope := map[string]string{"ListMembershipsOfIdentity": "carol", "ListInvitationsByEmail": "carol"}
		for _, l := range listers() {
			sc, ok := scope[l.Name]
			if !ok && l.Scoped() {
				sc = "o2"
			}
			rows := storetest.All(t, func(p resellerkit.Page) ([]storetest.Row, string, error) { return l.List(ctx, s, sc, p) })
			assert.Equal(t, want[l.Name], storetest.Keys(rows), l.Name)
		}
		return errRollback
	})
	require.ErrorIs(t, err, errRollback)
	require.Equal(t, before, dump(t, s), "nothing of the failed transaction is kept")
}

// inTxFailureKeepsNothing: when fn fails, whatever it wrote is undone and InTx
// returns fn's error unchanged.
func inTxFailureKeepsNothing(t *testing.T, s members.Store) {
	ctx := t.Context()
	base(t, s)
	must(t, s.CreateAccount(ctx, Account("o1", "111111111111", "p0")))
	must(t, s.CreateInvitation(ctx, Invitation("o1", "i1", "carol@example.com")))
	must(t, s.CreateMembership(ctx, Member("o1", "carol")))
	before := dump(t, s)
	renameAccount := func(ctx context.Context) error {
		a, err := s.GetAccount(ctx, "o1", "111111111111")
		if err != nil {
			return err
		}
		a.Name = "changed"
		return s.UpdateAccount(ctx, a)
	}
	wrapped := fmt.Errorf("wrapped: %w", errRollback)
	for _, c := range []struct {
		name string
		fn   func(ctx context.Context) error
		want error
	}{
		{"fn's own error after writes", func(ctx context.Context) error {
			if err := renameAccount(ctx); err != nil {
				return err
			}
			if err := s.CreateProject(ctx, Project("o1", "p9")); err != nil {
				return err
			}
			return wrapped
		}, errRollback},
		{"M-8: accepting an invitation whose membership exists", func(ctx context.Context) error {
			inv, err := s.GetInvitation(ctx, "o1", "i1")
			if err != nil {
				return err
			}
			inv.State, inv.AcceptedBy, inv.DecidedAt = members.InvitationAccepted, "carol", t0
			if err := s.UpdateInvitation(ctx, inv); err != nil {
				return err
			}
			return s.CreateMembership(ctx, Member("o1", "carol"))
		}, members.ErrAlreadyExists},
		{"M-10: a batch with one stale account", func(ctx context.Context) error {
			if err := renameAccount(ctx); err != nil {
				return err
			}
			return s.UpdateAccount(ctx, Account("o1", "111111111111", "p0")) // version 1 again: stale
		}, members.ErrConflict},
		{"M-1: a new organization, then a taken code", func(ctx context.Context) error {
			if err := s.CreateOrganization(ctx, Org("o2", "beta")); err != nil {
				return err
			}
			return s.CreateOrganization(ctx, Org("o3", "beta"))
		}, members.ErrAlreadyExists},
	} {
		err := s.InTx(ctx, c.fn)
		require.ErrorIs(t, err, c.want, c.name)
		if c.want == errRollback {
			assert.Same(t, wrapped, err, "InTx returns fn's error unchanged")
		}
		require.Equal(t, before, dump(t, s), c.name)
	}
}

func inTxCancelledContextWritesNothing(t *testing.T, s members.Store) {
	orgs(t, s, "o1")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := s.InTx(ctx, func(ctx context.Context) error { return s.CreateProject(ctx, Project("o1", "p1")) })
	require.ErrorIs(t, err, context.Canceled)
	assert.NotErrorIs(t, err, members.ErrConflict, "a caller that gave up did not lose a race")
	_, err = s.GetProject(t.Context(), "o1", "p1")
	require.ErrorIs(t, err, members.ErrNotFound, "a cancelled transaction writes nothing")
}

// nestedInTxJoinsTheTransaction: an InTx inside another is part of it: what it
// wrote is seen by the outer one, commits with it and is undone with it.
func nestedInTxJoinsTheTransaction(t *testing.T, s members.Store) {
	ctx := t.Context()
	orgs(t, s, "o1")
	err := s.InTx(ctx, func(ctx context.Context) error {
		require.NoError(t, s.InTx(ctx, func(ctx context.Context) error { return s.CreateProject(ctx, Project("o1", "p1")) }))
		_, err := s.GetProject(ctx, "o1", "p1")
		require.NoError(t, err, "the outer transaction sees the inner one's write")
		return errRollback
	})
	require.ErrorIs(t, err, errRollback)
	_, err = s.GetProject(ctx, "o1", "p1")
	require.ErrorIs(t, err, members.ErrNotFound, "the inner write did not commit on its own")

	must(t, s.InTx(ctx, func(ctx context.Context) error {
		return s.InTx(ctx, func(ctx context.Context) error { return s.CreateProject(ctx, Project("o1", "p1")) })
	}))
	_, err = s.GetProject(ctx, "o1", "p1")
	must(t, err)
}

// nestedInTxFailureUndoesOnlyItsWrites: an InTx inside another whose fn fails undoes
// its own writes (creates, updates, deletes, at any depth) and hands back its
// error; the outer transaction goes on, sees its own writes intact and commits
// them.
func nestedInTxFailureUndoesOnlyItsWrites(t *testing.T, s members.Store) {
	ctx := t.Context()
	base(t, s)
	must(t, s.CreateMembership(ctx, Member("o1", "bob")))
	inner := fmt.Errorf("inner: %w", errRollback)
	must(t, s.InTx(ctx, func(ctx context.Context) error {
		p, err := s.GetProject(ctx, "o1", "p0")
		require.NoError(t, err)
		p.Name = "outer"
		require.NoError(t, s.UpdateProject(ctx, p))
		require.NoError(t, s.CreateProject(ctx, Project("o1", "p1")))

		err = s.InTx(ctx, func(ctx context.Context) error {
			require.NoError(t, s.CreateProject(ctx, Project("o1", "p2")))
			require.NoError(t, s.InTx(ctx, func(ctx context.Context) error {
				return s.CreateProject(ctx, Project("o1", "p3")) // depth 2, succeeds
			}))
			p, err := s.GetProject(ctx, "o1", "p0")
			require.NoError(t, err)
			p.Name = "inner"
			require.NoError(t, s.UpdateProject(ctx, p))
			require.NoError(t, s.DeleteMembership(ctx, "o1", "bob", 1))
			return inner
		})
		assert.Same(t, inner, err, "the inner InTx returns its fn's error unchanged")

		p, err = s.GetProject(ctx, "o1", "p0")
		require.NoError(t, err)
		assert.Equal(t, "outer", p.Name, "the outer update stands, the inner one is undone")
		assert.Equal(t, int64(2), p.Version)
		for _, id := range []string{"p2", "p3"} {
			_, err = s.GetProject(ctx, "o1", id)
			require.ErrorIs(t, err, members.ErrNotFound, "%s was written by the failed InTx", id)
		}
		_, err = s.GetMembership(ctx, "o1", "bob")
		require.NoError(t, err, "the inner delete is undone")

		err = s.InTx(ctx, func(ctx context.Context) error { // depth 2 fails, depth 1 goes on
			require.NoError(t, s.CreateProject(ctx, Project("o1", "p4")))
			require.ErrorIs(t, s.InTx(ctx, func(ctx context.Context) error {
				require.NoError(t, s.CreateProject(ctx, Project("o1", "p5")))
				return errRollback
			}), errRollback)
			return nil
		})
		require.NoError(t, err)
		return s.CreateProject(ctx, Project("o1", "p6")) // the outer transaction is still usable
	}))
	assert.Equal(t, []string{"p-next", "p0", "p1", "p4", "p6"}, listed(t, s, lists("ListProjects"), "o1"))
	p, err := s.GetProject(ctx, "o1", "p0")
	must(t, err)
	assert.Equal(t, "outer", p.Name)
	_, err = s.GetMembership(ctx, "o1", "bob")
	must(t, err)
}

// failedCallInTxChangesNothing: every call that fails inside a transaction changes
// nothing, even when the caller handles the error and commits: for every record
// type a duplicate create, a stale and a missing update and a create in a missing
// organization, and the special rules (M-1 codes, M-3 owners and account ids, M-8
// pending invitations, M-9 deletes). The transaction stays usable: a write after
// the failures commits.
func failedCallInTxChangesNothing(t *testing.T, s members.Store) {
	ctx := t.Context()
	base(t, s)
	orgs(t, s, "o2")
	must(t, s.CreateProject(ctx, Project("o2", "q1")))
	for _, k := range kinds() {
		must(t, k.createOne(ctx, s, "f1"))
	}
	before := dump(t, s)
	must(t, s.InTx(ctx, func(ctx context.Context) error {
		var calls []failure
		for _, k := range kinds() {
			calls = append(calls, k.failingCalls(ctx, s, "f1")...)
		}
		foreignOwner := Account("o1", "f1", "q1")
		calls = append(calls,
			failure{"M-1: a taken code", s.CreateOrganization(ctx, Org("o9", "code-o1")), members.ErrAlreadyExists},
			failure{"M-3: create owned by another organization's project", s.CreateAccount(ctx, Account("o1", "a9", "q1")), members.ErrNotFound},
			failure{"M-3: update owned by another organization's project", s.UpdateAccount(ctx, foreignOwner), members.ErrNotFound},
			failure{"M-3: an account id of another organization", s.CreateAccount(ctx, Account("o2", "f1", "q1")), members.ErrAlreadyExists},
			failure{"M-8: a second pending invitation", s.CreateInvitation(ctx, Invitation("o1", "i9", mail("f1"))), members.ErrAlreadyExists},
			failure{"M-9: delete of a stale version", s.DeleteMembership(ctx, "o1", "f1", 9), members.ErrConflict},
			failure{"M-9: delete of a missing membership", s.DeleteMembership(ctx, "o1", "missing", 1), members.ErrNotFound},
		)
		for _, c := range calls {
			assert.ErrorIs(t, c.err, c.want, c.name)
		}
		return s.CreateProject(ctx, Project("o1", "after"))
	}))
	after := dump(t, s)
	_, err := s.GetProject(ctx, "o1", "after")
	require.NoError(t, err, "the transaction committed what came after the failures")
	delete(after, "o1/projects")
	delete(before, "o1/projects")
	require.Equal(t, before, after, "no failed call left a trace")
	assert.Equal(t, []string{"after", "f1", "p-next", "p0"}, listed(t, s, lists("ListProjects"), "o1"))
}
