package identity

import (
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"strings"
)

// RecoveryCodeCount is how many recovery codes NewRecoveryCodes issues at once (I-3).
const RecoveryCodeCount = 10

// recoveryCodeLen is the canonical length of a recovery code: 16 base32 characters,
// 80 random bits.
const recoveryCodeLen = 16

var recoveryEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewRecoveryCodes returns RecoveryCodeCount distinct one-time recovery codes in
// display form: 16 lower-case base32 characters (a-z, 2-7; 80 bits from
// crypto/rand) in groups of 4 joined by '-', e.g. "abcd-efgh-ijkl-mnop". Show them
// once; store only a hash of each code's NormalizeRecoveryCode form.
func NewRecoveryCodes() ([]string, error) {
	codes := make([]string, 0, RecoveryCodeCount)
	seen := make(map[string]bool, RecoveryCodeCount)
	var raw [recoveryCodeLen * 5 / 8]byte
	for len(codes) < RecoveryCodeCount {
		if _, err := rand.Read(raw[:]); err != nil {
			return nil, fmt.Errorf("identity: recovery code: %w", err)
		}
		c := recoveryEncoding.EncodeToString(raw[:])
		if seen[c] {
			continue
		}
		seen[c] = true
		codes = append(codes, c[0:4]+"-"+c[4:8]+"-"+c[8:12]+"-"+c[12:16])
	}
	return codes, nil
}

// NormalizeRecoveryCode returns the canonical form of a recovery code as typed: ASCII
// letters lower-cased, '-' and ASCII spaces dropped. It reports false unless exactly
// 16 characters of a-z and 2-7 remain. The canonical form is what the caller hashes,
// stores and compares.
func NormalizeRecoveryCode(s string) (string, bool) {
	if len(s) > 64 {
		return "", false
	}
	var b strings.Builder
	b.Grow(recoveryCodeLen)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '-' || c == ' ':
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		case 'a' <= c && c <= 'z' || '2' <= c && c <= '7':
		default:
			return "", false
		}
		if b.Len() == recoveryCodeLen {
			return "", false
		}
		b.WriteByte(c)
	}
	if b.Len() != recoveryCodeLen {
		return "", false
	}
	return b.String(), true
}
