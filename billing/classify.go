package billing

import (
	"bytes"
	"maps"
	"slices"
)

// Kind is what the engine does with a line item (B-2, B-3, B-4, B-7).
type Kind uint8

// The kinds of line item.
const (
	// KindCharge rows are billed to the customer: Usage, DiscountedUsage, Savings
	// Plans covered usage and negation, Fee, RIFee, Savings Plans fees,
	// BundledDiscount, RiVolumeDiscount, Marketplace, domain registrations, FOCUS
	// Usage/Purchase/Adjustment, and unknown types (Class.Unknown, B-2).
	KindCharge Kind = iota
	// KindCredit rows (Credit, Refund) go to the account's credits: not priced, not
	// in the support-fee base.
	KindCredit
	// KindTax rows are AWS's tax, the reseller's input tax: never billed (B-4).
	KindTax
	// KindResellerDiscount rows (EdpDiscount, PrivateRateDiscount, SppDiscount,
	// DistributorDiscount) are the reseller's own discounts with AWS: not passed to
	// the customer unless the project says so (B-3).
	KindResellerDiscount
	// KindAWSSupport rows are AWS's support plan, replaced by the reseller's support
	// fee (B-7): product code starting "AWSSupport", or product name
	// "AWS Premium Support" or starting "AWS Support".
	KindAWSSupport
)

var kindNames = [...]string{"charge", "credit", "tax", "reseller_discount", "aws_support"}

// String returns the kind's name: "charge", "credit", "tax", "reseller_discount" or
// "aws_support".
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Class is the classification of a line item.
type Class struct {
	Kind Kind
	// Unknown reports a line item type outside B-2 (or a FOCUS ChargeCategory outside
	// FOCUS 1.x): kept, classified "other", charged and warned about.
	Unknown bool
	// Marketplace reports an AWS Marketplace row (B-8): not priced, not in the
	// support-fee base.
	Marketplace bool
	// DomainRegistration reports a Route 53 domain registration (B-8): not in the
	// support-fee base.
	DomainRegistration bool
	// NotListPriced reports a CUR row that counts zero on the public_on_demand basis
	// (B-3): AWS's commitment fees (RIFee, SavingsPlanUpfrontFee,
	// SavingsPlanRecurringFee, and a Reserved Instance's upfront payment: a Fee row
	// of a "HeavyUsage" usage type) and its discounts off the list price
	// (SavingsPlanNegation, BundledDiscount, RiVolumeDiscount). At list price the
	// covered usage is charged in full, so charging these too would count the
	// commitment twice (AWS Billing Conductor likewise keeps them off a billing
	// group's pro forma cost). FOCUS rows have one ChargeCategory for a commitment's
	// purchase and for other purchases: the Aggregator zeroes their public cost row by
	// row instead (CommitmentNotListPriced).
	NotListPriced bool
}

// notListPriced lists the CUR line item types of Class.NotListPriced.
var notListPriced = map[string]bool{
	"RIFee": true, "SavingsPlanUpfrontFee": true, "SavingsPlanRecurringFee": true,
	"SavingsPlanNegation": true, "BundledDiscount": true, "RiVolumeDiscount": true,
}

// CommitmentNotListPriced reports a FOCUS row that counts zero on the
// public_on_demand basis (B-3), the FOCUS counterpart of Class.NotListPriced: a
// commitment's purchase (ChargeCategory "Purchase" with a CommitmentDiscountId: a
// Savings Plan's or Reserved Instance's upfront or recurring fee) and its unused
// part (CommitmentDiscountStatus "Unused", any case). The usage the commitment
// covers carries its list price in ListCost and is charged at it, so the purchase
// must not count too; the unused part is no usage at all, whatever ListCost a
// generator puts on it (the FOCUS appendix's examples show both the list price and
// null). It is decided per row, not per group: the ids and statuses are not part of
// a group's key. On the unblended basis these rows count their BilledCost, which is
// what AWS invoiced (the purchase in full, zero for unused rows).
func CommitmentNotListPriced(li *LineItem) bool {
	if li.Format != FormatFOCUS {
		return false
	}
	return (string(li.LineItemType) == "Purchase" && len(li.CommitmentDiscountID) > 0) ||
		bytes.EqualFold(li.CommitmentDiscountStatus, unusedStatus)
}

var unusedStatus = []byte("Unused")

// heavyUsageBytes is the usage type substring of a Reserved Instance's fees
// ("APN1-HeavyUsage:m5.large", "HeavyUsage:db.r5.large").
var heavyUsageBytes = []byte("HeavyUsage")

// isRIUpfrontFee reports a CUR Fee row of a reservation's usage type: a Reserved
// Instance's upfront payment (All or Partial Upfront), a commitment purchase (B-3)
// and an upfront fee (B-15). The projected Aggregator (NewAggregatorFor) keeps the
// usage types this reads, through heavyUsageBytes: change them together.
func isRIUpfrontFee(lineItemType, usageType []byte) bool {
	return string(lineItemType) == "Fee" && bytes.Contains(usageType, heavyUsageBytes)
}

// curLineItemTypes lists the legacy CUR / CUR 2.0 line item types of B-2, each with
// its Kind.
var curLineItemTypes = map[string]Kind{
	"Usage":                   KindCharge,
	"DiscountedUsage":         KindCharge,
	"Fee":                     KindCharge,
	"RIFee":                   KindCharge,
	"Credit":                  KindCredit,
	"Refund":                  KindCredit,
	"Tax":                     KindTax,
	"SavingsPlanUpfrontFee":   KindCharge,
	"SavingsPlanRecurringFee": KindCharge,
	"SavingsPlanCoveredUsage": KindCharge,
	"SavingsPlanNegation":     KindCharge,
	"EdpDiscount":             KindResellerDiscount,
	"PrivateRateDiscount":     KindResellerDiscount,
	"BundledDiscount":         KindCharge,
	"RiVolumeDiscount":        KindCharge,
	"SppDiscount":             KindResellerDiscount,
	"DistributorDiscount":     KindResellerDiscount,
}

// focusChargeCategories lists the FOCUS 1.x ChargeCategory values, each with its Kind.
var focusChargeCategories = map[string]Kind{
	"Usage":      KindCharge,
	"Purchase":   KindCharge,
	"Adjustment": KindCharge,
	"Credit":     KindCredit,
	"Tax":        KindTax,
}

// LineItemTypeKind returns the Kind of a line item type of format f: for CUR (legacy
// and 2.0) one of the types of B-2 ("Usage", "Tax", "EdpDiscount", …), for FOCUS a
// ChargeCategory ("Usage", "Purchase", "Adjustment", "Credit", "Tax"). Types are
// case-sensitive. known is false for any other value: such rows are charged as
// "other" and reported (B-2), and kind is KindCharge.
func LineItemTypeKind(f Format, lineItemType string) (kind Kind, known bool) {
	table := curLineItemTypes
	if f == FormatFOCUS {
		table = focusChargeCategories
	}
	kind, known = table[lineItemType]
	return kind, known
}

// LineItemTypes returns the line item types format f knows (see LineItemTypeKind),
// sorted; a new slice on every call.
func LineItemTypes(f Format) []string {
	table := curLineItemTypes
	if f == FormatFOCUS {
		table = focusChargeCategories
	}
	return slices.Sorted(maps.Keys(table))
}

// MarketplaceBillingEntity is the bill/BillingEntity value of Marketplace rows (B-8).
const MarketplaceBillingEntity = "AWS Marketplace"

// Classify classifies a line item by its type and product (B-2, B-3, B-4, B-7, B-8).
// Order: Tax rows first; then AWS support-plan rows of any type (a refund of support
// is excluded like the support itself); then credits and refunds; then the reseller's
// discounts; everything else is a charge.
func Classify(li *LineItem) Class {
	var c Class
	c.Marketplace = string(li.BillingEntity) == MarketplaceBillingEntity
	c.DomainRegistration = isDomainRegistration(li.ProductCode, li.Operation, li.UsageType)
	kind, known := LineItemTypeKind(li.Format, string(li.LineItemType))
	c.Unknown = !known
	c.NotListPriced = li.Format != FormatFOCUS && (notListPriced[string(li.LineItemType)] || isRIUpfrontFee(li.LineItemType, li.UsageType))
	switch {
	case known && kind == KindTax:
		c.Kind = KindTax
	case isAWSSupport(li.ProductCode, li.ProductName):
		c.Kind = KindAWSSupport
	default:
		c.Kind = kind // KindCharge for unknown types
	}
	return c
}

func isAWSSupport(code, name []byte) bool {
	return bytes.HasPrefix(code, []byte("AWSSupport")) ||
		string(name) == "AWS Premium Support" ||
		bytes.HasPrefix(name, []byte("AWS Support"))
}

// isDomainRegistration is B-8's Route 53 domain registration test. The projected
// Aggregator (NewAggregatorFor) keeps exactly the operation and usage-type values
// this reads, through isDomainOperation and domainRegistrationBytes: change them
// together.
func isDomainRegistration(code, op, usageType []byte) bool {
	switch string(code) {
	case "AmazonRegistrar":
		return true
	case "AmazonRoute53":
		if isDomainOperation(op) {
			return true
		}
	}
	return bytes.Contains(usageType, domainRegistrationBytes)
}

// domainRegistrationBytes is the usage type substring that marks a domain
// registration of any product (B-8).
var domainRegistrationBytes = []byte("DomainRegistration")

// isDomainOperation reports a Route 53 operation that makes a row a domain
// registration (B-8).
func isDomainOperation(op []byte) bool {
	switch string(op) {
	case "RegisterDomain", "RenewDomain", "TransferDomain":
		return true
	}
	return false
}

// ClassifyKey returns the Class of the rows of an aggregate with key k: the same as
// Classify of any of its rows, since classification reads only fields of the key.
// Stores that keep groups (Store.CostGroups) restore their Class with it.
func ClassifyKey(k GroupKey) Class {
	li := LineItem{
		Format: k.Format, ProductCode: []byte(k.ProductCode), ProductName: []byte(k.ProductName),
		LineItemType: []byte(k.LineItemType), UsageType: []byte(k.UsageType), Operation: []byte(k.Operation),
		BillingEntity: []byte(k.BillingEntity),
	}
	return Classify(&li)
}
