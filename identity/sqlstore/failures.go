package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

// AddFailure implements identity.Store. Every call adds a row, even for a time
// already recorded under the key. A failure needs its time: a zero at is an
// error (the column is NOT NULL, so that every window and cleanup sees the row).
func (s *Store) AddFailure(ctx context.Context, key string, at time.Time) error {
	if at.IsZero() {
		return fmt.Errorf("sqlstore: failure under %q: zero time", resellerkit.Truncate(key))
	}
	_, err := sqldb.Exec(ctx, s.q(ctx), `INSERT INTO identity_failures (key, at) VALUES ($1, $2)`, key, sqldb.TimeArg(at))
	return errs.Map(err, "failures of", key)
}

// RecentFailures implements identity.Store: the newest limit failures under key
// at or after since (a zero since bounds nothing), oldest first. A limit of 0
// returns none, a negative one every failure in the window.
func (s *Store) RecentFailures(ctx context.Context, key string, since time.Time, limit int) ([]time.Time, error) {
	if limit == 0 {
		return nil, nil
	}
	// The newest first, cut at limit, then turned around.
	newest := `SELECT at FROM identity_failures WHERE key = $1`
	args := []any{key}
	if !since.IsZero() {
		args = append(args, sqldb.TimeArg(since))
		newest += fmt.Sprintf(` AND at >= $%d`, len(args))
	}
	newest += ` ORDER BY at DESC`
	if limit > 0 {
		args = append(args, limit)
		newest += fmt.Sprintf(` LIMIT $%d`, len(args))
	}
	l, err := sqldb.Collect(ctx, s.q(ctx), func(r sqldb.Row) (time.Time, error) {
		var t time.Time
		err := r.Scan(sqldb.ScanTime(&t))
		return t, err
	}, `SELECT at FROM (`+newest+`) AS newest ORDER BY at`, args...)
	return l, errs.Map(err, "failures of", key)
}

// ClearFailures implements identity.Store.
func (s *Store) ClearFailures(ctx context.Context, key string) error {
	_, err := sqldb.Exec(ctx, s.q(ctx), `DELETE FROM identity_failures WHERE key = $1`, key)
	return errs.Map(err, "failures of", key)
}

// DeleteFailuresBefore implements identity.Store. Unscoped (maintenance).
func (s *Store) DeleteFailuresBefore(ctx context.Context, t time.Time) (int, error) {
	n, err := sqldb.Exec(ctx, s.q(ctx), `DELETE FROM identity_failures WHERE at < $1`, sqldb.TimeArg(t))
	return int(n), errs.Map(err, "failures", "")
}
