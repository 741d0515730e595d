package awsiam

import (
	"context"
	"net/url"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"
)

// fakeAPI is IAM of one account in memory. Errors are the SDK's own types,
// wrapped the way the SDK wraps them (*smithy.OperationError).
type fakeAPI struct {
	mu       sync.Mutex
	summary  map[string]int32
	policy   *types.PasswordPolicy
	roles    map[string]*types.Role
	attached map[string][]string
	pageSize int              // attached policies per page (0: all)
	raced    *types.Role      // a role another run creates just before our CreateRole
	errs     map[string]error // per operation, returned on every call
	calls    []string

	updates   []iam.UpdateAccountPasswordPolicyInput
	creates   []iam.CreateRoleInput
	trusts    []iam.UpdateAssumeRolePolicyInput
	attaches  []iam.AttachRolePolicyInput
	listCalls []iam.ListAttachedRolePoliciesInput
}

func newFake() *fakeAPI {
	return &fakeAPI{summary: map[string]int32{}, roles: map[string]*types.Role{}, attached: map[string][]string{}, errs: map[string]error{}}
}

func opErr(op string, err error) error {
	return &smithy.OperationError{ServiceID: "IAM", OperationName: op, Err: err}
}

func (f *fakeAPI) begin(op string) error {
	f.calls = append(f.calls, op)
	if err := f.errs[op]; err != nil {
		return opErr(op, err)
	}
	return nil
}

// rfc3986 URL-encodes doc the way IAM returns policy documents.
func rfc3986(doc string) string { return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20") }

func noSuchEntity(msg string) error {
	return &types.NoSuchEntityException{Message: aws.String(msg)}
}

func (f *fakeAPI) GetAccountSummary(_ context.Context, _ *iam.GetAccountSummaryInput, _ ...func(*iam.Options)) (*iam.GetAccountSummaryOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("GetAccountSummary"); err != nil {
		return nil, err
	}
	m := map[string]int32{"Users": 3, "Roles": 12}
	for k, v := range f.summary {
		m[k] = v
	}
	return &iam.GetAccountSummaryOutput{SummaryMap: m}, nil
}

func (f *fakeAPI) GetAccountPasswordPolicy(_ context.Context, _ *iam.GetAccountPasswordPolicyInput, _ ...func(*iam.Options)) (*iam.GetAccountPasswordPolicyOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("GetAccountPasswordPolicy"); err != nil {
		return nil, err
	}
	if f.policy == nil {
		return nil, opErr("GetAccountPasswordPolicy", noSuchEntity("The Password Policy with domain name 111122223333 cannot be found."))
	}
	p := *f.policy
	return &iam.GetAccountPasswordPolicyOutput{PasswordPolicy: &p}, nil
}

func (f *fakeAPI) UpdateAccountPasswordPolicy(_ context.Context, in *iam.UpdateAccountPasswordPolicyInput, _ ...func(*iam.Options)) (*iam.UpdateAccountPasswordPolicyOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.updates = append(f.updates, *in)
	if err := f.begin("UpdateAccountPasswordPolicy"); err != nil {
		return nil, err
	}
	f.policy = &types.PasswordPolicy{
		AllowUsersToChangePassword: in.AllowUsersToChangePassword, HardExpiry: in.HardExpiry,
		MaxPasswordAge: in.MaxPasswordAge, ExpirePasswords: aws.ToInt32(in.MaxPasswordAge) > 0,
		MinimumPasswordLength: in.MinimumPasswordLength, PasswordReusePrevention: in.PasswordReusePrevention,
		RequireLowercaseCharacters: in.RequireLowercaseCharacters, RequireNumbers: in.RequireNumbers,
		RequireSymbols: in.RequireSymbols, RequireUppercaseCharacters: in.RequireUppercaseCharacters,
	}
	return &iam.UpdateAccountPasswordPolicyOutput{}, nil
}

func (f *fakeAPI) GetRole(_ context.Context, in *iam.GetRoleInput, _ ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("GetRole"); err != nil {
		return nil, err
	}
	r, ok := f.roles[aws.ToString(in.RoleName)]
	if !ok {
		return nil, opErr("GetRole", noSuchEntity("The role with name "+aws.ToString(in.RoleName)+" cannot be found."))
	}
	cp := *r
	cp.AssumeRolePolicyDocument = aws.String(rfc3986(aws.ToString(r.AssumeRolePolicyDocument)))
	return &iam.GetRoleOutput{Role: &cp}, nil
}

func (f *fakeAPI) ListAttachedRolePolicies(_ context.Context, in *iam.ListAttachedRolePoliciesInput, _ ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.listCalls = append(f.listCalls, *in)
	if err := f.begin("ListAttachedRolePolicies"); err != nil {
		return nil, err
	}
	all := f.attached[aws.ToString(in.RoleName)]
	start := 0
	if in.Marker != nil {
		start = int((*in.Marker)[0] - '0')
	}
	end := len(all)
	if f.pageSize > 0 && start+f.pageSize < end {
		end = start + f.pageSize
	}
	out := &iam.ListAttachedRolePoliciesOutput{}
	for _, arn := range all[start:end] {
		out.AttachedPolicies = append(out.AttachedPolicies, types.AttachedPolicy{PolicyArn: aws.String(arn), PolicyName: aws.String(arn[strings.LastIndex(arn, "/")+1:])})
	}
	if end < len(all) {
		out.IsTruncated, out.Marker = true, aws.String(string(rune('0'+end)))
	}
	return out, nil
}

func (f *fakeAPI) CreateRole(_ context.Context, in *iam.CreateRoleInput, _ ...func(*iam.Options)) (*iam.CreateRoleOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.creates = append(f.creates, *in)
	if err := f.begin("CreateRole"); err != nil {
		return nil, err
	}
	if f.raced != nil {
		f.roles[aws.ToString(f.raced.RoleName)], f.raced = f.raced, nil
	}
	if _, ok := f.roles[aws.ToString(in.RoleName)]; ok {
		return nil, opErr("CreateRole", &types.EntityAlreadyExistsException{Message: aws.String("Role with name " + aws.ToString(in.RoleName) + " already exists.")})
	}
	r := role(aws.ToString(in.RoleName), aws.ToString(in.AssumeRolePolicyDocument))
	r.Description = in.Description
	f.roles[aws.ToString(in.RoleName)] = r
	return &iam.CreateRoleOutput{Role: r}, nil
}

func (f *fakeAPI) UpdateAssumeRolePolicy(_ context.Context, in *iam.UpdateAssumeRolePolicyInput, _ ...func(*iam.Options)) (*iam.UpdateAssumeRolePolicyOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.trusts = append(f.trusts, *in)
	if err := f.begin("UpdateAssumeRolePolicy"); err != nil {
		return nil, err
	}
	r, ok := f.roles[aws.ToString(in.RoleName)]
	if !ok {
		return nil, opErr("UpdateAssumeRolePolicy", noSuchEntity("no role"))
	}
	r.AssumeRolePolicyDocument = in.PolicyDocument
	return &iam.UpdateAssumeRolePolicyOutput{}, nil
}

func (f *fakeAPI) AttachRolePolicy(_ context.Context, in *iam.AttachRolePolicyInput, _ ...func(*iam.Options)) (*iam.AttachRolePolicyOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.attaches = append(f.attaches, *in)
	if err := f.begin("AttachRolePolicy"); err != nil {
		return nil, err
	}
	name := aws.ToString(in.RoleName)
	if _, ok := f.roles[name]; !ok {
		return nil, opErr("AttachRolePolicy", noSuchEntity("no role"))
	}
	for _, a := range f.attached[name] {
		if a == aws.ToString(in.PolicyArn) {
			return &iam.AttachRolePolicyOutput{}, nil
		}
	}
	f.attached[name] = append(f.attached[name], aws.ToString(in.PolicyArn))
	return &iam.AttachRolePolicyOutput{}, nil
}

// role is a role as IAM keeps it, with its trust policy not encoded.
func role(name, trust string) *types.Role {
	return &types.Role{RoleName: aws.String(name), Path: aws.String("/"), RoleId: aws.String("AROAEXAMPLE"),
		Arn: aws.String("arn:aws:iam::111122223333:role/" + name), AssumeRolePolicyDocument: aws.String(trust)}
}

func (f *fakeAPI) rootMFA() *RootMFA {
	return &RootMFA{client: func(context.Context, string, string) (summaryAPI, error) { return f, nil }}
}

func (f *fakeAPI) passwordPolicy(p Policy) *PasswordPolicy {
	return &PasswordPolicy{client: func(context.Context, string, string) (passwordAPI, error) { return f, nil }, want: p}
}

func (f *fakeAPI) supportRole(principal string, opts ...RoleOption) *SupportRole {
	return newSupportRole(func(context.Context, string, string) (roleAPI, error) { return f, nil }, principal, opts...)
}
