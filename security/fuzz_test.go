package security_test

import (
	"strings"
	"testing"

	"github.com/seeda33a2f4f/resellerkit/security"
)

// FuzzParseFindings: any document is either refused with an error or gives
// findings that each have an id, a 12-digit account, a title and a severity in
// 0..100 with its ASFF label.
func FuzzParseFindings(f *testing.F) {
	f.Add(`{"Findings": [{"Id": "a", "AwsAccountId": "123456789012", "Title": "t", "Severity": {"Label": "HIGH", "Normalized": 75}}]}`)
	f.Add(`[{"Id": "b", "AwsAccountId": "123456789012", "Title": "t", "Severity": {"Normalized": 95}}]`)
	f.Add(`{"detail": {"findings": [{"Id": "c", "AwsAccountId": "123456789012", "Title": "t", "Severity": {"Label": "low"}}]}}`)
	f.Add(`{"Findings": []}`)
	f.Fuzz(func(t *testing.T, doc string) {
		fs, err := security.ParseFindings(strings.NewReader(doc))
		if err != nil {
			return
		}
		for _, x := range fs {
			if x.ID == "" || len(x.AccountID) != 12 || strings.TrimSpace(x.Title) == "" ||
				x.Severity.Normalized < 0 || x.Severity.Normalized > 100 || x.Severity.Label == "" {
				t.Fatalf("accepted a bad finding: %+v", x)
			}
		}
	})
}
