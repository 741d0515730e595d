package main

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/members"
)

// Editing notification settings: one account's addresses, language and emergency
// phones (contacts.edit), and the same phones and language set on several accounts
// at once (M-10, all or nothing). The forms keep what the person typed and show
// each ValidationError next to the field it names; nothing is saved then.

func init() {
	uiPages = append(uiPages, "contacts_edit.html", "bulk.html")
	uiRoutes = append(uiRoutes, func(u *ui, mux *http.ServeMux) {
		mux.HandleFunc("POST /orgs/{org}/accounts/{account}/contacts/test-mail", u.page(u.contactsTestMail))
	})
}

// contactsEditPage is the data of the account's contacts edit form.
type contactsEditPage struct {
	AccountID string
	Version   string
	Lists     []contactsEditList // billing, technical, security
	Language  string
	Languages []contactsLangOption
	Phones    []contactsPhone // MaxPhones inputs, in the order they are called
	LangError *contactsFieldError
	Error     string // a message key for the whole form
	ErrorArg  string
	TestMail  *contactsTestMail // the test mail just queued, nil for none
}

// contactsTestMail is the test mail of C-4 just queued from the form.
type contactsTestMail struct {
	ID, CatKey, To string
	NoticesURL     string // the notices page, "" when the person may not open it
}

// contactsEditList is one category's TO and CC: one address per line.
type contactsEditList struct {
	Cat, Key         string // the category and its message key
	To, CC           string
	ToError, CCError *contactsFieldError
}

// contactsFieldError is an error shown next to its field: a message key and its
// argument ("" for none).
type contactsFieldError struct{ Key, Arg string }

// contactsPhone is one emergency phone input.
type contactsPhone struct {
	N     int // 1-based
	Value string
	Error *contactsFieldError
}

// contactsLangOption is one choice of the language select.
type contactsLangOption struct {
	Code, Key string // Key "" shows Code
	Selected  bool
}

// bulkPage is the data of the bulk edit form.
type bulkPage struct {
	Accounts  []bulkAccount
	Language  string // "" leaves it unchanged
	Languages []contactsLangOption
	Phones    []contactsPhone
	LangError *contactsFieldError
	Error     string
	ErrorArg  string
	Done      string // how many accounts the last edit changed, "" for none
}

// bulkAccount is one account's checkbox.
type bulkAccount struct {
	ID, Name string
	Checked  bool
}

// splitLines returns the non-empty trimmed lines of s.
func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// languageOptions returns the select's choices with cur selected.
func (u *ui) languageOptions(cur string) []contactsLangOption {
	var out []contactsLangOption
	for _, l := range u.s.notices.Languages() {
		o := contactsLangOption{Code: string(l), Selected: string(l) == cur}
		switch l {
		case contacts.Japanese, contacts.English:
			o.Key = "account.notify.lang." + string(l)
		}
		out = append(out, o)
	}
	return out
}

// phoneInputs returns MaxPhones inputs holding values.
func phoneInputs(values []string) []contactsPhone {
	out := make([]contactsPhone, contacts.MaxPhones)
	for i := range out {
		out[i].N = i + 1
		if i < len(values) {
			out[i].Value = values[i]
		}
	}
	return out
}

// postedPhones returns the posted phone inputs and the non-empty ones in order,
// with the input each of those came from.
func postedPhones(r *http.Request) (inputs []contactsPhone, phones []string, from []int) {
	inputs = phoneInputs(nil)
	for i := range inputs {
		inputs[i].Value = strings.TrimSpace(r.PostFormValue("phone" + strconv.Itoa(i+1)))
		if inputs[i].Value != "" {
			phones = append(phones, inputs[i].Value)
			from = append(from, i)
		}
	}
	return inputs, phones, from
}

var reFieldIndex = regexp.MustCompile(`^(.*)\[(\d+)\]$`)

// fieldError is the message shown for ve next to its field.
func fieldError(ve *resellerkit.ValidationError) *contactsFieldError {
	switch {
	case strings.Contains(ve.Reason, "already"):
		return &contactsFieldError{Key: "contacts.error.duplicate", Arg: ve.Value}
	case reFieldIndex.MatchString(ve.Field) && strings.HasPrefix(ve.Field, "phones"):
		return &contactsFieldError{Key: "contacts.error.phone", Arg: ve.Value}
	case reFieldIndex.MatchString(ve.Field):
		return &contactsFieldError{Key: "contacts.error.address", Arg: ve.Value}
	case ve.Field == "phones":
		return &contactsFieldError{Key: "contacts.error.phones.count"}
	case ve.Field == "language":
		return &contactsFieldError{Key: "contacts.error.language"}
	default:
		return &contactsFieldError{Key: "contacts.error.list.count"}
	}
}

// placePhoneError puts ve (a "phones" or "phones[i]" error) next to its input.
func placePhoneError(inputs []contactsPhone, from []int, ve *resellerkit.ValidationError) bool {
	if ve.Field == "phones" {
		inputs[0].Error = fieldError(ve)
		return true
	}
	m := reFieldIndex.FindStringSubmatch(ve.Field)
	if m == nil || m[1] != "phones" {
		return false
	}
	i, err := strconv.Atoi(m[2])
	if err != nil || i >= len(from) {
		return false
	}
	inputs[from[i]].Error = fieldError(ve)
	return true
}

// contactsEdit is GET and POST /orgs/{org}/accounts/{account}/contacts/edit: the
// account's notification settings, for a person with contacts.edit.
func (u *ui) contactsEdit(_ http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p, orgID, id := r.Context(), principal(r), r.PathValue("org"), r.PathValue("account")
	if u.s.notices == nil {
		return errNoEndpoint
	}
	if err := u.loadOrgs(ctx, p, v, orgID); err != nil {
		return err
	}
	cur, err := u.s.notices.GetAccountContacts(ctx, p, orgID, id)
	if err != nil {
		return err
	}
	if err := u.s.svc.Authorize(ctx, p, orgID, members.PermContactsEdit); err != nil {
		return err
	}
	form := contactsEditPage{AccountID: id}
	v.Page = "contacts_edit.html"
	if r.Method != http.MethodPost {
		form.Version = strconv.FormatInt(cur.Version, 10)
		form.Language = string(cur.Language)
		for _, cat := range contacts.Categories() {
			l := cur.Recipients.For(cat)
			form.Lists = append(form.Lists, contactsEditList{Cat: string(cat), Key: "account.notify." + string(cat),
				To: strings.Join(l.To, "\n"), CC: strings.Join(l.CC, "\n")})
		}
		form.Phones = phoneInputs(cur.Phones)
		form.Languages = u.languageOptions(form.Language)
		v.Data = form
		return nil
	}

	upd, from, err := u.postedContacts(r, &form)
	if err != nil {
		return err
	}
	_, err = u.s.notices.UpdateAccountContacts(ctx, p, orgID, id, upd)
	var ve *resellerkit.ValidationError
	switch {
	case err == nil:
		return seeOther("/orgs/" + url.PathEscape(orgID) + "/accounts/" + url.PathEscape(id))
	case errors.Is(err, contacts.ErrConflict):
		form.Error, v.Status = "contacts.error.conflict", http.StatusConflict
	case errors.As(err, &ve):
		if !form.place(ve, from) {
			form.Error, form.ErrorArg = "contacts.error.invalid", ve.Field
		}
		v.Status = http.StatusBadRequest
	default:
		return err
	}
	v.Data = form
	return nil
}

// postedContacts reads the posted form into form and returns the update it
// describes, with the input each non-empty phone came from.
func (u *ui) postedContacts(r *http.Request, form *contactsEditPage) (contacts.Update, []int, error) {
	form.Version = r.PostFormValue("version")
	form.Language = r.PostFormValue("language")
	form.Languages = u.languageOptions(form.Language)
	version, err := strconv.ParseInt(form.Version, 10, 64)
	if err != nil {
		return contacts.Update{}, nil, &badRequestError{msg: "bad version"}
	}
	upd := contacts.Update{Language: contacts.Language(form.Language), Version: version}
	for _, cat := range contacts.Categories() {
		l := contactsEditList{Cat: string(cat), Key: "account.notify." + string(cat),
			To: r.PostFormValue(string(cat) + "_to"), CC: r.PostFormValue(string(cat) + "_cc")}
		form.Lists = append(form.Lists, l)
		list := contacts.List{To: splitLines(l.To), CC: splitLines(l.CC)}
		switch cat {
		case contacts.Billing:
			upd.Recipients.Billing = list
		case contacts.Technical:
			upd.Recipients.Technical = list
		case contacts.Security:
			upd.Recipients.Security = list
		}
	}
	var from []int
	form.Phones, upd.Phones, from = postedPhones(r)
	return upd, from, nil
}

// contactsTestMail is POST /orgs/{org}/accounts/{account}/contacts/test-mail: a
// test mail (C-4, contacts.edit) of the category the pressed button names is
// queued to that category's addresses as the form holds them, saved or not, in
// the form's language. The form comes back with its input kept (nothing is
// saved) and "queued", the errors of the addresses next to them, or the
// throttle's message (ErrTooManyTestMails).
func (u *ui) contactsTestMail(_ http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p, orgID, id := r.Context(), principal(r), r.PathValue("org"), r.PathValue("account")
	if u.s.notices == nil {
		return errNoEndpoint
	}
	if err := u.loadOrgs(ctx, p, v, orgID); err != nil {
		return err
	}
	if _, err := u.s.notices.GetAccountContacts(ctx, p, orgID, id); err != nil {
		return err
	}
	if err := u.s.svc.Authorize(ctx, p, orgID, members.PermContactsEdit); err != nil {
		return err
	}
	form := contactsEditPage{AccountID: id}
	upd, _, err := u.postedContacts(r, &form)
	if err != nil {
		return err
	}
	v.Page, v.Data = "contacts_edit.html", &form
	cat := contacts.Category(r.PostFormValue("test_category"))
	list := upd.Recipients.For(cat)
	n, err := u.s.notices.SendTestMail(ctx, p, orgID, id, cat, list, upd.Language)
	var ve *resellerkit.ValidationError
	switch {
	case err == nil:
		form.TestMail = &contactsTestMail{ID: n.ID, CatKey: "account.notify." + string(cat), To: strings.Join(n.To, ", ")}
		if ok, err := u.may(ctx, p, orgID, members.PermUserManage); err != nil {
			return err
		} else if ok {
			form.TestMail.NoticesURL = noticesBase(orgID)
		}
	case errors.Is(err, contacts.ErrTooManyTestMails):
		form.Error, v.Status = "contacts.test.throttled", http.StatusTooManyRequests
	case errors.As(err, &ve) && ve.Field == "category":
		form.Error, v.Status = "contacts.test.category", http.StatusBadRequest
	case errors.As(err, &ve):
		scoped := *ve
		if ve.Field != "language" {
			scoped.Field = "recipients." + string(cat) + "." + ve.Field
		}
		if !form.place(&scoped, nil) {
			form.Error, form.ErrorArg = "contacts.error.invalid", ve.Field
		}
		v.Status = http.StatusBadRequest
	default:
		return err
	}
	return nil
}

// place puts ve next to the field it names; false when it names none of them.
func (f *contactsEditPage) place(ve *resellerkit.ValidationError, from []int) bool {
	if placePhoneError(f.Phones, from, ve) {
		return true
	}
	if ve.Field == "language" {
		f.LangError = fieldError(ve)
		return true
	}
	rest, ok := strings.CutPrefix(ve.Field, "recipients.")
	if !ok {
		return false
	}
	for i := range f.Lists {
		l, ok := strings.CutPrefix(rest, f.Lists[i].Cat+".")
		if !ok {
			continue
		}
		switch {
		case strings.HasPrefix(l, "to"):
			f.Lists[i].ToError = fieldError(ve)
		case strings.HasPrefix(l, "cc"):
			f.Lists[i].CCError = fieldError(ve)
		default:
			return false
		}
		return true
	}
	return false
}

var reBulkAccount = regexp.MustCompile(`account_ids\[\d+\] "([^"]*)"`)

// bulkEdit is GET and POST /orgs/{org}/accounts/bulk: the emergency phones and the
// language set on every chosen account at once (M-10); one invalid value or one
// account refused changes none of them. GET ?account=… ticks the accounts chosen
// on the accounts list.
func (u *ui) bulkEdit(_ http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p, orgID := r.Context(), principal(r), r.PathValue("org")
	if u.s.notices == nil {
		return errNoEndpoint
	}
	if err := u.loadOrgs(ctx, p, v, orgID); err != nil {
		return err
	}
	if err := u.s.svc.Authorize(ctx, p, orgID, members.PermContactsEdit); err != nil {
		return err
	}
	accts, _, err := u.s.svc.ListAccounts(ctx, p, orgID, resellerkit.Page{Limit: resellerkit.MaxPageLimit})
	if err != nil {
		return err
	}
	form := bulkPage{Done: r.URL.Query().Get("done")}
	if _, err := strconv.Atoi(form.Done); err != nil {
		form.Done = ""
	}
	chosen := map[string]bool{}
	var ids []string
	if r.Method != http.MethodPost {
		for _, id := range r.URL.Query()["account"] { // chosen on the accounts list
			chosen[id] = true
		}
	}
	if r.Method == http.MethodPost {
		form.Done = ""
		for _, id := range r.PostForm["account"] {
			if !chosen[id] {
				chosen[id] = true
				ids = append(ids, id)
			}
		}
		form.Language = r.PostFormValue("language")
	}
	for _, a := range accts {
		if a.ClosedFrom.IsZero() || chosen[a.ID] {
			form.Accounts = append(form.Accounts, bulkAccount{ID: a.ID, Name: a.Name, Checked: chosen[a.ID]})
		}
	}
	form.Languages = u.languageOptions(form.Language)
	v.Page = "bulk.html"
	if r.Method != http.MethodPost {
		form.Phones = phoneInputs(nil)
		v.Data = form
		return nil
	}
	var from []int
	edit := contacts.BulkEdit{}
	form.Phones, edit.Phones, from = postedPhones(r)
	if form.Language != "" {
		l := contacts.Language(form.Language)
		edit.Language = &l
	}
	var ve *resellerkit.ValidationError
	switch {
	case len(ids) == 0:
		form.Error = "contacts.bulk.noaccounts"
	case edit.Phones == nil && edit.Language == nil:
		form.Error = "contacts.bulk.nothing"
	default:
		_, err = u.s.notices.BulkEditAccountContacts(ctx, p, orgID, ids, edit)
		direct, isDirect := err.(*resellerkit.ValidationError)
		switch {
		case err == nil:
			return seeOther("/orgs/" + url.PathEscape(orgID) + "/accounts/bulk?done=" + strconv.Itoa(len(ids)))
		case isDirect && placePhoneError(form.Phones, from, direct):
		case isDirect && direct.Field == "language":
			form.LangError = fieldError(direct)
		case errors.As(err, &ve):
			form.Error = "contacts.bulk.incomplete"
			if m := reBulkAccount.FindStringSubmatch(err.Error()); m != nil {
				form.Error, form.ErrorArg = "contacts.bulk.incomplete.account", m[1]
			}
		default:
			return err
		}
	}
	v.Status, v.Data = http.StatusBadRequest, form // nothing saved: the form again with why
	return nil
}
