package awsorg

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/members/memstore"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// errCrash is what the crashing store answers: the process "died" before the
// write reached the database.
var errCrash = errors.New("test: crashed before the write")

// crashStore is memstore whose application writes fail while crashIf says so,
// to simulate a process that dies between an AWS call and its record.
type crashStore struct {
	*memstore.Store
	mu      sync.Mutex
	crashIf func(members.Application) bool
}

func (s *crashStore) UpdateApplication(ctx context.Context, a members.Application) error {
	s.mu.Lock()
	f := s.crashIf
	s.mu.Unlock()
	if f != nil && f(a) {
		return errCrash
	}
	return s.Store.UpdateApplication(ctx, a)
}

// crash makes every application write fail until recover is called.
func (s *crashStore) crash() { s.setCrash(func(members.Application) bool { return true }) }

func (s *crashStore) recover() { s.setCrash(nil) }

func (s *crashStore) setCrash(f func(members.Application) bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.crashIf = f
}

// clock is a settable clock shared by members and the carrier.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type env struct {
	t       *testing.T
	ctx     context.Context
	clock   *clock
	store   *crashStore
	svc     *members.Service
	aws     *simOrg
	c       *Carrier
	staff   members.Principal
	alice   members.Principal
	orgID   string
	project string
	account string // registered in the organization, open
	mu      sync.Mutex
	sleeps  []time.Duration
}

// newEnv returns an organization with a project and an account, a carrier over a
// scripted simOrg, and a Sleep that records and returns at once.
func newEnv(t *testing.T, edit ...func(*Config)) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background(), clock: &clock{now: time.Date(2026, time.April, 20, 9, 0, 0, 0, time.UTC)},
		staff: members.Principal{IdentityID: "staff", MFA: true, Operator: true},
		alice: members.Principal{IdentityID: "alice", Email: "alice@acme.example", MFA: true}}
	e.store = &crashStore{Store: memstore.New()}
	e.svc = members.NewService(e.store, members.WithClock(e.clock.Now))
	e.aws = newSimOrg(e.clock.Now, nil)
	n := 0
	e.aws.newAccountID = func() string { n++; return "90000000000" + string(rune('0'+n)) }
	cfg := Config{
		EmailDomain: "reseller.example",
		OUs:         map[string]string{"basic": "ou-basic", "secure": "ou-secure"},
		Now:         e.clock.Now,
		Sleep: func(ctx context.Context, d time.Duration) error {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.sleeps = append(e.sleeps, d)
			return ctx.Err()
		},
	}
	for _, f := range edit {
		f(&cfg)
	}
	e.c = newCarrier(e.aws, e.svc, cfg)
	org, err := e.svc.CreateOrganization(e.ctx, e.alice, members.NewOrganization{Code: "acme", Name: "Acme"})
	require.NoError(t, err)
	e.orgID = org.ID
	p, err := e.svc.CreateProject(e.ctx, e.alice, org.ID, members.Project{Name: "Web", PaymentMethod: members.PaymentBankTransfer,
		Currency: money.JPY, InvoiceTo: []string{"billing@acme.example"}})
	require.NoError(t, err)
	e.project = p.ID
	a, err := e.svc.RegisterAccount(e.ctx, e.staff, org.ID, members.NewAccount{ID: "111122223333", ProjectID: p.ID, Name: "legacy"})
	require.NoError(t, err)
	e.account = a.ID
	return e
}

// submit files an application as alice and takes it into review.
func (e *env) submit(in members.NewApplication) members.Application {
	e.t.Helper()
	if in.Kind == members.AppNewAccount || in.Kind == members.AppAccountTransferIn {
		in.ProjectID = e.project
	}
	app, err := e.svc.SubmitApplication(e.ctx, e.alice, e.orgID, in)
	require.NoError(e.t, err)
	app, err = e.svc.ReviewApplication(e.ctx, e.staff, e.orgID, app.ID)
	require.NoError(e.t, err)
	return app
}

func (e *env) complete(appID string) (members.Application, error) {
	return e.c.Complete(e.ctx, e.staff, e.orgID, appID)
}

func (e *env) get(appID string) members.Application {
	e.t.Helper()
	app, err := e.svc.GetApplication(e.ctx, e.staff, e.orgID, appID)
	require.NoError(e.t, err)
	return app
}

// requireRequestIDs checks that every recorded AWS call carries its request id
// (intents, recorded before the call, have none).
func requireRequestIDs(t *testing.T, op *members.Operation) {
	t.Helper()
	require.NotNil(t, op)
	n := 0
	for _, s := range op.Steps {
		if !strings.HasPrefix(s.Action, "organizations:") || strings.HasPrefix(s.Outcome, intentMark+":") {
			continue
		}
		require.Truef(t, strings.HasPrefix(s.RequestID, "sim-"), "step %+v has no request id", s)
		n++
	}
	require.NotZero(t, n, "no AWS step recorded")
}

// actions lists the recorded steps' actions.
func actions(op *members.Operation) []string {
	var out []string
	for _, s := range op.Steps {
		out = append(out, s.Action)
	}
	return out
}

func inviteInput(account string) *organizations.InviteAccountToOrganizationInput {
	return &organizations.InviteAccountToOrganizationInput{Target: &types.HandshakeParty{Id: aws.String(account), Type: types.HandshakePartyTypeAccount}}
}
