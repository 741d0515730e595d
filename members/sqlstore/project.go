package sqlstore

import (
	"context"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

const projectColumns = `id, org_id, name, plan, payment_method, currency, invoice_to, invoice_cc,
	pricing_plan, support_fee_rule, exchange_rate_policy, created_at, updated_at, version`

func scanProject(r sqldb.Row) (members.Project, error) {
	var p members.Project
	err := r.Scan(&p.ID, &p.OrgID, &p.Name, &p.Plan, &p.PaymentMethod, &p.Currency,
		sqldb.ScanList(&p.InvoiceTo), sqldb.ScanList(&p.InvoiceCC),
		&p.Billing.PricingPlan, &p.Billing.SupportFeeRule, &p.Billing.ExchangeRatePolicy,
		sqldb.ScanTime(&p.CreatedAt), sqldb.ScanTime(&p.UpdatedAt), &p.Version)
	return p, err
}

// CreateProject implements members.Store.
func (s *Store) CreateProject(ctx context.Context, p members.Project) error {
	err := s.insert(ctx, "project", p.ID, p.OrgID, `INSERT INTO projects (`+projectColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1)`,
		p.ID, p.OrgID, p.Name, p.Plan, string(p.PaymentMethod), string(p.Currency),
		sqldb.ListArg(p.InvoiceTo), sqldb.ListArg(p.InvoiceCC),
		p.Billing.PricingPlan, p.Billing.SupportFeeRule, p.Billing.ExchangeRatePolicy,
		sqldb.TimeArg(p.CreatedAt), sqldb.TimeArg(p.UpdatedAt))
	return errs.Map(err, "project", p.ID)
}

// GetProject implements members.Store.
func (s *Store) GetProject(ctx context.Context, orgID, projectID string) (members.Project, error) {
	p, err := scanProject(s.q(ctx).QueryRowContext(ctx,
		`SELECT `+projectColumns+` FROM projects WHERE org_id = $1 AND id = $2`, orgID, projectID))
	return p, errs.Map(err, "project", projectID)
}

// ListProjects implements members.Store.
func (s *Store) ListProjects(ctx context.Context, orgID string, pg resellerkit.Page) ([]members.Project, string, error) {
	l, next, err := sqldb.Page(ctx, s.q(ctx), pg, scanProject, func(p members.Project) string { return p.ID },
		`SELECT `+projectColumns+` FROM projects WHERE org_id = $1 AND id`+s.c+` > $2 ORDER BY id`+s.c+` LIMIT $3`, orgID)
	return l, next, errs.Map(err, "projects of organization", orgID)
}

// UpdateProject implements members.Store.
func (s *Store) UpdateProject(ctx context.Context, p members.Project) error {
	err := s.db.Write(ctx, func(ctx context.Context, q sqldb.Querier) error {
		n, err := sqldb.Exec(ctx, q, `UPDATE projects
			SET name = $1, plan = $2, payment_method = $3, currency = $4, invoice_to = $5, invoice_cc = $6,
				pricing_plan = $7, support_fee_rule = $8, exchange_rate_policy = $9, updated_at = $10,
				version = version + 1
			WHERE org_id = $11 AND id = $12 AND version = $13`,
			p.Name, p.Plan, string(p.PaymentMethod), string(p.Currency), sqldb.ListArg(p.InvoiceTo), sqldb.ListArg(p.InvoiceCC),
			p.Billing.PricingPlan, p.Billing.SupportFeeRule, p.Billing.ExchangeRatePolicy, sqldb.TimeArg(p.UpdatedAt),
			p.OrgID, p.ID, p.Version)
		if err != nil {
			return err
		}
		return errs.CheckVersion(ctx, q, n, "project", p.ID, p.Version,
			`SELECT version FROM projects WHERE org_id = $1 AND id = $2`, p.OrgID, p.ID)
	})
	return errs.Map(err, "project", p.ID)
}
