package members

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
)

// DefaultInvitationTTL is how long an invitation stays acceptable unless
// WithInvitationTTL says otherwise (M-8 [default]).
const DefaultInvitationTTL = 7 * 24 * time.Hour

// Service is the members domain's API. Every operation acting for someone takes the
// acting Principal right after ctx and checks isolation (M-7), the MFA gate (M-6)
// and the permission (M-4, M-5) before it reads or changes anything else. The few
// system operations without a principal (ProjectOwning, ExpireInvitations) say so.
//
// Denial is ErrPermissionDenied (or ErrMFARequired, which wraps it, for members of
// an MFA-enforcing organization). An organization the principal does not belong to
// and one that does not exist give the same ErrPermissionDenied; inside an
// organization, an id of another organization and a missing id give the same
// ErrNotFound. No answer reveals what another organization holds.
type Service struct {
	store  Store
	now    func() time.Time
	newID  func() string
	invTTL time.Duration
}

// Option configures a Service.
type Option func(*Service)

// WithClock sets the clock (default time.Now). Times are stored in UTC at
// microsecond precision.
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// WithIDGenerator sets the generator of new record ids (default: 26 random
// lower-case base32 characters from crypto/rand). Ids must be unique.
func WithIDGenerator(newID func() string) Option { return func(s *Service) { s.newID = newID } }

// WithInvitationTTL sets how long invitations stay acceptable (default
// DefaultInvitationTTL, M-8).
func WithInvitationTTL(d time.Duration) Option { return func(s *Service) { s.invTTL = d } }

// NewService returns a Service over store.
func NewService(store Store, opts ...Option) *Service {
	s := &Service{
		store:  store,
		now:    time.Now,
		newID:  func() string { return strings.ToLower(rand.Text()) },
		invTTL: DefaultInvitationTTL,
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// authorize loads the organization and p's membership and applies Check. Called
// with a transaction's context it reads inside that transaction. A missing
// organization is denied exactly like a foreign one (M-7).
func (s *Service) authorize(ctx context.Context, p Principal, orgID string, need Permission) (Organization, *Membership, error) {
	org, err := s.store.GetOrganization(ctx, orgID)
	if errors.Is(err, ErrNotFound) {
		return Organization{}, nil, ErrPermissionDenied
	}
	if err != nil {
		return Organization{}, nil, err
	}
	var m *Membership
	if !p.Operator && p.IdentityID != "" {
		mm, err := s.store.GetMembership(ctx, orgID, p.IdentityID)
		switch {
		case err == nil:
			m = &mm
		case !errors.Is(err, ErrNotFound):
			return Organization{}, nil, err
		}
	}
	if err := Check(p, org, m, need); err != nil {
		return Organization{}, nil, err
	}
	return org, m, nil
}

// Authorize reports whether p may exercise need in orgID, with the checks every
// Service operation makes (M-7 isolation, the M-6 MFA gate, the M-4/M-5
// permission): nil, ErrPermissionDenied (also for an organization that does not
// exist) or ErrMFARequired. It is for other packages' services that guard their
// own organization-scoped records with members' permissions (contacts' notices,
// security settings). Called with a context carrying a transaction, it reads in
// that transaction. An empty need asks for membership alone.
func (s *Service) Authorize(ctx context.Context, p Principal, orgID string, need Permission) error {
	_, _, err := s.authorize(ctx, p, orgID, need)
	return err
}

// versionOK reports whether a caller-supplied version matches the stored one. The
// version is mandatory (the optimistic-concurrency contract of M-2 and DESIGN.md
// rule 4): a version below 1, such as the zero value of a field the caller forgot,
// is a *resellerkit.ValidationError naming "version" with the operation's rule, never a blind
// last-writer-wins write.
func versionOK(given, stored int64, what, id, rule string) error {
	if given < 1 {
		return invalid("version", strconv.FormatInt(given, 10), rule, "required: send the version of the "+what+" you read")
	}
	if given != stored {
		return fmt.Errorf("%w: %s %q: stale version %d, current is %d", ErrConflict, what, resellerkit.Truncate(id), given, stored)
	}
	return nil
}

// touchOrganization bumps the organization's version inside the transaction ctx
// carries, so that concurrent transactions checking an organization-wide invariant
// (the last power user, M-9) conflict instead of both passing.
func (s *Service) touchOrganization(ctx context.Context, orgID string) error {
	cur, err := s.store.GetOrganization(ctx, orgID)
	if err != nil {
		return err
	}
	return s.store.UpdateOrganization(ctx, cur)
}

// inTx runs fn in a store transaction after the same authorization outside it: the
// check outside is a cheap early exit, the one inside decides, because the
// membership may change in between (a member removed, demoted or locked out by
// EnforceMFA writes nothing).
func (s *Service) inTx(ctx context.Context, p Principal, orgID string, need Permission, fn func(ctx context.Context, org Organization) error) error {
	if _, _, err := s.authorize(ctx, p, orgID, need); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(ctx context.Context) error {
		org, _, err := s.authorize(ctx, p, orgID, need)
		if err != nil {
			return err
		}
		return fn(ctx, org)
	})
}

// list authorizes p for need in orgID and returns one page of what fetch lists.
func list[T any](ctx context.Context, s *Service, p Principal, orgID string, need Permission, page resellerkit.Page,
	fetch func(ctx context.Context, orgID string, page resellerkit.Page) ([]T, string, error)) ([]T, string, error) {
	if err := checkPage(page); err != nil {
		return nil, "", err
	}
	if _, _, err := s.authorize(ctx, p, orgID, need); err != nil {
		return nil, "", err
	}
	return fetch(ctx, orgID, page)
}

// ---- organizations (M-1) ----

// NewOrganization is the input of CreateOrganization.
type NewOrganization struct {
	Code       string
	Name       string
	Alias      string
	EnforceMFA bool
}

// CreateOrganization creates an organization and makes p its first power user
// (M-1, M-4). p needs an IdentityID and no organization binding (an API key acts
// only inside its organization). ErrAlreadyExists if the code is taken.
func (s *Service) CreateOrganization(ctx context.Context, p Principal, in NewOrganization) (Organization, error) {
	if p.IdentityID == "" || p.OrgID != "" {
		return Organization{}, ErrPermissionDenied
	}
	if err := ValidateOrgCode(in.Code); err != nil {
		return Organization{}, err
	}
	if err := validateText("name", "M-1", in.Name, true); err != nil {
		return Organization{}, err
	}
	if err := validateText("alias", "M-1", in.Alias, false); err != nil {
		return Organization{}, err
	}
	if in.EnforceMFA && !p.MFA {
		return Organization{}, invalid("enforce_mfa", "true", "M-6", "sign in with MFA before enforcing it, or you would lock yourself out")
	}
	email := ""
	if p.Email != "" {
		var err error
		if email, err = NormalizeEmail("email", "M-4", p.Email); err != nil {
			return Organization{}, err
		}
	}
	now := s.clock()
	org := Organization{ID: s.newID(), Code: in.Code, Name: in.Name, Alias: in.Alias, EnforceMFA: in.EnforceMFA, CreatedAt: now, UpdatedAt: now, Version: 1}
	m := Membership{OrgID: org.ID, IdentityID: p.IdentityID, Email: email, Type: MemberPower, CreatedAt: now, UpdatedAt: now, Version: 1}
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.CreateOrganization(ctx, org); err != nil {
			return err
		}
		return s.store.CreateMembership(ctx, m)
	})
	if err != nil {
		return Organization{}, err
	}
	return org, nil
}

// GetOrganization returns the organization to any of its members.
func (s *Service) GetOrganization(ctx context.Context, p Principal, orgID string) (Organization, error) {
	org, _, err := s.authorize(ctx, p, orgID, "")
	return org, err
}

// ListOrganizations returns a page of the organizations p belongs to (every
// organization for an operator), ordered by id. Organizations whose MFA gate p fails
// are left out, so a page may hold fewer items than asked; the token still leads on.
func (s *Service) ListOrganizations(ctx context.Context, p Principal, page resellerkit.Page) ([]Organization, string, error) {
	if err := checkPage(page); err != nil {
		return nil, "", err
	}
	if p.Operator {
		all, next, err := s.store.ListOrganizations(ctx, page)
		if err != nil {
			return nil, "", err
		}
		// Operators pass the M-6 gate too: an MFA-enforcing organization is left out
		// for an operator who signed in without MFA, as GetOrganization denies it.
		out := all[:0]
		for _, org := range all {
			if Check(p, org, nil, "") == nil {
				out = append(out, org)
			}
		}
		return out, next, nil
	}
	if p.IdentityID == "" {
		return nil, "", ErrPermissionDenied
	}
	ms, next, err := s.store.ListMembershipsOfIdentity(ctx, p.IdentityID, page)
	if err != nil {
		return nil, "", err
	}
	var out []Organization
	for _, m := range ms {
		org, err := s.store.GetOrganization(ctx, m.OrgID)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, "", err
		}
		if Check(p, org, &m, "") == nil {
			out = append(out, org)
		}
	}
	return out, next, nil
}

// OrganizationUpdate is the input of UpdateOrganization: nil fields stay as they are.
// Version is the version the caller read; it is required (a value below 1 is a
// *resellerkit.ValidationError on field "version", M-1).
type OrganizationUpdate struct {
	Alias      *string
	EnforceMFA *bool
	Version    int64
}

// UpdateOrganization changes the alias and/or EnforceMFA flag, the only fields
// customers edit (M-1). Power users only (M-5). Turning EnforceMFA on requires p to
// have MFA itself (M-6). ErrConflict on a stale version. An update that changes
// nothing writes nothing: the version stays.
func (s *Service) UpdateOrganization(ctx context.Context, p Principal, orgID string, upd OrganizationUpdate) (Organization, error) {
	if upd.Alias != nil {
		if err := validateText("alias", "M-1", *upd.Alias, false); err != nil {
			return Organization{}, err
		}
	}
	if upd.EnforceMFA != nil && *upd.EnforceMFA && !p.MFA {
		return Organization{}, invalid("enforce_mfa", "true", "M-6", "sign in with MFA before enforcing it, or you would lock yourself out")
	}
	var out Organization
	err := s.inTx(ctx, p, orgID, PermUserManage, func(ctx context.Context, org Organization) error {
		if err := versionOK(upd.Version, org.Version, "organization", orgID, "M-1"); err != nil {
			return err
		}
		next := org
		if upd.Alias != nil {
			next.Alias = *upd.Alias
		}
		if upd.EnforceMFA != nil {
			next.EnforceMFA = *upd.EnforceMFA
		}
		if next == org {
			out = org
			return nil
		}
		next.UpdatedAt = s.clock()
		if err := s.store.UpdateOrganization(ctx, next); err != nil {
			return err
		}
		next.Version++
		out = next
		return nil
	})
	return out, err
}

// ---- projects (M-2) ----

// CreateProject creates a project in orgID from in's editable fields (ID, OrgID,
// times and Version are set by the Service). Needs org.edit.
func (s *Service) CreateProject(ctx context.Context, p Principal, orgID string, in Project) (Project, error) {
	proj, err := ValidateProject(in)
	if err != nil {
		return Project{}, err
	}
	now := s.clock()
	proj.ID, proj.OrgID, proj.CreatedAt, proj.UpdatedAt, proj.Version = s.newID(), orgID, now, now, 1
	err = s.inTx(ctx, p, orgID, PermOrgEdit, func(ctx context.Context, _ Organization) error {
		return s.store.CreateProject(ctx, proj)
	})
	if err != nil {
		return Project{}, err
	}
	return proj, nil
}

// UpdateProject overwrites the editable fields of project in.ID with in's. in.Version
// is the version the caller read; it is required (a value below 1 is a
// *resellerkit.ValidationError on field "version", M-2). Needs org.edit. An update
// that changes nothing writes nothing: the version stays. ErrNotFound, ErrConflict.
func (s *Service) UpdateProject(ctx context.Context, p Principal, orgID string, in Project) (Project, error) {
	v, err := ValidateProject(in)
	if err != nil {
		return Project{}, err
	}
	var out Project
	err = s.inTx(ctx, p, orgID, PermOrgEdit, func(ctx context.Context, _ Organization) error {
		cur, err := s.store.GetProject(ctx, orgID, in.ID)
		if err != nil {
			return err
		}
		if err := versionOK(in.Version, cur.Version, "project", in.ID, "M-2"); err != nil {
			return err
		}
		v.ID, v.OrgID, v.CreatedAt, v.UpdatedAt, v.Version = cur.ID, cur.OrgID, cur.CreatedAt, cur.UpdatedAt, cur.Version
		if sameProject(v, cur) {
			out = cur
			return nil
		}
		v.UpdatedAt = s.clock()
		if err := s.store.UpdateProject(ctx, v); err != nil {
			return err
		}
		v.Version++
		out = v
		return nil
	})
	return out, err
}

// sameProject reports whether two projects hold the same values.
func sameProject(a, b Project) bool {
	return slices.Equal(a.InvoiceTo, b.InvoiceTo) && slices.Equal(a.InvoiceCC, b.InvoiceCC) &&
		a.ID == b.ID && a.OrgID == b.OrgID && a.Name == b.Name && a.Plan == b.Plan &&
		a.PaymentMethod == b.PaymentMethod && a.Currency == b.Currency && a.Billing == b.Billing &&
		a.CreatedAt.Equal(b.CreatedAt) && a.UpdatedAt.Equal(b.UpdatedAt) && a.Version == b.Version
}

// GetProject returns a project of orgID. Needs project.view.
func (s *Service) GetProject(ctx context.Context, p Principal, orgID, projectID string) (Project, error) {
	if _, _, err := s.authorize(ctx, p, orgID, PermProjectView); err != nil {
		return Project{}, err
	}
	return s.store.GetProject(ctx, orgID, projectID)
}

// ListProjects returns a page of the projects of orgID ordered by id. Needs
// project.view.
func (s *Service) ListProjects(ctx context.Context, p Principal, orgID string, page resellerkit.Page) ([]Project, string, error) {
	return list(ctx, s, p, orgID, PermProjectView, page, s.store.ListProjects)
}
