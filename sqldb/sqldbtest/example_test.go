package sqldbtest_test

import (
	"context"
	"fmt"
	"os"

	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
)

// NewSQLiteFile is what SQLite(t) uses under the hood; tests normally call
// sqldbtest.Open(t, dialect) instead.
func ExampleNewSQLiteFile() {
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)

	db, err := sqldbtest.NewSQLiteFile(context.Background(), dir)
	if err != nil {
		panic(err)
	}
	defer db.Close()
	fmt.Println(db.Dialect())
	// Output: sqlite
}
