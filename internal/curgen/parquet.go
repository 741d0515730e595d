package curgen

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/parquet-go/parquet-go"
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
	g, err := newGen(cfg)
	if err != nil {
		return 0, err
	}
	pw := parquet.NewGenericWriter[cur2Row](w,
		parquet.Compression(&parquet.Snappy),
		parquet.MaxRowsPerRowGroup(64*1024),
		parquet.CreatedBy("resellerkit curgen", "1", ""),
	)
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
