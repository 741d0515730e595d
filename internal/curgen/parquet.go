package curgen

import (
	"cmp"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
)

// parquetBatch is the number of rows handed to the Parquet writer at once.
const parquetBatch = 1024

// WriteParquet writes the same rows as Write (same Config, same seed, same values)
// as one CUR 2.0 Parquet file, in the shape AWS Data Exports uses: snake_case column
// names (line_item_unblended_cost, bill_billing_entity, …), product attributes in the
// map column product (key product_name for product/ProductName), resource tags in
// the map column resource_tags (key user_CmBillingGroup for the legacy
// resourceTags/user:CmBillingGroup), costs and amounts as DOUBLE (the nearest double
// to the generated decimal, as AWS writes them), dates as millisecond timestamps, and
// empty values as nulls. It returns the number of rows written.
func WriteParquet(w io.Writer, cfg Config) (rows int, err error) {
	return WriteParquetWith(w, cfg, ParquetOptions{})
}

// ParquetOptions changes how WriteParquetWith encodes the file; the zero value
// writes what WriteParquet writes. The rows are the same whatever the options.
type ParquetOptions struct {
	// Dictionary writes dictionary-encoded pages (RLE_DICTIONARY) for string,
	// timestamp and double columns, as AWS Data Exports does, falling back to plain
	// pages in a row group once a column's dictionary passes 1 MiB (as parquet-mr
	// does). The default writes plain pages (DELTA_LENGTH_BYTE_ARRAY strings).
	Dictionary bool
	// DataPageV1 writes version 1 data pages (the default is version 2).
	DataPageV1 bool
	// Compression is the codec of the pages; nil is Snappy.
	Compression compress.Codec
	// RowGroupRows is the number of rows per row group; 0 is 65,536.
	RowGroupRows int64
}

// WriteParquetWith is WriteParquet with options for the encoding of the file.
func WriteParquetWith(w io.Writer, cfg Config, opt ParquetOptions) (rows int, err error) {
	g, err := newGen(cfg)
	if err != nil {
		return 0, err
	}
	codec := opt.Compression
	if codec == nil {
		codec = &parquet.Snappy
	}
	wopts := []parquet.WriterOption{
		parquet.Compression(codec),
		parquet.MaxRowsPerRowGroup(cmp.Or(opt.RowGroupRows, 64*1024)),
		parquet.CreatedBy("resellerkit curgen", "1", ""),
	}
	if opt.Dictionary {
		for _, k := range []parquet.Kind{parquet.ByteArray, parquet.Int64, parquet.Double} {
			wopts = append(wopts, parquet.DefaultEncodingFor(k, &parquet.RLEDictionary))
		}
		wopts = append(wopts, parquet.DictionaryMaxBytes(1<<20))
	}
	if opt.DataPageV1 {
		wopts = append(wopts, parquet.DataPageVersion(1))
	}
	pw := parquet.NewGenericWriter[cur2Row](w, wopts...)
	batch := make([]cur2Row, parquetBatch)
	times := make(map[string]time.Time)
	n := 0
	for i := 0; i < g.cfg.Rows; i++ {
		g.next(i, i == g.cfg.Rows-1)
		if g.cfg.Observe != nil {
			g.cfg.Observe(&g.row)
		}
		if err := toCUR2(&batch[n], g.rec, times); err != nil {
			return i, err
		}
		n++
		if n == len(batch) {
			if _, err := pw.Write(batch); err != nil {
				return i, fmt.Errorf("curgen: write parquet: %w", err)
			}
			n = 0
		}
	}
	if n > 0 {
		if _, err := pw.Write(batch[:n]); err != nil {
			return g.cfg.Rows, fmt.Errorf("curgen: write parquet: %w", err)
		}
	}
	if err := pw.Close(); err != nil {
		return g.cfg.Rows, fmt.Errorf("curgen: close parquet: %w", err)
	}
	return g.cfg.Rows, nil
}

// toCUR2 converts a legacy record into a CUR 2.0 row, reusing dst's maps.
func toCUR2(dst *cur2Row, rec []string, times map[string]time.Time) error {
	product, tags := dst.Product, dst.ResourceTags
	if product == nil {
		product, tags = map[string]string{}, map[string]string{}
	}
	clear(product)
	clear(tags)
	*dst = cur2Row{Product: product, ResourceTags: tags, BillInvoicingEntity: entityJapan}
	for _, f := range cur2Strings {
		f.set(dst, rec[f.col])
	}
	for _, f := range cur2Doubles {
		s := rec[f.col]
		if s == "" {
			continue
		}
		v, err := strconv.ParseFloat(s, 64) // correctly rounded: the nearest double
		if err != nil {
			return fmt.Errorf("curgen: column %s value %q: %w", legacyColumns[f.col], s, err)
		}
		f.set(dst, &v)
	}
	for _, k := range cur2ProductKeys {
		if v := rec[k.col]; v != "" {
			product[k.val] = v
		}
	}
	for _, k := range cur2TagKeys {
		if v := rec[k.col]; v != "" {
			tags[k.val] = v
		}
	}
	var err error
	parse := func(s string) time.Time {
		if t, ok := times[s]; ok {
			return t
		}
		t, e := time.Parse(time.RFC3339, s)
		if e != nil && err == nil {
			err = fmt.Errorf("curgen: timestamp %q: %w", s, e)
		}
		times[s] = t
		return t
	}
	dst.BillBillingPeriodStartDate = parse(rec[cBPStart])
	dst.BillBillingPeriodEndDate = parse(rec[cBPEnd])
	dst.LineItemUsageStartDate = parse(rec[cStart])
	dst.LineItemUsageEndDate = parse(rec[cEnd])
	return err
}
