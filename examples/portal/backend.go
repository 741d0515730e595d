package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/seeda33a2f4f/resellerkit/billing"
	bsqlstore "github.com/seeda33a2f4f/resellerkit/billing/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	csqlstore "github.com/seeda33a2f4f/resellerkit/contacts/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/identity"
	idsqlstore "github.com/seeda33a2f4f/resellerkit/identity/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/members/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/security"
	secsqlstore "github.com/seeda33a2f4f/resellerkit/security/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/support"
	supsqlstore "github.com/seeda33a2f4f/resellerkit/support/sqlstore"
)

// memoryDSN selects a private in-memory SQLite database: nothing survives a restart.
const memoryDSN = "memory"

// maxIdleConns is how many database connections the pool keeps open between
// requests. database/sql keeps 2 by default: with more concurrent requests than
// that, every extra request opens a fresh connection (on SQLite: open the file, set
// the pragmas, often wait on a lock) and closes it after, which at 20 concurrent
// clients cut throughput fivefold.
const maxIdleConns = 32

// backend is the opened storage: one database holding the members, identity,
// contacts, billing, security and support tables and the portal's own, the Stores over it,
// and the portal's state table.
type backend struct {
	db       *sqldb.DB
	store    members.Store
	ids      identity.Store
	contacts contacts.Store
	billing  billing.Store
	security security.Store
	support  support.Store
	state    *stateTable
	desc     string // for the startup line, without any password
	close    func() error
}

// Close releases the database if the backend opened it.
func (b *backend) Close() error {
	if b.close == nil {
		return nil
	}
	return b.close()
}

// openBackend opens dsn: "memory" for an in-memory SQLite database, a postgres://
// URL for PostgreSQL, or an SQLite file path (created if absent). Every package's
// schema is migrated on open.
func openBackend(ctx context.Context, dsn string) (*backend, error) {
	desc := fmt.Sprintf("SQLite file %s", dsn)
	switch {
	case dsn == memoryDSN:
		dsn, desc = ":memory:", "in-memory SQLite (nothing is kept)"
	case sqldb.IsPostgresDSN(dsn):
		desc = "PostgreSQL"
	}
	db, err := sqldb.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	b, err := sqlBackend(ctx, db, desc)
	if err != nil {
		return nil, errors.Join(err, db.Close())
	}
	b.close = db.Close
	return b, nil
}

// sqlBackend migrates db (the members, identity, contacts, billing, security and
// support schemas and the portal's own) and returns a backend over it that does not close db.
func sqlBackend(ctx context.Context, db *sqldb.DB, desc string) (*backend, error) {
	db.Pool().SetMaxIdleConns(maxIdleConns)
	store, err := sqlstore.New(ctx, db)
	if err != nil {
		return nil, err
	}
	ids, err := idsqlstore.New(ctx, db)
	if err != nil {
		return nil, err
	}
	cs, err := csqlstore.New(ctx, db)
	if err != nil {
		return nil, err
	}
	bs, err := bsqlstore.New(ctx, db)
	if err != nil {
		return nil, err
	}
	ss, err := secsqlstore.New(ctx, db)
	if err != nil {
		return nil, err
	}
	sup, err := supsqlstore.New(ctx, db)
	if err != nil {
		return nil, err
	}
	st, err := newStateTable(ctx, db)
	if err != nil {
		return nil, err
	}
	return &backend{db: db, store: store, ids: ids, contacts: cs, billing: bs, security: ss, support: sup, state: st, desc: desc}, nil
}
