package billing

import "github.com/seeda33a2f4f/resellerkit/money"

type band struct {
	upTo money.Decimal // upper bound of the band; zero for the last band
	rate money.Decimal
}

type planFormula struct {
	minimum money.Decimal
	bands   []band
}

var mustDec = money.MustParse

var planFormulas = map[SupportPlan]planFormula{
	PlanDeveloper:        {mustDec("29"), []band{{rate: mustDec("0.03")}}},
	PlanBusiness:         {mustDec("100"), []band{{mustDec("10000"), mustDec("0.10")}, {mustDec("80000"), mustDec("0.07")}, {mustDec("250000"), mustDec("0.05")}, {rate: mustDec("0.03")}}},
	PlanEnterpriseOnRamp: {mustDec("5500"), []band{{rate: mustDec("0.10")}}},
	PlanEnterprise:       {mustDec("15000"), []band{{mustDec("150000"), mustDec("0.10")}, {mustDec("500000"), mustDec("0.07")}, {mustDec("1000000"), mustDec("0.05")}, {rate: mustDec("0.03")}}},
}

// planNames are the plans' names as AWS prints them.
var planNames = map[SupportPlan]string{
	PlanDeveloper:        "Developer",
	PlanBusiness:         "Business",
	PlanEnterpriseOnRamp: "Enterprise On-Ramp",
	PlanEnterprise:       "Enterprise",
}

// SupportPlanFee returns AWS's public support-plan price for a month's charges base
// (B-7): the plan's minimum or the sum of its marginal bands, whichever is larger.
// Bands are marginal: Business(85,000) = 10% of 10,000 + 7% of 70,000 + 5% of 5,000 =
// 6,150. A negative base counts as zero. For PlanRate it returns base × rate (zero
// when the base is negative); rate is ignored for the other plans.
func SupportPlanFee(plan SupportPlan, base, rate money.Decimal) money.Decimal {
	if base.Sign() < 0 {
		base = money.Decimal{}
	}
	f, ok := planFormulas[plan]
	if !ok {
		return base.Mul(rate)
	}
	var fee, lower money.Decimal
	for _, b := range f.bands {
		if b.upTo.IsZero() || base.Cmp(b.upTo) <= 0 {
			fee = fee.Add(base.Sub(lower).Mul(b.rate))
			break
		}
		fee = fee.Add(b.upTo.Sub(lower).Mul(b.rate))
		lower = b.upTo
	}
	return money.Max(fee, f.minimum)
}
