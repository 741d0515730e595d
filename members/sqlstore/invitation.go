package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
)

const invitationColumns = `id, org_id, email, member_type, permissions, state, invited_by, accepted_by,
	created_at, expires_at, decided_at, version`

func scanInvitation(r scanner) (members.Invitation, error) {
	var i members.Invitation
	err := r.Scan(&i.ID, &i.OrgID, &i.Email, &i.Type, jsonList[members.Permission]{&i.Permissions},
		&i.State, &i.InvitedBy, &i.AcceptedBy,
		nullTime{&i.CreatedAt}, nullTime{&i.ExpiresAt}, nullTime{&i.DecidedAt}, &i.Version)
	return i, err
}

// CreateInvitation implements members.Store.
func (s *Store) CreateInvitation(ctx context.Context, inv members.Invitation) error {
	perms, err := listArg(inv.Permissions)
	if err == nil {
		err = s.insert(ctx, "invitation", inv.ID, inv.OrgID, `INSERT INTO invitations (`+invitationColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1)`,
			inv.ID, inv.OrgID, inv.Email, string(inv.Type), perms, string(inv.State), inv.InvitedBy, inv.AcceptedBy,
			timeArg(inv.CreatedAt), timeArg(inv.ExpiresAt), timeArg(inv.DecidedAt))
	}
	return mapErr(err, "invitation", inv.ID)
}

// GetInvitation implements members.Store.
func (s *Store) GetInvitation(ctx context.Context, orgID, invitationID string) (members.Invitation, error) {
	i, err := scanInvitation(s.q(ctx).QueryRowContext(ctx,
		`SELECT `+invitationColumns+` FROM invitations WHERE org_id = $1 AND id = $2`, orgID, invitationID))
	return i, mapErr(err, "invitation", invitationID)
}

// ListInvitations implements members.Store.
func (s *Store) ListInvitations(ctx context.Context, orgID string, pg resellerkit.Page) ([]members.Invitation, string, error) {
	l, next, err := s.invitations(ctx, pg, `org_id = $1`, orgID)
	return l, next, mapErr(err, "invitations of organization", orgID)
}

// ListInvitationsByEmail implements members.Store: the invitee's own view.
func (s *Store) ListInvitationsByEmail(ctx context.Context, email string, pg resellerkit.Page) ([]members.Invitation, string, error) {
	l, next, err := s.invitations(ctx, pg, `email = $1`, email)
	return l, next, mapErr(err, "invitations of", email)
}

// ListPendingInvitationsExpiring implements members.Store. Unscoped (maintenance).
func (s *Store) ListPendingInvitationsExpiring(ctx context.Context, t time.Time, pg resellerkit.Page) ([]members.Invitation, string, error) {
	l, next, err := s.invitations(ctx, pg, `state = $1 AND expires_at <= $2`, string(members.InvitationPending), timeArg(t))
	return l, next, mapErr(err, "pending invitations", "")
}

// invitations returns a page of the invitations matching where (a condition on
// the arguments $1…$len(args)), ordered by id.
func (s *Store) invitations(ctx context.Context, pg resellerkit.Page, where string, args ...any) ([]members.Invitation, string, error) {
	n := len(args)
	return page(ctx, s.q(ctx), pg, scanInvitation, func(i members.Invitation) string { return i.ID },
		fmt.Sprintf(`SELECT `+invitationColumns+` FROM invitations WHERE %s AND id%s > $%d ORDER BY id%s LIMIT $%d`,
			where, s.c, n+1, s.c, n+2), args...)
}

// UpdateInvitation implements members.Store.
func (s *Store) UpdateInvitation(ctx context.Context, inv members.Invitation) error {
	err := s.write(ctx, func(q querier) error {
		res, err := q.ExecContext(ctx, `UPDATE invitations
			SET state = $1, accepted_by = $2, decided_at = $3, version = version + 1
			WHERE org_id = $4 AND id = $5 AND version = $6`,
			string(inv.State), inv.AcceptedBy, timeArg(inv.DecidedAt), inv.OrgID, inv.ID, inv.Version)
		if err != nil {
			return err
		}
		return checkVersioned(ctx, q, res, "invitation", inv.ID, inv.Version,
			`SELECT version FROM invitations WHERE org_id = $1 AND id = $2`, inv.OrgID, inv.ID)
	})
	return mapErr(err, "invitation", inv.ID)
}
