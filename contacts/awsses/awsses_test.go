package awsses

import (
	"context"
	"errors"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/contacts"
)

// fakeSES records SendEmail calls and answers them with errs, in order, then nil.
type fakeSES struct {
	mu    sync.Mutex
	calls []*sesv2.SendEmailInput
	errs  []error
}

func (f *fakeSES) SendEmail(_ context.Context, in *sesv2.SendEmailInput, _ ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, in)
	if len(f.errs) > 0 {
		err := f.errs[0]
		f.errs = f.errs[1:]
		return nil, err
	}
	return &sesv2.SendEmailOutput{MessageId: aws.String("0100018f-example")}, nil
}

func message() contacts.Message {
	return contacts.Message{
		IdempotencyKey: "security_alert/acct-123456789012/finding-42",
		NoticeID:       "n-9",
		Kind:           contacts.KindSecurityAlert,
		Language:       contacts.Japanese,
		To:             []string{"sec@customer.example", "soc@customer.example"},
		CC:             []string{"cc@customer.example"},
		Subject:        "【セキュリティ警告】GuardDuty の検出結果",
		Text:           "検出結果があります。",
		HTML:           "<p>検出結果があります。</p>",
	}
}

func tags(in *sesv2.SendEmailInput) map[string]string {
	out := map[string]string{}
	for _, tg := range in.EmailTags {
		out[aws.ToString(tg.Name)] = aws.ToString(tg.Value)
	}
	return out
}

func headers(in *sesv2.SendEmailInput) map[string]string {
	out := map[string]string{}
	for _, h := range in.Content.Simple.Headers {
		out[aws.ToString(h.Name)] = aws.ToString(h.Value)
	}
	return out
}

func TestSendInput(t *testing.T) {
	fake := &fakeSES{}
	tr := newWithAPI(fake, Config{From: "リセラー通知 <noreply@reseller.example>", ConfigurationSetName: "notices"})
	m := message()
	require.NoError(t, tr.Send(t.Context(), m))
	require.NoError(t, tr.Send(t.Context(), m)) // resent after a crash: same key, same tag and header

	require.Len(t, fake.calls, 2)
	in := fake.calls[0]
	assert.Equal(t, "=?utf-8?q?=E3=83=AA=E3=82=BB=E3=83=A9=E3=83=BC=E9=80=9A=E7=9F=A5?= <noreply@reseller.example>",
		aws.ToString(in.FromEmailAddress))
	assert.Equal(t, "notices", aws.ToString(in.ConfigurationSetName))
	assert.Equal(t, m.To, in.Destination.ToAddresses)
	assert.Equal(t, m.CC, in.Destination.CcAddresses)
	assert.Empty(t, in.Destination.BccAddresses)
	require.NotNil(t, in.Content.Simple)
	assert.Nil(t, in.Content.Raw)
	simple := in.Content.Simple
	for got, want := range map[*types.Content]string{simple.Subject: m.Subject, simple.Body.Text: m.Text, simple.Body.Html: m.HTML} {
		require.NotNil(t, got)
		assert.Equal(t, want, aws.ToString(got.Data))
		assert.Equal(t, "UTF-8", aws.ToString(got.Charset))
	}
	assert.Equal(t, map[string]string{HeaderIdempotencyKey: m.IdempotencyKey}, headers(in))
	assert.Equal(t, map[string]string{TagIdempotencyKey: TagValue(m.IdempotencyKey), TagKind: "security_alert"}, tags(in))
	assert.Equal(t, tags(in), tags(fake.calls[1]))
	assert.Equal(t, headers(in), headers(fake.calls[1]))

	m.To = append(m.To, "late@customer.example")
	assert.Len(t, in.Destination.ToAddresses, 2, "the input does not share the message's slices")
}

func TestSendOnlyOnePart(t *testing.T) {
	fake := &fakeSES{}
	tr := newWithAPI(fake, Config{From: "noreply@reseller.example"})
	m := message()
	m.HTML, m.IdempotencyKey, m.Kind = "", "", ""
	require.NoError(t, tr.Send(t.Context(), m))
	m.Text, m.HTML = "", "<p>x</p>"
	require.NoError(t, tr.Send(t.Context(), m))

	assert.Equal(t, "noreply@reseller.example", aws.ToString(fake.calls[0].FromEmailAddress))
	assert.Nil(t, fake.calls[0].Content.Simple.Body.Html)
	assert.NotNil(t, fake.calls[0].Content.Simple.Body.Text)
	assert.Nil(t, fake.calls[1].Content.Simple.Body.Text)
	assert.NotNil(t, fake.calls[1].Content.Simple.Body.Html)
	assert.Empty(t, fake.calls[0].EmailTags, "no key, no kind: no tags")
	assert.Empty(t, fake.calls[0].Content.Simple.Headers)
}

func TestTagValue(t *testing.T) {
	valid := regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)
	for _, tc := range []struct {
		in       string
		verbatim bool
	}{
		{"invoice_issued-org-1-2025-03", true},
		{strings.Repeat("a", 256), true},
		{strings.Repeat("a", 257), false},
		{"invoice_issued/org-1/2025-03", false},
		{"a.b@c", false},
		{"請求", false},
		{"", false},
	} {
		got := TagValue(tc.in)
		assert.Regexp(t, valid, got, tc.in)
		if tc.verbatim {
			assert.Equal(t, tc.in, got)
		} else {
			assert.Regexp(t, `^sha256_[0-9a-f]{64}$`, got, tc.in)
		}
	}
	assert.NotEqual(t, TagValue("a/b"), TagValue("a/c"))
}

func TestSendKeyNotHeaderSafe(t *testing.T) {
	fake := &fakeSES{}
	tr := newWithAPI(fake, Config{From: "noreply@reseller.example"})
	m := message()
	m.IdempotencyKey = "通知/1"
	require.NoError(t, tr.Send(t.Context(), m))
	assert.Equal(t, TagValue("通知/1"), headers(fake.calls[0])[HeaderIdempotencyKey])
}

func TestSendErrors(t *testing.T) {
	opErr := func(err error) error {
		return &smithy.OperationError{ServiceID: "SESv2", OperationName: "SendEmail", Err: err}
	}
	for _, tc := range []struct {
		name      string
		err       error
		permanent bool
	}{
		{"message rejected", &types.MessageRejected{Message: aws.String("Email address is not verified.")}, true},
		{"recipient not verified (sandbox)", &types.MessageRejected{Message: aws.String("Email address is not verified. " +
			"The following identities failed the check in region AP-NORTHEAST-1: sec@customer.example")}, true},
		{"recipient like the sender", &types.MessageRejected{Message: aws.String("Email address is not verified. " +
			"The following identities failed the check in region AP-NORTHEAST-1: xnoreply@reseller.example")}, true},
		{"virus", &types.MessageRejected{Message: aws.String("Message rejected: virus detected")}, true},
		{"bad request", &types.BadRequestException{Message: aws.String("Illegal address")}, true},
		{"bad request, missing domain", &types.BadRequestException{Message: aws.String("Missing final '@domain'")}, true},
		// Failures of the account or the configuration: every message would fail
		// alike until an operator acts, so they are retried, never dead letters.
		{"sender not verified", &types.MessageRejected{Message: aws.String("Email address is not verified. " +
			"The following identities failed the check in region AP-NORTHEAST-1: NoReply@reseller.example.")}, false},
		{"sender and recipient not verified", &types.MessageRejected{Message: aws.String("Email address is not verified. " +
			"The following identities failed the check in region AP-NORTHEAST-1: sec@customer.example, noreply@reseller.example")}, false},
		{"mail from domain", &types.MailFromDomainNotVerifiedException{Message: aws.String("not verified")}, false},
		{"account suspended", &types.AccountSuspendedException{Message: aws.String("suspended")}, false},
		{"no configuration set", &types.NotFoundException{Message: aws.String("Configuration set <notices> does not exist.")}, false},
		{"wrapped account suspended", opErr(&types.AccountSuspendedException{Message: aws.String("suspended")}), false},
		{"wrapped rejected", opErr(&types.MessageRejected{Message: aws.String("virus")}), true},
		{"too many requests", &types.TooManyRequestsException{Message: aws.String("slow down")}, false},
		{"quota", &types.LimitExceededException{Message: aws.String("daily quota")}, false},
		{"sending paused", &types.SendingPausedException{Message: aws.String("paused")}, false},
		{"throttling", opErr(&smithy.GenericAPIError{Code: "Throttling", Message: "Rate exceeded", Fault: smithy.FaultClient}), false},
		{"throttling exception", &smithy.GenericAPIError{Code: "ThrottlingException", Fault: smithy.FaultClient}, false},
		{"throttling code on a rejected type", &types.BadRequestException{ErrorCodeOverride: aws.String("Throttling")}, false},
		{"internal", &types.InternalServiceErrorException{Message: aws.String("oops")}, false},
		{"network", opErr(&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}), false},
		{"deadline", opErr(context.DeadlineExceeded), false},
		{"unknown", &smithy.GenericAPIError{Code: "SomethingNew", Fault: smithy.FaultClient}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := &fakeSES{errs: []error{tc.err}}
			tr := newWithAPI(fake, Config{From: "noreply@reseller.example"})
			err := tr.Send(t.Context(), message())
			require.Error(t, err)
			assert.Equal(t, tc.permanent, errors.Is(err, contacts.ErrPermanent), err.Error())
			assert.ErrorIs(t, err, tc.err, "the SDK's error stays reachable")
			require.NoError(t, tr.Send(t.Context(), message()), "the fake recovers")
		})
	}
}

// C-7: throttled twice, then accepted; the caller's retries see retryable errors.
func TestC7ThrottledThenAccepted(t *testing.T) {
	throttle := &types.TooManyRequestsException{Message: aws.String("Maximum sending rate exceeded.")}
	fake := &fakeSES{errs: []error{throttle, throttle}}
	tr := newWithAPI(fake, Config{From: "noreply@reseller.example"})
	var failures int
	for range 5 {
		err := tr.Send(t.Context(), message())
		if err == nil {
			break
		}
		failures++
		var tmr *types.TooManyRequestsException
		require.ErrorAs(t, err, &tmr)
		require.NotErrorIs(t, err, contacts.ErrPermanent)
	}
	assert.Equal(t, 2, failures)
	assert.Len(t, fake.calls, 3)
	assert.Equal(t, tags(fake.calls[0]), tags(fake.calls[2]), "every attempt carries the same key")
}

func TestSendRefusesBeforeCalling(t *testing.T) {
	fake := &fakeSES{}
	tr := newWithAPI(fake, Config{From: "noreply@reseller.example"})
	m := message()
	m.Subject = "hi\r\nBcc: victim@example.com"
	require.ErrorIs(t, tr.Send(t.Context(), m), contacts.ErrPermanent)
	m = message()
	m.To, m.CC = nil, nil
	require.ErrorIs(t, tr.Send(t.Context(), m), contacts.ErrPermanent)
	assert.Empty(t, fake.calls)
}
