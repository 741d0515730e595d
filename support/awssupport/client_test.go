package awssupport_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
	"github.com/seeda33a2f4f/resellerkit/support"
	"github.com/seeda33a2f4f/resellerkit/support/awssupport"
)

const (
	caseID       = "case-123456789012-muen-2026-0123456789abcdef"
	createdCase  = `{"caseId":"` + caseID + `"}`
	describedOne = `{"cases":[{"caseId":"` + caseID + `","displayId":"1234567890","subject":"EC2 instance unreachable",
	"status":"pending-customer-action","serviceCode":"general-info","categoryCode":"using-aws","severityCode":"high",
	"submittedBy":"root@example.com","timeCreated":"2020-03-23T21:31:47.774Z","ccEmailAddresses":["ops@example.com"],
	"language":"ja","recentCommunications":{"communications":[
	  {"caseId":"` + caseID + `","body":"Please send the instance id.","submittedBy":"Amazon Web Services","timeCreated":"2020-03-23T22:00:00.000Z"},
	  {"caseId":"` + caseID + `","body":"The instance does not answer.","submittedBy":"KKASupportRole (Role) <root@example.com>","timeCreated":"2020-03-23T21:31:47.774Z"}
	]}}]}`
)

func input() awssupport.CaseInput {
	return awssupport.CaseInput{
		Subject: "EC2 instance unreachable", Body: "The instance does not answer.",
		ServiceCode: "general-info", CategoryCode: "using-aws",
		Severity: awssupport.SeverityHigh, IssueType: awssupport.Technical, Language: awssupport.Japanese,
		CC: []string{"ops@example.com"},
	}
}

// P-4: a case is opened in the customer's account with the credentials of
// KKASupportRole assumed there from the payer: the request is SigV4-signed for
// support in us-east-1 with the role's credentials (session token included),
// names the operation in X-Amz-Target and carries the case as the model's
// CreateCaseRequest; the display id is read back with DescribeCases.
func TestCreateCase(t *testing.T) {
	s := newSupportServer(t, roleCreds, map[string][]answer{"CreateCase": {ok(createdCase)}, "DescribeCases": {ok(describedOne)}})
	fake := &fakeSTS{}
	ref, err := newClient(s, fake).CreateCase(context.Background(), account, input())
	require.NoError(t, err)
	assert.Equal(t, awssupport.CaseRef{CaseID: caseID, DisplayID: "1234567890"}, ref)
	assert.Equal(t, []string{"arn:aws:iam::123456789012:role/KKASupportRole"}, fake.arns)

	reqs := s.requests()
	require.Len(t, reqs, 2)
	for _, r := range reqs {
		require.NoError(t, r.sigErr)
		assert.Regexp(t, `^\d{8}/us-east-1/support/aws4_request$`, r.scope)
		assert.Subset(t, r.signed, []string{"content-type", "host", "x-amz-date", "x-amz-security-token", "x-amz-target"})
		assert.Equal(t, "role-token", r.token)
	}
	assert.Equal(t, "AWSSupport_20130415.CreateCase", reqs[0].target)
	assert.Equal(t, map[string]any{
		"subject": "EC2 instance unreachable", "communicationBody": "The instance does not answer.",
		"serviceCode": "general-info", "categoryCode": "using-aws", "severityCode": "high",
		"issueType": "technical", "language": "ja", "ccEmailAddresses": []any{"ops@example.com"},
	}, reqs[0].body)
	assert.Equal(t, "AWSSupport_20130415.DescribeCases", reqs[1].target)
	assert.Equal(t, map[string]any{"caseIdList": []any{caseID}, "includeResolvedCases": true, "includeCommunications": false}, reqs[1].body)
}

// Optional fields left empty are left out of the request: AWS applies its
// defaults.
func TestCreateCaseMinimal(t *testing.T) {
	s := newSupportServer(t, roleCreds, map[string][]answer{"CreateCase": {ok(createdCase)}, "DescribeCases": {ok(describedOne)}})
	_, err := newClient(s, &fakeSTS{}).CreateCase(context.Background(), account, awssupport.CaseInput{Subject: "s", Body: "b"})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"subject": "s", "communicationBody": "b"}, s.requests()[0].body)
}

// Once the case exists, CreateCase returns it even when its display id cannot
// be read: an error would make the caller open it twice.
func TestCreateCaseDisplayIDBestEffort(t *testing.T) {
	s := newSupportServer(t, roleCreds, map[string][]answer{"CreateCase": {ok(createdCase)}, "DescribeCases": {apiErr(500, "InternalServerError", "boom")}})
	ref, err := newClient(s, &fakeSTS{}).CreateCase(context.Background(), account, input())
	require.NoError(t, err)
	assert.Equal(t, awssupport.CaseRef{CaseID: caseID}, ref)
}

// DescribeCase asks for the case, resolved or not, with its communications,
// and reads CaseDetails.
func TestDescribeCase(t *testing.T) {
	s := newSupportServer(t, roleCreds, map[string][]answer{"DescribeCases": {ok(describedOne)}})
	got, err := newClient(s, &fakeSTS{}).DescribeCase(context.Background(), account, caseID)
	require.NoError(t, err)
	assert.Equal(t, awssupport.CaseStatus{
		CaseID: caseID, DisplayID: "1234567890", Subject: "EC2 instance unreachable",
		Status: awssupport.StatusPendingCustomerAction, ServiceCode: "general-info", CategoryCode: "using-aws",
		Severity: awssupport.SeverityHigh, Language: awssupport.Japanese, SubmittedBy: "root@example.com",
		Created: time.Date(2020, 3, 23, 21, 31, 47, 774e6, time.UTC), CC: []string{"ops@example.com"},
		Recent: []awssupport.Communication{
			{Body: "Please send the instance id.", SubmittedBy: "Amazon Web Services", Created: time.Date(2020, 3, 23, 22, 0, 0, 0, time.UTC)},
			{Body: "The instance does not answer.", SubmittedBy: "KKASupportRole (Role) <root@example.com>", Created: time.Date(2020, 3, 23, 21, 31, 47, 774e6, time.UTC)},
		},
	}, got)
	assert.True(t, got.Status.WaitingOnCustomer())
	assert.False(t, got.Status.Resolved())
	r := s.requests()[0]
	require.NoError(t, r.sigErr)
	assert.Equal(t, "AWSSupport_20130415.DescribeCases", r.target)
	assert.Equal(t, map[string]any{"caseIdList": []any{caseID}, "includeResolvedCases": true, "includeCommunications": true}, r.body)
}

// A case DescribeCases does not return is ErrCaseNotFound.
func TestDescribeCaseEmpty(t *testing.T) {
	s := newSupportServer(t, roleCreds, map[string][]answer{"DescribeCases": {ok(`{"cases":[]}`)}})
	_, err := newClient(s, &fakeSTS{}).DescribeCase(context.Background(), account, caseID)
	assert.ErrorIs(t, err, awssupport.ErrCaseNotFound)
}

// AddCommunication sends the model's AddCommunicationToCaseRequest; an answer
// of result false is an error.
func TestAddCommunication(t *testing.T) {
	s := newSupportServer(t, roleCreds, map[string][]answer{"AddCommunicationToCase": {ok(`{"result":true}`), ok(`{"result":false}`)}})
	c := newClient(s, &fakeSTS{})
	require.NoError(t, c.AddCommunication(context.Background(), account, caseID, "i-0123456789abcdef0", []string{"ops@example.com"}))
	r := s.requests()[0]
	require.NoError(t, r.sigErr)
	assert.Equal(t, "AWSSupport_20130415.AddCommunicationToCase", r.target)
	assert.Equal(t, map[string]any{"caseId": caseID, "communicationBody": "i-0123456789abcdef0", "ccEmailAddresses": []any{"ops@example.com"}}, r.body)

	err := c.AddCommunication(context.Background(), account, caseID, "again", nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "result false")
	assert.Equal(t, map[string]any{"caseId": caseID, "communicationBody": "again"}, s.requests()[1].body)
}

// Each error of the API maps to its sentinel, AWS's code and message kept
// (errors.As gives the *APIError), with a message saying what it means.
func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name     string
		op       string
		answer   answer
		want     []error
		contains string
		attempts int
	}{
		{"no support plan", "CreateCase", apiErr(400, "SubscriptionRequiredException", "AWS Premium Support Subscription is required to use this service."),
			[]error{awssupport.ErrNoSupportPlan}, "has no Business, Enterprise On-Ramp or Enterprise Support plan", 1},
		{"case not found", "DescribeCases", apiErr(400, "CaseIdNotFound", "Case not found"),
			[]error{awssupport.ErrCaseNotFound}, "no such case in account 123456789012", 1},
		{"case limit", "CreateCase", apiErr(400, "CaseCreationLimitExceeded", "too many cases"),
			[]error{awssupport.ErrLimit}, "too many AWS Support cases open", 1},
		{"attachment limit", "AddCommunicationToCase", apiErr(400, "AttachmentLimitExceeded", "too many"),
			[]error{awssupport.ErrLimit}, "attachment limit", 1},
		{"access denied", "CreateCase", apiErr(400, "AccessDeniedException", "User is not authorized to perform: support:CreateCase"),
			[]error{awssupport.ErrAccessDenied, security.ErrAccessDenied}, "may not call support:CreateCase", 1},
		{"refused credentials", "DescribeCases", apiErr(400, "UnrecognizedClientException", "The security token included in the request is invalid."),
			[]error{awssupport.ErrAccessDenied, security.ErrAccessDenied}, "refused the credentials", 1},
		{"invalid", "CreateCase", apiErr(400, "ValidationException", "bad serviceCode"),
			[]error{awssupport.ErrInvalid}, "refused the request's values", 1},
		// a read is retried on AWS's faults, a write is not (it may have been done)
		{"internal error read", "DescribeCases", apiErr(500, "InternalServerError", "internal"),
			[]error{awssupport.ErrUnavailable}, "failed on its side after 3 attempts", 3},
		{"internal error write", "CreateCase", apiErr(500, "InternalServerError", "internal"),
			[]error{awssupport.ErrUnavailable}, "failed on its side after 1 attempts", 1},
		{"throttled", "CreateCase", apiErr(400, "ThrottlingException", "Rate exceeded"),
			[]error{awssupport.ErrThrottled, security.ErrThrottled}, "throttled the calls for account 123456789012 after 3 attempts", 3},
		{"throttled by status", "AddCommunicationToCase", answer{status: 429, body: `{"message":"slow down"}`},
			[]error{awssupport.ErrThrottled, security.ErrThrottled}, "after 3 attempts", 3},
		// the type in the header wins, in its long form
		{"type in header", "DescribeCases", answer{status: 400, header: map[string]string{"X-Amzn-ErrorType": "CaseIdNotFound:http://internal.amazon.com/coral/com.amazonaws.support/"}, body: `{"message":"Case not found"}`},
			[]error{awssupport.ErrCaseNotFound}, "CaseIdNotFound: Case not found", 1},
		{"namespaced type", "DescribeCases", apiErr(400, "com.amazonaws.support#CaseIdNotFound", "Case not found"),
			[]error{awssupport.ErrCaseNotFound}, "CaseIdNotFound: Case not found", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSupportServer(t, roleCreds, map[string][]answer{tc.op: {tc.answer}})
			c := newClient(s, &fakeSTS{})
			var err error
			switch tc.op {
			case "CreateCase":
				_, err = c.CreateCase(context.Background(), account, input())
			case "DescribeCases":
				_, err = c.DescribeCase(context.Background(), account, caseID)
			default:
				err = c.AddCommunication(context.Background(), account, caseID, "body", nil)
			}
			for _, w := range tc.want {
				assert.ErrorIs(t, err, w)
			}
			var ae *awssupport.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tc.answer.status, ae.StatusCode)
			var sae smithy.APIError
			require.ErrorAs(t, err, &sae)
			assert.Contains(t, err.Error(), tc.contains)
			assert.Contains(t, err.Error(), ae.Message, "AWS's message is kept")
			assert.Len(t, s.requests(), tc.attempts)
			for _, r := range s.requests() {
				assert.NoError(t, r.sigErr)
			}
		})
	}
}

// A throttled call is retried with the SDK's retryer and succeeds.
func TestThrottledThenSuccess(t *testing.T) {
	s := newSupportServer(t, roleCreds, map[string][]answer{
		"CreateCase":    {apiErr(400, "ThrottlingException", "Rate exceeded"), ok(createdCase)},
		"DescribeCases": {apiErr(400, "ThrottlingException", "Rate exceeded"), apiErr(400, "ThrottlingException", "Rate exceeded"), ok(describedOne)},
	})
	ref, err := newClient(s, &fakeSTS{}).CreateCase(context.Background(), account, input())
	require.NoError(t, err)
	assert.Equal(t, awssupport.CaseRef{CaseID: caseID, DisplayID: "1234567890"}, ref)
	reqs := s.requests()
	require.Len(t, reqs, 5)
	for _, r := range reqs {
		require.NoError(t, r.sigErr, "each attempt is signed anew")
	}
}

// A role that cannot be assumed is ErrAccessDenied, and through awsfleet.Map
// security.ErrUnreachable and security.ErrAccessDenied; nothing reaches AWS
// Support.
func TestRoleNotAssumed(t *testing.T) {
	s := newSupportServer(t, roleCreds, nil)
	fake := &fakeSTS{err: &smithy.GenericAPIError{Code: "AccessDenied", Message: "not authorized to perform sts:AssumeRole"}}
	_, err := newClient(s, fake).CreateCase(context.Background(), account, input())
	assert.ErrorIs(t, err, awssupport.ErrAccessDenied)
	assert.ErrorIs(t, err, security.ErrUnreachable)
	assert.ErrorIs(t, err, security.ErrAccessDenied)
	assert.Contains(t, err.Error(), "cannot assume the support role in account 123456789012")
	assert.Contains(t, err.Error(), "not authorized to perform sts:AssumeRole")
	assert.Empty(t, s.requests())
	assert.Equal(t, []string{"arn:aws:iam::123456789012:role/KKASupportRole"}, fake.arns)

	other := awssupport.Sessions(aws.Config{}, "OtherSupportRole", awsfleet.WithSTS(fake))
	_, err = awssupport.New(other, awssupport.WithEndpoint(s.URL)).DescribeCase(context.Background(), account, caseID)
	assert.ErrorIs(t, err, awssupport.ErrAccessDenied)
	assert.Equal(t, "arn:aws:iam::123456789012:role/OtherSupportRole", fake.arns[len(fake.arns)-1], "the role name is configurable")
}

// Bad input is refused before any call, naming the field.
func TestValidationBeforeCall(t *testing.T) {
	s := newSupportServer(t, roleCreds, nil)
	fake := &fakeSTS{}
	c := newClient(s, fake)
	ctx := context.Background()
	field := func(err error) string {
		var ve *resellerkit.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.ErrorIs(t, err, awssupport.ErrInvalid)
		return ve.Field
	}
	_, err := c.CreateCase(ctx, "12345", input())
	assert.Equal(t, "account", field(err))
	bad := input()
	bad.Severity = "sev1"
	_, err = c.CreateCase(ctx, account, bad)
	assert.Equal(t, "severity", field(err))
	_, err = c.DescribeCase(ctx, account, "1234567890")
	assert.Equal(t, "case_id", field(err))
	err = c.AddCommunication(ctx, account, caseID, strings.Repeat("x", awssupport.MaxBodyLen+1), nil)
	assert.Equal(t, "body", field(err))
	err = c.AddCommunication(ctx, account, caseID, "ok", []string{"Ops <ops@example.com>"})
	assert.Equal(t, "cc[0]", field(err))
	assert.Empty(t, s.requests())
	assert.Zero(t, fake.calls)
}

// A cancelled context stops the call.
func TestCancelled(t *testing.T) {
	s := newSupportServer(t, roleCreds, map[string][]answer{"DescribeCases": {ok(describedOne)}})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c := newClient(s, &fakeSTS{}, awssupport.WithRetryer(fastRetryer(5)))
	_, err := c.DescribeCase(ctx, account, caseID)
	assert.ErrorIs(t, err, context.Canceled)
}

// transport is an aws.HTTPClient answering every request from a function.
type transport func(*http.Request) (*http.Response, error)

func (f transport) Do(r *http.Request) (*http.Response, error) { return f(r) }

// Without WithEndpoint, calls go to the Support API in us-east-1, signed for
// us-east-1 whatever the configuration's region, with the configuration's own
// HTTP client and credentials (here awsfleet.Static's), at the clock's time.
func TestDefaultEndpoint(t *testing.T) {
	static := aws.Credentials{AccessKeyID: "AKIDSTATIC", SecretAccessKey: "static-secret"}
	var got *http.Request
	var body []byte
	cfg := aws.Config{
		Region:      "ap-northeast-1",
		Credentials: credentials.NewStaticCredentialsProvider(static.AccessKeyID, static.SecretAccessKey, ""),
		HTTPClient: transport(func(r *http.Request) (*http.Response, error) {
			got, body = r, must(io.ReadAll(r.Body))
			return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(`{"result":true}`))}, nil
		}),
	}
	at := time.Date(2026, 4, 1, 9, 30, 0, 0, time.UTC)
	c := awssupport.New(awsfleet.Static(cfg), awssupport.WithClock(func() time.Time { return at }))
	require.NoError(t, c.AddCommunication(context.Background(), account, caseID, "hello", nil))
	assert.Equal(t, "https://support.us-east-1.amazonaws.com/", got.URL.String())
	assert.Equal(t, "20260401T093000Z", got.Header.Get("X-Amz-Date"))
	assert.Contains(t, got.Header.Get("Authorization"), "Credential=AKIDSTATIC/20260401/us-east-1/support/aws4_request")
	assert.Empty(t, got.Header.Get("X-Amz-Security-Token"))
	// the server side sees the host in r.Host
	got.Host = got.URL.Host
	_, _, err := verifySigV4(got, body, static)
	require.NoError(t, err)
}

// The verifier of the fake server is not vacuous: another secret, another body
// or another target fail it.
func TestVerifierRejects(t *testing.T) {
	static := aws.Credentials{AccessKeyID: "AKIDSTATIC", SecretAccessKey: "static-secret"}
	var got *http.Request
	var body []byte
	cfg := aws.Config{
		Credentials: credentials.NewStaticCredentialsProvider(static.AccessKeyID, static.SecretAccessKey, ""),
		HTTPClient: transport(func(r *http.Request) (*http.Response, error) {
			got, body = r, must(io.ReadAll(r.Body))
			got.Host = got.URL.Host
			return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(`{"result":true}`))}, nil
		}),
	}
	require.NoError(t, awssupport.New(awsfleet.Static(cfg)).AddCommunication(context.Background(), account, caseID, "hello", nil))
	_, _, err := verifySigV4(got, body, static)
	require.NoError(t, err)

	wrong := static
	wrong.SecretAccessKey = "other"
	_, _, err = verifySigV4(got, body, wrong)
	assert.ErrorContains(t, err, "signature mismatch")
	_, _, err = verifySigV4(got, bytes.Replace(body, []byte("hello"), []byte("HELLO"), 1), static)
	assert.ErrorContains(t, err, "signature mismatch")
	got.Header.Set("X-Amz-Target", "AWSSupport_20130415.ResolveCase")
	_, _, err = verifySigV4(got, body, static)
	assert.ErrorContains(t, err, "signature mismatch")
}

// Escalate (support.Escalator) opens the AWS case for a desk's case:
// account_billing as customer-service, the language and severity carried, a
// body longer than AWS takes cut with a note naming the desk's case.
func TestEscalate(t *testing.T) {
	s := newSupportServer(t, roleCreds, map[string][]answer{"CreateCase": {ok(createdCase)}, "DescribeCases": {ok(describedOne)}})
	var esc support.Escalator = newClient(s, &fakeSTS{})
	long := strings.Repeat("あ", awssupport.MaxBodyLen+10)
	e, err := esc.Escalate(context.Background(), support.Case{
		ID: "c-42", AccountID: account, Category: support.AccountBilling, Severity: support.Normal,
		Subject: "請求について", Body: long, CC: []string{"billing@example.com"}, Language: "ja",
	})
	require.NoError(t, err)
	assert.Equal(t, support.Escalation{AWSCaseID: caseID, DisplayID: "1234567890"}, e)
	b := s.requests()[0].body
	assert.Equal(t, "customer-service", b["issueType"])
	assert.Equal(t, "ja", b["language"])
	assert.Equal(t, "normal", b["severityCode"])
	assert.Equal(t, "請求について", b["subject"])
	assert.NotContains(t, b, "serviceCode", "a customer-service case is routed by AWS")
	sent := b["communicationBody"].(string)
	assert.Len(t, []rune(sent), awssupport.MaxBodyLen)
	assert.True(t, strings.HasSuffix(sent, "the whole text is in the reseller's case c-42]"))

	// a technical case goes under the configured codes
	s2 := newSupportServer(t, roleCreds, map[string][]answer{"CreateCase": {ok(createdCase)}, "DescribeCases": {ok(describedOne)}})
	c2 := newClient(s2, &fakeSTS{}, awssupport.WithCodes(awssupport.Technical, "amazon-elastic-compute-cloud-linux", "other"))
	_, err = c2.Escalate(context.Background(), support.Case{ID: "c-43", AccountID: account, Category: support.Technical, Subject: "s", Body: "b", Language: "en"})
	require.NoError(t, err)
	b = s2.requests()[0].body
	assert.Equal(t, "technical", b["issueType"])
	assert.Equal(t, "amazon-elastic-compute-cloud-linux", b["serviceCode"])
	assert.Equal(t, "other", b["categoryCode"])

	// an account without a support plan says so
	s3 := newSupportServer(t, roleCreds, map[string][]answer{"CreateCase": {apiErr(400, "SubscriptionRequiredException", "AWS Premium Support Subscription is required to use this service.")}})
	_, err = newClient(s3, &fakeSTS{}).Escalate(context.Background(), support.Case{ID: "c-44", AccountID: account, Category: support.Technical, Subject: "s", Body: "b"})
	assert.ErrorIs(t, err, awssupport.ErrNoSupportPlan)
	var sae smithy.APIError
	require.True(t, errors.As(err, &sae))
	assert.Equal(t, "SubscriptionRequiredException", sae.ErrorCode())
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// P-4: a CreateCase whose answer is lost — the request read by AWS (which may
// have opened the case), then the connection dropped, the HTTP client's own
// Timeout fired, the answer cut short or unreadable, or AWS failing on its side
// (HTTP 5xx: the request may or may not have been processed) — wraps
// support.ErrEscalationUnknown, so support.Service keeps the escalation claimed
// instead of opening a second case at once. A refusal (HTTP 4xx, throttling
// that outlived the retries included) and a request never sent (nothing
// listening) do not: AWS did not open the case. Neither do reads nor
// AddCommunicationToCase, which escalation does not use.
func TestCreateCaseOutcomeUnknown(t *testing.T) {
	throttled := apiErr(400, "ThrottlingException", "Rate exceeded")
	for _, tc := range []struct {
		name     string
		op       string
		answers  []answer
		closed   bool // nothing listens at the endpoint
		unknown  bool
		also     error
		attempts int // requests AWS received; -1: not checked
	}{
		{"connection dropped", "CreateCase", []answer{{fault: dropped}}, false, true, nil, 1},
		{"client timeout", "CreateCase", []answer{{fault: hung}}, false, true, nil, 1},
		{"answer cut short", "CreateCase", []answer{{status: 200, body: createdCase, fault: cutShort}}, false, true, nil, 1},
		{"answer unreadable", "CreateCase", []answer{ok(`{"caseId":`)}, false, true, nil, 1},
		{"answer without caseId", "CreateCase", []answer{ok(`{}`)}, false, true, nil, 1},
		{"internal error", "CreateCase", []answer{apiErr(500, "InternalServerError", "internal")}, false, true, awssupport.ErrUnavailable, 1},
		{"gateway timeout", "CreateCase", []answer{{status: 504}}, false, true, awssupport.ErrUnavailable, 1},
		{"throttled then dropped", "CreateCase", []answer{throttled, {fault: dropped}}, false, true, nil, 2},
		{"refused", "CreateCase", []answer{apiErr(400, "ValidationException", "bad serviceCode")}, false, false, awssupport.ErrInvalid, 1},
		{"case limit", "CreateCase", []answer{apiErr(400, "CaseCreationLimitExceeded", "too many cases")}, false, false, awssupport.ErrLimit, 1},
		{"throttled throughout", "CreateCase", []answer{throttled}, false, false, awssupport.ErrThrottled, 3},
		{"nothing listening", "CreateCase", nil, true, false, nil, 0},
		{"read dropped", "DescribeCases", []answer{{fault: dropped}}, false, false, nil, -1},
		{"communication dropped", "AddCommunicationToCase", []answer{{fault: dropped}}, false, false, nil, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSupportServer(t, roleCreds, map[string][]answer{tc.op: tc.answers})
			hc := *s.Client()
			hc.Timeout = 200 * time.Millisecond
			c := newClient(s, &fakeSTS{}, awssupport.WithHTTPClient(&hc))
			if tc.closed {
				s.Close()
			}
			var err error
			switch tc.op {
			case "CreateCase":
				_, err = c.CreateCase(context.Background(), account, input())
			case "DescribeCases":
				_, err = c.DescribeCase(context.Background(), account, caseID)
			default:
				err = c.AddCommunication(context.Background(), account, caseID, "body", nil)
			}
			require.Error(t, err)
			assert.Equal(t, tc.unknown, errors.Is(err, support.ErrEscalationUnknown), "outcome unknown: %v", err)
			if tc.unknown {
				assert.Contains(t, err.Error(), "may have done the CreateCase")
				assert.Contains(t, err.Error(), "Support Center console of account 123456789012")
			}
			if tc.also != nil {
				assert.ErrorIs(t, err, tc.also)
			}
			if tc.attempts >= 0 {
				assert.Len(t, s.requests(), tc.attempts)
			}
		})
	}
}
