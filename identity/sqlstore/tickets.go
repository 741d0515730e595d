package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/seeda33a2f4f/resellerkit/identity"
)

const ticketColumns = `hash, purpose, identity_id, data, created_at, expires_at`

func scanTicket(r scanner) (identity.Ticket, error) {
	var t identity.Ticket
	err := r.Scan(&t.Hash, &t.Purpose, nullText{&t.IdentityID}, nullBytes{&t.Data},
		nullTime{&t.CreatedAt}, nullTime{&t.ExpiresAt})
	return t, err
}

// CreateTicket implements identity.Store. A ticket of no identity (IdentityID "")
// stores NULL there. The hash never appears in an error.
func (s *Store) CreateTicket(ctx context.Context, t identity.Ticket) error {
	err := s.insert(ctx, "ticket", "", t.IdentityID, `INSERT INTO identity_tickets (`+ticketColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6)`,
		t.Hash, t.Purpose, textArg(t.IdentityID), bytesArg(t.Data), timeArg(t.CreatedAt), timeArg(t.ExpiresAt))
	return mapErr(err, "ticket", "")
}

// TakeTicket implements identity.Store with one DELETE … RETURNING (SQLite 3.35+,
// PostgreSQL): the row goes and comes back in one statement, so of two concurrent
// takes only one gets it. Expiry is the Service's to check.
func (s *Store) TakeTicket(ctx context.Context, hash, purpose string) (identity.Ticket, error) {
	t, err := scanTicket(s.q(ctx).QueryRowContext(ctx,
		`DELETE FROM identity_tickets WHERE hash = $1 AND purpose = $2 RETURNING `+ticketColumns, hash, purpose))
	return t, mapErr(err, fmt.Sprintf("ticket for %q", purpose), "")
}

// DeleteTickets implements identity.Store.
func (s *Store) DeleteTickets(ctx context.Context, identityID, purpose string) (int, error) {
	n, err := exec(ctx, s.q(ctx), `DELETE FROM identity_tickets WHERE identity_id = $1 AND purpose = $2`, identityID, purpose)
	return n, mapErr(err, "tickets of identity", identityID)
}

// DeleteExpiredTickets implements identity.Store. Unscoped (maintenance). A zero
// time is the earliest of all: a ticket without an expiry (NULL) has expired by
// any t, and a zero t matches only those.
func (s *Store) DeleteExpiredTickets(ctx context.Context, t time.Time) (int, error) {
	n, err := exec(ctx, s.q(ctx), `DELETE FROM identity_tickets WHERE expires_at IS NULL OR expires_at <= $1`, timeArg(t))
	return n, mapErr(err, "expired tickets", "")
}
