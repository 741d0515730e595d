package sqldb

import (
	"context"
	"fmt"
	"io/fs"
)

// MigrationsDir returns the directory dir of an embedded file system, the
// migrations a package's sqlstore embeds (//go:embed migrations/*.sql). It panics
// when dir is not in fsys: the directory is embedded, so that is a build mistake.
func MigrationsDir(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(fmt.Sprintf("sqldb: embedded migrations %q: %v", dir, err))
	}
	return sub
}

// OpenStore is the Open of a package's sqlstore: it opens the database at dsn
// (Open), builds the store over it with build (the package's New: migrations and
// all), and closes the database again when build fails. The caller's store owns
// the returned DB (its Close closes it).
func OpenStore[S any](ctx context.Context, dsn string, build func(context.Context, *DB) (S, error)) (S, *DB, error) {
	var zero S
	db, err := Open(ctx, dsn)
	if err != nil {
		return zero, nil, fmt.Errorf("sqlstore: %w", err)
	}
	s, err := build(ctx, db)
	if err != nil {
		_ = db.Close() // the build error is the one to report
		return zero, nil, err
	}
	return s, db, nil
}
