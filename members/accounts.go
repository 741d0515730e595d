package members

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// NewAccount is the input of RegisterAccount.
type NewAccount struct {
	ID        string // 12 digits
	ProjectID string // the owning project from the current UTC month
	Name      string
	Labels    []string
}

// RegisterAccount records an AWS account of orgID owned by in.ProjectID from the
// current UTC month (M-3). Only reseller operators register accounts (accounts come
// from the reseller's payer; customers ask through applications, M-11), so the
// ErrConflict for an id held anywhere reveals nothing to customers.
func (s *Service) RegisterAccount(ctx context.Context, p Principal, orgID string, in NewAccount) (Account, error) {
	if _, _, err := s.authorize(ctx, s.store, p, orgID, PermOrgEdit); err != nil {
		return Account{}, err
	}
	if !p.Operator {
		return Account{}, fmt.Errorf("%w: only reseller operators register accounts", ErrPermissionDenied)
	}
	if err := ValidateAccountID(in.ID); err != nil {
		return Account{}, err
	}
	if err := validateText("name", "M-3", in.Name, false); err != nil {
		return Account{}, err
	}
	labels, err := validateLabels(in.Labels)
	if err != nil {
		return Account{}, err
	}
	now := s.clock()
	a := Account{
		ID: in.ID, OrgID: orgID, Name: in.Name, Labels: labels,
		Ownership: []Ownership{{ProjectID: in.ProjectID, From: MonthStart(now)}},
		CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	err = s.store.InTx(ctx, func(tx Store) error {
		if _, _, err := s.authorize(ctx, tx, p, orgID, PermOrgEdit); err != nil {
			return err
		}
		if _, err := tx.GetProject(ctx, orgID, in.ProjectID); err != nil {
			return err
		}
		return tx.CreateAccount(ctx, a)
	})
	if err != nil {
		return Account{}, err
	}
	return a, nil
}

// GetAccount returns an account of orgID with its ownership history. Needs
// account.view.
func (s *Service) GetAccount(ctx context.Context, p Principal, orgID, accountID string) (Account, error) {
	if _, _, err := s.authorize(ctx, s.store, p, orgID, PermAccountView); err != nil {
		return Account{}, err
	}
	return s.store.GetAccount(ctx, orgID, accountID)
}

// ListAccounts returns the accounts of orgID ordered by id. Needs account.view.
func (s *Service) ListAccounts(ctx context.Context, p Principal, orgID string) ([]Account, error) {
	if _, _, err := s.authorize(ctx, s.store, p, orgID, PermAccountView); err != nil {
		return nil, err
	}
	return s.store.ListAccounts(ctx, orgID)
}

// MoveAccount moves an account to another project of the same organization from the
// next UTC month on (M-3): the current month stays billed to the current owner. A
// pending move is replaced; moving back to the current owner cancels it. A project of
// another organization is ErrNotFound, like a missing one. Needs org.edit. version is
// the account version the caller read; it is required (below 1 is a *ValidationError
// on field "version", M-3).
func (s *Service) MoveAccount(ctx context.Context, p Principal, orgID, accountID, toProjectID string, version int64) (Account, error) {
	if _, _, err := s.authorize(ctx, s.store, p, orgID, PermOrgEdit); err != nil {
		return Account{}, err
	}
	var out Account
	err := s.store.InTx(ctx, func(tx Store) error {
		if _, _, err := s.authorize(ctx, tx, p, orgID, PermOrgEdit); err != nil {
			return err
		}
		a, err := tx.GetAccount(ctx, orgID, accountID)
		if err != nil {
			return err
		}
		if err := versionOK(version, a.Version, "account", accountID, "M-3"); err != nil {
			return err
		}
		if _, err := tx.GetProject(ctx, orgID, toProjectID); err != nil {
			return fmt.Errorf("move to project %q (M-3): %w", toProjectID, err)
		}
		now := s.clock()
		next := MonthStart(now).AddDate(0, 1, 0)
		if !a.ClosedFrom.IsZero() && !a.ClosedFrom.After(next) {
			return invalid("account_id", accountID, "M-11", "the account is closed")
		}
		a.Ownership = slices.DeleteFunc(a.Ownership, func(o Ownership) bool { return !o.From.Before(next) })
		if cur, _ := a.ProjectAt(now); cur != toProjectID || len(a.Ownership) == 0 {
			a.Ownership = append(a.Ownership, Ownership{ProjectID: toProjectID, From: next})
		}
		a.UpdatedAt = now
		if err := tx.UpdateAccount(ctx, a); err != nil {
			return err
		}
		a.Version++
		out = a
		return nil
	})
	return out, err
}

// AccountOwner is the answer of ProjectOwning.
type AccountOwner struct {
	OrgID     string
	ProjectID string
}

// ProjectOwning answers billing's question "which project owned account X in the UTC
// month containing period" (M-3): the project owning it at that month's end, which is
// billed the whole month. ErrNotFound for an unknown account or a month it was not
// billed (before registration, or from its closure on, M-11). System operation: it
// takes no principal and must not be exposed to customers unfiltered.
func (s *Service) ProjectOwning(ctx context.Context, accountID string, period time.Time) (AccountOwner, error) {
	a, err := s.store.FindAccount(ctx, accountID)
	if err != nil {
		return AccountOwner{}, err
	}
	proj, ok := a.ProjectAt(period)
	if !ok {
		return AccountOwner{}, fmt.Errorf("%w: account %s is not billed in %s", ErrNotFound, accountID, MonthStart(period).Format("2006-01"))
	}
	return AccountOwner{OrgID: a.OrgID, ProjectID: proj}, nil
}

// AccountEdit is one change that BulkEditAccounts applies to many accounts (M-10).
// The contacts package adds edits of its own fields by implementing it; this package
// provides SetAccountDetails.
//
// BulkEditAccounts does not trust an AccountEdit (M-7): Permission must be one of
// AccountEditPermissions, and Apply may change only the customer-editable attributes
// (Name, Labels). An Apply that changes ID, OrgID, Ownership, ClosedFrom, CreatedAt,
// UpdatedAt or Version fails the whole batch with a *ValidationError.
type AccountEdit interface {
	// Permission is what the caller needs on the organization to make the edit; it
	// must be one of AccountEditPermissions.
	Permission() Permission
	// Validate checks the edit's values without I/O; errors are *ValidationError.
	Validate() error
	// Apply overwrites fields of a (M-10 overwrites, never merges). An error rejects
	// the account and with it the whole batch.
	Apply(a *Account) error
}

// SetAccountDetails is the AccountEdit of the fields members owns: a nil field is left
// alone, a set one overwrites the old value (M-10). It needs contacts.edit, the right
// to maintain customer-editable account attributes.
type SetAccountDetails struct {
	Name   *string
	Labels *[]string
}

// Permission implements AccountEdit.
func (e SetAccountDetails) Permission() Permission { return PermContactsEdit }

// Validate implements AccountEdit.
func (e SetAccountDetails) Validate() error {
	if e.Name == nil && e.Labels == nil {
		return invalid("edit", "", "M-10", "sets no field")
	}
	if e.Name != nil {
		if err := validateText("name", "M-10", *e.Name, false); err != nil {
			return err
		}
	}
	if e.Labels != nil {
		if _, err := validateLabels(*e.Labels); err != nil {
			return err
		}
	}
	return nil
}

// Apply implements AccountEdit.
func (e SetAccountDetails) Apply(a *Account) error {
	if e.Name != nil {
		a.Name = *e.Name
	}
	if e.Labels != nil {
		a.Labels, _ = validateLabels(*e.Labels)
	}
	return nil
}

// AccountEditPermissions returns the permissions an AccountEdit may require: the
// rights to edit customer-maintained account attributes (M-5). Anything else, the
// empty permission ("any member") and PermUserManage included, is rejected by
// BulkEditAccounts.
func AccountEditPermissions() []Permission {
	return []Permission{PermContactsEdit, PermSecurityEdit}
}

// editPermission returns edit's permission if it is on the allowlist.
func editPermission(edit AccountEdit) (Permission, error) {
	need := edit.Permission()
	if !slices.Contains(AccountEditPermissions(), need) {
		return "", invalid("edit.permission", string(need), "M-10", "an account edit must require contacts.edit or security.edit")
	}
	return need, nil
}

// protectedChange names the first field outside an AccountEdit's reach that differs
// between before and after, or returns "".
func protectedChange(before, after Account) string {
	switch {
	case after.ID != before.ID:
		return "id"
	case after.OrgID != before.OrgID:
		return "org_id"
	case !slices.EqualFunc(before.Ownership, after.Ownership, func(a, b Ownership) bool {
		return a.ProjectID == b.ProjectID && a.From.Equal(b.From)
	}):
		return "ownership"
	case !after.ClosedFrom.Equal(before.ClosedFrom):
		return "closed_from"
	case !after.CreatedAt.Equal(before.CreatedAt):
		return "created_at"
	case !after.UpdatedAt.Equal(before.UpdatedAt):
		return "updated_at"
	case after.Version != before.Version:
		return "version"
	}
	return ""
}

// BulkEditAccounts applies edit to every listed account of orgID in one store
// transaction (M-10). It is all-or-nothing: an invalid value, an unknown id, an
// account of another organization (reported like an unknown one) or a missing
// permission fails the whole batch and changes nothing. It returns the updated
// accounts in the order given.
func (s *Service) BulkEditAccounts(ctx context.Context, p Principal, orgID string, accountIDs []string, edit AccountEdit) ([]Account, error) {
	if edit == nil {
		return nil, invalid("edit", "", "M-10", "is required")
	}
	need, err := editPermission(edit)
	if err != nil {
		return nil, err
	}
	if _, _, err := s.authorize(ctx, s.store, p, orgID, need); err != nil {
		return nil, err
	}
	if err := checkIDList(accountIDs); err != nil {
		return nil, err
	}
	if err := edit.Validate(); err != nil {
		return nil, err
	}
	var out []Account
	err = s.store.InTx(ctx, func(tx Store) error {
		// Re-check inside the transaction: the membership may have changed.
		if _, _, err := s.authorize(ctx, tx, p, orgID, need); err != nil {
			return err
		}
		now := s.clock()
		out = make([]Account, 0, len(accountIDs))
		for _, id := range accountIDs {
			a, err := tx.GetAccount(ctx, orgID, id)
			if err != nil {
				return fmt.Errorf("bulk edit (M-10), account %q: %w", id, err)
			}
			before := a.Clone()
			if err := edit.Apply(&a); err != nil {
				return fmt.Errorf("bulk edit (M-10), account %q: %w", id, err)
			}
			if f := protectedChange(before, a); f != "" {
				return fmt.Errorf("bulk edit (M-10), account %q: %w", id,
					invalid(f, id, "M-7", "an account edit may change only name and labels"))
			}
			a.UpdatedAt = now
			if err := tx.UpdateAccount(ctx, a); err != nil {
				return fmt.Errorf("bulk edit (M-10), account %q: %w", id, err)
			}
			a.Version++
			out = append(out, a)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AuthorizeAccounts checks, all-or-nothing, that p holds need in orgID and that every
// listed account exists there (M-7, M-10). Packages that keep per-account data in
// their own store (contacts, security) call it before their own bulk transaction.
func (s *Service) AuthorizeAccounts(ctx context.Context, p Principal, orgID string, accountIDs []string, need Permission) error {
	if _, _, err := s.authorize(ctx, s.store, p, orgID, need); err != nil {
		return err
	}
	if err := checkIDList(accountIDs); err != nil {
		return err
	}
	for _, id := range accountIDs {
		if _, err := s.store.GetAccount(ctx, orgID, id); err != nil {
			return fmt.Errorf("account %q: %w", id, err)
		}
	}
	return nil
}

func checkIDList(ids []string) error {
	if len(ids) == 0 {
		return invalid("account_ids", "", "M-10", "lists no account")
	}
	for i, id := range ids {
		if err := ValidateAccountID(id); err != nil {
			var ve *ValidationError
			if errors.As(err, &ve) {
				ve.Field = fmt.Sprintf("account_ids[%d]", i)
			}
			return err
		}
		if slices.Index(ids, id) != i {
			return invalid(fmt.Sprintf("account_ids[%d]", i), id, "M-10", "is listed twice")
		}
	}
	return nil
}
