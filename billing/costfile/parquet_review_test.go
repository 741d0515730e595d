package costfile

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// TestB1_ParquetDecimalScaleChecked: a DECIMAL column whose footer declares a scale
// beyond money's (money.MaxScale fractional digits), a negative one, one above the
// precision, or a precision out of its physical type's range is refused before any
// row, naming the column: a value is rendered with its scale's digits, so an
// unchecked DECIMAL(18, 100000000) would allocate 100 MB per value.
func TestB1_ParquetDecimalScaleChecked(t *testing.T) {
	rows := toolRows(3)
	for _, tc := range []struct {
		name string
		node parquet.Node
		want string // "": accepted
	}{
		{"scale 1e8", parquet.Decimal(100_000_000, 18, parquet.Int64Type), "scale out of range"},
		{"scale beyond money", parquet.Decimal(money.MaxScale+1, 38, parquet.FixedLenByteArrayType(16)), "scale out of range"},
		{"negative scale", parquet.Decimal(-1, 18, parquet.Int64Type), "scale out of range"},
		{"scale above precision", parquet.Decimal(19, 18, parquet.Int64Type), "scale out of range"},
		{"precision 0", parquet.Decimal(2, 0, parquet.FixedLenByteArrayType(16)), "precision out of range"},
		{"precision 1000", parquet.Decimal(2, 1000, parquet.FixedLenByteArrayType(16)), "precision out of range"},
		{"money's largest scale", parquet.Decimal(money.MaxScale, 38, parquet.FixedLenByteArrayType(16)), ""},
		{"AWS's DECIMAL(18,10)", parquet.Decimal(10, 18, parquet.Int64Type), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := tc.node.Type().LogicalType().Value.(*format.DecimalType)
			var p string
			if tc.node.Type().Kind() == parquet.FixedLenByteArray {
				p = writeTool(t, rows, toFixed, nil, 3)
			} else {
				p = writeTool(t, rows, toDecimal64, nil, 3)
			}
			// The footer declares the case's DECIMAL: parquet-go writes only the
			// DECIMALs its struct tags can declare.
			p = rewriteFooter(t, p, func(md *format.FileMetaData) {
				for i := range md.Schema {
					if md.Schema[i].Name == "line_item_unblended_cost" {
						md.Schema[i].Scale, md.Schema[i].Precision = thrift.New(d.Scale), thrift.New(d.Precision)
						md.Schema[i].LogicalType = format.LogicalType{Value: d}
					}
				}
			})
			var c collector
			_, err := ScanFile(context.Background(), p, c.newSink, Options{})
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrParquet)
			var e *Error
			require.True(t, errors.As(err, &e))
			require.Equal(t, "line_item_unblended_cost", e.Column)
			require.Contains(t, err.Error(), tc.want)
			require.Contains(t, err.Error(), "DECIMAL(")
			require.Empty(t, c.sorted())
		})
	}
}

// rewriteFooter decodes the file's footer, lets edit change it, and writes the file
// with the new footer to a new path: the pages are the ones parquet-go wrote.
func rewriteFooter(t *testing.T, path string, edit func(*format.FileMetaData)) string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	n := int(binary.LittleEndian.Uint32(data[len(data)-8:]))
	body, footer := data[:len(data)-8-n], data[len(data)-8-n:len(data)-8]
	var md format.FileMetaData
	require.NoError(t, thrift.Unmarshal(new(thrift.CompactProtocol), footer, &md))
	edit(&md)
	nf, err := thrift.Marshal(new(thrift.CompactProtocol), &md)
	require.NoError(t, err)
	out := append(append([]byte{}, body...), nf...)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(nf)))
	out = append(out, "PAR1"...)
	p := filepath.Join(t.TempDir(), "rewritten.parquet")
	require.NoError(t, os.WriteFile(p, out, 0o600))
	return p
}

// TestB1_ParquetRowsBeyondRowGroup: a row group whose columns hold more values than
// its declared row count is refused, naming the column and the row group, rather
// than its last rows dropped unseen.
func TestB1_ParquetRowsBeyondRowGroup(t *testing.T) {
	rows := toolRows(40)
	for _, layout := range []struct {
		name string
		opts []parquet.WriterOption
	}{{"plain", nil}, {"dictionary, v1 pages", append(dictionary(), parquet.DataPageVersion(1))}} {
		t.Run(layout.name, func(t *testing.T) {
			p := writeTool(t, rows, toDouble, nil, 20, layout.opts...)
			var c collector
			_, err := ScanFile(context.Background(), p, c.newSink, Options{Workers: 1})
			require.NoError(t, err, "the file as written reads")
			p = rewriteFooter(t, p, func(md *format.FileMetaData) {
				md.RowGroups[1].NumRows--
				md.NumRows--
			})
			for _, workers := range []int{1, 2} {
				var c collector
				_, err = ScanFile(context.Background(), p, c.newSink, Options{Workers: workers})
				require.ErrorIs(t, err, ErrParquet)
				var e *Error
				require.True(t, errors.As(err, &e))
				require.NotEmpty(t, e.Column)
				require.Contains(t, err.Error(), "row group 1")
				require.Contains(t, err.Error(), "beyond the row group's 19 rows")
			}
		})
	}
}

// cancelSink cancels its context at its nth row.
type cancelSink struct {
	n, rows int
	cancel  context.CancelFunc
}

func (s *cancelSink) Add(*billing.LineItem) error {
	s.rows++
	if s.rows == s.n {
		s.cancel()
	}
	return nil
}

// TestB1_ParquetCancelledWithinRowGroup: a cancelled scan stops within a row group,
// at most cancelCheckRows rows later, with the context's error and the line, not at
// the end of a row group of millions of rows.
func TestB1_ParquetCancelledWithinRowGroup(t *testing.T) {
	const n = 3 * cancelCheckRows
	p := writeTool(t, toolRows(n), toDouble, nil, n)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := &cancelSink{n: 10, cancel: cancel}
	_, err := ScanFile(ctx, p, func() billing.Sink { return s }, Options{Workers: 1})
	require.ErrorIs(t, err, context.Canceled)
	var e *Error
	require.True(t, errors.As(err, &e))
	require.Positive(t, e.Line)
	require.LessOrEqual(t, s.rows, cancelCheckRows)
}

// panicSink panics at its first row.
type panicSink struct{}

type sinkBug struct{}

func (panicSink) Add(*billing.LineItem) error { panic(sinkBug{}) }

// TestB1_ParquetPanicsOfOwnCodePropagate: only a panic of a parquet-go call
// (pqCall) is an ErrParquet error (a malformed file); a panic elsewhere, here the
// Sink's, is not turned into an error: the process crashes with its value and
// stack (run in a child process, as a worker goroutine's panic ends the process).
func TestB1_ParquetPanicsOfOwnCodePropagate(t *testing.T) {
	err := pqCall(func() error { panic("corrupt page") })
	require.EqualError(t, err, "parquet-go: corrupt page")
	require.NoError(t, pqCall(func() error { return nil }))
	require.ErrorIs(t, pqCall(func() error { return io.EOF }), io.EOF)

	if os.Getenv("COSTFILE_PANIC_CHILD") == "1" {
		p := writeTool(t, toolRows(5), toDouble, nil, 5)
		_, err := ScanFile(context.Background(), p, func() billing.Sink { return panicSink{} }, Options{Workers: 1})
		t.Fatalf("the Sink's panic became %v", err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestB1_ParquetPanicsOfOwnCodePropagate$", "-test.count=1")
	cmd.Env = append(os.Environ(), "COSTFILE_PANIC_CHILD=1")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	require.True(t, errors.As(err, &exit), "the child crashes: %v\n%s", err, out)
	require.Contains(t, string(out), "panic: (costfile.sinkBug)")
	require.Contains(t, string(out), "panicSink.Add", "with the Sink's stack")
	require.NotContains(t, string(out), "malformed")
	require.NotContains(t, string(out), "became")
}

// tagRow is a CUR 2.0 row whose resource_tags values may be null.
type tagRow struct {
	Entity  string             `parquet:"bill_billing_entity"`
	Bill    time.Time          `parquet:"bill_billing_period_start_date,timestamp(millisecond)"`
	Account string             `parquet:"line_item_usage_account_id"`
	Type    string             `parquet:"line_item_line_item_type"`
	Start   time.Time          `parquet:"line_item_usage_start_date,timestamp(millisecond)"`
	Product string             `parquet:"line_item_product_code"`
	Cost    float64            `parquet:"line_item_unblended_cost"`
	Tags    map[string]*string `parquet:"resource_tags"`
}

// BillingGroupCases are maps of resource_tags holding several spellings of the
// CmBillingGroup key (B-9), nil standing for a null value, and the group the CSV
// reader takes from them: the first spelling in billingGroupKeys' order that the
// map holds decides; its null ("NULL" in CSV) value is no group, the later
// spellings not consulted. Parquet writes map keys sorted, so the first entry is
// often not the first spelling.
var billingGroupCases = []struct {
	name string
	tags map[string]*string
	want string
}{
	{"one spelling", map[string]*string{"user_cm_billing_group": ptr("g2"), "user_name": ptr("web")}, "g2"},
	{"two spellings, the first sorts last", map[string]*string{"CmBillingGroup": ptr("g1"), "user:CmBillingGroup": ptr("g0")}, "g0"},
	{"two snake spellings", map[string]*string{"cm_billing_group": ptr("g3"), "user_cm_billing_group": ptr("g2")}, "g2"},
	{"null first spelling", map[string]*string{"user:CmBillingGroup": nil, "CmBillingGroup": ptr("g1")}, ""},
	{"null first spelling sorts first", map[string]*string{"CmBillingGroup": nil, "user_cm_billing_group": ptr("g2"), "user_CmBillingGroup": ptr("g4")}, ""},
	{"null later spelling", map[string]*string{"cm_billing_group": nil, "user_cm_billing_group": ptr("g2")}, "g2"},
	{"last spelling only", map[string]*string{"user_CmBillingGroup": ptr("g4"), "a": nil}, "g4"},
	{"none", map[string]*string{"user_name": ptr("web")}, ""},
}

func ptr(s string) *string { return &s }

// TestB9_BillingGroupSameInCSVAndParquet: CSV (JSON text) and Parquet (a map column,
// plain or dictionary-encoded) take the same billing group from the same tags.
func TestB9_BillingGroupSameInCSVAndParquet(t *testing.T) {
	start := time.Date(2026, 10, 3, 0, 0, 0, 0, time.UTC)
	bill := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	var csvText strings.Builder
	csvText.WriteString("bill_billing_entity,bill_billing_period_start_date,line_item_usage_account_id,line_item_line_item_type," +
		"line_item_usage_start_date,line_item_product_code,line_item_unblended_cost,resource_tags\n")
	var prows []tagRow
	want := map[string]string{} // account → group
	for i, tc := range billingGroupCases {
		acct := fmt.Sprintf("%012d", i+1)
		want[acct] = tc.want
		js := map[string]string{}
		for k, v := range tc.tags {
			js[k] = "NULL" // how a CUR 2.0 CSV writes a null
			if v != nil {
				js[k] = *v
			}
		}
		b, err := json.Marshal(js)
		require.NoError(t, err)
		q := `"` + strings.ReplaceAll(string(b), `"`, `""`) + `"`
		fmt.Fprintf(&csvText, "AWS,%s,%s,Usage,%s,AmazonEC2,1.5,%s\n", bill.Format(time.RFC3339), acct, start.Format(time.RFC3339), q)
		prows = append(prows, tagRow{"AWS", bill, acct, "Usage", start, "AmazonEC2", 1.5, tc.tags})
	}
	groups := func(rows []row) map[string]string {
		out := map[string]string{}
		for _, r := range rows {
			out[r.Account] = r.Group
		}
		return out
	}
	rows, _, err := scanString(t, csvText.String(), Options{})
	require.NoError(t, err)
	require.Equal(t, want, groups(rows), "CSV")
	for _, opts := range [][]parquet.WriterOption{nil, dictionary()} {
		p := writeRows(t, prows, 4, opts...)
		for _, workers := range []int{1, 2} {
			var c collector
			_, err := ScanFile(context.Background(), p, c.newSink, Options{Workers: workers})
			require.NoError(t, err)
			require.Equal(t, want, groups(c.sorted()), "Parquet")
		}
	}
	// Small pages: a row's entries span pages (mapSlow).
	var b bytes.Buffer
	w := parquet.NewGenericWriter[tagRow](&b, parquet.PageBufferSize(16), parquet.DataPageVersion(1))
	_, err = w.Write(prows)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	var c collector
	_, err = ScanReaderAt(context.Background(), "small.parquet", bytes.NewReader(b.Bytes()), int64(b.Len()), c.newSink, Options{Workers: 1})
	require.NoError(t, err)
	require.Equal(t, want, groups(c.sorted()), "Parquet, small pages")
}

// TestB1_CancelledBetweenRowGroups: a scan cancelled when a row group (or a CSV
// block) is done, before the next is handed out, is an error wrapping the
// context's, never a success with the rows read so far.
func TestB1_CancelledBetweenRowGroups(t *testing.T) {
	const groupRows = 1000
	pq := writeTool(t, toolRows(4*groupRows), toDouble, nil, groupRows)
	var csvText strings.Builder
	csvText.WriteString(legacyHeader)
	for range 4 * groupRows {
		csvText.WriteString(legacyRow("123456789012", "Usage", "2026-10-01T00:00:00Z", "p", "u", "o", "1", "d", "n", "AWS", "1", ""))
	}
	for _, tc := range []struct {
		name string
		scan func(ctx context.Context, newSink func() billing.Sink) (billing.InputStats, error)
	}{
		{"parquet", func(ctx context.Context, newSink func() billing.Sink) (billing.InputStats, error) {
			return ScanFile(ctx, pq, newSink, Options{Workers: 1})
		}},
		{"csv", func(ctx context.Context, newSink func() billing.Sink) (billing.InputStats, error) {
			return Scan(ctx, "t.csv", strings.NewReader(csvText.String()), newSink, Options{Workers: 1, BlockSize: 4096})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			s := &cancelSink{n: groupRows, cancel: cancel}
			st, err := tc.scan(ctx, func() billing.Sink { return s })
			require.ErrorIs(t, err, context.Canceled, "rows read: %d", st.Rows)
		})
	}
}
