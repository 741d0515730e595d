package transports_test

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/contacts/awsses"
	"github.com/seeda33a2f4f/resellerkit/contacts/smtpmail/smtptest"
	"github.com/seeda33a2f4f/resellerkit/contacts/transports"
)

func parse(t *testing.T, args ...string) (*transports.Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg := transports.RegisterFlags(fs)
	return cfg, fs.Parse(args)
}

func TestC7_FlagsChooseTheTransport(t *testing.T) {
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	msg := contacts.Message{IdempotencyKey: "k1", To: []string{"a@example.com"}, Subject: "s", Text: "t"}

	t.Run("log by default", func(t *testing.T) {
		cfg, err := parse(t)
		require.NoError(t, err)
		tr, err := transports.Open(ctx, *cfg, quiet)
		require.NoError(t, err)
		assert.IsType(t, contacts.LogTransport{}, tr)
		require.NoError(t, tr.Send(ctx, msg))
	})
	t.Run("smtp", func(t *testing.T) {
		srv := smtptest.NewServer(t)
		t.Setenv(transports.EnvSMTPPassword, "")
		cfg, err := parse(t, "-mail", "smtp", "-smtp-addr", srv.Addr, "-mail-from", "noreply@reseller.example", "-smtp-tls", "none")
		require.NoError(t, err)
		tr, err := transports.Open(ctx, *cfg, quiet)
		require.NoError(t, err)
		require.NoError(t, tr.Send(ctx, msg))
		require.Len(t, srv.Messages(), 1)
	})
	t.Run("webhook with secrets from the environment", func(t *testing.T) {
		got := 0
		hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got++
			assert.NotEmpty(t, r.Header.Get("webhook-signature"))
		}))
		defer hs.Close()
		t.Setenv(transports.EnvWebhookSecrets, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
		cfg, err := parse(t, "-mail", "webhook", "-webhook-url", hs.URL)
		require.NoError(t, err)
		tr, err := transports.Open(ctx, *cfg, quiet)
		require.NoError(t, err)
		require.NoError(t, tr.Send(ctx, msg))
		assert.Equal(t, 1, got)
	})
	t.Run("ses", func(t *testing.T) {
		t.Setenv("AWS_REGION", "ap-northeast-1")
		cfg, err := parse(t, "-mail", "ses", "-mail-from", "noreply@reseller.example")
		require.NoError(t, err)
		tr, err := transports.Open(ctx, *cfg, quiet)
		require.NoError(t, err)
		assert.IsType(t, &awsses.Transport{}, tr)
	})
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-mail", "smtp", "-mail-from", "a@b.example"}, "-smtp-addr"},
		{[]string{"-mail", "smtp", "-smtp-addr", "127.0.0.1:25"}, "-mail-from"},
		{[]string{"-mail", "ses"}, "-mail-from"},
		{[]string{"-mail", "webhook"}, "-webhook-url"},
		{[]string{"-mail", "webhook", "-webhook-url", "https://hooks.example"}, transports.EnvWebhookSecrets},
	} {
		t.Run(fmt.Sprint("missing ", tc.want), func(t *testing.T) {
			t.Setenv(transports.EnvWebhookSecrets, "")
			cfg, err := parse(t, tc.args...)
			require.NoError(t, err)
			_, err = transports.Open(ctx, *cfg, quiet)
			require.ErrorContains(t, err, tc.want)
		})
	}
	_, err := parse(t, "-mail", "pigeon")
	require.ErrorContains(t, err, "log, smtp, ses or webhook")
	_, err = parse(t, "-smtp-tls", "maybe")
	require.Error(t, err)
}
