package billing

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/money"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string // starts with the rule id the error must carry: "B12 …" is B-12
		mutate func(c *Config)
		field  string
		value  string
		reason string
	}{
		{"B12 registration number too short", func(c *Config) { c.Issuer.RegistrationNumber = "T123" }, "issuer.registration_number", "T123", "13 digits"},
		{"B12 registration number without T", func(c *Config) { c.Issuer.RegistrationNumber = "11234567890123" }, "issuer.registration_number", "11234567890123", "13 digits"},
		{"B12 registration number with letter", func(c *Config) { c.Issuer.RegistrationNumber = "T123456789012X" }, "issuer.registration_number", "T123456789012X", "13 digits"},
		{"B12 issuer name", func(c *Config) { c.Issuer.Name = "" }, "issuer.name", "", "required"},
		{"B11 tax rate", func(c *Config) { c.Tax.Rate = dec("10") }, "tax.rate", "10", "[0, 1)"},
		{"B11 tax rounding", func(c *Config) { c.Tax.Rounding = new(money.RoundingMode(99)) }, "tax.rounding", "RoundingMode(99)", "floor"},
		{"B5 unknown scope", func(c *Config) { c.Projects[0].PricingRules[0].Scope = "region" }, "projects[0].pricing_rules[0].scope", "region", "global, billing_entity, service or sku"},
		{"B5 unknown type", func(c *Config) { c.Projects[0].PricingRules[0].Type = "rebate" }, "projects[0].pricing_rules[0].type", "rebate", "discount or markup"},
		{"B5 percent 3 decimals", func(c *Config) { c.Projects[0].PricingRules[3].Percent = pct("12.555") }, "projects[0].pricing_rules[3].percent", "12.555", "at most 2 decimals"},
		{"B5 percent trailing zero past 2 decimals", func(c *Config) { c.Projects[0].PricingRules[3].Percent = pct("12.500") }, "projects[0].pricing_rules[3].percent", "12.500", "at most 2 decimals as written"},
		{"B5 percent exponent 3 decimals", func(c *Config) { c.Projects[0].PricingRules[0].Percent = pct("1e-3") }, "projects[0].pricing_rules[0].percent", "0.001", "at most 2 decimals as written"},
		{"B6 custom percent trailing zero", func(c *Config) {
			c.Projects[0].CustomItems = []CustomItem{{Description: "x", Type: "fee", Percent: pct("1.500"), Start: month("2026-10")}}
		}, "projects[0].custom_items[0].percent", "1.500", "at most 2 decimals as written"},
		{"B5 global with service", func(c *Config) { c.Projects[0].PricingRules[0].Service = "AmazonEC2" }, "projects[0].pricing_rules[0].service", "AmazonEC2", "not used by scope global"},
		{"B5 global with billing entity", func(c *Config) { c.Projects[0].PricingRules[0].BillingEntity = "AWS" }, "projects[0].pricing_rules[0].billing_entity", "AWS", "not used by scope global"},
		{"B5 global with usage type", func(c *Config) { c.Projects[0].PricingRules[0].UsageType = "BoxUsage" }, "projects[0].pricing_rules[0].usage_type", "BoxUsage", "not used by scope global"},
		{"B5 billing entity with service", func(c *Config) { c.Projects[0].PricingRules[1].Service = "AmazonEC2" }, "projects[0].pricing_rules[1].service", "AmazonEC2", "not used by scope billing_entity"},
		{"B5 service with operation", func(c *Config) { c.Projects[0].PricingRules[2].Operation = "RunInstances" }, "projects[0].pricing_rules[2].operation", "RunInstances", "not used by scope service"},
		{"B5 service with usage type", func(c *Config) { c.Projects[0].PricingRules[2].UsageType = "BoxUsage" }, "projects[0].pricing_rules[2].usage_type", "BoxUsage", "not used by scope service"},
		{"B5 sku with billing entity", func(c *Config) { c.Projects[0].PricingRules[3].BillingEntity = "AWS" }, "projects[0].pricing_rules[3].billing_entity", "AWS", "not used by scope sku"},
		{"B5 sku usage type missing", func(c *Config) { c.Projects[0].PricingRules[3].UsageType = "" }, "projects[0].pricing_rules[3]", "", "usage_type and operation"},
		{"B5 negative percent", func(c *Config) { c.Projects[0].PricingRules[0].Percent = pct("-1") }, "projects[0].pricing_rules[0].percent", "-1", "negative"},
		{"B5 discount over 100", func(c *Config) { c.Projects[0].PricingRules[1].Percent = pct("100.01") }, "projects[0].pricing_rules[1].percent", "100.01", "at most 100"},
		{"B5 sku incomplete", func(c *Config) { c.Projects[0].PricingRules[3].Operation = "" }, "projects[0].pricing_rules[3]", "", "usage_type and operation"},
		{"B5 service missing", func(c *Config) { c.Projects[0].PricingRules[2].Service = "" }, "projects[0].pricing_rules[2].service", "", "required"},
		{"B5 duplicate rule", func(c *Config) {
			c.Projects[0].PricingRules = append(c.Projects[0].PricingRules, PricingRule{Scope: "service", Service: "AmazonEC2", Type: "markup", Percent: pct("1")})
		}, "projects[0].pricing_rules[4]", "service", "one rule per line"},
		{"M3 account in two projects", func(c *Config) {
			c.Projects = append(c.Projects, Project{ID: "proj-b", Currency: "USD", Accounts: []string{acctB, acctA}})
		}, "projects[1].accounts[1]", acctA, "already in project proj-a"},
		{"M3 account twice", func(c *Config) { c.Projects[0].Accounts = []string{acctA, acctA} }, "projects[0].accounts[1]", acctA, "twice"},
		{"M3 account id", func(c *Config) { c.Projects[0].Accounts = []string{"12345"} }, "projects[0].accounts[0]", "12345", "12 digits"},
		{"M2 duplicate project", func(c *Config) { c.Projects = append(c.Projects, Project{ID: "proj-a", Currency: "USD"}) }, "projects[1].id", "proj-a", "unique"},
		{"B3 cost basis", func(c *Config) { c.Projects[0].CostBasis = "blended" }, "projects[0].cost_basis", "blended", "want unblended or public_on_demand"},
		{"B10 currency", func(c *Config) { c.Projects[0].Currency = "EUR" }, "projects[0].currency", "EUR", "JPY or USD"},
		{"B10 JPY needs a rate", func(c *Config) { c.Projects[0].ExchangeRate = nil }, "projects[0].exchange_rate", "", "required"},
		{"B10 rate positive", func(c *Config) { c.Projects[0].ExchangeRate = dec("0") }, "projects[0].exchange_rate", "0", "positive"},
		{"B10 USD rate is 1", func(c *Config) { c.Projects[0].Currency = "USD" }, "projects[0].exchange_rate", "151.37", "rate 1"},
		{"B10 conversion", func(c *Config) { c.Projects[0].Conversion = "monthly" }, "projects[0].conversion", "monthly", "line or total"},
		{"B10 conversion rounding", func(c *Config) { c.Projects[0].ConversionRounding = money.RoundingMode(-1) }, "projects[0].conversion_rounding", "RoundingMode(-1)", "half_up"},
		{"B7 plan", func(c *Config) { c.Projects[0].SupportFee = &SupportFee{Plan: "gold"} }, "projects[0].support_fee.plan", "gold", "business"},
		{"B7 plan and rate", func(c *Config) { c.Projects[0].SupportFee = &SupportFee{Plan: "business", Rate: dec("0.1")} }, "projects[0].support_fee.rate", "0.1", "exclusive"},
		{"B7 rate range", func(c *Config) { c.Projects[0].SupportFee = &SupportFee{Rate: dec("1.5")} }, "projects[0].support_fee.rate", "1.5", "[0, 1]"},
		{"B6 type", func(c *Config) {
			c.Projects[0].CustomItems = []CustomItem{{Description: "x", Type: "gift", AmountUSD: dec("1"), Start: month("2026-10")}}
		}, "projects[0].custom_items[0].type", "gift", "fee or credit"},
		{"B6 amount and percent", func(c *Config) {
			c.Projects[0].CustomItems = []CustomItem{{Description: "x", Type: "fee", AmountUSD: dec("1"), Percent: pct("1"), Start: month("2026-10")}}
		}, "projects[0].custom_items[0]", "", "exactly one"},
		{"B6 account outside project", func(c *Config) {
			c.Projects[0].CustomItems = []CustomItem{{Description: "x", Type: "fee", AmountUSD: dec("1"), Start: month("2026-10"), Account: acctB}}
		}, "projects[0].custom_items[0].account", acctB, "not an account"},
		{"B6 end before start", func(c *Config) {
			c.Projects[0].CustomItems = []CustomItem{{Description: "x", Type: "fee", AmountUSD: dec("1"), Start: month("2026-10"), End: month("2026-10"), Recurring: true}}
		}, "projects[0].custom_items[0].end", "2026-10", "after start"},
		{"B6 description missing", func(c *Config) {
			c.Projects[0].CustomItems = []CustomItem{{Description: " ", Type: "fee", AmountUSD: dec("1"), Start: month("2026-10")}}
		}, "projects[0].custom_items[0].description", " ", "required"},
		{"B6 description longer than a line", func(c *Config) {
			c.Projects[0].CustomItems = []CustomItem{{Description: strings.Repeat("運", 201), Type: "fee", AmountUSD: dec("1"), Start: month("2026-10")}}
		}, "projects[0].custom_items[0].description", resellerkit.Truncate(strings.Repeat("運", 201)), "at most 200 characters"},
		{"B6 description of two lines", func(c *Config) {
			c.Projects[0].CustomItems = []CustomItem{{Description: "保守\n費用", Type: "fee", AmountUSD: dec("1"), Start: month("2026-10")}}
		}, "projects[0].custom_items[0].description", "保守\n費用", "one line"},
		{"B6 start missing", func(c *Config) {
			c.Projects[0].CustomItems = []CustomItem{{Description: "x", Type: "fee", AmountUSD: dec("1")}}
		}, "projects[0].custom_items[0].start", "", "required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := issueConfig()
			require.NoError(t, cfg.Validate())
			tc.mutate(cfg)
			err := cfg.Validate()
			require.Error(t, err)
			require.ErrorIs(t, err, ErrInvalid)
			var ve *resellerkit.ValidationError
			require.True(t, errors.As(err, &ve))
			assert.Equal(t, tc.field, ve.Field)
			assert.Equal(t, tc.value, ve.Value)
			assert.Equal(t, ruleOf(tc.name), ve.Rule)
			assert.Contains(t, ve.Reason, tc.reason)
			_, cerr := Compute(cfg, NewAggregator(oct))
			require.ErrorIs(t, cerr, ErrInvalid, "Compute refuses an invalid config")
		})
	}
}

func TestConfigValidate_CollectsAll(t *testing.T) {
	cfg := issueConfig()
	cfg.Issuer.RegistrationNumber = "x"
	cfg.Projects[0].PricingRules[0].Scope = "nope"
	err := cfg.Validate()
	require.Error(t, err)
	errs := err.(interface{ Unwrap() []error }).Unwrap()
	assert.Len(t, errs, 2)
	assert.Equal(t, `billing: invalid input: issuer.registration_number "x" (B-12): want "T" followed by 13 digits`, errs[0].Error())
	assert.Equal(t, `billing: invalid input: projects[0].pricing_rules[0].scope "nope" (B-5): want global, billing_entity, service or sku`, errs[1].Error())
}

// ruleOf returns the rule id a test name starts with: "B12 …" → "B-12".
func ruleOf(name string) string {
	id, _, _ := strings.Cut(name, " ")
	return id[:1] + "-" + id[1:]
}

// TestB5_PercentAsWritten: "12.50" has two decimals as written and is accepted;
// "12.500" (same value) is rejected in TestConfigValidate.
func TestB5_PercentAsWritten(t *testing.T) {
	cfg := issueConfig()
	cfg.Projects[0].PricingRules[3].Percent = pct("12.50")
	require.NoError(t, cfg.Validate())
}

// TestB5_PercentRequired: a JSON rule without "percent" is an error naming the field,
// not a 0% rule that would hide the less specific rules.
func TestB5_PercentRequired(t *testing.T) {
	for _, tc := range []struct {
		name, rule string
		ok         bool
	}{
		{"B5 percent missing", `{"scope":"service","service":"AmazonEC2","type":"markup"}`, false},
		{"B5 percent zero given", `{"scope":"service","service":"AmazonEC2","type":"markup","percent":"0"}`, true},
		{"B5 percent given", `{"scope":"service","service":"AmazonEC2","type":"markup","percent":"3"}`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := issueConfig()
			var r PricingRule
			require.NoError(t, json.Unmarshal([]byte(tc.rule), &r))
			cfg.Projects[0].PricingRules[2] = r
			err := cfg.Validate()
			if tc.ok {
				require.NoError(t, err)
				return
			}
			var ve *resellerkit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, "projects[0].pricing_rules[2].percent", ve.Field)
			assert.Equal(t, "", ve.Value)
			assert.Equal(t, "B-5", ve.Rule)
			assert.Equal(t, "required", ve.Reason)
		})
	}
}

// B-16: a late credit names its account and the month it belongs to.
func TestB16_LateCreditsValidated(t *testing.T) {
	cfg := issueConfig()
	cfg.Projects[0].LateCredits = []LateCredit{{AccountID: "12345", AmountUSD: money.MustParse("-1")}}
	err := cfg.Validate()
	require.ErrorIs(t, err, ErrInvalid)
	assert.ErrorContains(t, err, "projects[0].late_credits[0].account_id")
	assert.ErrorContains(t, err, "projects[0].late_credits[0].ref_period")
	cfg.Projects[0].LateCredits = []LateCredit{{AccountID: acctA, RefPeriod: month("2026-09"), AmountUSD: money.MustParse("-1")}}
	require.NoError(t, cfg.Validate())
}

// TestB6_DescriptionOfAFullLineIsValid: 200 characters is one line still.
func TestB6_DescriptionOfAFullLineIsValid(t *testing.T) {
	cfg := issueConfig()
	cfg.Projects[0].CustomItems = []CustomItem{{Description: strings.Repeat("運", 200), Type: "fee", AmountUSD: dec("1"), Start: month("2026-10")}}
	require.NoError(t, cfg.Validate())
}
