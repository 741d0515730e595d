package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

const accountColumns = `id, org_id, name, labels, closed_from, created_at, updated_at, version`

func scanAccount(r sqldb.Row) (members.Account, error) {
	var a members.Account
	err := r.Scan(&a.ID, &a.OrgID, &a.Name, sqldb.ScanList(&a.Labels),
		sqldb.ScanMonth(&a.ClosedFrom), sqldb.ScanTime(&a.CreatedAt), sqldb.ScanTime(&a.UpdatedAt), &a.Version)
	return a, err
}

type ownershipRow struct {
	accountID string
	o         members.Ownership
}

func scanOwnership(r sqldb.Row) (ownershipRow, error) {
	var row ownershipRow
	err := r.Scan(&row.accountID, &row.o.ProjectID, sqldb.ScanMonth(&row.o.From))
	return row, err
}

// withOwnership loads the ownership history of the accounts selected by
// where (a condition on table alias a, with args) into accts, which must be
// those same accounts.
func withOwnership(ctx context.Context, q sqldb.Querier, accts []members.Account, where string, args ...any) error {
	if len(accts) == 0 {
		return nil
	}
	rows, err := sqldb.Collect(ctx, q, scanOwnership, `SELECT o.account_id, o.project_id, o.from_month
		FROM account_ownership o JOIN accounts a ON a.id = o.account_id
		WHERE `+where+` ORDER BY o.account_id, o.from_month`, args...)
	if err != nil {
		return err
	}
	byID := make(map[string]int, len(accts))
	for i, a := range accts {
		byID[a.ID] = i
	}
	for _, r := range rows {
		if i, ok := byID[r.accountID]; ok {
			accts[i].Ownership = append(accts[i].Ownership, r.o)
		}
	}
	return nil
}

// checkOwners reports ErrInvalid unless a's ownership months increase, and
// ErrNotFound unless every project the history names is a project of a.OrgID (M-3,
// M-7). Callers run it before any write, so a failing call changes nothing even
// inside a joined transaction.
func checkOwners(ctx context.Context, q sqldb.Querier, a members.Account) error {
	if err := members.CheckOwnership(a); err != nil {
		return err
	}
	for _, o := range a.Ownership {
		if err := errs.Require(ctx, q, "project", o.ProjectID,
			`SELECT 1 FROM projects WHERE org_id = $1 AND id = $2`, a.OrgID, o.ProjectID); err != nil {
			return err
		}
	}
	return nil
}

// checkOrg reports ErrNotFound if organization orgID does not exist.
func checkOrg(ctx context.Context, q sqldb.Querier, orgID string) error {
	return errs.Require(ctx, q, "organization", orgID, `SELECT 1 FROM organizations WHERE id = $1`, orgID)
}

// insertOwnership stores a's ownership history (checked by checkOwners).
func insertOwnership(ctx context.Context, q sqldb.Querier, a members.Account) error {
	for _, o := range a.Ownership {
		if _, err := q.ExecContext(ctx,
			`INSERT INTO account_ownership (account_id, from_month, project_id) VALUES ($1, $2, $3)`,
			a.ID, sqldb.MonthArg(o.From), o.ProjectID); err != nil {
			return err
		}
	}
	return nil
}

// CreateAccount implements members.Store.
func (s *Store) CreateAccount(ctx context.Context, a members.Account) error {
	err := s.db.Write(ctx, func(ctx context.Context, q sqldb.Querier) error {
		if err := checkOrg(ctx, q, a.OrgID); err != nil {
			return err
		}
		if err := checkOwners(ctx, q, a); err != nil {
			return err
		}
		if err := errs.Insert(ctx, q, "account", a.ID, `INSERT INTO accounts (`+accountColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 1)`,
			a.ID, a.OrgID, a.Name, sqldb.ListArg(a.Labels), sqldb.MonthArg(a.ClosedFrom),
			sqldb.TimeArg(a.CreatedAt), sqldb.TimeArg(a.UpdatedAt)); err != nil {
			return err
		}
		return insertOwnership(ctx, q, a)
	})
	return errs.Map(err, "account", a.ID)
}

func (s *Store) getAccount(ctx context.Context, where string, args ...any) (members.Account, error) {
	var a members.Account
	err := s.db.ReadTx(ctx, func(ctx context.Context) error {
		q := s.q(ctx)
		var err error
		a, err = scanAccount(q.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts a WHERE `+where, args...))
		if err != nil {
			return err
		}
		accts := []members.Account{a}
		if err := withOwnership(ctx, q, accts, where, args...); err != nil {
			return err
		}
		a = accts[0]
		return nil
	})
	return a, err
}

// GetAccount implements members.Store.
func (s *Store) GetAccount(ctx context.Context, orgID, accountID string) (members.Account, error) {
	a, err := s.getAccount(ctx, `a.org_id = $1 AND a.id = $2`, orgID, accountID)
	return a, errs.Map(err, "account", accountID)
}

// FindAccount implements members.Store. Unscoped (trusted system callers only).
func (s *Store) FindAccount(ctx context.Context, accountID string) (members.Account, error) {
	a, err := s.getAccount(ctx, `a.id = $1`, accountID)
	return a, errs.Map(err, "account", accountID)
}

// ListAccounts implements members.Store: one keyset page of accounts, then the
// ownership history of exactly those accounts.
func (s *Store) ListAccounts(ctx context.Context, orgID string, pg resellerkit.Page) ([]members.Account, string, error) {
	var accts []members.Account
	var next string
	err := s.db.ReadTx(ctx, func(ctx context.Context) error {
		q := s.q(ctx)
		var err error
		accts, next, err = sqldb.Page(ctx, q, pg, scanAccount, func(a members.Account) string { return a.ID },
			`SELECT `+accountColumns+` FROM accounts a WHERE a.org_id = $1 AND a.id`+s.c+` > $2 ORDER BY a.id`+s.c+` LIMIT $3`, orgID)
		if err != nil || len(accts) == 0 {
			return err
		}
		return withOwnership(ctx, q, accts, `a.org_id = $1 AND a.id`+s.c+` >= $2 AND a.id`+s.c+` <= $3`,
			orgID, accts[0].ID, accts[len(accts)-1].ID)
	})
	return accts, next, errs.Map(err, "accounts of organization", orgID)
}

// UpdateAccount implements members.Store.
func (s *Store) UpdateAccount(ctx context.Context, a members.Account) error {
	err := s.db.Write(ctx, func(ctx context.Context, q sqldb.Querier) error {
		// Check the version and the owners before writing anything, so a
		// failing call changes nothing inside a joined transaction either.
		var cur int64
		switch err := q.QueryRowContext(ctx, `SELECT version FROM accounts WHERE org_id = $1 AND id = $2`, a.OrgID, a.ID).Scan(&cur); {
		case errors.Is(err, sql.ErrNoRows):
			return errs.Missing("account", a.ID)
		case err != nil:
			return err
		case cur != a.Version:
			return fmt.Errorf("%w: account %q: stale version %d, current is %d", members.ErrConflict, a.ID, a.Version, cur)
		}
		if err := checkOwners(ctx, q, a); err != nil {
			return err
		}
		n, err := sqldb.Exec(ctx, q, `UPDATE accounts
			SET name = $1, labels = $2, closed_from = $3, updated_at = $4, version = version + 1
			WHERE org_id = $5 AND id = $6 AND version = $7`,
			a.Name, sqldb.ListArg(a.Labels), sqldb.MonthArg(a.ClosedFrom), sqldb.TimeArg(a.UpdatedAt), a.OrgID, a.ID, a.Version)
		if err != nil {
			return err
		}
		if err := errs.CheckVersion(ctx, q, n, "account", a.ID, a.Version,
			`SELECT version FROM accounts WHERE org_id = $1 AND id = $2`, a.OrgID, a.ID); err != nil {
			return err
		}
		if _, err := q.ExecContext(ctx, `DELETE FROM account_ownership WHERE account_id = $1`, a.ID); err != nil {
			return err
		}
		return insertOwnership(ctx, q, a)
	})
	return errs.Map(err, "account", a.ID)
}
