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
	"testing"
	"time"

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

func TestSendRejectedIsPermanent(t *testing.T) {
	be := &backend{reject: map[string]bool{"cc@customer.example": true}}
	addr := startServer(t, be, serverOpts{})
	tr := newTransport(t, smtpmail.Config{Addr: addr})

	err := tr.Send(t.Context(), japaneseMessage())
	require.ErrorIs(t, err, contacts.ErrPermanent)
	var te *textproto.Error
	require.ErrorAs(t, err, &te)
	assert.Equal(t, 550, te.Code)
	assert.Contains(t, err.Error(), "cc@customer.example")
	assert.Empty(t, be.messages(), "nobody receives a message reported as failed")
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

	bad := newTransport(t, smtpmail.Config{Addr: addr, Username: "mailer", Password: "wrong"})
	err := bad.Send(t.Context(), japaneseMessage())
	require.ErrorIs(t, err, contacts.ErrPermanent, "535 authentication failed")

	anon := newTransport(t, smtpmail.Config{Addr: addr})
	require.ErrorIs(t, anon.Send(t.Context(), japaneseMessage()), contacts.ErrPermanent, "530 auth required")
	assert.Len(t, be.messages(), 1)
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
