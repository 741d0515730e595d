package sqlstore

import (
	"context"

	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

const alarmColumns = `id, org_id, account_id, on_tag, tag_value, threshold, name, created_at, updated_at, version`

func scanAlarm(r sqldb.Row) (billing.Alarm, error) {
	var a billing.Alarm
	err := r.Scan(&a.ID, &a.OrgID, &a.AccountID, &a.OnTag, &a.TagValue, scanDecimal(&a.Threshold), &a.Name,
		sqldb.ScanTime(&a.CreatedAt), sqldb.ScanTime(&a.UpdatedAt), &a.Version)
	return a, err
}

const firingColumns = `alarm_id, org_id, period, amount, fired_at, notice_id`

func scanFiring(r sqldb.Row) (billing.AlarmFiring, error) {
	var f billing.AlarmFiring
	err := r.Scan(&f.AlarmID, &f.OrgID, sqldb.ScanMonth(&f.Period), scanDecimal(&f.Amount), sqldb.ScanTime(&f.FiredAt),
		&f.NoticeID)
	return f, err
}

// CreateAlarm implements billing.Store with one INSERT … ON CONFLICT DO NOTHING
// (a taken id, in any organization, is ErrAlreadyExists without a failing
// statement). The alarm is stored at Version 1 whatever a.Version holds.
func (s *Store) CreateAlarm(ctx context.Context, a billing.Alarm) error {
	err := s.db.Write(ctx, func(ctx context.Context, q sqldb.Querier) error {
		return errs.Insert(ctx, q, "alarm", a.ID, `INSERT INTO billing_alarms (`+alarmColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1)`,
			a.ID, a.OrgID, a.AccountID, a.OnTag, a.TagValue, decimalText(a.Threshold), a.Name,
			sqldb.TimeArg(a.CreatedAt), sqldb.TimeArg(a.UpdatedAt))
	})
	return mapErr(err, "alarm", a.ID)
}

// UpdateAlarm implements billing.Store with one UPDATE … WHERE org_id AND id AND
// version (sqldb.Sentinels.CheckVersion).
func (s *Store) UpdateAlarm(ctx context.Context, a billing.Alarm) error {
	err := s.db.Write(ctx, func(ctx context.Context, q sqldb.Querier) error {
		n, err := sqldb.Exec(ctx, q, `UPDATE billing_alarms
			SET on_tag = $1, tag_value = $2, threshold = $3, name = $4, updated_at = $5, version = version + 1
			WHERE org_id = $6 AND id = $7 AND version = $8`,
			a.OnTag, a.TagValue, decimalText(a.Threshold), a.Name, sqldb.TimeArg(a.UpdatedAt), a.OrgID, a.ID, a.Version)
		if err != nil {
			return err
		}
		return errs.CheckVersion(ctx, q, n, "alarm", a.ID, a.Version,
			`SELECT version FROM billing_alarms WHERE org_id = $1 AND id = $2`, a.OrgID, a.ID)
	})
	return mapErr(err, "alarm", a.ID)
}

// DeleteAlarm implements billing.Store: one DELETE of the organization's alarm,
// whose firings the foreign key's ON DELETE CASCADE removes in the same
// statement.
func (s *Store) DeleteAlarm(ctx context.Context, orgID, id string) error {
	err := s.db.Write(ctx, func(ctx context.Context, q sqldb.Querier) error {
		n, err := sqldb.Exec(ctx, q, `DELETE FROM billing_alarms WHERE org_id = $1 AND id = $2`, orgID, id)
		if err == nil && n == 0 {
			err = errs.Missing("alarm", id)
		}
		return err
	})
	return mapErr(err, "alarm", id)
}

// GetAlarm implements billing.Store.
func (s *Store) GetAlarm(ctx context.Context, orgID, id string) (billing.Alarm, error) {
	a, err := scanAlarm(s.q(ctx).QueryRowContext(ctx, `SELECT `+alarmColumns+` FROM billing_alarms
		WHERE org_id = $1 AND id = $2`, orgID, id))
	if err != nil {
		return billing.Alarm{}, mapErr(err, "alarm", id)
	}
	return a, nil
}

// ListAlarms implements billing.Store: by account id then id, in byte order. An
// empty orgID lists every organization's alarms (of accountID when it is set).
func (s *Store) ListAlarms(ctx context.Context, orgID, accountID string) ([]billing.Alarm, error) {
	order := ` ORDER BY account_id` + s.c + `, id` + s.c
	var (
		l   []billing.Alarm
		err error
	)
	q := s.q(ctx)
	switch {
	case orgID != "" && accountID != "":
		l, err = sqldb.Collect(ctx, q, scanAlarm, `SELECT `+alarmColumns+` FROM billing_alarms
			WHERE org_id = $1 AND account_id = $2`+order, orgID, accountID)
	case orgID != "":
		l, err = sqldb.Collect(ctx, q, scanAlarm, `SELECT `+alarmColumns+` FROM billing_alarms
			WHERE org_id = $1`+order, orgID)
	case accountID != "":
		l, err = sqldb.Collect(ctx, q, scanAlarm, `SELECT `+alarmColumns+` FROM billing_alarms
			WHERE account_id = $1`+order, accountID)
	default:
		l, err = sqldb.Collect(ctx, q, scanAlarm, `SELECT `+alarmColumns+` FROM billing_alarms`+order)
	}
	return l, mapErr(err, "alarms of organization", orgID)
}

// RecordFiring implements billing.Store: after checking that the organization's
// alarm exists, one INSERT … ON CONFLICT DO NOTHING on the (alarm, month) primary
// key, so of concurrent firings of one alarm and month exactly one is stored.
func (s *Store) RecordFiring(ctx context.Context, f billing.AlarmFiring) (bool, error) {
	var stored bool
	err := s.db.Write(ctx, func(ctx context.Context, q sqldb.Querier) error {
		if err := errs.Require(ctx, q, "alarm", f.AlarmID, `SELECT 1 FROM billing_alarms WHERE id = $1 AND org_id = $2`,
			f.AlarmID, f.OrgID); err != nil {
			return err
		}
		n, err := sqldb.Exec(ctx, q, `INSERT INTO billing_alarm_firings (`+firingColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
			f.AlarmID, f.OrgID, monthKey(f.Period), decimalText(f.Amount), sqldb.TimeArg(f.FiredAt), f.NoticeID)
		stored = n == 1
		return err
	})
	if err != nil {
		return false, mapErr(err, "alarm", f.AlarmID)
	}
	return stored, nil
}

// ListFirings implements billing.Store: newest month first, by the primary key.
func (s *Store) ListFirings(ctx context.Context, orgID, alarmID string) ([]billing.AlarmFiring, error) {
	l, err := sqldb.Collect(ctx, s.q(ctx), scanFiring, `SELECT `+firingColumns+` FROM billing_alarm_firings
		WHERE alarm_id = $1 AND org_id = $2 ORDER BY period DESC`, alarmID, orgID)
	return l, mapErr(err, "firings of alarm", alarmID)
}
