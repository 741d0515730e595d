package sqlstore

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

const settingsColumns = `org_id, account_id, profile, choices, updated_at, updated_by, version`

// choices returns c as stored: never nil.
func choices(c map[security.ControlID]bool) map[security.ControlID]bool {
	if c == nil {
		return map[security.ControlID]bool{}
	}
	return c
}

func scanSettings(r sqldb.Row) (security.Settings, error) {
	var st security.Settings
	err := r.Scan(&st.OrgID, &st.AccountID, &st.Profile, jsonDest{&st.Choices}, sqldb.ScanTime(&st.UpdatedAt),
		&st.UpdatedBy, &st.Version)
	st.Choices = choices(st.Choices)
	return st, err
}

// jsonSettings is a Settings in a change's settings_before and settings_after
// columns, its time in UTC at microsecond precision.
type jsonSettings struct {
	OrgID     string                      `json:"org_id"`
	AccountID string                      `json:"account_id"`
	Profile   string                      `json:"profile"` // as it is: Profile's UnmarshalText refuses ""
	Choices   map[security.ControlID]bool `json:"choices"`
	UpdatedAt time.Time                   `json:"updated_at"`
	UpdatedBy string                      `json:"updated_by"`
	Version   int64                       `json:"version"`
}

func toJSONSettings(st security.Settings) jsonSettings {
	return jsonSettings{OrgID: st.OrgID, AccountID: st.AccountID, Profile: string(st.Profile), Choices: choices(st.Choices),
		UpdatedAt: instant(st.UpdatedAt), UpdatedBy: st.UpdatedBy, Version: st.Version}
}

func (j jsonSettings) settings() security.Settings {
	return security.Settings{OrgID: j.OrgID, AccountID: j.AccountID, Profile: security.Profile(j.Profile), Choices: choices(j.Choices),
		UpdatedAt: j.UpdatedAt.UTC(), UpdatedBy: j.UpdatedBy, Version: j.Version}
}

// scanChange reads a change and its seq.
func scanChange(r sqldb.Row) (change, error) {
	var (
		c             change
		before, after jsonSettings
	)
	err := r.Scan(&c.seq, &c.OrgID, &c.AccountID, &c.By, sqldb.ScanTime(&c.At), jsonDest{&before}, jsonDest{&after})
	c.Before, c.After = before.settings(), after.settings()
	return c, err
}

// change is a recorded change and its seq: the version the save stored.
type change struct {
	security.Change
	seq int64
}

// GetSettings implements security.Store: settings are an organization's and an
// account's, so another organization never sees them (M-7).
func (s *Store) GetSettings(ctx context.Context, orgID, accountID string) (security.Settings, error) {
	st, err := scanSettings(s.q(ctx).QueryRowContext(ctx, `SELECT `+settingsColumns+` FROM security_settings
		WHERE org_id = $1 AND account_id = $2`, orgID, accountID))
	if err != nil {
		return security.Settings{}, errs.Map(err, "settings of account", accountID)
	}
	return st, nil
}

// PutSettings implements security.Store in one write: an INSERT … ON CONFLICT DO
// NOTHING for Version 0, an UPDATE … WHERE version for the others (either changing
// no row is ErrConflict), then the change's INSERT under the new version.
func (s *Store) PutSettings(ctx context.Context, st security.Settings, ch security.Change) error {
	if (ch.OrgID != "" && ch.OrgID != st.OrgID) || (ch.AccountID != "" && ch.AccountID != st.AccountID) {
		return resellerkit.Invalid(security.ErrInvalid, "change", ch.OrgID+"/"+ch.AccountID, "S-2",
			"a change is recorded for the settings' organization and account")
	}
	cs, err := jsonArg(choices(st.Choices))
	if err != nil {
		return err
	}
	before, err := jsonArg(toJSONSettings(ch.Before))
	if err != nil {
		return err
	}
	after, err := jsonArg(toJSONSettings(ch.After))
	if err != nil {
		return err
	}
	err = s.db.Write(ctx, func(ctx context.Context, q sqldb.Querier) error {
		var n int64
		var err error
		if st.Version == 0 {
			n, err = sqldb.Exec(ctx, q, `INSERT INTO security_settings (`+settingsColumns+`)
				VALUES ($1, $2, $3, $4, $5, $6, 1) ON CONFLICT DO NOTHING`,
				st.OrgID, st.AccountID, string(st.Profile), cs, sqldb.TimeArg(st.UpdatedAt), st.UpdatedBy)
		} else {
			n, err = sqldb.Exec(ctx, q, `UPDATE security_settings
				SET profile = $1, choices = $2, updated_at = $3, updated_by = $4, version = version + 1
				WHERE org_id = $5 AND account_id = $6 AND version = $7`,
				string(st.Profile), cs, sqldb.TimeArg(st.UpdatedAt), st.UpdatedBy, st.OrgID, st.AccountID, st.Version)
		}
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("%w: settings of account %q: version %d is not the stored one",
				security.ErrConflict, resellerkit.Truncate(st.AccountID), st.Version)
		}
		_, err = sqldb.Exec(ctx, q, `INSERT INTO security_changes
			(org_id, account_id, seq, changed_by, changed_at, settings_before, settings_after)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			st.OrgID, st.AccountID, st.Version+1, ch.By, sqldb.TimeArg(ch.At), before, after)
		return err
	})
	return errs.Map(err, "settings of account", st.AccountID)
}

// ListChanges implements security.Store: newest first in recording order, by the
// primary key (org_id, account_id, seq) read backwards; a page token holds the
// last change's seq.
func (s *Store) ListChanges(ctx context.Context, orgID, accountID string, page resellerkit.Page) ([]security.Change, string, error) {
	after, err := page.After()
	if err != nil {
		return nil, "", err
	}
	before := int64(math.MaxInt64)
	if after != "" {
		n, err := strconv.ParseInt(after, 10, 64)
		if err != nil || n <= 0 || strconv.FormatInt(n, 10) != after {
			return nil, "", fmt.Errorf("%w %q: not a position in a list of changes", resellerkit.ErrPageToken, resellerkit.Truncate(page.Token))
		}
		before = n
	}
	size := page.Size()
	l, err := sqldb.Collect(ctx, s.q(ctx), scanChange, `SELECT seq, org_id, account_id, changed_by, changed_at,
		settings_before, settings_after FROM security_changes
		WHERE org_id = $1 AND account_id = $2 AND seq < $3 ORDER BY seq DESC LIMIT $4`, orgID, accountID, before, size+1)
	if err != nil {
		return nil, "", errs.Map(err, "changes of account", accountID)
	}
	out := make([]security.Change, 0, min(len(l), size))
	for _, c := range l[:min(len(l), size)] {
		out = append(out, c.Change)
	}
	if len(l) <= size {
		return out, "", nil
	}
	return out, resellerkit.NextToken(strconv.FormatInt(l[size-1].seq, 10)), nil
}
