package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/seeda33a2f4f/resellerkit/internal/sqldb"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/members/memstore"
	"github.com/seeda33a2f4f/resellerkit/members/sqlstore"
)

// memoryDSN selects the in-memory store: nothing survives a restart.
const memoryDSN = "memory"

// backend is the opened storage: the members Store behind a Service, the portal's
// own state, and how to close them.
type backend struct {
	store members.Store
	state portalState
	desc  string // for the startup line, without any password
	close func() error
}

// Close releases the database.
func (b *backend) Close() error {
	if b.close == nil {
		return nil
	}
	return b.close()
}

// openBackend opens dsn: "memory" for memstore, a postgres:// URL for PostgreSQL, or
// an SQLite file path (created if absent). The SQL schemas are migrated on open.
func openBackend(ctx context.Context, dsn string) (*backend, error) {
	if dsn == memoryDSN {
		return &backend{store: memstore.New(), state: kvState{newMemState()}, desc: "memory (nothing is kept)"}, nil
	}
	db, err := sqldb.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	desc := fmt.Sprintf("SQLite file %s", dsn)
	if sqldb.IsPostgresDSN(dsn) {
		desc = "PostgreSQL"
	}
	b, err := sqlBackend(ctx, db, desc)
	if err != nil {
		return nil, errors.Join(err, db.Close())
	}
	b.close = db.Close
	return b, nil
}

// sqlBackend migrates db (the members schema and the portal's own) and returns a
// backend over it that does not close db.
func sqlBackend(ctx context.Context, db *sqldb.DB, desc string) (*backend, error) {
	store, err := sqlstore.New(ctx, db)
	if err != nil {
		return nil, err
	}
	st, err := newSQLState(ctx, db)
	if err != nil {
		return nil, err
	}
	return &backend{store: store, state: kvState{st}, desc: desc}, nil
}
