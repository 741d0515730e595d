package sqlstore

import (
	"context"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

const applicationColumns = `id, org_id, kind, state, account_id, project_id, details, submitted_by, reviewed_by,
	reason, created_at, updated_at, version`

func scanApplication(r sqldb.Row) (members.Application, error) {
	var a members.Application
	err := r.Scan(&a.ID, &a.OrgID, &a.Kind, &a.State, &a.AccountID, &a.ProjectID, &a.Details,
		&a.SubmittedBy, &a.ReviewedBy, &a.Reason, sqldb.ScanTime(&a.CreatedAt), sqldb.ScanTime(&a.UpdatedAt), &a.Version)
	return a, err
}

// CreateApplication implements members.Store.
func (s *Store) CreateApplication(ctx context.Context, a members.Application) error {
	err := s.insert(ctx, "application", a.ID, a.OrgID, `INSERT INTO applications (`+applicationColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1)`,
		a.ID, a.OrgID, string(a.Kind), string(a.State), a.AccountID, a.ProjectID, a.Details,
		a.SubmittedBy, a.ReviewedBy, a.Reason, sqldb.TimeArg(a.CreatedAt), sqldb.TimeArg(a.UpdatedAt))
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
	err := s.db.Write(ctx, func(ctx context.Context, q sqldb.Querier) error {
		n, err := sqldb.Exec(ctx, q, `UPDATE applications
			SET state = $1, reviewed_by = $2, reason = $3, updated_at = $4, version = version + 1
			WHERE org_id = $5 AND id = $6 AND version = $7`,
			string(a.State), a.ReviewedBy, a.Reason, sqldb.TimeArg(a.UpdatedAt), a.OrgID, a.ID, a.Version)
		if err != nil {
			return err
		}
		return errs.CheckVersion(ctx, q, n, "application", a.ID, a.Version,
			`SELECT version FROM applications WHERE org_id = $1 AND id = $2`, a.OrgID, a.ID)
	})
	return errs.Map(err, "application", a.ID)
}
