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
	svc        *members.Service
	principals map[string]members.Principal // identity id → principal of the demo users
	tokens     tokenMinter
	log        *slog.Logger
	now        func() time.Time
}

func newServer(svc *members.Service, tokens tokenMinter, principals map[string]members.Principal, log *slog.Logger) *server {
	return &server{svc: svc, tokens: tokens, principals: principals, log: log, now: time.Now}
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

// principal returns the principal the authenticate middleware stored.
func principal(r *http.Request) members.Principal {
	p, _ := r.Context().Value(principalKey{}).(members.Principal)
	return p
}

// apiFunc is a handler that reports failure by returning an error.
type apiFunc func(w http.ResponseWriter, r *http.Request, p members.Principal) error

// routes returns the whole HTTP handler.
func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	h := func(pattern string, fn apiFunc) {
		mux.Handle(pattern, s.authenticate(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if err := fn(w, r, principal(r)); err != nil {
				s.writeError(w, r, err)
			}
		})))
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})

	h("GET /v1/me", s.getMe)
	h("GET /v1/me/invitations", s.listMyInvitations)

	h("GET /v1/orgs", s.listOrgs)
	h("POST /v1/orgs", s.createOrg)
	h("GET /v1/orgs/{org}", s.getOrg)
	h("PATCH /v1/orgs/{org}", s.updateOrg)

	h("GET /v1/orgs/{org}/projects", s.listProjects)
	h("POST /v1/orgs/{org}/projects", s.createProject)
	h("GET /v1/orgs/{org}/projects/{project}", s.getProject)
	h("PUT /v1/orgs/{org}/projects/{project}", s.updateProject)

	h("GET /v1/orgs/{org}/accounts", s.listAccounts)
	h("POST /v1/orgs/{org}/accounts", s.registerAccount)
	h("POST /v1/orgs/{org}/accounts/bulk-edit", s.bulkEditAccounts)
	h("GET /v1/orgs/{org}/accounts/{account}", s.getAccount)
	h("POST /v1/orgs/{org}/accounts/{account}/move", s.moveAccount)

	h("GET /v1/orgs/{org}/members", s.listMembers)
	h("GET /v1/orgs/{org}/members/{identity}", s.getMember)
	h("PUT /v1/orgs/{org}/members/{identity}", s.changeMember)
	h("DELETE /v1/orgs/{org}/members/{identity}", s.removeMember)

	h("GET /v1/orgs/{org}/invitations", s.listInvitations)
	h("POST /v1/orgs/{org}/invitations", s.invite)
	h("POST /v1/orgs/{org}/invitations/{invitation}/accept", s.acceptInvitation)
	h("POST /v1/orgs/{org}/invitations/{invitation}/reject", s.rejectInvitation)
	h("POST /v1/orgs/{org}/invitations/{invitation}/revoke", s.revokeInvitation)

	h("GET /v1/orgs/{org}/applications", s.listApplications)
	h("POST /v1/orgs/{org}/applications", s.submitApplication)
	h("GET /v1/orgs/{org}/applications/{application}", s.getApplication)
	h("POST /v1/orgs/{org}/applications/{application}/review", s.reviewApplication)
	h("POST /v1/orgs/{org}/applications/{application}/complete", s.completeApplication)
	h("POST /v1/orgs/{org}/applications/{application}/reject", s.rejectApplication)
	h("POST /v1/orgs/{org}/applications/{application}/cancel", s.cancelApplication)

	return s.logRequests(s.recoverPanics(s.jsonMuxErrors(mux)))
}
