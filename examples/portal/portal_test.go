package main

import (
	"bytes"
	"context"
	"encoding/base32"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/securitytest"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
	"github.com/seeda33a2f4f/resellerkit/support"
)

// backends lists the databases every HTTP test runs on: in-memory SQLite (-db
// memory), an SQLite file in a temporary directory, and a fresh PostgreSQL schema
// when RESELLERKIT_TEST_POSTGRES_DSN is set (skipped otherwise).
var backends = []string{"memory", "sqlite", "postgresql"}

// openTestBackend opens a fresh, empty backend of kind.
func openTestBackend(t testing.TB, kind string) *backend {
	t.Helper()
	ctx := context.Background()
	var (
		b   *backend
		err error
	)
	switch kind {
	case "memory":
		b, err = openBackend(ctx, memoryDSN)
	case "sqlite":
		// through the same path as -db FILE
		b, err = openBackend(ctx, filepath.Join(t.TempDir(), "portal.db"))
	case "postgresql":
		b, err = sqlBackend(ctx, sqldbtest.Postgres(t), "PostgreSQL")
	}
	require.NoError(t, err)
	t.Cleanup(func() { _ = b.Close() })
	return b
}

// outsider is a power user of another organization, used by the isolation test.
var outsider = members.Principal{IdentityID: "test-outsider", Email: "outsider@other.example.com", MFA: true}

// fixture is a running portal on a fresh, seeded store.
type fixture struct {
	t         testing.TB
	srv       *httptest.Server
	s         *server
	svc       *members.Service
	ids       *identity.Service
	notices   *contacts.Service
	bill      *billing.Service
	billing   billingSeeded // the demo cost data and invoices
	sec       *security.Service
	fleet     *securitytest.Fleet // the demo's simulated AWS fleet
	security  securitySeeded      // the seeded maintenance run
	sup       *support.Service
	support   supportSeeded // the seeded demo case
	b         *backend
	orgID     string
	passwords map[string]string // by email: the demo users' and the outsider's
	mails     *mailbox          // what identity mailed
	logs      *syncBuffer       // what the server logged

	mu     sync.Mutex
	tokens map[string]string // identity id → session token (token)
	static bool              // useStaticAuth was called
}

// useStaticAuth makes the portal authenticate the demo users and the outsider with
// staticAuth tokens, which need no database. Tests of what happens after
// authentication under a deadline of 1 ns use it: a real session lookup would
// already miss that deadline.
func (f *fixture) useStaticAuth() {
	a := staticAuth{outsider.IdentityID: outsider}
	for _, u := range demoUsers {
		a[u.p.IdentityID] = u.p
	}
	f.s.auth = a
	f.mu.Lock()
	f.static = true
	f.mu.Unlock()
}

// outsiderPassword is the outsider's password.
const outsiderPassword = "Outsider-Pass-42"

// testOrigin is the origin the test portal's passkeys are bound to.
const testOrigin = "http://localhost"

// testHasher returns argon2id with the smallest parameters NewHasher accepts: the
// tests check behaviour, not cost (BENCHMARKS.md has the cost of the real ones).
func testHasher(t testing.TB) *identity.Hasher {
	t.Helper()
	h, err := identity.NewHasher(identity.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})
	require.NoError(t, err)
	return h
}

// mailbox is an identity.Mailer keeping what it is given.
type mailbox struct {
	mu    sync.Mutex
	mails []identity.Mail
}

func (m *mailbox) SendMail(_ context.Context, mail identity.Mail) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.mails = append(m.mails, mail)
	return nil
}

// last returns the last mail sent to to.
func (m *mailbox) last(to string) (identity.Mail, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := len(m.mails) - 1; i >= 0; i-- {
		if m.mails[i].To == to {
			return m.mails[i], true
		}
	}
	return identity.Mail{}, false
}

// newIdentityService is the portal's identity.Service as main builds it, with the
// test hasher and a mailbox.
func newIdentityService(t testing.TB, b *backend, svc *members.Service, mails *mailbox) *identity.Service {
	t.Helper()
	ids, err := identity.NewService(b.ids, identity.WithMemberships(svc), identity.WithHasher(testHasher(t)),
		identity.WithMailer(mails), identity.WithPasskeys("localhost", "resellerkit portal", testOrigin))
	require.NoError(t, err)
	return ids
}

func newFixture(t testing.TB, kind string) *fixture {
	t.Helper()
	ctx := context.Background()
	b := openTestBackend(t, kind)
	svc := members.NewService(b.store)
	mails := &mailbox{}
	ids := newIdentityService(t, b, svc, mails)
	sd, err := seed(ctx, b, svc, ids, time.Now())
	require.NoError(t, err)
	require.NotEmpty(t, sd.orgID)
	require.Len(t, sd.passwords, len(demoUsers), "the first start creates every demo user")
	_, _, err = ids.Register(ctx, identity.NewIdentity{ID: outsider.IdentityID, Email: outsider.Email, Password: outsiderPassword})
	require.NoError(t, err)
	sd.passwords[outsider.Email] = outsiderPassword

	notices, err := contacts.NewService(b.contacts, svc)
	require.NoError(t, err)
	setup := billingSetup{plans: demoPlans(time.Now()), issuer: billing.Issuer{Name: demoIssuerName, RegistrationNumber: demoIssuerRegistration}}
	bill, err := newBillingService(b.billing, svc, notices, setup, testOrigin, time.Now)
	require.NoError(t, err)
	bs, err := seedBilling(ctx, bill, svc, b.state, sd.orgID, setup.plans, setup.costCurrency(), time.Now())
	require.NoError(t, err)
	require.Empty(t, bs.note)
	fleet := securitytest.NewFleet()
	sec, err := newSecurityService(b.security, svc, notices, fleet.Checks(), testOrigin, time.Now)
	require.NoError(t, err)
	ss, err := seedSecurity(ctx, sec, svc, fleet, b.state, sd.orgID, time.Now())
	require.NoError(t, err)
	require.NotEmpty(t, ss.run.ID)
	sup, err := newSupportService(b.support, svc, notices, nil, []string{demoOperator.Email}, testOrigin, time.Now)
	require.NoError(t, err)
	sus, err := seedSupport(ctx, sup, b.state, sd.orgID, time.Now())
	require.NoError(t, err)
	require.NotEmpty(t, sus.caseID)
	logs := &syncBuffer{}
	auth := identityAuth{ids: ids, operators: map[string]bool{demoOperator.Email: true}}
	s := newServer(svc, ids, b.db, auth, slog.New(slog.NewTextHandler(logs, nil)))
	s.notices, s.origin = notices, testOrigin
	s.bill, s.sec, s.sup = bill, sec, sup
	s.carrier, err = applicationsSetup{emailDomain: "reseller.example"}.carrier(ctx, svc, slog.New(slog.NewTextHandler(logs, nil)))
	require.NoError(t, err)
	srv := httptest.NewServer(s.routes())
	t.Cleanup(srv.Close)
	// A redirect is an answer to check, never one to follow.
	srv.Client().CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &fixture{t: t, srv: srv, s: s, svc: svc, ids: ids, notices: notices, bill: bill, billing: bs, sec: sec, fleet: fleet, security: ss, sup: sup, support: sus, b: b, orgID: sd.orgID,
		passwords: sd.passwords, mails: mails, logs: logs, tokens: map[string]string{}}
}

// token returns a session token of p's identity, signing it in through the identity
// Service on first use: with a second factor (an authenticator app enrolled for the
// purpose) when p.MFA, so that the session passes the EnforceMFA gate (M-6).
func (f *fixture) token(p members.Principal) string {
	f.t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.static {
		return staticToken(p.IdentityID)
	}
	if tok, ok := f.tokens[p.IdentityID]; ok {
		return tok
	}
	ctx := context.Background()
	c := identity.Credentials{Email: p.Email, Password: f.passwords[p.Email]}
	if p.MFA {
		c.TOTP = f.enrollTOTP(p)
	}
	_, tok, err := f.ids.SignIn(ctx, c, identity.Client{IP: "192.0.2.1", UserAgent: "fixture"})
	require.NoError(f.t, err)
	f.tokens[p.IdentityID] = tok
	return tok
}

// enrollTOTP sets up an authenticator app for p's identity (from a session of its
// own, with its password) and returns a code accepted at the next sign-in: the
// next step's, within the ±1 step window and after the step the confirmation used.
func (f *fixture) enrollTOTP(p members.Principal) string {
	f.t.Helper()
	ctx := context.Background()
	password := f.passwords[p.Email]
	_, tok, err := f.ids.SignIn(ctx, identity.Credentials{Email: p.Email, Password: password}, identity.Client{IP: "192.0.2.1"})
	require.NoError(f.t, err)
	a, err := f.ids.Authenticate(ctx, tok)
	require.NoError(f.t, err)
	e, err := f.ids.BeginTOTP(ctx, a, password)
	require.NoError(f.t, err)
	secret, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(e.Secret)
	require.NoError(f.t, err)
	step := identity.TOTPStep(time.Now())
	_, err = f.ids.ConfirmTOTP(ctx, a, identity.TOTPCode(secret, step))
	require.NoError(f.t, err)
	require.NoError(f.t, f.ids.SignOut(ctx, tok))
	return identity.TOTPCode(secret, step+1)
}

// project returns the demo organization's first project, as the power user reads it.
func (f *fixture) project() projectJSON {
	f.t.Helper()
	var ps pageJSON[projectJSON]
	require.Equal(f.t, http.StatusOK, f.do("GET", "/v1/orgs/"+f.orgID+"/projects", f.token(demoPower), nil, &ps))
	require.NotEmpty(f.t, ps.Items)
	return ps.Items[0]
}

// do sends a request (body: a string sent as it is, or a value sent as JSON, with
// Content-Type application/json) and decodes the JSON answer into out (when
// non-nil); it returns the status.
func (f *fixture) do(method, path, token string, body any, out any) int {
	f.t.Helper()
	return f.send(f.request(method, path, token, body), out)
}

// request builds the request do sends.
func (f *fixture) request(method, path, token string, body any) *http.Request {
	f.t.Helper()
	var rd io.Reader
	if body != nil {
		if s, ok := body.(string); ok {
			rd = strings.NewReader(s)
		} else {
			b, err := json.Marshal(body)
			require.NoError(f.t, err)
			rd = bytes.NewReader(b)
		}
	}
	req, err := http.NewRequest(method, f.srv.URL+path, rd)
	require.NoError(f.t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

// send sends req, checks that any body it gets is JSON, decodes it into out (when
// non-nil) and returns the status.
func (f *fixture) send(req *http.Request, out any) int {
	f.t.Helper()
	resp, err := f.srv.Client().Do(req)
	require.NoError(f.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(f.t, err)
	if resp.StatusCode != http.StatusNoContent && req.Method != http.MethodHead {
		assert.Equal(f.t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"), "body: %s", raw)
		assert.True(f.t, json.Valid(raw), "body: %s", raw)
	}
	if out != nil {
		require.NoError(f.t, json.Unmarshal(raw, out), "body: %s", raw)
	}
	return resp.StatusCode
}

// errorJSON decodes the error document strictly: exactly the documented shape.
type errorJSON struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field"`
	} `json:"error"`
}

func eachBackend(t *testing.T, fn func(t *testing.T, f *fixture)) {
	for _, kind := range backends {
		t.Run(kind, func(t *testing.T) { fn(t, newFixture(t, kind)) })
	}
}

func TestPortal_401WithoutValidToken(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		for name, auth := range map[string]string{
			"no header":          "",
			"empty bearer":       "Bearer ",
			"basic scheme":       "Basic " + f.token(demoPower),
			"garbage":            "Bearer hello",
			"tampered":           "Bearer " + f.token(demoPower) + "x",
			"truncated":          "Bearer " + f.token(demoPower)[:len(f.token(demoPower))-1],
			"unknown session":    "Bearer " + identity.SessionTokenPrefix + "AAAAAAAAAAAAAAAAAAAAAAAAAA",
			"unknown API key":    "Bearer " + identity.APIKeyPrefix + "abcdefghijklmnop.AAAAAAAAAAAAAAAAAAAAAAAAAA",
			"API key id only":    "Bearer " + identity.APIKeyPrefix + "abcdefghijklmnop",
			"lower-case scheme ": "bearer",
		} {
			t.Run(name, func(t *testing.T) {
				req, err := http.NewRequest(http.MethodGet, f.srv.URL+"/v1/orgs/"+f.orgID+"/projects", nil)
				require.NoError(t, err)
				if auth != "" {
					req.Header.Set("Authorization", auth)
				}
				resp, err := f.srv.Client().Do(req)
				require.NoError(t, err)
				defer resp.Body.Close()
				require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
				assert.Contains(t, resp.Header.Get("WWW-Authenticate"), "Bearer")
				var e errorJSON
				require.NoError(t, json.NewDecoder(resp.Body).Decode(&e))
				assert.Equal(t, "unauthenticated", e.Error.Code)
			})
		}
	})
}

func TestM2_PowerUserListsTheTwoDemoProjects(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		var got pageJSON[projectJSON]
		require.Equal(t, http.StatusOK, f.do("GET", "/v1/orgs/"+f.orgID+"/projects", f.token(demoPower), nil, &got))
		var names []string
		for _, p := range got.Items {
			names = append(names, p.Name)
			assert.Equal(t, f.orgID, p.OrgID)
		}
		assert.ElementsMatch(t, []string{"Production", "Development"}, names)

		// The view-only general user sees them too (project.view).
		require.Equal(t, http.StatusOK, f.do("GET", "/v1/orgs/"+f.orgID+"/projects", f.token(demoGeneral), nil, &got))
		assert.Len(t, got.Items, 2)
	})
}

func TestM3_DemoHasFiveAccountsAcrossBothProjects(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		var got pageJSON[accountJSON]
		require.Equal(t, http.StatusOK, f.do("GET", "/v1/orgs/"+f.orgID+"/accounts", f.token(demoGeneral), nil, &got))
		require.Len(t, got.Items, 5)
		perProject := map[string]int{}
		for _, a := range got.Items {
			perProject[a.CurrentProjectID]++
		}
		assert.Len(t, perProject, 2)
	})
}

func TestM5_GeneralUserCannotInvite(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		body := map[string]any{"email": "new@demo.example.com", "type": "general", "permissions": []string{"project.view"}}
		var e errorJSON
		require.Equal(t, http.StatusForbidden, f.do("POST", "/v1/orgs/"+f.orgID+"/invitations", f.token(demoGeneral), body, &e))
		assert.Equal(t, "permission_denied", e.Error.Code)

		// The power user can; the invitation then shows up.
		var inv invitationJSON
		require.Equal(t, http.StatusCreated, f.do("POST", "/v1/orgs/"+f.orgID+"/invitations", f.token(demoPower), body, &inv))
		assert.Equal(t, "pending", inv.State)
		assert.Equal(t, []string{"project.view"}, inv.Permissions)
	})
}

func TestM5_GrantWithoutPrerequisiteIs400NamingTheField(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		body := map[string]any{"email": "new@demo.example.com", "type": "general", "permissions": []string{"account.view"}}
		var e errorJSON
		require.Equal(t, http.StatusBadRequest, f.do("POST", "/v1/orgs/"+f.orgID+"/invitations", f.token(demoPower), body, &e))
		assert.Equal(t, "invalid", e.Error.Code)
		assert.Equal(t, "permissions", e.Error.Field)
		assert.Contains(t, e.Error.Message, "project.view")
	})
}

func TestM6_EnforceMFADeniesTheGeneralUserWithoutMFA(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		var org orgJSON
		require.Equal(t, http.StatusOK, f.do("GET", "/v1/orgs/"+f.orgID, f.token(demoPower), nil, &org))
		require.Equal(t, http.StatusOK, f.do("PATCH", "/v1/orgs/"+f.orgID, f.token(demoPower), map[string]any{"enforce_mfa": true, "version": org.Version}, &org))
		require.True(t, org.EnforceMFA)
		var e errorJSON
		require.Equal(t, http.StatusForbidden, f.do("GET", "/v1/orgs/"+f.orgID+"/projects", f.token(demoGeneral), nil, &e))
		assert.Equal(t, "mfa_required", e.Error.Code)
		// The power user signed in with MFA and still works.
		require.Equal(t, http.StatusOK, f.do("GET", "/v1/orgs/"+f.orgID+"/projects", f.token(demoPower), nil, nil))

		// The gate reads how the session signed in: enrolling an app does not
		// upgrade the old session, signing in with it gives one that passes.
		code := f.enrollTOTP(demoGeneral)
		require.Equal(t, http.StatusForbidden, f.do("GET", "/v1/orgs/"+f.orgID+"/projects", f.token(demoGeneral), nil, &e))
		var signed signedInJSON
		require.Equal(t, http.StatusCreated, f.do("POST", "/v1/sessions", "",
			map[string]string{"email": demoGeneral.Email, "password": f.passwords[demoGeneral.Email], "totp": code}, &signed))
		require.True(t, signed.Session.MFA)
		require.Equal(t, http.StatusOK, f.do("GET", "/v1/orgs/"+f.orgID+"/projects", signed.Token, nil, nil))
		// An API key carries the MFA of the session that created it.
		var weak, strong apiKeyJSON
		require.Equal(t, http.StatusCreated, f.do("POST", "/v1/me/api-keys", f.token(demoGeneral), map[string]string{"org_id": f.orgID, "name": "weak"}, &weak))
		require.Equal(t, http.StatusCreated, f.do("POST", "/v1/me/api-keys", signed.Token, map[string]string{"org_id": f.orgID, "name": "strong"}, &strong))
		require.Equal(t, http.StatusForbidden, f.do("GET", "/v1/orgs/"+f.orgID+"/projects", weak.Secret, nil, &e))
		assert.Equal(t, "mfa_required", e.Error.Code)
		require.Equal(t, http.StatusOK, f.do("GET", "/v1/orgs/"+f.orgID+"/projects", strong.Secret, nil, nil))
	})
}

func TestM2_UpdateWithoutVersionIs400NamingVersion(t *testing.T) {
	// The optimistic-concurrency contract: every update body carries the version the
	// client read; leaving it out (or sending 0) is a 400 naming "version", never a
	// blind last-writer-wins write.
	eachBackend(t, func(t *testing.T, f *fixture) {
		var projects pageJSON[projectJSON]
		require.Equal(t, http.StatusOK, f.do("GET", "/v1/orgs/"+f.orgID+"/projects", f.token(demoPower), nil, &projects))
		require.NotEmpty(t, projects.Items)
		p := projects.Items[0]
		var accounts pageJSON[accountJSON]
		require.Equal(t, http.StatusOK, f.do("GET", "/v1/orgs/"+f.orgID+"/accounts", f.token(demoPower), nil, &accounts))
		require.NotEmpty(t, accounts.Items)
		cases := []struct {
			name, method, path string
			body               map[string]any
		}{
			{"organization", "PATCH", "/v1/orgs/" + f.orgID, map[string]any{"alias": "X"}},
			{"project", "PUT", "/v1/orgs/" + f.orgID + "/projects/" + p.ID, map[string]any{
				"name": "renamed", "plan": p.Plan, "payment_method": p.PaymentMethod, "currency": p.Currency,
				"invoice_to": p.InvoiceTo}},
			{"move account", "POST", "/v1/orgs/" + f.orgID + "/accounts/" + accounts.Items[0].ID + "/move", map[string]any{"project_id": p.ID}},
			{"member", "PUT", "/v1/orgs/" + f.orgID + "/members/" + demoGeneral.IdentityID, map[string]any{"type": "general", "permissions": []string{"project.view"}}},
		}
		for _, c := range cases {
			for _, v := range []any{nil, 0} {
				body := map[string]any{}
				for k, x := range c.body {
					body[k] = x
				}
				if v != nil {
					body["version"] = v
				}
				var e errorJSON
				require.Equal(t, http.StatusBadRequest, f.do(c.method, c.path, f.token(demoPower), body, &e), "%s, version %v", c.name, v)
				assert.Equal(t, "invalid", e.Error.Code, c.name)
				assert.Equal(t, "version", e.Error.Field, c.name)
			}
		}
		var got projectJSON
		require.Equal(t, http.StatusOK, f.do("GET", "/v1/orgs/"+f.orgID+"/projects/"+p.ID, f.token(demoPower), nil, &got))
		assert.Equal(t, p, got, "nothing changed")
	})
}

func TestM7_OutsiderGetsNothingOfTheDemoOrganization(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		var other orgJSON
		require.Equal(t, http.StatusCreated, f.do("POST", "/v1/orgs", f.token(outsider), map[string]any{"code": "other", "name": "Other K.K."}, &other))
		var demoProjects pageJSON[projectJSON]
		require.Equal(t, http.StatusOK, f.do("GET", "/v1/orgs/"+f.orgID+"/projects", f.token(demoPower), nil, &demoProjects))
		projectID := demoProjects.Items[0].ID

		for _, tc := range []struct{ method, path string }{
			{"GET", "/v1/orgs/" + f.orgID},
			{"GET", "/v1/orgs/" + f.orgID + "/projects"},
			{"GET", "/v1/orgs/" + f.orgID + "/projects/" + projectID},
			{"GET", "/v1/orgs/" + f.orgID + "/accounts/100000000001"},
			{"GET", "/v1/orgs/" + f.orgID + "/members"},
			{"GET", "/v1/orgs/does-not-exist/projects"}, // same answer as a foreign org
		} {
			var e errorJSON
			require.Equal(t, http.StatusForbidden, f.do(tc.method, tc.path, f.token(outsider), nil, &e), tc.path)
			assert.Equal(t, "permission_denied", e.Error.Code)
		}
		// An id of the demo org addressed through the outsider's own org is not found,
		// exactly like a missing id.
		var e errorJSON
		require.Equal(t, http.StatusNotFound, f.do("GET", "/v1/orgs/"+other.ID+"/projects/"+projectID, f.token(outsider), nil, &e))
		assert.Equal(t, "not_found", e.Error.Code)
		var orgs pageJSON[orgJSON]
		require.Equal(t, http.StatusOK, f.do("GET", "/v1/orgs", f.token(outsider), nil, &orgs))
		require.Len(t, orgs.Items, 1)
		assert.Equal(t, other.ID, orgs.Items[0].ID)
	})
}

func TestPortal_StaleProjectVersionIs409(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		p := f.project()
		path := "/v1/orgs/" + f.orgID + "/projects/" + p.ID
		in := projectInput{Name: p.Name + " (renamed)", Plan: p.Plan, PaymentMethod: p.PaymentMethod, Currency: p.Currency,
			InvoiceTo: p.InvoiceTo, InvoiceCC: p.InvoiceCC, Version: p.Version}

		var updated projectJSON
		require.Equal(t, http.StatusOK, f.do("PUT", path, f.token(demoPower), in, &updated))
		assert.Equal(t, p.Version+1, updated.Version)
		assert.Equal(t, p.Name+" (renamed)", updated.Name)

		// A second writer who read the same version loses.
		in.Name = "lost update"
		var e errorJSON
		require.Equal(t, http.StatusConflict, f.do("PUT", path, f.token(demoPower), in, &e))
		assert.Equal(t, "conflict", e.Error.Code)

		var got projectJSON
		require.Equal(t, http.StatusOK, f.do("GET", path, f.token(demoPower), nil, &got))
		assert.Equal(t, p.Name+" (renamed)", got.Name, "the stale write changed nothing")
		assert.Equal(t, updated.Version, got.Version)
	})
}

func TestPortal_ErrorShape(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		org := "/v1/orgs/" + f.orgID
		power, general := f.token(demoPower), f.token(demoGeneral)
		for _, tc := range []struct {
			name, method, path, token string
			body                      any
			status                    int
			code, field               string
		}{
			{"no token", "GET", org, "", nil, 401, "unauthenticated", ""},
			{"missing project", "GET", org + "/projects/nope", power, nil, 404, "not_found", ""},
			{"permission", "PATCH", org, general, map[string]any{"alias": "x"}, 403, "permission_denied", ""},
			{"bad email (M-8)", "POST", org + "/invitations", power, map[string]any{"email": "not-an-email", "type": "general"}, 400, "invalid", "email"},
			{"bad account id (M-3)", "POST", org + "/accounts", f.token(demoOperator), map[string]any{"id": "12345", "project_id": "x"}, 400, "invalid", "id"},
			{"malformed JSON", "POST", org + "/invitations", power, `{"email":`, 400, "bad_request", ""},
			{"unknown field", "POST", org + "/invitations", power, `{"mail":"a@b.example.com"}`, 400, "bad_request", "mail"},
			{"wrong type", "PATCH", org, power, `{"enforce_mfa":"yes"}`, 400, "bad_request", "enforce_mfa"},
			{"two documents", "PATCH", org, power, `{} {}`, 400, "bad_request", ""},
			{"empty body", "POST", org + "/projects", power, nil, 400, "bad_request", ""},
			{"missing application", "POST", org + "/applications/nope/review", f.token(demoOperator), nil, 404, "not_found", ""},
			{"unknown route", "GET", "/v2/whatever", power, nil, 404, "not_found", ""},
			{"wrong method", "DELETE", org + "/projects", power, nil, 405, "method_not_allowed", ""},
			{"duplicate org code", "POST", "/v1/orgs", power, map[string]any{"code": "demo", "name": "Again"}, 409, "already_exists", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var raw map[string]map[string]any
				require.Equal(t, tc.status, f.do(tc.method, tc.path, tc.token, tc.body, &raw))
				require.Len(t, raw, 1, "only the error key")
				e := raw["error"]
				assert.Equal(t, tc.code, e["code"])
				assert.NotEmpty(t, e["message"])
				if tc.field != "" {
					assert.Equal(t, tc.field, e["field"])
				} else {
					assert.NotContains(t, e, "field")
				}
				for k := range e {
					assert.Contains(t, []string{"code", "message", "field"}, k)
				}
			})
		}
	})
}

func TestM11_ApplicationLifecycleOverHTTP(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		org := "/v1/orgs/" + f.orgID
		// The view-only general user may not submit (application.submit).
		body := map[string]any{"kind": "account_closure", "account_id": "100000000005"}
		require.Equal(t, http.StatusForbidden, f.do("POST", org+"/applications", f.token(demoGeneral), body, nil))

		var app applicationJSON
		require.Equal(t, http.StatusCreated, f.do("POST", org+"/applications", f.token(demoPower), body, &app))
		assert.Equal(t, "submitted", app.State)
		appPath := org + "/applications/" + app.ID

		// Customers cannot review; completing before review is an invalid transition.
		require.Equal(t, http.StatusForbidden, f.do("POST", appPath+"/review", f.token(demoPower), nil, nil))
		var e errorJSON
		require.Equal(t, http.StatusBadRequest, f.do("POST", appPath+"/complete", f.token(demoOperator), nil, &e))
		assert.Empty(t, e.Error.Field, "the application's state is no field of the request")
		assert.Contains(t, e.Error.Message, "in_review")

		require.Equal(t, http.StatusOK, f.do("POST", appPath+"/review", f.token(demoOperator), nil, &app))
		assert.Equal(t, "in_review", app.State)
		require.Equal(t, http.StatusOK, f.do("POST", appPath+"/reject", f.token(demoOperator), map[string]any{"reason": "needs a signature"}, &app))
		assert.Equal(t, "rejected", app.State)
		assert.Equal(t, "needs a signature", app.Reason)

		var apps pageJSON[applicationJSON]
		require.Equal(t, http.StatusOK, f.do("GET", org+"/applications", f.token(demoPower), nil, &apps))
		require.Len(t, apps.Items, 1)
	})
}

func TestM8_InvitationAcceptRejectRevokeOverHTTP(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		org := "/v1/orgs/" + f.orgID
		var inv invitationJSON
		require.Equal(t, http.StatusCreated, f.do("POST", org+"/invitations", f.token(demoPower),
			map[string]any{"email": outsider.Email, "type": "general", "permissions": []string{"project.view"}}, &inv))

		var mine pageJSON[invitationJSON]
		require.Equal(t, http.StatusOK, f.do("GET", "/v1/me/invitations", f.token(outsider), nil, &mine))
		require.Len(t, mine.Items, 1)

		// Someone else cannot accept it; the invitee can, once.
		require.Equal(t, http.StatusNotFound, f.do("POST", org+"/invitations/"+inv.ID+"/accept", f.token(demoGeneral), nil, nil))
		var m memberJSON
		require.Equal(t, http.StatusOK, f.do("POST", org+"/invitations/"+inv.ID+"/accept", f.token(outsider), nil, &m))
		assert.Equal(t, "general", m.Type)
		require.Equal(t, http.StatusBadRequest, f.do("POST", org+"/invitations/"+inv.ID+"/revoke", f.token(demoPower), nil, nil))

		var ms pageJSON[memberJSON]
		require.Equal(t, http.StatusOK, f.do("GET", org+"/members", f.token(demoPower), nil, &ms))
		assert.Len(t, ms.Items, 3)

		// M-9: the last power user cannot leave; removing the new member works.
		var e errorJSON
		require.Equal(t, http.StatusBadRequest, f.do("DELETE", org+"/members/"+demoPower.IdentityID, f.token(demoPower), nil, &e))
		assert.Contains(t, e.Error.Message, "M-9")
		require.Equal(t, http.StatusNoContent, f.do("DELETE", org+"/members/"+outsider.IdentityID, f.token(demoPower), nil, nil))
	})
}

func TestM3_MoveAccountTakesEffectNextMonth(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		org := "/v1/orgs/" + f.orgID
		var a accountJSON
		require.Equal(t, http.StatusOK, f.do("GET", org+"/accounts/100000000001", f.token(demoPower), nil, &a))
		var ps pageJSON[projectJSON]
		require.Equal(t, http.StatusOK, f.do("GET", org+"/projects", f.token(demoPower), nil, &ps))
		to := ps.Items[0].ID
		if to == a.CurrentProjectID {
			to = ps.Items[1].ID
		}
		var moved accountJSON
		require.Equal(t, http.StatusOK, f.do("POST", org+"/accounts/100000000001/move", f.token(demoPower),
			map[string]any{"project_id": to, "version": a.Version}, &moved))
		assert.Equal(t, a.CurrentProjectID, moved.CurrentProjectID, "this month stays with the old owner")
		require.Len(t, moved.Ownership, 2)
		assert.Equal(t, to, moved.Ownership[1].ProjectID)
		assert.Equal(t, resellerkit.MonthOf(time.Now()).Next(), moved.Ownership[1].From, "from the next UTC month")

		// The general user is view-only.
		require.Equal(t, http.StatusForbidden, f.do("POST", org+"/accounts/100000000002/move", f.token(demoGeneral),
			map[string]any{"project_id": to}, nil))
	})
}

func TestM10_BulkEditIsAllOrNothingOverHTTP(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		org := "/v1/orgs/" + f.orgID
		var e errorJSON
		require.Equal(t, http.StatusNotFound, f.do("POST", org+"/accounts/bulk-edit", f.token(demoPower),
			map[string]any{"account_ids": []string{"100000000001", "999999999999"}, "name": "renamed"}, &e))
		var a accountJSON
		require.Equal(t, http.StatusOK, f.do("GET", org+"/accounts/100000000001", f.token(demoPower), nil, &a))
		assert.Equal(t, "prod-web", a.Name, "nothing changed")

		var got pageJSON[accountJSON]
		require.Equal(t, http.StatusOK, f.do("POST", org+"/accounts/bulk-edit", f.token(demoPower),
			map[string]any{"account_ids": []string{"100000000001", "100000000002"}, "labels": []string{"prod"}}, &got))
		require.Len(t, got.Items, 2)
		assert.Equal(t, []string{"prod"}, got.Items[1].Labels)
	})
}

func TestPortal_SeedingTwiceDoesNotDuplicate(t *testing.T) {
	for _, kind := range backends {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			b := openTestBackend(t, kind)
			svc := members.NewService(b.store)
			ids := newIdentityService(t, b, svc, &mailbox{})
			now := time.Now()

			sd1, err := seed(ctx, b, svc, ids, now)
			require.NoError(t, err)
			assert.Len(t, sd1.passwords, len(demoUsers))
			sd2, err := seed(ctx, b, svc, ids, now)
			require.NoError(t, err)
			require.Equal(t, sd1.orgID, sd2.orgID)
			assert.Empty(t, sd2.passwords, "passwords are shown once")
			org1 := sd1.orgID
			// An interrupted seed re-runs every step: still nothing duplicated.
			again := map[string]string{}
			require.NoError(t, seedIdentities(ctx, ids, again))
			assert.Empty(t, again)
			require.NoError(t, seedSteps(ctx, b.store, svc, now))
			require.NoError(t, seedSteps(ctx, b.store, svc, now))
			idents, _, err := ids.ListIdentities(ctx, resellerkit.Page{})
			require.NoError(t, err)
			assert.Len(t, idents, len(demoUsers))

			orgs, _, err := svc.ListOrganizations(ctx, demoOperator, resellerkit.Page{})
			require.NoError(t, err)
			assert.Len(t, orgs, 1)
			ps, _, err := svc.ListProjects(ctx, demoPower, org1, resellerkit.Page{})
			require.NoError(t, err)
			assert.Len(t, ps, 2)
			as, _, err := svc.ListAccounts(ctx, demoPower, org1, resellerkit.Page{})
			require.NoError(t, err)
			assert.Len(t, as, 5)
			ms, _, err := svc.ListMembers(ctx, demoPower, org1, resellerkit.Page{})
			require.NoError(t, err)
			require.Len(t, ms, 2)
			for _, m := range ms {
				if m.IdentityID == demoGeneral.IdentityID {
					assert.Equal(t, members.MemberGeneral, m.Type)
					assert.Equal(t, []members.Permission{"account.view", "charges.view", "invoice.view", "project.view"}, m.Permissions)
				}
			}
			invs, _, err := svc.ListInvitations(ctx, demoPower, org1, resellerkit.Page{})
			require.NoError(t, err)
			assert.Len(t, invs, 1)
		})
	}
}

func TestPortal_SeedRespectsLaterEdits(t *testing.T) {
	// Once seeded, a restart does not bring back what users removed.
	ctx := context.Background()
	b, err := openBackend(ctx, memoryDSN)
	require.NoError(t, err)
	svc := members.NewService(b.store)
	ids := newIdentityService(t, b, svc, &mailbox{})
	sd, err := seed(ctx, b, svc, ids, time.Now())
	require.NoError(t, err)
	orgID := sd.orgID
	require.NoError(t, svc.RemoveMember(ctx, demoPower, orgID, demoGeneral.IdentityID))
	_, err = seed(ctx, b, svc, ids, time.Now())
	require.NoError(t, err)
	_, err = svc.GetMember(ctx, demoPower, orgID, demoGeneral.IdentityID)
	require.ErrorIs(t, err, members.ErrNotFound)
}

// TestRun_SmokeStartsServesAndShutsDown runs the real program on 127.0.0.1:0 and an
// SQLite file, twice: the first start prints the demo users' passwords, the second
// finds the seeded data, prints no password, and the first one still signs in.
func TestRun_SmokeStartsServesAndShutsDown(t *testing.T) {
	db := filepath.Join(t.TempDir(), "portal.db")
	password := ""
	start := func() (out string) {
		ctx, cancel := context.WithCancel(context.Background())
		var buf syncBuffer
		addrc := make(chan string, 1)
		done := make(chan error, 1)
		go func() {
			done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-db", db}, &buf, func(a net.Addr) { addrc <- a.String() })
		}()
		var addr string
		select {
		case addr = <-addrc:
		case err := <-done:
			t.Fatalf("run returned early: %v\n%s", err, buf.String())
		case <-time.After(30 * time.Second):
			t.Fatal("server did not start")
		}
		if password == "" {
			password = passwordFromOutput(t, buf.String(), "power user")
		}
		orgID := orgFromOutput(t, buf.String())
		body, _ := json.Marshal(map[string]string{"email": demoPower.Email, "password": password})
		resp, err := http.Post("http://"+addr+"/v1/sessions", "application/json", bytes.NewReader(body))
		require.NoError(t, err)
		var signed signedInJSON
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&signed))
		resp.Body.Close()
		require.Equal(t, http.StatusCreated, resp.StatusCode)
		req, err := http.NewRequest("GET", "http://"+addr+"/v1/orgs/"+orgID+"/projects", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+signed.Token)
		resp, err = http.DefaultClient.Do(req)
		require.NoError(t, err)
		var got pageJSON[projectJSON]
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Len(t, got.Items, 2)

		cancel()
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(shutdownTimeout + 5*time.Second):
			t.Fatal("server did not shut down")
		}
		_, err = http.Get("http://" + addr + "/healthz")
		require.Error(t, err, "the listener is closed")
		return buf.String()
	}
	first, second := start(), start()
	assert.Contains(t, first, password)
	assert.NotContains(t, second, password, "a password is shown once")
	assert.Equal(t, orgFromOutput(t, first), orgFromOutput(t, second))
	assert.Contains(t, second, "shutting down")
}

func TestRun_BadFlags(t *testing.T) {
	var buf bytes.Buffer
	require.Error(t, run(context.Background(), []string{"-nope"}, &buf, nil))
	require.Error(t, run(context.Background(), []string{"extra"}, &buf, nil))
	require.Error(t, run(context.Background(), []string{"-max-inflight", "0"}, &buf, nil))
	require.Error(t, run(context.Background(), []string{"-operators", "not an email"}, &buf, nil))
	require.Error(t, run(context.Background(), []string{"-origin", "portal.example.com"}, &buf, nil))
	require.Error(t, run(context.Background(), []string{"-db", "postgres://127.0.0.1:1/x?connect_timeout=1"}, &buf, nil))
}

// passwordFromOutput returns the password printed on the line of the demo user
// with label.
func passwordFromOutput(t *testing.T, out, label string) string {
	t.Helper()
	for line := range strings.Lines(out) {
		if strings.HasPrefix(strings.TrimSpace(line), label) {
			f := strings.Fields(line)
			require.NoError(t, identity.CheckPassword(f[len(f)-1]), "line %q", line)
			return f[len(f)-1]
		}
	}
	t.Fatalf("no %q password in output:\n%s", label, out)
	return ""
}

func orgFromOutput(t *testing.T, out string) string {
	t.Helper()
	_, after, ok := strings.Cut(out, "/v1/orgs/")
	require.True(t, ok, out)
	id, _, _ := strings.Cut(after, "\n")
	id, _, _ = strings.Cut(id, "/")
	return strings.TrimSpace(id)
}

// syncBuffer is a bytes.Buffer safe for the server goroutine writing and the test
// reading.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestPortal_ConcurrentProjectUpdatesOneWinsOneConflicts(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		p := f.project()
		path := "/v1/orgs/" + f.orgID + "/projects/" + p.ID
		statuses := make(chan int, 2)
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				in := projectInput{Name: fmt.Sprintf("writer %d", i), PaymentMethod: p.PaymentMethod, Currency: p.Currency,
					InvoiceTo: p.InvoiceTo, InvoiceCC: p.InvoiceCC, Version: p.Version}
				body, _ := json.Marshal(in)
				req, _ := http.NewRequest("PUT", f.srv.URL+path, bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+f.token(demoPower))
				req.Header.Set("Content-Type", "application/json")
				resp, err := f.srv.Client().Do(req) // no require here: not the test goroutine
				if err != nil {
					statuses <- -1
					return
				}
				resp.Body.Close()
				statuses <- resp.StatusCode
			}()
		}
		wg.Wait()
		close(statuses)
		var got []int
		for s := range statuses {
			got = append(got, s)
		}
		assert.ElementsMatch(t, []int{http.StatusOK, http.StatusConflict}, got)
	})
}
