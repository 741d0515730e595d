package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/members/memberstest"
	"github.com/seeda33a2f4f/resellerkit/members/sqlstore"
)

// eachDialect runs fn with a fresh store on every available dialect.
func eachDialect(t *testing.T, fn func(t *testing.T, s *sqlstore.Store)) {
	sqldbtest.Run(t, func(t *testing.T, d sqldb.Dialect) {
		s, err := sqlstore.New(context.Background(), sqldbtest.Open(t, d))
		require.NoError(t, err)
		fn(t, s)
	})
}

// TestM9_ConcurrentDemotionsKeepOnePowerUser: two transactions each demote a
// different power user after checking that another power user remains. Each
// check alone is fine; together they would leave none (write skew). SQLite
// runs them one after the other and PostgreSQL's SERIALIZABLE aborts one, so
// exactly one demotion commits and the organization keeps a power user.
func TestM9_ConcurrentDemotionsKeepOnePowerUser(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		require.NoError(t, s.CreateOrganization(ctx, memberstest.Org("o1", "acme")))
		for _, id := range []string{"alice", "bob"} {
			m := memberstest.Member("o1", id)
			m.Type, m.Permissions = members.MemberPower, nil
			require.NoError(t, s.CreateMembership(ctx, m))
		}
		errLast := errors.New("last power user (M-9)")
		demote := func(id string) error {
			return s.InTx(ctx, func(tx members.Store) error {
				ms, err := tx.ListMemberships(ctx, "o1")
				if err != nil {
					return err
				}
				power := 0
				for _, m := range ms {
					if m.Type == members.MemberPower {
						power++
					}
				}
				if power < 2 {
					return errLast
				}
				m, err := tx.GetMembership(ctx, "o1", id)
				if err != nil {
					return err
				}
				m.Type, m.Permissions = members.MemberGeneral, []members.Permission{members.PermProjectView}
				return tx.UpdateMembership(ctx, m)
			})
		}
		for round := range 5 {
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, id := range []string{"alice", "bob"} {
				wg.Go(func() { errs[i] = demote(id) })
			}
			wg.Wait()
			ok := 0
			for _, err := range errs {
				if err == nil {
					ok++
				} else {
					require.True(t, errors.Is(err, errLast) || errors.Is(err, members.ErrConflict), "round %d: %v", round, err)
				}
			}
			assert.Equal(t, 1, ok, "round %d: exactly one demotion commits", round)
			ms, err := s.ListMemberships(ctx, "o1")
			require.NoError(t, err)
			power := 0
			for _, m := range ms {
				if m.Type == members.MemberPower {
					power++
				}
			}
			require.Equal(t, 1, power, "round %d: one power user remains", round)
			// Promote both back for the next round.
			for _, m := range ms {
				if m.Type != members.MemberPower {
					m.Type, m.Permissions = members.MemberPower, nil
					require.NoError(t, s.UpdateMembership(ctx, m))
				}
			}
		}
	})
}

// TestM7_RandomIDsNeverCrossOrganizations: with random organizations and ids,
// every org-scoped read returns only the named organization's rows and every
// org-scoped write naming another organization's id finds nothing (M-7).
func TestM7_RandomIDsNeverCrossOrganizations(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		rng := rand.New(rand.NewPCG(7, 11))
		orgs := []string{"org-a", "org-b", "org-c"}
		owner := map[string]string{} // project/account id → org
		for i, o := range orgs {
			require.NoError(t, s.CreateOrganization(ctx, memberstest.Org(o, fmt.Sprint("code", i))))
		}
		for i := range 30 {
			o := orgs[rng.IntN(len(orgs))]
			pid := fmt.Sprintf("p%02d", i)
			aid := fmt.Sprintf("%012d", rng.Int64N(1e12))
			if _, dup := owner[aid]; dup {
				continue
			}
			require.NoError(t, s.CreateProject(ctx, memberstest.Project(o, pid)))
			require.NoError(t, s.CreateAccount(ctx, memberstest.Account(o, aid, pid)))
			owner[pid], owner[aid] = o, o
		}
		for _, asked := range orgs {
			for id, real := range owner {
				p, perr := s.GetProject(ctx, asked, id)
				a, aerr := s.GetAccount(ctx, asked, id)
				if real != asked {
					require.ErrorIs(t, perr, members.ErrNotFound)
					require.ErrorIs(t, aerr, members.ErrNotFound)
					continue
				}
				if perr == nil {
					require.Equal(t, asked, p.OrgID)
				}
				if aerr == nil {
					require.Equal(t, asked, a.OrgID)
				}
			}
			ps, err := s.ListProjects(ctx, asked)
			require.NoError(t, err)
			for _, p := range ps {
				require.Equal(t, asked, p.OrgID)
			}
			as, err := s.ListAccounts(ctx, asked)
			require.NoError(t, err)
			for _, a := range as {
				require.Equal(t, asked, a.OrgID)
			}
		}
		// Writes through the wrong organization find nothing and change nothing.
		for id, real := range owner {
			for _, asked := range orgs {
				if asked == real {
					continue
				}
				p := memberstest.Project(asked, id)
				p.Name = "hijacked"
				require.ErrorIs(t, s.UpdateProject(ctx, p), members.ErrNotFound)
				a := memberstest.Account(asked, id, "x")
				a.Name = "hijacked"
				require.ErrorIs(t, s.UpdateAccount(ctx, a), members.ErrNotFound)
			}
		}
		for _, o := range orgs {
			ps, err := s.ListProjects(ctx, o)
			require.NoError(t, err)
			for _, p := range ps {
				require.NotEqual(t, "hijacked", p.Name)
			}
			as, err := s.ListAccounts(ctx, o)
			require.NoError(t, err)
			for _, a := range as {
				require.NotEqual(t, "hijacked", a.Name)
			}
		}
	})
}

// TestStore_ChildOfMissingOrganization: rows of an organization that does not
// exist are refused with ErrNotFound (foreign keys), never stored orphaned.
func TestStore_ChildOfMissingOrganization(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		require.ErrorIs(t, s.CreateProject(ctx, memberstest.Project("ghost", "p1")), members.ErrNotFound)
		require.ErrorIs(t, s.CreateAccount(ctx, memberstest.Account("ghost", "111111111111", "p1")), members.ErrNotFound)
		require.ErrorIs(t, s.CreateMembership(ctx, memberstest.Member("ghost", "bob")), members.ErrNotFound)
		require.ErrorIs(t, s.CreateInvitation(ctx, memberstest.Invitation("ghost", "i1", "x@example.com")), members.ErrNotFound)
		require.ErrorIs(t, s.CreateApplication(ctx, memberstest.Application("ghost", "a1")), members.ErrNotFound)
		_, err := s.FindAccount(ctx, "111111111111")
		require.ErrorIs(t, err, members.ErrNotFound, "the failed create left no row behind")
	})
}

// TestStore_TimesAndOrder: times come back in UTC at microsecond precision
// (truncated identically on both databases) and lists are in byte order of
// ids whatever the server's locale.
func TestStore_TimesAndOrder(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		jst := time.FixedZone("JST", 9*3600)
		at := time.Date(2025, 4, 1, 8, 59, 59, 999999999, jst) // still March in UTC
		o := memberstest.Org("o1", "acme")
		o.CreatedAt, o.UpdatedAt = at, time.Time{}
		require.NoError(t, s.CreateOrganization(ctx, o))
		got, err := s.GetOrganization(ctx, "o1")
		require.NoError(t, err)
		assert.Equal(t, time.Date(2025, 3, 31, 23, 59, 59, 999999000, time.UTC), got.CreatedAt)
		assert.True(t, got.UpdatedAt.IsZero(), "zero time ↔ NULL")

		for _, id := range []string{"b", "B", "_", "a", "A1", "Ä"} {
			require.NoError(t, s.CreateProject(ctx, memberstest.Project("o1", id)))
		}
		ps, err := s.ListProjects(ctx, "o1")
		require.NoError(t, err)
		var ids []string
		for _, p := range ps {
			ids = append(ids, p.ID)
		}
		assert.Equal(t, []string{"A1", "B", "_", "a", "b", "Ä"}, ids)
	})
}

// TestStore_ConflictKeepsDriverErrorOutOfText: a duplicate is ErrConflict; the
// driver error (with the constraint name) stays in the chain for errors.Is and
// logs, but the text shows only the domain message, never SQL internals.
func TestStore_ConflictKeepsDriverErrorOutOfText(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		require.NoError(t, s.CreateOrganization(ctx, memberstest.Org("o1", "acme")))
		err := s.CreateOrganization(ctx, memberstest.Org("o2", "acme"))
		require.ErrorIs(t, err, members.ErrConflict)
		assert.ErrorIs(t, err, sqldb.ErrUniqueViolation)
		assert.Regexp(t, `organizations(\.code|_code_key)`, sqldb.Constraint(err), "the constraint is still reachable")
		assert.Equal(t, `members: conflict: organization "o2": already exists`, err.Error())

		require.NoError(t, s.CreateProject(ctx, memberstest.Project("o1", "p1")))
		err = s.CreateProject(ctx, memberstest.Project("o1", "p1"))
		require.ErrorIs(t, err, members.ErrConflict)
		for _, leak := range []string{"constraint", "sqldb", "UNIQUE", "unique", "sqlite", "duplicate key", "projects"} {
			assert.NotContains(t, err.Error(), leak)
		}
	})
}

// TestOpen_ReopenKeepsDataAndMigratesOnce: the embedded default survives a
// restart, and concurrent or repeated migration is harmless.
func TestOpen_ReopenKeepsDataAndMigratesOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "members.db")
	var wg sync.WaitGroup
	stores := make([]*sqlstore.Store, 3)
	errs := make([]error, 3)
	for i := range stores {
		wg.Go(func() { stores[i], errs[i] = sqlstore.Open(ctx, path) })
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err)
		defer stores[i].Close()
	}
	require.NoError(t, stores[0].CreateOrganization(ctx, memberstest.Org("o1", "acme")))
	require.NoError(t, stores[0].Close())

	s, err := sqlstore.Open(ctx, path)
	require.NoError(t, err)
	defer s.Close()
	assert.Equal(t, sqldb.SQLite, s.Dialect())
	got, err := s.GetOrganization(ctx, "o1")
	require.NoError(t, err)
	assert.Equal(t, "acme", got.Code)

	db, err := sqldb.Open(ctx, path)
	require.NoError(t, err)
	defer db.Close()
	applied, err := db.AppliedMigrations(ctx, sqlstore.Component)
	require.NoError(t, err)
	assert.Equal(t, []int{1, 2}, applied)
}

func TestOpen_BadDSN(t *testing.T) {
	_, err := sqlstore.Open(context.Background(), filepath.Join(t.TempDir(), "missing", "dir", "x.db"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "sqlstore:")
}

// TestStore_CancelledIsNotConflict: a transaction whose caller went away is
// reported as context.Canceled, not as a lost race (ErrConflict).
func TestStore_CancelledIsNotConflict(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx, cancel := context.WithCancel(context.Background())
		err := s.InTx(ctx, func(members.Store) error {
			cancel()
			return sqldb.ErrSerialization
		})
		require.ErrorIs(t, err, context.Canceled)
		assert.NotErrorIs(t, err, members.ErrConflict)
	})
}
