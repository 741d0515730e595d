package athena

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/athena/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// scan runs one Scan of src into sink.
func scan(src *Source, sink billing.Sink) (billing.InputStats, error) {
	return src.Scan(context.Background(), func() billing.Sink { return sink })
}

// TestScanFeedsResultPagesToTheSink reads a result over three pages (the header
// on the first only): every row reaches the Aggregator with its sums, counted as
// the line items it stands for; GetQueryResults is asked for PageSize rows with
// the previous page's token.
func TestScanFeedsResultPagesToTheSink(t *testing.T) {
	api := &fakeAPI{pages: []*types.ResultSet{
		resultSet(unblendedCols, true,
			resultRow("123456789012", "AmazonEC2", "Usage", "<null>", "USD", "3", "10.5000000000"),
			resultRow("123456789012", "AmazonEC2", "Usage", "team-a", "USD", "1", "0.2500000000")),
		resultSet(unblendedCols, false,
			resultRow("123456789012", "AmazonS3", "Usage", "", "<null>", "2", "1.0000000000")),
		resultSet(unblendedCols, false,
			resultRow("210987654321", "AmazonEC2", "Credit", "NULL", "USD", "1", "-3.0000000000")),
	}}
	src, _ := newFakeSource(t, api, Config{PageSize: 2})
	agg := unblendedSink()
	st, err := scan(src, agg)
	require.NoError(t, err)

	assert.Equal(t, int64(7), st.Rows, "line items")
	assert.Equal(t, int64(7), agg.Rows())
	assert.Equal(t, int64(123456), st.Bytes, "data scanned")
	assert.Equal(t, `athena "cur"."data_export" query `+fakeID, st.Name)
	assert.Equal(t, billing.FormatCUR2, st.Format)
	assert.Nil(t, st.Sketch, "B-14: no sketch")
	groups := agg.Groups()
	require.Len(t, groups, 4)
	got := map[string]string{}
	for _, g := range groups {
		got[g.AccountID+" "+g.ProductCode+" "+g.LineItemType+" "+g.BillingGroup] = g.Cost.String() + " x" + itoa(g.Rows)
	}
	assert.Equal(t, map[string]string{
		"123456789012 AmazonEC2 Usage ":       "10.5 x3",
		"123456789012 AmazonEC2 Usage team-a": "0.25 x1",
		"123456789012 AmazonS3 Usage ":        "1 x2",
		"210987654321 AmazonEC2 Credit ":      "-3 x1",
	}, got)

	require.Len(t, api.results, 3)
	for i, in := range api.results {
		assert.Equal(t, int32(2), aws.ToInt32(in.MaxResults), "page %d", i)
		assert.Equal(t, fakeID, aws.ToString(in.QueryExecutionId))
	}
	assert.Nil(t, api.results[0].NextToken)
	assert.Equal(t, "1", aws.ToString(api.results[1].NextToken))
	assert.Equal(t, "2", aws.ToString(api.results[2].NextToken))
}

func itoa(n int64) string { return money.New(n, 0).String() }

// TestScanStartsTheConfiguredQuery checks what StartQueryExecution is sent: the
// statement's text and parameters, the database and catalog as the query's
// context, the workgroup and output location.
func TestScanStartsTheConfiguredQuery(t *testing.T) {
	api := &fakeAPI{pages: []*types.ResultSet{resultSet(unblendedCols, true)}}
	cfg := Config{Layout: LegacyCUR, Catalog: "billing_catalog", Database: "cur_db", Table: "cur_table",
		WorkGroup: "resellerkit", OutputLocation: "s3://example-results/athena/"}
	src, _ := newFakeSource(t, api, cfg)
	_, err := scan(src, unblendedSink())
	require.NoError(t, err)
	require.Len(t, api.started, 1)
	in := api.started[0]
	want := src.Statement(october, false)
	assert.Equal(t, want.SQL, aws.ToString(in.QueryString))
	assert.Equal(t, want.Params, in.ExecutionParameters)
	assert.Equal(t, []string{"'2026-10-01 00:00:00'", "'2026-11-01 00:00:00'"}, in.ExecutionParameters)
	assert.Equal(t, "cur_db", aws.ToString(in.QueryExecutionContext.Database))
	assert.Equal(t, "billing_catalog", aws.ToString(in.QueryExecutionContext.Catalog))
	assert.Equal(t, "resellerkit", aws.ToString(in.WorkGroup))
	assert.Equal(t, "s3://example-results/athena/", aws.ToString(in.ResultConfiguration.OutputLocation))
	assert.Nil(t, in.ClientRequestToken, "the SDK makes the idempotency token")
}

// TestScanPollsWithBackoffUntilDone checks the waits between GetQueryExecution
// calls: Interval, doubled up to MaxInterval, while the query is QUEUED or
// RUNNING.
func TestScanPollsWithBackoffUntilDone(t *testing.T) {
	running := types.QueryExecutionStatus{State: types.QueryExecutionStateRunning}
	api := &fakeAPI{
		states: []types.QueryExecutionStatus{{State: types.QueryExecutionStateQueued}, running, running, running, running,
			{State: types.QueryExecutionStateSucceeded}},
		pages: []*types.ResultSet{resultSet(unblendedCols, true)},
	}
	src, clock := newFakeSource(t, api, Config{Poll: Poll{Interval: time.Second, MaxInterval: 4 * time.Second}})
	_, err := scan(src, unblendedSink())
	require.NoError(t, err)
	assert.Equal(t, 6, api.gets)
	assert.Equal(t, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second, 4 * time.Second}, clock.slept)
}

// TestScanFaults maps each fault of Athena to its error: the sentinel to test, the
// SDK's error kept in the chain, and a message that says what happened.
func TestScanFaults(t *testing.T) {
	throttled := &types.TooManyRequestsException{Message: aws.String("You have exceeded the limit for the number of queries you can run concurrently."),
		Reason: types.ThrottleReasonConcurrentQueryLimitExceeded}
	rateExceeded := &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded"}
	running := types.QueryExecutionStatus{State: types.QueryExecutionStateRunning}
	okPages := []*types.ResultSet{resultSet(unblendedCols, true)}
	for _, tc := range []struct {
		name     string
		api      *fakeAPI
		noStop   bool
		cancel   bool
		is       []error
		contains []string
		stopped  bool
	}{
		{name: "StartQueryExecution throttled after the SDK's retries (TooManyRequestsException)",
			api: &fakeAPI{startErr: &retry.MaxAttemptsError{Attempt: 3, Err: throttled}},
			is:  []error{ErrThrottled}, contains: []string{`athena "cur"."data_export": StartQueryExecution was throttled (CONCURRENT_QUERY_LIMIT_EXCEEDED) and the SDK's retries ran out`, "exceeded maximum number of attempts, 3"}},
		{name: "GetQueryExecution throttled (ThrottlingException)",
			api: &fakeAPI{getErr: rateExceeded},
			is:  []error{ErrThrottled}, contains: []string{`athena "cur"."data_export": GetQueryExecution of query ` + fakeID + " was throttled", "Rate exceeded"}},
		{name: "GetQueryResults throttled",
			api: &fakeAPI{resultsErr: throttled},
			is:  []error{ErrThrottled}, contains: []string{"GetQueryResults of query " + fakeID + " was throttled"}},
		{name: "an unknown table (InvalidRequestException)",
			api: &fakeAPI{startErr: &types.InvalidRequestException{Message: aws.String("line 13:6: Table 'awsdatacatalog.cur.data_export' does not exist"), AthenaErrorCode: aws.String("INVALID_INPUT")}},
			is:  []error{ErrRequest}, contains: []string{"Athena refused StartQueryExecution (AthenaErrorCode INVALID_INPUT): operation error Athena: StartQueryExecution, InvalidRequestException", "does not exist"}},
		{name: "another AWS error is wrapped as it is",
			api:      &fakeAPI{startErr: &types.InternalServerException{Message: aws.String("We encountered an internal error.")}},
			contains: []string{`athena "cur"."data_export": StartQueryExecution: operation error Athena: StartQueryExecution`, "internal error"}},
		{name: "a FAILED query, with its reason and AthenaError",
			api: &fakeAPI{states: []types.QueryExecutionStatus{running, {State: types.QueryExecutionStateFailed,
				StateChangeReason: aws.String("COLUMN_NOT_FOUND: line 4:3: Column 'line_item_operation' cannot be resolved"),
				AthenaError:       &types.AthenaError{ErrorCategory: aws.Int32(2), ErrorType: aws.Int32(1006), ErrorMessage: aws.String("COLUMN_NOT_FOUND: line 4:3: Column 'line_item_operation' cannot be resolved")}}}},
			is:       []error{ErrQueryFailed},
			contains: []string{`athena "cur"."data_export": query ` + fakeID + " FAILED: COLUMN_NOT_FOUND: line 4:3: Column 'line_item_operation' cannot be resolved (AthenaError category 2 (user), type 1006, not retryable)"}},
		{name: "a FAILED query Athena may succeed again",
			api: &fakeAPI{states: []types.QueryExecutionStatus{{State: types.QueryExecutionStateFailed,
				StateChangeReason: aws.String("Query exhausted resources at this scale factor"),
				AthenaError:       &types.AthenaError{ErrorCategory: aws.Int32(1), ErrorType: aws.Int32(1001), Retryable: true, ErrorMessage: aws.String("resources exhausted")}}}},
			is: []error{ErrQueryFailed}, contains: []string{"FAILED: Query exhausted resources at this scale factor (AthenaError category 1 (system), type 1001, retryable: resources exhausted)"}},
		{name: "a CANCELLED query",
			api: &fakeAPI{states: []types.QueryExecutionStatus{running, {State: types.QueryExecutionStateCancelled, StateChangeReason: aws.String("Query was cancelled by the user")}}},
			is:  []error{ErrQueryCancelled}, contains: []string{"query " + fakeID + " CANCELLED: Query was cancelled by the user"}},
		{name: "the deadline passes: the query is stopped",
			api: &fakeAPI{states: []types.QueryExecutionStatus{running}},
			is:  []error{ErrTimeout}, contains: []string{`athena "cur"."data_export": query ` + fakeID + " still RUNNING after 1m0s (Poll.Timeout); it was stopped"}, stopped: true},
		{name: "the deadline passes and stopping fails",
			api: &fakeAPI{states: []types.QueryExecutionStatus{running}, stopErr: &types.InvalidRequestException{Message: aws.String("no such query")}},
			is:  []error{ErrTimeout, ErrRequest}, contains: []string{"; stopping it failed too: Athena refused StopQueryExecution"}, stopped: true},
		{name: "the deadline passes with an API that cannot stop",
			api: &fakeAPI{states: []types.QueryExecutionStatus{{State: types.QueryExecutionStateQueued}}}, noStop: true,
			is: []error{ErrTimeout}, contains: []string{"still QUEUED", "; it may still be running: stop it with StopQueryExecution"}},
		{name: "the context is cancelled while waiting",
			api: &fakeAPI{states: []types.QueryExecutionStatus{running}}, cancel: true,
			is: []error{context.Canceled}, contains: []string{"waiting for query " + fakeID + ": context canceled; it was stopped"}, stopped: true},
		{name: "a state Athena does not document",
			api: &fakeAPI{states: []types.QueryExecutionStatus{{State: "PAUSED"}}},
			is:  []error{ErrResult}, contains: []string{`"PAUSED" is no query state`}},
		{name: "a result with other columns",
			api: &fakeAPI{pages: []*types.ResultSet{resultSet([]string{"account", "cost"}, true)}},
			is:  []error{ErrResult}, contains: []string{"query " + fakeID + `: result: "account, cost" are the result's columns (metadata), want account_id, product_code`}},
		{name: "a header row with other names",
			api: &fakeAPI{pages: []*types.ResultSet{func() *types.ResultSet {
				rs := resultSet(unblendedCols, true)
				rs.Rows[0].Data[10].VarCharValue = aws.String("total")
				return rs
			}()}},
			is: []error{ErrResult}, contains: []string{"is the header row, want account_id"}},
		{name: "no page at all",
			api: &fakeAPI{pages: []*types.ResultSet{}},
			is:  []error{ErrResult}, contains: []string{"Athena sent no page"}},
		{name: "a row with a value missing (row 2 of page 2)",
			api: &fakeAPI{pages: []*types.ResultSet{
				resultSet(unblendedCols, true, resultRow("123456789012", "AmazonEC2", "Usage", "", "USD", "1", "1")),
				resultSet(unblendedCols, false, resultRow("123456789012", "AmazonS3", "Usage", "", "USD", "1", "1"), resultRow("123456789012", "AmazonS3", "Usage", "", "USD", "1", "1")[:10]),
			}},
			is: []error{ErrResult}, contains: []string{"query " + fakeID + ": result row 3: \"10\" values in the row, want 13"}},
		{name: "a count that is no number",
			api: &fakeAPI{pages: []*types.ResultSet{resultSet(unblendedCols, true,
				resultRow("123456789012", "AmazonEC2", "Usage", "", "USD", "1", "1"), resultRow("123456789012", "AmazonEC2", "Fee", "", "USD", "1.5", "1"))}},
			is: []error{ErrResult}, contains: []string{`result row 2, column "line_items" (COUNT(*)): "1.5" is not a count of line items`}},
		{name: "a count of zero",
			api: &fakeAPI{pages: []*types.ResultSet{resultSet(unblendedCols, true, resultRow("123456789012", "AmazonEC2", "Usage", "", "USD", "0", "0"))}},
			is:  []error{ErrResult}, contains: []string{`result row 1, column "line_items" (COUNT(*)): "0" is not a count`}},
		{name: "a count beyond any month",
			api: &fakeAPI{pages: []*types.ResultSet{resultSet(unblendedCols, true, resultRow("123456789012", "AmazonEC2", "Usage", "", "USD", "10000000001", "0"))}},
			is:  []error{ErrResult}, contains: []string{`"10000000001" is not a count of line items (a whole number from 1 to 10^10)`}},
		{name: "a cost that is no decimal",
			api: &fakeAPI{pages: []*types.ResultSet{resultSet(unblendedCols, true, resultRow("123456789012", "AmazonEC2", "Usage", "", "USD", "1", "NaN"))}},
			is:  []error{money.ErrSyntax}, contains: []string{`result row 1, column "cost" (SUM of line_item_unblended_cost): "NaN" is not a decimal number`}},
		{name: "a row in another currency (B-1)",
			api: &fakeAPI{pages: []*types.ResultSet{resultSet(unblendedCols, true, resultRow("123456789012", "AmazonEC2", "Usage", "", "EUR", "4", "1"))}},
			is:  []error{billing.ErrCurrency}, contains: []string{`result row 1, column "currency" (line_item_currency_code): "EUR", the configuration expects USD`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.api.pages == nil {
				tc.api.pages = okPages
			}
			var api API = tc.api
			if tc.noStop {
				api = withoutStop{tc.api}
			}
			src, clock := newFakeSource(t, api, Config{Poll: Poll{Interval: time.Second, MaxInterval: 8 * time.Second, Timeout: time.Minute}})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.cancel {
				clock.cancel = cancel
			}
			_, err := src.Scan(ctx, func() billing.Sink { return unblendedSink() })
			require.Error(t, err)
			for _, target := range tc.is {
				assert.ErrorIs(t, err, target)
			}
			for _, s := range tc.contains {
				assert.Contains(t, err.Error(), s)
			}
			var apiErr smithy.APIError
			if tc.api.startErr != nil || tc.api.getErr != nil || tc.api.resultsErr != nil {
				assert.True(t, errors.As(err, &apiErr), "the SDK's error stays in the chain: %v", err)
			}
			var qe *QueryError
			if errors.Is(err, ErrQueryFailed) || errors.Is(err, ErrQueryCancelled) {
				require.ErrorAs(t, err, &qe)
				assert.Equal(t, fakeID, qe.QueryID)
			}
			var re *RowError
			if errors.Is(err, ErrResult) && tc.api.states == nil {
				require.ErrorAs(t, err, &re)
			}
			if tc.stopped {
				assert.Equal(t, []string{fakeID}, tc.api.stopped)
			} else {
				assert.Empty(t, tc.api.stopped)
			}
			// The deadline is measured on the clock, never slept past.
			var total time.Duration
			for _, d := range clock.slept {
				total += d
			}
			assert.LessOrEqual(t, total, time.Minute)
		})
	}
}

// TestScanPeriod takes the Sink's period when the Config names none, and refuses
// a Config period the Sink does not charge, or no period at all.
func TestScanPeriod(t *testing.T) {
	api := &fakeAPI{pages: []*types.ResultSet{resultSet(unblendedCols, true)}}
	src, _ := newFakeSource(t, api, Config{})
	_, err := scan(src, unblendedSink())
	require.NoError(t, err)
	assert.Equal(t, []string{"'2026-10-01 00:00:00'", "'2026-11-01 00:00:00'"}, api.started[0].ExecutionParameters[11:])

	src, _ = newFakeSource(t, api, Config{Period: resellerkit.NewMonth(2026, time.September)})
	_, err = scan(src, unblendedSink())
	assert.ErrorIs(t, err, ErrInvalid)
	assert.ErrorContains(t, err, `period "2026-09" (B-1): the Sink charges 2026-10`)

	src, _ = newFakeSource(t, api, Config{})
	_, err = scan(src, &countingSink{})
	assert.ErrorIs(t, err, ErrInvalid)
	assert.ErrorContains(t, err, "Config.Period")
	assert.Len(t, api.started, 1, "nothing started for a refused period")

	// A Sink without Period or FieldUser, with a Config period: public costs read.
	api = &fakeAPI{pages: []*types.ResultSet{resultSet(publicCols, true,
		[]*string{aws.String("123456789012"), aws.String("AmazonEC2"), nil, aws.String("Usage"), nil, nil, aws.String("AWS"), nil, nil, nil, aws.String("2"), aws.String("1.5"), aws.String("3"),
			aws.String("0"), aws.String("0"), aws.String("0")})}}
	src, _ = newFakeSource(t, api, Config{Period: october})
	sink := &countingSink{}
	_, err = scan(src, sink)
	require.NoError(t, err)
	assert.Equal(t, []string{"1.5/3", "/"}, sink.costs)
	assert.Equal(t, october, sink.period)
}

// countingSink records the costs of the rows it gets.
type countingSink struct {
	costs  []string
	period resellerkit.Month
}

func (s *countingSink) Add(li *billing.LineItem) error {
	s.costs = append(s.costs, string(li.Cost)+"/"+string(li.PublicCost))
	s.period = li.BillingPeriod
	return nil
}

// TestScanReadsPublicCostsOnlyWhenUsed checks the query of an Aggregator whose
// config has a public_on_demand project (B-3): public costs and their currency
// are selected, and a result row's public sum reaches the group.
func TestScanReadsPublicCostsOnlyWhenUsed(t *testing.T) {
	api := &fakeAPI{pages: []*types.ResultSet{resultSet(publicCols, true,
		[]*string{aws.String("123456789012"), aws.String("AmazonEC2"), aws.String("Amazon Elastic Compute Cloud"), aws.String("Usage"),
			aws.String("APN1-BoxUsage:m7g.large"), aws.String("RunInstances"), aws.String("AWS"), nil, aws.String("USD"), aws.String("USD"),
			aws.String("2"), aws.String("1.5"), aws.String("3"), aws.String("0"), aws.String("0"), aws.String("0")})}}
	src, _ := newFakeSource(t, api, Config{})
	cfg := &billing.Config{Projects: []billing.Project{{ID: "p", Currency: money.USD, Accounts: []string{"123456789012"}, CostBasis: billing.CostBasisPublicOnDemand}}}
	agg := billing.NewAggregatorFor(october, cfg)
	_, err := scan(src, agg)
	require.NoError(t, err)
	assert.Contains(t, aws.ToString(api.started[0].QueryString), `SUM(CAST(COALESCE("pricing_public_on_demand_cost", "line_item_unblended_cost") AS DECIMAL(38,10))) AS "public_cost"`)
	g := agg.Groups()
	require.Len(t, g, 1)
	assert.Equal(t, "1.5", g[0].Cost.String())
	assert.Equal(t, "3", g[0].PublicCost.String())
	assert.Equal(t, int64(2), g[0].Rows)
	assert.Empty(t, g[0].UsageType, "the projected Aggregator keeps no usage type without an SKU rule")

	// A pricing currency other than the cost data's is refused (B-1).
	api.pages[0].Rows[1].Data[9].VarCharValue = aws.String("JPY")
	_, err = scan(src, billing.NewAggregatorFor(october, cfg))
	assert.ErrorIs(t, err, billing.ErrCurrency)
	assert.ErrorContains(t, err, `column "public_currency" (pricing_currency): "JPY"`)
}

// TestRunTakesSourcesWithoutSketches: billing.Run compares no Source with another
// input (B-14: a Source has no Sketch) and refuses none, so two Sources over one
// table count its rows twice; the package doc says not to do that.
func TestRunTakesSourcesWithoutSketches(t *testing.T) {
	row := resultRow("123456789012", "AmazonEC2", "Usage", "", "USD", "2", "5")
	newSrc := func() *Source {
		src, _ := newFakeSource(t, &fakeAPI{pages: []*types.ResultSet{resultSet(unblendedCols, true, row)}}, Config{})
		return src
	}
	cfg := &billing.Config{Issuer: billing.Issuer{Name: "Example Reseller K.K.", RegistrationNumber: "T1234567890123"},
		Projects: []billing.Project{{ID: "p", Currency: money.USD, Accounts: []string{"123456789012"}}}}
	res, err := billing.Run(context.Background(), billing.Job{Period: october, Issuer: cfg.Issuer, Projects: cfg,
		Inputs: []billing.Input{newSrc(), newSrc()}})
	require.NoError(t, err)
	require.Len(t, res.Inputs, 2)
	assert.Nil(t, res.Inputs[0].Sketch)
	assert.Equal(t, int64(4), res.Rows.InPeriod)
	assert.Equal(t, "10", res.Invoices[0].ChargesUSD.String())
}
