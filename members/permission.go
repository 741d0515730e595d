package members

import (
	"fmt"
	"slices"
)

// Permission is one right a general user may be granted in an organization (M-5).
type Permission string

// The permissions of M-5. Power users hold all of them plus user management.
const (
	PermProjectView       Permission = "project.view"
	PermAccountView       Permission = "account.view"
	PermChargesView       Permission = "charges.view"
	PermInvoiceView       Permission = "invoice.view"
	PermContactsEdit      Permission = "contacts.edit"
	PermSecurityEdit      Permission = "security.edit"
	PermSupportInquire    Permission = "support.inquire"
	PermUserView          Permission = "user.view"
	PermInvitationView    Permission = "invitation.view"
	PermApplicationSubmit Permission = "application.submit"
	PermOrgEdit           Permission = "org.edit"
)

// Requirements that are not grantable permissions. Service operations and Check use
// them; NormalizePermissions refuses them.
const (
	// PermUserManage is the right to manage members and invitations and to edit the
	// organization record: only power users hold it (M-4, M-5).
	PermUserManage Permission = "user.manage"
	// PermOperator is the right of the reseller's staff (Principal.Operator) alone:
	// registering accounts and reviewing, completing or rejecting applications.
	PermOperator Permission = "reseller.operator"
)

// AllPermissions returns the grantable permissions of M-5 in a fixed order.
func AllPermissions() []Permission {
	return []Permission{
		PermProjectView, PermAccountView, PermChargesView, PermInvoiceView,
		PermContactsEdit, PermSecurityEdit, PermSupportInquire, PermUserView,
		PermInvitationView, PermApplicationSubmit, PermOrgEdit,
	}
}

// prerequisites is the implication table of M-5: a permission requires the listed one.
var prerequisites = map[Permission]Permission{
	PermAccountView:       PermProjectView,
	PermChargesView:       PermProjectView,
	PermInvoiceView:       PermProjectView,
	PermContactsEdit:      PermAccountView,
	PermSecurityEdit:      PermAccountView,
	PermApplicationSubmit: PermProjectView,
	PermInvitationView:    PermUserView,
}

// Prerequisite returns the permission p requires (M-5) and whether it has one.
func (p Permission) Prerequisite() (Permission, bool) {
	q, ok := prerequisites[p]
	return q, ok
}

// Valid reports whether p is one of the grantable permissions of M-5.
func (p Permission) Valid() bool { return slices.Contains(AllPermissions(), p) }

// NormalizePermissions validates a permission set for a member type and returns it
// sorted without duplicates (M-5). For power users it returns nil: they hold every
// permission, an explicit set is ignored. For general users every permission must be
// known, grantable, and have its prerequisite in the set; otherwise a
// *resellerkit.ValidationError names the offending permission and, for a missing prerequisite,
// the missing one. A prerequisite is never added silently.
func NormalizePermissions(t MemberType, perms []Permission) ([]Permission, error) {
	switch t {
	case MemberPower:
		return nil, nil
	case MemberGeneral:
	default:
		return nil, invalid("type", string(t), "M-4", `must be "power" or "general"`)
	}
	set := slices.Clone(perms)
	slices.Sort(set)
	set = slices.Compact(set)
	for _, p := range set {
		if !p.Valid() {
			return nil, invalid("permissions", string(p), "M-5", "unknown or non-grantable permission")
		}
		if q, ok := p.Prerequisite(); ok && !slices.Contains(set, q) {
			return nil, invalid("permissions", string(p), "M-5", fmt.Sprintf("requires %q, which is not granted", q))
		}
	}
	if len(set) == 0 {
		return nil, nil
	}
	return set, nil
}

// Principal is who acts: an identity (identities arrive with the identity package,
// here they are an id and an email), whether it signed in with MFA, and whether it is
// the reseller's staff.
//
// Security: a Principal is a statement of verified fact, and the whole isolation of
// M-7 rests on it. It must only be built by the application's authentication layer
// from verified credentials (a validated session or token, an operator sign-in), and
// never decoded or copied from client input: never unmarshal a request body, query,
// header or unverified claim into a Principal or a struct embedding one. Operator in
// particular grants access to every organization. Principal has no JSON tags on
// purpose.
type Principal struct {
	IdentityID string
	Email      string
	MFA        bool // signed in with a second factor (M-6)
	// Operator marks the reseller's staff. Operators act on every organization
	// without a membership (the reseller owns the payer accounts), and only they
	// register accounts and review applications. They still pass the M-6 gate.
	Operator bool
	// OrgID, when set, binds p to that one organization (an API key's binding, I-4):
	// every other organization is denied exactly as if p were not a member of it,
	// operators included, and p cannot create organizations or decide invitations.
	OrgID string
}

// Check decides whether p may exercise need in org, given p's membership there (nil
// when p is not a member). It is pure and checks, in order:
//
//  1. isolation (M-7): a principal bound to an organization (Principal.OrgID) acts
//     only in that one, and a non-operator needs a membership of exactly this
//     organization, otherwise ErrPermissionDenied — the same answer whether or not
//     org exists;
//  2. the EnforceMFA gate (M-6): ErrMFARequired before any permission check;
//  3. the permission (M-4, M-5): operators hold everything; power users hold
//     everything but PermOperator; general users hold their explicit set. An empty
//     need asks for membership alone (e.g. to leave the organization).
//
// A denial names the real requirement: "only reseller operators may do this",
// "only power users may do this", or the missing permission.
func Check(p Principal, org Organization, m *Membership, need Permission) error {
	if p.OrgID != "" && p.OrgID != org.ID {
		return ErrPermissionDenied
	}
	if !p.Operator {
		if m == nil || org.ID == "" || m.OrgID != org.ID || m.IdentityID != p.IdentityID || p.IdentityID == "" {
			return ErrPermissionDenied
		}
	}
	if org.EnforceMFA && !p.MFA {
		return ErrMFARequired
	}
	switch {
	case p.Operator || need == "":
		return nil
	case need == PermOperator:
		return fmt.Errorf("%w: only reseller operators may do this", ErrPermissionDenied)
	case m.Type == MemberPower:
		return nil
	case need == PermUserManage:
		return fmt.Errorf("%w: only power users may do this", ErrPermissionDenied)
	case m.Type == MemberGeneral && slices.Contains(m.Permissions, need):
		return nil
	}
	return fmt.Errorf("%w: %q is required", ErrPermissionDenied, need)
}
