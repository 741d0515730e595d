package main

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
)

func TestErrorTable_MapsDomainErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		err    error
		status int
		code   string
		field  string
	}{
		{"not found", fmt.Errorf("get project: %w", members.ErrNotFound), http.StatusNotFound, "not_found", ""},
		{"denied", members.ErrPermissionDenied, http.StatusForbidden, "permission_denied", ""},
		{"denied wrapped", fmt.Errorf("%w: \"org.edit\" is required", members.ErrPermissionDenied), http.StatusForbidden, "permission_denied", ""},
		{"MFA before denied (M-6)", fmt.Errorf("tx: %w", members.ErrMFARequired), http.StatusForbidden, "mfa_required", ""},
		{"conflict", fmt.Errorf("%w: stale version", members.ErrConflict), http.StatusConflict, "conflict", ""},
		{"invalid bare", members.ErrInvalid, http.StatusBadRequest, "invalid", ""},
		{"validation carries field", fmt.Errorf("wrap: %w", resellerkit.Invalid(members.ErrInvalid, "invoice_to[1]", "x", "M-2", "bad")), http.StatusBadRequest, "invalid", "invoice_to[1]"},
		{"unauthenticated", errUnauthenticated, http.StatusUnauthorized, "unauthenticated", ""},
		{"bad request", &badRequestError{field: "version", msg: "field \"version\" must be a JSON int64"}, http.StatusBadRequest, "bad_request", "version"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := errorResponse(tc.err)
			assert.Equal(t, tc.status, status)
			assert.Equal(t, tc.code, body.Error.Code)
			assert.Equal(t, tc.field, body.Error.Field)
			var ve *resellerkit.ValidationError
			if errors.As(tc.err, &ve) {
				// the validation error itself, without the callers' wrapping
				assert.Equal(t, ve.Error(), body.Error.Message)
			} else if tc.status == http.StatusConflict {
				assert.Equal(t, msgConflict, body.Error.Message, "conflicts show a fixed message: store errors may carry internals")
			} else {
				assert.Equal(t, tc.err.Error(), body.Error.Message)
			}
		})
	}
}

func TestErrorTable_UnknownIs500WithoutInternals(t *testing.T) {
	err := errors.New(`sqlite: SQL logic error: no such table: projects (SELECT secret FROM "x")`)
	status, body := errorResponse(fmt.Errorf("list projects: %w", err))
	assert.Equal(t, http.StatusInternalServerError, status)
	assert.Equal(t, "internal", body.Error.Code)
	assert.Equal(t, "internal server error", body.Error.Message)
	assert.Empty(t, body.Error.Field)
}
