package main

import (
	"net/http"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
)

// Handlers decode the request, call one members.Service method with the
// authenticated principal and encode the answer. List endpoints are built by
// listHandler (paging.go).

// ---- me ----

type meJSON struct {
	IdentityID string `json:"identity_id"`
	Email      string `json:"email,omitempty"`
	Name       string `json:"name,omitempty"`
	MFA        bool   `json:"mfa"`
	Operator   bool   `json:"operator"`
	// SessionID is set when the caller signed in; APIKeyID and APIKeyOrgID (the one
	// organization the key acts in) when it uses an API key.
	SessionID   string       `json:"session_id,omitempty"`
	APIKeyID    string       `json:"api_key_id,omitempty"`
	APIKeyOrgID string       `json:"api_key_org_id,omitempty"`
	Memberships []memberJSON `json:"memberships"`
	// MembershipsNextPageToken is set when the principal has more memberships than
	// the first page holds: GET /v1/me/memberships?page_token=… lists the rest.
	MembershipsNextPageToken string `json:"memberships_next_page_token,omitempty"`
}

// getMe answers who the caller is, with the first page of its memberships.
func (s *server) getMe(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	ms, next, err := s.svc.ListMyMemberships(r.Context(), p, resellerkit.Page{})
	if err != nil {
		return err
	}
	a := callerOf(r).auth
	return writeJSON(w, http.StatusOK, meJSON{IdentityID: p.IdentityID, Email: p.Email, Name: a.Identity.Name, MFA: p.MFA,
		Operator: p.Operator, SessionID: a.SessionID, APIKeyID: a.APIKeyID, APIKeyOrgID: a.OrgID,
		Memberships: convert(ms, toMember), MembershipsNextPageToken: next})
}

// ---- organizations (M-1) ----

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
	return writeJSON(w, http.StatusCreated, toOrg(org))
}

func (s *server) getOrg(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	return writeResult(w, toOrg)(s.svc.GetOrganization(r.Context(), p, r.PathValue("org")))
}

// updateOrgInput is a partial update: absent (or null) fields stay as they are (M-1:
// only alias and enforce_mfa are editable).
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
	return writeResult(w, toOrg)(s.svc.UpdateOrganization(r.Context(), p, r.PathValue("org"), members.OrganizationUpdate(in)))
}

// ---- projects (M-2) ----

func (s *server) createProject(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	var in projectInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	proj, err := s.svc.CreateProject(r.Context(), p, r.PathValue("org"), in.project(""))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, toProject(proj))
}

func (s *server) getProject(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	return writeResult(w, toProject)(s.svc.GetProject(r.Context(), p, r.PathValue("org"), r.PathValue("project")))
}

// updateProject replaces the project's editable fields (PUT semantics). Send the
// version you read: a stale one is 409 conflict.
func (s *server) updateProject(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	var in projectInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	return writeResult(w, toProject)(s.svc.UpdateProject(r.Context(), p, r.PathValue("org"), in.project(r.PathValue("project"))))
}

// ---- accounts (M-3, M-10) ----

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
	return writeJSON(w, http.StatusCreated, s.toAccount(a))
}

func (s *server) getAccount(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	return writeResult(w, s.toAccount)(s.svc.GetAccount(r.Context(), p, r.PathValue("org"), r.PathValue("account")))
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
	return writeResult(w, s.toAccount)(s.svc.MoveAccount(r.Context(), p, r.PathValue("org"), r.PathValue("account"), in.ProjectID, in.Version))
}

// bulkEditInput overwrites the set fields on every listed account, all or nothing
// (M-10).
type bulkEditInput struct {
	AccountIDs []string  `json:"account_ids"`
	Name       *string   `json:"name"`
	Labels     *[]string `json:"labels"`
}

// bulkEditAccounts answers the edited accounts, in the order given, as one list
// (at most members.MaxBulkAccounts, so it has no next page).
func (s *server) bulkEditAccounts(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	var in bulkEditInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	as, err := s.svc.BulkEditAccounts(r.Context(), p, r.PathValue("org"), in.AccountIDs,
		members.AccountDetails{Name: in.Name, Labels: in.Labels})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, pageJSON[accountJSON]{Items: convert(as, s.toAccount)})
}

// ---- members (M-4, M-5, M-9) ----

func (s *server) getMember(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	return writeResult(w, toMember)(s.svc.GetMember(r.Context(), p, r.PathValue("org"), r.PathValue("identity")))
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
	return writeResult(w, toMember)(s.svc.ChangeMember(r.Context(), p, r.PathValue("org"), r.PathValue("identity"),
		members.MemberType(in.Type), permissions(in.Permissions), in.Version))
}

func (s *server) removeMember(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	if err := s.svc.RemoveMember(r.Context(), p, r.PathValue("org"), r.PathValue("identity")); err != nil {
		return err
	}
	noContent(w)
	return nil
}

// ---- invitations (M-8) ----

type inviteInput struct {
	Email       string   `json:"email"`
	Type        string   `json:"type"`
	Permissions []string `json:"permissions"`
}

func (s *server) acceptInvitation(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	return writeResult(w, toMember)(s.svc.AcceptInvitation(r.Context(), p, r.PathValue("org"), r.PathValue("invitation")))
}

func (s *server) rejectInvitation(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	return writeResult(w, toInvitation)(s.svc.RejectInvitation(r.Context(), p, r.PathValue("org"), r.PathValue("invitation")))
}

func (s *server) revokeInvitation(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	return writeResult(w, toInvitation)(s.svc.RevokeInvitation(r.Context(), p, r.PathValue("org"), r.PathValue("invitation")))
}

// ---- applications (M-11) ----

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
	return writeJSON(w, http.StatusCreated, applicationFor(p)(app))
}

func (s *server) getApplication(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	return writeResult(w, applicationFor(p))(s.svc.GetApplication(r.Context(), p, r.PathValue("org"), r.PathValue("application")))
}

func (s *server) reviewApplication(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	return writeResult(w, applicationFor(p))(s.svc.ReviewApplication(r.Context(), p, r.PathValue("org"), r.PathValue("application")))
}

func (s *server) completeApplication(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	if s.carrier != nil {
		// Carried out with AWS Organizations (M-11): a new account is created and
		// registered, a closure closes it, a transfer-in invites it; the answer is
		// the application with its operation (waiting: run it again later).
		return writeResult(w, applicationFor(p))(s.carrier.Complete(r.Context(), p, r.PathValue("org"), r.PathValue("application")))
	}
	return writeResult(w, applicationFor(p))(s.svc.CompleteApplication(r.Context(), p, r.PathValue("org"), r.PathValue("application")))
}

func (s *server) cancelApplication(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	return writeResult(w, applicationFor(p))(s.svc.CancelApplication(r.Context(), p, r.PathValue("org"), r.PathValue("application")))
}

type rejectApplicationInput struct {
	Reason string `json:"reason"`
}

func (s *server) rejectApplication(w http.ResponseWriter, r *http.Request, p members.Principal) error {
	var in rejectApplicationInput
	if err := decodeOptionalJSON(w, r, &in); err != nil {
		return err
	}
	return writeResult(w, applicationFor(p))(s.svc.RejectApplication(r.Context(), p, r.PathValue("org"), r.PathValue("application"), in.Reason))
}

// writeResult returns a function that answers 200 with a Service result converted
// by conv, or passes the Service's error on.
func writeResult[T, J any](w http.ResponseWriter, conv func(T) J) func(T, error) error {
	return func(v T, err error) error {
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, conv(v))
	}
}
