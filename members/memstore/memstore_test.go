package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/members/memberstest"
	"github.com/seeda33a2f4f/resellerkit/members/memstore"
	"github.com/seeda33a2f4f/resellerkit/memdb"
)

func newStore(*testing.T) members.Store { return memstore.New() }

// TestStore runs the members conformance suite on the in-memory store.
func TestStore(t *testing.T) { memberstest.TestStore(t, newStore) }

// TestService runs the Service-level concurrency checks (M-2, M-8, M-9) on it.
func TestService(t *testing.T) { memberstest.TestService(t, newStore) }

// Memstores of several packages built on one memdb.DB run under one lock, like SQL
// stores on one database: transactions that reach them in opposite orders neither
// deadlock nor lose a write, and a rollback covers both.
func TestNewOn_SharedDatabaseOneLock(t *testing.T) {
	ctx := context.Background()
	db := memdb.New()
	a, b := memstore.NewOn(db), memstore.NewOn(db) // stand for two packages' stores
	for _, s := range []*memstore.Store{a, b} {
		require.NoError(t, s.CreateOrganization(ctx, members.Organization{ID: "o1", Code: "o1", Name: "O"}))
	}
	var wg sync.WaitGroup
	for i := range 20 {
		first, second := a, b
		if i%2 == 1 {
			first, second = b, a
		}
		wg.Go(func() {
			err := first.InTx(ctx, func(ctx context.Context) error {
				if _, err := first.GetOrganization(ctx, "o1"); err != nil {
					return err
				}
				return second.CreateProject(ctx, memberstest.Project("o1", fmt.Sprintf("p%02d", i)))
			})
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	pa, _, err := a.ListProjects(ctx, "o1", resellerkit.Page{})
	require.NoError(t, err)
	pb, _, err := b.ListProjects(ctx, "o1", resellerkit.Page{})
	require.NoError(t, err)
	assert.Len(t, append(pa, pb...), 20)

	err = a.InTx(ctx, func(ctx context.Context) error {
		require.NoError(t, a.CreateProject(ctx, memberstest.Project("o1", "x1")))
		require.NoError(t, b.CreateProject(ctx, memberstest.Project("o1", "x2")))
		return errors.New("roll back both")
	})
	require.Error(t, err)
	_, err = a.GetProject(ctx, "o1", "x1")
	require.ErrorIs(t, err, members.ErrNotFound)
	_, err = b.GetProject(ctx, "o1", "x2")
	require.ErrorIs(t, err, members.ErrNotFound)
}
