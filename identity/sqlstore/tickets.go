package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

const ticketColumns = `hash, purpose, identity_id, data, created_at, expires_at`

func scanTicket(r sqldb.Row) (identity.Ticket, error) {
	var t identity.Ticket
	err := r.Scan(&t.Hash, &t.Purpose, sqldb.ScanText(&t.IdentityID), sqldb.ScanBytes(&t.Data),
		sqldb.ScanTime(&t.CreatedAt), sqldb.ScanTime(&t.ExpiresAt))
	return t, err
}

// CreateTicket implements identity.Store. A ticket of no identity (IdentityID "")
// stores NULL there. The hash never appears in an error.
func (s *Store) CreateTicket(ctx context.Context, t identity.Ticket) error {
	err := s.insert(ctx, "ticket", "", t.IdentityID, `INSERT INTO identity_tickets (`+ticketColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6)`,
		t.Hash, t.Purpose, sqldb.TextArg(t.IdentityID), sqldb.BytesArg(t.Data), sqldb.TimeArg(t.CreatedAt), sqldb.TimeArg(t.ExpiresAt))
	return errs.Map(err, "ticket", "")
}

// TakeTicket implements identity.Store with one DELETE … RETURNING (SQLite 3.35+,
// PostgreSQL): the row goes and comes back in one statement, so of two concurrent
// takes only one gets it. Expiry is the Service's to check.
func (s *Store) TakeTicket(ctx context.Context, hash, purpose string) (identity.Ticket, error) {
	t, err := scanTicket(s.q(ctx).QueryRowContext(ctx,
		`DELETE FROM identity_tickets WHERE hash = $1 AND purpose = $2 RETURNING `+ticketColumns, hash, purpose))
	return t, errs.Map(err, fmt.Sprintf("ticket for %q", purpose), "")
}

// DeleteTickets implements identity.Store.
func (s *Store) DeleteTickets(ctx context.Context, identityID, purpose string) (int, error) {
	n, err := sqldb.Exec(ctx, s.q(ctx), `DELETE FROM identity_tickets WHERE identity_id = $1 AND purpose = $2`, identityID, purpose)
	return int(n), errs.Map(err, "tickets of identity", identityID)
}

// DeleteExpiredTickets implements identity.Store. Unscoped (maintenance). A zero
// time is the earliest of all: a ticket without an expiry (NULL) has expired by
// any t, and a zero t matches only those.
func (s *Store) DeleteExpiredTickets(ctx context.Context, t time.Time) (int, error) {
	n, err := sqldb.Exec(ctx, s.q(ctx), `DELETE FROM identity_tickets WHERE expires_at IS NULL OR expires_at <= $1`, sqldb.TimeArg(t))
	return int(n), errs.Map(err, "expired tickets", "")
}
