package sqldb_test

import (
	"context"
	"errors"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/members/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/money"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
)

// noticeStore stands for another package's SQL store (contacts' outbox, say): its
// own component and migrations, its own table, the same public layer.
type noticeStore struct{ db *sqldb.DB }

func newNoticeStore(ctx context.Context, db *sqldb.DB) (*noticeStore, error) {
	err := db.Migrate(ctx, "test/notices", fstest.MapFS{"001_init.sql": {Data: []byte(
		`CREATE TABLE notices (id VARCHAR(64) PRIMARY KEY, body TEXT NOT NULL)`)}})
	return &noticeStore{db: db}, err
}

func (s *noticeStore) Record(ctx context.Context, id, body string) error {
	_, err := s.db.Querier(ctx).ExecContext(ctx, `INSERT INTO notices (id, body) VALUES ($1, $2)`, id, body)
	return err
}

func (s *noticeStore) Count(ctx context.Context) (int, error) {
	var n int
	err := s.db.Querier(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM notices`).Scan(&n)
	return n, err
}

// One database, two packages' stores, each with its own migrations: a transaction
// that wrote to both and rolls back leaves neither a row; one that commits keeps
// both. Also through the members Service, which joins the caller's transaction.
func TestOneDatabaseTwoPackagesOneTransaction(t *testing.T) {
	sqldbtest.Run(t, func(t *testing.T, d sqldb.Dialect) {
		ctx := context.Background()
		db := sqldbtest.Open(t, d)
		mem, err := sqlstore.New(ctx, db)
		require.NoError(t, err)
		notices, err := newNoticeStore(ctx, db)
		require.NoError(t, err)
		applied, err := db.AppliedMigrations(ctx, "test/notices")
		require.NoError(t, err)
		assert.Equal(t, []int{1}, applied, "each package versions its own schema")

		now := time.Date(2026, time.October, 5, 9, 0, 0, 0, time.UTC)
		org := members.Organization{ID: "o1", Code: "acme", Name: "Acme", CreatedAt: now, UpdatedAt: now}
		boom := errors.New("the second write's caller gives up")

		err = db.InTx(ctx, func(ctx context.Context) error {
			if err := mem.CreateOrganization(ctx, org); err != nil {
				return err
			}
			if err := notices.Record(ctx, "n1", "organization acme created"); err != nil {
				return err
			}
			return boom
		})
		require.ErrorIs(t, err, boom)
		_, err = mem.GetOrganization(ctx, "o1")
		require.ErrorIs(t, err, members.ErrNotFound, "members kept no row")
		n, err := notices.Count(ctx)
		require.NoError(t, err)
		assert.Equal(t, 0, n, "the other package kept no row")

		// Through the Service: its own transaction joins the caller's.
		svc := members.NewService(mem, members.WithClock(func() time.Time { return now }))
		alice := members.Principal{IdentityID: "alice", Email: "alice@acme.example", MFA: true}
		err = db.InTx(ctx, func(ctx context.Context) error {
			created, err := svc.CreateOrganization(ctx, alice, members.NewOrganization{Code: "acme", Name: "Acme"})
			if err != nil {
				return err
			}
			if _, err := svc.CreateProject(ctx, alice, created.ID, members.Project{Name: "Web",
				PaymentMethod: members.PaymentCard, Currency: money.JPY, InvoiceTo: []string{"b@acme.example"}}); err != nil {
				return err
			}
			if err := notices.Record(ctx, "n2", "welcome"); err != nil {
				return err
			}
			return boom
		})
		require.ErrorIs(t, err, boom)
		orgs, _, err := mem.ListOrganizations(ctx, resellerkit.Page{})
		require.NoError(t, err)
		assert.Empty(t, orgs, "the Service's writes rolled back with the caller's transaction")
		n, err = notices.Count(ctx)
		require.NoError(t, err)
		assert.Equal(t, 0, n)

		require.NoError(t, db.InTx(ctx, func(ctx context.Context) error {
			if _, err := svc.CreateOrganization(ctx, alice, members.NewOrganization{Code: "acme", Name: "Acme"}); err != nil {
				return err
			}
			return notices.Record(ctx, "n3", "welcome")
		}))
		orgs, _, err = mem.ListOrganizations(ctx, resellerkit.Page{})
		require.NoError(t, err)
		assert.Len(t, orgs, 1)
		n, err = notices.Count(ctx)
		require.NoError(t, err)
		assert.Equal(t, 1, n, "both committed")
	})
}
