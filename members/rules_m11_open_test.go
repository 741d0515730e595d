package members_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/members/memstore"
)

// m11Env is a Service on one store with two organizations: acme (power user alice,
// accounts a1 and a2) and globex (power user carol, account g1), and an operator.
type m11Env struct {
	ctx               context.Context
	st                members.Store
	svc               *members.Service
	op, alice, carol  members.Principal
	acme, globex      members.Organization
	acmeProj, globexP members.Project
}

const (
	m11A1      = "111111111111" // acme's
	m11A2      = "222222222222" // acme's
	m11G1      = "333333333333" // globex's
	m11Outside = "444444444444" // nobody's yet: transferred in
	m11Other   = "555555555555" // nobody's yet: transferred in
)

func newM11Env(t *testing.T, st members.Store) *m11Env {
	t.Helper()
	var serial atomic.Int64
	e := &m11Env{ctx: context.Background(), st: st}
	e.svc = members.NewService(st, members.WithClock(func() time.Time { return t0 }),
		members.WithIDGenerator(func() string { return fmt.Sprintf("id%04d", serial.Add(1)) }))
	e.op = members.Principal{IdentityID: "op", Email: "op@reseller.example", MFA: true, Operator: true}
	e.alice = members.Principal{IdentityID: "alice", Email: "alice@acme.example", MFA: true}
	e.carol = members.Principal{IdentityID: "carol", Email: "carol@globex.example", MFA: true}
	var err error
	e.acme, err = e.svc.CreateOrganization(e.ctx, e.alice, members.NewOrganization{Code: "acme", Name: "Acme"})
	require.NoError(t, err)
	e.globex, err = e.svc.CreateOrganization(e.ctx, e.carol, members.NewOrganization{Code: "globex", Name: "Globex"})
	require.NoError(t, err)
	e.acmeProj, err = e.svc.CreateProject(e.ctx, e.alice, e.acme.ID, project("Web"))
	require.NoError(t, err)
	e.globexP, err = e.svc.CreateProject(e.ctx, e.carol, e.globex.ID, project("Ops"))
	require.NoError(t, err)
	for _, a := range []struct{ org, proj, id string }{
		{e.acme.ID, e.acmeProj.ID, m11A1}, {e.acme.ID, e.acmeProj.ID, m11A2}, {e.globex.ID, e.globexP.ID, m11G1},
	} {
		_, err = e.svc.RegisterAccount(e.ctx, e.op, a.org, members.NewAccount{ID: a.id, ProjectID: a.proj})
		require.NoError(t, err)
	}
	return e
}

// m11Filed is an application a case files before the one it checks, and the state
// it is taken to.
type m11Filed struct {
	globex  bool // filed by globex (otherwise acme)
	kind    members.ApplicationKind
	account string
	state   members.ApplicationState
}

// input returns the NewApplication of kind for account in the organization.
func (e *m11Env) input(globex bool, kind members.ApplicationKind, account string) members.NewApplication {
	in := members.NewApplication{Kind: kind, AccountID: account}
	switch {
	case kind == members.AppAccountTransferIn && globex:
		in.ProjectID = e.globexP.ID
	case kind == members.AppAccountTransferIn:
		in.ProjectID = e.acmeProj.ID
	}
	return in
}

// file submits f and takes it to its state with the service's own transitions.
func (e *m11Env) file(t *testing.T, f m11Filed) members.Application {
	t.Helper()
	who, org := e.alice, e.acme.ID
	if f.globex {
		who, org = e.carol, e.globex.ID
	}
	app, err := e.svc.SubmitApplication(e.ctx, who, org, e.input(f.globex, f.kind, f.account))
	require.NoError(t, err)
	step := func(app members.Application, err error) members.Application {
		t.Helper()
		require.NoError(t, err)
		return app
	}
	switch f.state {
	case members.AppSubmitted:
	case members.AppCancelled:
		app = step(e.svc.CancelApplication(e.ctx, who, org, app.ID))
	default:
		app = step(e.svc.ReviewApplication(e.ctx, e.op, org, app.ID))
		switch f.state {
		case members.AppCompleted:
			app = step(e.svc.CompleteApplication(e.ctx, e.op, org, app.ID))
		case members.AppRejected:
			app = step(e.svc.RejectApplication(e.ctx, e.op, org, app.ID, "not now"))
		}
	}
	require.Equal(t, f.state, app.State)
	return app
}

// stored returns every stored application of orgID.
func (e *m11Env) stored(t *testing.T, orgID string) []members.Application {
	t.Helper()
	return pages(t, func(p resellerkit.Page) ([]members.Application, string, error) {
		return e.st.ListApplications(e.ctx, orgID, p)
	})
}

// TestM11_OneOpenApplicationPerAccount: the rule on the in-memory store; whether a
// store keeps it under concurrent submits is memberstest.TestService's
// "M-11/ConcurrentApplicationsOfOneAccountOneWins", run on every store.
func TestM11_OneOpenApplicationPerAccount(t *testing.T) {
	closure, owner, transfer := members.AppAccountClosure, members.AppOwnerChange, members.AppAccountTransferIn
	submitted, inReview := members.AppSubmitted, members.AppInReview
	cases := []struct {
		name    string
		before  []m11Filed
		kind    members.ApplicationKind
		account string
		blocked int // index in before of the open application that refuses it; -1: filed
	}{
		{"closure twice", []m11Filed{{kind: closure, account: m11A1, state: submitted}}, closure, m11A1, 0},
		{"closure while one is in review", []m11Filed{{kind: closure, account: m11A1, state: inReview}}, closure, m11A1, 0},
		{"owner change twice", []m11Filed{{kind: owner, account: m11A1, state: submitted}}, owner, m11A1, 0},
		{"closure while an owner change is open", []m11Filed{{kind: owner, account: m11A1, state: submitted}}, closure, m11A1, 0},
		{"owner change while a closure is in review", []m11Filed{{kind: closure, account: m11A1, state: inReview}}, owner, m11A1, 0},
		{"closure after a cancelled one", []m11Filed{{kind: closure, account: m11A1, state: members.AppCancelled}}, closure, m11A1, -1},
		{"closure after a rejected one", []m11Filed{{kind: closure, account: m11A1, state: members.AppRejected}}, closure, m11A1, -1},
		{"owner change after a completed one", []m11Filed{{kind: owner, account: m11A1, state: members.AppCompleted}}, owner, m11A1, -1},
		{"closure after a completed owner change", []m11Filed{{kind: owner, account: m11A1, state: members.AppCompleted}}, closure, m11A1, -1},
		{"the open one is found among closed ones", []m11Filed{
			{kind: closure, account: m11A1, state: members.AppRejected},
			{kind: owner, account: m11A1, state: members.AppCancelled},
			{kind: owner, account: m11A1, state: inReview},
			{kind: closure, account: m11A2, state: submitted},
		}, closure, m11A1, 2},
		{"closure of another account", []m11Filed{{kind: closure, account: m11A1, state: submitted}, {kind: owner, account: m11A2, state: members.AppCancelled}}, closure, m11A2, -1},
		{"owner change of another account", []m11Filed{{kind: closure, account: m11A2, state: inReview}}, owner, m11A1, -1},
		{"transfer-in twice", []m11Filed{{kind: transfer, account: m11Outside, state: submitted}}, transfer, m11Outside, 0},
		{"transfer-in while one is in review", []m11Filed{{kind: transfer, account: m11Outside, state: inReview}}, transfer, m11Outside, 0},
		{"transfer-in after a rejected one", []m11Filed{{kind: transfer, account: m11Outside, state: members.AppRejected}}, transfer, m11Outside, -1},
		{"transfer-in of another account id", []m11Filed{{kind: transfer, account: m11Outside, state: submitted}}, transfer, m11Other, -1},
		// Tenant isolation (M-7): another organization's open applications never
		// block, and the refusal could not tell one organization about another's.
		{"transfer-in another organization also applies for", []m11Filed{{globex: true, kind: transfer, account: m11Outside, state: inReview}}, transfer, m11Outside, -1},
		{"closure while another organization transfers in", []m11Filed{{globex: true, kind: transfer, account: m11A1, state: submitted}}, closure, m11A1, -1},
		{"transfer-in of another organization's account under closure", []m11Filed{{globex: true, kind: closure, account: m11G1, state: submitted}}, transfer, m11G1, -1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newM11Env(t, memstore.New())
			filed := make([]members.Application, len(c.before))
			for i, f := range c.before {
				filed[i] = e.file(t, f)
			}
			before, globexBefore := e.stored(t, e.acme.ID), e.stored(t, e.globex.ID)
			app, err := e.svc.SubmitApplication(e.ctx, e.alice, e.acme.ID, e.input(false, c.kind, c.account))
			if c.blocked < 0 {
				require.NoError(t, err)
				assert.Equal(t, members.AppSubmitted, app.State)
				assert.Len(t, e.stored(t, e.acme.ID), len(before)+1)
				return
			}
			require.ErrorIs(t, err, members.ErrAlreadyExists)
			open := filed[c.blocked]
			for _, want := range []string{open.ID, string(open.Kind), open.AccountID, string(open.State), "M-11"} {
				assert.Contains(t, err.Error(), want)
			}
			assert.Equal(t, before, e.stored(t, e.acme.ID), "a refused application changes nothing")
			assert.Equal(t, globexBefore, e.stored(t, e.globex.ID))
		})
	}
}

func TestM11_ApplicationKindConflictsWith(t *testing.T) {
	kinds := []members.ApplicationKind{members.AppAccountClosure, members.AppOwnerChange, members.AppNewAccount,
		members.AppAccountTransferIn, members.AppProjectCreation}
	conflicting := map[[2]members.ApplicationKind]bool{
		{members.AppAccountClosure, members.AppAccountClosure}:       true,
		{members.AppAccountClosure, members.AppOwnerChange}:          true,
		{members.AppOwnerChange, members.AppAccountClosure}:          true,
		{members.AppOwnerChange, members.AppOwnerChange}:             true,
		{members.AppAccountTransferIn, members.AppAccountTransferIn}: true,
	}
	for _, k := range kinds {
		for _, other := range kinds {
			assert.Equal(t, conflicting[[2]members.ApplicationKind{k, other}], k.ConflictsWith(other), "%s with %s", k, other)
		}
	}
}
