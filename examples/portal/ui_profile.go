package main

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/identity"
)

// The profile page: the signed-in person's email, their sessions (with a button
// ending every other one) and a password-change form. Each calls identity.Service
// for the caller's own identity, as the API's /v1/me endpoints do; a password is
// never written back into the form.

func init() {
	uiPages = append(uiPages, "profile.html")
}

// profilePage is the data of the profile page.
type profilePage struct {
	Sessions []profileSession
	Revoked  string // how many sessions the last revoke ended, "" for none
	Changed  bool   // the password was just changed

	CurrentError string // a message key next to the current-password field, "" for none
	NewError     string // a message key next to the new-password field, "" for none
	Error        string // a message key for the whole form, "" for none
	MinLen       int    // the password rule's lengths (I-2), for its hint and error
	MaxLen       int
}

// profileSession is one session of the list.
type profileSession struct {
	ID, UserAgent, SourceIP, LastSeen, Created string
	Current                                    bool
}

// profile is GET /profile.
func (u *ui) profile(_ http.ResponseWriter, r *http.Request, v *view) error {
	out := profilePage{Changed: r.URL.Query().Get("changed") == "1"}
	if n := r.URL.Query().Get("revoked"); n != "" {
		if _, err := strconv.Atoi(n); err == nil {
			out.Revoked = n
		}
	}
	return u.profileShow(r, v, out, http.StatusOK)
}

// profileShow fills v with the profile page: the organizations (the navigation
// names the first) and the caller's sessions.
func (u *ui) profileShow(r *http.Request, v *view, out profilePage, status int) error {
	ctx, c := r.Context(), callerOf(r)
	out.MinLen, out.MaxLen = identity.MinPasswordLen, identity.MaxPasswordLen
	if err := u.loadOrgs(ctx, c.p, v, ""); err != nil {
		return err
	}
	if len(v.Orgs) > 0 {
		v.Org = v.Orgs[0]
	}
	list, _, err := u.s.ids.ListSessions(ctx, c.auth, resellerkit.Page{Limit: resellerkit.MaxPageLimit})
	if err != nil {
		return err
	}
	for _, s := range list {
		out.Sessions = append(out.Sessions, profileSession{ID: s.ID, UserAgent: s.UserAgent, SourceIP: s.SourceIP,
			LastSeen: jst(s.LastSeenAt), Created: jst(s.CreatedAt), Current: s.ID == c.auth.SessionID})
	}
	v.Page, v.Status, v.Data = "profile.html", status, out
	return nil
}

// profileRevokeOthers is POST /profile/sessions/revoke-others: every session of
// the caller but this one ends.
func (u *ui) profileRevokeOthers(_ http.ResponseWriter, r *http.Request, _ *view) error {
	n, err := u.s.ids.RevokeSessions(r.Context(), callerOf(r).auth)
	if err != nil {
		return err
	}
	return seeOther("/profile?revoked=" + strconv.Itoa(n) + "#sessions")
}

// profilePassword is POST /profile/password: the current password confirms the
// change; a wrong one or a new one breaking the rules (I-2) shows the page again
// with the error next to its field (400), nothing changed.
func (u *ui) profilePassword(_ http.ResponseWriter, r *http.Request, v *view) error {
	next := r.PostFormValue("new_password")
	err := u.s.ids.ChangePassword(r.Context(), callerOf(r).auth, r.PostFormValue("current_password"), next)
	if err == nil {
		return seeOther("/profile?changed=1#password")
	}
	out := profilePage{Error: "profile.password.failed"}
	var ve *resellerkit.ValidationError
	switch {
	case errors.Is(err, identity.ErrWrongPassword):
		out.CurrentError = "profile.error.current_password"
	case errors.As(err, &ve) && ve.Field == "new_password":
		out.NewError = "profile.error.new_password.breached"
		if identity.PasswordProblems(next) != nil {
			out.NewError = "profile.error.new_password"
		}
	default:
		return err
	}
	return u.profileShow(r, v, out, http.StatusBadRequest)
}
