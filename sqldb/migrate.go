package sqldb

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// Migration is one numbered SQL script of a component.
type Migration struct {
	Component string  // who owns the schema, e.g. "members"
	Version   int     // the NNN prefix of the file name
	Name      string  // the file name, e.g. "001_init.sql"
	Dialect   Dialect // the only dialect it runs on; 0: every dialect
	SQL       string  // the script; may hold several statements
}

// migrationFile matches "001_init.sql" and "002_keyset.postgresql.sql": digits,
// underscore, a name, an optional dialect, ".sql".
var migrationFile = regexp.MustCompile(`^([0-9]+)_([A-Za-z0-9_\-]+)(?:\.(sqlite|postgresql))?\.sql$`)

// componentName limits component names to something safe to print and store.
var componentName = regexp.MustCompile(`^[a-z][a-z0-9_./-]{0,62}$`)

// LoadMigrations reads the migrations of component from the top directory of
// fsys: every file named NNN_name.sql (for every dialect) or
// NNN_name.sqlite.sql / NNN_name.postgresql.sql (for that dialect only: the rare
// DDL that cannot be written once for both, such as a PostgreSQL index in the "C"
// collation), ordered by NNN. Other files are ignored. A version may have one
// file for every dialect or one file per dialect, not both; a zero number or an
// empty script is an error naming the file.
func LoadMigrations(component string, fsys fs.FS) ([]Migration, error) {
	if !componentName.MatchString(component) {
		return nil, fmt.Errorf("sqldb: migrations: component %q: want lower-case letters, digits and _./- (at most 63)", component)
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("sqldb: migrations of %s: %w", component, err)
	}
	var ms []Migration
	seen := map[[2]int]string{} // (version, dialect) → file; dialect 0 is every dialect
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		m := migrationFile.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("sqldb: migrations of %s: file %q: name must be NNN_name.sql", component, e.Name())
		}
		v, err := strconv.Atoi(m[1])
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("sqldb: migrations of %s: file %q: version must be a positive number", component, e.Name())
		}
		var d Dialect
		switch m[3] {
		case "sqlite":
			d = SQLite
		case "postgresql":
			d = PostgreSQL
		}
		for _, other := range []Dialect{0, SQLite, PostgreSQL} {
			if prev, dup := seen[[2]int{v, int(other)}]; dup && (d == 0 || other == 0 || d == other) {
				return nil, fmt.Errorf("sqldb: migrations of %s: files %q and %q share version %d", component, prev, e.Name(), v)
			}
		}
		seen[[2]int{v, int(d)}] = e.Name()
		body, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, fmt.Errorf("sqldb: migrations of %s: %w", component, err)
		}
		if strings.TrimSpace(string(body)) == "" {
			return nil, fmt.Errorf("sqldb: migrations of %s: file %q is empty", component, e.Name())
		}
		ms = append(ms, Migration{Component: component, Version: v, Name: e.Name(), Dialect: d, SQL: string(body)})
	}
	slices.SortFunc(ms, func(a, b Migration) int { return cmp.Or(a.Version-b.Version, int(a.Dialect)-int(b.Dialect)) })
	return ms, nil
}

// createMigrationsTable is portable DDL for the bookkeeping table.
const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	component  VARCHAR(63)  NOT NULL,
	version    INTEGER      NOT NULL,
	name       VARCHAR(255) NOT NULL,
	applied_at TIMESTAMP    NOT NULL,
	PRIMARY KEY (component, version)
)`

// Migrate applies the migrations of component found in fsys (see
// LoadMigrations) for db's dialect that are not yet recorded in the
// schema_migrations table, in version order. Each migration runs in its own transaction together with
// the row that records it, so a failed script leaves nothing behind (both
// databases have transactional DDL), and concurrent or repeated calls apply
// each version exactly once: a process that loses the race finds the row
// (or gets a unique or serialization error, which is retried) and skips it.
// Versions recorded in the database but absent from fsys are ignored, so an
// older binary can run against a newer schema.
func (db *DB) Migrate(ctx context.Context, component string, fsys fs.FS) error {
	ms, err := LoadMigrations(component, fsys)
	if err != nil {
		return err
	}
	if err := db.ensureMigrationsTable(ctx); err != nil {
		return err
	}
	for _, m := range ms {
		if m.Dialect != 0 && m.Dialect != db.dialect {
			continue
		}
		if err := db.apply(ctx, m); err != nil {
			return fmt.Errorf("sqldb: migration %s/%s: %w", m.Component, m.Name, err)
		}
	}
	return nil
}

func (db *DB) ensureMigrationsTable(ctx context.Context) error {
	// Two PostgreSQL sessions running CREATE TABLE IF NOT EXISTS at the same
	// time can collide in the catalog: the loser gets a unique violation (23505),
	// "type already exists" (42710) or "relation already exists" (42P07). It
	// retries and then sees the committed table.
	var err error
	for range 5 {
		err = db.InTx(ctx, func(ctx context.Context) error {
			_, err := db.Querier(ctx).ExecContext(ctx, createMigrationsTable)
			return err
		})
		if err == nil || !(errors.Is(err, ErrUniqueViolation) || isDuplicateObject(err)) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("sqldb: create schema_migrations: %w", err)
	}
	return nil
}

func (db *DB) apply(ctx context.Context, m Migration) error {
	err := db.InTx(ctx, func(ctx context.Context) error {
		tx := db.Querier(ctx)
		var n int
		if err := tx.QueryRowContext(ctx,
			`SELECT COUNT(*) FROM schema_migrations WHERE component = $1 AND version = $2`,
			m.Component, m.Version).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil // already applied
		}
		// Claim the version first: a concurrent migrator blocks here until
		// we commit, then fails with a unique violation and skips.
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO schema_migrations (component, version, name, applied_at) VALUES ($1, $2, $3, $4)`,
			m.Component, m.Version, m.Name, time.Now().UTC()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			return fmt.Errorf("run script: %w", err)
		}
		return nil
	})
	if errors.Is(err, ErrUniqueViolation) && Constraint(err) != "" && isMigrationsKey(Constraint(err)) {
		return nil // another process applied it concurrently
	}
	return err
}

// isMigrationsKey reports whether a constraint name is schema_migrations' key.
func isMigrationsKey(c string) bool {
	return c == "schema_migrations_pkey" || strings.HasPrefix(c, "schema_migrations.")
}

// AppliedMigrations lists the versions of component recorded as applied, in order.
func (db *DB) AppliedMigrations(ctx context.Context, component string) ([]int, error) {
	rows, err := db.Querier(ctx).QueryContext(ctx,
		`SELECT version FROM schema_migrations WHERE component = $1 ORDER BY version`, component)
	if err != nil {
		return nil, fmt.Errorf("sqldb: applied migrations of %s: %w", component, MapError(err))
	}
	defer rows.Close()
	var vs []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("sqldb: applied migrations of %s: %w", component, err)
		}
		vs = append(vs, v)
	}
	return vs, rows.Err()
}

// isDuplicateObject reports PostgreSQL's "already exists" errors for catalog
// objects (42710 duplicate_object, 42P07 duplicate_table), which a concurrent
// CREATE … IF NOT EXISTS can raise.
func isDuplicateObject(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "42710" || pgErr.Code == "42P07")
}
