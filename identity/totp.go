package identity

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// TOTPDigits is how many digits a TOTP code has (I-3).
const TOTPDigits = 6

// TOTPPeriod is how long one TOTP code lasts: one time step (I-3).
const TOTPPeriod = 30 * time.Second

// TOTPSkew is how many steps before and after the current one MatchTOTP also
// accepts, for clocks that drift and codes typed near the end of their step.
const TOTPSkew = 1

// totpSecretLen is the secret length in bytes: 160 bits, the HMAC-SHA-1 output size
// RFC 4226 §4 recommends.
const totpSecretLen = 20

// NewTOTPSecret returns a fresh random 20-byte TOTP secret.
func NewTOTPSecret() ([]byte, error) {
	s := make([]byte, totpSecretLen)
	if _, err := rand.Read(s); err != nil {
		return nil, fmt.Errorf("identity: TOTP secret: %w", err)
	}
	return s, nil
}

// TOTPStep returns the RFC 6238 time step of t: floor(Unix time / 30 s).
func TOTPStep(t time.Time) int64 {
	const p = int64(TOTPPeriod / time.Second)
	u := t.Unix()
	s := u / p
	if u%p < 0 {
		s--
	}
	return s
}

// TOTPCode returns the TOTP code of secret at step (RFC 6238 with HMAC-SHA-1): 6
// digits, zero-padded.
func TOTPCode(secret []byte, step int64) string {
	return hotp(secret, uint64(step), TOTPDigits)
}

// hotp returns the RFC 4226 HOTP value of secret at counter, digits long (at most
// 9), zero-padded.
func hotp(secret []byte, counter uint64, digits int) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	m := hmac.New(sha1.New, secret)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	s := strconv.FormatUint(uint64(bin%mod), 10)
	return strings.Repeat("0", digits-len(s)) + s
}

// MatchTOTP reports whether code is secret's TOTP code at a step from
// TOTPStep(t)-TOTPSkew to TOTPStep(t)+TOTPSkew that is greater than after, and
// returns the greatest such step that matches. ASCII white space around and inside
// code is ignored ("123 456"); what remains must be exactly 6 ASCII digits. Every
// candidate is compared in constant time, with no early exit.
//
// after is the step of the last code accepted for this secret (0 or negative when
// none was). The caller stores the returned step and passes it as after next time,
// so an accepted code, and the code of every earlier step, is refused from then on
// (RFC 6238 §5.2: a code is accepted once).
func MatchTOTP(secret []byte, code string, t time.Time, after int64) (step int64, ok bool) {
	c, valid := normalizeTOTPCode(code)
	if !valid {
		return 0, false
	}
	now := TOTPStep(t)
	for s := now - TOTPSkew; s <= now+TOTPSkew; s++ {
		if s < 0 || after > 0 && s <= after {
			continue
		}
		if subtle.ConstantTimeCompare([]byte(TOTPCode(secret, s)), c) == 1 {
			step, ok = s, true
		}
	}
	return step, ok
}

// normalizeTOTPCode drops ASCII white space and requires TOTPDigits ASCII digits.
func normalizeTOTPCode(code string) ([]byte, bool) {
	if len(code) > 64 {
		return nil, false
	}
	c := make([]byte, 0, TOTPDigits)
	for i := 0; i < len(code); i++ {
		switch b := code[i]; {
		case b == ' ' || b == '\t' || b == '\r' || b == '\n':
		case '0' <= b && b <= '9' && len(c) < TOTPDigits:
			c = append(c, b)
		default:
			return nil, false
		}
	}
	return c, len(c) == TOTPDigits
}

// TOTPURI returns the otpauth:// URI authenticator apps import (usually from a QR
// code), in the Key Uri Format of Google Authenticator:
//
//	otpauth://totp/<issuer>:<account>?secret=<base32>&issuer=<issuer>&algorithm=SHA1&digits=6&period=30
//
// The secret is upper-case base32 without padding. Issuer and account are
// percent-encoded (a space as %20, a "+" as %2B, a colon inside either as %3A so
// the label keeps one separator).
func TOTPURI(issuer, account string, secret []byte) string {
	label := escapeLabel(issuer) + ":" + escapeLabel(account)
	q := "secret=" + base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(secret) +
		"&issuer=" + escapeQuery(issuer) +
		"&algorithm=SHA1&digits=" + strconv.Itoa(TOTPDigits) +
		"&period=" + strconv.Itoa(int(TOTPPeriod/time.Second))
	return "otpauth://totp/" + label + "?" + q
}

// labelEscaper escapes what url.PathEscape leaves that would confuse a label: the
// issuer:account separator, and "+", which some apps decode as a space.
var labelEscaper = strings.NewReplacer(":", "%3A", "+", "%2B")

func escapeLabel(s string) string {
	return labelEscaper.Replace(url.PathEscape(s))
}

// escapeQuery query-escapes s with spaces as %20 (QueryEscape's "+" is not
// understood by every authenticator; a literal "+" is already %2B).
func escapeQuery(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}
