package awsorg

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
)

// orgAPI lists the only AWS Organizations operations the Carrier calls.
// *organizations.Client implements it; tests and the simulation pass an in-memory
// one returning the SDK's own types and errors.
type orgAPI interface {
	CreateAccount(ctx context.Context, in *organizations.CreateAccountInput, optFns ...func(*organizations.Options)) (*organizations.CreateAccountOutput, error)
	DescribeCreateAccountStatus(ctx context.Context, in *organizations.DescribeCreateAccountStatusInput, optFns ...func(*organizations.Options)) (*organizations.DescribeCreateAccountStatusOutput, error)
	ListCreateAccountStatus(ctx context.Context, in *organizations.ListCreateAccountStatusInput, optFns ...func(*organizations.Options)) (*organizations.ListCreateAccountStatusOutput, error)
	ListParents(ctx context.Context, in *organizations.ListParentsInput, optFns ...func(*organizations.Options)) (*organizations.ListParentsOutput, error)
	MoveAccount(ctx context.Context, in *organizations.MoveAccountInput, optFns ...func(*organizations.Options)) (*organizations.MoveAccountOutput, error)
	CloseAccount(ctx context.Context, in *organizations.CloseAccountInput, optFns ...func(*organizations.Options)) (*organizations.CloseAccountOutput, error)
	InviteAccountToOrganization(ctx context.Context, in *organizations.InviteAccountToOrganizationInput, optFns ...func(*organizations.Options)) (*organizations.InviteAccountToOrganizationOutput, error)
	DescribeHandshake(ctx context.Context, in *organizations.DescribeHandshakeInput, optFns ...func(*organizations.Options)) (*organizations.DescribeHandshakeOutput, error)
	ListHandshakesForOrganization(ctx context.Context, in *organizations.ListHandshakesForOrganizationInput, optFns ...func(*organizations.Options)) (*organizations.ListHandshakesForOrganizationOutput, error)
}

var _ orgAPI = (*organizations.Client)(nil)

// Defaults of Config.
const (
	// DefaultRoleName is the role AWS Organizations creates in a new account for
	// the management account to assume, AWS's own default.
	DefaultRoleName = "OrganizationAccountAccessRole"
	// DefaultProfile is the security profile of a new account whose application
	// names none.
	DefaultProfile = "basic"
	// DefaultPollInitial is the first wait between two DescribeCreateAccountStatus
	// calls (and before the first retry of a throttled call); each next wait
	// doubles, up to DefaultPollMax.
	DefaultPollInitial = 2 * time.Second
	// DefaultPollMax caps the wait between two polls or attempts.
	DefaultPollMax = 30 * time.Second
	// DefaultMaxWait is how long one Complete call polls an account being created
	// before it leaves the operation waiting and returns.
	DefaultMaxWait = 2 * time.Minute
	// DefaultAttempts is how many times a throttled or denied call is made in all
	// (the SDK client's own retryer retries inside each of them).
	DefaultAttempts = 4
	// DefaultLease is how long a run holds an application's operation without
	// recording anything; every recorded step renews it. It must exceed the
	// longest AWS call with its retries plus one poll wait.
	DefaultLease = 5 * time.Minute
)

// lookupSkew is how much earlier than our own record of a call AWS may date the
// request it made (clocks differ): a create request or invitation found on resume
// counts as ours only from this long before we recorded calling AWS.
const lookupSkew = 15 * time.Minute

// Config configures a Carrier. The zero value works, except that the default
// Identity needs EmailDomain.
type Config struct {
	// RoleName is the IAM role AWS creates in a new account for the management
	// account to assume (default DefaultRoleName).
	RoleName string
	// OUs maps a security profile ("basic", "secure", …) to the organizational
	// unit its new accounts are moved to. With no OUs configured, new accounts stay
	// where AWS creates them (the root); with some, a profile missing from the map
	// is refused before any call.
	OUs map[string]string
	// DefaultProfile is the profile of a new-account application whose Details
	// name none (default DefaultProfile). See ParseDetails.
	DefaultProfile string
	// EmailDomain is the domain of the root email addresses the default Identity
	// derives: "aws+<application id>@<EmailDomain>". It must receive mail (AWS
	// writes to the root address); a catch-all or plus-addressing mailbox of the
	// reseller's does.
	EmailDomain string
	// Identity derives the root email address and the account name of a
	// new-account application (default: DefaultIdentity with EmailDomain).
	// Customers do not choose root addresses: the reseller owns them. It must be
	// deterministic and give every application its own address and name: a
	// resumed run finds its own create request again by the name, and AWS refuses
	// a second account with one address.
	Identity func(app members.Application) (email, name string, err error)
	// PollInitial, PollMax: the backoff of polls and of throttled calls (defaults
	// DefaultPollInitial, DefaultPollMax).
	PollInitial, PollMax time.Duration
	// MaxWait is how long one Complete call polls an account being created before
	// it records the operation waiting and returns (default DefaultMaxWait),
	// counted in the waits asked of Sleep.
	MaxWait time.Duration
	// Attempts is how many times a throttled call, or one denied access
	// (AccessDeniedException), is made in all (default DefaultAttempts).
	Attempts int
	// Lease is how long a run holds an operation between two recorded steps
	// (default DefaultLease).
	Lease time.Duration
	// Now is the clock of leases and effective months (default time.Now).
	Now func() time.Time
	// Sleep waits d or until ctx is done, returning ctx's error then (default: a
	// timer). Tests pass one that returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Carrier carries applications out in AWS Organizations (M-11) and records each
// step in members. Build one with New (or NewSimulated); it is safe for
// concurrent use and holds no state between calls: everything it knows about an
// operation is in the application's members.Operation.
type Carrier struct {
	api      orgAPI
	svc      *members.Service
	cfg      Config
	newOwner func() string
}

// New returns a Carrier calling AWS Organizations with client, which must act as
// the management (payer) account, and recording in svc.
func New(client *organizations.Client, svc *members.Service, cfg Config) *Carrier {
	return newCarrier(client, svc, cfg)
}

// newCarrier returns a Carrier over any orgAPI, with cfg's defaults filled in.
func newCarrier(api orgAPI, svc *members.Service, cfg Config) *Carrier {
	cfg.OUs = maps.Clone(cfg.OUs)
	if cfg.RoleName == "" {
		cfg.RoleName = DefaultRoleName
	}
	if cfg.DefaultProfile == "" {
		cfg.DefaultProfile = DefaultProfile
	}
	if cfg.Identity == nil {
		cfg.Identity = DefaultIdentity(cfg.EmailDomain)
	}
	if cfg.PollInitial <= 0 {
		cfg.PollInitial = DefaultPollInitial
	}
	if cfg.PollMax <= 0 {
		cfg.PollMax = DefaultPollMax
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = DefaultMaxWait
	}
	if cfg.Attempts <= 0 {
		cfg.Attempts = DefaultAttempts
	}
	if cfg.Lease <= 0 {
		cfg.Lease = DefaultLease
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleep
	}
	return &Carrier{api: api, svc: svc, cfg: cfg, newOwner: func() string { return "run-" + strings.ToLower(rand.Text())[:12] }}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (c *Carrier) now() time.Time { return c.cfg.Now().UTC().Truncate(time.Microsecond) }

// emailLocal is what the default Identity accepts in an application id: AWS's
// local-part rules, conservatively.
var emailLocal = regexp.MustCompile(`^[A-Za-z0-9._+-]+$`)

// DefaultIdentity returns the Identity deriving "aws+<application id>@<domain>"
// and the account name ParseDetails finds in the application's Details (else
// "account"), printable ASCII only, followed by " (<application id>)" and cut to
// AWS's 50 characters, so that every application has its own address and name.
// An empty domain, or an address AWS would refuse (more than 64 characters), is a
// *resellerkit.ValidationError wrapping members.ErrInvalid.
func DefaultIdentity(domain string) func(members.Application) (email, name string, err error) {
	return func(app members.Application) (string, string, error) {
		if domain == "" {
			return "", "", resellerkit.Invalid(members.ErrInvalid, "email_domain", "", "M-11", "configure awsorg.Config.EmailDomain (or Identity) to derive new accounts' root addresses")
		}
		email := "aws+" + app.ID + "@" + domain
		if !emailLocal.MatchString(app.ID) || len(email) > 64 || !strings.Contains(domain, ".") {
			return "", "", resellerkit.Invalid(members.ErrInvalid, "email", email, "M-11", "AWS wants a root address of 6..64 ASCII characters with a dotted domain")
		}
		label, _ := ParseDetails(app.Details)
		label = printable(label)
		if label == "" {
			label = "account"
		}
		suffix := " (" + app.ID + ")"
		if room := 50 - len(suffix); len(label) > room {
			label = strings.TrimSpace(label[:max(room, 0)])
		}
		name := label + suffix
		if len(name) > 50 {
			name = name[:50]
		}
		return email, name, nil
	}
}

// printable keeps the characters AWS allows in an account name (printable ASCII).
func printable(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 0x20 && r <= 0x7e {
			b.WriteRune(r)
		}
	}
	return strings.TrimSpace(b.String())
}

// ParseDetails reads the account name and security profile a new-account
// application's Details ask for. Details are one line of text, so they are read
// as parts separated by ";": a part "name: <account name>" or
// "profile: <profile>" (keys case-insensitive) sets that value, any other part is
// free text and ignored, e.g. "name: web-prod; profile: secure; for the web
// team". Missing ones are "".
func ParseDetails(details string) (name, profile string) {
	for part := range strings.SplitSeq(details, ";") {
		k, v, ok := strings.Cut(part, ":")
		if !ok {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "name":
			name = strings.TrimSpace(v)
		case "profile":
			profile = strings.ToLower(strings.TrimSpace(v))
		}
	}
	return name, profile
}

// newAccountPlan is what a new account will be, derived before any call.
type newAccountPlan struct {
	email, name, profile, ou string
}

func (c *Carrier) planNewAccount(app members.Application) (newAccountPlan, error) {
	email, name, err := c.cfg.Identity(app.Clone())
	if err != nil {
		return newAccountPlan{}, err
	}
	_, profile := ParseDetails(app.Details)
	if profile == "" {
		profile = c.cfg.DefaultProfile
	}
	plan := newAccountPlan{email: email, name: name, profile: profile}
	if len(c.cfg.OUs) > 0 {
		ou, ok := c.cfg.OUs[profile]
		if !ok {
			return newAccountPlan{}, resellerkit.Invalid(members.ErrInvalid, "profile", profile, "M-11",
				"no organizational unit is configured for this profile (configured: "+strings.Join(slices.Sorted(maps.Keys(c.cfg.OUs)), ", ")+")")
		}
		plan.ou = ou
	}
	return plan, nil
}

// Complete carries out the application appID of orgID, in review, as the reseller
// operator p (M-11), and returns it as stored afterwards:
//
//   - new_account: the account is created, moved to its profile's OU, registered
//     under the application's project, and the application completed;
//   - account_closure: the account is closed in AWS and the application completed
//     (its billing ends at the end of the month);
//   - account_transfer_in: the account is invited; once its owner accepts, it is
//     registered under the application's project and the application completed;
//   - owner_change: the effective month and a contacts review are recorded and the
//     application completed, with no AWS call;
//   - project_creation: completed as members.Service.CompleteApplication does.
//
// Complete is safe to call again at any time: a completed application is returned
// as it is, a waiting or interrupted operation resumes where its record stops, and
// a failed one starts a new attempt (or, failed on a refused call, resumes where
// that call stopped). While AWS is not done (an account still being created after
// Config.MaxWait, an invitation not answered), the operation is recorded waiting
// and the application returned with a nil error: call again later. When AWS
// refuses (an answer the package knows, or any client error that is not
// throttling: ErrAccessDenied after Config.Attempts, ErrNotInUse, invalid input,
// a constraint violation…), the operation is recorded failed with its reason, the
// application stays in review, and it is returned with an error wrapping
// ErrRefused; the operator may then reject it. Another run holding the operation
// is ErrInProgress (a members.ErrConflict). Other errors (ErrThrottled, a server
// or network error, a cancelled context, a store error) leave the operation
// waiting with the error as its reason.
func (c *Carrier) Complete(ctx context.Context, p members.Principal, orgID, appID string) (members.Application, error) {
	if !p.Operator {
		return members.Application{}, fmt.Errorf("%w: only reseller operators carry applications out", members.ErrPermissionDenied)
	}
	app, err := c.svc.GetApplication(ctx, p, orgID, appID)
	if err != nil {
		return members.Application{}, err
	}
	switch app.State {
	case members.AppCompleted:
		return app, nil
	case members.AppInReview:
	default:
		// Not in review: members refuses the completion and says which move is
		// allowed from this state (M-11).
		return c.svc.CompleteApplication(ctx, p, orgID, appID)
	}
	if app.Kind == members.AppProjectCreation {
		return c.completeApp(ctx, p, orgID, appID)
	}
	var plan newAccountPlan
	if app.Kind == members.AppNewAccount {
		if plan, err = c.planNewAccount(app); err != nil {
			return members.Application{}, err
		}
	}
	if app.Operation != nil && app.Operation.State == members.OpSucceeded {
		return c.completeApp(ctx, p, orgID, appID)
	}
	r, err := c.claim(ctx, p, orgID, appID)
	if err != nil {
		// Lost to a run that has just finished: its result is the answer.
		if cur, gerr := c.svc.GetApplication(ctx, p, orgID, appID); gerr == nil && cur.State == members.AppCompleted {
			return cur, nil
		}
		return members.Application{}, err
	}
	switch r.app.Kind {
	case members.AppNewAccount:
		return r.newAccount(ctx, plan)
	case members.AppAccountClosure:
		return r.closure(ctx)
	case members.AppAccountTransferIn:
		return r.transferIn(ctx)
	case members.AppOwnerChange:
		return r.ownerChange(ctx)
	}
	return r.abort(ctx, "awsorg:Complete", "", resellerkit.Invalid(members.ErrInvalid, "kind", string(r.app.Kind), "M-11", "no AWS operation for this kind"))
}

// completeApp completes the application; lost to a concurrent completion, it
// returns the application completed by the other.
func (c *Carrier) completeApp(ctx context.Context, p members.Principal, orgID, appID string) (members.Application, error) {
	app, err := c.svc.CompleteApplication(ctx, p, orgID, appID)
	if err == nil {
		return app, nil
	}
	if cur, gerr := c.svc.GetApplication(ctx, p, orgID, appID); gerr == nil && cur.State == members.AppCompleted {
		return cur, nil
	}
	return members.Application{}, err
}

// Step actions the carrier records that are not AWS calls, and the prefix of the
// outcome recorded just before a call that creates something in AWS.
const (
	actClaim    = "awsorg:Claim"
	actRetry    = "awsorg:Retry"
	actResume   = "awsorg:Resume"
	actTakeover = "awsorg:Takeover"
	actRegister = "members:RegisterAccount"
	actOwner    = "members:OwnerChange"
	intentMark  = "calling"
	refusedMark = "refused"
)

// run is one Complete call holding an application's operation.
type run struct {
	c     *Carrier
	p     members.Principal
	orgID string
	appID string
	owner string
	app   members.Application // as last stored
}

// claim takes the application's operation for a new run before any AWS call:
// refused with ErrInProgress while another run's lease is live, taken over once it
// has expired; a failed operation starts a new attempt, except one failed because
// a call was refused (see refuse), which resumes where that call stopped.
func (c *Carrier) claim(ctx context.Context, p members.Principal, orgID, appID string) (*run, error) {
	r := &run{c: c, p: p, orgID: orgID, appID: appID, owner: c.newOwner()}
	now := c.now()
	app, err := c.svc.UpdateOperation(ctx, p, orgID, appID, func(a members.Application) (*members.Operation, error) {
		op := a.Operation
		if op == nil {
			op = &members.Operation{Token: strings.ToLower(rand.Text())}
			op.Steps = append(op.Steps, members.OperationStep{At: now, Action: actClaim, Outcome: "started by " + r.owner})
		}
		switch op.State {
		case members.OpRunning:
			if now.Before(op.LeaseUntil) {
				return nil, fmt.Errorf("%w (held by %s until %s)", ErrInProgress, op.Owner, op.LeaseUntil.Format(time.RFC3339))
			}
			op.Steps = append(op.Steps, members.OperationStep{At: now, Action: actTakeover,
				Outcome: fmt.Sprintf("the lease of %s expired at %s; resumed by %s", op.Owner, op.LeaseUntil.Format(time.RFC3339), r.owner)})
		case members.OpFailed:
			if n := len(op.Steps); n > 0 && strings.HasPrefix(op.Steps[n-1].Outcome, refusedMark+":") {
				// What the attempt holds in AWS (a create request, an account, an
				// invitation) is kept: asked again, it would be asked twice.
				op.Steps = append(op.Steps, members.OperationStep{At: now, Action: actResume,
					Outcome: "resumed by " + r.owner + " after: " + op.Reason})
				op.Reason = ""
				break
			}
			op.Steps = append(op.Steps, members.OperationStep{At: now, Action: actRetry,
				Outcome: "new attempt by " + r.owner + " after: " + op.Reason})
			op.CreateRequestID, op.HandshakeID, op.Reason = "", "", ""
		case members.OpSucceeded:
			return nil, fmt.Errorf("%w: the operation has just succeeded", members.ErrConflict)
		}
		op.State, op.Owner, op.LeaseUntil = members.OpRunning, r.owner, now.Add(c.cfg.Lease)
		return op, nil
	})
	if err != nil {
		return nil, err
	}
	r.app = app
	return r, nil
}

// record applies fn to the operation and stores it with a step, if the run still
// holds it (else an error wrapping members.ErrConflict). While the operation stays
// running the lease is renewed; otherwise it is released.
func (r *run) record(ctx context.Context, step members.OperationStep, fn func(op *members.Operation)) error {
	now := r.c.now()
	app, err := r.c.svc.UpdateOperation(ctx, r.p, r.orgID, r.appID, func(a members.Application) (*members.Operation, error) {
		op := a.Operation
		if op == nil || op.State != members.OpRunning || op.Owner != r.owner {
			return nil, fmt.Errorf("%w: awsorg: run %s lost the operation to another run", members.ErrConflict, r.owner)
		}
		if step.Action != "" {
			step.At = now
			op.Steps = append(op.Steps, step)
		}
		if fn != nil {
			fn(op)
		}
		if op.State == members.OpRunning {
			op.LeaseUntil = now.Add(r.c.cfg.Lease)
		} else {
			op.Owner, op.LeaseUntil = "", time.Time{}
		}
		return op, nil
	})
	if err != nil {
		return err
	}
	r.app = app
	return nil
}

// step records one step with no other change.
func (r *run) step(ctx context.Context, action, requestID, outcome string) error {
	return r.record(ctx, members.OperationStep{Action: action, RequestID: requestID, Outcome: outcome}, nil)
}

// intent records, before a call that creates something in AWS, that it is being
// made, so that a run resuming after a crash knows to look for what it created.
func (r *run) intent(ctx context.Context, action, what string) error {
	return r.step(ctx, action, "", intentMark+": "+what)
}

// intentAt returns when this attempt last recorded calling action, if it did and
// AWS did not answer that call with a refusal (which created nothing).
func (r *run) intentAt(action string) (time.Time, bool) {
	op := r.app.Operation
	for i := len(op.Steps) - 1; i >= 0; i-- {
		s := op.Steps[i]
		if s.Action == actRetry || (s.Action == action && strings.HasPrefix(s.Outcome, refusedMark+":")) {
			break
		}
		if s.Action == action && s.RequestID == "" && strings.HasPrefix(s.Outcome, intentMark+":") {
			return s.At, true
		}
	}
	return time.Time{}, false
}

// succeed records the operation succeeded and completes the application.
func (r *run) succeed(ctx context.Context, action, requestID, outcome string, fn func(op *members.Operation)) (members.Application, error) {
	err := r.record(ctx, members.OperationStep{Action: action, RequestID: requestID, Outcome: outcome}, func(op *members.Operation) {
		if fn != nil {
			fn(op)
		}
		op.State, op.Reason = members.OpSucceeded, ""
	})
	if err != nil {
		return members.Application{}, err
	}
	return r.c.completeApp(ctx, r.p, r.orgID, r.appID)
}

// fail records AWS's refusal: the operation failed with reason, the application
// left in review and returned with an error wrapping ErrRefused (and cause, AWS's
// error, when there is one).
func (r *run) fail(ctx context.Context, action, requestID, reason string, cause error) (members.Application, error) {
	err := r.record(ctx, members.OperationStep{Action: action, RequestID: requestID, Outcome: "failed: " + reason}, func(op *members.Operation) {
		op.State, op.Reason = members.OpFailed, reason
	})
	if err != nil {
		return members.Application{}, err
	}
	if cause != nil {
		return r.app, fmt.Errorf("%w: %s: %w", ErrRefused, reason, cause)
	}
	return r.app, fmt.Errorf("%w: %s", ErrRefused, reason)
}

// wait records that AWS is not done: the operation waiting with reason, the
// lease released, the application returned with no error.
func (r *run) wait(ctx context.Context, reason string) (members.Application, error) {
	err := r.record(ctx, members.OperationStep{}, func(op *members.Operation) {
		op.State, op.Reason = members.OpWaiting, reason
	})
	if err != nil {
		return members.Application{}, err
	}
	return r.app, nil
}

// abort records an error that is not AWS's answer to the operation
// (throttling, a server error, a network error, a cancelled context, a store
// error): the step with its request id, the operation waiting with the error as
// its reason, the lease released, so a later run resumes at once. An error that
// is AWS refusing the call (permanent) is recorded by refuse instead. It is
// recorded even when ctx is done.
func (r *run) abort(ctx context.Context, action, requestID string, cause error) (members.Application, error) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if permanent(cause) {
		return r.refuse(rctx, action, requestID, cause)
	}
	reason := "interrupted: " + cause.Error()
	err := r.record(rctx, members.OperationStep{Action: action, RequestID: requestID, Outcome: reason}, func(op *members.Operation) {
		op.State, op.Reason = members.OpWaiting, reason
	})
	if err != nil {
		return members.Application{}, errors.Join(cause, fmt.Errorf("awsorg: recording the interruption: %w", err))
	}
	return members.Application{}, cause
}

// refuse records a call AWS refused with an error no code of the carrier
// anticipates, permanent by its nature (see permanent): left waiting, the
// operation would be answered the same at every Complete, and an application
// whose operation waits can be neither completed nor rejected (members, M-11).
// The operation fails with a reason naming the call, AWS's error code and
// message, and what AWS already holds for the application; the application is
// returned with an error wrapping ErrRefused. The next Complete resumes where the
// call stopped (claim), once its cause is fixed; or the operator rejects the
// application.
func (r *run) refuse(ctx context.Context, action, requestID string, cause error) (members.Application, error) {
	what := cause.Error()
	var api smithy.APIError
	if errors.As(cause, &api) {
		what = api.ErrorCode()
		if msg := api.ErrorMessage(); msg != "" {
			what += ": " + msg
		}
	}
	reason := fmt.Sprintf("AWS refused %s (%s)", action, what)
	op := r.app.Operation
	var held []string
	if op.CreateRequestID != "" {
		held = append(held, "create request "+op.CreateRequestID)
	}
	if op.AWSAccountID != "" {
		held = append(held, "account "+op.AWSAccountID)
	}
	if op.HandshakeID != "" {
		held = append(held, "invitation "+op.HandshakeID)
	}
	if len(held) > 0 {
		reason += "; AWS already has this application's " + strings.Join(held, ", ") + ": see to it in AWS before rejecting the application"
	}
	reason += "; fix the cause and complete the application again (it resumes), or reject it"
	err := r.record(ctx, members.OperationStep{Action: action, RequestID: requestID, Outcome: refusedMark + ": " + reason}, func(op *members.Operation) {
		op.State, op.Reason = members.OpFailed, reason
	})
	if err != nil {
		return members.Application{}, errors.Join(cause, fmt.Errorf("awsorg: recording the refusal: %w", err))
	}
	return r.app, fmt.Errorf("%w: %s: %w", ErrRefused, reason, cause)
}

// call makes one AWS call, retrying throttling and AccessDeniedException (IAM
// changes take a moment to apply) with backoff up to Config.Attempts, and returns
// its output, AWS's request id and the error mapped by mapErr.
func call[T any](ctx context.Context, c *Carrier, f func(context.Context) (T, error), md func(T) middleware.Metadata) (T, string, error) {
	delay := c.cfg.PollInitial
	for attempt := 1; ; attempt++ {
		out, err := f(ctx)
		if err == nil {
			return out, requestIDOf(md(out)), nil
		}
		id := errRequestID(err)
		throttled := isThrottle(err)
		if !throttled && !isDenied(err) {
			return out, id, mapErr(err)
		}
		if attempt >= c.cfg.Attempts {
			if !throttled {
				return out, id, fmt.Errorf("%w (%d attempts)", mapErr(err), attempt)
			}
			return out, id, fmt.Errorf("%w (%d attempts): %w", ErrThrottled, attempt, err)
		}
		if serr := c.cfg.Sleep(ctx, delay); serr != nil {
			return out, id, serr
		}
		delay = min(2*delay, c.cfg.PollMax)
	}
}

// register records the account in members under the application's project. A
// re-run finding it already registered in the organization goes on; an account
// registered to another organization is refused. done means the run ends with app
// and err.
func (r *run) register(ctx context.Context, accountID, name string) (app members.Application, done bool, err error) {
	_, err = r.c.svc.RegisterAccount(ctx, r.p, r.orgID, members.NewAccount{ID: accountID, ProjectID: r.app.ProjectID, Name: name})
	switch {
	case err == nil:
		err = r.step(ctx, actRegister, "", "registered "+accountID+" under project "+r.app.ProjectID)
		return members.Application{}, err != nil, err
	case errors.Is(err, members.ErrAlreadyExists):
		if _, gerr := r.c.svc.GetAccount(ctx, r.p, r.orgID, accountID); gerr == nil {
			err = r.step(ctx, actRegister, "", accountID+" already registered in the organization")
			return members.Application{}, err != nil, err
		}
		app, err = r.fail(ctx, actRegister, "", "account "+accountID+" is registered to another organization", err)
		return app, true, err
	}
	app, err = r.abort(ctx, actRegister, "", err)
	return app, true, err
}

// ownerChange records the change of contract holder (no AWS call): it takes
// effect from the next UTC month, and the account's contacts are flagged for
// review by the new holder.
func (r *run) ownerChange(ctx context.Context) (members.Application, error) {
	month := resellerkit.MonthOf(r.c.now()).Next()
	return r.succeed(ctx, actOwner, "", "the change of holder takes effect from "+month.String()+"; contacts flagged for review",
		func(op *members.Operation) { op.EffectiveMonth, op.ContactsReview = month, true })
}
