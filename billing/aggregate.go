package billing

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/seeda33a2f4f/resellerkit"
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
	// where a row without one (an empty PublicCost) counts at its Cost and a FOCUS
	// commitment's purchase or unused row (CommitmentNotListPriced) counts zero (B-3).
	PublicCost money.Decimal
}

// numFields is the number of string fields of a GroupKey.
const numFields = 8

// groupID is a group's key as interned ids: [0] indexes Aggregator.formats, [1+f]
// indexes the string table of field f (GroupKey order: AccountID … BillingGroup).
// It is a fixed-size array of integers, so hashing and comparing it is cheap and the
// map holding it has no pointers for the GC to scan.
type groupID [1 + numFields]uint32

// packedBits is how many bits of a packed key each id gets (64 in all): the
// cardinalities of real CUR data fit with room to spare (up to 1024 accounts, 8192
// usage types …). A group with an id too large for its bits is kept in the wide map.
var packedBits = groupID{2, 10, 8, 8, 5, 13, 11, 3, 4}

// pack returns k as one integer, the cheapest map key there is, when its ids fit.
func pack(k groupID) (uint64, bool) {
	var p uint64
	for f, id := range k {
		if id >= 1<<packedBits[f] {
			return 0, false
		}
		p = p<<packedBits[f] | uint64(id)
	}
	return p, true
}

// unpack is the inverse of pack.
func unpack(p uint64) groupID {
	var k groupID
	for f := len(k) - 1; f >= 0; f-- {
		k[f] = uint32(p & (1<<packedBits[f] - 1))
		p >>= packedBits[f]
	}
	return k
}

// lookup returns the position of k's group in sums.
func (a *Aggregator) lookup(k groupID) (uint32, bool) {
	if p, ok := pack(k); ok {
		i, found := a.packed[p]
		return i, found
	}
	i, found := a.wide[k]
	return i, found
}

// each calls fn for every group.
func (a *Aggregator) each(fn func(k groupID, i uint32)) {
	for p, i := range a.packed {
		fn(unpack(p), i)
	}
	for k, i := range a.wide {
		fn(k, i)
	}
}

// noGroup is a groupID no group has (no table holds 2³²−1 values); it empties the
// previous-row cache.
var noGroup = groupID{^uint32(0), ^uint32(0), ^uint32(0), ^uint32(0), ^uint32(0), ^uint32(0), ^uint32(0), ^uint32(0), ^uint32(0)}

// groupSums is the state of one group.
type groupSums struct {
	class  Class
	rows   int64
	cost   money.Sum
	public money.Sum
}

// fieldTable interns the distinct values of one key field: each is stored once, and
// a row looks its bytes up without allocating. last is the value of the previous
// row: CUR files are sorted by account and product, so it is often the same.
type fieldTable struct {
	ids    map[string]uint32
	strs   []string // by id; strs[0] is ""
	last   string
	lastID uint32
}

func newFieldTable() fieldTable {
	return fieldTable{ids: map[string]uint32{"": 0}, strs: []string{""}}
}

// id returns the id of b's value, interning a copy of it when it is new.
func (t *fieldTable) id(b []byte) uint32 {
	if string(b) == t.last {
		return t.lastID
	}
	id, ok := t.ids[string(b)]
	if !ok {
		id = t.add(string(b))
	}
	t.last, t.lastID = t.strs[id], id
	return id
}

// intern returns the id of s, adding s when it is new.
func (t *fieldTable) intern(s string) uint32 {
	if id, ok := t.ids[s]; ok {
		return id
	}
	return t.add(s)
}

func (t *fieldTable) add(s string) uint32 {
	id := uint32(len(t.strs))
	t.strs = append(t.strs, s)
	t.ids[s] = id
	return id
}

// ranks returns, by id, the position of each value in sorted order.
func (t *fieldTable) ranks() []uint32 {
	order := make([]uint32, len(t.strs))
	for i := range order {
		order[i] = uint32(i)
	}
	slices.SortFunc(order, func(x, y uint32) int { return cmp.Compare(t.strs[x], t.strs[y]) })
	rank := make([]uint32, len(order))
	for pos, id := range order {
		rank[id] = uint32(pos)
	}
	return rank
}

// Aggregator is the Sink that sums line items of one billing period into groups
// (DESIGN.md rule 5: aggregate first, then price the aggregates). Adding a row whose
// group exists allocates nothing. An Aggregator is not safe for concurrent use: give
// each reader worker its own and Merge them afterwards.
//
// Each key field's distinct values are interned once per Aggregator, and a group is
// found by the fixed-size array of its fields' ids: real data has tens of thousands
// of groups but only hundreds of distinct values per field, so this keeps both the
// per-row lookup and the memory small.
type Aggregator struct {
	period  resellerkit.Month
	formats []Format // by id
	fields  [numFields]fieldTable
	packed  map[uint64]uint32  // group whose ids fit packedBits → its position in sums
	wide    map[groupID]uint32 // any other group → its position in sums
	sums    []groupSums
	lastKey groupID // the previous row's group, noGroup when none
	lastIdx uint32
	rows    int64
	outside map[resellerkit.Month]int64
	// proj is the projection of NewAggregatorFor, nil for full detail.
	proj *projection
	// detail is, by product code id, whether rows of that code keep their usage
	// type and operation (1) or not (2); 0 is not decided yet. Only with proj.
	detail []uint8
	// currency is the cost data's currency every row must be in (B-1), and
	// currencyCode its code as bytes.
	currency     money.Currency
	currencyCode []byte
	cur3         [3]byte // the code when it has 3 letters, for the fast path of Add
	// public reports whether PublicCost and PublicCurrency are read (B-3): always
	// without a projection, else only when some project is on public_on_demand.
	public bool
}

// projection is what an Aggregator of NewAggregatorFor keeps of usage types and
// operations: all of them for the product codes some SKU-scoped pricing rule names;
// and whether it reads public costs at all.
type projection struct {
	skuServices map[string]bool
	public      bool
}

// NewAggregator returns an empty Aggregator for period that keeps every key field
// of every row (full detail) and both cost bases, for USD cost data: a row in
// another currency is refused (B-1). NewAggregatorFor a config takes its
// CostCurrency.
func NewAggregator(period resellerkit.Month) *Aggregator {
	a := &Aggregator{period: period, packed: make(map[uint64]uint32, 1024), wide: map[groupID]uint32{}, lastKey: noGroup, outside: map[resellerkit.Month]int64{},
		public: true}
	a.setCurrency(money.USD)
	for f := range a.fields {
		a.fields[f] = newFieldTable()
	}
	return a
}

func (a *Aggregator) setCurrency(c money.Currency) {
	a.currency, a.currencyCode = c, []byte(c)
	a.cur3 = [3]byte{}
	copy(a.cur3[:], c) // an invalid code of another length falls to EqualFold (Compute refuses it anyway)
}

// NewAggregatorFor returns an empty Aggregator for period that keeps only the detail
// Compute(cfg, …) needs, so real data makes far fewer groups and adding a row is
// cheaper. A row's UsageType and Operation are only read by B-5 SKU-scoped pricing
// rules and by the B-8 domain registration and B-3 reservation tests of Classify,
// so the Aggregator keeps them in full when the row's ProductCode is the service of
// some SKU rule of some project of cfg; otherwise it keeps the UsageType only when
// it contains "DomainRegistration" or "HeavyUsage" and the Operation only when it
// is RegisterDomain, RenewDomain or TransferDomain, and makes the others empty. Every row thus gets the
// same classification and the same pricing rule as with NewAggregator, and
// Compute(cfg, agg) gives the same result (sums are exact, pricing distributes over
// them).
//
// Groups of such an Aggregator carry an empty UsageType and Operation for the rows
// collapsed this way. The Aggregator must only be computed with cfg (or a config
// whose SKU rules name no other service; CheckConfig tells), and merged only with
// Aggregators of the same projection (Merge checks). A nil cfg keeps no usage type or
// operation beyond those of B-8.
//
// It reads only the fields cfg needs (FieldUser): PublicCost and PublicCurrency only
// when some project is on the public_on_demand basis (B-3); on the unblended basis
// alone they are not parsed (the groups' PublicCost is then not a list price), and
// a reader reports a bad value there as a warning. Every row's Currency must be cfg's
// CostCurrency (B-1).
func NewAggregatorFor(period resellerkit.Month, cfg *Config) *Aggregator {
	a := NewAggregator(period)
	a.proj = &projection{skuServices: skuServices(cfg), public: usesPublicCost(cfg)}
	a.public = a.proj.public
	if cfg != nil {
		a.setCurrency(cfg.costCurrency())
	}
	return a
}

// usesPublicCost reports whether some project of cfg is on the public_on_demand
// basis (B-3).
func usesPublicCost(cfg *Config) bool {
	if cfg == nil {
		return false
	}
	for i := range cfg.Projects {
		if cfg.Projects[i].CostBasis.orDefault() == CostBasisPublicOnDemand {
			return true
		}
	}
	return false
}

// UsesField reports whether Add reads field f (FieldUser): every field but
// PublicCost and PublicCurrency, which an Aggregator of NewAggregatorFor reads only
// for a config with a project on the public_on_demand basis (B-3).
func (a *Aggregator) UsesField(f Field) bool {
	if f == FieldPublicCost || f == FieldPublicCurrency {
		return a.public
	}
	return true
}

// skuServices returns the services named by the SKU-scoped pricing rules of cfg.
func skuServices(cfg *Config) map[string]bool {
	out := map[string]bool{}
	if cfg == nil {
		return out
	}
	for i := range cfg.Projects {
		for _, r := range cfg.Projects[i].PricingRules {
			if r.Scope == ScopeSKU {
				out[r.Service] = true
			}
		}
	}
	return out
}

// CheckConfig returns an error when a was made by NewAggregatorFor for a config
// whose SKU-scoped pricing rules (B-5) do not name every service cfg's do: computing
// cfg with it could then miss an SKU rule. An Aggregator of NewAggregator fits any
// config.
//
// It also refuses a config whose cost currency (B-1) is not the one a checked the
// rows against, and one with a project on the public_on_demand basis (B-3) when a
// did not read public costs.
func (a *Aggregator) CheckConfig(cfg *Config) error {
	if c := cfg.costCurrency(); c != a.currency {
		return fmt.Errorf("billing: aggregator checked the rows against %s, the config's cost data is in %s (B-1): make it with NewAggregatorFor and this config", a.currency, c)
	}
	if a.proj == nil {
		return nil
	}
	if !a.public && usesPublicCost(cfg) {
		return fmt.Errorf("billing: aggregator was made for a config without a public_on_demand project and read no public costs (B-3): make it with NewAggregatorFor and this config")
	}
	var missing []string
	for s := range skuServices(cfg) {
		if !a.proj.skuServices[s] {
			missing = append(missing, s)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return fmt.Errorf("billing: aggregator was projected for a config without SKU pricing rules (B-5) for service %s: make it with NewAggregatorFor and this config", strings.Join(missing, ", "))
	}
	return nil
}

// keepsDetail reports whether rows of the product code with id code keep their
// usage type and operation in full.
func (a *Aggregator) keepsDetail(code uint32) bool {
	if int(code) < len(a.detail) {
		if d := a.detail[code]; d != 0 {
			return d == 1
		}
	} else {
		a.detail = append(a.detail, make([]uint8, int(code)+1-len(a.detail))...)
	}
	d := uint8(2)
	if a.proj.skuServices[a.fields[1].strs[code]] {
		d = 1
	}
	a.detail[code] = d
	return d == 1
}

// KeepsAllDetail reports whether the Aggregator tells rows of productCode apart by
// every usage type and operation: always for NewAggregator; for NewAggregatorFor,
// when productCode is the service of some SKU-scoped pricing rule (B-5). For the
// other rows it keeps only the usage types KeepsUsageType reports and the
// operations KeepsOperation reports, and takes the others as empty. A reader may
// empty them itself (costfile's Parquet reader does, to group rows before handing
// them over): the result is the same.
func (a *Aggregator) KeepsAllDetail(productCode []byte) bool {
	return a.proj == nil || a.proj.skuServices[string(productCode)]
}

// KeepsUsageType reports whether the Aggregator keeps usageType on a row whose
// product code KeepsAllDetail does not report: when it marks a domain
// registration (B-8) or a reservation's fee (a Reserved Instance's upfront
// payment, B-3), or always for NewAggregator.
func (a *Aggregator) KeepsUsageType(usageType []byte) bool {
	return a.proj == nil || keptUsageType(usageType)
}

// keptUsageType reports a usage type that Classify reads, which the projected
// Aggregator keeps: a domain registration's (B-8) and a reservation's (B-3).
func keptUsageType(usageType []byte) bool {
	return bytes.Contains(usageType, domainRegistrationBytes) || bytes.Contains(usageType, heavyUsageBytes)
}

// KeepsOperation reports whether the Aggregator keeps operation on a row whose
// product code KeepsAllDetail does not report: when it is a domain registration's
// (B-8), or always for NewAggregator.
func (a *Aggregator) KeepsOperation(operation []byte) bool {
	return a.proj == nil || isDomainOperation(operation)
}

// Period returns the billing period the Aggregator charges.
func (a *Aggregator) Period() resellerkit.Month { return a.period }

// CostCurrency returns the currency every row must be in (B-1): USD for
// NewAggregator, the config's CostCurrency for NewAggregatorFor. A reader names it
// when a file has no currency column, so that every row is taken to be in it.
func (a *Aggregator) CostCurrency() money.Currency { return a.currency }

// Add adds one line item. Rows of another period are validated, counted and not
// charged (B-1); a row's period is its BillingPeriod when the source has one, so a
// late credit in next month's bill lands in next month's invoice (B-16), else the
// month of its usage start. An empty cost is zero; an empty public cost counts as
// the row's cost (B-3), a FOCUS commitment's purchase or unused row's as zero
// (CommitmentNotListPriced); a cost or public cost that is not decimal text is an
// error naming the value, and leaves the Aggregator unchanged.
//
// A row whose Currency (or, when public costs are read, PublicCurrency) is neither
// empty nor the cost data's currency is refused with a *FieldError wrapping
// ErrCurrency (B-1); so is a bad cost, with a *FieldError wrapping money.ErrSyntax
// or money.ErrRange. A reader names the field's column.
func (a *Aggregator) Add(li *LineItem) error {
	return a.add(li, 1, nil, nil)
}

// AddSum adds rows line items at once: rows that are li but for their costs, whose
// costs sum exactly to cost and whose public costs to public, each row without a
// public cost counted at its cost (B-3); li.Cost and li.PublicCost are not read,
// and public is not when the Aggregator does not use public costs. The result is
// the same as Add of each row: a reader that groups rows itself (costfile's Parquet
// reader groups a row group's rows by their dictionary indexes) hands it one call
// per group. rows must be positive. li.Currency is checked as Add checks it;
// li.PublicCurrency, when the Aggregator uses public costs, is checked whether or
// not a row had a public cost (Add checks it only on a row with one, which AddSum
// cannot tell), so a caller whose rows may lack public costs checks it first. An
// error leaves the Aggregator unchanged.
func (a *Aggregator) AddSum(li *LineItem, rows int64, cost, public *money.Sum) error {
	if rows <= 0 || cost == nil || (a.public && public == nil) {
		return fmt.Errorf("billing: AddSum of %d rows (cost %v, public %v): want rows > 0 and both sums", rows, cost != nil, public != nil)
	}
	return a.add(li, rows, cost, public)
}

// add is Add (rows 1, costs parsed from li) and AddSum (rows summed in cost and
// public).
func (a *Aggregator) add(li *LineItem, rows int64, costSum, publicSum *money.Sum) error {
	if c := li.Currency; len(c) > 0 && (len(c) != 3 || c[0] != a.cur3[0] || c[1] != a.cur3[1] || c[2] != a.cur3[2]) &&
		!bytes.EqualFold(c, a.currencyCode) {
		return a.currencyError(FieldCurrency, c)
	}
	var cost, public amount
	if costSum == nil {
		var err error
		if cost, err = parseCost(li.Cost, FieldCost); err != nil {
			return err
		}
		public = cost
		if a.public && len(li.PublicCost) > 0 {
			if len(li.PublicCurrency) > 0 && !bytes.EqualFold(li.PublicCurrency, a.currencyCode) {
				return a.currencyError(FieldPublicCurrency, li.PublicCurrency)
			}
			if public, err = parseCost(li.PublicCost, FieldPublicCost); err != nil {
				return err
			}
		}
	} else if a.public && len(li.PublicCurrency) > 0 && !bytes.EqualFold(li.PublicCurrency, a.currencyCode) {
		return a.currencyError(FieldPublicCurrency, li.PublicCurrency)
	}
	notListed := li.Format == FormatFOCUS && CommitmentNotListPriced(li) // the first test inlined: CUR rows skip the call
	if notListed {
		public = amount{} // B-3: a FOCUS commitment's purchase or unused part; its covered usage is at list price
	}
	month := li.BillingPeriod // the bill the row belongs to decides (B-16) …
	if month.IsZero() {
		month = li.Period // … or, when the source has no billing period, the usage month
	}
	if month != a.period {
		a.outside[month] += rows
		return nil
	}
	code := a.fields[1].id(li.ProductCode)
	var usage, op uint32 // empty unless kept
	if a.proj == nil || a.keepsDetail(code) {
		usage, op = a.fields[4].id(li.UsageType), a.fields[5].id(li.Operation)
	} else {
		// Keep exactly what isDomainRegistration (B-8) and isRIUpfrontFee (B-3)
		// read, so the class is the same.
		if keptUsageType(li.UsageType) {
			usage = a.fields[4].id(li.UsageType)
		}
		if isDomainOperation(li.Operation) {
			op = a.fields[5].id(li.Operation)
		}
	}
	k := groupID{
		a.formatID(li.Format),
		a.fields[0].id(li.AccountID),
		code,
		a.fields[2].id(li.ProductName),
		a.fields[3].id(li.LineItemType),
		usage,
		op,
		a.fields[6].id(li.BillingEntity),
		a.fields[7].id(li.BillingGroup),
	}
	i := a.lastIdx
	if k != a.lastKey {
		var ok bool
		if i, ok = a.lookup(k); !ok {
			i = a.newGroup(k, Classify(li))
		}
		a.lastKey, a.lastIdx = k, i
	}
	g := &a.sums[i]
	if costSum != nil {
		g.cost.Merge(costSum)
		switch {
		case notListed:
		case a.public:
			g.public.Merge(publicSum)
		default:
			g.public.Merge(costSum)
		}
	} else {
		cost.addTo(&g.cost)
		public.addTo(&g.public)
	}
	g.rows += rows
	a.rows += rows
	return nil
}

func (a *Aggregator) newGroup(k groupID, c Class) uint32 {
	i := uint32(len(a.sums))
	a.sums = append(a.sums, groupSums{class: c})
	if p, ok := pack(k); ok {
		a.packed[p] = i
	} else {
		a.wide[k] = i
	}
	return i
}

// formatID returns the id of f; there are only a few formats.
func (a *Aggregator) formatID(f Format) uint32 {
	for i, g := range a.formats {
		if g == f {
			return uint32(i)
		}
	}
	a.formats = append(a.formats, f)
	return uint32(len(a.formats) - 1)
}

// amount is a parsed cost: 1e-10 units on the fast path, else an exact decimal.
type amount struct {
	units int64
	slow  bool
	dec   money.Decimal
}

// currencyError is the error of a row in another currency than the cost data's (B-1).
func (a *Aggregator) currencyError(f Field, code []byte) error {
	return fieldError(f, code, ErrCurrency, ", the configuration expects "+string(a.currency))
}

// parseCost parses decimal cost text without allocating on the fast path; empty is 0.
// A bad value is a *FieldError of field f.
func parseCost(b []byte, f Field) (amount, error) {
	if len(b) == 0 {
		return amount{}, nil
	}
	if v, ok := money.ParseUnits(b); ok {
		return amount{units: v}, nil
	}
	d, err := money.ParseBytes(b)
	if err != nil {
		return amount{}, CostError(f, b, err)
	}
	return amount{slow: true, dec: d}, nil
}

// CostError returns the *FieldError of field f for cost text b that money.Parse
// refused with err: `"abc" is not a decimal number` (wrapping money.ErrSyntax) or
// `"1e400" is out of range: …` (wrapping money.ErrRange). Readers that check a cost
// column themselves use it, so every cost error reads the same.
func CostError(f Field, b []byte, err error) *FieldError {
	if errors.Is(err, money.ErrRange) {
		return fieldError(f, b, money.ErrRange, fmt.Sprintf(" is out of range: want a magnitude below 1e15 and at most %d fractional digits", money.MaxScale))
	}
	return fieldError(f, b, money.ErrSyntax, " is not a decimal number")
}

func (v *amount) addTo(s *money.Sum) {
	if v.slow {
		s.AddDecimal(v.dec)
	} else {
		s.AddUnits(v.units)
	}
}

// Merge adds every group and count of o to a; o must be for the same period and
// keep the same detail (both from NewAggregator, or both from NewAggregatorFor with
// configs whose SKU pricing rules name the same services), else Merge returns an
// error and changes nothing. o is left unchanged but shares no mutable state with a
// afterwards.
func (a *Aggregator) Merge(o *Aggregator) error {
	if o.period != a.period {
		return fmt.Errorf("billing: merge aggregators of periods %s and %s", a.period, o.period)
	}
	if (a.proj == nil) != (o.proj == nil) || (a.proj != nil && !maps.Equal(a.proj.skuServices, o.proj.skuServices)) {
		return fmt.Errorf("billing: merge aggregators that keep different usage type and operation detail (NewAggregator vs NewAggregatorFor, or configs with different SKU pricing rules)")
	}
	if a.currency != o.currency || a.public != o.public {
		return fmt.Errorf("billing: merge aggregators of different cost currencies (%s, %s) or cost bases read (B-1, B-3)", a.currency, o.currency)
	}
	// Translate o's ids into a's through o's value tables.
	var trans [1 + numFields][]uint32
	trans[0] = make([]uint32, len(o.formats))
	for id, f := range o.formats {
		trans[0][id] = a.formatID(f)
	}
	for f := range o.fields {
		strs := o.fields[f].strs
		trans[1+f] = make([]uint32, len(strs))
		for id, s := range strs {
			trans[1+f][id] = a.fields[f].intern(s)
		}
	}
	o.each(func(ok groupID, oi uint32) {
		var k groupID
		for f, id := range ok {
			k[f] = trans[f][id]
		}
		og := &o.sums[oi]
		i, found := a.lookup(k)
		if !found {
			i = a.newGroup(k, og.class)
		}
		g := &a.sums[i]
		g.cost.Merge(&og.cost)
		g.public.Merge(&og.public)
		g.rows += og.rows
	})
	a.rows += o.rows
	for p, n := range o.outside {
		a.outside[p] += n
	}
	return nil
}

// Rows returns the number of rows of the period added.
func (a *Aggregator) Rows() int64 { return a.rows }

// OutsideRows returns the number of rows of other periods, which are not charged, by
// period (the zero Month counts rows without a usage date), in a new map.
func (a *Aggregator) OutsideRows() map[resellerkit.Month]int64 { return maps.Clone(a.outside) }

// Groups returns the aggregates with their exact sums, sorted by key (Format, then
// the string fields in GroupKey order). In an Aggregator of NewAggregatorFor, the
// groups of rows whose usage type and operation were not kept have them empty.
func (a *Aggregator) Groups() []Group {
	// Sort by the ranks of the ids, which order like the values they stand for.
	var ranks [1 + numFields][]uint32
	ranks[0] = make([]uint32, len(a.formats))
	for id, f := range a.formats {
		for _, g := range a.formats {
			if g < f {
				ranks[0][id]++
			}
		}
	}
	for f := range a.fields {
		ranks[1+f] = a.fields[f].ranks()
	}
	type ranked struct {
		rank groupID
		key  groupID
		idx  uint32
	}
	order := make([]ranked, 0, len(a.sums))
	a.each(func(k groupID, i uint32) {
		r := ranked{key: k, idx: i}
		for f, id := range k {
			r.rank[f] = ranks[f][id]
		}
		order = append(order, r)
	})
	slices.SortFunc(order, func(x, y ranked) int { return slices.Compare(x.rank[:], y.rank[:]) })
	out := make([]Group, len(order))
	for j, r := range order {
		g := &a.sums[r.idx]
		out[j] = Group{GroupKey: a.decode(r.key), Class: g.class, Rows: g.rows, Cost: g.cost.Decimal(), PublicCost: g.public.Decimal()}
	}
	return out
}

// decode returns the strings k stands for.
func (a *Aggregator) decode(k groupID) GroupKey {
	s := func(f int) string { return a.fields[f].strs[k[1+f]] }
	return GroupKey{
		Format:        a.formats[k[0]],
		AccountID:     s(0),
		ProductCode:   s(1),
		ProductName:   s(2),
		LineItemType:  s(3),
		UsageType:     s(4),
		Operation:     s(5),
		BillingEntity: s(6),
		BillingGroup:  s(7),
	}
}

// AddGroup adds an aggregate, such as one a Store kept (Store.CostGroups), to a: its
// rows and exact sums join the group of its key, whose Class is ClassifyKey's. So an
// Aggregator rebuilt from a month's stored groups computes the same invoices as the
// one that read the files. a must keep full detail (NewAggregator): a projected
// Aggregator would need the projection applied, and AddGroup refuses it.
func (a *Aggregator) AddGroup(g Group) error {
	if a.proj != nil {
		return fmt.Errorf("billing: AddGroup on an Aggregator of NewAggregatorFor (only full-detail aggregators take stored groups)")
	}
	k := groupID{
		a.formatID(g.Format),
		a.fields[0].intern(g.AccountID),
		a.fields[1].intern(g.ProductCode),
		a.fields[2].intern(g.ProductName),
		a.fields[3].intern(g.LineItemType),
		a.fields[4].intern(g.UsageType),
		a.fields[5].intern(g.Operation),
		a.fields[6].intern(g.BillingEntity),
		a.fields[7].intern(g.BillingGroup),
	}
	i, found := a.lookup(k)
	if !found {
		i = a.newGroup(k, ClassifyKey(g.GroupKey))
	}
	s := &a.sums[i]
	s.cost.AddDecimal(g.Cost)
	s.public.AddDecimal(g.PublicCost)
	s.rows += g.Rows
	a.rows += g.Rows
	a.lastKey = noGroup
	return nil
}

// NewAggregatorOf returns a full-detail Aggregator of period for cost data in
// currency (USD when empty) holding groups (AddGroup each): the Aggregator of a
// month rebuilt from a Store.
func NewAggregatorOf(period resellerkit.Month, currency money.Currency, groups []Group) (*Aggregator, error) {
	a := NewAggregator(period)
	if currency != "" {
		a.setCurrency(currency)
	}
	for _, g := range groups {
		if err := a.AddGroup(g); err != nil {
			return nil, err
		}
	}
	return a, nil
}
