package main

import (
	"context"
	"strings"

	"github.com/seeda33a2f4f/resellerkit/members"
)

// staticAuth is a test authenticator for the tests of admission, hardening and edge
// cases, where sign-in is beside the point: the token "test-<identity id>" acts as
// the principal with that identity id. The tests of sign-in itself, and every
// fixture test, use identityAuth.
type staticAuth map[string]members.Principal

func staticToken(identityID string) string { return "test-" + identityID }

func (a staticAuth) authenticate(_ context.Context, token string) (caller, error) {
	id, ok := strings.CutPrefix(token, "test-")
	p, known := a[id]
	if !ok || !known {
		return caller{}, errUnauthenticated
	}
	return caller{p: p}, nil
}
