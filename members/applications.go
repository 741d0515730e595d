package members

import (
	"context"
	"fmt"

	"github.com/seeda33a2f4f/resellerkit"
)

// NewApplication is the input of SubmitApplication (M-11). Which fields a kind uses:
//
//	kind                 account_id                 project_id                details
//	account_closure      required, of the org, open  -                        optional
//	owner_change         required, of the org, open  -                        optional
//	new_account          -                           required, of the org     optional
//	account_transfer_in  required (any 12 digits)    required, of the org     optional
//	project_creation     -                           -                        required (the name)
//
// A field the kind does not use must be empty: it is rejected, never stored unread.
type NewApplication struct {
	Kind      ApplicationKind
	AccountID string
	ProjectID string
	Details   string
}

// applicationFields says which fields of NewApplication a kind uses (true: required).
var applicationFields = map[ApplicationKind]struct{ account, project bool }{
	AppAccountClosure:    {account: true},
	AppOwnerChange:       {account: true},
	AppNewAccount:        {project: true},
	AppAccountTransferIn: {account: true, project: true},
	AppProjectCreation:   {},
}

// validate checks the fields of in for its kind (M-11).
func (in NewApplication) validate() error {
	uses, ok := applicationFields[in.Kind]
	if !ok {
		return invalid("kind", string(in.Kind), "M-11", "unknown application kind")
	}
	if err := validateText("details", "M-11", in.Details, in.Kind == AppProjectCreation); err != nil {
		return err
	}
	if uses.account {
		if err := ValidateAccountID("account_id", in.AccountID); err != nil {
			return err
		}
	} else if in.AccountID != "" {
		return invalid("account_id", in.AccountID, "M-11", "is not used by a "+string(in.Kind)+" application")
	}
	switch {
	case uses.project && in.ProjectID == "":
		return invalid("project_id", "", "M-11", "is required by a "+string(in.Kind)+" application")
	case !uses.project && in.ProjectID != "":
		return invalid("project_id", in.ProjectID, "M-11", "is not used by a "+string(in.Kind)+" application")
	}
	return nil
}

// SubmitApplication files an application of orgID (M-11). Needs application.submit.
// The account of a closure or change of owner and every project named must be the
// organization's (another organization's is ErrNotFound, like a missing one). An
// account has one open (submitted or in review) closure or change of owner at a
// time, and one open transfer-in: a second one is ErrAlreadyExists naming the open one
// (see ApplicationKind.ConflictsWith); only the organization's own applications are
// looked at.
func (s *Service) SubmitApplication(ctx context.Context, p Principal, orgID string, in NewApplication) (Application, error) {
	if err := in.validate(); err != nil {
		return Application{}, err
	}
	now := s.clock()
	app := Application{
		ID: s.newID(), OrgID: orgID, Kind: in.Kind, State: AppSubmitted, AccountID: in.AccountID,
		ProjectID: in.ProjectID, Details: in.Details, SubmittedBy: p.IdentityID, CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	err := s.inTx(ctx, p, orgID, PermApplicationSubmit, func(ctx context.Context, _ Organization) error {
		if in.Kind == AppAccountClosure || in.Kind == AppOwnerChange {
			a, err := s.store.GetAccount(ctx, orgID, in.AccountID)
			if err != nil {
				return fmt.Errorf("account_id %q: %w", resellerkit.Truncate(in.AccountID), err)
			}
			if !a.ClosedFrom.IsZero() {
				return invalid("account_id", in.AccountID, "M-11", "the account is already closed")
			}
		}
		if in.ProjectID != "" {
			if _, err := s.store.GetProject(ctx, orgID, in.ProjectID); err != nil {
				return fmt.Errorf("project_id %q: %w", resellerkit.Truncate(in.ProjectID), err)
			}
		}
		if err := s.openConflict(ctx, orgID, in); err != nil {
			return err
		}
		return s.store.CreateApplication(ctx, app)
	})
	if err != nil {
		return Application{}, err
	}
	return app, nil
}

// ConflictsWith reports whether an open (submitted or in review) application of
// kind other refuses an application of kind k naming the same account (M-11): a
// closure and a change of owner of one account exclude each other and themselves
// (AWS would be asked to do both), and a transfer-in excludes a second transfer-in
// of the same account id. Kinds naming no account conflict with nothing.
func (k ApplicationKind) ConflictsWith(other ApplicationKind) bool {
	switch k {
	case AppAccountClosure, AppOwnerChange:
		return other == AppAccountClosure || other == AppOwnerChange
	case AppAccountTransferIn:
		return other == AppAccountTransferIn
	default:
		return false
	}
}

// openConflict returns ErrAlreadyExists when orgID has an open (submitted or in review)
// application of in.AccountID whose kind conflicts with in.Kind (M-11). It runs
// inside SubmitApplication's transaction, so the scan and the insert after it are
// one serializable step; only orgID's applications are read (M-7).
func (s *Service) openConflict(ctx context.Context, orgID string, in NewApplication) error {
	if in.AccountID == "" || !in.Kind.ConflictsWith(in.Kind) {
		return nil
	}
	apps, err := resellerkit.All(func(page resellerkit.Page) ([]Application, string, error) {
		return s.store.ListApplications(ctx, orgID, page)
	})
	if err != nil {
		return err
	}
	for _, a := range apps {
		if a.AccountID != in.AccountID || (a.State != AppSubmitted && a.State != AppInReview) || !in.Kind.ConflictsWith(a.Kind) {
			continue
		}
		return fmt.Errorf("%w: application %s (%s of %s) is still %s: wait for it, or cancel it while it is submitted (M-11)",
			ErrAlreadyExists, a.ID, a.Kind, a.AccountID, a.State)
	}
	return nil
}

// GetApplication returns an application of orgID. Needs application.submit.
func (s *Service) GetApplication(ctx context.Context, p Principal, orgID, applicationID string) (Application, error) {
	if _, _, err := s.authorize(ctx, p, orgID, PermApplicationSubmit); err != nil {
		return Application{}, err
	}
	return s.store.GetApplication(ctx, orgID, applicationID)
}

// ListApplications returns a page of the applications of orgID ordered by id. Needs
// application.submit.
func (s *Service) ListApplications(ctx context.Context, p Principal, orgID string, page resellerkit.Page) ([]Application, string, error) {
	return list(ctx, s, p, orgID, PermApplicationSubmit, page, s.store.ListApplications)
}

// ReviewApplication takes a submitted application into review (M-11). Reseller
// operators only.
func (s *Service) ReviewApplication(ctx context.Context, p Principal, orgID, applicationID string) (Application, error) {
	return s.transition(ctx, p, orgID, applicationID, ActionReview, "")
}

// CompleteApplication completes an application in review (M-11). Reseller operators
// only. Completing an account closure ends the account's billing at the end of the
// current UTC month: ProjectOwning answers ErrNotFound from the next month on.
func (s *Service) CompleteApplication(ctx context.Context, p Principal, orgID, applicationID string) (Application, error) {
	return s.transition(ctx, p, orgID, applicationID, ActionComplete, "")
}

// RejectApplication rejects an application in review with a reason (M-11). Reseller
// operators only.
func (s *Service) RejectApplication(ctx context.Context, p Principal, orgID, applicationID, reason string) (Application, error) {
	if err := validateText("reason", "M-11", reason, false); err != nil {
		return Application{}, err
	}
	return s.transition(ctx, p, orgID, applicationID, ActionReject, reason)
}

// CancelApplication withdraws a submitted application before review (M-11). Only
// its applicant may cancel it.
func (s *Service) CancelApplication(ctx context.Context, p Principal, orgID, applicationID string) (Application, error) {
	return s.transition(ctx, p, orgID, applicationID, ActionCancel, "")
}

func (s *Service) transition(ctx context.Context, p Principal, orgID, applicationID string, act ApplicationAction, reason string) (Application, error) {
	var out Application
	need := PermOperator
	if act == ActionCancel {
		need = PermApplicationSubmit
	}
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		if _, _, err := s.authorize(ctx, p, orgID, need); err != nil {
			return err
		}
		app, err := s.store.GetApplication(ctx, orgID, applicationID)
		if err != nil {
			return err
		}
		if act == ActionCancel && (p.Operator || app.SubmittedBy != p.IdentityID) {
			return fmt.Errorf("%w: only the applicant cancels an application", ErrPermissionDenied)
		}
		if op := app.Operation; op != nil && (act == ActionComplete || act == ActionReject) {
			switch {
			case op.State == OpRunning || op.State == OpWaiting:
				// AWS is acting on it (an account being created, an invitation
				// open): completing or rejecting now would leave AWS's result
				// without its application.
				return fmt.Errorf("%w: application %s has an AWS operation %s: carry it out to its end first", ErrConflict, app.ID, op.State)
			case act == ActionComplete && op.State == OpFailed:
				return invalid("state", string(op.State), "M-11", "its AWS operation failed ("+op.Reason+"): carry it out again, or reject the application")
			}
		}
		if app.State, err = NextApplicationState(app.State, act); err != nil {
			return err
		}
		now := s.clock()
		if act != ActionCancel {
			app.ReviewedBy = p.IdentityID
		}
		if reason != "" {
			app.Reason = reason
		}
		app.UpdatedAt = now
		if act == ActionComplete && app.Kind == AppAccountClosure {
			a, err := s.store.GetAccount(ctx, orgID, app.AccountID)
			if err != nil {
				return err
			}
			if end := resellerkit.MonthOf(now).Next(); a.ClosedFrom.IsZero() || a.ClosedFrom.After(end) {
				a.ClosedFrom, a.UpdatedAt = end, now
				if err := s.store.UpdateAccount(ctx, a); err != nil {
					return err
				}
			}
		}
		if err := s.store.UpdateApplication(ctx, app); err != nil {
			return err
		}
		app.Version++
		out = app
		return nil
	})
	return out, err
}

// UpdateOperation records the AWS side of carrying out an application in review
// (M-11), by a reseller operator: fn gets the application as stored and returns
// its operation as it must be stored. It runs in one transaction with the
// application's version check, so of two operators updating one application at
// once, one waits for (or, on a stale version, fails against) the other: an
// adapter claims an operation with it (Operation.Owner, LeaseUntil) before
// calling AWS. An application not in review is refused (ErrInvalid).
func (s *Service) UpdateOperation(ctx context.Context, p Principal, orgID, applicationID string, fn func(Application) (*Operation, error)) (Application, error) {
	var out Application
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		if _, _, err := s.authorize(ctx, p, orgID, PermOperator); err != nil {
			return err
		}
		app, err := s.store.GetApplication(ctx, orgID, applicationID)
		if err != nil {
			return err
		}
		if app.State != AppInReview {
			return invalid("state", string(app.State), "M-11", "only an application in review is carried out")
		}
		op, err := fn(app.Clone())
		if err != nil {
			return err
		}
		app.Operation, app.UpdatedAt = op.Clone(), s.clock()
		if err := s.store.UpdateApplication(ctx, app); err != nil {
			return err
		}
		app.Version++
		out = app
		return nil
	})
	return out, err
}
