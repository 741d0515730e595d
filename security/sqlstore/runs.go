package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

const runColumns = `id, started_at, finished_at, state, regions, items, drifted, repaired, failed, owner, lease_until`

func scanRun(r sqldb.Row) (security.Run, error) {
	var run security.Run
	err := r.Scan(&run.ID, sqldb.ScanTime(&run.StartedAt), sqldb.ScanTime(&run.FinishedAt), &run.State,
		sqldb.ScanList(&run.Regions), &run.Items, &run.Drifted, &run.Repaired, &run.Failed, &run.Owner,
		sqldb.ScanTime(&run.LeaseUntil))
	return run, err
}

const itemColumns = `run_id, org_id, account_id, control, region, desired, compliant, observed_detail, drift, action,
	detail, error, at`

func scanItem(r sqldb.Row) (security.Item, error) {
	var it security.Item
	err := r.Scan(&it.RunID, &it.OrgID, &it.AccountID, &it.Control, &it.Region, &it.Desired, &it.Observed.Compliant,
		&it.Observed.Detail, &it.Drift, &it.Action, &it.Detail, &it.Error, sqldb.ScanTime(&it.At))
	return it, err
}

// CreateRun implements security.Store with one INSERT … ON CONFLICT DO NOTHING (a
// taken id is ErrAlreadyExists without a failing statement). The run is stored as
// given.
func (s *Store) CreateRun(ctx context.Context, r security.Run) error {
	err := s.db.Write(ctx, func(ctx context.Context, q sqldb.Querier) error {
		return errs.Insert(ctx, q, "run", r.ID, `INSERT INTO security_runs (`+runColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			r.ID, instant(r.StartedAt), sqldb.TimeArg(r.FinishedAt), string(r.State), sqldb.ListArg(r.Regions),
			r.Items, r.Drifted, r.Repaired, r.Failed, r.Owner, sqldb.TimeArg(r.LeaseUntil))
	})
	return errs.Map(err, "run", r.ID)
}

// GetRun implements security.Store.
func (s *Store) GetRun(ctx context.Context, id string) (security.Run, error) {
	r, err := scanRun(s.q(ctx).QueryRowContext(ctx, `SELECT `+runColumns+` FROM security_runs WHERE id = $1`, id))
	if err != nil {
		return security.Run{}, errs.Map(err, "run", id)
	}
	return r, nil
}

// UnfinishedRun implements security.Store: the running run started last (of runs
// started at one instant, the greatest id in byte order), by the index on (state,
// started_at, id) read backwards.
func (s *Store) UnfinishedRun(ctx context.Context) (security.Run, error) {
	l, err := sqldb.Collect(ctx, s.q(ctx), scanRun, `SELECT `+runColumns+` FROM security_runs
		WHERE state = $1 ORDER BY started_at DESC, id`+s.c+` DESC LIMIT 1`, string(security.RunRunning))
	if err != nil {
		return security.Run{}, errs.Map(err, "unfinished run", "")
	}
	if len(l) == 0 {
		return security.Run{}, fmt.Errorf("%w: no unfinished run", security.ErrNotFound)
	}
	return l[0], nil
}

// ClaimRun implements security.Store with one conditional UPDATE, which the
// database applies to the row atomically: of concurrent claims of a free run one
// changes it, and the others then find another owner's lease (on PostgreSQL a
// loser's transaction fails to serialize and is rerun, then finds it). When it
// changes no row, a read tells a run that is not there (ErrNotFound) from one held
// by another or finished (false). A run without a lease (NULL) is free.
func (s *Store) ClaimRun(ctx context.Context, id, owner string, now, until time.Time) (bool, error) {
	var claimed bool
	err := s.db.Write(ctx, func(ctx context.Context, q sqldb.Querier) error {
		n, err := sqldb.Exec(ctx, q, `UPDATE security_runs SET owner = $1, lease_until = $2
			WHERE id = $3 AND state = $4 AND (owner = $5 OR lease_until IS NULL OR lease_until <= $6)`,
			owner, sqldb.TimeArg(until), id, string(security.RunRunning), owner, instant(now))
		if err != nil {
			return err
		}
		if claimed = n > 0; claimed {
			return nil
		}
		return errs.Require(ctx, q, "run", id, `SELECT 1 FROM security_runs WHERE id = $1`, id)
	})
	if err != nil {
		return false, errs.Map(err, "run", id)
	}
	return claimed, nil
}

// FinishRun implements security.Store: one UPDATE of FinishedAt, State and the
// totals; StartedAt, Regions, Owner and LeaseUntil stay as they are.
func (s *Store) FinishRun(ctx context.Context, r security.Run) error {
	err := s.db.Write(ctx, func(ctx context.Context, q sqldb.Querier) error {
		n, err := sqldb.Exec(ctx, q, `UPDATE security_runs
			SET finished_at = $1, state = $2, items = $3, drifted = $4, repaired = $5, failed = $6 WHERE id = $7`,
			sqldb.TimeArg(r.FinishedAt), string(r.State), r.Items, r.Drifted, r.Repaired, r.Failed, r.ID)
		if err == nil && n == 0 {
			err = errs.Missing("run", r.ID)
		}
		return err
	})
	return errs.Map(err, "run", r.ID)
}

// PutItem implements security.Store: after reading the run's StartedAt (ErrNotFound
// when there is no run), one upsert on the (run, account, control, region)
// primary key.
func (s *Store) PutItem(ctx context.Context, it security.Item) error {
	err := s.db.Write(ctx, func(ctx context.Context, q sqldb.Querier) error {
		var started time.Time
		err := q.QueryRowContext(ctx, `SELECT started_at FROM security_runs WHERE id = $1`, it.RunID).Scan(sqldb.ScanTime(&started))
		if errors.Is(err, sql.ErrNoRows) {
			return errs.Missing("run", it.RunID)
		}
		if err != nil {
			return err
		}
		_, err = sqldb.Exec(ctx, q, `INSERT INTO security_items (`+itemColumns+`, run_started_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
			ON CONFLICT (run_id, account_id, control, region) DO UPDATE SET
				org_id = excluded.org_id, desired = excluded.desired, compliant = excluded.compliant,
				observed_detail = excluded.observed_detail, drift = excluded.drift, action = excluded.action,
				detail = excluded.detail, error = excluded.error, at = excluded.at`,
			it.RunID, it.OrgID, it.AccountID, string(it.Control), it.Region, it.Desired, it.Observed.Compliant,
			it.Observed.Detail, it.Drift, string(it.Action), it.Detail, it.Error, sqldb.TimeArg(it.At), instant(started))
		return err
	})
	return errs.Map(err, "run", it.RunID)
}

// ListItems implements security.Store: by account, control and region in byte
// order, served by the index of the run's items (of one organization when orgID is
// set). orgID and accountID filter independently ("" selects every one). The
// items of a run that does not exist are an empty list.
func (s *Store) ListItems(ctx context.Context, runID, orgID, accountID string) ([]security.Item, error) {
	query, args := `SELECT `+itemColumns+` FROM security_items WHERE run_id = $1`, []any{runID}
	if orgID != "" {
		args = append(args, orgID)
		query += fmt.Sprintf(` AND org_id = $%d`, len(args))
	}
	if accountID != "" {
		args = append(args, accountID)
		query += fmt.Sprintf(` AND account_id%s = $%d`, s.c, len(args))
	}
	query += ` ORDER BY account_id` + s.c + `, control` + s.c + `, region` + s.c
	l, err := sqldb.Collect(ctx, s.q(ctx), scanItem, query, args...)
	return l, errs.Map(err, "items of run", runID)
}

// LastItems implements security.Store: the latest run (StartedAt, then id) with
// items of orgID's account, running or finished, found with one index lookup;
// then that run and its items of the account, in one read transaction.
func (s *Store) LastItems(ctx context.Context, orgID, accountID string) (security.Run, []security.Item, error) {
	var (
		run security.Run
		its []security.Item
	)
	err := s.read(ctx, func(ctx context.Context, q sqldb.Querier) error {
		ids, err := sqldb.Collect(ctx, q, func(r sqldb.Row) (string, error) {
			var id string
			return id, r.Scan(&id)
		}, `SELECT run_id FROM security_items WHERE org_id = $1 AND account_id`+s.c+` = $2
			ORDER BY run_started_at DESC, run_id`+s.c+` DESC LIMIT 1`, orgID, accountID)
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			return fmt.Errorf("%w: no run reached account %q of organization %q",
				security.ErrNotFound, resellerkit.Truncate(accountID), resellerkit.Truncate(orgID))
		}
		if run, err = scanRun(q.QueryRowContext(ctx, `SELECT `+runColumns+` FROM security_runs WHERE id = $1`, ids[0])); err != nil {
			return err
		}
		its, err = sqldb.Collect(ctx, q, scanItem, `SELECT `+itemColumns+` FROM security_items
			WHERE run_id = $1 AND org_id = $2 AND account_id`+s.c+` = $3
			ORDER BY account_id`+s.c+`, control`+s.c+`, region`+s.c, ids[0], orgID, accountID)
		return err
	})
	if err != nil {
		return security.Run{}, nil, errs.Map(err, "last items of account", accountID)
	}
	return run, its, nil
}

// read runs fn's reads in one snapshot: in the transaction ctx carries, or a new
// read-only one.
func (s *Store) read(ctx context.Context, fn func(ctx context.Context, q sqldb.Querier) error) error {
	if s.db.InTransaction(ctx) {
		return fn(ctx, s.q(ctx))
	}
	return s.db.ReadTx(ctx, func(ctx context.Context) error { return fn(ctx, s.q(ctx)) })
}

// MarkInitialized implements security.Store with one INSERT … ON CONFLICT DO
// NOTHING: the first mark is kept.
func (s *Store) MarkInitialized(ctx context.Context, accountID string, c security.ControlID, region string, at time.Time) error {
	err := s.db.Write(ctx, func(ctx context.Context, q sqldb.Querier) error {
		_, err := sqldb.Exec(ctx, q, `INSERT INTO security_initialized (account_id, control, region, at)
			VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, accountID, string(c), region, sqldb.TimeArg(at))
		return err
	})
	return errs.Map(err, "initial control of account", accountID)
}

// Initialized implements security.Store.
func (s *Store) Initialized(ctx context.Context, accountID string, c security.ControlID, region string) (bool, error) {
	var one int
	err := s.q(ctx).QueryRowContext(ctx, `SELECT 1 FROM security_initialized
		WHERE account_id = $1 AND control = $2 AND region = $3`, accountID, string(c), region).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, errs.Map(err, "initial control of account", accountID)
	}
	return true, nil
}
