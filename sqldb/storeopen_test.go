package sqldb_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

// OpenStore builds a store over the database it opened, and closes that database
// when the build fails.
func TestOpenStore(t *testing.T) {
	ctx := context.Background()
	dsn := filepath.Join(t.TempDir(), "x.db")
	got, db, err := sqldb.OpenStore(ctx, dsn, func(_ context.Context, db *sqldb.DB) (string, error) { return "built", db.Pool().Ping() })
	require.NoError(t, err)
	assert.Equal(t, "built", got)
	require.NoError(t, db.Close())

	var built *sqldb.DB
	boom := errors.New("boom")
	_, db, err = sqldb.OpenStore(ctx, dsn, func(_ context.Context, db *sqldb.DB) (int, error) { built = db; return 0, boom })
	require.ErrorIs(t, err, boom)
	assert.Nil(t, db)
	assert.Error(t, built.Pool().Ping(), "closed after the failed build")

	_, _, err = sqldb.OpenStore(ctx, "postgres://%zz", func(context.Context, *sqldb.DB) (int, error) { return 0, nil })
	assert.Error(t, err)
}

// MigrationsDir is the directory of an embedded file system, and panics on a
// directory that is not there.
func TestMigrationsDir(t *testing.T) {
	fsys := fstest.MapFS{"migrations/001_init.sql": {Data: []byte("SELECT 1;")}}
	_, err := sqldb.MigrationsDir(fsys, "migrations").Open("001_init.sql")
	require.NoError(t, err)
	assert.Panics(t, func() { sqldb.MigrationsDir(fsys, "../x") })
}
