package billing

import (
	"encoding/binary"
	"fmt"
	"sort"

	"github.com/seeda33a2f4f/resellerkit/money"
)

// GroupKey identifies an aggregate: the line items the engine never needs to tell
// apart, because classification and pricing (B-2 … B-9) depend on these fields only.
type GroupKey struct {
	Format        Format
	AccountID     string
	ProductCode   string
	ProductName   string
	LineItemType  string
	UsageType     string
	Operation     string
	BillingEntity string
	BillingGroup  string
}

// Group is one aggregate of line items: its key, its classification and the exact
// sums of its costs in USD on both bases of B-3.
type Group struct {
	GroupKey
	Class Class
	Rows  int64
	// Cost is the sum of the rows' unblended cost (LineItem.Cost).
	Cost money.Decimal
	// PublicCost is the sum of the rows' public on-demand cost (LineItem.PublicCost),
	// where a row without one (an empty PublicCost) counts at its Cost (B-3).
	PublicCost money.Decimal
}

type group struct {
	key    GroupKey
	class  Class
	rows   int64
	cost   money.Sum
	public money.Sum
}

// Aggregator is the Sink that sums line items of one billing period into groups
// (DESIGN.md rule 5: aggregate first, then price the aggregates). Adding a row whose
// group exists allocates nothing. An Aggregator is not safe for concurrent use: give
// each reader worker its own and Merge them afterwards.
type Aggregator struct {
	period  Period
	groups  map[string]*group
	scratch []byte
	rows    int64
	outside map[Period]int64
}

// NewAggregator returns an empty Aggregator for period.
func NewAggregator(period Period) *Aggregator {
	return &Aggregator{period: period, groups: make(map[string]*group, 1024), outside: map[Period]int64{}}
}

// Period returns the billing period the Aggregator charges.
func (a *Aggregator) Period() Period { return a.period }

// Add adds one line item. Rows of another period are validated, counted and not
// charged (B-1); a row's period is its BillingPeriod when the source has one, so a
// late credit in next month's bill lands in next month's invoice (B-16), else the
// month of its usage start. An empty cost is zero; an empty public cost counts as the row's cost
// (B-3); a cost or public cost that is not decimal text is an error naming the value,
// and leaves the Aggregator unchanged.
func (a *Aggregator) Add(li *LineItem) error {
	cost, err := parseCost(li.Cost, "cost")
	if err != nil {
		return err
	}
	public := cost
	if len(li.PublicCost) > 0 {
		if public, err = parseCost(li.PublicCost, "public cost"); err != nil {
			return err
		}
	}
	month := li.BillingPeriod // the bill the row belongs to decides (B-16) …
	if month.IsZero() {
		month = li.Period // … or, when the source has no billing period, the usage month
	}
	if month != a.period {
		a.outside[month]++
		return nil
	}
	k := a.scratch[:0]
	k = append(k, byte(li.Format))
	k = appendField(k, li.AccountID)
	k = appendField(k, li.ProductCode)
	k = appendField(k, li.ProductName)
	k = appendField(k, li.LineItemType)
	k = appendField(k, li.UsageType)
	k = appendField(k, li.Operation)
	k = appendField(k, li.BillingEntity)
	k = appendField(k, li.BillingGroup)
	a.scratch = k
	g := a.groups[string(k)]
	if g == nil {
		g = &group{key: GroupKey{
			Format:        li.Format,
			AccountID:     string(li.AccountID),
			ProductCode:   string(li.ProductCode),
			ProductName:   string(li.ProductName),
			LineItemType:  string(li.LineItemType),
			UsageType:     string(li.UsageType),
			Operation:     string(li.Operation),
			BillingEntity: string(li.BillingEntity),
			BillingGroup:  string(li.BillingGroup),
		}, class: Classify(li)}
		a.groups[string(k)] = g
	}
	cost.addTo(&g.cost)
	public.addTo(&g.public)
	g.rows++
	a.rows++
	return nil
}

// amount is a parsed cost: 1e-10 units on the fast path, else an exact decimal.
type amount struct {
	units int64
	slow  bool
	dec   money.Decimal
}

// parseCost parses decimal cost text without allocating on the fast path; empty is 0.
func parseCost(b []byte, field string) (amount, error) {
	if len(b) == 0 {
		return amount{}, nil
	}
	if v, ok := money.ParseUnits(b); ok {
		return amount{units: v}, nil
	}
	d, err := money.ParseBytes(b)
	if err != nil {
		return amount{}, fmt.Errorf("%s %w", field, err)
	}
	return amount{slow: true, dec: d}, nil
}

func (v *amount) addTo(s *money.Sum) {
	if v.slow {
		s.AddDecimal(v.dec)
	} else {
		s.AddUnits(v.units)
	}
}

func appendField(k, f []byte) []byte {
	k = binary.AppendUvarint(k, uint64(len(f)))
	return append(k, f...)
}

// Merge adds every group and count of o to a; o must be for the same period. o is
// left unchanged but shares no state with a afterwards.
func (a *Aggregator) Merge(o *Aggregator) error {
	if o.period != a.period {
		return fmt.Errorf("billing: merge aggregators of periods %s and %s", a.period, o.period)
	}
	for k, og := range o.groups {
		g := a.groups[k]
		if g == nil {
			g = &group{key: og.key, class: og.class}
			a.groups[k] = g
		}
		g.cost.Merge(&og.cost)
		g.public.Merge(&og.public)
		g.rows += og.rows
	}
	a.rows += o.rows
	for p, n := range o.outside {
		a.outside[p] += n
	}
	return nil
}

// Rows returns the number of rows of the period added.
func (a *Aggregator) Rows() int64 { return a.rows }

// OutsideRows returns the number of rows of other periods, which are not charged, by
// period (the zero Period counts rows without a usage date).
func (a *Aggregator) OutsideRows() map[Period]int64 {
	out := make(map[Period]int64, len(a.outside))
	for p, n := range a.outside {
		out[p] = n
	}
	return out
}

// Groups returns the aggregates with their exact sums, sorted by key.
func (a *Aggregator) Groups() []Group {
	out := make([]Group, 0, len(a.groups))
	for _, g := range a.groups {
		out = append(out, Group{GroupKey: g.key, Class: g.class, Rows: g.rows, Cost: g.cost.Decimal(), PublicCost: g.public.Decimal()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].GroupKey.less(&out[j].GroupKey) })
	return out
}

func (k *GroupKey) less(o *GroupKey) bool {
	if k.Format != o.Format {
		return k.Format < o.Format
	}
	a := [...]string{k.AccountID, k.ProductCode, k.ProductName, k.LineItemType, k.UsageType, k.Operation, k.BillingEntity, k.BillingGroup}
	b := [...]string{o.AccountID, o.ProductCode, o.ProductName, o.LineItemType, o.UsageType, o.Operation, o.BillingEntity, o.BillingGroup}
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}
