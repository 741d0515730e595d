package awsec2

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
)

const (
	acct   = "123456789012"
	region = "ap-northeast-1"
)

func TestControls(t *testing.T) {
	s := awsfleet.Static(aws.Config{Region: region})
	checks := Checks(s)
	var ids []security.ControlID
	for _, c := range checks {
		ids = append(ids, c.Control())
		ctl, ok := security.Lookup(c.Control())
		require.True(t, ok)
		assert.True(t, ctl.PerRegion, "%s is regional", ctl.ID)
		assert.Equal(t, security.RepairByAPI, ctl.Remedy)
	}
	assert.Equal(t, []security.ControlID{security.EBSDefaultEncryption, security.IMDSv2Default, security.DefaultSGClosed}, ids)
}

func TestEBSDefaultEncryption(t *testing.T) {
	ctx := context.Background()
	t.Run("S-3/compliant", func(t *testing.T) {
		f := &fakeEC2{ebs: true}
		obs, err := newEBSDefaultEncryption(f.clients()).Observe(ctx, acct, region)
		require.NoError(t, err)
		assert.Equal(t, security.Observation{Compliant: true, Detail: "EBS encryption by default is on"}, obs)
		assert.Equal(t, []string{region}, f.regions)
	})
	t.Run("S-3/drift", func(t *testing.T) {
		f := &fakeEC2{}
		obs, err := newEBSDefaultEncryption(f.clients()).Observe(ctx, acct, region)
		require.NoError(t, err)
		assert.Equal(t, security.Observation{Detail: "EBS encryption by default is off"}, obs)
		assert.Empty(t, f.writes())
	})
	t.Run("S-3/repair then idempotent", func(t *testing.T) {
		f := &fakeEC2{}
		c := newEBSDefaultEncryption(f.clients())
		did, err := c.Repair(ctx, acct, region)
		require.NoError(t, err)
		assert.Equal(t, "turned EBS encryption by default on", did)
		assert.Equal(t, []string{"EnableEbsEncryptionByDefault"}, f.writes())

		did, err = c.Repair(ctx, acct, region)
		require.NoError(t, err)
		assert.Equal(t, "EBS encryption by default already on", did)
		assert.Equal(t, []string{"EnableEbsEncryptionByDefault"}, f.writes(), "no second write")
		obs, err := c.Observe(ctx, acct, region)
		require.NoError(t, err)
		assert.True(t, obs.Compliant)
	})
}

func TestIMDSv2Default(t *testing.T) {
	ctx := context.Background()
	observe := []struct {
		name string
		imds *types.InstanceMetadataDefaultsResponse
		want security.Observation
	}{
		{"S-3/compliant", &types.InstanceMetadataDefaultsResponse{HttpTokens: types.HttpTokensStateRequired, ManagedBy: types.ManagedByAccount},
			security.Observation{Compliant: true, Detail: "instance metadata default HttpTokens is required (IMDSv2 only)"}},
		{"S-3/drift optional", &types.InstanceMetadataDefaultsResponse{HttpTokens: types.HttpTokensStateOptional, HttpPutResponseHopLimit: aws.Int32(2)},
			security.Observation{Detail: "instance metadata default HttpTokens is optional"}},
		{"S-3/drift no defaults", nil,
			security.Observation{Detail: "no instance metadata default for HttpTokens (each AMI's or launch's setting applies)"}},
		{"S-3/drift no preference", &types.InstanceMetadataDefaultsResponse{HttpTokens: "no-preference"},
			security.Observation{Detail: "instance metadata default HttpTokens is no-preference"}},
		{"S-3/declarative policy", &types.InstanceMetadataDefaultsResponse{HttpTokens: types.HttpTokensStateOptional,
			ManagedBy: types.ManagedByDeclarativePolicy, ManagedExceptionMessage: aws.String("ask your administrator")},
			security.Observation{Detail: "instance metadata default HttpTokens is optional (managed by a declarative policy of the organization: ask your administrator)"}},
	}
	for _, tc := range observe {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeEC2{imds: tc.imds}
			obs, err := newIMDSv2Default(f.clients()).Observe(ctx, acct, region)
			require.NoError(t, err)
			assert.Equal(t, tc.want, obs)
			assert.Empty(t, f.writes())
		})
	}
	t.Run("S-3/repair then idempotent", func(t *testing.T) {
		hop := aws.Int32(2)
		f := &fakeEC2{imds: &types.InstanceMetadataDefaultsResponse{HttpTokens: types.HttpTokensStateOptional, HttpPutResponseHopLimit: hop, ManagedBy: types.ManagedByAccount}}
		c := newIMDSv2Default(f.clients())
		did, err := c.Repair(ctx, acct, region)
		require.NoError(t, err)
		assert.Equal(t, "set the instance metadata default HttpTokens to required", did)
		// Only HttpTokens is sent: the other defaults stay the account's.
		assert.Equal(t, []*ec2.ModifyInstanceMetadataDefaultsInput{{HttpTokens: types.MetadataDefaultHttpTokensStateRequired}}, f.modifyIn)

		did, err = c.Repair(ctx, acct, region)
		require.NoError(t, err)
		assert.Equal(t, "instance metadata default HttpTokens already required", did)
		assert.Len(t, f.modifyIn, 1, "no second write")
		assert.Equal(t, hop, f.imds.HttpPutResponseHopLimit)
	})
	t.Run("S-3/repair refused under a declarative policy", func(t *testing.T) {
		f := &fakeEC2{imds: &types.InstanceMetadataDefaultsResponse{HttpTokens: types.HttpTokensStateOptional, ManagedBy: types.ManagedByDeclarativePolicy}}
		_, err := newIMDSv2Default(f.clients()).Repair(ctx, acct, region)
		require.ErrorContains(t, err, "declarative policy")
		assert.Empty(t, f.writes())
	})
}

// defaultVPCGroup is a default security group as AWS creates it: all traffic in
// from the group itself, all out to the IPv4 and IPv6 internet.
func defaultVPCGroup(id, vpc string) types.SecurityGroup {
	return types.SecurityGroup{
		GroupId: aws.String(id), GroupName: aws.String("default"), VpcId: aws.String(vpc), OwnerId: aws.String(acct),
		Description: aws.String("default VPC security group"),
		IpPermissions: []types.IpPermission{{IpProtocol: aws.String("-1"),
			UserIdGroupPairs: []types.UserIdGroupPair{{GroupId: aws.String(id), UserId: aws.String(acct)}}}},
		IpPermissionsEgress: []types.IpPermission{{IpProtocol: aws.String("-1"),
			IpRanges:   []types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}},
			Ipv6Ranges: []types.Ipv6Range{{CidrIpv6: aws.String("::/0")}}}},
	}
}

func closedGroup(id, vpc string) types.SecurityGroup {
	return types.SecurityGroup{GroupId: aws.String(id), GroupName: aws.String("default"), VpcId: aws.String(vpc), OwnerId: aws.String(acct)}
}

func TestDefaultSGClosed(t *testing.T) {
	ctx := context.Background()
	sshOnly := closedGroup("sg-3", "vpc-3")
	sshOnly.IpPermissions = []types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22),
		IpRanges:      []types.IpRange{{CidrIp: aws.String("203.0.113.0/24"), Description: aws.String("office")}},
		PrefixListIds: []types.PrefixListId{{PrefixListId: aws.String("pl-1")}}}}
	observe := []struct {
		name     string
		groups   []types.SecurityGroup
		pageSize int
		want     security.Observation
	}{
		{"S-3/compliant", []types.SecurityGroup{closedGroup("sg-1", "vpc-1"), closedGroup("sg-2", "vpc-2")}, 0,
			security.Observation{Compliant: true, Detail: "2 default security groups closed"}},
		{"S-3/compliant without VPC", nil, 0,
			security.Observation{Compliant: true, Detail: "no default security group (no VPC in the region)"}},
		{"S-3/drift", []types.SecurityGroup{closedGroup("sg-1", "vpc-1"), defaultVPCGroup("sg-2", "vpc-2")}, 0,
			security.Observation{Detail: "rules in 1 of 2 default security groups: sg-2 (vpc-2): 1 ingress rule and 2 egress rules"}},
		{"S-3/drift on every page", []types.SecurityGroup{defaultVPCGroup("sg-1", "vpc-1"), closedGroup("sg-2", "vpc-2"), sshOnly}, 1,
			security.Observation{Detail: "rules in 2 of 3 default security groups: sg-1 (vpc-1): 1 ingress rule and 2 egress rules; sg-3 (vpc-3): 2 ingress rules"}},
	}
	for _, tc := range observe {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeEC2{groups: tc.groups, pageSize: tc.pageSize}
			obs, err := newDefaultSGClosed(f.clients()).Observe(ctx, acct, region)
			require.NoError(t, err)
			assert.Equal(t, tc.want, obs)
			assert.Empty(t, f.writes())
			require.NotEmpty(t, f.describeIn)
			assert.Equal(t, []types.Filter{{Name: aws.String("group-name"), Values: []string{"default"}}}, f.describeIn[0].Filters)
		})
	}

	t.Run("S-3/repair revokes exactly the rules present, then idempotent", func(t *testing.T) {
		open := defaultVPCGroup("sg-2", "vpc-2")
		f := &fakeEC2{groups: []types.SecurityGroup{closedGroup("sg-1", "vpc-1"), open, sshOnly}, pageSize: 2}
		c := newDefaultSGClosed(f.clients())
		did, err := c.Repair(ctx, acct, region)
		require.NoError(t, err)
		assert.Equal(t, "revoked 1 ingress rule and 2 egress rules of sg-2 (vpc-2); 2 ingress rules of sg-3 (vpc-3)", did)
		assert.Equal(t, []*ec2.RevokeSecurityGroupIngressInput{
			{GroupId: aws.String("sg-2"), IpPermissions: open.IpPermissions},
			{GroupId: aws.String("sg-3"), IpPermissions: sshOnly.IpPermissions},
		}, f.ingressIn)
		assert.Equal(t, []*ec2.RevokeSecurityGroupEgressInput{
			{GroupId: aws.String("sg-2"), IpPermissions: open.IpPermissionsEgress},
		}, f.egressIn, "sg-3 has no egress rule: no egress call")

		did, err = c.Repair(ctx, acct, region)
		require.NoError(t, err)
		assert.Equal(t, "default security groups already closed", did)
		assert.Len(t, f.writes(), 3, "no second write")
		obs, err := c.Observe(ctx, acct, region)
		require.NoError(t, err)
		assert.True(t, obs.Compliant)
	})

	for _, code := range []string{"InvalidPermission.NotFound", "InvalidGroup.NotFound"} {
		t.Run("S-3/repair of rules already gone: "+code, func(t *testing.T) {
			f := &fakeEC2{groups: []types.SecurityGroup{defaultVPCGroup("sg-1", "vpc-1")},
				errs: map[string]error{"RevokeSecurityGroupIngress": apiErr(code)}}
			did, err := newDefaultSGClosed(f.clients()).Repair(ctx, acct, region)
			require.NoError(t, err)
			assert.Equal(t, "revoked 2 egress rules of sg-1 (vpc-1)", did)
		})
	}

	t.Run("S-3/repair failing midway says what it did", func(t *testing.T) {
		f := &fakeEC2{groups: []types.SecurityGroup{defaultVPCGroup("sg-1", "vpc-1"), defaultVPCGroup("sg-2", "vpc-2"), defaultVPCGroup("sg-3", "vpc-3")},
			errs: map[string]error{"RevokeSecurityGroupEgress sg-2": apiErr("UnauthorizedOperation")}}
		did, err := newDefaultSGClosed(f.clients()).Repair(ctx, acct, region)
		require.ErrorIs(t, err, security.ErrAccessDenied)
		assert.ErrorContains(t, err, "RevokeSecurityGroupEgress sg-2")
		assert.Equal(t, "revoked 1 ingress rule and 2 egress rules of sg-1 (vpc-1); 1 ingress rule of sg-2 (vpc-2)", did)
		assert.Equal(t, []string{"RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress", "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress"},
			f.writes(), "sg-3 is left for the next run")
	})
}

// TestErrors checks that every call's AWS errors map to security's sentinels,
// with AWS's error kept in the chain.
func TestErrors(t *testing.T) {
	ctx := context.Background()
	codes := []struct {
		code string
		want error
	}{
		{"UnauthorizedOperation", security.ErrAccessDenied},
		{"AccessDenied", security.ErrAccessDenied},
		{"RequestLimitExceeded", security.ErrThrottled},
		{"Throttling", security.ErrThrottled},
		{"OptInRequired", security.ErrRegionDisabled},
		{"AuthFailure", security.ErrRegionDisabled},
		{"UnrecognizedClientException", security.ErrRegionDisabled},
		{"InvalidParameterValue", nil},
	}
	ops := []struct {
		op     string
		repair bool
		fake   func() *fakeEC2
		check  func(clients) security.Check
	}{
		{"GetEbsEncryptionByDefault", false, func() *fakeEC2 { return &fakeEC2{} }, func(c clients) security.Check { return newEBSDefaultEncryption(c) }},
		{"GetEbsEncryptionByDefault", true, func() *fakeEC2 { return &fakeEC2{} }, func(c clients) security.Check { return newEBSDefaultEncryption(c) }},
		{"EnableEbsEncryptionByDefault", true, func() *fakeEC2 { return &fakeEC2{} }, func(c clients) security.Check { return newEBSDefaultEncryption(c) }},
		{"GetInstanceMetadataDefaults", false, func() *fakeEC2 { return &fakeEC2{} }, func(c clients) security.Check { return newIMDSv2Default(c) }},
		{"GetInstanceMetadataDefaults", true, func() *fakeEC2 { return &fakeEC2{} }, func(c clients) security.Check { return newIMDSv2Default(c) }},
		{"ModifyInstanceMetadataDefaults", true, func() *fakeEC2 { return &fakeEC2{} }, func(c clients) security.Check { return newIMDSv2Default(c) }},
		{"DescribeSecurityGroups", false, func() *fakeEC2 { return &fakeEC2{} }, func(c clients) security.Check { return newDefaultSGClosed(c) }},
		{"DescribeSecurityGroups", true, func() *fakeEC2 { return &fakeEC2{} }, func(c clients) security.Check { return newDefaultSGClosed(c) }},
		{"RevokeSecurityGroupIngress", true, func() *fakeEC2 { return &fakeEC2{groups: []types.SecurityGroup{defaultVPCGroup("sg-1", "vpc-1")}} },
			func(c clients) security.Check { return newDefaultSGClosed(c) }},
		{"RevokeSecurityGroupEgress", true, func() *fakeEC2 { return &fakeEC2{groups: []types.SecurityGroup{defaultVPCGroup("sg-1", "vpc-1")}} },
			func(c clients) security.Check { return newDefaultSGClosed(c) }},
	}
	sentinels := []error{security.ErrAccessDenied, security.ErrThrottled, security.ErrRegionDisabled, security.ErrInvalid}
	for _, op := range ops {
		for _, tc := range codes {
			method := "Observe"
			if op.repair {
				method = "Repair"
			}
			t.Run(method+"/"+op.op+"/"+tc.code, func(t *testing.T) {
				f := op.fake()
				f.errs = map[string]error{op.op: apiErr(tc.code)}
				c := op.check(f.clients())
				var err error
				if op.repair {
					_, err = c.Repair(ctx, acct, region)
				} else {
					_, err = c.Observe(ctx, acct, region)
				}
				require.Error(t, err)
				assert.Contains(t, f.calls, op.op)
				for _, s := range sentinels {
					assert.Equal(t, s == tc.want, errors.Is(err, s), "errors.Is(%v, %v)", err, s)
				}
				var ae smithy.APIError
				require.ErrorAs(t, err, &ae, "AWS's error stays in the chain")
				assert.Equal(t, tc.code, ae.ErrorCode())
				assert.ErrorContains(t, err, acct)
				assert.ErrorContains(t, err, region)
			})
		}
	}
}

// failingSessions is awsfleet.Sessions failing as a role that cannot be assumed
// does.
type failingSessions struct{ err error }

func (s failingSessions) Config(context.Context, string, string) (aws.Config, error) {
	return aws.Config{}, s.err
}

func TestSessions(t *testing.T) {
	ctx := context.Background()
	t.Run("no region anywhere", func(t *testing.T) {
		for _, c := range Checks(awsfleet.Static(aws.Config{})) {
			_, err := c.Observe(ctx, acct, "")
			require.ErrorIs(t, err, security.ErrInvalid, c.Control())
			var ve *resellerkit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, "region", ve.Field)
			_, err = c.Repair(ctx, acct, "")
			require.ErrorIs(t, err, security.ErrInvalid, c.Control())
		}
	})
	t.Run("role not assumed", func(t *testing.T) {
		assume := &smithy.OperationError{ServiceID: "STS", OperationName: "AssumeRole",
			Err: &smithy.GenericAPIError{Code: "AccessDenied"}}
		for _, c := range Checks(failingSessions{assume}) {
			_, err := c.Observe(ctx, acct, region)
			require.ErrorIs(t, err, security.ErrAccessDenied, c.Control())
		}
	})
	t.Run("nil Sessions", func(t *testing.T) {
		assert.Panics(t, func() { NewEBSDefaultEncryption(nil) })
		assert.Panics(t, func() { NewIMDSv2Default(nil) })
		assert.Panics(t, func() { NewDefaultSGClosed(nil) })
	})
	t.Run("zero Check", func(t *testing.T) {
		assert.Panics(t, func() { _, _ = new(EBSDefaultEncryption).Observe(ctx, acct, region) })
	})
}

// S-3: a default group in use by a network interface is left open (closing it
// would cut off whatever uses it) and named in the error; the unused one is closed.
func TestDefaultSGClosed_InUseGroupKept(t *testing.T) {
	f := &fakeEC2{groups: []types.SecurityGroup{defaultVPCGroup("sg-1", "vpc-1"), defaultVPCGroup("sg-2", "vpc-2")},
		enis: map[string]int{"sg-2": 3}}
	detail, err := newDefaultSGClosed(f.clients()).Repair(context.Background(), acct, region)
	require.ErrorIs(t, err, security.ErrInvalid)
	assert.ErrorContains(t, err, "sg-2 (vpc-2)")
	assert.Contains(t, detail, "sg-1 (vpc-1)", "the unused group is closed")
	for _, in := range f.ingressIn {
		assert.NotEqual(t, "sg-2", aws.ToString(in.GroupId), "the group in use is never touched")
	}
	for _, in := range f.egressIn {
		assert.NotEqual(t, "sg-2", aws.ToString(in.GroupId))
	}
}
