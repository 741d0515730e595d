// Package smtptest runs an in-process SMTP server speaking the real protocol
// (github.com/emersion/go-smtp) for tests of code that sends mail: it records
// every message it accepts and can refuse recipients a number of times first, as a
// busy server does. Use it with contacts/smtpmail and Config.TLS = TLSNone.
package smtptest

import (
	"io"
	"log"
	"net"
	"net/mail"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Message is one message the server accepted.
type Message struct {
	From  string   // the envelope sender
	Rcpts []string // the envelope recipients
	Data  []byte   // the message as received
}

// Header parses the message's header (nil if it does not parse).
func (m Message) Header() mail.Header {
	msg, err := mail.ReadMessage(bytesReader(m.Data))
	if err != nil {
		return nil
	}
	return msg.Header
}

// Server is a running test SMTP server.
type Server struct {
	// Addr is the server's "127.0.0.1:port".
	Addr string

	srv    *smtp.Server
	mu     sync.Mutex
	msgs   []Message
	refuse int
}

// NewServer starts a server on 127.0.0.1:0, stopped when the test ends.
func NewServer(t testing.TB) *Server {
	t.Helper()
	s, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// Start starts a server on 127.0.0.1:0 (benchmarks and examples; tests use
// NewServer). Close stops it.
func Start() (*Server, error) {
	s := &Server{}
	s.srv = smtp.NewServer(backend{s})
	s.srv.Domain = "localhost"
	s.srv.ReadTimeout, s.srv.WriteTimeout = 10*time.Second, 10*time.Second
	s.srv.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s.Addr = l.Addr().String()
	go func() { _ = s.srv.Serve(l) }()
	return s, nil
}

// Close stops the server.
func (s *Server) Close() error { return s.srv.Close() }

// Refuse makes the next n RCPT commands fail with 451 4.3.0 (try again later).
func (s *Server) Refuse(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = n
}

// Messages returns the messages accepted so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

type backend struct{ s *Server }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: b.s}, nil }

type session struct {
	s     *Server
	from  string
	rcpts []string
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error { x.from = from; return nil }

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	if x.s.refuse > 0 {
		x.s.refuse--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	x.rcpts = append(x.rcpts, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	x.s.msgs = append(x.s.msgs, Message{From: x.from, Rcpts: x.rcpts, Data: data})
	return nil
}

func (x *session) Reset()        { x.from, x.rcpts = "", nil }
func (x *session) Logout() error { return nil }
