package billing

import (
	"context"
	"errors"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// The sentinels of the billing lifecycle's Store (B-12 … B-16). Errors wrap them.
var (
	// ErrNotFound: no such report, document or alarm (or one of another
	// organization's, which is not told apart).
	ErrNotFound = errors.New("billing: not found")
	// ErrAlreadyExists: an id already used.
	ErrAlreadyExists = errors.New("billing: already exists")
	// ErrConflict: a concurrent change won (a stale version), or a transaction
	// that could not commit after its retries.
	ErrConflict = errors.New("billing: conflict")
	// ErrStaleReport: a report version older than the one stored for its payer and
	// month, or one that the stored one superseded (B-14). Nothing is changed.
	ErrStaleReport = errors.New("billing: report version older than the stored one")
	// ErrImmutable: an attempt to change or remove an issued document (B-12). Every
	// store refuses it, not only the Service.
	ErrImmutable = errors.New("billing: issued documents cannot be changed")
	// ErrLimit: a limit of the domain is reached, e.g. a fourth alarm on an account
	// (B-15).
	ErrLimit = errors.New("billing: limit reached")
)

// Report identifies one version of one payer account's cost report for one billing
// month (B-14). AWS rewrites a month's report many times; each version has its own
// id: the legacy CUR manifest's assemblyId, the Data Exports (CUR 2.0) manifest's
// executionId.
type Report struct {
	Payer   string            // the payer (management) account's 12-digit id
	Period  resellerkit.Month // the billing month
	Version string            // assemblyId or executionId
	// GeneratedAt orders the versions of one payer and month: when AWS wrote this
	// version (its manifest's last-modified time). A version generated before the
	// stored one is stale.
	GeneratedAt time.Time
}

// CostData is one report version as stored: the month's aggregates (B-13, B-14),
// at full detail (NewAggregator, not projected for a configuration), so any
// configuration can price them later and a past month can be recomputed to the
// yen (the audit of B-12).
type CostData struct {
	Report
	CostCurrency money.Currency // the currency of every amount in Groups (B-1)
	// AggregatedAt is when the data was aggregated: the "last updated" of current
	// charges (B-13).
	AggregatedAt time.Time
	Files        []string // the report's files as the source names them, in order
	Rows         int64    // rows of the period
	OutsideRows  int64    // rows of other months: not charged (B-1)
	Groups       []Group  // the period's aggregates, in Aggregator.Groups order
	// Sketch samples the version's rows (InputStats.Sketch of its inputs, merged),
	// so that the same rows ingested under another payer are refused (B-14); nil
	// when the inputs gave none. Stores keep it (MarshalBinary) and return it
	// with CostReports.
	Sketch *Sketch
}

// PutOutcome says what Store.PutCostData did.
type PutOutcome int

// The outcomes of Store.PutCostData (B-14).
const (
	// Stored: the version is now the month's data for its payer, replacing any
	// older one atomically.
	Stored PutOutcome = iota + 1
	// Unchanged: the same version (same payer, month and Version) was already
	// stored; nothing was written.
	Unchanged
)

// String returns "stored" or "unchanged".
func (o PutOutcome) String() string {
	switch o {
	case Stored:
		return "stored"
	case Unchanged:
		return "unchanged"
	}
	return "unknown"
}

// DocumentKind says what an issued document is (B-12).
type DocumentKind string

// The kinds of issued document.
const (
	// DocInvoice is a qualified invoice (適格請求書) of one project and month. A
	// corrected invoice is a DocInvoice whose Replaces names the one it corrects.
	DocInvoice DocumentKind = "invoice"
	// DocCreditNote is a qualified credit note (適格返還請求書): money returned
	// against an invoice it names in RefersTo.
	DocCreditNote DocumentKind = "credit_note"
)

// Valid reports whether k is a document kind.
func (k DocumentKind) Valid() bool { return k == DocInvoice || k == DocCreditNote }

// Document is an issued invoice or credit note (B-12): everything a qualified
// invoice states, frozen when it is issued. No store changes or removes one
// (ErrImmutable); a correction is a new document that references it.
type Document struct {
	ID string // unique, assigned by the Service
	// Key makes issuing idempotent: a second document with the same Key is not
	// stored, the first is returned ("invoice/<project>/<month>" for a month's
	// invoice).
	Key  string
	Kind DocumentKind
	// Number is assigned by the store when the document is issued: Series, the
	// year and Seq, e.g. "T1234567890123-2026-000042". Numbers are gap-free per
	// Series and Year, whatever the concurrency.
	Number string
	Series string // the numbering series: the issuer's registration number
	Year   int    // the year of IssueDate
	Seq    int64  // 1, 2, … within Series and Year
	// Replaces is, on a corrected invoice, the ID of the invoice it corrects;
	// RefersTo is, on a credit note, the ID of the invoice it returns money on.
	Replaces string
	RefersTo string

	OrgID     string
	ProjectID string
	Period    resellerkit.Month // the month billed: the transaction period

	Issuer      Issuer
	Recipient   string    // who the document is addressed to, e.g. the organization's name
	IssueDate   time.Time // a date: midnight UTC of the calendar day (Japan)
	DueDate     time.Time // a date, as IssueDate; zero on a credit note
	Description string    // free text, e.g. a credit note's reason

	Currency           money.Currency // the document's currency
	CostCurrency       money.Currency // the currency of the lines' exact amounts
	ExchangeRate       money.Decimal  // from CostCurrency to Currency (B-10)
	ExchangeRateSource string
	ExchangeRateDate   time.Time // the date the rate is of, as IssueDate

	// Sources are the cost data versions an invoice was computed from, one per
	// payer (the audit recomputes from them); empty on a credit note.
	Sources []Report

	Lines    []DocumentLine
	Taxes    []TaxAmount // one per rate (B-11)
	Subtotal money.Amount
	Tax      money.Amount
	Total    money.Amount

	IssuedAt time.Time
}

// DocumentLine is one line of an issued document.
type DocumentLine struct {
	Kind        LineKind
	AccountID   string
	Service     string
	ServiceName string
	Description string
	// RefPeriod is the month a carried amount belongs to (LineLateCredits), else
	// zero.
	RefPeriod resellerkit.Month
	TaxRate   money.Decimal // the consumption-tax rate of the line (B-11)
	// AmountCost is the exact amount in the cost currency; Amount is the line in
	// the document's currency, rounded (B-10).
	AmountCost money.Decimal
	Amount     money.Amount
}

// DocumentFilter selects documents in Store.ListDocuments. Zero fields select all.
type DocumentFilter struct {
	OrgID     string
	ProjectID string
	Period    resellerkit.Month
	Kind      DocumentKind
}

// Alarm is a charge alarm (B-15): a threshold on the month-to-date charges of one
// account, or of one value of its CmBillingGroup tag, without upfront fees.
type Alarm struct {
	ID        string
	OrgID     string
	AccountID string
	// OnTag makes the alarm watch the charges whose CmBillingGroup tag is TagValue
	// (an empty TagValue: the untagged ones) instead of the whole account's.
	OnTag     bool
	TagValue  string
	Threshold money.Decimal // in the cost data's currency
	Name      string        // optional label
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int64
}

// AlarmFiring records that an alarm crossed its threshold in a month: at most one
// per alarm and month (B-15).
type AlarmFiring struct {
	AlarmID  string
	OrgID    string
	Period   resellerkit.Month
	Amount   money.Decimal // the month-to-date charges that crossed the threshold
	FiredAt  time.Time
	NoticeID string // the notice sent, when there is one
}

// Store keeps the billing lifecycle: the ingested cost data (B-13, B-14), the
// issued documents (B-12) and the charge alarms (B-15). Its contract, which
// billingtest.TestStore checks on every implementation:
//
//   - InTx has members.Store.InTx's contract (one serializable transaction, joined
//     when ctx carries one; fn may run more than once; ErrConflict when it cannot
//     commit).
//   - Every error is atomic; values are copied in and out; times are UTC at
//     microsecond precision; decimals round-trip exactly (every digit, trailing
//     zeros aside).
//   - Lists page by keyset (resellerkit.Page) in the order the method names; a
//     token no list made wraps resellerkit.ErrPageToken.
type Store interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error

	// PutCostData stores d as its payer's month (B-14), atomically: Stored when
	// there was none or d.GeneratedAt is after the stored version's (which it
	// replaces whole, groups and all); Unchanged, writing nothing, when the stored
	// version has d's Version; an error wrapping ErrStaleReport, changing nothing,
	// when d's Version was stored before and superseded, or d.GeneratedAt is not
	// after the stored version's.
	PutCostData(ctx context.Context, d CostData) (PutOutcome, error)
	// CostReports returns the stored data of period, one per payer ordered by
	// payer, without Groups but with their Sketch.
	CostReports(ctx context.Context, period resellerkit.Month) ([]CostData, error)
	// CostGroups returns the groups of every payer's stored data of period, payer
	// by payer (in payer order), each payer's in stored order. No data: empty.
	CostGroups(ctx context.Context, period resellerkit.Month) ([]Group, error)
	// CostGroupsOf returns the groups of CostGroups(period) whose AccountID is
	// exactly one of accountIDs, in the same order (payer by payer, each payer's in
	// stored order): what one organization's charges read (B-13), without reading
	// every account's. No ids, or none with data: empty. Duplicate ids are
	// harmless.
	CostGroupsOf(ctx context.Context, period resellerkit.Month, accountIDs []string) ([]Group, error)
	// ReportHistory returns every version of payer's month ever stored, oldest
	// first; Groups are empty and only the last one is current.
	ReportHistory(ctx context.Context, payer string, period resellerkit.Month) ([]CostData, error)

	// IssueDocument numbers d and stores it in one transaction: Seq is the next of
	// (d.Series, d.Year), starting at 1, with no gap even under concurrency (a
	// failed transaction uses no number), and Number is formatted from them as
	// Series-YYYY-NNNNNN. It returns the stored document and true; or, when a
	// document with d.Key exists, that one and false, writing nothing.
	// ErrAlreadyExists when d.ID is used under another Key.
	IssueDocument(ctx context.Context, d Document) (Document, bool, error)
	// GetDocument returns the document of orgID (every organization's when orgID
	// is ""). ErrNotFound.
	GetDocument(ctx context.Context, orgID, id string) (Document, error)
	// DocumentByKey returns the document issued with key. ErrNotFound.
	DocumentByKey(ctx context.Context, key string) (Document, error)
	// ListDocuments returns a page of the documents f selects, ordered by Series,
	// Year and Seq (issue order).
	ListDocuments(ctx context.Context, f DocumentFilter, page resellerkit.Page) ([]Document, string, error)

	// CreateAlarm stores a new alarm. ErrAlreadyExists if its id is used.
	CreateAlarm(ctx context.Context, a Alarm) error
	// UpdateAlarm stores a's OnTag, TagValue, Threshold, Name and UpdatedAt if
	// a.Version is current (matching by OrgID and ID), and increments Version.
	// ErrNotFound, ErrConflict.
	UpdateAlarm(ctx context.Context, a Alarm) error
	// DeleteAlarm removes the alarm of orgID, and its firings. ErrNotFound.
	DeleteAlarm(ctx context.Context, orgID, id string) error
	// GetAlarm returns the alarm of orgID. ErrNotFound.
	GetAlarm(ctx context.Context, orgID, id string) (Alarm, error)
	// ListAlarms returns the alarms of orgID's account accountID (every account's
	// when accountID is ""; every organization's when orgID is also ""), ordered
	// by account id then id.
	ListAlarms(ctx context.Context, orgID, accountID string) ([]Alarm, error)
	// RecordFiring stores f unless the alarm already fired in f.Period: true when
	// stored, false (writing nothing) when it had. ErrNotFound if the alarm does
	// not exist.
	RecordFiring(ctx context.Context, f AlarmFiring) (bool, error)
	// ListFirings returns the firings of orgID's alarm, newest month first.
	ListFirings(ctx context.Context, orgID, alarmID string) ([]AlarmFiring, error)
}
