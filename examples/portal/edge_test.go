package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/members"
)

// The hardening of the HTTP edge found by probing the portal (issue 6, item 8):
// one test per finding, each failing on the portal before the fix.

// accessLog returns the access-log lines of requests to path (msg=http).
func (f *fixture) accessLog(method, path string) []string {
	var out []string
	for line := range strings.Lines(f.logs.String()) {
		if strings.Contains(line, " msg=http ") && strings.Contains(line, " method="+method+" ") && strings.Contains(line, " path="+path+" ") {
			out = append(out, strings.TrimSpace(line))
		}
	}
	return out
}

// TestEdge_AnonymousGets401BeforeAnyPathCleaning: ServeMux answers an unclean path
// with a redirect (307 and an HTML body) before any handler runs, so anonymous
// clients used to get 307 for /v1//orgs. Every /v1 request is authenticated first;
// with a token, a non-canonical path is a 404 in JSON, never a redirect.
func TestEdge_AnonymousGets401BeforeAnyPathCleaning(t *testing.T) {
	f := newFixture(t, "memory")
	for _, path := range []string{
		"/v1//orgs", "/v1/./orgs", "/v1/orgs/", "/v1/orgs/../orgs", "//v1/orgs", "/v1/orgs//" + f.orgID,
		"/v1/orgs/" + f.orgID + "/projects/", "/v1/%2e%2e/healthz", "/v1/../healthz",
	} {
		t.Run(path, func(t *testing.T) {
			for _, method := range []string{"GET", "POST", "DELETE"} {
				var e errorJSON
				require.Equal(t, http.StatusUnauthorized, f.do(method, path, "", nil, &e), method)
				assert.Equal(t, "unauthenticated", e.Error.Code)

				req := f.request(method, path, f.token(demoPower), nil)
				require.Equal(t, http.StatusNotFound, f.send(req, &e), method)
				assert.Equal(t, "not_found", e.Error.Code)
			}
		})
	}
	// Outside /v1 nothing needs a token; an unclean path is still a JSON 404.
	var e errorJSON
	require.Equal(t, http.StatusNotFound, f.do("GET", "/healthz/", "", nil, &e))
	require.Equal(t, http.StatusNotFound, f.do("GET", "//healthz", "", nil, &e))
	require.Equal(t, http.StatusOK, f.do("GET", "/healthz", "", nil, nil))
}

// TestEdge_BodyMustBeOneJSONObjectOfTheEndpointsShape: null, other JSON values,
// unknown or duplicated fields, nulls where a value is required and values of the
// wrong type are 400 bad_request naming the field; encoding/json alone accepted
// null bodies, case-insensitive names and duplicates.
func TestEdge_BodyMustBeOneJSONObjectOfTheEndpointsShape(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		p := f.project()
		project := "/v1/orgs/" + f.orgID + "/projects/" + p.ID
		valid := fmt.Sprintf(`"name":"n","payment_method":"card","currency":"USD","invoice_to":["a@b.example.com"],"version":%d`, p.Version)
		org := "/v1/orgs/" + f.orgID
		for _, tc := range []struct {
			name, method, path, body, field, message string
		}{
			{"null body", "PUT", project, `null`, "", "request body must be a JSON object, not null"},
			{"array body", "PUT", project, `[]`, "", "request body must be a JSON object"},
			{"string body", "PATCH", org, `"x"`, "", "request body must be a JSON object"},
			{"number body", "PATCH", org, `1`, "", "request body must be a JSON object"},
			{"null where an object is expected", "PUT", project, `{` + valid + `,"billing":null}`, "billing", "must be a JSON object, not null"},
			{"array where an object is expected", "PUT", project, `{` + valid + `,"billing":[]}`, "billing", "must be a JSON object"},
			{"null string", "PUT", project, `{` + valid + `,"plan":null}`, "plan", "must be a JSON string, not null"},
			{"string for a list", "PUT", project, `{` + valid + `,"invoice_cc":"c@b.example.com"}`, "invoice_cc", "must be a JSON array"},
			{"number in a list", "PUT", project, `{` + valid + `,"invoice_cc":[1]}`, "invoice_cc[0]", "must be a JSON string"},
			{"unknown nested field", "PUT", project, `{` + valid + `,"billing":{"plan":"x"}}`, "billing.plan", "is not a field of this request"},
			{"a name in another case", "PUT", project, `{` + valid + `,"Plan":"x"}`, "Plan", "is not a field of this request"},
			{"a field twice", "PUT", project, `{` + valid + `,"name":"again"}`, "name", "is given twice"},
			{"a fraction for the version", "PATCH", org, `{"alias":"x","version":1.5}`, "version", "must be a whole number"},
			{"a version beyond int64", "PATCH", org, `{"alias":"x","version":99999999999999999999}`, "version", "must be a whole number"},
			{"a string for a flag", "PATCH", org, `{"enforce_mfa":"yes"}`, "enforce_mfa", "must be true or false"},
			{"two documents", "PATCH", org, `{} {}`, "", "request body must hold a single JSON document"},
			{"truncated", "PATCH", org, `{"alias":`, "", "request body is not complete JSON"},
			{"malformed", "PATCH", org, `{"alias" "x"}`, "", "request body is malformed JSON at byte 9"},
			{"empty", "POST", org + "/projects", ``, "", "request body must be a JSON object"},
			{"null optional body", "POST", org + "/applications/x/reject", `null`, "", "request body must be a JSON object, not null"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var e errorJSON
				require.Equal(t, http.StatusBadRequest, f.do(tc.method, tc.path, f.token(demoPower), tc.body, &e))
				assert.Equal(t, "bad_request", e.Error.Code)
				assert.Equal(t, tc.field, e.Error.Field)
				assert.Contains(t, e.Error.Message, tc.message)
			})
		}
		var got projectJSON
		require.Equal(t, http.StatusOK, f.do("GET", project, f.token(demoPower), nil, &got))
		assert.Equal(t, p, got, "nothing changed")

		// null for an optional field (a pointer or a list) is "not set" / empty.
		var o orgJSON
		require.Equal(t, http.StatusOK, f.do("GET", org, f.token(demoPower), nil, &o))
		require.Equal(t, http.StatusOK, f.do("PATCH", org, f.token(demoPower), fmt.Sprintf(`{"alias":null,"enforce_mfa":null,"version":%d}`, o.Version), nil))
	})
}

// TestEdge_NonJSONContentTypeIs415: a body is read only as JSON (charset, if given,
// utf-8); before, any Content-Type (a form post from curl -d too) was parsed as JSON.
func TestEdge_NonJSONContentTypeIs415(t *testing.T) {
	f := newFixture(t, "memory")
	for i, tc := range []struct {
		contentType string
		status      int
	}{
		{"", http.StatusUnsupportedMediaType},
		{"text/plain", http.StatusUnsupportedMediaType},
		{"application/x-www-form-urlencoded", http.StatusUnsupportedMediaType},
		{"multipart/form-data; boundary=x", http.StatusUnsupportedMediaType},
		{"application/json; charset=iso-8859-1", http.StatusUnsupportedMediaType},
		{"application/json; charset=utf-16", http.StatusUnsupportedMediaType},
		{"application/jsonp", http.StatusUnsupportedMediaType},
		{"application/json", http.StatusCreated},
		{"application/json; charset=utf-8", http.StatusCreated},
		{"application/json;charset=UTF-8", http.StatusCreated},
		{"Application/JSON", http.StatusCreated},
		{"application/json; profile=x", http.StatusCreated},
	} {
		t.Run(tc.contentType, func(t *testing.T) {
			req := f.request("POST", "/v1/orgs", f.token(demoPower), fmt.Sprintf(`{"code":"ct-%d","name":"Types"}`, i))
			req.Header.Del("Content-Type")
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			var e errorJSON
			require.Equal(t, tc.status, f.send(req, &e))
			if tc.status == http.StatusUnsupportedMediaType {
				assert.Equal(t, "unsupported_media_type", e.Error.Code)
				assert.Contains(t, e.Error.Message, "application/json")
			}
		})
	}
	// An endpoint whose body is optional takes no body with any (or no) type.
	var app applicationJSON
	require.Equal(t, http.StatusCreated, f.do("POST", "/v1/orgs/"+f.orgID+"/applications", f.token(demoPower),
		map[string]any{"kind": "project_creation", "details": "New"}, &app))
	path := "/v1/orgs/" + f.orgID + "/applications/" + app.ID
	require.Equal(t, http.StatusOK, f.do("POST", path+"/review", f.token(demoOperator), nil, nil))
	req := f.request("POST", path+"/reject", f.token(demoOperator), nil)
	req.Header.Set("Content-Type", "text/plain")
	require.Equal(t, http.StatusOK, f.send(req, &app))
	assert.Equal(t, "rejected", app.State)
}

// TestEdge_InvalidUTF8AndLoneSurrogatesAre400: encoding/json silently replaces
// invalid UTF-8 and lone UTF-16 surrogate escapes with U+FFFD, so such text used to
// be stored altered. Every string is checked in its raw form; the error names the
// field. A surrogate pair and an escaped backslash followed by "ud800" are fine.
func TestEdge_InvalidUTF8AndLoneSurrogatesAre400(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		for i, tc := range []struct {
			name, value, field string // value: the raw JSON text of the name field
		}{
			{"invalid UTF-8", `"a` + "\xff" + `b"`, "name"},
			{"a truncated sequence", `"` + "\xe3\x81" + `"`, "name"},
			{"a lone high surrogate", `"\ud800"`, "name"},
			{"a lone low surrogate", `"x\udc00"`, "name"},
			{"a high surrogate before a letter", `"\ud800\u0041"`, "name"},
			{"a high surrogate at the end", `"abc\uD83D"`, "name"},
			{"two high surrogates", `"\ud83d\ud83d"`, "name"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var e errorJSON
				body := fmt.Sprintf(`{"code":"bad-%d","name":%s}`, i, tc.value)
				require.Equal(t, http.StatusBadRequest, f.do("POST", "/v1/orgs", f.token(demoPower), body, &e))
				assert.Equal(t, "bad_request", e.Error.Code)
				assert.Equal(t, tc.field, e.Error.Field)
				assert.True(t, utf8.ValidString(e.Error.Message))
			})
		}
		var e errorJSON
		require.Equal(t, http.StatusBadRequest, f.do("PUT", "/v1/orgs/"+f.orgID+"/members/"+demoGeneral.IdentityID, f.token(demoPower),
			`{"type":"general","permissions":["project.view","\udfff"],"version":1}`, &e))
		assert.Equal(t, "permissions[1]", e.Error.Field, "a nested string is named by its path")
		require.Equal(t, http.StatusBadRequest, f.do("POST", "/v1/orgs", f.token(demoPower), "{\"co\xffde\":\"x\"}", &e))
		assert.Contains(t, e.Error.Message, "UTF-8", "a key is checked too")

		for i, tc := range []struct{ value, stored string }{
			{`"\ud83d\ude00"`, "😀"},
			{`"\\ud800"`, `\ud800`},
			{`"日本\u8a9e"`, "日本語"},
		} {
			var o orgJSON
			body := fmt.Sprintf(`{"code":"good-%d","name":%s}`, i, tc.value)
			require.Equal(t, http.StatusCreated, f.do("POST", "/v1/orgs", f.token(demoPower), body, &o))
			assert.Equal(t, tc.stored, o.Name)
		}
	})
}

// TestEdge_ApplicationsRejectUnusedFieldsAndForeignProjects: a field the
// application's kind does not use is refused (M-11) rather than stored unread, and a
// project or account of another organization is refused like a missing one (M-7);
// a project_creation with a foreign project_id used to be stored.
func TestEdge_ApplicationsRejectUnusedFieldsAndForeignProjects(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		var other orgJSON
		require.Equal(t, http.StatusCreated, f.do("POST", "/v1/orgs", f.token(outsider), map[string]any{"code": "other", "name": "Other K.K."}, &other))
		var foreign projectJSON
		require.Equal(t, http.StatusCreated, f.do("POST", "/v1/orgs/"+other.ID+"/projects", f.token(outsider), map[string]any{
			"name": "Theirs", "payment_method": "card", "currency": "USD", "invoice_to": []string{"o@other.example.com"}}, &foreign))
		require.Equal(t, http.StatusCreated, f.do("POST", "/v1/orgs/"+other.ID+"/accounts", f.token(demoOperator), map[string]any{
			"id": "200000000001", "project_id": foreign.ID}, nil))
		own := f.project().ID

		apps := "/v1/orgs/" + f.orgID + "/applications"
		for _, tc := range []struct {
			name   string
			body   map[string]any
			status int
			code   string
			field  string
		}{
			{"project_creation with a project_id", map[string]any{"kind": "project_creation", "details": "New", "project_id": foreign.ID}, 400, "invalid", "project_id"},
			{"project_creation with an account_id", map[string]any{"kind": "project_creation", "details": "New", "account_id": "100000000001"}, 400, "invalid", "account_id"},
			{"account_closure with a project_id", map[string]any{"kind": "account_closure", "account_id": "100000000001", "project_id": own}, 400, "invalid", "project_id"},
			{"new_account with an account_id", map[string]any{"kind": "new_account", "project_id": own, "account_id": "100000000001"}, 400, "invalid", "account_id"},
			{"new_account for a foreign project", map[string]any{"kind": "new_account", "project_id": foreign.ID}, 404, "not_found", ""},
			{"transfer-in to a foreign project", map[string]any{"kind": "account_transfer_in", "account_id": "300000000001", "project_id": foreign.ID}, 404, "not_found", ""},
			{"closure of a foreign account", map[string]any{"kind": "account_closure", "account_id": "200000000001"}, 404, "not_found", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var e errorJSON
				require.Equal(t, tc.status, f.do("POST", apps, f.token(demoPower), tc.body, &e))
				assert.Equal(t, tc.code, e.Error.Code)
				assert.Equal(t, tc.field, e.Error.Field)
				assert.NotContains(t, e.Error.Message, "Theirs", "nothing of the other organization shows")
			})
		}
		var got pageJSON[applicationJSON]
		require.Equal(t, http.StatusOK, f.do("GET", apps, f.token(demoPower), nil, &got))
		assert.Empty(t, got.Items, "nothing was stored")

		// The same kinds with their own fields are accepted.
		require.Equal(t, http.StatusCreated, f.do("POST", apps, f.token(demoPower), map[string]any{"kind": "new_account", "project_id": own}, nil))
		require.Equal(t, http.StatusCreated, f.do("POST", apps, f.token(demoPower), map[string]any{"kind": "project_creation", "details": "New"}, nil))
	})
}

// TestEdge_ErrorFieldIsTheRequestsFieldName: the field of an error names the
// request's own input (body field, query parameter or path parameter), never the
// domain's name for it (POST /accounts said "account_id" for its "id"), and is left
// out when the fault is in no input (an application's state).
func TestEdge_ErrorFieldIsTheRequestsFieldName(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		org := "/v1/orgs/" + f.orgID
		power, operator := f.token(demoPower), f.token(demoOperator)
		p := f.project()
		var gen memberJSON
		require.Equal(t, http.StatusOK, f.do("GET", org+"/members/"+demoGeneral.IdentityID, power, nil, &gen))
		project := func(change map[string]any) map[string]any {
			m := map[string]any{"name": p.Name, "payment_method": p.PaymentMethod, "currency": p.Currency,
				"invoice_to": p.InvoiceTo, "version": p.Version}
			for k, v := range change {
				m[k] = v
			}
			return m
		}
		// Account 100000000005 gets closed (M-11), so moving it names the path's account.
		var closure applicationJSON
		require.Equal(t, http.StatusCreated, f.do("POST", org+"/applications", power, map[string]any{"kind": "account_closure", "account_id": "100000000005"}, &closure))
		closurePath := org + "/applications/" + closure.ID
		require.Equal(t, http.StatusOK, f.do("POST", closurePath+"/review", operator, nil, nil))
		require.Equal(t, http.StatusOK, f.do("POST", closurePath+"/complete", operator, nil, nil))
		var closed accountJSON
		require.Equal(t, http.StatusOK, f.do("GET", org+"/accounts/100000000005", power, nil, &closed))
		var inv invitationJSON
		require.Equal(t, http.StatusCreated, f.do("POST", org+"/invitations", power, map[string]any{"email": outsider.Email, "type": "power"}, &inv))
		require.Equal(t, http.StatusOK, f.do("POST", org+"/invitations/"+inv.ID+"/reject", f.token(outsider), nil, nil))

		for _, tc := range []struct {
			endpoint, method, path, token string
			body                          any
			field                         string
		}{
			{"POST /orgs", "POST", "/v1/orgs", power, map[string]any{"code": "-x", "name": "N"}, "code"},
			{"POST /orgs", "POST", "/v1/orgs", power, map[string]any{"code": "named", "name": " "}, "name"},
			{"PATCH /orgs/{org}", "PATCH", org, power, map[string]any{"alias": "a\x00b", "version": 1}, "alias"},
			{"PATCH /orgs/{org}", "PATCH", org, power, map[string]any{"alias": "a"}, "version"},
			{"POST /projects", "POST", org + "/projects", power, project(map[string]any{"invoice_to": []string{"a@b.example.com", "nope"}}), "invoice_to[1]"},
			{"PUT /projects/{project}", "PUT", org + "/projects/" + p.ID, power, project(map[string]any{"currency": "EUR"}), "currency"},
			{"PUT /projects/{project}", "PUT", org + "/projects/" + p.ID, power, project(map[string]any{"billing": map[string]any{"pricing_plan": "a\tb"}}), "billing.pricing_plan"},
			{"PUT /projects/{project}", "PUT", org + "/projects/" + p.ID, power, project(map[string]any{"invoice_cc": []string{p.InvoiceTo[0]}}), "invoice_cc[0]"},
			{"POST /accounts", "POST", org + "/accounts", operator, map[string]any{"id": "12345", "project_id": p.ID}, "id"},
			{"POST /accounts", "POST", org + "/accounts", operator, map[string]any{"id": "123456789012", "project_id": p.ID, "labels": []string{"a", " "}}, "labels[1]"},
			{"POST /accounts/bulk-edit", "POST", org + "/accounts/bulk-edit", power, map[string]any{"account_ids": []string{"100000000001", "x"}, "name": "n"}, "account_ids[1]"},
			{"POST /accounts/bulk-edit", "POST", org + "/accounts/bulk-edit", power, map[string]any{"account_ids": []string{"100000000001", "100000000001"}, "name": "n"}, "account_ids[1]"},
			{"POST /accounts/bulk-edit", "POST", org + "/accounts/bulk-edit", power, map[string]any{"account_ids": []string{"100000000001"}}, ""},
			{"POST /accounts/{account}/move", "POST", org + "/accounts/100000000005/move", power, map[string]any{"project_id": p.ID, "version": closed.Version}, "account"},
			{"PUT /members/{identity}", "PUT", org + "/members/" + demoGeneral.IdentityID, power, map[string]any{"type": "boss", "version": gen.Version}, "type"},
			{"PUT /members/{identity}", "PUT", org + "/members/" + demoGeneral.IdentityID, power, map[string]any{"type": "general", "permissions": []string{"account.view"}, "version": gen.Version}, "permissions"},
			{"DELETE /members/{identity}", "DELETE", org + "/members/" + demoPower.IdentityID, power, nil, "identity"},
			{"POST /invitations", "POST", org + "/invitations", power, map[string]any{"email": "x@", "type": "general"}, "email"},
			{"POST /invitations/{invitation}/revoke", "POST", org + "/invitations/" + inv.ID + "/revoke", power, nil, ""},
			{"POST /applications", "POST", org + "/applications", power, map[string]any{"kind": "wish"}, "kind"},
			{"POST /applications", "POST", org + "/applications", power, map[string]any{"kind": "project_creation"}, "details"},
			{"POST /applications", "POST", org + "/applications", power, map[string]any{"kind": "owner_change", "account_id": "1"}, "account_id"},
			{"POST /applications/{application}/reject", "POST", closurePath + "/reject", operator, map[string]any{"reason": "a\nb"}, "reason"},
			{"GET /accounts", "GET", org + "/accounts?limit=x", power, nil, "limit"},
			{"GET /accounts", "GET", org + "/accounts?page_token=***", power, nil, "page_token"},
		} {
			t.Run(tc.endpoint+" "+tc.field, func(t *testing.T) {
				var e errorJSON
				require.Equal(t, http.StatusBadRequest, f.do(tc.method, tc.path, tc.token, tc.body, &e))
				assert.Equal(t, "invalid", e.Error.Code, e.Error.Message)
				assert.Equal(t, tc.field, e.Error.Field, e.Error.Message)
			})
		}
	})
}

// TestEdge_AnUpdateThatChangesNothingKeepsTheVersion: sending back what was read
// writes nothing, so the version (and updated_at) stay and a concurrent editor is
// not forced into a conflict.
func TestEdge_AnUpdateThatChangesNothingKeepsTheVersion(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		org := "/v1/orgs/" + f.orgID
		power := f.token(demoPower)
		var o orgJSON
		require.Equal(t, http.StatusOK, f.do("GET", org, power, nil, &o))
		for _, body := range []map[string]any{
			{"version": o.Version},
			{"alias": o.Alias, "version": o.Version},
			{"alias": o.Alias, "enforce_mfa": o.EnforceMFA, "version": o.Version},
		} {
			var got orgJSON
			require.Equal(t, http.StatusOK, f.do("PATCH", org, power, body, &got))
			assert.Equal(t, o, got, "PATCH %v", body)
		}

		p := f.project()
		var gotP projectJSON
		require.Equal(t, http.StatusOK, f.do("PUT", org+"/projects/"+p.ID, power, projectInput{Name: p.Name, Plan: p.Plan,
			PaymentMethod: p.PaymentMethod, Currency: p.Currency, InvoiceTo: p.InvoiceTo, InvoiceCC: p.InvoiceCC,
			Billing: p.Billing, Version: p.Version}, &gotP))
		assert.Equal(t, p, gotP)

		var m memberJSON
		require.Equal(t, http.StatusOK, f.do("GET", org+"/members/"+demoGeneral.IdentityID, power, nil, &m))
		var gotM memberJSON
		require.Equal(t, http.StatusOK, f.do("PUT", org+"/members/"+demoGeneral.IdentityID, power,
			map[string]any{"type": m.Type, "permissions": m.Permissions, "version": m.Version}, &gotM))
		assert.Equal(t, m, gotM)

		var a accountJSON
		require.Equal(t, http.StatusOK, f.do("GET", org+"/accounts/100000000001", power, nil, &a))
		var gotA accountJSON
		require.Equal(t, http.StatusOK, f.do("POST", org+"/accounts/100000000001/move", power,
			map[string]any{"project_id": a.CurrentProjectID, "version": a.Version}, &gotA))
		assert.Equal(t, a, gotA, "moving to the owner it has is no move")
		var bulk pageJSON[accountJSON]
		require.Equal(t, http.StatusOK, f.do("POST", org+"/accounts/bulk-edit", power,
			map[string]any{"account_ids": []string{a.ID}, "name": a.Name, "labels": a.Labels}, &bulk))
		assert.Equal(t, []accountJSON{a}, bulk.Items)
	})
}

// TestEdge_TheAccessLogShowsTheStatusTheClientGot: a request whose client went away
// is logged 499 and answered nothing (it was logged 200); a panic is a 500 JSON and
// logged 500; a panic after the answer started aborts the connection and is logged
// aborted; a request that outlives its deadline gets a 503 (the connection used to
// be cut by WriteTimeout while the log said 200); one arriving after shutdown
// started gets a 503 (it used to get an empty 200, and no log line).
func TestEdge_TheAccessLogShowsTheStatusTheClientGot(t *testing.T) {
	projects := func(f *fixture) string { return "/v1/orgs/" + f.orgID + "/projects" }

	t.Run("client went away", func(t *testing.T) {
		f := newFixture(t, "sqlite")
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		req := httptest.NewRequestWithContext(ctx, "GET", projects(f), nil)
		req.Header.Set("Authorization", "Bearer "+f.token(demoPower))
		rec := httptest.NewRecorder()
		f.s.routes().ServeHTTP(rec, req)
		assert.Zero(t, rec.Body.Len(), "nothing is written")
		assert.False(t, rec.Flushed)
		logged := f.accessLog("GET", projects(f))
		require.Len(t, logged, 1)
		assert.Contains(t, logged[0], " status=499 ")
	})
	t.Run("request deadline", func(t *testing.T) {
		f := newFixture(t, "sqlite")
		f.s.requestTimeout = 1 // ns: past before the first query
		var e errorJSON
		require.Equal(t, http.StatusServiceUnavailable, f.do("GET", projects(f), f.token(demoPower), nil, &e))
		assert.Equal(t, "unavailable", e.Error.Code)
		assert.Contains(t, f.accessLog("GET", projects(f))[0], " status=503 ")
	})
	t.Run("after shutdown started", func(t *testing.T) {
		f := newFixture(t, "memory")
		f.s.gate.closeAndWait()
		req := f.request("GET", projects(f), f.token(demoPower), nil)
		var e errorJSON
		require.Equal(t, http.StatusServiceUnavailable, f.send(req, &e))
		assert.Equal(t, "unavailable", e.Error.Code)
		assert.Contains(t, f.accessLog("GET", projects(f))[0], " status=503 ")
	})
	t.Run("panic", func(t *testing.T) {
		f := newFixture(t, "memory")
		f.s.svc = nil // GET /v1/orgs/{org} calls s.svc.GetOrganization: it panics
		var e errorJSON
		require.Equal(t, http.StatusInternalServerError, f.do("GET", "/v1/orgs/"+f.orgID, f.token(demoPower), nil, &e))
		assert.Equal(t, errorJSON{Error: struct {
			Code    string `json:"code"`
			Message string `json:"message"`
			Field   string `json:"field"`
		}{Code: "internal", Message: msgInternal}}, e)
		assert.Contains(t, f.accessLog("GET", "/v1/orgs/"+f.orgID)[0], " status=500 ")
		assert.Contains(t, f.logs.String(), "level=ERROR")
	})
	t.Run("panic after the answer started", func(t *testing.T) {
		var logs syncBuffer
		s := newServer(nil, nil, nil, staticAuth{}, slog.New(slog.NewTextHandler(&logs, nil)))
		srv := httptest.NewServer(s.logRequests(s.recoverPanics(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Length", "100")
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, `{"items":[`)
			panic("half way")
		}))))
		defer srv.Close()
		resp, err := srv.Client().Get(srv.URL + "/x")
		if err == nil {
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		require.Error(t, err, "the client sees a broken answer, not a complete one")
		assert.Contains(t, logs.String(), " status=200 ")
		assert.Contains(t, logs.String(), " aborted=true")
	})
	t.Run("every other answer", func(t *testing.T) {
		f := newFixture(t, "memory")
		for _, tc := range []struct {
			method, path, token string
			status              int
		}{
			{"GET", projects(f), f.token(demoPower), 200},
			{"GET", projects(f), "", 401},
			{"GET", "/v1/nothing", f.token(demoPower), 404},
			{"DELETE", projects(f), f.token(demoPower), 405},
			{"GET", projects(f) + "?limit=x", f.token(demoPower), 400},
			{"DELETE", "/v1/orgs/" + f.orgID + "/members/" + demoGeneral.IdentityID, f.token(demoPower), 204},
		} {
			before := len(f.accessLog(tc.method, strings.Split(tc.path, "?")[0]))
			require.Equal(t, tc.status, f.do(tc.method, tc.path, tc.token, nil, nil))
			logged := f.accessLog(tc.method, strings.Split(tc.path, "?")[0])
			require.Len(t, logged, before+1)
			assert.Contains(t, logged[before], fmt.Sprintf(" status=%d ", tc.status))
		}
	})
}

// TestErrors_AlreadyExistsAndConflictSayWhatHappened: "already exists" and "changed
// concurrently" are two answers (one 409 served both), and a permission error says
// what is required.
func TestErrors_AlreadyExistsAndConflictSayWhatHappened(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		org := "/v1/orgs/" + f.orgID
		var e errorJSON
		require.Equal(t, http.StatusConflict, f.do("POST", org+"/accounts", f.token(demoOperator),
			map[string]any{"id": "100000000001", "project_id": f.project().ID}, &e))
		assert.Equal(t, "already_exists", e.Error.Code)
		assert.Contains(t, e.Error.Message, "already exists")
		require.Equal(t, http.StatusConflict, f.do("POST", org+"/invitations", f.token(demoPower),
			map[string]any{"email": demoGeneral.Email, "type": "general"}, &e), "already a member")
		assert.Equal(t, "already_exists", e.Error.Code)

		var o orgJSON
		require.Equal(t, http.StatusOK, f.do("GET", org, f.token(demoPower), nil, &o))
		require.Equal(t, http.StatusOK, f.do("PATCH", org, f.token(demoPower), map[string]any{"alias": "A", "version": o.Version}, nil))
		require.Equal(t, http.StatusConflict, f.do("PATCH", org, f.token(demoPower), map[string]any{"alias": "B", "version": o.Version}, &e))
		assert.Equal(t, "conflict", e.Error.Code)
		assert.Contains(t, e.Error.Message, "changed concurrently")
		assert.Contains(t, e.Error.Message, "re-read")

		for _, tc := range []struct {
			method, path string
			body         any
			says         string
		}{
			{"POST", org + "/accounts", map[string]any{"id": "123456789012", "project_id": f.project().ID}, "only reseller operators"},
			{"PATCH", org, map[string]any{"alias": "x", "version": o.Version}, "only power users"},
			{"POST", org + "/invitations", map[string]any{"email": "n@demo.example.com", "type": "general"}, "only power users"},
			{"GET", org + "/members", nil, `"user.view" is required`},
		} {
			require.Equal(t, http.StatusForbidden, f.do(tc.method, tc.path, f.token(demoGeneral), tc.body, &e), tc.path)
			assert.Equal(t, "permission_denied", e.Error.Code)
			assert.Contains(t, e.Error.Message, tc.says)
		}
	})
}

// TestErrors_EchoedValuesAreBounded: a huge value sent in a body, the path or the
// query shows up in no response or log line longer than the bounds; members quotes
// a project_id it could not find whole, the portal cuts it.
func TestErrors_EchoedValuesAreBounded(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		huge := strings.Repeat("x", 900<<10)
		org := "/v1/orgs/" + f.orgID
		for _, tc := range []struct {
			name, method, path, token string
			body                      any
			status                    int
		}{
			{"unknown project_id", "POST", org + "/accounts", f.token(demoOperator), map[string]any{"id": "123456789012", "project_id": huge}, 404},
			{"a name", "POST", "/v1/orgs", f.token(demoPower), map[string]any{"code": "huge", "name": huge}, 400},
			{"an unknown field", "PATCH", org, f.token(demoPower), `{"` + huge + `":1}`, 400},
			{"a path", "GET", "/v1/orgs/" + huge[:40<<10] + "/projects", f.token(demoPower), nil, 403},
			{"a page token", "GET", org + "/accounts?page_token=" + strings.Repeat("*", 40<<10), f.token(demoPower), nil, 400},
			{"a path with no route", "GET", "/v1/" + huge[:40<<10], f.token(demoPower), nil, 404},
		} {
			t.Run(tc.name, func(t *testing.T) {
				logged := len(f.logs.String())
				var e errorJSON
				require.Equal(t, tc.status, f.do(tc.method, tc.path, tc.token, tc.body, &e))
				assert.LessOrEqual(t, utf8.RuneCountInString(e.Error.Message), maxShownMessage+1)
				assert.LessOrEqual(t, len(e.Error.Field), 200)
				for line := range strings.Lines(f.logs.String()[logged:]) {
					assert.Less(t, len(line), maxLoggedError+1000, "a log line: %.200s", line)
				}
			})
		}
	})
}

// TestAdmit_ARequestWaitsForASlotUntilItsDeadline: with every slot taken, an API
// request queues; if its deadline passes first it is a 503 (logged 503), and once a
// slot is free it is served. /healthz, 401 and 404 take no slot. (The handler is
// called directly, so the test can change the server between requests.)
func TestAdmit_ARequestWaitsForASlotUntilItsDeadline(t *testing.T) {
	f := newFixture(t, "memory")
	f.useStaticAuth()
	f.s.limit = newLimiter(1)
	never, err := f.s.limit.acquire(context.Background(), "someone else") // a request that never ends
	require.NoError(t, err)
	f.s.requestTimeout = 1 // ns
	h := f.s.routes()
	path := "/v1/orgs/" + f.orgID
	get := func(path string, who members.Principal) int {
		req := httptest.NewRequest("GET", path, nil)
		if who.IdentityID != "" {
			req.Header.Set("Authorization", "Bearer "+f.token(who))
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	require.Equal(t, http.StatusServiceUnavailable, get(path, demoPower))
	assert.Contains(t, f.accessLog("GET", path)[0], " status=503 ")
	require.Equal(t, http.StatusOK, get("/healthz", members.Principal{}))
	require.Equal(t, http.StatusUnauthorized, get(path, members.Principal{}))
	require.Equal(t, http.StatusNotFound, get("/v1/nothing", demoPower))

	f.s.limit.release(never)
	f.s.requestTimeout = requestTimeout
	require.Equal(t, http.StatusOK, get(path, demoPower))
}
