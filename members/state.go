package members

import "fmt"

// ApplicationAction is a step of the M-11 state machine.
type ApplicationAction string

// The actions on an application (M-11).
const (
	ActionReview   ApplicationAction = "review"   // submitted → in_review (operator)
	ActionComplete ApplicationAction = "complete" // in_review → completed (operator)
	ActionReject   ApplicationAction = "reject"   // in_review → rejected (operator)
	ActionCancel   ApplicationAction = "cancel"   // submitted → cancelled (applicant)
)

var applicationTransitions = map[ApplicationAction]struct{ from, to ApplicationState }{
	ActionReview:   {AppSubmitted, AppInReview},
	ActionComplete: {AppInReview, AppCompleted},
	ActionReject:   {AppInReview, AppRejected},
	ActionCancel:   {AppSubmitted, AppCancelled},
}

// NextApplicationState returns the state an application in from reaches by act, or a
// *resellerkit.ValidationError (rule M-11) when the machine has no such transition. Completed,
// rejected and cancelled are final.
func NextApplicationState(from ApplicationState, act ApplicationAction) (ApplicationState, error) {
	t, ok := applicationTransitions[act]
	if !ok {
		return from, invalid("action", string(act), "M-11", "unknown action")
	}
	if t.from != from {
		return from, invalid("state", string(from), "M-11", fmt.Sprintf("cannot %s an application that is %s (only from %s)", act, from, t.from))
	}
	return t.to, nil
}

// Valid reports whether k is one of the application kinds of M-11.
func (k ApplicationKind) Valid() bool {
	switch k {
	case AppAccountClosure, AppOwnerChange, AppNewAccount, AppAccountTransferIn, AppProjectCreation:
		return true
	}
	return false
}

// NextInvitationState returns the state a pending invitation reaches (accepted,
// rejected, expired or revoked), or a *resellerkit.ValidationError (rule M-8) when inv is not
// pending: every decision is final.
func NextInvitationState(from, to InvitationState) (InvitationState, error) {
	if from != InvitationPending {
		return from, invalid("state", string(from), "M-8", fmt.Sprintf("the invitation is already %s", from))
	}
	switch to {
	case InvitationAccepted, InvitationRejected, InvitationExpired, InvitationRevoked:
		return to, nil
	}
	return from, invalid("state", string(to), "M-8", "unknown target state")
}
