package main

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/seeda33a2f4f/resellerkit/members"
)

// server holds what the handlers need. Handlers are thin: decode, call one
// members.Service method with the authenticated principal, encode. Every rule
// (permissions, isolation, MFA, validation, versions) lives in the Service.
type server struct {
	svc            *members.Service
	principals     map[string]members.Principal // identity id → principal of the demo users
	tokens         tokenMinter
	log            *slog.Logger
	now            func() time.Time
	requestTimeout time.Duration // each request's deadline (withTimeout)
	gate           *gate         // closed by serve at shutdown
}

// requestTimeout is the deadline of one request: below the http.Server's
// WriteTimeout, so a request that runs out of time still gets its 503.
const requestTimeout = 20 * time.Second

func newServer(svc *members.Service, tokens tokenMinter, principals map[string]members.Principal, log *slog.Logger) *server {
	return &server{svc: svc, tokens: tokens, principals: principals, log: log, now: time.Now,
		requestTimeout: requestTimeout, gate: &gate{}}
}

// principalFor resolves a bearer token.
func (s *server) principalFor(token string) (members.Principal, bool) {
	id, ok := s.tokens.verify(token)
	if !ok {
		return members.Principal{}, false
	}
	p, ok := s.principals[id]
	return p, ok
}

// apiFunc is a handler that reports failure by returning an error.
type apiFunc func(w http.ResponseWriter, r *http.Request, p members.Principal) error

// routes returns the whole HTTP handler.
func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	h := func(pattern string, fn apiFunc) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			if err := fn(w, r, principal(r)); err != nil {
				s.writeError(w, r, err)
			}
		})
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if err := writeJSON(w, http.StatusOK, map[string]string{"status": "ok"}); err != nil {
			s.writeError(w, r, err)
		}
	})

	h("GET /v1/me", s.getMe)
	h("GET /v1/me/memberships", listHandler(mine(s.svc.ListMyMemberships), toMember))
	h("GET /v1/me/invitations", listHandler(mine(s.svc.ListMyInvitations), toInvitation))

	h("GET /v1/orgs", listHandler(mine(s.svc.ListOrganizations), toOrg))
	h("POST /v1/orgs", s.createOrg)
	h("GET /v1/orgs/{org}", s.getOrg)
	h("PATCH /v1/orgs/{org}", s.updateOrg)

	h("GET /v1/orgs/{org}/projects", listHandler(inOrg(s.svc.ListProjects), toProject))
	h("POST /v1/orgs/{org}/projects", s.createProject)
	h("GET /v1/orgs/{org}/projects/{project}", s.getProject)
	h("PUT /v1/orgs/{org}/projects/{project}", s.updateProject)

	h("GET /v1/orgs/{org}/accounts", listHandler(inOrg(s.svc.ListAccounts), s.toAccount))
	h("POST /v1/orgs/{org}/accounts", s.registerAccount)
	h("POST /v1/orgs/{org}/accounts/bulk-edit", s.bulkEditAccounts)
	h("GET /v1/orgs/{org}/accounts/{account}", s.getAccount)
	h("POST /v1/orgs/{org}/accounts/{account}/move", s.moveAccount)

	h("GET /v1/orgs/{org}/members", listHandler(inOrg(s.svc.ListMembers), toMember))
	h("GET /v1/orgs/{org}/members/{identity}", s.getMember)
	h("PUT /v1/orgs/{org}/members/{identity}", s.changeMember)
	h("DELETE /v1/orgs/{org}/members/{identity}", s.removeMember)

	h("GET /v1/orgs/{org}/invitations", listHandler(inOrg(s.svc.ListInvitations), toInvitation))
	h("POST /v1/orgs/{org}/invitations", s.invite)
	h("POST /v1/orgs/{org}/invitations/{invitation}/accept", s.acceptInvitation)
	h("POST /v1/orgs/{org}/invitations/{invitation}/reject", s.rejectInvitation)
	h("POST /v1/orgs/{org}/invitations/{invitation}/revoke", s.revokeInvitation)

	h("GET /v1/orgs/{org}/applications", listHandler(inOrg(s.svc.ListApplications), toApplication))
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
	return s.logRequests(s.gate.wrap(s.withTimeout(s.recoverPanics(s.front(mux))), shuttingDown))
}
