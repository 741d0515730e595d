package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

const reportColumns = `payer, period, version, generated_at, aggregated_at, cost_currency, files, row_count,
	outside_row_count, sketch`

func scanReport(r sqldb.Row) (billing.CostData, error) {
	var (
		d      billing.CostData
		sketch []byte
	)
	err := r.Scan(&d.Payer, sqldb.ScanMonth(&d.Period), &d.Version, sqldb.ScanTime(&d.GeneratedAt),
		sqldb.ScanTime(&d.AggregatedAt), &d.CostCurrency, sqldb.ScanList(&d.Files), &d.Rows, &d.OutsideRows,
		sqldb.ScanBytes(&sketch))
	if err != nil {
		return d, err
	}
	if d.Sketch, err = decodeSketch(sketch); err != nil {
		return d, fmt.Errorf("sketch of version %q of %s: %w", resellerkit.Truncate(d.Version),
			subjectReport(d.Payer, d.Period), err)
	}
	return d, nil
}

// sketchArg is the value of the sketch column for s: its binary form, NULL when s
// is nil.
func sketchArg(s *billing.Sketch) (any, error) {
	if s == nil {
		return nil, nil
	}
	b, err := s.MarshalBinary()
	if err != nil {
		return nil, err
	}
	return sqldb.BytesArg(b), nil
}

// decodeSketch decodes the sketch column: nil for NULL.
func decodeSketch(b []byte) (*billing.Sketch, error) {
	if b == nil {
		return nil, nil
	}
	s := new(billing.Sketch)
	if err := s.UnmarshalBinary(b); err != nil {
		return nil, err
	}
	return s, nil
}

// groupColumns are the columns of billing_cost_groups, in the order insertGroups
// binds them.
const groupColumns = `period, payer, ord, version, format, account_id, product_code, product_name, line_item_type,
	usage_type, operation, billing_entity, billing_group, row_count, cost, public_cost`

// numGroupColumns is how many columns groupColumns names.
const numGroupColumns = 16

// groupBatch is how many groups one INSERT writes: 1,000 rows of 16 values, 16,000
// parameters, within both SQLite's (32,766) and PostgreSQL's (65,535) limits. A
// month of ~100k groups is ~100 statements; larger batches measured no faster.
const groupBatch = 500

func scanGroup(r sqldb.Row) (billing.Group, error) {
	var g billing.Group
	k := &g.GroupKey
	err := r.Scan(&k.Format, &k.AccountID, &k.ProductCode, &k.ProductName, &k.LineItemType, &k.UsageType,
		&k.Operation, &k.BillingEntity, &k.BillingGroup, &g.Rows, scanDecimal(&g.Cost), scanDecimal(&g.PublicCost))
	if err != nil {
		return g, err
	}
	g.Class = billing.ClassifyKey(g.GroupKey) // not stored: a function of the key
	return g, nil
}

// subjectReport names a payer's month in errors.
func subjectReport(payer string, period resellerkit.Month) string {
	return payer + "/" + period.String()
}

// PutCostData implements billing.Store in one transaction (sqldb.DB.InTx, in a
// savepoint when ctx carries one, so a failure changes nothing there either):
// it reads the payer's month's history and current version, then, when d is to
// be stored, marks the current version as history, deletes its groups, inserts
// d's report row (with its sketch's binary form, encoded before the transaction)
// as current and its groups in batched multi-row INSERTs. A crash
// at any point leaves the previous version whole: nothing is visible before the
// commit.
func (s *Store) PutCostData(ctx context.Context, d billing.CostData) (billing.PutOutcome, error) {
	var out billing.PutOutcome
	period := monthKey(d.Period)
	generated := instant(d.GeneratedAt)
	sketch, err := sketchArg(d.Sketch)
	if err != nil {
		return 0, mapErr(err, "sketch of", subjectReport(d.Payer, d.Period))
	}
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		q := s.q(ctx)
		var (
			seen    bool // d.Version was stored before
			current bool // and is the current version
			cur     struct {
				version   string
				generated time.Time
				found     bool
			}
		)
		rows, err := q.QueryContext(ctx, `SELECT version, generated_at, is_current FROM billing_reports
			WHERE payer = $1 AND period = $2 AND (version = $3 OR is_current)`, d.Payer, period, d.Version)
		if err != nil {
			return err
		}
		for rows.Next() {
			var (
				v  string
				at time.Time
				is bool
			)
			if err := rows.Scan(&v, sqldb.ScanTime(&at), &is); err != nil {
				_ = rows.Close()
				return err
			}
			if v == d.Version {
				seen, current = true, is
			}
			if is {
				cur.version, cur.generated, cur.found = v, at, true
			}
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
		switch {
		case current:
			out = billing.Unchanged
			return nil
		case seen:
			return fmt.Errorf("%w: %s: version %q was superseded by %q", billing.ErrStaleReport,
				subjectReport(d.Payer, d.Period), resellerkit.Truncate(d.Version), resellerkit.Truncate(cur.version))
		case cur.found && !generated.After(cur.generated):
			return fmt.Errorf("%w: %s: version %q generated at %s, not after the stored %q of %s", billing.ErrStaleReport,
				subjectReport(d.Payer, d.Period), resellerkit.Truncate(d.Version), generated.Format(time.RFC3339Nano),
				resellerkit.Truncate(cur.version), cur.generated.Format(time.RFC3339Nano))
		}
		if cur.found {
			if _, err := q.ExecContext(ctx, `UPDATE billing_reports SET is_current = $1
				WHERE payer = $2 AND period = $3 AND version = $4`, false, d.Payer, period, cur.version); err != nil {
				return err
			}
			if _, err := q.ExecContext(ctx, `DELETE FROM billing_cost_groups WHERE period = $1 AND payer = $2`,
				period, d.Payer); err != nil {
				return err
			}
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO billing_reports (`+reportColumns+`, is_current)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			d.Payer, period, d.Version, generated, sqldb.TimeArg(d.AggregatedAt), string(d.CostCurrency),
			sqldb.ListArg(d.Files), d.Rows, d.OutsideRows, sketch, true); err != nil {
			return err
		}
		if err := s.insertGroups(ctx, q, d, period); err != nil {
			return err
		}
		out = billing.Stored
		return nil
	})
	if err != nil {
		return 0, mapErr(err, "cost data of", subjectReport(d.Payer, d.Period))
	}
	return out, nil
}

// insertStatement returns the INSERT of n groups: one multi-row VALUES list, with
// placeholders $1, $2, … on PostgreSQL and ?, ?, … on SQLite. (SQLite reads $N as
// a named parameter and looks each name up in a list of those seen so far: with
// thousands of them, parsing the statement took longer than running it.)
func insertStatement(d sqldb.Dialect, n int) string {
	var b strings.Builder
	b.Grow(64 + n*numGroupColumns*7)
	b.WriteString(`INSERT INTO billing_cost_groups (` + groupColumns + `) VALUES `)
	p := 1
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for c := range numGroupColumns {
			if c > 0 {
				b.WriteByte(',')
			}
			if d == sqldb.SQLite {
				b.WriteByte('?')
			} else {
				b.WriteByte('$')
				b.WriteString(strconv.Itoa(p))
				p++
			}
		}
		b.WriteByte(')')
	}
	return b.String()
}

// insertGroups inserts d.Groups, in their order, groupBatch rows per statement.
func (s *Store) insertGroups(ctx context.Context, q sqldb.Querier, d billing.CostData, period time.Time) error {
	args := make([]any, 0, min(len(d.Groups), groupBatch)*numGroupColumns)
	// On SQLite, the full batch is prepared once per call (q is the transaction's
	// *sql.Tx) and run for every full batch: parsing a statement of thousands of
	// parameters was a quarter of the time. (pgx caches prepared statements
	// itself; preparing it again measured slower.)
	var full *sql.Stmt
	if p, ok := q.(interface {
		PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
	}); ok && s.db.Dialect() == sqldb.SQLite && len(d.Groups) >= 2*groupBatch {
		st, err := p.PrepareContext(ctx, s.fullBatch)
		if err != nil {
			return err
		}
		defer st.Close()
		full = st
	}
	for start := 0; start < len(d.Groups); start += groupBatch {
		batch := d.Groups[start:min(start+groupBatch, len(d.Groups))]
		args = args[:0]
		for i, g := range batch {
			k := g.GroupKey
			args = append(args, period, d.Payer, start+i, d.Version, int(k.Format), k.AccountID, k.ProductCode,
				k.ProductName, k.LineItemType, k.UsageType, k.Operation, k.BillingEntity, k.BillingGroup, g.Rows,
				decimalText(g.Cost), decimalText(g.PublicCost))
		}
		var err error
		switch {
		case len(batch) != groupBatch:
			_, err = q.ExecContext(ctx, insertStatement(s.db.Dialect(), len(batch)), args...)
		case full != nil:
			_, err = full.ExecContext(ctx, args...)
		default:
			_, err = q.ExecContext(ctx, s.fullBatch, args...)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// CostReports implements billing.Store: the current versions of period, by payer
// in byte order, each with its sketch (nil when it was stored without one).
func (s *Store) CostReports(ctx context.Context, period resellerkit.Month) ([]billing.CostData, error) {
	l, err := sqldb.Collect(ctx, s.q(ctx), scanReport, `SELECT `+reportColumns+` FROM billing_reports
		WHERE period = $1 AND is_current ORDER BY payer`+s.c, monthKey(period))
	return l, mapErr(err, "cost reports of", period.String())
}

// CostGroups implements billing.Store: in one snapshot (sqldb.DB.ReadTx), the
// current payers of period in order, then each payer's groups in stored order,
// read by the primary key.
func (s *Store) CostGroups(ctx context.Context, period resellerkit.Month) ([]billing.Group, error) {
	var out []billing.Group
	err := s.db.ReadTx(ctx, func(ctx context.Context) error {
		out = nil
		q := s.q(ctx)
		payers, err := sqldb.Collect(ctx, q, func(r sqldb.Row) (string, error) {
			var p string
			return p, r.Scan(&p)
		}, `SELECT payer FROM billing_reports WHERE period = $1 AND is_current ORDER BY payer`+s.c, monthKey(period))
		if err != nil {
			return err
		}
		for _, p := range payers {
			gs, err := sqldb.Collect(ctx, q, scanGroup, `SELECT format, account_id, product_code, product_name,
				line_item_type, usage_type, operation, billing_entity, billing_group, row_count, cost, public_cost
				FROM billing_cost_groups WHERE period = $1 AND payer = $2 ORDER BY ord`, monthKey(period), p)
			if err != nil {
				return err
			}
			out = append(out, gs...)
		}
		return nil
	})
	if err != nil {
		return nil, mapErr(err, "cost groups of", period.String())
	}
	return out, nil
}

// idBatch is how many account ids one CostGroupsOf query binds: well within both
// dialects' parameter limits, whatever the organization's size.
const idBatch = 500

// CostGroupsOf implements billing.Store: in one snapshot, as CostGroups, each
// current payer's groups of the listed accounts, found through the index
// billing_cost_groups_account (period, payer, account_id; migration 004) in
// batches of idBatch ids, then put back in stored order.
func (s *Store) CostGroupsOf(ctx context.Context, period resellerkit.Month, accountIDs []string) ([]billing.Group, error) {
	ids := slices.Compact(slices.Sorted(slices.Values(accountIDs)))
	out := []billing.Group{}
	if len(ids) == 0 {
		return out, nil
	}
	type ordGroup struct {
		ord int64
		g   billing.Group
	}
	err := s.db.ReadTx(ctx, func(ctx context.Context) error {
		out = out[:0]
		q := s.q(ctx)
		payers, err := sqldb.Collect(ctx, q, func(r sqldb.Row) (string, error) {
			var p string
			return p, r.Scan(&p)
		}, `SELECT payer FROM billing_reports WHERE period = $1 AND is_current ORDER BY payer`+s.c, monthKey(period))
		if err != nil {
			return err
		}
		for _, p := range payers {
			var gs []ordGroup
			for batch := range slices.Chunk(ids, idBatch) {
				args := []any{monthKey(period), p}
				var in strings.Builder
				for i, id := range batch {
					if i > 0 {
						in.WriteString(", ")
					}
					fmt.Fprintf(&in, "$%d", len(args)+1)
					args = append(args, id)
				}
				part, err := sqldb.Collect(ctx, q, func(r sqldb.Row) (ordGroup, error) {
					var og ordGroup
					k := &og.g.GroupKey
					err := r.Scan(&og.ord, &k.Format, &k.AccountID, &k.ProductCode, &k.ProductName, &k.LineItemType, &k.UsageType,
						&k.Operation, &k.BillingEntity, &k.BillingGroup, &og.g.Rows, scanDecimal(&og.g.Cost), scanDecimal(&og.g.PublicCost))
					og.g.Class = billing.ClassifyKey(og.g.GroupKey)
					return og, err
				}, `SELECT ord, format, account_id, product_code, product_name,
				line_item_type, usage_type, operation, billing_entity, billing_group, row_count, cost, public_cost
				FROM billing_cost_groups WHERE period = $1 AND payer = $2 AND account_id IN (`+in.String()+`)`, args...)
				if err != nil {
					return err
				}
				gs = append(gs, part...)
			}
			slices.SortFunc(gs, func(a, b ordGroup) int { return cmp.Compare(a.ord, b.ord) })
			for _, og := range gs {
				out = append(out, og.g)
			}
		}
		return nil
	})
	if err != nil {
		return nil, mapErr(err, "cost groups of", period.String())
	}
	return out, nil
}

// ReportHistory implements billing.Store: every stored version, oldest (earliest
// GeneratedAt, which rises with every version stored) first, each with the sketch
// it was stored with.
func (s *Store) ReportHistory(ctx context.Context, payer string, period resellerkit.Month) ([]billing.CostData, error) {
	l, err := sqldb.Collect(ctx, s.q(ctx), scanReport, `SELECT `+reportColumns+` FROM billing_reports
		WHERE payer = $1 AND period = $2 ORDER BY generated_at`, payer, monthKey(period))
	return l, mapErr(err, "report history of", subjectReport(payer, period))
}
