package awssupport_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
	"github.com/seeda33a2f4f/resellerkit/support/awssupport"
)

// Opening a case with AWS Support in a customer's account, here against a
// local stand-in for the AWS Support API. In production the Sessions assume
// KKASupportRole in the account from the payer's configuration:
// awssupport.Sessions(payerConfig, awssupport.DefaultRole), and no endpoint
// is set.
func Example() {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Header.Get("X-Amz-Target") {
		case "AWSSupport_20130415.CreateCase":
			_, _ = io.WriteString(w, `{"caseId":"case-123456789012-muen-2026-0123456789abcdef"}`)
		case "AWSSupport_20130415.DescribeCases":
			_, _ = io.WriteString(w, `{"cases":[{"caseId":"case-123456789012-muen-2026-0123456789abcdef","displayId":"1234567890","status":"opened"}]}`)
		}
	}))
	defer api.Close()

	account := awsfleet.Static(aws.Config{Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")})
	client := awssupport.New(account, awssupport.WithEndpoint(api.URL))
	ref, err := client.CreateCase(context.Background(), "123456789012", awssupport.CaseInput{
		Subject:  "EC2 instance unreachable",
		Body:     "Instance i-0123456789abcdef0 stopped answering at 09:12 JST.",
		Severity: awssupport.SeverityHigh,
		Language: awssupport.Japanese,
	})
	fmt.Println(ref.CaseID, ref.DisplayID, err)
	// Output: case-123456789012-muen-2026-0123456789abcdef 1234567890 <nil>
}

// Input is checked before any call; the error names the field.
func ExampleCaseInput_Validate() {
	err := awssupport.CaseInput{Subject: "Question", Body: strings.Repeat("x", 9000)}.Validate()
	fmt.Println(err)
	fmt.Println(errors.Is(err, awssupport.ErrInvalid))
	// Output:
	// awssupport: invalid input: body "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…" (P-4): must be at most 8000 characters
	// true
}
