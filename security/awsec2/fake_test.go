package awsec2

import (
	"context"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
)

// fakeEC2 is a stateful fake of api: the writes change what the reads return, so
// a second Repair sees the first one's effect. errs[op] makes operation op fail.
type fakeEC2 struct {
	mu     sync.Mutex
	ebs    bool
	imds   *types.InstanceMetadataDefaultsResponse
	groups []types.SecurityGroup
	// pageSize splits DescribeSecurityGroups' answer into pages (0: one page).
	pageSize int
	// enis counts the network interfaces using each group, by group id.
	enis map[string]int
	errs map[string]error

	calls      []string
	regions    []string
	describeIn []*ec2.DescribeSecurityGroupsInput
	modifyIn   []*ec2.ModifyInstanceMetadataDefaultsInput
	ingressIn  []*ec2.RevokeSecurityGroupIngressInput
	egressIn   []*ec2.RevokeSecurityGroupEgressInput
}

var _ api = (*fakeEC2)(nil)

// clients returns the fake as every account's and region's client, recording the
// region asked for.
func (f *fakeEC2) clients() clients {
	return func(_ context.Context, _, region string) (api, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.regions = append(f.regions, region)
		return f, nil
	}
}

// call records op and returns the error set for it, or for it on group (key
// "op group-id").
func (f *fakeEC2) call(op string, group ...*string) error {
	f.calls = append(f.calls, op)
	if len(group) > 0 {
		if err := f.errs[op+" "+aws.ToString(group[0])]; err != nil {
			return err
		}
	}
	return f.errs[op]
}

func (f *fakeEC2) writes() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var w []string
	for _, c := range f.calls {
		if !slices.Contains([]string{"GetEbsEncryptionByDefault", "GetInstanceMetadataDefaults", "DescribeSecurityGroups", "DescribeNetworkInterfaces"}, c) {
			w = append(w, c)
		}
	}
	return w
}

func (f *fakeEC2) GetEbsEncryptionByDefault(_ context.Context, _ *ec2.GetEbsEncryptionByDefaultInput, _ ...func(*ec2.Options)) (*ec2.GetEbsEncryptionByDefaultOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("GetEbsEncryptionByDefault"); err != nil {
		return nil, err
	}
	return &ec2.GetEbsEncryptionByDefaultOutput{EbsEncryptionByDefault: aws.Bool(f.ebs), SseType: types.SSETypeSseEbs}, nil
}

func (f *fakeEC2) EnableEbsEncryptionByDefault(_ context.Context, _ *ec2.EnableEbsEncryptionByDefaultInput, _ ...func(*ec2.Options)) (*ec2.EnableEbsEncryptionByDefaultOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("EnableEbsEncryptionByDefault"); err != nil {
		return nil, err
	}
	f.ebs = true
	return &ec2.EnableEbsEncryptionByDefaultOutput{EbsEncryptionByDefault: aws.Bool(true)}, nil
}

func (f *fakeEC2) GetInstanceMetadataDefaults(_ context.Context, _ *ec2.GetInstanceMetadataDefaultsInput, _ ...func(*ec2.Options)) (*ec2.GetInstanceMetadataDefaultsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("GetInstanceMetadataDefaults"); err != nil {
		return nil, err
	}
	out := &ec2.GetInstanceMetadataDefaultsOutput{}
	if f.imds != nil {
		d := *f.imds
		out.AccountLevel = &d
	}
	return out, nil
}

func (f *fakeEC2) ModifyInstanceMetadataDefaults(_ context.Context, in *ec2.ModifyInstanceMetadataDefaultsInput, _ ...func(*ec2.Options)) (*ec2.ModifyInstanceMetadataDefaultsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.modifyIn = append(f.modifyIn, in)
	if err := f.call("ModifyInstanceMetadataDefaults"); err != nil {
		return nil, err
	}
	if f.imds == nil {
		f.imds = &types.InstanceMetadataDefaultsResponse{ManagedBy: types.ManagedByAccount}
	}
	if in.HttpTokens != "" {
		f.imds.HttpTokens = types.HttpTokensState(in.HttpTokens)
	}
	return &ec2.ModifyInstanceMetadataDefaultsOutput{Return: aws.Bool(true)}, nil
}

func (f *fakeEC2) DescribeSecurityGroups(_ context.Context, in *ec2.DescribeSecurityGroupsInput, _ ...func(*ec2.Options)) (*ec2.DescribeSecurityGroupsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.describeIn = append(f.describeIn, in)
	if err := f.call("DescribeSecurityGroups"); err != nil {
		return nil, err
	}
	start := 0
	if in.NextToken != nil {
		start = int(aws.ToString(in.NextToken)[0] - '0')
	}
	end := len(f.groups)
	if f.pageSize > 0 {
		end = min(end, start+f.pageSize)
	}
	out := &ec2.DescribeSecurityGroupsOutput{}
	for _, g := range f.groups[start:end] {
		g.IpPermissions = slices.Clone(g.IpPermissions)
		g.IpPermissionsEgress = slices.Clone(g.IpPermissionsEgress)
		out.SecurityGroups = append(out.SecurityGroups, g)
	}
	if end < len(f.groups) {
		out.NextToken = aws.String(string(rune('0' + end)))
	}
	return out, nil
}

func (f *fakeEC2) group(id *string) *types.SecurityGroup {
	for i := range f.groups {
		if aws.ToString(f.groups[i].GroupId) == aws.ToString(id) {
			return &f.groups[i]
		}
	}
	return nil
}

func (f *fakeEC2) RevokeSecurityGroupIngress(_ context.Context, in *ec2.RevokeSecurityGroupIngressInput, _ ...func(*ec2.Options)) (*ec2.RevokeSecurityGroupIngressOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ingressIn = append(f.ingressIn, in)
	if err := f.call("RevokeSecurityGroupIngress", in.GroupId); err != nil {
		return nil, err
	}
	g := f.group(in.GroupId)
	if g == nil {
		return nil, apiErr("InvalidGroup.NotFound")
	}
	g.IpPermissions = nil
	return &ec2.RevokeSecurityGroupIngressOutput{Return: aws.Bool(true)}, nil
}

func (f *fakeEC2) RevokeSecurityGroupEgress(_ context.Context, in *ec2.RevokeSecurityGroupEgressInput, _ ...func(*ec2.Options)) (*ec2.RevokeSecurityGroupEgressOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.egressIn = append(f.egressIn, in)
	if err := f.call("RevokeSecurityGroupEgress", in.GroupId); err != nil {
		return nil, err
	}
	g := f.group(in.GroupId)
	if g == nil {
		return nil, apiErr("InvalidGroup.NotFound")
	}
	g.IpPermissionsEgress = nil
	return &ec2.RevokeSecurityGroupEgressOutput{Return: aws.Bool(true)}, nil
}

// apiErr is an EC2 error as the SDK returns it: the API error with code, inside
// the operation error.
func apiErr(code string) error {
	return &smithy.OperationError{ServiceID: "EC2", OperationName: "Test",
		Err: &smithy.GenericAPIError{Code: code, Message: code + " (fake)", Fault: smithy.FaultClient}}
}

func (f *fakeEC2) DescribeNetworkInterfaces(_ context.Context, in *ec2.DescribeNetworkInterfacesInput, _ ...func(*ec2.Options)) (*ec2.DescribeNetworkInterfacesOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("DescribeNetworkInterfaces"); err != nil {
		return nil, err
	}
	out := &ec2.DescribeNetworkInterfacesOutput{}
	for _, flt := range in.Filters {
		if aws.ToString(flt.Name) == "group-id" {
			for _, id := range flt.Values {
				for range f.enis[id] {
					out.NetworkInterfaces = append(out.NetworkInterfaces, types.NetworkInterface{NetworkInterfaceId: aws.String("eni-" + id)})
				}
			}
		}
	}
	return out, nil
}
