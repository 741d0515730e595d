// Package billing turns AWS cost data into exact reseller invoices (DOMAIN.md §2).
//
// # The pipeline
//
// Run does a billing run in one call: Run(ctx, Job{Period, Issuer, Tax, Projects,
// Inputs}). It asks the ProjectSource for the month's projects — each with the
// accounts it owns that month (M-3) and its billing settings — and validates them;
// then it scans each Input (costfile.File reads a CUR or FOCUS file) giving every
// Sink the input asks for its own Aggregator, merges them and calls Compute. Several
// inputs are scanned at once (Job.Parallel, by default GOMAXPROCS of them: a
// month's gzip parts each inflate on one core), and taken in input order as their
// scans end, so the result and the error are those of reading them one after
// another, and memory holds at most Job.Parallel inputs' Aggregators. The
// Result lists each input's InputStats and, after Compute's warnings, each input's
// warnings prefixed with its name. A month too large to read on one machine stays
// where it is: billing/athena's Source is an Input that has Amazon Athena aggregate
// the CUR table and feeds the aggregates to the same Aggregators, for the same
// invoices. A static *Config is a ProjectSource (the invoicing command's); a store
// that keeps only the names of a project's settings (package members) resolves them
// in a Plans catalog with Plans.Project (billing/membersource does).
//
// # The lifecycle (B-12 … B-16)
//
// Run computes; Service keeps. A Service (NewService) over a Store — memstore for
// tests, sqlstore on SQLite or PostgreSQL, both passing billingtest.TestStore —
// runs the month:
//
//   - Ingest stores one version of a payer's monthly report (package
//     billing/reports finds the versions in a directory or S3 and streams their
//     files) as the month's aggregates at full detail (CostData: the Groups of a
//     NewAggregator, which NewAggregatorOf rebuilds and any configuration can
//     price later). A newer version replaces the month atomically; the same one
//     again is Unchanged and an older one ErrStaleReport, both answered before a
//     byte is read; a crash leaves the stored version whole; a version without a
//     row of its month, or whose rows another payer's stored month holds (its
//     Sketch is kept with it), is refused (B-14).
//   - CurrentCharges and OrgCharges (charges.view) price the stored month with the
//     month's projects (M-3: the month-end owner of each account) in the cost
//     currency: per project, account, service and CmBillingGroup value, with
//     LastUpdated, when the data was aggregated (B-13). OrgCharges costs one
//     organization, not the reseller's month: it reads that organization's
//     projects (OrgProjectSource, when the source has it) and only their
//     accounts' cost groups (Store.CostGroupsOf), and equals CurrentCharges
//     filtered to the organization, since a project's invoice depends on no
//     other project's data (its doc comment says why).
//   - Alarms (CreateAlarm …, contacts.edit; at most MaxAlarmsPerAccount) and
//     EvaluateAlarms: the month-to-date charges without upfront fees (IsUpfront),
//     one notice per alarm and month through the Notifier (contacts), recorded in
//     the same transaction as the firing (B-15).
//   - IssueInvoices issues the month's qualified invoices from the Calendar's issue
//     day: Documents numbered gap-free per issuer series and year by the store,
//     immutable in every store (ErrImmutable; the SQL store's triggers refuse an
//     UPDATE or DELETE), with the report versions they came from, the exchange
//     rate with its source and date, and the tax once per rate (B-11, B-12, B-16).
//     Credits of an invoiced month that arrive later (a restated report) are
//     carried to the project's next invoice as LineLateCredits lines, once; the
//     issued one never changes; those of a project without an invoice that month
//     are reported (Issued.Uncarried), never dropped. Too early, or no data:
//     ErrNotReady. IssueCreditNote (適格返還請求書) and CorrectInvoice issue
//     numbered documents referencing the original (a correction keeps the credits
//     its original carried, and a month whose credits were carried already is
//     corrected with a credit note instead, so nothing counts twice; the month's
//     credit notes stand after a correction and count against it). Audit
//     recomputes a month from the stored data and compares it to the issued
//     figures to the yen. Package billing/invoicedoc writes a Document as CSV
//     and as a PDF qualified invoice.
//
// Every step is idempotent (keys, versions, firings), so the monthly job
// (examples/billing-job) is re-run after any failure or crash.
//
// # Overlapping inputs (B-14)
//
// No row is counted twice: inputs that overlap — the same file twice, a copy, two
// versions of one month's report (AWS restates a month under a new assembly id, so a
// glob over the month's directories picks up both) — stop the run with an error
// wrapping ErrOverlap that names both, before anything is computed. Memory stays
// flat: an input reports in InputStats.Sketch a Sketch, a fixed-size sample of its
// row identities (the SketchSize smallest hashes: a bottom-k sketch; costfile hashes
// a CUR row's line item id and usage start, and a row without an id whole), and
// Run compares each input's with those of the inputs before it, when its turn
// comes in input order. Inputs overlap when at least OverlapPercent of the rows sampled from one are
// in the other: copies and versions share all their rows, the parts of one report
// none, and the threshold tolerates the odd line item id AWS repeats across parts.
// Rows repeated inside one input are data, not an overlap. An overlap of less than
// about 1 % of an input can pass unnoticed; an input without a sketch is not
// compared.
//
// # Model
//
// Readers (package billing/costfile) normalize every row of legacy CUR, CUR 2.0 and
// FOCUS files into a LineItem and hand it to a Sink. The engine's Sink is the
// Aggregator: it sums the rows of one billing period (a UTC month, B-1) into groups
// keyed by account, product code, product name, line item type, usage type,
// operation, billing entity, CmBillingGroup tag value and source format — everything
// classification and pricing depend on — with exact fixed-point sums (money.Sum) of
// both cost bases of B-3 (unblended Cost and PublicCost) and no allocation per row
// once a group exists. Rows of other months are counted, not
// charged. Each reader worker has its own Aggregator; Merge combines them.
//
// NewAggregatorFor(period, cfg) makes the same Aggregator knowing the Config first (Run
// uses it): it
// keeps a row's usage type and operation only where cfg's SKU rules (B-5) or the
// domain-registration test (B-8) read them, so a month with tens of thousands of
// distinct usage types collapses to a few thousand groups that stay in cache. The
// result of Compute is identical (a property test proves it); Compute refuses an
// Aggregator projected for a config lacking its SKU rules.
//
// Compute then prices the few aggregates with a Config (DESIGN.md rule 5:
// percentages distribute over sums, so pricing aggregates is exact):
//
//   - B-2/B-3/B-4/B-7/B-8 classification (Classify): Tax rows, the reseller's own
//     discounts (EdpDiscount, PrivateRateDiscount, SppDiscount, DistributorDiscount)
//     and AWS support-plan rows are kept off the bill (and reported in ExcludedUSD);
//     Credit and Refund go to the account's credits; everything else is charged,
//     unknown types too (warned). FOCUS ChargeCategory: Tax → tax, Credit → credit,
//     anything else → charge.
//   - B-5 pricing rules: the most specific matching rule (sku > service >
//     billing_entity > global) multiplies a non-Marketplace charge by (1 − p/100) or
//     (1 + p/100).
//   - B-6 custom items, B-7 support fee (rate of the base, default 0.10, or AWS's
//     support-plan formulas with marginal bands, SupportPlanFee), B-9 CmBillingGroup
//     breakdown, B-10 conversion, B-11 tax once per invoice per rate, B-12 lines.
//
// Compute runs in named stages: route each aggregate to its project and account (or
// to the unassigned accounts), adding it to the project's totals; build each
// invoice's lines; convert them to the invoice currency; compute the tax; collect
// the warnings. The output types (Result, Invoice, Line, …) carry no JSON tags: how
// a result is printed belongs to the program printing it.
//
// # Configuration
//
// Settings are typed (Scope, RuleType, CostBasis, Conversion, SupportPlan,
// CustomItemType, Percent, money.Currency, money.RoundingMode, resellerkit.Month):
// each refuses a bad value when it is decoded and has Valid for values built in Go.
// DecodeConfig (and DecodePlans) read JSON by walking its tokens alongside the Go
// types, letting each typed value decode itself, so every problem — a bad value, a
// key that is no field, a key given twice — is a *ConfigError with its line and
// column wrapping a *resellerkit.ValidationError (Err ErrInvalid, Field the JSON
// path such as "projects[0].pricing_rules[1].percent", Rule the DOMAIN.md rule id
// taken from the field's rule tag, Reason). Config.Validate checks what is left: the
// Go-built values and the rules between fields, reporting every problem in field
// order (errors.Join). Nothing is re-parsed, and no error ignored, after validation.
//
// # Invariants
//
// Money is never a float. Every row of the period lands in exactly one place: an
// invoice's charges, credits or exclusions, or Unassigned (accounts in the data but in
// no project are listed, never dropped). Per-account charges sum to the invoice's
// charges; the lines' USD amounts sum to charges + credits + custom items + support
// fee; the lines' rounded amounts sum to the subtotal; the result does not depend on
// how rows were split over files or workers or in which order they came.
//
// # Choices where DOMAIN.md is silent
//
//   - A null (empty) cost is zero; a non-decimal cost is an error, a *FieldError the
//     reader reports with the column (`file:6: column lineItem/UnblendedCost: "abc" is
//     not a decimal number`).
//   - Cost currency (B-1, B-10): Config.CostCurrency (Job.CostCurrency,
//     Plans.CostCurrency), USD when empty, or JPY. Every row's currency must be it (an
//     empty one is it), else the run stops (ErrCurrency). The exchange rate converts
//     the cost currency into the invoice's: JPY cost data invoiced in JPY is not
//     converted (rate 1, only rounded to whole yen); a USD invoice of JPY cost data is
//     refused, as its rate would be the inverse of a USD→JPY rate, which no decimal
//     holds exactly; so are, with JPY cost data, the settings written in USD (AWS's
//     support-plan formulas with their dollar minimums and bands, flat amount_usd
//     items). The amounts named …USD are in the cost currency (Result.CostCurrency).
//   - Only what the configuration needs is parsed: with no project on the
//     public_on_demand basis the Aggregator of NewAggregatorFor reads no public cost
//     (FieldUser), and a reader only counts a bad pricing/publicOnDemandCost in a
//     warning; its currency (pricing/currency) is checked only where it is charged.
//   - An AWS support-plan row is excluded whatever its type (a support refund too);
//     Tax rows are classified first.
//   - Marketplace rows are not priced; domain registrations are priced but not in
//     the support-fee base. A pricing rule's service is the line's product code (in
//     FOCUS data, ServiceName, e.g. "Amazon Elastic Compute Cloud").
//   - Pricing percent: required (a Percent remembers whether it was given, so a
//     missing one is an error, not 0 %), at most 2 decimals as written ("12.50" is
//     fine, "12.500" and "1e-3" are not), a discount at most 100; two rules with the
//     same scope and target are rejected, as is a target field the scope does not
//     use. A custom item's percent must also be above zero.
//   - Configuration documents: at most MaxConfigSize (10 MiB); a UTF-8 byte order
//     mark is skipped (columns count from after it); keys match field names
//     exactly (encoding/json would accept "Name" for "name"); a key given twice is an
//     error, not "the last wins"; null leaves an optional field unset.
//   - Plans: an empty name selects the default (the zero PricingPlan: unblended, no
//     rules, no items; DefaultSupportFeeRate; no policy). A JPY project of USD cost
//     data needs an exchange-rate policy holding the invoice month's rate, else Plans.Project
//     fails; a USD project may name a policy for its conversion point and rounding
//     and keeps rate 1. The invoice records the rate and its source (the policy's
//     Source, else its name). A plan's custom items name no account.
//   - Run validates the month's projects before reading any input, so a bad
//     configuration never costs a scan of gigabytes; a job with no input is allowed
//     (a month of fees only) and gives invoices without AWS charges.
//   - Lifecycle (Service): current charges and alarms are in the cost currency,
//     tax-exclusive, after the project's pricing rules, without the support fee
//     (ProjectCharges.Estimate adds it); an alarm's metric does not deduct
//     credits, so a credit never hides a runaway cost. Upfront fees are Savings
//     Plans' SavingsPlanUpfrontFee and Reserved Instances' Fee rows of a
//     "HeavyUsage" usage type; FOCUS purchases count. Managing alarms needs
//     contacts.edit on the account (an alarm is a notification setting of it),
//     reading them charges.view. Invoices are issued from Calendar.IssueDay (10th)
//     Japan time, due at the end of the month after the billing month by
//     default; a project with nothing to bill gets no invoice; a month without
//     stored cost data is refused. The exchange rate's date is the billing month's
//     last day (rates are per month, B-10). Late credits are converted at the
//     receiving invoice's rate and are outside the support-fee base; they are
//     looked for over LateCreditMonths (12). The description of a line an
//     operator writes (a custom item's, a credit note's) is one line of the
//     invoice's PDF and CSV: at most 200 characters, no line break or other
//     control character (a configuration written before this rule may hold a
//     longer one: Validate names it, e.g. projects[0].custom_items[1].description,
//     and runs stop until it is shortened). Credit-note amounts are positive (the
//     money returned), in the invoice's currency, at its tax rate and rounding.
//     A credit note (返還インボイス) returns money on the month's transaction and
//     the customer deducts its tax, so a corrected invoice (修正インボイス), which
//     restates what the month bills, leaves the notes standing and does not
//     include them: all notes of a project's month, whichever of its invoices
//     they refer to, return at most the current invoice's subtotal (a note
//     beyond what is outstanding is refused, naming the notes issued), and a
//     correction billing less than they returned is refused, naming them (the
//     customer would get back more than was billed; the reseller settles such a
//     case by hand). Corrections are never refused merely because a note
//     exists: a month billed too little can still be corrected upwards. A
//     note's line names an account on a line of the invoice, or none (a return
//     on the invoice as a whole, such as the support fee); another project's or
//     organization's account is refused (M-7). The invoice-issued
//     notice goes to the project's invoice addresses in ServiceConfig.Language
//     (Japanese by default).
//   - Account ids in the data shorter than 12 digits (spreadsheets strip leading
//     zeros; the FOCUS sample is anonymized that way) are left-padded with zeros, with
//     a warning. Config account ids must be exactly 12 digits, so an id in the data
//     that cannot be an AWS id (13 digits, "ACCT-…") is always unassigned; the reader
//     warns once per such id with its first file:line.
//   - Invoice lines whose USD amount is exactly zero are omitted; the support-fee line
//     only when non-zero. Line order: per account (config order) its services by name
//     then its credits; custom items; the support fee.
//   - Conversion "line" (default) rounds each line half-up (configurable);
//     "total" converts the USD total once and allocates it over the lines by largest
//     remainder, so the lines still sum to the subtotal.
//   - Custom items are taxable, not in the support-fee base; a percent item's base
//     is charges after pricing. Custom credits are lines, not credits_usd.
//   - A negative support-fee base gives a zero rate fee (plans still charge their
//     minimum). B-9 ratios have 4 decimals and sum to exactly 1.
//   - Tax applies to the subtotal as is, credits included; a negative subtotal gets a
//     negative tax rounded with the same mode.
//   - Cost basis (B-3), per project "cost_basis": "unblended" (default) charges the
//     rows' unblended cost; "public_on_demand" charges their list price, LineItem.
//     PublicCost (CUR pricing/publicOnDemandCost, FOCUS ListCost), and pricing rules
//     (markups) apply to it, as AWS Billing Conductor prices billing groups. A row
//     with no public price (an empty PublicCost: AWS leaves it empty on fees, tax,
//     Marketplace and credit rows) counts at its unblended cost, so nothing is
//     dropped. AWS's commitment fees (RIFee, SavingsPlanUpfrontFee,
//     SavingsPlanRecurringFee, and a Reserved Instance's upfront payment, a Fee row
//     of a "HeavyUsage" usage type) and its discounts off the list price
//     (SavingsPlanNegation, BundledDiscount, RiVolumeDiscount) count zero whatever
//     their public cost (Class.NotListPriced): at list price the usage they cover is
//     charged in full (its PublicCost), so the commitment must not count twice. In
//     FOCUS data one ChargeCategory holds every purchase, so the aggregator decides
//     per row (CommitmentNotListPriced): a commitment's Purchase rows (those with a
//     CommitmentDiscountId: a Savings Plan's or Reserved Instance's upfront or
//     recurring fee) and its unused rows (CommitmentDiscountStatus "Unused") count
//     zero, whatever their ListCost (even null, which would otherwise fall back to the
//     BilledCost of the purchase), while the covered usage (status "Used", BilledCost
//     0) counts its ListCost; other rows count their ListCost. On the unblended basis
//     a commitment counts where AWS billed it, in its fee rows (CUR) or Purchase rows
//     (FOCUS BilledCost), with covered and unused usage at their unblended cost (CUR
//     covered usage and its negation net to zero; FOCUS BilledCost is 0 on them).
//     Credits and refunds always count at their unblended cost (they are money AWS
//     gave back, not a price), as do the exclusions (tax, reseller discounts, AWS
//     support) and unassigned accounts. The aggregator applies the fallback row by
//     row, so the public sum stays exact and allocation-free.
package billing
