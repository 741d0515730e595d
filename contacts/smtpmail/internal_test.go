package smtpmail

import (
	"net"
	"net/smtp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoginAuth(t *testing.T) {
	a := &loginAuth{username: "user@example.com", password: "pw", host: "smtp.office365.com"}

	mech, ir, err := a.Start(&smtp.ServerInfo{Name: "smtp.office365.com", TLS: true, Auth: []string{"LOGIN"}})
	require.NoError(t, err)
	assert.Equal(t, "LOGIN", mech)
	assert.Nil(t, ir)
	for challenge, want := range map[string]string{"Username:": "user@example.com", "Password:": "pw",
		"User Name\x00": "user@example.com", "password": "pw"} {
		got, err := a.Next([]byte(challenge), true)
		require.NoError(t, err)
		assert.Equal(t, want, string(got), challenge)
	}
	_, err = a.Next([]byte("Token:"), true)
	require.Error(t, err)
	got, err := a.Next([]byte("2.7.0 Authentication successful"), false)
	require.NoError(t, err)
	assert.Nil(t, got)

	// Credentials never cross an unencrypted connection to another host, whatever
	// the server advertises, nor go to a host other than the configured one.
	_, _, err = a.Start(&smtp.ServerInfo{Name: "smtp.office365.com", TLS: false, Auth: []string{"LOGIN"}})
	require.ErrorContains(t, err, "unencrypted")
	_, _, err = a.Start(&smtp.ServerInfo{Name: "evil.example", TLS: true})
	require.Error(t, err)
	local := &loginAuth{username: "u", password: "p", host: "127.0.0.1"}
	_, _, err = local.Start(&smtp.ServerInfo{Name: "127.0.0.1"})
	require.NoError(t, err, "localhost without TLS is allowed, as for PLAIN")
}

func TestHelloName(t *testing.T) {
	for _, tc := range []struct{ hostname, from, server, want string }{
		{"app-1.tokyo.reseller.example", "reseller.example", "smtp.example.com", "app-1.tokyo.reseller.example"},
		{"app-1.tokyo.reseller.example.", "reseller.example", "smtp.example.com", "app-1.tokyo.reseller.example"},
		{"app-1", "reseller.example", "smtp.example.com", "reseller.example"},
		{"localhost", "reseller.example", "smtp.example.com", "reseller.example"},
		{"localhost.localdomain", "reseller.example", "smtp.example.com", "reseller.example"},
		{"mac.local", "reseller.example", "smtp.example.com", "reseller.example"},
		{"", "reseller.example", "smtp.example.com", "reseller.example"},
		{"under_score.example", "reseller.example", "smtp.example.com", "reseller.example"},
		{"app-1", "例え.jp", "smtp.example.com", ""}, // the address literal, at connection time
		{"app-1", "[192.0.2.1]", "localhost", "localhost"},
		{"app-1", "例え.jp", "127.0.0.1", "localhost"},
	} {
		assert.Equal(t, tc.want, helloName(tc.hostname, tc.from, tc.server), "%+v", tc)
	}
	assert.Equal(t, "[192.0.2.1]", addressLiteral(&net.TCPAddr{IP: net.ParseIP("192.0.2.1"), Port: 5000}))
	assert.Equal(t, "[IPv6:2001:db8::1]", addressLiteral(&net.TCPAddr{IP: net.ParseIP("2001:db8::1"), Port: 5000}))
}
