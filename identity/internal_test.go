package identity

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// signInStore is the part of a Store a password sign-in uses, in memory. (The
// memstore cannot be used here: it imports this package.) The embedded nil Store
// makes any other method panic, so a sign-in reaching for one shows at once.
type signInStore struct {
	Store
	mu         sync.Mutex
	identities map[string]Identity
	failures   map[string][]time.Time
}

func newSignInStore() *signInStore {
	return &signInStore{identities: map[string]Identity{}, failures: map[string][]time.Time{}}
}

func (s *signInStore) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return fn(ctx) // one goroutine at a time in this test
}

func (s *signInStore) CreateIdentity(_ context.Context, id Identity) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.identities[id.ID] = id
	return nil
}

func (s *signInStore) GetIdentity(_ context.Context, identityID string) (Identity, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.identities[identityID]
	if !ok {
		return Identity{}, ErrNotFound
	}
	return id, nil
}

func (s *signInStore) GetIdentityByEmail(_ context.Context, email string) (Identity, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range s.identities {
		if id.Email == email {
			return id, nil
		}
	}
	return Identity{}, ErrNotFound
}

func (s *signInStore) GetTOTP(context.Context, string) (TOTP, error)           { return TOTP{}, ErrNotFound }
func (s *signInStore) ListPasskeys(context.Context, string) ([]Passkey, error) { return nil, nil }
func (s *signInStore) CountRecoveryCodes(context.Context, string) (int, error) { return 0, nil }
func (s *signInStore) CreateSession(context.Context, Session) error            { return nil }

func (s *signInStore) AddFailure(_ context.Context, key string, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[key] = append(s.failures[key], at)
	return nil
}

func (s *signInStore) RecentFailures(_ context.Context, key string, since time.Time, limit int) ([]time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []time.Time
	for _, at := range s.failures[key] {
		if !at.Before(since) {
			out = append(out, at)
		}
	}
	slices.SortFunc(out, time.Time.Compare)
	return out[max(len(out)-limit, 0):], nil
}

func (s *signInStore) RemoveFailure(_ context.Context, key string, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[key] = slices.DeleteFunc(s.failures[key], at.Equal)
	return nil
}

func (s *signInStore) ClearFailures(_ context.Context, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.failures, key)
	return nil
}

// TestI4_UnknownEmailCostsAHashToo: every password sign-in that is checked costs
// exactly one argon2id derivation with the Service's parameters, whether the
// email is unknown, malformed, or known with a wrong or right password, so the
// time of the answer does not tell whether an identity exists (I-4). A throttled
// attempt costs none, known email or not.
func TestI4_UnknownEmailCostsAHashToo(t *testing.T) {
	ctx := t.Context()
	h, err := NewHasher(Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})
	require.NoError(t, err)
	var derived atomic.Int64
	h.onDerive = func() { derived.Add(1) }
	now := time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)
	svc, err := NewService(newSignInStore(), WithHasher(h), WithClock(func() time.Time { return now }))
	require.NoError(t, err)
	_, _, err = svc.Register(ctx, NewIdentity{Email: "alice@example.com", Password: "Correct-Horse-9"})
	require.NoError(t, err)
	require.Equal(t, int64(1), derived.Load(), "Register hashes once")

	tests := []struct {
		name  string
		email string
		pw    string
		ok    bool
	}{
		{"unknown email", "nobody@example.com", "Correct-Horse-9", false},
		{"wrong password", "alice@example.com", "Wrong-Horse-9", false},
		{"malformed email", "not an email", "Correct-Horse-9", false},
		{"empty password, unknown email", "nobody@example.com", "", false},
		{"right password", "alice@example.com", "Correct-Horse-9", true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			derived.Store(0)
			now = now.Add(time.Second)
			_, _, err := svc.SignIn(ctx, Credentials{Email: tt.email, Password: tt.pw}, Client{IP: fmt.Sprintf("192.0.2.%d", i+1)})
			if tt.ok {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, ErrUnauthenticated)
			}
			assert.Equal(t, int64(1), derived.Load(), "exactly one derivation")
		})
	}

	// The unknown email's derivation is as costly as a real one: the dummy hash
	// has the Service's parameters. (A subtest: it reads what the sign-ins above
	// made, and a -run filter may have skipped them.)
	t.Run("dummy hash has the service's parameters", func(t *testing.T) {
		h.Dummy(ctx, "any")
		p, _, _, err := decodeHash(h.dummy)
		require.NoError(t, err)
		assert.Equal(t, h.Params(), p)
	})

	t.Run("throttled attempts cost none", func(t *testing.T) {
		for range svc.Policy().FailureLimit {
			for _, email := range []string{"alice@example.com", "nobody@example.com"} {
				_, _, err := svc.SignIn(ctx, Credentials{Email: email, Password: "Wrong-Horse-9"}, Client{IP: "198.51.100.1"})
				require.ErrorIs(t, err, ErrUnauthenticated)
			}
		}
		for _, email := range []string{"alice@example.com", "nobody@example.com"} {
			derived.Store(0)
			_, _, err := svc.SignIn(ctx, Credentials{Email: email, Password: "Correct-Horse-9"}, Client{IP: "198.51.100.2"})
			require.ErrorAs(t, err, new(*ThrottledError), email)
			assert.Zero(t, derived.Load(), email)
		}
	})

	t.Run("a re-check of the password costs one", func(t *testing.T) {
		now = now.Add(svc.Policy().FailureWindow)
		alice, err := svc.store.GetIdentityByEmail(ctx, "alice@example.com")
		require.NoError(t, err)
		derived.Store(0)
		err = svc.ChangePassword(ctx, Auth{Identity: alice.public(), SessionID: "s1"}, "Wrong-Horse-9", "Battery#Staple42")
		require.ErrorIs(t, err, ErrWrongPassword)
		assert.Equal(t, int64(1), derived.Load())
	})
}

// TestI4_EveryPasswordChangeMovesPasswordChangedAt: the guards of I-4 tell a
// password change from a rehash by PasswordChangedAt, so each change moves it
// forward at the stores' precision, whatever the clock says.
func TestI4_EveryPasswordChangeMovesPasswordChangedAt(t *testing.T) {
	prev := time.Date(2026, 3, 1, 10, 0, 0, 123_456_000, time.UTC)
	zone := time.FixedZone("UTC+2", 2*3600)
	tests := []struct {
		name      string
		prev, now time.Time
		want      time.Time
	}{
		{"the clock moved", prev, prev.Add(time.Second), prev.Add(time.Second)},
		{"at microseconds, in UTC", prev, prev.Add(time.Second + 789).In(zone), prev.Add(time.Second)},
		{"the clock stood still", prev, prev, prev.Add(time.Microsecond)},
		{"within the same microsecond", prev, prev.Add(999), prev.Add(time.Microsecond)},
		{"the clock went back", prev, prev.Add(-time.Hour), prev.Add(time.Microsecond)},
		{"no password before", time.Time{}, prev, prev},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := nextPasswordChange(tt.prev, tt.now)
			require.Equal(t, tt.want, got)
			require.True(t, got.After(tt.prev))
		})
	}
}
