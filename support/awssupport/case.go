package awssupport

import (
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/seeda33a2f4f/resellerkit"
)

// Limits on what a case carries.
const (
	// MaxBodyLen is the most characters (Unicode code points) of a case's
	// description or of a communication: the CommunicationBody shape of the
	// AWS Support API model (length 1 to 8000).
	MaxBodyLen = 8000
	// MaxSubjectLen is the most characters of a case's subject. The API model
	// sets no length on Subject; this bound is this package's own, so that a
	// subject stays one readable line in the Support Center and in mail.
	MaxSubjectLen = 250
	// MaxCC is the most addresses copied on a case or a communication: the
	// CcEmailAddressList shape of the model (0 to 10 members).
	MaxCC = 10
)

// Severity is the urgency of a case (severityCode), which sets AWS's response
// time under the account's support plan. The values are the codes the API
// documents for DescribeSeverityLevels; which ones an account may use depends
// on its plan (critical needs Enterprise).
type Severity string

// The severity codes of the AWS Support API, with their names in the Support
// Center.
const (
	SeverityLow      Severity = "low"      // General guidance
	SeverityNormal   Severity = "normal"   // System impaired
	SeverityHigh     Severity = "high"     // Production system impaired
	SeverityUrgent   Severity = "urgent"   // Production system down
	SeverityCritical Severity = "critical" // Business-critical system down
)

// UnmarshalText accepts one of the severity codes.
func (s *Severity) UnmarshalText(b []byte) error {
	v := Severity(b)
	if err := v.check("severity"); err != nil {
		return err
	}
	*s = v
	return nil
}

func (s Severity) check(field string) error {
	switch s {
	case SeverityLow, SeverityNormal, SeverityHigh, SeverityUrgent, SeverityCritical:
		return nil
	}
	return resellerkit.Invalid(ErrInvalid, field, string(s), "P-4", "must be low, normal, high, urgent or critical")
}

// Language is the language AWS Support handles a case in (ISO 639-1).
type Language string

// The languages the AWS Support API handles cases in.
const (
	English  Language = "en"
	Japanese Language = "ja"
	Chinese  Language = "zh"
	Korean   Language = "ko"
)

// UnmarshalText accepts one of the languages.
func (l *Language) UnmarshalText(b []byte) error {
	v := Language(b)
	if err := v.check("language"); err != nil {
		return err
	}
	*l = v
	return nil
}

func (l Language) check(field string) error {
	switch l {
	case English, Japanese, Chinese, Korean:
		return nil
	}
	return resellerkit.Invalid(ErrInvalid, field, string(l), "P-4", "must be en, ja, zh or ko")
}

// IssueType is the kind of case (issueType): technical, or customer service
// (account and billing, DOMAIN.md P-1's account_billing).
type IssueType string

// The issue types of the AWS Support API.
const (
	Technical       IssueType = "technical"
	CustomerService IssueType = "customer-service"
)

// UnmarshalText accepts one of the issue types.
func (t *IssueType) UnmarshalText(b []byte) error {
	v := IssueType(b)
	if err := v.check("issue_type"); err != nil {
		return err
	}
	*t = v
	return nil
}

func (t IssueType) check(field string) error {
	switch t {
	case Technical, CustomerService:
		return nil
	}
	return resellerkit.Invalid(ErrInvalid, field, string(t), "P-4", "must be technical or customer-service")
}

// CaseInput is a case to open with AWS Support in a customer's account.
// Subject and Body are required; the other fields are left out of the request
// when empty, and AWS applies its defaults (issue type technical, language
// English).
type CaseInput struct {
	Subject string // the case's title (subject), one line
	Body    string // the description of the issue (communicationBody)
	// ServiceCode and CategoryCode name the AWS service and the category of the
	// problem, as DescribeServices lists them (e.g. "general-info" and
	// "using-aws"). A category needs its service.
	ServiceCode  string
	CategoryCode string
	Severity     Severity  // severityCode; "" for AWS's default
	IssueType    IssueType // issueType; "" for technical
	Language     Language  // language; "" for English
	CC           []string  // ccEmailAddresses: up to MaxCC plain addresses
}

// Validate checks in without I/O and returns a *resellerkit.ValidationError
// wrapping ErrInvalid that names the first bad field, or nil.
func (in CaseInput) Validate() error {
	if err := checkText("subject", in.Subject, MaxSubjectLen, true); err != nil {
		return err
	}
	if err := checkText("body", in.Body, MaxBodyLen, false); err != nil {
		return err
	}
	if err := checkCode("service_code", in.ServiceCode); err != nil {
		return err
	}
	if err := checkCode("category_code", in.CategoryCode); err != nil {
		return err
	}
	if in.CategoryCode != "" && in.ServiceCode == "" {
		return resellerkit.Invalid(ErrInvalid, "service_code", "", "P-4", "is required with a category_code (categories belong to a service)")
	}
	if in.Severity != "" {
		if err := in.Severity.check("severity"); err != nil {
			return err
		}
	}
	if in.IssueType != "" {
		if err := in.IssueType.check("issue_type"); err != nil {
			return err
		}
	}
	if in.Language != "" {
		if err := in.Language.check("language"); err != nil {
			return err
		}
	}
	return checkCC("cc", in.CC)
}

// checkText requires s to hold something other than white space, at most max
// characters, and, when oneLine, no line break or other control character.
func checkText(field, s string, max int, oneLine bool) error {
	switch {
	case !utf8.ValidString(s):
		return resellerkit.Invalid(ErrInvalid, field, s, "P-4", "must be valid UTF-8")
	case strings.TrimSpace(s) == "":
		return resellerkit.Invalid(ErrInvalid, field, s, "P-4", "is required")
	case utf8.RuneCountInString(s) > max:
		return resellerkit.Invalid(ErrInvalid, field, s, "P-4", "must be at most "+strconv.Itoa(max)+" characters")
	case oneLine && strings.ContainsFunc(s, unicode.IsControl):
		return resellerkit.Invalid(ErrInvalid, field, s, "P-4", "must be one line, without control characters")
	}
	return nil
}

// checkCode accepts "" or a code with no space or control character.
func checkCode(field, s string) error {
	if strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) || len(s) > 200 {
		return resellerkit.Invalid(ErrInvalid, field, s, "P-4", "must be a code as DescribeServices lists it, without spaces")
	}
	return nil
}

// checkCC accepts up to MaxCC plain email addresses ("a@example.com", no
// display name).
func checkCC(field string, cc []string) error {
	if len(cc) > MaxCC {
		return resellerkit.Invalid(ErrInvalid, field, strings.Join(cc, ","), "P-4", "must list at most "+strconv.Itoa(MaxCC)+" addresses")
	}
	for i, a := range cc {
		f := fmt.Sprintf("%s[%d]", field, i)
		p, err := mail.ParseAddress(a)
		if err != nil || p.Address != a || p.Name != "" {
			return resellerkit.Invalid(ErrInvalid, f, a, "P-4", "must be one plain email address")
		}
	}
	return nil
}

// checkAccount requires a 12-digit AWS account id: the account the case
// concerns (P-1) and whose role is assumed.
func checkAccount(account string) error {
	if len(account) != 12 || strings.Trim(account, "0123456789") != "" {
		return resellerkit.Invalid(ErrInvalid, "account", account, "P-1", "must be a 12-digit AWS account id")
	}
	return nil
}

// checkCaseID requires a case id as CreateCase returns it
// ("case-12345678910-2013-c4c1d2bf33c5cf47"), not the number shown in the
// Support Center (the display id).
func checkCaseID(id string) error {
	if !strings.HasPrefix(id, "case-") || len(id) > 200 ||
		strings.ContainsFunc(id, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return resellerkit.Invalid(ErrInvalid, "case_id", id, "P-4", `must be a case id as CreateCase returns it ("case-…"), not the display id`)
	}
	return nil
}

// CaseRef identifies a case opened with AWS Support.
type CaseRef struct {
	// CaseID is the API's id of the case ("case-12345678910-2013-…"), which
	// DescribeCase and AddCommunication take.
	CaseID string
	// DisplayID is the number the Support Center shows for the case; ""
	// when it could not be read after the case was created (DescribeCase
	// gives it later).
	DisplayID string
}

// Status is the state of a case in the AWS Support Center.
type Status string

// The case states the AWS Support API documents (CaseDetails.status).
const (
	StatusOpened                  Status = "opened"
	StatusUnassigned              Status = "unassigned"
	StatusWorkInProgress          Status = "work-in-progress"
	StatusPendingCustomerAction   Status = "pending-customer-action"
	StatusCustomerActionCompleted Status = "customer-action-completed"
	StatusReopened                Status = "reopened"
	StatusResolved                Status = "resolved"
)

// Resolved reports whether AWS considers the case resolved.
func (s Status) Resolved() bool { return s == StatusResolved }

// WaitingOnCustomer reports whether AWS waits for an answer from the
// customer's side (P-3's waiting_on_customer).
func (s Status) WaitingOnCustomer() bool { return s == StatusPendingCustomerAction }

// CaseStatus is a case as AWS Support describes it.
type CaseStatus struct {
	CaseID       string
	DisplayID    string
	Subject      string
	Status       Status
	ServiceCode  string
	CategoryCode string
	Severity     Severity
	Language     Language
	SubmittedBy  string    // the email address of the account that opened the case
	Created      time.Time // zero when AWS's timeCreated could not be read
	CC           []string
	// Recent holds the case's most recent communications (at most five), as
	// AWS lists them.
	Recent []Communication
}

// Communication is one message on a case.
type Communication struct {
	Body string
	// SubmittedBy is who wrote it: the role and email address for the
	// customer's side, "Amazon Web Services" for AWS Support.
	SubmittedBy string
	Created     time.Time // zero when AWS's timeCreated could not be read
}

// parseTime reads the API's ISO 8601 times ("2020-03-23T21:31:47.774Z").
func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}
