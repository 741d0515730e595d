package security

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/members"
)

// Members is what security needs from members (members.Service implements it):
// security keeps no authorization of its own.
type Members interface {
	// Authorize checks p's permission need in orgID (M-5, M-6, M-7).
	Authorize(ctx context.Context, p members.Principal, orgID string, need members.Permission) error
	// GetAccount returns the account of orgID that p may see (account.view).
	GetAccount(ctx context.Context, p members.Principal, orgID, accountID string) (members.Account, error)
	// ProjectOwning returns the organization owning an account in a month: how a
	// finding, which names only its account, is routed.
	ProjectOwning(ctx context.Context, accountID string, m resellerkit.Month) (members.AccountOwner, error)
}

// Notifier writes notices to the outbox (contacts.Service implements it),
// idempotent by NewNotice.Key.
type Notifier interface {
	Notify(ctx context.Context, n contacts.NewNotice) (contacts.Notice, error)
}

// Service is the security baseline's API: settings (S-2), maintenance runs (S-3)
// and alerts (S-4).
type Service struct {
	store    Store
	members  Members
	notifier Notifier
	checks   map[ControlID]Check
	regions  []string
	workers  int
	incident int
	baseURL  string
	now      func() time.Time
	newID    func() string
}

// Config is what a Service is made of. Store and Members are required.
type Config struct {
	Store   Store
	Members Members
	// Notifier sends the maintenance summaries and alerts; nil sends none.
	Notifier Notifier
	// Checks are the adapters, at most one per control; a control without one is
	// not maintained (runs record no item for it).
	Checks []Check
	// Regions are where regional controls are kept, e.g. ["ap-northeast-1",
	// "us-east-1"]; at least one when a regional control has a Check.
	Regions []string
	// Workers bounds the accounts maintained at once (default 8).
	Workers int
	// IncidentScore is the ASFF normalized severity from which an alert is an
	// incident whose notice lists the emergency phones (S-4); 0 means 70 (HIGH).
	IncidentScore int
	// BaseURL is the portal's origin for links in notices.
	BaseURL string
	Now     func() time.Time
	NewID   func() string
}

// NewService returns the Service of cfg, or an error wrapping ErrInvalid.
func NewService(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Members == nil {
		return nil, resellerkit.Invalid(ErrInvalid, "store", "", "S-3", "a Store and a Members are required")
	}
	s := &Service{store: cfg.Store, members: cfg.Members, notifier: cfg.Notifier, checks: map[ControlID]Check{},
		regions: slices.Clone(cfg.Regions), workers: cmp.Or(cfg.Workers, 8), incident: cmp.Or(cfg.IncidentScore, 70),
		baseURL: cfg.BaseURL, now: cfg.Now, newID: cfg.NewID}
	regional := false
	for i, c := range cfg.Checks {
		if c == nil {
			return nil, resellerkit.Invalid(ErrInvalid, fmt.Sprintf("checks[%d]", i), "", "S-1", "a nil Check")
		}
		ctl, ok := Lookup(c.Control())
		if !ok {
			return nil, resellerkit.Invalid(ErrInvalid, fmt.Sprintf("checks[%d]", i), string(c.Control()), "S-1", "is not a control of the catalogue")
		}
		if _, dup := s.checks[ctl.ID]; dup {
			return nil, resellerkit.Invalid(ErrInvalid, fmt.Sprintf("checks[%d]", i), string(ctl.ID), "S-1", "a second Check of the control")
		}
		s.checks[ctl.ID] = c
		regional = regional || ctl.PerRegion
	}
	for i, r := range s.regions {
		if !validRegion(r) || slices.Index(s.regions, r) != i {
			return nil, resellerkit.Invalid(ErrInvalid, fmt.Sprintf("regions[%d]", i), r, "S-3", "want distinct AWS region names such as ap-northeast-1")
		}
	}
	if regional && len(s.regions) == 0 {
		return nil, resellerkit.Invalid(ErrInvalid, "regions", "", "S-3", "regional controls need at least one region")
	}
	if s.workers < 1 || s.workers > 256 {
		return nil, resellerkit.Invalid(ErrInvalid, "workers", fmt.Sprint(s.workers), "S-3", "want 1..256")
	}
	if s.incident < 1 || s.incident > 100 {
		return nil, resellerkit.Invalid(ErrInvalid, "incident_score", fmt.Sprint(s.incident), "S-4", "want 1..100")
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.newID == nil {
		s.newID = func() string { return strings.ToLower(rand.Text()) }
	}
	return s, nil
}

// validRegion reports whether r looks like an AWS region name (ap-northeast-1).
func validRegion(r string) bool {
	parts := strings.Split(r, "-")
	if len(parts) < 3 || len(r) > 30 {
		return false
	}
	for _, p := range parts {
		if p == "" || strings.Trim(p, "abcdefghijklmnopqrstuvwxyz0123456789") != "" {
			return false
		}
	}
	return true
}

// Regions returns the regions regional controls are kept in.
func (s *Service) Regions() []string { return slices.Clone(s.regions) }

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// authorize refuses an empty organization (the store reads every one for "")
// and asks members.
func (s *Service) authorize(ctx context.Context, p members.Principal, orgID string, need members.Permission) error {
	if orgID == "" {
		return resellerkit.Invalid(ErrInvalid, "org_id", "", "M-7", "required: the organization acted on")
	}
	return s.members.Authorize(ctx, p, orgID, need)
}

// GetSettings returns an account's settings (the defaults until saved) and their
// estimated monthly cost, to p with account.view on it.
func (s *Service) GetSettings(ctx context.Context, p members.Principal, orgID, accountID string) (Settings, Estimate, error) {
	if err := s.authorize(ctx, p, orgID, members.PermAccountView); err != nil {
		return Settings{}, Estimate{}, err
	}
	if _, err := s.members.GetAccount(ctx, p, orgID, accountID); err != nil {
		return Settings{}, Estimate{}, err
	}
	st, err := s.settings(ctx, orgID, accountID)
	if err != nil {
		return Settings{}, Estimate{}, err
	}
	return st, EstimateCost(st, len(s.regions)), nil
}

// settings returns the saved settings or the defaults.
func (s *Service) settings(ctx context.Context, orgID, accountID string) (Settings, error) {
	st, err := s.store.GetSettings(ctx, orgID, accountID)
	if errors.Is(err, ErrNotFound) {
		return DefaultSettings(orgID, accountID), nil
	}
	return st, err
}

// SettingsUpdate is a change of an account's settings: its new profile and
// choices, and the version read (0 for settings never saved).
type SettingsUpdate struct {
	Profile Profile
	Choices map[ControlID]bool
	Version int64
}

// UpdateSettings saves an account's settings (S-2) if version is current
// (ErrConflict otherwise), records who changed what, and returns them with their
// estimated monthly cost. p needs security.edit on the account. A managed control
// turned off fails with ErrManaged (and ErrInvalid) naming it; nothing is saved.
// The change applies at the next maintenance run.
func (s *Service) UpdateSettings(ctx context.Context, p members.Principal, orgID, accountID string, u SettingsUpdate) (Settings, Estimate, error) {
	next := Settings{OrgID: orgID, AccountID: accountID, Profile: u.Profile, Choices: maps.Clone(u.Choices)}
	if next.Choices == nil {
		next.Choices = map[ControlID]bool{}
	}
	if err := next.Validate(); err != nil {
		return Settings{}, Estimate{}, err
	}
	if u.Version < 0 {
		return Settings{}, Estimate{}, resellerkit.Invalid(ErrInvalid, "version", fmt.Sprint(u.Version), "S-2", "want the version read, 0 for settings never saved")
	}
	if err := s.authorize(ctx, p, orgID, members.PermSecurityEdit); err != nil {
		return Settings{}, Estimate{}, err
	}
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		if _, err := s.members.GetAccount(ctx, p, orgID, accountID); err != nil {
			return err
		}
		before, err := s.settings(ctx, orgID, accountID)
		if err != nil {
			return err
		}
		if before.Version != u.Version {
			return fmt.Errorf("%w: the settings of account %s are at version %d, not %d", ErrConflict, accountID, before.Version, u.Version)
		}
		now := s.clock()
		next.UpdatedAt, next.UpdatedBy, next.Version = now, p.IdentityID, u.Version
		after := next
		after.Version++ // the change records the settings as saved
		if err := s.store.PutSettings(ctx, next, Change{OrgID: orgID, AccountID: accountID, By: p.IdentityID, At: now, Before: before, After: after}); err != nil {
			return err
		}
		next.Version++
		return nil
	})
	if err != nil {
		return Settings{}, Estimate{}, err
	}
	return next, EstimateCost(next, len(s.regions)), nil
}

// ListChanges returns a page of an account's settings changes, newest first, to p
// with account.view.
func (s *Service) ListChanges(ctx context.Context, p members.Principal, orgID, accountID string, page resellerkit.Page) ([]Change, string, error) {
	if err := s.authorize(ctx, p, orgID, members.PermAccountView); err != nil {
		return nil, "", err
	}
	if _, err := s.members.GetAccount(ctx, p, orgID, accountID); err != nil {
		return nil, "", err
	}
	return s.store.ListChanges(ctx, orgID, accountID, page)
}

// LastDrift returns the items of the latest maintenance run that reached the
// account (its drift as last observed; a run still going may have reached part of
// it) and that run without its fleet-wide totals, to p with account.view.
func (s *Service) LastDrift(ctx context.Context, p members.Principal, orgID, accountID string) (Run, []Item, error) {
	if err := s.authorize(ctx, p, orgID, members.PermAccountView); err != nil {
		return Run{}, nil, err
	}
	run, items, err := s.store.LastItems(ctx, orgID, accountID)
	if err != nil {
		return Run{}, nil, err
	}
	// The run's totals are the whole fleet's: not the customer's business.
	return Run{ID: run.ID, StartedAt: run.StartedAt, FinishedAt: run.FinishedAt, State: run.State, Regions: run.Regions}, items, nil
}

// ListAlerts returns a page of the organization's alerts (one account's when
// accountID is set), newest first, to p with account.view.
func (s *Service) ListAlerts(ctx context.Context, p members.Principal, orgID, accountID string, page resellerkit.Page) ([]Alert, string, error) {
	if err := s.authorize(ctx, p, orgID, members.PermAccountView); err != nil {
		return nil, "", err
	}
	return s.store.ListAlerts(ctx, orgID, accountID, page)
}
