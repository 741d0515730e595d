package awsiam

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
)

// clientFunc returns the IAM API of an account.
type clientFunc[T any] func(ctx context.Context, account, region string) (T, error)

// iamClient returns the IAM client of account from sessions.
func iamClient(sessions awsfleet.Sessions) clientFunc[*iam.Client] {
	return func(ctx context.Context, account, region string) (*iam.Client, error) {
		cfg, err := sessions.Config(ctx, account, region)
		if err != nil {
			return nil, err
		}
		return iam.NewFromConfig(cfg), nil
	}
}

// as narrows f's client to the interface T.
func as[T any](f clientFunc[*iam.Client]) clientFunc[T] {
	return func(ctx context.Context, account, region string) (T, error) {
		c, err := f(ctx, account, region)
		if err != nil {
			var zero T
			return zero, err
		}
		return any(c).(T), nil
	}
}
