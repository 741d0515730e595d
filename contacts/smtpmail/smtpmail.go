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
	"os"
	"slices"
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
	// Username and Password, when Username is set, authenticate with AUTH PLAIN
	// when the server offers it and AUTH LOGIN otherwise (Microsoft 365 offers only
	// LOGIN); either is sent only over TLS or to localhost.
	Username string
	Password string
	// TLS is how the connection is protected; "" is TLSStartTLS.
	TLS TLSMode
	// TLSConfig is used for STARTTLS and implicit TLS; nil means the system roots.
	// Its ServerName defaults to Addr's host.
	TLSConfig *tls.Config
	// HelloName is the name sent with EHLO; "" chooses one (see the package
	// documentation): this host's name when it is a fully qualified domain name,
	// else the domain of From.
	HelloName string
	// Timeout bounds one Send, dial to QUIT; 0 means 30 seconds. A ctx deadline
	// that comes sooner wins.
	Timeout time.Duration
	// Now is the clock of the Date header; nil means time.Now.
	Now func() time.Time
	// OnRefused, when set, is called after a message was delivered to some of its
	// recipients while the server refused the others with a 5xx reply to RCPT TO:
	// Send returns nil (the message is sent), so this is where the refused
	// addresses become visible. refused lists them in the message's order and err
	// holds each refusal (it wraps contacts.ErrPermanent and every reply as a
	// *textproto.Error). It is called from Send, concurrently when Sends run in
	// parallel; nil ignores partial refusals.
	OnRefused func(m contacts.Message, refused []string, err error)
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
		return nil, fmt.Errorf("smtpmail: %w: AUTH to %s needs TLS", contacts.ErrInvalid, host)
	}
	if hasCRLF(cfg.HelloName) || strings.ContainsAny(cfg.HelloName, " \t") {
		return nil, fmt.Errorf("smtpmail: %w: HelloName holds a space, CR or LF", contacts.ErrInvalid)
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
	if cfg.HelloName == "" {
		name, _ := osHostname()
		cfg.HelloName = helloName(name, domain, host)
	}
	return &Transport{cfg: cfg, host: host, from: from, domain: domain, tls: tc}, nil
}

// osHostname is os.Hostname; the tests replace it.
var osHostname = os.Hostname

// helloName returns the EHLO name when none is configured: hostname when it
// looks like a fully qualified domain name, else the sender's domain when it is
// a valid ASCII domain name, else "localhost" for a server on this host, else ""
// (deliver then sends the address literal of the connection's local address).
func helloName(hostname, fromDomain, serverHost string) string {
	if h := strings.TrimSuffix(hostname, "."); isFQDN(h) {
		return h
	}
	if d := strings.TrimSuffix(fromDomain, "."); isDomainName(d) {
		return d
	}
	if isLocalhost(serverHost) {
		return "localhost"
	}
	return ""
}

// isFQDN reports whether s is a domain name of at least two labels that is not
// a name only this host or its link knows (localhost, *.localdomain, *.local).
func isFQDN(s string) bool {
	l := strings.ToLower(s)
	if !strings.Contains(l, ".") || !isDomainName(l) {
		return false
	}
	first, _, _ := strings.Cut(l, ".")
	return first != "localhost" && !strings.HasSuffix(l, ".localdomain") && !strings.HasSuffix(l, ".local")
}

// isDomainName reports whether s is an ASCII domain name: labels of 1 to 63
// letters, digits and hyphens, not starting or ending with a hyphen, at most 253
// characters in all.
func isDomainName(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// addressLiteral returns the EHLO address literal of addr: "[192.0.2.1]" or
// "[IPv6:2001:db8::1]".
func addressLiteral(addr net.Addr) string {
	host, _, err := net.SplitHostPort(addr.String())
	ip := net.ParseIP(host)
	if err != nil || ip == nil {
		return "localhost"
	}
	if ip.To4() != nil {
		return "[" + ip.String() + "]"
	}
	return "[IPv6:" + ip.String() + "]"
}

// Send delivers m to its To and Cc addresses in one SMTP transaction. It returns
// nil once the server has accepted the message (250 after DATA) for at least one
// recipient; recipients refused with a 5xx reply then go to Config.OnRefused. It
// returns an error wrapping contacts.ErrPermanent when the message itself is
// refused: every recipient refused, a 5xx reply to DATA or to its end, or a
// message that cannot be sent as it is. Any other failure is retryable: a 4xx
// reply, a 5xx reply before RCPT TO (greeting, EHLO, STARTTLS, AUTH, MAIL FROM:
// the configuration or the account, not the message), a network or TLS failure,
// ctx done. See the package documentation for the table.
func (t *Transport) Send(ctx context.Context, m contacts.Message) error {
	raw, rcpts, err := t.build(m)
	if err != nil {
		return err
	}
	refused, err := t.deliver(ctx, rcpts, raw)
	if err != nil {
		return err
	}
	if refused != nil && t.cfg.OnRefused != nil {
		t.cfg.OnRefused(m, refused.addrs, t.refusedError(refused))
	}
	return nil
}

// refusals is the recipients a server refused with 5xx replies to RCPT TO, and
// each refusal.
type refusals struct {
	addrs []string
	errs  []error // "RCPT TO <addr>: " and the reply
}

func (r *refusals) Error() string {
	s := make([]string, len(r.errs))
	for i, err := range r.errs {
		s[i] = err.Error()
	}
	return strings.Join(s, "; ")
}

func (r *refusals) Unwrap() []error { return r.errs }

// deliver runs the SMTP exchange on a connection whose deadline follows ctx. It
// returns the recipients refused with 5xx when the message went to the others.
func (t *Transport) deliver(ctx context.Context, rcpts []string, raw []byte) (*refusals, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("smtpmail: %w", err)
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
		return nil, t.fail(ctx, "dial", err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(deadline); err != nil {
		return nil, t.fail(ctx, "dial", err)
	}
	// Cancelling ctx unblocks any read or write in progress.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	c, err := smtp.NewClient(conn, t.host)
	if err != nil {
		return nil, t.fail(ctx, "greeting", err)
	}
	defer c.Close()
	hello := t.cfg.HelloName
	if hello == "" {
		hello = addressLiteral(conn.LocalAddr())
	}
	if err := c.Hello(hello); err != nil {
		return nil, t.fail(ctx, "EHLO", err)
	}
	if t.cfg.TLS == TLSStartTLS || t.cfg.TLS == TLSOpportunistic {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(t.tls); err != nil {
				return nil, t.fail(ctx, "STARTTLS", err)
			}
		} else if t.cfg.TLS == TLSStartTLS {
			return nil, t.fail(ctx, "STARTTLS", errors.New("the server does not offer STARTTLS, which is required"))
		}
	}
	if t.cfg.Username != "" {
		ok, mechs := c.Extension("AUTH")
		if !ok {
			return nil, t.fail(ctx, "AUTH", errors.New("the server does not offer AUTH"))
		}
		a, err := t.auth(mechs)
		if err != nil {
			return nil, t.fail(ctx, "AUTH", err)
		}
		if err := c.Auth(a); err != nil {
			return nil, t.fail(ctx, "AUTH", err)
		}
	}
	if err := c.Mail(t.from.Address); err != nil {
		return nil, t.fail(ctx, "MAIL FROM", err)
	}
	refused := &refusals{}
	for _, r := range rcpts {
		err := c.Rcpt(r)
		if err == nil {
			continue
		}
		step := "RCPT TO <" + r + ">"
		var te *textproto.Error
		if !errors.As(err, &te) || te.Code < 500 || accountWide(te) {
			// A 4xx (or a refusal that is not about this recipient) fails the whole
			// message: delivering to the accepted recipients now and retrying
			// would send them the message twice.
			_ = c.Reset()
			return nil, t.fail(ctx, step, err)
		}
		refused.addrs = append(refused.addrs, r)
		refused.errs = append(refused.errs, fmt.Errorf("%s: %w", step, err))
	}
	if len(refused.addrs) == len(rcpts) {
		_ = c.Reset()
		return nil, t.refusedError(refused)
	}
	w, err := c.Data()
	if err != nil {
		return nil, t.failMessage(ctx, "DATA", err)
	}
	if _, err := w.Write(raw); err != nil {
		return nil, t.failMessage(ctx, "DATA", err)
	}
	if err := w.Close(); err != nil {
		return nil, t.failMessage(ctx, "end of DATA", err)
	}
	_ = c.Quit() // the message is accepted; a failed QUIT changes nothing
	if len(refused.addrs) == 0 {
		return nil, nil
	}
	return refused, nil
}

// auth returns the smtp.Auth for the mechanisms the server advertises (the
// parameter of its AUTH extension): PLAIN if offered, else LOGIN.
func (t *Transport) auth(advertised string) (smtp.Auth, error) {
	mechs := strings.Fields(strings.ToUpper(advertised))
	switch {
	case slices.Contains(mechs, "PLAIN"):
		return smtp.PlainAuth("", t.cfg.Username, t.cfg.Password, t.host), nil
	case slices.Contains(mechs, "LOGIN"):
		return &loginAuth{username: t.cfg.Username, password: t.cfg.Password, host: t.host}, nil
	}
	return nil, fmt.Errorf("the server offers AUTH %q, and this client speaks only PLAIN and LOGIN", advertised)
}

// accountWide reports whether a 5xx reply to RCPT TO or DATA is about the
// sender's account or the relay's configuration rather than this message: the
// same reply would come for every message, so it must be retried until an
// operator fixes it, not dead-letter the notice. It recognizes 530
// (authentication required), the enhanced codes 5.7.8 and 5.7.57 (not or badly
// authenticated), 5.7.60 and 5.2.252 (Microsoft 365: the account may not send as
// From), and a relay denial ("Relay access denied", "Unable to relay").
func accountWide(te *textproto.Error) bool {
	if te.Code == 530 {
		return true
	}
	msg := strings.ToLower(te.Msg)
	enhanced, _, _ := strings.Cut(msg, " ")
	switch enhanced {
	case "5.7.8", "5.7.57", "5.7.60", "5.2.252":
		return true
	}
	return strings.Contains(msg, "relay access denied") || strings.Contains(msg, "unable to relay") ||
		strings.Contains(msg, "relaying denied") || strings.Contains(msg, "relay not permitted")
}

// fail wraps err from step as a retryable error (the context's error when ctx is
// done): a failure before RCPT TO, even a 5xx reply, is the configuration's or
// the account's, and so is a 4xx reply at any step.
func (t *Transport) fail(ctx context.Context, step string, err error) error {
	if ctxErr := t.ctxErr(ctx); ctxErr != nil {
		return fmt.Errorf("smtpmail: %s %s: %w (%w)", t.cfg.Addr, step, ctxErr, err)
	}
	return fmt.Errorf("smtpmail: %s %s: %w", t.cfg.Addr, step, err)
}

// failMessage wraps err from DATA or its end: contacts.ErrPermanent for a 5xx
// reply that refuses the message itself, retryable otherwise.
func (t *Transport) failMessage(ctx context.Context, step string, err error) error {
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 && !accountWide(te) {
		return fmt.Errorf("%w: smtpmail: %s %s: %w", contacts.ErrPermanent, t.cfg.Addr, step, err)
	}
	return t.fail(ctx, step, err)
}

// refusedError returns the error of refused recipients: it wraps
// contacts.ErrPermanent and every reply.
func (t *Transport) refusedError(r *refusals) error {
	return fmt.Errorf("%w: smtpmail: %s: %w", contacts.ErrPermanent, t.cfg.Addr, r)
}

// ctxErr returns ctx's error, or context.DeadlineExceeded when its deadline has
// passed and its timer has not fired yet (the connection's deadline fired just
// before it).
func (t *Transport) ctxErr(ctx context.Context) error {
	ctxErr := ctx.Err()
	if d, ok := ctx.Deadline(); ok && ctxErr == nil && !time.Now().Before(d) {
		ctxErr = context.DeadlineExceeded
	}
	return ctxErr
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
