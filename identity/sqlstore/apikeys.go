package sqlstore

import (
	"context"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

const apiKeyColumns = `id, identity_id, org_id, name, secret_hash, mfa, created_at, expires_at, last_used_at`

func scanAPIKey(r sqldb.Row) (identity.APIKey, error) {
	var k identity.APIKey
	err := r.Scan(&k.ID, &k.IdentityID, &k.OrgID, &k.Name, &k.SecretHash, &k.MFA,
		sqldb.ScanTime(&k.CreatedAt), sqldb.ScanTime(&k.ExpiresAt), sqldb.ScanTime(&k.LastUsedAt))
	return k, err
}

// CreateAPIKey implements identity.Store.
func (s *Store) CreateAPIKey(ctx context.Context, k identity.APIKey) error {
	err := s.insert(ctx, "API key", k.ID, k.IdentityID, `INSERT INTO identity_api_keys (`+apiKeyColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		k.ID, k.IdentityID, k.OrgID, k.Name, k.SecretHash, k.MFA,
		sqldb.TimeArg(k.CreatedAt), sqldb.TimeArg(k.ExpiresAt), sqldb.TimeArg(k.LastUsedAt))
	return errs.Map(err, "API key", k.ID)
}

// GetAPIKey implements identity.Store. Unscoped: this is how a program is
// identified.
func (s *Store) GetAPIKey(ctx context.Context, keyID string) (identity.APIKey, error) {
	k, err := scanAPIKey(s.q(ctx).QueryRowContext(ctx,
		`SELECT `+apiKeyColumns+` FROM identity_api_keys WHERE id = $1`, keyID))
	return k, errs.Map(err, "API key", keyID)
}

// ListAPIKeys implements identity.Store.
func (s *Store) ListAPIKeys(ctx context.Context, identityID string, pg resellerkit.Page) ([]identity.APIKey, string, error) {
	l, next, err := sqldb.Page(ctx, s.q(ctx), pg, scanAPIKey, func(k identity.APIKey) string { return k.ID },
		`SELECT `+apiKeyColumns+` FROM identity_api_keys WHERE identity_id = $1 AND id`+s.c+` > $2
		ORDER BY id`+s.c+` LIMIT $3`, identityID)
	return l, next, errs.Map(err, "API keys of identity", identityID)
}

// TouchAPIKey implements identity.Store with one conditional UPDATE, so
// last_used_at only moves forward.
func (s *Store) TouchAPIKey(ctx context.Context, keyID string, at time.Time) error {
	err := touch(ctx, s.q(ctx), "API key", keyID,
		`UPDATE identity_api_keys SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $1)`,
		`SELECT 1 FROM identity_api_keys WHERE id = $1`, at)
	return errs.Map(err, "API key", keyID)
}

// DeleteAPIKey implements identity.Store.
func (s *Store) DeleteAPIKey(ctx context.Context, identityID, keyID string) error {
	n, err := sqldb.Exec(ctx, s.q(ctx), `DELETE FROM identity_api_keys WHERE identity_id = $1 AND id = $2`, identityID, keyID)
	if err == nil && n == 0 {
		err = errs.Missing("API key", keyID)
	}
	return errs.Map(err, "API key", keyID)
}
