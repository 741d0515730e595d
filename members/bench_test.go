package members_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/members/memstore"
	"github.com/seeda33a2f4f/resellerkit/members/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
)

// sqlStore returns an sqlstore on a fresh database of dialect d (PostgreSQL skips
// without RESELLERKIT_TEST_POSTGRES_DSN).
func sqlStore(b *testing.B, d sqldb.Dialect) members.Store {
	s, err := sqlstore.New(context.Background(), sqldbtest.Open(b, d))
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkM10_BulkEdit measures a bulk edit (M-10) of n accounts that changes every
// one of them, on memstore and on sqlstore over SQLite and PostgreSQL: the cost per account
// ("ns/account") should not grow with n (linear in the batch, O(n) duplicate check).
func BenchmarkM10_BulkEdit(b *testing.B) {
	stores := map[string]func(b *testing.B) members.Store{
		"memstore":   func(*testing.B) members.Store { return memstore.New() },
		"sqlite":     func(b *testing.B) members.Store { return sqlStore(b, sqldb.SQLite) },
		"postgresql": func(b *testing.B) members.Store { return sqlStore(b, sqldb.PostgreSQL) },
	}
	for _, name := range []string{"memstore", "sqlite", "postgresql"} {
		for _, n := range []int{10, 100, 1000} {
			b.Run(fmt.Sprintf("%s/accounts=%d", name, n), func(b *testing.B) {
				ctx := context.Background()
				st := stores[name](b)
				now := time.Date(2026, time.October, 5, 9, 0, 0, 0, time.UTC)
				svc := members.NewService(st, members.WithClock(func() time.Time { return now }))
				alice := members.Principal{IdentityID: "alice", Email: "alice@acme.example", MFA: true}
				org, err := svc.CreateOrganization(ctx, alice, members.NewOrganization{Code: "acme", Name: "Acme"})
				if err != nil {
					b.Fatal(err)
				}
				proj, err := svc.CreateProject(ctx, alice, org.ID, project("Web"))
				if err != nil {
					b.Fatal(err)
				}
				ids := make([]string, n)
				err = st.InTx(ctx, func(ctx context.Context) error {
					for i := range ids {
						ids[i] = fmt.Sprintf("4%011d", i)
						a := members.Account{ID: ids[i], OrgID: org.ID, Name: "a", CreatedAt: now, UpdatedAt: now,
							Ownership: []members.Ownership{{ProjectID: proj.ID, From: resellerkit.MonthOf(now)}}}
						if err := st.CreateAccount(ctx, a); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
				names := [2]string{"blue", "green"}
				i := 0
				for b.Loop() {
					edit := members.AccountDetails{Name: &names[i%2]}
					i++
					if _, err := svc.BulkEditAccounts(ctx, alice, org.ID, ids, edit); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/account")
			})
		}
	}
}
