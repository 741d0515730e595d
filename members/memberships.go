package members

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
)

// ListMembers returns a page of the memberships of orgID ordered by identity id.
// Needs user.view.
func (s *Service) ListMembers(ctx context.Context, p Principal, orgID string, page resellerkit.Page) ([]Membership, string, error) {
	return list(ctx, s, p, orgID, PermUserView, page, s.store.ListMemberships)
}

// GetMember returns one membership of orgID. Needs user.view, except for one's own.
func (s *Service) GetMember(ctx context.Context, p Principal, orgID, identityID string) (Membership, error) {
	need := PermUserView
	if identityID == p.IdentityID && !p.Operator {
		need = ""
	}
	if _, _, err := s.authorize(ctx, p, orgID, need); err != nil {
		return Membership{}, err
	}
	return s.store.GetMembership(ctx, orgID, identityID)
}

// ListMyMemberships returns a page of p's own memberships in every organization,
// ordered by organization id (M-4). A principal bound to one organization
// (Principal.OrgID) sees only its membership there.
func (s *Service) ListMyMemberships(ctx context.Context, p Principal, page resellerkit.Page) ([]Membership, string, error) {
	if err := checkPage(page); err != nil {
		return nil, "", err
	}
	if p.IdentityID == "" {
		return nil, "", ErrPermissionDenied
	}
	if p.OrgID != "" {
		after, _ := page.After()
		if after >= p.OrgID {
			return nil, "", nil
		}
		m, err := s.store.GetMembership(ctx, p.OrgID, p.IdentityID)
		if errors.Is(err, ErrNotFound) {
			return nil, "", nil
		}
		if err != nil {
			return nil, "", err
		}
		return []Membership{m}, "", nil
	}
	return s.store.ListMembershipsOfIdentity(ctx, p.IdentityID, page)
}

// IsMember reports whether identityID is a member of orgID. It is a system
// operation without a principal, for trusted callers: identity binds an API key to
// an organization its owner belongs to with it (identity.Memberships).
func (s *Service) IsMember(ctx context.Context, orgID, identityID string) (bool, error) {
	_, err := s.store.GetMembership(ctx, orgID, identityID)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, ErrNotFound):
		return false, nil
	}
	return false, err
}

// HasMemberships reports whether identityID is a member of any organization. It is
// a system operation without a principal: identity refuses to delete an identity
// that still belongs to one (I-5, identity.Memberships).
func (s *Service) HasMemberships(ctx context.Context, identityID string) (bool, error) {
	ms, _, err := s.store.ListMembershipsOfIdentity(ctx, identityID, resellerkit.Page{Limit: 1})
	return len(ms) > 0, err
}

// memberships returns every membership of orgID.
func (s *Service) memberships(ctx context.Context, orgID string) ([]Membership, error) {
	return resellerkit.All(func(pg resellerkit.Page) ([]Membership, string, error) {
		return s.store.ListMemberships(ctx, orgID, pg)
	})
}

// powerUsers counts the power users of orgID.
func (s *Service) powerUsers(ctx context.Context, orgID string) (int, error) {
	ms, err := s.memberships(ctx, orgID)
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
// *resellerkit.ValidationError on field "version", M-4). A change to the same type
// and permissions writes nothing.
func (s *Service) ChangeMember(ctx context.Context, p Principal, orgID, identityID string, typ MemberType, perms []Permission, version int64) (Membership, error) {
	set, err := NormalizePermissions(typ, perms)
	if err != nil {
		return Membership{}, err
	}
	var out Membership
	err = s.inTx(ctx, p, orgID, PermUserManage, func(ctx context.Context, _ Organization) error {
		m, err := s.store.GetMembership(ctx, orgID, identityID)
		if err != nil {
			return err
		}
		if err := versionOK(version, m.Version, "membership", identityID, "M-4"); err != nil {
			return err
		}
		if m.Type == typ && slices.Equal(m.Permissions, set) {
			out = m
			return nil
		}
		if m.Type == MemberPower && typ != MemberPower {
			n, err := s.powerUsers(ctx, orgID)
			if err != nil {
				return err
			}
			if n <= 1 {
				return invalid("type", string(typ), "M-9", "the last power user of the organization cannot be demoted")
			}
			if err := s.touchOrganization(ctx, orgID); err != nil {
				return err
			}
		}
		m.Type, m.Permissions, m.UpdatedAt = typ, set, s.clock()
		if err := s.store.UpdateMembership(ctx, m); err != nil {
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
	return s.store.InTx(ctx, func(ctx context.Context) error {
		if _, _, err := s.authorize(ctx, p, orgID, need); err != nil {
			return err
		}
		m, err := s.store.GetMembership(ctx, orgID, identityID)
		if err != nil {
			return err
		}
		if m.Type == MemberPower {
			n, err := s.powerUsers(ctx, orgID)
			if err != nil {
				return err
			}
			if n <= 1 {
				return invalid("identity_id", identityID, "M-9", "the last power user of the organization cannot be removed or leave")
			}
			if err := s.touchOrganization(ctx, orgID); err != nil {
				return err
			}
		}
		return s.store.DeleteMembership(ctx, orgID, identityID, m.Version)
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
// hold every prerequisite (M-5). ErrAlreadyExists if the address already has a pending
// invitation to, or a membership of, the organization; concurrent invitations of one
// address cannot both succeed, because stores keep at most one pending invitation
// per organization and address (Store.CreateInvitation). A pending invitation past
// its expiry is marked expired in the same transaction.
func (s *Service) Invite(ctx context.Context, p Principal, orgID string, in NewInvitation) (Invitation, error) {
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
	err = s.inTx(ctx, p, orgID, PermUserManage, func(ctx context.Context, _ Organization) error {
		invs, err := resellerkit.All(func(pg resellerkit.Page) ([]Invitation, string, error) {
			return s.store.ListInvitations(ctx, orgID, pg)
		})
		if err != nil {
			return err
		}
		for _, i := range invs {
			if i.Email != email || i.State != InvitationPending {
				continue
			}
			if now.Before(i.ExpiresAt) {
				return fmt.Errorf("%w: %s already has a pending invitation", ErrAlreadyExists, email)
			}
			// Past its expiry but not yet marked: mark it now, in this transaction,
			// so the store's one-pending-invitation-per-address rule admits the new one.
			i.State, i.DecidedAt = InvitationExpired, now
			if err := s.store.UpdateInvitation(ctx, i); err != nil {
				return err
			}
		}
		ms, err := s.memberships(ctx, orgID)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if m.Email == email {
				return fmt.Errorf("%w: %s is already a member", ErrAlreadyExists, email)
			}
		}
		return s.store.CreateInvitation(ctx, inv)
	})
	if err != nil {
		return Invitation{}, err
	}
	return inv, nil
}

// ListInvitations returns a page of the invitations of orgID ordered by id. Needs
// invitation.view.
func (s *Service) ListInvitations(ctx context.Context, p Principal, orgID string, page resellerkit.Page) ([]Invitation, string, error) {
	return list(ctx, s, p, orgID, PermInvitationView, page, s.store.ListInvitations)
}

// ListMyInvitations returns a page of the invitations addressed to p's email in every
// organization, ordered by id.
func (s *Service) ListMyInvitations(ctx context.Context, p Principal, page resellerkit.Page) ([]Invitation, string, error) {
	if err := checkPage(page); err != nil {
		return nil, "", err
	}
	email, err := NormalizeEmail("email", "M-8", p.Email)
	if err != nil || p.IdentityID == "" || p.OrgID != "" {
		return nil, "", ErrPermissionDenied
	}
	return s.store.ListInvitationsByEmail(ctx, email, page)
}

// InvitingOrganization returns the display name of the organization that sent an
// invitation addressed to p's email, so the invitee, not yet a member, can tell
// which organization invites them before deciding (M-8). Anyone else gets
// ErrNotFound, whether or not the invitation exists (M-7), and a principal bound
// to one organization ErrPermissionDenied, as for deciding.
func (s *Service) InvitingOrganization(ctx context.Context, p Principal, orgID, invitationID string) (string, error) {
	if _, err := s.inviteeInvitation(ctx, p, orgID, invitationID); err != nil {
		return "", err
	}
	org, err := s.store.GetOrganization(ctx, orgID)
	if err != nil {
		return "", err
	}
	return org.DisplayName(), nil
}

// errExpired is the answer to accepting an expired invitation.
func errExpired() error {
	return invalid("state", string(InvitationExpired), "M-8", "the invitation has expired and cannot be accepted")
}

// inviteeInvitation loads the invitation p may decide on: one of orgID addressed to p's
// email. Anything else is ErrNotFound, whether or not the id exists (M-7).
func (s *Service) inviteeInvitation(ctx context.Context, p Principal, orgID, invitationID string) (Invitation, error) {
	email, err := NormalizeEmail("email", "M-8", p.Email)
	if err != nil || p.IdentityID == "" || p.OrgID != "" {
		return Invitation{}, ErrPermissionDenied
	}
	inv, err := s.store.GetInvitation(ctx, orgID, invitationID)
	if err != nil {
		return Invitation{}, err
	}
	if inv.Email != email {
		return Invitation{}, fmt.Errorf("%w: invitation %q", ErrNotFound, resellerkit.Truncate(invitationID))
	}
	return inv, nil
}

// AcceptInvitation accepts an invitation addressed to p's email: the invitation
// becomes accepted and p's membership is created in one transaction (M-8). An
// invitation past its expiry cannot be accepted: it is marked expired and a
// *resellerkit.ValidationError (M-8) is returned. If the organization enforces MFA, p needs MFA
// (M-6). ErrAlreadyExists if p is already a member.
func (s *Service) AcceptInvitation(ctx context.Context, p Principal, orgID, invitationID string) (Membership, error) {
	var out Membership
	expired := false
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		// InTx may run fn more than once (a store retries serialization failures):
		// reset every captured output first.
		out, expired = Membership{}, false
		inv, err := s.inviteeInvitation(ctx, p, orgID, invitationID)
		if err != nil {
			return err
		}
		now := s.clock()
		if inv.State == InvitationPending && !now.Before(inv.ExpiresAt) {
			inv.State, inv.DecidedAt = InvitationExpired, now
			expired = true
			return s.store.UpdateInvitation(ctx, inv)
		}
		if inv.State, err = NextInvitationState(inv.State, InvitationAccepted); err != nil {
			return err
		}
		org, err := s.store.GetOrganization(ctx, orgID)
		if err != nil {
			return err
		}
		if org.EnforceMFA && !p.MFA {
			return ErrMFARequired
		}
		inv.AcceptedBy, inv.DecidedAt = p.IdentityID, now
		if err := s.store.UpdateInvitation(ctx, inv); err != nil {
			return err
		}
		m := Membership{OrgID: orgID, IdentityID: p.IdentityID, Email: inv.Email, Type: inv.Type,
			Permissions: inv.Permissions, CreatedAt: now, UpdatedAt: now, Version: 1}
		if err := s.store.CreateMembership(ctx, m); err != nil {
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
	return s.decide(ctx, InvitationRejected, func(ctx context.Context) (Invitation, error) {
		return s.inviteeInvitation(ctx, p, orgID, invitationID)
	})
}

// RevokeInvitation withdraws a pending invitation of orgID (M-8). Power users only.
func (s *Service) RevokeInvitation(ctx context.Context, p Principal, orgID, invitationID string) (Invitation, error) {
	return s.decide(ctx, InvitationRevoked, func(ctx context.Context) (Invitation, error) {
		if _, _, err := s.authorize(ctx, p, orgID, PermUserManage); err != nil {
			return Invitation{}, err
		}
		return s.store.GetInvitation(ctx, orgID, invitationID)
	})
}

func (s *Service) decide(ctx context.Context, to InvitationState, load func(ctx context.Context) (Invitation, error)) (Invitation, error) {
	var out Invitation
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		inv, err := load(ctx)
		if err != nil {
			return err
		}
		if inv.State, err = NextInvitationState(inv.State, to); err != nil {
			return err
		}
		inv.DecidedAt = s.clock()
		if err := s.store.UpdateInvitation(ctx, inv); err != nil {
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
	invs, err := resellerkit.All(func(pg resellerkit.Page) ([]Invitation, string, error) {
		return s.store.ListPendingInvitationsExpiring(ctx, now, pg)
	})
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
