package awsorg

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/seeda33a2f4f/resellerkit/members"
)

const actCloseAccount = "organizations:CloseAccount"

// closure closes the account in AWS and completes the application. Calling
// CloseAccount again after a crash is safe: AWS answers
// AccountAlreadyClosedException, which counts as success.
func (r *run) closure(ctx context.Context) (members.Application, error) {
	account := r.app.AccountID
	_, reqID, err := call(ctx, r.c, func(ctx context.Context) (*organizations.CloseAccountOutput, error) {
		return r.c.api.CloseAccount(ctx, &organizations.CloseAccountInput{AccountId: aws.String(account)})
	}, func(o *organizations.CloseAccountOutput) middleware.Metadata { return o.ResultMetadata })
	var (
		closed   *types.AccountAlreadyClosedException
		cv       *types.ConstraintViolationException
		notFound *types.AccountNotFoundException
	)
	switch {
	case err == nil:
		return r.succeed(ctx, actCloseAccount, reqID, "closure of "+account+" requested (AWS suspends it, then closes it within 90 days)", nil)
	case errors.As(err, &closed):
		return r.succeed(ctx, actCloseAccount, reqID, account+" was already closed", nil)
	case errors.As(err, &cv):
		return r.fail(ctx, actCloseAccount, reqID, closeFailure(cv.Reason), err)
	case errors.As(err, &notFound):
		return r.fail(ctx, actCloseAccount, reqID, "account "+account+" is not a member of the organization (AccountNotFoundException)", err)
	}
	return r.abort(ctx, actCloseAccount, reqID, err)
}
