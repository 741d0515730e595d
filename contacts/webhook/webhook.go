package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/seeda33a2f4f/resellerkit/contacts"
)

// The Standard Webhooks headers, and the idempotency key's own header.
const (
	HeaderID             = "webhook-id"
	HeaderTimestamp      = "webhook-timestamp"
	HeaderSignature      = "webhook-signature"
	HeaderIdempotencyKey = "Idempotency-Key"
)

// DefaultTolerance is how far a webhook-timestamp may be from the receiver's
// clock, either way, when Verify is given a tolerance of 0.
const DefaultTolerance = 5 * time.Minute

// Errors of New and Verify, for errors.Is.
var (
	// ErrInvalidSecret reports a secret that is not "whsec_" and the standard
	// base64 of 24 to 64 bytes.
	ErrInvalidSecret = errors.New("webhook: invalid secret: want whsec_ and the base64 of 24 to 64 bytes")
	// ErrSignature reports a request whose webhook headers are missing or malformed,
	// or none of whose signatures matches the secret.
	ErrSignature = errors.New("webhook: no valid signature")
	// ErrTimestamp reports a webhook-timestamp outside the tolerance: a replay, or a
	// clock far off.
	ErrTimestamp = errors.New("webhook: timestamp outside the tolerance")
)

// Payload is the JSON body of a webhook request.
type Payload struct {
	// NoticeID is the outbox notice's id; IdempotencyKey its key, the same on
	// every attempt (webhook-id is derived from it).
	NoticeID       string `json:"notice_id"`
	IdempotencyKey string `json:"idempotency_key"`
	// Kind and Language are the notice's.
	Kind     contacts.Kind     `json:"kind"`
	Language contacts.Language `json:"language"`
	// To and CC are the addressees, [] when there are none.
	To []string `json:"to"`
	CC []string `json:"cc"`
	// Phones are a security incident's emergency phones, in the order to call
	// them (C-3); absent for other notices.
	Phones []string `json:"phones,omitempty"`
	// Subject, Text and HTML are the rendered notice.
	Subject string `json:"subject"`
	Text    string `json:"text"`
	HTML    string `json:"html"`
	// Data is the notice's structured data, absent when it has none.
	Data json.RawMessage `json:"data,omitempty"`
}

// StatusError is the error of a request the receiver answered with a status
// other than 2xx. Send wraps it with contacts.ErrPermanent for 400, 410, 413, 415
// and 422, the statuses that refuse this payload or say the endpoint is gone for
// good; every other status is retryable.
type StatusError struct {
	// StatusCode is the HTTP status code, e.g. 503.
	StatusCode int
	// Status is the status line's text, e.g. "503 Service Unavailable".
	Status string
	// Body is the start of the response body, at most 512 bytes.
	Body string
}

// Error returns the status and the start of the body.
func (e *StatusError) Error() string {
	if e.Body == "" {
		return "webhook: receiver answered " + e.Status
	}
	return "webhook: receiver answered " + e.Status + ": " + e.Body
}

// Option configures a Transport.
type Option func(*Transport)

// WithHTTPClient sends through c (its Transport: proxies, TLS, an SSRF-filtering
// dialer). The Transport uses a copy that never follows redirects.
func WithHTTPClient(c *http.Client) Option { return func(t *Transport) { t.base = c } }

// WithTimeout bounds each HTTP attempt; the default is 15 seconds.
func WithTimeout(d time.Duration) Option { return func(t *Transport) { t.timeout = d } }

// WithRetryMax sets how many times one Send retries a network error or a
// retryable status before returning it; the default is 2, and 0 disables.
func WithRetryMax(n int) Option { return func(t *Transport) { t.retryMax = n } }

// WithRetryWait sets the bounds of the exponential wait between in-call retries;
// the default is 100ms to 1s. A Retry-After longer than max is cut to max.
func WithRetryWait(min, max time.Duration) Option {
	return func(t *Transport) { t.waitMin, t.waitMax = min, max }
}

// WithClock sets the clock of webhook-timestamp; the default is time.Now.
func WithClock(now func() time.Time) Option { return func(t *Transport) { t.now = now } }

// Transport posts contacts.Message values to one webhook URL. It is safe for
// concurrent use.
type Transport struct {
	url              string
	display          string // url without query, user info or fragment, for errors
	keys             [][]byte
	base             *http.Client
	client           *http.Client
	timeout          time.Duration
	retryMax         int
	waitMin, waitMax time.Duration
	now              func() time.Time
}

var _ contacts.Transport = (*Transport)(nil)

// New returns a Transport posting to rawURL (http or https; use https outside
// tests), signing with every one of secrets (see the package documentation for
// rotation). Its errors wrap contacts.ErrInvalid, and ErrInvalidSecret for a bad
// secret; they never quote a secret.
func New(rawURL string, secrets []string, opts ...Option) (*Transport, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("webhook: %w: the URL must be http or https and name a host", contacts.ErrInvalid)
	}
	if len(secrets) == 0 {
		return nil, fmt.Errorf("webhook: %w: no secret", contacts.ErrInvalid)
	}
	t := &Transport{url: rawURL, display: u.Scheme + "://" + u.Host + u.Path, timeout: 15 * time.Second,
		retryMax: 2, waitMin: 100 * time.Millisecond, waitMax: time.Second, now: time.Now}
	for i, s := range secrets {
		key, err := parseSecret(s)
		if err != nil {
			return nil, fmt.Errorf("webhook: %w: secret %d: %w", contacts.ErrInvalid, i, err)
		}
		t.keys = append(t.keys, key)
	}
	for _, o := range opts {
		o(t)
	}
	if t.retryMax < 0 {
		t.retryMax = 0
	}
	if t.waitMax < t.waitMin {
		t.waitMax = t.waitMin
	}
	client := &http.Client{Transport: http.DefaultTransport}
	if t.base != nil {
		c := *t.base
		client = &c
	}
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if t.timeout > 0 {
		client.Timeout = t.timeout
	}
	t.client = client
	return t, nil
}

// parseSecret returns the key of a "whsec_" secret.
func parseSecret(s string) ([]byte, error) {
	b64, ok := strings.CutPrefix(s, "whsec_")
	if !ok {
		return nil, ErrInvalidSecret
	}
	key, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(key) < 24 || len(key) > 64 {
		return nil, ErrInvalidSecret
	}
	return key, nil
}

// ID returns the webhook-id of the notice whose idempotency key is key: key
// itself when it is 1 to 256 printable ASCII characters other than space and
// "." (the signature's separator), otherwise "sha256_" and the hexadecimal
// SHA-256 of key. The body carries the key as it is.
func ID(key string) string {
	if key != "" && len(key) <= 256 && headerSafe(key) && !strings.ContainsAny(key, ". ") {
		return key
	}
	sum := sha256.Sum256([]byte(key))
	return "sha256_" + hex.EncodeToString(sum[:])
}

func headerSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// Send posts m. It returns nil for a 2xx answer, an error wrapping
// contacts.ErrPermanent when retrying cannot help, and another error otherwise;
// see the package documentation for the table.
func (t *Transport) Send(ctx context.Context, m contacts.Message) error {
	p := Payload{NoticeID: m.NoticeID, IdempotencyKey: m.IdempotencyKey, Kind: m.Kind, Language: m.Language,
		To: m.To, CC: m.CC, Phones: m.Phones, Subject: m.Subject, Text: m.Text, HTML: m.HTML, Data: m.Data}
	if p.To == nil {
		p.To = []string{}
	}
	if p.CC == nil {
		p.CC = []string{}
	}
	body, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("%w: webhook: encoding the payload: %w", contacts.ErrPermanent, err)
	}
	id := ID(m.IdempotencyKey)
	if m.IdempotencyKey == "" {
		var b [16]byte
		_, _ = rand.Read(b[:])
		id = "msg_" + hex.EncodeToString(b[:])
	}

	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodPost, t.url, body)
	if err != nil {
		return fmt.Errorf("%w: webhook: %w", contacts.ErrPermanent, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "resellerkit-webhook/1")
	req.Header.Set(HeaderID, id)
	if m.IdempotencyKey != "" && headerSafe(m.IdempotencyKey) {
		req.Header.Set(HeaderIdempotencyKey, m.IdempotencyKey)
	}
	t.sign(req.Header, id, body)

	rc := &retryablehttp.Client{
		HTTPClient:   t.client,
		RetryMax:     t.retryMax,
		RetryWaitMin: t.waitMin,
		RetryWaitMax: t.waitMax,
		CheckRetry:   checkRetry,
		Backoff: func(min, max time.Duration, n int, resp *http.Response) time.Duration {
			return min2(retryablehttp.DefaultBackoff(min, max, n, resp), max)
		},
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
		PrepareRetry: func(r *http.Request) error {
			r.Header = r.Header.Clone() // the previous attempt's request keeps its own
			t.sign(r.Header, id, body)
			return nil
		},
	}
	resp, err := rc.Do(req)
	if err != nil {
		if resp != nil {
			_ = resp.Body.Close()
		}
		if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			return fmt.Errorf("webhook: POST %s: %w (%w)", t.display, ctxErr, err)
		}
		return fmt.Errorf("webhook: POST %s: %w", t.display, redact(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return nil
	}
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	se := &StatusError{StatusCode: resp.StatusCode, Status: resp.Status, Body: strings.TrimSpace(string(snippet))}
	if permanentStatus(resp.StatusCode) {
		return fmt.Errorf("%w: webhook: POST %s: %w", contacts.ErrPermanent, t.display, se)
	}
	return fmt.Errorf("webhook: POST %s: %w", t.display, se)
}

// sign sets webhook-timestamp to now and webhook-signature to one v1 signature
// per secret.
func (t *Transport) sign(h http.Header, id string, body []byte) {
	ts := t.now().Unix()
	sigs := make([]string, len(t.keys))
	for i, key := range t.keys {
		sigs[i] = "v1," + signature(key, id, ts, body)
	}
	h.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	h.Set(HeaderSignature, strings.Join(sigs, " "))
}

// signature returns the base64 HMAC-SHA256 of "id.ts.body" under key.
func signature(key []byte, id string, ts int64, body []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id))
	mac.Write([]byte("."))
	mac.Write([]byte(strconv.FormatInt(ts, 10)))
	mac.Write([]byte("."))
	mac.Write(body)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// permanentStatus reports whether a non-2xx status refuses this notice for good:
// the payload is refused (400, 413, 415, 422) or the endpoint is gone (410).
// Any other status is retryable: 401, 403, 404, 405 and 3xx say the endpoint is
// misconfigured (a secret, a route, a moved URL), which an operator fixes, and
// dead-lettering would throw the whole outbox away meanwhile; 408, 429 and 5xx
// are transient.
func permanentStatus(code int) bool {
	switch code {
	case http.StatusBadRequest, http.StatusGone, http.StatusRequestEntityTooLarge,
		http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity:
		return true
	}
	return false
}

// transientStatus reports whether a status may change within seconds, and so
// is worth the quick retries inside one Send: 408, 429, 5xx. A misconfigured
// endpoint is left to the dispatcher's backoff.
func transientStatus(code int) bool {
	return code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500 || code < 200
}

// checkRetry retries network errors (as go-retryablehttp does by default: not
// certificate or scheme errors) and transient statuses, never once ctx is done.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil {
		return retryablehttp.DefaultRetryPolicy(ctx, resp, err)
	}
	return transientStatus(resp.StatusCode), nil
}

// redact drops the URL from a *url.Error, which may carry a token in its query.
func redact(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}

func min2(a, b time.Duration) time.Duration {
	if a < b {
		return a
	}
	return b
}

// Verify checks a webhook request as a receiver: header holds its webhook-id,
// webhook-timestamp and webhook-signature, body is the raw request body, secret
// is the receiver's "whsec_" secret. It returns nil when one v1 signature matches
// (compared in constant time) and the timestamp is within tolerance of now
// (0 means DefaultTolerance); otherwise an error wrapping ErrInvalidSecret,
// ErrSignature or ErrTimestamp.
func Verify(secret string, header http.Header, body []byte, tolerance time.Duration, now time.Time) error {
	key, err := parseSecret(secret)
	if err != nil {
		return err
	}
	id, tsText, sigs := header.Get(HeaderID), header.Get(HeaderTimestamp), header.Get(HeaderSignature)
	if id == "" || tsText == "" || sigs == "" {
		return fmt.Errorf("%w: missing %s, %s or %s", ErrSignature, HeaderID, HeaderTimestamp, HeaderSignature)
	}
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: malformed %s", ErrSignature, HeaderTimestamp)
	}
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("%w: %s is %s from now", ErrTimestamp, HeaderTimestamp, d.Round(time.Second))
	}
	want := []byte(signature(key, id, ts, body))
	for _, s := range strings.Fields(sigs) {
		version, sig, ok := strings.Cut(s, ",")
		if ok && version == "v1" && hmac.Equal([]byte(sig), want) {
			return nil
		}
	}
	return ErrSignature
}
