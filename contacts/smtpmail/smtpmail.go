package smtpmail

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strings"
	"time"

	"github.com/seeda33a2f4f/resellerkit/contacts"
)

// TLSMode says how the connection to the SMTP server is protected. The zero value
// is TLSStartTLS.
type TLSMode string

// The TLS modes.
const (
	// TLSStartTLS upgrades the connection with STARTTLS and refuses a server that
	// does not offer it (a downgrade attack looks like that). The default.
	TLSStartTLS TLSMode = "starttls"
	// TLSOpportunistic upgrades with STARTTLS when the server offers it and goes on
	// in plain text otherwise.
	TLSOpportunistic TLSMode = "opportunistic"
	// TLSImplicit speaks TLS from the first byte (SMTPS, usually port 465).
	TLSImplicit TLSMode = "implicit"
	// TLSNone never uses TLS: for tests and relays on the same host.
	TLSNone TLSMode = "none"
)

// UnmarshalText accepts "starttls", "opportunistic", "implicit" and "none"; the
// empty string is TLSStartTLS.
func (m *TLSMode) UnmarshalText(b []byte) error {
	switch v := TLSMode(b); v {
	case "":
		*m = TLSStartTLS
	case TLSStartTLS, TLSOpportunistic, TLSImplicit, TLSNone:
		*m = v
	default:
		return fmt.Errorf("smtpmail: %w: TLS mode %q (want starttls, opportunistic, implicit or none)",
			contacts.ErrInvalid, string(b))
	}
	return nil
}

// Config configures a Transport.
type Config struct {
	// Addr is the server's "host:port", e.g. "smtp.example.com:587".
	Addr string
	// From is the sender, "noreply@example.com" or "Example <noreply@example.com>":
	// the envelope sender, the From header and the domain of every Message-ID.
	From string
	// Username and Password, when Username is set, authenticate with AUTH PLAIN,
	// which is sent only over TLS or to localhost.
	Username string
	Password string
	// TLS is how the connection is protected; "" is TLSStartTLS.
	TLS TLSMode
	// TLSConfig is used for STARTTLS and implicit TLS; nil means the system roots.
	// Its ServerName defaults to Addr's host.
	TLSConfig *tls.Config
	// HelloName is the name sent with EHLO; "" sends "localhost".
	HelloName string
	// Timeout bounds one Send, dial to QUIT; 0 means 30 seconds. A ctx deadline
	// that comes sooner wins.
	Timeout time.Duration
	// Now is the clock of the Date header; nil means time.Now.
	Now func() time.Time
}

// Transport sends contacts.Message values by SMTP. It is safe for concurrent use:
// each Send opens its own connection.
type Transport struct {
	cfg    Config
	host   string
	from   *mail.Address
	domain string
	tls    *tls.Config
}

var _ contacts.Transport = (*Transport)(nil)

// New returns a Transport for cfg. It reports an error wrapping contacts.ErrInvalid
// when cfg is incomplete or inconsistent: no Addr or From, an unknown TLS mode, a
// Password without a Username, or credentials that would cross the network in
// plain text (TLSNone to a host other than localhost).
func New(cfg Config) (*Transport, error) {
	host, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil || host == "" {
		return nil, fmt.Errorf("smtpmail: %w: Addr %q is not host:port", contacts.ErrInvalid, cfg.Addr)
	}
	if err := cfg.TLS.UnmarshalText([]byte(cfg.TLS)); err != nil {
		return nil, err
	}
	if hasCRLF(cfg.From) {
		return nil, fmt.Errorf("smtpmail: %w: From holds CR or LF", contacts.ErrInvalid)
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("smtpmail: %w: From %q: %v", contacts.ErrInvalid, cfg.From, err)
	}
	if cfg.Password != "" && cfg.Username == "" {
		return nil, fmt.Errorf("smtpmail: %w: Password without Username", contacts.ErrInvalid)
	}
	if cfg.Username != "" && cfg.TLS == TLSNone && !isLocalhost(host) {
		return nil, fmt.Errorf("smtpmail: %w: AUTH PLAIN to %s needs TLS", contacts.ErrInvalid, host)
	}
	if hasCRLF(cfg.HelloName) {
		return nil, fmt.Errorf("smtpmail: %w: HelloName holds CR or LF", contacts.ErrInvalid)
	}
	if cfg.HelloName == "" {
		cfg.HelloName = "localhost"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	tc := &tls.Config{}
	if cfg.TLSConfig != nil {
		tc = cfg.TLSConfig.Clone()
	}
	if tc.ServerName == "" {
		tc.ServerName = host
	}
	domain := from.Address[strings.LastIndexByte(from.Address, '@')+1:]
	return &Transport{cfg: cfg, host: host, from: from, domain: domain, tls: tc}, nil
}

// Send delivers m to its To and Cc addresses in one SMTP transaction. It returns
// nil once the server has accepted the message (250 after DATA), an error wrapping
// contacts.ErrPermanent for a 5xx reply or a message that cannot be sent as it is,
// and another error (retryable) for a 4xx reply, a network or TLS failure, or ctx
// done.
func (t *Transport) Send(ctx context.Context, m contacts.Message) error {
	raw, rcpts, err := t.build(m)
	if err != nil {
		return err
	}
	return t.deliver(ctx, rcpts, raw)
}

// deliver runs the SMTP exchange on a connection whose deadline follows ctx.
func (t *Transport) deliver(ctx context.Context, rcpts []string, raw []byte) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("smtpmail: %w", err)
	}
	deadline := time.Now().Add(t.cfg.Timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	dialer := &net.Dialer{Deadline: deadline}
	var conn net.Conn
	var err error
	if t.cfg.TLS == TLSImplicit {
		conn, err = (&tls.Dialer{NetDialer: dialer, Config: t.tls}).DialContext(ctx, "tcp", t.cfg.Addr)
	} else {
		conn, err = dialer.DialContext(ctx, "tcp", t.cfg.Addr)
	}
	if err != nil {
		return t.fail(ctx, "dial", err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(deadline); err != nil {
		return t.fail(ctx, "dial", err)
	}
	// Cancelling ctx unblocks any read or write in progress.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	c, err := smtp.NewClient(conn, t.host)
	if err != nil {
		return t.fail(ctx, "greeting", err)
	}
	defer c.Close()
	if err := c.Hello(t.cfg.HelloName); err != nil {
		return t.fail(ctx, "EHLO", err)
	}
	if t.cfg.TLS == TLSStartTLS || t.cfg.TLS == TLSOpportunistic {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(t.tls); err != nil {
				return t.fail(ctx, "STARTTLS", err)
			}
		} else if t.cfg.TLS == TLSStartTLS {
			return t.fail(ctx, "STARTTLS", errors.New("the server does not offer STARTTLS, which is required"))
		}
	}
	if t.cfg.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return t.fail(ctx, "AUTH", errors.New("the server does not offer AUTH"))
		}
		if err := c.Auth(smtp.PlainAuth("", t.cfg.Username, t.cfg.Password, t.host)); err != nil {
			return t.fail(ctx, "AUTH", err)
		}
	}
	if err := c.Mail(t.from.Address); err != nil {
		return t.fail(ctx, "MAIL FROM", err)
	}
	for _, r := range rcpts {
		if err := c.Rcpt(r); err != nil {
			_ = c.Reset() // all or nothing: the accepted recipients get nothing either
			return t.fail(ctx, "RCPT TO <"+r+">", err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return t.fail(ctx, "DATA", err)
	}
	if _, err := w.Write(raw); err != nil {
		return t.fail(ctx, "DATA", err)
	}
	if err := w.Close(); err != nil {
		return t.fail(ctx, "end of DATA", err)
	}
	_ = c.Quit() // the message is accepted; a failed QUIT changes nothing
	return nil
}

// fail wraps err from step: contacts.ErrPermanent for a 5xx reply, the context's
// error when ctx is done, as it is otherwise.
func (t *Transport) fail(ctx context.Context, step string, err error) error {
	ctxErr := ctx.Err()
	if d, ok := ctx.Deadline(); ok && ctxErr == nil && !time.Now().Before(d) {
		ctxErr = context.DeadlineExceeded // the connection's deadline fired just before ctx's timer
	}
	if ctxErr != nil {
		return fmt.Errorf("smtpmail: %s %s: %w (%w)", t.cfg.Addr, step, ctxErr, err)
	}
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 {
		return fmt.Errorf("%w: smtpmail: %s %s: %w", contacts.ErrPermanent, t.cfg.Addr, step, err)
	}
	return fmt.Errorf("smtpmail: %s %s: %w", t.cfg.Addr, step, err)
}

// permanent returns an error wrapping contacts.ErrPermanent about a message that
// cannot be sent as it is.
func permanent(format string, args ...any) error {
	return fmt.Errorf("%w: smtpmail: %s", contacts.ErrPermanent, fmt.Sprintf(format, args...))
}

func hasCRLF(s string) bool { return strings.ContainsAny(s, "\r\n") }

func isLocalhost(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

func randomHex() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%x", b)
}
