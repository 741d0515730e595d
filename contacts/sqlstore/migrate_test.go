package sqlstore

import (
	"context"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
)

// TestMigration004_NoticesWithoutCreatedAtListLast: notices stored before
// migration 004 with no CreatedAt (NULL) get the earliest instant, in the form
// each database reads back as the zero time, so they list last newest first, on
// the page after a dated notice's token too (a NULL would compare as nothing),
// and round-trip as unset.
func TestMigration004_NoticesWithoutCreatedAtListLast(t *testing.T) {
	sqldbtest.Run(t, func(t *testing.T, d sqldb.Dialect) {
		ctx := context.Background()
		db := sqldbtest.Open(t, d)
		before := fstest.MapFS{}
		require.NoError(t, fs.WalkDir(Migrations(), ".", func(path string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() || !strings.HasPrefix(path, "00") || path >= "004" {
				return err
			}
			b, err := fs.ReadFile(Migrations(), path)
			before[path] = &fstest.MapFile{Data: b}
			return err
		}))
		require.NoError(t, db.Migrate(ctx, Component, before))
		insert := `INSERT INTO contacts_notices (id, key, org_id, account_id, kind, language, to_addrs, cc_addrs, phones,
			subject, body_text, body_html, state, attempts, next_at, last_error, created_at)
			VALUES ($1, $1, 'o1', '', 'maintenance', 'en', '[]', '[]', '[]', '', '', '', 'sent', 1, $2, '', $3)`
		t0 := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
		_, err := db.Querier(ctx).ExecContext(ctx, insert, "old", t0, nil)
		require.NoError(t, err)
		_, err = db.Querier(ctx).ExecContext(ctx, insert, "new", t0, t0)
		require.NoError(t, err)

		s, err := New(ctx, db)
		require.NoError(t, err)
		first, next, err := s.ListNoticesNewestFirst(ctx, "o1", "", resellerkit.Page{Limit: 1})
		require.NoError(t, err)
		require.NotEmpty(t, next)
		rest, _, err := s.ListNoticesNewestFirst(ctx, "o1", "", resellerkit.Page{Limit: 1, Token: next})
		require.NoError(t, err)
		l := append(first, rest...)
		require.Len(t, l, 2, "the page after the dated notice holds the undated one")
		assert.Equal(t, []string{"new", "old"}, []string{l[0].ID, l[1].ID})
		assert.True(t, l[1].CreatedAt.IsZero(), "CreatedAt %v", l[1].CreatedAt)
		assert.Equal(t, t0, l[0].CreatedAt)
	})
}
