package main

import (
	"context"
	"log/slog"
	"net/http"
	"runtime"
	"time"

	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

// server holds what the handlers need. Handlers are thin: decode, call one
// members.Service method with the authenticated principal, encode. Every rule
// (permissions, isolation, MFA, validation, versions) lives in the Service.
type server struct {
	svc            *members.Service
	db             *sqldb.DB                    // for one read snapshot per list (nil: none)
	principals     map[string]members.Principal // identity id → principal of the demo users
	tokens         tokenMinter
	log            *slog.Logger
	now            func() time.Time
	requestTimeout time.Duration // each request's deadline (withTimeout)
	slots          chan struct{} // one per API request allowed to run at once (admit)
	gate           *gate         // closed by serve at shutdown
}

// requestTimeout is the deadline of one request: below the http.Server's
// WriteTimeout, so a request that runs out of time still gets its 503.
const requestTimeout = 20 * time.Second

// defaultInflight is how many API requests run at once unless -max-inflight says
// otherwise: one per CPU the Go runtime uses (see admit). On SQLite a request is CPU
// work in this process, so more would only share the CPUs; against a PostgreSQL
// server elsewhere, requests also wait on the network and a higher -max-inflight
// keeps the CPUs busy.
func defaultInflight() int { return runtime.GOMAXPROCS(0) }

// newServer returns the portal over svc, whose store runs on db (nil when it is not
// an SQL store: lists then read without a shared snapshot).
func newServer(svc *members.Service, db *sqldb.DB, tokens tokenMinter, principals map[string]members.Principal, log *slog.Logger) *server {
	return &server{svc: svc, db: db, tokens: tokens, principals: principals, log: log, now: time.Now,
		requestTimeout: requestTimeout, gate: &gate{}, slots: make(chan struct{}, defaultInflight())}
}

// snapshot runs fn in one read-only transaction of the database, so that every
// store call fn makes with its context reads one consistent snapshot.
func (s *server) snapshot(ctx context.Context, fn func(ctx context.Context) error) error {
	if s.db == nil {
		return fn(ctx)
	}
	return s.db.ReadTx(ctx, fn)
}

// admit runs fn once fewer than cap(s.slots) API requests are running; until then
// the request waits its turn, in arrival order (the waiting senders of a channel are
// served first come, first served), or until its context ends. With more concurrent
// requests than CPUs, Go's scheduler would otherwise share the CPUs among all of
// them: each would take as long as the slowest, and the tail latency grows while
// throughput does not. Taking requests in order keeps latency even: for the first
// page of 5,000 accounts at 20 clients on 2 CPUs (SQLite, wrk), p99 went from 55 ms
// to 18 ms at the same 1,550 requests/s.
func (s *server) admit(ctx context.Context, fn func() error) error {
	select {
	case s.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.slots }()
	return fn()
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
			err := s.admit(r.Context(), func() error { return fn(w, r, principal(r)) })
			if err != nil {
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

	h("GET /v1/orgs/{org}/members", listHandler(s, inOrg(s.svc.ListMembers), toMember))
	h("GET /v1/orgs/{org}/members/{identity}", s.getMember)
	h("PUT /v1/orgs/{org}/members/{identity}", s.changeMember)
	h("DELETE /v1/orgs/{org}/members/{identity}", s.removeMember)

	h("GET /v1/orgs/{org}/invitations", listHandler(s, inOrg(s.svc.ListInvitations), toInvitation))
	h("POST /v1/orgs/{org}/invitations", s.invite)
	h("POST /v1/orgs/{org}/invitations/{invitation}/accept", s.acceptInvitation)
	h("POST /v1/orgs/{org}/invitations/{invitation}/reject", s.rejectInvitation)
	h("POST /v1/orgs/{org}/invitations/{invitation}/revoke", s.revokeInvitation)

	h("GET /v1/orgs/{org}/applications", listHandler(s, inOrg(s.svc.ListApplications), toApplication))
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
