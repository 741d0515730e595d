package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

const applicationColumns = `id, org_id, kind, state, account_id, project_id, details, submitted_by, reviewed_by,
	reason, operation, created_at, updated_at, version`

func scanApplication(r sqldb.Row) (members.Application, error) {
	var (
		a  members.Application
		op sql.NullString
	)
	err := r.Scan(&a.ID, &a.OrgID, &a.Kind, &a.State, &a.AccountID, &a.ProjectID, &a.Details,
		&a.SubmittedBy, &a.ReviewedBy, &a.Reason, &op, sqldb.ScanTime(&a.CreatedAt), sqldb.ScanTime(&a.UpdatedAt), &a.Version)
	if err == nil && op.Valid {
		a.Operation = &members.Operation{}
		if err := json.Unmarshal([]byte(op.String), a.Operation); err != nil {
			return a, fmt.Errorf("application %s: its stored operation: %w", a.ID, err)
		}
	}
	return a, err
}

// operationArg is the database value of an operation: JSON, or NULL for none.
func operationArg(o *members.Operation) (any, error) {
	if o == nil {
		return nil, nil
	}
	b, err := json.Marshal(o)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// CreateApplication implements members.Store.
func (s *Store) CreateApplication(ctx context.Context, a members.Application) error {
	op, err := operationArg(a.Operation)
	if err != nil {
		return err
	}
	err = s.insert(ctx, "application", a.ID, a.OrgID, `INSERT INTO applications (`+applicationColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1)`,
		a.ID, a.OrgID, string(a.Kind), string(a.State), a.AccountID, a.ProjectID, a.Details,
		a.SubmittedBy, a.ReviewedBy, a.Reason, op, sqldb.TimeArg(a.CreatedAt), sqldb.TimeArg(a.UpdatedAt))
	return errs.Map(err, "application", a.ID)
}

// GetApplication implements members.Store.
func (s *Store) GetApplication(ctx context.Context, orgID, applicationID string) (members.Application, error) {
	a, err := scanApplication(s.q(ctx).QueryRowContext(ctx,
		`SELECT `+applicationColumns+` FROM applications WHERE org_id = $1 AND id = $2`, orgID, applicationID))
	return a, errs.Map(err, "application", applicationID)
}

// ListApplications implements members.Store.
func (s *Store) ListApplications(ctx context.Context, orgID string, pg resellerkit.Page) ([]members.Application, string, error) {
	l, next, err := sqldb.Page(ctx, s.q(ctx), pg, scanApplication, func(a members.Application) string { return a.ID },
		`SELECT `+applicationColumns+` FROM applications WHERE org_id = $1 AND id`+s.c+` > $2 ORDER BY id`+s.c+` LIMIT $3`, orgID)
	return l, next, errs.Map(err, "applications of organization", orgID)
}

// UpdateApplication implements members.Store.
func (s *Store) UpdateApplication(ctx context.Context, a members.Application) error {
	op, err := operationArg(a.Operation)
	if err != nil {
		return err
	}
	err = s.db.Write(ctx, func(ctx context.Context, q sqldb.Querier) error {
		n, err := sqldb.Exec(ctx, q, `UPDATE applications
			SET state = $1, reviewed_by = $2, reason = $3, operation = $4, updated_at = $5, version = version + 1
			WHERE org_id = $6 AND id = $7 AND version = $8`,
			string(a.State), a.ReviewedBy, a.Reason, op, sqldb.TimeArg(a.UpdatedAt), a.OrgID, a.ID, a.Version)
		if err != nil {
			return err
		}
		return errs.CheckVersion(ctx, q, n, "application", a.ID, a.Version,
			`SELECT version FROM applications WHERE org_id = $1 AND id = $2`, a.OrgID, a.ID)
	})
	return errs.Map(err, "application", a.ID)
}
