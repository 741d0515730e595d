package awsec2

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
)

// DefaultSGClosed is the security.Check of security.DefaultSGClosed (Security
// Hub EC2.2): the default security group of every VPC of a region has no inbound
// and no outbound rule. Build one with NewDefaultSGClosed; it is safe for
// concurrent use.
type DefaultSGClosed struct{ clients clients }

var _ security.Check = (*DefaultSGClosed)(nil)

// NewDefaultSGClosed returns the Check calling EC2 with the configuration s gives
// for each account and region; optFns adjust every client built. It panics if s
// is nil.
func NewDefaultSGClosed(s awsfleet.Sessions, optFns ...func(*ec2.Options)) *DefaultSGClosed {
	return newDefaultSGClosed(fromSessions(s, optFns))
}

// newDefaultSGClosed returns the Check over any implementation of api (a fake in
// tests).
func newDefaultSGClosed(c clients) *DefaultSGClosed { return &DefaultSGClosed{clients: c} }

// Control returns security.DefaultSGClosed.
func (*DefaultSGClosed) Control() security.ControlID { return security.DefaultSGClosed }

// Observe reports the control compliant when no default security group of the
// region has a rule (ec2:DescribeSecurityGroups filtered on group-name
// "default", every page); a region without a VPC has none and is compliant. The
// Detail names each group with rules and how many of each direction, a rule being
// one source or destination (CIDR, prefix list or group) of a permission, as the
// console counts them.
func (d *DefaultSGClosed) Observe(ctx context.Context, account, region string) (security.Observation, error) {
	client, err := d.clients.call(ctx, account, region)
	if err != nil {
		return security.Observation{}, err
	}
	groups, err := defaultGroups(ctx, client, account, region)
	if err != nil {
		return security.Observation{}, err
	}
	return observeGroups(groups), nil
}

// defaultGroups lists the default security groups of the region.
func defaultGroups(ctx context.Context, client api, account, region string) ([]types.SecurityGroup, error) {
	var groups []types.SecurityGroup
	p := ec2.NewDescribeSecurityGroupsPaginator(client, &ec2.DescribeSecurityGroupsInput{
		Filters: []types.Filter{{Name: aws.String("group-name"), Values: []string{"default"}}},
	})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, fail("DescribeSecurityGroups", account, region, err)
		}
		groups = append(groups, out.SecurityGroups...)
	}
	return groups, nil
}

func observeGroups(groups []types.SecurityGroup) security.Observation {
	if len(groups) == 0 {
		return security.Observation{Compliant: true, Detail: "no default security group (no VPC in the region)"}
	}
	var open []string
	for _, g := range groups {
		in, out := countRules(g.IpPermissions), countRules(g.IpPermissionsEgress)
		if in+out > 0 {
			open = append(open, fmt.Sprintf("%s: %s", groupName(g), rules(in, out)))
		}
	}
	if len(open) == 0 {
		return security.Observation{Compliant: true, Detail: fmt.Sprintf("%s closed", plural(len(groups), "default security group"))}
	}
	return security.Observation{Detail: fmt.Sprintf("rules in %d of %s: %s",
		len(open), plural(len(groups), "default security group"), strings.Join(open, "; "))}
}

// Repair revokes every rule of every default security group of the region that
// has some: ec2:RevokeSecurityGroupIngress and ec2:RevokeSecurityGroupEgress with
// the group's permissions exactly as DescribeSecurityGroups returned them. A group
// or rule gone meanwhile (InvalidGroup.NotFound, InvalidPermission.NotFound) is
// not an error: the next run observes what is left. A default group in use by a
// network interface (ec2:DescribeNetworkInterfaces on group-id, every page) is left open and
// named in an error wrapping security.ErrInvalid: closing it would cut off the
// traffic of whatever uses it. When every default group is
// closed, nothing is called but the observation. On an error, the string still
// says what was revoked before it.
func (d *DefaultSGClosed) Repair(ctx context.Context, account, region string) (string, error) {
	client, err := d.clients.call(ctx, account, region)
	if err != nil {
		return "", err
	}
	groups, err := defaultGroups(ctx, client, account, region)
	if err != nil {
		return "", err
	}
	var done []string
	report := func() string {
		if len(done) == 0 {
			return "default security groups already closed"
		}
		return "revoked " + strings.Join(done, "; ")
	}
	var inUse []string
	for _, g := range groups {
		in, out := countRules(g.IpPermissions), countRules(g.IpPermissionsEgress)
		if in+out == 0 {
			continue
		}
		// A default group something uses (an instance, a database, a Lambda
		// function, an endpoint…) carries traffic: closing it would cut it off.
		used, err := groupInUse(ctx, client, g.GroupId)
		if err != nil {
			return report(), fail("DescribeNetworkInterfaces "+aws.ToString(g.GroupId), account, region, err)
		}
		if used {
			inUse = append(inUse, groupName(g))
			continue
		}
		revoked := func(in, out int) {
			if in+out > 0 {
				done = append(done, fmt.Sprintf("%s of %s", rules(in, out), groupName(g)))
			}
		}
		if in > 0 {
			_, err := client.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{
				GroupId: g.GroupId, IpPermissions: g.IpPermissions,
			})
			if gone(err) {
				in = 0
			} else if err != nil {
				return report(), fail("RevokeSecurityGroupIngress "+aws.ToString(g.GroupId), account, region, err)
			}
		}
		if out > 0 {
			_, err := client.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{
				GroupId: g.GroupId, IpPermissions: g.IpPermissionsEgress,
			})
			if gone(err) {
				out = 0
			} else if err != nil {
				revoked(in, 0)
				return report(), fail("RevokeSecurityGroupEgress "+aws.ToString(g.GroupId), account, region, err)
			}
		}
		revoked(in, out)
	}
	if len(inUse) > 0 {
		return report(), resellerkit.Invalid(security.ErrInvalid, "security_groups", strings.Join(inUse, ", "), "S-3",
			"default security groups in use by network interfaces are not closed (it would cut their traffic off): move those resources to groups of their own, then the next run closes the defaults")
	}
	return report(), nil
}

// groupInUse reports whether a network interface uses the group id
// (ec2:DescribeNetworkInterfaces filtered on group-id). EC2 filters each page
// after cutting it, so a page without a match may still have a NextToken to
// one with a match: the pages are read until one names an interface or none
// is left.
func groupInUse(ctx context.Context, client api, id *string) (bool, error) {
	p := ec2.NewDescribeNetworkInterfacesPaginator(client, &ec2.DescribeNetworkInterfacesInput{
		Filters:    []types.Filter{{Name: aws.String("group-id"), Values: []string{aws.ToString(id)}}},
		MaxResults: aws.Int32(5),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return false, err
		}
		if len(page.NetworkInterfaces) > 0 {
			return true, nil
		}
	}
	return false, nil
}

// gone reports whether err says the group or the rules no longer exist.
func gone(err error) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	switch ae.ErrorCode() {
	case "InvalidGroup.NotFound", "InvalidPermission.NotFound":
		return true
	}
	return false
}

// countRules counts the rules of perms: one per CIDR, prefix list or group of
// each permission (a permission with none of them counts one).
func countRules(perms []types.IpPermission) int {
	n := 0
	for _, p := range perms {
		n += max(1, len(p.IpRanges)+len(p.Ipv6Ranges)+len(p.PrefixListIds)+len(p.UserIdGroupPairs))
	}
	return n
}

func rules(in, out int) string {
	switch {
	case in > 0 && out > 0:
		return fmt.Sprintf("%s and %s", plural(in, "ingress rule"), plural(out, "egress rule"))
	case in > 0:
		return plural(in, "ingress rule")
	}
	return plural(out, "egress rule")
}

func groupName(g types.SecurityGroup) string {
	if g.VpcId == nil {
		return aws.ToString(g.GroupId)
	}
	return fmt.Sprintf("%s (%s)", aws.ToString(g.GroupId), aws.ToString(g.VpcId))
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
