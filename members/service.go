package members

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
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

// authorize loads the organization and p's membership through st and applies Check.
// A missing organization is denied exactly like a foreign one (M-7).
func (s *Service) authorize(ctx context.Context, st Store, p Principal, orgID string, need Permission) (Organization, *Membership, error) {
	org, err := st.GetOrganization(ctx, orgID)
	if errors.Is(err, ErrNotFound) {
		return Organization{}, nil, ErrPermissionDenied
	}
	if err != nil {
		return Organization{}, nil, err
	}
	var m *Membership
	if !p.Operator && p.IdentityID != "" {
		mm, err := st.GetMembership(ctx, orgID, p.IdentityID)
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

// versionOK reports whether a caller-supplied version matches the stored one. The
// version is mandatory (the optimistic-concurrency contract of M-2 and DESIGN.md
// rule 4): a version below 1, such as the zero value of a field the caller forgot,
// is a *ValidationError naming "version" with the operation's rule, never a blind
// last-writer-wins write.
func versionOK(given, stored int64, what, id, rule string) error {
	if given < 1 {
		return invalid("version", strconv.FormatInt(given, 10), rule, "required: send the version of the "+what+" you read")
	}
	if given != stored {
		return fmt.Errorf("%w: %s %q: stale version %d, current is %d", ErrConflict, what, id, given, stored)
	}
	return nil
}

// touchOrganization bumps the organization's version inside tx so that concurrent
// transactions checking an organization-wide invariant (the last power user, M-9)
// conflict instead of both passing.
func touchOrganization(ctx context.Context, tx Store, org Organization) error {
	cur, err := tx.GetOrganization(ctx, org.ID)
	if err != nil {
		return err
	}
	return tx.UpdateOrganization(ctx, cur)
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
// (M-1, M-4). p needs an IdentityID. ErrConflict if the code is taken.
func (s *Service) CreateOrganization(ctx context.Context, p Principal, in NewOrganization) (Organization, error) {
	if p.IdentityID == "" {
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
	err := s.store.InTx(ctx, func(tx Store) error {
		if err := tx.CreateOrganization(ctx, org); err != nil {
			return err
		}
		return tx.CreateMembership(ctx, m)
	})
	if err != nil {
		return Organization{}, err
	}
	return org, nil
}

// GetOrganization returns the organization to any of its members.
func (s *Service) GetOrganization(ctx context.Context, p Principal, orgID string) (Organization, error) {
	org, _, err := s.authorize(ctx, s.store, p, orgID, "")
	return org, err
}

// ListOrganizations returns the organizations p belongs to (every organization for
// an operator), ordered by id. Organizations whose MFA gate p fails are left out.
func (s *Service) ListOrganizations(ctx context.Context, p Principal) ([]Organization, error) {
	if p.Operator {
		all, err := s.store.ListOrganizations(ctx)
		if err != nil {
			return nil, err
		}
		// Operators pass the M-6 gate too: an MFA-enforcing organization is left out
		// for an operator who signed in without MFA, as GetOrganization denies it.
		out := all[:0]
		for _, org := range all {
			if Check(p, org, nil, "") == nil {
				out = append(out, org)
			}
		}
		return out, nil
	}
	if p.IdentityID == "" {
		return nil, ErrPermissionDenied
	}
	ms, err := s.store.ListMembershipsOfIdentity(ctx, p.IdentityID)
	if err != nil {
		return nil, err
	}
	var out []Organization
	for _, m := range ms {
		org, err := s.store.GetOrganization(ctx, m.OrgID)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if Check(p, org, &m, "") == nil {
			out = append(out, org)
		}
	}
	return out, nil
}

// OrganizationUpdate is the input of UpdateOrganization: nil fields stay as they are.
// Version is the version the caller read; it is required (a value below 1 is a
// *ValidationError on field "version", M-1).
type OrganizationUpdate struct {
	Alias      *string
	EnforceMFA *bool
	Version    int64
}

// UpdateOrganization changes the alias and/or EnforceMFA flag, the only fields
// customers edit (M-1). Power users only (M-5). Turning EnforceMFA on requires p to
// have MFA itself (M-6). ErrConflict on a stale version.
func (s *Service) UpdateOrganization(ctx context.Context, p Principal, orgID string, upd OrganizationUpdate) (Organization, error) {
	var out Organization
	err := s.store.InTx(ctx, func(tx Store) error {
		org, _, err := s.authorize(ctx, tx, p, orgID, PermUserManage)
		if err != nil {
			return err
		}
		if err := versionOK(upd.Version, org.Version, "organization", orgID, "M-1"); err != nil {
			return err
		}
		if upd.Alias != nil {
			if err := validateText("alias", "M-1", *upd.Alias, false); err != nil {
				return err
			}
			org.Alias = *upd.Alias
		}
		if upd.EnforceMFA != nil {
			if *upd.EnforceMFA && !p.MFA {
				return invalid("enforce_mfa", "true", "M-6", "sign in with MFA before enforcing it, or you would lock yourself out")
			}
			org.EnforceMFA = *upd.EnforceMFA
		}
		org.UpdatedAt = s.clock()
		if err := tx.UpdateOrganization(ctx, org); err != nil {
			return err
		}
		org.Version++
		out = org
		return nil
	})
	return out, err
}

// ---- projects (M-2) ----

// CreateProject creates a project in orgID from in's editable fields (ID, OrgID,
// times and Version are set by the Service). Needs org.edit.
func (s *Service) CreateProject(ctx context.Context, p Principal, orgID string, in Project) (Project, error) {
	if _, _, err := s.authorize(ctx, s.store, p, orgID, PermOrgEdit); err != nil {
		return Project{}, err
	}
	proj, err := ValidateProject(in)
	if err != nil {
		return Project{}, err
	}
	now := s.clock()
	proj.ID, proj.OrgID, proj.CreatedAt, proj.UpdatedAt, proj.Version = s.newID(), orgID, now, now, 1
	err = s.store.InTx(ctx, func(tx Store) error {
		// Authorize again inside the write's transaction: the check above is only a
		// cheap early exit, the membership may change before the write.
		if _, _, err := s.authorize(ctx, tx, p, orgID, PermOrgEdit); err != nil {
			return err
		}
		return tx.CreateProject(ctx, proj)
	})
	if err != nil {
		return Project{}, err
	}
	return proj, nil
}

// UpdateProject overwrites the editable fields of project in.ID with in's. in.Version
// is the version the caller read; it is required (a value below 1 is a
// *ValidationError on field "version", M-2). Needs org.edit. ErrNotFound,
// ErrConflict.
func (s *Service) UpdateProject(ctx context.Context, p Principal, orgID string, in Project) (Project, error) {
	if _, _, err := s.authorize(ctx, s.store, p, orgID, PermOrgEdit); err != nil {
		return Project{}, err
	}
	v, err := ValidateProject(in)
	if err != nil {
		return Project{}, err
	}
	var out Project
	err = s.store.InTx(ctx, func(tx Store) error {
		if _, _, err := s.authorize(ctx, tx, p, orgID, PermOrgEdit); err != nil {
			return err
		}
		cur, err := tx.GetProject(ctx, orgID, in.ID)
		if err != nil {
			return err
		}
		if err := versionOK(in.Version, cur.Version, "project", in.ID, "M-2"); err != nil {
			return err
		}
		v.ID, v.OrgID, v.CreatedAt, v.UpdatedAt, v.Version = cur.ID, cur.OrgID, cur.CreatedAt, s.clock(), cur.Version
		if err := tx.UpdateProject(ctx, v); err != nil {
			return err
		}
		v.Version++
		out = v
		return nil
	})
	return out, err
}

// GetProject returns a project of orgID. Needs project.view.
func (s *Service) GetProject(ctx context.Context, p Principal, orgID, projectID string) (Project, error) {
	if _, _, err := s.authorize(ctx, s.store, p, orgID, PermProjectView); err != nil {
		return Project{}, err
	}
	return s.store.GetProject(ctx, orgID, projectID)
}

// ListProjects returns the projects of orgID ordered by id. Needs project.view.
func (s *Service) ListProjects(ctx context.Context, p Principal, orgID string) ([]Project, error) {
	if _, _, err := s.authorize(ctx, s.store, p, orgID, PermProjectView); err != nil {
		return nil, err
	}
	return s.store.ListProjects(ctx, orgID)
}
