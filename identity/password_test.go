package identity

import (
	"errors"
	"strings"
	"testing"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestI2_PasswordRules(t *testing.T) {
	tests := []struct {
		name string
		pw   string
		want []string // nil: accepted
	}{
		{"accepted", "Abcdefgh1!", nil},
		{"length 9 refused", "Abcdefg1!", []string{problemTooShort}},
		{"length 10 accepted", "Abcdefg12!", nil},
		{"length 70 accepted", "Aa1!" + strings.Repeat("x", 66), nil},
		{"length 71 refused", "Aa1!" + strings.Repeat("x", 67), []string{problemTooLong}},
		{"empty", "", []string{problemTooShort, problemLower, problemUpper, problemDigit, problemSymbol}},
		{"no lowercase", "ABCDEFGH1!", []string{problemLower}},
		{"no uppercase", "abcdefgh1!", []string{problemUpper}},
		{"no digit", "Abcdefghi!", []string{problemDigit}},
		{"no symbol", "Abcdefghi1", []string{problemSymbol}},
		{"non-ASCII letter é", "Abcdéfgh1!", []string{problemDisallowed}},
		{"full-width letter", "Ａbcdefgh1!", []string{problemUpper, problemDisallowed}},
		{"tilde", "Abcdefgh1!~", []string{problemDisallowed}},
		{"double quote", `Abcdefgh1!"`, []string{problemDisallowed}},
		{"space", "Abcd efgh1!", []string{problemDisallowed}},
		{"less than", "Abcdefgh1!<", []string{problemDisallowed}},
		{"backquote", "Abcdefgh1!`", []string{problemDisallowed}},
		{"backslash", `Abcdefgh1!\`, []string{problemDisallowed}},
		{"invalid UTF-8", "Abcdefgh1!\xff", []string{problemDisallowed}},
		// 9 runes, but 10+ bytes: length counts characters.
		{"length in runes", "Ab1!ééééé", []string{problemTooShort, problemDisallowed}},
		{"all problems", "éé", []string{problemTooShort, problemLower, problemUpper, problemDigit, problemSymbol, problemDisallowed}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, PasswordProblems(tt.pw))
			err := CheckPassword(tt.pw)
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrInvalid)
			var ve *resellerkit.ValidationError
			require.True(t, errors.As(err, &ve))
			assert.Equal(t, "password", ve.Field)
			assert.Equal(t, "I-2", ve.Rule)
			assert.Empty(t, ve.Value, "a password is never echoed")
			assert.Equal(t, strings.Join(tt.want, "; "), ve.Reason)
			if len(tt.pw) >= 2 {
				assert.NotContains(t, err.Error(), tt.pw)
			}
		})
	}
}

func TestI2_PasswordEverySymbolAccepted(t *testing.T) {
	for _, s := range PasswordSymbols {
		t.Run(string(s), func(t *testing.T) {
			pw := "Abcdefgh1" + string(s)
			require.NoError(t, CheckPassword(pw))
		})
	}
	assert.Len(t, PasswordSymbols, 20)
}

func TestI2_PasswordOtherASCIISymbolsRefused(t *testing.T) {
	for c := byte(0); c < 0x80; c++ {
		if isLetterOrDigit(c) || strings.IndexByte(PasswordSymbols, c) >= 0 {
			continue
		}
		pw := "Abcdefgh1!" + string(rune(c))
		assert.Equal(t, []string{problemDisallowed}, PasswordProblems(pw), "byte %#x", c)
	}
}

func TestI2_PasswordDisallowedReasonDoesNotQuote(t *testing.T) {
	err := CheckPassword("Abcdefgh1!~")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "~")
}

func isLetterOrDigit(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func FuzzCheckPassword(f *testing.F) {
	for _, s := range []string{"", "Abcdefgh1!", "Abcdéfgh1!", "aaaaaaaaaa", "Aa1!" + strings.Repeat("x", 67), "\xff\xfe", "Ａbcdefgh1!"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pw string) {
		err := CheckPassword(pw)
		problems := PasswordProblems(pw)
		if err != nil {
			require.ErrorIs(t, err, ErrInvalid)
			require.NotEmpty(t, problems)
			return
		}
		require.Nil(t, problems)
		// Independently: every byte allowed, so runes are bytes.
		require.GreaterOrEqual(t, len(pw), MinPasswordLen)
		require.LessOrEqual(t, len(pw), MaxPasswordLen)
		var lower, upper, digit, symbol bool
		for i := 0; i < len(pw); i++ {
			c := pw[i]
			lower = lower || 'a' <= c && c <= 'z'
			upper = upper || 'A' <= c && c <= 'Z'
			digit = digit || '0' <= c && c <= '9'
			symbol = symbol || strings.IndexByte(PasswordSymbols, c) >= 0
			require.True(t, isLetterOrDigit(c) || strings.IndexByte(PasswordSymbols, c) >= 0, "byte %#x", c)
		}
		require.True(t, lower && upper && digit && symbol)
	})
}
