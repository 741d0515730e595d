package awsses

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	"github.com/aws/smithy-go"

	"github.com/seeda33a2f4f/resellerkit/contacts"
)

// Names of what carries the idempotency key and the kind to SES and the receiver.
const (
	// HeaderIdempotencyKey is the mail header carrying the idempotency key.
	HeaderIdempotencyKey = "Idempotency-Key"
	// TagIdempotencyKey is the message tag carrying TagValue(idempotency key).
	TagIdempotencyKey = "idempotency_key"
	// TagKind is the message tag carrying the notice's kind.
	TagKind = "notice_kind"
)

// sesAPI is the part of *sesv2.Client the Transport calls.
type sesAPI interface {
	SendEmail(ctx context.Context, in *sesv2.SendEmailInput, optFns ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error)
}

var _ sesAPI = (*sesv2.Client)(nil)

// Config configures a Transport.
type Config struct {
	// From is the sender, "noreply@example.com" or "Example <noreply@example.com>",
	// an address or domain verified in SES.
	From string
	// ConfigurationSetName, when set, names the SES configuration set to send with.
	ConfigurationSetName string
}

// Transport sends contacts.Message values through Amazon SES v2. It is safe for
// concurrent use.
type Transport struct {
	api      sesAPI
	from     string
	fromAddr string // the address of From, "" if it does not parse
	cfg      Config
}

var _ contacts.Transport = (*Transport)(nil)

// New returns a Transport sending with client.
func New(client *sesv2.Client, cfg Config) *Transport {
	return newWithAPI(client, cfg)
}

// newWithAPI returns a Transport calling api: the tests give it a fake.
func newWithAPI(api sesAPI, cfg Config) *Transport {
	from, fromAddr := cfg.From, ""
	if a, err := mail.ParseAddress(cfg.From); err == nil {
		from, fromAddr = a.String(), a.Address // RFC 2047 encodes a display name that is not ASCII
		if a.Name == "" {
			from = a.Address
		}
	}
	return &Transport{api: api, from: from, fromAddr: fromAddr, cfg: cfg}
}

// Send sends m with SendEmail. It returns nil once SES has accepted the message,
// an error wrapping contacts.ErrPermanent when retrying cannot help (see the
// package documentation for the table), and another error otherwise.
func (t *Transport) Send(ctx context.Context, m contacts.Message) error {
	if len(m.To)+len(m.CC) == 0 {
		return fmt.Errorf("%w: awsses: the message has no recipient", contacts.ErrPermanent)
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return fmt.Errorf("%w: awsses: the subject holds CR or LF", contacts.ErrPermanent)
	}
	_, err := t.api.SendEmail(ctx, t.input(m))
	if err == nil {
		return nil
	}
	if t.permanent(err) {
		return fmt.Errorf("%w: awsses: SendEmail: %w", contacts.ErrPermanent, err)
	}
	return fmt.Errorf("awsses: SendEmail: %w", err)
}

// input returns the SendEmail request of m.
func (t *Transport) input(m contacts.Message) *sesv2.SendEmailInput {
	body := &types.Body{}
	if m.Text != "" || m.HTML == "" {
		body.Text = utf8(m.Text)
	}
	if m.HTML != "" {
		body.Html = utf8(m.HTML)
	}
	msg := &types.Message{Subject: utf8(m.Subject), Body: body}
	in := &sesv2.SendEmailInput{
		FromEmailAddress: aws.String(t.from),
		Destination: &types.Destination{
			ToAddresses: append([]string(nil), m.To...),
			CcAddresses: append([]string(nil), m.CC...),
		},
		Content: &types.EmailContent{Simple: msg},
	}
	if t.cfg.ConfigurationSetName != "" {
		in.ConfigurationSetName = aws.String(t.cfg.ConfigurationSetName)
	}
	if m.IdempotencyKey != "" {
		v := m.IdempotencyKey
		if !headerSafe(v) {
			v = TagValue(v)
		}
		msg.Headers = []types.MessageHeader{{Name: aws.String(HeaderIdempotencyKey), Value: aws.String(v)}}
		in.EmailTags = append(in.EmailTags, types.MessageTag{
			Name: aws.String(TagIdempotencyKey), Value: aws.String(TagValue(m.IdempotencyKey))})
	}
	if m.Kind != "" {
		in.EmailTags = append(in.EmailTags, types.MessageTag{
			Name: aws.String(TagKind), Value: aws.String(TagValue(string(m.Kind)))})
	}
	return in
}

func utf8(s string) *types.Content {
	return &types.Content{Data: aws.String(s), Charset: aws.String("UTF-8")}
}

// TagValue returns s as an SES message tag value: s itself when it is 1 to 256
// characters of [A-Za-z0-9_-], otherwise "sha256_" followed by the hexadecimal
// SHA-256 of s. Receivers of SES events compute it to find a notice by its key.
func TagValue(s string) string {
	if s != "" && len(s) <= 256 && strings.Trim(s, tagChars) == "" {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	return "sha256_" + hex.EncodeToString(sum[:])
}

const tagChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"

// headerSafe reports whether s can be the value of the Idempotency-Key header
// as it is: printable ASCII, and short enough that name and value together stay
// within SES's 996 characters (types.MessageHeader).
func headerSafe(s string) bool {
	if len(HeaderIdempotencyKey)+len(s) > 996 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// permanent reports whether err says that retrying cannot help: SES refused this
// message. Failures of the account or the configuration (an unverified MAIL FROM
// domain or sender, a suspended account, a missing configuration set) are not:
// they refuse every message until an operator fixes them, and dead-lettering
// would throw the whole outbox away.
func (t *Transport) permanent(err error) bool {
	if throttled(err) {
		return false
	}
	var (
		rejected *types.MessageRejected
		bad      *types.BadRequestException
	)
	switch {
	case errors.As(err, &rejected):
		return !t.namesSender(aws.ToString(rejected.Message))
	case errors.As(err, &bad):
		return true
	}
	return false
}

// namesSender reports whether an SES error message names the sender's address:
// "Email address is not verified. The following identities failed the check in
// region …: noreply@example.com" is about the From identity (a configuration
// failure), not about a recipient.
func (t *Transport) namesSender(msg string) bool {
	if t.fromAddr == "" {
		return false
	}
	words := strings.FieldsFunc(msg, func(r rune) bool { return strings.ContainsRune(" \t\r\n,;:<>\"'()[]", r) })
	for _, w := range words {
		if strings.EqualFold(strings.TrimSuffix(w, "."), t.fromAddr) {
			return true
		}
	}
	return false
}

// retryableCodes are API error codes that say "slow down": never permanent,
// whatever type carries them. Every error not listed in permanent is retryable.
var retryableCodes = map[string]bool{
	"Throttling": true, "ThrottlingException": true, "RequestLimitExceeded": true,
	"TooManyRequestsException": true, "LimitExceededException": true, "SendingPausedException": true,
}

// throttled reports whether err is an API error asking the caller to slow down.
func throttled(err error) bool {
	var api smithy.APIError
	return errors.As(err, &api) && retryableCodes[api.ErrorCode()]
}
