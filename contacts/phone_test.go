package contacts_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/contacts"
)

func TestC3_NormalizePhone_Accepted(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// Japanese national forms.
		{"03-1234-5678", "+81312345678"},
		{"0312345678", "+81312345678"},
		{"(03) 1234-5678", "+81312345678"},
		{"03(1234)5678", "+81312345678"},
		{"03.1234.5678", "+81312345678"},
		{" 03 1234 5678 ", "+81312345678"},
		{"06-6123-4567", "+81661234567"},
		{"0120-123-456", "+81120123456"},
		{"0570-123-456", "+81570123456"},
		{"090-1234-5678", "+819012345678"},
		{"080-1234-5678", "+818012345678"},
		{"070-1234-5678", "+817012345678"},
		{"050-1234-5678", "+815012345678"},
		{"0800-123-4567", "+818001234567"},
		{"020-1234-5678", "+812012345678"},
		// Full-width forms and the dashes people type.
		{"０３－１２３４－５６７８", "+81312345678"},
		{"０９０ー１２３４ー５６７８", "+819012345678"},
		{"（０３）１２３４－５６７８", "+81312345678"},
		{"０３\u3000１２３４\u3000５６７８", "+81312345678"},
		{"03\u22121234\u22125678", "+81312345678"},
		{"03\u20101234\u20155678", "+81312345678"},
		{"03\u20131234\u20145678", "+81312345678"},
		{"03ｰ1234ｰ5678", "+81312345678"},
		{"＋８１　３－１２３４－５６７８", "+81312345678"},
		// International forms.
		{"+81 3-1234-5678", "+81312345678"},
		{"+81 (0)3 1234 5678", "+81312345678"},
		{"+81(0)90-1234-5678", "+819012345678"},
		{"+81 90 1234 5678", "+819012345678"},
		{"+81312345678", "+81312345678"},
		{"+1 415 555 2671", "+14155552671"},
		{"+1 (415) 555-2671", "+14155552671"},
		{"+1.415.555.2671", "+14155552671"},
		{"+44 20 7946 0958", "+442079460958"},
		{"+44 (0)20 7946 0958", "+442079460958"},
		{"+65 6123 4567", "+6561234567"},
		{"+12345678", "+12345678"},               // 8 digits: the shortest accepted
		{"+123456789012345", "+123456789012345"}, // 15 digits: E.164's longest
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := contacts.NormalizePhone("phones[0]", tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			again, err := contacts.NormalizePhone("phones[0]", got)
			require.NoError(t, err, "an E.164 result stays valid")
			assert.Equal(t, got, again)
		})
	}
}

func TestC3_NormalizePhone_Refused(t *testing.T) {
	for _, tc := range []struct{ name, in, reason string }{
		{"empty", "", "is empty"},
		{"blank", " \u3000 ", "is empty"},
		{"only separators", "--", "is empty"},
		{"parentheses only", "()", "parentheses must enclose digits"},
		{"plus only", "+", "holds no digits"},
		{"too long", strings.Repeat("0", 65), "at most 64 characters"},
		{"too long in bytes", strings.Repeat("０", 65), "at most 64 characters"},
		{"invalid UTF-8", "03-1234-567\xff", "valid UTF-8"},
		{"letters", "03-ABCD-5678", "must not contain letters"},
		{"full-width letters", "０３－ＡＢＣＤ", "must not contain letters"},
		{"ext", "03-1234-5678 ext 12", "without an extension"},
		{"x", "03-1234-5678x12", "without an extension"},
		{"hash", "03-1234-5678#12", "without an extension"},
		{"comma pause", "03-1234-5678,12", "without an extension"},
		{"内線", "03-1234-5678 内線12", "without an extension"},
		{"control character", "03-1234-5678\x00", "control"},
		{"slash", "03/1234/5678", "must hold only digits"},
		{"two plus", "++81 3 1234 5678", "more than one '+'"},
		{"plus not first", "81+3 1234 5678", "'+' may only come first"},
		{"plus in parentheses", "(+81) 3 1234 5678", "'+' may only come first"},
		{"unbalanced open", "(03 1234-5678", "'(' without its ')'"},
		{"unbalanced close", "03) 1234-5678", "')' without its '('"},
		{"nested", "((03)) 1234-5678", "must not nest"},
		{"trunk zero not after country code", "+81 3 (0)1234 5678", "may only follow the country code"},
		{"no leading zero", "312345678", "a number without '+' is a Japanese number starting with 0"},
		{"US number without plus", "4155552671", "a number without '+'"},
		{"landline with 9 digits", "03-1234-567", "a Japanese number has 10 or 11 digits starting with 0: a landline, 0120 or 0570 number has 10, this one has 9"},
		{"landline with 11 digits", "03-1234-56789", "this one has 11"},
		{"mobile with 10 digits", "090-1234-567", "one starting 090 has 11, this one has 10"},
		{"mobile with 12 digits", "090-1234-56789", "one starting 090 has 11, this one has 12"},
		{"0800 with 10 digits", "0800-123-456", "one starting 0800 has 11, this one has 10"},
		{"0120 with 11 digits", "0120-123-4567", "0120 or 0570 number has 10, this one has 11"},
		{"double zero", "00-1234-5678", "starts with a single 0"},
		{"international prefix", "010-1-415-555-2671", "010"},
		{"country code 0", "+0 123 456 789", "country code never starts with 0"},
		{"+81 with trunk zero", "+81 03-1234-5678", "without its leading 0"},
		{"+81 with (0) and trunk zero", "+81 (0)03-1234-5678", "without its leading 0"},
		{"+81 too short", "+81 3-1234-567", "after +81 a Japanese number has 9 or 10 digits: a landline, 120 or 570 number has 9, this one has 8"},
		{"+81 mobile too short", "+81 90-1234-567", "one starting 90 has 10, this one has 9"},
		{"+81 mobile too long", "+81 90-1234-56789", "one starting 90 has 10, this one has 11"},
		{"+81 alone", "+81", "after +81 comes the Japanese number"},
		{"+81 010", "+81 10 1234 5678", "010"},
		{"international too short", "+1 555 012", "8 to 15 digits after '+', country code included; this one has 7"},
		{"international too long", "+1 2345 6789 0123 456", "this one has 16"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := contacts.NormalizePhone("phones[1]", tc.in)
			requireInvalid(t, err, "phones[1]", tc.in, "C-3", tc.reason)
			assert.Empty(t, got)
		})
	}
}

func TestC3_NormalizePhone_ErrorMessage(t *testing.T) {
	_, err := contacts.NormalizePhone("phones[0]", "03-1234-567")
	assert.EqualError(t, err, `contacts: invalid input: phones[0] "03-1234-567" (C-3): a Japanese number has 10 or 11 digits starting with 0: a landline, 0120 or 0570 number has 10, this one has 9`)
}

func TestC3_NormalizePhones(t *testing.T) {
	for _, tc := range []struct {
		name                 string
		in, want             []string
		field, value, reason string
	}{
		{name: "one", in: []string{"03-1234-5678"}, want: []string{"+81312345678"}},
		{
			name: "three in priority order",
			in:   []string{"090-1234-5678", "+1 415 555 2671", "０３－１２３４－５６７８"},
			want: []string{"+819012345678", "+14155552671", "+81312345678"},
		},
		{name: "none", in: nil, field: "phones", reason: "at least one emergency phone is required"},
		{name: "empty list", in: []string{}, field: "phones", reason: "at least one emergency phone is required"},
		{
			name: "four", in: []string{"03-1234-5678", "03-1234-5679", "03-1234-5670", "03-1234-5671"},
			field: "phones", value: "03-1234-5678, 03-1234-5679, 03-1234-5670, 03-1234-5671", reason: "at most 3 emergency phones, got 4",
		},
		{name: "bad second", in: []string{"03-1234-5678", "12345"}, field: "phones[1]", value: "12345", reason: "starting with 0"},
		{name: "empty entry", in: []string{"03-1234-5678", ""}, field: "phones[1]", reason: "is empty"},
		{
			name: "same number written two ways", in: []string{"090-1234-5678", "03-1234-5678", "+81 (0)90 1234 5678"},
			field: "phones[2]", value: "+81 (0)90 1234 5678", reason: "is the same number as phones[0] (+819012345678)",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := contacts.NormalizePhones("phones", tc.in)
			if tc.reason != "" {
				requireInvalid(t, err, tc.field, tc.value, "C-3", tc.reason)
				assert.Nil(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			again, err := contacts.NormalizePhones("phones", got)
			require.NoError(t, err)
			assert.Equal(t, got, again, "normalizing is idempotent")
		})
	}
}
