package contacts_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/contacts/memstore"
	"github.com/seeda33a2f4f/resellerkit/contacts/smtpmail"
	"github.com/seeda33a2f4f/resellerkit/contacts/smtpmail/smtptest"
	"github.com/seeda33a2f4f/resellerkit/contacts/webhook"
)

// TestC7_SMTPRefusesThenRecoversEveryNoticeArrivesOnce: a real SMTP server (in
// process) refuses the first attempts with 451; the dispatcher retries with
// backoff until it accepts, and every notice arrives exactly once.
func TestC7_SMTPRefusesThenRecoversEveryNoticeArrivesOnce(t *testing.T) {
	ctx := context.Background()
	srv := smtptest.NewServer(t)
	srv.Refuse(7)
	tr, err := smtpmail.New(smtpmail.Config{Addr: srv.Addr, From: "noreply@reseller.example", TLS: smtpmail.TLSNone})
	require.NoError(t, err)
	c := &clock{t: t0}
	st := memstore.New()
	queue(t, st, c, 12)
	d := newDispatcher(st, tr, c, contacts.WithBatch(5, 3))
	for range 20 {
		_, err := d.RunOnce(ctx)
		require.NoError(t, err)
		c.add(time.Hour)
	}
	counts := map[string]int{}
	for _, m := range srv.Messages() {
		counts[m.Header().Get("Idempotency-Key")]++
	}
	require.Len(t, counts, 12)
	for key, n := range counts {
		assert.Equal(t, 1, n, key)
	}
}

// dedupReceiver is a webhook receiver that verifies signatures and processes each
// webhook-id once, as the Standard Webhooks guide advises.
type dedupReceiver struct {
	secret    string
	mu        sync.Mutex
	posts     int
	processed map[string]int
}

func (r *dedupReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	if err := webhook.Verify(r.secret, req.Header, body, time.Hour, time.Now()); err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.posts++
	if id := req.Header.Get("webhook-id"); r.processed[id] == 0 { // a repeat is acknowledged, not processed
		r.processed[id]++
	}
	w.WriteHeader(http.StatusNoContent)
}

// TestC7_CrashAfterSendingIsDeduplicatedByTheReceiver: the dispatcher delivers a
// webhook and dies before recording it; after its lease expires another sends
// the notice again with the same webhook-id, and the receiver, which processes
// an id once, processes it once.
func TestC7_CrashAfterSendingIsDeduplicatedByTheReceiver(t *testing.T) {
	ctx := context.Background()
	recv, tr := dedupWebhook(t)
	c := &clock{t: t0}
	st := memstore.New()
	queue(t, st, c, 1)

	_, err := newDispatcher(&crashingStore{Store: st, crash: 1}, tr, c, contacts.WithOwner("crashes")).RunOnce(ctx)
	require.Error(t, err)
	c.add(contacts.DefaultLease)
	r, err := newDispatcher(st, tr, c, contacts.WithOwner("restarted")).RunOnce(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, r.Sent)

	recv.mu.Lock()
	defer recv.mu.Unlock()
	assert.Equal(t, 2, recv.posts, "delivered twice: at least once")
	require.Len(t, recv.processed, 1, "one webhook-id")
	for _, n := range recv.processed {
		assert.Equal(t, 1, n, "processed once")
	}
	n := notice(t, st, "n000")
	assert.Equal(t, contacts.NoticeSent, n.State)
}

// dedupWebhook returns a webhook transport to a receiver that processes each
// webhook-id once, as the webhook package tells receivers to; the server stops
// with the test.
func dedupWebhook(t *testing.T) (*dedupReceiver, contacts.Transport) {
	t.Helper()
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	recv := &dedupReceiver{secret: secret, processed: map[string]int{}}
	hs := httptest.NewServer(recv)
	t.Cleanup(hs.Close)
	tr, err := webhook.New(hs.URL, []string{secret})
	require.NoError(t, err)
	return recv, tr
}
