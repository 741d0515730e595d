package identity_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/identity"
)

// attempt is one sign-in: who, with which password, from where, after how long.
type attempt struct {
	after time.Duration // clock advance before the attempt
	email string
	pw    string
	ip    string
}

func (f *fixture) try(a attempt) error {
	f.clock.add(a.after)
	_, _, err := f.svc.SignIn(f.ctx, identity.Credentials{Email: a.email, Password: a.pw}, identity.Client{IP: a.ip})
	return err
}

// failures returns n failed attempts; email and ip may contain %d for the attempt's
// index.
func failures(n int, every time.Duration, email, ip string) []attempt {
	var out []attempt
	for i := range n {
		out = append(out, attempt{after: every, email: strings.ReplaceAll(email, "%d", fmt.Sprint(i)),
			pw: "Wrong-Password-1", ip: strings.ReplaceAll(ip, "%d", fmt.Sprint(i+1))})
	}
	return out
}

// sourceLimit is the default failures per source address per window.
var sourceLimit = identity.DefaultPolicy().SourceFailureLimit

func TestI4_ThrottlingPerEmailAndSource(t *testing.T) {
	// Each case makes failed attempts, then the right password for alice; the
	// default policy allows 5 failures per 15 minutes per email and 50 per source.
	tests := []struct {
		name      string
		fails     []attempt
		probe     attempt
		throttled bool
	}{
		{"email: 5 failures from 5 addresses",
			failures(5, 0, "alice@example.com", "192.0.2.%d"), attempt{ip: "198.51.100.1"}, true},
		{"email: 4 failures are not the limit",
			failures(4, 0, "alice@example.com", "192.0.2.%d"), attempt{ip: "198.51.100.1"}, false},
		{"email: spelled in other cases, one counter",
			append(failures(3, 0, "ALICE@example.com", "192.0.2.%d"), failures(2, 0, "Alice@Example.Com", "192.0.2.1%d")...),
			attempt{ip: "198.51.100.1"}, true},
		{"email: failures spread over more than the window",
			failures(5, 4*time.Minute, "alice@example.com", "192.0.2.%d"), attempt{ip: "198.51.100.1"}, false},
		{"email: another address's failures do not count",
			failures(5, 0, "bob@example.com", "192.0.2.%d"), attempt{ip: "198.51.100.1"}, false},
		{"source: 50 unknown emails from one address",
			failures(sourceLimit, 0, "nobody%d@example.com", "203.0.113.7"), attempt{ip: "203.0.113.7"}, true},
		{"source: 49 failures are not the limit",
			failures(sourceLimit-1, 0, "nobody%d@example.com", "203.0.113.7"), attempt{ip: "203.0.113.7"}, false},
		{"source: another address is not throttled",
			failures(sourceLimit, 0, "nobody%d@example.com", "203.0.113.7"), attempt{ip: "203.0.113.8"}, false},
		{"source: IPv6 addresses of one /64 share a counter",
			failures(sourceLimit, 0, "nobody%d@example.com", "2001:db8:1:2::%d"), attempt{ip: "2001:db8:1:2:ffff:ffff:ffff:ffff"}, true},
		{"source: IPv6 of another /64 is not throttled",
			failures(sourceLimit, 0, "nobody%d@example.com", "2001:db8:1:2::%d"), attempt{ip: "2001:db8:1:3::1"}, false},
		{"source: IPv4-mapped IPv6 is the IPv4 address",
			failures(sourceLimit, 0, "nobody%d@example.com", "::ffff:203.0.113.7"), attempt{ip: "203.0.113.7"}, true},
		{"source: IPv6 spelled differently, same /64",
			failures(sourceLimit, 0, "nobody%d@example.com", "2001:DB8:1:2:0:0:0:%d"), attempt{ip: "2001:db8:1:2::abcd"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.register(t, "alice@example.com")
			f.register(t, "bob@example.com")
			for _, a := range tt.fails {
				err := f.try(a)
				require.ErrorIs(t, err, identity.ErrUnauthenticated)
				require.NotErrorAs(t, err, new(*identity.ThrottledError), "the limit is reached only after the last failure")
			}
			tt.probe.email, tt.probe.pw = "alice@example.com", goodPassword
			err := f.try(tt.probe)
			if !tt.throttled {
				require.NoError(t, err)
				return
			}
			var te *identity.ThrottledError
			require.ErrorAs(t, err, &te, "even the right password is refused")
			require.ErrorIs(t, err, identity.ErrUnauthenticated)
			assert.Positive(t, te.RetryAfter)
		})
	}
}

func TestI4_ThrottlingRetryAfterWindowMath(t *testing.T) {
	f := newFixture(t)
	f.register(t, "alice@example.com")
	// Failures at 0, 1, 2, 3, 4 minutes, each from its own address.
	for i, a := range failures(5, 0, "alice@example.com", "192.0.2.%d") {
		if i > 0 {
			a.after = time.Minute
		}
		require.ErrorIs(t, f.try(a), identity.ErrUnauthenticated)
	}
	right := func(after time.Duration) error {
		return f.try(attempt{after: after, email: "alice@example.com", pw: goodPassword, ip: "198.51.100.1"})
	}
	steps := []struct {
		at        time.Duration // since t0
		throttled time.Duration // the RetryAfter wanted; 0: not throttled
	}{
		{5 * time.Minute, 10 * time.Minute}, // the oldest failure (0 min) leaves at 15 min
		{10 * time.Minute, 5 * time.Minute}, // refused attempts do not extend the lock
		{15*time.Minute - time.Microsecond, time.Microsecond},
		{15 * time.Minute, 0}, // waiting exactly RetryAfter is enough
	}
	for _, st := range steps {
		err := right(t0.Add(st.at).Sub(f.clock.now()))
		if st.throttled == 0 {
			require.NoError(t, err, "at %s", st.at)
			continue
		}
		var te *identity.ThrottledError
		require.ErrorAs(t, err, &te, "at %s", st.at)
		assert.Equal(t, st.throttled, te.RetryAfter, "at %s", st.at)
		assert.Equal(t, int64((st.throttled+time.Second-1)/time.Second), te.Seconds())
		assert.Contains(t, te.Error(), fmt.Sprintf("retry in %d s", te.Seconds()))
	}
}

func TestI4_ThrottlingSameAnswerForUnknownAndKnownEmail(t *testing.T) {
	f := newFixture(t)
	f.register(t, "alice@example.com")
	throttle := func(email, ip string) error {
		for range 5 {
			_, _, err := f.svc.SignIn(f.ctx, identity.Credentials{Email: email, Password: "Wrong-Password-1"}, identity.Client{IP: ip})
			require.ErrorIs(t, err, identity.ErrUnauthenticated)
		}
		_, _, err := f.svc.SignIn(f.ctx, identity.Credentials{Email: email, Password: "Wrong-Password-1"}, identity.Client{IP: ip})
		return err
	}
	known := throttle("alice@example.com", "192.0.2.1")
	unknown := throttle("nobody@example.com", "192.0.2.2")
	require.ErrorAs(t, known, new(*identity.ThrottledError))
	assert.Equal(t, known.Error(), unknown.Error())
}

func TestI4_NoEnumeration(t *testing.T) {
	f := newFixture(t)
	f.register(t, "alice@example.com")
	f.register(t, "carol@example.com")
	secret, _ := f.enrollTOTP(t, f.login(t, "carol@example.com"))
	f.clock.add(identity.TOTPPeriod)

	tests := []struct {
		name  string
		creds identity.Credentials
	}{
		{"unknown email", identity.Credentials{Email: "nobody@example.com", Password: goodPassword}},
		{"wrong password", identity.Credentials{Email: "alice@example.com", Password: otherPassword}},
		{"empty password", identity.Credentials{Email: "alice@example.com"}},
		{"malformed email", identity.Credentials{Email: "not an email", Password: goodPassword}},
		{"huge email", identity.Credentials{Email: strings.Repeat("a", 100000), Password: goodPassword}},
		{"MFA on, wrong password, no factor", identity.Credentials{Email: "carol@example.com", Password: otherPassword}},
		{"MFA on, wrong password, right code", identity.Credentials{Email: "carol@example.com", Password: otherPassword, TOTP: f.totp(secret, 0)}},
		{"MFA on, right password, wrong code", identity.Credentials{Email: "carol@example.com", Password: goodPassword, TOTP: wrongCode(f, secret)}},
		{"MFA on, right password, wrong recovery code", identity.Credentials{Email: "carol@example.com", Password: goodPassword, RecoveryCode: "aaaa-bbbb-cccc-dddd"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := f.svc.SignIn(f.ctx, tt.creds, identity.Client{IP: fmt.Sprintf("192.0.2.%d", i+1)})
			require.ErrorIs(t, err, identity.ErrUnauthenticated)
			require.NotErrorAs(t, err, new(*identity.ThrottledError))
			assert.Equal(t, identity.ErrUnauthenticated.Error(), err.Error(), "byte-identical answers")
		})
	}
}

// wrongCode returns a 6-digit code that is not secret's for any step MatchTOTP
// accepts now.
func wrongCode(f *fixture, secret []byte) string {
	for n := 0; ; n++ {
		c := fmt.Sprintf("%06d", n)
		if c != f.totp(secret, -1) && c != f.totp(secret, 0) && c != f.totp(secret, 1) {
			return c
		}
	}
}

func TestI4_SuccessClearsTheEmailCounterOnly(t *testing.T) {
	f := newFixture(t)
	f.register(t, "alice@example.com")
	// 4 failures for alice from 4 addresses, then success: the count starts over.
	for _, a := range failures(4, 0, "alice@example.com", "192.0.2.%d") {
		require.ErrorIs(t, f.try(a), identity.ErrUnauthenticated)
	}
	require.NoError(t, f.try(attempt{email: "alice@example.com", pw: goodPassword, ip: "198.51.100.1"}))
	for _, a := range failures(4, 0, "alice@example.com", "192.0.2.1%d") {
		require.ErrorIs(t, f.try(a), identity.ErrUnauthenticated)
	}
	require.NoError(t, f.try(attempt{email: "alice@example.com", pw: goodPassword, ip: "198.51.100.2"}),
		"8 failures, but only 4 since the last success")

	// The source counter is not cleared by a success: otherwise an attacker would
	// sign in to an account of their own between guesses. (Each attempt a
	// microsecond after the last: a success takes back only the count of its own
	// instant.)
	for _, a := range failures(sourceLimit-1, time.Microsecond, "nobody%d@example.com", "203.0.113.9") {
		require.ErrorIs(t, f.try(a), identity.ErrUnauthenticated)
	}
	require.NoError(t, f.try(attempt{after: time.Microsecond, email: "alice@example.com", pw: goodPassword, ip: "203.0.113.9"}))
	require.ErrorIs(t, f.try(attempt{after: time.Microsecond, email: "nobody@example.com", pw: "x", ip: "203.0.113.9"}), identity.ErrUnauthenticated)
	err := f.try(attempt{after: time.Microsecond, email: "alice@example.com", pw: goodPassword, ip: "203.0.113.9"})
	require.ErrorAs(t, err, new(*identity.ThrottledError))
}

func TestI4_LongEmailThrottledAndClearedAlike(t *testing.T) {
	// An address longer than an error's echo limit is still one counter, whichever
	// method counts or clears it.
	email := strings.Repeat("a", 150) + "@example.com"
	f := newFixture(t)
	f.register(t, email)
	a := f.login(t, email)
	for range 5 {
		require.ErrorIs(t, f.svc.ChangePassword(f.ctx, a, "Wrong-Password-1", otherPassword),
			identity.ErrWrongPassword)
	}
	_, _, err := f.svc.SignIn(f.ctx, identity.Credentials{Email: email, Password: goodPassword}, testClient)
	require.ErrorAs(t, err, new(*identity.ThrottledError), "failed re-authentications count against sign-in")

	require.NoError(t, f.svc.RequestPasswordReset(f.ctx, email, identity.Client{IP: "192.0.2.7"}))
	require.NoError(t, f.svc.ResetPassword(f.ctx, f.mailer.sent()[0].Token, otherPassword, testClient))
	_, _, err = f.svc.SignIn(f.ctx, identity.Credentials{Email: email, Password: otherPassword}, testClient)
	require.NoError(t, err, "a reset forgets the failures")
}

// ---- sessions ----

func TestI4_SessionAuthenticate(t *testing.T) {
	f := newFixture(t)
	alice := f.register(t, "alice@example.com")
	client := identity.Client{IP: "2001:db8::7", UserAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}
	sess, token, err := f.svc.SignIn(f.ctx, identity.Credentials{Email: "alice@example.com", Password: goodPassword}, client)
	require.NoError(t, err)

	assert.True(t, strings.HasPrefix(token, identity.SessionTokenPrefix))
	assert.Empty(t, sess.TokenHash, "the Service never hands out the token's hash")
	sum := sha256.Sum256([]byte(token))
	stored, err := f.store.GetSessionByTokenHash(f.ctx, hex.EncodeToString(sum[:]))
	require.NoError(t, err, "the store keeps a hash, not the token")
	assert.Equal(t, sess.ID, stored.ID)
	assert.NotContains(t, stored.TokenHash, strings.TrimPrefix(token, identity.SessionTokenPrefix))
	assert.Equal(t, alice.ID, sess.IdentityID)
	assert.False(t, sess.MFA)
	assert.Equal(t, "password", sess.Method)
	assert.Equal(t, client.UserAgent, sess.UserAgent)
	assert.Equal(t, client.IP, sess.SourceIP)
	assert.Equal(t, t0, sess.CreatedAt)
	assert.Equal(t, t0, sess.LastSeenAt)
	assert.Equal(t, t0.Add(12*time.Hour), sess.ExpiresAt)

	a := f.auth(t, token)
	assert.Equal(t, alice.ID, a.Identity.ID)
	assert.Equal(t, "alice@example.com", a.Identity.Email)
	assert.Equal(t, sess.ID, a.SessionID)
	assert.Empty(t, a.APIKeyID)
	assert.Empty(t, a.OrgID, "a session is not bound to an organization")
	assert.False(t, a.MFA)

	_, other, err := f.svc.SignIn(f.ctx, identity.Credentials{Email: "alice@example.com", Password: goodPassword}, client)
	require.NoError(t, err)
	assert.NotEqual(t, token, other, "every sign-in has its own token")
}

func TestI4_SessionExpiry(t *testing.T) {
	// Default policy: idle 2 h, absolute 12 h.
	tests := []struct {
		name  string
		uses  []time.Duration // times since t0 the token is used, in order, all live
		probe time.Duration   // since t0
		live  bool
	}{
		{"used just before the idle timeout", nil, 2*time.Hour - time.Microsecond, true},
		{"idle timeout", nil, 2 * time.Hour, false},
		{"idle timeout counts from the last use", []time.Duration{90 * time.Minute}, 3*time.Hour + 29*time.Minute, true},
		{"idle after the last use", []time.Duration{90 * time.Minute}, 3*time.Hour + 30*time.Minute, false},
		{"in use, just before the absolute expiry", hourly(11), 12*time.Hour - time.Microsecond, true},
		{"in use, absolute expiry", hourly(11), 12 * time.Hour, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.register(t, "alice@example.com")
			_, token := f.signIn(t, identity.Credentials{Email: "alice@example.com", Password: goodPassword})
			a := f.auth(t, token) // at t0: the session is not touched
			for _, u := range tt.uses {
				f.clock.set(t0.Add(u))
				f.auth(t, token)
			}
			f.clock.set(t0.Add(tt.probe))
			// Listed before the Authenticate below, which deletes an ended session.
			listed, _, lerr := f.svc.ListSessions(f.ctx, a, resellerkit.Page{})
			require.NoError(t, lerr)
			_, err := f.svc.Authenticate(f.ctx, token)
			if tt.live {
				require.NoError(t, err)
				assert.Len(t, listed, 1)
				return
			}
			require.ErrorIs(t, err, identity.ErrUnauthenticated)
			assert.Equal(t, identity.ErrUnauthenticated.Error(), err.Error())
			assert.Empty(t, listed, "an ended session is not listed")
			// Ended for good: going back in time does not revive it.
			f.clock.set(t0.Add(time.Minute))
			_, err = f.svc.Authenticate(f.ctx, token)
			require.ErrorIs(t, err, identity.ErrUnauthenticated)
		})
	}
	t.Run("policy", func(t *testing.T) {
		f := newFixture(t, identity.WithPolicy(identity.Policy{SessionIdle: 10 * time.Minute, SessionLifetime: time.Hour}))
		f.register(t, "alice@example.com")
		sess, token := f.signIn(t, identity.Credentials{Email: "alice@example.com", Password: goodPassword})
		assert.Equal(t, t0.Add(time.Hour), sess.ExpiresAt)
		f.clock.add(10 * time.Minute)
		_, err := f.svc.Authenticate(f.ctx, token)
		require.ErrorIs(t, err, identity.ErrUnauthenticated)
		want := identity.DefaultPolicy()
		want.SessionIdle, want.SessionLifetime = 10*time.Minute, time.Hour
		assert.Equal(t, want, f.svc.Policy(), "zero fields keep their defaults")
	})
}

func hourly(n int) []time.Duration {
	var out []time.Duration
	for i := 1; i <= n; i++ {
		out = append(out, time.Duration(i)*time.Hour)
	}
	return out
}

func TestI4_ListSessionsLastSeenAfterTouchEvery(t *testing.T) {
	f := newFixture(t)
	f.register(t, "alice@example.com")
	ua := "Mozilla/5.0 (Macintosh) Safari/18.0"
	_, token, err := f.svc.SignIn(f.ctx, identity.Credentials{Email: "alice@example.com", Password: goodPassword},
		identity.Client{IP: "192.0.2.44", UserAgent: ua})
	require.NoError(t, err)
	a := f.auth(t, token)

	lastSeen := func() time.Time {
		t.Helper()
		list, _, err := f.svc.ListSessions(f.ctx, a, resellerkit.Page{})
		require.NoError(t, err)
		require.Len(t, list, 1)
		assert.Equal(t, ua, list[0].UserAgent)
		assert.Equal(t, "192.0.2.44", list[0].SourceIP)
		return list[0].LastSeenAt
	}
	steps := []struct {
		at   time.Duration // since t0, when the token is used
		want time.Duration // the LastSeenAt listed afterwards, since t0
	}{
		{0, 0},
		{30 * time.Second, 0}, // within TouchEvery (1 min): no write
		{time.Minute - time.Microsecond, 0},
		{time.Minute, time.Minute},
		{time.Minute + 59*time.Second, time.Minute},
		{5 * time.Minute, 5 * time.Minute},
	}
	for _, st := range steps {
		f.clock.set(t0.Add(st.at))
		f.auth(t, token)
		assert.Equal(t, t0.Add(st.want), lastSeen(), "used at %s", st.at)
	}
}

func TestI4_ListSessionsPaging(t *testing.T) {
	f := newFixture(t)
	alice := f.register(t, "alice@example.com")
	f.register(t, "bob@example.com")
	a := f.login(t, "alice@example.com")
	for range 2 {
		f.signIn(t, identity.Credentials{Email: "alice@example.com", Password: goodPassword})
	}
	b := f.login(t, "bob@example.com")

	var ids []string
	page := resellerkit.Page{Limit: 2}
	for {
		list, next, err := f.svc.ListSessions(f.ctx, a, page)
		require.NoError(t, err)
		for _, s := range list {
			assert.Equal(t, alice.ID, s.IdentityID)
			ids = append(ids, s.ID)
		}
		if next == "" {
			break
		}
		page.Token = next
	}
	assert.Len(t, ids, 3)
	assert.IsIncreasing(t, ids)

	_, _, err := f.svc.ListSessions(f.ctx, b, resellerkit.Page{Token: "!!not a token"})
	requireInvalid(t, err, "page_token")
}

func TestI4_RevokeSessions(t *testing.T) {
	f := newFixture(t)
	alice := f.register(t, "alice@example.com")
	f.register(t, "bob@example.com")
	signIn := func(email string) (identity.Session, string) {
		return f.signIn(t, identity.Credentials{Email: email, Password: goodPassword})
	}
	s1, t1 := signIn("alice@example.com")
	s2, t2 := signIn("alice@example.com")
	_, t3 := signIn("alice@example.com")
	_, t4 := signIn("alice@example.com")
	sb, tb := signIn("bob@example.com")

	live := func(want map[string]bool) {
		t.Helper()
		for token, ok := range want {
			_, err := f.svc.Authenticate(f.ctx, token)
			if ok {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, identity.ErrUnauthenticated)
			}
		}
	}

	a2 := f.auth(t, t2) // alice acts from her second session
	require.Equal(t, s2.ID, a2.SessionID)
	require.ErrorIs(t, f.svc.RevokeSession(f.ctx, a2, sb.ID), identity.ErrNotFound, "another identity's session is not found")
	live(map[string]bool{tb: true})

	require.NoError(t, f.svc.RevokeSession(f.ctx, a2, s1.ID))
	require.ErrorIs(t, f.svc.RevokeSession(f.ctx, a2, s1.ID), identity.ErrNotFound)
	live(map[string]bool{t1: false, t2: true, t3: true, t4: true, tb: true})

	n, err := f.svc.RevokeSessions(f.ctx, a2) // all but the current one
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	live(map[string]bool{t2: true, t3: false, t4: false, tb: true})

	n, err = f.svc.RevokeSessions(f.ctx, a2)
	require.NoError(t, err)
	assert.Zero(t, n, "the current session stays")
	live(map[string]bool{t2: true, tb: true})

	n, err = f.svc.EndSessions(f.ctx, alice.ID) // the system ends every one
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	live(map[string]bool{t2: false, tb: true})

	list, _, err := f.svc.ListSessions(f.ctx, f.auth(t, tb), resellerkit.Page{})
	require.NoError(t, err)
	assert.Len(t, list, 1)
}

func TestI4_SignOut(t *testing.T) {
	f := newFixture(t)
	f.register(t, "alice@example.com")
	_, token := f.signIn(t, identity.Credentials{Email: "alice@example.com", Password: goodPassword})
	_, other := f.signIn(t, identity.Credentials{Email: "alice@example.com", Password: goodPassword})

	require.NoError(t, f.svc.SignOut(f.ctx, token))
	_, err := f.svc.Authenticate(f.ctx, token)
	require.ErrorIs(t, err, identity.ErrUnauthenticated)
	f.auth(t, other)

	for _, again := range []string{token, "", "rks_nonsense", "garbage", strings.Repeat("x", 1000)} {
		require.NoError(t, f.svc.SignOut(f.ctx, again), "signing out is idempotent")
	}
	list, _, err := f.svc.ListSessions(f.ctx, f.auth(t, other), resellerkit.Page{})
	require.NoError(t, err)
	assert.Len(t, list, 1)
}

func TestI4_TokenOfAnotherFormatRefused(t *testing.T) {
	f := newFixture(t)
	f.register(t, "alice@example.com")
	f.members.join("acme", "id0001")
	_, token := f.signIn(t, identity.Credentials{Email: "alice@example.com", Password: goodPassword})
	secret := strings.TrimPrefix(token, identity.SessionTokenPrefix)

	tests := map[string]string{
		"empty":                     "",
		"secret without its prefix": secret,
		"API key prefix":            identity.APIKeyPrefix + secret,
		"API key prefix with a dot": identity.APIKeyPrefix + secret + "." + secret,
		"Bearer scheme included":    "Bearer " + token,
		"trailing space":            token + " ",
		"trailing newline":          token + "\n",
		"lower-cased":               strings.ToLower(token),
		"one character short":       token[:len(token)-1],
		"one character more":        token + "A",
		"prefix only":               identity.SessionTokenPrefix,
		"very long":                 token + strings.Repeat("A", 300),
		"the session's hash":        hashHex(token),
		"the session's id":          f.auth(t, token).SessionID,
	}
	for name, bad := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := f.svc.Authenticate(f.ctx, bad)
			require.ErrorIs(t, err, identity.ErrUnauthenticated)
			assert.Equal(t, identity.ErrUnauthenticated.Error(), err.Error())
		})
	}
	f.auth(t, token)
}

func hashHex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func TestI4_UserAgentBounded(t *testing.T) {
	// A session keeps the user agent whole up to 256 bytes, cut there beyond, and
	// always as valid text (a header may carry any byte; SQL text columns refuse
	// invalid UTF-8).
	tests := []struct {
		name string
		ua   string
		want string // "": the user agent itself
	}{
		{"typical", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36 Edg/140.0.0.0", ""},
		{"256 bytes", strings.Repeat("u", 256), ""},
		{"huge", strings.Repeat("u", 100000), strings.Repeat("u", 256)},
		{"huge multibyte", strings.Repeat("ü", 50000), strings.Repeat("ü", 128)},
		{"cut inside a character", "u" + strings.Repeat("ü", 200), "u" + strings.Repeat("ü", 127)},
		{"invalid UTF-8", "curl/8.0 \xff\xfe", "curl/8.0 \uFFFD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.register(t, "alice@example.com")
			sess, token, err := f.svc.SignIn(f.ctx, identity.Credentials{Email: "alice@example.com", Password: goodPassword},
				identity.Client{IP: "192.0.2.1", UserAgent: tt.ua})
			require.NoError(t, err)
			want := tt.want
			if want == "" {
				want = tt.ua
			}
			assert.Equal(t, want, sess.UserAgent)
			assert.True(t, utf8.ValidString(sess.UserAgent))
			list, _, err := f.svc.ListSessions(f.ctx, f.auth(t, token), resellerkit.Page{})
			require.NoError(t, err)
			require.Len(t, list, 1)
			assert.Equal(t, want, list[0].UserAgent)
		})
	}
}

// guessAll runs n sign-ins at once (released together) and returns their errors.
func guessAll(f *fixture, n int, creds func(i int) (identity.Credentials, identity.Client)) []error {
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		errs  = make([]error, n)
	)
	for i := range n {
		wg.Go(func() {
			c, client := creds(i)
			<-start
			_, _, errs[i] = f.svc.SignIn(f.ctx, c, client)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// countFailures splits errs into failed guesses (ErrUnauthenticated, not
// throttled) and throttled attempts, requiring every error to be one of them.
func countFailures(t *testing.T, errs []error) (failed, throttled int) {
	t.Helper()
	for i, err := range errs {
		require.ErrorIs(t, err, identity.ErrUnauthenticated, "attempt %d", i)
		if errors.As(err, new(*identity.ThrottledError)) {
			throttled++
		} else {
			failed++
		}
	}
	return failed, throttled
}

// TestI4_ConcurrentGuessesCannotOvershootTheLimit: each attempt is counted before
// its password is checked, in one transaction with the check of the limit, so
// guesses sent at once get no more tries than guesses sent one by one; and an
// attempt that succeeds takes its count back.
func TestI4_ConcurrentGuessesCannotOvershootTheLimit(t *testing.T) {
	const n = 60
	t.Run("per email", func(t *testing.T) {
		f := newFixture(t)
		f.register(t, "alice@example.com")
		errs := guessAll(f, n, func(i int) (identity.Credentials, identity.Client) {
			return identity.Credentials{Email: "alice@example.com", Password: fmt.Sprintf("Wrong-Password-%d", i)},
				identity.Client{IP: fmt.Sprintf("192.0.2.%d", i+1)}
		})
		failed, throttled := countFailures(t, errs)
		assert.Equal(t, f.svc.Policy().FailureLimit, failed, "exactly FailureLimit guesses were checked")
		assert.Equal(t, n-f.svc.Policy().FailureLimit, throttled)
		err := f.try(attempt{email: "alice@example.com", pw: goodPassword, ip: "198.51.100.1"})
		require.ErrorAs(t, err, new(*identity.ThrottledError), "the right password afterwards is throttled too")
	})
	t.Run("per source", func(t *testing.T) {
		f := newFixture(t)
		f.register(t, "alice@example.com")
		errs := guessAll(f, n, func(i int) (identity.Credentials, identity.Client) {
			return identity.Credentials{Email: fmt.Sprintf("nobody%d@example.com", i), Password: "Wrong-Password-1"},
				identity.Client{IP: "203.0.113.7"}
		})
		failed, throttled := countFailures(t, errs)
		assert.Equal(t, f.svc.Policy().SourceFailureLimit, failed, "exactly SourceFailureLimit guesses were checked")
		assert.Equal(t, n-f.svc.Policy().SourceFailureLimit, throttled)
		err := f.try(attempt{email: "alice@example.com", pw: goodPassword, ip: "203.0.113.7"})
		require.ErrorAs(t, err, new(*identity.ThrottledError), "the right password from that address is throttled too")
		require.NoError(t, f.try(attempt{email: "alice@example.com", pw: goodPassword, ip: "203.0.113.8"}))
	})
	t.Run("a success takes its count back", func(t *testing.T) {
		// More successful sign-ins from one address than SourceFailureLimit, each
		// at its own instant (so a release can only take back its own count):
		// none is throttled, and the address still has its whole allowance of
		// failures afterwards.
		f := newFixture(t)
		f.register(t, "alice@example.com")
		office := "198.51.100.99"
		for i := range n {
			require.NoError(t, f.try(attempt{after: time.Microsecond, email: "alice@example.com", pw: goodPassword, ip: office}), "sign-in %d", i)
		}
		for i := range f.svc.Policy().SourceFailureLimit {
			err := f.try(attempt{after: time.Microsecond, email: fmt.Sprintf("nobody%d@example.com", i), pw: "x", ip: office})
			require.ErrorIs(t, err, identity.ErrUnauthenticated)
			require.NotErrorAs(t, err, new(*identity.ThrottledError), "failure %d", i)
		}
		err := f.try(attempt{after: time.Microsecond, email: "alice@example.com", pw: goodPassword, ip: office})
		require.ErrorAs(t, err, new(*identity.ThrottledError))
	})
	t.Run("a second factor asked for takes its count back", func(t *testing.T) {
		f := newFixture(t)
		f.register(t, "alice@example.com")
		f.enrollTOTP(t, f.login(t, "alice@example.com"))
		for i := range n {
			err := f.try(attempt{after: time.Microsecond, email: "alice@example.com", pw: goodPassword, ip: "198.51.100.99"})
			require.ErrorIs(t, err, identity.ErrSecondFactorRequired, "attempt %d", i)
		}
	})
}

// TestI4_SourceLimitIsSeparateAndHigher: failures count per email address
// (Policy.FailureLimit) and per source address (Policy.SourceFailureLimit, higher
// by default: one office or carrier NAT is many people). One person's lock does
// not lock the others behind the same address, and each limit is set on its own.
func TestI4_SourceLimitIsSeparateAndHigher(t *testing.T) {
	def := identity.DefaultPolicy()
	assert.Equal(t, 5, def.FailureLimit)
	assert.Equal(t, 50, def.SourceFailureLimit)

	t.Run("defaults", func(t *testing.T) {
		f := newFixture(t)
		f.register(t, "alice@example.com")
		f.register(t, "bob@example.com")
		office := "203.0.113.50"
		// bob mistypes FailureLimit times at the office: bob is locked, everywhere.
		for _, a := range failures(def.FailureLimit, 0, "bob@example.com", office) {
			require.ErrorIs(t, f.try(a), identity.ErrUnauthenticated)
		}
		require.ErrorAs(t, f.try(attempt{email: "bob@example.com", pw: goodPassword, ip: "192.0.2.200"}), new(*identity.ThrottledError))
		// alice, at the same office, is not.
		require.NoError(t, f.try(attempt{after: time.Microsecond, email: "alice@example.com", pw: goodPassword, ip: office}))
		// Up to SourceFailureLimit failures from the office in all, then the
		// office is locked, for alice too, while alice elsewhere is not.
		for _, a := range failures(def.SourceFailureLimit-def.FailureLimit, time.Microsecond, "nobody%d@example.com", office) {
			err := f.try(a)
			require.ErrorIs(t, err, identity.ErrUnauthenticated)
			require.NotErrorAs(t, err, new(*identity.ThrottledError))
		}
		require.ErrorAs(t, f.try(attempt{email: "alice@example.com", pw: goodPassword, ip: office}), new(*identity.ThrottledError))
		require.NoError(t, f.try(attempt{email: "alice@example.com", pw: goodPassword, ip: "192.0.2.201"}))
	})
	t.Run("each set on its own", func(t *testing.T) {
		f := newFixture(t, identity.WithPolicy(identity.Policy{FailureLimit: 2, SourceFailureLimit: 3}))
		assert.Equal(t, 2, f.svc.Policy().FailureLimit)
		assert.Equal(t, 3, f.svc.Policy().SourceFailureLimit)
		f.register(t, "alice@example.com")
		f.register(t, "bob@example.com")
		for _, a := range failures(2, 0, "alice@example.com", "203.0.113.60") {
			require.ErrorIs(t, f.try(a), identity.ErrUnauthenticated)
		}
		require.ErrorAs(t, f.try(attempt{email: "alice@example.com", pw: goodPassword, ip: "192.0.2.1"}), new(*identity.ThrottledError),
			"the email's limit is 2")
		require.NoError(t, f.try(attempt{after: time.Microsecond, email: "bob@example.com", pw: goodPassword, ip: "203.0.113.60"}),
			"2 failures are not the source's limit")
		require.ErrorIs(t, f.try(attempt{after: time.Microsecond, email: "nobody@example.com", pw: "x", ip: "203.0.113.60"}), identity.ErrUnauthenticated)
		require.ErrorAs(t, f.try(attempt{after: time.Microsecond, email: "bob@example.com", pw: goodPassword, ip: "203.0.113.60"}), new(*identity.ThrottledError),
			"the source's limit is 3")
	})
	t.Run("zero keeps the default", func(t *testing.T) {
		f := newFixture(t, identity.WithPolicy(identity.Policy{FailureLimit: 3}))
		assert.Equal(t, 3, f.svc.Policy().FailureLimit)
		assert.Equal(t, def.SourceFailureLimit, f.svc.Policy().SourceFailureLimit)
	})
}
