package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/members/awsorg"
)

func TestErrorTable_MapsEveryPackagesErrors(t *testing.T) {
	errBilling := errors.New("billing: invalid input") // any package's ErrInvalid
	denied := fmt.Errorf("%w: only reseller operators may do this", members.ErrPermissionDenied)
	for _, tc := range []struct {
		name          string
		err           error
		status        int
		code, message string // message "": the error's own text
		field         string
	}{
		{"not found", fmt.Errorf("get project: %w", members.ErrNotFound), http.StatusNotFound, "not_found", "", ""},
		{"denied", members.ErrPermissionDenied, http.StatusForbidden, "permission_denied", "", ""},
		{"denied names the requirement", fmt.Errorf("tx: %w", denied), http.StatusForbidden, "permission_denied", "", ""},
		{"MFA before denied (M-6)", fmt.Errorf("tx: %w", members.ErrMFARequired), http.StatusForbidden, "mfa_required", "", ""},
		{"already exists", fmt.Errorf("%w: organization code", members.ErrAlreadyExists), http.StatusConflict, "already_exists", msgAlreadyExists, ""},
		{"changed concurrently", fmt.Errorf("%w: stale version", members.ErrConflict), http.StatusConflict, "conflict", msgConflict, ""},
		{"invalid bare", members.ErrInvalid, http.StatusBadRequest, "invalid", "", ""},
		{"members validation carries field", fmt.Errorf("wrap: %w", resellerkit.Invalid(members.ErrInvalid, "invoice_to[1]", "x", "M-2", "bad")),
			http.StatusBadRequest, "invalid", `members: invalid input: invoice_to[1] "x" (M-2): bad`, "invoice_to[1]"},
		{"another package's validation", resellerkit.Invalid(errBilling, "projects[0].currency", "EUR", "B-10", "must be JPY or USD"),
			http.StatusBadRequest, "invalid", `billing: invalid input: projects[0].currency "EUR" (B-10): must be JPY or USD`, "projects[0].currency"},
		{"a page token no list made", fmt.Errorf("list: %w", resellerkit.ErrPageToken), http.StatusBadRequest, "invalid", msgPageToken, "page_token"},
		{"unauthenticated", errUnauthenticated, http.StatusUnauthorized, "unauthenticated", "", ""},
		{"bad request", &badRequestError{field: "version", msg: `field "version" must be a whole number`}, http.StatusBadRequest, "bad_request", "", "version"},
		{"no endpoint", errNoEndpoint, http.StatusNotFound, "not_found", "", ""},
		{"method", &methodError{method: "DELETE"}, http.StatusMethodNotAllowed, "method_not_allowed", "", ""},
		{"media type", &mediaTypeError{}, http.StatusUnsupportedMediaType, "unsupported_media_type", "", ""},
		{"too large", &tooLargeError{limit: maxBody}, http.StatusRequestEntityTooLarge, "payload_too_large", "", ""},
		{"shutting down", errShuttingDown, http.StatusServiceUnavailable, "unavailable", "", ""},
		{"deadline", fmt.Errorf("list: %w", context.DeadlineExceeded), http.StatusServiceUnavailable, "unavailable", msgUnavailable, ""},
		{"canceled", fmt.Errorf("list: %w", context.Canceled), statusClientClosed, "canceled", "client closed the request", ""},
		{"AWS refused the application", fmt.Errorf("%w: organizations:CloseAccount: ConstraintViolationException", awsorg.ErrRefused),
			http.StatusUnprocessableEntity, "aws_refused", "", ""},
		{"AWS refused the portal's credentials (M-11)", fmt.Errorf("%w: organizations:CloseAccount: %w", awsorg.ErrRefused, awsorg.ErrAccessDenied),
			http.StatusBadGateway, "aws_access_denied", msgOrganizationsDenied, ""},
		{"no organization (M-11)", fmt.Errorf("%w: %w", awsorg.ErrRefused, awsorg.ErrNotInUse),
			http.StatusBadGateway, "aws_access_denied", msgOrganizationsDenied, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := errorResponse(tc.err)
			assert.Equal(t, tc.status, status)
			assert.Equal(t, tc.code, body.Error.Code)
			assert.Equal(t, tc.field, body.Error.Field)
			want := tc.message
			if want == "" {
				want = tc.err.Error()
			}
			assert.Equal(t, want, body.Error.Message)
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

func TestBoundMessage_CutsEveryQuotedValueAndTheWhole(t *testing.T) {
	long := strings.Repeat("x", 1000)
	for _, tc := range []struct {
		name, msg, want string
		max             int
	}{
		{"short stays", `project_id "abc": members: not found`, `project_id "abc": members: not found`, 500},
		{"every quoted value cut",
			fmt.Sprintf(`project_id %q: members: not found: project %q`, long, long),
			fmt.Sprintf(`project_id %q: members: not found: project %q`, long[:100]+"…", long[:100]+"…"), 500},
		{"escapes kept", `name "a\"b\n"`, `name "a\"b\n"`, 500},
		{"a lone quote", `say "hi`, `say "hi`, 500},
		{"the whole cut", strings.Repeat("é", 600), strings.Repeat("é", 500) + "…", 500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := boundMessage(tc.msg, tc.max)
			assert.Equal(t, tc.want, got)
			assert.True(t, utf8.ValidString(got))
		})
	}
}
