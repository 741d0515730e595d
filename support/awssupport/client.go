package awssupport

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/protocol/restjson"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"

	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
)

const (
	// DefaultRole is the role kept in each customer account for escalations
	// to AWS Support, allowed only to open and follow support cases
	// (DOMAIN.md P-4).
	DefaultRole = "KKASupportRole"
	// Region is the region the AWS Support API is called and signed in.
	Region = "us-east-1"
	// DefaultEndpoint is the AWS Support API's endpoint in Region.
	DefaultEndpoint = "https://support.us-east-1.amazonaws.com/"
	// SigningName is the service name in the API's SigV4 signature.
	SigningName = "support"
	// targetPrefix prefixes the operation in X-Amz-Target (the model's
	// targetPrefix).
	targetPrefix = "AWSSupport_20130415."
	// contentType is the AWS JSON 1.1 protocol's media type.
	contentType = "application/x-amz-json-1.1"
	// maxResponse bounds the bytes read from one answer.
	maxResponse = 4 << 20
)

// The operations called.
const (
	opCreateCase       = "CreateCase"
	opDescribeCases    = "DescribeCases"
	opAddCommunication = "AddCommunicationToCase"
)

// throttles are the SDK's own throttling checks.
var throttles = retry.IsErrorThrottles(retry.DefaultThrottles)

// Sessions returns the awsfleet.Sessions assuming role (DefaultRole when "")
// in each customer account from payer, the payer account's configuration.
func Sessions(payer aws.Config, role string, opts ...awsfleet.Option) *awsfleet.Roles {
	if role == "" {
		role = DefaultRole
	}
	return awsfleet.AssumeRole(payer, role, opts...)
}

// Client opens and follows AWS Support cases in customers' accounts, calling
// the AWS Support API with the credentials of the role its Sessions assume
// there. Build one with New; it is safe for concurrent use.
type Client struct {
	sessions awsfleet.Sessions
	endpoint string
	http     aws.HTTPClient
	retryer  func() aws.Retryer
	now      func() time.Time
	signer   *v4.Signer
	codes    map[IssueType]codes
}

// Option configures a Client.
type Option func(*Client)

// WithEndpoint sets the API's URL (default: the configuration's BaseEndpoint,
// else DefaultEndpoint); tests give an httptest server's.
func WithEndpoint(url string) Option { return func(c *Client) { c.endpoint = url } }

// WithHTTPClient sets the HTTP client (default: the configuration's
// HTTPClient, else the SDK's awshttp.NewBuildableClient()).
func WithHTTPClient(h aws.HTTPClient) Option { return func(c *Client) { c.http = h } }

// WithRetryer sets how throttled and failed calls are retried (default: the
// configuration's Retryer, e.g. awsfleet's standard retryer of
// awsfleet.MaxAttempts attempts, else retry.NewStandard()). Tests give a
// retry.NewStandard with a zero backoff.
func WithRetryer(r func() aws.Retryer) Option { return func(c *Client) { c.retryer = r } }

// WithClock sets the clock the requests are signed with (default time.Now).
func WithClock(now func() time.Time) Option { return func(c *Client) { c.now = now } }

// New returns the Client calling AWS Support in each account with the
// configuration s gives for it in Region: in production
// Sessions(payer, DefaultRole). It panics if s is nil.
func New(s awsfleet.Sessions, opts ...Option) *Client {
	if s == nil {
		panic("awssupport: a nil awsfleet.Sessions")
	}
	c := &Client{sessions: s, now: time.Now, signer: v4.NewSigner(), codes: defaultCodes()}
	for _, o := range opts {
		o(c)
	}
	return c
}

// createCaseRequest is CreateCaseRequest of the API model.
type createCaseRequest struct {
	Subject           string   `json:"subject"`
	CommunicationBody string   `json:"communicationBody"`
	ServiceCode       string   `json:"serviceCode,omitempty"`
	CategoryCode      string   `json:"categoryCode,omitempty"`
	SeverityCode      string   `json:"severityCode,omitempty"`
	IssueType         string   `json:"issueType,omitempty"`
	Language          string   `json:"language,omitempty"`
	CCEmailAddresses  []string `json:"ccEmailAddresses,omitempty"`
}

// createCaseResponse is CreateCaseResponse.
type createCaseResponse struct {
	CaseID string `json:"caseId"`
}

// describeCasesRequest is DescribeCasesRequest (the members used).
type describeCasesRequest struct {
	CaseIDList            []string `json:"caseIdList"`
	IncludeResolvedCases  bool     `json:"includeResolvedCases"`
	IncludeCommunications bool     `json:"includeCommunications"`
}

// describeCasesResponse is DescribeCasesResponse.
type describeCasesResponse struct {
	Cases     []caseDetails `json:"cases"`
	NextToken string        `json:"nextToken"`
}

// caseDetails is CaseDetails.
type caseDetails struct {
	CaseID               string   `json:"caseId"`
	DisplayID            string   `json:"displayId"`
	Subject              string   `json:"subject"`
	Status               string   `json:"status"`
	ServiceCode          string   `json:"serviceCode"`
	CategoryCode         string   `json:"categoryCode"`
	SeverityCode         string   `json:"severityCode"`
	SubmittedBy          string   `json:"submittedBy"`
	TimeCreated          string   `json:"timeCreated"`
	CCEmailAddresses     []string `json:"ccEmailAddresses"`
	Language             string   `json:"language"`
	RecentCommunications struct {
		Communications []communication `json:"communications"`
		NextToken      string          `json:"nextToken"`
	} `json:"recentCommunications"`
}

// communication is Communication.
type communication struct {
	CaseID      string `json:"caseId"`
	Body        string `json:"body"`
	SubmittedBy string `json:"submittedBy"`
	TimeCreated string `json:"timeCreated"`
}

// addCommunicationRequest is AddCommunicationToCaseRequest.
type addCommunicationRequest struct {
	CaseID            string   `json:"caseId"`
	CommunicationBody string   `json:"communicationBody"`
	CCEmailAddresses  []string `json:"ccEmailAddresses,omitempty"`
}

// addCommunicationResponse is AddCommunicationToCaseResponse.
type addCommunicationResponse struct {
	Result bool `json:"result"`
}

// CreateCase opens a case with AWS Support in account (P-4), then reads its
// display id. It returns ErrInvalid (a *resellerkit.ValidationError) for bad
// input with no call made, ErrNoSupportPlan, ErrLimit, ErrAccessDenied,
// ErrThrottled or ErrUnavailable. CreateCase is not idempotent: it is
// retried only when AWS throttled it (the case was then not created). Once
// the case exists it returns its ref and no error, even if the display id
// could not be read (DisplayID is then ""). An error after which the case may
// exist — the request may have reached AWS and no answer saying what AWS did
// was read: a dropped connection, the HTTP client's own timeout, an HTTP 5xx
// (also ErrUnavailable), a 2xx answer that cannot be read — wraps
// support.ErrEscalationUnknown; see the package's documentation.
func (c *Client) CreateCase(ctx context.Context, account string, in CaseInput) (CaseRef, error) {
	if err := checkAccount(account); err != nil {
		return CaseRef{}, err
	}
	if err := in.Validate(); err != nil {
		return CaseRef{}, err
	}
	req := createCaseRequest{
		Subject: in.Subject, CommunicationBody: in.Body,
		ServiceCode: in.ServiceCode, CategoryCode: in.CategoryCode,
		SeverityCode: string(in.Severity), IssueType: string(in.IssueType), Language: string(in.Language),
		CCEmailAddresses: in.CC,
	}
	var out createCaseResponse
	if err := c.call(ctx, account, opCreateCase, req, &out); err != nil {
		return CaseRef{}, err
	}
	if out.CaseID == "" { // AWS said yes: the case exists, its id is not known
		return CaseRef{}, outcomeUnknown(opCreateCase, account,
			fmt.Errorf("awssupport: %s in account %s: AWS answered no caseId", opCreateCase, account))
	}
	ref := CaseRef{CaseID: out.CaseID}
	if d, err := c.describe(ctx, account, out.CaseID, false); err == nil {
		ref.DisplayID = d.DisplayID
	}
	return ref, nil
}

// DescribeCase returns the case caseID of account, resolved or not, with its
// most recent communications. It returns ErrInvalid for a bad account or case
// id, ErrCaseNotFound, ErrNoSupportPlan, ErrAccessDenied, ErrThrottled or
// ErrUnavailable.
func (c *Client) DescribeCase(ctx context.Context, account, caseID string) (CaseStatus, error) {
	if err := checkAccount(account); err != nil {
		return CaseStatus{}, err
	}
	if err := checkCaseID(caseID); err != nil {
		return CaseStatus{}, err
	}
	d, err := c.describe(ctx, account, caseID, true)
	if err != nil {
		return CaseStatus{}, err
	}
	s := CaseStatus{
		CaseID: d.CaseID, DisplayID: d.DisplayID, Subject: d.Subject, Status: Status(d.Status),
		ServiceCode: d.ServiceCode, CategoryCode: d.CategoryCode,
		Severity: Severity(d.SeverityCode), Language: Language(d.Language),
		SubmittedBy: d.SubmittedBy, Created: parseTime(d.TimeCreated), CC: d.CCEmailAddresses,
	}
	for _, m := range d.RecentCommunications.Communications {
		s.Recent = append(s.Recent, Communication{Body: m.Body, SubmittedBy: m.SubmittedBy, Created: parseTime(m.TimeCreated)})
	}
	return s, nil
}

// describe calls DescribeCases for caseID, resolved cases included.
func (c *Client) describe(ctx context.Context, account, caseID string, communications bool) (caseDetails, error) {
	var out describeCasesResponse
	req := describeCasesRequest{CaseIDList: []string{caseID}, IncludeResolvedCases: true, IncludeCommunications: communications}
	if err := c.call(ctx, account, opDescribeCases, req, &out); err != nil {
		return caseDetails{}, err
	}
	for _, d := range out.Cases {
		if d.CaseID == caseID {
			return d, nil
		}
	}
	return caseDetails{}, fmt.Errorf("%w: AWS Support returned no case %s in account %s", ErrCaseNotFound, caseID, account)
}

// AddCommunication adds body to the case caseID of account, copying cc (up to
// MaxCC plain addresses). It returns ErrInvalid for bad input with no call
// made, ErrCaseNotFound, ErrNoSupportPlan, ErrAccessDenied, ErrThrottled or
// ErrUnavailable. Like CreateCase it is retried only when throttled.
func (c *Client) AddCommunication(ctx context.Context, account, caseID, body string, cc []string) error {
	if err := checkAccount(account); err != nil {
		return err
	}
	if err := checkCaseID(caseID); err != nil {
		return err
	}
	if err := checkText("body", body, MaxBodyLen, false); err != nil {
		return err
	}
	if err := checkCC("cc", cc); err != nil {
		return err
	}
	var out addCommunicationResponse
	if err := c.call(ctx, account, opAddCommunication, addCommunicationRequest{CaseID: caseID, CommunicationBody: body, CCEmailAddresses: cc}, &out); err != nil {
		return err
	}
	if !out.Result {
		return fmt.Errorf("awssupport: %s in account %s: AWS answered result false for case %s", opAddCommunication, account, caseID)
	}
	return nil
}

// call sends op with in as its JSON body to the API for account, decoding the
// answer into out, retrying up to the retryer's MaxAttempts with its delays:
// throttling (AWS refused the call, so it was not done), and for DescribeCases,
// which changes nothing, any error the retryer deems retryable. A CreateCase
// whose last attempt may have been done by AWS (mayHaveActed), ctx still live,
// fails wrapping support.ErrEscalationUnknown.
func (c *Client) call(ctx context.Context, account, op string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("awssupport: %s: %w", op, err)
	}
	cfg, err := c.sessions.Config(ctx, account, Region)
	if err != nil {
		return credentialsFailure(op, account, err)
	}
	if cfg.Credentials == nil {
		return fmt.Errorf("awssupport: %s in account %s: the configuration has no credentials", op, account)
	}
	endpoint := c.endpoint
	if endpoint == "" {
		endpoint = aws.ToString(cfg.BaseEndpoint)
	}
	if endpoint == "" {
		endpoint = DefaultEndpoint
	}
	if !strings.HasSuffix(endpoint, "/") {
		endpoint += "/"
	}
	client := c.http
	if client == nil {
		client = cfg.HTTPClient
	}
	if client == nil {
		client = awshttp.NewBuildableClient()
	}
	newRetryer := c.retryer
	if newRetryer == nil {
		newRetryer = cfg.Retryer
	}
	var retryer aws.Retryer
	if newRetryer != nil {
		retryer = newRetryer()
	}
	if retryer == nil {
		retryer = retry.NewStandard()
	}

	sum := sha256.Sum256(body)
	payloadHash := hex.EncodeToString(sum[:])
	release := func(error) error { return nil }
	for attempt := 1; ; attempt++ {
		creds, err := cfg.Credentials.Retrieve(ctx)
		if err != nil {
			return credentialsFailure(op, account, err)
		}
		err = c.attempt(ctx, client, endpoint, creds, op, body, payloadHash, out)
		_ = release(err)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("awssupport: %s in account %s: %w: %w", op, account, ctx.Err(), err)
		}
		retryable := throttle(err) || (op == opDescribeCases && retryer.IsErrorRetryable(err))
		if attempt >= retryer.MaxAttempts() || !retryable {
			if op == opCreateCase && mayHaveActed(err) {
				return outcomeUnknown(op, account, failure(op, account, attempt, err))
			}
			return failure(op, account, attempt, err)
		}
		rel, terr := retryer.GetRetryToken(ctx, err)
		if terr != nil { // the retryer's budget is spent
			return failure(op, account, attempt, err)
		}
		release = rel
		delay, derr := retryer.RetryDelay(attempt, err)
		if derr != nil {
			return failure(op, account, attempt, err)
		}
		if delay > 0 {
			t := time.NewTimer(delay)
			select {
			case <-ctx.Done():
				t.Stop()
				return fmt.Errorf("awssupport: %s in account %s: %w", op, account, ctx.Err())
			case <-t.C:
			}
		}
	}
}

// attempt sends one signed request and decodes the answer: out on HTTP 2xx,
// an *APIError otherwise. An error before any connection to AWS was had (the
// request was not built or signed, the endpoint's name not resolved, no
// connection made) is a *notSentError.
func (c *Client) attempt(ctx context.Context, client aws.HTTPClient, endpoint string, creds aws.Credentials, op string, body []byte, payloadHash string, out any) error {
	// connected is set when the HTTP client has a connection to write the
	// request on (for each try, should the client retry by itself).
	var connected atomic.Bool
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { connected.Store(true) }})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return &notSentError{err}
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Amz-Target", targetPrefix+op)
	req.Header.Set("User-Agent", "resellerkit-awssupport")
	if err := c.signer.SignHTTP(ctx, creds, req, payloadHash, SigningName, Region, c.now()); err != nil {
		return &notSentError{err}
	}
	resp, err := client.Do(req)
	if err != nil {
		if !connected.Load() && dialFailed(err) {
			return &notSentError{err}
		}
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return fmt.Errorf("reading the answer (HTTP %d): %w", resp.StatusCode, err)
	}
	if len(raw) > maxResponse {
		return fmt.Errorf("answer larger than %d bytes (HTTP %d)", maxResponse, resp.StatusCode)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return apiError(op, resp, raw)
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("decoding the answer: %w", err)
	}
	return nil
}

// apiError reads an AWS JSON 1.1 error answer as the SDK's generated
// deserializers do: the type from the X-Amzn-ErrorType header, else the
// body's __type, else its code, cleaned by restjson.SanitizeErrorCode
// ("aws.protocoltests#CaseIdNotFound:http://…" → "CaseIdNotFound"); the
// message from the body's message (or Message).
func apiError(op string, resp *http.Response, raw []byte) *APIError {
	var info struct {
		Type    string `json:"__type"`
		Code    any    `json:"code"`
		Message string `json:"message"`
	}
	decodeErr := json.Unmarshal(raw, &info)
	typ := resp.Header.Get("X-Amzn-ErrorType")
	if typ == "" {
		typ = info.Type
	}
	if code, ok := info.Code.(string); ok && typ == "" {
		typ = code
	}
	e := &APIError{Operation: op, Code: "UnknownError", Message: info.Message, StatusCode: resp.StatusCode, RequestID: resp.Header.Get("X-Amzn-Requestid")}
	if typ != "" {
		e.Code = restjson.SanitizeErrorCode(typ)
	}
	if decodeErr != nil && e.Message == "" {
		e.Message = strings.TrimSpace(string(raw[:min(len(raw), 200)]))
	}
	return e
}
