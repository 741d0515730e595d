package curgen

import (
	"errors"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"strconv"
	"time"
)

// CostScale is the number of fractional digits of every generated cost: Row.Cost
// counts units of 10^-CostScale USD.
const CostScale = 10

// Config controls a generated cost file. The zero value of every field but Rows
// selects a documented default.
type Config struct {
	// Rows is the number of data rows to write (the header is not counted). Must be ≥ 0.
	Rows int
	// Seed makes the output deterministic: the same Config writes the same bytes.
	Seed uint64
	// Year and Month select the billing period, a UTC calendar month. Default 2026-10.
	Year  int
	Month time.Month
	// Accounts is the number of usage accounts (12-digit ids, see AccountIDs). Default 48.
	Accounts int
	// OutsideFraction is the share of usage rows dated just outside the period (the
	// last day of the previous month or the first day of the next). 0 selects the
	// default 0.0005; a negative value writes none.
	OutsideFraction float64
	// Observe, when set, is called with every row after it is generated, in order.
	// Tests use it to compute expected totals. The *Row is reused: copy what you keep.
	Observe func(*Row)
}

// Row is the billing-relevant view of one generated line item, passed to
// Config.Observe.
type Row struct {
	Index         int       // 0-based data row number
	AccountID     string    // lineItem/UsageAccountId
	LineItemType  string    // lineItem/LineItemType (B-2)
	ProductCode   string    // lineItem/ProductCode
	ProductName   string    // product/ProductName
	UsageType     string    // lineItem/UsageType
	Operation     string    // lineItem/Operation
	BillingEntity string    // bill/BillingEntity: "AWS" or "AWS Marketplace" (B-8)
	BillingGroup  string    // resourceTags/user:CmBillingGroup, "" when untagged (B-9)
	UsageStart    time.Time // lineItem/UsageStartDate
	// Cost is lineItem/UnblendedCost in units of 1e-10 USD (CostScale).
	Cost int64
	// PublicCost is pricing/publicOnDemandCost in the same units; valid when HasPublicCost.
	PublicCost    int64
	HasPublicCost bool
}

// AccountIDs returns the first n usage-account ids the generator uses: distinct
// 12-digit strings, the same for every seed, so a test or benchmark config can name
// them. Rows are skewed toward the first accounts.
func AccountIDs(n int) []string {
	r := rand.New(rand.NewPCG(0x5eed, 0xacc7))
	seen := make(map[string]bool, n)
	out := make([]string, 0, n)
	for len(out) < n {
		id := strconv.FormatUint(100_000_000_000+r.Uint64N(900_000_000_000), 10)
		if !seen[id] && id != PayerAccountID {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// PayerAccountID is bill/PayerAccountId on every row: the reseller's management account.
const PayerAccountID = "512345678901"

// The legal entities that appear in lineItem/LegalEntity and bill/InvoicingEntity.
const (
	entityJapan = "Amazon Web Services Japan G.K."
	entityInc   = "Amazon Web Services, Inc."
)

var billingGroups = []string{"web", "data-platform", "ml-research", "shared", "顧客A", "team-b, ops"}

var envs = []string{"prod", "stg", "dev"}

// marketplace products: code, name (with a comma and quotes, as sellers write them),
// seller, hourly rate.
var marketplace = []struct{ code, name, seller, rate string }{
	{"3kxq1h6b7rj5lz9w0ae2ffc4a", `Acme Firewall, "Pro" Edition`, "Acme Security, Inc.", "0.25"},
	{"b9fw2tqxv01m4lq7ljd8oec3y", "Trend Vision One - Cloud Security (Pay as you go)", "Trend Micro Inc.", "0.0425"},
	{"8s0jz2pmq4yx7e6d9a1ncw3uk", "Red Hat Enterprise Linux 9", "Red Hat Inc.", "0.13"},
	{"c1ohy5d3rvk6j2gu7mzn8xtbe", "Datadog Pro (per host), annual", "Datadog, Inc.", "0.0208"},
	{"f4nd8bq0w2ls9r6cxh1ke7ymv", `Snowflake Data Cloud - "Standard"`, "Snowflake Inc.", "1.2"},
}

type gen struct {
	cfg      Config
	r        *rand.Rand
	accounts []string
	start    time.Time // period start
	hours    int       // hours in the period
	rec      []string
	row      Row
	buf      []byte
	times    map[int]string // hour offset from period start → formatted timestamp
	pending  bool           // a SavingsPlanNegation row follows
	pendSKU  int
	pendAcct int
	pendHour int
	pendCost int64
	pendRes  string
	pendTag  int
	invAWS   string
	invMP    string
	bpStart  string
	bpEnd    string
	bpPrev   string // start of the previous month
	bpNext2  string // end of the next month
}

// errRows reports a negative row count.
var errRows = errors.New("curgen: Config.Rows must be ≥ 0")

func newGen(cfg Config) (*gen, error) {
	if cfg.Rows < 0 {
		return nil, errRows
	}
	if cfg.Year == 0 {
		cfg.Year = 2026
	}
	if cfg.Month == 0 {
		cfg.Month = time.October
	}
	if cfg.Month < 1 || cfg.Month > 12 {
		return nil, fmt.Errorf("curgen: Config.Month %d out of range 1..12", cfg.Month)
	}
	if cfg.Accounts == 0 {
		cfg.Accounts = 48
	}
	if cfg.Accounts < 0 {
		return nil, fmt.Errorf("curgen: Config.Accounts %d must be ≥ 0", cfg.Accounts)
	}
	if cfg.OutsideFraction == 0 {
		cfg.OutsideFraction = 0.0005
	}
	g := &gen{
		cfg:      cfg,
		r:        rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		accounts: AccountIDs(cfg.Accounts),
		start:    time.Date(cfg.Year, cfg.Month, 1, 0, 0, 0, 0, time.UTC),
		rec:      make([]string, len(legacyColumns)),
		times:    make(map[int]string),
	}
	g.hours = int(g.start.AddDate(0, 1, 0).Sub(g.start) / time.Hour)
	g.bpStart = g.ts(0)
	g.bpEnd = g.ts(g.hours)
	g.bpPrev = g.start.AddDate(0, -1, 0).Format("2006-01-02T15:04:05Z")
	g.bpNext2 = g.start.AddDate(0, 2, 0).Format("2006-01-02T15:04:05Z")
	g.invAWS = strconv.FormatUint(2_000_000_000+g.r.Uint64N(999_999_999), 10)
	g.invMP = strconv.FormatUint(3_000_000_000+g.r.Uint64N(999_999_999), 10)
	return g, nil
}

// ts formats the instant h hours after the period start, cached.
func (g *gen) ts(h int) string {
	if s, ok := g.times[h]; ok {
		return s
	}
	s := g.start.Add(time.Duration(h) * time.Hour).Format("2006-01-02T15:04:05Z")
	g.times[h] = s
	return s
}

// kind is the row shape drawn for each data row.
type kind int

const (
	kUsage kind = iota
	kDiscountedUsage
	kSPCovered // followed by its SavingsPlanNegation
	kFeeSupport
	kFeeRegistrar
	kFeeRoute53Domain
	kFeeOther
	kRIFee
	kSPRecurring
	kSPUpfront
	kCredit
	kRefund
	kTax
	kEdp
	kBundled
	kPrivateRate
	kRiVolume
	kMarketplace
	kMarketplaceFee
)

// kindWeights are per 100,000 rows; a SavingsPlanCoveredUsage draw writes two rows.
var kindWeights = []struct {
	k kind
	w int
}{
	{kUsage, 80_000},
	{kDiscountedUsage, 4_000},
	{kSPCovered, 4_500},
	{kFeeSupport, 10},
	{kFeeRegistrar, 30},
	{kFeeRoute53Domain, 10},
	{kFeeOther, 30},
	{kRIFee, 150},
	{kSPRecurring, 300},
	{kSPUpfront, 1},
	{kCredit, 500},
	{kRefund, 100},
	{kTax, 1_500},
	{kEdp, 3_000},
	{kBundled, 300},
	{kPrivateRate, 100},
	{kRiVolume, 20},
	{kMarketplace, 500},
	{kMarketplaceFee, 5},
}

var kindTotal = func() int {
	t := 0
	for _, k := range kindWeights {
		t += k.w
	}
	return t
}()

func (g *gen) drawKind() kind {
	x := g.r.IntN(kindTotal)
	for _, k := range kindWeights {
		if x < k.w {
			return k.k
		}
		x -= k.w
	}
	return kUsage
}

// drawSKU picks a catalog entry by weight; with instanceOnly, one with an instance type.
func (g *gen) drawSKU(instanceOnly bool) int {
	for {
		x := g.r.IntN(catalogCum[len(catalogCum)-1])
		lo, hi := 0, len(catalogCum)-1
		for lo < hi {
			m := (lo + hi) / 2
			if catalogCum[m] > x {
				hi = m
			} else {
				lo = m + 1
			}
		}
		if !instanceOnly || (catalog[lo].instType != "" && catalog[lo].code != "AmazonRedshift") {
			return lo
		}
	}
}

// drawAccount is skewed: the first accounts carry most rows, like a real customer base.
func (g *gen) drawAccount() int {
	u := g.r.Float64()
	return int(u * u * float64(len(g.accounts)))
}

// amount draws a usage amount in 1e-6 units, skewed toward small values.
func (g *gen) amount(s *sku) int64 {
	if s.amtMax <= s.amtMin {
		return s.amtMin
	}
	u := g.r.Float64()
	return s.amtMin + int64(u*u*u*float64(s.amtMax-s.amtMin))
}

// costOf returns rate (1e-8) × amount (1e-6) in 1e-10 units, rounded half up: what
// AWS does when it rounds a line item's cost to 10 digits.
func costOf(rate, amount int64) int64 {
	neg := (rate < 0) != (amount < 0)
	hi, lo := bits.Mul64(uint64(abs(rate)), uint64(abs(amount)))
	lo, c := bits.Add64(lo, 5_000, 0)
	hi += c
	q, _ := bits.Div64(hi, lo, 10_000)
	v := int64(q)
	if neg {
		return -v
	}
	return v
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// percentOf returns v × p / 1000 (p in tenths of a percent), truncated toward zero.
func percentOf(v, p int64) int64 { return v * p / 1000 }

func (g *gen) dec(v int64, scale int) string {
	trim := g.r.IntN(10) != 0 // both forms appear in real exports
	g.buf = appendDecimal(g.buf[:0], v, scale, trim)
	return string(g.buf)
}

func (g *gen) lineItemID() string {
	const a = "abcdefghijklmnopqrstuvwxyz234567"
	var b [52]byte
	x := g.r.Uint64()
	for i := range b {
		if i%12 == 0 {
			x = g.r.Uint64()
		}
		b[i] = a[x&31]
		x >>= 5
	}
	return string(b[:])
}

func hexID(h uint64, n int) string {
	const hx = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = hx[h&15]
		h >>= 4
		if h == 0 {
			h = skuHash(string(b[:i+1]))
		}
	}
	return string(b)
}

// resourceID derives a stable resource id for (account, sku, slot): the same resource
// reappears hour after hour, as in real data.
func (g *gen) resourceID(s *sku, acct, slot int) string {
	if s.resource == "" {
		return ""
	}
	h := skuHash(g.accounts[acct] + s.usageType + strconv.Itoa(slot))
	switch s.resource {
	case "i":
		return "i-0" + hexID(h, 16)
	case "vol":
		return "vol-0" + hexID(h, 16)
	case "snap":
		return "arn:aws:ec2:" + s.reg.code + "::snapshot/snap-0" + hexID(h, 16)
	case "s3":
		return "acme-" + g.accounts[acct][8:] + "-" + []string{"logs", "assets", "backup", "datalake", "static-site", "tmp"}[slot]
	}
	p := s.resource
	out := make([]byte, 0, len(p)+40)
	for i := 0; i < len(p); i++ {
		if p[i] == '%' && i+1 < len(p) {
			switch p[i+1] {
			case 'r':
				out = append(out, s.reg.code...)
				i++
				continue
			case 'a':
				out = append(out, g.accounts[acct]...)
				i++
				continue
			}
		}
		out = append(out, p[i])
	}
	return string(out) + hexID(h, 8+slot%3*4)
}

func (g *gen) reset() {
	clear(g.rec)
	g.row = Row{}
}

// common fills the columns every row has.
func (g *gen) common(acct int, typ string, startH, endH int) {
	r := g.rec
	r[cLineItemID] = g.lineItemID()
	s, e := g.ts(startH), g.ts(endH)
	r[cTimeInterval] = s + "/" + e
	r[cInvoiceID] = g.invAWS
	r[cBillingEntity] = "AWS"
	r[cBillType] = "Anniversary"
	r[cPayer] = PayerAccountID
	switch {
	case startH < 0: // a row of the previous month's bill, as in a file spanning months
		r[cBPStart], r[cBPEnd] = g.bpPrev, g.bpStart
	case startH >= g.hours:
		r[cBPStart], r[cBPEnd] = g.bpEnd, g.bpNext2
	default:
		r[cBPStart], r[cBPEnd] = g.bpStart, g.bpEnd
	}
	r[cAccount] = g.accounts[acct]
	r[cType] = typ
	r[cStart] = s
	r[cEnd] = e
	r[cCurrency] = "USD"
	r[cLegalEntity] = entityJapan
	g.row.AccountID = g.accounts[acct]
	g.row.LineItemType = typ
	g.row.UsageStart = g.start.Add(time.Duration(startH) * time.Hour)
	g.row.BillingEntity = "AWS"
}

// product fills the product and SKU columns of s.
func (g *gen) product(s *sku) {
	r := g.rec
	r[cProductCode] = s.code
	r[cUsageType] = s.usageType
	r[cOperation] = s.operation
	r[cProductName] = s.name
	r[cPFamily] = s.family
	r[cPServiceCode] = s.code
	r[cPSKU] = s.skuID
	r[cPUsageType] = s.usageType
	r[cPOperation] = s.operation
	if s.global {
		r[cPRegion] = "global"
		r[cPLocation] = "Any"
		r[cPLocationType] = "AWS Region"
	} else {
		r[cPRegion] = s.reg.code
		r[cPLocation] = s.reg.name
		r[cPLocationType] = "AWS Region"
	}
	for _, a := range s.attrs {
		r[a.col] = a.val
	}
	g.row.ProductCode = s.code
	g.row.ProductName = s.name
	g.row.UsageType = s.usageType
	g.row.Operation = s.operation
}

// tags fills resource tags for a resource slot: about a third of resources carry
// CmBillingGroup (B-9).
func (g *gen) tags(acct, slot int) {
	r := g.rec
	h := acct*7 + slot
	if h%3 == 0 {
		grp := billingGroups[(acct+slot)%len(billingGroups)]
		r[cTagGroup] = grp
		g.row.BillingGroup = grp
	}
	if h%3 == 1 {
		r[cTagEnv] = envs[slot%len(envs)]
		r[cTagName] = "svc-" + strconv.Itoa(slot) + "-" + envs[slot%len(envs)]
	}
	if h%5 == 1 {
		r[cTagOwner] = "ops@example.co.jp"
		r[cTagProject] = "project-" + strconv.Itoa(acct%9)
	}
	if h%8 == 1 {
		r[cTagCreatedBy] = "AssumedRole:AROAEXAMPLE" + strconv.Itoa(acct) + ":terraform"
	}
}

func (g *gen) setCost(cost int64) {
	g.rec[cUnblendedCost] = g.dec(cost, CostScale)
	g.rec[cBlendedCost] = g.rec[cUnblendedCost]
	g.row.Cost = cost
}

func (g *gen) setPublic(cost int64, rate string) {
	g.rec[cPublicCost] = g.dec(cost, CostScale)
	g.rec[cPublicRate] = rate
	g.row.PublicCost = cost
	g.row.HasPublicCost = true
}

// hour draws a usage hour in the period, or just outside it for a small fraction.
func (g *gen) hour(allowOutside bool) int {
	if allowOutside && g.cfg.OutsideFraction > 0 && g.r.Float64() < g.cfg.OutsideFraction {
		if g.r.IntN(2) == 0 {
			return -1 - g.r.IntN(24) // last day of the previous month
		}
		return g.hours + g.r.IntN(24) // first day of the next month
	}
	return g.r.IntN(g.hours)
}

// next fills g.rec and g.row with row i. last reports that only this one slot is left
// (no room for a covered-usage + negation pair).
func (g *gen) next(i int, last bool) {
	g.reset()
	g.row.Index = i
	if g.pending {
		g.pending = false
		g.negation()
		return
	}
	k := g.drawKind()
	if k == kSPCovered && last {
		k = kUsage
	}
	switch k {
	case kUsage:
		g.usage()
	case kDiscountedUsage:
		g.discountedUsage()
	case kSPCovered:
		g.spCovered()
	case kFeeSupport:
		g.support()
	case kFeeRegistrar, kFeeRoute53Domain:
		g.domain(k == kFeeRegistrar)
	case kFeeOther:
		g.otherFee()
	case kRIFee:
		g.riFee()
	case kSPRecurring, kSPUpfront:
		g.spFee(k == kSPUpfront)
	case kCredit, kRefund:
		g.credit(k == kRefund)
	case kTax:
		g.tax()
	case kEdp, kBundled, kPrivateRate, kRiVolume:
		g.discount(k)
	case kMarketplace, kMarketplaceFee:
		g.marketplace(k == kMarketplaceFee)
	}
}

func (g *gen) usageCommon(typ string, si, acct, h, slot int) *sku {
	s := &catalog[si]
	if s.monthlyish {
		g.common(acct, typ, 0, g.hours)
	} else {
		g.common(acct, typ, h, h+1)
	}
	g.product(s)
	r := g.rec
	if !s.global && s.resource == "i" || s.resource == "vol" {
		r[cAZ] = s.reg.azs[slot%len(s.reg.azs)]
		r[cPAZ] = "NA"
	}
	r[cResourceID] = g.resourceID(s, acct, slot)
	r[cUnit] = s.unit
	r[cPCurrency] = "USD"
	r[cDescription] = s.desc
	g.tags(acct, slot)
	return s
}

func (g *gen) usage() {
	si, acct, slot := g.drawSKU(false), g.drawAccount(), g.r.IntN(6)
	s := g.usageCommon("Usage", si, acct, g.hour(true), slot)
	amt := g.amount(s)
	cost := costOf(s.rate, amt)
	r := g.rec
	r[cUsageAmount] = g.dec(amt, 6)
	if s.norm != "" {
		r[cNormFactor] = s.norm
		r[cNormAmount] = g.dec(amt*int64(len(s.norm)), 6)
	}
	r[cUnblendedRate] = s.rateText
	r[cBlendedRate] = s.rateText
	r[cTerm] = "OnDemand"
	g.setCost(cost)
	g.setPublic(cost, s.rateText)
}

func (g *gen) riARN(s *sku, acct int) string {
	svc := "ec2"
	kind := "reserved-instances"
	switch s.code {
	case "AmazonRDS":
		svc, kind = "rds", "ri"
	case "AmazonElastiCache":
		svc, kind = "elasticache", "reserved-instance"
	case "AmazonES":
		svc, kind = "es", "reserved-instance"
	}
	return "arn:aws:" + svc + ":" + s.reg.code + ":" + PayerAccountID + ":" + kind + "/" + hexID(skuHash(s.usageType+g.accounts[acct]), 8) + "-" + hexID(skuHash(s.skuID), 4) + "-4e2b-9c1d-" + hexID(skuHash(g.accounts[acct]), 12)
}

func (g *gen) reservation(s *sku, acct int) {
	r := g.rec
	r[cRIARN] = g.riARN(s, acct)
	r[cRIStart] = time.Date(g.cfg.Year-1, g.cfg.Month, 14, 3, 12, 0, 0, time.UTC).Format("2006-01-02T15:04:05.000Z")
	r[cRIEnd] = time.Date(g.cfg.Year, g.cfg.Month, 14, 3, 11, 59, 0, time.UTC).AddDate(0, 0, 0).Format("2006-01-02T15:04:05.000Z")
	r[cRIModStatus] = "Original"
	r[cRISubscription] = strconv.FormatUint(skuHash(r[cRIARN])%9_000_000_000+1_000_000_000, 10)
	r[cLeaseLength] = "1yr"
	r[cOfferingClass] = "standard"
	r[cPurchaseOption] = "No Upfront"
	r[cTerm] = "Reserved"
}

func (g *gen) discountedUsage() {
	si, acct, slot := g.drawSKU(true), g.drawAccount(), g.r.IntN(6)
	s := g.usageCommon("DiscountedUsage", si, acct, g.hour(true), slot)
	r := g.rec
	amt := s.amtMin
	public := costOf(s.rate, amt)
	riRate := s.rate * 62 / 100
	r[cUsageAmount] = g.dec(amt, 6)
	r[cNormFactor] = s.norm
	r[cNormAmount] = s.norm
	r[cUnblendedRate] = "0.0"
	r[cBlendedRate] = "0.0"
	r[cDescription] = "USD " + string(appendDecimal(nil, riRate, 8, true)) + " hourly fee per Linux/UNIX (Amazon VPC), " + s.instType + " instance"
	g.setCost(0)
	g.setPublic(public, s.rateText)
	g.reservation(s, acct)
	r[cRIEffective] = g.dec(costOf(riRate, amt), CostScale)
	r[cRIRecurring] = r[cRIEffective]
	r[cRIAmortized] = "0.0"
}

func (g *gen) spARN(acct int) string {
	return "arn:aws:savingsplans::" + PayerAccountID + ":savingsplan/" + hexID(skuHash("sp"+strconv.Itoa(acct%3)), 8) + "-1a2b-4c3d-8e9f-" + hexID(skuHash("spx"+strconv.Itoa(acct%3)), 12)
}

func (g *gen) savingsPlan(acct int) {
	r := g.rec
	r[cSPARN] = g.spARN(acct)
	r[cSPStart] = time.Date(g.cfg.Year-1, 4, 1, 0, 0, 0, 0, time.UTC).Format("2006-01-02T15:04:05.000Z")
	r[cSPEnd] = time.Date(g.cfg.Year+2, 3, 31, 23, 59, 59, 0, time.UTC).Format("2006-01-02T15:04:05.000Z")
	r[cSPOffering] = "ComputeSavingsPlans"
	r[cSPPayment] = "No Upfront"
	r[cSPTerm] = "3yr"
	r[cSPRegion] = ""
}

func (g *gen) spCovered() {
	var si int
	for {
		si = g.drawSKU(false)
		c := catalog[si].code
		if (c == "AmazonEC2" && catalog[si].instType != "") || c == "AmazonECS" || (c == "AWSLambda" && catalog[si].unit != "Requests") {
			break
		}
	}
	acct, slot, h := g.drawAccount(), g.r.IntN(6), g.hour(false)
	s := g.usageCommon("SavingsPlanCoveredUsage", si, acct, h, slot)
	r := g.rec
	amt := g.amount(s)
	cost := costOf(s.rate, amt)
	spRate := s.rate * 72 / 100
	r[cUsageAmount] = g.dec(amt, 6)
	if s.norm != "" {
		r[cNormFactor] = s.norm
	}
	r[cUnblendedRate] = s.rateText
	r[cBlendedRate] = s.rateText
	r[cTerm] = "OnDemand"
	g.setCost(cost)
	g.setPublic(cost, s.rateText)
	g.savingsPlan(acct)
	r[cSPRate] = string(appendDecimal(nil, spRate, 8, true))
	r[cSPEffective] = g.dec(costOf(spRate, amt), CostScale)
	r[cSPUsedCommit] = r[cSPEffective]
	if s.instType != "" {
		fam, _, _ := cutDot(s.instType)
		r[cSPFamily] = fam
	}
	g.pending, g.pendSKU, g.pendAcct, g.pendHour, g.pendCost, g.pendRes, g.pendTag = true, si, acct, h, cost, r[cResourceID], slot
}

func cutDot(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// negation writes the SavingsPlanNegation that offsets the covered usage drawn just
// before (B-3: the pair nets to zero).
func (g *gen) negation() {
	s := &catalog[g.pendSKU]
	g.common(g.pendAcct, "SavingsPlanNegation", g.pendHour, g.pendHour+1)
	g.product(s)
	r := g.rec
	r[cResourceID] = g.pendRes
	r[cUnit] = s.unit
	r[cPCurrency] = "USD"
	r[cDescription] = "SavingsPlanNegation used by AccountId : " + g.accounts[g.pendAcct] + " and UsageSku : " + s.skuID
	r[cUnblendedRate] = "-" + s.rateText
	r[cBlendedRate] = r[cUnblendedRate]
	g.setCost(-g.pendCost)
	g.savingsPlan(g.pendAcct)
	g.tags(g.pendAcct, g.pendTag)
}

func (g *gen) monthly(acct int, typ string) {
	g.common(acct, typ, 0, g.hours)
	g.rec[cPCurrency] = "USD"
}

func (g *gen) support() {
	acct := g.drawAccount()
	g.monthly(acct, "Fee")
	r := g.rec
	plan := []struct{ code, name string }{
		{"AWSSupportBusiness", "AWS Support (Business)"},
		{"AWSSupportBusiness", "AWS Support (Business)"},
		{"AWSDeveloperSupport", "AWS Support (Developer)"},
		{"AWSSupportEnterprise", "AWS Premium Support"},
	}[g.r.IntN(4)]
	r[cProductCode], r[cProductName], r[cPServiceCode] = plan.code, plan.name, plan.code
	r[cUsageType] = "Dollar"
	r[cPUsageType] = "Dollar"
	r[cPFamily] = "Support"
	r[cPRegion] = "global"
	r[cUsageAmount] = "1.0"
	r[cUnit] = "Dollar"
	r[cDescription] = plan.name + ", monthly fee (10% of usage; minimum $100)"
	cost := (100 + g.r.Int64N(400)) * 10_000_000_000
	g.setCost(cost)
	g.setPublic(cost, "1.0")
	g.row.ProductCode, g.row.ProductName, g.row.UsageType = plan.code, plan.name, "Dollar"
}

var tlds = []string{"com", "jp", "co.jp", "net", "io"}

func (g *gen) domain(registrar bool) {
	acct := g.drawAccount()
	h := g.r.IntN(g.hours)
	g.common(acct, "Fee", h, h+1)
	r := g.rec
	tld := tlds[g.r.IntN(len(tlds))]
	domain := "example-" + strconv.Itoa(g.r.IntN(500)) + "." + tld
	var cost int64
	if registrar {
		r[cProductCode], r[cProductName] = "AmazonRegistrar", "Amazon Registrar"
		r[cUsageType] = tld + "-DomainRegistration"
		r[cOperation] = "RegisterDomain"
		r[cDescription] = "Registration of " + domain + ", 1 year"
		cost = 13 * 10_000_000_000
	} else {
		r[cProductCode], r[cProductName] = "AmazonRoute53", "Amazon Route 53"
		r[cUsageType] = "global-DomainRegistration:" + tld
		r[cOperation] = []string{"RenewDomain", "TransferDomain"}[g.r.IntN(2)]
		r[cDescription] = "Renewal of " + domain + ", \"auto-renew\" enabled"
		cost = 9 * 10_000_000_000
	}
	if tld == "jp" || tld == "co.jp" {
		cost = 90 * 10_000_000_000
	}
	r[cPServiceCode] = r[cProductCode]
	r[cPUsageType], r[cPOperation] = r[cUsageType], r[cOperation]
	r[cPFamily] = "Domain Name Registration"
	r[cResourceID] = domain
	r[cUsageAmount] = "1.0"
	r[cPCurrency] = "USD"
	r[cBillType] = "Purchase"
	g.setCost(cost)
	g.row.ProductCode, g.row.ProductName = r[cProductCode], r[cProductName]
	g.row.UsageType, g.row.Operation = r[cUsageType], r[cOperation]
}

func (g *gen) otherFee() {
	acct := g.drawAccount()
	g.monthly(acct, "Fee")
	r := g.rec
	r[cProductCode], r[cProductName] = "AWSCertificateManager", "AWS Certificate Manager"
	r[cPServiceCode] = r[cProductCode]
	r[cUsageType] = "APN1-PaidPrivateCA"
	r[cPUsageType] = r[cUsageType]
	r[cOperation] = "CreateCertificateAuthority"
	r[cDescription] = "$400 per month, per private certificate authority (general-purpose mode)"
	r[cUsageAmount] = "1.0"
	r[cResourceID] = "arn:aws:acm-pca:ap-northeast-1:" + g.accounts[acct] + ":certificate-authority/" + hexID(uint64(acct)+77, 8)
	g.setCost(400 * 10_000_000_000)
	g.setPublic(400*10_000_000_000, "400.0")
	g.row.ProductCode, g.row.ProductName, g.row.UsageType, g.row.Operation = r[cProductCode], r[cProductName], r[cUsageType], r[cOperation]
}

func (g *gen) riFee() {
	si, acct := g.drawSKU(true), g.drawAccount()
	s := &catalog[si]
	g.monthly(acct, "RIFee")
	g.product(s)
	r := g.rec
	ut := s.reg.prefix + "HeavyUsage:" + s.instType
	r[cUsageType], r[cPUsageType] = ut, ut
	g.row.UsageType = ut
	n := int64(1 + g.r.IntN(4))
	riRate := s.rate * 62 / 100
	amt := int64(g.hours) * n * 1_000_000
	cost := costOf(riRate, amt)
	r[cUsageAmount] = g.dec(amt, 6)
	r[cUnblendedRate] = string(appendDecimal(nil, riRate, 8, true))
	r[cBlendedRate] = r[cUnblendedRate]
	r[cDescription] = "USD " + r[cUnblendedRate] + " hourly fee per Linux/UNIX (Amazon VPC), " + s.instType + " instance"
	r[cUnit] = "Hrs"
	g.setCost(cost)
	g.reservation(s, acct)
	r[cRINumber] = strconv.FormatInt(n, 10)
	r[cRIUnits] = strconv.FormatInt(int64(g.hours)*n, 10)
	r[cRIUnitsPer] = strconv.Itoa(g.hours)
	r[cRIUnusedQty] = g.dec(g.r.Int64N(int64(g.hours)*1_000_000), 6)
	r[cRIUnusedFee] = g.dec(g.r.Int64N(cost/2+1), CostScale)
}

func (g *gen) spFee(upfront bool) {
	acct := g.drawAccount()
	var h int
	if upfront {
		g.common(acct, "SavingsPlanUpfrontFee", 0, 1)
	} else {
		h = g.r.IntN(g.hours)
		g.common(acct, "SavingsPlanRecurringFee", h, h+1)
	}
	r := g.rec
	r[cProductCode], r[cProductName] = "ComputeSavingsPlans", "Savings Plans for AWS Compute usage"
	r[cPServiceCode] = r[cProductCode]
	r[cPFamily] = "Savings Plans"
	commit := int64(25+g.r.IntN(300)) * 10_000_000 // USD per hour, 1e-8 units: 0.25 .. 3.24
	if upfront {
		r[cUsageType] = "ComputeSP:1yrAllUpfront"
		r[cDescription] = "1 year All Upfront Compute Savings Plan with " + string(appendDecimal(nil, commit, 8, true)) + " USD hourly commitment"
		r[cBillType] = "Purchase"
		g.setCost(costOf(commit, int64(8_760)*1_000_000))
	} else {
		r[cUsageType] = "ComputeSP:3yrNoUpfront"
		r[cDescription] = "3 year No Upfront Compute Savings Plan with " + string(appendDecimal(nil, commit, 8, true)) + " USD hourly commitment"
		g.setCost(costOf(commit, 1_000_000))
	}
	r[cPUsageType] = r[cUsageType]
	r[cUsageAmount] = "1.0"
	r[cPCurrency] = "USD"
	g.savingsPlan(acct)
	r[cSPTotalCommit] = r[cUnblendedCost]
	r[cSPRecurring] = r[cUnblendedCost]
	r[cResourceID] = r[cSPARN]
	g.row.ProductCode, g.row.ProductName, g.row.UsageType = r[cProductCode], r[cProductName], r[cUsageType]
}

func (g *gen) credit(refund bool) {
	acct := g.drawAccount()
	si := g.drawSKU(false)
	s := &catalog[si]
	r := g.rec
	var cost int64
	if refund {
		h := g.r.IntN(g.hours)
		g.common(acct, "Refund", h, h+1)
		r[cBillType] = "Refund"
		cost = -(1 + g.r.Int64N(3*10_000_000_000))
		r[cDescription] = "Refund for " + s.code + ", case 17" + strconv.Itoa(1000000+g.r.IntN(8999999)) + " (\"duplicate charge\", approved)"
	} else {
		g.monthly(acct, "Credit")
		cost = -(1 + g.r.Int64N(5*10_000_000_000))
		r[cDescription] = `AWS Credits, "Activate" Founders program`
		if g.r.IntN(20) == 0 {
			r[cDescription] = "AWS Credits for Migration Acceleration Program (MAP),\nphase 2"
		}
	}
	r[cProductCode], r[cProductName] = s.code, s.name
	r[cPServiceCode] = s.code
	r[cUsageType], r[cPUsageType] = s.usageType, s.usageType
	r[cPCurrency] = "USD"
	g.setCost(cost)
	g.row.ProductCode, g.row.ProductName, g.row.UsageType = s.code, s.name, s.usageType
}

func (g *gen) tax() {
	acct := g.drawAccount()
	s := &catalog[g.drawSKU(false)]
	g.monthly(acct, "Tax")
	r := g.rec
	r[cProductCode], r[cProductName] = s.code, s.name
	r[cPServiceCode] = s.code
	r[cDescription] = "Tax for product code " + s.code
	r[cTaxType] = "JCT"
	r[cUsageAmount] = "1.0"
	g.setCost(g.r.Int64N(8 * 10_000_000_000))
	g.row.ProductCode, g.row.ProductName = s.code, s.name
}

func (g *gen) discount(k kind) {
	si, acct, slot := g.drawSKU(false), g.drawAccount(), g.r.IntN(6)
	s := &catalog[si]
	h := g.r.IntN(g.hours)
	base := costOf(s.rate, g.amount(s))
	var typ, desc string
	var pct int64
	switch k {
	case kEdp:
		typ, desc, pct = "EdpDiscount", "Enterprise Program Discount", 30+int64(g.r.IntN(40))
	case kBundled:
		typ, desc, pct = "BundledDiscount", "Free Tier, bundled: "+s.name+" usage offset (up to 1,000,000 requests)", 1000
	case kPrivateRate:
		typ, desc, pct = "PrivateRateDiscount", "Private Rate Discount for "+s.code, 80
	case kRiVolume:
		typ, desc, pct = "RiVolumeDiscount", "RI volume discount, tier 1", 50
	}
	g.common(acct, typ, h, h+1)
	g.product(s)
	r := g.rec
	r[cDescription] = desc
	r[cResourceID] = g.resourceID(s, acct, slot)
	r[cPCurrency] = "USD"
	cost := -percentOf(base, pct)
	g.setCost(cost)
	if k == kBundled {
		r[cBundled] = r[cUnblendedCost]
	}
	r[cTotalDiscount] = r[cUnblendedCost]
	g.tags(acct, slot)
}

func (g *gen) marketplace(fee bool) {
	acct := g.drawAccount()
	mp := marketplace[g.r.IntN(len(marketplace))]
	r := g.rec
	rate := usd(mp.rate)
	var cost int64
	if fee {
		g.monthly(acct, "Fee")
		r[cBillType] = "Purchase"
		r[cUsageType] = "APN1-MP:Annual"
		r[cDescription] = mp.name + ", annual subscription (12 months, \"all upfront\")"
		cost = rate * 24 * 365 * 100 // 1e-8 → 1e-10
		r[cUsageAmount] = "1.0"
	} else {
		h := g.hour(true)
		g.common(acct, "Usage", h, h+1)
		inst := ec2Instances[g.r.IntN(len(ec2Instances))].typ
		r[cUsageType] = "APN1-SoftwareUsage:" + inst
		r[cOperation] = "Hourly"
		r[cDescription] = "$" + mp.rate + " per hour for " + mp.name + " on " + inst + ", software only"
		r[cUsageAmount] = "1.0"
		r[cUnblendedRate] = mp.rate
		r[cBlendedRate] = mp.rate
		cost = costOf(rate, 1_000_000)
		r[cResourceID] = "i-0" + hexID(skuHash(mp.code+g.accounts[acct]), 16)
	}
	if g.r.IntN(200) == 0 {
		r[cDescription] += "\nincludes \"premium\" support"
	}
	r[cInvoiceID] = g.invMP
	r[cBillingEntity] = "AWS Marketplace"
	r[cLegalEntity] = mp.seller
	r[cProductCode], r[cProductName] = mp.code, mp.name
	r[cPServiceCode] = mp.code
	r[cPUsageType] = r[cUsageType]
	r[cPCurrency] = "USD"
	g.setCost(cost)
	g.row.BillingEntity = "AWS Marketplace"
	g.row.ProductCode, g.row.ProductName = mp.code, mp.name
	g.row.UsageType, g.row.Operation = r[cUsageType], r[cOperation]
}

// appendDecimal appends v × 10^-scale as plain decimal text. With trim, trailing
// fractional zeros are dropped (keeping at least one digit after the point);
// without, all scale digits are written. Integer arithmetic only: no float ever
// formats money.
func appendDecimal(dst []byte, v int64, scale int, trim bool) []byte {
	u := uint64(v)
	if v < 0 {
		dst = append(dst, '-')
		u = -u
	}
	var tmp [48]byte
	d := strconv.AppendUint(tmp[:0], u, 10)
	if scale == 0 {
		return append(dst, d...)
	}
	for len(d) <= scale { // left-pad so there is at least one integer digit
		d = append(d, 0)
		copy(d[1:], d)
		d[0] = '0'
	}
	intPart, frac := d[:len(d)-scale], d[len(d)-scale:]
	if trim {
		for len(frac) > 1 && frac[len(frac)-1] == '0' {
			frac = frac[:len(frac)-1]
		}
	}
	dst = append(dst, intPart...)
	dst = append(dst, '.')
	return append(dst, frac...)
}
