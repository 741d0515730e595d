package sqlstore

import (
	"context"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

const accountColumns = `org_id, account_id, billing_to, billing_cc, technical_to, technical_cc, security_to, security_cc,
	language, phones, updated_at, version`

func scanAccount(r sqldb.Row) (contacts.AccountContacts, error) {
	var c contacts.AccountContacts
	rc := &c.Recipients
	err := r.Scan(&c.OrgID, &c.AccountID,
		sqldb.ScanList(&rc.Billing.To), sqldb.ScanList(&rc.Billing.CC),
		sqldb.ScanList(&rc.Technical.To), sqldb.ScanList(&rc.Technical.CC),
		sqldb.ScanList(&rc.Security.To), sqldb.ScanList(&rc.Security.CC),
		&c.Language, sqldb.ScanList(&c.Phones), sqldb.ScanTime(&c.UpdatedAt), &c.Version)
	return c, err
}

// subject names an account's contacts in errors.
const subject = "contacts of account"

// GetAccountContacts implements contacts.Store.
func (s *Store) GetAccountContacts(ctx context.Context, orgID, accountID string) (contacts.AccountContacts, error) {
	c, err := scanAccount(s.q(ctx).QueryRowContext(ctx,
		`SELECT `+accountColumns+` FROM contacts_accounts WHERE org_id = $1 AND account_id = $2`, orgID, accountID))
	return c, errs.Map(err, subject, accountID)
}

// PutAccountContacts implements contacts.Store: an INSERT … ON CONFLICT DO NOTHING
// for Version 0, else an UPDATE … WHERE version = $n, both keyed by organization
// and account, so another organization's contacts are never touched (M-7).
func (s *Store) PutAccountContacts(ctx context.Context, c contacts.AccountContacts) error {
	r := c.Recipients
	err := s.db.Write(ctx, func(ctx context.Context, q sqldb.Querier) error {
		if c.Version == 0 {
			return errs.Insert(ctx, q, subject, c.AccountID, `INSERT INTO contacts_accounts (`+accountColumns+`)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1)`,
				c.OrgID, c.AccountID, sqldb.ListArg(r.Billing.To), sqldb.ListArg(r.Billing.CC),
				sqldb.ListArg(r.Technical.To), sqldb.ListArg(r.Technical.CC), sqldb.ListArg(r.Security.To),
				sqldb.ListArg(r.Security.CC), string(c.Language), sqldb.ListArg(c.Phones), sqldb.TimeArg(c.UpdatedAt))
		}
		n, err := sqldb.Exec(ctx, q, `UPDATE contacts_accounts
			SET billing_to = $1, billing_cc = $2, technical_to = $3, technical_cc = $4, security_to = $5, security_cc = $6,
				language = $7, phones = $8, updated_at = $9, version = version + 1
			WHERE org_id = $10 AND account_id = $11 AND version = $12`,
			sqldb.ListArg(r.Billing.To), sqldb.ListArg(r.Billing.CC), sqldb.ListArg(r.Technical.To),
			sqldb.ListArg(r.Technical.CC), sqldb.ListArg(r.Security.To), sqldb.ListArg(r.Security.CC),
			string(c.Language), sqldb.ListArg(c.Phones), sqldb.TimeArg(c.UpdatedAt), c.OrgID, c.AccountID, c.Version)
		if err != nil {
			return err
		}
		return errs.CheckVersion(ctx, q, n, subject, c.AccountID, c.Version,
			`SELECT version FROM contacts_accounts WHERE org_id = $1 AND account_id = $2`, c.OrgID, c.AccountID)
	})
	return errs.Map(err, subject, c.AccountID)
}

// ListAccountContacts implements contacts.Store.
func (s *Store) ListAccountContacts(ctx context.Context, orgID string, pg resellerkit.Page) ([]contacts.AccountContacts, string, error) {
	l, next, err := sqldb.Page(ctx, s.q(ctx), pg, scanAccount, func(c contacts.AccountContacts) string { return c.AccountID },
		`SELECT `+accountColumns+` FROM contacts_accounts
		WHERE org_id = $1 AND account_id`+s.c+` > $2 ORDER BY account_id`+s.c+` LIMIT $3`, orgID)
	return l, next, errs.Map(err, "contacts of organization", orgID)
}
