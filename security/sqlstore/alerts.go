package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

const alertColumns = `id, org_id, account_id, region, product, title, severity, score, incident, types, created_at,
	received_at, notice_id`

func scanAlert(r sqldb.Row) (security.Alert, error) {
	var a security.Alert
	err := r.Scan(&a.ID, &a.OrgID, &a.AccountID, &a.Region, &a.Product, &a.Title, &a.Severity, &a.Score, &a.Incident,
		sqldb.ScanList(&a.Types), sqldb.ScanTime(&a.CreatedAt), sqldb.ScanTime(&a.ReceivedAt), &a.NoticeID)
	return a, err
}

// PutAlert implements security.Store with one INSERT … ON CONFLICT DO NOTHING on
// the id (unique across organizations): of concurrent puts of one id exactly one
// stores.
func (s *Store) PutAlert(ctx context.Context, a security.Alert) (bool, error) {
	var stored bool
	err := s.db.Write(ctx, func(ctx context.Context, q sqldb.Querier) error {
		n, err := sqldb.Exec(ctx, q, `INSERT INTO security_alerts (`+alertColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT DO NOTHING`,
			a.ID, a.OrgID, a.AccountID, a.Region, a.Product, a.Title, a.Severity, a.Score, a.Incident,
			sqldb.ListArg(a.Types), sqldb.TimeArg(a.CreatedAt), instant(a.ReceivedAt), a.NoticeID)
		stored = n == 1
		return err
	})
	if err != nil {
		return false, errs.Map(err, "alert", a.ID)
	}
	return stored, nil
}

// alertPosition is an alert's place in ListAlerts as its page tokens hold it: its
// ReceivedAt in microseconds since 1970, a NUL byte and its id.
func alertPosition(a security.Alert) string {
	return strconv.FormatInt(a.ReceivedAt.UnixMicro(), 10) + "\x00" + a.ID
}

// parseAlertPosition is the inverse of alertPosition; anything else wraps
// resellerkit.ErrPageToken.
func parseAlertPosition(p resellerkit.Page, after string) (time.Time, string, error) {
	at, id, ok := strings.Cut(after, "\x00")
	us, err := strconv.ParseInt(at, 10, 64)
	if !ok || err != nil || strconv.FormatInt(us, 10) != at {
		return time.Time{}, "", fmt.Errorf("%w %q: not a position in a list of alerts", resellerkit.ErrPageToken, resellerkit.Truncate(p.Token))
	}
	return time.UnixMicro(us).UTC(), id, nil
}

// ListAlerts implements security.Store by keyset: orgID's alerts ("" names the
// alerts of no organization), of accountID when it is set, newest first by
// (received_at, id) read backwards from an index, after the token's position.
func (s *Store) ListAlerts(ctx context.Context, orgID, accountID string, page resellerkit.Page) ([]security.Alert, string, error) {
	after, err := page.After()
	if err != nil {
		return nil, "", err
	}
	query, args := `SELECT `+alertColumns+` FROM security_alerts WHERE org_id = $1`, []any{orgID}
	if accountID != "" {
		args = append(args, accountID)
		query += fmt.Sprintf(` AND account_id%s = $%d`, s.c, len(args))
	}
	if after != "" {
		at, id, err := parseAlertPosition(page, after)
		if err != nil {
			return nil, "", err
		}
		args = append(args, instant(at), id)
		query += fmt.Sprintf(` AND (received_at, id%s) < ($%d, $%d)`, s.c, len(args)-1, len(args))
	}
	size := page.Size()
	args = append(args, size+1)
	query += fmt.Sprintf(` ORDER BY received_at DESC, id%s DESC LIMIT $%d`, s.c, len(args))
	l, err := sqldb.Collect(ctx, s.q(ctx), scanAlert, query, args...)
	if err != nil {
		return nil, "", errs.Map(err, "alerts of organization", orgID)
	}
	if len(l) <= size {
		return l, "", nil
	}
	return l[:size], resellerkit.NextToken(alertPosition(l[size-1])), nil
}
