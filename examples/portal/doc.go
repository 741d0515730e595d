// Command portal is an HTTP JSON API over the members, billing, identity, contacts,
// security and support domains (DOMAIN.md §1 … §6): the customer portal of an AWS
// reseller, as a runnable example of wiring members.Service, billing.Service,
// identity.Service, contacts.Service, security.Service and support.Service to one
// database and to net/http.
//
// # Quick start
//
//	go run ./examples/portal
//
// opens (or creates) the SQLite file ./portal.db, seeds the demo data on the first
// start, prints the demo users with their initial passwords (only at that first
// start: they are stored only as argon2id hashes) and a ready-made curl line, and
// listens on 127.0.0.1:8080:
//
//	curl -c jar -H 'Content-Type: application/json' \
//	     -d '{"email":"power@demo.example.com","password":"PASSWORD"}' http://127.0.0.1:8080/v1/sessions
//	curl -b jar http://127.0.0.1:8080/v1/orgs
//	curl -b jar 'http://127.0.0.1:8080/v1/orgs/ORG/accounts?limit=2'
//	curl -H "Authorization: Bearer TOKEN" http://127.0.0.1:8080/v1/orgs/ORG/projects
//
// The sign-in answer sets the session cookie and also returns the session token
// for clients that prefer a bearer header; an API key (POST /v1/me/api-keys) is the
// credential for programs. Without a credential (or with a dead one) every request
// under /v1 answers 401, whatever its path, method or spelling, except the few
// public ones (signing in, passkey challenges, password reset, joining by
// invitation): the credential is checked before routing, so anonymous clients
// cannot map the API from 404s, 405s or redirects; /healthz is public. On SIGINT or
// SIGTERM the server drains for up to 10 s, then closes the remaining connections
// (cancelling their requests) and waits for their handlers before closing the
// database; a request arriving once shutdown has started gets a 503. A second
// signal kills the process at once.
//
// Flags:
//
//	-addr host:port   listen address (default 127.0.0.1:8080; port 0 picks a free one)
//	-db   PATH        SQLite file (default portal.db), created and migrated on start
//	-db   postgres://user@host:5432/db?sslmode=disable   PostgreSQL instead
//	-db   memory      an in-memory SQLite database: nothing survives a restart
//	-max-inflight N   API requests computing at once (default: the number of CPUs);
//	                  the others queue in arrival order, each user is guaranteed
//	                  max(1, N/2) of them, see Choices
//	-operators EMAILS comma-separated emails of the reseller's operators (default
//	                  the demo operator): they act on every organization
//	-origin URL       the portal's public origin (default http://localhost:PORT):
//	                  passkeys are bound to its host
//	-hibp             refuse new passwords found in Have I Been Pwned's breach corpus
//	                  (only 5 hex characters of the password's SHA-1 leave the machine)
//	-mail KIND        where notices go: log (default: written to the log, not sent),
//	                  smtp (-smtp-addr, -smtp-user, -smtp-tls, -mail-from; password in
//	                  $RESELLERKIT_SMTP_PASSWORD), ses (-mail-from; AWS credentials and
//	                  region from the environment) or webhook (-webhook-url; secrets in
//	                  $RESELLERKIT_WEBHOOK_SECRETS), see contacts/transports
//	-dispatch=false   do not deliver notices from this process: run examples/notifier
//	-plans FILE       a billing.Plans JSON file (billing.DecodePlans): the pricing plans,
//	                  support-fee rules and exchange-rate policies projects name
//	                  (default: built-in demo plans, one exchange-rate policy "demo-ttm"
//	                  with made-up USD→JPY rates for the last 24 months)
//	-issuer-name NAME the invoice issuer printed on every invoice (default デモリセラー株式会社)
//	-issuer-registration T…  its qualified-invoice registration number, T and 13
//	                  digits (default the made-up T1234567890123)
//	-support-desk EMAILS  the support desk's addresses, told of new cases and
//	                  customer replies (default the demo operator's)
//	-support-escalation  escalate support cases to AWS Support (P-4) with
//	                  support/awssupport: the role -support-role (default
//	                  KKASupportRole; -support-external-id if its trust policy
//	                  wants one) assumed in the case's account from the default AWS
//	                  configuration (the payer's credentials); off by default: the
//	                  demo has no AWS, and escalating answers 422
//	-aws              carry applications out with AWS Organizations (members/awsorg)
//	                  from the default AWS configuration: a new account is created,
//	                  moved to its profile's OU (-account-ous basic=ou-…,secure=ou-…)
//	                  and registered; a closure closes it; a transfer-in invites it;
//	                  an owner change records its month. Without -aws a simulated
//	                  Organizations does the same in memory and logs every call.
//	-account-email-domain D  new accounts' root addresses: aws+<application id>@D
//
// The portal uses only resellerkit's public packages: sqldb opens the one database
// (SQLite or PostgreSQL) that members/sqlstore, identity/sqlstore and the portal's
// own portal_state table share, each migrating its own schema, and so do
// contacts/sqlstore and billing/sqlstore. Every mail is a contacts notice written in
// the transaction of its cause (an invitation and its mail commit together, an
// issued invoice and its notice too), then delivered by the dispatcher running in
// the portal (or examples/notifier): password resets and signup links from
// identity, invitations from members, test mails, invoice-issued and charge-alarm
// notices from billing. The process has one billing.Service: projects come from
// members (billing/membersource, resolved in -plans), members authorizes, contacts
// notifies; invoices are issued on billing's default calendar (from the 10th of
// the next month, Japan time, due at the end of that month, B-16) and the links in
// its notices are under the origin (origin + /orgs/…): the web UI answers them
// with the page that shows what they name, and a program with the endpoint below
// of the same path under /v1 (see the web UI's routes). Issuing a month's
// invoices, evaluating the charge alarms and ingesting AWS's reports are the
// monthly and daily jobs' (examples/billing-job), not the API's (an operator may
// also issue a month from the web UI's desk, /desk/invoices). Likewise the
// process has one security.Service (security/sqlstore on the same database) that
// reads and saves settings and lists drift and alerts; maintenance runs and the
// routing of findings are examples/maintenance's. The portal's Service is given
// the Checks of a securitytest.Fleet, an in-memory simulated AWS fleet, because
// the demo has no AWS (only the seed's one run uses them); a real deployment
// gives the AWS adapters (security/aws…) to examples/maintenance. And one
// support.Service (support/sqlstore) with support.DefaultPolicy (technical cases
// 24×7, account and billing on Japanese business days 09:00–17:00 JST with the
// public holidays and the year-end closure), the -support-desk addresses, the
// contacts outbox for its mail (a new case and a customer's reply to the desk, the
// desk's reply and a rejection's reason to the inquirer and the case's CC) and
// links under the origin, as billing's; its Escalator is nil unless
// -support-escalation.
//
// # Demo data and sign-in
//
// The first start on a database creates, through the Services like any client:
// three identities with readable ids and random passwords, printed once; the
// organization "demo" (Demo Trading K.K.), its projects Production (JPY, bank
// transfer) and Development (USD, card), five AWS accounts 100000000001..005 (three in
// Production, two in Development), the power user power@demo.example.com (its
// creator, M-4) and the general user general@demo.example.com, invited and accepted
// with the view-only set project.view, account.view, charges.view, invoice.view
// (M-5, M-8). A row in the portal_state table records that seeding finished, so later
// starts change nothing and the demo data can be edited freely; an interrupted seed
// resumes, because each step first looks for what it would create. A lost demo
// password is reset with POST /v1/password-resets: the link is logged.
//
// The demo accounts are registered as of the first day of the month before the
// previous one (a members.Service whose clock says so), so past months are theirs
// to bill (M-3). Then, once per database (its own portal_state row, so a database
// seeded before billing existed gets it at its next start), the demo gets billing
// data through billing.Service like the jobs would give it: the Production
// project gets the exchange-rate policy demo-ttm when it has none and the plans
// have it; a generated legacy CUR of the five accounts (EC2 and S3 usage by day,
// the CmBillingGroup tag on three of them, a $10 credit, the tax rows) is ingested
// for every month from the invoiced month to the current one (the current one up
// to yesterday: AWS's data lags a day), read by costfile.Scan from memory like a
// report file; and the invoiced month's invoices are issued (one per project, with
// their notices). The invoiced month is the previous one once its issue day (the
// 10th, Japan time) has come, else the one before it: billing.Service refuses to
// issue a month before its issue day, and the seed bills a month that may already
// be billed rather than giving the Service a clock in the future. Re-running an
// interrupted billing seed changes nothing done: a stored report version is
// unchanged, an issued invoice returned as it is. With a -plans file that lacks
// what the projects name, the invoices are not issued and the start says why; the
// charges still show. The start prints the months, the charges URL and each
// invoice's number, total and PDF URL.
//
// Then, once per database too (its own portal_state row), the demo gets security
// data through security.Service: the power user switches prod-db (100000000002)
// to the secure profile (GuardDuty, AWS Config, Security Hub: a recorded change
// and an estimate of $10–31 a month over the two demo regions, ap-northeast-1 and
// us-east-1), and one maintenance run over the demo organization's accounts
// (those members.Service.BilledProjects gives for the current month, as
// examples/maintenance picks them) on the simulated fleet, where every control
// starts drifted but CloudTrail of prod-web and EBS encryption of dev-ci in Tokyo:
// the run repairs the drift of the controls on and the drift endpoint shows it.
// The start prints the run's totals and the settings URL.
//
// Then, once per database too (its own portal_state row), one support case: the
// power user asks an account_billing question about prod-web (100000000001), the
// demo operator, as the desk, takes it (in_progress) and answers; the inquirer's
// and the desk's notices are queued. An interrupted seed resumes (the case is
// found by its subject, the desk's reply by its side). The start prints the
// case's URL and the queue's.
//
//	power user          power@demo.example.com
//	general user        general@demo.example.com       (no MFA: EnforceMFA locks it out, M-6)
//	reseller operator   operator@reseller.example.com  (-operators: registers accounts,
//	                                                   reviews applications, issues
//	                                                   credit notes and corrections,
//	                                                   works the support desk)
//
// Authentication (auth.go): a session cookie (HttpOnly, SameSite=Lax, Secure under
// TLS) or an Authorization: Bearer header with a session token or an API key. A
// cookie-authenticated write, and every public write (sign-in included: login
// CSRF), passes http.CrossOriginProtection; a bearer header is never sent by a
// browser on its own and needs no such check. The members principal of a request
// carries the identity, whether its session used a second factor (the EnforceMFA
// gate, M-6), whether the identity is an operator (-operators), and an API key's one
// organization (members.Principal.OrgID: every other organization is denied, I-4).
//
// # Web UI
//
// Every path outside /v1 and /healthz is a server-rendered web UI (ui*.go,
// templates/, static/): open http://127.0.0.1:8080/ and sign in with a printed demo
// user. It runs on the same Services, permissions and session cookie as the API:
//
//	GET  /                       the accounts of the person's first organization
//	GET  /signin, POST /signin   email and password, then a TOTP code, a recovery
//	                             code or a passkey when the identity has MFA (the
//	                             first step travels to the second sealed with
//	                             AES-GCM under a key of this process, for 5
//	                             minutes, never in clear)
//	POST /signin/passkey         a passkey alone (with user verification); its
//	                             ceremony runs in static/passkey.js, the challenge
//	                             from POST /v1/passkey-challenges
//	POST /signout                ends the session
//	POST /lang                   the language switch (a cookie, rk_lang); after a
//	                             post it returns to the page that sent it
//	GET  /orgs, /switch?org=     the organizations; the header's switcher; the
//	                             invitations waiting for the person (where / sends
//	                             them while any wait), each accepted or declined by
//	                             POST /invitations/{org}/{invitation}/accept|reject
//	GET  /orgs/{org}/accounts    the accounts (paged: limit, page_token) with their
//	                             month-to-date charges and when they were aggregated
//	                             (B-13), the charges only with charges.view; 0.00
//	                             and "—" for an account without data; a
//	                             selection (application.submit or
//	                             contacts.edit) sending the ticked accounts to a
//	                             closure or owner-change application (one per
//	                             account, filed in one transaction: all or none) or
//	                             to the bulk edit (/orgs/{org}/accounts/bulk?account=)
//	POST /orgs/{org}/accounts/{account}/contacts/test-mail
//	                             the contacts edit form's test mail (C-4,
//	                             contacts.edit) to one category's addresses as
//	                             entered, saved or not; nothing is saved
//	GET  /orgs/{org}/projects    the projects (project.view) with their open
//	                             accounts; GET, POST …/projects/new and
//	                             …/projects/{project} create and edit one (org.edit)
//	                             with the version read (a stale one: 409, the
//	                             conflict shown)
//	GET  /orgs/{org}/members     the members (user.view); GET, POST
//	                             …/members/{identity} changes type and permissions,
//	                             POST …/members/{identity}/remove removes (power
//	                             users; the last power user stays, M-9)
//	GET, POST /orgs/{org}/invitations
//	                             the invitations (invitation.view) and the invite
//	                             form (power users; the invitation and its mail in
//	                             one transaction); POST …/{invitation}/revoke
//	GET  /orgs/{org}/notices     the notices (power users) newest first with their
//	                             delivery state (?state=queued|sent|dead; paged):
//	                             one page read from the store, whatever the history
//	GET, POST /orgs/{org}/accounts/{account}/security/edit
//	                             the account's security settings (security.edit):
//	                             "preview" shows the input's estimated monthly cost,
//	                             "save" saves with the version read (S-2); the
//	                             account detail shows the last maintenance drift
//	GET  /orgs/{org}/documents/{document}, /orgs/{org}/accounts/{account}/charges,
//	     /orgs/{org}/accounts/{account}/security/alerts, /orgs/{org}/support/cases/{case}
//	                             the links in notices (billing, security, support
//	                             build them under the origin): 303 to the invoices,
//	                             the account (#account-charges, #account-security)
//	                             or the case page, which checks sign-in and access;
//	                             a program (Authorization header, or JSON accepted
//	                             and not HTML) gets 307 to the same path under /v1
//	GET  /desk/support, /desk/applications
//	                             operators only (any other person: 403): the support
//	                             queue with its SLA states; an organization's
//	                             applications to review, complete or reject
//	GET, POST /desk/accounts     register accounts, one a line, into a project of an
//	                             organization: all or none (one transaction)
//	GET, POST /desk/invoices     a month's readiness per organization on billing's
//	                             calendar, and issuing it (IssueInvoices: a second
//	                             post issues nothing twice; only an operator signed
//	                             in with MFA issues, M-6), with the invoices' files
//	GET  /desk/maintenance       per account of an organization, the last
//	                             maintenance run that reached it (?failing=1)
//	GET  /profile                the person's sessions, second factors, passkeys
//	                             and API keys (paged: limit, page_token); posts to
//	                             /profile/password, /profile/sessions/revoke-others,
//	                             /profile/totp (password: a new app's key and
//	                             otpauth URI), /profile/totp/confirm (a code: on,
//	                             recovery codes shown once), /profile/totp/remove
//	                             (password and a fresh code), /profile/recovery-codes
//	                             (password: new codes shown once),
//	                             /profile/passkeys/new (password: the ceremony's
//	                             options), /profile/passkeys (the browser's answer),
//	                             /profile/passkeys/{id}/rename, …/remove (password),
//	                             /profile/api-keys (the secret shown once) and
//	                             /profile/api-keys/{id}/revoke; another person's
//	                             passkey or key id is not found
//	GET  /static/…               the embedded stylesheet, icon and passkey script
//
// Japanese by default; English by the switch or the browser's Accept-Language.
// Every string is in the message catalog (ui_i18n.go) in both languages. The pages
// are html/template files drawn inside one layout (header with the organization
// switcher, the language switch and sign-out; navigation; main), semantic HTML
// with a label for every field, usable on a phone, with WCAG AA contrast. Every
// answer carries a strict Content-Security-Policy (default-src 'self'; script only
// from the portal's own files, none inline: static/passkey.js runs the WebAuthn
// ceremonies passkeys need, and every page works without it; no inline style),
// and every form post passes the API's
// http.CrossOriginProtection, sign-in included. A page the person may not see is
// the 403 or 404 page, in their language; a path that is no page answers a browser
// the 404 page and any other client the API's JSON 404. Pages take a slot of the
// same limiter as API requests. The browser tests (ui_browser_test.go) drive
// Debian's chromium headless with chromedp and skip without it, unless
// RESELLERKIT_CI is set; RESELLERKIT_SCREENSHOTS=dir keeps their screenshots.
//
// # Endpoints
//
// Bodies are JSON. {org}, {project}, … are ids as returned by the API. Every /v1
// endpoint but the public ones needs a credential (a session cookie or a bearer
// header). Permissions are checked by the Services, not here; the column says what
// it requires (M-4, M-5). Lists (marked *) page, see Paging.
//
// Identity (identity.Service; "signed in" means a session or an API key, "session"
// a session only: an API key never manages its owner's credentials, 403
// session_required, so a key leaked from a program cannot become a person):
//
//	method  path                                                identity.Service          needs
//	POST    /v1/sessions                                        SignIn                    public; {email, password, totp? | recovery_code? | passkey?{ticket, response}}
//	POST    /v1/passkey-challenges                              BeginPasskeySignIn        public; → {ticket, options} for navigator.credentials.get
//	POST    /v1/sessions/passkey                                SignInWithPasskey         public; {ticket, response}
//	POST    /v1/password-resets                                 RequestPasswordReset      public; {email} → 202 whether or not it exists
//	POST    /v1/password-resets/complete                        ResetPassword             public; {token, new_password}
//	POST    /v1/signup/start                                    RequestSignup             public; {email} → 202 (a link proving the address is mailed)
//	POST    /v1/signup                                          CompleteSignup + AcceptInvitation  public; {token, org_id, invitation_id, name?, password}: one transaction
//	DELETE  /v1/sessions/current                                RevokeSession             session (sign out; clears the cookie)
//	GET     /v1/me/sessions                                   * ListSessions              session
//	DELETE  /v1/me/sessions/{session}                           RevokeSession             session
//	POST    /v1/me/sessions/revoke-others                       RevokeSessions            session
//	PUT     /v1/me/password                                     ChangePassword            session; {current_password, new_password}
//	GET     /v1/me/mfa                                          MFAStatus                 signed in
//	POST    /v1/me/totp                                         BeginTOTP                 session; {password} → {secret, uri}
//	POST    /v1/me/totp/confirm                                 ConfirmTOTP               session; {code} → {recovery_codes}
//	POST    /v1/me/totp/remove                                  RemoveTOTP                session; {password}
//	POST    /v1/me/recovery-codes                               RegenerateRecoveryCodes   session; {password}
//	GET     /v1/me/passkeys                                     ListPasskeys              signed in
//	POST    /v1/me/passkeys/challenge                           BeginPasskeyRegistration  session; {password} → {ticket, options} for navigator.credentials.create
//	POST    /v1/me/passkeys                                     FinishPasskeyRegistration session; {ticket, name?, response}
//	POST    /v1/me/passkeys/{passkey}/remove                    RemovePasskey             session; {password}
//	GET     /v1/me/api-keys                                   * ListAPIKeys               session
//	POST    /v1/me/api-keys                                     CreateAPIKey              session; {org_id, name, expires_at?} → the key, its secret shown once
//	DELETE  /v1/me/api-keys/{key}                               RevokeAPIKey              session
//
// Contacts (contacts.Service, C-1 … C-7):
//
//	method  path                                                contacts.Service          needs
//	GET     /v1/orgs/{org}/accounts/{account}/contacts          GetAccountContacts        account.view; version 0 when never saved
//	PUT     /v1/orgs/{org}/accounts/{account}/contacts          UpdateAccountContacts     contacts.edit; {recipients{billing,technical,security}{to,cc}, language, phones, version}
//	POST    /v1/orgs/{org}/accounts/contacts/bulk-edit          BulkEditAccountContacts   contacts.edit on each (M-10); {account_ids, recipients?, language?, phones?}
//	POST    /v1/orgs/{org}/accounts/{account}/contacts/test-mail  SendTestMail            contacts.edit (C-4); {category, to, cc?, language} → 202, the queued notice
//	GET     /v1/orgs/{org}/notices                            * ListNoticesNewestFirst    power user; ?state=queued|sent|dead; newest first (created_at, then id, descending), a page read by keyset
//	GET     /v1/orgs/{org}/notices/{notice}                     GetNotice                 power user; state, attempts, last error (never the body)
//	POST    /v1/orgs/{org}/notices/{notice}/requeue             RequeueNotice             power user; a dead notice is due again
//	GET     /v1/notices                                       * ListNoticesNewestFirst ("") reseller operator; notices of no organization (resets, signups), newest first
//	POST    /v1/notices/{notice}/requeue                        RequeueNotice ("")        reseller operator
//
// Members (members.Service):
//
//	method  path                                                members.Service           needs
//	GET     /healthz                                            -                         nothing (no credential)
//	GET     /v1/me                                              ListMyMemberships         signed in; who, how, and the first page of memberships
//	GET     /v1/me/memberships                                * ListMyMemberships         signed in
//	GET     /v1/me/invitations                                * ListMyInvitations         signed in
//	GET     /v1/orgs                                          * ListOrganizations         signed in
//	POST    /v1/orgs                                            CreateOrganization        signed in, not with an API key (caller becomes power user)
//	GET     /v1/orgs/{org}                                      GetOrganization           membership
//	PATCH   /v1/orgs/{org}                                      UpdateOrganization        power user; body {alias?, enforce_mfa?, version}
//	GET     /v1/orgs/{org}/projects                           * ListProjects              project.view
//	POST    /v1/orgs/{org}/projects                             CreateProject             org.edit
//	GET     /v1/orgs/{org}/projects/{project}                   GetProject                project.view
//	PUT     /v1/orgs/{org}/projects/{project}                   UpdateProject             org.edit; full document + version
//	GET     /v1/orgs/{org}/accounts                           * ListAccounts              account.view
//	POST    /v1/orgs/{org}/accounts                             RegisterAccount           reseller operator; {id, project_id, name?, labels?}
//	POST    /v1/orgs/{org}/accounts/bulk-edit                   BulkEditAccounts (M-10)   contacts.edit; {account_ids, name?, labels?}
//	GET     /v1/orgs/{org}/accounts/{account}                   GetAccount                account.view
//	POST    /v1/orgs/{org}/accounts/{account}/move              MoveAccount (M-3)         org.edit; {project_id, version}
//	GET     /v1/orgs/{org}/members                            * ListMembers               user.view
//	GET     /v1/orgs/{org}/members/{identity}                   GetMember                 user.view, or oneself
//	PUT     /v1/orgs/{org}/members/{identity}                   ChangeMember              power user; {type, permissions, version}
//	DELETE  /v1/orgs/{org}/members/{identity}                   RemoveMember (M-9)        power user, or oneself (leave)
//	GET     /v1/orgs/{org}/invitations                        * ListInvitations           invitation.view
//	POST    /v1/orgs/{org}/invitations                          Invite (M-8)              power user; {email, type, permissions}; its mail in the same transaction
//	POST    /v1/orgs/{org}/invitations/{invitation}/accept      AcceptInvitation          the invitee
//	POST    /v1/orgs/{org}/invitations/{invitation}/reject      RejectInvitation          the invitee
//	POST    /v1/orgs/{org}/invitations/{invitation}/revoke      RevokeInvitation          power user
//	GET     /v1/orgs/{org}/applications                       * ListApplications          application.submit
//	POST    /v1/orgs/{org}/applications                         SubmitApplication (M-11)  application.submit; {kind, account_id?, project_id?, details?}
//	GET     /v1/orgs/{org}/applications/{application}           GetApplication            application.submit
//	POST    /v1/orgs/{org}/applications/{application}/review    ReviewApplication         reseller operator
//	POST    /v1/orgs/{org}/applications/{application}/complete  awsorg.Carrier.Complete   reseller operator (carried out with AWS Organizations; the answer holds the operation)
//	POST    /v1/orgs/{org}/applications/{application}/reject    RejectApplication         reseller operator; {reason} (optional body)
//	POST    /v1/orgs/{org}/applications/{application}/cancel    CancelApplication         the applicant
//
// An application's "operation" (its AWS side) is shown whole to operators; to the
// organization's members without its steps (AWS request ids) and with its reason
// only while it waits (what for): why an operation failed is the desk's business,
// and may name another organization's registration of the account (M-7). The web
// UI's applications page follows the same rule.
//
// Billing (billing.Service, B-12 … B-16). Money is a decimal string, never a JSON
// number: charges and thresholds exact in the cost currency ("cost_currency",
// USD unless -plans says JPY), document amounts in the document's currency (whole
// yen for JPY); dates are Japanese calendar days (YYYY-MM-DD). ?period=YYYY-MM is
// a UTC month, by default the current one:
//
//	method  path                                                billing.Service           needs
//	GET     /v1/orgs/{org}/charges?period=                      OrgCharges                charges.view; per project, account, service and
//	                                                                                      CmBillingGroup (cm_billing_group "" = untagged), with
//	                                                                                      last_updated (when the data was aggregated) (B-13)
//	GET     /v1/orgs/{org}/accounts/{account}/charges?period=   OrgCharges                charges.view; the account's project, with that account only
//	GET     /v1/orgs/{org}/documents                          * ListDocuments             invoice.view; ?period=, kind=invoice|credit_note, project_id=;
//	                                                                                      lines and taxes left out
//	GET     /v1/orgs/{org}/documents/{document}                 GetDocument               invoice.view; the whole qualified invoice or credit note
//	GET     /v1/orgs/{org}/documents/{document}/pdf?lang=ja|en  GetDocument + invoicedoc.PDF  invoice.view; application/pdf, attachment NUMBER.pdf;
//	                                                                                      503 pdf_unavailable without the IPAex Gothic font
//	GET     /v1/orgs/{org}/documents/{document}/csv?bom=1       GetDocument + invoicedoc.CSV  invoice.view; text/csv, attachment NUMBER.csv; bom=1 for Excel
//	GET     /v1/orgs/{org}/alarms                               ListAlarms                charges.view; every account's charge alarms (B-15)
//	GET     /v1/orgs/{org}/accounts/{account}/alarms            ListAlarms                charges.view
//	POST    /v1/orgs/{org}/accounts/{account}/alarms            CreateAlarm               contacts.edit; {threshold, on_tag?, tag_value?, name?};
//	                                                                                      a 4th alarm on the account is 409 limit_reached
//	PUT     /v1/orgs/{org}/alarms/{alarm}                       UpdateAlarm               contacts.edit; {threshold, on_tag, tag_value, name, version}
//	DELETE  /v1/orgs/{org}/alarms/{alarm}                       DeleteAlarm               contacts.edit
//	GET     /v1/orgs/{org}/alarms/{alarm}/firings               ListFirings               charges.view; newest month first
//	GET     /v1/operator/billing/charges?period=                CurrentCharges            reseller operator; every project
//	POST    /v1/operator/billing/credit-notes                   IssueCreditNote           reseller operator; {key, invoice_id, reason,
//	                                                                                      lines[{account_id, description, amount}]} → 201
//	POST    /v1/operator/billing/corrections                    CorrectInvoice            reseller operator; {key, invoice_id} → 201, a new
//	                                                                                      number replacing invoice_id
//
// Security (security.Service, S-1 … S-4). Costs are decimal strings in USD with
// cents, never JSON numbers; an estimate is a range (min, max) per month:
//
//	method  path                                                security.Service          needs
//	GET     /v1/orgs/{org}/accounts/{account}/security          GetSettings               account.view; {profile, choices, version, regions,
//	                                                                                      controls[{id, security_hub, title_ja, title_en, class,
//	                                                                                      per_region, secure, remedy, on, cost_min, cost_max}],
//	                                                                                      estimate{currency, min, max, regions, controls}}
//	PUT     /v1/orgs/{org}/accounts/{account}/security          UpdateSettings            security.edit; {profile basic|secure, choices{control: bool},
//	                                                                                      version} → the saved settings with the estimate; they
//	                                                                                      apply at the next maintenance run; a managed control
//	                                                                                      turned off is 422 managed_control
//	GET     /v1/orgs/{org}/accounts/{account}/security/changes * ListChanges             account.view; {by, at, before, after}, newest first
//	GET     /v1/orgs/{org}/accounts/{account}/security/drift    LastDrift                 account.view; the latest run that reached the account
//	                                                                                      (not the fleet's totals), the account's totals and items
//	                                                                                      {control, region, desired, compliant, observed, drift,
//	                                                                                      action, detail, error}; 404 before any run
//	GET     /v1/orgs/{org}/alerts?account=                    * ListAlerts                account.view; newest first
//	GET     /v1/orgs/{org}/accounts/{account}/security/alerts * ListAlerts              account.view; one account's (where alert notices' links send a program)
//
// Support (support.Service, P-1 … P-6). "Customer" is support.inquire (M-5); "the
// desk" is an operator signed in, not through an API key bound to one
// organization. Times are UTC (RFC 3339); SLA durations are seconds of business
// time:
//
//	method  path                                                support.Service           needs
//	POST    /v1/orgs/{org}/support/cases                        Open                      customer; {account_id, category technical|account_billing,
//	                                                                                      severity? low|normal|high|urgent|critical (normal),
//	                                                                                      subject, body, cc?, language? ja|en (ja)} → 201; an account
//	                                                                                      the organization does not have is 404; the desk is told
//	GET     /v1/orgs/{org}/support/cases                      * List                      customer or the desk; newest first; ?state=open,in_progress…
//	                                                                                      (any of them), account=, assignee=
//	GET     /v1/orgs/{org}/support/cases/{case}                 Get + SLA                 customer or the desk; the case, its replies oldest first and
//	                                                                                      sla{first_response, resolution}{target_seconds,
//	                                                                                      elapsed_seconds, due (absent while paused), state running|
//	                                                                                      at_risk|breached|paused|met|missed, provisional}
//	POST    /v1/orgs/{org}/support/cases/{case}/replies         Reply                     customer or the desk (the side is the caller's); {body,
//	                                                                                      attachments?[{name, size, ref}]} → 201, announced to the
//	                                                                                      other side; a closed or rejected case is 409
//	POST    /v1/orgs/{org}/support/cases/{case}/state           Transition                the desk; {state, version}: open → in_progress ↔
//	                                                                                      waiting_on_customer → resolved → closed, resolved →
//	                                                                                      in_progress; any other move 409 transition_not_allowed
//	POST    /v1/orgs/{org}/support/cases/{case}/assign          Assign                    the desk; {assignee ("" unassigns), version}
//	POST    /v1/orgs/{org}/support/cases/{case}/reject          Reject                    the desk; {scope third_party_software|customer_code,
//	                                                                                      version}: rejected, with the reason in Japanese and
//	                                                                                      English (scope, reason), mailed to the inquirer (P-6)
//	POST    /v1/orgs/{org}/support/cases/{case}/escalate        Escalate                  the desk; no body: an AWS Support case opened in the
//	                                                                                      account through its KKASupportRole (P-4), recorded as
//	                                                                                      escalation{aws_case_id, display_id, at, by}; once only;
//	                                                                                      422 escalation_not_configured without -support-escalation
//	GET     /v1/operator/support/queue?clock=at_risk,breached   Queue                     the desk; every organization's cases not closed or
//	                                                                                      rejected, oldest first, each with its sla; clock= keeps
//	                                                                                      those with a clock in one of the states; not paged
//
// A case carries its state, version, the periods it waited on the customer (which
// the clocks do not count), first_response_at, resolved_at, closed_at, assignee,
// scope and reason when rejected, and escalation. A customer's reply moves a case
// waiting on them (or resolved) back to in_progress; the desk's first reply stops
// the first-response clock. Cases are purged 12 months after creation (P-5) by
// the portal's hourly sweep.
//
// The operators' endpoints need an operator signed in (not an API key bound to one
// organization) who passes the invoice's organization's checks (its MFA gate,
// M-6); their key makes them idempotent: the same key again answers the document
// it issued. Issued documents never change (B-12): a correction or a credit note
// is a new document referencing the old one, and the PDF prints that one's number.
//
// Creations answer 201 with the record, a removal 204, the rest 200. Every record
// carries its version: send it back in every update. It is required: an update body
// without it (or with 0) is 400 invalid naming field "version"; a stale one is 409
// conflict. An update that changes nothing writes nothing and keeps the version.
// Months (an account's ownership "from", "closed_from") are "YYYY-MM" in UTC.
//
// # Paging
//
// Every list answers one page:
//
//	{"items": [...], "next_page_token": "…"}
//
// in a stable order (by id; members by identity id, memberships by organization id).
// Query parameters: limit, the most items wanted (default 100; a limit above 1000
// gets 1000, never everything) and page_token, the next_page_token of the previous
// page. next_page_token is absent on the last page. Paging is by key, not offset, so
// paging while records are added or removed never shows one twice. A limit that is
// not a whole number from 1 up, a page_token no page returned, or either parameter
// given twice is 400 invalid with "field" naming the parameter. A page may hold fewer
// items than asked and still have a next page (organizations whose MFA gate the
// caller fails are left out, M-6).
//
// GET /v1/me carries the first page (100) of the caller's memberships, and
// "memberships_next_page_token" when there are more: GET /v1/me/memberships with
// that page_token lists the rest.
//
// # Request bodies
//
// A body is read only as JSON: a request with a body and a Content-Type other than
// application/json (parameters allowed; a charset, if given, must be utf-8; no
// Content-Type at all counts as other) is 415 unsupported_media_type. curl -d needs
// -H 'Content-Type: application/json'. The body must be one JSON object of the
// endpoint's shape, or it is 400 bad_request with "field" the JSON path at fault
// ("billing.pricing_plan", "invoice_to[1]"; absent for the body as a whole): not
// null, an array or another value; no field the endpoint does not take (names match
// exactly, case included); no field twice; each value of its field's JSON type (null
// only where a field is optional: it means "not set"); every string valid UTF-8
// without lone UTF-16 surrogate escapes such as "\ud800" (encoding/json would
// silently turn both into U+FFFD); nothing after the object. Bodies above 1 MiB are
// 413.
//
// # Errors
//
// Every error is
//
//	{"error": {"code": "…", "message": "…", "field": "…"}}
//
// with "field" present only when one input of the request is at fault. It names the
// input as the request does: a body field by its JSON path, a query parameter
// (limit, page_token, period, kind…), or a path parameter by its name ("account"
// for {account}: the domain's "account_id" of a move, "identity" for {identity}). A domain error
// about no input of the request (an application's current state) has no field. One
// table (errorTable in errors.go) maps errors to statuses:
//
//	401 unauthenticated         no, malformed, unknown, expired or revoked credential; a
//	                            failed sign-in (one message whatever failed, I-4)
//	401 second_factor_required  the password was right and the identity has MFA on
//	403 cross_origin            a cookie-authenticated or public write from another origin
//	403 wrong_password          the current password given to confirm a change is wrong
//	                            (the session stays valid)
//	403 session_required        an API key used where only a session may act (I-4)
//	429 throttled               too many failed sign-ins for the email or the source
//	                            (I-4), Retry-After set; also passkey challenges and reset
//	                            requests per source; test mails per account (C-4)
//	400 bad_request             body is not one JSON object of the endpoint's shape
//	400 invalid                 *resellerkit.ValidationError of any package (field, value,
//	                            rule id, reason), bad limit or page_token, members.ErrInvalid,
//	                            billing.ErrInvalid (e.g. issuing more than an invoice returns),
//	                            security.ErrInvalid, support.ErrInvalid; a wrong code
//	                            confirming an authenticator app ("code") or a passkey
//	                            registration that does not verify ("response"), I-3
//	403 mfa_required            members.ErrMFARequired: the organization enforces MFA (M-6)
//	403 permission_denied       members.ErrPermissionDenied, with the domain's message naming
//	                            what is required ("only reseller operators may do this");
//	                            also for an organization that does not exist, so ids of
//	                            other tenants leak nothing (M-7)
//	404 not_found               members.ErrNotFound, billing.ErrNotFound (also an id of
//	                            another organization, in the path or the body),
//	                            security.ErrNotFound (no run reached the account yet),
//	                            support.ErrNotFound (another organization's case or
//	                            account too), or no such endpoint
//	405 method_not_allowed      the path exists with other methods (Allow header set)
//	409 already_exists          members.ErrAlreadyExists, identity.ErrAlreadyExists: an
//	                            id, code, email or account id is taken, or an open
//	                            application already names the account (M-11);
//	                            retrying will not help
//	409 in_use                  identity.ErrInUse: still a member of an organization (I-5)
//	409 conflict                members.ErrConflict (and billing's, security's…): changed
//	                            concurrently (a stale version, a lost race); re-read and retry
//	409 limit_reached           billing.ErrLimit: e.g. a 4th charge alarm on an account (B-15)
//	409 immutable               billing.ErrImmutable: an issued document cannot change (B-12)
//	409 stale_report            billing.ErrStaleReport: a report version older than the stored one
//	409 transition_not_allowed  support.ErrTransition: a move P-3 does not allow, or a reply
//	                            to a closed or rejected case; the message names the states
//	422 managed_control         security.ErrManaged: a managed control cannot be turned off
//	                            (S-1); field names the choice ("choices.guardduty")
//	422 out_of_scope            support.ErrOutOfScope (P-6)
//	422 escalation_not_configured  escalating without -support-escalation
//	422 escalation_refused      awssupport.ErrInvalid: the case does not fit AWS Support
//	422 no_support_plan         awssupport.ErrNoSupportPlan: the account's plan has no API
//	502 escalation_failed       awssupport.ErrAccessDenied: the role cannot be assumed or
//	                            may not open cases
//	409 limit_reached           also awssupport.ErrLimit (AWS's open-case limit)
//	409 escalation_outcome_unknown  support.ErrEscalationUnknown: AWS Support may have
//	                            opened the case but its answer was lost (also when the
//	                            request's own deadline cut it off); check its console
//	409 escalation_claimed      support.ErrEscalationClaimed: the case is being
//	                            escalated, or an earlier attempt's outcome is unknown;
//	                            escalating again is possible 10 minutes after it
//	503 pdf_unavailable         no IPAex Gothic font on the server for the PDF (install
//	                            fonts-ipaexfont or set RESELLERKIT_INVOICE_FONT); CSV works
//	413 payload_too_large       request body above 1 MiB
//	415 unsupported_media_type  a body that is not sent as application/json
//	503 unavailable             the request ran out of time (20 s), its body included, or
//	                            arrived during shutdown; AWS Support throttling or failing
//	500 internal                anything else
//	(none)                      context.Canceled: the client went away; nothing is written
//
// 409, 503 and 500 show a fixed message, never the error's text: store errors keep
// the database error in their chain and may name tables or constraints. Messages
// are bounded: every quoted value in them is cut to 100 characters
// (resellerkit.MaxValueLen) and a message to 500, so a huge id or name sent in a
// body, the path or the query is never echoed whole; logged errors are bounded the
// same way (4000 characters), logged paths to 256. Every error response is logged
// with its error (500 at Error level, the rest at Info). The context rules come
// before 409 because a transaction given up when its request ended can also match
// members.ErrConflict.
//
// # Access log
//
// One line per request (msg=http) with method, path, status, bytes and duration.
// The status is the one the client got: the first one written; 499 when the client
// went away and nothing was sent; and aborted=true when the connection was cut
// mid-answer (a panic after the answer started). API answers are rendered whole in
// memory before anything is sent (see Choices), so an encoding failure or a panic is
// a clean 500, never a 200 with half a body. A failed body write is logged as write_error. Requests net/http rejects
// before any handler runs (a malformed request line, headers above 64 KiB) get
// net/http's own plain-text answer and no log line.
//
// # Choices
//
// Handlers only decode, call one Service method with the authenticated principal
// and encode: every rule lives in members.Service, so the portal cannot weaken
// them. Project updates are PUT (replace every editable field), so a client never
// merges fields server-side from a stale read; the version makes lost updates
// impossible. The organization update is PATCH because M-1 allows only two fields.
// A path that is not in canonical form (a double slash, a dot segment, a trailing
// slash) is 404, not ServeMux's redirect to the cleaned path: clients replay
// redirects with other methods, and an API answers JSON. Each request has a 20 s
// deadline, below the server's 30 s WriteTimeout, so a slow request still gets its
// 503 instead of a cut connection.
//
// Lists read the Service's authorization and the page in one read-only transaction
// (sqldb's ReadTx): one snapshot, consistent with the membership that allowed it,
// and one transaction instead of three.
//
// At most -max-inflight API requests compute at once (default: one per CPU); the
// others wait their turn in arrival order until their deadline. With more
// concurrent requests than CPUs, Go's scheduler would share the CPUs among all of
// them and every request would be as slow as the slowest: taking them in order keeps
// the tail near the median at the same throughput (first page of 5,000 accounts, 20
// clients, 2 CPUs, SQLite: p99 55 ms → 18 ms at about 1,550 requests/s). On SQLite a
// request is CPU work in this process; against a PostgreSQL server elsewhere
// requests also wait on the network, and a higher -max-inflight keeps the CPUs busy.
// A request holds its slot only while the server computes: its body (up to 1 MiB)
// is read before, under the request's deadline, and its answer is rendered in
// memory and sent after, so a client that sends or reads slowly holds up no one but
// itself.
//
// One user (one principal, however many connections it opens) cannot keep the
// others waiting either. A user's requests up to max(1, N/2) at a time (1 on two
// CPUs) are its share; beyond it they only borrow slots. Shares take the N slots in
// arrival order, and never wait for borrowed ones: a request within its user's share
// that finds slots held by borrowers computes at once, briefly making more than N
// requests at once (at most 2N), and no one borrows again until fewer than N
// compute. So a user alone still has the whole server, while a busy user's further
// requests queue behind its own: when one of its requests within the share ends, the
// next takes that place, in turn with the other users'. A hard cap of N/2 per user
// would protect the others too, but would leave a lone user half the server: 20
// clients of one user on 2 CPUs went from about 1,800 to 1,100 requests/s.
//
// The database pool keeps up to 32 idle connections (database/sql's default of 2
// made every request beyond the second open a new connection). Every hour the
// portal sweeps expired sessions, reset links, WebAuthn challenges and failure
// counters (identity.Service.Sweep) and purges the support cases created more than
// 12 months ago with their replies (support.Service.Purge, P-5), and logs what
// each removed (the purge: its cutoff, the count and the first 20 case ids).
//
// Public endpoints take their admission share by source address. The sign-in
// answer carries the token as well as the cookie: an API client needs it, and a
// script that could read it could as well read the password typed into the page.
// Joining by invitation needs two proofs: the invitation (its id, from the
// invitation) and the address (a token mailed by POST /v1/signup/start, which the
// inviter never sees), so an inviter cannot create an identity for someone else's
// address. An organization that enforces MFA cannot be joined this way (a new
// identity has no second factor yet): its power users invite people who already
// have an identity with MFA, who accept with POST …/invitations/{id}/accept. The source
// address is the connection's: behind a reverse proxy, set it from the proxy's
// header, or every client shares one throttling counter.
package main
