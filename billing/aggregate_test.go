package billing

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/money"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// refGroup is the naive model the Aggregator must agree with: one entry per distinct
// GroupKey, summed with exact decimals.
type refGroup struct {
	class        Class
	rows         int64
	cost, public money.Decimal
}

func reference(t *testing.T, items []*LineItem) []Group {
	t.Helper()
	m := map[GroupKey]*refGroup{}
	for _, li := range items {
		month := li.BillingPeriod
		if month.IsZero() {
			month = li.Period
		}
		if month != oct {
			continue
		}
		k := GroupKey{Format: li.Format, AccountID: string(li.AccountID), ProductCode: string(li.ProductCode),
			ProductName: string(li.ProductName), LineItemType: string(li.LineItemType), UsageType: string(li.UsageType),
			Operation: string(li.Operation), BillingEntity: string(li.BillingEntity), BillingGroup: string(li.BillingGroup)}
		g := m[k]
		if g == nil {
			g = &refGroup{class: Classify(li)}
			m[k] = g
		}
		cost := money.Decimal{}
		if len(li.Cost) > 0 {
			cost = money.MustParse(string(li.Cost))
		}
		public := cost
		if len(li.PublicCost) > 0 {
			public = money.MustParse(string(li.PublicCost))
		}
		g.rows++
		g.cost = g.cost.Add(cost)
		g.public = g.public.Add(public)
	}
	out := make([]Group, 0, len(m))
	for k, g := range m {
		out = append(out, Group{GroupKey: k, Class: g.class, Rows: g.rows, Cost: g.cost, PublicCost: g.public})
	}
	slices.SortFunc(out, func(x, y Group) int { return compareKeys(&x.GroupKey, &y.GroupKey) })
	return out
}

// show prints groups with their sums as exact decimal text, so equal values compare
// equal whatever their internal representation.
func show(gs []Group) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = fmt.Sprintf("%+v %+v rows=%d cost=%s public=%s", g.GroupKey, g.Class, g.Rows, g.Cost, g.PublicCost)
	}
	return out
}

// compareKeys orders keys by Format, then by the string fields in GroupKey order.
func compareKeys(x, y *GroupKey) int {
	return cmp.Or(cmp.Compare(x.Format, y.Format),
		cmp.Compare(x.AccountID, y.AccountID), cmp.Compare(x.ProductCode, y.ProductCode),
		cmp.Compare(x.ProductName, y.ProductName), cmp.Compare(x.LineItemType, y.LineItemType),
		cmp.Compare(x.UsageType, y.UsageType), cmp.Compare(x.Operation, y.Operation),
		cmp.Compare(x.BillingEntity, y.BillingEntity), cmp.Compare(x.BillingGroup, y.BillingGroup))
}

// trickyItems draws rows from small value sets chosen to break a careless key:
// empty values, values that are prefixes of each other, values containing
// separators, values equal across fields, several formats and periods, and costs on
// both the fast and the exact path.
func trickyItems(r *rand.Rand, n int) []*LineItem {
	vals := []string{"", "a", "ab", "a\x00b", "a|b", "b", "Usage", "Credit", "Tax", "AWS", "AWS Marketplace",
		"AWSSupportBusiness", "AmazonRegistrar", "AmazonEC2", "123456789012", "1234567", "\xff", "日本"}
	v := func() []byte { return []byte(vals[r.IntN(len(vals))]) }
	costs := []string{"", "0", "1", "-2.5", "0.0000000001", "12345678.9999999999", "1.5E-11", "123456789012.5", "-0.00000080000"}
	formats := []Format{FormatCURLegacy, FormatCUR2, FormatFOCUS, FormatUnknown}
	items := make([]*LineItem, n)
	for i := range items {
		li := &LineItem{Format: formats[r.IntN(len(formats))], Period: oct,
			AccountID: v(), ProductCode: v(), ProductName: v(), LineItemType: v(), UsageType: v(),
			Operation: v(), BillingEntity: v(), BillingGroup: v(),
			Cost: []byte(costs[r.IntN(len(costs))]), PublicCost: []byte(costs[r.IntN(len(costs))])}
		switch r.IntN(10) {
		case 0:
			li.Period = resellerkit.NewMonth(2026, 9)
		case 1:
			li.BillingPeriod = oct
			li.Period = resellerkit.NewMonth(2026, 9)
		}
		items[i] = li
	}
	return items
}

// TestAggregator_MatchesReference: whatever the split over aggregators and the order
// of Merge, Groups equals the naive per-GroupKey exact sums (B-1, B-3), sorted by
// key; the interned ids of one aggregator never leak into another's.
func TestAggregator_MatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for iter := range 40 {
		items := trickyItems(r, 1+r.IntN(600))
		want := reference(t, items)

		single := NewAggregator(oct)
		for _, li := range items {
			require.NoError(t, single.Add(li))
		}
		require.Equal(t, show(want), show(single.Groups()), "iteration %d", iter)

		// Split the rows in order-scrambled parts, each part seeing values in a
		// different order so their ids differ, and merge them in random order.
		parts := make([]*Aggregator, 1+r.IntN(5))
		for i := range parts {
			parts[i] = NewAggregator(oct)
		}
		for _, j := range r.Perm(len(items)) {
			require.NoError(t, parts[r.IntN(len(parts))].Add(items[j]))
		}
		merged := parts[r.IntN(len(parts))] // merge into a non-empty aggregator too
		for _, j := range r.Perm(len(parts)) {
			if parts[j] != merged {
				require.NoError(t, merged.Merge(parts[j]))
			}
		}
		require.Equal(t, show(want), show(merged.Groups()), "iteration %d", iter)
		require.Equal(t, single.Rows(), merged.Rows())
		require.Equal(t, single.OutsideRows(), merged.OutsideRows())
	}
}

// TestAggregator_CopiesReaderBuffers: the LineItem's byte slices alias the reader's
// buffers, which it reuses for the next row; the Aggregator must keep copies.
func TestAggregator_CopiesReaderBuffers(t *testing.T) {
	a := NewAggregator(oct)
	li := row{acct: acctA, code: "AmazonEC2", name: "EC2", usage: "BoxUsage", op: "Run", group: "team-a", cost: "1"}.item()
	require.NoError(t, a.Add(li))
	for _, b := range [][]byte{li.AccountID, li.ProductCode, li.ProductName, li.LineItemType, li.UsageType, li.Operation, li.BillingEntity, li.BillingGroup} {
		for i := range b {
			b[i] = 'z'
		}
	}
	require.NoError(t, a.Add(li))
	g := a.Groups()
	require.Len(t, g, 2)
	assert.Equal(t, GroupKey{Format: FormatCURLegacy, AccountID: acctA, ProductCode: "AmazonEC2", ProductName: "EC2",
		LineItemType: "Usage", UsageType: "BoxUsage", Operation: "Run", BillingEntity: "AWS", BillingGroup: "team-a"}, g[0].GroupKey)
	assert.Equal(t, "zzzzzzzzzzzz", g[1].AccountID)
	assert.Equal(t, "zzzzz", g[1].LineItemType)
}

// TestAggregator_MergeSharesNoState: after a.Merge(o), adding to either changes only
// that one, and o itself is unchanged by the Merge.
func TestAggregator_MergeSharesNoState(t *testing.T) {
	o := aggregate(t, row{acct: acctA, code: "AmazonEC2", cost: "1"}, row{acct: acctB, code: "AmazonS3", cost: "2"})
	before := o.Groups()
	a := aggregate(t, row{acct: acctB, code: "AmazonS3", cost: "5"})
	require.NoError(t, a.Merge(o))
	assert.Equal(t, before, o.Groups())
	require.NoError(t, a.Add(row{acct: acctA, code: "AmazonEC2", cost: "10"}.item()))
	require.NoError(t, a.Add(row{acct: acctX, code: "AmazonRDS", cost: "10"}.item()))
	assert.Equal(t, before, o.Groups())
	require.NoError(t, o.Add(row{acct: acctB, code: "AmazonS3", cost: "100"}.item()))
	g := a.Groups()
	require.Len(t, g, 3)
	assert.Equal(t, []string{"11", "7", "10"}, []string{g[0].Cost.String(), g[1].Cost.String(), g[2].Cost.String()})
	assert.Equal(t, []int64{2, 2, 1}, []int64{g[0].Rows, g[1].Rows, g[2].Rows})
}

// benchItems returns rows over nGroups distinct groups with the cardinalities of the
// generated benchmark CUR (48 accounts, 36 products, 252 usage types, 43 operations,
// 3 billing groups), each row with its own byte slices as a reader's would be. When
// sorted, the rows come by account and product, as in real CUR files.
func benchItems(nGroups, nRows int, sorted bool) []*LineItem {
	r := rand.New(rand.NewPCG(21, 22))
	types := []string{"Usage", "Usage", "Usage", "DiscountedUsage", "SavingsPlanCoveredUsage", "Credit", "Tax", "Fee"}
	type key struct{ acct, prod, typ, usage, op, bg int }
	seen := map[key]bool{}
	keys := make([]key, 0, nGroups)
	for len(keys) < nGroups {
		k := key{r.IntN(48), r.IntN(36), r.IntN(len(types)), r.IntN(252), r.IntN(43), r.IntN(3)}
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	rows := make([]key, nRows)
	for i := range rows {
		rows[i] = keys[r.IntN(len(keys))]
	}
	if sorted {
		slices.SortFunc(rows, func(x, y key) int { return cmp.Or(cmp.Compare(x.acct, y.acct), cmp.Compare(x.prod, y.prod)) })
	}
	items := make([]*LineItem, nRows)
	for i, k := range rows {
		items[i] = &LineItem{Format: FormatCURLegacy, Period: oct, BillingPeriod: oct,
			AccountID:     fmt.Appendf(nil, "%012d", 100000000000+k.acct*7919),
			ProductCode:   fmt.Appendf(nil, "AmazonProduct%02d", k.prod),
			ProductName:   fmt.Appendf(nil, "Amazon Generated Product Number %02d", k.prod),
			LineItemType:  []byte(types[k.typ]),
			UsageType:     fmt.Appendf(nil, "APN1-GeneratedUsage:type-%03d", k.usage),
			Operation:     fmt.Appendf(nil, "Operation:%04d", k.op),
			BillingEntity: []byte("AWS"),
			BillingGroup:  fmt.Appendf(nil, "team-%d", k.bg),
			Cost:          fmt.Appendf(nil, "%d.%010d", r.IntN(100), r.IntN(10_000_000_000)),
			PublicCost:    fmt.Appendf(nil, "%d.%010d", r.IntN(100), r.IntN(10_000_000_000))}
	}
	return items
}

// BenchmarkAggregatorAddGroups adds rows spread over 50,000 distinct groups, like a
// reseller's month of CUR data, in random order and sorted by account and product.
func BenchmarkAggregatorAddGroups(b *testing.B) {
	for _, sorted := range []bool{false, true} {
		b.Run(fmt.Sprintf("groups=50000/sorted=%v", sorted), func(b *testing.B) {
			items := benchItems(50_000, 1<<18, sorted)
			a := NewAggregator(oct)
			for _, li := range items { // create every group: measure the steady state
				if err := a.Add(li); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if err := a.Add(items[i&(1<<18-1)]); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkAggregatorMergeGroups merges two workers' aggregators of 50,000 groups.
func BenchmarkAggregatorMergeGroups(b *testing.B) {
	items := benchItems(50_000, 1<<18, false)
	parts := [2]*Aggregator{NewAggregator(oct), NewAggregator(oct)}
	for i, li := range items {
		if err := parts[i&1].Add(li); err != nil {
			b.Fatal(err)
		}
	}
	want := len(parts[0].Groups()) + len(parts[1].Groups()) // at most; a merge shares groups
	b.ReportAllocs()
	for b.Loop() {
		a := NewAggregator(oct)
		for _, p := range parts {
			if err := a.Merge(p); err != nil {
				b.Fatal(err)
			}
		}
		if n := len(a.Groups()); n > want || n < len(parts[0].Groups()) {
			b.Fatalf("merged %d groups", n)
		}
	}
}

// TestB9_ManyBillingGroups: more distinct values of a field than a packed key holds
// (here CmBillingGroup values, B-9) keep their own groups and sums, through Merge too.
func TestB9_ManyBillingGroups(t *testing.T) {
	var rows []row
	for i := range 40 {
		rows = append(rows, row{acct: acctA, code: "AmazonEC2", group: fmt.Sprintf("team-%02d", i), cost: fmt.Sprint(i)})
	}
	a := aggregate(t, rows...)
	require.NotEmpty(t, a.packed)
	require.NotEmpty(t, a.wide)
	slices.Reverse(rows)
	b := aggregate(t, rows...)
	require.NoError(t, a.Merge(b))
	g := a.Groups()
	require.Len(t, g, 40)
	for i, x := range g {
		assert.Equal(t, fmt.Sprintf("team-%02d", i), x.BillingGroup)
		assert.Equal(t, fmt.Sprint(2*i), x.Cost.String())
		assert.Equal(t, int64(2), x.Rows)
	}
}

// projectionConfig is propertyConfig with SKU-scoped rules (B-5) on AmazonRDS and
// AmazonRoute53, a public-on-demand project (B-3) and a per-service custom item (B-6).
func projectionConfig() *Config {
	cfg := propertyConfig()
	cfg.Projects[1].PricingRules = []PricingRule{
		{Scope: "sku", Service: "AmazonRoute53", UsageType: "Global-DomainRegistration", Operation: "RegisterDomain", Type: "markup", Percent: pct("7")},
		{Scope: "service", Service: "AmazonRoute53", Type: "discount", Percent: pct("2")},
	}
	cfg.Projects = append(cfg.Projects, Project{ID: "proj-c", Currency: "USD", Accounts: []string{"000001234567"}, CostBasis: CostBasisPublicOnDemand,
		PricingRules: []PricingRule{{Scope: "sku", Service: "AmazonRDS", UsageType: "APN1-BoxUsage", Operation: "RunInstances", Type: "markup", Percent: pct("3.25")}},
		CustomItems:  []CustomItem{{Description: "EC2 ops", Type: "fee", Percent: pct("4"), Service: "AmazonEC2", Start: month("2026-10")}}})
	return cfg
}

// projectionItems draws rows that hit SKU rules, Route 53 domain operations, usage
// types containing DomainRegistration, the Registrar, Marketplace, support, FOCUS
// and other services, with both cost bases.
func projectionItems(r *rand.Rand, n int) []*LineItem {
	pick := func(vs ...string) []byte { return []byte(vs[r.IntN(len(vs))]) }
	costs := []string{"", "0", "1", "-2.5", "0.0000000001", "12345678.9999999999", "1.5E-11", "-0.00000080000", "3.1415926535"}
	formats := []Format{FormatCURLegacy, FormatCUR2, FormatFOCUS}
	items := make([]*LineItem, n)
	for i := range items {
		code := pick("AmazonEC2", "AmazonRDS", "AmazonRoute53", "AmazonRoute53", "AmazonRegistrar", "AmazonS3", "AWSSupportBusiness", "prod-mp", "")
		entity := []byte("AWS")
		if string(code) == "prod-mp" {
			entity = []byte(MarketplaceBillingEntity)
		}
		li := &LineItem{Format: formats[r.IntN(len(formats))], Period: oct,
			AccountID: pick(acctA, acctB, acctX, "1234567"), ProductCode: code, ProductName: pick("", "Amazon Route 53", "AWS Support (Business)", "x"),
			LineItemType: pick("Usage", "Usage", "DiscountedUsage", "SavingsPlanNegation", "RIFee", "Credit", "Tax", "EdpDiscount", "Fee", "Odd", "Purchase"),
			UsageType: pick("APN1-InstanceUsage:db.r6g.large", "APN1-BoxUsage", "Global-DomainRegistration", "DomainRegistration", "domainregistration",
				"Global-DNS-Queries", "", "DomainRegistratio"),
			Operation: pick("CreateDBInstance:0016", "RunInstances", "RegisterDomain", "RenewDomain", "TransferDomain", "registerdomain",
				"RegisterDomainX", "ChangeResourceRecordSets", ""),
			BillingEntity: entity, BillingGroup: pick("", "team-a", "team-b"),
			Cost: []byte(costs[r.IntN(len(costs))]), PublicCost: []byte(costs[r.IntN(len(costs))])}
		if r.IntN(15) == 0 {
			li.Period = resellerkit.NewMonth(2026, 9)
		}
		items[i] = li
	}
	return items
}

func computeJSON(t *testing.T, cfg *Config, a *Aggregator) string {
	t.Helper()
	res, err := Compute(cfg, a)
	require.NoError(t, err)
	b, err := json.Marshal(res)
	require.NoError(t, err)
	return string(b)
}

// TestB5_B8_ProjectedAggregatorComputesTheSame: for random rows, an Aggregator of
// NewAggregatorFor (split over workers and merged) gives Compute the same result as
// a full-detail one, and every single row keeps its classification (B-2 … B-8) and
// its pricing rule (B-5) in every project, while making fewer groups.
func TestB5_B8_ProjectedAggregatorComputesTheSame(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	// Half the time no SKU rule names AmazonRoute53, so its rows are projected.
	noRoute53 := projectionConfig()
	noRoute53.Projects[1].PricingRules[0].Service = "AmazonS3"
	for _, cfg := range []*Config{projectionConfig(), noRoute53} {
		require.NoError(t, cfg.Validate())
		projectedComputesTheSame(t, r, cfg)
	}
}

func projectedComputesTheSame(t *testing.T, r *rand.Rand, cfg *Config) {
	for iter := range 30 {
		items := projectionItems(r, 1+r.IntN(800))
		full := NewAggregator(oct)
		for _, li := range items {
			require.NoError(t, full.Add(li))
		}
		parts := make([]*Aggregator, 1+r.IntN(4))
		for i := range parts {
			parts[i] = NewAggregatorFor(oct, cfg)
		}
		for _, j := range r.Perm(len(items)) {
			require.NoError(t, parts[r.IntN(len(parts))].Add(items[j]))
		}
		proj := NewAggregatorFor(oct, cfg)
		for _, p := range parts {
			require.NoError(t, proj.Merge(p))
		}
		require.NoError(t, proj.CheckConfig(cfg))
		require.Equal(t, computeJSON(t, cfg, full), computeJSON(t, cfg, proj), "iteration %d", iter)
		require.Equal(t, full.Rows(), proj.Rows())
		require.Equal(t, full.OutsideRows(), proj.OutsideRows())
		require.LessOrEqual(t, len(proj.Groups()), len(full.Groups()), "iteration %d", iter)
	}

	// Row by row: the group a row lands in has the row's class and rule.
	for _, li := range projectionItems(r, 3000) {
		li.Period = oct
		one := NewAggregatorFor(oct, cfg)
		require.NoError(t, one.Add(li))
		gs := one.Groups()
		require.Len(t, gs, 1)
		fullKey := NewAggregator(oct)
		require.NoError(t, fullKey.Add(li))
		fk := fullKey.Groups()[0].GroupKey
		assert.Equal(t, Classify(li), gs[0].Class, "%+v", fk)
		assert.Equal(t, Classify(li), classifyKey(&gs[0].GroupKey), "%+v: the projected key classifies like the row", fk)
		for p := range cfg.Projects {
			assert.Same(t, matchRule(cfg.Projects[p].PricingRules, &fk), matchRule(cfg.Projects[p].PricingRules, &gs[0].GroupKey), "%+v", fk)
		}
	}
}

// classifyKey classifies the line item a GroupKey stands for.
func classifyKey(k *GroupKey) Class {
	return Classify(&LineItem{Format: k.Format, AccountID: []byte(k.AccountID), ProductCode: []byte(k.ProductCode),
		ProductName: []byte(k.ProductName), LineItemType: []byte(k.LineItemType), UsageType: []byte(k.UsageType),
		Operation: []byte(k.Operation), BillingEntity: []byte(k.BillingEntity), BillingGroup: []byte(k.BillingGroup)})
}

// TestB5_ProjectionKeepsSKURuleDetail: rows of a service some SKU rule names keep
// their usage type and operation, so the SKU rule still wins over the service rule;
// other services' rows lose them (documented on Groups).
func TestB5_ProjectionKeepsSKURuleDetail(t *testing.T) {
	cfg := issueConfig() // SKU rule on AmazonRDS, service rule on AmazonEC2
	tests := []struct {
		name        string
		row         row
		usage, op   string
		wantPercent string
	}{
		{"sku hit", row{code: "AmazonRDS", usage: "APN1-InstanceUsage:db.r6g.large", op: "CreateDBInstance:0016"}, "APN1-InstanceUsage:db.r6g.large", "CreateDBInstance:0016", "12.5"},
		{"sku service, other usage", row{code: "AmazonRDS", usage: "APN1-InstanceUsage:db.t3.micro", op: "CreateDBInstance:0016"}, "APN1-InstanceUsage:db.t3.micro", "CreateDBInstance:0016", "1"},
		{"sku service, other operation", row{code: "AmazonRDS", usage: "APN1-InstanceUsage:db.r6g.large", op: "CreateDBInstance:0002"}, "APN1-InstanceUsage:db.r6g.large", "CreateDBInstance:0002", "1"},
		{"service rule, collapsed", row{code: "AmazonEC2", usage: "APN1-BoxUsage:m5.large", op: "RunInstances"}, "", "", "3"},
		{"no rule of the service, collapsed", row{code: "AmazonS3", usage: "APN1-TimedStorage-ByteHrs", op: "PutObject"}, "", "", "1"},
		{"other service with the sku's usage, collapsed", row{code: "AmazonEC2", usage: "APN1-InstanceUsage:db.r6g.large", op: "CreateDBInstance:0016"}, "", "", "3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := NewAggregatorFor(oct, cfg)
			tt.row.acct, tt.row.cost = acctA, "100"
			require.NoError(t, a.Add(tt.row.item()))
			gs := a.Groups()
			require.Len(t, gs, 1)
			assert.Equal(t, tt.usage, gs[0].UsageType)
			assert.Equal(t, tt.op, gs[0].Operation)
			rule := matchRule(cfg.Projects[0].PricingRules, &gs[0].GroupKey)
			require.NotNil(t, rule)
			assert.Equal(t, tt.wantPercent, rule.Percent.String())
			assert.Equal(t, computeJSON(t, cfg, aggregate(t, tt.row)), computeJSON(t, cfg, a))
		})
	}

	// Collapsed rows share one group.
	rows := []row{
		{acct: acctA, code: "AmazonEC2", usage: "APN1-BoxUsage:m5.large", op: "RunInstances", cost: "1.5"},
		{acct: acctA, code: "AmazonEC2", usage: "APN1-BoxUsage:t3.micro", op: "RunInstances:0002", cost: "2.25"},
		{acct: acctA, code: "AmazonRDS", usage: "APN1-InstanceUsage:db.r6g.large", op: "CreateDBInstance:0016", cost: "4"},
		{acct: acctA, code: "AmazonRDS", usage: "APN1-InstanceUsage:db.t3.micro", op: "CreateDBInstance:0016", cost: "8"},
	}
	a := NewAggregatorFor(oct, cfg)
	for _, r := range rows {
		require.NoError(t, a.Add(r.item()))
	}
	gs := a.Groups()
	require.Len(t, gs, 3)
	assert.Equal(t, "3.75", gs[0].Cost.String())
	assert.Equal(t, int64(2), gs[0].Rows)
	assert.Equal(t, computeJSON(t, cfg, aggregate(t, rows...)), computeJSON(t, cfg, a))
}

// TestB8_ProjectionKeepsDomainRegistrations: the Route 53 domain operations and
// usage types containing DomainRegistration survive the projection, so domain
// registrations stay out of the support-fee base; other Route 53 rows collapse.
func TestB8_ProjectionKeepsDomainRegistrations(t *testing.T) {
	cfg := issueConfig()
	tests := []struct {
		name       string
		row        row
		usage, op  string
		wantDomain bool
	}{
		{"route53 register", row{code: "AmazonRoute53", usage: "Global-Registration", op: "RegisterDomain"}, "", "RegisterDomain", true},
		{"route53 renew", row{code: "AmazonRoute53", usage: "x", op: "RenewDomain"}, "", "RenewDomain", true},
		{"route53 transfer", row{code: "AmazonRoute53", op: "TransferDomain"}, "", "TransferDomain", true},
		{"route53 dns", row{code: "AmazonRoute53", usage: "Global-DNS-Queries", op: "ChangeResourceRecordSets"}, "", "", false},
		{"route53 op case differs", row{code: "AmazonRoute53", usage: "Global-DNS-Queries", op: "registerdomain"}, "", "", false},
		{"domain usage type, any service", row{code: "AmazonS3", usage: "Global-DomainRegistration-com", op: "PutObject"}, "Global-DomainRegistration-com", "", true},
		{"domain op on another service", row{code: "AmazonEC2", usage: "BoxUsage", op: "RegisterDomain"}, "", "RegisterDomain", false},
		{"registrar", row{code: "AmazonRegistrar", usage: "Global-Renew", op: "Renew"}, "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := NewAggregatorFor(oct, cfg)
			tt.row.acct, tt.row.cost = acctA, "10"
			require.NoError(t, a.Add(tt.row.item()))
			gs := a.Groups()
			require.Len(t, gs, 1)
			assert.Equal(t, tt.usage, gs[0].UsageType)
			assert.Equal(t, tt.op, gs[0].Operation)
			assert.Equal(t, tt.wantDomain, gs[0].Class.DomainRegistration)
			assert.Equal(t, Classify(tt.row.item()), gs[0].Class)
			assert.Equal(t, computeJSON(t, cfg, aggregate(t, tt.row)), computeJSON(t, cfg, a))
		})
	}
}

// TestAggregator_ProjectionMergeAndCheckConfig: aggregators keeping different
// detail do not merge, and a projection made for other SKU rules is caught.
func TestAggregator_ProjectionMergeAndCheckConfig(t *testing.T) {
	cfg := issueConfig()
	full, proj := NewAggregator(oct), NewAggregatorFor(oct, cfg)
	require.NoError(t, proj.Add(row{acct: acctA, code: "AmazonEC2", usage: "u", op: "o", cost: "1"}.item()))
	before := proj.Groups()
	require.ErrorContains(t, full.Merge(proj), "different usage type and operation detail")
	require.ErrorContains(t, proj.Merge(full), "different usage type and operation detail")
	require.ErrorContains(t, proj.Merge(NewAggregatorFor(oct, nil)), "different usage type and operation detail")
	require.Equal(t, before, proj.Groups())
	require.Empty(t, full.Groups())
	require.NoError(t, proj.Merge(NewAggregatorFor(oct, issueConfig())))

	require.NoError(t, full.CheckConfig(cfg))
	require.NoError(t, proj.CheckConfig(cfg))
	require.NoError(t, NewAggregatorFor(oct, nil).CheckConfig(propertyConfig().withoutSKURules()))
	require.ErrorContains(t, NewAggregatorFor(oct, nil).CheckConfig(cfg), "AmazonRDS")
}

func (c *Config) withoutSKURules() *Config {
	for i := range c.Projects {
		c.Projects[i].PricingRules = slices.DeleteFunc(c.Projects[i].PricingRules, func(r PricingRule) bool { return r.Scope == ScopeSKU })
	}
	return c
}

func TestAggregator_ProjectedAddDoesNotAllocate(t *testing.T) {
	a := NewAggregatorFor(oct, issueConfig())
	for _, r := range []row{
		{acct: acctA, code: "AmazonEC2", usage: "APN1-BoxUsage:m5.large", op: "RunInstances", cost: "0.1234"},
		{acct: acctA, code: "AmazonRDS", usage: "APN1-InstanceUsage:db.r6g.large", op: "CreateDBInstance:0016", cost: "0.1234"},
	} {
		li := r.item()
		require.NoError(t, a.Add(li))
		assert.Zero(t, testing.AllocsPerRun(1000, func() { _ = a.Add(li) }))
	}
}

// TestB14_StoredGroupsComputeTheSame: a month rebuilt from its groups (what a Store
// keeps: keys, rows and sums, the class restored by ClassifyKey) computes the same
// result as the Aggregator that read the rows, so a past month recomputed from the
// store matches what was issued (B-12 audit).
func TestB14_StoredGroupsComputeTheSame(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	cfg := propertyConfig()
	for iter := range 20 {
		rows := randomRows(r, 1+r.IntN(300))
		agg := aggregate(t, rows...)
		want, err := Compute(cfg, agg)
		require.NoError(t, err)
		groups := agg.Groups()
		for i := range groups {
			require.Equal(t, groups[i].Class, ClassifyKey(groups[i].GroupKey), "group %d", i)
		}
		r.Shuffle(len(groups), func(i, j int) { groups[i], groups[j] = groups[j], groups[i] })
		rebuilt, err := NewAggregatorOf(oct, "", groups)
		require.NoError(t, err)
		require.Equal(t, agg.Groups(), rebuilt.Groups(), "iteration %d", iter)
		got, err := Compute(cfg, rebuilt)
		require.NoError(t, err)
		want.Rows.OutsidePeriod, got.Rows.OutsidePeriod = 0, 0 // the store keeps only the period's groups
		want.Warnings, got.Warnings = nil, nil
		require.Equal(t, want, got, "iteration %d", iter)
	}
	require.Error(t, NewAggregatorFor(oct, cfg).AddGroup(Group{}), "a projected aggregator refuses stored groups")
}

// TestAggregator_AddSumIsAddOfEachRow: AddSum of a batch of rows that differ only in
// their costs — their costs and public costs summed, a row without a public cost
// counted at its cost (B-3) — leaves the Aggregator as Add of each row does: groups,
// classes, exact sums, rows and rows of other months (B-1, B-16), FOCUS commitment
// rows at no public cost included.
func TestAggregator_AddSumIsAddOfEachRow(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	aggregators := []struct {
		name string
		new  func() *Aggregator
	}{
		{"NewAggregator", func() *Aggregator { return NewAggregator(oct) }},
		{"NewAggregatorFor an unblended config", func() *Aggregator { return NewAggregatorFor(oct, issueConfig()) }},
		{"NewAggregatorFor nil", func() *Aggregator { return NewAggregatorFor(oct, nil) }},
	}
	for iter := range 30 {
		newAgg := aggregators[iter%len(aggregators)]
		// Few distinct rows, each repeated with other costs: batches of many rows.
		base := trickyItems(r, 1+r.IntN(40))
		costs := []string{"", "0", "1", "-2.5", "0.0000000001", "12345678.9999999999", "1.5E-11", "123456789012.5"}
		items := make([]*LineItem, 1+r.IntN(400))
		for i := range items {
			li := *base[r.IntN(len(base))]
			li.Cost, li.PublicCost = []byte(costs[r.IntN(len(costs))]), []byte(costs[r.IntN(len(costs))])
			if li.Format == FormatFOCUS && r.IntN(3) == 0 { // B-3: a commitment's purchase, at no public cost
				li.LineItemType, li.CommitmentDiscountID = []byte("Purchase"), []byte("sp-1")
			}
			items[i] = &li
		}
		byRow := newAgg.new()
		for _, li := range items {
			require.NoError(t, byRow.Add(li))
		}
		// Batches: rows equal but for their costs, in order of first appearance.
		type batch struct {
			li           *LineItem
			rows         int64
			cost, public money.Sum
		}
		var order []string
		batches := map[string]*batch{}
		for _, li := range items {
			k := fmt.Sprintf("%v|%s|%s|%q|%q|%q|%q|%q|%q|%q|%q|%q|%q|%q|%q", li.Format, li.Period, li.BillingPeriod, li.AccountID, li.ProductCode,
				li.ProductName, li.LineItemType, li.UsageType, li.Operation, li.BillingEntity, li.BillingGroup, li.Currency, li.PublicCurrency,
				li.CommitmentDiscountID, li.CommitmentDiscountStatus)
			b := batches[k]
			if b == nil {
				b = &batch{li: li}
				batches[k] = b
				order = append(order, k)
			}
			b.rows++
			public := li.PublicCost
			if len(public) == 0 {
				public = li.Cost
			}
			for _, add := range []struct {
				s *money.Sum
				v []byte
			}{{&b.cost, li.Cost}, {&b.public, public}} {
				if len(add.v) > 0 { // an empty cost is zero
					require.NoError(t, add.s.AddBytes(add.v))
				}
			}
		}
		summed := newAgg.new()
		for _, k := range order {
			b := batches[k]
			require.NoError(t, summed.AddSum(b.li, b.rows, &b.cost, &b.public))
		}
		require.Equal(t, show(byRow.Groups()), show(summed.Groups()), "iteration %d, %s", iter, newAgg.name)
		require.Equal(t, byRow.Rows(), summed.Rows())
		require.Equal(t, byRow.OutsideRows(), summed.OutsideRows())
	}
}

// TestAggregator_AddSumRefuses: AddSum refuses an empty batch, missing sums and a
// currency other than the cost data's (B-1), and changes nothing.
func TestAggregator_AddSumRefuses(t *testing.T) {
	var one money.Sum
	one.AddUnits(1e10)
	li := &LineItem{Format: FormatCUR2, Period: oct, AccountID: []byte("123456789012"), ProductCode: []byte("AmazonEC2"), LineItemType: []byte("Usage")}
	jpy := *li
	jpy.Currency = []byte("JPY")
	publicJPY := *li
	publicJPY.PublicCurrency = []byte("JPY")
	for _, tc := range []struct {
		name         string
		li           *LineItem
		rows         int64
		cost, public *money.Sum
		want         error
	}{
		{"no rows", li, 0, &one, &one, nil},
		{"negative rows", li, -1, &one, &one, nil},
		{"no cost sum", li, 1, nil, &one, nil},
		{"no public sum", li, 1, &one, nil, nil},
		{"B-1 another currency", &jpy, 1, &one, &one, ErrCurrency},
		{"B-1 public currency not the cost data's, even without a public cost", &publicJPY, 1, &one, &one, ErrCurrency},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := NewAggregator(oct)
			err := a.AddSum(tc.li, tc.rows, tc.cost, tc.public)
			require.Error(t, err)
			if tc.want != nil {
				require.ErrorIs(t, err, tc.want)
			}
			assert.Zero(t, a.Rows())
			assert.Empty(t, a.Groups())
		})
	}
}

// TestAggregator_KeepsDetailIsItsProjection: emptying, before Add, the usage type
// and operation KeepsAllDetail, KeepsUsageType and KeepsOperation say the
// Aggregator does not keep changes none of its groups, classes or sums (B-5 SKU
// rules, B-8 domain registrations); a full-detail Aggregator keeps everything.
func TestAggregator_KeepsDetailIsItsProjection(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	codes := []string{"AmazonRDS", "AmazonEC2", "AmazonRoute53", "AmazonRegistrar", ""}
	usages := []string{"APN1-InstanceUsage:db.r6g.large", "DomainRegistration-com", "Global-DomainRegistration", "x", ""}
	ops := []string{"CreateDBInstance:0016", "RegisterDomain", "RenewDomain", "TransferDomain", "RunInstances", ""}
	for _, tc := range []struct {
		name   string
		newAgg func() *Aggregator
		all    bool // keeps all detail of every product
	}{
		{"NewAggregator", func() *Aggregator { return NewAggregator(oct) }, true},
		{"NewAggregatorFor a config with an SKU rule", func() *Aggregator { return NewAggregatorFor(oct, issueConfig()) }, false},
		{"NewAggregatorFor nil", func() *Aggregator { return NewAggregatorFor(oct, nil) }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plain, projected := tc.newAgg(), tc.newAgg()
			emptied := 0
			for range 500 {
				li := row{acct: acctA, code: codes[r.IntN(len(codes))], usage: usages[r.IntN(len(usages))], op: ops[r.IntN(len(ops))], cost: "1.25"}.item()
				require.NoError(t, plain.Add(li))
				p := *li
				if !projected.KeepsAllDetail(p.ProductCode) {
					if !projected.KeepsUsageType(p.UsageType) {
						p.UsageType = nil
					}
					if !projected.KeepsOperation(p.Operation) {
						p.Operation = nil
					}
				}
				if len(p.UsageType) != len(li.UsageType) || len(p.Operation) != len(li.Operation) {
					emptied++
				}
				require.NoError(t, projected.Add(&p))
			}
			assert.Equal(t, show(plain.Groups()), show(projected.Groups()))
			assert.Equal(t, tc.all, emptied == 0, "values emptied: %d", emptied)
		})
	}
}
