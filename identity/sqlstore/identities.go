package sqlstore

import (
	"context"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

const identityColumns = `id, email, name, password_hash, password_changed_at, created_at, updated_at, version`

func scanIdentity(r sqldb.Row) (identity.Identity, error) {
	var i identity.Identity
	err := r.Scan(&i.ID, &i.Email, &i.Name, &i.PasswordHash,
		sqldb.ScanTime(&i.PasswordChangedAt), sqldb.ScanTime(&i.CreatedAt), sqldb.ScanTime(&i.UpdatedAt), &i.Version)
	return i, err
}

// CreateIdentity implements identity.Store. A taken id or email (I-1) is
// ErrAlreadyExists.
func (s *Store) CreateIdentity(ctx context.Context, i identity.Identity) error {
	err := s.insert(ctx, "identity", i.ID, "", `INSERT INTO identity_identities (`+identityColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 1)`,
		i.ID, i.Email, i.Name, i.PasswordHash, sqldb.TimeArg(i.PasswordChangedAt), sqldb.TimeArg(i.CreatedAt), sqldb.TimeArg(i.UpdatedAt))
	return errs.Map(err, "identity", i.ID)
}

// GetIdentity implements identity.Store.
func (s *Store) GetIdentity(ctx context.Context, identityID string) (identity.Identity, error) {
	i, err := scanIdentity(s.q(ctx).QueryRowContext(ctx,
		`SELECT `+identityColumns+` FROM identity_identities WHERE id = $1`, identityID))
	return i, errs.Map(err, "identity", identityID)
}

// GetIdentityByEmail implements identity.Store.
func (s *Store) GetIdentityByEmail(ctx context.Context, email string) (identity.Identity, error) {
	i, err := scanIdentity(s.q(ctx).QueryRowContext(ctx,
		`SELECT `+identityColumns+` FROM identity_identities WHERE email = $1`, email))
	return i, errs.Map(err, "identity with email", email)
}

// ListIdentities implements identity.Store. Unscoped (operators only).
func (s *Store) ListIdentities(ctx context.Context, pg resellerkit.Page) ([]identity.Identity, string, error) {
	l, next, err := sqldb.Page(ctx, s.q(ctx), pg, scanIdentity, func(i identity.Identity) string { return i.ID },
		`SELECT `+identityColumns+` FROM identity_identities WHERE id`+s.c+` > $1 ORDER BY id`+s.c+` LIMIT $2`)
	return l, next, errs.Map(err, "identities", "")
}

// UpdateIdentity implements identity.Store. The email never changes (I-1).
func (s *Store) UpdateIdentity(ctx context.Context, i identity.Identity) error {
	err := s.db.Write(ctx, func(ctx context.Context, q sqldb.Querier) error {
		n, err := sqldb.Exec(ctx, q, `UPDATE identity_identities
			SET name = $1, password_hash = $2, password_changed_at = $3, updated_at = $4, version = version + 1
			WHERE id = $5 AND version = $6`,
			i.Name, i.PasswordHash, sqldb.TimeArg(i.PasswordChangedAt), sqldb.TimeArg(i.UpdatedAt), i.ID, i.Version)
		if err != nil {
			return err
		}
		return errs.CheckVersion(ctx, q, n, "identity", i.ID, i.Version,
			`SELECT version FROM identity_identities WHERE id = $1`, i.ID)
	})
	return errs.Map(err, "identity", i.ID)
}

// DeleteIdentity implements identity.Store. The identity's TOTP, recovery codes,
// passkeys, sessions, API keys and tickets go with it, by the foreign keys' ON
// DELETE CASCADE, in the same statement.
func (s *Store) DeleteIdentity(ctx context.Context, identityID string, version int64) error {
	err := s.db.Write(ctx, func(ctx context.Context, q sqldb.Querier) error {
		n, err := sqldb.Exec(ctx, q, `DELETE FROM identity_identities WHERE id = $1 AND version = $2`, identityID, version)
		if err != nil {
			return err
		}
		return errs.CheckVersion(ctx, q, n, "identity", identityID, version,
			`SELECT version FROM identity_identities WHERE id = $1`, identityID)
	})
	return errs.Map(err, "identity", identityID)
}
