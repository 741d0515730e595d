package sqlstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

const noticeColumns = `id, key, org_id, account_id, kind, language, to_addrs, cc_addrs, phones, subject, body_text,
	body_html, data, state, attempts, next_at, lease_owner, lease_until, last_error, created_at, sent_at`

func scanNotice(r sqldb.Row) (contacts.Notice, error) {
	var n contacts.Notice
	err := r.Scan(&n.ID, &n.Key, &n.OrgID, &n.AccountID, &n.Kind, &n.Language,
		sqldb.ScanList(&n.To), sqldb.ScanList(&n.CC), sqldb.ScanList(&n.Phones), &n.Subject, &n.Text, &n.HTML,
		sqldb.ScanBytes((*[]byte)(&n.Data)), &n.State, &n.Attempts, sqldb.ScanTime(&n.NextAt),
		sqldb.ScanText(&n.LeaseOwner), sqldb.ScanTime(&n.LeaseUntil), &n.LastError,
		sqldb.ScanTime(&n.CreatedAt), sqldb.ScanTime(&n.SentAt))
	return n, err
}

// EnqueueNotice implements contacts.Store with one INSERT … ON CONFLICT DO NOTHING:
// a taken id (unique across organizations) or a key the organization already has
// is ErrAlreadyExists,
// found without a failing statement, so of concurrent enqueues of one key one
// wins. The notice is stored in State NoticeQueued whatever n.State holds.
func (s *Store) EnqueueNotice(ctx context.Context, n contacts.Notice) error {
	err := s.db.Write(ctx, func(ctx context.Context, q sqldb.Querier) error {
		return errs.Insert(ctx, q, "notice", n.ID, `INSERT INTO contacts_notices (`+noticeColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)`,
			n.ID, n.Key, n.OrgID, n.AccountID, string(n.Kind), string(n.Language),
			sqldb.ListArg(n.To), sqldb.ListArg(n.CC), sqldb.ListArg(n.Phones), n.Subject, n.Text, n.HTML,
			sqldb.BytesArg(n.Data), string(contacts.NoticeQueued), n.Attempts, instant(n.NextAt),
			sqldb.TextArg(n.LeaseOwner), sqldb.TimeArg(n.LeaseUntil), n.LastError,
			instant(n.CreatedAt), sqldb.TimeArg(n.SentAt))
	})
	return errs.Map(err, "notice", n.ID)
}

// GetNotice implements contacts.Store.
func (s *Store) GetNotice(ctx context.Context, orgID, noticeID string) (contacts.Notice, error) {
	n, err := scanNotice(s.q(ctx).QueryRowContext(ctx,
		`SELECT `+noticeColumns+` FROM contacts_notices WHERE id = $1 AND org_id = $2`, noticeID, orgID))
	return n, errs.Map(err, "notice", noticeID)
}

// GetNoticeByKey implements contacts.Store.
func (s *Store) GetNoticeByKey(ctx context.Context, orgID, key string) (contacts.Notice, error) {
	n, err := scanNotice(s.q(ctx).QueryRowContext(ctx,
		`SELECT `+noticeColumns+` FROM contacts_notices WHERE org_id = $1 AND key = $2`, orgID, key))
	return n, errs.Map(err, "notice with key", key)
}

// RequeueNotice implements contacts.Store with one conditional UPDATE.
func (s *Store) RequeueNotice(ctx context.Context, orgID, noticeID string, now time.Time) error {
	err := s.db.Write(ctx, func(ctx context.Context, q sqldb.Querier) error {
		n, err := sqldb.Exec(ctx, q, `UPDATE contacts_notices SET state = $1, next_at = $2, attempts = 0,
			lease_owner = NULL, lease_until = NULL WHERE id = $3 AND org_id = $4 AND state = $5`,
			string(contacts.NoticeQueued), instant(now), noticeID, orgID, string(contacts.NoticeDead))
		if err != nil || n == 1 {
			return err
		}
		if err := errs.Require(ctx, q, "notice", noticeID, `SELECT 1 FROM contacts_notices WHERE id = $1 AND org_id = $2`, noticeID, orgID); err != nil {
			return err
		}
		return fmt.Errorf("%w: notice %q is not dead", contacts.ErrConflict, resellerkit.Truncate(noticeID))
	})
	return errs.Map(err, "notice", noticeID)
}

// ListNotices implements contacts.Store.
func (s *Store) ListNotices(ctx context.Context, orgID string, state contacts.NoticeState, pg resellerkit.Page) ([]contacts.Notice, string, error) {
	id := func(n contacts.Notice) string { return n.ID }
	var (
		l    []contacts.Notice
		next string
		err  error
	)
	if state == "" {
		l, next, err = sqldb.Page(ctx, s.q(ctx), pg, scanNotice, id, `SELECT `+noticeColumns+` FROM contacts_notices
			WHERE org_id = $1 AND id`+s.c+` > $2 ORDER BY id`+s.c+` LIMIT $3`, orgID)
	} else {
		l, next, err = sqldb.Page(ctx, s.q(ctx), pg, scanNotice, id, `SELECT `+noticeColumns+` FROM contacts_notices
			WHERE org_id = $1 AND state = $2 AND id`+s.c+` > $3 ORDER BY id`+s.c+` LIMIT $4`, orgID, string(state))
	}
	return l, next, errs.Map(err, "notices of organization", orgID)
}

// ListNoticesNewestFirst implements contacts.Store by keyset: the organization's
// notices (in state, when set) after the token's position, by the row value
// (created_at, id) read backwards from the index of migration 004
// (contacts_notices_org_created_idx, or contacts_notices_org_state_created_idx
// with a state), so a page costs its rows whatever the organization's history.
// created_at is never NULL since 004 (a zero CreatedAt is the earliest instant),
// so the row value compares on every row.
func (s *Store) ListNoticesNewestFirst(ctx context.Context, orgID string, state contacts.NoticeState, page resellerkit.Page) ([]contacts.Notice, string, error) {
	at, id, after, err := contacts.ParseNoticePosition(page)
	if err != nil {
		return nil, "", err
	}
	args := []any{orgID}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	query := `SELECT ` + noticeColumns + ` FROM contacts_notices WHERE org_id = $1`
	if state != "" {
		query += ` AND state = ` + arg(string(state))
	}
	if after {
		query += ` AND (created_at, id` + s.c + `) < (` + arg(instant(at)) + `, ` + arg(id) + `)`
	}
	size := page.Size()
	query += ` ORDER BY created_at DESC, id` + s.c + ` DESC LIMIT ` + arg(size+1)
	l, err := sqldb.Collect(ctx, s.q(ctx), scanNotice, query, args...)
	if err != nil {
		return nil, "", errs.Map(err, "notices of organization", orgID)
	}
	if len(l) <= size {
		return l, "", nil
	}
	return l[:size], resellerkit.NextToken(contacts.NoticePosition(l[size-1])), nil
}

// claimStatement returns the statement ClaimNotices runs on db's dialect, with the
// arguments owner ($1), lease end ($2), now ($3) and limit ($4): one UPDATE that
// chooses the due notices and leases them, returning them as leased (attempts
// unchanged: StartNotice counts an attempt).
//
// On PostgreSQL its subquery locks the rows it chooses FOR UPDATE SKIP LOCKED:
// a concurrent claim, in this process or another, skips the rows another claim is
// leasing instead of waiting for them or choosing them too, and a row changed
// since the statement's snapshot is re-checked before it is locked. So at READ
// COMMITTED (the statement run alone) two claims never return one notice, and
// neither waits for the other. On SQLite, which has no row locks, the statement
// runs in a write transaction (sqldb.DB.Write): SQLite has one writer at a time,
// so no other claim runs between its choice and its update.
//
// The condition state = 'queued' is written out, so both databases use the partial
// index contacts_notices_due_idx, in order.
func claimStatement(db *sqldb.DB) string {
	lock := ""
	if db.Dialect() == sqldb.PostgreSQL {
		lock = ` FOR UPDATE SKIP LOCKED`
	}
	return `UPDATE contacts_notices SET lease_owner = $1, lease_until = $2
		WHERE id IN (SELECT id FROM contacts_notices
			WHERE state = 'queued' AND next_at <= $3 AND (lease_until IS NULL OR lease_until <= $3)
			ORDER BY next_at, id` + db.ByteOrder() + ` LIMIT $4` + lock + `)
		RETURNING ` + noticeColumns
}

// ClaimNotices implements contacts.Store with one statement (claimStatement): on
// PostgreSQL an UPDATE whose subquery locks the due rows FOR UPDATE SKIP LOCKED,
// run on its own (or in the transaction ctx carries); on SQLite the same UPDATE in
// a write transaction. Of concurrent claims, by dispatchers in one process or many,
// none returns a notice another returned. The claimed notices come back oldest
// NextAt first (ties by id in byte order). A limit of 0 or less claims nothing.
// Unscoped: dispatchers serve every organization.
func (s *Store) ClaimNotices(ctx context.Context, owner string, now, leaseUntil time.Time, limit int) ([]contacts.Notice, error) {
	if limit <= 0 {
		return nil, nil // and no LIMIT -1, which SQLite reads as "no limit"
	}
	args := []any{sqldb.TextArg(owner), sqldb.TimeArg(leaseUntil), instant(now), limit}
	var (
		claimed []contacts.Notice
		err     error
	)
	if s.db.Dialect() == sqldb.PostgreSQL {
		claimed, err = sqldb.Collect(ctx, s.q(ctx), scanNotice, s.claim, args...)
	} else {
		err = s.db.Write(ctx, func(ctx context.Context, q sqldb.Querier) error {
			claimed, err = sqldb.Collect(ctx, q, scanNotice, s.claim, args...)
			return err
		})
	}
	if err != nil {
		return nil, errs.Map(err, "due notices", "")
	}
	// RETURNING gives rows in no particular order.
	slices.SortFunc(claimed, func(a, b contacts.Notice) int {
		return cmp.Or(a.NextAt.Compare(b.NextAt), strings.Compare(a.ID, b.ID))
	})
	return claimed, nil
}

// StartNotice implements contacts.Store with one conditional UPDATE: attempts
// becomes n.Attempts+1 only while owner holds the lease of n's claim and no
// attempt was counted since n was read (lease_owner is owner, lease_until is
// n.LeaseUntil and attempts is n.Attempts). When it changes no row, the notice is ErrNotFound if
// there is none with n.OrgID and n.ID, ErrConflict otherwise.
func (s *Store) StartNotice(ctx context.Context, n contacts.Notice, owner string) error {
	q := s.q(ctx)
	changed, err := sqldb.Exec(ctx, q, `UPDATE contacts_notices SET attempts = attempts + 1
		WHERE id = $1 AND org_id = $2 AND lease_owner = $3 AND lease_until = $4 AND attempts = $5`,
		n.ID, n.OrgID, owner, instant(n.LeaseUntil), n.Attempts)
	return errs.Map(leaseHeld(ctx, q, n, owner, changed, err), "notice", n.ID)
}

// FinishNotice implements contacts.Store with one conditional UPDATE: it changes
// the notice only while owner holds the lease of n's claim (lease_owner is owner,
// lease_until is n.LeaseUntil and attempts is n.Attempts), so a dispatcher whose
// lease expired and was taken over, or whose attempt was already recorded,
// changes nothing. When it changes no row, the notice is ErrNotFound if there is
// none with n.OrgID and n.ID, ErrConflict otherwise (notices are never deleted
// and never change organization, so the answer cannot go stale).
func (s *Store) FinishNotice(ctx context.Context, n contacts.Notice, owner string) error {
	q := s.q(ctx)
	changed, err := sqldb.Exec(ctx, q, `UPDATE contacts_notices
		SET state = $1, next_at = $2, last_error = $3, sent_at = $4, lease_owner = NULL, lease_until = NULL
		WHERE id = $5 AND org_id = $6 AND lease_owner = $7 AND lease_until = $8 AND attempts = $9`,
		string(n.State), instant(n.NextAt), n.LastError, sqldb.TimeArg(n.SentAt), n.ID, n.OrgID, owner,
		instant(n.LeaseUntil), n.Attempts)
	return errs.Map(leaseHeld(ctx, q, n, owner, changed, err), "notice", n.ID)
}

// leaseHeld returns the error of a conditional UPDATE on the lease of n's claim
// that changed changed rows: err, or when it changed none, ErrNotFound if there
// is no notice with n.OrgID and n.ID, ErrConflict if there is.
func leaseHeld(ctx context.Context, q sqldb.Querier, n contacts.Notice, owner string, changed int64, err error) error {
	if err != nil || changed != 0 {
		return err
	}
	if err := errs.Require(ctx, q, "notice", n.ID, `SELECT 1 FROM contacts_notices WHERE id = $1 AND org_id = $2`, n.ID, n.OrgID); err != nil {
		return err
	}
	return fmt.Errorf("%w: notice %q: the lease of %q until %s at attempt %d is not held", contacts.ErrConflict,
		resellerkit.Truncate(n.ID), resellerkit.Truncate(owner), instant(n.LeaseUntil).Format(time.RFC3339Nano), n.Attempts)
}
