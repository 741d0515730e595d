package athena

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	athenasdk "github.com/aws/aws-sdk-go-v2/service/athena"
	"github.com/aws/aws-sdk-go-v2/service/athena/types"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
)

// API lists the three Athena operations a Source calls. *athena.Client (of
// github.com/aws/aws-sdk-go-v2/service/athena) implements it; tests pass a fake
// returning the SDK's own types and errors. When the value also has
// StopQueryExecution (the client does), a query left running by a timeout or a
// cancelled context is stopped.
type API interface {
	StartQueryExecution(ctx context.Context, in *athenasdk.StartQueryExecutionInput, optFns ...func(*athenasdk.Options)) (*athenasdk.StartQueryExecutionOutput, error)
	GetQueryExecution(ctx context.Context, in *athenasdk.GetQueryExecutionInput, optFns ...func(*athenasdk.Options)) (*athenasdk.GetQueryExecutionOutput, error)
	GetQueryResults(ctx context.Context, in *athenasdk.GetQueryResultsInput, optFns ...func(*athenasdk.Options)) (*athenasdk.GetQueryResultsOutput, error)
}

var _ API = (*athenasdk.Client)(nil)

// stopper is the optional fourth operation: stopping a query given up on.
type stopper interface {
	StopQueryExecution(ctx context.Context, in *athenasdk.StopQueryExecutionInput, optFns ...func(*athenasdk.Options)) (*athenasdk.StopQueryExecutionOutput, error)
}

var _ stopper = (*athenasdk.Client)(nil)

// Config says which table to aggregate and how to run the query.
type Config struct {
	// Layout is the table's layout: CUR2 or LegacyCUR. Required.
	Layout Layout
	// Catalog is the data catalog; empty means the query's default
	// (AwsDataCatalog).
	Catalog string
	// Database and Table name the cost table. Required.
	Database, Table string
	// Partitions is how the table is partitioned by month: NoPartitions (the
	// default), BillingPeriodPartition (a Data Exports table) or
	// YearMonthPartitions (legacy CUR's Athena table). Set it when the table has
	// them, or Athena reads every month to find the period's rows.
	Partitions Partitioning
	// TagColumn is, in a LegacyCUR table, the column of the CmBillingGroup tag
	// (B-9); empty means DefaultTagColumn. A CUR2 table has the tag in its
	// resource_tags map.
	TagColumn string
	// WorkGroup is the Athena workgroup the query runs in; empty means Athena's
	// default ("primary").
	WorkGroup string
	// OutputLocation is where Athena writes the result (s3://bucket/prefix/); empty
	// means the workgroup's. A workgroup that enforces its settings overrides it.
	OutputLocation string
	// Period is the billing period to aggregate; zero means the Sink's (the
	// billing.Aggregator of billing.Run knows its period). A Sink with another
	// period is refused.
	Period resellerkit.Month
	// Poll says how GetQueryExecution is polled.
	Poll Poll
	// PageSize is how many rows each GetQueryResults call asks for: 1 to 1000
	// (Athena's maximum, and the default when 0).
	PageSize int32
}

// Poll is how a Source waits for its query: it calls GetQueryExecution, waits
// Interval, and doubles the wait after each call up to MaxInterval, until the
// query ends or Timeout has passed since it started.
type Poll struct {
	Interval    time.Duration // default 500 ms
	MaxInterval time.Duration // default 10 s
	Timeout     time.Duration // default 30 min
}

func (p Poll) withDefaults() Poll {
	if p.Interval <= 0 {
		p.Interval = 500 * time.Millisecond
	}
	if p.MaxInterval <= 0 {
		p.MaxInterval = 10 * time.Second
	}
	if p.MaxInterval < p.Interval {
		p.MaxInterval = p.Interval
	}
	if p.Timeout <= 0 {
		p.Timeout = 30 * time.Minute
	}
	return p
}

// tagColumn returns the LegacyCUR column of the CmBillingGroup tag.
func (q *Config) tagColumn() string {
	if q.TagColumn == "" {
		return DefaultTagColumn
	}
	return q.TagColumn
}

// Validate returns every problem of q, each a *resellerkit.ValidationError
// wrapping ErrInvalid (errors.Join): a name that could not be quoted as an SQL
// identifier is refused here, so no configured text ever reaches the query but as
// a quoted identifier.
func (q *Config) Validate() error {
	var errs []error
	bad := func(field, value, reason string) {
		errs = append(errs, resellerkit.Invalid(ErrInvalid, field, value, "B-1", reason))
	}
	if q.Layout != CUR2 && q.Layout != LegacyCUR {
		bad("layout", q.Layout.String(), "want CUR2 (AWS Data Exports) or LegacyCUR (legacy CUR's Athena integration)")
	}
	const nameRule = "want 1 to 255 letters, digits, underscores or hyphens"
	for _, n := range []struct{ field, value string }{{"database", q.Database}, {"table", q.Table}} {
		if !validName(n.value) {
			bad(n.field, n.value, "required: "+nameRule)
		}
	}
	if q.Catalog != "" && !validName(q.Catalog) {
		bad("catalog", q.Catalog, nameRule)
	}
	if q.Partitions < NoPartitions || q.Partitions > YearMonthPartitions {
		bad("partitions", q.Partitions.String(), "want NoPartitions, BillingPeriodPartition or YearMonthPartitions")
	}
	if q.TagColumn != "" {
		if q.Layout == CUR2 {
			bad("tag_column", q.TagColumn, "a CUR 2.0 table has the tag in its resource_tags map: leave it empty")
		} else if !validName(q.TagColumn) {
			bad("tag_column", q.TagColumn, nameRule)
		}
	}
	if q.WorkGroup != "" && (len(q.WorkGroup) > 128 || strings.Trim(q.WorkGroup, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != "") {
		bad("work_group", q.WorkGroup, "want 1 to 128 letters, digits, periods, underscores or hyphens")
	}
	if q.OutputLocation != "" && (!strings.HasPrefix(q.OutputLocation, "s3://") || len(q.OutputLocation) == len("s3://")) {
		bad("output_location", q.OutputLocation, "want an S3 URI, s3://bucket/prefix/")
	}
	if q.PageSize < 0 || q.PageSize > 1000 {
		bad("page_size", strconv.Itoa(int(q.PageSize)), "want 1 to 1000 (0: 1000)")
	}
	if q.Poll.Interval < 0 || q.Poll.MaxInterval < 0 || q.Poll.Timeout < 0 {
		bad("poll", fmt.Sprintf("%+v", q.Poll), "durations cannot be negative")
	}
	return errors.Join(errs...)
}

// Source is a billing.Input that has Athena aggregate a month of a CUR table and
// feeds the aggregates to the Sink of billing.Run. Build one with New or
// NewFromConfig; a Source may be scanned several times (each Scan runs the query
// again) and is safe for concurrent use.
type Source struct {
	api API
	cfg Config
	// sleep waits d or until ctx is done; now tells the time. Tests replace both.
	sleep func(ctx context.Context, d time.Duration) error
	now   func() time.Time
}

var _ billing.Input = (*Source)(nil)

// New returns the Source running cfg's query through api (an *athena.Client, or a
// fake). A bad cfg is refused (Config.Validate).
func New(api API, cfg Config) (*Source, error) {
	if api == nil {
		return nil, resellerkit.Invalid(ErrInvalid, "api", "", "B-1", "an Athena client is required")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.Poll = cfg.Poll.withDefaults()
	if cfg.PageSize == 0 {
		cfg.PageSize = 1000
	}
	return &Source{api: api, cfg: cfg, sleep: sleepCtx, now: time.Now}, nil
}

// NewFromConfig returns the Source calling Athena with awsCfg (the credentials and
// region of the account holding the table, e.g. from config.LoadDefaultConfig).
// The SDK's retryer retries throttled calls (aws.Config.Retryer sets how).
func NewFromConfig(awsCfg aws.Config, cfg Config) (*Source, error) {
	return New(athenasdk.NewFromConfig(awsCfg), cfg)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Statement returns the query a Scan of period sends: with public costs (B-3)
// when public is set, as the Sink of a config with a public_on_demand project
// needs.
func (s *Source) Statement(period resellerkit.Month, public bool) Statement {
	return s.cfg.statement(period, public)
}

// name returns the Source's name in errors and warnings.
func (s *Source) name(queryID string) string {
	t := quote(s.cfg.Database) + "." + quote(s.cfg.Table)
	if s.cfg.Catalog != "" {
		t = quote(s.cfg.Catalog) + "." + t
	}
	if queryID == "" {
		return "athena " + t
	}
	return "athena " + t + " query " + queryID
}

// Scan runs the aggregation of the Sink's period (or Config.Period) in Athena and
// adds every result row to one Sink from newSink. It reads the public costs only
// when the Sink uses them (billing.FieldUser). The stats' Name holds the query id,
// Rows the line items aggregated (the sum of the counts), Bytes the data Athena
// scanned; there is no Sketch (B-14: see the package doc).
func (s *Source) Scan(ctx context.Context, newSink func() billing.Sink) (billing.InputStats, error) {
	st := billing.InputStats{Name: s.name(""), Format: s.cfg.Layout.format(), Layout: "athena"}
	sink := newSink()
	period := s.cfg.Period
	if p, ok := sink.(interface{ Period() resellerkit.Month }); ok {
		switch sp := p.Period(); {
		case period.IsZero():
			period = sp
		case sp != period:
			return st, resellerkit.Invalid(ErrInvalid, "period", period.String(), "B-1",
				"the Sink charges "+sp.String()+": rows of another month would all be uncharged")
		}
	}
	if period.IsZero() {
		return st, resellerkit.Invalid(ErrInvalid, "period", "", "B-1", "required: the Sink does not say its period (Config.Period)")
	}
	public := true
	if fu, ok := sink.(billing.FieldUser); ok {
		public = fu.UsesField(billing.FieldPublicCost)
	}
	stmt := s.cfg.statement(period, public)

	in := &athenasdk.StartQueryExecutionInput{
		QueryString:         aws.String(stmt.SQL),
		ExecutionParameters: stmt.Params,
		QueryExecutionContext: &types.QueryExecutionContext{
			Database: aws.String(s.cfg.Database),
		},
	}
	if s.cfg.Catalog != "" {
		in.QueryExecutionContext.Catalog = aws.String(s.cfg.Catalog)
	}
	if s.cfg.WorkGroup != "" {
		in.WorkGroup = aws.String(s.cfg.WorkGroup)
	}
	if s.cfg.OutputLocation != "" {
		in.ResultConfiguration = &types.ResultConfiguration{OutputLocation: aws.String(s.cfg.OutputLocation)}
	}
	out, err := s.api.StartQueryExecution(ctx, in)
	if err != nil {
		return st, fmt.Errorf("%s: %w", st.Name, callError("StartQueryExecution", err))
	}
	id := aws.ToString(out.QueryExecutionId)
	if id == "" {
		return st, fmt.Errorf("%s: %w", st.Name, resultError("", "is the query execution id StartQueryExecution answered"))
	}
	prefix := st.Name // the errors below name the query
	st.Name = s.name(id)
	exec, err := s.wait(ctx, id)
	if err != nil {
		return st, fmt.Errorf("%s: %w", prefix, err)
	}
	if stats := exec.Statistics; stats != nil {
		st.Bytes = aws.ToInt64(stats.DataScannedInBytes)
	}
	st.Rows, err = s.feed(ctx, id, period, stmt, sink)
	if err != nil {
		return st, fmt.Errorf("%s: %w", prefix, err)
	}
	return st, nil
}

// wait polls the query until it ends: the execution of a SUCCEEDED query, else a
// *QueryError, an error wrapping ErrTimeout or the context's error. A query given
// up on is stopped when the API can.
func (s *Source) wait(ctx context.Context, id string) (*types.QueryExecution, error) {
	p := s.cfg.Poll
	deadline := s.now().Add(p.Timeout)
	delay := p.Interval
	for {
		out, err := s.api.GetQueryExecution(ctx, &athenasdk.GetQueryExecutionInput{QueryExecutionId: aws.String(id)})
		if err != nil {
			err = callError("GetQueryExecution of query "+id, err)
			if ctx.Err() != nil {
				return nil, s.stop(ctx, id, err)
			}
			return nil, err
		}
		exec := out.QueryExecution
		if exec == nil || exec.Status == nil {
			return nil, fmt.Errorf("GetQueryExecution of query %s: %w", id, resultError("", "is the status: Athena gave none"))
		}
		switch exec.Status.State {
		case types.QueryExecutionStateSucceeded:
			return exec, nil
		case types.QueryExecutionStateFailed, types.QueryExecutionStateCancelled:
			return nil, queryError(id, exec.Status)
		case types.QueryExecutionStateQueued, types.QueryExecutionStateRunning:
		default:
			return nil, fmt.Errorf("GetQueryExecution of query %s: %w", id, resultError(string(exec.Status.State), "is no query state Athena documents"))
		}
		left := deadline.Sub(s.now())
		if left <= 0 {
			return nil, s.stop(ctx, id, &tagged{fmt.Sprintf("query %s still %s after %s (Poll.Timeout)", id, exec.Status.State, p.Timeout), []error{ErrTimeout}})
		}
		if err := s.sleep(ctx, min(delay, left)); err != nil {
			return nil, s.stop(ctx, id, fmt.Errorf("waiting for query %s: %w", id, err))
		}
		delay = min(2*delay, p.MaxInterval)
	}
}

// stop asks Athena to stop query id, when the API can, and returns err saying
// whether it did: a query left running would go on scanning, and costing.
func (s *Source) stop(ctx context.Context, id string, err error) error {
	st, ok := s.api.(stopper)
	if !ok {
		return fmt.Errorf("%w; it may still be running: stop it with StopQueryExecution", err)
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if _, serr := st.StopQueryExecution(sctx, &athenasdk.StopQueryExecutionInput{QueryExecutionId: aws.String(id)}); serr != nil {
		return fmt.Errorf("%w; stopping it failed too: %w", err, callError("StopQueryExecution", serr))
	}
	return fmt.Errorf("%w; it was stopped", err)
}

// feed reads the result of query id page by page and adds each row to sink; it
// returns the number of line items the rows stand for.
func (s *Source) feed(ctx context.Context, id string, period resellerkit.Month, stmt Statement, sink billing.Sink) (int64, error) {
	pages := athenasdk.NewGetQueryResultsPaginator(s.api, &athenasdk.GetQueryResultsInput{QueryExecutionId: aws.String(id)},
		func(o *athenasdk.GetQueryResultsPaginatorOptions) {
			o.Limit = s.cfg.PageSize
			o.StopOnDuplicateToken = true
		})
	r := rowReader{queryID: id, layout: s.cfg.Layout, cols: stmt.Columns, period: period, sink: sink}
	header := true
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return r.items, callError("GetQueryResults of query "+id, err)
		}
		if page.ResultSet == nil {
			continue
		}
		rows := page.ResultSet.Rows
		if header {
			// The first page starts with the header: the result's column names.
			if err := r.checkHeader(page.ResultSet); err != nil {
				return r.items, err
			}
			header = false
			if len(rows) > 0 {
				rows = rows[1:]
			}
		}
		for i := range rows {
			if err := r.add(ctx, &rows[i]); err != nil {
				return r.items, err
			}
		}
	}
	if header {
		return r.items, &RowError{QueryID: id, Err: resultError("", "is the result: Athena sent no page, not even the header")}
	}
	return r.items, r.refused()
}

// refused returns the error of the rows the query counted as ones a local run
// would not sum as the query did (money is never guessed), or nil.
func (r *rowReader) refused() error {
	switch {
	case r.noStart > 0:
		return &RowError{QueryID: r.queryID, Column: resNoUsageStart, Source: r.source(resNoUsageStart),
			Err: &tagged{fmt.Sprintf("%d rows have no %s (a local run refuses such a row, B-1: its month is unknown, or only its bill's); correct the table's data", r.noStart, colUsageStart),
				[]error{ErrRowsRefused}}}
	case r.inexact > 0:
		return &RowError{QueryID: r.queryID, Column: resInexactCost, Source: r.source(resInexactCost),
			Err: &tagged{fmt.Sprintf("%d rows have a %s with more than 10 fractional digits, which DECIMAL(38,10) would round: the sums would differ from a local run's; run it locally (billing/costfile)", r.inexact, colCost),
				[]error{ErrRowsRefused}}}
	case r.inexactPublic > 0:
		return &RowError{QueryID: r.queryID, Column: resInexactPublicCost, Source: r.source(resInexactPublicCost),
			Err: &tagged{fmt.Sprintf("%d rows have a %s (or %s where it is null) with more than 10 fractional digits, which DECIMAL(38,10) would round: the sums would differ from a local run's; run it locally (billing/costfile)", r.inexactPublic, colPublicCost, colCost),
				[]error{ErrRowsRefused}}}
	}
	return nil
}

// maxLineItems bounds a result row's count: more line items than any month of
// any payer has (a large reseller's month is around 10^9), so a corrupt count is
// an error, not hours of counting.
const maxLineItems = 1e10

// rowReader turns result rows into line items for one Sink.
type rowReader struct {
	queryID string
	layout  Layout
	cols    []string
	period  resellerkit.Month
	sink    billing.Sink
	row     int   // data rows read
	items   int64 // line items they stand for
	li      billing.LineItem
	// rows refused, summed over the result: costs DECIMAL(38,10) would round, and
	// rows without a usage start
	inexact, inexactPublic, noStart int64
}

// checkHeader refuses a result whose columns are not the query's: its metadata
// and its first row (the header) must name them in order.
func (r *rowReader) checkHeader(rs *types.ResultSet) error {
	want := strings.Join(r.cols, ", ")
	if md := rs.ResultSetMetadata; md != nil && len(md.ColumnInfo) > 0 {
		got := make([]string, len(md.ColumnInfo))
		for i, c := range md.ColumnInfo {
			got[i] = aws.ToString(c.Name)
		}
		if g := strings.Join(got, ", "); g != want {
			return &RowError{QueryID: r.queryID, Err: resultError(g, "are the result's columns (metadata), want "+want)}
		}
	}
	if len(rs.Rows) == 0 {
		return &RowError{QueryID: r.queryID, Err: resultError("", "is the header row: the first page has none")}
	}
	got := make([]string, len(rs.Rows[0].Data))
	for i, d := range rs.Rows[0].Data {
		got[i] = aws.ToString(d.VarCharValue)
	}
	if g := strings.Join(got, ", "); g != want {
		return &RowError{QueryID: r.queryID, Err: resultError(g, "is the header row, want "+want)}
	}
	return nil
}

// source names the table column(s) a result column comes from, for errors.
func (r *rowReader) source(col string) string {
	switch col {
	case resCost:
		return "SUM of " + colCost
	case resPublicCost:
		return "SUM of " + colPublicCost + ", else " + colCost
	case resCurrency:
		return colCurrency
	case resPublicCurr:
		return colPublicCurr
	case resLineItems:
		return "COUNT(*)"
	case resInexactCost:
		return colCost + " not exact at scale 10"
	case resInexactPublicCost:
		return colPublicCost + ", else " + colCost + ", not exact at scale 10"
	case resNoUsageStart:
		return colUsageStart + " IS NULL"
	}
	return ""
}

// add adds one result row: its sums once, and as many empty rows again as it has
// line items beyond the first, so that the Sink counts rows as a local scan does
// (billing.Result.Rows, the rows of an unknown line item type in a warning).
func (r *rowReader) add(ctx context.Context, row *types.Row) error {
	r.row++
	if len(row.Data) != len(r.cols) {
		return &RowError{QueryID: r.queryID, Row: r.row,
			Err: resultError(strconv.Itoa(len(row.Data)), fmt.Sprintf("values in the row, want %d (%s)", len(r.cols), strings.Join(r.cols, ", ")))}
	}
	li := &r.li
	*li = billing.LineItem{Format: r.layout.format(), Period: r.period, BillingPeriod: r.period}
	var n int64
	for i, col := range r.cols {
		v := value(row.Data[i])
		switch col {
		case resAccount:
			li.AccountID = v
		case resProductCode:
			li.ProductCode = v
		case resProductName:
			li.ProductName = v
		case resLineItemType:
			li.LineItemType = v
		case resUsageType:
			li.UsageType = v
		case resOperation:
			li.Operation = v
		case resBillingEntity:
			li.BillingEntity = v
		case resBillingGroup:
			li.BillingGroup = v
		case resCurrency:
			li.Currency = v
		case resPublicCurr:
			li.PublicCurrency = v
		case resCost:
			li.Cost = v
		case resPublicCost:
			li.PublicCost = v
		case resLineItems:
			var err error
			if n, err = strconv.ParseInt(string(v), 10, 64); err != nil || n < 1 || n > maxLineItems {
				return &RowError{QueryID: r.queryID, Row: r.row, Column: col, Source: r.source(col),
					Err: resultError(string(v), "is not a count of line items (a whole number from 1 to 10^10)")}
			}
		case resInexactCost, resInexactPublicCost, resNoUsageStart:
			c, err := strconv.ParseInt(string(v), 10, 64)
			if err != nil || c < 0 || c > maxLineItems {
				return &RowError{QueryID: r.queryID, Row: r.row, Column: col, Source: r.source(col),
					Err: resultError(string(v), "is not a count of rows (a whole number from 0 to 10^10)")}
			}
			switch col {
			case resInexactCost:
				r.inexact += c
			case resInexactPublicCost:
				r.inexactPublic += c
			default:
				r.noStart += c
			}
		}
	}
	if err := r.sink.Add(li); err != nil {
		return r.sinkError(err)
	}
	// The other line items of the group, at no cost: only counted.
	li.Cost, li.PublicCost = nil, nil
	for k := int64(1); k < n; k++ {
		if err := r.sink.Add(li); err != nil {
			return r.sinkError(err)
		}
		if k%(1<<20) == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
	}
	r.items += n
	return nil
}

// sinkError names the result column of the field a Sink refused.
func (r *rowReader) sinkError(err error) error {
	e := &RowError{QueryID: r.queryID, Row: r.row, Err: err}
	var fe *billing.FieldError
	if errors.As(err, &fe) {
		switch fe.Field {
		case billing.FieldCost:
			e.Column = resCost
		case billing.FieldPublicCost:
			e.Column = resPublicCost
		case billing.FieldCurrency:
			e.Column = resCurrency
		case billing.FieldPublicCurrency:
			e.Column = resPublicCurr
		}
		e.Source = r.source(e.Column)
	}
	return e
}

// value returns a result value as the readers hand values on: SQL NULL (no
// VarCharValue) and the text "NULL" are empty (B-1).
func value(d types.Datum) []byte {
	v := aws.ToString(d.VarCharValue)
	if v == "NULL" {
		return nil
	}
	return []byte(v)
}
