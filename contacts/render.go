package contacts

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io"
	"io/fs"
	"reflect"
	"slices"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
)

// Rendered is a notice rendered in one language: a one-line subject, a text/plain
// body and a text/html body.
type Rendered struct {
	Subject string
	Text    string
	HTML    string
}

// NoticeData is the template data of a notice: each kind has its struct
// (InvoiceIssuedData, ChargeAlarmData …), and NoticeKind names the kind whose
// templates it fills, so Render refuses the data of one kind given for another.
//
// Render takes one of these structs, a pointer to one, or a map[string]any with the
// same keys: the JSON of these structs (they have no json tags, so the keys are the
// field names) decodes into such a map, which is how a notice stored with its Data
// can be rendered again. With a map every key must be present (templates run with
// missingkey=error); zero values are fine.
//
// Amounts arrive as strings already formatted (contacts does not do money). Times
// are shown in Japan Standard Time (UTC+9, no daylight saving) with the zone named;
// a zero time leaves its line out. A map may hold times as RFC 3339 strings and
// months as "2006-01".
type NoticeData interface {
	NoticeKind() Kind
}

// InvoiceIssuedData fills the invoice_issued templates (to the project's invoice
// recipients, M-2).
type InvoiceIssuedData struct {
	OrgName     string
	ProjectName string
	Period      resellerkit.Month // the billing month invoiced
	Total       string            // formatted with its currency, e.g. "¥1,234,567" or "USD 1,234.56"
	DueDate     time.Time         // payment due date; zero: not shown
	URL         string            // where the invoice can be seen and downloaded
}

// ChargeAlarmData fills the charge_alarm templates (billing recipients).
type ChargeAlarmData struct {
	AccountID   string
	AccountName string // may be empty
	Threshold   string // formatted amount, without the currency
	Current     string // formatted amount, without the currency
	Currency    string // e.g. "USD", "JPY"
	Period      resellerkit.Month
	URL         string // where the charges can be seen
}

// MaintenanceData fills the maintenance templates (technical recipients).
type MaintenanceData struct {
	AccountID   string
	AccountName string // may be empty
	Title       string // one line; it is also the subject
	Body        string // plain text; line breaks are kept (<br> in HTML)
	StartsAt    time.Time
	EndsAt      time.Time // expected end; zero: not shown
}

// TechnicalNoticeData fills the technical_notice templates (technical recipients).
type TechnicalNoticeData struct {
	AccountID   string
	AccountName string    // may be empty
	Title       string    // one line; it is also the subject
	Body        string    // plain text; line breaks are kept (<br> in HTML)
	StartsAt    time.Time // when what it announces starts; zero: not shown
	EndsAt      time.Time // when it ends; zero: not shown
}

// SecurityAlertData fills the security_alert templates (security recipients).
type SecurityAlertData struct {
	AccountID   string
	AccountName string // may be empty
	Finding     string // what was detected, one line, e.g. a GuardDuty finding's title
	Severity    string // as the detector states it, e.g. "HIGH"
	Region      string // empty for a global finding: not shown
	DetectedAt  time.Time
	URL         string // where the details can be seen
}

// SecurityIncidentData fills the security_incident templates (security recipients).
// It is SecurityAlertData plus the emergency phones (C-3), listed in the mail in the
// order they will be called; with none, the mail asks the owners to register one.
type SecurityIncidentData struct {
	AccountID   string
	AccountName string
	Finding     string
	Severity    string
	Region      string
	DetectedAt  time.Time
	URL         string
	Phones      []string // E.164, in call order
}

// SupportReplyData fills the support_reply templates (to the inquirer).
type SupportReplyData struct {
	CaseID       string
	Subject      string // the case's subject
	ReplyExcerpt string // plain text; quoted line by line
	URL          string // where the whole reply can be read
}

// InvitationData fills the invitation templates (to the invitee, M-8).
type InvitationData struct {
	OrgName     string
	InviterName string // may be empty
	URL         string // the accept link
	ExpiresAt   time.Time
}

// PasswordResetData fills the password_reset templates (to the identity's email).
type PasswordResetData struct {
	Name      string // the identity's display name; may be empty
	URL       string // the single-use reset link
	ExpiresAt time.Time
}

// SignupData fills the signup templates (to the address that asked to create an
// identity).
type SignupData struct {
	URL       string // the single-use link confirming the address
	ExpiresAt time.Time
}

// TestMailData fills the test_mail templates (C-4: to a proposed list, before it is
// saved).
type TestMailData struct {
	Category  Category // the list being tested: billing, technical or security
	AccountID string   // may be empty
}

// NoticeKind implements NoticeData.
func (InvoiceIssuedData) NoticeKind() Kind { return KindInvoiceIssued }

// The fields a notice cannot go out without (Service.Notify checks them).
func (d InvoiceIssuedData) required() error {
	return errors.Join(need("Total", d.Total), need("URL", d.URL))
}
func (d InvitationData) required() error    { return need("URL", d.URL) }
func (d PasswordResetData) required() error { return need("URL", d.URL) }
func (d SignupData) required() error        { return need("URL", d.URL) }
func (d SupportReplyData) required() error  { return need("URL", d.URL) }

// The data of notices routed by account, with the account (and an incident's
// phones) routing decided (Service.Notify).
func (d ChargeAlarmData) routed(id string, _ []string) NoticeData     { d.AccountID = id; return d }
func (d MaintenanceData) routed(id string, _ []string) NoticeData     { d.AccountID = id; return d }
func (d TechnicalNoticeData) routed(id string, _ []string) NoticeData { d.AccountID = id; return d }
func (d SecurityAlertData) routed(id string, _ []string) NoticeData   { d.AccountID = id; return d }
func (d SecurityIncidentData) routed(id string, phones []string) NoticeData {
	d.AccountID, d.Phones = id, slices.Clone(phones)
	return d
}

// NoticeKind implements NoticeData.
func (ChargeAlarmData) NoticeKind() Kind { return KindChargeAlarm }

// NoticeKind implements NoticeData.
func (MaintenanceData) NoticeKind() Kind { return KindMaintenance }

// NoticeKind implements NoticeData.
func (TechnicalNoticeData) NoticeKind() Kind { return KindTechnicalNotice }

// NoticeKind implements NoticeData.
func (SecurityAlertData) NoticeKind() Kind { return KindSecurityAlert }

// NoticeKind implements NoticeData.
func (SecurityIncidentData) NoticeKind() Kind { return KindSecurityIncident }

// NoticeKind implements NoticeData.
func (SupportReplyData) NoticeKind() Kind { return KindSupportReply }

// NoticeKind implements NoticeData.
func (InvitationData) NoticeKind() Kind { return KindInvitation }

// NoticeKind implements NoticeData.
func (PasswordResetData) NoticeKind() Kind { return KindPasswordReset }

// NoticeKind implements NoticeData.
func (SignupData) NoticeKind() Kind { return KindSignup }

// NoticeKind implements NoticeData.
func (TestMailData) NoticeKind() Kind { return KindTestMail }

// tmplZeroData returns the zero data of kind k, which NewRenderer renders every
// template with once.
func tmplZeroData(k Kind) NoticeData {
	switch k {
	case KindInvoiceIssued:
		return InvoiceIssuedData{}
	case KindChargeAlarm:
		return ChargeAlarmData{}
	case KindMaintenance:
		return MaintenanceData{}
	case KindTechnicalNotice:
		return TechnicalNoticeData{}
	case KindSecurityAlert:
		return SecurityAlertData{}
	case KindSecurityIncident:
		return SecurityIncidentData{}
	case KindSupportReply:
		return SupportReplyData{}
	case KindInvitation:
		return InvitationData{}
	case KindPasswordReset:
		return PasswordResetData{}
	case KindSignup:
		return SignupData{}
	case KindTestMail:
		return TestMailData{}
	}
	panic("contacts: no template data for kind " + string(k))
}

//go:embed templates/*.txt templates/*.html
var builtinTemplates embed.FS

// The three templates of a kind in a language, and the suffix of each file name.
const (
	tmplSubject = iota
	tmplText
	tmplHTML
	tmplParts
)

var tmplSuffixes = [tmplParts]string{".subject.txt", ".txt", ".html"}

// Renderer renders notices from templates: the built-in ones (ja and en for every
// kind) and those of the extra template sets given to NewRenderer. It is immutable
// and safe for concurrent use.
type Renderer struct {
	sets  map[tmplKey]*tmplSet
	langs []Language
}

type tmplKey struct {
	kind Kind
	lang Language
}

type tmplSet struct {
	subject *texttemplate.Template
	text    *texttemplate.Template
	html    *htmltemplate.Template
}

type tmplSource struct {
	origin string // which template set it came from, for errors
	text   string
}

// tmplJST is Japan Standard Time: Japan has kept UTC+9 without daylight saving since
// 1951, so a fixed zone is exact and needs no tzdata.
var tmplJST = time.FixedZone("JST", 9*60*60)

// NewRenderer parses the built-in templates and then each extra template set, in
// order; a file of an extra set replaces the file of the same name before it, so an
// extra set can override some templates (a reseller's wording or branding) or add
// a language.
//
// Naming scheme: each set holds, at its root (subdirectories and files not ending
// in .txt or .html are ignored), three files per kind and language:
//
//	<kind>.<lang>.subject.txt   the subject, text/template; rendered on one line
//	<kind>.<lang>.txt           the text/plain body, text/template
//	<kind>.<lang>.html          the text/html body, html/template (escapes data)
//
// for example charge_alarm.ja.subject.txt; <kind> is a Kind, <lang> a primary
// language subtag of 2 or 3 lower-case letters. A language is available only if
// every kind has its three files, so a notice can never be missing its template at
// send time; NewRenderer names the first missing file otherwise.
//
// Templates run with missingkey=error and these functions:
//
//	tokyo T LAYOUT   T (time.Time or RFC 3339 string) in JST, formatted with the Go
//	                 layout LAYOUT; "" for a zero time
//	month M LAYOUT   M (resellerkit.Month or "2006-01") formatted with LAYOUT
//	                 (e.g. "2006年1月", "January 2006"); "" for a zero month
//	lines S          S split into lines (for <br> in HTML, "> " quoting in text)
//	inc N            N+1 (1-based numbering in a range)
//
// Everything is parsed here, and every template is executed once with the zero
// value of its kind's data struct, so a syntax error or a reference to a field
// that does not exist fails NewRenderer, never a send; templates must therefore
// render zero values (guard optional parts with if or with). Errors name the file.
func NewRenderer(extra ...fs.FS) (*Renderer, error) {
	builtin, err := fs.Sub(builtinTemplates, "templates")
	if err != nil {
		return nil, fmt.Errorf("contacts: built-in templates: %w", err)
	}
	sources := map[string]tmplSource{}
	for i, fsys := range append([]fs.FS{builtin}, extra...) {
		origin := "built-in templates"
		if i > 0 {
			origin = fmt.Sprintf("extra template set %d", i)
		}
		if fsys == nil {
			return nil, fmt.Errorf("contacts: %s is nil", origin)
		}
		if err := tmplCollect(fsys, origin, sources); err != nil {
			return nil, err
		}
	}

	var langs []Language
	for name := range sources {
		_, lang, _, _ := tmplParseName(name) // every name was checked by tmplCollect
		if !slices.Contains(langs, lang) {
			langs = append(langs, lang)
		}
	}
	slices.Sort(langs)

	r := &Renderer{sets: map[tmplKey]*tmplSet{}, langs: langs}
	funcs := tmplFuncs()
	for _, lang := range langs {
		for _, kind := range Kinds() {
			var names [tmplParts]string
			var srcs [tmplParts]tmplSource
			for part, suffix := range tmplSuffixes {
				names[part] = string(kind) + "." + string(lang) + suffix
				s, ok := sources[names[part]]
				if !ok {
					return nil, fmt.Errorf("contacts: templates of language %q: missing %s (every language needs the subject, text and HTML templates of every kind)",
						lang, names[part])
				}
				srcs[part] = s
			}
			set := &tmplSet{}
			if set.subject, err = texttemplate.New(names[tmplSubject]).Option("missingkey=error").Funcs(funcs).Parse(srcs[tmplSubject].text); err != nil {
				return nil, tmplError(names[tmplSubject], srcs[tmplSubject].origin, err)
			}
			if set.text, err = texttemplate.New(names[tmplText]).Option("missingkey=error").Funcs(funcs).Parse(srcs[tmplText].text); err != nil {
				return nil, tmplError(names[tmplText], srcs[tmplText].origin, err)
			}
			if set.html, err = htmltemplate.New(names[tmplHTML]).Option("missingkey=error").Funcs(funcs).Parse(srcs[tmplHTML].text); err != nil {
				return nil, tmplError(names[tmplHTML], srcs[tmplHTML].origin, err)
			}
			// A trial run with the zero data: fields that do not exist, and html/template's
			// escaping errors (found on first execution), fail here, not at a send.
			zero := tmplZeroData(kind)
			if err := set.subject.Execute(io.Discard, zero); err != nil {
				return nil, tmplError(names[tmplSubject], srcs[tmplSubject].origin, err)
			}
			if err := set.text.Execute(io.Discard, zero); err != nil {
				return nil, tmplError(names[tmplText], srcs[tmplText].origin, err)
			}
			if err := set.html.Execute(io.Discard, zero); err != nil {
				return nil, tmplError(names[tmplHTML], srcs[tmplHTML].origin, err)
			}
			r.sets[tmplKey{kind, lang}] = set
		}
	}
	return r, nil
}

// tmplCollect reads the template files at the root of fsys into sources.
func tmplCollect(fsys fs.FS, origin string, sources map[string]tmplSource) error {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return fmt.Errorf("contacts: %s: %w", origin, err)
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !(strings.HasSuffix(name, ".txt") || strings.HasSuffix(name, ".html")) {
			continue
		}
		if _, _, _, err := tmplParseName(name); err != nil {
			return tmplError(name, origin, err)
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return tmplError(name, origin, err)
		}
		sources[name] = tmplSource{origin: origin, text: string(b)}
	}
	return nil
}

// tmplParseName splits "<kind>.<lang><suffix>".
func tmplParseName(name string) (Kind, Language, int, error) {
	for part := tmplSubject; part < tmplParts; part++ {
		stem, ok := strings.CutSuffix(name, tmplSuffixes[part])
		if !ok {
			continue
		}
		k, l, ok := strings.Cut(stem, ".")
		if !ok || strings.Contains(l, ".") {
			return "", "", 0, fmt.Errorf("not named <kind>.<lang>%s", tmplSuffixes[part])
		}
		if !Kind(k).Valid() {
			return "", "", 0, fmt.Errorf("%q is not a notice kind", k)
		}
		if !tmplLangTag(l) {
			return "", "", 0, fmt.Errorf("%q is not a language subtag (2 or 3 lower-case letters)", l)
		}
		return Kind(k), Language(l), part, nil
	}
	return "", "", 0, fmt.Errorf("not named <kind>.<lang>.subject.txt, .txt or .html")
}

// tmplLangTag reports whether s is a BCP 47 primary language subtag in lower case.
func tmplLangTag(s string) bool {
	if len(s) < 2 || len(s) > 3 {
		return false
	}
	for _, c := range []byte(s) {
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

func tmplError(name, origin string, err error) error {
	return fmt.Errorf("contacts: template %s (%s): %w", name, origin, err)
}

// Languages returns the languages notices can be rendered in, sorted.
func (r *Renderer) Languages() []Language { return slices.Clone(r.langs) }

// Render renders a notice of kind in lang with data, which is the kind's data
// struct (ChargeAlarmData for KindChargeAlarm …), a pointer to it, or a
// map[string]any with its keys (see InvoiceIssuedData). Errors wrap ErrInvalid: a
// kind that is not a notice kind ("kind"), a language without templates
// ("language", C-2), data of another kind, nil data, or data the templates cannot
// use (a missing map key, a malformed time) ("data").
//
// The subject is one line: line breaks (a title pasted with one) become a space, so
// data can never add a mail header.
func (r *Renderer) Render(kind Kind, lang Language, data any) (Rendered, error) {
	if !kind.Valid() {
		return Rendered{}, invalid("kind", string(kind), "C-5", "is not a notice kind")
	}
	set, ok := r.sets[tmplKey{kind, lang}]
	if !ok {
		known := make([]string, len(r.langs))
		for i, l := range r.langs {
			known[i] = string(l)
		}
		return Rendered{}, invalid("language", string(lang), "C-2", "has no templates (known: "+strings.Join(known, ", ")+")")
	}
	if v := reflect.ValueOf(data); !v.IsValid() || (v.Kind() == reflect.Pointer || v.Kind() == reflect.Map) && v.IsNil() {
		return Rendered{}, invalid("data", "", "C-5", "is missing")
	}
	if d, ok := data.(NoticeData); ok && d.NoticeKind() != kind {
		return Rendered{}, invalid("data", fmt.Sprintf("%T", data), "C-5", "is the data of a "+string(d.NoticeKind())+" notice, not of a "+string(kind)+" one")
	}
	var subject, text, html bytes.Buffer
	if err := set.subject.Execute(&subject, data); err != nil {
		return Rendered{}, tmplRenderError(kind, lang, err)
	}
	if err := set.text.Execute(&text, data); err != nil {
		return Rendered{}, tmplRenderError(kind, lang, err)
	}
	if err := set.html.Execute(&html, data); err != nil {
		return Rendered{}, tmplRenderError(kind, lang, err)
	}
	return Rendered{Subject: tmplOneLine(subject.String()), Text: text.String(), HTML: html.String()}, nil
}

func tmplRenderError(kind Kind, lang Language, err error) error {
	return fmt.Errorf("contacts: rendering a %s notice in %s: data: %w: %w", kind, lang, ErrInvalid, err)
}

// tmplOneLine returns s with each run of line breaks and other control characters
// replaced by one space, and trimmed.
func tmplOneLine(s string) string {
	var b strings.Builder
	ctl := false
	for _, c := range s {
		if c < 0x20 || c == 0x7f || c == 0x85 || c == 0x2028 || c == 0x2029 {
			if !ctl {
				b.WriteByte(' ')
			}
			ctl = true
			continue
		}
		ctl = false
		b.WriteRune(c)
	}
	return strings.TrimSpace(b.String())
}

// tmplFuncs are the functions templates may call (documented at NewRenderer).
func tmplFuncs() map[string]any {
	return map[string]any{
		"tokyo": func(v any, layout string) (string, error) {
			t, err := tmplTime(v)
			if err != nil || t.IsZero() {
				return "", err
			}
			return t.In(tmplJST).Format(layout), nil
		},
		"month": func(v any, layout string) (string, error) {
			m, err := tmplMonth(v)
			if err != nil || m.IsZero() {
				return "", err
			}
			return m.Start().Format(layout), nil
		},
		"lines": func(s string) []string {
			s = strings.ReplaceAll(s, "\r\n", "\n")
			s = strings.TrimRight(strings.ReplaceAll(s, "\r", "\n"), "\n")
			if s == "" {
				return nil
			}
			return strings.Split(s, "\n")
		},
		"inc": func(i int) int { return i + 1 },
	}
}

func tmplTime(v any) (time.Time, error) {
	switch v := v.(type) {
	case nil:
		return time.Time{}, nil
	case time.Time:
		return v, nil
	case *time.Time:
		if v == nil {
			return time.Time{}, nil
		}
		return *v, nil
	case string:
		if v == "" {
			return time.Time{}, nil
		}
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time", v)
		}
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%T is not a time", v)
}

func tmplMonth(v any) (resellerkit.Month, error) {
	switch v := v.(type) {
	case nil:
		return resellerkit.Month{}, nil
	case resellerkit.Month:
		return v, nil
	case *resellerkit.Month:
		if v == nil {
			return resellerkit.Month{}, nil
		}
		return *v, nil
	case string:
		if v == "" {
			return resellerkit.Month{}, nil
		}
		m, err := resellerkit.ParseMonth(v)
		if err != nil {
			return resellerkit.Month{}, fmt.Errorf("%q is not a month (2006-01)", v)
		}
		return m, nil
	}
	return resellerkit.Month{}, fmt.Errorf("%T is not a month", v)
}
