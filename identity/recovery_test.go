package identity

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var recoveryDisplay = regexp.MustCompile(`^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$`)

func TestI3_RecoveryCodes(t *testing.T) {
	codes, err := NewRecoveryCodes()
	require.NoError(t, err)
	require.Len(t, codes, RecoveryCodeCount)
	assert.Equal(t, 10, RecoveryCodeCount)
	seen := map[string]bool{}
	for _, c := range codes {
		assert.Regexp(t, recoveryDisplay, c)
		n, ok := NormalizeRecoveryCode(c)
		require.True(t, ok, c)
		assert.Equal(t, strings.ReplaceAll(c, "-", ""), n)
		assert.False(t, seen[n], "distinct")
		seen[n] = true
	}
	again, err := NewRecoveryCodes()
	require.NoError(t, err)
	assert.NotEqual(t, codes, again)
}

func TestI3_NormalizeRecoveryCode(t *testing.T) {
	const canon = "abcd2345efgh67ij"
	tests := []struct {
		name, in string
		ok       bool
	}{
		{"canonical", canon, true},
		{"display form", "abcd-2345-efgh-67ij", true},
		{"upper case", "ABCD-2345-EFGH-67IJ", true},
		{"mixed case and spaces", " Abcd 2345  efGH-67ij ", true},
		{"groups of other sizes", "abcd2-345efgh67-ij", true},
		{"15 characters", canon[:15], false},
		{"17 characters", canon + "a", false},
		{"digit 0", "abcd2345efgh67i0", false},
		{"digit 1", "abcd2345efgh67i1", false},
		{"digit 8", "abcd2345efgh67i8", false},
		{"underscore", "abcd_2345efgh67ij", false},
		{"tab", "abcd\t2345efgh67ij", false},
		{"non-ASCII Kelvin sign", "abcd2345efgh67i\u212a", false},
		{"full-width letter", "abcd2345efgh67iｊ", false},
		{"empty", "", false},
		{"only dashes", "----", false},
		{"very long", strings.Repeat("-", 100) + canon, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := NormalizeRecoveryCode(tt.in)
			assert.Equal(t, tt.ok, ok)
			if tt.ok {
				assert.Equal(t, canon, got)
			} else {
				assert.Empty(t, got)
			}
		})
	}
}

func FuzzNormalizeRecoveryCode(f *testing.F) {
	for _, s := range []string{"abcd-2345-efgh-67ij", "ABCD 2345 EFGH 67IJ", "", "abcd2345efgh67i\u212a", "0000-0000-0000-0000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := NormalizeRecoveryCode(s)
		if !ok {
			require.Empty(t, n)
			return
		}
		require.Len(t, n, 16)
		require.Regexp(t, `^[a-z2-7]{16}$`, n)
		again, ok := NormalizeRecoveryCode(n)
		require.True(t, ok)
		require.Equal(t, n, again, "canonical form is a fixed point")
		display := n[0:4] + "-" + n[4:8] + "-" + n[8:12] + "-" + n[12:16]
		again, ok = NormalizeRecoveryCode(strings.ToUpper(display))
		require.True(t, ok)
		require.Equal(t, n, again)
	})
}
