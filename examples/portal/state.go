package main

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

// stateTable is the portal's own bookkeeping, kept in table portal_state beside the
// members data: the moment the demo data was seeded. Its statements run on db.Querier(ctx), so inside the transaction ctx
// carries (sqldb.DB.InTx), if any, like every store sharing the database.
type stateTable struct {
	db *sqldb.DB
}

// Rows of portal_state.
const (
	stateSeededAt         = "demo_seeded_at"
	stateBillingSeededAt  = "demo_billing_seeded_at"  // the demo cost data and invoices (seedBilling)
	stateSecuritySeededAt = "demo_security_seeded_at" // the demo security settings and maintenance run (seedSecurity)
	stateSupportSeededAt  = "demo_support_seeded_at"  // the demo support case (seedSupport)
)

// migrationsFS holds the portal's schema, applied as component "examples/portal".
//
//go:embed migrations/*.sql
var migrationsFS embed.FS

// newStateTable migrates the portal's schema on db.
func newStateTable(ctx context.Context, db *sqldb.DB) (*stateTable, error) {
	sub, err := fs.Sub(migrationsFS, "migrations")
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx, "examples/portal", sub); err != nil {
		return nil, err
	}
	return &stateTable{db: db}, nil
}

// Seeded reports whether the demo data was seeded completely.
func (s *stateTable) Seeded(ctx context.Context) (bool, error) {
	_, ok, err := s.get(ctx, stateSeededAt)
	return ok, err
}

// MarkSeeded records that the demo data was seeded completely.
func (s *stateTable) MarkSeeded(ctx context.Context, at time.Time) error {
	_, err := s.putIfAbsent(ctx, stateSeededAt, at.UTC().Format(time.RFC3339))
	return err
}

// BillingSeeded reports whether the demo billing data was seeded completely.
func (s *stateTable) BillingSeeded(ctx context.Context) (bool, error) {
	_, ok, err := s.get(ctx, stateBillingSeededAt)
	return ok, err
}

// MarkBillingSeeded records that the demo billing data was seeded completely.
func (s *stateTable) MarkBillingSeeded(ctx context.Context, at time.Time) error {
	_, err := s.putIfAbsent(ctx, stateBillingSeededAt, at.UTC().Format(time.RFC3339))
	return err
}

// SecuritySeeded reports whether the demo security data was seeded completely.
func (s *stateTable) SecuritySeeded(ctx context.Context) (bool, error) {
	_, ok, err := s.get(ctx, stateSecuritySeededAt)
	return ok, err
}

// MarkSecuritySeeded records that the demo security data was seeded completely.
func (s *stateTable) MarkSecuritySeeded(ctx context.Context, at time.Time) error {
	_, err := s.putIfAbsent(ctx, stateSecuritySeededAt, at.UTC().Format(time.RFC3339))
	return err
}

// SupportSeeded reports whether the demo support case was seeded completely.
func (s *stateTable) SupportSeeded(ctx context.Context) (bool, error) {
	_, ok, err := s.get(ctx, stateSupportSeededAt)
	return ok, err
}

// MarkSupportSeeded records that the demo support case was seeded completely.
func (s *stateTable) MarkSupportSeeded(ctx context.Context, at time.Time) error {
	_, err := s.putIfAbsent(ctx, stateSupportSeededAt, at.UTC().Format(time.RFC3339))
	return err
}

// putIfAbsent stores value under name unless the row exists, and returns the
// stored value.
func (s *stateTable) putIfAbsent(ctx context.Context, name, value string) (string, error) {
	if _, err := s.db.Querier(ctx).ExecContext(ctx,
		`INSERT INTO portal_state (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, name, value); err != nil {
		return "", fmt.Errorf("portal_state %s: %w", name, sqldb.MapError(err))
	}
	v, ok, err := s.get(ctx, name)
	if err == nil && !ok {
		err = fmt.Errorf("portal_state %s: vanished after insert", name)
	}
	return v, err
}

func (s *stateTable) get(ctx context.Context, name string) (string, bool, error) {
	var v string
	err := s.db.Querier(ctx).QueryRowContext(ctx, `SELECT value FROM portal_state WHERE name = $1`, name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("portal_state %s: %w", name, sqldb.MapError(err))
	}
	return v, true, nil
}
