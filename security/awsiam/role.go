package awsiam

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
)

// DefaultRoleName is the support escalation role's name (P-4, seed 003).
const DefaultRoleName = "KKASupportRole"

// SupportPolicyARN is the AWS managed policy attached to the support role.
const SupportPolicyARN = "arn:aws:iam::aws:policy/AWSSupportAccess"

// trustSid is the Sid of the trust statement Repair writes.
const trustSid = "ResellerSupportEscalation"

// roleDescription is the description of the role Repair creates (IAM allows
// only Latin-1 characters).
const roleDescription = "Lets the reseller open AWS Support cases for this account (resellerkit, P-4). Keep it even when unused."

// roleAPI lists the only IAM operations SupportRole calls.
type roleAPI interface {
	GetRole(ctx context.Context, in *iam.GetRoleInput, optFns ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	ListAttachedRolePolicies(ctx context.Context, in *iam.ListAttachedRolePoliciesInput, optFns ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error)
	CreateRole(ctx context.Context, in *iam.CreateRoleInput, optFns ...func(*iam.Options)) (*iam.CreateRoleOutput, error)
	UpdateAssumeRolePolicy(ctx context.Context, in *iam.UpdateAssumeRolePolicyInput, optFns ...func(*iam.Options)) (*iam.UpdateAssumeRolePolicyOutput, error)
	AttachRolePolicy(ctx context.Context, in *iam.AttachRolePolicyInput, optFns ...func(*iam.Options)) (*iam.AttachRolePolicyOutput, error)
}

var _ roleAPI = (*iam.Client)(nil)

// SupportRole is the security.Check of security.SupportRole. Build one with
// NewSupportRole; it is safe for concurrent use.
type SupportRole struct {
	client    clientFunc[roleAPI]
	principal string // as configured
	name      string
}

var _ security.Check = (*SupportRole)(nil)

// RoleOption configures a SupportRole.
type RoleOption func(*SupportRole)

// WithRoleName sets the role's name (default DefaultRoleName). An empty name
// keeps the default.
func WithRoleName(name string) RoleOption {
	return func(c *SupportRole) {
		if name != "" {
			c.name = name
		}
	}
}

// NewSupportRole returns the SupportRole check calling IAM in each account with
// the configuration sessions gives. principal is who may assume the role: the
// reseller's AWS account id (12 digits, standing for
// "arn:aws:iam::<id>:root") or an IAM ARN (a role of the reseller's support
// desk). An invalid principal fails every Observe and Repair with an error
// wrapping security.ErrInvalid.
func NewSupportRole(sessions awsfleet.Sessions, principal string, opts ...RoleOption) *SupportRole {
	return newSupportRole(as[roleAPI](iamClient(sessions)), principal, opts...)
}

func newSupportRole(client clientFunc[roleAPI], principal string, opts ...RoleOption) *SupportRole {
	c := &SupportRole{client: client, principal: principal, name: DefaultRoleName}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Control returns security.SupportRole.
func (c *SupportRole) Control() security.ControlID { return security.SupportRole }

// roleState is what was seen of the role.
type roleState struct {
	api      roleAPI
	role     *types.Role // nil: missing
	trusted  bool
	attached bool
}

// Observe reports the control compliant when the role exists, trusts the
// principal and has AWSSupportAccess attached.
func (c *SupportRole) Observe(ctx context.Context, account, region string) (security.Observation, error) {
	st, err := c.read(ctx, account, region)
	if err != nil {
		return security.Observation{}, err
	}
	return c.observation(st), nil
}

func (c *SupportRole) observation(st roleState) security.Observation {
	if st.role == nil {
		return security.Observation{Detail: fmt.Sprintf("role %s missing", c.name)}
	}
	principal, _ := normalize(c.principal)
	var short []string
	if !st.trusted {
		short = append(short, "its trust policy does not allow "+principal)
	}
	if !st.attached {
		short = append(short, "AWSSupportAccess not attached")
	}
	if len(short) > 0 {
		return security.Observation{Detail: fmt.Sprintf("role %s: %s", c.name, strings.Join(short, "; "))}
	}
	return security.Observation{Compliant: true, Detail: fmt.Sprintf("role %s trusts %s, AWSSupportAccess attached", c.name, principal)}
}

// Repair creates the role when missing, adds the principal to its trust policy
// when absent, and attaches AWSSupportAccess when it is not. A role created
// meanwhile (EntityAlreadyExists: another run, or someone else) is read again and
// repaired as it is, never assumed to trust the principal.
func (c *SupportRole) Repair(ctx context.Context, account, region string) (string, error) {
	return c.repair(ctx, account, region, true)
}

func (c *SupportRole) repair(ctx context.Context, account, region string, again bool) (string, error) {
	st, err := c.read(ctx, account, region)
	if err != nil {
		return "", err
	}
	if obs := c.observation(st); obs.Compliant {
		return "nothing to do: " + obs.Detail, nil
	}
	principal, _ := normalize(c.principal)
	var did []string
	switch {
	case st.role == nil:
		doc, err := json.Marshal(trustPolicy(principal))
		if err != nil {
			return "", err
		}
		_, err = st.api.CreateRole(ctx, &iam.CreateRoleInput{
			RoleName:                 aws.String(c.name),
			AssumeRolePolicyDocument: aws.String(string(doc)),
			Description:              aws.String(roleDescription),
		})
		var exists *types.EntityAlreadyExistsException
		switch {
		case errors.As(err, &exists) && again:
			rest, err := c.repair(ctx, account, region, false)
			return fmt.Sprintf("role %s already exists; %s", c.name, rest), err
		case errors.As(err, &exists):
			return "", fmt.Errorf("role %s exists but cannot be read yet (IAM is eventually consistent): the next run repairs it: %w", c.name, awsfleet.Map(err))
		case err != nil:
			return "", fmt.Errorf("creating role %s: %w", c.name, awsfleet.Map(err))
		default:
			did = append(did, fmt.Sprintf("created role %s trusting %s", c.name, principal))
		}
	case !st.trusted:
		doc, err := addTrust(aws.ToString(st.role.AssumeRolePolicyDocument), principal)
		if err != nil {
			return "", fmt.Errorf("role %s: %w", c.name, err)
		}
		_, err = st.api.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(c.name), PolicyDocument: aws.String(doc)})
		if err != nil {
			return "", fmt.Errorf("updating the trust policy of role %s: %w", c.name, awsfleet.Map(err))
		}
		did = append(did, fmt.Sprintf("allowed %s in the trust policy of role %s", principal, c.name))
	}
	if !st.attached {
		_, err := st.api.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(c.name), PolicyArn: aws.String(SupportPolicyARN)})
		if err != nil {
			return "", fmt.Errorf("attaching AWSSupportAccess to role %s: %w", c.name, awsfleet.Map(err))
		}
		did = append(did, "attached AWSSupportAccess")
	}
	return strings.Join(did, "; "), nil
}

// read reads the role, whether it trusts the principal and whether the policy
// is attached.
func (c *SupportRole) read(ctx context.Context, account, region string) (roleState, error) {
	principal, err := normalize(c.principal)
	if err != nil {
		return roleState{}, err
	}
	api, err := c.client(ctx, account, region)
	if err != nil {
		return roleState{}, awsfleet.Map(err)
	}
	st := roleState{api: api}
	out, err := api.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(c.name)})
	var missing *types.NoSuchEntityException
	switch {
	case errors.As(err, &missing):
		return st, nil
	case err != nil:
		return roleState{}, fmt.Errorf("getting role %s: %w", c.name, awsfleet.Map(err))
	}
	st.role = out.Role
	st.trusted = trusts(aws.ToString(out.Role.AssumeRolePolicyDocument), principal)
	var marker *string
	for {
		page, err := api.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(c.name), Marker: marker})
		if err != nil {
			return roleState{}, fmt.Errorf("listing the policies of role %s: %w", c.name, awsfleet.Map(err))
		}
		for _, p := range page.AttachedPolicies {
			if aws.ToString(p.PolicyArn) == SupportPolicyARN {
				st.attached = true
			}
		}
		if st.attached || !page.IsTruncated || aws.ToString(page.Marker) == "" {
			return st, nil
		}
		marker = page.Marker
	}
}

// normalize returns the principal as an ARN: an account id stands for its
// root.
func normalize(principal string) (string, error) {
	switch {
	case isAccountID(principal):
		return "arn:aws:iam::" + principal + ":root", nil
	case strings.HasPrefix(principal, "arn:") && strings.Count(principal, ":") >= 5:
		return principal, nil
	}
	return "", resellerkit.Invalid(security.ErrInvalid, "principal", principal, "P-4",
		"the reseller principal of the support role must be a 12-digit AWS account id or an IAM ARN")
}

func isAccountID(s string) bool {
	return len(s) == 12 && strings.Trim(s, "0123456789") == ""
}

// The shapes of an IAM policy document, as far as this package reads and
// writes them.
type (
	policyDocument struct {
		Version   string      `json:"Version"`
		Statement []statement `json:"Statement"`
	}
	statement struct {
		Sid       string              `json:"Sid,omitempty"`
		Effect    string              `json:"Effect"`
		Principal map[string][]string `json:"Principal"`
		Action    []string            `json:"Action"`
	}
)

// trustPolicy is the trust policy letting principal assume the role.
func trustPolicy(principal string) policyDocument {
	return policyDocument{Version: "2012-10-17", Statement: []statement{trustStatement(principal)}}
}

func trustStatement(principal string) statement {
	return statement{Sid: trustSid, Effect: "Allow", Principal: map[string][]string{"AWS": {principal}}, Action: []string{"sts:AssumeRole"}}
}

// decodeDocument decodes a policy document as GetRole returns it (URL-encoded
// JSON) into its top-level members, with Statement as a list of raw statements
// (a lone statement object becomes a list of one).
func decodeDocument(doc string) (map[string]json.RawMessage, []json.RawMessage, error) {
	if s, err := url.PathUnescape(doc); err == nil {
		doc = s
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal([]byte(doc), &top); err != nil {
		return nil, nil, fmt.Errorf("decoding the trust policy: %w", err)
	}
	raw := bytes.TrimSpace(top["Statement"])
	var stmts []json.RawMessage
	switch {
	case len(raw) == 0:
	case raw[0] == '[':
		if err := json.Unmarshal(raw, &stmts); err != nil {
			return nil, nil, fmt.Errorf("decoding the trust policy's statements: %w", err)
		}
	default:
		stmts = []json.RawMessage{raw}
	}
	return top, stmts, nil
}

// trusts reports whether the trust policy doc has a statement allowing
// principal sts:AssumeRole (whatever its conditions).
func trusts(doc, principal string) bool {
	_, stmts, err := decodeDocument(doc)
	if err != nil {
		return false
	}
	for _, raw := range stmts {
		var s struct {
			Effect    string
			Principal json.RawMessage
			Action    stringList
		}
		if json.Unmarshal(raw, &s) != nil || s.Effect != "Allow" {
			continue
		}
		var p map[string]stringList
		if json.Unmarshal(s.Principal, &p) != nil {
			continue // "*" or malformed: not an explicit grant
		}
		if !anyMatch(s.Action, func(a string) bool {
			a = strings.ToLower(a)
			return a == "sts:assumerole" || a == "sts:*" || a == "*"
		}) {
			continue
		}
		if anyMatch(p["AWS"], func(a string) bool {
			if isAccountID(a) {
				a = "arn:aws:iam::" + a + ":root"
			}
			return a == principal
		}) {
			return true
		}
	}
	return false
}

// addTrust returns the trust policy doc with a statement allowing principal
// added, every other member and statement kept as it was. IAM wants each Sid
// of a policy unique: when trustSid is taken (by a statement trusting another
// principal), the statement added is trustSid followed by the first number
// from 2 not taken.
func addTrust(doc, principal string) (string, error) {
	top, stmts, err := decodeDocument(doc)
	if err != nil {
		return "", err
	}
	taken := map[string]bool{}
	for _, raw := range stmts {
		var s struct{ Sid string }
		if json.Unmarshal(raw, &s) == nil {
			taken[s.Sid] = true
		}
	}
	st := trustStatement(principal)
	for n := 2; taken[st.Sid]; n++ {
		st.Sid = fmt.Sprintf("%s%d", trustSid, n)
	}
	ours, err := json.Marshal(st)
	if err != nil {
		return "", err
	}
	if top["Statement"], err = json.Marshal(append(stmts, ours)); err != nil {
		return "", err
	}
	if _, ok := top["Version"]; !ok {
		top["Version"] = json.RawMessage(`"2012-10-17"`)
	}
	out, err := json.Marshal(top)
	return string(out), err
}

// stringList is a policy element that is a string or a list of strings.
type stringList []string

// UnmarshalJSON accepts "a" or ["a", "b"].
func (l *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = stringList{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*l = many
	return nil
}

func anyMatch(l []string, f func(string) bool) bool {
	for _, s := range l {
		if f(s) {
			return true
		}
	}
	return false
}
