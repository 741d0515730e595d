package costfile

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/internal/curgen"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// toolRow is one CUR 2.0 row of the files other tools write (Spark, Athena CTAS,
// pandas/pyarrow, DuckDB COPY): the same rows are written as CUR 2.0 CSV and as
// Parquet in several physical layouts, and every file must read to the same rows and
// invoices.
type toolRow struct {
	ID, Account, Type, Product, ProductName, Usage, Op, Entity, Group string
	Cost, Public                                                      int64 // units of 1e-4; Public < noPublic: null
	Start, Bill                                                       time.Time
}

const noPublic = -1 << 40

// toolRows returns n rows of accounts of scripts/testdata/bench-config.json (and one
// of no project), all B-2 line item types, the SKU rule's RDS usage, Marketplace
// rows, billing group tags, a few rows of September, null usage types and public
// costs.
func toolRows(n int) []toolRow {
	r := rand.New(rand.NewPCG(8, 1))
	accts := []string{"654602269276", "912350637959", "439431998251", "868823371415", "000000000042"}
	type prod struct{ code, name, usage, op string }
	prods := []prod{
		{"AmazonEC2", "Amazon Elastic Compute Cloud", "APN1-BoxUsage:t3.micro", "RunInstances"},
		{"AmazonS3", "Amazon Simple Storage Service", "APN1-TimedStorage-ByteHrs", "PutObject"},
		{"AmazonRDS", "Amazon Relational Database Service", "APN1-InstanceUsage:db.r6g.large", "CreateDBInstance:0016"},
		{"AmazonRDS", "Amazon Relational Database Service", "APN1-InstanceUsage:db.t3.small", "CreateDBInstance:0002"},
		{"AWSDataTransfer", "AWS Data Transfer", "APN1-DataTransfer-Out-Bytes", ""},
	}
	types := []string{"Usage", "Usage", "Usage", "DiscountedUsage", "Credit", "Tax", "Fee"}
	out := make([]toolRow, n)
	for i := range out {
		p := prods[r.IntN(len(prods))]
		row := toolRow{ID: fmt.Sprintf("id-%06d", i/3), Account: accts[r.IntN(len(accts))], Type: types[r.IntN(len(types))],
			Product: p.code, ProductName: p.name, Usage: p.usage, Op: p.op, Entity: "AWS",
			Cost: r.Int64N(40_000_000) - 5_000_000, Public: r.Int64N(30_000_000),
			Start: time.Date(2026, 10, 1+r.IntN(31), r.IntN(24), 0, 0, 0, time.UTC),
			Bill:  time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)}
		switch {
		case i%97 == 0:
			row.Start = time.Date(2026, 9, 30, 23, 0, 0, 0, time.UTC)
		case i%13 == 0:
			row.Entity = "AWS Marketplace"
		}
		switch r.IntN(4) {
		case 0:
			row.Group = "g1"
		case 1:
			row.Group = "g2"
		}
		if i%11 == 0 {
			row.Public = noPublic
		}
		if i%17 == 0 {
			row.Usage = ""
		}
		if row.Type == "Credit" {
			row.Cost = -row.Cost
		}
		out[i] = row
	}
	return out
}

// dec returns units × 10^-4 as decimal text.
func dec(units int64) string { return string(appendScaled(nil, units, 4)) }

func (r toolRow) productMap() map[string]string {
	return map[string]string{"product_name": r.ProductName, "region": "ap-northeast-1", "servicecode": r.Product}
}

func (r toolRow) tags() map[string]string {
	m := map[string]string{"user_name": "web"}
	if r.Group != "" {
		m["user_cm_billing_group"] = r.Group
	}
	return m
}

// writeToolCSV writes rows as a CUR 2.0 CSV export (maps as JSON text).
func writeToolCSV(t *testing.T, rows []toolRow) string {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	require.NoError(t, w.Write([]string{"identity_line_item_id", "bill_billing_entity", "bill_billing_period_start_date", "line_item_usage_account_id",
		"line_item_line_item_type", "line_item_usage_start_date", "line_item_product_code", "line_item_usage_type", "line_item_operation",
		"line_item_unblended_cost", "pricing_public_on_demand_cost", "product", "resource_tags"}))
	for _, r := range rows {
		pub := ""
		if r.Public != noPublic {
			pub = dec(r.Public)
		}
		pm, err := json.Marshal(r.productMap())
		require.NoError(t, err)
		tg, err := json.Marshal(r.tags())
		require.NoError(t, err)
		require.NoError(t, w.Write([]string{r.ID, r.Entity, r.Bill.Format(time.RFC3339), r.Account, r.Type, r.Start.Format(time.RFC3339),
			r.Product, r.Usage, r.Op, dec(r.Cost), pub, string(pm), string(tg)}))
	}
	w.Flush()
	require.NoError(t, w.Error())
	p := filepath.Join(t.TempDir(), "cur2.csv")
	require.NoError(t, os.WriteFile(p, b.Bytes(), 0o600))
	return p
}

// The Parquet layouts: costs as DOUBLE, DECIMAL on INT32, INT64,
// FIXED_LEN_BYTE_ARRAY and BYTE_ARRAY; usage starts as TIMESTAMP(MILLIS, MICROS,
// NANOS) and INT96.
type (
	toolDouble struct {
		ID         string            `parquet:"identity_line_item_id"`
		Entity     string            `parquet:"bill_billing_entity"`
		Bill       time.Time         `parquet:"bill_billing_period_start_date,timestamp(millisecond)"`
		Account    string            `parquet:"line_item_usage_account_id"`
		Type       string            `parquet:"line_item_line_item_type"`
		Start      time.Time         `parquet:"line_item_usage_start_date,timestamp(millisecond)"`
		Product    string            `parquet:"line_item_product_code"`
		Usage      string            `parquet:"line_item_usage_type,optional"`
		Op         string            `parquet:"line_item_operation,optional"`
		Cost       float64           `parquet:"line_item_unblended_cost"`
		Public     *float64          `parquet:"pricing_public_on_demand_cost,optional"`
		ProductMap map[string]string `parquet:"product"`
		Tags       map[string]string `parquet:"resource_tags"`
	}
	toolDecimal64 struct {
		ID         string            `parquet:"identity_line_item_id"`
		Entity     string            `parquet:"bill_billing_entity"`
		Bill       int64             `parquet:"bill_billing_period_start_date,timestamp(microsecond)"`
		Account    string            `parquet:"line_item_usage_account_id"`
		Type       string            `parquet:"line_item_line_item_type"`
		Start      int64             `parquet:"line_item_usage_start_date,timestamp(microsecond)"`
		Product    string            `parquet:"line_item_product_code"`
		Usage      string            `parquet:"line_item_usage_type,optional"`
		Op         string            `parquet:"line_item_operation,optional"`
		Cost       int64             `parquet:"line_item_unblended_cost,decimal(10:18)"`
		Public     *int64            `parquet:"pricing_public_on_demand_cost,decimal(10:18),optional"`
		ProductMap map[string]string `parquet:"product"`
		Tags       map[string]string `parquet:"resource_tags"`
	}
	toolDecimal32 struct {
		ID         string            `parquet:"identity_line_item_id"`
		Entity     string            `parquet:"bill_billing_entity"`
		Bill       int32             `parquet:"bill_billing_period_start_date,date"` // days since 1970-01-01
		Account    string            `parquet:"line_item_usage_account_id"`
		Type       string            `parquet:"line_item_line_item_type"`
		Start      time.Time         `parquet:"line_item_usage_start_date,timestamp(nanosecond)"`
		Product    string            `parquet:"line_item_product_code"`
		Usage      string            `parquet:"line_item_usage_type,optional"`
		Op         string            `parquet:"line_item_operation,optional"`
		Cost       int32             `parquet:"line_item_unblended_cost,decimal(4:9)"`
		Public     *int32            `parquet:"pricing_public_on_demand_cost,decimal(4:9),optional"`
		ProductMap map[string]string `parquet:"product"`
		Tags       map[string]string `parquet:"resource_tags"`
	}
	toolFixed struct {
		ID         string            `parquet:"identity_line_item_id"`
		Entity     string            `parquet:"bill_billing_entity"`
		Bill       deprecated.Int96  `parquet:"bill_billing_period_start_date"`
		Account    string            `parquet:"line_item_usage_account_id"`
		Type       string            `parquet:"line_item_line_item_type"`
		Start      deprecated.Int96  `parquet:"line_item_usage_start_date"`
		Product    string            `parquet:"line_item_product_code"`
		Usage      string            `parquet:"line_item_usage_type,optional"`
		Op         string            `parquet:"line_item_operation,optional"`
		Cost       [16]byte          `parquet:"line_item_unblended_cost,decimal(10:38)"`
		Public     *[16]byte         `parquet:"pricing_public_on_demand_cost,decimal(10:38),optional"`
		ProductMap map[string]string `parquet:"product"`
		Tags       map[string]string `parquet:"resource_tags"`
	}
	// toolBytes is written with a schema whose costs are DECIMAL(38,10) on BYTE_ARRAY
	// (minimal two's complement, as Java's BigDecimal.unscaledValue().toByteArray()).
	toolBytes struct {
		ID         string            `parquet:"identity_line_item_id"`
		Entity     string            `parquet:"bill_billing_entity"`
		Bill       time.Time         `parquet:"bill_billing_period_start_date,timestamp(millisecond)"`
		Account    string            `parquet:"line_item_usage_account_id"`
		Type       string            `parquet:"line_item_line_item_type"`
		Start      time.Time         `parquet:"line_item_usage_start_date,timestamp(millisecond)"`
		Product    string            `parquet:"line_item_product_code"`
		Usage      string            `parquet:"line_item_usage_type,optional"`
		Op         string            `parquet:"line_item_operation,optional"`
		Cost       []byte            `parquet:"line_item_unblended_cost"`
		Public     []byte            `parquet:"pricing_public_on_demand_cost,optional"`
		ProductMap map[string]string `parquet:"product"`
		Tags       map[string]string `parquet:"resource_tags"`
	}
)

// int96 encodes t as an INT96 timestamp (nanoseconds of the day, Julian day).
func int96(t time.Time) deprecated.Int96 {
	sec := t.Unix()
	day := sec / 86400
	nanos := uint64((sec-day*86400)*1e9) + uint64(t.Nanosecond())
	return deprecated.Int96{uint32(nanos), uint32(nanos >> 32), uint32(day + 2440588)}
}

// twos returns v in big-endian two's complement: in n bytes, or minimal when n is 0.
func twos(v *big.Int, n int) []byte {
	if n == 0 {
		n = (v.BitLen() + 8) / 8 // room for the sign bit
	}
	m := new(big.Int).Set(v)
	if v.Sign() < 0 {
		m.Add(m, new(big.Int).Lsh(big.NewInt(1), uint(8*n)))
	}
	return m.FillBytes(make([]byte, n))
}

func scaled10(units int64) *big.Int {
	return new(big.Int).Mul(big.NewInt(units), big.NewInt(1_000_000))
}

// writeTool writes rows converted by conv as Parquet with the given schema (nil: T's)
// and writer options, in row groups of groupRows rows.
func writeTool[T any](t *testing.T, rows []toolRow, conv func(toolRow) T, schema *parquet.Schema, groupRows int, opts ...parquet.WriterOption) string {
	t.Helper()
	out := make([]T, len(rows))
	for i, r := range rows {
		out[i] = conv(r)
	}
	if schema != nil {
		opts = append(opts, schema)
	}
	return writeRows(t, out, groupRows, opts...)
}

// writeRows writes rows as a Parquet file in a new temporary directory, in row
// groups of groupRows rows, with the writer options opts, and returns its path.
func writeRows[T any](t *testing.T, rows []T, groupRows int, opts ...parquet.WriterOption) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "rows.parquet")
	f, err := os.Create(p)
	require.NoError(t, err)
	w := parquet.NewGenericWriter[T](f, opts...)
	for i := 0; i < len(rows); i += groupRows {
		_, err := w.Write(rows[i:min(i+groupRows, len(rows))])
		require.NoError(t, err)
		require.NoError(t, w.Flush())
	}
	require.NoError(t, w.Close())
	require.NoError(t, f.Close())
	return p
}

func toDouble(r toolRow) toolDouble {
	var pub *float64
	if r.Public != noPublic {
		f := float64(r.Public) / 1e4
		pub = &f
	}
	return toolDouble{r.ID, r.Entity, r.Bill, r.Account, r.Type, r.Start, r.Product, r.Usage, r.Op, float64(r.Cost) / 1e4, pub, r.productMap(), r.tags()}
}

func toDecimal64(r toolRow) toolDecimal64 {
	var pub *int64
	if r.Public != noPublic {
		v := r.Public * 1_000_000
		pub = &v
	}
	return toolDecimal64{r.ID, r.Entity, r.Bill.UnixMicro(), r.Account, r.Type, r.Start.UnixMicro(), r.Product, r.Usage, r.Op, r.Cost * 1_000_000, pub, r.productMap(), r.tags()}
}

func toDecimal32(r toolRow) toolDecimal32 {
	var pub *int32
	if r.Public != noPublic {
		v := int32(r.Public)
		pub = &v
	}
	return toolDecimal32{r.ID, r.Entity, int32(r.Bill.Unix() / 86400), r.Account, r.Type, r.Start, r.Product, r.Usage, r.Op, int32(r.Cost), pub, r.productMap(), r.tags()}
}

func toFixed(r toolRow) toolFixed {
	var pub *[16]byte
	if r.Public != noPublic {
		pub = (*[16]byte)(twos(scaled10(r.Public), 16))
	}
	return toolFixed{r.ID, r.Entity, int96(r.Bill), r.Account, r.Type, int96(r.Start), r.Product, r.Usage, r.Op,
		[16]byte(twos(scaled10(r.Cost), 16)), pub, r.productMap(), r.tags()}
}

func toBytes(r toolRow) toolBytes {
	var pub []byte
	if r.Public != noPublic {
		pub = twos(scaled10(r.Public), 0)
	}
	return toolBytes{r.ID, r.Entity, r.Bill, r.Account, r.Type, r.Start, r.Product, r.Usage, r.Op, twos(scaled10(r.Cost), 0), pub, r.productMap(), r.tags()}
}

// bytesDecimalSchema is toolBytes' schema with DECIMAL(38,10) BYTE_ARRAY costs.
func bytesDecimalSchema() *parquet.Schema {
	g := parquet.Group{}
	for _, f := range parquet.SchemaOf(toolBytes{}).Fields() {
		var n parquet.Node = f
		switch f.Name() {
		case "line_item_unblended_cost":
			n = parquet.Decimal(10, 38, parquet.ByteArrayType)
		case "pricing_public_on_demand_cost":
			n = parquet.Optional(parquet.Decimal(10, 38, parquet.ByteArrayType))
		}
		g[f.Name()] = n
	}
	return parquet.NewSchema("toolBytes", g)
}

// dictionary is the writer option of dictionary-encoded pages for every column
// (as AWS Data Exports, Spark and pyarrow write them by default).
func dictionary() []parquet.WriterOption {
	var o []parquet.WriterOption
	for _, k := range []parquet.Kind{parquet.ByteArray, parquet.Int32, parquet.Int64, parquet.Double, parquet.FixedLenByteArray} {
		o = append(o, parquet.DefaultEncodingFor(k, &parquet.RLEDictionary))
	}
	return o
}

// normRows returns the rows of a scan with costs as canonical decimals, so that
// "1.5000" (a DECIMAL) and "1.5" (a DOUBLE) compare equal.
func normRows(t *testing.T, c *collector) []row {
	t.Helper()
	rows := c.sorted()
	for i := range rows {
		for _, s := range []*string{&rows[i].Cost, &rows[i].Public} {
			if *s != "" {
				d, err := money.Parse(*s)
				require.NoError(t, err, *s)
				*s = d.String()
			}
		}
	}
	return rows
}

// benchConfig reads scripts/testdata/bench-config.json; publicB puts proj-b on the
// public_on_demand basis, so that public costs are read (B-3).
func benchConfig(t *testing.T, publicB bool) *billing.Config {
	t.Helper()
	b, err := os.ReadFile("../../scripts/testdata/bench-config.json")
	require.NoError(t, err)
	if publicB {
		b = bytes.Replace(b, []byte(`"currency": "USD", "exchange_rate": "1",`), []byte(`"currency": "USD", "exchange_rate": "1", "cost_basis": "public_on_demand",`), 1)
		require.Contains(t, string(b), "public_on_demand")
	}
	cfg, err := billing.DecodeConfig(bytes.NewReader(b))
	require.NoError(t, err)
	return cfg
}

// invoices bills October 2026 from path as examples/invoicing does and returns what
// does not depend on the file's layout: invoices, unassigned accounts, row counts.
func invoices(t *testing.T, cfg *billing.Config, path string, workers int) ([]billing.Invoice, []billing.UnassignedAccount, billing.RowCounts) {
	t.Helper()
	res, err := billing.Run(context.Background(), billing.Job{Period: resellerkit.NewMonth(2026, time.October), Issuer: cfg.Issuer, Tax: cfg.Tax,
		CostCurrency: cfg.CostCurrency, Projects: cfg, Inputs: []billing.Input{File{Path: path, Options: Options{Workers: workers}}}})
	require.NoError(t, err)
	require.NotEmpty(t, res.Invoices)
	return res.Invoices, res.Unassigned, res.Rows
}

// TestB1_ParquetOfOtherTools: Parquet files as other tools write them — plain
// (non-dictionary) and dictionary pages, data pages v1 and v2, no statistics,
// TIMESTAMP(MILLIS/MICROS/NANOS) and INT96 usage starts, a DATE billing period
// start, DOUBLE and DECIMAL costs on
// INT32, INT64, FIXED_LEN_BYTE_ARRAY and BYTE_ARRAY, several row groups, Snappy,
// GZIP, ZSTD and no compression — read to the same rows as the CSV of the same
// data, and bill the same invoices, with one worker or several.
func TestB1_ParquetOfOtherTools(t *testing.T) {
	rows := toolRows(3000)
	csvPath := writeToolCSV(t, rows)
	var wantRows collector
	_, err := ScanFile(context.Background(), csvPath, wantRows.newSink, Options{Workers: 1})
	require.NoError(t, err)
	want := normRows(t, &wantRows)
	require.Len(t, want, len(rows))
	noStats := []parquet.WriterOption{parquet.DataPageStatistics(false)}
	for _, c := range parquet.SchemaOf(toolDouble{}).Columns() {
		noStats = append(noStats, parquet.SkipPageBounds(c...))
	}
	files := map[string]string{
		"double, plain, snappy, v2": writeTool(t, rows, toDouble, nil, 1000, parquet.Compression(&parquet.Snappy)),
		"double, dictionary, snappy, v1 pages": writeTool(t, rows, toDouble, nil, 700,
			append(dictionary(), parquet.Compression(&parquet.Snappy), parquet.DataPageVersion(1))...),
		"double, no statistics, small pages, uncompressed": writeTool(t, rows, toDouble, nil, 3000,
			append(noStats, parquet.PageBufferSize(512), parquet.Compression(&parquet.Uncompressed))...),
		"decimal int64, timestamp micros, plain strings, gzip": writeTool(t, rows, toDecimal64, nil, 1100,
			parquet.Compression(&parquet.Gzip), parquet.DefaultEncodingFor(parquet.ByteArray, &parquet.Plain)),
		"decimal int64, dictionary, zstd, v1 pages": writeTool(t, rows, toDecimal64, nil, 1100,
			append(dictionary(), parquet.Compression(&parquet.Zstd), parquet.DataPageVersion(1))...),
		"decimal int32, timestamp nanos, date, zstd":                        writeTool(t, rows, toDecimal32, nil, 999, parquet.Compression(&parquet.Zstd)),
		"decimal fixed_len_byte_array, int96, snappy":                       writeTool(t, rows, toFixed, nil, 1500, parquet.Compression(&parquet.Snappy)),
		"decimal fixed_len_byte_array, int96, dictionary, uncompressed, v1": writeTool(t, rows, toFixed, nil, 1500, append(dictionary(), parquet.DataPageVersion(1))...),
		"decimal byte_array, gzip":                                          writeTool(t, rows, toBytes, bytesDecimalSchema(), 1000, parquet.Compression(&parquet.Gzip)),
	}
	// The files are what they claim to be.
	for name, want := range map[string]string{
		"double, plain, snappy, v2":                                         "DOUBLE [PLAIN] SNAPPY",
		"double, dictionary, snappy, v1 pages":                              "DOUBLE [PLAIN RLE_DICTIONARY] SNAPPY",
		"decimal int64, timestamp micros, plain strings, gzip":              "INT64 [PLAIN] GZIP",
		"decimal int32, timestamp nanos, date, zstd":                        "INT32 [PLAIN] ZSTD",
		"decimal fixed_len_byte_array, int96, dictionary, uncompressed, v1": "FIXED_LEN_BYTE_ARRAY [PLAIN RLE_DICTIONARY] UNCOMPRESSED",
		"decimal byte_array, gzip":                                          "BYTE_ARRAY [DELTA_LENGTH_BYTE_ARRAY] GZIP",
	} {
		require.Equal(t, want, chunkOf(t, files[name], "line_item_unblended_cost"), name)
	}
	require.Equal(t, "BYTE_ARRAY [PLAIN] GZIP", chunkOf(t, files["decimal int64, timestamp micros, plain strings, gzip"], "line_item_usage_account_id"))
	require.Equal(t, "BYTE_ARRAY [PLAIN RLE_DICTIONARY] ZSTD", chunkOf(t, files["decimal int64, dictionary, zstd, v1 pages"], "line_item_usage_account_id"))
	cfgs := []*billing.Config{benchConfig(t, false), benchConfig(t, true)}
	var wantInv [2][]billing.Invoice
	var wantUn [2][]billing.UnassignedAccount
	var wantCounts [2]billing.RowCounts
	for i, cfg := range cfgs {
		wantInv[i], wantUn[i], wantCounts[i] = invoices(t, cfg, csvPath, 1)
	}
	for name, p := range files {
		t.Run(name, func(t *testing.T) {
			for _, workers := range []int{1, 3} {
				var c collector
				st, err := ScanFile(context.Background(), p, c.newSink, Options{Workers: workers})
				require.NoError(t, err)
				require.Equal(t, LayoutParquet, st.Layout)
				require.Equal(t, want, normRows(t, &c))
			}
			for i, cfg := range cfgs {
				inv, un, counts := invoices(t, cfg, p, 2)
				require.Equal(t, wantInv[i], inv)
				require.Equal(t, wantUn[i], un)
				require.Equal(t, wantCounts[i], counts)
			}
		})
	}
	// The test can fail: a file with other costs bills other invoices.
	i := slices.IndexFunc(rows, func(r toolRow) bool {
		return r.Account == "654602269276" && r.Type == "Usage" && r.Start.Month() == time.October
	})
	rows[i].Cost += 10_000
	inv, _, _ := invoices(t, cfgs[0], writeTool(t, rows, toBytes, bytesDecimalSchema(), 1000), 1)
	require.NotEqual(t, wantInv[0], inv)
}

// TestB1_ParquetInvoicesEqualCSV: curgen writes one month as legacy CUR CSV and as
// CUR 2.0 Parquet (DOUBLE costs, plain and dictionary pages) from one seed; all bill
// the same invoices, on the unblended and the public_on_demand basis (B-3).
func TestB1_ParquetInvoicesEqualCSV(t *testing.T) {
	dir := t.TempDir()
	cfg := curgen.Config{Rows: 30000, Seed: 7}
	write := func(name string, fn func(f *os.File) error) string {
		p := filepath.Join(dir, name)
		f, err := os.Create(p)
		require.NoError(t, err)
		require.NoError(t, fn(f))
		require.NoError(t, f.Close())
		return p
	}
	csvPath := write("cur.csv", func(f *os.File) error { _, err := curgen.Write(f, cfg); return err })
	plain := write("plain.parquet", func(f *os.File) error { _, err := curgen.WriteParquet(f, cfg); return err })
	dict := write("dict.parquet", func(f *os.File) error {
		_, err := curgen.WriteParquetWith(f, cfg, curgen.ParquetOptions{Dictionary: true, DataPageV1: true, RowGroupRows: 7000})
		return err
	})
	for _, public := range []bool{false, true} {
		bc := benchConfig(t, public)
		wantInv, wantUn, wantCounts := invoices(t, bc, csvPath, 2)
		require.Positive(t, wantCounts.InPeriod)
		for _, p := range []string{plain, dict} {
			inv, un, counts := invoices(t, bc, p, 2)
			require.Equal(t, wantInv, inv, "%s public=%v", filepath.Base(p), public)
			require.Equal(t, wantUn, un)
			require.Equal(t, wantCounts, counts)
		}
	}
}

// TestB1_ParquetDecimalText: DECIMAL values of every physical type are rendered
// exactly, whatever their sign, scale and width.
func TestB1_ParquetDecimalText(t *testing.T) {
	for _, tc := range []struct {
		unscaled string
		scale    int
		want     string
	}{
		{"0", 2, "0.00"}, {"5", 3, "0.005"}, {"-5", 3, "-0.005"}, {"123456", 2, "1234.56"}, {"-123456", 0, "-123456"},
		{"12", -2, "1200"}, {"-170141183460469231731687303715884105728", 10, "-17014118346046923173168730371.5884105728"},
		{"99999999999999999999999999", 10, "9999999999999999.9999999999"},
	} {
		v, ok := new(big.Int).SetString(tc.unscaled, 10)
		require.True(t, ok)
		for _, n := range []int{0, 16} {
			b, err := appendDecimalBytes(nil, twos(v, n), tc.scale)
			require.NoError(t, err)
			require.Equal(t, tc.want, string(b), "%s e-%d in %d bytes", tc.unscaled, tc.scale, n)
		}
		if v.IsInt64() {
			require.Equal(t, tc.want, string(appendScaled(nil, v.Int64(), tc.scale)))
			var be [8]byte
			binary.BigEndian.PutUint64(be[:], uint64(v.Int64()))
			b, err := appendDecimalBytes(nil, be[:], tc.scale)
			require.NoError(t, err)
			require.Equal(t, tc.want, string(b))
		}
	}
	_, err := appendDecimalBytes(nil, nil, 2)
	require.Error(t, err)
	require.True(t, strings.HasPrefix(string(appendInstant(nil, time.Date(2026, 10, 1, 8, 0, 0, 0, time.UTC))), "2026-10-01T08:00:00Z"))
	require.Equal(t, "2026-10-01T08:00:00.000123Z", string(appendInstant(nil, time.Date(2026, 10, 1, 8, 0, 0, 123000, time.UTC))))
	require.Equal(t, "2026-10-01T08:00:00Z", string(appendInstant(nil, int96Time(int96(time.Date(2026, 10, 1, 8, 0, 0, 0, time.UTC))))))
}

// openParquetFile opens the Parquet file at path for the test's duration.
func openParquetFile(t *testing.T, path string) *parquet.File {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { _ = f.Close() })
	fi, err := f.Stat()
	require.NoError(t, err)
	pf, err := parquet.OpenFile(f, fi.Size())
	require.NoError(t, err)
	return pf
}

// chunkOf describes the first chunk of column col of the file at path: physical
// type, encodings and codec.
func chunkOf(t *testing.T, path, col string) string {
	t.Helper()
	pf := openParquetFile(t, path)
	for _, c := range pf.Metadata().RowGroups[0].Columns {
		if c.MetaData.PathInSchema[0] == col {
			return fmt.Sprintf("%v %v %v", c.MetaData.Type, c.MetaData.Encoding, c.MetaData.Codec)
		}
	}
	t.Fatal("no column " + col)
	return ""
}

// TestB1_ParquetDoubleShortest: a DOUBLE cost is rendered as the shortest decimal
// that round-trips (strconv's), also on the fast path for costs of at most 10
// fractional digits; never summed as a float.
func TestB1_ParquetDoubleShortest(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	xs := []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 0.1 + 0.2, 1e-10, 1.5e-10, 0.0000000123, 123456.7890123456, 399999.9999999999,
		-399999.9999999999, 400000.00001, 1e15, 5e-324, math.MaxFloat64, math.Inf(1), math.NaN(), 0.30000000000000004, 2.675}
	for range 200000 {
		switch r.IntN(4) {
		case 0: // a cost as AWS writes it: at most 10 fractional digits
			xs = append(xs, float64(r.Int64N(2e15)-1e15)/1e10)
		case 1:
			xs = append(xs, float64(r.Int64N(2e8)-1e8)/math.Pow10(r.IntN(14)))
		case 2:
			xs = append(xs, (r.Float64()-0.5)*math.Pow10(r.IntN(12)-6))
		default:
			xs = append(xs, math.Float64frombits(r.Uint64()))
		}
	}
	for _, x := range xs {
		require.Equal(t, strconv.FormatFloat(x, 'f', -1, 64), string(appendDouble(nil, x)), "%v (%x)", x, math.Float64bits(x))
	}
}

// TestB9_ParquetTagsAsJSONText: a tool may write a map column as JSON text (a
// string column). The billing group (B-9) and the product name are read from it,
// and from the other column still a map, as from two maps.
func TestB9_ParquetTagsAsJSONText(t *testing.T) {
	type jsonTags struct {
		Account string            `parquet:"line_item_usage_account_id"`
		Type    string            `parquet:"line_item_line_item_type"`
		Start   time.Time         `parquet:"line_item_usage_start_date,timestamp(millisecond)"`
		Product string            `parquet:"line_item_product_code"`
		Cost    float64           `parquet:"line_item_unblended_cost"`
		Map     map[string]string `parquet:"product"`
		Tags    string            `parquet:"resource_tags,optional"`
	}
	type jsonProduct struct {
		Account string            `parquet:"line_item_usage_account_id"`
		Type    string            `parquet:"line_item_line_item_type"`
		Start   time.Time         `parquet:"line_item_usage_start_date,timestamp(millisecond)"`
		Product string            `parquet:"line_item_product_code"`
		Cost    float64           `parquet:"line_item_unblended_cost"`
		Map     string            `parquet:"product,optional"`
		Tags    map[string]string `parquet:"resource_tags"`
	}
	st := time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC)
	name := "Amazon Simple Storage Service"
	paths := []string{
		writeParquetRows(t, []jsonTags{
			{"1", "Usage", st, "AmazonS3", 1, map[string]string{"product_name": name, "region": "x"}, `{"user_cm_billing_group":"g1","user_name":"a"}`},
			{"1", "Usage", st, "AmazonS3", 2, map[string]string{"region": "x"}, ""},
		}),
		writeParquetRows(t, []jsonProduct{
			{"1", "Usage", st, "AmazonS3", 1, `{"product_name":"` + name + `","region":"x"}`, map[string]string{"user_cm_billing_group": "g1", "user_name": "a"}},
			{"1", "Usage", st, "AmazonS3", 2, `{"region":"x"}`, nil},
		}),
	}
	for _, p := range paths {
		var c collector
		_, err := ScanFile(context.Background(), p, c.newSink, Options{})
		require.NoError(t, err)
		got := c.sorted()
		require.Len(t, got, 2)
		byCost := map[string][2]string{}
		for _, r := range got {
			byCost[r.Cost] = [2]string{r.Group, r.ProductName}
		}
		require.Equal(t, map[string][2]string{"1": {"g1", name}, "2": {"", ""}}, byCost, p)
	}
}
