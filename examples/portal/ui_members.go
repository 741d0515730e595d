package main

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
)

// The members and invitations pages (M-4 … M-9): the organization's members with
// their type and permissions (user.view), a power user's form changing a member's
// type and permissions or removing the member (the last power user stays: M-9),
// the invitations with their state (invitation.view) and a power user's form
// inviting an address (its mail written in the same transaction, C-7) or revoking
// an invitation. The invitee accepts or rejects on the organizations page.
// members.Service decides who may; its errors are shown next to the field they
// name, with the input kept.
//
// On the organizations page a member (not an operator: operators are members of
// none) leaves an organization: a link to a page naming it and asking to
// confirm, whose form leaves (RemoveMember of oneself); the last power user
// stays (M-9), which that page says.

func init() {
	uiPages = append(uiPages, "members.html", "member_edit.html", "invitations.html")
	uiRoutes = append(uiRoutes, func(u *ui, mux *http.ServeMux) {
		mux.HandleFunc("GET /orgs/{org}/members", u.page(u.membersList))
		mux.HandleFunc("GET /orgs/{org}/members/{identity}", u.page(u.memberEdit))
		mux.HandleFunc("POST /orgs/{org}/members/{identity}", u.page(u.memberEdit))
		mux.HandleFunc("POST /orgs/{org}/members/{identity}/remove", u.page(u.memberRemove))
		mux.HandleFunc("GET /orgs/{org}/invitations", u.page(u.invitations))
		mux.HandleFunc("POST /orgs/{org}/invitations", u.page(u.invitations))
		mux.HandleFunc("POST /orgs/{org}/invitations/{invitation}/revoke", u.page(u.invitationRevoke))
		mux.HandleFunc("POST /invitations/{org}/{invitation}/accept", u.page(u.invitationDecide(true)))
		mux.HandleFunc("POST /invitations/{org}/{invitation}/reject", u.page(u.invitationDecide(false)))
		mux.HandleFunc("GET /orgs/{org}/leave", u.page(u.orgLeave))
		mux.HandleFunc("POST /orgs/{org}/leave", u.page(u.orgLeave))
	})
	uiNav = append(uiNav, navItem{Order: 50, Key: "nav.members", Path: "members", InOrg: true, Need: members.PermUserView,
		Pages: []string{"members.html", "member_edit.html", "invitations.html"}})
}

// membersPage is the data of the members list.
type membersPage struct {
	Rows           []memberRow
	CanManage      bool   // a power user: the rows link to their edit form
	ShowInvites    bool   // the person may see invitations (invitation.view)
	Done, DoneArg  string // a message key after a change, and its argument
	First, Next    string // links to the first and the next page, "" for none
	InvitationsURL string
}

// membersFieldError is an error shown next to a field: a message key and its
// arguments, Arg2 set (with Arg) when both are message keys themselves.
type membersFieldError struct{ Key, Arg, Arg2 string }

// memberRow is one member of the list.
type memberRow struct {
	ID, Email, TypeKey string
	Permissions        []string // message keys, empty for a power user (all)
	Self               bool
	Updated            string
}

// permChoice is one checkbox of a permission set.
type permChoice struct {
	Value, Key, HintKey string
	Checked             bool
}

// memberEditPage is the data of the form changing a member.
type memberEditPage struct {
	ID, Email, Version string
	Self               bool
	Type               string // the input
	Types              []supportOption
	Permissions        []permChoice
	Errors             map[string]*membersFieldError // by field: type, permissions
	Error              string                        // a message key for the whole form
	ErrorArg           string
}

// invitationsPage is the data of the invitations page and its invite form.
type invitationsPage struct {
	Rows        []invitationRow
	CanInvite   bool // a power user: the form and the revoke buttons
	Done        string
	DoneArg     string
	Problem     string // a message key shown above the list, "" for none
	First, Next string

	Email, Type string // the form's input
	Types       []supportOption
	Permissions []permChoice
	Errors      map[string]*membersFieldError // by field: email, type, permissions
	Error       string
}

// invitationRow is one invitation of the list.
type invitationRow struct {
	ID, Email, TypeKey, StateKey string
	Permissions                  []string // message keys
	Created, Expires             string
	Pending                      bool
}

// orgsPage is the organizations page's own data: the invitations waiting for the
// person, to accept or reject, and whether the person may leave an organization;
// with Leave set, the page asks to confirm leaving that one instead.
type orgsPage struct {
	Invitations []myInvitationRow
	Error       string // a message key, "" for none
	Rejected    bool
	CanLeave    bool        // a member, not an operator: each organization links to leaving it
	Left        bool        // the person has just left an organization
	Leave       *orgLeaving // the organization the person is about to leave, nil on the list
}

// orgLeaving is the confirmation of leaving one organization.
type orgLeaving struct {
	OrgID, Name string
	Error       string // a message key (the last power user, M-9), "" for none
}

// myInvitationRow is one invitation addressed to the person.
type myInvitationRow struct {
	OrgID, ID, TypeKey string
	OrgName            string // the inviting organization's display name (its id when unknown)
	Permissions        []string
	Expires            string
}

func membersBase(orgID string) string     { return "/orgs/" + url.PathEscape(orgID) + "/members" }
func invitationsBase(orgID string) string { return "/orgs/" + url.PathEscape(orgID) + "/invitations" }

// permissionKeys returns the message keys of perms, in AllPermissions' order.
func permissionKeys(perms []members.Permission) []string {
	var out []string
	for _, p := range members.AllPermissions() {
		if slices.Contains(perms, p) {
			out = append(out, "members.perm."+string(p))
		}
	}
	return out
}

// permChoices returns a checkbox per grantable permission, checked when in set.
func permChoices(set []string) []permChoice {
	var out []permChoice
	for _, p := range members.AllPermissions() {
		c := permChoice{Value: string(p), Key: "members.perm." + string(p), Checked: slices.Contains(set, string(p))}
		if q, ok := p.Prerequisite(); ok {
			c.HintKey = "members.perm.needs." + string(q)
		}
		out = append(out, c)
	}
	return out
}

// memberTypes are the choices of the type select.
func memberTypes() []supportOption {
	return []supportOption{{Value: string(members.MemberGeneral), Key: "members.type.general"},
		{Value: string(members.MemberPower), Key: "members.type.power"}}
}

// typeKey is the message key of a member type.
func typeKey(t members.MemberType) string {
	if t == members.MemberPower {
		return "members.type.power"
	}
	return "members.type.general"
}

// may reports whether p holds need in orgID, as members.Service decides: a
// denial is false, any other error is returned.
func (u *ui) may(ctx context.Context, p members.Principal, orgID string, need members.Permission) (bool, error) {
	err := u.s.svc.Authorize(ctx, p, orgID, need)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, members.ErrPermissionDenied):
		return false, nil
	}
	return false, err
}

// membersList is GET /orgs/{org}/members: a page of the members (user.view).
func (u *ui) membersList(_ http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p, orgID := r.Context(), principal(r), r.PathValue("org")
	page, err := listPage(r)
	if err != nil {
		return err
	}
	if err := u.loadOrgs(ctx, p, v, orgID); err != nil {
		return err
	}
	ms, next, err := u.s.svc.ListMembers(ctx, p, orgID, page)
	if err != nil {
		return err
	}
	out := membersPage{InvitationsURL: invitationsBase(orgID)}
	if out.CanManage, err = u.may(ctx, p, orgID, members.PermUserManage); err != nil {
		return err
	}
	if out.ShowInvites, err = u.may(ctx, p, orgID, members.PermInvitationView); err != nil {
		return err
	}
	// After a change, the message names the member by the email this page
	// lists, never by text from the query.
	q := r.URL.Query()
	if q.Get("removed") != "" {
		out.Done = "members.removed"
	}
	for _, m := range ms {
		if q.Get("changed") != "" && q.Get("changed") == m.IdentityID {
			out.Done, out.DoneArg = "members.changed", m.Email
		}
		row := memberRow{ID: m.IdentityID, Email: m.Email, TypeKey: typeKey(m.Type), Self: m.IdentityID == p.IdentityID,
			Updated: jst(m.UpdatedAt)}
		if m.Type != members.MemberPower {
			row.Permissions = permissionKeys(m.Permissions)
		}
		out.Rows = append(out.Rows, row)
	}
	out.First, out.Next = pageLinks(membersBase(orgID), r, page, next)
	v.Page, v.Data = "members.html", out
	return nil
}

// memberForm returns the edit form of m.
func memberForm(m members.Membership) memberEditPage {
	set := make([]string, 0, len(m.Permissions))
	for _, p := range m.Permissions {
		set = append(set, string(p))
	}
	return memberEditPage{ID: m.IdentityID, Email: m.Email, Version: strconv.FormatInt(m.Version, 10), Type: string(m.Type),
		Types: memberTypes(), Permissions: permChoices(set)}
}

// memberEdit is GET and POST /orgs/{org}/members/{identity}: a power user's form
// changing the member's type and permissions (M-4, M-5) with the version read.
func (u *ui) memberEdit(_ http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p, orgID, id := r.Context(), principal(r), r.PathValue("org"), r.PathValue("identity")
	if err := u.loadOrgs(ctx, p, v, orgID); err != nil {
		return err
	}
	if err := u.s.svc.Authorize(ctx, p, orgID, members.PermUserManage); err != nil {
		return err
	}
	m, err := u.s.svc.GetMember(ctx, p, orgID, id)
	if err != nil {
		return err
	}
	f := memberForm(m)
	f.Self = id == p.IdentityID
	v.Page = "member_edit.html"
	if r.Method != http.MethodPost {
		v.Data = f
		return nil
	}
	f.Version, f.Type = r.PostFormValue("version"), r.PostFormValue("type")
	f.Permissions = permChoices(r.PostForm["permission"])
	version, err := strconv.ParseInt(f.Version, 10, 64)
	if err != nil {
		return &badRequestError{msg: "bad version"}
	}
	var perms []members.Permission
	if f.Type != string(members.MemberPower) {
		for _, s := range r.PostForm["permission"] {
			perms = append(perms, members.Permission(s))
		}
	}
	_, err = u.s.svc.ChangeMember(ctx, p, orgID, id, members.MemberType(f.Type), perms, version)
	if err == nil {
		return seeOther(membersBase(orgID) + "?changed=" + url.QueryEscape(id))
	}
	if errors.Is(err, members.ErrConflict) {
		// Someone changed the member meanwhile: the member as it is now, with
		// its version, to decide again (the stale version would only conflict again).
		now, gerr := u.s.svc.GetMember(ctx, p, orgID, id)
		if gerr != nil {
			return gerr
		}
		f = memberForm(now)
		f.Self, f.Error = id == p.IdentityID, "members.error.conflict"
		v.Status, v.Data = http.StatusConflict, f
		return nil
	}
	if f.Errors = membershipErrors(err); len(f.Errors) == 0 {
		return err
	}
	f.Error = "members.form.failed"
	v.Status, v.Data = http.StatusBadRequest, f
	return nil
}

// membershipErrors maps the ValidationErrors of a change or an invitation to
// their fields: the type (M-4, the last power user of M-9), the permission set
// (M-5: an unknown one, or one without its prerequisite, both named) and the
// email; none when err holds none of those.
func membershipErrors(err error) map[string]*membersFieldError {
	out := map[string]*membersFieldError{}
	for _, ve := range validationErrors(err) {
		switch {
		case ve.Field == "type" && ve.Rule == "M-9":
			out["type"] = &membersFieldError{Key: "members.error.lastpower.demote"}
		case ve.Field == "type":
			out["type"] = &membersFieldError{Key: "members.error.type"}
		case ve.Field == "permissions":
			perm := members.Permission(ve.Value)
			q, has := perm.Prerequisite()
			if perm.Valid() && has {
				out["permissions"] = &membersFieldError{Key: "members.error.prerequisite", Arg: "members.perm." + string(perm), Arg2: "members.perm." + string(q)}
			} else {
				out["permissions"] = &membersFieldError{Key: "members.error.permission", Arg: ve.Value}
			}
		case ve.Field == "email":
			out["email"] = &membersFieldError{Key: "members.error.email", Arg: ve.Value}
		}
	}
	return out
}

// memberRemove is POST /orgs/{org}/members/{identity}/remove: a power user removes
// the member (M-9); the last power user cannot be removed, which the form shows.
func (u *ui) memberRemove(_ http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p, orgID, id := r.Context(), principal(r), r.PathValue("org"), r.PathValue("identity")
	if err := u.loadOrgs(ctx, p, v, orgID); err != nil {
		return err
	}
	if err := u.s.svc.Authorize(ctx, p, orgID, members.PermUserManage); err != nil {
		return err
	}
	m, err := u.s.svc.GetMember(ctx, p, orgID, id)
	if err != nil {
		return err
	}
	err = u.s.svc.RemoveMember(ctx, p, orgID, id)
	var ve *resellerkit.ValidationError
	switch {
	case err == nil && id == p.IdentityID:
		return seeOther("/orgs")
	case err == nil:
		return seeOther(membersBase(orgID) + "?removed=1")
	case errors.As(err, &ve) && ve.Rule == "M-9":
		f := memberForm(m)
		f.Self = id == p.IdentityID
		f.Error = "members.error.lastpower.remove"
		v.Page, v.Status, v.Data = "member_edit.html", http.StatusBadRequest, f
		return nil
	}
	return err
}

// invitations is GET and POST /orgs/{org}/invitations: a page of the
// invitations (invitation.view) and, for a power user, the form inviting an
// address; the invitation and its mail are one transaction (C-7).
func (u *ui) invitations(_ http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p, orgID := r.Context(), principal(r), r.PathValue("org")
	page, err := listPage(r)
	if err != nil {
		return err
	}
	if err := u.loadOrgs(ctx, p, v, orgID); err != nil {
		return err
	}
	out := invitationsPage{Type: string(members.MemberGeneral), Types: memberTypes()}
	if out.CanInvite, err = u.may(ctx, p, orgID, members.PermUserManage); err != nil {
		return err
	}
	v.Page = "invitations.html"
	if r.Method == http.MethodPost {
		if !out.CanInvite {
			return u.s.svc.Authorize(ctx, p, orgID, members.PermUserManage)
		}
		out.Email, out.Type = r.PostFormValue("email"), r.PostFormValue("type")
		var perms []members.Permission
		if out.Type != string(members.MemberPower) {
			for _, s := range r.PostForm["permission"] {
				perms = append(perms, members.Permission(s))
			}
		}
		inv, err := u.s.inviteWithMail(ctx, p, orgID, members.NewInvitation{Email: out.Email, Type: members.MemberType(out.Type), Permissions: perms})
		switch {
		case err == nil:
			return seeOther(invitationsBase(orgID) + "?invited=" + url.QueryEscape(inv.ID))
		case errors.Is(err, members.ErrAlreadyExists):
			out.Errors = map[string]*membersFieldError{"email": {Key: "members.error.email.exists", Arg: strings.TrimSpace(out.Email)}}
		default:
			if out.Errors = membershipErrors(err); len(out.Errors) == 0 {
				return err
			}
		}
		out.Error, v.Status = "members.form.failed", http.StatusBadRequest
		out.Permissions = permChoices(r.PostForm["permission"])
	} else {
		out.Permissions = permChoices([]string{string(members.PermProjectView), string(members.PermAccountView)})
		q := r.URL.Query()
		switch {
		case q.Get("invited") != "":
			out.Done = "members.invited.generic" // named below when this page lists it
		case q.Get("revoked") == "late":
			out.Problem = "members.revoke.late"
		case q.Get("revoked") != "":
			out.Done = "members.revoked"
		}
	}
	invs, next, err := u.s.svc.ListInvitations(ctx, p, orgID, page)
	if err != nil {
		return err
	}
	for _, inv := range invs {
		if out.Done == "members.invited.generic" && inv.ID == r.URL.Query().Get("invited") {
			out.Done, out.DoneArg = "members.invited", inv.Email
		}
		row := invitationRow{ID: inv.ID, Email: inv.Email, TypeKey: typeKey(inv.Type), StateKey: "members.invitation." + string(inv.State),
			Created: jst(inv.CreatedAt), Expires: jst(inv.ExpiresAt), Pending: inv.State == members.InvitationPending}
		if _, ok := catalog[row.StateKey]; !ok {
			row.StateKey = "members.invitation.other"
		}
		if inv.Type != members.MemberPower {
			row.Permissions = permissionKeys(inv.Permissions)
		}
		out.Rows = append(out.Rows, row)
	}
	out.First, out.Next = pageLinks(invitationsBase(orgID), r, page, next)
	v.Data = out
	return nil
}

// invitationRevoke is POST /orgs/{org}/invitations/{invitation}/revoke: a power
// user withdraws a pending invitation (M-8); one no longer pending is left as it
// is, and the list says so.
func (u *ui) invitationRevoke(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p, orgID := r.Context(), principal(r), r.PathValue("org")
	if err := u.loadOrgs(ctx, p, v, orgID); err != nil {
		return err
	}
	_, err := u.s.svc.RevokeInvitation(ctx, p, orgID, r.PathValue("invitation"))
	var ve *resellerkit.ValidationError
	switch {
	case err == nil:
		return seeOther(invitationsBase(orgID) + "?revoked=1")
	case errors.As(err, &ve) && ve.Field == "state":
		// Answered, expired or revoked meanwhile: the list shows its state now.
		return seeOther(invitationsBase(orgID) + "?revoked=late")
	}
	return err
}

// myInvitations returns the pending, unexpired invitations addressed to p.
func (u *ui) myInvitations(ctx context.Context, p members.Principal) ([]myInvitationRow, error) {
	invs, err := resellerkit.All(func(pg resellerkit.Page) ([]members.Invitation, string, error) {
		return u.s.svc.ListMyInvitations(ctx, p, pg)
	})
	if errors.Is(err, members.ErrPermissionDenied) {
		return nil, nil // an API key's principal: it decides no invitation
	}
	if err != nil {
		return nil, err
	}
	now := u.s.now()
	var out []myInvitationRow
	for _, inv := range invs {
		if inv.State != members.InvitationPending || !now.Before(inv.ExpiresAt) {
			continue
		}
		row := myInvitationRow{OrgID: inv.OrgID, OrgName: inv.OrgID, ID: inv.ID, TypeKey: typeKey(inv.Type), Expires: jst(inv.ExpiresAt)}
		switch name, err := u.s.svc.InvitingOrganization(ctx, p, inv.OrgID, inv.ID); {
		case err == nil:
			row.OrgName = name
		case !errors.Is(err, members.ErrNotFound) && !errors.Is(err, members.ErrPermissionDenied):
			return nil, err
		}
		if inv.Type != members.MemberPower {
			row.Permissions = permissionKeys(inv.Permissions)
		}
		out = append(out, row)
	}
	return out, nil
}

// orgsData is the organizations page's data for p (ui.orgs).
func (u *ui) orgsData(ctx context.Context, p members.Principal, r *http.Request) (orgsPage, error) {
	invs, err := u.myInvitations(ctx, p)
	q := r.URL.Query()
	return orgsPage{Invitations: invs, Rejected: q.Get("rejected") != "", CanLeave: !p.Operator, Left: q.Get("left") != ""}, err
}

// orgLeave is GET and POST /orgs/{org}/leave: the page naming the organization
// and asking to confirm, and its form, with which the person leaves it
// (RemoveMember of oneself: any member may). The last power user cannot (M-9):
// the page again with the reason, nothing changed. An operator is a member of no
// organization: refused like any action the person may not take.
func (u *ui) orgLeave(_ http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p, orgID := r.Context(), principal(r), r.PathValue("org")
	if p.Operator {
		return members.ErrPermissionDenied
	}
	if err := u.loadOrgs(ctx, p, v, orgID); err != nil {
		return err
	}
	out := orgsPage{Leave: &orgLeaving{OrgID: v.Org.ID, Name: v.Org.DisplayName()}}
	v.Page, v.Data = "orgs.html", out
	if r.Method != http.MethodPost {
		return nil
	}
	err := u.s.svc.RemoveMember(ctx, p, orgID, p.IdentityID)
	var ve *resellerkit.ValidationError
	switch {
	case err == nil:
		return seeOther("/orgs?left=1")
	case errors.As(err, &ve) && ve.Rule == "M-9":
		out.Leave.Error = "members.leave.lastpower"
		v.Status, v.Data = http.StatusBadRequest, out
		return nil
	}
	return err
}

// invitationDecide returns the handler of POST /invitations/{org}/{invitation}/accept
// (accept: true) or …/reject: the invitee's decision (M-8). Accepted, the person
// opens the organization; an expired invitation, one already decided or an
// organization that needs MFA the person signed in without is shown on the
// organizations page.
func (u *ui) invitationDecide(accept bool) uiFunc {
	return func(_ http.ResponseWriter, r *http.Request, v *view) error {
		ctx, p, orgID, id := r.Context(), principal(r), r.PathValue("org"), r.PathValue("invitation")
		var err error
		if accept {
			_, err = u.s.svc.AcceptInvitation(ctx, p, orgID, id)
		} else {
			_, err = u.s.svc.RejectInvitation(ctx, p, orgID, id)
		}
		var ve *resellerkit.ValidationError
		key := ""
		switch {
		case err == nil && accept:
			return seeOther("/orgs/" + url.PathEscape(orgID) + "/accounts")
		case err == nil:
			return seeOther("/orgs?rejected=1")
		case errors.Is(err, members.ErrMFARequired):
			key = "members.mine.mfa"
		case errors.Is(err, members.ErrAlreadyExists):
			key = "members.mine.already"
		case errors.As(err, &ve) && ve.Value == string(members.InvitationExpired):
			key = "members.mine.expired"
		case errors.As(err, &ve) && ve.Field == "state":
			key = "members.mine.decided"
		default:
			return err
		}
		if err := u.loadOrgs(ctx, p, v, ""); err != nil {
			return err
		}
		out, err := u.orgsData(ctx, p, r)
		if err != nil {
			return err
		}
		out.Error = key
		v.Page, v.Status, v.Data = "orgs.html", http.StatusBadRequest, out
		if key == "members.mine.mfa" {
			v.Status = http.StatusForbidden
		}
		return nil
	}
}
