package membersource_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/membersource"
	billingmem "github.com/seeda33a2f4f/resellerkit/billing/memstore"
	billingsql "github.com/seeda33a2f4f/resellerkit/billing/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/members/memstore"
	"github.com/seeda33a2f4f/resellerkit/members/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/money"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
)

// plainSource hides ProjectsOfOrg: OrgCharges then filters ProjectsFor.
type plainSource struct{ billing.ProjectSource }

// orgChargesPlans is a catalog exercising every project setting the charges
// depend on: pricing rules of every scope (B-5), custom items flat and percent,
// with filters (B-6), both cost bases and passed reseller discounts (B-3), support
// fees by rate and by AWS plan (B-7), a JPY project (B-10: charges stay in USD).
func orgChargesPlans() *billing.Plans {
	pct := func(s string) billing.Percent {
		p, err := billing.ParsePercent(s)
		if err != nil {
			panic(err)
		}
		return p
	}
	flat := money.MustParse("12.345")
	rate := money.MustParse("0.07")
	return &billing.Plans{
		Pricing: map[string]billing.PricingPlan{
			"gold": {PricingRules: []billing.PricingRule{
				{Scope: billing.ScopeGlobal, Type: billing.RuleDiscount, Percent: pct("3")},
				{Scope: billing.ScopeService, Type: billing.RuleMarkup, Percent: pct("12.5"), Service: "AmazonS3"},
				{Scope: billing.ScopeBillingEntity, Type: billing.RuleDiscount, Percent: pct("1"), BillingEntity: "AWS"},
				{Scope: billing.ScopeSKU, Type: billing.RuleMarkup, Percent: pct("33.33"), Service: "AmazonEC2",
					UsageType: "APN1-BoxUsage:t3.micro", Operation: "RunInstances"},
			}, CustomItems: []billing.CustomItem{
				{Description: "Managed service", Type: billing.CustomFee, AmountUSD: &flat, Start: october, Recurring: true},
				{Description: "Ops 5% of EC2", Type: billing.CustomFee, Percent: pct("5"), Service: "AmazonEC2", Start: november},
				{Description: "Loyalty", Type: billing.CustomCredit, Percent: pct("2.5"), LineItemType: "Usage", Start: november, Recurring: true},
			}},
			"public": {CostBasis: billing.CostBasisPublicOnDemand, PassResellerDiscounts: true, PricingRules: []billing.PricingRule{
				{Scope: billing.ScopeGlobal, Type: billing.RuleMarkup, Percent: pct("8")},
			}},
		},
		SupportFees: map[string]billing.SupportFee{
			"rate": {Rate: &rate},
			"biz":  {Plan: billing.PlanBusiness},
		},
		ExchangeRates: map[string]billing.ExchangeRatePolicy{"ttm": {Source: "TTM",
			Rates: map[resellerkit.Month]money.Decimal{november: money.MustParse("151.37")}}},
	}
}

// groupKinds are the kinds of line items the generated data has per account:
// charges, credits, the excluded kinds, Marketplace, domain registration, unknown
// types, upfront fees, covered usage, and CmBillingGroup tags.
var groupKinds = []billing.GroupKey{
	{ProductCode: "AmazonEC2", ProductName: "Amazon Elastic Compute Cloud", LineItemType: "Usage", UsageType: "APN1-BoxUsage:t3.micro", Operation: "RunInstances", BillingEntity: "AWS"},
	{ProductCode: "AmazonEC2", ProductName: "Amazon EC2", LineItemType: "Usage", UsageType: "APN1-BoxUsage:m5.large", Operation: "RunInstances", BillingEntity: "AWS", BillingGroup: "team-a"},
	{ProductCode: "AmazonS3", ProductName: "Amazon Simple Storage Service", LineItemType: "Usage", UsageType: "APN1-TimedStorage-ByteHrs", Operation: "StandardStorage", BillingEntity: "AWS", BillingGroup: "team-b"},
	{ProductCode: "AmazonEC2", LineItemType: "Credit", UsageType: "APN1-BoxUsage:t3.micro", Operation: "RunInstances", BillingEntity: "AWS"},
	{ProductCode: "AmazonEC2", LineItemType: "Refund", UsageType: "APN1-BoxUsage:t3.micro", Operation: "RunInstances", BillingEntity: "AWS"},
	{ProductCode: "AmazonEC2", LineItemType: "Tax", UsageType: "Tax", BillingEntity: "AWS"},
	{ProductCode: "AmazonEC2", LineItemType: "EdpDiscount", UsageType: "APN1-BoxUsage:t3.micro", Operation: "RunInstances", BillingEntity: "AWS"},
	{ProductCode: "AWSSupportBusiness", ProductName: "AWS Support (Business)", LineItemType: "Fee", UsageType: "Dollar", BillingEntity: "AWS"},
	{ProductCode: "prod-abc123", ProductName: "Some SaaS", LineItemType: "Usage", UsageType: "SaaS", BillingEntity: billing.MarketplaceBillingEntity},
	{ProductCode: "AmazonRegistrar", ProductName: "Amazon Registrar", LineItemType: "Fee", UsageType: "global-DomainRegistration", Operation: "RenewDomain", BillingEntity: "AWS"},
	{ProductCode: "AmazonEC2", LineItemType: "MysteryLineItem", UsageType: "APN1-Mystery", BillingEntity: "AWS"},
	{ProductCode: "ComputeSavingsPlans", LineItemType: "SavingsPlanUpfrontFee", UsageType: "ComputeSP:1yrAllUpfront", BillingEntity: "AWS"},
	{ProductCode: "AmazonEC2", LineItemType: "SavingsPlanCoveredUsage", UsageType: "APN1-BoxUsage:c5.xlarge", Operation: "RunInstances", BillingEntity: "AWS", BillingGroup: "team-a"},
	{ProductCode: "AmazonEC2", LineItemType: "RIFee", UsageType: "APN1-HeavyUsage:m5.large", Operation: "RunInstances", BillingEntity: "AWS"},
}

// B-13, M-7, issue 14: OrgCharges reads one organization's projects and accounts
// and only their accounts' cost groups, and gives exactly what the whole month's
// computation (CurrentCharges: every organization, every cost group) gives for
// that organization — every amount to the digit, accounts, services, billing
// groups, LastUpdated — over several organizations, payers, every kind of line
// item and every project setting, with cost data spelling leading-zero account ids
// unpadded, and accounts of no organization. With a project source that cannot
// answer for one organization (the fallback) too. On memory, SQLite and
// PostgreSQL.
func TestOrgChargesIsTheWholeMonthFilteredToTheOrganization(t *testing.T) {
	run := func(t *testing.T, ms members.Store, bs billing.Store) {
		ctx := context.Background()
		now := november.Start().Add(49 * time.Hour)
		svc := members.NewService(ms, members.WithClock(func() time.Time { return now }))
		staff := members.Principal{IdentityID: "staff", MFA: true, Operator: true}
		rng := rand.New(rand.NewPCG(14, 2026))

		type org struct {
			id    string
			owner members.Principal
		}
		var orgs []org
		settings := []members.BillingSettings{
			{PricingPlan: "gold", SupportFeeRule: "rate"},
			{PricingPlan: "public", SupportFeeRule: "biz", ExchangeRatePolicy: "ttm"},
			{},
		}
		var accounts []string
		for o := range 4 {
			owner := members.Principal{IdentityID: fmt.Sprintf("owner-%d", o), Email: fmt.Sprintf("owner@org%d.example", o), MFA: true}
			created, err := svc.CreateOrganization(ctx, owner, members.NewOrganization{Code: fmt.Sprintf("org%d", o), Name: fmt.Sprintf("Org %d", o)})
			require.NoError(t, err)
			orgs = append(orgs, org{created.ID, owner})
			for p := range 2 + o%2 {
				cur := money.USD
				if settings[(o+p)%3].ExchangeRatePolicy != "" {
					cur = money.JPY
				}
				proj, err := svc.CreateProject(ctx, owner, created.ID, members.Project{Name: fmt.Sprintf("P%d", p), PaymentMethod: members.PaymentBankTransfer,
					Currency: cur, InvoiceTo: []string{"billing@example.com"}, Billing: settings[(o+p)%3]})
				require.NoError(t, err)
				for a := range 3 {
					id := fmt.Sprintf("%012d", 100000000000+o*1000+p*10+a)
					if a == 0 {
						id = fmt.Sprintf("%012d", 1000+o*10+p) // leading zeros: the data spells some unpadded
					}
					_, err := svc.RegisterAccount(ctx, staff, created.ID, members.NewAccount{ID: id, ProjectID: proj.ID})
					require.NoError(t, err)
					accounts = append(accounts, id)
				}
			}
		}
		accounts = append(accounts, "999999999901", "000000000777") // in no organization

		// Two payers, each with a share of every account's line items; costs of up
		// to 10 fractional digits, some negative.
		cost := func() money.Decimal {
			return money.MustParse(fmt.Sprintf("%d.%010d", rng.IntN(2000)-200, rng.Int64N(10_000_000_000)))
		}
		for pi, payer := range []string{"111111111111", "222222222222"} {
			var gs []billing.Group
			for _, acct := range accounts {
				for ki, k := range groupKinds {
					if rng.IntN(3) == 0 {
						continue
					}
					k.Format = billing.FormatCURLegacy
					k.AccountID = acct
					if acct[0] == '0' && (ki+pi)%2 == 0 {
						k.AccountID = fmt.Sprint(mustAtoi(acct)) // unpadded, as some CUR exports write it
					}
					if ki%4 == pi {
						k.BillingGroup = "shared"
					}
					c := cost()
					gs = append(gs, billing.Group{GroupKey: k, Rows: int64(1 + rng.IntN(500)), Cost: c, PublicCost: c.Add(cost().Abs())})
				}
			}
			rep := billing.Report{Payer: payer, Period: november, Version: fmt.Sprintf("v%d", pi), GeneratedAt: now.Add(time.Duration(pi) * time.Hour)}
			_, err := bs.PutCostData(ctx, billing.CostData{Report: rep, CostCurrency: money.USD, AggregatedAt: rep.GeneratedAt.Add(time.Duration(3-pi) * time.Hour),
				Files: []string{"s3://cur/" + payer}, Rows: int64(len(gs)), Groups: gs})
			require.NoError(t, err)
		}

		src := membersource.New(svc, orgChargesPlans())
		issuer := billing.Issuer{Name: "Reseller K.K.", RegistrationNumber: "T1234567890123"}
		newService := func(charges billing.ProjectSource) *billing.Service {
			s, err := billing.NewService(billing.ServiceConfig{Store: bs, Projects: src, ChargeProjects: charges, Authorizer: svc, Issuer: issuer,
				Now: func() time.Time { return now }})
			require.NoError(t, err)
			return s
		}
		fast, fallback := newService(src.InCostCurrency()), newService(plainSource{src.InCostCurrency()})

		whole, err := fast.CurrentCharges(ctx, november)
		require.NoError(t, err)
		require.False(t, whole.LastUpdated.IsZero())
		for _, o := range orgs {
			want := *whole
			want.Reports = nil
			want.Projects = slices.DeleteFunc(slices.Clone(whole.Projects), func(pc billing.ProjectCharges) bool { return pc.OrgID != o.id })
			require.NotEmpty(t, want.Projects, "organization %s has projects", o.id)
			var total money.Decimal
			for _, pc := range want.Projects {
				total = total.Add(pc.Estimate)
			}
			require.False(t, total.IsZero(), "organization %s has charges", o.id)
			for name, s := range map[string]*billing.Service{"ProjectsOfOrg": fast, "ProjectsFor filtered": fallback} {
				got, err := s.OrgCharges(ctx, o.owner, o.id, november)
				require.NoError(t, err, "%s: OrgCharges(%s)", name, o.id)
				assert.Equal(t, &want, got, "%s: OrgCharges(%s) is CurrentCharges filtered to it", name, o.id)
			}
		}
	}
	t.Run("memstore", func(t *testing.T) { run(t, memstore.New(), billingmem.New()) })
	sqldbtest.Run(t, func(t *testing.T, d sqldb.Dialect) {
		db := sqldbtest.Open(t, d)
		ms, err := sqlstore.New(context.Background(), db)
		require.NoError(t, err)
		bs, err := billingsql.New(context.Background(), db)
		require.NoError(t, err)
		run(t, ms, bs)
	})
}

func mustAtoi(s string) int64 {
	var n int64
	for _, c := range s {
		n = n*10 + int64(c-'0')
	}
	return n
}
