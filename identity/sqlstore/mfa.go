package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

// ---- TOTP -----------------------------------------------------------------

const totpColumns = `identity_id, secret, confirmed, last_step, created_at, version`

func scanTOTP(r sqldb.Row) (identity.TOTP, error) {
	var t identity.TOTP
	err := r.Scan(&t.IdentityID, sqldb.ScanBytes(&t.Secret), &t.Confirmed, &t.LastStep, sqldb.ScanTime(&t.CreatedAt), &t.Version)
	return t, err
}

// CreateTOTP implements identity.Store.
func (s *Store) CreateTOTP(ctx context.Context, t identity.TOTP) error {
	err := s.insert(ctx, "TOTP of identity", t.IdentityID, t.IdentityID, `INSERT INTO identity_totp (`+totpColumns+`)
		VALUES ($1, $2, $3, $4, $5, 1)`,
		t.IdentityID, sqldb.BytesArg(t.Secret), t.Confirmed, t.LastStep, sqldb.TimeArg(t.CreatedAt))
	return errs.Map(err, "TOTP of identity", t.IdentityID)
}

// GetTOTP implements identity.Store.
func (s *Store) GetTOTP(ctx context.Context, identityID string) (identity.TOTP, error) {
	t, err := scanTOTP(s.q(ctx).QueryRowContext(ctx,
		`SELECT `+totpColumns+` FROM identity_totp WHERE identity_id = $1`, identityID))
	return t, errs.Map(err, "TOTP of identity", identityID)
}

// UpdateTOTP implements identity.Store.
func (s *Store) UpdateTOTP(ctx context.Context, t identity.TOTP) error {
	err := s.db.Write(ctx, func(ctx context.Context, q sqldb.Querier) error {
		n, err := sqldb.Exec(ctx, q, `UPDATE identity_totp SET confirmed = $1, last_step = $2, version = version + 1
			WHERE identity_id = $3 AND version = $4`, t.Confirmed, t.LastStep, t.IdentityID, t.Version)
		if err != nil {
			return err
		}
		return errs.CheckVersion(ctx, q, n, "TOTP of identity", t.IdentityID, t.Version,
			`SELECT version FROM identity_totp WHERE identity_id = $1`, t.IdentityID)
	})
	return errs.Map(err, "TOTP of identity", t.IdentityID)
}

// AdvanceTOTPStep implements identity.Store with one conditional UPDATE (… WHERE
// last_step < $step): of two concurrent calls with the same step, the database
// lets one change the row, and the other then finds the condition false. It also
// raises the version, so an UpdateTOTP made from an earlier read cannot set the
// step back.
func (s *Store) AdvanceTOTPStep(ctx context.Context, identityID string, step int64) error {
	q := s.q(ctx)
	n, err := sqldb.Exec(ctx, q, `UPDATE identity_totp SET last_step = $1, version = version + 1
		WHERE identity_id = $2 AND last_step < $1`, step, identityID)
	if err == nil && n == 0 {
		// Nothing changed: either there is no TOTP, or its step is step or later. A
		// row deleted meanwhile is reported missing, which it then is.
		var last int64
		err = q.QueryRowContext(ctx, `SELECT last_step FROM identity_totp WHERE identity_id = $1`, identityID).Scan(&last)
		if err == nil {
			err = fmt.Errorf("%w: TOTP step %d already used (last accepted %d)", identity.ErrConflict, step, last)
		}
	}
	return errs.Map(err, "TOTP of identity", identityID)
}

// DeleteTOTP implements identity.Store.
func (s *Store) DeleteTOTP(ctx context.Context, identityID string) error {
	n, err := sqldb.Exec(ctx, s.q(ctx), `DELETE FROM identity_totp WHERE identity_id = $1`, identityID)
	if err == nil && n == 0 {
		err = errs.Missing("TOTP of identity", identityID)
	}
	return errs.Map(err, "TOTP of identity", identityID)
}

// ---- recovery codes -------------------------------------------------------

// codesPerInsert bounds the rows of one INSERT, far below either database's limit
// on bound parameters.
const codesPerInsert = 200

// ReplaceRecoveryCodes implements identity.Store: the old codes are deleted and
// the new ones inserted in one transaction. A hash given twice is stored once.
func (s *Store) ReplaceRecoveryCodes(ctx context.Context, identityID string, hashes []string) error {
	err := s.db.Write(ctx, func(ctx context.Context, q sqldb.Querier) error {
		if err := checkIdentity(ctx, q, identityID); err != nil {
			return err
		}
		if _, err := sqldb.Exec(ctx, q, `DELETE FROM identity_recovery_codes WHERE identity_id = $1`, identityID); err != nil {
			return err
		}
		for rest := hashes; len(rest) > 0; { // fn may run again: hashes stays whole
			chunk := rest[:min(len(rest), codesPerInsert)]
			rest = rest[len(chunk):]
			var b strings.Builder
			b.WriteString(`INSERT INTO identity_recovery_codes (identity_id, hash) VALUES `)
			args := []any{identityID}
			for i, h := range chunk {
				if i > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "($1, $%d)", i+2)
				args = append(args, h)
			}
			b.WriteString(` ON CONFLICT DO NOTHING`)
			if _, err := sqldb.Exec(ctx, q, b.String(), args...); err != nil {
				return err
			}
		}
		return nil
	})
	return errs.Map(err, "recovery codes of identity", identityID)
}

// UseRecoveryCode implements identity.Store: one DELETE, so of two concurrent uses
// of a code one finds it gone (ErrNotFound).
func (s *Store) UseRecoveryCode(ctx context.Context, identityID, hash string) error {
	n, err := sqldb.Exec(ctx, s.q(ctx), `DELETE FROM identity_recovery_codes WHERE identity_id = $1 AND hash = $2`, identityID, hash)
	if err == nil && n == 0 {
		err = fmt.Errorf("%w: no such recovery code of identity %q", identity.ErrNotFound, identityID)
	}
	return errs.Map(err, "recovery code of identity", identityID)
}

// CountRecoveryCodes implements identity.Store. An identity without codes, or
// none at all, has 0.
func (s *Store) CountRecoveryCodes(ctx context.Context, identityID string) (int, error) {
	var n int
	err := s.q(ctx).QueryRowContext(ctx,
		`SELECT COUNT(*) FROM identity_recovery_codes WHERE identity_id = $1`, identityID).Scan(&n)
	return n, errs.Map(err, "recovery codes of identity", identityID)
}

// ---- passkeys -------------------------------------------------------------

const passkeyColumns = `credential_id, identity_id, name, credential, sign_count, created_at, last_used_at, version`

func scanPasskey(r sqldb.Row) (identity.Passkey, error) {
	var p identity.Passkey
	var count int64
	err := r.Scan(&p.CredentialID, &p.IdentityID, &p.Name, sqldb.ScanBytes(&p.Credential), &count,
		sqldb.ScanTime(&p.CreatedAt), sqldb.ScanTime(&p.LastUsedAt), &p.Version)
	p.SignCount = uint32(count) // stored from a uint32: always in range
	return p, err
}

// CreatePasskey implements identity.Store. A credential id registered to any
// identity is ErrAlreadyExists.
func (s *Store) CreatePasskey(ctx context.Context, p identity.Passkey) error {
	err := s.insert(ctx, "passkey", p.CredentialID, p.IdentityID, `INSERT INTO identity_passkeys (`+passkeyColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 1)`,
		p.CredentialID, p.IdentityID, p.Name, sqldb.BytesArg(p.Credential), int64(p.SignCount),
		sqldb.TimeArg(p.CreatedAt), sqldb.TimeArg(p.LastUsedAt))
	return errs.Map(err, "passkey", p.CredentialID)
}

// GetPasskey implements identity.Store.
func (s *Store) GetPasskey(ctx context.Context, identityID, credentialID string) (identity.Passkey, error) {
	p, err := scanPasskey(s.q(ctx).QueryRowContext(ctx,
		`SELECT `+passkeyColumns+` FROM identity_passkeys WHERE identity_id = $1 AND credential_id = $2`,
		identityID, credentialID))
	return p, errs.Map(err, "passkey", credentialID)
}

// ListPasskeys implements identity.Store: every passkey of the identity, in byte
// order of the credential id.
func (s *Store) ListPasskeys(ctx context.Context, identityID string) ([]identity.Passkey, error) {
	l, err := sqldb.Collect(ctx, s.q(ctx), scanPasskey,
		`SELECT `+passkeyColumns+` FROM identity_passkeys WHERE identity_id = $1 ORDER BY credential_id`+s.c, identityID)
	return l, errs.Map(err, "passkeys of identity", identityID)
}

// UpdatePasskey implements identity.Store.
func (s *Store) UpdatePasskey(ctx context.Context, p identity.Passkey) error {
	err := s.db.Write(ctx, func(ctx context.Context, q sqldb.Querier) error {
		n, err := sqldb.Exec(ctx, q, `UPDATE identity_passkeys
			SET name = $1, credential = $2, sign_count = $3, last_used_at = $4, version = version + 1
			WHERE identity_id = $5 AND credential_id = $6 AND version = $7`,
			p.Name, sqldb.BytesArg(p.Credential), int64(p.SignCount), sqldb.TimeArg(p.LastUsedAt), p.IdentityID, p.CredentialID, p.Version)
		if err != nil {
			return err
		}
		return errs.CheckVersion(ctx, q, n, "passkey", p.CredentialID, p.Version,
			`SELECT version FROM identity_passkeys WHERE identity_id = $1 AND credential_id = $2`, p.IdentityID, p.CredentialID)
	})
	return errs.Map(err, "passkey", p.CredentialID)
}

// DeletePasskey implements identity.Store.
func (s *Store) DeletePasskey(ctx context.Context, identityID, credentialID string) error {
	n, err := sqldb.Exec(ctx, s.q(ctx),
		`DELETE FROM identity_passkeys WHERE identity_id = $1 AND credential_id = $2`, identityID, credentialID)
	if err == nil && n == 0 {
		err = errs.Missing("passkey", credentialID)
	}
	return errs.Map(err, "passkey", credentialID)
}
