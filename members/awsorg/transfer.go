package awsorg

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
)

const (
	actInvite          = "organizations:InviteAccountToOrganization"
	actDescribeHS      = "organizations:DescribeHandshake"
	actListHandshakes  = "organizations:ListHandshakesForOrganization"
	handshakeTransient = "waiting for the account's owner to accept"
)

// transferIn invites the account (or finds the invitation a crashed run or an
// earlier call sent), reads the handshake's state, and once accepted registers
// the account and completes the application.
func (r *run) transferIn(ctx context.Context) (members.Application, error) {
	if r.app.Operation.HandshakeID == "" {
		if app, done, err := r.invite(ctx); done {
			return app, err
		}
	}
	id := r.app.Operation.HandshakeID
	out, reqID, err := call(ctx, r.c, func(ctx context.Context) (*organizations.DescribeHandshakeOutput, error) {
		return r.c.api.DescribeHandshake(ctx, &organizations.DescribeHandshakeInput{HandshakeId: aws.String(id)})
	}, func(o *organizations.DescribeHandshakeOutput) middleware.Metadata { return o.ResultMetadata })
	if err == nil && out.Handshake == nil {
		err = errors.New("awsorg: DescribeHandshake returned no handshake")
	}
	if nf := (*types.HandshakeNotFoundException)(nil); errors.As(err, &nf) {
		// AWS forgets a finished invitation 30 days after it ended: waiting would
		// be for ever, and an operation waiting can be neither completed nor
		// rejected (M-11).
		return r.fail(ctx, actDescribeHS, reqID, fmt.Sprintf("AWS no longer knows the invitation %s (it keeps a finished one 30 days): "+
			"complete the application again to send a new invitation, or reject it", id), err)
	}
	if err != nil {
		return r.abort(ctx, actDescribeHS, reqID, err)
	}
	hs := out.Handshake
	switch hs.State {
	case types.HandshakeStateAccepted:
		if err := r.record(ctx, members.OperationStep{Action: actDescribeHS, RequestID: reqID, Outcome: id + ": ACCEPTED"},
			func(op *members.Operation) { op.AWSAccountID = r.app.AccountID }); err != nil {
			return members.Application{}, err
		}
		name, _ := ParseDetails(r.app.Details)
		if name = printable(name); name == "" {
			name = "account " + r.app.AccountID
		}
		if app, done, err := r.register(ctx, r.app.AccountID, name); done {
			return app, err
		}
		return r.succeed(ctx, "", "", "", nil)
	case types.HandshakeStateDeclined, types.HandshakeStateExpired, types.HandshakeStateCanceled:
		return r.fail(ctx, actDescribeHS, reqID, fmt.Sprintf("the invitation %s was %s: submit the transfer again once the account's owner is ready", id, hs.State), nil)
	}
	if err := r.step(ctx, actDescribeHS, reqID, id+": "+string(hs.State)); err != nil {
		return members.Application{}, err
	}
	reason := handshakeTransient + " the invitation " + id
	if hs.ExpirationTimestamp != nil {
		reason += " (expires " + hs.ExpirationTimestamp.UTC().Format(time.RFC3339) + ")"
	}
	return r.wait(ctx, reason)
}

// invite records a HandshakeID: an invitation of the account already open (after
// a crash of this attempt, or DuplicateHandshakeException), or a new one's. done
// means the run ends with app and err.
func (r *run) invite(ctx context.Context) (app members.Application, done bool, err error) {
	if since, ok := r.intentAt(actInvite); ok {
		if app, done, found, err := r.adoptHandshake(ctx, since.Add(-lookupSkew)); found || done {
			return app, done, err
		}
	}
	account := r.app.AccountID
	// An account another organization has is not this one's to invite (M-7).
	if owner, err := r.c.svc.ProjectOwning(ctx, account, resellerkit.MonthOf(r.c.now())); err == nil && owner.OrgID != r.app.OrgID {
		app, err := r.fail(ctx, "members:ProjectOwning", "", "account "+account+" is already another organization's: it cannot be transferred in here", nil)
		return app, true, err
	}
	if err := r.intent(ctx, actInvite, "account "+account); err != nil {
		return members.Application{}, true, err
	}
	out, reqID, err := call(ctx, r.c, func(ctx context.Context) (*organizations.InviteAccountToOrganizationOutput, error) {
		return r.c.api.InviteAccountToOrganization(ctx, &organizations.InviteAccountToOrganizationInput{
			Target: &types.HandshakeParty{Id: aws.String(account), Type: types.HandshakePartyTypeAccount},
			Notes:  aws.String(handshakeNote(r.app.ID)),
		}, sendOnce)
	}, func(o *organizations.InviteAccountToOrganizationOutput) middleware.Metadata { return o.ResultMetadata })
	var (
		dup *types.DuplicateHandshakeException
		hcv *types.HandshakeConstraintViolationException
	)
	switch {
	case errors.As(err, &dup):
		if err := r.step(ctx, actInvite, reqID, "an invitation of "+account+" is already open (DuplicateHandshakeException)"); err != nil {
			return members.Application{}, true, err
		}
		app, done, found, err := r.adoptHandshake(ctx, time.Time{})
		if !found && !done {
			app, err = r.fail(ctx, actInvite, reqID, "an invitation of "+account+" is already open that this application did not send "+
				"(sent by hand, or by another organization's application): cancel it, then complete this application again", nil)
			done = true
		}
		return app, done, err
	case errors.As(err, &hcv):
		app, err := r.fail(ctx, actInvite, reqID, handshakeFailure(hcv.Reason), err)
		return app, true, err
	case err == nil && (out.Handshake == nil || aws.ToString(out.Handshake.Id) == ""):
		err = errors.New("awsorg: InviteAccountToOrganization returned no handshake")
	}
	if err != nil {
		app, err := r.abort(ctx, actInvite, reqID, err)
		return app, true, err
	}
	id := aws.ToString(out.Handshake.Id)
	err = r.record(ctx, members.OperationStep{Action: actInvite, RequestID: reqID, Outcome: "invited: handshake " + id},
		func(op *members.Operation) { op.HandshakeID = id })
	return members.Application{}, err != nil, err
}

// adoptHandshake looks for an invitation of the application's account: an open
// or requested one, or one accepted since since, the newest first; failing that,
// the newest one that ended (declined, cancelled, expired) since since, which a
// crashed run sent and its owner or AWS ended before the resume (a zero since:
// open ones only). It records it; found says whether it did.
func (r *run) adoptHandshake(ctx context.Context, since time.Time) (app members.Application, done, found bool, err error) {
	hs, reqID, err := r.findHandshake(ctx, r.app.AccountID, handshakeNote(r.app.ID), since)
	if err != nil {
		app, err := r.abort(ctx, actListHandshakes, reqID, err)
		return app, true, false, err
	}
	if hs == nil {
		err := r.step(ctx, actListHandshakes, reqID, "no invitation of "+r.app.AccountID+" found")
		return members.Application{}, err != nil, false, err
	}
	id := aws.ToString(hs.Id)
	err = r.record(ctx, members.OperationStep{Action: actListHandshakes, RequestID: reqID, Outcome: fmt.Sprintf("found handshake %s (%s)", id, hs.State)},
		func(op *members.Operation) { op.HandshakeID = id })
	return members.Application{}, err != nil, err == nil, err
}

// handshakeNote is the note an application's invitation carries: only an
// invitation with it is ever adopted as the application's own (after a crash, or
// on DuplicateHandshakeException), never one sent by hand or for another
// organization's application.
func handshakeNote(appID string) string { return "resellerkit application " + appID }

// hasNote reports whether hs carries note.
func hasNote(hs types.Handshake, note string) bool {
	return slices.ContainsFunc(hs.Resources, func(r types.HandshakeResource) bool {
		return r.Type == types.HandshakeResourceTypeNotes && aws.ToString(r.Value) == note
	})
}

func (r *run) findHandshake(ctx context.Context, account, note string, since time.Time) (*types.Handshake, string, error) {
	var found, ended []types.Handshake
	var token *string
	lastID := ""
	for {
		out, reqID, err := call(ctx, r.c, func(ctx context.Context) (*organizations.ListHandshakesForOrganizationOutput, error) {
			return r.c.api.ListHandshakesForOrganization(ctx, &organizations.ListHandshakesForOrganizationInput{
				Filter: &types.HandshakeFilter{ActionType: types.ActionTypeInviteAccountToOrganization}, NextToken: token,
			})
		}, func(o *organizations.ListHandshakesForOrganizationOutput) middleware.Metadata {
			return o.ResultMetadata
		})
		lastID = reqID
		if err != nil {
			return nil, reqID, err
		}
		for _, hs := range out.Handshakes {
			if !slices.ContainsFunc(hs.Parties, func(p types.HandshakeParty) bool {
				return p.Type == types.HandshakePartyTypeAccount && aws.ToString(p.Id) == account
			}) || !hasNote(hs, note) {
				continue
			}
			switch hs.State {
			case types.HandshakeStateOpen, types.HandshakeStateRequested:
				found = append(found, hs)
			case types.HandshakeStateAccepted:
				if !since.IsZero() && !aws.ToTime(hs.RequestedTimestamp).Before(since) {
					found = append(found, hs)
				}
			case types.HandshakeStateDeclined, types.HandshakeStateCanceled, types.HandshakeStateExpired:
				// Sent by a crashed run of this attempt and ended since: it is the
				// attempt's answer; inviting again would ask the owner twice.
				if !since.IsZero() && !aws.ToTime(hs.RequestedTimestamp).Before(since) {
					ended = append(ended, hs)
				}
			}
		}
		if token = out.NextToken; aws.ToString(token) == "" {
			break
		}
	}
	if len(found) == 0 {
		found = ended
	}
	if len(found) == 0 {
		return nil, lastID, nil
	}
	newest := slices.MaxFunc(found, func(a, b types.Handshake) int {
		return aws.ToTime(a.RequestedTimestamp).Compare(aws.ToTime(b.RequestedTimestamp))
	})
	return &newest, lastID, nil
}

// sendOnce turns the SDK's own retries off for a call that is not idempotent
// (CreateAccount, InviteAccountToOrganization): a retry after a timeout could
// create a second account or invitation. The Carrier retries throttling itself,
// after recording what it asked, and a lost answer is looked up, never resent.
func sendOnce(o *organizations.Options) { o.RetryMaxAttempts = 1 }
