package members

import (
	"context"
	"fmt"
	"slices"

	"github.com/seeda33a2f4f/resellerkit"
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
// ErrAlreadyExists for an id held anywhere reveals nothing to customers.
func (s *Service) RegisterAccount(ctx context.Context, p Principal, orgID string, in NewAccount) (Account, error) {
	if err := ValidateAccountID("id", in.ID); err != nil {
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
		Ownership: []Ownership{{ProjectID: in.ProjectID, From: resellerkit.MonthOf(now)}},
		CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	err = s.inTx(ctx, p, orgID, PermOperator, func(ctx context.Context, _ Organization) error {
		if _, err := s.store.GetProject(ctx, orgID, in.ProjectID); err != nil {
			return fmt.Errorf("project_id %q: %w", resellerkit.Truncate(in.ProjectID), err)
		}
		return s.store.CreateAccount(ctx, a)
	})
	if err != nil {
		return Account{}, err
	}
	return a, nil
}

// GetAccount returns an account of orgID with its ownership history. Needs
// account.view.
func (s *Service) GetAccount(ctx context.Context, p Principal, orgID, accountID string) (Account, error) {
	if _, _, err := s.authorize(ctx, p, orgID, PermAccountView); err != nil {
		return Account{}, err
	}
	return s.store.GetAccount(ctx, orgID, accountID)
}

// ListAccounts returns a page of the accounts of orgID ordered by id. Needs
// account.view.
func (s *Service) ListAccounts(ctx context.Context, p Principal, orgID string, page resellerkit.Page) ([]Account, string, error) {
	return list(ctx, s, p, orgID, PermAccountView, page, s.store.ListAccounts)
}

// MoveAccount moves an account to another project of the same organization from the
// next UTC month on (M-3): the current month stays billed to the current owner. A
// pending move is replaced; moving back to the current owner cancels it; a move that
// changes nothing writes nothing. A project of another organization is ErrNotFound,
// like a missing one. Needs org.edit. version is the account version the caller
// read; it is required (below 1 is a *resellerkit.ValidationError on field
// "version", M-3).
func (s *Service) MoveAccount(ctx context.Context, p Principal, orgID, accountID, toProjectID string, version int64) (Account, error) {
	var out Account
	err := s.inTx(ctx, p, orgID, PermOrgEdit, func(ctx context.Context, _ Organization) error {
		a, err := s.store.GetAccount(ctx, orgID, accountID)
		if err != nil {
			return err
		}
		if err := versionOK(version, a.Version, "account", accountID, "M-3"); err != nil {
			return err
		}
		if _, err := s.store.GetProject(ctx, orgID, toProjectID); err != nil {
			return fmt.Errorf("project_id %q (M-3): %w", resellerkit.Truncate(toProjectID), err)
		}
		now := s.clock()
		this := resellerkit.MonthOf(now)
		next := this.Next()
		if !a.ClosedFrom.IsZero() && !a.ClosedFrom.After(next) {
			return invalid("account_id", accountID, "M-11", "the account is closed")
		}
		moved := a.Clone()
		moved.Ownership = slices.DeleteFunc(moved.Ownership, func(o Ownership) bool { return !o.From.Before(next) })
		if cur, _ := moved.ProjectAt(this); cur != toProjectID || len(moved.Ownership) == 0 {
			moved.Ownership = append(moved.Ownership, Ownership{ProjectID: toProjectID, From: next})
		}
		if slices.Equal(moved.Ownership, a.Ownership) {
			out = a
			return nil
		}
		moved.UpdatedAt = now
		if err := s.store.UpdateAccount(ctx, moved); err != nil {
			return err
		}
		moved.Version++
		out = moved
		return nil
	})
	return out, err
}

// AccountOwner is the answer of ProjectOwning.
type AccountOwner struct {
	OrgID     string
	ProjectID string
}

// ProjectOwning answers "which organization and project owned account X in month
// m" (M-3: the project owning it at that month's end is billed the whole month) for
// system callers that start from an account id, such as routing a security finding
// or a charge alarm. The monthly invoicing job asks BilledProjects instead. ErrNotFound for an unknown account or a month it was not billed (before
// registration, or from its closure on, M-11). System operation: it takes no
// principal and must not be exposed to customers unfiltered.
func (s *Service) ProjectOwning(ctx context.Context, accountID string, m resellerkit.Month) (AccountOwner, error) {
	a, err := s.store.FindAccount(ctx, accountID)
	if err != nil {
		return AccountOwner{}, err
	}
	proj, ok := a.ProjectAt(m)
	if !ok {
		return AccountOwner{}, fmt.Errorf("%w: account %s is not billed in %s", ErrNotFound, accountID, m)
	}
	return AccountOwner{OrgID: a.OrgID, ProjectID: proj}, nil
}

// BilledProject is a project with the accounts it is billed for in one month (M-2,
// M-3): the answer of BilledProjects.
type BilledProject struct {
	Project Project
	// OrgName is the name of the project's organization: who its invoices are
	// addressed to.
	OrgName  string
	Accounts []string // ordered by id
}

// BilledProjects returns, across every organization, each project that owns at
// least one account in month m, with those accounts (M-3: the project owning an
// account at the month's end is billed the whole month; an account closed before m
// is in none, M-11). Projects come ordered by organization id then project id.
//
// It reads page by page, outside any transaction, so the invoicing job never holds
// the database's write lock (SQLite) nor makes portal writes fail (PostgreSQL).
// That is consistent for the month being invoiced: ownership changes take effect
// from the next month, so once a month has ended its answer never changes; for the
// running month an account registered meanwhile may or may not be included. System
// operation (the monthly invoicing job): it takes no principal and must not be
// exposed to customers.
func (s *Service) BilledProjects(ctx context.Context, m resellerkit.Month) ([]BilledProject, error) {
	orgs, err := resellerkit.All(func(pg resellerkit.Page) ([]Organization, string, error) {
		return s.store.ListOrganizations(ctx, pg)
	})
	if err != nil {
		return nil, err
	}
	var out []BilledProject
	for _, org := range orgs {
		bps, err := s.billedOf(ctx, org, m)
		if err != nil {
			return nil, err
		}
		out = append(out, bps...)
	}
	return out, nil
}

// AccountDetails is members' own bulk edit (M-10) of the customer-editable account
// attributes: a nil field is left alone, a set one overwrites the old value on every
// account (M-10 overwrites, never merges).
type AccountDetails struct {
	Name   *string
	Labels *[]string
}

// validate checks the edit's values and returns the labels normalized.
func (e AccountDetails) validate() ([]string, error) {
	if e.Name == nil && e.Labels == nil {
		return nil, invalid("edit", "", "M-10", "sets no field")
	}
	if e.Name != nil {
		if err := validateText("name", "M-10", *e.Name, false); err != nil {
			return nil, err
		}
	}
	if e.Labels == nil {
		return nil, nil
	}
	return validateLabels(*e.Labels)
}

// BulkEditAccounts applies e to every listed account of orgID in one transaction
// (M-10) and returns the accounts in the order given. Needs contacts.edit (the right
// to maintain customer-editable account attributes). All or nothing, as
// EditAccounts; an account the edit leaves unchanged keeps its version.
func (s *Service) BulkEditAccounts(ctx context.Context, p Principal, orgID string, accountIDs []string, e AccountDetails) ([]Account, error) {
	labels, err := e.validate()
	if err != nil {
		return nil, err
	}
	var out []Account
	err = s.EditAccounts(ctx, p, orgID, accountIDs, PermContactsEdit, func(ctx context.Context, accounts []Account) error {
		out = make([]Account, 0, len(accounts))
		now := s.clock()
		for _, a := range accounts {
			b := a.Clone()
			if e.Name != nil {
				b.Name = *e.Name
			}
			if e.Labels != nil {
				b.Labels = labels
			}
			if b.Name != a.Name || !slices.Equal(b.Labels, a.Labels) {
				b.UpdatedAt = now
				if err := s.store.UpdateAccount(ctx, b); err != nil {
					return fmt.Errorf("bulk edit (M-10), account %q: %w", a.ID, err)
				}
				b.Version++
			}
			out = append(out, b)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AccountEditPermissions returns the permissions a bulk edit may require: the
// rights to edit customer-maintained account attributes (M-5). EditAccounts refuses
// any other, the empty permission ("any member") and PermUserManage included.
func AccountEditPermissions() []Permission {
	return []Permission{PermContactsEdit, PermSecurityEdit}
}

// EditAccounts is the bulk edit (M-10) every package builds its own on (contacts
// for recipients, language and phones; security for settings). In one store
// transaction it authorizes p for need in orgID (M-7, M-6, M-5), loads every listed
// account, which must be one of orgID's, and calls apply with those accounts (in
// the order given) and the transaction's context. apply makes the package's own
// change for exactly those accounts, through its own store with that context: on a
// database shared through package sqldb (or in memory, memdb) its writes are part of
// the same transaction, so the authorization holds at the moment of the write and a
// failure anywhere changes nothing anywhere.
//
// It is all-or-nothing: an empty list, more than MaxBulkAccounts ids, an id listed
// twice, an invalid id, an account of another organization (reported like an
// unknown one), a missing permission or an error from apply fails the whole batch.
// need must be one of AccountEditPermissions. The store may run the transaction
// more than once, so apply must reset what it captures and have no effect outside
// the transaction.
func (s *Service) EditAccounts(ctx context.Context, p Principal, orgID string, accountIDs []string, need Permission,
	apply func(ctx context.Context, accounts []Account) error) error {
	if apply == nil {
		return invalid("edit", "", "M-10", "is required")
	}
	if !slices.Contains(AccountEditPermissions(), need) {
		return invalid("edit.permission", string(need), "M-10", "an account edit must require contacts.edit or security.edit")
	}
	if err := checkAccountIDs(accountIDs); err != nil {
		return err
	}
	return s.inTx(ctx, p, orgID, need, func(ctx context.Context, _ Organization) error {
		accounts := make([]Account, len(accountIDs))
		for i, id := range accountIDs {
			a, err := s.store.GetAccount(ctx, orgID, id)
			switch {
			case err != nil && len(accountIDs) == 1:
				return fmt.Errorf("account %q: %w", id, err) // an edit of one account, which need not be a bulk edit
			case err != nil:
				return fmt.Errorf("bulk edit (M-10), account_ids[%d] %q: %w", i, id, err)
			}
			accounts[i] = a
		}
		return apply(ctx, accounts)
	})
}
