package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/contacts/contactstest"
	"github.com/seeda33a2f4f/resellerkit/contacts/memstore"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/members/memberstest"
	membersmem "github.com/seeda33a2f4f/resellerkit/members/memstore"
	"github.com/seeda33a2f4f/resellerkit/memdb"
)

// TestStore runs the contacts conformance suite on the in-memory store.
func TestStore(t *testing.T) {
	contactstest.TestStore(t, func(*testing.T) contacts.Store { return memstore.New() })
}

// A contacts memstore and a members memstore on one memdb.DB share transactions,
// as SQL stores on one database do: a change in members and the notice it causes
// commit together or not at all (C-7), and transactions reaching the two stores in
// opposite orders neither deadlock nor lose a write.
func TestNewOn_SharesTransactionsWithMembers(t *testing.T) {
	ctx := t.Context()
	db := memdb.New()
	ms, cs := membersmem.NewOn(db), memstore.NewOn(db)
	require.NoError(t, ms.CreateOrganization(ctx, memberstest.Org("o1", "acme")))
	t0 := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	notice := func(id string) contacts.Notice {
		return contacts.Notice{ID: id, Key: "key:" + id, OrgID: "o1", Kind: contacts.KindMaintenance, NextAt: t0, CreatedAt: t0}
	}

	err := ms.InTx(ctx, func(ctx context.Context) error {
		require.NoError(t, ms.CreateProject(ctx, memberstest.Project("o1", "p1")))
		require.NoError(t, cs.EnqueueNotice(ctx, notice("n1")))
		require.NoError(t, cs.PutAccountContacts(ctx, contactstest.Contacts("o1", "123456789012")))
		return errors.New("roll back both")
	})
	require.EqualError(t, err, "roll back both")
	_, err = ms.GetProject(ctx, "o1", "p1")
	require.ErrorIs(t, err, members.ErrNotFound, "the members write is rolled back")
	_, err = cs.GetNotice(ctx, "o1", "n1")
	require.ErrorIs(t, err, contacts.ErrNotFound, "the notice is rolled back")
	_, err = cs.GetAccountContacts(ctx, "o1", "123456789012")
	require.ErrorIs(t, err, contacts.ErrNotFound, "the contacts are rolled back")

	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			id := fmt.Sprintf("p%02d", i)
			write := func(ctx context.Context) error {
				if i%2 == 0 {
					if err := cs.EnqueueNotice(ctx, notice("n-"+id)); err != nil {
						return err
					}
					return ms.CreateProject(ctx, memberstest.Project("o1", id))
				}
				if err := ms.CreateProject(ctx, memberstest.Project("o1", id)); err != nil {
					return err
				}
				return cs.EnqueueNotice(ctx, notice("n-"+id))
			}
			if i%2 == 0 {
				assert.NoError(t, cs.InTx(ctx, write))
			} else {
				assert.NoError(t, ms.InTx(ctx, write))
			}
		})
	}
	wg.Wait()
	projects, err := resellerkit.All(func(p resellerkit.Page) ([]members.Project, string, error) { return ms.ListProjects(ctx, "o1", p) })
	require.NoError(t, err)
	notices, err := resellerkit.All(func(p resellerkit.Page) ([]contacts.Notice, string, error) {
		return cs.ListNotices(ctx, "o1", "", p)
	})
	require.NoError(t, err)
	assert.Len(t, projects, 20, "every members write committed")
	assert.Len(t, notices, 20, "every notice committed with its change")
}
