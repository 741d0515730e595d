package billing

import (
	"encoding"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// validator is what every typed setting offers: a check for values built in Go.
type validator interface{ Valid() bool }

// TestSettings_DecodeAndValid: each typed setting accepts exactly its values when
// decoded, reports the same ones Valid, and refuses the others with a
// *resellerkit.ValidationError naming the value and what is wanted; the settings
// whose zero value means the default accept "".
func TestSettings_DecodeAndValid(t *testing.T) {
	type setting = encoding.TextUnmarshaler
	for _, tc := range []struct {
		name   string
		new    func() setting
		good   []string
		bad    []string
		reason string
	}{
		{"B5 scope", func() setting { return new(Scope) }, []string{"global", "billing_entity", "service", "sku"}, []string{"", "Global", "region"}, "want global, billing_entity, service or sku"},
		{"B5 rule type", func() setting { return new(RuleType) }, []string{"discount", "markup"}, []string{"", "rebate"}, "want discount or markup"},
		{"B3 cost basis", func() setting { return new(CostBasis) }, []string{"", "unblended", "public_on_demand"}, []string{"blended", "Unblended"}, "want unblended or public_on_demand"},
		{"B10 conversion", func() setting { return new(Conversion) }, []string{"", "line", "total"}, []string{"invoice"}, "want line or total"},
		{"B7 support plan", func() setting { return new(SupportPlan) }, []string{"", "developer", "business", "enterprise_on_ramp", "enterprise"}, []string{"gold", "basic"}, "want developer, business, enterprise_on_ramp or enterprise"},
		{"B6 custom item type", func() setting { return new(CustomItemType) }, []string{"fee", "credit"}, []string{"", "gift"}, "want fee or credit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, s := range tc.good {
				v := tc.new()
				require.NoError(t, v.UnmarshalText([]byte(s)), s)
				assert.True(t, v.(validator).Valid(), s)
			}
			for _, s := range tc.bad {
				v := tc.new()
				err := v.UnmarshalText([]byte(s))
				require.ErrorIs(t, err, ErrInvalid, s)
				var ve *resellerkit.ValidationError
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, s, ve.Value)
				assert.Equal(t, tc.reason, ve.Reason)
			}
		})
	}
	assert.False(t, Scope("region").Valid())
	assert.False(t, SupportPlan("gold").Valid())
	assert.False(t, CustomItemType("").Valid())
}

// TestB5_Percent: a percent is given or not, not negative, and has at most 2
// decimals as written, whether it is decoded (JSON string or number) or built in Go.
func TestB5_Percent(t *testing.T) {
	for _, tc := range []struct {
		in     string // JSON
		want   string // String() of the decoded percent; "" when refused
		reason string
	}{
		{`"12.5"`, "12.5", ""},
		{`"12.50"`, "12.50", ""},
		{`12.25`, "12.25", ""},
		{`"0"`, "0", ""},
		{`"12.500"`, "", "at most 2 decimals as written"},
		{`"1e-3"`, "", "at most 2 decimals as written"},
		{`"-1"`, "", "must not be negative"},
		{`"5%"`, "", "not a decimal number"},
		{`""`, "", "not a decimal number"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			var p Percent
			err := json.Unmarshal([]byte(tc.in), &p)
			if tc.reason != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.reason)
				assert.False(t, p.IsSet(), "a refused percent leaves p as it was")
				return
			}
			require.NoError(t, err)
			assert.True(t, p.IsSet())
			assert.True(t, p.Valid())
			assert.Equal(t, tc.want, p.String())
			b, err := json.Marshal(p)
			require.NoError(t, err)
			assert.JSONEq(t, `"`+tc.want+`"`, string(b), "as written")
		})
	}

	var p Percent
	require.NoError(t, json.Unmarshal([]byte(`null`), &p))
	assert.False(t, p.IsSet(), "null: not given")
	assert.False(t, p.Valid())
	assert.Equal(t, "", p.String())

	assert.False(t, PercentOf(money.MustParse("-0.5")).Valid())
	assert.False(t, PercentOf(money.MustParse("0.125")).Valid())
	assert.True(t, PercentOf(money.MustParse("100.00")).Valid())
	assert.Equal(t, "7.5", MustParsePercent("7.5").Decimal().String())
	assert.Panics(t, func() { MustParsePercent("7.555") })
}

// TestB2_LineItemTypes: the B-2 types and FOCUS categories are read through
// functions; the list returned is the caller's to change.
func TestB2_LineItemTypes(t *testing.T) {
	kind, known := LineItemTypeKind(FormatCUR2, "EdpDiscount")
	assert.Equal(t, KindResellerDiscount, kind)
	assert.True(t, known)
	kind, known = LineItemTypeKind(FormatFOCUS, "EdpDiscount")
	assert.Equal(t, KindCharge, kind)
	assert.False(t, known)
	kind, known = LineItemTypeKind(FormatFOCUS, "Purchase")
	assert.Equal(t, KindCharge, kind)
	assert.True(t, known)

	types := LineItemTypes(FormatCURLegacy)
	assert.Len(t, types, 17, "the 17 types of B-2")
	assert.Equal(t, []string{"Adjustment", "Credit", "Purchase", "Tax", "Usage"}, LineItemTypes(FormatFOCUS))
	types[0] = "Changed"
	assert.NotEqual(t, "Changed", LineItemTypes(FormatCURLegacy)[0])
}
