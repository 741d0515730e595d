package awssupport

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/seeda33a2f4f/resellerkit/support"
)

var _ support.Escalator = (*Client)(nil)

// codes are the service and category codes an escalation's AWS case is filed
// under.
type codes struct{ service, category string }

// WithCodes sets the service and category codes (as DescribeServices lists
// them) under which Escalate files cases of issue type t. By default a
// technical case is filed under service "general-info", category
// "using-aws" (the pair of AWS's own CLI example), and a customer-service
// case under none, leaving AWS to route it.
func WithCodes(t IssueType, serviceCode, categoryCode string) Option {
	return func(c *Client) {
		if c.codes == nil {
			c.codes = map[IssueType]codes{}
		}
		c.codes[t] = codes{serviceCode, categoryCode}
	}
}

// defaultCodes are the codes used unless WithCodes says otherwise.
func defaultCodes() map[IssueType]codes {
	return map[IssueType]codes{Technical: {"general-info", "using-aws"}}
}

// Escalate implements support.Escalator: it opens a case with AWS Support in
// the case's account (P-4) with its subject, body, severity, copied addresses
// and language (ja or en), as a technical case or, for account_billing, a
// customer-service one. A body longer than AWS's MaxBodyLen is cut, ending
// with a note naming the desk's case, which holds the whole text. The
// Escalation has the AWS case id and display id; support.Service sets when
// and by whom. Errors are CreateCase's.
func (c *Client) Escalate(ctx context.Context, sc support.Case) (support.Escalation, error) {
	in := c.caseInput(sc)
	ref, err := c.CreateCase(ctx, sc.AccountID, in)
	if err != nil {
		return support.Escalation{}, err
	}
	return support.Escalation{AWSCaseID: ref.CaseID, DisplayID: ref.DisplayID}, nil
}

// caseInput is the AWS case for the desk's case sc.
func (c *Client) caseInput(sc support.Case) CaseInput {
	in := CaseInput{Subject: sc.Subject, Body: sc.Body, Severity: Severity(sc.Severity), IssueType: Technical, CC: sc.CC}
	if sc.Category == support.AccountBilling {
		in.IssueType = CustomerService
	}
	if l := Language(sc.Language); l.check("language") == nil {
		in.Language = l
	}
	code := c.codes[in.IssueType]
	in.ServiceCode, in.CategoryCode = code.service, code.category
	if utf8.RuneCountInString(in.Body) > MaxBodyLen {
		note := fmt.Sprintf("\n\n[… cut at %d characters; the whole text is in the reseller's case %s]", MaxBodyLen, sc.ID)
		keep := MaxBodyLen - utf8.RuneCountInString(note)
		n := 0
		for i := range in.Body {
			if n == keep {
				in.Body = in.Body[:i] + note
				break
			}
			n++
		}
	}
	return in
}
