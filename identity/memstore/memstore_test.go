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
	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/identity/identitytest"
	"github.com/seeda33a2f4f/resellerkit/identity/memstore"
	"github.com/seeda33a2f4f/resellerkit/memdb"
)

// TestStore runs the identity conformance suite on the in-memory store.
func TestStore(t *testing.T) {
	identitytest.TestStore(t, func(*testing.T) identity.Store { return memstore.New() })
}

// Memstores built on one memdb.DB run under one lock, like SQL stores on one
// database: transactions that reach them in opposite orders neither deadlock nor
// lose a write, and a rollback covers both.
func TestNewOn_SharedDatabaseOneTransaction(t *testing.T) {
	ctx := context.Background()
	db := memdb.New()
	a, b := memstore.NewOn(db), memstore.NewOn(db) // stand for two packages' stores
	for _, s := range []*memstore.Store{a, b} {
		require.NoError(t, s.CreateIdentity(ctx, identitytest.Identity("alice")))
	}
	var wg sync.WaitGroup
	for i := range 20 {
		first, second := a, b
		if i%2 == 1 {
			first, second = b, a
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := first.InTx(ctx, func(ctx context.Context) error {
				if _, err := first.GetIdentity(ctx, "alice"); err != nil {
					return err
				}
				return second.CreateSession(ctx, identitytest.Session("alice", fmt.Sprintf("s%02d", i)))
			})
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	sa, err := resellerkit.All(func(p resellerkit.Page) ([]identity.Session, string, error) { return a.ListSessions(ctx, "alice", p) })
	require.NoError(t, err)
	sb, err := resellerkit.All(func(p resellerkit.Page) ([]identity.Session, string, error) { return b.ListSessions(ctx, "alice", p) })
	require.NoError(t, err)
	assert.Len(t, append(sa, sb...), 20)

	err = a.InTx(ctx, func(ctx context.Context) error {
		require.NoError(t, a.CreateSession(ctx, identitytest.Session("alice", "x1")))
		require.NoError(t, b.CreateTOTP(ctx, identitytest.TOTP("alice")))
		return errors.New("roll back both")
	})
	require.EqualError(t, err, "roll back both")
	_, err = a.GetSessionByTokenHash(ctx, identitytest.Hash("token:x1"))
	require.ErrorIs(t, err, identity.ErrNotFound)
	_, err = b.GetTOTP(ctx, "alice")
	require.ErrorIs(t, err, identity.ErrNotFound)

	require.NoError(t, b.InTx(ctx, func(ctx context.Context) error {
		if err := b.CreateTOTP(ctx, identitytest.TOTP("alice")); err != nil {
			return err
		}
		return a.CreateTOTP(ctx, identitytest.TOTP("alice"))
	}))
	for _, s := range []*memstore.Store{a, b} {
		_, err = s.GetTOTP(ctx, "alice")
		require.NoError(t, err, "both writes committed")
	}
}
