package awssupport_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"

	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
	"github.com/seeda33a2f4f/resellerkit/support/awssupport"
)

const account = "123456789012"

// The credentials the fake STS gives for the assumed role.
var roleCreds = aws.Credentials{AccessKeyID: "ASIAROLE", SecretAccessKey: "role-secret", SessionToken: "role-token", Source: "fake STS"}

// fakeSTS answers AssumeRole with roleCreds, or err.
type fakeSTS struct {
	mu    sync.Mutex
	err   error
	arns  []string
	calls int
}

func (f *fakeSTS) AssumeRole(_ context.Context, in *sts.AssumeRoleInput, _ ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	f.arns = append(f.arns, aws.ToString(in.RoleArn))
	if f.err != nil {
		return nil, &smithy.OperationError{ServiceID: "STS", OperationName: "AssumeRole", Err: f.err}
	}
	return &sts.AssumeRoleOutput{Credentials: &ststypes.Credentials{
		AccessKeyId: aws.String(roleCreds.AccessKeyID), SecretAccessKey: aws.String(roleCreds.SecretAccessKey),
		SessionToken: aws.String(roleCreds.SessionToken), Expiration: aws.Time(time.Now().Add(time.Hour)),
	}}, nil
}

// answer is a canned response, or a fault in place of one.
type answer struct {
	status int
	header map[string]string
	body   string
	fault  fault
}

// fault is how an answer is lost on the wire, the request having been read
// (and, for AWS, done).
type fault int

const (
	answered fault = iota
	dropped        // the connection closes without an answer
	hung           // no answer until the client gives up (its own Timeout)
	cutShort       // the status and headers, then half the body, then the connection closes
)

func ok(body string) answer { return answer{status: 200, body: body} }

// apiErr is an AWS JSON 1.1 error answer with the type in the body's __type.
func apiErr(status int, typ, msg string) answer {
	return answer{status: status, body: fmt.Sprintf(`{"__type":%q,"message":%q}`, typ, msg), header: map[string]string{"X-Amzn-RequestId": "req-1"}}
}

// seen is a request the fake Support API received, its signature checked.
type seen struct {
	target string
	body   map[string]any
	sigErr error // nil when the SigV4 signature verified
	scope  string
	signed []string
	token  string
}

// supportServer is a fake AWS Support API: it verifies each request's SigV4
// signature with creds, records it and answers with the next canned answer
// for its operation (the last one repeats).
type supportServer struct {
	*httptest.Server
	creds   aws.Credentials
	mu      sync.Mutex
	answers map[string][]answer
	reqs    []seen
}

func newSupportServer(t *testing.T, creds aws.Credentials, answers map[string][]answer) *supportServer {
	s := &supportServer{creds: creds, answers: answers}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *supportServer) serve(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	rec := seen{target: r.Header.Get("X-Amz-Target"), token: r.Header.Get("X-Amz-Security-Token")}
	rec.scope, rec.signed, rec.sigErr = verifySigV4(r, raw, s.creds)
	if r.Method != http.MethodPost || r.URL.Path != "/" || r.Header.Get("Content-Type") != "application/x-amz-json-1.1" {
		rec.sigErr = fmt.Errorf("bad request line or content type: %s %s %q", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
	}
	if err := json.Unmarshal(raw, &rec.body); err != nil {
		rec.sigErr = fmt.Errorf("body is not JSON: %w", err)
	}
	op := strings.TrimPrefix(rec.target, "AWSSupport_20130415.")
	s.mu.Lock()
	s.reqs = append(s.reqs, rec)
	a := answer{status: 400, body: `{"__type":"UnknownOperationException"}`}
	if q := s.answers[op]; len(q) > 0 {
		a = q[0]
		if len(q) > 1 {
			s.answers[op] = q[1:]
		}
	}
	s.mu.Unlock()
	switch a.fault {
	case dropped:
		conn, _, _ := w.(http.Hijacker).Hijack()
		_ = conn.Close()
		return
	case hung:
		select {
		case <-r.Context().Done(): // the client closed the connection
		case <-time.After(10 * time.Second):
		}
		return
	case cutShort:
		conn, buf, _ := w.(http.Hijacker).Hijack()
		_, _ = fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: %d\r\n\r\n%s",
			a.status, http.StatusText(a.status), len(a.body), a.body[:len(a.body)/2])
		_ = buf.Flush()
		_ = conn.Close()
		return
	}
	for k, v := range a.header {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(a.status)
	_, _ = io.WriteString(w, a.body)
}

func (s *supportServer) requests() []seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seen(nil), s.reqs...)
}

// verifySigV4 checks r's Authorization header by signing a clone of r again
// with the SDK's signer, creds, the payload's SHA-256 and r's X-Amz-Date, over
// exactly the headers the client said it signed. It returns the credential
// scope and the signed headers.
func verifySigV4(r *http.Request, body []byte, creds aws.Credentials) (scope string, signed []string, err error) {
	auth := r.Header.Get("Authorization")
	const algo = "AWS4-HMAC-SHA256 "
	if !strings.HasPrefix(auth, algo) {
		return "", nil, fmt.Errorf("authorization %q is not SigV4", auth)
	}
	fields := map[string]string{}
	for _, f := range strings.Split(strings.TrimPrefix(auth, algo), ", ") {
		k, v, _ := strings.Cut(f, "=")
		fields[k] = v
	}
	cred := fields["Credential"]
	akid, scope, _ := strings.Cut(cred, "/")
	if akid != creds.AccessKeyID {
		return scope, nil, fmt.Errorf("signed by %q, not %q", akid, creds.AccessKeyID)
	}
	signed = strings.Split(fields["SignedHeaders"], ";")
	at, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil {
		return scope, signed, fmt.Errorf("X-Amz-Date: %w", err)
	}
	clone, err := http.NewRequest(r.Method, "http://"+r.Host+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return scope, signed, err
	}
	for _, h := range signed {
		if h == "host" || h == "content-length" {
			continue
		}
		clone.Header[http.CanonicalHeaderKey(h)] = r.Header.Values(h)
	}
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, clone, hex.EncodeToString(sum[:]), "support", "us-east-1", at); err != nil {
		return scope, signed, err
	}
	if got := clone.Header.Get("Authorization"); got != auth {
		return scope, signed, fmt.Errorf("signature mismatch:\n got  %s\n want %s", auth, got)
	}
	return scope, signed, nil
}

// fastRetryer is the SDK's standard retryer with attempts tries and no wait.
func fastRetryer(attempts int) func() aws.Retryer {
	return func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = attempts
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		})
	}
}

// newClient is a Client over s, assuming awssupport.DefaultRole through sts
// (a fake) from an empty payer configuration.
func newClient(s *supportServer, sts *fakeSTS, opts ...awssupport.Option) *awssupport.Client {
	sessions := awssupport.Sessions(aws.Config{Region: "ap-northeast-1"}, "", awsfleet.WithSTS(sts))
	return awssupport.New(sessions, append([]awssupport.Option{
		awssupport.WithEndpoint(s.URL), awssupport.WithHTTPClient(s.Client()), awssupport.WithRetryer(fastRetryer(3)),
	}, opts...)...)
}
