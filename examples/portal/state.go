package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"sync"
	"time"

	"github.com/seeda33a2f4f/resellerkit/internal/sqldb"
)

// portalState is the portal's own bookkeeping, kept beside the members data: the
// secret the demo tokens derive from and the moment the demo data was seeded.
type portalState interface {
	// Secret returns the demo-token secret, creating it on first use. Concurrent
	// first calls agree on one secret.
	Secret(ctx context.Context) ([]byte, error)
	// Seeded reports whether the demo data was seeded completely.
	Seeded(ctx context.Context) (bool, error)
	// MarkSeeded records that the demo data was seeded completely.
	MarkSeeded(ctx context.Context, at time.Time) error
}

const (
	stateSecret   = "demo_token_secret"
	stateSeededAt = "demo_seeded_at"
)

// newSecret returns 32 random bytes.
func newSecret() []byte {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return b
}

// ---- in memory (-db memory, tests) ----

type memState struct {
	mu     sync.Mutex
	values map[string]string
}

func newMemState() *memState { return &memState{values: map[string]string{}} }

func (m *memState) putIfAbsent(_ context.Context, name, value string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if v, ok := m.values[name]; ok {
		return v, nil
	}
	m.values[name] = value
	return value, nil
}

func (m *memState) get(_ context.Context, name string) (string, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.values[name]
	return v, ok, nil
}

// ---- SQL (SQLite or PostgreSQL, table portal_state) ----

// migrations holds the portal's schema, applied as component "examples/portal".
//
//go:embed migrations/*.sql
var migrationsFS embed.FS

type sqlState struct {
	db *sqldb.DB
}

func newSQLState(ctx context.Context, db *sqldb.DB) (*sqlState, error) {
	sub, err := fs.Sub(migrationsFS, "migrations")
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx, "examples/portal", sub); err != nil {
		return nil, err
	}
	return &sqlState{db: db}, nil
}

func (s *sqlState) putIfAbsent(ctx context.Context, name, value string) (string, error) {
	if _, err := s.db.ExecContext(ctx, `INSERT INTO portal_state (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, name, value); err != nil {
		return "", fmt.Errorf("portal_state %s: %w", name, sqldb.MapError(err))
	}
	v, ok, err := s.get(ctx, name)
	if err == nil && !ok {
		err = fmt.Errorf("portal_state %s: vanished after insert", name)
	}
	return v, err
}

func (s *sqlState) get(ctx context.Context, name string) (string, bool, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM portal_state WHERE name = $1`, name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("portal_state %s: %w", name, sqldb.MapError(err))
	}
	return v, true, nil
}

// ---- shared logic ----

type kv interface {
	putIfAbsent(ctx context.Context, name, value string) (string, error)
	get(ctx context.Context, name string) (string, bool, error)
}

type kvState struct{ kv }

func (s kvState) Secret(ctx context.Context) ([]byte, error) {
	v, err := s.putIfAbsent(ctx, stateSecret, hex.EncodeToString(newSecret()))
	if err != nil {
		return nil, err
	}
	secret, err := hex.DecodeString(v)
	if err != nil || len(secret) < 16 {
		return nil, fmt.Errorf("portal_state %s holds a malformed secret", stateSecret)
	}
	return secret, nil
}

func (s kvState) Seeded(ctx context.Context) (bool, error) {
	_, ok, err := s.get(ctx, stateSeededAt)
	return ok, err
}

func (s kvState) MarkSeeded(ctx context.Context, at time.Time) error {
	_, err := s.putIfAbsent(ctx, stateSeededAt, at.UTC().Format(time.RFC3339))
	return err
}
