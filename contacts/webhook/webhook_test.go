package webhook_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/contacts/webhook"
)

// secret returns a test secret whose 32 key bytes are all b.
func secret(b byte) string {
	return "whsec_" + base64.StdEncoding.EncodeToString([]byte(strings.Repeat(string(rune(b)), 32)))
}

// request is one request a receiver saw.
type request struct {
	header http.Header
	body   []byte
}

// receiver is a webhook endpoint that answers with statuses in turn (then 200),
// records every request and processes each webhook-id once.
type receiver struct {
	mu        sync.Mutex
	statuses  []int
	requests  []request
	processed []webhook.Payload
	seen      map[string]bool
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.requests = append(rc.requests, request{header: r.Header.Clone(), body: body})
	if len(rc.statuses) > 0 {
		code := rc.statuses[0]
		rc.statuses = rc.statuses[1:]
		if code == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "3600")
		}
		http.Error(w, "receiver says "+http.StatusText(code), code)
		return
	}
	id := r.Header.Get(webhook.HeaderID)
	if rc.seen == nil {
		rc.seen = map[string]bool{}
	}
	if !rc.seen[id] { // a repeat is acknowledged, not processed again
		rc.seen[id] = true
		var p webhook.Payload
		if err := json.Unmarshal(body, &p); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		rc.processed = append(rc.processed, p)
	}
	w.WriteHeader(http.StatusNoContent)
}

func (rc *receiver) snapshot() ([]request, []webhook.Payload) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]request(nil), rc.requests...), append([]webhook.Payload(nil), rc.processed...)
}

func start(t *testing.T, rc *receiver) string {
	t.Helper()
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	return srv.URL + "/hooks/notices"
}

func message() contacts.Message {
	return contacts.Message{
		IdempotencyKey: "invoice_issued/org-1/2025-03",
		NoticeID:       "n-1",
		Kind:           contacts.KindInvoiceIssued,
		Language:       contacts.Japanese,
		To:             []string{"keiri@customer.example"},
		CC:             []string{"cc@customer.example"},
		Subject:        "請求書発行のお知らせ",
		Text:           "請求書を発行しました。",
		HTML:           "<p>請求書を発行しました。</p>",
		Data:           json.RawMessage(`{"invoice_id":"inv-1","total":"123456"}`),
	}
}

func fast() []webhook.Option {
	return []webhook.Option{webhook.WithRetryWait(time.Millisecond, 5*time.Millisecond)}
}

func TestSendSignedPayload(t *testing.T) {
	rc := &receiver{}
	tr, err := webhook.New(start(t, rc), []string{secret('a')}, fast()...)
	require.NoError(t, err)
	m := message()
	require.NoError(t, tr.Send(t.Context(), m))

	reqs, processed := rc.snapshot()
	require.Len(t, reqs, 1)
	h := reqs[0].header
	assert.Equal(t, m.IdempotencyKey, h.Get(webhook.HeaderID))
	assert.Equal(t, m.IdempotencyKey, h.Get(webhook.HeaderIdempotencyKey))
	assert.Equal(t, "application/json", h.Get("Content-Type"))
	assert.Regexp(t, `^v1,[A-Za-z0-9+/]{43}=$`, h.Get(webhook.HeaderSignature))
	ts, err := strconv.ParseInt(h.Get(webhook.HeaderTimestamp), 10, 64)
	require.NoError(t, err)
	assert.InDelta(t, time.Now().Unix(), ts, 5)
	require.NoError(t, webhook.Verify(secret('a'), h, reqs[0].body, 0, time.Now()))

	require.Len(t, processed, 1)
	assert.Equal(t, webhook.Payload{NoticeID: "n-1", IdempotencyKey: m.IdempotencyKey, Kind: m.Kind, Language: m.Language,
		To: m.To, CC: m.CC, Subject: m.Subject, Text: m.Text, HTML: m.HTML, Data: m.Data}, processed[0])

	var raw map[string]any
	require.NoError(t, json.Unmarshal(reqs[0].body, &raw))
	for _, k := range []string{"kind", "language", "to", "cc", "subject", "text", "html", "data", "notice_id", "idempotency_key"} {
		assert.Contains(t, raw, k)
	}
}

// A security incident carries its emergency phones, in call order (C-3).
func TestSendPhones(t *testing.T) {
	rc := &receiver{}
	tr, err := webhook.New(start(t, rc), []string{secret('a')})
	require.NoError(t, err)
	m := message()
	m.Kind = contacts.KindSecurityIncident
	m.Phones = []string{"+81312345678", "+819012345678"}
	require.NoError(t, tr.Send(t.Context(), m))

	reqs, processed := rc.snapshot()
	require.Len(t, processed, 1)
	assert.Equal(t, m.Phones, processed[0].Phones)
	assert.Contains(t, string(reqs[0].body), `"phones":["+81312345678","+819012345678"]`)
}

func TestSendEmptyListsAreArrays(t *testing.T) {
	rc := &receiver{}
	tr, err := webhook.New(start(t, rc), []string{secret('a')})
	require.NoError(t, err)
	m := message()
	m.CC, m.Data = nil, nil
	require.NoError(t, tr.Send(t.Context(), m))
	reqs, _ := rc.snapshot()
	assert.Contains(t, string(reqs[0].body), `"cc":[]`)
	assert.NotContains(t, string(reqs[0].body), `"data"`)
	assert.NotContains(t, string(reqs[0].body), `"phones"`, "no phones, no key")
}

// During a rotation every secret signs: receivers on either secret verify.
func TestSendRotation(t *testing.T) {
	rc := &receiver{}
	tr, err := webhook.New(start(t, rc), []string{secret('n'), secret('o')})
	require.NoError(t, err)
	require.NoError(t, tr.Send(t.Context(), message()))

	reqs, _ := rc.snapshot()
	require.Len(t, reqs, 1)
	sigs := strings.Fields(reqs[0].header.Get(webhook.HeaderSignature))
	require.Len(t, sigs, 2)
	assert.NotEqual(t, sigs[0], sigs[1])
	for _, s := range []string{secret('n'), secret('o')} {
		require.NoError(t, webhook.Verify(s, reqs[0].header, reqs[0].body, 0, time.Now()))
	}
	require.ErrorIs(t, webhook.Verify(secret('x'), reqs[0].header, reqs[0].body, 0, time.Now()), webhook.ErrSignature)

	// Each signature alone is the one its secret makes.
	for i, s := range []string{secret('n'), secret('o')} {
		h := reqs[0].header.Clone()
		h.Set(webhook.HeaderSignature, sigs[i])
		require.NoError(t, webhook.Verify(s, h, reqs[0].body, 0, time.Now()))
		require.ErrorIs(t, webhook.Verify([]string{secret('o'), secret('n')}[i], h, reqs[0].body, 0, time.Now()),
			webhook.ErrSignature)
	}
}

// C-7: a dispatcher that died after sending sends the notice again with the same
// key; a receiver that deduplicates on webhook-id processes it once.
func TestC7ResentNoticeProcessedOnce(t *testing.T) {
	rc := &receiver{}
	tr, err := webhook.New(start(t, rc), []string{secret('a')})
	require.NoError(t, err)
	m := message()
	require.NoError(t, tr.Send(t.Context(), m))
	require.NoError(t, tr.Send(t.Context(), m))

	reqs, processed := rc.snapshot()
	assert.Len(t, reqs, 2)
	assert.Len(t, processed, 1)
	assert.Equal(t, reqs[0].header.Get(webhook.HeaderID), reqs[1].header.Get(webhook.HeaderID))

	m.IdempotencyKey = "invoice_issued/org-1/2025-04"
	require.NoError(t, tr.Send(t.Context(), m))
	_, processed = rc.snapshot()
	assert.Len(t, processed, 2)
}

func TestSend500Then200(t *testing.T) {
	t.Run("retried by the caller", func(t *testing.T) {
		rc := &receiver{statuses: []int{500}}
		tr, err := webhook.New(start(t, rc), []string{secret('a')}, webhook.WithRetryMax(0))
		require.NoError(t, err)

		err = tr.Send(t.Context(), message())
		require.Error(t, err)
		require.NotErrorIs(t, err, contacts.ErrPermanent)
		var se *webhook.StatusError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, 500, se.StatusCode)
		assert.Contains(t, se.Body, "receiver says")

		require.NoError(t, tr.Send(t.Context(), message()))
		_, processed := rc.snapshot()
		assert.Len(t, processed, 1)
	})
	t.Run("retried within Send, re-signed", func(t *testing.T) {
		rc := &receiver{statuses: []int{500, 503}}
		var tick atomic.Int64
		clock := func() time.Time { return time.Unix(1_750_000_000+tick.Add(1), 0) }
		tr, err := webhook.New(start(t, rc), []string{secret('a')}, append(fast(), webhook.WithClock(clock))...)
		require.NoError(t, err)
		require.NoError(t, tr.Send(t.Context(), message()))

		reqs, processed := rc.snapshot()
		require.Len(t, reqs, 3)
		assert.Len(t, processed, 1)
		for i, r := range reqs {
			assert.Equal(t, message().IdempotencyKey, r.header.Get(webhook.HeaderID))
			assert.Equal(t, strconv.Itoa(1_750_000_001+i), r.header.Get(webhook.HeaderTimestamp), "each attempt has its time")
			require.NoError(t, webhook.Verify(secret('a'), r.header, r.body, 0, time.Unix(1_750_000_002, 0)))
		}
	})
	t.Run("retries exhausted", func(t *testing.T) {
		rc := &receiver{statuses: []int{502, 502, 502, 502}}
		tr, err := webhook.New(start(t, rc), []string{secret('a')}, append(fast(), webhook.WithRetryMax(2))...)
		require.NoError(t, err)
		err = tr.Send(t.Context(), message())
		var se *webhook.StatusError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, 502, se.StatusCode)
		assert.NotErrorIs(t, err, contacts.ErrPermanent)
		reqs, _ := rc.snapshot()
		assert.Len(t, reqs, 3)
	})
}

func TestSendStatuses(t *testing.T) {
	for code, permanent := range map[int]bool{
		// This payload refused, or the endpoint gone for good.
		400: true, 410: true, 413: true, 415: true, 422: true,
		// The endpoint misconfigured (secret, route, moved URL): every notice
		// would fail alike until an operator fixes it, so none is dead-lettered.
		401: false, 403: false, 404: false, 405: false, 301: false, 302: false, 308: false,
		// Other 4xx, and the transient statuses.
		409: false, 418: false, 451: false, 408: false, 429: false, 500: false, 502: false, 503: false, 504: false,
	} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			rc := &receiver{statuses: []int{code}}
			tr, err := webhook.New(start(t, rc), []string{secret('a')}, webhook.WithRetryMax(0))
			require.NoError(t, err)
			err = tr.Send(t.Context(), message())
			require.Error(t, err)
			assert.Equal(t, permanent, errors.Is(err, contacts.ErrPermanent), err.Error())
			var se *webhook.StatusError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, code, se.StatusCode)
			reqs, _ := rc.snapshot()
			assert.Len(t, reqs, 1, "no redirect followed, no in-call retry")
		})
	}
	// A misconfigured endpoint is not retried within Send: it will not mend in a
	// second. The dispatcher backs off instead.
	for _, code := range []int{401, 403, 404, 405, 400, 422} {
		rc := &receiver{statuses: []int{code, code, code}}
		tr, err := webhook.New(start(t, rc), []string{secret('a')}, fast()...)
		require.NoError(t, err)
		require.Error(t, tr.Send(t.Context(), message()))
		reqs, _ := rc.snapshot()
		assert.Len(t, reqs, 1, code)
	}
	for _, code := range []int{200, 201, 202, 204} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(code) }))
		tr, err := webhook.New(srv.URL, []string{secret('a')})
		require.NoError(t, err)
		assert.NoError(t, tr.Send(t.Context(), message()), code)
		srv.Close()
	}
}

func TestSendRetryAfterIsCapped(t *testing.T) {
	rc := &receiver{statuses: []int{429}} // with Retry-After: 3600
	tr, err := webhook.New(start(t, rc), []string{secret('a')}, fast()...)
	require.NoError(t, err)
	start := time.Now()
	require.NoError(t, tr.Send(t.Context(), message()))
	assert.Less(t, time.Since(start), 5*time.Second)
}

func TestSendNetworkError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	tr, err := webhook.New(url+"/x?token=s3cret", []string{secret('a')}, fast()...)
	require.NoError(t, err)
	err = tr.Send(t.Context(), message())
	require.Error(t, err)
	assert.NotErrorIs(t, err, contacts.ErrPermanent)
	assert.NotContains(t, err.Error(), "s3cret", "the query stays out of errors")
}

func TestSendContext(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	tr, err := webhook.New(srv.URL, []string{secret('a')}, fast()...)
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	err = tr.Send(ctx, message())
	require.ErrorIs(t, err, context.Canceled)
	assert.NotErrorIs(t, err, contacts.ErrPermanent)

	short, err := webhook.New(srv.URL, []string{secret('a')}, append(fast(), webhook.WithTimeout(50*time.Millisecond),
		webhook.WithRetryMax(1))...)
	require.NoError(t, err)
	err = short.Send(t.Context(), message())
	require.Error(t, err)
	assert.NotErrorIs(t, err, contacts.ErrPermanent, "a timeout is retryable")
}

func TestSendBadData(t *testing.T) {
	rc := &receiver{}
	tr, err := webhook.New(start(t, rc), []string{secret('a')})
	require.NoError(t, err)
	m := message()
	m.Data = json.RawMessage(`{not json`)
	require.ErrorIs(t, tr.Send(t.Context(), m), contacts.ErrPermanent)
	reqs, _ := rc.snapshot()
	assert.Empty(t, reqs)
}

func TestVerify(t *testing.T) {
	rc := &receiver{}
	now := time.Unix(1_750_000_000, 0)
	tr, err := webhook.New(start(t, rc), []string{secret('a')}, webhook.WithClock(func() time.Time { return now }))
	require.NoError(t, err)
	require.NoError(t, tr.Send(t.Context(), message()))
	reqs, _ := rc.snapshot()
	h, body := reqs[0].header, reqs[0].body

	require.NoError(t, webhook.Verify(secret('a'), h, body, time.Minute, now.Add(59*time.Second)))
	require.NoError(t, webhook.Verify(secret('a'), h, body, 0, now.Add(-4*time.Minute)), "0 is DefaultTolerance")

	tampered := append([]byte(nil), body...)
	tampered[len(tampered)-2] ^= 1
	for name, tc := range map[string]struct {
		secret string
		edit   func(http.Header)
		body   []byte
		now    time.Time
		want   error
	}{
		"tampered body":   {body: tampered, want: webhook.ErrSignature},
		"other id":        {edit: func(h http.Header) { h.Set(webhook.HeaderID, "invoice_issued/org-2/2025-03") }, want: webhook.ErrSignature},
		"other timestamp": {edit: func(h http.Header) { h.Set(webhook.HeaderTimestamp, "1750000001") }, want: webhook.ErrSignature},
		"stale":           {now: now.Add(6 * time.Minute), want: webhook.ErrTimestamp},
		"from the future": {now: now.Add(-6 * time.Minute), want: webhook.ErrTimestamp},
		"no id":           {edit: func(h http.Header) { h.Del(webhook.HeaderID) }, want: webhook.ErrSignature},
		"no timestamp":    {edit: func(h http.Header) { h.Del(webhook.HeaderTimestamp) }, want: webhook.ErrSignature},
		"no signature":    {edit: func(h http.Header) { h.Del(webhook.HeaderSignature) }, want: webhook.ErrSignature},
		"bad timestamp":   {edit: func(h http.Header) { h.Set(webhook.HeaderTimestamp, "yesterday") }, want: webhook.ErrSignature},
		"other version": {edit: func(h http.Header) {
			h.Set(webhook.HeaderSignature, strings.Replace(h.Get(webhook.HeaderSignature), "v1,", "v1a,", 1))
		}, want: webhook.ErrSignature},
		"other secret":       {secret: secret('b'), want: webhook.ErrSignature},
		"secret, no prefix":  {secret: strings.TrimPrefix(secret('a'), "whsec_"), want: webhook.ErrInvalidSecret},
		"secret too short":   {secret: "whsec_" + base64.StdEncoding.EncodeToString(make([]byte, 23)), want: webhook.ErrInvalidSecret},
		"secret not base64":  {secret: "whsec_!!!", want: webhook.ErrInvalidSecret},
		"signature appended": {edit: func(h http.Header) { h.Set(webhook.HeaderSignature, "v1,AAAA "+h.Get(webhook.HeaderSignature)) }},
	} {
		t.Run(name, func(t *testing.T) {
			hh := h.Clone()
			if tc.edit != nil {
				tc.edit(hh)
			}
			b, s, n := body, secret('a'), now
			if tc.body != nil {
				b = tc.body
			}
			if tc.secret != "" {
				s = tc.secret
			}
			if !tc.now.IsZero() {
				n = tc.now
			}
			err := webhook.Verify(s, hh, b, 0, n)
			if tc.want == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tc.want)
			}
		})
	}
}

// The test vector of the Standard Webhooks reference libraries verifies.
func TestVerifyReferenceVector(t *testing.T) {
	h := http.Header{}
	h.Set(webhook.HeaderID, "msg_p5jXN8AQM9LWM0D4loKWxJek")
	h.Set(webhook.HeaderTimestamp, "1614265330")
	h.Set(webhook.HeaderSignature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
	require.NoError(t, webhook.Verify("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", h,
		[]byte(`{"test": 2432232314}`), 0, time.Unix(1614265330, 0)))
}

func TestNew(t *testing.T) {
	for name, tc := range map[string]struct {
		url     string
		secrets []string
	}{
		"no scheme":   {"example.com/hook", []string{secret('a')}},
		"ftp":         {"ftp://example.com/hook", []string{secret('a')}},
		"no host":     {"https:///hook", []string{secret('a')}},
		"no secret":   {"https://example.com/hook", nil},
		"bad secret":  {"https://example.com/hook", []string{secret('a'), "whsec_c2hvcnQ="}},
		"raw secret":  {"https://example.com/hook", []string{"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}},
		"too long":    {"https://example.com/hook", []string{"whsec_" + base64.StdEncoding.EncodeToString(make([]byte, 65))}},
		"empty value": {"https://example.com/hook", []string{""}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := webhook.New(tc.url, tc.secrets)
			require.ErrorIs(t, err, contacts.ErrInvalid)
			for _, s := range tc.secrets {
				if s != "" {
					assert.NotContains(t, err.Error(), strings.TrimPrefix(s, "whsec_"), "errors never quote a secret")
				}
			}
		})
	}
	_, err := webhook.New("https://example.com/hook", []string{"whsec_c2hvcnQ="})
	require.ErrorIs(t, err, webhook.ErrInvalidSecret)
	_, err = webhook.New("https://example.com/hook", []string{"whsec_" + base64.StdEncoding.EncodeToString(make([]byte, 64))})
	require.NoError(t, err)
}

func TestID(t *testing.T) {
	assert.Equal(t, "invoice_issued/org-1/2025-03", webhook.ID("invoice_issued/org-1/2025-03"))
	assert.Equal(t, "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", webhook.ID("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"))
	for _, k := range []string{"a.b", "with space", "請求", strings.Repeat("k", 257), "", "a\nb"} {
		assert.Regexp(t, `^sha256_[0-9a-f]{64}$`, webhook.ID(k), k)
	}
	assert.NotEqual(t, webhook.ID("a.b"), webhook.ID("a.c"))
}

func TestSendKeyNeedingHash(t *testing.T) {
	rc := &receiver{}
	tr, err := webhook.New(start(t, rc), []string{secret('a')})
	require.NoError(t, err)
	m := message()
	m.IdempotencyKey = "通知.1"
	require.NoError(t, tr.Send(t.Context(), m))
	reqs, processed := rc.snapshot()
	assert.Equal(t, webhook.ID("通知.1"), reqs[0].header.Get(webhook.HeaderID))
	assert.Empty(t, reqs[0].header.Get(webhook.HeaderIdempotencyKey), "not header-safe")
	assert.Equal(t, "通知.1", processed[0].IdempotencyKey, "the body carries the key as it is")
	require.NoError(t, webhook.Verify(secret('a'), reqs[0].header, reqs[0].body, 0, time.Now()))
}
