package billing

import (
	"cmp"
	"context"
	"crypto/rand"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// Authorizer is what the lifecycle Service needs from members (members.Service
// implements it): billing keeps no authorization of its own.
type Authorizer interface {
	// Authorize checks p's permission need in orgID (M-5, M-6, M-7).
	Authorize(ctx context.Context, p members.Principal, orgID string, need members.Permission) error
	// GetAccount returns the account of orgID that p may see (account.view).
	GetAccount(ctx context.Context, p members.Principal, orgID, accountID string) (members.Account, error)
}

// Notifier writes notices to the outbox (contacts.Service implements it). Notify is
// idempotent by NewNotice.Key, which is how the Service sends at most one notice
// per alarm and month and per issued invoice, whatever the re-runs.
type Notifier interface {
	Notify(ctx context.Context, n contacts.NewNotice) (contacts.Notice, error)
}

// Service is the billing lifecycle (DOMAIN.md §2, B-12 … B-16): it ingests report
// versions into a Store, answers current charges, evaluates charge alarms, issues
// numbered immutable invoices and credit notes, and audits issued months against
// the stored data. Computation is the engine's (Compute); the Service decides what
// is computed from which stored data, and keeps the outcome.
type Service struct {
	store        Store
	projects     ProjectSource // invoicing: projects in their invoice currency
	charges      ProjectSource // current charges and alarms: in the cost currency
	auth         Authorizer
	notifier     Notifier
	issuer       Issuer
	tax          Tax
	costCurrency money.Currency
	calendar     Calendar
	language     contacts.Language
	urls         URLs
	now          func() time.Time
	newID        func() string
	lookback     int
	onIssued     func(Document, bool)
	parallel     int // inputs Ingest scans at once (ServiceConfig.ParallelInputs)
}

// ServiceConfig is what a Service is made of. Store, Projects and Issuer are
// required.
type ServiceConfig struct {
	Store Store
	// Projects gives each month's projects in their invoice currency, for
	// invoices (e.g. membersource.New).
	Projects ProjectSource
	// ChargeProjects gives them in the cost currency, for current charges and
	// alarms, which are shown before the month's exchange rate is known (e.g.
	// membersource.New(…).InCostCurrency()); nil means Projects.
	ChargeProjects ProjectSource
	// Authorizer checks the callers of the customer-facing methods; nil refuses
	// them all (ErrPermission).
	Authorizer Authorizer
	// Notifier sends the charge-alarm and invoice-issued notices; nil sends none.
	Notifier     Notifier
	Issuer       Issuer
	Tax          Tax
	CostCurrency money.Currency // the cost data's currency; empty means USD (B-1)
	Calendar     Calendar
	// Language of the invoice-issued notice (addressed by the project's invoice
	// recipients, who have no language of their own); empty means Japanese.
	Language contacts.Language
	URLs     URLs
	// Now is the clock (default time.Now); NewID makes document and alarm ids
	// (default 26 random base32 characters).
	Now   func() time.Time
	NewID func() string
	// LateCreditMonths is how many months back an issue looks for credits that
	// arrived after an invoice (B-16); 0 means 12.
	LateCreditMonths int
	// OnIssued, when set, is called after each invoice IssueInvoices stored or
	// found stored (created false), in order: a job's progress line.
	OnIssued func(d Document, created bool)
	// ParallelInputs is how many of a report version's files Ingest scans at once,
	// as Job.Parallel for Run: 1 reads them one after another; 0 means
	// runtime.GOMAXPROCS(0); either way at most MaxParallelInputs. The result is
	// the same whatever the value. The trade-off is memory: every file in flight
	// holds its reader's buffers and its workers' Aggregators (one group per
	// distinct key of the file), so a month of many large gzip parts, each read
	// on one core, is faster with several at once but needs that much more
	// memory; 1 keeps the least. Negative is invalid.
	ParallelInputs int
}

// URLs builds the links notices carry; the zero value uses relative paths.
type URLs struct {
	// Base is the portal's origin, e.g. "https://members.example.com".
	Base string
}

func (u URLs) document(d *Document) string {
	return fmt.Sprintf("%s/orgs/%s/documents/%s", u.Base, d.OrgID, d.ID)
}

func (u URLs) charges(orgID, accountID string) string {
	return fmt.Sprintf("%s/orgs/%s/accounts/%s/charges", u.Base, orgID, accountID)
}

// NewService returns the lifecycle Service of cfg, or an error wrapping ErrInvalid
// naming what is missing or wrong.
func NewService(cfg ServiceConfig) (*Service, error) {
	if cfg.Store == nil {
		return nil, resellerkit.Invalid(ErrInvalid, "store", "", "B-14", "a Store is required")
	}
	if cfg.Projects == nil {
		return nil, resellerkit.Invalid(ErrInvalid, "projects", "", "M-2", "a ProjectSource is required")
	}
	cur := cmp.Or(cfg.CostCurrency, money.USD)
	if !cur.Valid() {
		return nil, resellerkit.Invalid(ErrInvalid, "cost_currency", string(cur), "B-1", "want JPY or USD")
	}
	probe := &Config{Issuer: cfg.Issuer, Tax: cfg.Tax, CostCurrency: cur, Projects: []Project{{ID: "probe", Currency: cur, Accounts: []string{"000000000000"}}}}
	if err := probe.Validate(); err != nil {
		return nil, err
	}
	if err := cfg.Calendar.validate(); err != nil {
		return nil, err
	}
	if cfg.ParallelInputs < 0 {
		return nil, resellerkit.Invalid(ErrInvalid, "parallel_inputs", strconv.Itoa(cfg.ParallelInputs), "B-1", "want the number of files Ingest scans at once, or 0 for GOMAXPROCS")
	}
	s := &Service{parallel: cfg.ParallelInputs, store: cfg.Store, projects: cfg.Projects, charges: cmp.Or[ProjectSource](cfg.ChargeProjects, cfg.Projects),
		auth: cfg.Authorizer, notifier: cfg.Notifier, issuer: cfg.Issuer, tax: cfg.Tax, costCurrency: cur,
		calendar: cfg.Calendar, language: cmp.Or(cfg.Language, contacts.Japanese), urls: cfg.URLs,
		now: cfg.Now, newID: cfg.NewID, lookback: cmp.Or(cfg.LateCreditMonths, 12), onIssued: cfg.OnIssued}
	if s.now == nil {
		s.now = time.Now
	}
	if s.newID == nil {
		s.newID = func() string { return strings.ToLower(rand.Text()) }
	}
	return s, nil
}

// CostCurrency returns the cost data's currency: the currency of current
// charges, alarm thresholds and the exact amounts of documents (B-1).
func (s *Service) CostCurrency() money.Currency { return s.costCurrency }

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// authorize checks p's permission in orgID through the Authorizer; its errors
// (members.ErrPermissionDenied, members.ErrNotFound, …) are returned as they are.
// An empty orgID is refused here, whatever the Authorizer would say: the store
// reads every organization's data for "" (M-7).
func (s *Service) authorize(ctx context.Context, p members.Principal, orgID string, need members.Permission) error {
	if orgID == "" {
		return resellerkit.Invalid(ErrInvalid, "org_id", "", "M-7", "required: the organization acted on")
	}
	if s.auth == nil {
		return fmt.Errorf("billing: no Authorizer configured: %w", members.ErrPermissionDenied)
	}
	return s.auth.Authorize(ctx, p, orgID, need)
}

// computed is one billing month computed from the stored data.
type computed struct {
	result   *Result
	reports  []CostData
	projects []Project // as the source gave them, late credits added
}

// compute prices period from the stored cost data with the projects of src (and
// late, when set, added to projects by id), reading the reports and the groups in
// one transaction so a concurrent ingestion is seen whole or not at all. keep, when
// set, selects the groups (the alarms leave out upfront fees).
func (s *Service) compute(ctx context.Context, period resellerkit.Month, src ProjectSource, keep func(*Group) bool, late map[string][]LateCredit) (*computed, error) {
	reports, groups, err := s.stored(ctx, period, nil)
	if err != nil {
		return nil, err
	}
	projects, err := src.ProjectsFor(ctx, period)
	if err != nil {
		return nil, err
	}
	return s.price(period, reports, groups, projects, keep, late)
}

// stored reads period's reports and, in the same transaction, its groups: every
// account's when accounts is nil, else only those of the listed account ids
// (Store.CostGroupsOf).
func (s *Service) stored(ctx context.Context, period resellerkit.Month, accounts []string) ([]CostData, []Group, error) {
	var (
		reports []CostData
		groups  []Group
	)
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if reports, err = s.store.CostReports(ctx, period); err != nil {
			return err
		}
		if accounts == nil {
			groups, err = s.store.CostGroups(ctx, period)
		} else {
			groups, err = s.store.CostGroupsOf(ctx, period, accounts)
		}
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	for _, r := range reports {
		if r.CostCurrency != s.costCurrency {
			return nil, nil, fmt.Errorf("billing: %s: the stored data of payer %s is in %s, the configuration expects %s (B-1): %w",
				period, r.Payer, r.CostCurrency, s.costCurrency, ErrCurrency)
		}
	}
	return reports, groups, nil
}

// price computes period from the stored reports and groups (those keep selects,
// all when nil) with projects, late credits added.
func (s *Service) price(period resellerkit.Month, reports []CostData, groups []Group, projects []Project, keep func(*Group) bool, late map[string][]LateCredit) (*computed, error) {
	agg := NewAggregator(period)
	agg.setCurrency(s.costCurrency)
	for i := range groups {
		if keep != nil && !keep(&groups[i]) {
			continue
		}
		if err := agg.AddGroup(groups[i]); err != nil {
			return nil, err
		}
	}
	for i := range projects {
		projects[i].LateCredits = append(projects[i].LateCredits, late[projects[i].ID]...)
	}
	cfg := &Config{Issuer: s.issuer, Tax: s.tax, CostCurrency: s.costCurrency, Projects: projects}
	if len(projects) == 0 {
		// Compute refuses a config without projects; a month with none has no invoices.
		return &computed{result: &Result{Period: period, Issuer: s.issuer, CostCurrency: s.costCurrency, Invoices: []Invoice{}}, reports: reports, projects: projects}, nil
	}
	res, err := Compute(cfg, agg)
	if err != nil {
		return nil, err
	}
	return &computed{result: res, reports: reports, projects: projects}, nil
}

// projectOf returns the project's configuration of period by id, from src.
func projectOf(projects []Project, id string) (*Project, bool) {
	for i := range projects {
		if projects[i].ID == id {
			return &projects[i], true
		}
	}
	return nil, false
}
