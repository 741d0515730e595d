package sqldb_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing/fstest"

	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

// A store opens the database, applies its embedded migrations, and writes
// with optimistic concurrency inside InTx, mapping sqldb's sentinels to its
// own errors.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "sqldb-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)

	// "postgres://user@host/db" works the same way.
	db, err := sqldb.Open(ctx, filepath.Join(dir, "reseller.db"))
	if err != nil {
		panic(err)
	}
	defer db.Close()

	// In a store: //go:embed migrations/*.sql
	migrations := fstest.MapFS{
		"001_init.sql": {Data: []byte(`CREATE TABLE orgs (
			id      VARCHAR(64)  PRIMARY KEY,
			code    VARCHAR(64)  NOT NULL UNIQUE,
			name    VARCHAR(200) NOT NULL,
			version BIGINT       NOT NULL
		)`)},
	}
	if err := db.Migrate(ctx, "example", migrations); err != nil {
		panic(err)
	}

	errConflict := errors.New("conflict") // a domain package's sentinel
	create := func(id, code string) error {
		err := db.InTx(ctx, func(ctx context.Context) error {
			tx := db.Querier(ctx)
			_, err := tx.ExecContext(ctx,
				`INSERT INTO orgs (id, code, name, version) VALUES ($1, $2, $3, 1)`, id, code, "Example KK")
			return err
		})
		if errors.Is(err, sqldb.ErrUniqueViolation) {
			return fmt.Errorf("%w: %s", errConflict, sqldb.Constraint(err))
		}
		return err
	}
	rename := func(id, name string, version int64) error {
		return db.InTx(ctx, func(ctx context.Context) error {
			tx := db.Querier(ctx)
			res, err := tx.ExecContext(ctx,
				`UPDATE orgs SET name = $1, version = version + 1 WHERE id = $2 AND version = $3`, name, id, version)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 {
				return errors.Join(errConflict, err)
			}
			return nil
		})
	}

	fmt.Println(create("o1", "ACME"))
	fmt.Println(create("o2", "ACME"))
	fmt.Println(rename("o1", "ACME Japan", 1))
	fmt.Println(rename("o1", "ACME Global", 1)) // stale version
	// Output:
	// <nil>
	// conflict: orgs.code
	// <nil>
	// conflict
}
