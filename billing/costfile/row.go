package costfile

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
)

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
}

// fill sets li from v. It reports skip for FOCUS rows of another provider (counted),
// and an error naming the slot whose value is bad.
func (f *rowFiller) fill(li *billing.LineItem, v *rowVals) (skip bool, bad slot, err error) {
	s := f.s
	f.scratch = f.scratch[:0]
	li.Format = s.format
	if s.format == billing.FormatFOCUS {
		if p := focusProvider(v); !isAWSName(p) {
			if f.skipped == nil {
				f.skipped = make(map[string]int64)
			}
			f.skipped[string(p)]++
			return true, 0, nil
		}
	}
	st := v[sStart]
	if len(st) == len(f.lastStart) && len(st) > 0 && bytes.Equal(st, f.lastStart) {
		li.Period = f.lastPer
	} else {
		p, err := parsePeriod(st)
		if err != nil {
			return false, sStart, err
		}
		li.Period = p
		f.lastStart = append(f.lastStart[:0], st...)
		f.lastPer = p
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
		return nil, fmt.Errorf("not a JSON object of tags: %w", err)
	}
	for _, k := range keys {
		if val, ok := m[k]; ok {
			sv, ok := val.(string)
			if !ok {
				return nil, fmt.Errorf("key %q: want a string value, got %v", k, val)
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

// focusProvider returns the name that says whose charge a FOCUS row is: the first
// non-null of ProviderName (FOCUS 1.0 – 1.2: the cloud provider, also for
// Marketplace rows, whose third-party seller is PublisherName), InvoiceIssuerName
// (AWS invoices Marketplace sales) and HostProviderName. ServiceProviderName, which
// replaces ProviderName from FOCUS 1.3 on, names the Marketplace seller, so it is
// never used here: a Red Hat row sold through AWS must be charged, not skipped.
func focusProvider(v *rowVals) []byte {
	if p := v[sProvider]; len(p) > 0 {
		return p
	}
	if p := v[sIssuer]; len(p) > 0 {
		return p
	}
	return v[sHost]
}

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
