package security

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
)

// Target is an account a maintenance run keeps: its organization and id.
type Target struct {
	OrgID     string
	AccountID string
}

// Report is what Service.Maintain did: the run, and its items (every account ×
// control × region, drift and action) ordered by account, control and region.
type Report struct {
	Run   Run
	Items []Item
	// Resumed reports that the run was an unfinished one (a crash), continued.
	Resumed bool
}

// Maintain runs the maintenance of targets (S-3): for every account, control with
// a Check and region (once for a global control), it compares the desired state
// (Settings.On) with the observed one and records the item — drift, and what was
// done:
//
//   - a control off in the settings is skipped: never observed, never touched;
//   - compliant: nothing (an initial control is marked set);
//   - drift of a managed or maintained control: repaired (ReportOnly: reported);
//   - drift of an initial control: repaired the first time (the account's issue),
//     then only reported: the customer may have changed it;
//   - a region not enabled in the account: no_region; an error: failed, with the
//     error; an account whose role cannot be assumed fails whole, without more
//     calls, and the others go on.
//
// Accounts run in parallel (Config.Workers at once); each item is recorded as soon
// as it is done, so after a crash Maintain resumes the unfinished run, skipping
// the items recorded (a repair whose item was not recorded is observed compliant
// and not repeated). Each account with drift, repairs or failures gets one summary
// notice to its technical contacts (idempotent per run). Only a Store error stops
// the run (it stays unfinished, to resume).
func (s *Service) Maintain(ctx context.Context, targets []Target) (Report, error) {
	for i, t := range targets {
		if t.OrgID == "" || len(t.AccountID) != 12 || strings.Trim(t.AccountID, "0123456789") != "" {
			return Report{}, resellerkit.Invalid(ErrInvalid, fmt.Sprintf("targets[%d]", i), t.AccountID, "S-3", "want an organization and a 12-digit account id")
		}
	}
	rep := Report{}
	if len(targets) == 0 {
		return rep, resellerkit.Invalid(ErrInvalid, "targets", "", "S-3", "no account to maintain")
	}
	run, err := s.store.UnfinishedRun(ctx)
	switch {
	case err == nil:
		rep.Resumed = true
	case errors.Is(err, ErrNotFound):
		run = Run{ID: s.newID(), StartedAt: s.clock(), State: RunRunning, Regions: slices.Clone(s.regions)}
		if err := s.store.CreateRun(ctx, run); err != nil {
			return rep, err
		}
	default:
		return rep, err
	}
	done, err := s.store.ListItems(ctx, run.ID, "", "")
	if err != nil {
		return rep, err
	}
	recorded := map[string]bool{}
	for _, it := range done {
		recorded[itemKey(it.AccountID, it.Control, it.Region)] = true
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(s.workers)
	var mu sync.Mutex
	for _, t := range targets {
		g.Go(func() error {
			items, err := s.maintainAccount(gctx, run, t, func(k string) bool {
				mu.Lock()
				defer mu.Unlock()
				return recorded[k]
			})
			if err != nil {
				return fmt.Errorf("security: account %s: %w", t.AccountID, err)
			}
			return s.summarize(gctx, run, t, items)
		})
	}
	if err := g.Wait(); err != nil {
		return rep, err
	}
	items, err := s.store.ListItems(ctx, run.ID, "", "")
	if err != nil {
		return rep, err
	}
	run.State, run.FinishedAt = RunFinished, s.clock()
	run.Items, run.Drifted, run.Repaired, run.Failed = len(items), 0, 0, 0
	for _, it := range items {
		if it.Drift {
			run.Drifted++
		}
		switch it.Action {
		case ActionRepaired:
			run.Repaired++
		case ActionFailed:
			run.Failed++
		}
	}
	if err := s.store.FinishRun(ctx, run); err != nil {
		return rep, err
	}
	rep.Run, rep.Items = run, items
	return rep, nil
}

func itemKey(account string, c ControlID, region string) string {
	return account + "\x00" + string(c) + "\x00" + region
}

// maintainAccount keeps one account's controls, recording each item, and returns
// the account's items of the run (those recorded before included).
func (s *Service) maintainAccount(ctx context.Context, run Run, t Target, recorded func(string) bool) ([]Item, error) {
	st, err := s.settings(ctx, t.OrgID, t.AccountID)
	if err != nil {
		return nil, err
	}
	var unreachable error
	for _, c := range catalog {
		check, ok := s.checks[c.ID]
		if !ok {
			continue
		}
		regions := []string{""}
		if c.PerRegion {
			regions = s.regions
		}
		for _, region := range regions {
			if recorded(itemKey(t.AccountID, c.ID, region)) {
				continue
			}
			it := Item{RunID: run.ID, OrgID: t.OrgID, AccountID: t.AccountID, Control: c.ID, Region: region, Desired: st.On(c)}
			switch {
			case !it.Desired:
				it.Action = ActionSkipped
			case unreachable != nil:
				it.Action, it.Error = ActionFailed, unreachable.Error()
			default:
				awsErr, err := s.maintainItem(ctx, c, check, &it)
				if err != nil {
					return nil, err
				}
				if errors.Is(awsErr, ErrUnreachable) {
					unreachable = awsErr
				}
			}
			it.At = s.clock()
			if err := s.store.PutItem(ctx, it); err != nil {
				return nil, err
			}
		}
	}
	return s.store.ListItems(ctx, run.ID, t.OrgID, t.AccountID)
}

// maintainItem observes one item and repairs it when it must. An AWS error is
// the item's (Action failed or no_region) and returned first; a Store error is
// returned second.
func (s *Service) maintainItem(ctx context.Context, c Control, check Check, it *Item) (error, error) {
	obs, err := check.Observe(ctx, it.AccountID, it.Region)
	if err != nil {
		it.fail(err)
		return err, nil
	}
	it.Observed = obs
	it.Drift = !obs.Compliant
	if obs.Compliant {
		it.Action = ActionNone
		if c.Class == Initial {
			return nil, s.store.MarkInitialized(ctx, it.AccountID, c.ID, it.Region, s.clock())
		}
		return nil, nil
	}
	if c.Remedy == ReportOnly {
		it.Action = ActionReported
		return nil, nil
	}
	if c.Class == Initial {
		set, err := s.store.Initialized(ctx, it.AccountID, c.ID, it.Region)
		if err != nil {
			return nil, err
		}
		if set {
			it.Action = ActionReported // set once already: the customer's now
			return nil, nil
		}
	}
	detail, err := check.Repair(ctx, it.AccountID, it.Region)
	if err != nil {
		it.fail(err)
		return err, nil
	}
	it.Action, it.Detail = ActionRepaired, detail
	if c.Class == Initial {
		return nil, s.store.MarkInitialized(ctx, it.AccountID, c.ID, it.Region, s.clock())
	}
	return nil, nil
}

// fail records an AWS error on the item: a region not enabled is no_region.
func (it *Item) fail(err error) {
	it.Error = err.Error()
	if errors.Is(err, ErrRegionDisabled) {
		it.Action = ActionNoRegion
		return
	}
	it.Action = ActionFailed
}

// summarize sends the account's summary notice of the run to its technical
// contacts when something drifted, was repaired or failed; its key makes it one
// per account and run. An account without technical recipients gets none.
func (s *Service) summarize(ctx context.Context, run Run, t Target, items []Item) error {
	if s.notifier == nil {
		return nil
	}
	var b strings.Builder
	n := 0
	for _, it := range items {
		if !it.Drift && it.Action != ActionFailed {
			continue
		}
		n++
		c, _ := Lookup(it.Control)
		where := it.Region
		if where == "" {
			where = "global"
		}
		fmt.Fprintf(&b, "- %s / %s (%s): %s", c.TitleJA, c.TitleEN, where, it.Action)
		if it.Observed.Detail != "" {
			fmt.Fprintf(&b, " — %s", it.Observed.Detail)
		}
		if it.Error != "" {
			fmt.Fprintf(&b, " — %s", resellerkit.Truncate(it.Error))
		}
		b.WriteString("\n")
	}
	if n == 0 {
		return nil
	}
	_, err := s.notifier.Notify(ctx, contacts.NewNotice{
		Key: "maintenance:" + run.ID + ":" + t.AccountID, Kind: contacts.KindMaintenance, OrgID: t.OrgID, AccountID: t.AccountID,
		Data: contacts.MaintenanceData{AccountID: t.AccountID, Title: fmt.Sprintf("セキュリティ設定の定期メンテナンス結果 / Security maintenance: %d item(s)", n),
			Body: b.String(), StartsAt: run.StartedAt},
	})
	if errors.Is(err, contacts.ErrNotFound) {
		return nil // no technical recipients: the run report still lists the account
	}
	return err
}
