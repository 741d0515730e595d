package identity

import (
	"encoding/base32"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var rfc6238Secret = []byte("12345678901234567890")

func TestI3_TOTP_RFC6238Vectors(t *testing.T) {
	// RFC 6238 Appendix B, SHA-1 rows.
	tests := []struct {
		unix int64
		want string
	}{
		{59, "94287082"},
		{1111111109, "07081804"},
		{1111111111, "14050471"},
		{1234567890, "89005924"},
		{2000000000, "69279037"},
		{20000000000, "65353130"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			step := TOTPStep(time.Unix(tt.unix, 0))
			assert.Equal(t, tt.unix/30, step)
			assert.Equal(t, tt.want, hotp(rfc6238Secret, uint64(step), 8))
			assert.Equal(t, tt.want[2:], TOTPCode(rfc6238Secret, step))
		})
	}
}

func TestI3_TOTPStep(t *testing.T) {
	assert.Equal(t, int64(0), TOTPStep(time.Unix(0, 0)))
	assert.Equal(t, int64(0), TOTPStep(time.Unix(29, 999999999)))
	assert.Equal(t, int64(1), TOTPStep(time.Unix(30, 0)))
	assert.Equal(t, int64(-1), TOTPStep(time.Unix(-1, 0)), "floor, not truncation")
	assert.Equal(t, int64(-1), TOTPStep(time.Unix(-30, 0)))
	assert.Equal(t, int64(-2), TOTPStep(time.Unix(-31, 0)))
}

func TestI3_TOTPSecret(t *testing.T) {
	a, err := NewTOTPSecret()
	require.NoError(t, err)
	b, err := NewTOTPSecret()
	require.NoError(t, err)
	assert.Len(t, a, 20)
	assert.NotEqual(t, a, b)
}

func TestI3_MatchTOTP(t *testing.T) {
	now := time.Unix(1700000000, 0)
	cur := TOTPStep(now)
	code := func(step int64) string { return TOTPCode(rfc6238Secret, step) }
	tests := []struct {
		name     string
		code     string
		after    int64
		wantStep int64
		wantOK   bool
	}{
		{"current step", code(cur), 0, cur, true},
		{"previous step", code(cur - 1), 0, cur - 1, true},
		{"next step", code(cur + 1), 0, cur + 1, true},
		{"two steps back refused", code(cur - 2), 0, 0, false},
		{"two steps ahead refused", code(cur + 2), 0, 0, false},
		{"negative after means none yet", code(cur), -1, cur, true},
		{"replay of the accepted step refused", code(cur), cur, 0, false},
		{"earlier step refused after current accepted", code(cur - 1), cur, 0, false},
		{"next step accepted after current", code(cur + 1), cur, cur + 1, true},
		{"current accepted after previous", code(cur), cur - 1, cur, true},
		{"previous refused after next accepted", code(cur - 1), cur + 1, 0, false},
		{"spaces inside and around", " " + code(cur)[:3] + " " + code(cur)[3:] + " ", 0, cur, true},
		{"tab and newline", "\t" + code(cur) + "\r\n", 0, cur, true},
		{"five digits", code(cur)[:5], 0, 0, false},
		{"seven digits", code(cur) + "0", 0, 0, false},
		{"letter", "12a456", 0, 0, false},
		{"empty", "", 0, 0, false},
		{"dash", code(cur)[:3] + "-" + code(cur)[3:], 0, 0, false},
		{"signed", "+" + code(cur)[1:], 0, 0, false},
		{"full-width digits", toFullWidth(code(cur)), 0, 0, false},
		{"non-breaking space", code(cur)[:3] + "\u00a0" + code(cur)[3:], 0, 0, false},
		{"very long", strings.Repeat(" ", 100) + code(cur), 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			step, ok := MatchTOTP(rfc6238Secret, tt.code, now, tt.after)
			assert.Equal(t, tt.wantOK, ok)
			assert.Equal(t, tt.wantStep, step)
		})
	}
}

func TestI3_MatchTOTPGreatestStep(t *testing.T) {
	// With the RFC 6238 secret, steps 57017782 and 57017784 share the code 882938
	// (found by search). The later step is returned, so the caller's "after"
	// covers both and the code cannot be replayed at the earlier one.
	const cur = 57017783
	now := time.Unix(cur*30, 0)
	require.Equal(t, "882938", TOTPCode(rfc6238Secret, cur-1))
	require.Equal(t, "882938", TOTPCode(rfc6238Secret, cur+1))
	require.NotEqual(t, "882938", TOTPCode(rfc6238Secret, cur))

	step, ok := MatchTOTP(rfc6238Secret, "882938", now, 0)
	require.True(t, ok)
	assert.Equal(t, int64(cur+1), step)

	_, ok = MatchTOTP(rfc6238Secret, "882938", now, step)
	assert.False(t, ok, "refused at every step once the greatest was accepted")
}

func toFullWidth(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(r - '0' + '０')
	}
	return b.String()
}

func TestI3_TOTPURI(t *testing.T) {
	secret := rfc6238Secret
	tests := []struct{ issuer, account string }{
		{"ACME", "alice@example.com"},
		{"ACME Co & Sons", "bob+tag@example.com"},
		{"Odd:Issuer/?#", "a b:c/d?e#f%g"},
		{"日本の販売店", "ユーザー@example.jp"},
	}
	for _, tt := range tests {
		t.Run(tt.issuer, func(t *testing.T) {
			raw := TOTPURI(tt.issuer, tt.account, secret)
			assert.NotContains(t, raw, "+", "spaces are %20")
			u, err := url.Parse(raw)
			require.NoError(t, err)
			assert.Equal(t, "otpauth", u.Scheme)
			assert.Equal(t, "totp", u.Host)
			label := strings.TrimPrefix(u.EscapedPath(), "/")
			parts := strings.Split(label, ":")
			require.Len(t, parts, 2, "one unescaped colon separates issuer and account")
			issuer, err := url.PathUnescape(parts[0])
			require.NoError(t, err)
			account, err := url.PathUnescape(parts[1])
			require.NoError(t, err)
			assert.Equal(t, tt.issuer, issuer)
			assert.Equal(t, tt.account, account)

			q := u.Query()
			assert.Equal(t, tt.issuer, q.Get("issuer"))
			assert.Equal(t, "SHA1", q.Get("algorithm"))
			assert.Equal(t, "6", q.Get("digits"))
			assert.Equal(t, "30", q.Get("period"))
			s := q.Get("secret")
			assert.NotContains(t, s, "=")
			got, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(s)
			require.NoError(t, err)
			assert.Equal(t, secret, got)
		})
	}
	assert.Equal(t,
		"otpauth://totp/ACME:alice@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME&algorithm=SHA1&digits=6&period=30",
		TOTPURI("ACME", "alice@example.com", secret))
}

func FuzzMatchTOTP(f *testing.F) {
	now := time.Unix(1700000000, 0)
	f.Add(rfc6238Secret, TOTPCode(rfc6238Secret, TOTPStep(now)), int64(1700000000), int64(0))
	f.Add([]byte{}, "000000", int64(0), int64(-1))
	f.Add([]byte("k"), " 12 34 56 ", int64(-100), int64(1<<62))
	f.Fuzz(func(t *testing.T, secret []byte, code string, unix, after int64) {
		tm := time.Unix(unix, 0)
		step, ok := MatchTOTP(secret, code, tm, after)
		if !ok {
			require.Zero(t, step)
			return
		}
		cur := TOTPStep(tm)
		require.GreaterOrEqual(t, step, cur-TOTPSkew)
		require.LessOrEqual(t, step, cur+TOTPSkew)
		if after > 0 {
			require.Greater(t, step, after)
		}
		c, valid := normalizeTOTPCode(code)
		require.True(t, valid)
		require.Equal(t, TOTPCode(secret, step), string(c))
		// Replay: with the accepted step as after, the same code is refused.
		if step > 0 {
			_, again := MatchTOTP(secret, code, tm, step)
			require.False(t, again)
		}
	})
}
