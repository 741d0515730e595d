package sqlstore

import (
	"context"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

const membershipColumns = `org_id, identity_id, email, member_type, permissions, created_at, updated_at, version`

func scanMembership(r sqldb.Row) (members.Membership, error) {
	var m members.Membership
	err := r.Scan(&m.OrgID, &m.IdentityID, &m.Email, &m.Type, sqldb.ScanList(&m.Permissions),
		sqldb.ScanTime(&m.CreatedAt), sqldb.ScanTime(&m.UpdatedAt), &m.Version)
	return m, err
}

func memberKey(orgID, identityID string) string { return orgID + "/" + identityID }

// CreateMembership implements members.Store.
func (s *Store) CreateMembership(ctx context.Context, m members.Membership) error {
	err := s.insert(ctx, "membership", m.IdentityID, m.OrgID, `INSERT INTO memberships (`+membershipColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 1)`,
		m.OrgID, m.IdentityID, m.Email, string(m.Type), sqldb.ListArg(m.Permissions),
		sqldb.TimeArg(m.CreatedAt), sqldb.TimeArg(m.UpdatedAt))
	return errs.Map(err, "membership", memberKey(m.OrgID, m.IdentityID))
}

// GetMembership implements members.Store.
func (s *Store) GetMembership(ctx context.Context, orgID, identityID string) (members.Membership, error) {
	m, err := scanMembership(s.q(ctx).QueryRowContext(ctx,
		`SELECT `+membershipColumns+` FROM memberships WHERE org_id = $1 AND identity_id = $2`, orgID, identityID))
	return m, errs.Map(err, "membership", memberKey(orgID, identityID))
}

// ListMemberships implements members.Store.
func (s *Store) ListMemberships(ctx context.Context, orgID string, pg resellerkit.Page) ([]members.Membership, string, error) {
	l, next, err := sqldb.Page(ctx, s.q(ctx), pg, scanMembership, func(m members.Membership) string { return m.IdentityID },
		`SELECT `+membershipColumns+` FROM memberships WHERE org_id = $1 AND identity_id`+s.c+` > $2
		ORDER BY identity_id`+s.c+` LIMIT $3`, orgID)
	return l, next, errs.Map(err, "memberships of organization", orgID)
}

// ListMembershipsOfIdentity implements members.Store: the identity's own view
// across organizations (M-4).
func (s *Store) ListMembershipsOfIdentity(ctx context.Context, identityID string, pg resellerkit.Page) ([]members.Membership, string, error) {
	l, next, err := sqldb.Page(ctx, s.q(ctx), pg, scanMembership, func(m members.Membership) string { return m.OrgID },
		`SELECT `+membershipColumns+` FROM memberships WHERE identity_id = $1 AND org_id`+s.c+` > $2
		ORDER BY org_id`+s.c+` LIMIT $3`, identityID)
	return l, next, errs.Map(err, "memberships of identity", identityID)
}

// UpdateMembership implements members.Store.
func (s *Store) UpdateMembership(ctx context.Context, m members.Membership) error {
	key := memberKey(m.OrgID, m.IdentityID)
	err := s.db.Write(ctx, func(ctx context.Context, q sqldb.Querier) error {
		n, err := sqldb.Exec(ctx, q, `UPDATE memberships
			SET email = $1, member_type = $2, permissions = $3, updated_at = $4, version = version + 1
			WHERE org_id = $5 AND identity_id = $6 AND version = $7`,
			m.Email, string(m.Type), sqldb.ListArg(m.Permissions), sqldb.TimeArg(m.UpdatedAt), m.OrgID, m.IdentityID, m.Version)
		if err != nil {
			return err
		}
		return errs.CheckVersion(ctx, q, n, "membership", key, m.Version,
			`SELECT version FROM memberships WHERE org_id = $1 AND identity_id = $2`, m.OrgID, m.IdentityID)
	})
	return errs.Map(err, "membership", key)
}

// DeleteMembership implements members.Store. Only orgID's membership goes (M-9).
func (s *Store) DeleteMembership(ctx context.Context, orgID, identityID string, version int64) error {
	key := memberKey(orgID, identityID)
	err := s.db.Write(ctx, func(ctx context.Context, q sqldb.Querier) error {
		n, err := sqldb.Exec(ctx, q,
			`DELETE FROM memberships WHERE org_id = $1 AND identity_id = $2 AND version = $3`, orgID, identityID, version)
		if err != nil {
			return err
		}
		return errs.CheckVersion(ctx, q, n, "membership", key, version,
			`SELECT version FROM memberships WHERE org_id = $1 AND identity_id = $2`, orgID, identityID)
	})
	return errs.Map(err, "membership", key)
}
