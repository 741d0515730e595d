package main

import (
	"fmt"
	"os"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/membersource"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// The billing configuration of the portal: the catalog of named billing settings
// the projects refer to (-plans), and the issuer printed on every invoice
// (-issuer-name, -issuer-registration). The calendar is billing's default: the
// invoices of a month are issued from the 10th of the next (Japan time), due at
// the end of that next month (B-16).

// The demo issuer: a made-up reseller with a registration number of the right form
// (T + 13 digits), which is not a real one.
const (
	demoIssuerName         = "デモリセラー株式会社"
	demoIssuerRegistration = "T1234567890123"
)

// demoRatePolicy names the exchange-rate policy of the built-in demo plans, which
// the demo's JPY project uses (B-10).
const demoRatePolicy = "demo-ttm"

// demoRateMonths is how many months before the current one the demo policy holds a
// rate for: enough for the seeded months, and for corrections of their invoices.
const demoRateMonths = 24

// demoPlans returns the built-in catalog used without -plans: one exchange-rate
// policy, demoRatePolicy, with a made-up USD→JPY rate for each month from
// demoRateMonths before now's month to now's (145.00 … 154.75, by month), and
// billing's defaults otherwise (unblended cost, no pricing rules, a 10 % support
// fee). The rates are demo figures, not a bank's.
func demoPlans(now time.Time) *billing.Plans {
	cur := resellerkit.MonthOf(now)
	rates := map[resellerkit.Month]money.Decimal{}
	for m := cur.AddMonths(-demoRateMonths); !m.After(cur); m = m.Next() {
		n := int64(m.Year()*12 + int(m.Month()))
		rates[m] = money.New(14500+(n%40)*25, -2)
	}
	return &billing.Plans{ExchangeRates: map[string]billing.ExchangeRatePolicy{
		demoRatePolicy: {Source: "demo rates (not a bank's): month-end TTM", Rates: rates},
	}}
}

// loadPlans reads a billing.Plans JSON file (billing.DecodePlans validates it).
func loadPlans(path string) (*billing.Plans, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	plans, err := billing.DecodePlans(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return plans, nil
}

// billingSetup is what the billing Service of the portal is made of besides the
// stores: the catalog and the issuer.
type billingSetup struct {
	plans  *billing.Plans
	issuer billing.Issuer
}

// costCurrency is the currency of the cost data (B-1): charges and alarm
// thresholds are in it.
func (bs billingSetup) costCurrency() money.Currency {
	if bs.plans.CostCurrency != "" {
		return bs.plans.CostCurrency
	}
	return money.USD
}

// newBillingService returns the portal's one billing.Service over store: projects
// from members (membersource, in their invoice currency for invoices and in the
// cost currency for current charges and alarms), members as the Authorizer,
// notices (nil: none) as the Notifier, links in notices under origin (the web UI
// answers them: ui_links.go), and now as the clock.
func newBillingService(store billing.Store, svc *members.Service, notices *contacts.Service, bs billingSetup, origin string, now func() time.Time) (*billing.Service, error) {
	src := membersource.New(svc, bs.plans)
	cfg := billing.ServiceConfig{
		Store: store, Projects: src, ChargeProjects: src.InCostCurrency(), Authorizer: svc,
		Issuer: bs.issuer, CostCurrency: bs.costCurrency(),
		URLs: billing.URLs{Base: origin}, Now: now,
	}
	if notices != nil { // a nil *contacts.Service in the interface would not be nil
		cfg.Notifier = notices
	}
	return billing.NewService(cfg)
}
