package sqlstore

import (
	"context"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

const orgColumns = `id, code, name, alias, enforce_mfa, created_at, updated_at, version`

func scanOrg(r sqldb.Row) (members.Organization, error) {
	var o members.Organization
	err := r.Scan(&o.ID, &o.Code, &o.Name, &o.Alias, &o.EnforceMFA,
		sqldb.ScanTime(&o.CreatedAt), sqldb.ScanTime(&o.UpdatedAt), &o.Version)
	return o, err
}

// CreateOrganization implements members.Store.
func (s *Store) CreateOrganization(ctx context.Context, o members.Organization) error {
	err := s.insert(ctx, "organization", o.ID, "", `INSERT INTO organizations (`+orgColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 1)`,
		o.ID, o.Code, o.Name, o.Alias, o.EnforceMFA, sqldb.TimeArg(o.CreatedAt), sqldb.TimeArg(o.UpdatedAt))
	return errs.Map(err, "organization", o.ID)
}

// GetOrganization implements members.Store.
func (s *Store) GetOrganization(ctx context.Context, orgID string) (members.Organization, error) {
	o, err := scanOrg(s.q(ctx).QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organizations WHERE id = $1`, orgID))
	return o, errs.Map(err, "organization", orgID)
}

// ListOrganizations implements members.Store. Unscoped (operators only).
func (s *Store) ListOrganizations(ctx context.Context, pg resellerkit.Page) ([]members.Organization, string, error) {
	l, next, err := sqldb.Page(ctx, s.q(ctx), pg, scanOrg, func(o members.Organization) string { return o.ID },
		`SELECT `+orgColumns+` FROM organizations WHERE id`+s.c+` > $1 ORDER BY id`+s.c+` LIMIT $2`)
	return l, next, errs.Map(err, "organizations", "")
}

// UpdateOrganization implements members.Store.
func (s *Store) UpdateOrganization(ctx context.Context, o members.Organization) error {
	err := s.db.Write(ctx, func(ctx context.Context, q sqldb.Querier) error {
		n, err := sqldb.Exec(ctx, q, `UPDATE organizations
			SET name = $1, alias = $2, enforce_mfa = $3, updated_at = $4, version = version + 1
			WHERE id = $5 AND version = $6`,
			o.Name, o.Alias, o.EnforceMFA, sqldb.TimeArg(o.UpdatedAt), o.ID, o.Version)
		if err != nil {
			return err
		}
		return errs.CheckVersion(ctx, q, n, "organization", o.ID, o.Version,
			`SELECT version FROM organizations WHERE id = $1`, o.ID)
	})
	return errs.Map(err, "organization", o.ID)
}
