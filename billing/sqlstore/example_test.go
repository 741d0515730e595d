package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/money"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

// One database serves every package: open it with sqldb.Open (an SQLite file, or
// a postgres:// URL; here a private in-memory SQLite database) and hand it to
// sqlstore.New, which applies the billing migrations. A month's cost data is
// stored per payer and report version (B-14): a newer version replaces it whole,
// the same one again changes nothing, an older one is refused. Issued documents
// are numbered without gaps per series and year, and issuing a key again returns
// the first document (B-12).
func Example() {
	ctx := context.Background()
	db, err := sqldb.Open(ctx, ":memory:")
	if err != nil {
		panic(err)
	}
	defer db.Close()
	store, err := sqlstore.New(ctx, db)
	if err != nil {
		panic(err)
	}
	applied, _ := db.AppliedMigrations(ctx, sqlstore.Component)
	fmt.Println("billing migrations:", applied)

	may := resellerkit.NewMonth(2026, time.May)
	t0 := time.Date(2026, 6, 2, 6, 0, 0, 0, time.UTC)
	version := func(v string, at time.Time, cost string) billing.CostData {
		return billing.CostData{
			Report:       billing.Report{Payer: "111111111111", Period: may, Version: v, GeneratedAt: at},
			CostCurrency: money.USD, AggregatedAt: at.Add(time.Hour), Rows: 1,
			Groups: []billing.Group{{GroupKey: billing.GroupKey{Format: billing.FormatCUR2, AccountID: "123456789012",
				ProductCode: "AmazonEC2", LineItemType: "Usage"}, Rows: 1, Cost: money.MustParse(cost), PublicCost: money.MustParse(cost)}},
		}
	}
	for _, d := range []billing.CostData{
		version("v1", t0, "10.1234567891"),
		version("v2", t0.Add(24*time.Hour), "12.0000000001"),
		version("v2", t0.Add(24*time.Hour), "12.0000000001"),
		version("v0", t0.Add(-time.Hour), "9"),
	} {
		out, err := store.PutCostData(ctx, d)
		fmt.Println(d.Version, out, errors.Is(err, billing.ErrStaleReport))
	}
	groups, _ := store.CostGroups(ctx, may)
	for _, g := range groups {
		fmt.Println(g.AccountID, g.ProductCode, g.Class.Kind, g.Cost)
	}

	invoice := func(id, project string) billing.Document {
		return billing.Document{ID: id, Key: "invoice/" + project + "/" + may.String(), Kind: billing.DocInvoice,
			Series: "T1234567890123", Year: 2026, OrgID: "o1", ProjectID: project, Period: may,
			Currency: money.JPY, Total: money.JPY.Amount(money.MustParse("225919"))}
	}
	for _, d := range []billing.Document{invoice("d1", "p1"), invoice("d2", "p2"), invoice("d3", "p1")} {
		doc, created, err := store.IssueDocument(ctx, d)
		fmt.Println(d.ID, "→", doc.ID, doc.Number, created, err)
	}
	// Output:
	// billing migrations: [1 2 3 4]
	// v1 stored false
	// v2 stored false
	// v2 unchanged false
	// v0 unknown true
	// 123456789012 AmazonEC2 charge 12.0000000001
	// d1 → d1 T1234567890123-2026-000001 true <nil>
	// d2 → d2 T1234567890123-2026-000002 true <nil>
	// d3 → d1 T1234567890123-2026-000001 false <nil>
}
