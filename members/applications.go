package members

import (
	"context"
	"fmt"
)

// NewApplication is the input of SubmitApplication (M-11). Which fields are needed
// depends on Kind: AccountID (an account of the organization) for closure and change
// of owner; AccountID (any 12-digit id) for transfer-in; ProjectID for a new account;
// Details (the project's name) for project creation.
type NewApplication struct {
	Kind      ApplicationKind
	AccountID string
	ProjectID string
	Details   string
}

// SubmitApplication files an application of orgID (M-11). Needs application.submit.
func (s *Service) SubmitApplication(ctx context.Context, p Principal, orgID string, in NewApplication) (Application, error) {
	if _, _, err := s.authorize(ctx, s.store, p, orgID, PermApplicationSubmit); err != nil {
		return Application{}, err
	}
	if !in.Kind.Valid() {
		return Application{}, invalid("kind", string(in.Kind), "M-11", "unknown application kind")
	}
	if err := validateText("details", "M-11", in.Details, in.Kind == AppProjectCreation); err != nil {
		return Application{}, err
	}
	switch in.Kind {
	case AppAccountClosure, AppOwnerChange, AppAccountTransferIn:
		if err := ValidateAccountID(in.AccountID); err != nil {
			return Application{}, err
		}
	case AppNewAccount:
		if in.ProjectID == "" {
			return Application{}, invalid("project_id", "", "M-11", "is required for a new account")
		}
	}
	now := s.clock()
	app := Application{
		ID: s.newID(), OrgID: orgID, Kind: in.Kind, State: AppSubmitted, AccountID: in.AccountID,
		ProjectID: in.ProjectID, Details: in.Details, SubmittedBy: p.IdentityID, CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	err := s.store.InTx(ctx, func(tx Store) error {
		if _, _, err := s.authorize(ctx, tx, p, orgID, PermApplicationSubmit); err != nil {
			return err
		}
		switch in.Kind {
		case AppAccountClosure, AppOwnerChange:
			a, err := tx.GetAccount(ctx, orgID, in.AccountID)
			if err != nil {
				return err
			}
			if !a.ClosedFrom.IsZero() {
				return invalid("account_id", in.AccountID, "M-11", "the account is already closed")
			}
		case AppNewAccount:
			if _, err := tx.GetProject(ctx, orgID, in.ProjectID); err != nil {
				return err
			}
		}
		return tx.CreateApplication(ctx, app)
	})
	if err != nil {
		return Application{}, err
	}
	return app, nil
}

// GetApplication returns an application of orgID. Needs application.submit.
func (s *Service) GetApplication(ctx context.Context, p Principal, orgID, applicationID string) (Application, error) {
	if _, _, err := s.authorize(ctx, s.store, p, orgID, PermApplicationSubmit); err != nil {
		return Application{}, err
	}
	return s.store.GetApplication(ctx, orgID, applicationID)
}

// ListApplications returns the applications of orgID ordered by id. Needs
// application.submit.
func (s *Service) ListApplications(ctx context.Context, p Principal, orgID string) ([]Application, error) {
	if _, _, err := s.authorize(ctx, s.store, p, orgID, PermApplicationSubmit); err != nil {
		return nil, err
	}
	return s.store.ListApplications(ctx, orgID)
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
	err := s.store.InTx(ctx, func(tx Store) error {
		need := PermApplicationSubmit
		if act != ActionCancel {
			need = "" // operators only, checked below
		}
		if _, _, err := s.authorize(ctx, tx, p, orgID, need); err != nil {
			return err
		}
		if act != ActionCancel && !p.Operator {
			return fmt.Errorf("%w: only reseller operators %s applications", ErrPermissionDenied, act)
		}
		app, err := tx.GetApplication(ctx, orgID, applicationID)
		if err != nil {
			return err
		}
		if act == ActionCancel && (p.Operator || app.SubmittedBy != p.IdentityID) {
			return fmt.Errorf("%w: only the applicant cancels an application", ErrPermissionDenied)
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
			a, err := tx.GetAccount(ctx, orgID, app.AccountID)
			if err != nil {
				return err
			}
			if end := MonthStart(now).AddDate(0, 1, 0); a.ClosedFrom.IsZero() || a.ClosedFrom.After(end) {
				a.ClosedFrom, a.UpdatedAt = end, now
				if err := tx.UpdateAccount(ctx, a); err != nil {
					return err
				}
			}
		}
		if err := tx.UpdateApplication(ctx, app); err != nil {
			return err
		}
		app.Version++
		out = app
		return nil
	})
	return out, err
}
