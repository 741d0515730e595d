package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/skip2/go-qrcode"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/members"
)

// The profile page: the signed-in person's email, their sessions (with a button
// ending every other one), a password-change form, their second factors (an
// authenticator app, recovery codes, passkeys) and their API keys. Each form
// calls identity.Service for the caller's own identity, as the API's /v1/me
// endpoints do, with the Service's own rules: the password again before a
// sensitive change (reauthentication), a session (not an API key) for every
// change. A password is never written back into a form; a secret (the app's key
// while it is set up, recovery codes, an API key) is shown in the answer that
// made it and never again. Another person's passkey or API key is not found
// (404): the Service looks ids up among the caller's own only.

func init() {
	uiPages = append(uiPages, "profile.html")
	uiRoutes = append(uiRoutes, func(u *ui, mux *http.ServeMux) {
		mux.HandleFunc("POST /profile/totp", u.page(u.profileTOTPBegin))
		mux.HandleFunc("POST /profile/totp/confirm", u.page(u.profileTOTPConfirm))
		mux.HandleFunc("POST /profile/totp/remove", u.page(u.profileTOTPRemove))
		mux.HandleFunc("POST /profile/recovery-codes", u.page(u.profileRecoveryCodes))
		mux.HandleFunc("POST /profile/passkeys/new", u.page(u.profilePasskeyBegin))
		mux.HandleFunc("POST /profile/passkeys", u.page(u.profilePasskeyFinish))
		mux.HandleFunc("POST /profile/passkeys/{passkey}/rename", u.page(u.profilePasskeyRename))
		mux.HandleFunc("POST /profile/passkeys/{passkey}/remove", u.page(u.profilePasskeyRemove))
		mux.HandleFunc("POST /profile/api-keys", u.page(u.profileKeyCreate))
		mux.HandleFunc("POST /profile/api-keys/{key}/revoke", u.page(u.profileKeyRevoke))
	})
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

	MFA      identity.MFAStatus
	Passkeys []profilePasskey
	Keys     []profileKey
	Orgs     []members.Organization // the organizations an API key may be bound to
	// First and Next page through the API keys ("" for none).
	First, Next string

	Done string // a message key of what the last change did (after its redirect), "" for none
	// Err are the field errors of the form just posted: by field id.
	Err map[string]fieldMsg
	// Form is the form just posted, and its input kept (never a password).
	Form profileForm

	TOTPSetup *totpSetup       // an authenticator app being set up
	Ceremony  *passkeyCeremony // a passkey being registered (static/passkey.js)
	Codes     []string         // recovery codes, shown once
	NewKey    *profileKey      // the API key just created, with its secret, shown once
}

// profileField is one field of the page's forms as its shared templates draw it
// ("profile.password", "profile.code"): its id and its error.
type profileField struct {
	ID  string
	Err fieldMsg
}

// Field returns the field with the id, with its error from the form just posted.
func (p profilePage) Field(id string) profileField { return profileField{ID: id, Err: p.Err[id]} }

// fieldMsg is a field's error: a message key and its argument, if any.
type fieldMsg struct {
	Key string
	Arg any
}

// profileForm is what the person typed into the form just posted, kept on error.
type profileForm struct {
	PasskeyName, RenameID, RenameName string
	KeyName, KeyOrg, KeyExpires       string
}

// profileSession is one session of the list.
type profileSession struct {
	ID, UserAgent, SourceIP, LastSeen, Created string
	Current                                    bool
}

// profilePasskey is one passkey of the list.
type profilePasskey struct {
	ID, Name, Created, LastUsed string
}

// profileKey is one API key of the list (Secret only when just created).
type profileKey struct {
	ID, Name, OrgID, OrgName, Created, LastUsed, Expires, Secret string
	MFA                                                          bool
}

// totpSetup is an authenticator app being set up: its key to type in (in groups
// of four), the otpauth URI as text and as a QR code, and both sealed into the
// confirmation form, so that a wrong code shows them again without storing them
// here.
type totpSetup struct {
	Secret  string   `json:"s"`
	URI     string   `json:"u"`
	Expires int64    `json:"x"` // Unix seconds
	Groups  []string `json:"-"`
	Sealed  string   `json:"-"`
	QRPath  string   `json:"-"` // the QR code's dark modules, an SVG path in module units ("" if it could not be drawn)
	QRSize  int      `json:"-"` // its size in modules, the quiet zone included
}

// show fills what the page draws of s: the key's groups and the URI's QR code.
func (s *totpSetup) show() {
	s.Groups = groupsOf(s.Secret, 4)
	s.QRPath, s.QRSize = qrPath(s.URI)
}

// qrPath draws text as a QR code (medium error correction, skip2/go-qrcode): an
// SVG path of unit squares, one per dark module, and the code's size in modules
// with its quiet zone. The page draws it inline (the CSP allows no data: image),
// with the URI as text beside it; "" if text does not fit a QR code.
func qrPath(text string) (string, int) {
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return "", 0
	}
	bm := q.Bitmap()
	var b strings.Builder
	for y, row := range bm {
		for x, dark := range row {
			if dark {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x, y)
			}
		}
	}
	return b.String(), len(bm)
}

// totpSetupTTL is how long the confirmation form can show a setup again.
const totpSetupTTL = 15 * time.Minute

// passkeyCeremony is a passkey registration waiting for the browser: the options
// for navigator.credentials.create (JSON) and the ticket to send back.
type passkeyCeremony struct {
	Ticket, Options, Name string
}

// profileDone are the messages a redirect after a change may name (?done=).
var profileDone = map[string]string{
	"totp_on":         "profile.mfa.totp.enabled",
	"totp_off":        "profile.mfa.totp.disabled",
	"passkey_added":   "profile.passkeys.added",
	"passkey_renamed": "profile.passkeys.renamed",
	"passkey_removed": "profile.passkeys.removed",
	"key_revoked":     "profile.keys.revoked",
}

// profile is GET /profile.
func (u *ui) profile(_ http.ResponseWriter, r *http.Request, v *view) error {
	out := profilePage{Changed: r.URL.Query().Get("changed") == "1", Done: profileDone[r.URL.Query().Get("done")]}
	if n := r.URL.Query().Get("revoked"); n != "" {
		if _, err := strconv.Atoi(n); err == nil {
			out.Revoked = n
		}
	}
	return u.profileShow(r, v, out, http.StatusOK)
}

// profileShow fills v with the profile page: the organizations (the navigation
// names the first), the caller's sessions, second factors, passkeys and a page
// of API keys (?page_token= on GET /profile).
func (u *ui) profileShow(r *http.Request, v *view, out profilePage, status int) error {
	ctx, c := r.Context(), callerOf(r)
	out.MinLen, out.MaxLen = identity.MinPasswordLen, identity.MaxPasswordLen
	if err := u.loadOrgs(ctx, c.p, v, ""); err != nil {
		return err
	}
	if len(v.Orgs) > 0 {
		v.Org = v.Orgs[0]
	}
	out.Orgs = v.Orgs
	list, _, err := u.s.ids.ListSessions(ctx, c.auth, resellerkit.Page{Limit: resellerkit.MaxPageLimit})
	if err != nil {
		return err
	}
	for _, s := range list {
		out.Sessions = append(out.Sessions, profileSession{ID: s.ID, UserAgent: s.UserAgent, SourceIP: s.SourceIP,
			LastSeen: jst(s.LastSeenAt), Created: jst(s.CreatedAt), Current: s.ID == c.auth.SessionID})
	}
	if out.MFA, err = u.s.ids.MFAStatus(ctx, c.auth.Identity.ID); err != nil {
		return err
	}
	pks, err := u.s.ids.ListPasskeys(ctx, c.auth.Identity.ID)
	if err != nil {
		return err
	}
	for _, pk := range pks {
		out.Passkeys = append(out.Passkeys, profilePasskey{ID: pk.CredentialID, Name: pk.Name,
			Created: jst(pk.CreatedAt), LastUsed: jst(pk.LastUsedAt)})
	}
	if err := u.profileKeys(r, &out); err != nil {
		return err
	}
	v.Page, v.Status, v.Data = "profile.html", status, out
	return nil
}

// profileKeys fills out.Keys with a page of the caller's API keys: the page
// GET /profile asks for, the first after a post.
func (u *ui) profileKeys(r *http.Request, out *profilePage) error {
	page := resellerkit.Page{}
	if r.Method == http.MethodGet {
		var err error
		if page, err = parsePage(r.URL.Query()); err != nil {
			return err
		}
	}
	if page.Limit == 0 {
		page.Limit = uiPageLimit
	}
	keys, next, err := u.s.ids.ListAPIKeys(r.Context(), callerOf(r).auth, page)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, o := range out.Orgs {
		names[o.ID] = o.Name
	}
	for _, k := range keys {
		out.Keys = append(out.Keys, toProfileKey(k, names[k.OrgID]))
	}
	q := url.Values{}
	if r.Method == http.MethodGet && r.URL.Query().Has(paramLimit) {
		q.Set(paramLimit, strconv.Itoa(page.Limit))
	}
	if page.Token != "" {
		out.First = "/profile?" + q.Encode() + "#api-keys"
	}
	if next != "" {
		q.Set(paramPageToken, next)
		out.Next = "/profile?" + q.Encode() + "#api-keys"
	}
	return nil
}

func toProfileKey(k identity.APIKey, orgName string) profileKey {
	return profileKey{ID: k.ID, Name: k.Name, OrgID: k.OrgID, OrgName: orgName, Created: jst(k.CreatedAt),
		LastUsed: jst(k.LastUsedAt), Expires: jst(k.ExpiresAt), MFA: k.MFA}
}

// profileFailed shows the profile again (400, or 429 when throttled) with the
// field errors errs, the input kept in form.
func (u *ui) profileFailed(r *http.Request, v *view, out profilePage, errs map[string]fieldMsg) error {
	out.Err = errs
	status := http.StatusBadRequest
	for _, m := range errs {
		if m.Key == "profile.error.throttled" {
			status = http.StatusTooManyRequests
		}
	}
	return u.profileShow(r, v, out, status)
}

// passwordError maps the error of a reauthentication to the message next to the
// password field: a wrong password, or too many attempts. ok is false for any
// other error, which is not the person's to fix.
func passwordError(err error) (fieldMsg, bool) {
	var throttled *identity.ThrottledError
	switch {
	case errors.As(err, &throttled):
		return fieldMsg{Key: "profile.error.throttled", Arg: throttled.Seconds()}, true
	case errors.Is(err, identity.ErrWrongPassword), errors.Is(err, identity.ErrUnauthenticated):
		return fieldMsg{Key: "profile.error.current_password"}, true
	}
	return fieldMsg{}, false
}

// ---- authenticator app and recovery codes ----

// profileTOTPBegin is POST /profile/totp with the password: a new authenticator
// app's key, shown with a form confirming it with a code.
func (u *ui) profileTOTPBegin(_ http.ResponseWriter, r *http.Request, v *view) error {
	e, err := u.s.ids.BeginTOTP(r.Context(), callerOf(r).auth, r.PostFormValue("password"))
	if err != nil {
		if m, ok := passwordError(err); ok {
			return u.profileFailed(r, v, profilePage{}, map[string]fieldMsg{"totp_password": m})
		}
		if errors.Is(err, identity.ErrAlreadyExists) {
			return seeOther("/profile#mfa")
		}
		return err
	}
	setup := &totpSetup{Secret: e.Secret, URI: e.URI, Expires: u.s.now().Add(totpSetupTTL).Unix()}
	setup.Sealed = u.pending.sealJSON(setup)
	setup.show()
	return u.profileShow(r, v, profilePage{TOTPSetup: setup}, http.StatusOK)
}

// groupsOf cuts s into groups of n characters, to be read and typed.
func groupsOf(s string, n int) []string {
	var out []string
	for len(s) > n {
		out = append(out, s[:n])
		s = s[n:]
	}
	return append(out, s)
}

// profileTOTPConfirm is POST /profile/totp/confirm: a code from the app turns it
// on; the recovery codes, when these are the identity's first, are shown once. A
// wrong code shows the setup again with the error next to the code.
func (u *ui) profileTOTPConfirm(_ http.ResponseWriter, r *http.Request, v *view) error {
	var setup totpSetup
	if err := u.pending.openJSON(r.PostFormValue("setup"), &setup); err != nil || u.s.now().Unix() > setup.Expires {
		return u.profileFailed(r, v, profilePage{}, map[string]fieldMsg{"totp_password": {Key: "profile.mfa.totp.expired"}})
	}
	setup.Sealed = r.PostFormValue("setup")
	setup.show()
	codes, err := u.s.ids.ConfirmTOTP(r.Context(), callerOf(r).auth, strings.TrimSpace(r.PostFormValue("code")))
	switch {
	case err == nil:
	case errors.Is(err, identity.ErrUnauthenticated):
		return u.profileFailed(r, v, profilePage{TOTPSetup: &setup}, map[string]fieldMsg{"totp_code": {Key: "profile.mfa.error.code"}})
	case errors.Is(err, identity.ErrNotFound):
		// Removed or set up again elsewhere meanwhile.
		return u.profileFailed(r, v, profilePage{}, map[string]fieldMsg{"totp_password": {Key: "profile.mfa.totp.expired"}})
	case errors.Is(err, identity.ErrAlreadyExists):
		return seeOther("/profile?done=totp_on#mfa")
	default:
		return err
	}
	if len(codes) == 0 {
		return seeOther("/profile?done=totp_on#mfa")
	}
	return u.profileShow(r, v, profilePage{Codes: codes, Done: "profile.mfa.totp.enabled"}, http.StatusOK)
}

// profileTOTPRemove is POST /profile/totp/remove: the password (identity's
// reauthentication) and a fresh code of the app turn it off. The code is checked
// by signing in with both (identity.Service.SignIn, the one place that checks
// a code: counted against the failure limit, and spending the code) and
// ending that session at once.
func (u *ui) profileTOTPRemove(_ http.ResponseWriter, r *http.Request, v *view) error {
	ctx, c := r.Context(), callerOf(r)
	password, code := r.PostFormValue("password"), strings.TrimSpace(r.PostFormValue("code"))
	errs := map[string]fieldMsg{}
	if password == "" {
		errs["remove_password"] = fieldMsg{Key: "signin.error.required"}
	}
	if code == "" {
		errs["remove_code"] = fieldMsg{Key: "signin.error.required"}
	}
	if len(errs) > 0 {
		return u.profileFailed(r, v, profilePage{}, errs)
	}
	creds := identity.Credentials{Email: c.auth.Identity.Email, Password: password}
	// The password alone first: a right one answers that a second factor is
	// needed, so a wrong code is told apart from a wrong password.
	_, tok, err := u.s.ids.SignIn(ctx, creds, clientOf(r))
	if err == nil {
		// MFA is off already: nothing to turn off (the session is not needed).
		if err := u.s.ids.SignOut(ctx, tok); err != nil {
			return err
		}
		return seeOther("/profile?done=totp_off#mfa")
	}
	if !errors.Is(err, identity.ErrSecondFactorRequired) {
		if m, ok := passwordError(err); ok {
			return u.profileFailed(r, v, profilePage{}, map[string]fieldMsg{"remove_password": m})
		}
		return err
	}
	creds.TOTP = code
	_, tok, err = u.s.ids.SignIn(ctx, creds, clientOf(r))
	if err != nil {
		var throttled *identity.ThrottledError
		switch {
		case errors.As(err, &throttled):
			return u.profileFailed(r, v, profilePage{}, map[string]fieldMsg{"remove_code": {Key: "profile.error.throttled", Arg: throttled.Seconds()}})
		case errors.Is(err, identity.ErrUnauthenticated):
			return u.profileFailed(r, v, profilePage{}, map[string]fieldMsg{"remove_code": {Key: "profile.mfa.error.code"}})
		}
		return err
	}
	if err := u.s.ids.SignOut(ctx, tok); err != nil {
		return err
	}
	if err := u.s.ids.RemoveTOTP(ctx, c.auth, password); err != nil {
		if m, ok := passwordError(err); ok {
			return u.profileFailed(r, v, profilePage{}, map[string]fieldMsg{"remove_password": m})
		}
		return err
	}
	return seeOther("/profile?done=totp_off#mfa")
}

// profileRecoveryCodes is POST /profile/recovery-codes with the password: new
// recovery codes replace every old one and are shown once. Only with MFA on (the
// Service refuses otherwise).
func (u *ui) profileRecoveryCodes(_ http.ResponseWriter, r *http.Request, v *view) error {
	codes, err := u.s.ids.RegenerateRecoveryCodes(r.Context(), callerOf(r).auth, r.PostFormValue("password"))
	var ve *resellerkit.ValidationError
	switch {
	case err == nil:
		return u.profileShow(r, v, profilePage{Codes: codes, Done: "profile.mfa.codes.regenerated"}, http.StatusOK)
	case errors.As(err, &ve) && ve.Field == "recovery_codes":
		return u.profileFailed(r, v, profilePage{}, map[string]fieldMsg{"codes_password": {Key: "profile.mfa.error.no_factor"}})
	}
	if m, ok := passwordError(err); ok {
		return u.profileFailed(r, v, profilePage{}, map[string]fieldMsg{"codes_password": m})
	}
	return err
}

// ---- passkeys ----

// profilePasskeyBegin is POST /profile/passkeys/new with a name and the
// password: the registration's options, for static/passkey.js to hand to the
// browser (navigator.credentials.create) when the person presses the button.
func (u *ui) profilePasskeyBegin(_ http.ResponseWriter, r *http.Request, v *view) error {
	name := strings.TrimSpace(r.PostFormValue("name"))
	form := profileForm{PasskeyName: name}
	ticket, opts, err := u.s.ids.BeginPasskeyRegistration(r.Context(), callerOf(r).auth, r.PostFormValue("password"))
	if err != nil {
		return u.passkeyFailed(r, v, form, err)
	}
	raw, err := json.Marshal(opts)
	if err != nil {
		return err
	}
	return u.profileShow(r, v, profilePage{Form: form, Ceremony: &passkeyCeremony{Ticket: ticket, Options: string(raw), Name: name}},
		http.StatusOK)
}

// passkeyFailed shows a refused passkey registration's error next to its field.
func (u *ui) passkeyFailed(r *http.Request, v *view, form profileForm, err error) error {
	var (
		ve        *resellerkit.ValidationError
		throttled *identity.ThrottledError
	)
	switch {
	case errors.As(err, &throttled) || errors.Is(err, identity.ErrWrongPassword):
		m, _ := passwordError(err)
		return u.profileFailed(r, v, profilePage{Form: form}, map[string]fieldMsg{"passkey_password": m})
	case errors.As(err, &ve) && ve.Field == "name":
		return u.profileFailed(r, v, profilePage{Form: form}, map[string]fieldMsg{"passkey_name": {Key: "profile.passkeys.error.name"}})
	case errors.As(err, &ve) && ve.Field == "passkeys":
		return u.profileFailed(r, v, profilePage{Form: form}, map[string]fieldMsg{"passkey_name": {Key: "profile.passkeys.error.limit"}})
	case errors.Is(err, identity.ErrAlreadyExists):
		return u.profileFailed(r, v, profilePage{Form: form}, map[string]fieldMsg{"passkey_name": {Key: "profile.passkeys.error.exists"}})
	case errors.Is(err, identity.ErrUnauthenticated):
		// The ceremony failed, was cancelled or took too long: start again.
		return u.profileFailed(r, v, profilePage{Form: form}, map[string]fieldMsg{"passkey_name": {Key: "profile.passkeys.error.failed"}})
	}
	return err
}

// profilePasskeyFinish is POST /profile/passkeys: the browser's answer
// (static/passkey.js) registers the passkey; recovery codes, when it is the
// identity's first second factor, are shown once.
func (u *ui) profilePasskeyFinish(_ http.ResponseWriter, r *http.Request, v *view) error {
	name := strings.TrimSpace(r.PostFormValue("name"))
	_, codes, err := u.s.ids.FinishPasskeyRegistration(r.Context(), callerOf(r).auth, r.PostFormValue("passkey_ticket"), name,
		[]byte(r.PostFormValue("passkey_response")))
	if err != nil {
		return u.passkeyFailed(r, v, profileForm{PasskeyName: name}, err)
	}
	if len(codes) == 0 {
		return seeOther("/profile?done=passkey_added#passkeys")
	}
	return u.profileShow(r, v, profilePage{Codes: codes, Done: "profile.passkeys.added"}, http.StatusOK)
}

// profilePasskeyRename is POST /profile/passkeys/{passkey}/rename.
func (u *ui) profilePasskeyRename(_ http.ResponseWriter, r *http.Request, v *view) error {
	id, name := r.PathValue("passkey"), strings.TrimSpace(r.PostFormValue("name"))
	_, err := u.s.ids.RenamePasskey(r.Context(), callerOf(r).auth, id, name)
	var ve *resellerkit.ValidationError
	switch {
	case err == nil:
		return seeOther("/profile?done=passkey_renamed#passkeys")
	case errors.As(err, &ve) && ve.Field == "name":
		return u.profileFailed(r, v, profilePage{Form: profileForm{RenameID: id, RenameName: name}},
			map[string]fieldMsg{"rename_name": {Key: "profile.passkeys.error.name"}})
	}
	return err
}

// profilePasskeyRemove is POST /profile/passkeys/{passkey}/remove with the
// password.
func (u *ui) profilePasskeyRemove(_ http.ResponseWriter, r *http.Request, v *view) error {
	id := r.PathValue("passkey")
	err := u.s.ids.RemovePasskey(r.Context(), callerOf(r).auth, id, r.PostFormValue("password"))
	if err == nil {
		return seeOther("/profile?done=passkey_removed#passkeys")
	}
	if m, ok := passwordError(err); ok {
		return u.profileFailed(r, v, profilePage{Form: profileForm{RenameID: id}}, map[string]fieldMsg{"remove_passkey_password": m})
	}
	return err
}

// ---- API keys ----

// profileKeyCreate is POST /profile/api-keys: a key bound to one of the
// person's organizations, with a name and an optional last day (Japan time: the
// key works through that day). Its secret is shown in this answer only.
func (u *ui) profileKeyCreate(_ http.ResponseWriter, r *http.Request, v *view) error {
	form := profileForm{KeyName: strings.TrimSpace(r.PostFormValue("name")), KeyOrg: r.PostFormValue("org"),
		KeyExpires: strings.TrimSpace(r.PostFormValue("expires"))}
	errs := map[string]fieldMsg{}
	if form.KeyName == "" {
		errs["key_name"] = fieldMsg{Key: "signin.error.required"}
	}
	if form.KeyOrg == "" {
		errs["key_org"] = fieldMsg{Key: "profile.keys.error.org"}
	}
	nk := identity.NewAPIKey{OrgID: form.KeyOrg, Name: form.KeyName}
	if form.KeyExpires != "" {
		day, err := time.ParseInLocation(time.DateOnly, form.KeyExpires, tokyo)
		if err != nil {
			errs["key_expires"] = fieldMsg{Key: "profile.keys.error.expires"}
		}
		nk.ExpiresAt = day.AddDate(0, 0, 1)
	}
	if len(errs) > 0 {
		return u.profileFailed(r, v, profilePage{Form: form}, errs)
	}
	k, secret, err := u.s.ids.CreateAPIKey(r.Context(), callerOf(r).auth, nk)
	var ve *resellerkit.ValidationError
	switch {
	case err == nil:
	case errors.As(err, &ve) && ve.Field == "name":
		return u.profileFailed(r, v, profilePage{Form: form}, map[string]fieldMsg{"key_name": {Key: "profile.keys.error.name"}})
	case errors.As(err, &ve) && ve.Field == "expires_at":
		return u.profileFailed(r, v, profilePage{Form: form}, map[string]fieldMsg{"key_expires": {Key: "profile.keys.error.past"}})
	case errors.Is(err, identity.ErrNotFound):
		// Not a member of that organization: the same words as for none chosen.
		return u.profileFailed(r, v, profilePage{Form: form}, map[string]fieldMsg{"key_org": {Key: "profile.keys.error.org"}})
	default:
		return err
	}
	out := profilePage{}
	nkView := toProfileKey(k, "")
	nkView.Secret = secret
	out.NewKey = &nkView
	return u.profileShow(r, v, out, http.StatusOK)
}

// profileKeyRevoke is POST /profile/api-keys/{key}/revoke: the key stops working
// at once.
func (u *ui) profileKeyRevoke(_ http.ResponseWriter, r *http.Request, _ *view) error {
	if err := u.s.ids.RevokeAPIKey(r.Context(), callerOf(r).auth, r.PathValue("key")); err != nil {
		return err
	}
	return seeOther("/profile?done=key_revoked#api-keys")
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
