package identity_test

import (
	"context"
	"encoding/base32"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/identity/memstore"
)

// t0 starts a TOTP step (a whole minute), so step arithmetic in the tests is exact.
var t0 = time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)

// Passwords that pass every rule of I-2.
const (
	goodPassword  = "Correct-Horse-9"
	otherPassword = "Battery#Staple42"
)

// clock is a settable test clock, safe for concurrent use.
type clock struct{ t atomic.Pointer[time.Time] }

func newClock(t time.Time) *clock    { c := &clock{}; c.set(t); return c }
func (c *clock) now() time.Time      { return *c.t.Load() }
func (c *clock) set(t time.Time)     { c.t.Store(&t) }
func (c *clock) add(d time.Duration) { c.set(c.now().Add(d)) }

// fakeMembers answers identity.Memberships from a set of (organization, identity)
// pairs; err, when set, is what every call returns.
type fakeMembers struct {
	mu    sync.Mutex
	pairs map[[2]string]bool
	err   error
}

func newFakeMembers() *fakeMembers { return &fakeMembers{pairs: map[[2]string]bool{}} }

func (m *fakeMembers) join(orgID, identityID string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.pairs[[2]string{orgID, identityID}] = true
}

func (m *fakeMembers) leave(orgID, identityID string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.pairs, [2]string{orgID, identityID})
}

func (m *fakeMembers) fail(err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.err = err
}

func (m *fakeMembers) IsMember(_ context.Context, orgID, identityID string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.pairs[[2]string{orgID, identityID}], m.err
}

func (m *fakeMembers) HasMemberships(_ context.Context, identityID string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for p := range m.pairs {
		if p[1] == identityID {
			return true, m.err
		}
	}
	return false, m.err
}

// recordingMailer keeps every mail it is asked to send; err, when set, is returned
// instead.
type recordingMailer struct {
	mu    sync.Mutex
	mails []identity.Mail
	err   error
}

func (m *recordingMailer) SendMail(_ context.Context, mail identity.Mail) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return m.err
	}
	m.mails = append(m.mails, mail)
	return nil
}

func (m *recordingMailer) sent() []identity.Mail {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]identity.Mail(nil), m.mails...)
}

// fakeBreach reports the passwords in found as breached; err, when set, is its
// answer to every password.
type fakeBreach struct {
	found map[string]int
	err   error
	calls atomic.Int64
}

func (b *fakeBreach) Breached(_ context.Context, password string) (int, error) {
	b.calls.Add(1)
	if b.err != nil {
		return 0, b.err
	}
	return b.found[password], nil
}

// cheapParams are argon2id parameters at NewHasher's lower bounds of time and near
// them for memory: the tests are about the Service, not about hashing cost.
func cheapParams(memoryKiB uint32) identity.Argon2Params {
	return identity.Argon2Params{Memory: memoryKiB, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
}

func cheapHasher(t testing.TB, memoryKiB uint32) *identity.Hasher {
	t.Helper()
	h, err := identity.NewHasher(cheapParams(memoryKiB))
	require.NoError(t, err)
	return h
}

// fixture is a Service on a fresh memstore with a settable clock, a cheap hasher,
// fake memberships and a recording mailer.
type fixture struct {
	ctx     context.Context
	store   *memstore.Store
	svc     *identity.Service
	clock   *clock
	members *fakeMembers
	mailer  *recordingMailer
	serial  atomic.Int64
}

// newFixture builds the fixture; opts come after the fixture's own, so they win.
func newFixture(t testing.TB, opts ...identity.Option) *fixture {
	t.Helper()
	f := &fixture{ctx: context.Background(), store: memstore.New(), clock: newClock(t0),
		members: newFakeMembers(), mailer: &recordingMailer{}}
	f.svc = f.service(t, opts...)
	return f
}

// service returns another Service on the fixture's store, clock, members and mailer.
func (f *fixture) service(t testing.TB, opts ...identity.Option) *identity.Service {
	t.Helper()
	base := []identity.Option{identity.WithClock(f.clock.now), identity.WithHasher(cheapHasher(t, 64)),
		identity.WithMemberships(f.members), identity.WithMailer(f.mailer),
		identity.WithIDGenerator(func() string { return fmt.Sprintf("id%04d", f.serial.Add(1)) })}
	svc, err := identity.NewService(f.store, append(base, opts...)...)
	require.NoError(t, err)
	return svc
}

// register creates an identity with goodPassword.
func (f *fixture) register(t testing.TB, email string) identity.Identity {
	t.Helper()
	id, _, err := f.svc.Register(f.ctx, identity.NewIdentity{Email: email, Name: "Test " + email, Password: goodPassword})
	require.NoError(t, err)
	return id
}

var testClient = identity.Client{IP: "198.51.100.7", UserAgent: "Mozilla/5.0 (test)"}

// signIn signs in with email and password from testClient and requires success.
func (f *fixture) signIn(t testing.TB, c identity.Credentials) (identity.Session, string) {
	t.Helper()
	s, token, err := f.svc.SignIn(f.ctx, c, testClient)
	require.NoError(t, err)
	return s, token
}

// auth authenticates token and requires success.
func (f *fixture) auth(t testing.TB, token string) identity.Auth {
	t.Helper()
	a, err := f.svc.Authenticate(f.ctx, token)
	require.NoError(t, err)
	return a
}

// login signs in the identity with email and goodPassword (it must not need a
// second factor yet) and returns the session's Auth: what the methods managing a
// person's own credentials take.
func (f *fixture) login(t testing.TB, email string) identity.Auth {
	t.Helper()
	_, token := f.signIn(t, identity.Credentials{Email: email, Password: goodPassword})
	return f.auth(t, token)
}

// storedHash returns the password hash the store keeps for the identity: the
// Service never hands it out.
func (f *fixture) storedHash(t testing.TB, identityID string) string {
	t.Helper()
	id, err := f.store.GetIdentity(f.ctx, identityID)
	require.NoError(t, err)
	require.NotEmpty(t, id.PasswordHash)
	return id.PasswordHash
}

// enrollTOTP sets up and confirms an authenticator app for a's identity at the
// current time (a's password is goodPassword), returning its secret and the
// recovery codes.
func (f *fixture) enrollTOTP(t testing.TB, a identity.Auth) ([]byte, []string) {
	t.Helper()
	e, err := f.svc.BeginTOTP(f.ctx, a, goodPassword)
	require.NoError(t, err)
	secret, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(e.Secret)
	require.NoError(t, err)
	codes, err := f.svc.ConfirmTOTP(f.ctx, a, f.totp(secret, 0))
	require.NoError(t, err)
	return secret, codes
}

// totp returns the code of secret delta steps from the clock's current step.
func (f *fixture) totp(secret []byte, delta int64) string {
	return identity.TOTPCode(secret, identity.TOTPStep(f.clock.now())+delta)
}

// requireInvalid requires err to be one *resellerkit.ValidationError of identity
// on field, and returns it.
func requireInvalid(t testing.TB, err error, field string) *resellerkit.ValidationError {
	t.Helper()
	require.ErrorIs(t, err, identity.ErrInvalid)
	var ve *resellerkit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, field, ve.Field)
	return ve
}

// ---- I-1: identities keyed by a normalized, unique, immutable email ----

func TestI1_EmailNormalizedAndUnique(t *testing.T) {
	f := newFixture(t)
	alice, warnings, err := f.svc.Register(f.ctx, identity.NewIdentity{Email: "Alice.Liddell@Example.COM", Password: goodPassword})
	require.NoError(t, err)
	assert.Empty(t, warnings)
	assert.Equal(t, "alice.liddell@example.com", alice.Email)

	stored, err := f.svc.GetIdentity(f.ctx, alice.ID)
	require.NoError(t, err)
	assert.Equal(t, "alice.liddell@example.com", stored.Email)

	tests := []string{"alice.liddell@example.com", "ALICE.LIDDELL@EXAMPLE.COM", "Alice.Liddell@example.com", "alice.liddell@EXAMPLE.com"}
	for _, email := range tests {
		t.Run("duplicate "+email, func(t *testing.T) {
			_, _, err := f.svc.Register(f.ctx, identity.NewIdentity{Email: email, Password: otherPassword})
			require.ErrorIs(t, err, identity.ErrAlreadyExists)

			found, err := f.svc.FindIdentityByEmail(f.ctx, email)
			require.NoError(t, err)
			assert.Equal(t, alice.ID, found.ID)

			_, _, err = f.svc.SignIn(f.ctx, identity.Credentials{Email: email, Password: goodPassword}, testClient)
			require.NoError(t, err, "sign-in is case-insensitive too")
		})
	}
	all, _, err := f.svc.ListIdentities(f.ctx, resellerkit.Page{})
	require.NoError(t, err)
	assert.Len(t, all, 1)
}

func TestI1_MalformedEmailRefused(t *testing.T) {
	longest := strings.Repeat("a", identity.MaxEmailLen-len("@example.com")) + "@example.com"
	tests := []struct {
		name  string
		email string
	}{
		{"empty", ""},
		{"no at", "alice.example.com"},
		{"no domain dot", "alice@localhost"},
		{"display name", "Alice <alice@example.com>"},
		{"leading space", " alice@example.com"},
		{"trailing space", "alice@example.com "},
		{"two ats", "alice@bob@example.com"},
		{"two addresses", "alice@example.com, bob@example.com"},
		{"overlong by one", "a" + longest},
		{"huge", strings.Repeat("x", 10000) + "@example.com"},
		{"newline", "alice@example.com\nBcc: eve@example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			_, _, err := f.svc.Register(f.ctx, identity.NewIdentity{Email: tt.email, Password: goodPassword})
			ve := requireInvalid(t, err, "email")
			assert.Equal(t, "I-1", ve.Rule)
			assert.LessOrEqual(t, len(ve.Value), resellerkit.MaxValueLen+len("…"), "the echoed value is bounded")
			all, _, err := f.svc.ListIdentities(f.ctx, resellerkit.Page{})
			require.NoError(t, err)
			assert.Empty(t, all)
		})
	}
	t.Run("254 characters accepted", func(t *testing.T) {
		f := newFixture(t)
		require.Len(t, longest, identity.MaxEmailLen)
		id, _, err := f.svc.Register(f.ctx, identity.NewIdentity{Email: longest, Password: goodPassword})
		require.NoError(t, err)
		assert.Equal(t, longest, id.Email)
	})
}

func TestI1_RoleAddressesWarnButSucceed(t *testing.T) {
	tests := []struct {
		email string
		warn  bool
	}{
		{"info@example.com", true},
		{"Admin@example.com", true},
		{"support+jp@example.com", true},
		{"ml-dev@example.com", true},
		{"ml.ops@example.com", true},
		{"list-billing@example.com", true},
		{"infra-ml@example.com", true},
		{"engineers-all@example.com", true},
		{"alice@example.com", false},
		{"mladen@example.com", false},
		{"information.desk@example.com", false},
		{"admin.taro@example.com", false},
	}
	for _, tt := range tests {
		t.Run(tt.email, func(t *testing.T) {
			f := newFixture(t)
			id, warnings, err := f.svc.Register(f.ctx, identity.NewIdentity{Email: tt.email, Password: goodPassword})
			require.NoError(t, err, "a role address is discouraged, not refused")
			_, err = f.svc.GetIdentity(f.ctx, id.ID)
			require.NoError(t, err)
			if !tt.warn {
				assert.Empty(t, warnings)
				return
			}
			require.Len(t, warnings, 1)
			assert.Equal(t, "email", warnings[0].Field)
			assert.Equal(t, "I-1", warnings[0].Rule)
			assert.NotEmpty(t, warnings[0].Message)
		})
	}
}

func TestI1_CallerChosenID(t *testing.T) {
	tests := []struct {
		name string
		id   string
		ok   bool
	}{
		{"lower", "alice", true},
		{"digits dash underscore", "demo-user_01", true},
		{"64 characters", strings.Repeat("a", 64), true},
		{"65 characters", strings.Repeat("a", 65), false},
		{"upper case", "Alice", false},
		{"space", "a b", false},
		{"slash", "a/b", false},
		{"dot", "a.b", false},
		{"non-ASCII", "ålice", false},
		{"NUL", "a\x00b", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			id, _, err := f.svc.Register(f.ctx, identity.NewIdentity{ID: tt.id, Email: "alice@example.com", Password: goodPassword})
			if !tt.ok {
				requireInvalid(t, err, "id")
				_, err := f.svc.FindIdentityByEmail(f.ctx, "alice@example.com")
				require.ErrorIs(t, err, identity.ErrNotFound)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.id, id.ID)
		})
	}
	t.Run("taken id", func(t *testing.T) {
		f := newFixture(t)
		_, _, err := f.svc.Register(f.ctx, identity.NewIdentity{ID: "alice", Email: "alice@example.com", Password: goodPassword})
		require.NoError(t, err)
		_, _, err = f.svc.Register(f.ctx, identity.NewIdentity{ID: "alice", Email: "other@example.com", Password: goodPassword})
		require.ErrorIs(t, err, identity.ErrAlreadyExists)
	})
	t.Run("generated when empty", func(t *testing.T) {
		f := newFixture(t)
		id := f.register(t, "alice@example.com")
		assert.Equal(t, "id0001", id.ID)
	})
}

func TestI1_NameValidated(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"", true},
		{"山田 太郎", true},
		{strings.Repeat("名", identity.MaxNameLen), true},
		{strings.Repeat("名", identity.MaxNameLen+1), false},
		{"Alice\nBob", false},
		{"Alice\x7f", false},
		{"\xff", false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%.20q", tt.name), func(t *testing.T) {
			f := newFixture(t)
			_, _, err := f.svc.Register(f.ctx, identity.NewIdentity{Email: "alice@example.com", Name: tt.name, Password: goodPassword})
			if tt.ok {
				require.NoError(t, err)
				return
			}
			requireInvalid(t, err, "name")
		})
	}
}

func TestI1_EmailNeverChanges(t *testing.T) {
	// No method of the Service may change an email: the only method mentioning one
	// looks an identity up.
	st := reflect.TypeFor[*identity.Service]()
	for i := range st.NumMethod() {
		name := st.Method(i).Name
		if strings.Contains(strings.ToLower(name), "email") {
			assert.Equal(t, "FindIdentityByEmail", name, "a method that may change an email (I-1)")
		}
	}

	// The methods that write an identity keep its email.
	f := newFixture(t)
	alice := f.register(t, "alice@example.com")
	a := f.login(t, "alice@example.com")
	_, err := f.svc.Rename(f.ctx, alice.ID, "Alice")
	require.NoError(t, err)
	require.NoError(t, f.svc.ChangePassword(f.ctx, a, goodPassword, otherPassword))
	require.NoError(t, f.svc.RequestPasswordReset(f.ctx, "alice@example.com", identity.Client{IP: "192.0.2.7"}))
	require.NoError(t, f.svc.ResetPassword(f.ctx, f.mailer.sent()[0].Token, goodPassword, testClient))
	got, err := f.svc.GetIdentity(f.ctx, alice.ID)
	require.NoError(t, err)
	assert.Equal(t, "alice@example.com", got.Email)
	assert.Equal(t, "Alice", got.Name)
	assert.Equal(t, alice.CreatedAt, got.CreatedAt)
}

func TestI1_Rename(t *testing.T) {
	f := newFixture(t)
	alice := f.register(t, "alice@example.com")
	f.clock.add(time.Hour)
	got, err := f.svc.Rename(f.ctx, alice.ID, "Alice Liddell")
	require.NoError(t, err)
	assert.Equal(t, "Alice Liddell", got.Name)
	assert.Equal(t, alice.Version+1, got.Version)
	assert.Equal(t, t0.Add(time.Hour), got.UpdatedAt)

	stored, err := f.svc.GetIdentity(f.ctx, alice.ID)
	require.NoError(t, err)
	assert.Equal(t, got, stored, "Rename returns what it stored")

	_, err = f.svc.Rename(f.ctx, alice.ID, "bad\x00name")
	requireInvalid(t, err, "name")
	_, err = f.svc.Rename(f.ctx, "nobody", "Nobody")
	require.ErrorIs(t, err, identity.ErrNotFound)
}

// ---- I-2: passwords ----

// ruleWords are words of each I-2 rule's reason, to find it in an error message.
var ruleWords = map[string]string{
	"short": "at least 10", "long": "at most 70", "lower": "lowercase", "upper": "uppercase",
	"digit": "digit (0-9)", "symbol": "symbol", "other": "other than ASCII",
}

// badPasswords break the rules they name, and nothing else; none of them appears
// in any rule's reason, so a message containing one echoes it.
var badPasswords = []struct {
	name     string
	password string
	broken   []string
}{
	{"9 characters", "Abcdef-12", []string{"short"}},
	{"71 characters", "Abcdef-12" + strings.Repeat("x", 62), []string{"long"}},
	{"no lowercase", "QWERTYUI-12", []string{"lower"}},
	{"no uppercase", "qwertyui-12", []string{"upper"}},
	{"no digit", "Qwertyui-xy", []string{"digit"}},
	{"no symbol", "Qwertyui123", []string{"symbol"}},
	{"space", "Qwerty ui-12", []string{"other"}},
	{"non-ASCII", "Qwertyüi-12", []string{"other"}},
	{"symbol outside the list", "Qwertyui~12", []string{"symbol", "other"}},
	{"every rule at once", "ü", []string{"short", "lower", "upper", "digit", "symbol", "other"}},
	{"lower only", "qwertyuiop", []string{"upper", "digit", "symbol"}},
}

// requirePasswordRefused requires err to be one ValidationError naming exactly the
// broken rules, without the password.
func requirePasswordRefused(t *testing.T, err error, field, password string, broken []string) {
	t.Helper()
	ve := requireInvalid(t, err, field)
	assert.Equal(t, "I-2", ve.Rule)
	assert.Empty(t, ve.Value, "a refused password is never echoed")
	assert.NotContains(t, err.Error(), password, "a refused password is never echoed")
	for rule, word := range ruleWords {
		if contains(broken, rule) {
			assert.Contains(t, ve.Reason, word, "rule %s", rule)
		} else {
			assert.NotContains(t, ve.Reason, word, "rule %s is not broken", rule)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestI2_PasswordRulesAllReportedAndNeverEchoed(t *testing.T) {
	// Each way of setting a password refuses the same passwords with the same error.
	setters := map[string]func(f *fixture, t *testing.T, password string) error{
		"Register": func(f *fixture, _ *testing.T, password string) error {
			_, _, err := f.svc.Register(f.ctx, identity.NewIdentity{Email: "bob@example.com", Password: password})
			return err
		},
		"ChangePassword": func(f *fixture, t *testing.T, password string) error {
			return f.svc.ChangePassword(f.ctx, f.login(t, "alice@example.com"), goodPassword, password)
		},
		"ResetPassword": func(f *fixture, t *testing.T, password string) error {
			require.NoError(t, f.svc.RequestPasswordReset(f.ctx, "alice@example.com", identity.Client{IP: "192.0.2.7"}))
			mails := f.mailer.sent()
			return f.svc.ResetPassword(f.ctx, mails[len(mails)-1].Token, password, testClient)
		},
	}
	for setter, set := range setters {
		for _, tt := range badPasswords {
			t.Run(setter+"/"+tt.name, func(t *testing.T) {
				f := newFixture(t)
				f.register(t, "alice@example.com")
				field := "new_password" // a change or a reset names the new one
				if setter == "Register" {
					field = "password"
				}
				requirePasswordRefused(t, set(f, t, tt.password), field, tt.password, tt.broken)
				// Nothing changed: the old password still signs in, the new one does not.
				_, _, err := f.svc.SignIn(f.ctx, identity.Credentials{Email: "alice@example.com", Password: goodPassword}, testClient)
				require.NoError(t, err)
				_, err = f.svc.FindIdentityByEmail(f.ctx, "bob@example.com")
				require.ErrorIs(t, err, identity.ErrNotFound)
			})
		}
		for _, pw := range []string{"Abcdefg-12", "Abcdef-12" + strings.Repeat("x", 61), "aA1" + identity.PasswordSymbols} {
			t.Run(fmt.Sprintf("%s/accepted %d characters", setter, len(pw)), func(t *testing.T) {
				f := newFixture(t)
				f.register(t, "alice@example.com")
				require.NoError(t, set(f, t, pw))
			})
		}
	}
}

func TestI2_StoredAsSlowSaltedHash(t *testing.T) {
	f := newFixture(t)
	a := f.register(t, "alice@example.com")
	b := f.register(t, "bob@example.com")
	aHash, bHash := f.storedHash(t, a.ID), f.storedHash(t, b.ID)
	assert.True(t, strings.HasPrefix(aHash, "$argon2id$v=19$m=64,t=1,p=1$"), aHash)
	assert.NotContains(t, aHash, goodPassword)
	assert.NotEqual(t, aHash, bHash, "same password, different salts")
	assert.Equal(t, t0, a.PasswordChangedAt)
}

func TestI2_BreachCheck(t *testing.T) {
	breached := "Password-123"
	tests := []struct {
		name    string
		checker *fakeBreach
		ok      bool
	}{
		{"found", &fakeBreach{found: map[string]int{breached: 42}}, false},
		{"not found", &fakeBreach{found: map[string]int{"Other-Pass-1": 1}}, true},
		{"checker down: accepted, as WithBreachChecker documents", &fakeBreach{err: errors.New("dial tcp: no route to host")}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, identity.WithBreachChecker(tt.checker))
			f.register(t, "alice@example.com")

			_, _, errReg := f.svc.Register(f.ctx, identity.NewIdentity{Email: "bob@example.com", Password: breached})
			errChange := f.svc.ChangePassword(f.ctx, f.login(t, "alice@example.com"), goodPassword, breached)
			for name, err := range map[string]error{"Register": errReg, "ChangePassword": errChange} {
				if tt.ok {
					assert.NoError(t, err, name)
					continue
				}
				field := map[string]string{"Register": "password", "ChangePassword": "new_password"}[name]
				ve := requireInvalid(t, err, field)
				assert.Equal(t, "I-2", ve.Rule, name)
				assert.Empty(t, ve.Value, name)
				assert.NotContains(t, err.Error(), breached, name)
			}
			assert.Positive(t, tt.checker.calls.Load())
		})
	}
	t.Run("not asked about a password the rules refuse", func(t *testing.T) {
		checker := &fakeBreach{}
		f := newFixture(t, identity.WithBreachChecker(checker))
		_, _, err := f.svc.Register(f.ctx, identity.NewIdentity{Email: "bob@example.com", Password: "short"})
		requireInvalid(t, err, "password")
		assert.Zero(t, checker.calls.Load())
	})
}

func TestI2_RehashOnSignInWhenParamsChange(t *testing.T) {
	f := newFixture(t) // hashes with m=64
	alice := f.register(t, "alice@example.com")
	require.Contains(t, f.storedHash(t, alice.ID), "$m=64,t=1,p=1$")

	stronger := f.service(t, identity.WithHasher(cheapHasher(t, 128)))
	_, _, err := stronger.SignIn(f.ctx, identity.Credentials{Email: "alice@example.com", Password: goodPassword}, testClient)
	require.NoError(t, err, "a hash made with other parameters still verifies")
	got := f.storedHash(t, alice.ID)
	assert.Contains(t, got, "$m=128,t=1,p=1$")
	changed, err := f.svc.GetIdentity(f.ctx, alice.ID)
	require.NoError(t, err)
	assert.Equal(t, alice.PasswordChangedAt, changed.PasswordChangedAt, "a rehash is not a password change")

	// Same parameters: no rehash.
	_, _, err = stronger.SignIn(f.ctx, identity.Credentials{Email: "alice@example.com", Password: goodPassword}, testClient)
	require.NoError(t, err)
	assert.Equal(t, got, f.storedHash(t, alice.ID))

	// A failed sign-in never rehashes.
	weaker := f.service(t, identity.WithHasher(cheapHasher(t, 32)))
	_, _, err = weaker.SignIn(f.ctx, identity.Credentials{Email: "alice@example.com", Password: otherPassword}, testClient)
	require.ErrorIs(t, err, identity.ErrUnauthenticated)
	assert.Equal(t, got, f.storedHash(t, alice.ID))
}

// ---- I-5: deleting an identity ----

func TestI5_DeleteIdentityOnlyWithoutMemberships(t *testing.T) {
	f := newFixture(t)
	alice := f.register(t, "alice@example.com")
	bob := f.register(t, "bob@example.com")
	_, aliceToken := f.signIn(t, identity.Credentials{Email: "alice@example.com", Password: goodPassword})
	_, bobToken := f.signIn(t, identity.Credentials{Email: "bob@example.com", Password: goodPassword})
	f.members.join("acme", alice.ID)
	f.members.join("globex", alice.ID)
	sess := f.auth(t, aliceToken)
	_, key, err := f.svc.CreateAPIKey(f.ctx, sess, identity.NewAPIKey{OrgID: "acme", Name: "ci"})
	require.NoError(t, err)

	steps := []struct {
		name  string
		leave string
		want  error
	}{
		{"member of two organizations", "", identity.ErrInUse},
		{"still member of one", "acme", identity.ErrInUse},
		{"member of none", "globex", nil},
	}
	for _, st := range steps {
		if st.leave != "" {
			f.members.leave(st.leave, alice.ID)
		}
		err := f.svc.DeleteIdentity(f.ctx, alice.ID)
		if st.want != nil {
			require.ErrorIs(t, err, st.want, st.name)
			_, err := f.svc.GetIdentity(f.ctx, alice.ID)
			require.NoError(t, err, st.name)
			f.auth(t, aliceToken)
			continue
		}
		require.NoError(t, err, st.name)
	}

	_, err = f.svc.GetIdentity(f.ctx, alice.ID)
	require.ErrorIs(t, err, identity.ErrNotFound)
	for _, token := range []string{aliceToken, key} {
		_, err = f.svc.Authenticate(f.ctx, token)
		require.ErrorIs(t, err, identity.ErrUnauthenticated, "a deleted identity's sessions and keys end with it")
	}
	sessions, _, err := f.store.ListSessions(f.ctx, alice.ID, resellerkit.Page{})
	require.NoError(t, err)
	assert.Empty(t, sessions)
	f.auth(t, bobToken)
	_, err = f.svc.GetIdentity(f.ctx, bob.ID)
	require.NoError(t, err, "another identity is untouched")

	// The address is free again: a new person, a new identity.
	again := f.register(t, "alice@example.com")
	assert.NotEqual(t, alice.ID, again.ID)

	require.ErrorIs(t, f.svc.DeleteIdentity(f.ctx, alice.ID), identity.ErrNotFound)
}

func TestI5_DeleteIdentityFailsClosed(t *testing.T) {
	t.Run("no Memberships configured", func(t *testing.T) {
		f := newFixture(t)
		svc, err := identity.NewService(f.store, identity.WithClock(f.clock.now), identity.WithHasher(cheapHasher(t, 64)))
		require.NoError(t, err)
		alice, _, err := svc.Register(f.ctx, identity.NewIdentity{Email: "alice@example.com", Password: goodPassword})
		require.NoError(t, err)
		require.ErrorIs(t, svc.DeleteIdentity(f.ctx, alice.ID), identity.ErrInUse)
		_, err = svc.GetIdentity(f.ctx, alice.ID)
		require.NoError(t, err)
	})
	t.Run("Memberships failing", func(t *testing.T) {
		f := newFixture(t)
		alice := f.register(t, "alice@example.com")
		boom := errors.New("members: database is down")
		f.members.fail(boom)
		require.ErrorIs(t, f.svc.DeleteIdentity(f.ctx, alice.ID), boom)
		_, err := f.svc.GetIdentity(f.ctx, alice.ID)
		require.NoError(t, err)
	})
}

// ---- maintenance ----

func TestI4_SweepRemovesWhatExpiredOnce(t *testing.T) {
	f := newFixture(t)
	f.register(t, "alice@example.com")
	creds := identity.Credentials{Email: "alice@example.com", Password: goodPassword}
	_, idle := f.signIn(t, creds)
	_, old := f.signIn(t, creds)
	// Keep old in use every hour until its absolute expiry (12 h).
	for range 11 {
		f.clock.add(time.Hour)
		f.auth(t, old)
	}
	require.Equal(t, t0.Add(11*time.Hour), f.clock.now())

	stranger := identity.Client{IP: "203.0.113.66"}
	wrong := identity.Credentials{Email: "nobody@example.com", Password: goodPassword}
	f.clock.set(t0.Add(11*time.Hour + 20*time.Minute))
	require.NoError(t, f.svc.RequestPasswordReset(f.ctx, "alice@example.com", identity.Client{IP: "192.0.2.7"})) // expires 11:50; 2 rows: the address's and the source's
	f.clock.set(t0.Add(11*time.Hour + 30*time.Minute))
	_, _, err := f.svc.SignIn(f.ctx, wrong, stranger) // 2 failure rows, old at 12:00
	require.ErrorIs(t, err, identity.ErrUnauthenticated)
	f.clock.set(t0.Add(11*time.Hour + 55*time.Minute))
	require.NoError(t, f.svc.RequestPasswordReset(f.ctx, "alice@example.com", identity.Client{IP: "192.0.2.7"})) // expires 12:25
	f.clock.set(t0.Add(11*time.Hour + 58*time.Minute))
	_, _, err = f.svc.SignIn(f.ctx, wrong, stranger) // 2 recent failure rows
	require.ErrorIs(t, err, identity.ErrUnauthenticated)

	f.clock.set(t0.Add(12 * time.Hour))
	_, live := f.signIn(t, creds)

	report, err := f.svc.Sweep(f.ctx)
	require.NoError(t, err)
	assert.Equal(t, identity.SweepReport{Sessions: 2, Tickets: 1, Failures: 4}, report)
	report, err = f.svc.Sweep(f.ctx)
	require.NoError(t, err)
	assert.Equal(t, identity.SweepReport{}, report, "a second run removes nothing")

	// What was live still is.
	f.auth(t, live)
	for _, token := range []string{idle, old} {
		_, err := f.svc.Authenticate(f.ctx, token)
		require.ErrorIs(t, err, identity.ErrUnauthenticated)
	}
	// The recent failure from stranger still counts: SourceFailureLimit-1 more trip
	// the source's limit.
	for i := range f.svc.Policy().SourceFailureLimit - 1 {
		_, _, err := f.svc.SignIn(f.ctx, identity.Credentials{Email: fmt.Sprintf("n%d@example.com", i), Password: "x"}, stranger)
		require.ErrorIs(t, err, identity.ErrUnauthenticated)
		require.NotErrorAs(t, err, new(*identity.ThrottledError))
	}
	_, _, err = f.svc.SignIn(f.ctx, wrong, stranger)
	require.ErrorAs(t, err, new(*identity.ThrottledError))
	mails := f.mailer.sent()
	require.Len(t, mails, 2)
	require.ErrorIs(t, f.svc.ResetPassword(f.ctx, mails[0].Token, otherPassword, testClient), identity.ErrUnauthenticated)
	require.NoError(t, f.svc.ResetPassword(f.ctx, mails[1].Token, otherPassword, testClient))
}

// TestI4_NothingHandsOutHashes: the Service keeps password, token and key hashes
// to itself. None of its results carries one (a hash is what an offline guess
// starts from), though the store holds each.
func TestI4_NothingHandsOutHashes(t *testing.T) {
	f := newFixture(t)
	alice, _, err := f.svc.Register(f.ctx, identity.NewIdentity{Email: "alice@example.com", Password: goodPassword})
	require.NoError(t, err)
	f.members.join("acme", alice.ID)
	sess, token, err := f.svc.SignIn(f.ctx, identity.Credentials{Email: "alice@example.com", Password: goodPassword}, testClient)
	require.NoError(t, err)
	a := f.auth(t, token)
	key, secret, err := f.svc.CreateAPIKey(f.ctx, a, identity.NewAPIKey{OrgID: "acme", Name: "ci"})
	require.NoError(t, err)
	byKey := f.auth(t, secret)

	// The store does hold them: the checks below are not vacuous.
	f.storedHash(t, alice.ID)
	storedSess, err := f.store.GetSessionByTokenHash(f.ctx, hashHex(token))
	require.NoError(t, err)
	require.NotEmpty(t, storedSess.TokenHash)
	storedKey, err := f.store.GetAPIKey(f.ctx, key.ID)
	require.NoError(t, err)
	require.NotEmpty(t, storedKey.SecretHash)

	found, err := f.svc.FindIdentityByEmail(f.ctx, "alice@example.com")
	require.NoError(t, err)
	got, err := f.svc.GetIdentity(f.ctx, alice.ID)
	require.NoError(t, err)
	renamed, err := f.svc.Rename(f.ctx, alice.ID, "Alice")
	require.NoError(t, err)
	listed, _, err := f.svc.ListIdentities(f.ctx, resellerkit.Page{})
	require.NoError(t, err)
	require.Len(t, listed, 1)
	signedUp, _, err := f.svc.CompleteSignup(f.ctx, f.requestSignup(t, "bob@example.com"), identity.NewIdentity{Password: goodPassword}, testClient)
	require.NoError(t, err)
	identities := map[string]identity.Identity{
		"Register": alice, "GetIdentity": got, "FindIdentityByEmail": found, "Rename": renamed,
		"ListIdentities": listed[0], "CompleteSignup": signedUp,
		"Authenticate (session)": a.Identity, "Authenticate (API key)": byKey.Identity,
	}
	for name, id := range identities {
		assert.NotEmpty(t, id.ID, name)
		assert.Empty(t, id.PasswordHash, name)
	}

	sessions, _, err := f.svc.ListSessions(f.ctx, a, resellerkit.Page{})
	require.NoError(t, err)
	require.Len(t, sessions, 1)
	for name, s := range map[string]identity.Session{"SignIn": sess, "ListSessions": sessions[0]} {
		assert.Equal(t, storedSess.ID, s.ID, name)
		assert.Empty(t, s.TokenHash, name)
	}

	keys, _, err := f.svc.ListAPIKeys(f.ctx, a, resellerkit.Page{})
	require.NoError(t, err)
	require.Len(t, keys, 1)
	for name, k := range map[string]identity.APIKey{"CreateAPIKey": key, "ListAPIKeys": keys[0]} {
		assert.Equal(t, storedKey.ID, k.ID, name)
		assert.Empty(t, k.SecretHash, name)
	}
}
