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

// concurrencyCases can fail on a store that is not serializable. Their verdicts
// do not depend on timing: a store that runs transactions one at a time and one
// that runs them at once must both pass.
func concurrencyCases() []storeCase {
	return []storeCase{
		{"Store/ConcurrentUpdatesOfOneVersionOneWins", concurrentUpdatesOneWins},
		{"Store/NoLostUpdate", noLostUpdate},
		{"M-8/ConcurrentPendingInvitationsOneWins", concurrentPendingInvitationsOneWins},
		{"M-9/ConcurrentDemotionsNoWriteSkew", concurrentDemotionsNoWriteSkew},
	}
}

// concurrentUpdatesOneWins: two writers of the same version: exactly one succeeds
// and its write is stored, the other is ErrConflict.
func concurrentUpdatesOneWins(t *testing.T, s members.Store) {
	ctx := t.Context()
	base(t, s)
	stored, err := s.GetProject(ctx, "o1", "p0")
	must(t, err)
	errs := storetest.Concurrently(2, func(i int) error {
		p := stored.Clone()
		p.Name = fmt.Sprintf("writer %d", i)
		return s.UpdateProject(ctx, p)
	})
	winner := oneWinner(t, errs, members.ErrConflict)
	got, err := s.GetProject(ctx, "o1", "p0")
	must(t, err)
	assert.Equal(t, fmt.Sprintf("writer %d", winner), got.Name, "the winner's write is stored")
	assert.Equal(t, int64(2), got.Version)
}

// noLostUpdate: read-modify-write transactions that all read before any writes
// (as the Service's are), with no version check of their own: the store alone
// must make every committed increment count; the others fail with ErrConflict.
func noLostUpdate(t *testing.T, s members.Store) {
	ctx := t.Context()
	base(t, s)
	const writers = 4
	meet := storetest.NewBarrier(writers)
	errs := storetest.Concurrently(writers, func(int) error {
		return s.InTx(ctx, func(ctx context.Context) error {
			p, err := s.GetProject(ctx, "o1", "p0")
			if err != nil {
				return err
			}
			meet.Wait()
			var k int
			if _, err := fmt.Sscanf(p.Plan, "n=%d", &k); err != nil {
				k = 0
			}
			p.Plan = fmt.Sprintf("n=%d", k+1)
			return s.UpdateProject(ctx, p)
		})
	})
	n := storetest.Committed(t, errs, members.ErrConflict)
	require.Positive(t, n)
	got, err := s.GetProject(ctx, "o1", "p0")
	must(t, err)
	assert.Equal(t, fmt.Sprintf("n=%d", n), got.Plan, "a committed increment was lost")
	assert.Equal(t, int64(1+n), got.Version)
}

// concurrentPendingInvitationsOneWins: concurrent creators of a pending invitation
// of one address, alone or inside transactions: one wins, the others are
// ErrAlreadyExists, and one pending invitation remains (M-8).
func concurrentPendingInvitationsOneWins(t *testing.T, s members.Store) {
	ctx := t.Context()
	orgs(t, s, "o1")
	for run, inTx := range []bool{false, true, false, true} {
		email := fmt.Sprintf("run%d@example.com", run)
		errs := storetest.Concurrently(3, func(i int) error {
			inv := Invitation("o1", fmt.Sprintf("r%d-%d", run, i), email)
			if !inTx {
				return s.CreateInvitation(ctx, inv)
			}
			return s.InTx(ctx, func(ctx context.Context) error { return s.CreateInvitation(ctx, inv) })
		})
		oneWinner(t, errs, members.ErrAlreadyExists)
		byMail, _, err := s.ListInvitationsByEmail(ctx, email, resellerkit.Page{})
		must(t, err)
		assert.Len(t, byMail, 1, "run %d: one pending invitation", run)
	}
}

// concurrentDemotionsNoWriteSkew is the M-9 shape at the storage level: two
// transactions each count the power users (two), then each demotes a different one.
// Run one after the other, the second would see one power user left and stop; so
// the two never both commit, and one power user remains.
func concurrentDemotionsNoWriteSkew(t *testing.T, s members.Store) {
	ctx := t.Context()
	errLast := errors.New("last power user")
	for run := range 3 {
		org := fmt.Sprintf("o%d", run)
		orgs(t, s, org)
		for _, id := range []string{"alice", "bob"} {
			must(t, s.CreateMembership(ctx, PowerMember(org, id)))
		}
		meet := storetest.NewBarrier(2)
		victims := []string{"alice", "bob"}
		errs := storetest.Concurrently(2, func(i int) error {
			return s.InTx(ctx, func(ctx context.Context) error {
				n, err := powerUsers(ctx, s, org)
				if err != nil {
					return err
				}
				meet.Wait()
				if n < 2 {
					return errLast
				}
				m, err := s.GetMembership(ctx, org, victims[i])
				if err != nil {
					return err
				}
				m.Type, m.Permissions = members.MemberGeneral, []members.Permission{members.PermProjectView}
				return s.UpdateMembership(ctx, m)
			})
		})
		require.Equal(t, 1, storetest.Committed(t, errs, errLast, members.ErrConflict), "run %d: exactly one demotion commits: %v", run, errs)
		n, err := powerUsers(ctx, s, org)
		must(t, err)
		require.Equal(t, 1, n, "run %d", run)
	}
}

// powerUsers counts the power users of orgID.
func powerUsers(ctx context.Context, s members.Store, orgID string) (int, error) {
	ms, err := resellerkit.All(func(pg resellerkit.Page) ([]members.Membership, string, error) {
		return s.ListMemberships(ctx, orgID, pg)
	})
	n := 0
	for _, m := range ms {
		if m.Type == members.MemberPower {
			n++
		}
	}
	return n, err
}
