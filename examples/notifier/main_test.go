package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/contacts/smtpmail/smtptest"
	"github.com/seeda33a2f4f/resellerkit/contacts/sqlstore"
)

// TestC7_NotifierDeliversTheOutboxOverSMTP: notices queued in a database (as the
// portal would) are delivered by the notifier, once, through a real SMTP server.
func TestC7_NotifierDeliversTheOutboxOverSMTP(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "portal.db")
	store, err := sqlstore.Open(ctx, path)
	require.NoError(t, err)
	now := time.Now().UTC().Truncate(time.Microsecond)
	for _, key := range []string{"a", "b", "c"} {
		require.NoError(t, store.EnqueueNotice(ctx, contacts.Notice{ID: "n-" + key, Key: "k-" + key, OrgID: "org", Kind: contacts.KindTestMail,
			Language: contacts.English, To: []string{key + "@example.com"}, Subject: "Test", Text: "hello", NextAt: now, CreatedAt: now}))
	}
	require.NoError(t, store.Close())

	srv := smtptest.NewServer(t)
	var out bytes.Buffer
	args := []string{"-db", path, "-once", "-mail", "smtp", "-smtp-addr", srv.Addr, "-smtp-tls", "none", "-mail-from", "noreply@reseller.example"}
	require.NoError(t, run(ctx, args, &out), out.String())
	assert.Len(t, srv.Messages(), 3)
	assert.Contains(t, out.String(), "sent=3")

	out.Reset()
	require.NoError(t, run(ctx, args, &out))
	assert.Len(t, srv.Messages(), 3, "a second run sends nothing again")
	assert.Contains(t, out.String(), "sent=0")
}

func TestNotifier_BadFlags(t *testing.T) {
	var out bytes.Buffer
	require.Error(t, run(context.Background(), []string{"-mail", "pigeon"}, &out))
	require.Error(t, run(context.Background(), []string{"extra"}, &out))
	require.ErrorContains(t, run(context.Background(), []string{"-db", filepath.Join(t.TempDir(), "x.db"), "-mail", "smtp"}, &out), "-smtp-addr")
}
