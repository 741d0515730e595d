// Command portal is an HTTP JSON API over the members domain (DOMAIN.md §1): the
// customer portal of an AWS reseller, as a runnable example of wiring
// members.Service to a store and to net/http.
//
// # Quick start
//
//	go run ./examples/portal
//
// opens (or creates) the SQLite file ./portal.db, seeds the demo data on the first
// start, prints one bearer token per demo user and a ready-made curl line, and
// listens on 127.0.0.1:8080:
//
//	curl -H "Authorization: Bearer TOKEN" http://127.0.0.1:8080/v1/orgs
//	curl -H "Authorization: Bearer TOKEN" http://127.0.0.1:8080/v1/orgs/ORG/projects
//
// Without a token (or with an unknown one) every /v1 endpoint answers 401, and so
// does every unknown path or wrong method under /v1/ (404 and 405 need a valid
// token, so anonymous clients cannot map the API); /healthz is public. On SIGINT
// or SIGTERM the server drains for up to 10 s, then closes the remaining
// connections (cancelling their requests) and waits for their handlers before
// closing the store; a second signal kills the process at once.
//
// Flags:
//
//	-addr host:port   listen address (default 127.0.0.1:8080; port 0 picks a free one)
//	-db   PATH        SQLite file (default portal.db), created and migrated on start
//	-db   postgres://user@host:5432/db?sslmode=disable   PostgreSQL instead
//	-db   memory      the in-memory store: nothing survives a restart
//
// SIGINT or SIGTERM stops the server gracefully: it stops accepting connections
// and lets in-flight requests finish for up to 10 seconds.
//
// # Demo data and tokens
//
// The first start on a database creates, through members.Service like any client:
// the organization "demo" (Demo Trading K.K.), its projects Production (JPY, bank
// transfer) and Development (USD, card), five AWS accounts 100000000001..005 (three in
// Production, two in Development), the power user power@demo.example.com (its
// creator, M-4) and the general user general@demo.example.com, invited and accepted
// with the view-only set project.view, account.view, charges.view, invoice.view
// (M-5, M-8). A row in the portal_state table records that seeding finished, so later
// starts change nothing and the demo data can be edited freely; an interrupted seed
// resumes, because each step first looks for what it would create.
//
// There is no sign-in yet: the identity package (identity issue) replaces these demo
// tokens with real sessions and API keys. Until then each demo user has a bearer
// token derived as HMAC-SHA256 from a random secret created once in portal_state,
// so the same tokens are printed on every start and survive restarts, and only the
// secret is stored. The demo users are:
//
//	power user          power@demo.example.com         MFA: yes
//	general user        general@demo.example.com       MFA: no  (so EnforceMFA locks it out, M-6)
//	reseller operator   operator@reseller.example.com  MFA: yes, Operator: registers
//	                                                   accounts, reviews applications
//
// # Endpoints
//
// All bodies are JSON. {org}, {project}, … are ids as returned by the API. Every
// /v1 endpoint needs "Authorization: Bearer TOKEN". Permissions are checked by
// members.Service, not here; the column says what it requires (M-4, M-5).
//
//	method  path                                                members.Service           needs
//	GET     /healthz                                            -                         nothing (no token)
//	GET     /v1/me                                              ListMyMemberships         a token
//	GET     /v1/me/invitations                                  ListMyInvitations         a token
//	GET     /v1/orgs                                            ListOrganizations         a token
//	POST    /v1/orgs                                            CreateOrganization        a token (caller becomes power user)
//	GET     /v1/orgs/{org}                                      GetOrganization           membership
//	PATCH   /v1/orgs/{org}                                      UpdateOrganization        power user; body {alias?, enforce_mfa?, version}
//	GET     /v1/orgs/{org}/projects                             ListProjects              project.view
//	POST    /v1/orgs/{org}/projects                             CreateProject             org.edit
//	GET     /v1/orgs/{org}/projects/{project}                   GetProject                project.view
//	PUT     /v1/orgs/{org}/projects/{project}                   UpdateProject             org.edit; full document + version
//	GET     /v1/orgs/{org}/accounts                             ListAccounts              account.view
//	POST    /v1/orgs/{org}/accounts                             RegisterAccount           reseller operator
//	POST    /v1/orgs/{org}/accounts/bulk-edit                   BulkEditAccounts (M-10)   contacts.edit; {account_ids, name?, labels?}
//	GET     /v1/orgs/{org}/accounts/{account}                   GetAccount                account.view
//	POST    /v1/orgs/{org}/accounts/{account}/move              MoveAccount (M-3)         org.edit; {project_id, version}
//	GET     /v1/orgs/{org}/members                              ListMembers               user.view
//	GET     /v1/orgs/{org}/members/{identity}                   GetMember                 user.view, or oneself
//	PUT     /v1/orgs/{org}/members/{identity}                   ChangeMember              power user; {type, permissions, version}
//	DELETE  /v1/orgs/{org}/members/{identity}                   RemoveMember (M-9)        power user, or oneself (leave)
//	GET     /v1/orgs/{org}/invitations                          ListInvitations           invitation.view
//	POST    /v1/orgs/{org}/invitations                          Invite (M-8)              power user; {email, type, permissions}
//	POST    /v1/orgs/{org}/invitations/{invitation}/accept      AcceptInvitation          the invitee
//	POST    /v1/orgs/{org}/invitations/{invitation}/reject      RejectInvitation          the invitee
//	POST    /v1/orgs/{org}/invitations/{invitation}/revoke      RevokeInvitation          power user
//	GET     /v1/orgs/{org}/applications                         ListApplications          application.submit
//	POST    /v1/orgs/{org}/applications                         SubmitApplication (M-11)  application.submit; {kind, account_id?, project_id?, details?}
//	GET     /v1/orgs/{org}/applications/{application}           GetApplication            application.submit
//	POST    /v1/orgs/{org}/applications/{application}/review    ReviewApplication         reseller operator
//	POST    /v1/orgs/{org}/applications/{application}/complete  CompleteApplication       reseller operator
//	POST    /v1/orgs/{org}/applications/{application}/reject    RejectApplication         reseller operator; {reason} (optional body)
//	POST    /v1/orgs/{org}/applications/{application}/cancel    CancelApplication         the applicant
//
// Collections answer {"items": [...]}. Creations answer 201 with the record, a
// removal 204. Every record carries its version: send it back in every update. It
// is required: an update body without it (or with 0) is 400 invalid naming field
// "version"; a stale one is 409.
//
// # Errors
//
// Every error is
//
//	{"error": {"code": "…", "message": "…", "field": "…"}}
//
// with "field" present only when one input field is at fault. One table
// (errorTable in errors.go) maps errors to statuses:
//
//	401 unauthenticated     no, malformed or unknown bearer token
//	400 bad_request         body is not one JSON document of the expected shape
//	400 invalid             members.ErrInvalid / *members.ValidationError (field, value, rule id)
//	403 mfa_required        members.ErrMFARequired: the organization enforces MFA (M-6)
//	403 permission_denied   members.ErrPermissionDenied; also for an organization that
//	                        does not exist, so ids of other tenants leak nothing (M-7)
//	404 not_found           members.ErrNotFound, or no such endpoint
//	405 method_not_allowed  the path exists with other methods (Allow header set)
//	409 conflict            members.ErrConflict: stale version, duplicate id or code
//	413 payload_too_large   request body above 1 MiB
//	503 unavailable         context.DeadlineExceeded: the request ran out of time
//	500 internal            anything else
//	(none)                  context.Canceled: the client went away; nothing is written
//
// 409, 503 and 500 show a fixed message, never the error's text: store errors
// keep the database error in their chain and may name tables or constraints.
// Every error response is logged with the full error (500 at Error level, the
// rest at Info). The context rules come before 409 because a transaction given up
// when its request ended can also match members.ErrConflict.
//
// # Choices
//
// Handlers only decode, call one Service method with the authenticated principal
// and encode: every rule lives in members.Service, so the portal cannot weaken
// them. Project updates are PUT (replace every editable field), so a client never
// merges fields server-side from a stale read; the version makes lost updates
// impossible. The organization update is PATCH because M-1 allows only two fields.
// The demo principal's MFA flag is fixed per demo user until identity exists.
package main
