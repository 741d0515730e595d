package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

const invitationColumns = `id, org_id, email, member_type, permissions, state, invited_by, accepted_by,
	created_at, expires_at, decided_at, version`

func scanInvitation(r sqldb.Row) (members.Invitation, error) {
	var i members.Invitation
	err := r.Scan(&i.ID, &i.OrgID, &i.Email, &i.Type, sqldb.ScanList(&i.Permissions),
		&i.State, &i.InvitedBy, &i.AcceptedBy,
		sqldb.ScanTime(&i.CreatedAt), sqldb.ScanTime(&i.ExpiresAt), sqldb.ScanTime(&i.DecidedAt), &i.Version)
	return i, err
}

// CreateInvitation implements members.Store.
func (s *Store) CreateInvitation(ctx context.Context, inv members.Invitation) error {
	err := s.insert(ctx, "invitation", inv.ID, inv.OrgID, `INSERT INTO invitations (`+invitationColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1)`,
		inv.ID, inv.OrgID, inv.Email, string(inv.Type), sqldb.ListArg(inv.Permissions), string(inv.State),
		inv.InvitedBy, inv.AcceptedBy, sqldb.TimeArg(inv.CreatedAt), sqldb.TimeArg(inv.ExpiresAt), sqldb.TimeArg(inv.DecidedAt))
	return errs.Map(err, "invitation", inv.ID)
}

// GetInvitation implements members.Store.
func (s *Store) GetInvitation(ctx context.Context, orgID, invitationID string) (members.Invitation, error) {
	i, err := scanInvitation(s.q(ctx).QueryRowContext(ctx,
		`SELECT `+invitationColumns+` FROM invitations WHERE org_id = $1 AND id = $2`, orgID, invitationID))
	return i, errs.Map(err, "invitation", invitationID)
}

// ListInvitations implements members.Store.
func (s *Store) ListInvitations(ctx context.Context, orgID string, pg resellerkit.Page) ([]members.Invitation, string, error) {
	l, next, err := s.invitations(ctx, pg, `org_id = $1`, orgID)
	return l, next, errs.Map(err, "invitations of organization", orgID)
}

// ListInvitationsByEmail implements members.Store: the invitee's own view.
func (s *Store) ListInvitationsByEmail(ctx context.Context, email string, pg resellerkit.Page) ([]members.Invitation, string, error) {
	l, next, err := s.invitations(ctx, pg, `email = $1`, email)
	return l, next, errs.Map(err, "invitations of", email)
}

// ListPendingInvitationsExpiring implements members.Store. Unscoped (maintenance).
func (s *Store) ListPendingInvitationsExpiring(ctx context.Context, t time.Time, pg resellerkit.Page) ([]members.Invitation, string, error) {
	l, next, err := s.invitations(ctx, pg, `state = $1 AND expires_at <= $2`, string(members.InvitationPending), sqldb.TimeArg(t))
	return l, next, errs.Map(err, "pending invitations", "")
}

// invitations returns a page of the invitations matching where (a condition on
// the arguments $1…$len(args)), ordered by id.
func (s *Store) invitations(ctx context.Context, pg resellerkit.Page, where string, args ...any) ([]members.Invitation, string, error) {
	n := len(args)
	return sqldb.Page(ctx, s.q(ctx), pg, scanInvitation, func(i members.Invitation) string { return i.ID },
		fmt.Sprintf(`SELECT `+invitationColumns+` FROM invitations WHERE %s AND id%s > $%d ORDER BY id%s LIMIT $%d`,
			where, s.c, n+1, s.c, n+2), args...)
}

// UpdateInvitation implements members.Store.
func (s *Store) UpdateInvitation(ctx context.Context, inv members.Invitation) error {
	err := s.db.Write(ctx, func(ctx context.Context, q sqldb.Querier) error {
		n, err := sqldb.Exec(ctx, q, `UPDATE invitations
			SET state = $1, accepted_by = $2, decided_at = $3, version = version + 1
			WHERE org_id = $4 AND id = $5 AND version = $6`,
			string(inv.State), inv.AcceptedBy, sqldb.TimeArg(inv.DecidedAt), inv.OrgID, inv.ID, inv.Version)
		if err != nil {
			return err
		}
		return errs.CheckVersion(ctx, q, n, "invitation", inv.ID, inv.Version,
			`SELECT version FROM invitations WHERE org_id = $1 AND id = $2`, inv.OrgID, inv.ID)
	})
	return errs.Map(err, "invitation", inv.ID)
}
