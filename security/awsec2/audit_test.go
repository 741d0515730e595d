package awsec2

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/security"
)

// filteredPagesEC2 answers DescribeNetworkInterfaces as EC2 does for a filtered
// paginated describe: the filter is applied to each page after it was cut, so a
// page may hold no match yet carry a NextToken to pages that do (EC2 API
// Reference, "Pagination").
type filteredPagesEC2 struct {
	*fakeEC2
	pages int // empty pages before the one with the matches
}

func (f *filteredPagesEC2) DescribeNetworkInterfaces(ctx context.Context, in *ec2.DescribeNetworkInterfacesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeNetworkInterfacesOutput, error) {
	n := 0
	if in.NextToken != nil {
		n = int(aws.ToString(in.NextToken)[0] - '0')
	}
	if n < f.pages {
		return &ec2.DescribeNetworkInterfacesOutput{NextToken: aws.String(string(rune('0' + n + 1)))}, nil
	}
	return f.fakeEC2.DescribeNetworkInterfaces(ctx, in, optFns...)
}

// S-3: a default group is in use when any page of DescribeNetworkInterfaces
// names an interface, not only the first: EC2 filters after paging, so an empty
// first page with a NextToken says nothing yet. Reading the first page alone
// revoked the rules of a group carrying traffic.
func TestDefaultSGClosed_InUseOnALaterPageKept(t *testing.T) {
	f := &fakeEC2{groups: []types.SecurityGroup{defaultVPCGroup("sg-2", "vpc-2")}, enis: map[string]int{"sg-2": 1}}
	paged := &filteredPagesEC2{fakeEC2: f, pages: 2}
	check := newDefaultSGClosed(func(context.Context, string, string) (api, error) { return paged, nil })

	_, err := check.Repair(context.Background(), acct, region)
	require.ErrorIs(t, err, security.ErrInvalid)
	assert.ErrorContains(t, err, "sg-2 (vpc-2)")
	assert.Empty(t, f.writes(), "the group in use is never touched")
}
