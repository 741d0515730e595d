package awsorg

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/seeda33a2f4f/resellerkit/members"
)

const (
	actCreateAccount  = "organizations:CreateAccount"
	actDescribeCreate = "organizations:DescribeCreateAccountStatus"
	actListCreate     = "organizations:ListCreateAccountStatus"
	actListParents    = "organizations:ListParents"
	actMoveAccount    = "organizations:MoveAccount"
)

// newAccount creates the account (or finds the request a crashed run made), polls
// it to its end, moves it to its profile's OU, registers it and completes the
// application.
func (r *run) newAccount(ctx context.Context, plan newAccountPlan) (members.Application, error) {
	if r.app.Operation.AWSAccountID == "" {
		if r.app.Operation.CreateRequestID == "" {
			if app, done, err := r.requestAccount(ctx, plan); done {
				return app, err
			}
		}
		if app, done, err := r.pollCreate(ctx, plan); done {
			return app, err
		}
	}
	accountID := r.app.Operation.AWSAccountID
	if plan.ou != "" {
		if app, done, err := r.moveTo(ctx, accountID, plan.ou); done {
			return app, err
		}
	}
	if app, done, err := r.register(ctx, accountID, plan.name); done {
		return app, err
	}
	return r.succeed(ctx, "", "", "", nil)
}

// requestAccount records a CreateRequestID: the one a crashed run of this attempt
// obtained, found with ListCreateAccountStatus, or a new CreateAccount's. done
// means the run ends with app and err.
func (r *run) requestAccount(ctx context.Context, plan newAccountPlan) (app members.Application, done bool, err error) {
	if since, ok := r.intentAt(actCreateAccount); ok {
		st, reqID, err := r.findCreate(ctx, plan.name, since.Add(-lookupSkew))
		if err != nil {
			app, err := r.abort(ctx, actListCreate, reqID, err)
			return app, true, err
		}
		if st != nil {
			err := r.record(ctx, members.OperationStep{Action: actListCreate, RequestID: reqID,
				Outcome: fmt.Sprintf("found request %s (%s) made by an interrupted run", aws.ToString(st.Id), st.State)},
				func(op *members.Operation) { op.CreateRequestID = aws.ToString(st.Id) })
			return members.Application{}, err != nil, err
		}
		if err := r.step(ctx, actListCreate, reqID, "no request named "+plan.name+": the interrupted run's call did not reach AWS"); err != nil {
			return members.Application{}, true, err
		}
	}
	if err := r.intent(ctx, actCreateAccount, fmt.Sprintf("name %q, email %s, role %s", plan.name, plan.email, r.c.cfg.RoleName)); err != nil {
		return members.Application{}, true, err
	}
	out, reqID, err := call(ctx, r.c, func(ctx context.Context) (*organizations.CreateAccountOutput, error) {
		return r.c.api.CreateAccount(ctx, &organizations.CreateAccountInput{
			AccountName: aws.String(plan.name), Email: aws.String(plan.email), RoleName: aws.String(r.c.cfg.RoleName),
			Tags: []types.Tag{{Key: aws.String("resellerkit:application"), Value: aws.String(r.app.ID)}},
		}, sendOnce)
	}, func(o *organizations.CreateAccountOutput) middleware.Metadata { return o.ResultMetadata })
	var cv *types.ConstraintViolationException
	switch {
	case errors.As(err, &cv):
		app, err := r.fail(ctx, actCreateAccount, reqID, fmt.Sprintf("account creation refused (%s)", cv.Reason), err)
		return app, true, err
	case err != nil:
		app, err := r.abort(ctx, actCreateAccount, reqID, err)
		return app, true, err
	case out.CreateAccountStatus == nil || aws.ToString(out.CreateAccountStatus.Id) == "":
		app, err := r.abort(ctx, actCreateAccount, reqID, errors.New("awsorg: CreateAccount returned no request id"))
		return app, true, err
	}
	id := aws.ToString(out.CreateAccountStatus.Id)
	err = r.record(ctx, members.OperationStep{Action: actCreateAccount, RequestID: reqID, Outcome: "requested " + id},
		func(op *members.Operation) { op.CreateRequestID = id })
	return members.Application{}, err != nil, err
}

// findCreate looks for the create request named name made since since: one in
// progress or succeeded is ours (two are ambiguous: an error, nothing created);
// else the newest failed one. nil when there is none.
func (r *run) findCreate(ctx context.Context, name string, since time.Time) (*types.CreateAccountStatus, string, error) {
	var live, failed []types.CreateAccountStatus
	var token *string
	lastID := ""
	for {
		out, reqID, err := call(ctx, r.c, func(ctx context.Context) (*organizations.ListCreateAccountStatusOutput, error) {
			return r.c.api.ListCreateAccountStatus(ctx, &organizations.ListCreateAccountStatusInput{
				States:    []types.CreateAccountState{types.CreateAccountStateInProgress, types.CreateAccountStateSucceeded, types.CreateAccountStateFailed},
				NextToken: token,
			})
		}, func(o *organizations.ListCreateAccountStatusOutput) middleware.Metadata { return o.ResultMetadata })
		lastID = reqID
		if err != nil {
			return nil, reqID, err
		}
		for _, st := range out.CreateAccountStatuses {
			if aws.ToString(st.AccountName) != name || (st.RequestedTimestamp != nil && st.RequestedTimestamp.Before(since)) {
				continue
			}
			if st.State == types.CreateAccountStateFailed {
				failed = append(failed, st)
			} else {
				live = append(live, st)
			}
		}
		if token = out.NextToken; aws.ToString(token) == "" {
			break
		}
	}
	switch {
	case len(live) == 1:
		return &live[0], lastID, nil
	case len(live) > 1:
		ids := make([]string, len(live))
		for i, st := range live {
			ids[i] = aws.ToString(st.Id)
		}
		return nil, lastID, fmt.Errorf("%w: awsorg: several create requests are named %q (%s): resolve by hand", members.ErrConflict, name, strings.Join(ids, ", "))
	case len(failed) > 0:
		newest := slices.MaxFunc(failed, func(a, b types.CreateAccountStatus) int {
			return aws.ToTime(a.RequestedTimestamp).Compare(aws.ToTime(b.RequestedTimestamp))
		})
		return &newest, lastID, nil
	}
	return nil, lastID, nil
}

// pollCreate polls the recorded create request with backoff until it succeeds
// (recording the account id; done is false) or fails, or Config.MaxWait has been
// waited (the operation waits).
func (r *run) pollCreate(ctx context.Context, plan newAccountPlan) (app members.Application, done bool, err error) {
	id := r.app.Operation.CreateRequestID
	delay, waited := r.c.cfg.PollInitial, time.Duration(0)
	for {
		out, reqID, err := call(ctx, r.c, func(ctx context.Context) (*organizations.DescribeCreateAccountStatusOutput, error) {
			return r.c.api.DescribeCreateAccountStatus(ctx, &organizations.DescribeCreateAccountStatusInput{CreateAccountRequestId: aws.String(id)})
		}, func(o *organizations.DescribeCreateAccountStatusOutput) middleware.Metadata { return o.ResultMetadata })
		if err == nil && out.CreateAccountStatus == nil {
			err = errors.New("awsorg: DescribeCreateAccountStatus returned no status")
		}
		if err != nil {
			app, err := r.abort(ctx, actDescribeCreate, reqID, err)
			return app, true, err
		}
		st := out.CreateAccountStatus
		switch st.State {
		case types.CreateAccountStateSucceeded:
			account := aws.ToString(st.AccountId)
			err := r.record(ctx, members.OperationStep{Action: actDescribeCreate, RequestID: reqID, Outcome: id + ": SUCCEEDED, account " + account},
				func(op *members.Operation) { op.AWSAccountID = account })
			return members.Application{}, err != nil, err
		case types.CreateAccountStateFailed:
			app, err := r.fail(ctx, actDescribeCreate, reqID, createFailure(st.FailureReason, plan.email), nil)
			return app, true, err
		}
		if err := r.step(ctx, actDescribeCreate, reqID, id+": "+string(st.State)); err != nil {
			return members.Application{}, true, err
		}
		if waited >= r.c.cfg.MaxWait {
			app, err := r.wait(ctx, "AWS is still creating the account (request "+id+"): run again later")
			return app, true, err
		}
		if err := r.c.cfg.Sleep(ctx, delay); err != nil {
			app, err := r.abort(ctx, actDescribeCreate, "", err)
			return app, true, err
		}
		waited += delay
		delay = min(2*delay, r.c.cfg.PollMax)
	}
}

// moveTo moves the account from its parent to ou unless it is there already.
func (r *run) moveTo(ctx context.Context, accountID, ou string) (app members.Application, done bool, err error) {
	out, reqID, err := call(ctx, r.c, func(ctx context.Context) (*organizations.ListParentsOutput, error) {
		return r.c.api.ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String(accountID)})
	}, func(o *organizations.ListParentsOutput) middleware.Metadata { return o.ResultMetadata })
	if err == nil && len(out.Parents) == 0 {
		err = fmt.Errorf("awsorg: account %s has no parent in the organization", accountID)
	}
	if err != nil {
		app, err := r.abort(ctx, actListParents, reqID, err)
		return app, true, err
	}
	parent := aws.ToString(out.Parents[0].Id)
	if parent == ou {
		return members.Application{}, false, nil
	}
	if err := r.step(ctx, actListParents, reqID, "in "+parent); err != nil {
		return members.Application{}, true, err
	}
	_, reqID, err = call(ctx, r.c, func(ctx context.Context) (*organizations.MoveAccountOutput, error) {
		return r.c.api.MoveAccount(ctx, &organizations.MoveAccountInput{
			AccountId: aws.String(accountID), SourceParentId: aws.String(parent), DestinationParentId: aws.String(ou),
		})
	}, func(o *organizations.MoveAccountOutput) middleware.Metadata { return o.ResultMetadata })
	var dup *types.DuplicateAccountException
	switch {
	case err == nil:
		err = r.step(ctx, actMoveAccount, reqID, "moved from "+parent+" to "+ou)
	case errors.As(err, &dup):
		err = r.step(ctx, actMoveAccount, reqID, "already in "+ou)
	default:
		app, err := r.abort(ctx, actMoveAccount, reqID, err)
		return app, true, err
	}
	return members.Application{}, err != nil, err
}
