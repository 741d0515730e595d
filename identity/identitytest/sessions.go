package identitytest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// sessionCases check sessions (I-4): unique ids and token hashes, found by token
// hash across identities, revocable, touched forward only, and cleaned up.
func sessionCases() []storeCase {
	return []storeCase{
		{"Sessions/CreateThenGetByTokenHash", sessionCreateThenGet},
		{"Sessions/IDUnique", sessionIDUnique},
		{"Sessions/TokenHashUnique", sessionTokenHashUnique},
		{"Sessions/ConcurrentCreatesOfOneTokenHashOneWins", sessionConcurrentCreates},
		{"Sessions/CreateOfMissingIdentityIsNotFound", sessionCreateOfMissingIdentity},
		{"Sessions/MissingIsNotFound", sessionMissingIsNotFound},
		{"Sessions/TouchIsMonotonic", sessionTouchIsMonotonic},
		{"Sessions/ConcurrentTouchesKeepTheLatest", sessionConcurrentTouches},
		{"Sessions/ScopedToIdentity", sessionScopedToIdentity},
		{"Sessions/DeleteRevokes", sessionDeleteRevokes},
		{"Sessions/DeleteAllButOne", sessionDeleteAllButOne},
		{"Sessions/DeleteStale", sessionDeleteStale},
	}
}

// sessions returns identityID's whole session list.
func sessions(t *testing.T, s identity.Store, identityID string) []identity.Session {
	t.Helper()
	return storetest.All(t, func(p resellerkit.Page) ([]identity.Session, string, error) {
		return s.ListSessions(t.Context(), identityID, p)
	})
}

// sessionIDs returns the ids of identityID's sessions, in list order.
func sessionIDs(t *testing.T, s identity.Store, identityID string) []string {
	t.Helper()
	var ids []string
	for _, x := range sessions(t, s, identityID) {
		ids = append(ids, x.ID)
	}
	return ids
}

// sessionCreateThenGet: every field round-trips, and GetSessionByTokenHash finds
// any identity's session (it is how a request is identified).
func sessionCreateThenGet(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreateIdentity(ctx, Identity("bob")))
	a := Session("alice", "s1")
	b := Session("bob", "s2")
	b.MFA, b.Method, b.UserAgent, b.SourceIP = false, "passkey", "", "2001:db8::1"
	for _, x := range []identity.Session{a, b} {
		must(t, s.CreateSession(ctx, x))
	}
	for _, x := range []identity.Session{a, b} {
		got, err := s.GetSessionByTokenHash(ctx, x.TokenHash)
		must(t, err)
		require.Equal(t, x, got)
	}
	require.Equal(t, []identity.Session{a}, sessions(t, s, "alice"))
	require.Equal(t, []identity.Session{b}, sessions(t, s, "bob"))
}

func sessionIDUnique(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreateIdentity(ctx, Identity("bob")))
	must(t, s.CreateSession(ctx, Session("alice", "s1")))
	for _, owner := range []string{"alice", "bob"} {
		dup := Session(owner, "s1")
		dup.TokenHash = Hash("another token of " + owner)
		errIs(t, s.CreateSession(ctx, dup), identity.ErrAlreadyExists, "a taken id, for %s", owner)
		_, err := s.GetSessionByTokenHash(ctx, dup.TokenHash)
		errIs(t, err, identity.ErrNotFound, "the refused session was not stored")
	}
	require.Equal(t, []identity.Session{Session("alice", "s1")}, sessions(t, s, "alice"))
	require.Empty(t, sessions(t, s, "bob"))
}

func sessionTokenHashUnique(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreateIdentity(ctx, Identity("bob")))
	must(t, s.CreateSession(ctx, Session("alice", "s1")))
	for _, owner := range []string{"alice", "bob"} {
		dup := Session(owner, "s-"+owner)
		dup.TokenHash = Session("alice", "s1").TokenHash
		errIs(t, s.CreateSession(ctx, dup), identity.ErrAlreadyExists, "a taken token hash, for %s", owner)
	}
	got, err := s.GetSessionByTokenHash(ctx, Session("alice", "s1").TokenHash)
	must(t, err)
	require.Equal(t, Session("alice", "s1"), got, "the token still identifies the first session")
	require.Equal(t, []string{"s1"}, sessionIDs(t, s, "alice"))
	require.Empty(t, sessions(t, s, "bob"))
}

// sessionConcurrentCreates: sessions with one token hash created at once: one
// wins, the others are ErrAlreadyExists.
func sessionConcurrentCreates(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	for round := range 5 {
		token := Hash(fmt.Sprintf("token of round %d", round))
		idOf := func(i int) string { return fmt.Sprintf("r%d-%d", round, i) }
		errs := storetest.Concurrently(4, func(i int) error {
			x := Session("alice", idOf(i))
			x.TokenHash = token
			return s.CreateSession(ctx, x)
		})
		w := oneWinner(t, errs, identity.ErrAlreadyExists)
		got, err := s.GetSessionByTokenHash(ctx, token)
		must(t, err)
		require.Equal(t, idOf(w), got.ID, "round %d", round)
	}
	require.Len(t, sessions(t, s, "alice"), 5)
}

func sessionCreateOfMissingIdentity(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("gone")))
	must(t, s.DeleteIdentity(ctx, "gone", 1))
	for _, id := range []string{"nobody", "gone"} {
		x := Session(id, "s-"+id)
		errIs(t, s.CreateSession(ctx, x), identity.ErrNotFound, "identity %s", id)
		_, err := s.GetSessionByTokenHash(ctx, x.TokenHash)
		errIs(t, err, identity.ErrNotFound, "identity %s: nothing stored", id)
		require.Empty(t, sessions(t, s, id))
	}
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreateSession(ctx, Session("alice", "s-nobody")))
}

func sessionMissingIsNotFound(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreateSession(ctx, Session("alice", "s1")))
	for _, h := range []string{Hash("token:s2"), "", Session("alice", "s1").TokenHash[:63], "s1"} {
		_, err := s.GetSessionByTokenHash(ctx, h)
		errIs(t, err, identity.ErrNotFound, "token hash %q", h)
	}
	errIs(t, s.TouchSession(ctx, "s2", t0.Add(time.Hour)), identity.ErrNotFound, "TouchSession")
	errIs(t, s.DeleteSession(ctx, "alice", "s2"), identity.ErrNotFound, "DeleteSession")
	require.Empty(t, sessions(t, s, "nobody"), "a missing identity's list is empty, not an error")
}

// sessionTouchIsMonotonic: TouchSession sets LastSeenAt only to a later time; an
// earlier or equal time is no error and changes nothing; no other field changes.
func sessionTouchIsMonotonic(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreateSession(ctx, Session("alice", "s1")))
	must(t, s.CreateSession(ctx, Session("alice", "s2")))
	want := Session("alice", "s1")
	for _, c := range []struct {
		at    time.Time
		later bool
	}{
		{t0.Add(time.Hour), true}, {t0.Add(time.Hour), false}, {t0.Add(30 * time.Minute), false},
		{t0.Add(time.Hour + time.Microsecond), true}, {t0, false}, {t0.Add(24 * time.Hour), true},
	} {
		require.NoError(t, s.TouchSession(ctx, "s1", c.at), "touch at %v", c.at)
		if c.later {
			want.LastSeenAt = c.at
		}
		got, err := s.GetSessionByTokenHash(ctx, want.TokenHash)
		must(t, err)
		require.Equal(t, want, got, "after a touch at %v", c.at)
	}
	other, err := s.GetSessionByTokenHash(ctx, Session("alice", "s2").TokenHash)
	must(t, err)
	require.Equal(t, Session("alice", "s2"), other, "another session is untouched")
}

// sessionConcurrentTouches: requests touching one session at once, with times in
// no order: the latest time is what stays.
func sessionConcurrentTouches(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreateSession(ctx, Session("alice", "s1")))
	offsets := []int{7, 3, 9, 1, 8, 2, 6, 4, 5, 0}
	for round := range 3 {
		at := func(i int) time.Time {
			return t0.Add(time.Duration(round+1)*time.Hour + time.Duration(offsets[i])*time.Second)
		}
		errs := storetest.Concurrently(len(offsets), func(i int) error { return s.TouchSession(ctx, "s1", at(i)) })
		for i, err := range errs {
			require.NoError(t, err, "round %d, touch %d", round, i)
		}
		got, err := s.GetSessionByTokenHash(ctx, Session("alice", "s1").TokenHash)
		must(t, err)
		require.Equal(t, at(slices.Index(offsets, 9)), got.LastSeenAt, "round %d", round)
	}
}

// sessionScopedToIdentity: ListSessions, DeleteSession and DeleteSessions of one
// identity never see or change another's sessions; another's session is
// ErrNotFound, exactly like a missing one.
func sessionScopedToIdentity(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreateIdentity(ctx, Identity("bob")))
	for _, id := range []string{"a1", "a2"} {
		must(t, s.CreateSession(ctx, Session("alice", id)))
	}
	must(t, s.CreateSession(ctx, Session("bob", "b1")))
	require.Equal(t, []string{"a1", "a2"}, sessionIDs(t, s, "alice"))
	require.Equal(t, []string{"b1"}, sessionIDs(t, s, "bob"))
	errIs(t, s.DeleteSession(ctx, "bob", "a1"), identity.ErrNotFound, "bob revoking alice's session")
	n, err := s.DeleteSessions(ctx, "bob", "a1")
	must(t, err)
	require.Equal(t, 1, n, "bob's own session only")
	require.Equal(t, []string{"a1", "a2"}, sessionIDs(t, s, "alice"), "alice's sessions stay")
	require.Empty(t, sessions(t, s, "bob"))
	got, err := s.GetSessionByTokenHash(ctx, Session("alice", "a1").TokenHash)
	must(t, err)
	require.Equal(t, Session("alice", "a1"), got)
}

// sessionDeleteRevokes: a deleted session is found by no token, cannot be touched
// or deleted again, and leaves the identity's others.
func sessionDeleteRevokes(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreateSession(ctx, Session("alice", "s1")))
	must(t, s.CreateSession(ctx, Session("alice", "s2")))
	must(t, s.DeleteSession(ctx, "alice", "s1"))
	_, err := s.GetSessionByTokenHash(ctx, Session("alice", "s1").TokenHash)
	errIs(t, err, identity.ErrNotFound, "a revoked session's token")
	errIs(t, s.TouchSession(ctx, "s1", t0.Add(time.Hour)), identity.ErrNotFound, "touching a revoked session")
	errIs(t, s.DeleteSession(ctx, "alice", "s1"), identity.ErrNotFound, "revoked twice")
	require.Equal(t, []identity.Session{Session("alice", "s2")}, sessions(t, s, "alice"))
	_, err = s.GetSessionByTokenHash(ctx, Session("alice", "s2").TokenHash)
	must(t, err)
}

// sessionDeleteAllButOne: DeleteSessions removes every session of the identity but
// except (all when except is empty or names no session of its own) and returns how
// many it removed.
func sessionDeleteAllButOne(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreateIdentity(ctx, Identity("bob")))
	for _, id := range []string{"a1", "a2", "a3", "a4"} {
		must(t, s.CreateSession(ctx, Session("alice", id)))
	}
	must(t, s.CreateSession(ctx, Session("bob", "b1")))

	n, err := s.DeleteSessions(ctx, "alice", "a2")
	must(t, err)
	require.Equal(t, 3, n)
	require.Equal(t, []identity.Session{Session("alice", "a2")}, sessions(t, s, "alice"), "the kept session is unchanged")
	for _, id := range []string{"a1", "a3", "a4"} {
		_, err := s.GetSessionByTokenHash(ctx, Session("alice", id).TokenHash)
		errIs(t, err, identity.ErrNotFound, "session %s", id)
	}
	n, err = s.DeleteSessions(ctx, "alice", "a2")
	must(t, err)
	require.Zero(t, n, "nothing left to remove")

	must(t, s.CreateSession(ctx, Session("alice", "a5")))
	n, err = s.DeleteSessions(ctx, "alice", "b1") // bob's: keeps none of alice's, and not bob's either
	must(t, err)
	require.Equal(t, 2, n)
	require.Empty(t, sessions(t, s, "alice"))

	must(t, s.CreateSession(ctx, Session("alice", "a6")))
	must(t, s.CreateSession(ctx, Session("alice", "a7")))
	n, err = s.DeleteSessions(ctx, "alice", "")
	must(t, err)
	require.Equal(t, 2, n, "an empty except keeps none")
	require.Empty(t, sessions(t, s, "alice"))

	n, err = s.DeleteSessions(ctx, "nobody", "")
	must(t, err)
	require.Zero(t, n, "an identity with no sessions")
	require.Equal(t, []identity.Session{Session("bob", "b1")}, sessions(t, s, "bob"), "bob's session stays throughout")
}

// sessionDeleteStale: DeleteStaleSessions removes, across identities, the sessions
// that expired at or before expiredBy or were last seen at or before idleBy, and
// returns how many: both bounds are inclusive, compared to the microsecond.
func sessionDeleteStale(t *testing.T, s identity.Store) {
	ctx := t.Context()
	expiredBy, idleBy := t0.Add(24*time.Hour), t0.Add(2*time.Hour)
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreateIdentity(ctx, Identity("bob")))
	var stale, kept []identity.Session
	for _, c := range []struct {
		owner, id     string
		seen, expires time.Duration // from idleBy, from expiredBy
		removed       bool
	}{
		{"alice", "expired-before", time.Hour, -time.Microsecond, true},
		{"bob", "expired-at", time.Hour, 0, true},
		{"alice", "expires-after", time.Hour, time.Microsecond, false},
		{"bob", "idle-before", -time.Microsecond, time.Hour, true},
		{"alice", "idle-at", 0, time.Hour, true},
		{"bob", "seen-after", time.Microsecond, time.Hour, false},
		{"alice", "both", -time.Hour, -time.Hour, true},
		{"bob", "fresh", time.Hour, time.Hour, false},
	} {
		x := Session(c.owner, c.id)
		x.LastSeenAt, x.ExpiresAt = idleBy.Add(c.seen), expiredBy.Add(c.expires)
		must(t, s.CreateSession(ctx, x))
		if c.removed {
			stale = append(stale, x)
		} else {
			kept = append(kept, x)
		}
	}
	n, err := s.DeleteStaleSessions(ctx, expiredBy, idleBy)
	must(t, err)
	require.Equal(t, len(stale), n)
	for _, x := range stale {
		_, err := s.GetSessionByTokenHash(ctx, x.TokenHash)
		errIs(t, err, identity.ErrNotFound, "session %s is stale", x.ID)
	}
	for _, x := range kept {
		got, err := s.GetSessionByTokenHash(ctx, x.TokenHash)
		require.NoError(t, err, "session %s is not stale", x.ID)
		require.Equal(t, x, got)
	}
	n, err = s.DeleteStaleSessions(ctx, expiredBy, idleBy)
	must(t, err)
	require.Zero(t, n, "a second run finds nothing")
}

// apiKeyCases check API keys (I-4): unique ids, found by id across identities,
// revocable, touched forward only.
func apiKeyCases() []storeCase {
	return []storeCase{
		{"APIKeys/CreateThenGet", apiKeyCreateThenGet},
		{"APIKeys/IDUniqueAcrossIdentities", apiKeyIDUnique},
		{"APIKeys/CreateOfMissingIdentityIsNotFound", apiKeyCreateOfMissingIdentity},
		{"APIKeys/MissingIsNotFound", apiKeyMissingIsNotFound},
		{"APIKeys/TouchIsMonotonic", apiKeyTouchIsMonotonic},
		{"APIKeys/ConcurrentTouchesKeepTheLatest", apiKeyConcurrentTouches},
		{"APIKeys/ScopedToIdentity", apiKeyScopedToIdentity},
		{"APIKeys/DeleteRevokes", apiKeyDeleteRevokes},
	}
}

// apiKeys returns identityID's whole API key list.
func apiKeys(t *testing.T, s identity.Store, identityID string) []identity.APIKey {
	t.Helper()
	return storetest.All(t, func(p resellerkit.Page) ([]identity.APIKey, string, error) {
		return s.ListAPIKeys(t.Context(), identityID, p)
	})
}

// apiKeyCreateThenGet: every field round-trips (a zero ExpiresAt, "never", and a
// zero LastUsedAt included), and GetAPIKey finds any identity's key.
func apiKeyCreateThenGet(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreateIdentity(ctx, Identity("bob")))
	a := APIKey("alice", "rk_a1")
	b := APIKey("bob", "rk_b1")
	b.OrgID, b.Name, b.MFA, b.ExpiresAt, b.LastUsedAt = "org-2", "", false, time.Time{}, t0.Add(time.Minute)
	for _, k := range []identity.APIKey{a, b} {
		must(t, s.CreateAPIKey(ctx, k))
	}
	for _, k := range []identity.APIKey{a, b} {
		got, err := s.GetAPIKey(ctx, k.ID)
		must(t, err)
		require.Equal(t, k, got)
	}
	require.Equal(t, []identity.APIKey{a}, apiKeys(t, s, "alice"))
	require.Equal(t, []identity.APIKey{b}, apiKeys(t, s, "bob"))
}

func apiKeyIDUnique(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreateIdentity(ctx, Identity("bob")))
	must(t, s.CreateAPIKey(ctx, APIKey("alice", "rk_1")))
	for _, owner := range []string{"alice", "bob"} {
		dup := APIKey(owner, "rk_1")
		dup.SecretHash, dup.Name = Hash("another secret"), "dup"
		errIs(t, s.CreateAPIKey(ctx, dup), identity.ErrAlreadyExists, "a taken id, for %s", owner)
	}
	got, err := s.GetAPIKey(ctx, "rk_1")
	must(t, err)
	require.Equal(t, APIKey("alice", "rk_1"), got)
	require.Empty(t, apiKeys(t, s, "bob"))
}

func apiKeyCreateOfMissingIdentity(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("gone")))
	must(t, s.DeleteIdentity(ctx, "gone", 1))
	for _, id := range []string{"nobody", "gone"} {
		errIs(t, s.CreateAPIKey(ctx, APIKey(id, "rk_"+id)), identity.ErrNotFound, "identity %s", id)
		_, err := s.GetAPIKey(ctx, "rk_"+id)
		errIs(t, err, identity.ErrNotFound, "identity %s: nothing stored", id)
	}
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreateAPIKey(ctx, APIKey("alice", "rk_nobody")))
}

func apiKeyMissingIsNotFound(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreateAPIKey(ctx, APIKey("alice", "rk_1")))
	for _, id := range []string{"rk_2", "", "RK_1", "rk_"} {
		_, err := s.GetAPIKey(ctx, id)
		errIs(t, err, identity.ErrNotFound, "GetAPIKey %q", id)
	}
	errIs(t, s.TouchAPIKey(ctx, "rk_2", t0.Add(time.Hour)), identity.ErrNotFound, "TouchAPIKey")
	errIs(t, s.DeleteAPIKey(ctx, "alice", "rk_2"), identity.ErrNotFound, "DeleteAPIKey")
	require.Empty(t, apiKeys(t, s, "nobody"), "a missing identity's list is empty, not an error")
}

// apiKeyTouchIsMonotonic: TouchAPIKey sets LastUsedAt only to a later time (the
// first use sets it from unset); an earlier or equal time is no error and changes
// nothing; no other field changes.
func apiKeyTouchIsMonotonic(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreateAPIKey(ctx, APIKey("alice", "rk_1")))
	must(t, s.CreateAPIKey(ctx, APIKey("alice", "rk_2")))
	want := APIKey("alice", "rk_1")
	for _, c := range []struct {
		at    time.Time
		later bool
	}{
		{t0.Add(time.Hour), true}, {t0.Add(time.Hour), false}, {t0.Add(30 * time.Minute), false},
		{t0.Add(time.Hour + time.Microsecond), true}, {t0, false}, {t0.Add(24 * time.Hour), true},
	} {
		require.NoError(t, s.TouchAPIKey(ctx, "rk_1", c.at), "touch at %v", c.at)
		if c.later {
			want.LastUsedAt = c.at
		}
		got, err := s.GetAPIKey(ctx, "rk_1")
		must(t, err)
		require.Equal(t, want, got, "after a touch at %v", c.at)
	}
	other, err := s.GetAPIKey(ctx, "rk_2")
	must(t, err)
	require.Equal(t, APIKey("alice", "rk_2"), other, "another key is untouched")
}

func apiKeyConcurrentTouches(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreateAPIKey(ctx, APIKey("alice", "rk_1")))
	offsets := []int{7, 3, 9, 1, 8, 2, 6, 4, 5, 0}
	for round := range 3 {
		at := func(i int) time.Time {
			return t0.Add(time.Duration(round+1)*time.Hour + time.Duration(offsets[i])*time.Second)
		}
		errs := storetest.Concurrently(len(offsets), func(i int) error { return s.TouchAPIKey(ctx, "rk_1", at(i)) })
		for i, err := range errs {
			require.NoError(t, err, "round %d, touch %d", round, i)
		}
		got, err := s.GetAPIKey(ctx, "rk_1")
		must(t, err)
		require.Equal(t, at(slices.Index(offsets, 9)), got.LastUsedAt, "round %d", round)
	}
}

func apiKeyScopedToIdentity(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreateIdentity(ctx, Identity("bob")))
	must(t, s.CreateAPIKey(ctx, APIKey("alice", "rk_a1")))
	must(t, s.CreateAPIKey(ctx, APIKey("alice", "rk_a2")))
	must(t, s.CreateAPIKey(ctx, APIKey("bob", "rk_b1")))
	require.Equal(t, []identity.APIKey{APIKey("alice", "rk_a1"), APIKey("alice", "rk_a2")}, apiKeys(t, s, "alice"))
	require.Equal(t, []identity.APIKey{APIKey("bob", "rk_b1")}, apiKeys(t, s, "bob"))
	errIs(t, s.DeleteAPIKey(ctx, "bob", "rk_a1"), identity.ErrNotFound, "bob revoking alice's key")
	got, err := s.GetAPIKey(ctx, "rk_a1")
	must(t, err)
	assert.Equal(t, APIKey("alice", "rk_a1"), got, "alice's key stays")
}

func apiKeyDeleteRevokes(t *testing.T, s identity.Store) {
	ctx := t.Context()
	must(t, s.CreateIdentity(ctx, Identity("alice")))
	must(t, s.CreateAPIKey(ctx, APIKey("alice", "rk_1")))
	must(t, s.CreateAPIKey(ctx, APIKey("alice", "rk_2")))
	must(t, s.DeleteAPIKey(ctx, "alice", "rk_1"))
	_, err := s.GetAPIKey(ctx, "rk_1")
	errIs(t, err, identity.ErrNotFound, "a revoked key")
	errIs(t, s.TouchAPIKey(ctx, "rk_1", t0.Add(time.Hour)), identity.ErrNotFound, "touching a revoked key")
	errIs(t, s.DeleteAPIKey(ctx, "alice", "rk_1"), identity.ErrNotFound, "revoked twice")
	require.Equal(t, []identity.APIKey{APIKey("alice", "rk_2")}, apiKeys(t, s, "alice"))
}
