package awsorg

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/members"
)

// M-11 crash and resume, transfer-in: the invitation was sent but its record
// lost, and by the time the run resumes the invitation has ended (the owner
// declined it, the reseller cancelled it by hand, or it expired). The resumed
// run finds that invitation and fails the operation with its outcome; it never
// sends the owner a second invitation for the same attempt.
func TestM11_TransferInCrashResumeAfterTheInvitationEnded(t *testing.T) {
	for _, ended := range []types.HandshakeState{types.HandshakeStateDeclined, types.HandshakeStateCanceled, types.HandshakeStateExpired} {
		t.Run(string(ended), func(t *testing.T) {
			e := newEnv(t)
			e.aws.answer = types.HandshakeStateOpen
			e.aws.after = func(_ context.Context, op string) {
				if op == "InviteAccountToOrganization" {
					e.aws.after = nil
					e.store.crash()
				}
			}
			app := e.submit(members.NewApplication{Kind: members.AppAccountTransferIn, AccountID: "444455556666"})
			_, err := e.complete(app.ID)
			require.ErrorIs(t, err, errCrash)
			e.store.recover()
			e.aws.setHandshake("h-sim00000001", ended)
			e.clock.Add(DefaultLease + time.Minute)

			got, err := e.complete(app.ID)
			require.ErrorIs(t, err, ErrRefused)
			assert.Equal(t, 1, e.aws.count("InviteAccountToOrganization"), "one invitation per attempt")
			assert.Equal(t, "h-sim00000001", got.Operation.HandshakeID)
			assert.Equal(t, members.OpFailed, got.Operation.State)
			assert.Contains(t, got.Operation.Reason, string(ended))
			assert.Equal(t, members.AppInReview, got.State)
		})
	}
}

// M-11 transfer-in: AWS keeps a finished invitation 30 days, then forgets it
// (DescribeHandshake answers HandshakeNotFoundException for good). An operation
// waiting on such an invitation fails with the reason, so the application can be
// carried out again (a new invitation) or rejected; it is not left waiting for
// ever, which neither completion nor rejection may end (M-11).
func TestM11_TransferInInvitationAWSNoLongerKnows(t *testing.T) {
	e := newEnv(t)
	e.aws.answer = types.HandshakeStateOpen
	app := e.submit(members.NewApplication{Kind: members.AppAccountTransferIn, AccountID: "444455556666"})
	got, err := e.complete(app.ID)
	require.NoError(t, err)
	require.Equal(t, members.OpWaiting, got.Operation.State)

	e.aws.setHandshake("h-sim00000001", types.HandshakeStateExpired)
	e.aws.mu.Lock()
	e.aws.handshakes = nil // 30 days after it ended
	e.aws.mu.Unlock()
	e.clock.Add(46 * 24 * time.Hour)

	got, err = e.complete(app.ID)
	require.ErrorIs(t, err, ErrRefused)
	var nf *types.HandshakeNotFoundException
	require.ErrorAs(t, err, &nf, "AWS's error stays in the chain")
	assert.Equal(t, members.OpFailed, got.Operation.State)
	assert.Contains(t, got.Operation.Reason, "h-sim00000001")
	assert.Equal(t, members.AppInReview, got.State)

	rejected, err := e.svc.RejectApplication(e.ctx, e.staff, e.orgID, app.ID, "the owner never answered")
	require.NoError(t, err, "the operator can close the application")
	assert.Equal(t, members.AppRejected, rejected.State)
}
