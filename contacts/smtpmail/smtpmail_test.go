package smtpmail_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/contacts/smtpmail"
)

var fixedNow = time.Date(2025, 4, 1, 9, 30, 0, 0, time.FixedZone("JST", 9*3600))

func newTransport(t *testing.T, cfg smtpmail.Config) *smtpmail.Transport {
	t.Helper()
	if cfg.From == "" {
		cfg.From = "Reseller <noreply@reseller.example>"
	}
	if cfg.TLS == "" {
		cfg.TLS = smtpmail.TLSNone
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	cfg.Now = func() time.Time { return fixedNow }
	tr, err := smtpmail.New(cfg)
	require.NoError(t, err)
	return tr
}

func japaneseMessage() contacts.Message {
	return contacts.Message{
		IdempotencyKey: "invoice_issued/org-1/2025-03",
		NoticeID:       "n-1",
		Kind:           contacts.KindInvoiceIssued,
		Language:       contacts.Japanese,
		To:             []string{"keiri@customer.example", "Billing <billing@customer.example>"},
		CC:             []string{"cc@customer.example"},
		Subject:        "【請求書発行】2025年3月分のご請求について（プロジェクト：基幹システム移行）",
		Text:           "いつもお世話になっております。\n2025年3月分の請求書を発行しました。\n金額: ¥123,456\n",
		HTML:           "<p>いつもお世話になっております。</p>\n<p>2025年3月分の請求書を発行しました。</p>\n",
	}
}

// parsed is a received message read back with net/mail and mime.
type parsed struct {
	header mail.Header
	parts  map[string]string // media type → decoded body
}

func parse(t *testing.T, data []byte) parsed {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	require.NoError(t, err)
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	require.NoError(t, err)
	p := parsed{header: msg.Header, parts: map[string]string{}}
	if mt != "multipart/alternative" {
		require.Equal(t, "quoted-printable", msg.Header.Get("Content-Transfer-Encoding"))
		body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
		require.NoError(t, err)
		p.parts[mt] = strings.TrimSuffix(string(body), "\r\n") // the CRLF before DATA's final dot
		return p
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		pt, pparams, err := mime.ParseMediaType(part.Header.Get("Content-Type"))
		require.NoError(t, err)
		assert.Equal(t, "UTF-8", pparams["charset"])
		body, err := io.ReadAll(part) // NextPart decodes quoted-printable
		require.NoError(t, err)
		p.parts[pt] = string(body)
	}
	return p
}

// C-7: a Japanese notice arrives whole, with a Message-ID that a resend repeats.
func TestSendJapaneseRoundTrip(t *testing.T) {
	be := &backend{}
	addr := startServer(t, be, serverOpts{})
	tr := newTransport(t, smtpmail.Config{Addr: addr})
	m := japaneseMessage()

	require.NoError(t, tr.Send(t.Context(), m))
	require.NoError(t, tr.Send(t.Context(), m)) // the dispatcher resends after a crash
	msgs := be.messages()
	require.Len(t, msgs, 2)

	got := msgs[0]
	assert.Equal(t, "noreply@reseller.example", got.From)
	assert.Equal(t, []string{"keiri@customer.example", "billing@customer.example", "cc@customer.example"}, got.Rcpts)

	p := parse(t, got.Data)
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(p.header.Get("Subject"))
	require.NoError(t, err)
	assert.Equal(t, m.Subject, subject)
	assert.NotEqual(t, m.Subject, p.header.Get("Subject"), "the raw Subject is RFC 2047 encoded")

	from, err := p.header.AddressList("From")
	require.NoError(t, err)
	assert.Equal(t, []*mail.Address{{Name: "Reseller", Address: "noreply@reseller.example"}}, from)
	to, err := p.header.AddressList("To")
	require.NoError(t, err)
	assert.Equal(t, []*mail.Address{{Address: "keiri@customer.example"},
		{Name: "Billing", Address: "billing@customer.example"}}, to)
	cc, err := p.header.AddressList("Cc")
	require.NoError(t, err)
	assert.Equal(t, []*mail.Address{{Address: "cc@customer.example"}}, cc)
	assert.Empty(t, p.header.Get("Bcc"))

	date, err := p.header.Date()
	require.NoError(t, err)
	assert.True(t, fixedNow.Equal(date))
	assert.Equal(t, "auto-generated", p.header.Get("Auto-Submitted"))
	assert.Equal(t, m.IdempotencyKey, p.header.Get("Idempotency-Key"))
	wantID := smtpmail.MessageID(m.IdempotencyKey, "reseller.example")
	assert.Regexp(t, `^<[0-9a-f]{32}@reseller\.example>$`, wantID)
	assert.Equal(t, wantID, p.header.Get("Message-ID"))
	assert.Equal(t, wantID, parse(t, msgs[1].Data).header.Get("Message-ID"), "same key, same Message-ID")

	assert.Equal(t, strings.ReplaceAll(m.Text, "\n", "\r\n"), p.parts["text/plain"])
	assert.Equal(t, strings.ReplaceAll(m.HTML, "\n", "\r\n"), p.parts["text/html"])

	// Header lines are folded between encoded words: continuation lines stay
	// within 78 characters, a first line within its name and one encoded word (75).
	head, _, _ := bytes.Cut(got.Data, []byte("\r\n\r\n"))
	lines := strings.Split(string(head), "\r\n")
	var continued int
	for _, line := range lines {
		if strings.HasPrefix(line, " ") {
			continued++
			assert.LessOrEqual(t, len(line), 78, line)
		} else {
			assert.LessOrEqual(t, len(line), len("Subject: ")+75, line)
		}
	}
	assert.Positive(t, continued, "the long subject is folded")
}

func TestMessageIDDiffersByKey(t *testing.T) {
	assert.NotEqual(t, smtpmail.MessageID("a", "x.example"), smtpmail.MessageID("b", "x.example"))
	assert.Equal(t, smtpmail.MessageID("a", "x.example"), smtpmail.MessageID("a", "x.example"))
}

func TestSendSinglePart(t *testing.T) {
	be := &backend{}
	addr := startServer(t, be, serverOpts{})
	tr := newTransport(t, smtpmail.Config{Addr: addr})

	m := contacts.Message{IdempotencyKey: "k", To: []string{"a@customer.example"}, Subject: "Test", Text: "plain only"}
	require.NoError(t, tr.Send(t.Context(), m))
	m.Text, m.HTML, m.IdempotencyKey = "", "<p>HTMLだけ</p>", ""
	require.NoError(t, tr.Send(t.Context(), m))

	msgs := be.messages()
	require.Len(t, msgs, 2)
	assert.Equal(t, map[string]string{"text/plain": "plain only"}, parse(t, msgs[0].Data).parts)
	p := parse(t, msgs[1].Data)
	assert.Equal(t, map[string]string{"text/html": "<p>HTMLだけ</p>"}, p.parts)
	assert.Empty(t, p.header.Get("Idempotency-Key"), "no key, no header")
	assert.Regexp(t, `^<[0-9a-f]{32}@reseller\.example>$`, p.header.Get("Message-ID"))
}

// C-7: the server refuses N times, then recovers; every refusal is retryable and
// the notice arrives exactly once.
func TestC7RefusedNTimesThenAccepted(t *testing.T) {
	const refusals = 3
	be := &backend{refuse: refusals}
	addr := startServer(t, be, serverOpts{})
	tr := newTransport(t, smtpmail.Config{Addr: addr})
	m := japaneseMessage()

	var failures int
	for attempt := 0; attempt < 10; attempt++ {
		err := tr.Send(t.Context(), m)
		if err == nil {
			break
		}
		failures++
		require.NotErrorIs(t, err, contacts.ErrPermanent)
		var te *textproto.Error
		require.ErrorAs(t, err, &te)
		assert.Equal(t, 451, te.Code)
		assert.Empty(t, be.messages(), "a refused recipient aborts the whole transaction")
	}
	assert.Equal(t, refusals, failures)
	assert.Len(t, be.messages(), 1)
}

// twoRecipients is a message to two addresses.
func twoRecipients() contacts.Message {
	m := japaneseMessage()
	m.To, m.CC = []string{"keiri@customer.example", "gone@customer.example"}, nil
	return m
}

// refusedCall is one call of Config.OnRefused.
type refusedCall struct {
	key     string
	refused []string
	err     error
}

// One recipient refused with 550: the other receives the message, Send reports
// success (a retry could only duplicate it), and OnRefused names the refused one.
func TestSendPartlyRefused(t *testing.T) {
	be := &backend{reject: map[string]bool{"gone@customer.example": true}}
	addr := startServer(t, be, serverOpts{})
	var (
		mu    sync.Mutex
		calls []refusedCall
	)
	tr := newTransport(t, smtpmail.Config{Addr: addr, OnRefused: func(m contacts.Message, refused []string, err error) {
		mu.Lock()
		defer mu.Unlock()
		calls = append(calls, refusedCall{m.IdempotencyKey, refused, err})
	}})

	m := twoRecipients()
	require.NoError(t, tr.Send(t.Context(), m))
	msgs := be.messages()
	require.Len(t, msgs, 1)
	assert.Equal(t, []string{"keiri@customer.example"}, msgs[0].Rcpts)
	to, err := parse(t, msgs[0].Data).header.AddressList("To")
	require.NoError(t, err)
	assert.Len(t, to, 2, "the header still shows every addressee")

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, calls, 1)
	assert.Equal(t, m.IdempotencyKey, calls[0].key)
	assert.Equal(t, []string{"gone@customer.example"}, calls[0].refused)
	require.ErrorIs(t, calls[0].err, contacts.ErrPermanent)
	var te *textproto.Error
	require.ErrorAs(t, calls[0].err, &te)
	assert.Equal(t, 550, te.Code)
	assert.Contains(t, calls[0].err.Error(), "RCPT TO <gone@customer.example>")

	// Without OnRefused the refusal is ignored, and the message still goes out.
	quiet := newTransport(t, smtpmail.Config{Addr: addr})
	require.NoError(t, quiet.Send(t.Context(), m))
	assert.Len(t, be.messages(), 2)
}

func TestSendAllRefusedIsPermanent(t *testing.T) {
	be := &backend{reject: map[string]bool{"keiri@customer.example": true, "gone@customer.example": true}}
	addr := startServer(t, be, serverOpts{})
	var called bool
	tr := newTransport(t, smtpmail.Config{Addr: addr, OnRefused: func(contacts.Message, []string, error) { called = true }})

	err := tr.Send(t.Context(), twoRecipients())
	require.ErrorIs(t, err, contacts.ErrPermanent)
	var te *textproto.Error
	require.ErrorAs(t, err, &te)
	assert.Equal(t, 550, te.Code)
	assert.Contains(t, err.Error(), "keiri@customer.example")
	assert.Contains(t, err.Error(), "gone@customer.example")
	assert.Empty(t, be.messages())
	assert.False(t, called, "a failed Send reports through its error")
}

// A 4xx on one recipient fails the whole message: delivering to the other now
// and retrying later would send it to that one twice.
func TestSendTemporaryRecipientFailureAbortsAll(t *testing.T) {
	for name, rcptErr := range map[string]map[string]error{
		"451 on the second": {"gone@customer.example": &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 2, 0},
			Message: "mailbox busy"}},
		"550 then 452": {
			"keiri@customer.example": &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"},
			"gone@customer.example":  &smtp.SMTPError{Code: 452, EnhancedCode: smtp.EnhancedCode{4, 5, 3}, Message: "too many recipients"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			be := &backend{rcptErr: rcptErr}
			addr := startServer(t, be, serverOpts{})
			tr := newTransport(t, smtpmail.Config{Addr: addr,
				OnRefused: func(contacts.Message, []string, error) { t.Error("OnRefused called") }})
			err := tr.Send(t.Context(), twoRecipients())
			require.Error(t, err)
			assert.NotErrorIs(t, err, contacts.ErrPermanent)
			var te *textproto.Error
			require.ErrorAs(t, err, &te)
			assert.Equal(t, 4, te.Code/100)
			assert.Contains(t, err.Error(), "RCPT TO <gone@customer.example>")
			assert.Empty(t, be.messages(), "nobody receives a message reported as failed")
		})
	}
}

// 5xx replies before RCPT TO, and RCPT or DATA refusals about the account, are
// the configuration's: retryable, naming the step. A 5xx to the message's data
// refuses the message: permanent.
func TestSendReplyClassification(t *testing.T) {
	relay := &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 7, 1},
		Message: "<keiri@customer.example>: Relay access denied"}
	for name, tc := range map[string]struct {
		be        *backend
		step      string
		code      int
		permanent bool
	}{
		"MAIL FROM 550": {be: &backend{mailErr: &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 8},
			Message: "sender domain not accepted"}}, step: "MAIL FROM", code: 550},
		"MAIL FROM 530, no AUTH configured": {be: &backend{users: map[string]string{"mailer": "s3cret"}},
			step: "MAIL FROM", code: 502}, // go-smtp answers 502 5.7.0; RFC 4954 says 530
		"RCPT relay denied": {be: &backend{rcptErr: map[string]error{"keiri@customer.example": relay}},
			step: "RCPT TO <keiri@customer.example>", code: 554},
		"RCPT 530": {be: &backend{rcptErr: map[string]error{"keiri@customer.example": &smtp.SMTPError{Code: 530,
			EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}}},
			step: "RCPT TO <keiri@customer.example>", code: 530},
		"end of data 554 send-as denied": {be: &backend{dataErr: &smtp.SMTPError{Code: 554,
			EnhancedCode: smtp.EnhancedCode{5, 2, 252}, Message: "SendAsDenied; not allowed to send as noreply@reseller.example"}},
			step: "end of DATA", code: 554},
		"end of data 554 content": {be: &backend{dataErr: &smtp.SMTPError{Code: 554,
			EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "message content rejected"}},
			step: "end of DATA", code: 554, permanent: true},
		"end of data 552 size": {be: &backend{dataErr: &smtp.SMTPError{Code: 552,
			EnhancedCode: smtp.EnhancedCode{5, 3, 4}, Message: "message too big"}},
			step: "end of DATA", code: 552, permanent: true},
	} {
		t.Run(name, func(t *testing.T) {
			addr := startServer(t, tc.be, serverOpts{plainAuth: true})
			tr := newTransport(t, smtpmail.Config{Addr: addr})
			err := tr.Send(t.Context(), twoRecipients())
			require.Error(t, err)
			assert.Equal(t, tc.permanent, errors.Is(err, contacts.ErrPermanent), err.Error())
			var te *textproto.Error
			require.ErrorAs(t, err, &te)
			assert.Equal(t, tc.code, te.Code)
			assert.Contains(t, err.Error(), tc.step)
			assert.Empty(t, tc.be.messages())
		})
	}
}

func TestSendAuthPlain(t *testing.T) {
	be := &backend{users: map[string]string{"mailer": "s3cret"}}
	addr := startServer(t, be, serverOpts{plainAuth: true})

	// net/smtp sends PLAIN in the clear only to localhost: 127.0.0.1 is.
	tr := newTransport(t, smtpmail.Config{Addr: addr, Username: "mailer", Password: "s3cret"})
	require.NoError(t, tr.Send(t.Context(), japaneseMessage()))
	msgs := be.messages()
	require.Len(t, msgs, 1)
	assert.Equal(t, "mailer", msgs[0].User)

	// A wrong password is the configuration's fault: every notice would fail the
	// same way, so it is retried while an operator fixes it, and the error says
	// where it failed.
	bad := newTransport(t, smtpmail.Config{Addr: addr, Username: "mailer", Password: "wrong"})
	err := bad.Send(t.Context(), japaneseMessage())
	require.Error(t, err)
	assert.NotErrorIs(t, err, contacts.ErrPermanent)
	var te *textproto.Error
	require.ErrorAs(t, err, &te)
	assert.Equal(t, 535, te.Code)
	assert.Contains(t, err.Error(), "AUTH: 535")

	anon := newTransport(t, smtpmail.Config{Addr: addr})
	err = anon.Send(t.Context(), japaneseMessage())
	require.Error(t, err, "auth required")
	assert.NotErrorIs(t, err, contacts.ErrPermanent)
	assert.Contains(t, err.Error(), "MAIL FROM")
	assert.Len(t, be.messages(), 1)
}

// Microsoft 365 and some other relays offer only AUTH LOGIN.
func TestSendAuthLogin(t *testing.T) {
	be := &backend{users: map[string]string{"mailer@reseller.example": "s3cret"}, mechs: []string{sasl.Login}}
	addr := startServer(t, be, serverOpts{plainAuth: true})
	tr := newTransport(t, smtpmail.Config{Addr: addr, Username: "mailer@reseller.example", Password: "s3cret"})
	require.NoError(t, tr.Send(t.Context(), japaneseMessage()))
	msgs := be.messages()
	require.Len(t, msgs, 1)
	assert.Equal(t, "mailer@reseller.example", msgs[0].User)

	bad := newTransport(t, smtpmail.Config{Addr: addr, Username: "mailer@reseller.example", Password: "wrong"})
	err := bad.Send(t.Context(), japaneseMessage())
	require.Error(t, err)
	assert.NotErrorIs(t, err, contacts.ErrPermanent)
	assert.Contains(t, err.Error(), "AUTH")

	// Both offered: PLAIN is chosen (one round trip).
	both := &backend{users: map[string]string{"mailer": "s3cret"}, mechs: []string{sasl.Login, sasl.Plain}}
	addr = startServer(t, both, serverOpts{plainAuth: true})
	require.NoError(t, newTransport(t, smtpmail.Config{Addr: addr, Username: "mailer", Password: "s3cret"}).
		Send(t.Context(), japaneseMessage()))
	assert.Len(t, both.messages(), 1)
}

func TestSendAuthNoCommonMechanism(t *testing.T) {
	be := &backend{users: map[string]string{"mailer": "s3cret"}, mechs: []string{"XOAUTH2", "CRAM-MD5"}}
	addr := startServer(t, be, serverOpts{plainAuth: true})
	tr := newTransport(t, smtpmail.Config{Addr: addr, Username: "mailer", Password: "s3cret"})
	err := tr.Send(t.Context(), japaneseMessage())
	require.Error(t, err)
	assert.NotErrorIs(t, err, contacts.ErrPermanent, "a configuration problem")
	assert.Contains(t, err.Error(), "AUTH")
	assert.Contains(t, err.Error(), "XOAUTH2 CRAM-MD5")
	assert.Empty(t, be.messages())
}

// An ASCII subject holding "=?" is encoded too: sent as it is, a mail client
// would decode "=?utf-8?B?...?=" in it as an encoded word.
func TestSendSubjectLookingEncoded(t *testing.T) {
	be := &backend{}
	addr := startServer(t, be, serverOpts{})
	tr := newTransport(t, smtpmail.Config{Addr: addr})
	m := japaneseMessage()
	for _, subject := range []string{
		"Re: =?utf-8?B?5pS75pKD?= is not an attack",
		"a=?b " + strings.Repeat("long ascii subject ", 8),
		"Plain subject",
	} {
		m.Subject = subject
		require.NoError(t, tr.Send(t.Context(), m))
		msgs := be.messages()
		p := parse(t, msgs[len(msgs)-1].Data)
		raw := p.header.Get("Subject")
		decoded, err := new(mime.WordDecoder).DecodeHeader(raw)
		require.NoError(t, err)
		assert.Equal(t, subject, decoded)
		if strings.Contains(subject, "=?") {
			assert.NotEqual(t, subject, raw, "encoded")
		} else {
			assert.Equal(t, subject, raw, "no need to encode")
		}
	}
	head, _, _ := bytes.Cut(be.messages()[1].Data, []byte("\r\n\r\n"))
	for _, line := range strings.Split(string(head), "\r\n") {
		assert.LessOrEqual(t, len(line), len("Subject: ")+75, line)
	}

	m.Subject, m.IdempotencyKey = "x", "k=?x?="
	require.NoError(t, tr.Send(t.Context(), m))
	msgs := be.messages()
	raw := parse(t, msgs[len(msgs)-1].Data).header.Get("Idempotency-Key")
	assert.NotEqual(t, m.IdempotencyKey, raw)
	decoded, err := new(mime.WordDecoder).DecodeHeader(raw)
	require.NoError(t, err)
	assert.Equal(t, m.IdempotencyKey, decoded)
}

func TestSendHelloName(t *testing.T) {
	be := &backend{}
	addr := startServer(t, be, serverOpts{})

	require.NoError(t, newTransport(t, smtpmail.Config{Addr: addr, HelloName: "mx1.reseller.example"}).
		Send(t.Context(), japaneseMessage()))
	for _, tc := range []struct{ hostname, want string }{
		{"app-1.tokyo.reseller.example", "app-1.tokyo.reseller.example"},
		{"app-1", "reseller.example"},                 // not qualified: the From domain
		{"localhost.localdomain", "reseller.example"}, // never localhost
	} {
		restore := smtpmail.SetHostname(func() (string, error) { return tc.hostname, nil })
		tr := newTransport(t, smtpmail.Config{Addr: addr})
		restore()
		require.NoError(t, tr.Send(t.Context(), japaneseMessage()))
	}
	var got []string
	for _, r := range be.messages() {
		got = append(got, r.Helo)
	}
	assert.Equal(t, []string{"mx1.reseller.example", "app-1.tokyo.reseller.example", "reseller.example",
		"reseller.example"}, got)
}

func TestSendStartTLS(t *testing.T) {
	serverTLS, clientTLS := testCert(t)

	t.Run("required, offered, with auth", func(t *testing.T) {
		be := &backend{users: map[string]string{"mailer": "s3cret"}}
		addr := startServer(t, be, serverOpts{tls: serverTLS}) // AUTH only after STARTTLS
		tr := newTransport(t, smtpmail.Config{Addr: addr, TLS: smtpmail.TLSStartTLS, TLSConfig: clientTLS,
			Username: "mailer", Password: "s3cret"})
		require.NoError(t, tr.Send(t.Context(), japaneseMessage()))
		msgs := be.messages()
		require.Len(t, msgs, 1)
		assert.True(t, msgs[0].TLS)
		assert.Equal(t, "mailer", msgs[0].User)
	})
	t.Run("required, not offered", func(t *testing.T) {
		be := &backend{}
		addr := startServer(t, be, serverOpts{})
		tr := newTransport(t, smtpmail.Config{Addr: addr, TLS: smtpmail.TLSStartTLS, TLSConfig: clientTLS})
		err := tr.Send(t.Context(), japaneseMessage())
		require.Error(t, err)
		assert.NotErrorIs(t, err, contacts.ErrPermanent)
		assert.Contains(t, err.Error(), "STARTTLS")
		assert.Empty(t, be.messages())
	})
	t.Run("required, untrusted certificate", func(t *testing.T) {
		be := &backend{}
		addr := startServer(t, be, serverOpts{tls: serverTLS})
		tr := newTransport(t, smtpmail.Config{Addr: addr, TLS: smtpmail.TLSStartTLS})
		err := tr.Send(t.Context(), japaneseMessage())
		require.Error(t, err)
		assert.NotErrorIs(t, err, contacts.ErrPermanent)
		assert.Empty(t, be.messages())
	})
	t.Run("opportunistic", func(t *testing.T) {
		for _, offered := range []bool{true, false} {
			be := &backend{}
			o := serverOpts{}
			if offered {
				o.tls = serverTLS
			}
			addr := startServer(t, be, o)
			tr := newTransport(t, smtpmail.Config{Addr: addr, TLS: smtpmail.TLSOpportunistic, TLSConfig: clientTLS})
			require.NoError(t, tr.Send(t.Context(), japaneseMessage()))
			msgs := be.messages()
			require.Len(t, msgs, 1)
			assert.Equal(t, offered, msgs[0].TLS)
		}
	})
	t.Run("implicit", func(t *testing.T) {
		be := &backend{}
		addr := startServer(t, be, serverOpts{tls: serverTLS, implicit: true})
		tr := newTransport(t, smtpmail.Config{Addr: addr, TLS: smtpmail.TLSImplicit, TLSConfig: clientTLS})
		require.NoError(t, tr.Send(t.Context(), japaneseMessage()))
		msgs := be.messages()
		require.Len(t, msgs, 1)
		assert.True(t, msgs[0].TLS)
	})
}

// silentServer accepts connections and never answers, like a hung server.
func silentServer(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	done := make(chan struct{})
	go func() {
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				_ = c.Close()
			}
		}()
		for {
			c, err := l.Accept()
			if err != nil {
				<-done
				return
			}
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() { close(done); _ = l.Close() })
	return l.Addr().String()
}

func TestSendContext(t *testing.T) {
	addr := silentServer(t)
	tr := newTransport(t, smtpmail.Config{Addr: addr, Timeout: time.Minute})

	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(50*time.Millisecond, cancel)
		start := time.Now()
		err := tr.Send(ctx, japaneseMessage())
		require.ErrorIs(t, err, context.Canceled)
		assert.NotErrorIs(t, err, contacts.ErrPermanent)
		assert.Less(t, time.Since(start), 5*time.Second)
	})
	t.Run("deadline", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		defer cancel()
		err := tr.Send(ctx, japaneseMessage())
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.NotErrorIs(t, err, contacts.ErrPermanent)
	})
	t.Run("done before", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		require.ErrorIs(t, tr.Send(ctx, japaneseMessage()), context.Canceled)
	})
	t.Run("config timeout", func(t *testing.T) {
		short := newTransport(t, smtpmail.Config{Addr: addr, Timeout: 100 * time.Millisecond})
		err := short.Send(t.Context(), japaneseMessage())
		require.Error(t, err)
		assert.NotErrorIs(t, err, contacts.ErrPermanent)
		var ne net.Error
		require.ErrorAs(t, err, &ne)
		assert.True(t, ne.Timeout())
	})
}

func TestSendRefusesBadMessages(t *testing.T) {
	be := &backend{}
	addr := startServer(t, be, serverOpts{})
	tr := newTransport(t, smtpmail.Config{Addr: addr})

	for name, edit := range map[string]func(*contacts.Message){
		"subject CRLF":   func(m *contacts.Message) { m.Subject = "hello\r\nBcc: victim@example.com" },
		"subject LF":     func(m *contacts.Message) { m.Subject = "hello\nX-Evil: 1" },
		"to CRLF":        func(m *contacts.Message) { m.To = []string{"a@example.com\r\nBcc: victim@example.com"} },
		"cc LF":          func(m *contacts.Message) { m.CC = []string{"a@example.com\nX: y"} },
		"key CR":         func(m *contacts.Message) { m.IdempotencyKey = "k\rX: y" },
		"bad address":    func(m *contacts.Message) { m.To = []string{"not an address"} },
		"no recipients":  func(m *contacts.Message) { m.To, m.CC = nil, nil },
		"display name ↵": func(m *contacts.Message) { m.To = []string{"\"A\r\nB\" <a@example.com>"} },
	} {
		t.Run(name, func(t *testing.T) {
			m := japaneseMessage()
			edit(&m)
			require.ErrorIs(t, tr.Send(t.Context(), m), contacts.ErrPermanent)
		})
	}
	assert.Empty(t, be.messages())
	be.mu.Lock()
	defer be.mu.Unlock()
	assert.Zero(t, be.sessions, "a refused message never reaches the server")
}

func TestNewRefusesBadConfig(t *testing.T) {
	for name, cfg := range map[string]smtpmail.Config{
		"no addr":            {From: "a@example.com"},
		"no port":            {Addr: "smtp.example.com", From: "a@example.com"},
		"no from":            {Addr: "smtp.example.com:587"},
		"from CRLF":          {Addr: "smtp.example.com:587", From: "a@example.com\r\nBcc: b@example.com"},
		"bad mode":           {Addr: "smtp.example.com:587", From: "a@example.com", TLS: "ssl"},
		"password, no user":  {Addr: "smtp.example.com:587", From: "a@example.com", Password: "p"},
		"plain auth remote":  {Addr: "smtp.example.com:25", From: "a@example.com", TLS: smtpmail.TLSNone, Username: "u"},
		"hello name injects": {Addr: "smtp.example.com:587", From: "a@example.com", HelloName: "x\r\nMAIL FROM:<a>"},
		"hello name space":   {Addr: "smtp.example.com:587", From: "a@example.com", HelloName: "x y"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := smtpmail.New(cfg)
			require.ErrorIs(t, err, contacts.ErrInvalid)
		})
	}
	_, err := smtpmail.New(smtpmail.Config{Addr: "localhost:25", From: "a@example.com", TLS: smtpmail.TLSNone, Username: "u"})
	require.NoError(t, err, "plain auth to localhost is allowed")
}

func TestTLSModeUnmarshalText(t *testing.T) {
	for in, want := range map[string]smtpmail.TLSMode{
		"": smtpmail.TLSStartTLS, "starttls": smtpmail.TLSStartTLS, "opportunistic": smtpmail.TLSOpportunistic,
		"implicit": smtpmail.TLSImplicit, "none": smtpmail.TLSNone,
	} {
		var m smtpmail.TLSMode
		require.NoError(t, m.UnmarshalText([]byte(in)))
		assert.Equal(t, want, m)
	}
	var m smtpmail.TLSMode
	require.ErrorIs(t, m.UnmarshalText([]byte("STARTTLS ")), contacts.ErrInvalid)
}
