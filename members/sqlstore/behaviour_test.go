package sqlstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/members/memberstest"
	"github.com/seeda33a2f4f/resellerkit/members/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
)

// What the conformance suite proves for every store is not repeated here: these
// tests cover what only SQL has (driver errors, migrations, files, retries) and a
// randomized M-7 check.

// eachDialect runs fn with a fresh store on every available dialect.
func eachDialect(t *testing.T, fn func(t *testing.T, s *sqlstore.Store)) {
	sqldbtest.Run(t, func(t *testing.T, d sqldb.Dialect) {
		s, err := sqlstore.New(t.Context(), sqldbtest.Open(t, d))
		require.NoError(t, err)
		fn(t, s)
	})
}

// everyPage returns the keys of a whole list, read two items a page.
func everyPage[T any](t *testing.T, key func(T) string, list func(resellerkit.Page) ([]T, string, error)) []string {
	t.Helper()
	var keys []string
	page := resellerkit.Page{Limit: 2}
	for {
		items, next, err := list(page)
		require.NoError(t, err)
		for _, v := range items {
			keys = append(keys, key(v))
		}
		if next == "" {
			return keys
		}
		page.Token = next
	}
}

// TestM7_RandomIDsNeverCrossOrganizations: with random organizations and ids,
// every org-scoped read, paged or not, returns only the named organization's rows,
// and every org-scoped write naming another organization's id finds nothing and
// changes nothing (M-7).
func TestM7_RandomIDsNeverCrossOrganizations(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := t.Context()
		rng := rand.New(rand.NewPCG(7, 11))
		orgs := []string{"org-a", "org-b", "org-c"}
		owner := map[string]string{}  // project or account id → its organization
		want := map[string][]string{} // organization → its project ids, in byte order
		for i, o := range orgs {
			require.NoError(t, s.CreateOrganization(ctx, memberstest.Org(o, fmt.Sprint("code", i))))
		}
		for i := range 30 {
			o := orgs[rng.IntN(len(orgs))]
			pid := fmt.Sprintf("p%02d", i)
			aid := fmt.Sprintf("%012d", rng.Int64N(1e12))
			require.NoError(t, s.CreateProject(ctx, memberstest.Project(o, pid)))
			require.NoError(t, s.CreateAccount(ctx, memberstest.Account(o, aid, pid)))
			owner[pid], owner[aid] = o, o
			want[o] = append(want[o], pid)
		}
		projectID := func(p members.Project) string { return p.ID }
		for _, asked := range orgs {
			for id, real := range owner {
				_, perr := s.GetProject(ctx, asked, id)
				_, aerr := s.GetAccount(ctx, asked, id)
				if real != asked {
					require.ErrorIs(t, perr, members.ErrNotFound)
					require.ErrorIs(t, aerr, members.ErrNotFound)
				}
			}
			assert.Equal(t, want[asked], everyPage(t, projectID, func(p resellerkit.Page) ([]members.Project, string, error) {
				return s.ListProjects(ctx, asked, p)
			}))
			for _, id := range everyPage(t, func(a members.Account) string { return a.ID }, func(p resellerkit.Page) ([]members.Account, string, error) {
				return s.ListAccounts(ctx, asked, p)
			}) {
				assert.Equal(t, asked, owner[id], "account %s", id)
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
		for id, real := range owner {
			if p, err := s.GetProject(ctx, real, id); err == nil {
				assert.Equal(t, int64(1), p.Version, "project %s", id)
			} else {
				a, err := s.GetAccount(ctx, real, id)
				require.NoError(t, err)
				assert.Equal(t, int64(1), a.Version, "account %s", id)
			}
		}
	})
}

// TestStore_DuplicateKeepsDriverErrorOutOfText: a taken key is ErrAlreadyExists
// (not ErrConflict), found without a failing statement (INSERT … ON CONFLICT DO
// NOTHING, so no transaction is aborted), and the text shows only the domain
// message, never SQL internals.
func TestStore_DuplicateKeepsDriverErrorOutOfText(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := t.Context()
		require.NoError(t, s.CreateOrganization(ctx, memberstest.Org("o1", "acme")))
		err := s.CreateOrganization(ctx, memberstest.Org("o2", "acme"))
		require.ErrorIs(t, err, members.ErrAlreadyExists)
		assert.NotErrorIs(t, err, members.ErrConflict)
		assert.NotErrorIs(t, err, sqldb.ErrUniqueViolation, "no statement failed")
		assert.Equal(t, `members: already exists: organization "o2"`, err.Error())

		require.NoError(t, s.CreateProject(ctx, memberstest.Project("o1", "p1")))
		for _, err := range []error{
			s.CreateProject(ctx, memberstest.Project("o1", "p1")),
			s.CreateProject(ctx, memberstest.Project("ghost", "p2")), // foreign key
		} {
			require.Error(t, err)
			for _, leak := range []string{"constraint", "sqldb", "UNIQUE", "unique", "FOREIGN", "foreign", "sqlite", "duplicate key", "projects"} {
				assert.NotContains(t, err.Error(), leak)
			}
		}
	})
}

// TestOpen_ReopenKeepsDataAndMigratesOnce: the embedded default survives a
// restart, and concurrent or repeated migration is harmless.
func TestOpen_ReopenKeepsDataAndMigratesOnce(t *testing.T) {
	ctx := t.Context()
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
	assert.Equal(t, sqldb.SQLite, s.DB().Dialect())
	got, err := s.GetOrganization(ctx, "o1")
	require.NoError(t, err)
	assert.Equal(t, "acme", got.Code)

	db, err := sqldb.Open(ctx, path)
	require.NoError(t, err)
	defer db.Close()
	applied, err := db.AppliedMigrations(ctx, sqlstore.Component)
	require.NoError(t, err)
	assert.Equal(t, []int{1, 2, 4}, applied)
}

// TestNew_SharesTheDatabase: New neither owns nor closes the database it is given,
// and a second store over it migrates nothing twice and sees the same rows.
func TestNew_SharesTheDatabase(t *testing.T) {
	sqldbtest.Run(t, func(t *testing.T, d sqldb.Dialect) {
		ctx := t.Context()
		db := sqldbtest.Open(t, d)
		first, err := sqlstore.New(ctx, db)
		require.NoError(t, err)
		require.NoError(t, first.CreateOrganization(ctx, memberstest.Org("o1", "acme")))
		require.NoError(t, first.Close())
		second, err := sqlstore.New(ctx, db)
		require.NoError(t, err, "the database is still open")
		assert.Same(t, db, second.DB())
		_, err = second.GetOrganization(ctx, "o1")
		require.NoError(t, err)
		applied, err := db.AppliedMigrations(ctx, sqlstore.Component)
		require.NoError(t, err)
		want := []int{1, 2, 4}
		if d == sqldb.PostgreSQL {
			want = []int{1, 2, 3, 4} // 3: its keyset indexes in the C collation
		}
		assert.Equal(t, want, applied)
	})
}

func TestOpen_BadDSN(t *testing.T) {
	_, err := sqlstore.Open(t.Context(), filepath.Join(t.TempDir(), "missing", "dir", "x.db"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "sqlstore:")
}

// TestInTx_LostRaceIsConflict: a transaction that keeps losing to concurrent ones
// (sqldb gives up retrying) is ErrConflict, and the database error stays in the
// chain.
func TestInTx_LostRaceIsConflict(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		runs := 0
		err := s.InTx(t.Context(), func(context.Context) error {
			runs++
			return sqldb.ErrSerialization
		})
		require.ErrorIs(t, err, members.ErrConflict)
		assert.ErrorIs(t, err, sqldb.ErrSerialization)
		assert.Greater(t, runs, 1, "retried before giving up")
	})
}

// TestInTx_CancelledIsNotConflict: a transaction whose caller went away is
// reported as context.Canceled, not as a lost race (ErrConflict).
func TestInTx_CancelledIsNotConflict(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *sqlstore.Store) {
		ctx, cancel := context.WithCancel(t.Context())
		err := s.InTx(ctx, func(context.Context) error {
			cancel()
			return sqldb.ErrSerialization
		})
		require.ErrorIs(t, err, context.Canceled)
		assert.NotErrorIs(t, err, members.ErrConflict)
	})
}
