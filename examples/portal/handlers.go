package main

import (
	"net/http"

	"github.com/seeda33a2f4f/resellerkit/members"
)

// ---- me ----

type meJSON struct {
	IdentityID  string       `json:"identity_id"`
	Email       string       `json:"email,omitempty"`
	MFA         bool         `json:"mfa"`
	Operator    bool         `json:"operator"`
	Memberships []memberJSON `json:"memberships"`
}

func (s *server) getMe(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	ms, err := s.svc.ListMyMemberships(r.Context(), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, meJSON{IdentityID: p.IdentityID, Email: p.Email, MFA: p.MFA, Operator: p.Operator,
		Memberships: list(ms, toMember).Items})
	return nil
}

func (s *server) listMyInvitations(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	invs, err := s.svc.ListMyInvitations(r.Context(), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list(invs, toInvitation))
	return nil
}

// ---- organizations (M-1) ----

func (s *server) listOrgs(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	orgs, err := s.svc.ListOrganizations(r.Context(), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list(orgs, toOrg))
	return nil
}

type createOrgInput struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Alias      string `json:"alias"`
	EnforceMFA bool   `json:"enforce_mfa"`
}

func (s *server) createOrg(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	var in createOrgInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	org, err := s.svc.CreateOrganization(r.Context(), p, members.NewOrganization(in))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toOrg(org))
	return nil
}

func (s *server) getOrg(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	org, err := s.svc.GetOrganization(r.Context(), p, r.PathValue("org"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toOrg(org))
	return nil
}

// updateOrgInput is a partial update: absent fields stay as they are (M-1: only
// alias and enforce_mfa are editable).
type updateOrgInput struct {
	Alias      *string `json:"alias"`
	EnforceMFA *bool   `json:"enforce_mfa"`
	Version    int64   `json:"version"`
}

func (s *server) updateOrg(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	var in updateOrgInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	org, err := s.svc.UpdateOrganization(r.Context(), p, r.PathValue("org"), members.OrganizationUpdate(in))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toOrg(org))
	return nil
}

// ---- projects (M-2) ----

func (s *server) listProjects(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	ps, err := s.svc.ListProjects(r.Context(), p, r.PathValue("org"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list(ps, toProject))
	return nil
}

func (s *server) createProject(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	var in projectInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	proj, err := s.svc.CreateProject(r.Context(), p, r.PathValue("org"), in.project(""))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toProject(proj))
	return nil
}

func (s *server) getProject(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	proj, err := s.svc.GetProject(r.Context(), p, r.PathValue("org"), r.PathValue("project"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toProject(proj))
	return nil
}

// updateProject replaces the project's editable fields (PUT semantics). Send the
// version you read: a stale one is 409 conflict.
func (s *server) updateProject(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	var in projectInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	proj, err := s.svc.UpdateProject(r.Context(), p, r.PathValue("org"), in.project(r.PathValue("project")))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toProject(proj))
	return nil
}

// ---- accounts (M-3, M-10) ----

func (s *server) listAccounts(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	as, err := s.svc.ListAccounts(r.Context(), p, r.PathValue("org"))
	if err != nil {
		return err
	}
	now := s.now()
	writeJSON(w, http.StatusOK, list(as, func(a members.Account) accountJSON { return toAccount(a, now) }))
	return nil
}

type registerAccountInput struct {
	ID        string   `json:"id"`
	ProjectID string   `json:"project_id"`
	Name      string   `json:"name"`
	Labels    []string `json:"labels"`
}

func (s *server) registerAccount(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	var in registerAccountInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	a, err := s.svc.RegisterAccount(r.Context(), p, r.PathValue("org"), members.NewAccount(in))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toAccount(a, s.now()))
	return nil
}

func (s *server) getAccount(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	a, err := s.svc.GetAccount(r.Context(), p, r.PathValue("org"), r.PathValue("account"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAccount(a, s.now()))
	return nil
}

type moveAccountInput struct {
	ProjectID string `json:"project_id"`
	Version   int64  `json:"version"`
}

func (s *server) moveAccount(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	var in moveAccountInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	a, err := s.svc.MoveAccount(r.Context(), p, r.PathValue("org"), r.PathValue("account"), in.ProjectID, in.Version)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAccount(a, s.now()))
	return nil
}

// bulkEditInput overwrites the set fields on every listed account, all or nothing
// (M-10).
type bulkEditInput struct {
	AccountIDs []string  `json:"account_ids"`
	Name       *string   `json:"name"`
	Labels     *[]string `json:"labels"`
}

func (s *server) bulkEditAccounts(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	var in bulkEditInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	as, err := s.svc.BulkEditAccounts(r.Context(), p, r.PathValue("org"), in.AccountIDs,
		members.SetAccountDetails{Name: in.Name, Labels: in.Labels})
	if err != nil {
		return err
	}
	now := s.now()
	writeJSON(w, http.StatusOK, list(as, func(a members.Account) accountJSON { return toAccount(a, now) }))
	return nil
}

// ---- members (M-4, M-5, M-9) ----

func (s *server) listMembers(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	ms, err := s.svc.ListMembers(r.Context(), p, r.PathValue("org"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list(ms, toMember))
	return nil
}

func (s *server) getMember(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	m, err := s.svc.GetMember(r.Context(), p, r.PathValue("org"), r.PathValue("identity"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toMember(m))
	return nil
}

type changeMemberInput struct {
	Type        string   `json:"type"`
	Permissions []string `json:"permissions"`
	Version     int64    `json:"version"`
}

func (s *server) changeMember(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	var in changeMemberInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	m, err := s.svc.ChangeMember(r.Context(), p, r.PathValue("org"), r.PathValue("identity"),
		members.MemberType(in.Type), permissions(in.Permissions), in.Version)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toMember(m))
	return nil
}

func (s *server) removeMember(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	if err := s.svc.RemoveMember(r.Context(), p, r.PathValue("org"), r.PathValue("identity")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// ---- invitations (M-8) ----

func (s *server) listInvitations(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	invs, err := s.svc.ListInvitations(r.Context(), p, r.PathValue("org"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list(invs, toInvitation))
	return nil
}

type inviteInput struct {
	Email       string   `json:"email"`
	Type        string   `json:"type"`
	Permissions []string `json:"permissions"`
}

func (s *server) invite(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	var in inviteInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	inv, err := s.svc.Invite(r.Context(), p, r.PathValue("org"), members.NewInvitation{
		Email: in.Email, Type: members.MemberType(in.Type), Permissions: permissions(in.Permissions)})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toInvitation(inv))
	return nil
}

func (s *server) acceptInvitation(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	m, err := s.svc.AcceptInvitation(r.Context(), p, r.PathValue("org"), r.PathValue("invitation"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toMember(m))
	return nil
}

func (s *server) rejectInvitation(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	inv, err := s.svc.RejectInvitation(r.Context(), p, r.PathValue("org"), r.PathValue("invitation"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toInvitation(inv))
	return nil
}

func (s *server) revokeInvitation(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	inv, err := s.svc.RevokeInvitation(r.Context(), p, r.PathValue("org"), r.PathValue("invitation"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toInvitation(inv))
	return nil
}

// ---- applications (M-11) ----

func (s *server) listApplications(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	apps, err := s.svc.ListApplications(r.Context(), p, r.PathValue("org"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list(apps, toApplication))
	return nil
}

type submitApplicationInput struct {
	Kind      string `json:"kind"`
	AccountID string `json:"account_id"`
	ProjectID string `json:"project_id"`
	Details   string `json:"details"`
}

func (s *server) submitApplication(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	var in submitApplicationInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	app, err := s.svc.SubmitApplication(r.Context(), p, r.PathValue("org"), members.NewApplication{
		Kind: members.ApplicationKind(in.Kind), AccountID: in.AccountID, ProjectID: in.ProjectID, Details: in.Details})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toApplication(app))
	return nil
}

func (s *server) getApplication(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	app, err := s.svc.GetApplication(r.Context(), p, r.PathValue("org"), r.PathValue("application"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toApplication(app))
	return nil
}

func (s *server) reviewApplication(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	return s.writeApp(w)(s.svc.ReviewApplication(r.Context(), p, r.PathValue("org"), r.PathValue("application")))
}

func (s *server) completeApplication(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	return s.writeApp(w)(s.svc.CompleteApplication(r.Context(), p, r.PathValue("org"), r.PathValue("application")))
}

func (s *server) cancelApplication(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	return s.writeApp(w)(s.svc.CancelApplication(r.Context(), p, r.PathValue("org"), r.PathValue("application")))
}

type rejectApplicationInput struct {
	Reason string `json:"reason"`
}

func (s *server) rejectApplication(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	var in rejectApplicationInput
	if err := decodeOptionalJSON(w, r, &in); err != nil {
		return err
	}
	return s.writeApp(w)(s.svc.RejectApplication(r.Context(), p, r.PathValue("org"), r.PathValue("application"), in.Reason))
}

// writeApp returns a function writing an application result or passing its error on.
func (s *server) writeApp(w http.ResponseWriter) func(members.Application, error) error {
	return func(app members.Application, err error) error {
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, toApplication(app))
		return nil
	}
}
