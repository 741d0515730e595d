package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/memstore"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// AWS rewrites a month's report many times: a newer version replaces the month
// whole, the same version again changes nothing, and an older one is refused
// (B-14). Issued documents are numbered per series and year with no gap (B-12).
func Example() {
	ctx := context.Background()
	s := memstore.New()
	may := resellerkit.NewMonth(2026, time.May)
	t0 := time.Date(2026, 5, 20, 3, 0, 0, 0, time.UTC)
	version := func(id string, at time.Time, cost string) billing.CostData {
		return billing.CostData{
			Report:       billing.Report{Payer: "111111111111", Period: may, Version: id, GeneratedAt: at},
			CostCurrency: money.USD, AggregatedAt: at,
			Groups: []billing.Group{{GroupKey: billing.GroupKey{Format: billing.FormatCUR2, AccountID: "123456789012",
				ProductCode: "AmazonEC2", LineItemType: "Usage"}, Rows: 1, Cost: money.MustParse(cost)}},
		}
	}
	for _, d := range []billing.CostData{
		version("v1", t0, "10.0000000181"),
		version("v2", t0.Add(24*time.Hour), "12.5"),
		version("v2", t0.Add(24*time.Hour), "12.5"),
		version("v1", t0, "10.0000000181"),
	} {
		outcome, err := s.PutCostData(ctx, d)
		fmt.Println(d.Version, outcome, errors.Is(err, billing.ErrStaleReport))
	}
	groups, _ := s.CostGroups(ctx, may)
	fmt.Println(len(groups), "group:", groups[0].ProductCode, groups[0].Cost)

	for _, project := range []string{"p1", "p2"} {
		d := billing.Document{ID: "inv-" + project, Key: "invoice/" + project + "/2026-05", Kind: billing.DocInvoice,
			Series: "T1234567890123", Year: 2026, OrgID: "o1", ProjectID: project, Period: may}
		doc, issued, _ := s.IssueDocument(ctx, d)
		fmt.Println(doc.Number, issued)
	}
	again, issued, _ := s.IssueDocument(ctx, billing.Document{ID: "inv-p1-bis", Key: "invoice/p1/2026-05",
		Series: "T1234567890123", Year: 2026})
	fmt.Println(again.ID, again.Number, issued)
	// Output:
	// v1 stored false
	// v2 stored false
	// v2 unchanged false
	// v1 unknown true
	// 1 group: AmazonEC2 12.5
	// T1234567890123-2026-000001 true
	// T1234567890123-2026-000002 true
	// inv-p1 T1234567890123-2026-000001 false
}
