package costfile

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/billing"
)

// row is a LineItem copied out of the reader's buffers, comparable with ==.
type row struct {
	Format                                                  billing.Format
	Period                                                  string
	Bill                                                    string // BillingPeriod, "" when zero
	Account, ProductCode, ProductName, Type, Usage, Op, Ent string
	Group, Cost, Public                                     string
}

func toRow(li *billing.LineItem) row {
	bill := ""
	if !li.BillingPeriod.IsZero() {
		bill = li.BillingPeriod.String()
	}
	return row{Bill: bill,
		Format: li.Format, Period: li.Period.String(),
		Account: string(li.AccountID), ProductCode: string(li.ProductCode), ProductName: string(li.ProductName),
		Type: string(li.LineItemType), Usage: string(li.UsageType), Op: string(li.Operation),
		Ent: string(li.BillingEntity), Group: string(li.BillingGroup), Cost: string(li.Cost), Public: string(li.PublicCost),
	}
}

// collector gathers the rows of all its sinks.
type collector struct {
	mu    sync.Mutex
	sinks []*sliceSink
}

type sliceSink struct{ rows []row }

func (s *sliceSink) Add(li *billing.LineItem) error {
	s.rows = append(s.rows, toRow(li))
	return nil
}

func (c *collector) newSink() billing.Sink {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := &sliceSink{}
	c.sinks = append(c.sinks, s)
	return s
}

// sorted returns every row, sorted (workers interleave rows).
func (c *collector) sorted() []row {
	var all []row
	for _, s := range c.sinks {
		all = append(all, s.rows...)
	}
	slices.SortFunc(all, func(a, b row) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
	return all
}

// scanString scans text with the given options and returns the sorted rows.
func scanString(t testing.TB, text string, opt Options) ([]row, billing.InputStats, error) {
	t.Helper()
	var c collector
	st, err := Scan(context.Background(), "test.csv", strings.NewReader(text), c.newSink, opt)
	return c.sorted(), st, err
}

func gz(t testing.TB, text string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	_, err := w.Write([]byte(text))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return b.Bytes()
}

// legacyHeader is a realistic legacy CUR header subset with the needed columns
// scattered among others.
const legacyHeader = "identity/LineItemId,identity/TimeInterval,bill/InvoiceId,bill/BillingEntity,bill/BillType,bill/PayerAccountId," +
	"lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/UsageEndDate,lineItem/ProductCode," +
	"lineItem/UsageType,lineItem/Operation,lineItem/UsageAmount,lineItem/UnblendedRate,lineItem/UnblendedCost," +
	"lineItem/LineItemDescription,product/ProductName,product/region,pricing/publicOnDemandCost,pricing/term," +
	"resourceTags/user:CmBillingGroup,resourceTags/user:Name\n"

// legacyRow builds one legacy row matching legacyHeader.
func legacyRow(acct, typ, start, product, usage, op, cost, desc, name, entity, public, group string) string {
	return strings.Join([]string{"id1", start + "/" + start, "inv1", entity, "Anniversary", "999999999999",
		acct, typ, start, start, product, usage, op, "1.0", "0.1", cost, desc, name, "ap-northeast-1", public, "OnDemand",
		group, "web"}, ",") + "\n"
}
