package contacts_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/contacts/memstore"
)

// TestC7_SameKeyInTwoOrganizationsIsTwoDeliveries: a key is unique in its
// organization only (Store.EnqueueNotice: "two organizations' keys never
// collide"), so two organizations' notices may share one; a webhook receiver that
// deduplicates on webhook-id, as the webhook package tells it to, must still
// process both.
func TestC7_SameKeyInTwoOrganizationsIsTwoDeliveries(t *testing.T) {
	ctx := context.Background()
	recv, tr := dedupWebhook(t)
	c := &clock{t: t0}
	st := memstore.New()
	for _, org := range []string{"acme", "other"} {
		require.NoError(t, st.EnqueueNotice(ctx, outboxNotice("n"+org, org, "alarm:2026-11", c.now())), org)
	}
	r, err := newDispatcher(st, tr, c).RunOnce(ctx)
	require.NoError(t, err)
	require.Equal(t, 2, r.Sent)

	recv.mu.Lock()
	defer recv.mu.Unlock()
	assert.Equal(t, 2, recv.posts)
	assert.Len(t, recv.processed, 2, "two organizations' notices are two webhook-ids: one was dropped as a repeat")
}

// TestC7_IdempotencyKeyNamesTheOrganization: a transport's key is the
// organization's (path-escaped, so an id holding "/" cannot pass for another
// organization's key) and the notice's Key; a notice of no organization keeps its
// Key alone.
func TestC7_IdempotencyKeyNamesTheOrganization(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: t0}
	st := memstore.New()
	for i, n := range []struct{ id, org, key string }{
		{"n1", "a/b", "c"},
		{"n2", "a", "b/c"},
		{"n3", "", "password_reset:1"},
	} {
		require.NoError(t, st.EnqueueNotice(ctx, outboxNotice(n.id, n.org, n.key, c.now())), i)
	}
	tr := &recorder{}
	r, err := newDispatcher(st, tr, c).RunOnce(ctx)
	require.NoError(t, err)
	require.Equal(t, 3, r.Sent)
	assert.ElementsMatch(t, []string{"a%2Fb/c", "a/b/c", "password_reset:1"}, tr.keys())
}
