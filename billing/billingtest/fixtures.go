package billingtest

import (
	"fmt"
	"strconv"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// The suite's clock and months: times are UTC at microsecond precision, as stores
// keep them.
var (
	t0  = time.Date(2026, 5, 3, 4, 5, 6, 123456000, time.UTC)
	apr = resellerkit.NewMonth(2026, time.April)
	may = resellerkit.NewMonth(2026, time.May)
	jun = resellerkit.NewMonth(2026, time.June)
)

// The payers, organizations and issuer series the fixtures use.
const (
	payer1 = "111111111111"
	payer2 = "222222222222"
	series = "T1234567890123"
)

// Series is the numbering series of the documents Document builds: an issuer's
// registration number.
const Series = series

// dec parses a decimal the suite wrote.
func dec(s string) money.Decimal { return money.MustParse(s) }

// Group returns an aggregate of account's rows of product with line item type
// lineItemType, costing cost (and cost at list price too), with a zero Class: what
// a store returns has billing.ClassifyKey's.
func Group(account, product, lineItemType, cost string) billing.Group {
	return billing.Group{
		GroupKey: billing.GroupKey{Format: billing.FormatCUR2, AccountID: account, ProductCode: product,
			ProductName: "Name of " + product, LineItemType: lineItemType, UsageType: "APN1-Usage:" + product,
			Operation: "Op", BillingEntity: "AWS", BillingGroup: "team-" + account[len(account)-1:]},
		Rows: 7, Cost: dec(cost), PublicCost: dec(cost).Add(dec("0.0000000001")),
	}
}

// Report returns the identity of version of payer's period, generated at
// generatedAt.
func Report(payer string, period resellerkit.Month, version string, generatedAt time.Time) billing.Report {
	return billing.Report{Payer: payer, Period: period, Version: version, GeneratedAt: generatedAt}
}

// CostData returns version of payer's period, generated at generatedAt, with
// groups and every other field set.
func CostData(r billing.Report, groups ...billing.Group) billing.CostData {
	return billing.CostData{Report: r, CostCurrency: money.USD, AggregatedAt: r.GeneratedAt.Add(time.Hour),
		Files: []string{
			fmt.Sprintf("s3://cur/%s/%s/%s/part-1.csv.gz", r.Payer, r.Period, r.Version),
			fmt.Sprintf("s3://cur/%s/%s/%s/part-0.csv.gz", r.Payer, r.Period, r.Version), // order as the source names them
		},
		Rows: int64(100 * len(groups)), OutsideRows: 3, Groups: groups}
}

// header is d as CostReports and ReportHistory return it: without groups.
func header(d billing.CostData) billing.CostData {
	d.Groups = nil
	return d
}

// sketchOf returns the sketch of n rows: row i's identity is (ids, i) and its
// content ("content", contents, i), so two sketches of one contents and other ids
// are a restated month whose ids were regenerated. More than billing.SketchSize
// rows fill it. It is compacted (its binary form computed once), so that reading
// it later writes nothing and parallel cases may share it.
func sketchOf(ids, contents string, n int) *billing.Sketch {
	s := new(billing.Sketch)
	for i := range n {
		row := []byte(strconv.Itoa(i))
		s.Add([]byte(ids), row)
		s.AddContent([]byte("content"), []byte(contents), row)
	}
	if _, err := s.MarshalBinary(); err != nil {
		panic(err)
	}
	return s
}

// cloneSketch returns a copy of s sharing nothing with it, through its binary
// form (nil for nil); canonical, so two sketches of the same sample are equal
// values, whatever rows were added to them in which order.
func cloneSketch(s *billing.Sketch) *billing.Sketch {
	if s == nil {
		return nil
	}
	b, err := s.MarshalBinary()
	if err != nil {
		panic(fmt.Sprintf("billingtest: encoding a sketch: %v", err))
	}
	out := new(billing.Sketch)
	if err := out.UnmarshalBinary(b); err != nil {
		panic(fmt.Sprintf("billingtest: decoding a sketch's own encoding: %v", err))
	}
	return out
}

// Document returns an issued-to-be invoice id of orgID's project for period,
// with key "invoice/<project>/<period>", Series Series, Year 2026, and every
// field set (Seq and Number are the store's to assign). Its amounts are in yen,
// converted from dollars.
func Document(orgID, project, id string, period resellerkit.Month) billing.Document {
	issue := time.Date(2026, 6, 10, 0, 0, 0, 0, time.UTC)
	return billing.Document{
		ID: id, Key: fmt.Sprintf("invoice/%s/%s", project, period), Kind: billing.DocInvoice,
		Series: series, Year: 2026,
		OrgID: orgID, ProjectID: project, Period: period,
		Issuer:    billing.Issuer{Name: "Reseller K.K.", RegistrationNumber: series},
		Recipient: "Org " + orgID, IssueDate: issue, DueDate: time.Date(2026, 7, 31, 0, 0, 0, 0, time.UTC),
		Description:  "請求書 " + period.String(),
		Currency:     money.JPY,
		CostCurrency: money.USD, ExchangeRate: dec("151.2345"), ExchangeRateSource: "MUFG TTM",
		ExchangeRateDate: time.Date(2026, 5, 29, 0, 0, 0, 0, time.UTC),
		Sources:          []billing.Report{Report(payer1, period, "v1", t0)},
		Lines: []billing.DocumentLine{
			{Kind: billing.LineService, AccountID: "123456789012", Service: "AmazonEC2", ServiceName: "Amazon Elastic Compute Cloud",
				Description: "EC2", TaxRate: dec("0.10"), AmountCost: dec("1234.5678901234"), Amount: money.JPY.Amount(dec("186710"))},
			{Kind: billing.LineLateCredits, AccountID: "123456789012", RefPeriod: period.Prev(), Description: "late credits",
				TaxRate: dec("0.1"), AmountCost: dec("-0.0000000181"), Amount: money.JPY.Amount(dec("0"))},
			{Kind: billing.LineSupportFee, Description: "support", TaxRate: dec("0.1"),
				AmountCost: dec("123.45678901234"), Amount: money.JPY.Amount(dec("18671"))},
		},
		Taxes: []billing.TaxAmount{{Rate: dec("0.1"), Taxable: money.JPY.Amount(dec("205381")),
			Tax: money.JPY.Amount(dec("20538")), Rounding: money.Floor}},
		Subtotal: money.JPY.Amount(dec("205381")), Tax: money.JPY.Amount(dec("20538")), Total: money.JPY.Amount(dec("225919")),
		IssuedAt: t0,
	}
}

// issued is d as the store numbers it: Seq seq of its series and year.
func issued(d billing.Document, seq int64) billing.Document {
	d.Seq = seq
	d.Number = fmt.Sprintf("%s-%04d-%06d", d.Series, d.Year, seq)
	return d
}

// Alarm returns alarm id of orgID on account, with a threshold of 1000.5 and
// Version 0 (a store creates it at 1).
func Alarm(orgID, account, id string) billing.Alarm {
	return billing.Alarm{ID: id, OrgID: orgID, AccountID: account, Threshold: dec("1000.5"), Name: "alarm " + id,
		CreatedAt: t0, UpdatedAt: t0}
}

// created is a as CreateAlarm stores it: at Version 1.
func created(a billing.Alarm) billing.Alarm {
	a.Version = 1
	return a
}

// Firing returns a firing of orgID's alarm in period, with every field set.
func Firing(orgID, alarmID string, period resellerkit.Month) billing.AlarmFiring {
	return billing.AlarmFiring{AlarmID: alarmID, OrgID: orgID, Period: period, Amount: dec("1000.5000000001"),
		FiredAt: period.Start().Add(50 * time.Hour), NoticeID: "notice-" + alarmID + "-" + period.String()}
}

// ---- canonical values, for comparing what a store returns ----
//
// A store keeps a decimal's value exactly but may drop trailing zeros and change
// its internal representation (1.50 comes back as 1.5), so values are compared
// with every decimal in one canonical form.

// canonDec is d in canonical form: the zero value for 0, else parsed from its
// text.
func canonDec(d money.Decimal) money.Decimal {
	if d.IsZero() {
		return money.Decimal{}
	}
	c, err := money.Parse(d.String())
	if err != nil {
		return d
	}
	return c
}

func canonAmount(a money.Amount) money.Amount { return a.Currency().Amount(canonDec(a.Decimal())) }

func canonGroup(g billing.Group) billing.Group {
	g.Cost, g.PublicCost = canonDec(g.Cost), canonDec(g.PublicCost)
	return g
}

func canonGroups(gs []billing.Group) []billing.Group {
	if len(gs) == 0 {
		return nil
	}
	out := make([]billing.Group, len(gs))
	for i, g := range gs {
		out[i] = canonGroup(g)
	}
	return out
}

func canonCostData(d billing.CostData) billing.CostData {
	d.Groups = canonGroups(d.Groups)
	d.Sketch = cloneSketch(d.Sketch)
	if len(d.Files) == 0 {
		d.Files = nil
	}
	return d
}

func canonCostDatas(ds []billing.CostData) []billing.CostData {
	if len(ds) == 0 {
		return nil
	}
	out := make([]billing.CostData, len(ds))
	for i, d := range ds {
		out[i] = canonCostData(d)
	}
	return out
}

func canonDocument(d billing.Document) billing.Document {
	d.ExchangeRate = canonDec(d.ExchangeRate)
	d.Subtotal, d.Tax, d.Total = canonAmount(d.Subtotal), canonAmount(d.Tax), canonAmount(d.Total)
	if len(d.Lines) == 0 {
		d.Lines = nil
	} else {
		lines := make([]billing.DocumentLine, len(d.Lines))
		for i, l := range d.Lines {
			l.TaxRate, l.AmountCost, l.Amount = canonDec(l.TaxRate), canonDec(l.AmountCost), canonAmount(l.Amount)
			lines[i] = l
		}
		d.Lines = lines
	}
	if len(d.Taxes) == 0 {
		d.Taxes = nil
	} else {
		taxes := make([]billing.TaxAmount, len(d.Taxes))
		for i, x := range d.Taxes {
			x.Rate, x.Taxable, x.Tax = canonDec(x.Rate), canonAmount(x.Taxable), canonAmount(x.Tax)
			taxes[i] = x
		}
		d.Taxes = taxes
	}
	return d
}

func canonDocuments(ds []billing.Document) []billing.Document {
	if len(ds) == 0 {
		return nil
	}
	out := make([]billing.Document, len(ds))
	for i, d := range ds {
		out[i] = canonDocument(d)
	}
	return out
}

func canonAlarm(a billing.Alarm) billing.Alarm {
	a.Threshold = canonDec(a.Threshold)
	return a
}

func canonAlarms(as []billing.Alarm) []billing.Alarm {
	if len(as) == 0 {
		return nil
	}
	out := make([]billing.Alarm, len(as))
	for i, a := range as {
		out[i] = canonAlarm(a)
	}
	return out
}

func canonFirings(fs []billing.AlarmFiring) []billing.AlarmFiring {
	if len(fs) == 0 {
		return nil
	}
	out := make([]billing.AlarmFiring, len(fs))
	for i, f := range fs {
		f.Amount = canonDec(f.Amount)
		out[i] = f
	}
	return out
}

// classified is gs with each group's Class billing.ClassifyKey's: what CostGroups
// returns.
func classified(gs ...billing.Group) []billing.Group {
	out := make([]billing.Group, len(gs))
	for i, g := range gs {
		g.Class = billing.ClassifyKey(g.GroupKey)
		out[i] = g
	}
	return canonGroups(out)
}
