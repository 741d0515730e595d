package main

import (
	"context"
	"log/slog"
	"net/http"
	"runtime"
	"time"

	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/invoicedoc"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/members/awsorg"
	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/support"
)

// server holds what the handlers need. Handlers are thin: decode, call one
// members.Service method with the authenticated principal, encode. Every rule
// (permissions, isolation, MFA, validation, versions) lives in the Service.
type server struct {
	svc            *members.Service
	ids            *identity.Service           // sign-in, sessions, MFA, API keys
	notices        *contacts.Service           // contacts and notices (nil: invitations send no mail)
	bill           *billing.Service            // charges, documents, alarms (billing_handlers.go)
	sec            *security.Service           // security settings, drift, alerts (security_handlers.go)
	sup            *support.Service            // support cases, the desk (support_handlers.go)
	carrier        *awsorg.Carrier             // applications carried out with AWS Organizations (nil: state only)
	fonts          *fontCache                  // the PDF font
	origin         string                      // the public origin, for links in mail
	db             *sqldb.DB                   // for one read snapshot per list (nil: none)
	auth           authenticator               // credentials → callers (identityAuth)
	cop            *http.CrossOriginProtection // for cookie-authenticated writes and sign-in
	secureCookies  bool                        // the public origin is https: Secure cookies even behind a TLS proxy
	log            *slog.Logger
	now            func() time.Time
	requestTimeout time.Duration // each request's deadline (withTimeout)
	limit          *limiter      // API requests computing at once (admission.go)
	gate           *gate         // closed by serve at shutdown
}

// requestTimeout is the deadline of one request: below the http.Server's
// WriteTimeout, so a request that runs out of time still gets its 503.
const requestTimeout = 20 * time.Second

// defaultInflight is how many API requests compute at once unless -max-inflight
// says otherwise: one per CPU the Go runtime uses (see limiter.admit). On SQLite a
// request is CPU work in this process, so more would only share the CPUs; against a
// PostgreSQL server elsewhere, requests also wait on the network and a higher
// -max-inflight keeps the CPUs busy.
func defaultInflight() int { return runtime.GOMAXPROCS(0) }

// newServer returns the portal over svc and ids, whose stores run on db (nil when
// they are not SQL stores: lists then read without a shared snapshot), with auth
// resolving credentials (identityAuth over ids in the program).
func newServer(svc *members.Service, ids *identity.Service, db *sqldb.DB, auth authenticator, log *slog.Logger) *server {
	return &server{svc: svc, ids: ids, db: db, auth: auth, cop: http.NewCrossOriginProtection(), log: log, now: time.Now,
		requestTimeout: requestTimeout, gate: &gate{}, limit: newLimiter(defaultInflight()),
		fonts: newFontCache(invoicedoc.FindFont)}
}

// snapshot runs fn in one read-only transaction of the database, so that every
// store call fn makes with its context reads one consistent snapshot.
func (s *server) snapshot(ctx context.Context, fn func(ctx context.Context) error) error {
	if s.db == nil {
		return fn(ctx)
	}
	return s.db.ReadTx(ctx, fn)
}

// apiFunc is a handler that reports failure by returning an error.
type apiFunc func(w http.ResponseWriter, r *http.Request, p members.Principal) error

// serveAPI serves an API request with fn, holding a slot of s.limit only while it
// computes: the body is read before (readBodyFirst), fn answers into memory, and
// the answer is sent once the slot is free again (bufferedResponse). A client that
// sends its body or reads its answer slowly thus holds no slot; the limiter keeps
// one principal from holding up the others.
func (s *server) serveAPI(w http.ResponseWriter, r *http.Request, fn apiFunc) {
	r, err := readBodyFirst(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	p := principal(r)
	who := p.IdentityID
	if who == "" { // a public endpoint: share by source address
		who = "ip:" + clientOf(r).IP
	}
	resp := newBufferedResponse()
	err = s.limit.admit(r.Context(), who, func() {
		if err := fn(resp, r, p); err != nil {
			s.writeError(resp, r, err)
		}
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	resp.sendTo(w)
}

// routes returns the whole HTTP handler.
func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	h := func(pattern string, fn apiFunc) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) { s.serveAPI(w, r, fn) })
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if err := writeJSON(w, http.StatusOK, map[string]string{"status": "ok"}); err != nil {
			s.writeError(w, r, err)
		}
	})

	// Public: signing in, passkey challenges, password reset, joining (publicRoutes).
	h("POST /v1/sessions", s.signIn)
	h("POST /v1/sessions/passkey", s.signInWithPasskey)
	h("POST /v1/passkey-challenges", s.passkeyChallenge)
	h("POST /v1/password-resets", s.requestPasswordReset)
	h("POST /v1/password-resets/complete", s.completePasswordReset)
	h("POST /v1/signup/start", s.startSignup)
	h("POST /v1/signup", s.signup)

	// The caller's own identity.
	h("DELETE /v1/sessions/current", s.signOut)
	h("GET /v1/me/sessions", s.listSessions)
	h("DELETE /v1/me/sessions/{session}", s.revokeSession)
	h("POST /v1/me/sessions/revoke-others", s.revokeOtherSessions)
	h("PUT /v1/me/password", s.changePassword)
	h("GET /v1/me/mfa", s.getMFA)
	h("POST /v1/me/totp", s.beginTOTP)
	h("POST /v1/me/totp/confirm", s.confirmTOTP)
	h("POST /v1/me/totp/remove", s.removeTOTP)
	h("POST /v1/me/recovery-codes", s.regenerateRecoveryCodes)
	h("GET /v1/me/passkeys", s.listPasskeys)
	h("POST /v1/me/passkeys/challenge", s.beginPasskeyRegistration)
	h("POST /v1/me/passkeys", s.registerPasskey)
	h("POST /v1/me/passkeys/{passkey}/remove", s.removePasskey)
	h("GET /v1/me/api-keys", s.listAPIKeys)
	h("POST /v1/me/api-keys", s.createAPIKey)
	h("DELETE /v1/me/api-keys/{key}", s.revokeAPIKey)

	h("GET /v1/me", s.getMe)
	h("GET /v1/me/memberships", listHandler(s, mine(s.svc.ListMyMemberships), toMember))
	h("GET /v1/me/invitations", listHandler(s, mine(s.svc.ListMyInvitations), toInvitation))

	h("GET /v1/orgs", listHandler(s, mine(s.svc.ListOrganizations), toOrg))
	h("POST /v1/orgs", s.createOrg)
	h("GET /v1/orgs/{org}", s.getOrg)
	h("PATCH /v1/orgs/{org}", s.updateOrg)

	h("GET /v1/orgs/{org}/projects", listHandler(s, inOrg(s.svc.ListProjects), toProject))
	h("POST /v1/orgs/{org}/projects", s.createProject)
	h("GET /v1/orgs/{org}/projects/{project}", s.getProject)
	h("PUT /v1/orgs/{org}/projects/{project}", s.updateProject)

	h("GET /v1/orgs/{org}/accounts", listHandler(s, inOrg(s.svc.ListAccounts), s.toAccount))
	h("POST /v1/orgs/{org}/accounts", s.registerAccount)
	h("POST /v1/orgs/{org}/accounts/bulk-edit", s.bulkEditAccounts)
	h("GET /v1/orgs/{org}/accounts/{account}", s.getAccount)
	h("POST /v1/orgs/{org}/accounts/{account}/move", s.moveAccount)

	h("GET /v1/orgs/{org}/accounts/{account}/contacts", s.getContacts)
	h("PUT /v1/orgs/{org}/accounts/{account}/contacts", s.putContacts)
	h("POST /v1/orgs/{org}/accounts/{account}/contacts/test-mail", s.testMail)
	h("POST /v1/orgs/{org}/accounts/contacts/bulk-edit", s.bulkEditContacts)
	h("GET /v1/orgs/{org}/notices", s.listNotices)
	h("GET /v1/orgs/{org}/notices/{notice}", s.getNotice)
	h("POST /v1/orgs/{org}/notices/{notice}/requeue", s.requeueNotice)
	h("GET /v1/notices", s.listSystemNotices)
	h("POST /v1/notices/{notice}/requeue", s.requeueSystemNotice)

	h("GET /v1/orgs/{org}/charges", s.getCharges)
	h("GET /v1/orgs/{org}/accounts/{account}/charges", s.getAccountCharges)
	h("GET /v1/orgs/{org}/documents", s.listDocuments)
	h("GET /v1/orgs/{org}/documents/{document}", s.getDocument)
	h("GET /v1/orgs/{org}/documents/{document}/pdf", s.documentPDF)
	h("GET /v1/orgs/{org}/documents/{document}/csv", s.documentCSV)
	h("GET /v1/orgs/{org}/alarms", s.listAlarms)
	h("GET /v1/orgs/{org}/accounts/{account}/alarms", s.listAlarms)
	h("POST /v1/orgs/{org}/accounts/{account}/alarms", s.createAlarm)
	h("PUT /v1/orgs/{org}/alarms/{alarm}", s.updateAlarm)
	h("DELETE /v1/orgs/{org}/alarms/{alarm}", s.deleteAlarm)
	h("GET /v1/orgs/{org}/alarms/{alarm}/firings", s.listFirings)
	h("GET /v1/operator/billing/charges", s.operatorCharges)
	h("POST /v1/operator/billing/credit-notes", s.issueCreditNote)
	h("POST /v1/operator/billing/corrections", s.correctInvoice)

	h("GET /v1/orgs/{org}/accounts/{account}/security", s.getSecurity)
	h("PUT /v1/orgs/{org}/accounts/{account}/security", s.putSecurity)
	h("GET /v1/orgs/{org}/accounts/{account}/security/changes", s.listSecurityChanges)
	h("GET /v1/orgs/{org}/accounts/{account}/security/drift", s.getDrift)
	h("GET /v1/orgs/{org}/accounts/{account}/security/alerts", s.listAlerts)
	h("GET /v1/orgs/{org}/alerts", s.listAlerts)

	h("GET /v1/orgs/{org}/support/cases", s.listCases)
	h("POST /v1/orgs/{org}/support/cases", s.openCase)
	h("GET /v1/orgs/{org}/support/cases/{case}", s.getCase)
	h("POST /v1/orgs/{org}/support/cases/{case}/replies", s.replyToCase)
	h("POST /v1/orgs/{org}/support/cases/{case}/state", s.moveCase)
	h("POST /v1/orgs/{org}/support/cases/{case}/assign", s.assignCase)
	h("POST /v1/orgs/{org}/support/cases/{case}/reject", s.rejectCase)
	h("POST /v1/orgs/{org}/support/cases/{case}/escalate", s.escalateCase)
	h("GET /v1/operator/support/queue", s.supportQueue)

	h("GET /v1/orgs/{org}/members", listHandler(s, inOrg(s.svc.ListMembers), toMember))
	h("GET /v1/orgs/{org}/members/{identity}", s.getMember)
	h("PUT /v1/orgs/{org}/members/{identity}", s.changeMember)
	h("DELETE /v1/orgs/{org}/members/{identity}", s.removeMember)

	h("GET /v1/orgs/{org}/invitations", listHandler(s, inOrg(s.svc.ListInvitations), toInvitation))
	h("POST /v1/orgs/{org}/invitations", s.invite)
	h("POST /v1/orgs/{org}/invitations/{invitation}/accept", s.acceptInvitation)
	h("POST /v1/orgs/{org}/invitations/{invitation}/reject", s.rejectInvitation)
	h("POST /v1/orgs/{org}/invitations/{invitation}/revoke", s.revokeInvitation)

	h("GET /v1/orgs/{org}/applications", func(w http.ResponseWriter, r *http.Request, p members.Principal) error {
		return listHandler(s, inOrg(s.svc.ListApplications), applicationFor(p))(w, r, p)
	})
	h("POST /v1/orgs/{org}/applications", s.submitApplication)
	h("GET /v1/orgs/{org}/applications/{application}", s.getApplication)
	h("POST /v1/orgs/{org}/applications/{application}/review", s.reviewApplication)
	h("POST /v1/orgs/{org}/applications/{application}/complete", s.completeApplication)
	h("POST /v1/orgs/{org}/applications/{application}/reject", s.rejectApplication)
	h("POST /v1/orgs/{org}/applications/{application}/cancel", s.cancelApplication)

	shuttingDown := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		s.writeError(w, r, errShuttingDown)
	})
	// Every path outside /v1 and /healthz is the web UI (ui.go).
	return s.logRequests(s.gate.wrap(s.withTimeout(s.recoverPanics(s.withUI(s.front(mux)))), shuttingDown))
}
