package costfile

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
)

// cur2Row is a subset of the CUR 2.0 Parquet schema (AWS Data Exports), with an
// unknown extra column.
type cur2Row struct {
	Entity   string            `parquet:"bill_billing_entity"`
	Account  string            `parquet:"line_item_usage_account_id"`
	Type     string            `parquet:"line_item_line_item_type"`
	Start    time.Time         `parquet:"line_item_usage_start_date,timestamp(millisecond)"`
	Product  string            `parquet:"line_item_product_code"`
	Usage    *string           `parquet:"line_item_usage_type,optional"`
	Op       string            `parquet:"line_item_operation"`
	Cost     float64           `parquet:"line_item_unblended_cost"`
	Public   *float64          `parquet:"pricing_public_on_demand_cost,optional"`
	Extra    int64             `parquet:"line_item_usage_amount"`
	Product2 map[string]string `parquet:"product"`
	Tags     map[string]string `parquet:"resource_tags"`
}

func writeParquet(t *testing.T, rows []cur2Row, rowGroup int) string {
	t.Helper()
	return writeRows(t, rows, rowGroup, parquet.PageBufferSize(256))
}

func TestB1_CUR2Parquet(t *testing.T) {
	pub := 0.025
	usage := "APN1-TimedStorage-ByteHrs"
	var rows []cur2Row
	var want []row
	for i := range 200 {
		r := cur2Row{Entity: "AWS", Account: "123456789012", Type: "Usage",
			Start: time.Date(2026, 10, 1+i%30, 8, 0, 0, 0, time.FixedZone("JST", 9*3600)), Product: "AmazonS3",
			Usage: &usage, Op: "PutObject", Cost: 0.0000000123 * float64(i+1), Public: &pub, Extra: int64(i),
			Product2: map[string]string{"region": "ap-northeast-1", "product_name": "Amazon Simple Storage Service"}}
		w := row{Format: billing.FormatCUR2, Period: "2026-10", Account: "123456789012", ProductCode: "AmazonS3",
			ProductName: "Amazon Simple Storage Service", Type: "Usage", Usage: usage, Op: "PutObject", Ent: "AWS",
			Cost: formatFloat(r.Cost), Public: "0.025"}
		if i%30 == 0 { // 2026-10-01 08:00 JST is September in UTC
			w.Period = "2026-09"
		}
		switch i % 3 {
		case 1:
			r.Tags = map[string]string{"user_cm_billing_group": "g1", "user_name": "web"}
			w.Group = "g1"
		case 2:
			r.Public, r.Usage, r.Entity = nil, nil, "AWS Marketplace"
			w.Public, w.Usage, w.Ent = "", "", "AWS Marketplace"
		}
		rows = append(rows, r)
		want = append(want, w)
	}
	p := writeParquet(t, rows, 70)
	for _, workers := range []int{1, 4} {
		var c collector
		st, err := ScanFile(context.Background(), p, c.newSink, Options{Workers: workers})
		require.NoError(t, err)
		assert.Equal(t, LayoutParquet, st.Layout)
		assert.Equal(t, billing.FormatCUR2, st.Format)
		assert.Equal(t, int64(200), st.Rows)
		var cw collector
		s := cw.newSink()
		for i := range want {
			li := fromRow(want[i])
			require.NoError(t, s.Add(&li))
		}
		assert.Equal(t, cw.sorted(), c.sorted())
	}
	assert.Equal(t, "0.0000000123", formatFloat(0.0000000123))
}

func formatFloat(f float64) string {
	v := pqValues{f64: []float64{f}, n: 1}
	_, b, _ := v.render(&pqType{kind: parquet.Double, conv: convDouble}, 0, nil)
	return string(b)
}

func fromRow(r row) billing.LineItem {
	per, err := resellerkit.ParseMonth(r.Period)
	if err != nil {
		panic(err)
	}
	b := func(s string) []byte {
		if s == "" {
			return nil
		}
		return []byte(s)
	}
	var bill resellerkit.Month
	if err := bill.UnmarshalText([]byte(r.Bill)); err != nil {
		panic(err)
	}
	return billing.LineItem{Format: r.Format, Period: per, BillingPeriod: bill, AccountID: b(r.Account), ProductCode: b(r.ProductCode),
		ProductName: b(r.ProductName), LineItemType: b(r.Type), UsageType: b(r.Usage), Operation: b(r.Op),
		BillingEntity: b(r.Ent), BillingGroup: b(r.Group), Cost: b(r.Cost), PublicCost: b(r.Public)}
}

func TestB1_ParquetNeedsScanFile(t *testing.T) {
	p := writeParquet(t, []cur2Row{{Account: "1", Type: "Usage", Start: time.Now(), Product: "p"}}, 1)
	f, err := os.Open(p)
	require.NoError(t, err)
	defer f.Close()
	_, err = Scan(context.Background(), p, f, func() billing.Sink { return &failSink{} }, Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ScanFile")
}
