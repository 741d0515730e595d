package athena

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	athenasdk "github.com/aws/aws-sdk-go-v2/service/athena"
	"github.com/aws/aws-sdk-go-v2/service/athena/types"
	"github.com/aws/smithy-go"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
)

// fakeAPI is Athena's three operations (and StopQueryExecution) scripted: the
// errors and query states each call returns, and the result's pages. Errors are
// the SDK's own types, wrapped the way the SDK wraps them (*smithy.OperationError).
type fakeAPI struct {
	mu sync.Mutex
	// startErr, getErr and resultsErr fail every call of their operation.
	startErr, getErr, resultsErr error
	// states are the statuses of successive GetQueryExecution calls; the last one
	// repeats. None means SUCCEEDED.
	states []types.QueryExecutionStatus
	// pages are the result's pages; the next page's token is its index.
	pages []*types.ResultSet
	// stopErr fails StopQueryExecution.
	stopErr error

	started []*athenasdk.StartQueryExecutionInput
	gets    int
	results []*athenasdk.GetQueryResultsInput
	stopped []string
}

func opErr(op string, err error) error {
	return &smithy.OperationError{ServiceID: "Athena", OperationName: op, Err: err}
}

const fakeID = "5f3c2a9e-0000-4000-8000-000000000001"

func (f *fakeAPI) StartQueryExecution(_ context.Context, in *athenasdk.StartQueryExecutionInput, _ ...func(*athenasdk.Options)) (*athenasdk.StartQueryExecutionOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.started = append(f.started, in)
	if f.startErr != nil {
		return nil, opErr("StartQueryExecution", f.startErr)
	}
	return &athenasdk.StartQueryExecutionOutput{QueryExecutionId: aws.String(fakeID)}, nil
}

func (f *fakeAPI) GetQueryExecution(_ context.Context, in *athenasdk.GetQueryExecutionInput, _ ...func(*athenasdk.Options)) (*athenasdk.GetQueryExecutionOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gets++
	if f.getErr != nil {
		return nil, opErr("GetQueryExecution", f.getErr)
	}
	st := types.QueryExecutionStatus{State: types.QueryExecutionStateSucceeded}
	if n := len(f.states); n > 0 {
		st = f.states[min(f.gets-1, n-1)]
	}
	return &athenasdk.GetQueryExecutionOutput{QueryExecution: &types.QueryExecution{QueryExecutionId: in.QueryExecutionId,
		Status: &st, Statistics: &types.QueryExecutionStatistics{DataScannedInBytes: aws.Int64(123456)}}}, nil
}

func (f *fakeAPI) GetQueryResults(_ context.Context, in *athenasdk.GetQueryResultsInput, _ ...func(*athenasdk.Options)) (*athenasdk.GetQueryResultsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.results = append(f.results, in)
	if f.resultsErr != nil {
		return nil, opErr("GetQueryResults", f.resultsErr)
	}
	i := 0
	if tok := aws.ToString(in.NextToken); tok != "" {
		i, _ = strconv.Atoi(tok)
	}
	if i >= len(f.pages) {
		return &athenasdk.GetQueryResultsOutput{}, nil
	}
	out := &athenasdk.GetQueryResultsOutput{ResultSet: f.pages[i]}
	if i+1 < len(f.pages) {
		out.NextToken = aws.String(strconv.Itoa(i + 1))
	}
	return out, nil
}

func (f *fakeAPI) StopQueryExecution(_ context.Context, in *athenasdk.StopQueryExecutionInput, _ ...func(*athenasdk.Options)) (*athenasdk.StopQueryExecutionOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stopped = append(f.stopped, aws.ToString(in.QueryExecutionId))
	if f.stopErr != nil {
		return nil, opErr("StopQueryExecution", f.stopErr)
	}
	return &athenasdk.StopQueryExecutionOutput{}, nil
}

// withoutStop hides the fake's StopQueryExecution: an API of the three operations
// only.
type withoutStop struct{ API }

// fakeClock is the Source's clock and sleep: sleeping advances the time at once
// and records the wait, so polling is tested without waiting.
type fakeClock struct {
	now    time.Time
	slept  []time.Duration
	cancel func() // called at the first sleep when set (a context cancelled mid-wait)
}

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	c.slept = append(c.slept, d)
	c.now = c.now.Add(d)
	if c.cancel != nil {
		c.cancel()
	}
	return ctx.Err()
}

// newFakeSource returns a Source over api with cfg (Period October 2026 unless
// set) and a fake clock.
func newFakeSource(t interface {
	Helper()
	Fatalf(string, ...any)
}, api API, cfg Config) (*Source, *fakeClock) {
	t.Helper()
	if cfg.Layout == 0 {
		cfg.Layout = CUR2
	}
	if cfg.Database == "" {
		cfg.Database, cfg.Table = "cur", "data_export"
	}
	src, err := New(api, cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	clock := &fakeClock{now: time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)}
	src.sleep, src.now = clock.sleep, func() time.Time { return clock.now }
	return src, clock
}

// resultSet returns a result page: the header row of cols first when header is
// set, then rows (a nil value is SQL NULL).
func resultSet(cols []string, header bool, rows ...[]*string) *types.ResultSet {
	rs := &types.ResultSet{}
	if header {
		rs.ResultSetMetadata = &types.ResultSetMetadata{}
		h := types.Row{}
		for _, c := range cols {
			rs.ResultSetMetadata.ColumnInfo = append(rs.ResultSetMetadata.ColumnInfo, types.ColumnInfo{Name: aws.String(c), Type: aws.String("varchar")})
			h.Data = append(h.Data, types.Datum{VarCharValue: aws.String(c)})
		}
		rs.Rows = append(rs.Rows, h)
	}
	for _, r := range rows {
		row := types.Row{}
		for _, v := range r {
			row.Data = append(row.Data, types.Datum{VarCharValue: v})
		}
		rs.Rows = append(rs.Rows, row)
	}
	return rs
}

// unblendedCols are the result columns of a query without public costs.
var unblendedCols = []string{resAccount, resProductCode, resProductName, resLineItemType, resUsageType, resOperation,
	resBillingEntity, resBillingGroup, resCurrency, resLineItems, resCost, resInexactCost, resNoUsageStart}

// publicCols are the result columns of a query with public costs.
var publicCols = []string{resAccount, resProductCode, resProductName, resLineItemType, resUsageType, resOperation,
	resBillingEntity, resBillingGroup, resCurrency, resPublicCurr, resLineItems, resCost, resPublicCost, resInexactCost, resInexactPublicCost, resNoUsageStart}

// resultRow returns a row of unblendedCols.
func resultRow(acct, product, typ, group, currency, items, cost string) []*string {
	s := func(v string) *string {
		if v == "<null>" {
			return nil
		}
		return aws.String(v)
	}
	return []*string{s(acct), s(product), s("Amazon " + product), s(typ), s("APN1-Usage"), s("Op"), s("AWS"), s(group), s(currency), s(items), s(cost), s("0"), s("0")}
}

// october is the period of the fake's queries.
var october = resellerkit.NewMonth(2026, time.October)

// unblendedSink is an Aggregator of October for a config without public costs.
func unblendedSink() *billing.Aggregator { return billing.NewAggregatorFor(october, &billing.Config{}) }
