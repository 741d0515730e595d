package awssupport_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/support/awssupport"
)

// P-4: a case for AWS Support is checked field by field before it is sent.
func TestCaseInputValidate(t *testing.T) {
	require.NoError(t, input().Validate())
	require.NoError(t, awssupport.CaseInput{Subject: "s", Body: "b"}.Validate(), "only subject and body are required")
	require.NoError(t, awssupport.CaseInput{Subject: strings.Repeat("件", awssupport.MaxSubjectLen), Body: strings.Repeat("本", awssupport.MaxBodyLen)}.Validate(),
		"lengths count characters, not bytes")

	for _, tc := range []struct {
		name  string
		edit  func(*awssupport.CaseInput)
		field string
	}{
		{"subject missing", func(in *awssupport.CaseInput) { in.Subject = "  " }, "subject"},
		{"subject too long", func(in *awssupport.CaseInput) { in.Subject = strings.Repeat("x", awssupport.MaxSubjectLen+1) }, "subject"},
		{"subject two lines", func(in *awssupport.CaseInput) { in.Subject = "a\nb" }, "subject"},
		{"subject not UTF-8", func(in *awssupport.CaseInput) { in.Subject = "\xff" }, "subject"},
		{"body missing", func(in *awssupport.CaseInput) { in.Body = "\n" }, "body"},
		{"body too long", func(in *awssupport.CaseInput) { in.Body = strings.Repeat("x", awssupport.MaxBodyLen+1) }, "body"},
		{"service code with space", func(in *awssupport.CaseInput) { in.ServiceCode = "general info" }, "service_code"},
		{"category without service", func(in *awssupport.CaseInput) { in.ServiceCode = "" }, "service_code"},
		{"category with space", func(in *awssupport.CaseInput) { in.CategoryCode = "using aws" }, "category_code"},
		{"severity", func(in *awssupport.CaseInput) { in.Severity = "Sev1" }, "severity"},
		{"issue type", func(in *awssupport.CaseInput) { in.IssueType = "billing" }, "issue_type"},
		{"language", func(in *awssupport.CaseInput) { in.Language = "fr" }, "language"},
		{"cc display name", func(in *awssupport.CaseInput) { in.CC = []string{"ok@example.com", "Ops <ops@example.com>"} }, "cc[1]"},
		{"cc not an address", func(in *awssupport.CaseInput) { in.CC = []string{"ops"} }, "cc[0]"},
		{"cc too many", func(in *awssupport.CaseInput) {
			in.CC = strings.Split(strings.Repeat("a@example.com,", awssupport.MaxCC+1), ",")[:awssupport.MaxCC+1]
		}, "cc"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := input()
			tc.edit(&in)
			err := in.Validate()
			var ve *resellerkit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.ErrorIs(t, err, awssupport.ErrInvalid)
			assert.Equal(t, tc.field, ve.Field)
			assert.Equal(t, "P-4", ve.Rule)
		})
	}
}

// The enumerations validate when decoded.
func TestEnumsUnmarshal(t *testing.T) {
	var v struct {
		Severity  awssupport.Severity
		Language  awssupport.Language
		IssueType awssupport.IssueType
	}
	require.NoError(t, json.Unmarshal([]byte(`{"Severity":"urgent","Language":"ko","IssueType":"customer-service"}`), &v))
	assert.Equal(t, awssupport.SeverityUrgent, v.Severity)
	assert.Equal(t, awssupport.Korean, v.Language)
	assert.Equal(t, awssupport.CustomerService, v.IssueType)
	for _, bad := range []string{`{"Severity":"sev1"}`, `{"Language":"en-US"}`, `{"IssueType":"account_billing"}`} {
		assert.ErrorIs(t, json.Unmarshal([]byte(bad), &v), awssupport.ErrInvalid, bad)
	}
}
