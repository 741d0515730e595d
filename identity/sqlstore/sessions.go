package sqlstore

import (
	"context"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

const sessionColumns = `id, token_hash, identity_id, mfa, method, user_agent, source_ip, created_at, last_seen_at, expires_at`

func scanSession(r sqldb.Row) (identity.Session, error) {
	var x identity.Session
	err := r.Scan(&x.ID, &x.TokenHash, &x.IdentityID, &x.MFA, &x.Method, &x.UserAgent, &x.SourceIP,
		sqldb.ScanTime(&x.CreatedAt), sqldb.ScanTime(&x.LastSeenAt), sqldb.ScanTime(&x.ExpiresAt))
	return x, err
}

// CreateSession implements identity.Store. A taken id or token hash is
// ErrAlreadyExists.
func (s *Store) CreateSession(ctx context.Context, x identity.Session) error {
	err := s.insert(ctx, "session", x.ID, x.IdentityID, `INSERT INTO identity_sessions (`+sessionColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		x.ID, x.TokenHash, x.IdentityID, x.MFA, x.Method, x.UserAgent, x.SourceIP,
		sqldb.TimeArg(x.CreatedAt), sqldb.TimeArg(x.LastSeenAt), sqldb.TimeArg(x.ExpiresAt))
	return errs.Map(err, "session", x.ID)
}

// GetSessionByTokenHash implements identity.Store. Unscoped: this is how a
// request is identified. The hash never appears in an error.
func (s *Store) GetSessionByTokenHash(ctx context.Context, hash string) (identity.Session, error) {
	x, err := scanSession(s.q(ctx).QueryRowContext(ctx,
		`SELECT `+sessionColumns+` FROM identity_sessions WHERE token_hash = $1`, hash))
	return x, errs.Map(err, "session with that token", "")
}

// TouchSession implements identity.Store with one conditional UPDATE, so last_seen_at
// only moves forward whatever the order concurrent touches arrive in.
func (s *Store) TouchSession(ctx context.Context, sessionID string, at time.Time) error {
	err := touch(ctx, s.q(ctx), "session", sessionID,
		`UPDATE identity_sessions SET last_seen_at = $1 WHERE id = $2 AND (last_seen_at IS NULL OR last_seen_at < $1)`,
		`SELECT 1 FROM identity_sessions WHERE id = $1`, at)
	return errs.Map(err, "session", sessionID)
}

// touch runs update (SET column = $1 WHERE id = $2 AND the column is earlier) and,
// when it changed nothing, reports ErrNotFound unless present (… WHERE id = $1)
// finds the row.
func touch(ctx context.Context, q sqldb.Querier, what, id, update, present string, at time.Time) error {
	if at.IsZero() {
		// Zero is never later than anything stored; only existence is in question.
		return errs.Require(ctx, q, what, id, present, id)
	}
	n, err := sqldb.Exec(ctx, q, update, sqldb.TimeArg(at), id)
	if err != nil || n == 1 {
		return err
	}
	return errs.Require(ctx, q, what, id, present, id)
}

// ListSessions implements identity.Store.
func (s *Store) ListSessions(ctx context.Context, identityID string, pg resellerkit.Page) ([]identity.Session, string, error) {
	l, next, err := sqldb.Page(ctx, s.q(ctx), pg, scanSession, func(x identity.Session) string { return x.ID },
		`SELECT `+sessionColumns+` FROM identity_sessions WHERE identity_id = $1 AND id`+s.c+` > $2
		ORDER BY id`+s.c+` LIMIT $3`, identityID)
	return l, next, errs.Map(err, "sessions of identity", identityID)
}

// DeleteSession implements identity.Store.
func (s *Store) DeleteSession(ctx context.Context, identityID, sessionID string) error {
	n, err := sqldb.Exec(ctx, s.q(ctx), `DELETE FROM identity_sessions WHERE identity_id = $1 AND id = $2`, identityID, sessionID)
	if err == nil && n == 0 {
		err = errs.Missing("session", sessionID)
	}
	return errs.Map(err, "session", sessionID)
}

// DeleteSessions implements identity.Store.
func (s *Store) DeleteSessions(ctx context.Context, identityID, except string) (int, error) {
	var (
		n   int64
		err error
	)
	if except == "" {
		n, err = sqldb.Exec(ctx, s.q(ctx), `DELETE FROM identity_sessions WHERE identity_id = $1`, identityID)
	} else {
		n, err = sqldb.Exec(ctx, s.q(ctx), `DELETE FROM identity_sessions WHERE identity_id = $1 AND id <> $2`, identityID, except)
	}
	return int(n), errs.Map(err, "sessions of identity", identityID)
}

// DeleteStaleSessions implements identity.Store. Unscoped (maintenance). A zero
// time is the earliest of all, on either side: a session without an expiry or
// never seen (NULL) is at or before any bound, and a zero bound matches only those.
func (s *Store) DeleteStaleSessions(ctx context.Context, expiredBy, idleBy time.Time) (int, error) {
	n, err := sqldb.Exec(ctx, s.q(ctx), `DELETE FROM identity_sessions
		WHERE expires_at IS NULL OR expires_at <= $1 OR last_seen_at IS NULL OR last_seen_at <= $2`,
		sqldb.TimeArg(expiredBy), sqldb.TimeArg(idleBy))
	return int(n), errs.Map(err, "stale sessions", "")
}
