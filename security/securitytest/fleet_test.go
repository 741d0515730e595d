package securitytest_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/members"
	membersmem "github.com/seeda33a2f4f/resellerkit/members/memstore"
	"github.com/seeda33a2f4f/resellerkit/money"
	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/memstore"
	"github.com/seeda33a2f4f/resellerkit/security/securitytest"
)

const (
	acct1 = "111111111111"
	acct2 = "222222222222"
	tokyo = "ap-northeast-1"
	osaka = "ap-northeast-3"
)

// checkOf returns the Fleet's Check of control c.
func checkOf(t *testing.T, f *securitytest.Fleet, c security.ControlID) security.Check {
	t.Helper()
	for _, ch := range f.Checks() {
		if ch.Control() == c {
			return ch
		}
	}
	t.Fatalf("no Check of %s", c)
	return nil
}

func TestFleet_OneCheckPerControlInCatalogueOrder(t *testing.T) {
	var got []security.ControlID
	for _, c := range securitytest.NewFleet().Checks() {
		got = append(got, c.Control())
	}
	var want []security.ControlID
	for _, c := range security.Catalog() {
		want = append(want, c.ID)
	}
	assert.Equal(t, want, got)
}

func TestFleet_FreshAccountsDriftUntilRepaired(t *testing.T) {
	ctx := context.Background()
	f := securitytest.NewFleet()
	gd := checkOf(t, f, security.GuardDuty)

	obs, err := gd.Observe(ctx, acct1, tokyo)
	require.NoError(t, err)
	assert.False(t, obs.Compliant, "a fresh account has every control drifted")
	assert.NotEmpty(t, obs.Detail)

	detail, err := gd.Repair(ctx, acct1, tokyo)
	require.NoError(t, err)
	assert.Contains(t, detail, "CreateDetector")
	obs, err = gd.Observe(ctx, acct1, tokyo)
	require.NoError(t, err)
	assert.True(t, obs.Compliant)
	assert.True(t, f.Compliant(acct1, security.GuardDuty, tokyo))
	assert.False(t, f.Compliant(acct1, security.GuardDuty, osaka), "regions are kept apart")
	assert.False(t, f.Compliant(acct2, security.GuardDuty, tokyo), "accounts are kept apart")

	_, err = gd.Repair(ctx, acct1, tokyo)
	require.NoError(t, err)
	assert.Equal(t, 1, f.Repairs(acct1, security.GuardDuty, tokyo), "repairing a compliant item changes nothing")
	assert.Equal(t, 2, f.Observes(acct1, security.GuardDuty, tokyo))
	assert.Equal(t, 1, f.TotalRepairs())

	f.SetCompliant(acct1, security.GuardDuty, tokyo, false) // the customer turned it off
	obs, err = gd.Observe(ctx, acct1, tokyo)
	require.NoError(t, err)
	assert.False(t, obs.Compliant)
	_, err = gd.Repair(ctx, acct1, tokyo)
	require.NoError(t, err)
	assert.Equal(t, 2, f.Repairs(acct1, security.GuardDuty, tokyo))
	assert.Equal(t, []string{acct1}, f.Accounts())
}

func TestFleet_GlobalControlsIgnoreTheRegion(t *testing.T) {
	ctx := context.Background()
	f := securitytest.NewFleet()
	f.SetCompliant(acct1, security.CloudTrail, tokyo, true)
	obs, err := checkOf(t, f, security.CloudTrail).Observe(ctx, acct1, "")
	require.NoError(t, err)
	assert.True(t, obs.Compliant, "CloudTrail is global: its item has region \"\"")
	assert.Equal(t, 1, f.Observes(acct1, security.CloudTrail, "us-east-1"))

	f.SetRegionDisabled("", tokyo, true)
	_, err = checkOf(t, f, security.PasswordPolicy).Observe(ctx, acct1, "")
	assert.NoError(t, err, "a disabled region does not stop a global control")
}

func TestFleet_ReportOnlyRefusesRepair(t *testing.T) {
	f := securitytest.NewFleet()
	_, err := checkOf(t, f, security.RootMFA).Repair(context.Background(), acct1, "")
	require.ErrorIs(t, err, security.ErrInvalid)
	assert.Zero(t, f.Repairs(acct1, security.RootMFA, ""))
	assert.False(t, f.Compliant(acct1, security.RootMFA, ""))
}

func TestFleet_Failures(t *testing.T) {
	ctx := context.Background()
	f := securitytest.NewFleet()
	ebs := checkOf(t, f, security.EBSDefaultEncryption)

	f.SetUnreachable(acct1, true)
	_, err := ebs.Observe(ctx, acct1, tokyo)
	require.ErrorIs(t, err, security.ErrUnreachable)
	require.ErrorIs(t, err, security.ErrAccessDenied)
	_, err = ebs.Repair(ctx, acct1, tokyo)
	require.ErrorIs(t, err, security.ErrUnreachable)
	assert.Zero(t, f.Repairs(acct1, security.EBSDefaultEncryption, tokyo))
	_, err = ebs.Observe(ctx, acct2, tokyo)
	require.NoError(t, err, "other accounts answer")
	f.SetUnreachable(acct1, false)
	_, err = ebs.Observe(ctx, acct1, tokyo)
	require.NoError(t, err)

	f.SetRegionDisabled(acct1, osaka, true)
	_, err = ebs.Observe(ctx, acct1, osaka)
	require.ErrorIs(t, err, security.ErrRegionDisabled)
	_, err = ebs.Observe(ctx, acct2, osaka)
	require.NoError(t, err, "disabled in acct1 only")
	f.SetRegionDisabled("", osaka, true)
	_, err = ebs.Observe(ctx, acct2, osaka)
	require.ErrorIs(t, err, security.ErrRegionDisabled, "disabled in every account")
	f.SetRegionDisabled("", osaka, false)
	f.SetRegionDisabled(acct1, osaka, false)
	_, err = ebs.Observe(ctx, acct1, osaka)
	require.NoError(t, err)

	denied := fmt.Errorf("%w: ec2:EnableEbsEncryptionByDefault", security.ErrAccessDenied)
	f.SetError(acct1, security.EBSDefaultEncryption, tokyo, denied)
	_, err = ebs.Repair(ctx, acct1, tokyo)
	require.ErrorIs(t, err, security.ErrAccessDenied)
	_, err = checkOf(t, f, security.GuardDuty).Observe(ctx, acct1, tokyo)
	require.NoError(t, err, "only the item fails")
	f.SetError(acct1, security.EBSDefaultEncryption, tokyo, nil)
	_, err = ebs.Repair(ctx, acct1, tokyo)
	require.NoError(t, err)

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = ebs.Observe(cancelled, acct1, tokyo)
	require.ErrorIs(t, err, context.Canceled)
	_, err = ebs.Repair(cancelled, acct1, tokyo)
	require.ErrorIs(t, err, context.Canceled)
}

// newService returns a Service over a Fleet: one organization with accounts
// registered, on memstore.
func newService(t *testing.T, fleet *securitytest.Fleet, regions []string, accounts ...string) (*security.Service, []security.Target) {
	t.Helper()
	ctx := context.Background()
	msvc := members.NewService(membersmem.New())
	alice := members.Principal{IdentityID: "alice", Email: "alice@a.example", MFA: true}
	staff := members.Principal{IdentityID: "staff", MFA: true, Operator: true}
	org, err := msvc.CreateOrganization(ctx, alice, members.NewOrganization{Code: "org-a", Name: "A"})
	require.NoError(t, err)
	p, err := msvc.CreateProject(ctx, alice, org.ID, members.Project{Name: "P", PaymentMethod: members.PaymentBankTransfer,
		Currency: money.USD, InvoiceTo: []string{"x@a.example"}})
	require.NoError(t, err)
	var targets []security.Target
	for _, id := range accounts {
		_, err := msvc.RegisterAccount(ctx, staff, org.ID, members.NewAccount{ID: id, ProjectID: p.ID})
		require.NoError(t, err)
		targets = append(targets, security.Target{OrgID: org.ID, AccountID: id, New: true})
	}
	svc, err := security.NewService(security.Config{Store: memstore.New(), Members: msvc, Checks: fleet.Checks(), Regions: regions, Workers: 8})
	require.NoError(t, err)
	return svc, targets
}

// S-3 over the Fleet: 30 accounts in parallel, one unreachable and a region
// disabled in another; a second run repairs nothing; a drift is repaired at the
// next run.
func TestFleet_UnderMaintain(t *testing.T) {
	ctx := context.Background()
	f := securitytest.NewFleet()
	var accounts []string
	for i := range 30 {
		accounts = append(accounts, fmt.Sprintf("%012d", 300000000000+i))
	}
	svc, targets := newService(t, f, []string{tokyo, osaka}, accounts...)
	f.SetUnreachable(accounts[0], true)
	f.SetRegionDisabled(accounts[1], osaka, true)

	rep, err := svc.Maintain(ctx, targets)
	require.NoError(t, err)
	// Basic: 4 global managed + access analyzer ×2, 2 global initial + 3 ×2 regional
	// initial, 3 ×2 maintained skipped.
	perAccount := 4 + 2 + 2 + 6 + 6
	assert.Equal(t, 30*perAccount, rep.Run.Items)
	failed := map[string]int{}
	for _, it := range rep.Items {
		if it.Action == security.ActionFailed {
			failed[it.AccountID]++
		}
		if it.AccountID == accounts[1] && it.Region == osaka && it.Desired {
			assert.Equal(t, security.ActionNoRegion, it.Action)
		}
	}
	assert.Equal(t, map[string]int{accounts[0]: perAccount - 6}, failed, "the unreachable account's every control on")
	assert.Equal(t, 28*13+(13-4), rep.Run.Repaired, "every drift of the controls on but root MFA (report only), none in a disabled region")
	assert.Equal(t, rep.Run.Repaired, f.TotalRepairs())
	assert.Equal(t, 1, f.Repairs(accounts[2], security.AccessAnalyzer, osaka))
	assert.Zero(t, f.Observes(accounts[2], security.GuardDuty, tokyo), "a control off is never observed")
	before := f.TotalRepairs()

	f.SetUnreachable(accounts[0], false)
	rep, err = svc.Maintain(ctx, targets)
	require.NoError(t, err)
	assert.Equal(t, 13, rep.Run.Repaired, "only the account that was unreachable")
	assert.Equal(t, before+13, f.TotalRepairs())
	for _, a := range accounts {
		assert.LessOrEqual(t, f.Repairs(a, security.CloudTrail, ""), 1)
	}

	f.SetCompliant(accounts[5], security.AccessAnalyzer, osaka, false)
	f.SetCompliant(accounts[5], security.EBSDefaultEncryption, osaka, false)
	rep, err = svc.Maintain(ctx, targets)
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Run.Repaired, "the managed control; the initial one, set once, is reported")
	assert.Equal(t, 2, f.Repairs(accounts[5], security.AccessAnalyzer, osaka))
	assert.Equal(t, 1, f.Repairs(accounts[5], security.EBSDefaultEncryption, osaka))
}

// The Fleet is safe for concurrent use: setters and Checks from many goroutines
// (run with -race).
func TestFleet_Concurrent(t *testing.T) {
	ctx := context.Background()
	f := securitytest.NewFleet()
	checks := f.Checks()
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			account := fmt.Sprintf("%012d", 400000000000+g%4)
			for _, c := range checks {
				_, _ = c.Observe(ctx, account, tokyo)
				_, err := c.Repair(ctx, account, tokyo)
				if err != nil && !errors.Is(err, security.ErrInvalid) {
					t.Errorf("%s: %v", c.Control(), err)
				}
				f.SetCompliant(account, c.Control(), osaka, g%2 == 0)
				f.SetRegionDisabled("", osaka, g%3 == 0)
			}
		})
	}
	wg.Wait()
	for a := range 4 {
		account := fmt.Sprintf("%012d", 400000000000+a)
		assert.Equal(t, 1, f.Repairs(account, security.GuardDuty, tokyo), "4 goroutines per account, one repair")
		assert.Equal(t, 4, f.Observes(account, security.GuardDuty, tokyo))
	}
	assert.Len(t, f.Accounts(), 4)
}
