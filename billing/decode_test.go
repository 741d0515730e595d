package billing

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// configDoc is a valid configuration document; the decoder tests change one value of
// it. Lines: 1 issuer, 2 tax, 3 projects, 4-5 project a, 6-8 its rule, 9 its custom
// item, 10 project b.
const configDoc = `{"issuer": {"name": "R", "registration_number": "T1234567890123"},
 "tax": {"rate": "0.10", "rounding": "floor"},
 "projects": [
  {"id": "a", "currency": "JPY", "exchange_rate": "151.37", "conversion": "line",
   "accounts": ["123456789012"], "cost_basis": "unblended",
   "pricing_rules": [
     {"scope": "service", "service": "AmazonEC2",
      "type": "discount", "percent": "3"}],
   "custom_items": [{"description": "Ops", "type": "fee", "amount_usd": "50", "start": "2026-01", "recurring": true}]},
  {"id": "b", "currency": "USD", "accounts": ["210987654321"], "support_fee": {"plan": "business"}}]}
`

// decodeErrs decodes doc and returns its errors, each a *ConfigError.
func decodeErrs(t *testing.T, doc string) []*ConfigError {
	t.Helper()
	cfg, err := DecodeConfig(strings.NewReader(doc))
	require.Error(t, err)
	require.Nil(t, cfg)
	require.ErrorIs(t, err, ErrInvalid)
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	out := make([]*ConfigError, len(errs))
	for i, e := range errs {
		require.ErrorAs(t, e, &out[i])
	}
	return out
}

// TestDecodeConfig_TypedValuesRefuseBadText: every typed setting rejects a bad value
// as it is decoded; the error is a *ConfigError at the value's line and column
// wrapping a *resellerkit.ValidationError with the JSON path, the value as written,
// the rule of the field and the type's reason.
func TestDecodeConfig_TypedValuesRefuseBadText(t *testing.T) {
	_, err := DecodeConfig(strings.NewReader(configDoc))
	require.NoError(t, err)
	for _, tc := range []struct {
		name, old, new  string
		at              string // the error points at the first text of new that starts so
		field, value    string
		rule, reasonSub string
		wrapped         error
	}{
		{"B5 scope", `"scope": "service"`, `"scope": "region"`, `"region"`, "projects[0].pricing_rules[0].scope", "region", "B-5", "want global, billing_entity, service or sku", nil},
		{"B5 type", `"type": "discount"`, `"type": "rebate"`, `"rebate"`, "projects[0].pricing_rules[0].type", "rebate", "B-5", "want discount or markup", nil},
		{"B5 percent 3 decimals", `"percent": "3"`, `"percent": "3.125"`, `"3.125"`, "projects[0].pricing_rules[0].percent", "3.125", "B-5", "at most 2 decimals as written", nil},
		{"B5 percent negative", `"percent": "3"`, `"percent": -3`, `-3`, "projects[0].pricing_rules[0].percent", "-3", "B-5", "must not be negative", nil},
		{"B5 percent not a number", `"percent": "3"`, `"percent": "3%"`, `"3%"`, "projects[0].pricing_rules[0].percent", "3%", "B-5", "not a decimal number", money.ErrSyntax},
		{"B10 currency", `"currency": "JPY"`, `"currency": "EUR"`, `"EUR"`, "projects[0].currency", "EUR", "B-10", "want JPY or USD", money.ErrCurrency},
		{"B10 conversion", `"conversion": "line"`, `"conversion": "daily"`, `"daily"`, "projects[0].conversion", "daily", "B-10", "want line or total", nil},
		{"B10 exchange rate", `"exchange_rate": "151.37"`, `"exchange_rate": "1,5"`, `"1,5"`, "projects[0].exchange_rate", "1,5", "B-10", "not a decimal number", money.ErrSyntax},
		{"B3 cost basis", `"cost_basis": "unblended"`, `"cost_basis": "blended"`, `"blended"`, "projects[0].cost_basis", "blended", "B-3", "want unblended or public_on_demand", nil},
		{"B11 tax rounding", `"rounding": "floor"`, `"rounding": "nearest"`, `"nearest"`, "tax.rounding", "nearest", "B-11", "want half_up, half_even, floor, ceil or down", nil},
		{"B7 support plan", `"plan": "business"`, `"plan": "gold"`, `"gold"`, "projects[1].support_fee.plan", "gold", "B-7", "want developer, business, enterprise_on_ramp or enterprise", nil},
		{"B6 custom item type", `"type": "fee"`, `"type": "gift"`, `"gift"`, "projects[0].custom_items[0].type", "gift", "B-6", "want fee or credit", nil},
		{"B6 start not a month", `"start": "2026-01"`, `"start": "Jan"`, `"Jan"`, "projects[0].custom_items[0].start", "Jan", "B-6", "want YYYY-MM", nil},
		{"B6 start before 2000", `"start": "2026-01"`, `"start": "1999-12"`, `"1999-12"`, "projects[0].custom_items[0].start", "1999-12", "B-6", "months before 2000 are refused", nil},
		{"M3 account not text", `"accounts": ["123456789012"]`, `"accounts": [123456789012]`, `123456789012]`, "projects[0].accounts[0]", "123456789012", "M-3", "cannot unmarshal number", nil},
		{"M2 projects not a list", `"projects": [`, `"projects": {"a": 1}, "x": [`, `{"a": 1}`, "projects", `{"a": 1}`, "M-2", "cannot unmarshal object", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := strings.Replace(configDoc, tc.old, tc.new, 1)
			require.NotEqual(t, configDoc, doc)
			errs := decodeErrs(t, doc)
			ce := errs[0]
			at := strings.Index(doc, tc.new) + strings.Index(tc.new, tc.at)
			assert.Equal(t, position(doc, at), [2]int{ce.Line, ce.Column}, "%v", ce)
			var ve *resellerkit.ValidationError
			require.ErrorAs(t, ce, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.Equal(t, tc.value, ve.Value)
			assert.Equal(t, tc.rule, ve.Rule)
			assert.Contains(t, ve.Reason, tc.reasonSub)
			if tc.wrapped != nil {
				assert.Contains(t, ve.Reason, tc.wrapped.Error(), "the type's own error")
			}
		})
	}
}

// TestDecodeConfig_KeysFoundByTheWalk: a key that is no field (matched exactly, not
// case-insensitively) and a key given twice are errors at the key, found by walking
// the document with the Go types.
func TestDecodeConfig_KeysFoundByTheWalk(t *testing.T) {
	for _, tc := range []struct {
		name, old, new string
		key            string // the error points at the first key of new with this text
		field, reason  string
	}{
		{"unknown key", `"service": "AmazonEC2",`, `"service": "AmazonEC2", "servce": "x",`, `"servce"`, "projects[0].pricing_rules[0].servce", `unknown field "servce"; the fields here are scope, type, percent, billing_entity, service, usage_type, operation`},
		{"key of another case", `"name": "R"`, `"Name": "R"`, `"Name"`, "issuer.Name", `unknown field "Name"`},
		{"unknown top-level key", `"tax": {`, `"taxes": 1, "tax": {`, `"taxes"`, "taxes", `unknown field "taxes"`},
		{"key given twice", `"id": "a",`, `"id": "a", "id": "c",`, `"id": "c"`, "projects[0].id", "field given twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := strings.Replace(configDoc, tc.old, tc.new, 1)
			errs := decodeErrs(t, doc)
			require.Len(t, errs, 1)
			assert.Equal(t, position(doc, strings.Index(doc, tc.key)), [2]int{errs[0].Line, errs[0].Column}, "%v", errs[0])
			var ve *resellerkit.ValidationError
			require.ErrorAs(t, errs[0], &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.Contains(t, ve.Reason, tc.reason)
		})
	}
}

// position returns the 1-based line and byte column of offset off of doc.
func position(doc string, off int) [2]int {
	before := doc[:off]
	return [2]int{1 + strings.Count(before, "\n"), off - strings.LastIndexByte(before, '\n')}
}

// TestDecodeConfig_EveryProblem: all decoding problems are reported in document
// order; when values decode, every Validate problem is reported, each at its field or,
// for a missing field, at the nearest enclosing value present.
func TestDecodeConfig_EveryProblem(t *testing.T) {
	doc := strings.NewReplacer(`"scope": "service"`, `"scope": "region"`, `"plan": "business"`, `"plan": "gold"`,
		`"rounding": "floor"`, `"rounding": "up"`).Replace(configDoc)
	errs := decodeErrs(t, doc)
	var lines []int
	for _, e := range errs {
		lines = append(lines, e.Line)
	}
	assert.Equal(t, []int{2, 7, 10}, lines)

	doc = strings.NewReplacer(`"registration_number": "T1234567890123"`, `"registration_number": "T1"`,
		`"percent": "3"`, `"percent": "300"`, `"accounts": ["210987654321"]`, `"accounts": ["123456789012"]`).Replace(configDoc)
	doc = strings.Replace(doc, `"type": "fee", "amount_usd": "50", `, `"type": "fee", `, 1) // neither amount nor percent
	errs = decodeErrs(t, doc)
	type at struct {
		line  int
		field string
	}
	var got []at
	for _, e := range errs {
		var ve *resellerkit.ValidationError
		require.ErrorAs(t, e, &ve)
		got = append(got, at{e.Line, ve.Field})
	}
	assert.Equal(t, []at{
		{1, "issuer.registration_number"},
		{8, "projects[0].pricing_rules[0].percent"}, // a discount of 300 %
		{9, "projects[0].custom_items[0]"},          // missing: the item itself
		{10, "projects[1].accounts[0]"},             // already in project a (M-3)
	}, got)
}

// TestDecodeConfig_DocumentProblems: not JSON, truncated, trailing data, empty, over
// the size limit, or a document with a byte order mark.
func TestDecodeConfig_DocumentProblems(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		at        int // offset of the byte the error points at
		syntax    bool
	}{
		{"syntax", "{\n\"issuer\": {,\n}", 13, true},
		{"truncated", configDoc[:len(configDoc)/2], len(configDoc)/2 - 1, true},
		{"trailing data", configDoc + "{}", len(configDoc), true},
		{"empty", "", 0, true},
		{"a list, not an object", "[1]", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := decodeErrs(t, tc.doc)
			require.Len(t, errs, 1)
			assert.Equal(t, position(tc.doc, tc.at), [2]int{errs[0].Line, errs[0].Column}, "%v", errs[0])
			var syn *json.SyntaxError
			assert.Equal(t, tc.syntax, errors.As(errs[0], &syn), "%v", errs[0])
		})
	}

	t.Run("over the size limit", func(t *testing.T) {
		doc := `{"issuer": {"name": "` + strings.Repeat("x", MaxConfigSize) + `"}}`
		_, err := DecodeConfig(strings.NewReader(doc))
		require.ErrorIs(t, err, ErrInvalid)
		assert.Contains(t, err.Error(), "larger than 10 MiB")
	})
	t.Run("byte order mark", func(t *testing.T) {
		cfg, err := DecodeConfig(strings.NewReader("\xef\xbb\xbf" + configDoc))
		require.NoError(t, err)
		assert.Equal(t, "T1234567890123", cfg.Issuer.RegistrationNumber)
		doc := strings.Replace(configDoc, `"rounding": "floor"`, `"rounding": "up"`, 1)
		errs := decodeErrs(t, "\xef\xbb\xbf"+doc)
		assert.Equal(t, position(doc, strings.Index(doc, `"up"`)), [2]int{errs[0].Line, errs[0].Column}, "columns count from after the mark")
	})
}

// TestDecodeConfig_Values: a valid document decodes into the typed settings, with the
// zero values meaning the defaults.
func TestDecodeConfig_Values(t *testing.T) {
	cfg, err := DecodeConfig(strings.NewReader(configDoc))
	require.NoError(t, err)
	require.Len(t, cfg.Projects, 2)
	a, b := cfg.Projects[0], cfg.Projects[1]
	assert.Equal(t, money.JPY, a.Currency)
	assert.Equal(t, ConversionLine, a.Conversion)
	assert.Equal(t, CostBasisUnblended, a.CostBasis)
	assert.Equal(t, money.HalfUp, a.ConversionRounding, "the zero RoundingMode")
	assert.Equal(t, money.Floor, *cfg.Tax.Rounding)
	assert.Equal(t, []PricingRule{{Scope: ScopeService, Service: "AmazonEC2", Type: RuleDiscount, Percent: MustParsePercent("3")}}, a.PricingRules)
	assert.Equal(t, resellerkit.NewMonth(2026, 1), a.CustomItems[0].Start)
	assert.True(t, a.CustomItems[0].End.IsZero())
	assert.Equal(t, CustomFee, a.CustomItems[0].Type)
	assert.Equal(t, money.USD, b.Currency)
	assert.Equal(t, Conversion(""), b.Conversion, "empty: the default, resolved by Compute")
	assert.Equal(t, &SupportFee{Plan: PlanBusiness}, b.SupportFee)
}
