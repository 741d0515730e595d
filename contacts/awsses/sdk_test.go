package awsses_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/contacts/awsses"
)

// reply is an error answer of fakeEndpoint.
type reply struct {
	status  int
	errType string // the X-Amzn-Errortype header: the modelled error's name
}

// fakeEndpoint stands in for the SES v2 HTTP API: it records request bodies and
// answers each with the next of replies (status, error type), then 200.
type fakeEndpoint struct {
	mu      sync.Mutex
	bodies  []map[string]any
	paths   []string
	replies []reply
}

func (f *fakeEndpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var body map[string]any
	_ = json.Unmarshal(b, &body)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.bodies = append(f.bodies, body)
	f.paths = append(f.paths, r.Method+" "+r.URL.Path)
	w.Header().Set("Content-Type", "application/json")
	if len(f.replies) > 0 {
		rep := f.replies[0]
		f.replies = f.replies[1:]
		w.Header().Set("X-Amzn-Errortype", rep.errType)
		w.WriteHeader(rep.status)
		_, _ = io.WriteString(w, `{"message":"refused by the fake"}`)
		return
	}
	_, _ = io.WriteString(w, `{"MessageId":"0100018f-fake"}`)
}

func sdkClient(url string) *sesv2.Client {
	return sesv2.New(sesv2.Options{
		Region:       "ap-northeast-1",
		BaseEndpoint: aws.String(url),
		Credentials:  aws.AnonymousCredentials{},
		Retryer:      aws.NopRetryer{}, // the dispatcher retries; keep the test fast
	})
}

// The real client, its serializer and its error deserializer, against a fake
// endpoint: the modelled error types arrive as the adapter expects them.
func TestSendThroughSDK(t *testing.T) {
	ep := &fakeEndpoint{replies: []reply{{400, "MessageRejected"}, {429, "TooManyRequestsException"}}}
	srv := httptest.NewServer(ep)
	defer srv.Close()
	tr := awsses.New(sdkClient(srv.URL), awsses.Config{From: "noreply@reseller.example"})
	m := contacts.Message{IdempotencyKey: "k-1", Kind: contacts.KindTestMail, To: []string{"a@customer.example"},
		Subject: "テスト", Text: "本文"}

	err := tr.Send(t.Context(), m)
	require.ErrorIs(t, err, contacts.ErrPermanent)
	var rejected *types.MessageRejected
	require.ErrorAs(t, err, &rejected)

	err = tr.Send(t.Context(), m)
	require.Error(t, err)
	require.NotErrorIs(t, err, contacts.ErrPermanent)
	var tooMany *types.TooManyRequestsException
	require.ErrorAs(t, err, &tooMany)

	require.NoError(t, tr.Send(t.Context(), m))

	// The account's and the configuration's failures arrive as their types and
	// stay retryable.
	ep.mu.Lock()
	ep.replies = []reply{{400, "MailFromDomainNotVerifiedException"}, {400, "AccountSuspendedException"},
		{404, "NotFoundException"}}
	ep.mu.Unlock()
	var (
		domain    *types.MailFromDomainNotVerifiedException
		suspended *types.AccountSuspendedException
		notFound  *types.NotFoundException
	)
	for _, target := range []any{&domain, &suspended, &notFound} {
		err = tr.Send(t.Context(), m)
		require.Error(t, err)
		require.NotErrorIs(t, err, contacts.ErrPermanent)
		require.ErrorAs(t, err, target)
	}

	ep.mu.Lock()
	defer ep.mu.Unlock()
	require.Len(t, ep.bodies, 6)
	assert.Equal(t, "POST /v2/email/outbound-emails", ep.paths[2])
	body := ep.bodies[2]
	assert.Equal(t, []any{map[string]any{"Name": "idempotency_key", "Value": "k-1"},
		map[string]any{"Name": "notice_kind", "Value": "test_mail"}}, body["EmailTags"])
	simple := body["Content"].(map[string]any)["Simple"].(map[string]any)
	assert.Equal(t, []any{map[string]any{"Name": "Idempotency-Key", "Value": "k-1"}}, simple["Headers"])
	assert.Equal(t, map[string]any{"Data": "テスト", "Charset": "UTF-8"}, simple["Subject"])
}
