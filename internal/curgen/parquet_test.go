package curgen

import (
	"bytes"
	"io"
	"strconv"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestB1_ParquetHasTheSameRowsAsCSV(t *testing.T) {
	const n = 5000
	var want []Row
	var buf bytes.Buffer
	got, err := WriteParquet(&buf, Config{Rows: n, Seed: 21, Observe: func(r *Row) { want = append(want, *r) }})
	require.NoError(t, err)
	require.Equal(t, n, got)

	// The CSV of the same Config describes the same rows.
	var csvRows []Row
	_, err = Write(io.Discard, Config{Rows: n, Seed: 21, Observe: func(r *Row) { csvRows = append(csvRows, *r) }})
	require.NoError(t, err)
	require.Equal(t, want, csvRows)

	f, err := parquet.OpenFile(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	require.NoError(t, err)
	require.Equal(t, int64(n), f.NumRows())
	for _, c := range []string{"line_item_unblended_cost", "line_item_usage_account_id", "line_item_line_item_type",
		"bill_billing_entity", "line_item_product_code", "pricing_public_on_demand_cost"} {
		_, ok := f.Schema().Lookup(c)
		assert.True(t, ok, c)
	}

	r := parquet.NewGenericReader[cur2Row](bytes.NewReader(buf.Bytes()))
	defer r.Close()
	rows := make([]cur2Row, n)
	read, err := r.Read(rows)
	if err != io.EOF {
		require.NoError(t, err)
	}
	require.Equal(t, n, read)
	for i, p := range rows {
		w := want[i]
		require.Equal(t, w.AccountID, p.LineItemUsageAccountId, "row %d", i)
		require.Equal(t, w.LineItemType, p.LineItemLineItemType)
		require.Equal(t, w.ProductCode, p.LineItemProductCode)
		require.Equal(t, w.ProductName, p.Product["product_name"])
		require.Equal(t, w.BillingEntity, p.BillBillingEntity)
		require.Equal(t, w.BillingGroup, p.ResourceTags["user_CmBillingGroup"])
		require.True(t, w.UsageStart.Equal(p.LineItemUsageStartDate))
		require.NotNil(t, p.LineItemUnblendedCost, "row %d: cost is never null", i)
		// The shortest decimal that round-trips the double is the exact cost.
		text := strconv.FormatFloat(*p.LineItemUnblendedCost, 'f', -1, 64)
		d, err := decimal.NewFromString(text)
		require.NoError(t, err)
		require.True(t, d.Equal(decimal.New(w.Cost, -CostScale)), "row %d: %s vs %d", i, text, w.Cost)
	}
}
