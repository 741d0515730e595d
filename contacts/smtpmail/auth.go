package smtpmail

import (
	"errors"
	"fmt"
	"net/smtp"
	"strings"
)

// loginAuth is the AUTH LOGIN mechanism (draft-murchison-sasl-login): the server
// asks "Username:" then "Password:" (base64, which net/smtp decodes and encodes),
// and the client answers each. net/smtp has only PLAIN and CRAM-MD5; Microsoft
// 365 and some other relays offer only LOGIN.
type loginAuth struct {
	username, password, host string
}

var _ smtp.Auth = (*loginAuth)(nil)

// Start refuses, as smtp.PlainAuth does, to send credentials over a connection
// that is neither TLS nor to localhost, or to another host than the one
// configured.
func (a *loginAuth) Start(server *smtp.ServerInfo) (string, []byte, error) {
	// Without TLS nothing in ServerInfo can be trusted: the check is on the
	// connection, not on what the server advertises.
	if !server.TLS && !isLocalhost(server.Name) {
		return "", nil, errors.New("unencrypted connection")
	}
	if server.Name != a.host {
		return "", nil, errors.New("wrong host name")
	}
	return "LOGIN", nil, nil
}

// Next answers the server's challenges: the username to "Username:", the
// password to "Password:" (compared without case; some servers send
// "User Name" or no colon).
func (a *loginAuth) Next(fromServer []byte, more bool) ([]byte, error) {
	if !more {
		return nil, nil
	}
	switch challenge := strings.ToLower(strings.TrimSpace(string(fromServer))); {
	case strings.HasPrefix(challenge, "user"):
		return []byte(a.username), nil
	case strings.HasPrefix(challenge, "pass"):
		return []byte(a.password), nil
	default:
		return nil, fmt.Errorf("unexpected AUTH LOGIN challenge %q", truncate(string(fromServer), 40))
	}
}

// truncate returns s cut to at most n bytes.
func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
