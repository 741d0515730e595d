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
