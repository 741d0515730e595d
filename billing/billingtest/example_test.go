package billingtest_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/billingtest"
	"github.com/seeda33a2f4f/resellerkit/billing/memstore"
)

// A store's test runs the suite on fresh stores:
//
//	func TestStore(t *testing.T) {
//		billingtest.TestStore(t, func(t *testing.T) billing.Store { return memstore.New() })
//	}
//
// The fixture builders the suite uses are exported for stores' own extra tests;
// here on memstore, the store users put in their own tests.
func Example() {
	ctx := context.Background()
	s := memstore.New()
	may := resellerkit.NewMonth(2026, time.May)
	t0 := time.Date(2026, 5, 20, 3, 0, 0, 0, time.UTC)

	v1 := billingtest.CostData(billingtest.Report("111111111111", may, "v1", t0),
		billingtest.Group("111111111111", "AmazonEC2", "Usage", "0.0000000181"))
	stale := billingtest.CostData(billingtest.Report("111111111111", may, "v0", t0.Add(-time.Hour)))
	outcome, _ := s.PutCostData(ctx, v1)
	_, err := s.PutCostData(ctx, stale)
	fmt.Println(outcome, errors.Is(err, billing.ErrStaleReport))

	d, _, _ := s.IssueDocument(ctx, billingtest.Document("o1", "p1", "d1", may))
	fmt.Println(d.Key, d.Number, d.Total)

	_ = s.CreateAlarm(ctx, billingtest.Alarm("o1", "123456789012", "a1"))
	first, _ := s.RecordFiring(ctx, billingtest.Firing("o1", "a1", may))
	second, _ := s.RecordFiring(ctx, billingtest.Firing("o1", "a1", may))
	fmt.Println(first, second)
	// Output:
	// stored true
	// invoice/p1/2026-05 T1234567890123-2026-000001 225919
	// true false
}
