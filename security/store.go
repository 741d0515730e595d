package security

import (
	"context"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
)

// RunState is the state of a maintenance run.
type RunState string

// The states of a run.
const (
	RunRunning  RunState = "running"  // started, not finished (or crashed: resume it)
	RunFinished RunState = "finished" // every item done
)

// Run is one maintenance run over the fleet (S-3).
type Run struct {
	ID         string
	StartedAt  time.Time
	FinishedAt time.Time // zero while running
	State      RunState
	Regions    []string
	// Owner is the runner holding the run (a random id per Maintain call) until
	// LeaseUntil: another runner may take an unfinished run over only once the
	// lease has expired (the holder crashed), so two runners never work one run.
	Owner      string
	LeaseUntil time.Time
	// Totals over the run's items, filled when it finishes.
	Items, Drifted, Repaired, Failed int
}

// Action is what a run did with one item.
type Action string

// The actions of a run item.
const (
	ActionNone     Action = "none"      // compliant: nothing to do
	ActionRepaired Action = "repaired"  // drift repaired
	ActionReported Action = "reported"  // drift reported, not repaired (report-only, or an initial control already set once)
	ActionSkipped  Action = "skipped"   // the control is off in the account's settings: never touched
	ActionFailed   Action = "failed"    // observing or repairing failed; Error says why
	ActionNoRegion Action = "no_region" // the region is not enabled in the account
)

// Item is one account × control × region of a run: desired and observed state,
// drift, and what was done (S-3).
type Item struct {
	RunID     string
	OrgID     string
	AccountID string
	Control   ControlID
	Region    string // "" for a global control
	Desired   bool   // the control is on in the account's settings
	Observed  Observation
	Drift     bool // desired on and not compliant
	Action    Action
	Detail    string // what the repair did
	Error     string
	At        time.Time
}

// Alert is a security finding routed to an account's security contacts (S-4),
// kept once per finding id.
type Alert struct {
	ID         string // the finding's id (ASFF Id): alerts are deduplicated by it; + EscalatedSuffix for a finding raised to an incident since its alert
	OrgID      string
	AccountID  string
	Region     string
	Product    string // e.g. "GuardDuty", "Security Hub"
	Title      string
	Severity   string // the ASFF label: INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL
	Score      int    // the ASFF normalized severity 0..100
	Incident   bool   // at or above the incident threshold: the phones are listed
	Types      []string
	CreatedAt  time.Time // when the finding was first seen (ASFF CreatedAt)
	ReceivedAt time.Time
	NoticeID   string
}

// Store keeps what the security baseline must not lose: settings and their
// changes (S-2), maintenance runs and their items (S-3), whether each initial
// control was set once, and alerts (S-4). securitytest.TestStore checks every
// implementation. InTx has members.Store.InTx's contract; errors wrap the
// package's sentinels; values are copied in and out; times are UTC at microsecond
// precision; lists page by keyset in the order named.
type Store interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error

	// GetSettings returns the saved settings of orgID's account. ErrNotFound when
	// none were saved (the caller uses DefaultSettings).
	GetSettings(ctx context.Context, orgID, accountID string) (Settings, error)
	// PutSettings stores s if s.Version is the stored version (0: none stored),
	// incrementing it, and records ch in the same transaction. ErrConflict.
	PutSettings(ctx context.Context, s Settings, ch Change) error
	// ListChanges returns a page of the changes of orgID's account, newest first.
	ListChanges(ctx context.Context, orgID, accountID string, page resellerkit.Page) ([]Change, string, error)

	// CreateRun stores a new run. ErrAlreadyExists.
	CreateRun(ctx context.Context, r Run) error
	// GetRun returns a run. ErrNotFound.
	GetRun(ctx context.Context, id string) (Run, error)
	// UnfinishedRun returns the latest run still RunRunning. ErrNotFound.
	UnfinishedRun(ctx context.Context) (Run, error)
	// ClaimRun makes owner the holder of the unfinished run id until until, when
	// it holds it already or the run's lease is not after now (expired): true.
	// false, writing nothing, when another owner's lease runs past now or the run
	// is finished. Atomic: of two concurrent claims of a free run, one wins.
	// ErrNotFound.
	ClaimRun(ctx context.Context, id, owner string, now, until time.Time) (bool, error)
	// FinishRun stores r's FinishedAt, State and totals. ErrNotFound.
	FinishRun(ctx context.Context, r Run) error
	// PutItem stores it, replacing the run's item of the same account, control
	// and region. ErrNotFound if the run does not exist.
	PutItem(ctx context.Context, it Item) error
	// ListItems returns a run's items of orgID's account (every account's when
	// accountID is ""; every organization's when orgID is also ""), ordered by
	// account, control and region.
	ListItems(ctx context.Context, runID, orgID, accountID string) ([]Item, error)
	// LastItems returns the items of orgID's account in the latest run that has
	// some (its drift as last observed), and that run. ErrNotFound when no run
	// reached the account.
	LastItems(ctx context.Context, orgID, accountID string) (Run, []Item, error)

	// MarkInitialized records that an initial control was set (or found set) once
	// in the account and region; Initialized tells.
	MarkInitialized(ctx context.Context, accountID string, c ControlID, region string, at time.Time) error
	Initialized(ctx context.Context, accountID string, c ControlID, region string) (bool, error)

	// PutAlert stores a unless an alert with its ID exists: true when stored,
	// false (writing nothing) when it existed.
	PutAlert(ctx context.Context, a Alert) (bool, error)
	// ListAlerts returns a page of orgID's alerts (one account's when accountID is
	// set), newest first (ReceivedAt, then ID).
	ListAlerts(ctx context.Context, orgID, accountID string, page resellerkit.Page) ([]Alert, string, error)
}
