package awsorg

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/seeda33a2f4f/resellerkit/members"
)

// NewSimulated returns a Carrier over AWS Organizations simulated in memory, for
// demos and the portal's default mode: accounts are created at once with random
// 12-digit ids, invitations are accepted at once, closures succeed (a second one
// is AccountAlreadyClosedException), and every call is logged to log (nil: not
// logged) with its simulated request id. Nothing leaves the process and nothing
// survives it.
func NewSimulated(svc *members.Service, cfg Config, log *slog.Logger) *Carrier {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return newCarrier(newSimOrg(now, log), svc, cfg)
}

// simOrg is AWS Organizations in memory. Its answers are the SDK's own types, and
// its errors are wrapped the way the SDK wraps them (*smithy.OperationError over
// *awshttp.ResponseError carrying a request id). The unexported knobs script it
// for tests.
type simOrg struct {
	mu           sync.Mutex
	log          *slog.Logger
	now          func() time.Time
	newAccountID func() string
	seq          int
	root         string
	accounts     map[string]*simAccount
	creates      []*simCreate
	handshakes   []*types.Handshake

	// polls is how many DescribeCreateAccountStatus calls answer IN_PROGRESS per
	// request before it ends (0: it ends within CreateAccount).
	polls int
	// createFails makes requests end FAILED with this reason.
	createFails types.CreateAccountFailureReason
	// answer is what an invitation becomes at once (default ACCEPTED).
	answer types.HandshakeState
	// pageSize limits list answers (0: all on one page).
	pageSize int
	// inject, if set, runs before each call (op is its name, e.g. "CreateAccount"):
	// a non-nil error is returned as AWS's, the call having no effect.
	inject func(op string) error
	// after, if set, runs after each call took effect, before it returns.
	after func(ctx context.Context, op string)
	calls []string
}

type simAccount struct {
	id, name, email, parent string
	closed                  bool
	created                 bool // by CreateAccount
}

type simCreate struct {
	status types.CreateAccountStatus
	email  string
	polls  int
}

func newSimOrg(now func() time.Time, log *slog.Logger) *simOrg {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &simOrg{
		log: log, now: now, root: "r-sim0", accounts: map[string]*simAccount{}, answer: types.HandshakeStateAccepted,
		newAccountID: func() string { return strconv.FormatInt(100000000000+rand.Int64N(900000000000), 10) },
	}
}

// begin counts and logs a call and returns its request id, or the error to
// return when inject fails it. The caller holds s.mu.
func (s *simOrg) begin(op string, attrs ...any) (string, error) {
	s.seq++
	id := fmt.Sprintf("sim-%06d", s.seq)
	s.calls = append(s.calls, op)
	s.log.Info("organizations (simulated)", append([]any{"op", op, "request_id", id}, attrs...)...)
	if s.inject != nil {
		if err := s.inject(op); err != nil {
			return id, s.awsErr(op, id, err)
		}
	}
	return id, nil
}

// awsErr wraps a modelled error the way the SDK returns it, with HTTP status 500
// for a server fault and 400 otherwise.
func (s *simOrg) awsErr(op, requestID string, err error) error {
	status := http.StatusBadRequest
	if api, ok := errors.AsType[smithy.APIError](err); ok && api.ErrorFault() == smithy.FaultServer {
		status = http.StatusInternalServerError
	}
	return &smithy.OperationError{ServiceID: "Organizations", OperationName: op, Err: &awshttp.ResponseError{
		ResponseError: &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}}, Err: err},
		RequestID:     requestID,
	}}
}

func meta(requestID string) middleware.Metadata {
	var md middleware.Metadata
	awsmiddleware.SetRequestIDMetadata(&md, requestID)
	return md
}

// done runs the after hook without the lock.
func (s *simOrg) done(ctx context.Context, op string) {
	if s.after != nil {
		s.after(ctx, op)
	}
}

// finish ends a create request: FAILED with createFails, an email already used,
// else SUCCEEDED with a new account in the root. The caller holds s.mu.
func (s *simOrg) finish(c *simCreate) {
	now := s.now()
	c.status.CompletedTimestamp = &now
	reason := s.createFails
	for _, a := range s.accounts {
		if a.email == c.email {
			reason = types.CreateAccountFailureReasonEmailAlreadyExists
		}
	}
	if reason != "" {
		c.status.State, c.status.FailureReason = types.CreateAccountStateFailed, reason
		return
	}
	id := s.newAccountID()
	s.accounts[id] = &simAccount{id: id, name: aws.ToString(c.status.AccountName), email: c.email, parent: s.root, created: true}
	c.status.State, c.status.AccountId = types.CreateAccountStateSucceeded, aws.String(id)
}

func (s *simOrg) CreateAccount(ctx context.Context, in *organizations.CreateAccountInput, _ ...func(*organizations.Options)) (*organizations.CreateAccountOutput, error) {
	defer s.done(ctx, "CreateAccount")
	s.mu.Lock()
	defer s.mu.Unlock()
	id, err := s.begin("CreateAccount", "name", aws.ToString(in.AccountName), "email", aws.ToString(in.Email), "role", aws.ToString(in.RoleName))
	if err != nil {
		return nil, err
	}
	now := s.now()
	c := &simCreate{email: aws.ToString(in.Email), polls: s.polls, status: types.CreateAccountStatus{
		Id: aws.String(fmt.Sprintf("car-sim%08d", len(s.creates)+1)), AccountName: in.AccountName,
		State: types.CreateAccountStateInProgress, RequestedTimestamp: &now,
	}}
	s.creates = append(s.creates, c)
	if c.polls == 0 {
		s.finish(c)
	}
	st := c.status
	return &organizations.CreateAccountOutput{CreateAccountStatus: &st, ResultMetadata: meta(id)}, nil
}

func (s *simOrg) DescribeCreateAccountStatus(ctx context.Context, in *organizations.DescribeCreateAccountStatusInput, _ ...func(*organizations.Options)) (*organizations.DescribeCreateAccountStatusOutput, error) {
	defer s.done(ctx, "DescribeCreateAccountStatus")
	s.mu.Lock()
	defer s.mu.Unlock()
	id, err := s.begin("DescribeCreateAccountStatus", "request", aws.ToString(in.CreateAccountRequestId))
	if err != nil {
		return nil, err
	}
	for _, c := range s.creates {
		if aws.ToString(c.status.Id) != aws.ToString(in.CreateAccountRequestId) {
			continue
		}
		if c.status.State == types.CreateAccountStateInProgress {
			if c.polls--; c.polls <= 0 {
				s.finish(c)
			}
		}
		st := c.status
		return &organizations.DescribeCreateAccountStatusOutput{CreateAccountStatus: &st, ResultMetadata: meta(id)}, nil
	}
	return nil, s.awsErr("DescribeCreateAccountStatus", id, &types.CreateAccountStatusNotFoundException{Message: aws.String("no such request")})
}

// page returns items [from, from+pageSize) of n and the next token.
func (s *simOrg) page(token *string, n int) (int, int, *string) {
	from, _ := strconv.Atoi(aws.ToString(token))
	to := n
	if s.pageSize > 0 && from+s.pageSize < n {
		to = from + s.pageSize
	}
	if to < n {
		return from, to, aws.String(strconv.Itoa(to))
	}
	return min(from, n), to, nil
}

func (s *simOrg) ListCreateAccountStatus(ctx context.Context, in *organizations.ListCreateAccountStatusInput, _ ...func(*organizations.Options)) (*organizations.ListCreateAccountStatusOutput, error) {
	defer s.done(ctx, "ListCreateAccountStatus")
	s.mu.Lock()
	defer s.mu.Unlock()
	id, err := s.begin("ListCreateAccountStatus")
	if err != nil {
		return nil, err
	}
	var all []types.CreateAccountStatus
	for _, c := range s.creates {
		for _, st := range in.States {
			if st == c.status.State {
				all = append(all, c.status)
			}
		}
	}
	from, to, next := s.page(in.NextToken, len(all))
	return &organizations.ListCreateAccountStatusOutput{CreateAccountStatuses: all[from:to], NextToken: next, ResultMetadata: meta(id)}, nil
}

func (s *simOrg) ListParents(ctx context.Context, in *organizations.ListParentsInput, _ ...func(*organizations.Options)) (*organizations.ListParentsOutput, error) {
	defer s.done(ctx, "ListParents")
	s.mu.Lock()
	defer s.mu.Unlock()
	id, err := s.begin("ListParents", "child", aws.ToString(in.ChildId))
	if err != nil {
		return nil, err
	}
	a, ok := s.accounts[aws.ToString(in.ChildId)]
	if !ok {
		return nil, s.awsErr("ListParents", id, &types.ChildNotFoundException{Message: aws.String("no such child")})
	}
	typ := types.ParentTypeOrganizationalUnit
	if a.parent == s.root {
		typ = types.ParentTypeRoot
	}
	return &organizations.ListParentsOutput{Parents: []types.Parent{{Id: aws.String(a.parent), Type: typ}}, ResultMetadata: meta(id)}, nil
}

func (s *simOrg) MoveAccount(ctx context.Context, in *organizations.MoveAccountInput, _ ...func(*organizations.Options)) (*organizations.MoveAccountOutput, error) {
	defer s.done(ctx, "MoveAccount")
	s.mu.Lock()
	defer s.mu.Unlock()
	id, err := s.begin("MoveAccount", "account", aws.ToString(in.AccountId), "from", aws.ToString(in.SourceParentId), "to", aws.ToString(in.DestinationParentId))
	if err != nil {
		return nil, err
	}
	a, ok := s.accounts[aws.ToString(in.AccountId)]
	switch {
	case !ok:
		return nil, s.awsErr("MoveAccount", id, &types.AccountNotFoundException{Message: aws.String("no such account")})
	case a.parent == aws.ToString(in.DestinationParentId):
		return nil, s.awsErr("MoveAccount", id, &types.DuplicateAccountException{Message: aws.String("already in the destination")})
	case a.parent != aws.ToString(in.SourceParentId):
		return nil, s.awsErr("MoveAccount", id, &types.SourceParentNotFoundException{Message: aws.String("not in the source")})
	}
	a.parent = aws.ToString(in.DestinationParentId)
	return &organizations.MoveAccountOutput{ResultMetadata: meta(id)}, nil
}

func (s *simOrg) CloseAccount(ctx context.Context, in *organizations.CloseAccountInput, _ ...func(*organizations.Options)) (*organizations.CloseAccountOutput, error) {
	defer s.done(ctx, "CloseAccount")
	s.mu.Lock()
	defer s.mu.Unlock()
	account := aws.ToString(in.AccountId)
	id, err := s.begin("CloseAccount", "account", account)
	if err != nil {
		return nil, err
	}
	a, ok := s.accounts[account]
	if !ok { // an account the simulation did not create (e.g. seeded demo data) is a member
		a = &simAccount{id: account, parent: s.root}
		s.accounts[account] = a
	}
	if a.closed {
		return nil, s.awsErr("CloseAccount", id, &types.AccountAlreadyClosedException{Message: aws.String("already closed")})
	}
	a.closed = true
	return &organizations.CloseAccountOutput{ResultMetadata: meta(id)}, nil
}

func (s *simOrg) InviteAccountToOrganization(ctx context.Context, in *organizations.InviteAccountToOrganizationInput, _ ...func(*organizations.Options)) (*organizations.InviteAccountToOrganizationOutput, error) {
	defer s.done(ctx, "InviteAccountToOrganization")
	s.mu.Lock()
	defer s.mu.Unlock()
	if in.Target == nil {
		in = &organizations.InviteAccountToOrganizationInput{Target: &types.HandshakeParty{}}
	}
	account := aws.ToString(in.Target.Id)
	id, err := s.begin("InviteAccountToOrganization", "account", account)
	if err != nil {
		return nil, err
	}
	if account == "" {
		return nil, s.awsErr("InviteAccountToOrganization", id, &types.InvalidInputException{Message: aws.String("Target is required")})
	}
	for _, hs := range s.handshakes {
		if aws.ToString(hs.Parties[0].Id) == account && (hs.State == types.HandshakeStateOpen || hs.State == types.HandshakeStateRequested) {
			return nil, s.awsErr("InviteAccountToOrganization", id, &types.DuplicateHandshakeException{Message: aws.String("already invited")})
		}
	}
	now := s.now()
	hs := &types.Handshake{
		Id: aws.String(fmt.Sprintf("h-sim%08d", len(s.handshakes)+1)), Action: types.ActionTypeInviteAccountToOrganization,
		Parties:            []types.HandshakeParty{{Id: aws.String(account), Type: types.HandshakePartyTypeAccount}, {Id: aws.String("o-sim0"), Type: types.HandshakePartyTypeOrganization}},
		State:              types.HandshakeStateOpen,
		RequestedTimestamp: &now, ExpirationTimestamp: aws.Time(now.Add(15 * 24 * time.Hour)),
	}
	if in.Notes != nil {
		hs.Resources = []types.HandshakeResource{{Type: types.HandshakeResourceTypeNotes, Value: in.Notes}}
	}
	s.handshakes = append(s.handshakes, hs)
	s.setHandshakeLocked(hs, s.answer)
	out := *hs
	return &organizations.InviteAccountToOrganizationOutput{Handshake: &out, ResultMetadata: meta(id)}, nil
}

// setHandshake moves handshake id to state (an accepted one joins its account).
func (s *simOrg) setHandshake(id string, state types.HandshakeState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, hs := range s.handshakes {
		if aws.ToString(hs.Id) == id {
			s.setHandshakeLocked(hs, state)
		}
	}
}

func (s *simOrg) setHandshakeLocked(hs *types.Handshake, state types.HandshakeState) {
	hs.State = state
	if state == types.HandshakeStateAccepted {
		account := aws.ToString(hs.Parties[0].Id)
		if _, ok := s.accounts[account]; !ok {
			s.accounts[account] = &simAccount{id: account, parent: s.root}
		}
	}
}

func (s *simOrg) DescribeHandshake(ctx context.Context, in *organizations.DescribeHandshakeInput, _ ...func(*organizations.Options)) (*organizations.DescribeHandshakeOutput, error) {
	defer s.done(ctx, "DescribeHandshake")
	s.mu.Lock()
	defer s.mu.Unlock()
	id, err := s.begin("DescribeHandshake", "handshake", aws.ToString(in.HandshakeId))
	if err != nil {
		return nil, err
	}
	for _, hs := range s.handshakes {
		if aws.ToString(hs.Id) == aws.ToString(in.HandshakeId) {
			out := *hs
			return &organizations.DescribeHandshakeOutput{Handshake: &out, ResultMetadata: meta(id)}, nil
		}
	}
	return nil, s.awsErr("DescribeHandshake", id, &types.HandshakeNotFoundException{Message: aws.String("no such handshake")})
}

func (s *simOrg) ListHandshakesForOrganization(ctx context.Context, in *organizations.ListHandshakesForOrganizationInput, _ ...func(*organizations.Options)) (*organizations.ListHandshakesForOrganizationOutput, error) {
	defer s.done(ctx, "ListHandshakesForOrganization")
	s.mu.Lock()
	defer s.mu.Unlock()
	id, err := s.begin("ListHandshakesForOrganization")
	if err != nil {
		return nil, err
	}
	var all []types.Handshake
	for _, hs := range s.handshakes {
		if in.Filter == nil || in.Filter.ActionType == "" || in.Filter.ActionType == hs.Action {
			all = append(all, *hs)
		}
	}
	from, to, next := s.page(in.NextToken, len(all))
	return &organizations.ListHandshakesForOrganizationOutput{Handshakes: all[from:to], NextToken: next, ResultMetadata: meta(id)}, nil
}

// created counts the accounts CreateAccount made.
func (s *simOrg) created() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, a := range s.accounts {
		if a.created {
			n++
		}
	}
	return n
}

// count returns how many times op was called.
func (s *simOrg) count(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.calls {
		if c == op {
			n++
		}
	}
	return n
}
