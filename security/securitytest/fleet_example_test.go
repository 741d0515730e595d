package securitytest_test

import (
	"context"
	"fmt"

	"github.com/seeda33a2f4f/resellerkit/members"
	membersmem "github.com/seeda33a2f4f/resellerkit/members/memstore"
	"github.com/seeda33a2f4f/resellerkit/money"
	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/memstore"
	"github.com/seeda33a2f4f/resellerkit/security/securitytest"
)

// A Fleet stands in for AWS: its Checks go in security.Config.Checks. A fresh
// account has every control drifted, so the first run repairs them (basic
// profile: the managed and initial controls; root MFA is report only); a second
// run repairs nothing; a managed control turned off is repaired at the next run.
func ExampleFleet() {
	ctx := context.Background()
	msvc := members.NewService(membersmem.New())
	alice := members.Principal{IdentityID: "alice", Email: "alice@a.example", MFA: true}
	staff := members.Principal{IdentityID: "staff", MFA: true, Operator: true}
	org, _ := msvc.CreateOrganization(ctx, alice, members.NewOrganization{Code: "acme", Name: "Acme"})
	p, _ := msvc.CreateProject(ctx, alice, org.ID, members.Project{Name: "Prod", PaymentMethod: members.PaymentBankTransfer,
		Currency: money.USD, InvoiceTo: []string{"billing@acme.example"}})
	_, _ = msvc.RegisterAccount(ctx, staff, org.ID, members.NewAccount{ID: "111111111111", ProjectID: p.ID})

	fleet := securitytest.NewFleet()
	svc, err := security.NewService(security.Config{Store: memstore.New(), Members: msvc,
		Checks: fleet.Checks(), Regions: []string{"ap-northeast-1"}})
	if err != nil {
		panic(err)
	}
	targets := []security.Target{{OrgID: org.ID, AccountID: "111111111111", New: true}}

	rep, _ := svc.Maintain(ctx, targets)
	fmt.Printf("first run: %d items, %d drifted, %d repaired\n", rep.Run.Items, rep.Run.Drifted, rep.Run.Repaired)
	rep, _ = svc.Maintain(ctx, targets)
	fmt.Printf("second run: %d drifted, %d repaired\n", rep.Run.Drifted, rep.Run.Repaired)

	fleet.SetCompliant("111111111111", security.AccessAnalyzer, "ap-northeast-1", false)
	fleet.SetUnreachable("222222222222", true) // an account no run targets: nothing changes
	rep, _ = svc.Maintain(ctx, targets)
	fmt.Printf("after a drift: %d repaired; IAM Access Analyzer repaired %d times\n",
		rep.Run.Repaired, fleet.Repairs("111111111111", security.AccessAnalyzer, "ap-northeast-1"))
	// Output:
	// first run: 13 items, 10 drifted, 9 repaired
	// second run: 1 drifted, 0 repaired
	// after a drift: 1 repaired; IAM Access Analyzer repaired 2 times
}
