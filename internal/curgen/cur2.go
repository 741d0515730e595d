package curgen

// This file is the CUR 2.0 Parquet schema, derived column by column from
// legacyColumns (columns.go): keep the two in sync.

import "time"

// cur2Row is one CUR 2.0 row as AWS Data Exports writes it to Parquet: snake_case
// column names, product attributes and resource tags in map columns, costs and
// amounts as DOUBLE, dates as timestamps.
type cur2Row struct {
	IdentityLineItemId                                    string            `parquet:"identity_line_item_id,optional"`
	IdentityTimeInterval                                  string            `parquet:"identity_time_interval,optional"`
	BillInvoiceId                                         string            `parquet:"bill_invoice_id,optional"`
	BillBillingEntity                                     string            `parquet:"bill_billing_entity,optional"`
	BillBillType                                          string            `parquet:"bill_bill_type,optional"`
	BillPayerAccountId                                    string            `parquet:"bill_payer_account_id,optional"`
	BillBillingPeriodStartDate                            time.Time         `parquet:"bill_billing_period_start_date,timestamp(millisecond)"`
	BillBillingPeriodEndDate                              time.Time         `parquet:"bill_billing_period_end_date,timestamp(millisecond)"`
	LineItemUsageAccountId                                string            `parquet:"line_item_usage_account_id,optional"`
	LineItemLineItemType                                  string            `parquet:"line_item_line_item_type,optional"`
	LineItemUsageStartDate                                time.Time         `parquet:"line_item_usage_start_date,timestamp(millisecond)"`
	LineItemUsageEndDate                                  time.Time         `parquet:"line_item_usage_end_date,timestamp(millisecond)"`
	LineItemProductCode                                   string            `parquet:"line_item_product_code,optional"`
	LineItemUsageType                                     string            `parquet:"line_item_usage_type,optional"`
	LineItemOperation                                     string            `parquet:"line_item_operation,optional"`
	LineItemAvailabilityZone                              string            `parquet:"line_item_availability_zone,optional"`
	LineItemResourceId                                    string            `parquet:"line_item_resource_id,optional"`
	LineItemUsageAmount                                   *float64          `parquet:"line_item_usage_amount,optional"`
	LineItemNormalizationFactor                           *float64          `parquet:"line_item_normalization_factor,optional"`
	LineItemNormalizedUsageAmount                         *float64          `parquet:"line_item_normalized_usage_amount,optional"`
	LineItemCurrencyCode                                  string            `parquet:"line_item_currency_code,optional"`
	LineItemUnblendedRate                                 string            `parquet:"line_item_unblended_rate,optional"`
	LineItemUnblendedCost                                 *float64          `parquet:"line_item_unblended_cost,optional"`
	LineItemBlendedRate                                   string            `parquet:"line_item_blended_rate,optional"`
	LineItemBlendedCost                                   *float64          `parquet:"line_item_blended_cost,optional"`
	LineItemLineItemDescription                           string            `parquet:"line_item_line_item_description,optional"`
	LineItemTaxType                                       string            `parquet:"line_item_tax_type,optional"`
	LineItemLegalEntity                                   string            `parquet:"line_item_legal_entity,optional"`
	ProductFromLocation                                   string            `parquet:"product_from_location,optional"`
	ProductFromLocationType                               string            `parquet:"product_from_location_type,optional"`
	ProductInstanceFamily                                 string            `parquet:"product_instance_family,optional"`
	ProductInstanceType                                   string            `parquet:"product_instance_type,optional"`
	ProductLocation                                       string            `parquet:"product_location,optional"`
	ProductLocationType                                   string            `parquet:"product_location_type,optional"`
	ProductOperation                                      string            `parquet:"product_operation,optional"`
	ProductProductFamily                                  string            `parquet:"product_product_family,optional"`
	ProductServicecode                                    string            `parquet:"product_servicecode,optional"`
	ProductSku                                            string            `parquet:"product_sku,optional"`
	ProductToLocation                                     string            `parquet:"product_to_location,optional"`
	ProductToLocationType                                 string            `parquet:"product_to_location_type,optional"`
	ProductUsagetype                                      string            `parquet:"product_usagetype,optional"`
	PricingLeaseContractLength                            string            `parquet:"pricing_lease_contract_length,optional"`
	PricingOfferingClass                                  string            `parquet:"pricing_offering_class,optional"`
	PricingPurchaseOption                                 string            `parquet:"pricing_purchase_option,optional"`
	PricingCurrency                                       string            `parquet:"pricing_currency,optional"`
	PricingPublicOnDemandCost                             *float64          `parquet:"pricing_public_on_demand_cost,optional"`
	PricingPublicOnDemandRate                             string            `parquet:"pricing_public_on_demand_rate,optional"`
	PricingTerm                                           string            `parquet:"pricing_term,optional"`
	PricingUnit                                           string            `parquet:"pricing_unit,optional"`
	ReservationAmortizedUpfrontCostForUsage               *float64          `parquet:"reservation_amortized_upfront_cost_for_usage,optional"`
	ReservationAmortizedUpfrontFeeForBillingPeriod        *float64          `parquet:"reservation_amortized_upfront_fee_for_billing_period,optional"`
	ReservationEffectiveCost                              *float64          `parquet:"reservation_effective_cost,optional"`
	ReservationEndTime                                    string            `parquet:"reservation_end_time,optional"`
	ReservationModificationStatus                         string            `parquet:"reservation_modification_status,optional"`
	ReservationNumberOfReservations                       string            `parquet:"reservation_number_of_reservations,optional"`
	ReservationRecurringFeeForUsage                       *float64          `parquet:"reservation_recurring_fee_for_usage,optional"`
	ReservationReservationARN                             string            `parquet:"reservation_reservation_a_r_n,optional"`
	ReservationStartTime                                  string            `parquet:"reservation_start_time,optional"`
	ReservationSubscriptionId                             string            `parquet:"reservation_subscription_id,optional"`
	ReservationTotalReservedUnits                         *float64          `parquet:"reservation_total_reserved_units,optional"`
	ReservationUnitsPerReservation                        string            `parquet:"reservation_units_per_reservation,optional"`
	ReservationUnusedQuantity                             *float64          `parquet:"reservation_unused_quantity,optional"`
	ReservationUnusedRecurringFee                         *float64          `parquet:"reservation_unused_recurring_fee,optional"`
	SavingsPlanTotalCommitmentToDate                      *float64          `parquet:"savings_plan_total_commitment_to_date,optional"`
	SavingsPlanSavingsPlanARN                             string            `parquet:"savings_plan_savings_plan_a_r_n,optional"`
	SavingsPlanSavingsPlanRate                            *float64          `parquet:"savings_plan_savings_plan_rate,optional"`
	SavingsPlanUsedCommitment                             *float64          `parquet:"savings_plan_used_commitment,optional"`
	SavingsPlanSavingsPlanEffectiveCost                   *float64          `parquet:"savings_plan_savings_plan_effective_cost,optional"`
	SavingsPlanAmortizedUpfrontCommitmentForBillingPeriod *float64          `parquet:"savings_plan_amortized_upfront_commitment_for_billing_period,optional"`
	SavingsPlanRecurringCommitmentForBillingPeriod        *float64          `parquet:"savings_plan_recurring_commitment_for_billing_period,optional"`
	SavingsPlanStartTime                                  string            `parquet:"savings_plan_start_time,optional"`
	SavingsPlanEndTime                                    string            `parquet:"savings_plan_end_time,optional"`
	SavingsPlanOfferingType                               string            `parquet:"savings_plan_offering_type,optional"`
	SavingsPlanPaymentOption                              string            `parquet:"savings_plan_payment_option,optional"`
	SavingsPlanPurchaseTerm                               string            `parquet:"savings_plan_purchase_term,optional"`
	SavingsPlanRegion                                     string            `parquet:"savings_plan_region,optional"`
	SavingsPlanInstanceTypeFamily                         string            `parquet:"savings_plan_instance_type_family,optional"`
	DiscountBundledDiscount                               *float64          `parquet:"discount_bundled_discount,optional"`
	DiscountTotalDiscount                                 *float64          `parquet:"discount_total_discount,optional"`
	BillInvoicingEntity                                   string            `parquet:"bill_invoicing_entity,optional"`
	Product                                               map[string]string `parquet:"product"`
	ResourceTags                                          map[string]string `parquet:"resource_tags"`
}

// cur2Fields maps legacy column indices to the CUR 2.0 scalar fields.
var cur2Strings = []struct {
	col int
	set func(*cur2Row, string)
}{
	{col("identity/LineItemId"), func(r *cur2Row, v string) { r.IdentityLineItemId = v }},
	{col("identity/TimeInterval"), func(r *cur2Row, v string) { r.IdentityTimeInterval = v }},
	{col("bill/InvoiceId"), func(r *cur2Row, v string) { r.BillInvoiceId = v }},
	{col("bill/BillingEntity"), func(r *cur2Row, v string) { r.BillBillingEntity = v }},
	{col("bill/BillType"), func(r *cur2Row, v string) { r.BillBillType = v }},
	{col("bill/PayerAccountId"), func(r *cur2Row, v string) { r.BillPayerAccountId = v }},
	{col("lineItem/UsageAccountId"), func(r *cur2Row, v string) { r.LineItemUsageAccountId = v }},
	{col("lineItem/LineItemType"), func(r *cur2Row, v string) { r.LineItemLineItemType = v }},
	{col("lineItem/ProductCode"), func(r *cur2Row, v string) { r.LineItemProductCode = v }},
	{col("lineItem/UsageType"), func(r *cur2Row, v string) { r.LineItemUsageType = v }},
	{col("lineItem/Operation"), func(r *cur2Row, v string) { r.LineItemOperation = v }},
	{col("lineItem/AvailabilityZone"), func(r *cur2Row, v string) { r.LineItemAvailabilityZone = v }},
	{col("lineItem/ResourceId"), func(r *cur2Row, v string) { r.LineItemResourceId = v }},
	{col("lineItem/CurrencyCode"), func(r *cur2Row, v string) { r.LineItemCurrencyCode = v }},
	{col("lineItem/UnblendedRate"), func(r *cur2Row, v string) { r.LineItemUnblendedRate = v }},
	{col("lineItem/BlendedRate"), func(r *cur2Row, v string) { r.LineItemBlendedRate = v }},
	{col("lineItem/LineItemDescription"), func(r *cur2Row, v string) { r.LineItemLineItemDescription = v }},
	{col("lineItem/TaxType"), func(r *cur2Row, v string) { r.LineItemTaxType = v }},
	{col("lineItem/LegalEntity"), func(r *cur2Row, v string) { r.LineItemLegalEntity = v }},
	{col("product/fromLocation"), func(r *cur2Row, v string) { r.ProductFromLocation = v }},
	{col("product/fromLocationType"), func(r *cur2Row, v string) { r.ProductFromLocationType = v }},
	{col("product/instanceFamily"), func(r *cur2Row, v string) { r.ProductInstanceFamily = v }},
	{col("product/instanceType"), func(r *cur2Row, v string) { r.ProductInstanceType = v }},
	{col("product/location"), func(r *cur2Row, v string) { r.ProductLocation = v }},
	{col("product/locationType"), func(r *cur2Row, v string) { r.ProductLocationType = v }},
	{col("product/operation"), func(r *cur2Row, v string) { r.ProductOperation = v }},
	{col("product/productFamily"), func(r *cur2Row, v string) { r.ProductProductFamily = v }},
	{col("product/servicecode"), func(r *cur2Row, v string) { r.ProductServicecode = v }},
	{col("product/sku"), func(r *cur2Row, v string) { r.ProductSku = v }},
	{col("product/toLocation"), func(r *cur2Row, v string) { r.ProductToLocation = v }},
	{col("product/toLocationType"), func(r *cur2Row, v string) { r.ProductToLocationType = v }},
	{col("product/usagetype"), func(r *cur2Row, v string) { r.ProductUsagetype = v }},
	{col("pricing/LeaseContractLength"), func(r *cur2Row, v string) { r.PricingLeaseContractLength = v }},
	{col("pricing/OfferingClass"), func(r *cur2Row, v string) { r.PricingOfferingClass = v }},
	{col("pricing/PurchaseOption"), func(r *cur2Row, v string) { r.PricingPurchaseOption = v }},
	{col("pricing/currency"), func(r *cur2Row, v string) { r.PricingCurrency = v }},
	{col("pricing/publicOnDemandRate"), func(r *cur2Row, v string) { r.PricingPublicOnDemandRate = v }},
	{col("pricing/term"), func(r *cur2Row, v string) { r.PricingTerm = v }},
	{col("pricing/unit"), func(r *cur2Row, v string) { r.PricingUnit = v }},
	{col("reservation/EndTime"), func(r *cur2Row, v string) { r.ReservationEndTime = v }},
	{col("reservation/ModificationStatus"), func(r *cur2Row, v string) { r.ReservationModificationStatus = v }},
	{col("reservation/NumberOfReservations"), func(r *cur2Row, v string) { r.ReservationNumberOfReservations = v }},
	{col("reservation/ReservationARN"), func(r *cur2Row, v string) { r.ReservationReservationARN = v }},
	{col("reservation/StartTime"), func(r *cur2Row, v string) { r.ReservationStartTime = v }},
	{col("reservation/SubscriptionId"), func(r *cur2Row, v string) { r.ReservationSubscriptionId = v }},
	{col("reservation/UnitsPerReservation"), func(r *cur2Row, v string) { r.ReservationUnitsPerReservation = v }},
	{col("savingsPlan/SavingsPlanARN"), func(r *cur2Row, v string) { r.SavingsPlanSavingsPlanARN = v }},
	{col("savingsPlan/StartTime"), func(r *cur2Row, v string) { r.SavingsPlanStartTime = v }},
	{col("savingsPlan/EndTime"), func(r *cur2Row, v string) { r.SavingsPlanEndTime = v }},
	{col("savingsPlan/OfferingType"), func(r *cur2Row, v string) { r.SavingsPlanOfferingType = v }},
	{col("savingsPlan/PaymentOption"), func(r *cur2Row, v string) { r.SavingsPlanPaymentOption = v }},
	{col("savingsPlan/PurchaseTerm"), func(r *cur2Row, v string) { r.SavingsPlanPurchaseTerm = v }},
	{col("savingsPlan/Region"), func(r *cur2Row, v string) { r.SavingsPlanRegion = v }},
	{col("savingsPlan/InstanceTypeFamily"), func(r *cur2Row, v string) { r.SavingsPlanInstanceTypeFamily = v }},
}

var cur2Doubles = []struct {
	col int
	set func(*cur2Row, *float64)
}{
	{col("lineItem/UsageAmount"), func(r *cur2Row, v *float64) { r.LineItemUsageAmount = v }},
	{col("lineItem/NormalizationFactor"), func(r *cur2Row, v *float64) { r.LineItemNormalizationFactor = v }},
	{col("lineItem/NormalizedUsageAmount"), func(r *cur2Row, v *float64) { r.LineItemNormalizedUsageAmount = v }},
	{col("lineItem/UnblendedCost"), func(r *cur2Row, v *float64) { r.LineItemUnblendedCost = v }},
	{col("lineItem/BlendedCost"), func(r *cur2Row, v *float64) { r.LineItemBlendedCost = v }},
	{col("pricing/publicOnDemandCost"), func(r *cur2Row, v *float64) { r.PricingPublicOnDemandCost = v }},
	{col("reservation/AmortizedUpfrontCostForUsage"), func(r *cur2Row, v *float64) { r.ReservationAmortizedUpfrontCostForUsage = v }},
	{col("reservation/AmortizedUpfrontFeeForBillingPeriod"), func(r *cur2Row, v *float64) { r.ReservationAmortizedUpfrontFeeForBillingPeriod = v }},
	{col("reservation/EffectiveCost"), func(r *cur2Row, v *float64) { r.ReservationEffectiveCost = v }},
	{col("reservation/RecurringFeeForUsage"), func(r *cur2Row, v *float64) { r.ReservationRecurringFeeForUsage = v }},
	{col("reservation/TotalReservedUnits"), func(r *cur2Row, v *float64) { r.ReservationTotalReservedUnits = v }},
	{col("reservation/UnusedQuantity"), func(r *cur2Row, v *float64) { r.ReservationUnusedQuantity = v }},
	{col("reservation/UnusedRecurringFee"), func(r *cur2Row, v *float64) { r.ReservationUnusedRecurringFee = v }},
	{col("savingsPlan/TotalCommitmentToDate"), func(r *cur2Row, v *float64) { r.SavingsPlanTotalCommitmentToDate = v }},
	{col("savingsPlan/SavingsPlanRate"), func(r *cur2Row, v *float64) { r.SavingsPlanSavingsPlanRate = v }},
	{col("savingsPlan/UsedCommitment"), func(r *cur2Row, v *float64) { r.SavingsPlanUsedCommitment = v }},
	{col("savingsPlan/SavingsPlanEffectiveCost"), func(r *cur2Row, v *float64) { r.SavingsPlanSavingsPlanEffectiveCost = v }},
	{col("savingsPlan/AmortizedUpfrontCommitmentForBillingPeriod"), func(r *cur2Row, v *float64) { r.SavingsPlanAmortizedUpfrontCommitmentForBillingPeriod = v }},
	{col("savingsPlan/RecurringCommitmentForBillingPeriod"), func(r *cur2Row, v *float64) { r.SavingsPlanRecurringCommitmentForBillingPeriod = v }},
	{col("discount/BundledDiscount"), func(r *cur2Row, v *float64) { r.DiscountBundledDiscount = v }},
	{col("discount/TotalDiscount"), func(r *cur2Row, v *float64) { r.DiscountTotalDiscount = v }},
}

// cur2MapKeys maps legacy product columns to keys of the CUR 2.0 product map.
var cur2ProductKeys = []kv{
	{col("product/ProductName"), "product_name"},
	{col("product/availability"), "availability"},
	{col("product/availabilityZone"), "availability_zone"},
	{col("product/capacitystatus"), "capacitystatus"},
	{col("product/currentGeneration"), "current_generation"},
	{col("product/databaseEngine"), "database_engine"},
	{col("product/deploymentOption"), "deployment_option"},
	{col("product/description"), "description"},
	{col("product/durability"), "durability"},
	{col("product/engineCode"), "engine_code"},
	{col("product/enhancedNetworkingSupported"), "enhanced_networking_supported"},
	{col("product/group"), "group"},
	{col("product/groupDescription"), "group_description"},
	{col("product/instanceTypeFamily"), "instance_type_family"},
	{col("product/licenseModel"), "license_model"},
	{col("product/marketoption"), "marketoption"},
	{col("product/maxIopsvolume"), "max_iopsvolume"},
	{col("product/maxThroughputvolume"), "max_throughputvolume"},
	{col("product/maxVolumeSize"), "max_volume_size"},
	{col("product/memory"), "memory"},
	{col("product/networkPerformance"), "network_performance"},
	{col("product/normalizationSizeFactor"), "normalization_size_factor"},
	{col("product/operatingSystem"), "operating_system"},
	{col("product/physicalProcessor"), "physical_processor"},
	{col("product/preInstalledSw"), "pre_installed_sw"},
	{col("product/processorArchitecture"), "processor_architecture"},
	{col("product/region"), "region"},
	{col("product/storage"), "storage"},
	{col("product/storageClass"), "storage_class"},
	{col("product/storageMedia"), "storage_media"},
	{col("product/tenancy"), "tenancy"},
	{col("product/transferType"), "transfer_type"},
	{col("product/vcpu"), "vcpu"},
	{col("product/volumeApiName"), "volume_api_name"},
	{col("product/volumeType"), "volume_type"},
	{col("product/vpcnetworkingsupport"), "vpcnetworkingsupport"},
}

// cur2TagKeys maps legacy resource-tag columns to keys of the resource_tags map.
var cur2TagKeys = []kv{
	{col("resourceTags/aws:createdBy"), "aws_createdBy"},
	{col("resourceTags/user:CmBillingGroup"), "user_CmBillingGroup"},
	{col("resourceTags/user:Environment"), "user_Environment"},
	{col("resourceTags/user:Name"), "user_Name"},
	{col("resourceTags/user:Owner"), "user_Owner"},
	{col("resourceTags/user:Project"), "user_Project"},
}
