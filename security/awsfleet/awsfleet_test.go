package awsfleet_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
)

// fakeSTS answers AssumeRole with err, or credentials.
type fakeSTS struct {
	err   error
	calls int
	arn   string
}

func (f *fakeSTS) AssumeRole(_ context.Context, in *sts.AssumeRoleInput, _ ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	f.calls++
	f.arn = aws.ToString(in.RoleArn)
	if f.err != nil {
		return nil, &smithy.OperationError{ServiceID: "STS", OperationName: "AssumeRole", Err: f.err}
	}
	return &sts.AssumeRoleOutput{}, errors.New("no credentials in this fake")
}

// A member account's configuration assumes the role in that account, in the
// region asked; a role that cannot be assumed maps to ErrUnreachable.
func TestRoles(t *testing.T) {
	fake := &fakeSTS{err: &smithy.GenericAPIError{Code: "AccessDenied", Message: "not authorized to perform sts:AssumeRole"}}
	r := awsfleet.AssumeRole(aws.Config{Region: "us-east-1"}, "", awsfleet.WithSTS(fake), awsfleet.WithExternalID("x"))
	cfg, err := r.Config(context.Background(), "123456789012", "ap-northeast-1")
	require.NoError(t, err)
	assert.Equal(t, "ap-northeast-1", cfg.Region)
	assert.NotNil(t, cfg.Retryer)
	_, err = cfg.Credentials.Retrieve(context.Background())
	require.Error(t, err)
	assert.Equal(t, "arn:aws:iam::123456789012:role/OrganizationAccountAccessRole", fake.arn)
	mapped := awsfleet.Map(err)
	assert.ErrorIs(t, mapped, security.ErrUnreachable)
	assert.ErrorIs(t, mapped, security.ErrAccessDenied)

	// As a service client reports it: its own OperationError around STS's.
	wrapped := &smithy.OperationError{ServiceID: "EC2", OperationName: "DescribeSecurityGroups", Err: fmt.Errorf("get identity: %w", err)}
	assert.ErrorIs(t, awsfleet.Map(wrapped), security.ErrUnreachable)

	_, err = r.Config(context.Background(), "12345", "")
	assert.ErrorIs(t, err, security.ErrInvalid)
}

// Map translates AWS's error codes into the sentinels and leaves others alone.
func TestMap(t *testing.T) {
	for code, want := range map[string]error{
		"AccessDeniedException": security.ErrAccessDenied, "UnauthorizedOperation": security.ErrAccessDenied,
		"OptInRequired": security.ErrRegionDisabled, "UnrecognizedClientException": security.ErrRegionDisabled,
		"ThrottlingException": security.ErrThrottled, "RequestLimitExceeded": security.ErrThrottled,
	} {
		err := awsfleet.Map(&smithy.GenericAPIError{Code: code})
		assert.ErrorIs(t, err, want, code)
		var ae smithy.APIError
		assert.True(t, errors.As(err, &ae), "AWS's error stays in the chain")
	}
	other := errors.New("boom")
	assert.Equal(t, other, awsfleet.Map(other))
	assert.NoError(t, awsfleet.Map(nil))
	assert.NotErrorIs(t, awsfleet.Map(&smithy.GenericAPIError{Code: "AccessDenied"}), security.ErrUnreachable)
}
