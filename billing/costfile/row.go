package costfile

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// errNotString is the cause of a JSON map value that is not a string.
var errNotString = errors.New("costfile: a JSON value is not a string")

// rowVals holds the raw values of one row, by slot; NULL already mapped to empty.
type rowVals [numSlots][]byte

var (
	entityAWS         = []byte("AWS")
	entityMarketplace = []byte("AWS Marketplace")
	tagNeedle         = []byte("CmBillingGroup")
	tagNeedleSnake    = []byte("cm_billing_group")
	productNameNeedle = []byte("product_name")
)

// rowFiller turns rowVals into a LineItem. One per worker: scratch is reused.
type rowFiller struct {
	s         *schema
	scratch   []byte // holds values decoded from JSON for the current row
	rows      int64  // rows handed to the Sink (by the worker)
	skipped   map[string]int64
	lastStart []byte // cache of the last timestamp text and its period
	lastPer   resellerkit.Month
	lastBill  []byte // the same for the billing period start
	lastBPer  resellerkit.Month
	// decoded: map columns (tags, CUR 2.0 product) already hold the wanted value,
	// not JSON text (Parquet maps).
	decoded bool
	// line is the line (Parquet: the row number) of the row at hand, set by the
	// worker before fill, for the warnings that name the first line.
	line int64
	// skipCols has bit sl set for each provider slot that decided a skip.
	skipCols uint32
	// noPublic: the Sink does not use PublicCost (billing.FieldUser), so its values
	// are only checked, a bad one counted in ignored, and not handed on.
	noPublic bool
	ignored  [numSlots]ignoredValues
	// badIDs holds the first line of each account id that is no AWS account id: the
	// maxBadIDs of them first seen earliest, badIDsMore when there were others, and
	// badIDsLast the latest of their lines once there are maxBadIDs.
	badIDs     map[string]int64
	badIDsMore bool
	badIDsLast int64
	// sketch samples the identities of the worker's rows (B-14, fingerprint.go);
	// startInst is the instant of lastStart as it hashes it (parseStart).
	sketch    billing.Sketch
	startInst [12]byte
}

// ignoredValues counts the bad values of one column the Sink does not use.
type ignoredValues struct {
	n     int64
	first int64  // line of the first
	value string // the first
}

// maxBadIDs bounds the account ids a worker remembers for the warnings of issue 7
// (item 8): a file of a million bad ids costs no memory.
const maxBadIDs = 20

// use sets the worker's Sink: a billing.FieldUser that does not use PublicCost gets
// none.
func (f *rowFiller) use(sink billing.Sink) {
	if u, ok := sink.(billing.FieldUser); ok {
		f.noPublic = !u.UsesField(billing.FieldPublicCost)
	}
}

// reads reports whether the worker reads slot sl at all: not the public cost's
// currency when its Sink does not use public costs.
func (f *rowFiller) reads(sl slot) bool { return !(f.noPublic && sl == sPubCurr) }

// fill sets li from v. It reports skip for FOCUS rows of another provider (counted),
// and an error naming the slot whose value is bad.
func (f *rowFiller) fill(li *billing.LineItem, v *rowVals) (skip bool, bad slot, err error) {
	s := f.s
	f.scratch = f.scratch[:0]
	li.Format = s.format
	if s.format == billing.FormatFOCUS {
		if p, sl := f.focusProvider(v); !isAWSName(p) {
			if f.skipped == nil {
				f.skipped = make(map[string]int64)
			}
			f.skipped[string(p)]++
			f.skipCols |= 1 << sl
			return true, 0, nil
		}
	}
	if a := v[sAccount]; !isAWSAccountID(a) {
		f.badAccount(a)
	}
	st := v[sStart]
	if len(st) == len(f.lastStart) && len(st) > 0 && bytes.Equal(st, f.lastStart) {
		li.Period = f.lastPer
	} else {
		p, inst, err := parseStart(st)
		if err != nil {
			return false, sStart, err
		}
		li.Period = p
		f.lastStart = append(f.lastStart[:0], st...)
		f.lastPer, f.startInst = p, inst
	}
	// B-16: the bill the row belongs to. Absent column or null value: the zero
	// Month (the engine then uses Period).
	li.BillingPeriod = resellerkit.Month{}
	if bs := v[sBillStart]; len(bs) > 0 {
		if len(bs) == len(f.lastBill) && bytes.Equal(bs, f.lastBill) {
			li.BillingPeriod = f.lastBPer
		} else {
			p, err := parsePeriod(bs)
			if err != nil {
				return false, sBillStart, err
			}
			li.BillingPeriod = p
			f.lastBill = append(f.lastBill[:0], bs...)
			f.lastBPer = p
		}
	}
	li.AccountID = v[sAccount]
	li.ProductCode = v[sProductCode]
	li.ProductName = v[sProductName]
	li.LineItemType = v[sLineItemType]
	li.UsageType = v[sUsageType]
	li.Operation = v[sOperation]
	li.Cost = v[sCost]
	li.PublicCost = v[sPublicCost]
	li.Currency = v[sCurrency]
	li.PublicCurrency = v[sPubCurr]
	if f.noPublic {
		// Not used by the run: checked for the warning only, never a reason to stop.
		if p := li.PublicCost; len(p) > 0 {
			if _, ok := money.ParseUnits(p); !ok {
				if _, err := money.ParseBytes(p); err != nil {
					f.ignore(sPublicCost, p)
				}
			}
		}
		li.PublicCost, li.PublicCurrency = nil, nil
	}
	li.CommitmentDiscountID = v[sCommitID] // B-3: FOCUS only, empty for CUR
	li.CommitmentDiscountStatus = v[sCommitStat]
	li.BillingGroup = nil
	switch s.tagKind {
	case tagPlain:
		li.BillingGroup = v[sTag]
	case tagJSON:
		if f.decoded {
			li.BillingGroup = v[sTag]
		} else if raw := v[sTag]; bytes.Contains(raw, tagNeedle) || bytes.Contains(raw, tagNeedleSnake) {
			g, err := f.jsonValue(raw, billingGroupKeys)
			if err != nil {
				return false, sTag, err
			}
			li.BillingGroup = g
		}
	}
	switch s.format {
	case billing.FormatFOCUS:
		// AWS's x_ServiceCode ("AmazonEC2") is the CUR product code; other
		// exports only have ServiceName.
		if len(li.ProductCode) == 0 {
			li.ProductCode = li.ProductName
		}
		if len(li.UsageType) == 0 {
			li.UsageType = v[sSkuID]
		}
		// B-8: a row published by anyone but an Amazon Web Services entity is a
		// Marketplace row.
		if isAWSName(v[sPublisher]) || len(v[sPublisher]) == 0 {
			li.BillingEntity = entityAWS
		} else {
			li.BillingEntity = entityMarketplace
		}
	default:
		li.BillingEntity = v[sBillingEntity]
		if len(li.ProductName) == 0 && f.decoded {
			li.ProductName = v[sProductMap]
		} else if len(li.ProductName) == 0 && s.col[sProductName] < 0 && bytes.Contains(v[sProductMap], productNameNeedle) {
			n, err := f.jsonValue(v[sProductMap], productNameKeys)
			if err != nil {
				return false, sProductMap, err
			}
			li.ProductName = n
		}
	}
	return false, 0, nil
}

var (
	// billingGroupKeys are the spellings of the CmBillingGroup tag key (B-9): FOCUS
	// Tags use the tag's own key (with or without the "user:" prefix); CUR 2.0
	// resource_tags normalizes keys to lower snake case with a "user_" prefix.
	billingGroupKeys = []string{"user:CmBillingGroup", "CmBillingGroup", "user_cm_billing_group", "cm_billing_group", "user_CmBillingGroup"}
	productNameKeys  = []string{"product_name"}
)

// jsonValue decodes a JSON object of strings and returns the value of the first key
// found, copied into the row scratch.
func (f *rowFiller) jsonValue(raw []byte, keys []string) ([]byte, error) {
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, newValueError(raw, err, " is not a JSON object of strings: "+err.Error())
	}
	for _, k := range keys {
		if val, ok := m[k]; ok {
			sv, ok := val.(string)
			if !ok {
				return nil, newValueError(raw, errNotString, fmt.Sprintf(" is not a JSON object of strings: key %q has %v", k, val))
			}
			if sv == "NULL" {
				return nil, nil
			}
			st := len(f.scratch)
			f.scratch = append(f.scratch, sv...)
			return f.scratch[st:len(f.scratch):len(f.scratch)], nil
		}
	}
	return nil, nil
}

// focusProvider returns the name that says whose charge a FOCUS row is, and the slot
// it came from: the first non-null of ProviderName (FOCUS 1.0 – 1.2: the cloud
// provider, also for Marketplace rows, whose third-party seller is PublisherName),
// InvoiceIssuerName (AWS invoices Marketplace sales) and HostProviderName; when all
// are null, the last of those columns the file has. ServiceProviderName, which
// replaces ProviderName from FOCUS 1.3 on, names the Marketplace seller, so it is
// never used here: a Red Hat row sold through AWS must be charged, not skipped.
func (f *rowFiller) focusProvider(v *rowVals) ([]byte, slot) {
	last := sProvider
	for _, sl := range providerSlots {
		if p := v[sl]; len(p) > 0 {
			return p, sl
		}
		if f.s.col[sl] >= 0 {
			last = sl
		}
	}
	return nil, last
}

// providerSlots are the FOCUS columns that say whose row it is, in the order they are
// consulted.
var providerSlots = [...]slot{sProvider, sIssuer, sHost}

// badAccount notes the first line of an account id that is not an AWS account id, for
// a warning (issue 7, item 8): no project can own it (M-3), so its rows can only ever
// be unassigned. The worker keeps the maxBadIDs ids first seen earliest, whatever the
// order of its lines, each with its earliest line; so finish, taking the earliest
// line of each id over the workers and the maxBadIDs earliest ids, reports exactly the
// first maxBadIDs ids of the file, each with its first line: an id among those is
// among the maxBadIDs earliest of the worker that saw its first line. Past maxBadIDs
// ids a row costs one comparison more.
func (f *rowFiller) badAccount(a []byte) {
	if l, seen := f.badIDs[string(a)]; seen {
		if f.line < l {
			f.badIDs[string(a)] = f.line
			f.lastBadID()
		}
		return
	}
	if len(f.badIDs) >= maxBadIDs {
		f.badIDsMore = true
		if f.line >= f.badIDsLast {
			return
		}
		delete(f.badIDs, f.lastBadID())
	}
	if f.badIDs == nil {
		f.badIDs = make(map[string]int64)
	}
	f.badIDs[string(a)] = f.line
	f.lastBadID()
}

// lastBadID sets badIDsLast to the latest line of badIDs when it holds maxBadIDs ids,
// and returns the id of that line.
func (f *rowFiller) lastBadID() string {
	if len(f.badIDs) < maxBadIDs {
		return ""
	}
	id, last := "", int64(-1)
	for k, l := range f.badIDs {
		if l > last || (l == last && k > id) {
			id, last = k, l
		}
	}
	f.badIDsLast = last
	return id
}

// isAWSAccountID reports whether a can be an AWS account id: 12 digits, or fewer (a
// spreadsheet stripped the leading zeros; the engine pads them).
func isAWSAccountID(a []byte) bool {
	if len(a) == 12 { // the usual case, eight and four bytes at a time
		return digits64(binary.LittleEndian.Uint64(a), 8) && digits64(uint64(binary.LittleEndian.Uint32(a[8:])), 4)
	}
	if len(a) == 0 || len(a) > 12 {
		return false
	}
	for _, c := range a {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// digits64 reports whether the n low bytes of x are all ASCII digits: a byte is a
// digit when it is at least '0' (adding 0x80-'0' sets its high bit) and at most '9'
// (adding 0x80-'9'-1 leaves its high bit clear), with no byte over 0x7f.
func digits64(x uint64, n int) bool {
	const ones, high = 0x0101010101010101, 0x8080808080808080
	mask := uint64(high)
	if n < 8 {
		mask >>= 8 * (8 - n)
	}
	lo := x + ones*(0x80-'0')
	hi := x + ones*(0x80-'9'-1)
	return x&mask == 0 && lo&mask == mask && hi&mask == 0
}

// ignore counts a bad value of a column the Sink does not use.
func (f *rowFiller) ignore(sl slot, v []byte) {
	iv := &f.ignored[sl]
	if iv.n == 0 {
		iv.first, iv.value = f.line, string(truncate(v))
	}
	iv.n++
}

// truncate returns v, or its first 61 bytes and "..." when it is longer than 64.
func truncate(v []byte) []byte {
	if len(v) > 64 {
		return append(v[:61:61], "..."...)
	}
	return v
}

// valueError is a bad value of a column: its text is the quoted value and what is
// wrong with it (`"2026-13-01" is not a timestamp: …`), the column is named by the
// *Error around it, and it wraps its cause (a sentinel such as ErrTimestamp).
type valueError struct {
	value string
	msg   string // follows the quoted value, with its own separator
	err   error
}

func newValueError(v []byte, err error, msg string) *valueError {
	return &valueError{value: string(truncate(v)), msg: msg, err: err}
}

func (e *valueError) Error() string {
	if e.value == "" {
		return "empty" + e.msg
	}
	return strconv.Quote(e.value) + e.msg
}

func (e *valueError) Unwrap() error { return e.err }

// isAWSName reports whether a FOCUS ProviderName or PublisherName names AWS: "AWS"
// or an "Amazon Web Services…" legal entity (B-8).
func isAWSName(b []byte) bool {
	if len(b) == 3 {
		return (b[0]|0x20) == 'a' && (b[1]|0x20) == 'w' && (b[2]|0x20) == 's'
	}
	const aws = "amazon web services"
	if len(b) < len(aws) {
		return false
	}
	for i := 0; i < len(aws); i++ {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != aws[i] {
			return false
		}
	}
	return true
}
