package costfile

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/billing"
)

// parquetBytes returns a small valid CUR 2.0 Parquet file: n rows in row groups of
// groupRows, Snappy-compressed.
func parquetBytes(t testing.TB, n, groupRows int) []byte {
	t.Helper()
	var b bytes.Buffer
	w := parquet.NewGenericWriter[toolDouble](&b, parquet.Compression(&parquet.Snappy))
	rows := toolRows(n)
	for i := 0; i < n; i += groupRows {
		var batch []toolDouble
		for _, r := range rows[i:min(i+groupRows, n)] {
			batch = append(batch, toDouble(r))
		}
		_, err := w.Write(batch)
		require.NoError(t, err)
		require.NoError(t, w.Flush())
	}
	require.NoError(t, w.Close())
	return b.Bytes()
}

// chunkRange returns the byte range of column col's chunk in row group rg.
func chunkRange(t *testing.T, data []byte, rg int, col string) (start, end int64) {
	t.Helper()
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	for _, c := range f.Metadata().RowGroups[rg].Columns {
		if c.MetaData.PathInSchema[0] == col {
			start = c.MetaData.DataPageOffset
			if d := c.MetaData.DictionaryPageOffset; d > 0 && d < start {
				start = d
			}
			return start, start + c.MetaData.TotalCompressedSize
		}
	}
	t.Fatal("no column " + col)
	return 0, 0
}

func scanBytes(t testing.TB, name string, data []byte, workers int) (billing.InputStats, error) {
	t.Helper()
	var c collector
	return ScanReaderAt(context.Background(), name, bytes.NewReader(data), int64(len(data)), c.newSink, Options{Workers: workers})
}

// TestB1_ParquetMalformed: a truncated or corrupt Parquet file is an *Error wrapping
// ErrParquet naming the file, and, when a page is to blame, the column, the row
// group and the first row of the group (or the row reached); never a panic.
func TestB1_ParquetMalformed(t *testing.T) {
	good := parquetBytes(t, 300, 100)
	_, err := scanBytes(t, "good.parquet", good, 2)
	require.NoError(t, err)
	costStart, costEnd := chunkRange(t, good, 1, "line_item_unblended_cost")
	acctStart, acctEnd := chunkRange(t, good, 2, "line_item_usage_account_id")
	corrupt := func(from, to int64, b byte) []byte {
		d := bytes.Clone(good)
		for i := from; i < to; i++ {
			d[i] = b
		}
		return d
	}
	for _, tc := range []struct {
		name string
		data []byte
		want []string // in the message, besides the file's name
	}{
		{"truncated footer", good[:len(good)-1], []string{"truncated or not Parquet"}},
		{"truncated to half", good[:len(good)/2], []string{"truncated or not Parquet"}},
		{"magic only", []byte("PAR1"), []string{"truncated or not Parquet"}},
		{"footer length past the start", append(bytes.Clone(good[:len(good)-8]), 0xff, 0xff, 0xff, 0x7f, 'P', 'A', 'R', '1'), []string{"truncated or not Parquet"}},
		{"page header of row group 1 overwritten", corrupt(costStart, costStart+6, 0xff),
			[]string{":101: column line_item_unblended_cost: ", "row group 1"}},
		{"compressed page data of row group 2 overwritten", corrupt(acctStart+16, acctEnd, 0x00),
			[]string{":201: column line_item_usage_account_id: ", "row group 2"}},
		{"whole chunk zeroed", corrupt(costStart, costEnd, 0), []string{"column line_item_unblended_cost: ", "row group 1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, workers := range []int{1, 3} {
				_, err := scanBytes(t, "bad.parquet", tc.data, workers)
				require.Error(t, err)
				var e *Error
				require.True(t, errors.As(err, &e), "%T %v", err, err)
				require.ErrorIs(t, err, ErrParquet)
				require.Equal(t, "bad.parquet", e.File)
				for _, w := range tc.want {
					require.Contains(t, err.Error(), w)
				}
			}
		})
	}
}

// TestB1_ParquetUnsupportedColumn: a needed column of a type that is no text,
// number or timestamp (BOOLEAN, a list) is refused before any row, naming it.
func TestB1_ParquetUnsupportedColumn(t *testing.T) {
	type boolCost struct {
		Account string    `parquet:"line_item_usage_account_id"`
		Type    string    `parquet:"line_item_line_item_type"`
		Start   time.Time `parquet:"line_item_usage_start_date,timestamp(millisecond)"`
		Product string    `parquet:"line_item_product_code"`
		Cost    bool      `parquet:"line_item_unblended_cost"`
	}
	type listUsage struct {
		Account string    `parquet:"line_item_usage_account_id"`
		Type    string    `parquet:"line_item_line_item_type"`
		Start   time.Time `parquet:"line_item_usage_start_date,timestamp(millisecond)"`
		Product string    `parquet:"line_item_product_code"`
		Cost    float64   `parquet:"line_item_unblended_cost"`
		Usage   []string  `parquet:"line_item_usage_type,list"`
	}
	st := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	for name, p := range map[string]string{
		"line_item_unblended_cost": writeParquetRows(t, []boolCost{{"1", "Usage", st, "p", true}}),
		"line_item_usage_type":     writeParquetRows(t, []listUsage{{"1", "Usage", st, "p", 1, []string{"u"}}}),
	} {
		var c collector
		_, err := ScanFile(context.Background(), p, c.newSink, Options{})
		require.ErrorIs(t, err, ErrParquet)
		var e *Error
		require.True(t, errors.As(err, &e))
		require.Equal(t, name, e.Column)
		require.Contains(t, err.Error(), "unsupported")
		require.Empty(t, c.sorted())
	}
}

// FuzzScanParquet: the Parquet reader never panics on a malformed file; it reads it
// or returns an *Error naming the file, and the result does not depend on the
// number of workers.
func FuzzScanParquet(f *testing.F) {
	good := parquetBytes(f, 40, 15)
	f.Add(good)
	f.Add(good[:len(good)/2])
	var b bytes.Buffer
	w := parquet.NewGenericWriter[toolDecimal64](&b, append(dictionary(), parquet.DataPageVersion(1), parquet.Compression(&parquet.Zstd))...)
	for _, r := range toolRows(30) {
		_, err := w.Write([]toolDecimal64{toDecimal64(r)})
		require.NoError(f, err)
	}
	require.NoError(f, w.Close())
	f.Add(b.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<20 {
			return
		}
		const p = "fuzz.parquet"
		var c1, c3 collector
		st1, err1 := ScanReaderAt(context.Background(), p, bytes.NewReader(data), int64(len(data)), c1.newSink, Options{Workers: 1, BlockSize: 4 << 10}) // small CSV blocks: mutants that are no longer Parquet
		st3, err3 := ScanReaderAt(context.Background(), p, bytes.NewReader(data), int64(len(data)), c3.newSink, Options{Workers: 3, BlockSize: 4 << 10})
		require.Equal(t, err1 == nil, err3 == nil, "workers=1: %v; workers=3: %v", err1, err3)
		if err1 != nil {
			var e *Error
			require.True(t, errors.As(err1, &e), "%T %v", err1, err1)
			require.Equal(t, p, e.File)
			require.Equal(t, err1.Error(), err3.Error())
			return
		}
		require.Equal(t, c1.sorted(), c3.sorted())
		require.Equal(t, st1.Rows, st3.Rows)
	})
}

// TestB1_ParquetMutants: what FuzzScanParquet checks, on deterministic mutants of
// valid files (bytes overwritten, inserted, deleted), so that every test run covers
// malformed pages, headers and footers: an *Error naming the file, or rows, never a
// panic, whatever the number of workers.
func TestB1_ParquetMutants(t *testing.T) {
	var dict bytes.Buffer
	w := parquet.NewGenericWriter[toolDecimal64](&dict, append(dictionary(), parquet.DataPageVersion(1), parquet.Compression(&parquet.Zstd))...)
	for _, r := range toolRows(30) {
		_, err := w.Write([]toolDecimal64{toDecimal64(r)})
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	seeds := [][]byte{parquetBytes(t, 40, 15), dict.Bytes()}
	r := rand.New(rand.NewPCG(5, 6))
	failed := 0
	for i := range 800 {
		d := bytes.Clone(seeds[i%len(seeds)])
		for range 1 + r.IntN(4) {
			j := r.IntN(len(d))
			switch r.IntN(4) {
			case 0:
				d = append(d[:j:j], d[j+1:]...)
			case 1:
				d = append(d[:j:j], append([]byte{byte(r.IntN(256))}, d[j:]...)...)
			default:
				d[j] = byte(r.IntN(256))
			}
		}
		_, err1 := scanBytes(t, "mutant.parquet", d, 1)
		_, err3 := scanBytes(t, "mutant.parquet", d, 3)
		require.Equal(t, err1 == nil, err3 == nil, "mutant %d: %v; %v", i, err1, err3)
		if err1 != nil {
			failed++
			var e *Error
			require.True(t, errors.As(err1, &e), "mutant %d: %T %v", i, err1, err1)
			require.Equal(t, "mutant.parquet", e.File)
			require.Equal(t, err1.Error(), err3.Error(), "mutant %d", i)
		}
	}
	require.Greater(t, failed, 250) // most mutants are broken files
}
