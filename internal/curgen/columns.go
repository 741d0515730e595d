package curgen

// legacyColumns is the legacy CUR header, in the order AWS writes it: identity, bill,
// lineItem, product (alphabetical attribute names), pricing, reservation, savingsPlan,
// discount, then resource tags. Names follow the AWS CUR data dictionary.
var legacyColumns = []string{
	"identity/LineItemId",
	"identity/TimeInterval",
	"bill/InvoiceId",
	"bill/BillingEntity",
	"bill/BillType",
	"bill/PayerAccountId",
	"bill/BillingPeriodStartDate",
	"bill/BillingPeriodEndDate",
	"lineItem/UsageAccountId",
	"lineItem/LineItemType",
	"lineItem/UsageStartDate",
	"lineItem/UsageEndDate",
	"lineItem/ProductCode",
	"lineItem/UsageType",
	"lineItem/Operation",
	"lineItem/AvailabilityZone",
	"lineItem/ResourceId",
	"lineItem/UsageAmount",
	"lineItem/NormalizationFactor",
	"lineItem/NormalizedUsageAmount",
	"lineItem/CurrencyCode",
	"lineItem/UnblendedRate",
	"lineItem/UnblendedCost",
	"lineItem/BlendedRate",
	"lineItem/BlendedCost",
	"lineItem/LineItemDescription",
	"lineItem/TaxType",
	"lineItem/LegalEntity",
	"product/ProductName",
	"product/availability",
	"product/availabilityZone",
	"product/capacitystatus",
	"product/currentGeneration",
	"product/databaseEngine",
	"product/deploymentOption",
	"product/description",
	"product/durability",
	"product/engineCode",
	"product/enhancedNetworkingSupported",
	"product/fromLocation",
	"product/fromLocationType",
	"product/group",
	"product/groupDescription",
	"product/instanceFamily",
	"product/instanceType",
	"product/instanceTypeFamily",
	"product/licenseModel",
	"product/location",
	"product/locationType",
	"product/marketoption",
	"product/maxIopsvolume",
	"product/maxThroughputvolume",
	"product/maxVolumeSize",
	"product/memory",
	"product/networkPerformance",
	"product/normalizationSizeFactor",
	"product/operatingSystem",
	"product/operation",
	"product/physicalProcessor",
	"product/preInstalledSw",
	"product/processorArchitecture",
	"product/productFamily",
	"product/region",
	"product/servicecode",
	"product/sku",
	"product/storage",
	"product/storageClass",
	"product/storageMedia",
	"product/tenancy",
	"product/toLocation",
	"product/toLocationType",
	"product/transferType",
	"product/usagetype",
	"product/vcpu",
	"product/volumeApiName",
	"product/volumeType",
	"product/vpcnetworkingsupport",
	"pricing/LeaseContractLength",
	"pricing/OfferingClass",
	"pricing/PurchaseOption",
	"pricing/currency",
	"pricing/publicOnDemandCost",
	"pricing/publicOnDemandRate",
	"pricing/term",
	"pricing/unit",
	"reservation/AmortizedUpfrontCostForUsage",
	"reservation/AmortizedUpfrontFeeForBillingPeriod",
	"reservation/EffectiveCost",
	"reservation/EndTime",
	"reservation/ModificationStatus",
	"reservation/NumberOfReservations",
	"reservation/RecurringFeeForUsage",
	"reservation/ReservationARN",
	"reservation/StartTime",
	"reservation/SubscriptionId",
	"reservation/TotalReservedUnits",
	"reservation/UnitsPerReservation",
	"reservation/UnusedQuantity",
	"reservation/UnusedRecurringFee",
	"savingsPlan/TotalCommitmentToDate",
	"savingsPlan/SavingsPlanARN",
	"savingsPlan/SavingsPlanRate",
	"savingsPlan/UsedCommitment",
	"savingsPlan/SavingsPlanEffectiveCost",
	"savingsPlan/AmortizedUpfrontCommitmentForBillingPeriod",
	"savingsPlan/RecurringCommitmentForBillingPeriod",
	"savingsPlan/StartTime",
	"savingsPlan/EndTime",
	"savingsPlan/OfferingType",
	"savingsPlan/PaymentOption",
	"savingsPlan/PurchaseTerm",
	"savingsPlan/Region",
	"savingsPlan/InstanceTypeFamily",
	"discount/BundledDiscount",
	"discount/TotalDiscount",
	"resourceTags/aws:createdBy",
	"resourceTags/user:CmBillingGroup",
	"resourceTags/user:Environment",
	"resourceTags/user:Name",
	"resourceTags/user:Owner",
	"resourceTags/user:Project",
}

// colIndex maps a legacy column name to its position in legacyColumns.
var colIndex = func() map[string]int {
	m := make(map[string]int, len(legacyColumns))
	for i, c := range legacyColumns {
		if _, dup := m[c]; dup {
			panic("curgen: duplicate column " + c)
		}
		m[c] = i
	}
	return m
}()

// col returns the index of a legacy column; it panics on a name not in the header, so
// a typo in this package fails at init.
func col(name string) int {
	i, ok := colIndex[name]
	if !ok {
		panic("curgen: unknown column " + name)
	}
	return i
}

// Indices of the columns the generator fills on (almost) every row.
var (
	cLineItemID     = col("identity/LineItemId")
	cTimeInterval   = col("identity/TimeInterval")
	cInvoiceID      = col("bill/InvoiceId")
	cBillingEntity  = col("bill/BillingEntity")
	cBillType       = col("bill/BillType")
	cPayer          = col("bill/PayerAccountId")
	cBPStart        = col("bill/BillingPeriodStartDate")
	cBPEnd          = col("bill/BillingPeriodEndDate")
	cAccount        = col("lineItem/UsageAccountId")
	cType           = col("lineItem/LineItemType")
	cStart          = col("lineItem/UsageStartDate")
	cEnd            = col("lineItem/UsageEndDate")
	cProductCode    = col("lineItem/ProductCode")
	cUsageType      = col("lineItem/UsageType")
	cOperation      = col("lineItem/Operation")
	cAZ             = col("lineItem/AvailabilityZone")
	cResourceID     = col("lineItem/ResourceId")
	cUsageAmount    = col("lineItem/UsageAmount")
	cNormFactor     = col("lineItem/NormalizationFactor")
	cNormAmount     = col("lineItem/NormalizedUsageAmount")
	cCurrency       = col("lineItem/CurrencyCode")
	cUnblendedRate  = col("lineItem/UnblendedRate")
	cUnblendedCost  = col("lineItem/UnblendedCost")
	cBlendedRate    = col("lineItem/BlendedRate")
	cBlendedCost    = col("lineItem/BlendedCost")
	cDescription    = col("lineItem/LineItemDescription")
	cTaxType        = col("lineItem/TaxType")
	cLegalEntity    = col("lineItem/LegalEntity")
	cProductName    = col("product/ProductName")
	cPAZ            = col("product/availabilityZone")
	cPOperation     = col("product/operation")
	cPFamily        = col("product/productFamily")
	cPRegion        = col("product/region")
	cPLocation      = col("product/location")
	cPLocationType  = col("product/locationType")
	cPServiceCode   = col("product/servicecode")
	cPSKU           = col("product/sku")
	cPUsageType     = col("product/usagetype")
	cPCurrency      = col("pricing/currency")
	cPublicCost     = col("pricing/publicOnDemandCost")
	cPublicRate     = col("pricing/publicOnDemandRate")
	cTerm           = col("pricing/term")
	cUnit           = col("pricing/unit")
	cLeaseLength    = col("pricing/LeaseContractLength")
	cOfferingClass  = col("pricing/OfferingClass")
	cPurchaseOption = col("pricing/PurchaseOption")
	cRIEffective    = col("reservation/EffectiveCost")
	cRIARN          = col("reservation/ReservationARN")
	cRIStart        = col("reservation/StartTime")
	cRIEnd          = col("reservation/EndTime")
	cRIRecurring    = col("reservation/RecurringFeeForUsage")
	cRIAmortized    = col("reservation/AmortizedUpfrontCostForUsage")
	cRINumber       = col("reservation/NumberOfReservations")
	cRIUnits        = col("reservation/TotalReservedUnits")
	cRIUnitsPer     = col("reservation/UnitsPerReservation")
	cRIUnusedQty    = col("reservation/UnusedQuantity")
	cRIUnusedFee    = col("reservation/UnusedRecurringFee")
	cRIModStatus    = col("reservation/ModificationStatus")
	cRISubscription = col("reservation/SubscriptionId")
	cSPTotalCommit  = col("savingsPlan/TotalCommitmentToDate")
	cSPARN          = col("savingsPlan/SavingsPlanARN")
	cSPRate         = col("savingsPlan/SavingsPlanRate")
	cSPUsedCommit   = col("savingsPlan/UsedCommitment")
	cSPEffective    = col("savingsPlan/SavingsPlanEffectiveCost")
	cSPRecurring    = col("savingsPlan/RecurringCommitmentForBillingPeriod")
	cSPStart        = col("savingsPlan/StartTime")
	cSPEnd          = col("savingsPlan/EndTime")
	cSPOffering     = col("savingsPlan/OfferingType")
	cSPPayment      = col("savingsPlan/PaymentOption")
	cSPTerm         = col("savingsPlan/PurchaseTerm")
	cSPRegion       = col("savingsPlan/Region")
	cSPFamily       = col("savingsPlan/InstanceTypeFamily")
	cBundled        = col("discount/BundledDiscount")
	cTotalDiscount  = col("discount/TotalDiscount")
	cTagCreatedBy   = col("resourceTags/aws:createdBy")
	cTagGroup       = col("resourceTags/user:CmBillingGroup")
	cTagEnv         = col("resourceTags/user:Environment")
	cTagName        = col("resourceTags/user:Name")
	cTagOwner       = col("resourceTags/user:Owner")
	cTagProject     = col("resourceTags/user:Project")
)

// Header returns a copy of the legacy CUR header the CSV writer emits.
func Header() []string { return append([]string(nil), legacyColumns...) }
