package identity

import (
	"context"
	"crypto/subtle"
	"errors"
	"strings"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
)

// NewAPIKey is the input of CreateAPIKey.
type NewAPIKey struct {
	OrgID     string
	Name      string
	ExpiresAt time.Time // zero: never
}

// CreateAPIKey creates an API key for a's identity, bound to one organization it
// belongs to (I-4). It returns the key and the full secret "<ID>.<secret>", shown
// only now: the store keeps a hash. Only a session may create keys (a key cannot
// mint keys); the key passes the EnforceMFA gate (M-6) only if that session was
// established with a second factor. ErrNotFound if the identity is not a member
// of the organization (or the Service has no Memberships).
func (s *Service) CreateAPIKey(ctx context.Context, a Auth, in NewAPIKey) (APIKey, string, error) {
	if err := a.session(); err != nil {
		return APIKey{}, "", err
	}
	if err := checkName(in.Name); err != nil {
		return APIKey{}, "", err
	}
	if strings.TrimSpace(in.Name) == "" {
		return APIKey{}, "", invalid("name", in.Name, "I-4", "is required")
	}
	now := s.clock()
	if !in.ExpiresAt.IsZero() && !in.ExpiresAt.After(now) {
		return APIKey{}, "", invalid("expires_at", in.ExpiresAt.UTC().Format(time.RFC3339), "I-4", "must be in the future")
	}
	if s.members == nil {
		return APIKey{}, "", errors.Join(ErrNotFound, errors.New("identity: no membership source configured (WithMemberships)"))
	}
	ok, err := s.members.IsMember(ctx, in.OrgID, a.Identity.ID)
	if err != nil {
		return APIKey{}, "", err
	}
	if !ok {
		return APIKey{}, "", errors.Join(ErrNotFound, errors.New("identity: not a member of organization "+resellerkit.Truncate(in.OrgID)))
	}
	id := APIKeyPrefix + strings.ToLower(newSecret()[:16])
	secret := newSecret()
	k := APIKey{ID: id, IdentityID: a.Identity.ID, OrgID: in.OrgID, Name: in.Name, SecretHash: hashSecret(secret),
		MFA: a.MFA, CreatedAt: now, ExpiresAt: in.ExpiresAt.UTC().Truncate(time.Microsecond)}
	if err := s.store.CreateAPIKey(ctx, k); err != nil {
		return APIKey{}, "", err
	}
	k.SecretHash = ""
	return k, id + "." + secret, nil
}

func (s *Service) authenticateKey(ctx context.Context, token string) (Auth, error) {
	id, secret, ok := strings.Cut(token, ".")
	if !ok || secret == "" {
		return Auth{}, ErrUnauthenticated
	}
	k, err := s.store.GetAPIKey(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return Auth{}, ErrUnauthenticated
	}
	if err != nil {
		return Auth{}, err
	}
	if subtle.ConstantTimeCompare([]byte(hashSecret(secret)), []byte(k.SecretHash)) != 1 {
		return Auth{}, ErrUnauthenticated
	}
	now := s.clock()
	if !k.ExpiresAt.IsZero() && !now.Before(k.ExpiresAt) {
		return Auth{}, ErrUnauthenticated
	}
	if now.Sub(k.LastUsedAt) >= s.policy.TouchEvery {
		if err := s.store.TouchAPIKey(ctx, k.ID, now); errors.Is(err, ErrNotFound) {
			return Auth{}, ErrUnauthenticated
		} else if err != nil {
			return Auth{}, err
		}
	}
	who, err := s.store.GetIdentity(ctx, k.IdentityID)
	if errors.Is(err, ErrNotFound) {
		return Auth{}, ErrUnauthenticated
	}
	if err != nil {
		return Auth{}, err
	}
	return Auth{Identity: who.public(), APIKeyID: k.ID, OrgID: k.OrgID, MFA: k.MFA}, nil
}

// ListAPIKeys returns a page of the identity's keys ordered by id: their prefixes,
// names, organizations, expiry and last use, never their secrets.
func (s *Service) ListAPIKeys(ctx context.Context, a Auth, page resellerkit.Page) ([]APIKey, string, error) {
	if err := a.session(); err != nil {
		return nil, "", err
	}
	identityID := a.Identity.ID
	if err := checkPage(page); err != nil {
		return nil, "", err
	}
	keys, next, err := s.store.ListAPIKeys(ctx, identityID, page)
	for i := range keys {
		keys[i].SecretHash = ""
	}
	return keys, next, err
}

// RevokeAPIKey ends one of the identity's keys at once (I-4). ErrNotFound if it
// has no such key.
func (s *Service) RevokeAPIKey(ctx context.Context, a Auth, keyID string) error {
	if err := a.session(); err != nil {
		return err
	}
	identityID := a.Identity.ID
	return s.store.DeleteAPIKey(ctx, identityID, keyID)
}
