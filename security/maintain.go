package security

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
)

// Target is an account a maintenance run keeps: its organization and id.
type Target struct {
	OrgID     string
	AccountID string
	// New marks an account being issued (S-1): its initial controls are set.
	// For any other account an initial control's drift is only reported: it is
	// the customer's setting (turning on S3 Block Public Access or closing the
	// default security groups of a live account could break it).
	New bool
}

// ErrBusy: another runner holds the unfinished maintenance run (its lease has not
// expired): two runners never work one run.
var ErrBusy = errors.New("security: a maintenance run is in progress")

// Lease is how long a runner holds a run without renewing it; it renews it every
// Lease/3 while it works, so a crashed runner's run is taken over after Lease.
const Lease = 2 * time.Minute

// Report is what Service.Maintain did: the run, and its items (every account ×
// control × region, drift and action) ordered by account, control and region.
type Report struct {
	Run   Run
	Items []Item
	// Resumed reports that the run was an unfinished one (a crash), continued.
	Resumed bool
	// NoticeErrors are the summary notices that could not be written (the run
	// went on; they are written by the next run that reaches the account with
	// something to say).
	NoticeErrors []error
}

// Maintain runs the maintenance of targets (S-3): for every account, control with
// a Check and region (once for a global control), it compares the desired state
// (Settings.On) with the observed one and records the item — drift, and what was
// done:
//
//   - a control off in the settings is skipped: never observed, never touched;
//   - compliant: nothing (an initial control is marked set);
//   - drift of a managed or maintained control: repaired (ReportOnly: reported);
//   - drift of an initial control: repaired when the target is New (the
//     account's issue) and the control was never set there, else reported: it is
//     the customer's setting;
//   - a region not enabled in the account: no_region; an AWS error: failed, with
//     the error; an account whose role cannot be assumed fails whole, without
//     more calls, and the others go on.
//
// Accounts run in parallel (Config.Workers at once; each listed once); each item
// is recorded as soon as it is done. The run is held by this call under a lease
// it renews; after a crash the next Maintain takes the unfinished run over once
// the lease expired (ErrBusy before, and while another runner works it; of two
// runners starting together, one creates the run and the other gets ErrBusy),
// skipping the items recorded: a repair whose item was lost is observed
// compliant and not repeated. A cancelled ctx stops the run without recording
// anything as failed.
// Each account where something was repaired or failed gets one summary notice to
// its technical contacts (idempotent per run); a notice that cannot be written is
// reported in NoticeErrors, not fatal. A Store error stops the run (it stays
// unfinished, to resume).
func (s *Service) Maintain(ctx context.Context, targets []Target) (Report, error) {
	rep := Report{}
	if len(targets) == 0 {
		return rep, resellerkit.Invalid(ErrInvalid, "targets", "", "S-3", "no account to maintain")
	}
	seen := map[string]bool{}
	for i, t := range targets {
		if t.OrgID == "" || len(t.AccountID) != 12 || strings.Trim(t.AccountID, "0123456789") != "" {
			return rep, resellerkit.Invalid(ErrInvalid, fmt.Sprintf("targets[%d]", i), t.AccountID, "S-3", "want an organization and a 12-digit account id")
		}
		if seen[t.AccountID] {
			return rep, resellerkit.Invalid(ErrInvalid, fmt.Sprintf("targets[%d]", i), t.AccountID, "S-3", "account listed twice: it would be maintained twice at once")
		}
		seen[t.AccountID] = true
	}
	// Finding the unfinished run and creating one when there is none are one
	// transaction: two runners starting together must not each create a run and
	// maintain the same accounts at once (the second finds the first's run, held).
	owner := s.newID()
	var run Run
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		now := s.clock()
		var err error
		run, err = s.store.UnfinishedRun(ctx)
		switch {
		case err == nil:
			ok, err := s.store.ClaimRun(ctx, run.ID, owner, now, now.Add(Lease))
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("%w: run %s, held by another runner until %s", ErrBusy, run.ID, run.LeaseUntil.Format(time.RFC3339))
			}
			rep.Resumed = true
			return nil
		case errors.Is(err, ErrNotFound):
			run = Run{ID: s.newID(), StartedAt: now, State: RunRunning, Regions: slices.Clone(s.regions), Owner: owner, LeaseUntil: now.Add(Lease)}
			rep.Resumed = false
			return s.store.CreateRun(ctx, run)
		default:
			return err
		}
	})
	if err != nil {
		return rep, err
	}
	regions := run.Regions // a resumed run keeps its regions
	done, err := s.store.ListItems(ctx, run.ID, "", "")
	if err != nil {
		return rep, err
	}
	recorded := map[string]bool{}
	for _, it := range done {
		recorded[itemKey(it.AccountID, it.Control, it.Region)] = true
	}

	// Renew the lease while working; losing it stops the run.
	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stop := make(chan struct{})
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		t := time.NewTicker(Lease / 3)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				now := s.clock()
				ok, err := s.store.ClaimRun(runCtx, run.ID, owner, now, now.Add(Lease))
				if err == nil && !ok {
					err = fmt.Errorf("%w: the lease of run %s was lost", ErrBusy, run.ID)
				}
				if err != nil {
					cancel(err)
					return
				}
			}
		}
	}()

	g, gctx := errgroup.WithContext(runCtx)
	g.SetLimit(s.workers)
	var mu sync.Mutex
	for _, t := range targets {
		g.Go(func() error {
			items, err := s.maintainAccount(gctx, run, regions, t, func(k string) bool {
				mu.Lock()
				defer mu.Unlock()
				return recorded[k]
			})
			if err != nil {
				return fmt.Errorf("security: account %s: %w", t.AccountID, err)
			}
			if err := s.summarize(gctx, run, t, items); err != nil {
				mu.Lock()
				rep.NoticeErrors = append(rep.NoticeErrors, fmt.Errorf("security: summary of account %s: %w", t.AccountID, err))
				mu.Unlock()
			}
			return nil
		})
	}
	err = g.Wait()
	close(stop)
	<-renewed
	if cause := context.Cause(runCtx); err == nil && cause != nil && !errors.Is(cause, context.Canceled) {
		err = cause
	}
	if err != nil {
		// Give the lease back, so the next Maintain resumes the run at once.
		now := s.clock()
		_, _ = s.store.ClaimRun(context.WithoutCancel(ctx), run.ID, owner, now, now) // best effort: the lease expires anyway
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
func (s *Service) maintainAccount(ctx context.Context, run Run, runRegions []string, t Target, recorded func(string) bool) ([]Item, error) {
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
			regions = runRegions
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
				awsErr, err := s.maintainItem(ctx, c, check, t.New, &it)
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
func (s *Service) maintainItem(ctx context.Context, c Control, check Check, issuing bool, it *Item) (error, error) {
	obs, err := check.Observe(ctx, it.AccountID, it.Region)
	if ctx.Err() != nil {
		return nil, ctx.Err() // stopped, not the item's failure: resumed later
	}
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
		if set || !issuing {
			it.Action = ActionReported // set once already, or a live account: the customer's
			return nil, nil
		}
	}
	detail, err := check.Repair(ctx, it.AccountID, it.Region)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
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
	report := false
	for _, it := range items {
		if it.Action == ActionRepaired || it.Action == ActionFailed {
			report = true
		}
	}
	if !report {
		return nil // drift only reported again: the portal shows it, nobody is mailed every run
	}
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
