package awsaccount

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/security"
)

// accountServer is AWS Account Management over HTTP, holding at most one
// SECURITY contact, and recording the calls' paths and bodies.
type accountServer struct {
	mu     sync.Mutex
	held   map[string]any
	calls  []string
	bodies []map[string]any
}

func (s *accountServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var body map[string]any
	_ = json.NewDecoder(r.Body).Decode(&body)
	s.calls = append(s.calls, r.Method+" "+r.URL.Path)
	s.bodies = append(s.bodies, body)
	w.Header().Set("Content-Type", "application/json")
	switch r.URL.Path {
	case "/getAlternateContact":
		if s.held == nil {
			w.Header().Set("X-Amzn-ErrorType", "ResourceNotFoundException")
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"message":"No contact of the inputted alternate contact type found."}`)
			return
		}
		b, _ := json.Marshal(map[string]any{"AlternateContact": s.held})
		_, _ = w.Write(b)
	case "/putAlternateContact":
		s.held = map[string]any{"AlternateContactType": body["AlternateContactType"], "EmailAddress": body["EmailAddress"],
			"Name": body["Name"], "PhoneNumber": body["PhoneNumber"], "Title": body["Title"]}
		w.WriteHeader(http.StatusOK)
	default:
		w.WriteHeader(http.StatusBadRequest)
	}
}

func payerConfig(srv *httptest.Server) aws.Config {
	return aws.Config{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		HTTPClient:   srv.Client(),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret", Source: "test"}, nil
		}),
	}
}

// TestWire observes, repairs and observes again through the real SDK client
// and the real contacts/awsaccount Syncer: only the SECURITY type is read and
// written, from the member's security TO[0] and first emergency phone, with
// the member's AccountId; a second Repair writes nothing.
func TestWire(t *testing.T) {
	s := &accountServer{}
	srv := httptest.NewServer(s)
	defer srv.Close()
	c := New(payerConfig(srv), contactsOf(map[string]contacts.AccountContacts{acct: ours()}))

	obs, err := c.Observe(context.Background(), acct, "")
	require.NoError(t, err)
	assert.Equal(t, security.Observation{Detail: "no security alternate contact"}, obs)

	detail, err := c.Repair(context.Background(), acct, "")
	require.NoError(t, err)
	assert.Equal(t, "set the security alternate contact", detail)

	obs, err = c.Observe(context.Background(), acct, "")
	require.NoError(t, err)
	assert.Equal(t, security.Observation{Compliant: true, Detail: "security alternate contact: Security team <sec@example.co.jp>"}, obs)

	detail, err = c.Repair(context.Background(), acct, "")
	require.NoError(t, err)
	assert.Equal(t, "security alternate contact already up to date", detail)

	assert.Equal(t, []string{"POST /getAlternateContact", "POST /getAlternateContact", "POST /putAlternateContact",
		"POST /getAlternateContact", "POST /getAlternateContact"}, s.calls)
	for i, b := range s.bodies {
		assert.Equal(t, acct, b["AccountId"], "call %d", i)
		assert.Equal(t, "SECURITY", b["AlternateContactType"], "call %d", i)
	}
	assert.Equal(t, map[string]any{"AccountId": acct, "AlternateContactType": "SECURITY", "EmailAddress": "sec@example.co.jp",
		"Name": "Security team", "PhoneNumber": "+81312345678", "Title": "Security contact"}, s.bodies[2])
}
