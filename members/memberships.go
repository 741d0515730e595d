package members

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ListMembers returns the memberships of orgID ordered by identity id. Needs
// user.view.
func (s *Service) ListMembers(ctx context.Context, p Principal, orgID string) ([]Membership, error) {
	if _, _, err := s.authorize(ctx, s.store, p, orgID, PermUserView); err != nil {
		return nil, err
	}
	return s.store.ListMemberships(ctx, orgID)
}

// GetMember returns one membership of orgID. Needs user.view, except for one's own.
func (s *Service) GetMember(ctx context.Context, p Principal, orgID, identityID string) (Membership, error) {
	need := PermUserView
	if identityID == p.IdentityID && !p.Operator {
		need = ""
	}
	if _, _, err := s.authorize(ctx, s.store, p, orgID, need); err != nil {
		return Membership{}, err
	}
	return s.store.GetMembership(ctx, orgID, identityID)
}

// ListMyMemberships returns p's own memberships in every organization (M-4).
func (s *Service) ListMyMemberships(ctx context.Context, p Principal) ([]Membership, error) {
	if p.IdentityID == "" {
		return nil, ErrPermissionDenied
	}
	return s.store.ListMembershipsOfIdentity(ctx, p.IdentityID)
}

// powerUsers counts the power users of orgID inside tx.
func powerUsers(ctx context.Context, tx Store, orgID string) (int, error) {
	ms, err := tx.ListMemberships(ctx, orgID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, m := range ms {
		if m.Type == MemberPower {
			n++
		}
	}
	return n, nil
}

// ChangeMember sets a member's type and permissions in orgID (M-4). Power users only
// (M-5). The permission set must hold every prerequisite (M-5, the error names the
// missing one); the last power user cannot be demoted (M-9). version is the
// membership version the caller read; it is required (below 1 is a
// *ValidationError on field "version", M-4).
func (s *Service) ChangeMember(ctx context.Context, p Principal, orgID, identityID string, typ MemberType, perms []Permission, version int64) (Membership, error) {
	if _, _, err := s.authorize(ctx, s.store, p, orgID, PermUserManage); err != nil {
		return Membership{}, err
	}
	set, err := NormalizePermissions(typ, perms)
	if err != nil {
		return Membership{}, err
	}
	var out Membership
	err = s.store.InTx(ctx, func(tx Store) error {
		org, _, err := s.authorize(ctx, tx, p, orgID, PermUserManage)
		if err != nil {
			return err
		}
		m, err := tx.GetMembership(ctx, orgID, identityID)
		if err != nil {
			return err
		}
		if err := versionOK(version, m.Version, "membership", identityID, "M-4"); err != nil {
			return err
		}
		if m.Type == MemberPower && typ != MemberPower {
			n, err := powerUsers(ctx, tx, orgID)
			if err != nil {
				return err
			}
			if n <= 1 {
				return invalid("type", string(typ), "M-9", "the last power user of the organization cannot be demoted")
			}
			if err := touchOrganization(ctx, tx, org); err != nil {
				return err
			}
		}
		m.Type, m.Permissions, m.UpdatedAt = typ, set, s.clock()
		if err := tx.UpdateMembership(ctx, m); err != nil {
			return err
		}
		m.Version++
		out = m
		return nil
	})
	return out, err
}

// RemoveMember removes identityID from orgID only; the person keeps every other
// organization (M-9). Power users remove anyone; every member may remove itself
// (leave). The last power user can be neither removed nor leave (M-9).
func (s *Service) RemoveMember(ctx context.Context, p Principal, orgID, identityID string) error {
	need := PermUserManage
	if identityID == p.IdentityID && !p.Operator {
		need = ""
	}
	return s.store.InTx(ctx, func(tx Store) error {
		org, _, err := s.authorize(ctx, tx, p, orgID, need)
		if err != nil {
			return err
		}
		m, err := tx.GetMembership(ctx, orgID, identityID)
		if err != nil {
			return err
		}
		if m.Type == MemberPower {
			n, err := powerUsers(ctx, tx, orgID)
			if err != nil {
				return err
			}
			if n <= 1 {
				return invalid("identity_id", identityID, "M-9", "the last power user of the organization cannot be removed or leave")
			}
			if err := touchOrganization(ctx, tx, org); err != nil {
				return err
			}
		}
		return tx.DeleteMembership(ctx, orgID, identityID, m.Version)
	})
}

// ---- invitations (M-8) ----

// NewInvitation is the input of Invite.
type NewInvitation struct {
	Email       string
	Type        MemberType
	Permissions []Permission
}

// Invite invites an email address to orgID with a type and permission set (M-8),
// valid for the Service's invitation TTL. Power users only. The permission set must
// hold every prerequisite (M-5). ErrConflict if the address already has a pending
// invitation to, or a membership of, the organization; concurrent invitations of one
// address cannot both succeed, because stores keep at most one pending invitation
// per organization and address (Store.CreateInvitation). A pending invitation past
// its expiry is marked expired in the same transaction.
func (s *Service) Invite(ctx context.Context, p Principal, orgID string, in NewInvitation) (Invitation, error) {
	if _, _, err := s.authorize(ctx, s.store, p, orgID, PermUserManage); err != nil {
		return Invitation{}, err
	}
	email, err := NormalizeEmail("email", "M-8", in.Email)
	if err != nil {
		return Invitation{}, err
	}
	set, err := NormalizePermissions(in.Type, in.Permissions)
	if err != nil {
		return Invitation{}, err
	}
	now := s.clock()
	inv := Invitation{
		ID: s.newID(), OrgID: orgID, Email: email, Type: in.Type, Permissions: set,
		State: InvitationPending, InvitedBy: p.IdentityID, CreatedAt: now, ExpiresAt: now.Add(s.invTTL), Version: 1,
	}
	err = s.store.InTx(ctx, func(tx Store) error {
		if _, _, err := s.authorize(ctx, tx, p, orgID, PermUserManage); err != nil {
			return err
		}
		invs, err := tx.ListInvitations(ctx, orgID)
		if err != nil {
			return err
		}
		for _, i := range invs {
			if i.Email != email || i.State != InvitationPending {
				continue
			}
			if now.Before(i.ExpiresAt) {
				return fmt.Errorf("%w: %s already has a pending invitation", ErrConflict, email)
			}
			// Past its expiry but not yet marked: mark it now, in this transaction,
			// so the store's one-pending-invitation-per-address rule admits the new one.
			i.State, i.DecidedAt = InvitationExpired, now
			if err := tx.UpdateInvitation(ctx, i); err != nil {
				return err
			}
		}
		ms, err := tx.ListMemberships(ctx, orgID)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if m.Email == email {
				return fmt.Errorf("%w: %s is already a member", ErrConflict, email)
			}
		}
		return tx.CreateInvitation(ctx, inv)
	})
	if err != nil {
		return Invitation{}, err
	}
	return inv, nil
}

// ListInvitations returns the invitations of orgID ordered by id. Needs
// invitation.view.
func (s *Service) ListInvitations(ctx context.Context, p Principal, orgID string) ([]Invitation, error) {
	if _, _, err := s.authorize(ctx, s.store, p, orgID, PermInvitationView); err != nil {
		return nil, err
	}
	return s.store.ListInvitations(ctx, orgID)
}

// ListMyInvitations returns the invitations addressed to p's email in every
// organization, ordered by id.
func (s *Service) ListMyInvitations(ctx context.Context, p Principal) ([]Invitation, error) {
	email, err := NormalizeEmail("email", "M-8", p.Email)
	if err != nil || p.IdentityID == "" {
		return nil, ErrPermissionDenied
	}
	return s.store.ListInvitationsByEmail(ctx, email)
}

// errExpired is the answer to accepting an expired invitation.
func errExpired() error {
	return invalid("state", string(InvitationExpired), "M-8", "the invitation has expired and cannot be accepted")
}

// inviteeInvitation loads the invitation p may decide on: one of orgID addressed to p's
// email. Anything else is ErrNotFound, whether or not the id exists (M-7).
func inviteeInvitation(ctx context.Context, tx Store, p Principal, orgID, invitationID string) (Invitation, error) {
	email, err := NormalizeEmail("email", "M-8", p.Email)
	if err != nil || p.IdentityID == "" {
		return Invitation{}, ErrPermissionDenied
	}
	inv, err := tx.GetInvitation(ctx, orgID, invitationID)
	if err != nil {
		return Invitation{}, err
	}
	if inv.Email != email {
		return Invitation{}, fmt.Errorf("%w: invitation %q", ErrNotFound, invitationID)
	}
	return inv, nil
}

// AcceptInvitation accepts an invitation addressed to p's email: the invitation
// becomes accepted and p's membership is created in one transaction (M-8). An
// invitation past its expiry cannot be accepted: it is marked expired and a
// *ValidationError (M-8) is returned. If the organization enforces MFA, p needs MFA
// (M-6). ErrConflict if p is already a member.
func (s *Service) AcceptInvitation(ctx context.Context, p Principal, orgID, invitationID string) (Membership, error) {
	var out Membership
	expired := false
	err := s.store.InTx(ctx, func(tx Store) error {
		// InTx may run fn more than once (a store retries serialization failures):
		// reset every captured output first.
		out, expired = Membership{}, false
		inv, err := inviteeInvitation(ctx, tx, p, orgID, invitationID)
		if err != nil {
			return err
		}
		now := s.clock()
		if inv.State == InvitationPending && !now.Before(inv.ExpiresAt) {
			inv.State, inv.DecidedAt = InvitationExpired, now
			expired = true
			return tx.UpdateInvitation(ctx, inv)
		}
		if inv.State, err = NextInvitationState(inv.State, InvitationAccepted); err != nil {
			return err
		}
		org, err := tx.GetOrganization(ctx, orgID)
		if err != nil {
			return err
		}
		if org.EnforceMFA && !p.MFA {
			return ErrMFARequired
		}
		inv.AcceptedBy, inv.DecidedAt = p.IdentityID, now
		if err := tx.UpdateInvitation(ctx, inv); err != nil {
			return err
		}
		m := Membership{OrgID: orgID, IdentityID: p.IdentityID, Email: inv.Email, Type: inv.Type,
			Permissions: inv.Permissions, CreatedAt: now, UpdatedAt: now, Version: 1}
		if err := tx.CreateMembership(ctx, m); err != nil {
			return err
		}
		out = m
		return nil
	})
	if err == nil && expired {
		return Membership{}, errExpired()
	}
	return out, err
}

// RejectInvitation declines an invitation addressed to p's email (M-8).
func (s *Service) RejectInvitation(ctx context.Context, p Principal, orgID, invitationID string) (Invitation, error) {
	return s.decide(ctx, orgID, invitationID, InvitationRejected, func(tx Store) (Invitation, error) {
		return inviteeInvitation(ctx, tx, p, orgID, invitationID)
	})
}

// RevokeInvitation withdraws a pending invitation of orgID (M-8). Power users only.
func (s *Service) RevokeInvitation(ctx context.Context, p Principal, orgID, invitationID string) (Invitation, error) {
	return s.decide(ctx, orgID, invitationID, InvitationRevoked, func(tx Store) (Invitation, error) {
		if _, _, err := s.authorize(ctx, tx, p, orgID, PermUserManage); err != nil {
			return Invitation{}, err
		}
		return tx.GetInvitation(ctx, orgID, invitationID)
	})
}

func (s *Service) decide(ctx context.Context, orgID, invitationID string, to InvitationState, load func(Store) (Invitation, error)) (Invitation, error) {
	var out Invitation
	err := s.store.InTx(ctx, func(tx Store) error {
		inv, err := load(tx)
		if err != nil {
			return err
		}
		if inv.State, err = NextInvitationState(inv.State, to); err != nil {
			return err
		}
		inv.DecidedAt = s.clock()
		if err := tx.UpdateInvitation(ctx, inv); err != nil {
			return err
		}
		inv.Version++
		out = inv
		return nil
	})
	return out, err
}

// ExpireInvitations marks expired every pending invitation whose expiry is at or
// before now (M-8) and returns how many it changed. It is a maintenance operation
// (no principal) and idempotent: a second run with the same now changes nothing. An
// invitation decided concurrently is skipped.
func (s *Service) ExpireInvitations(ctx context.Context, now time.Time) (int, error) {
	now = now.UTC().Truncate(time.Microsecond)
	invs, err := s.store.ListPendingInvitationsExpiring(ctx, now)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, inv := range invs {
		inv.State, inv.DecidedAt = InvitationExpired, now
		err := s.store.UpdateInvitation(ctx, inv)
		switch {
		case err == nil:
			n++
		case errors.Is(err, ErrConflict), errors.Is(err, ErrNotFound):
		default:
			return n, err
		}
	}
	return n, nil
}
