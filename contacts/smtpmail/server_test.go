package smtpmail_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/stretchr/testify/require"
)

// received is one message the test server accepted.
type received struct {
	From  string
	Rcpts []string
	Data  []byte
	TLS   bool   // the session was protected by TLS
	User  string // the authenticated user, "" for none
	Helo  string // the name the client sent with EHLO
}

// backend is an in-process SMTP server's backend that records what it accepts.
type backend struct {
	mu       sync.Mutex
	msgs     []received
	refuse   int               // RCPT commands still to refuse with 451
	reject   map[string]bool   // addresses refused with 550
	users    map[string]string // username → password; non-nil requires AUTH
	mechs    []string          // the AUTH mechanisms offered; nil offers PLAIN
	rcptErr  map[string]error  // the reply to RCPT TO of an address
	mailErr  error             // the reply to MAIL FROM
	dataErr  error             // the reply to the end of data
	sessions int
}

func (b *backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	b.mu.Lock()
	b.sessions++
	b.mu.Unlock()
	return &session{b: b, c: c}, nil
}

func (b *backend) messages() []received {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]received(nil), b.msgs...)
}

type session struct {
	b     *backend
	c     *smtp.Conn
	user  string
	from  string
	rcpts []string
}

func (s *session) AuthMechanisms() []string {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	if s.b.mechs == nil {
		return []string{sasl.Plain}
	}
	return s.b.mechs
}

func (s *session) Auth(mech string) (sasl.Server, error) {
	if !slices.Contains(s.AuthMechanisms(), mech) {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	check := func(username, password string) error {
		s.b.mu.Lock()
		defer s.b.mu.Unlock()
		if p, ok := s.b.users[username]; !ok || p != password {
			return smtp.ErrAuthFailed
		}
		s.user = username
		return nil
	}
	if mech == sasl.Login {
		return &loginServer{check: check}, nil
	}
	return sasl.NewPlainServer(func(_, username, password string) error { return check(username, password) }), nil
}

// loginServer is the server side of AUTH LOGIN, which go-sasl does not have:
// it asks "Username:", then "Password:", then checks them.
type loginServer struct {
	check    func(username, password string) error
	step     int
	username string
}

func (l *loginServer) Next(response []byte) ([]byte, bool, error) {
	l.step++
	switch l.step {
	case 1:
		if len(response) > 0 { // an initial response is the username
			l.username = string(response)
			l.step++
			return []byte("Password:"), false, nil
		}
		return []byte("Username:"), false, nil
	case 2:
		l.username = string(response)
		return []byte("Password:"), false, nil
	default:
		return nil, true, l.check(l.username, string(response))
	}
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	if s.b.users != nil && s.user == "" {
		return smtp.ErrAuthRequired
	}
	if s.b.mailErr != nil {
		return s.b.mailErr
	}
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	if s.b.refuse > 0 {
		s.b.refuse--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	if s.b.reject[to] {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}
	if err := s.b.rcptErr[to]; err != nil {
		return err
	}
	s.rcpts = append(s.rcpts, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, isTLS := s.c.TLSConnectionState()
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	if s.b.dataErr != nil {
		return s.b.dataErr
	}
	s.b.msgs = append(s.b.msgs, received{From: s.from, Rcpts: s.rcpts, Data: data, TLS: isTLS, User: s.user,
		Helo: s.c.Hostname()})
	return nil
}

func (s *session) Reset()        { s.from, s.rcpts = "", nil }
func (s *session) Logout() error { return nil }

// serverOpts configures startServer.
type serverOpts struct {
	tls       *tls.Config // offered with STARTTLS, or spoken at once when implicit
	implicit  bool
	plainAuth bool // AUTH allowed without TLS
}

// startServer runs an SMTP server on 127.0.0.1:0 until the test ends and returns
// its address.
func startServer(t *testing.T, be *backend, o serverOpts) string {
	t.Helper()
	s := smtp.NewServer(be)
	s.Domain = "localhost"
	s.AllowInsecureAuth = o.plainAuth
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	s.ErrorLog = log.New(io.Discard, "", 0)
	var l net.Listener
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	if o.implicit {
		l = tls.NewListener(l, o.tls)
	} else {
		s.TLSConfig = o.tls
	}
	go func() {
		if err := s.Serve(l); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			t.Logf("smtp server: %v", err)
		}
	}()
	t.Cleanup(func() { _ = s.Close() })
	return l.Addr().String()
}

// testCert returns a server TLS config with a self-signed certificate for
// 127.0.0.1 and localhost, and a client TLS config that trusts only it.
func testCert(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "smtpmail test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:     []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}},
		&tls.Config{RootCAs: pool}
}
