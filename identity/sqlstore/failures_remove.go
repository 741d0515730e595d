package sqlstore

import (
	"context"
	"time"

	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

// RemoveFailure implements identity.Store.
func (s *Store) RemoveFailure(ctx context.Context, key string, at time.Time) error {
	_, err := sqldb.Exec(ctx, s.q(ctx), `DELETE FROM identity_failures WHERE key = $1 AND at = $2`, key, sqldb.TimeArg(at))
	return errs.Map(err, "failures of", key)
}
