package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// Demo bearer tokens.
//
// Real sign-in (passwords, MFA, sessions and API keys) arrives with the identity
// package; until then the portal authenticates the demo users with tokens derived
// from a random secret that is created once and kept in the database (table
// portal_state). A token is
//
//	rkdemo.<base64url(identity id)>.<base64url(HMAC-SHA256(secret, identity id))>
//
// so the same tokens are re-printed on every start and keep working across restarts,
// nothing but the secret is stored, and a token for an identity can only be minted by
// whoever holds the secret. Deleting the
// demo_token_secret row of portal_state revokes every demo token.

const tokenPrefix = "rkdemo."

// tokenMinter mints and verifies demo tokens.
type tokenMinter struct {
	secret []byte
}

// mint returns the bearer token of identity.
func (m tokenMinter) mint(identity string) string {
	return tokenPrefix + base64.RawURLEncoding.EncodeToString([]byte(identity)) + "." +
		base64.RawURLEncoding.EncodeToString(m.mac(identity))
}

// verify returns the identity a token was minted for, or false.
func (m tokenMinter) verify(token string) (string, bool) {
	rest, ok := strings.CutPrefix(token, tokenPrefix)
	if !ok {
		return "", false
	}
	idPart, macPart, ok := strings.Cut(rest, ".")
	if !ok {
		return "", false
	}
	id, err := base64.RawURLEncoding.DecodeString(idPart)
	if err != nil || len(id) == 0 {
		return "", false
	}
	got, err := base64.RawURLEncoding.DecodeString(macPart)
	if err != nil {
		return "", false
	}
	if !hmac.Equal(got, m.mac(string(id))) {
		return "", false
	}
	return string(id), true
}

func (m tokenMinter) mac(identity string) []byte {
	h := hmac.New(sha256.New, m.secret)
	h.Write([]byte(identity))
	return h.Sum(nil)
}
