package memstore

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/memdb"
	"github.com/seeda33a2f4f/resellerkit/security"
)

// Store is an in-memory security.Store, safe for concurrent use. The zero value is
// not usable; call New or NewOn.
type Store struct {
	db *memdb.DB
	// settings holds each account's settings, keyed by org id + "\x00" + account id.
	settings *memdb.Table[string, security.Settings]
	// changes holds the recorded changes, keyed by org id + "\x00" + account id +
	// "\x00" + the version the change's put stored (20 digits), so an account's
	// changes come in recording order.
	changes *memdb.Table[string, change]
	runs    *memdb.Table[string, security.Run] // keyed by run id
	// items are keyed by run id + "\x00" + account id + "\x00" + control + "\x00" +
	// region, so a run's items come in ListItems' order.
	items *memdb.Table[string, security.Item]
	// initialized holds when each initial control was first marked, keyed by
	// account id + "\x00" + control + "\x00" + region.
	initialized *memdb.Table[string, time.Time]
	alerts      *memdb.Table[string, security.Alert] // keyed by alert id
}

var _ security.Store = (*Store)(nil)

// New returns an empty Store on a database of its own.
func New() *Store { return NewOn(memdb.New()) }

// NewOn returns an empty Store whose tables live in db, which the memstores of other
// packages (members, contacts…) may share: like SQL stores on one database, they
// then run under one lock, and one transaction spans them, so an alert and the
// notice it sends commit together or not at all.
func NewOn(db *memdb.DB) *Store {
	return &Store{db: db,
		settings:    memdb.NewTable[string](db, cloneSettings),
		changes:     memdb.NewTable[string](db, cloneChange),
		runs:        memdb.NewTable[string](db, cloneRun),
		items:       memdb.NewTable[string](db, same[security.Item]),
		initialized: memdb.NewTable[string](db, same[time.Time]),
		alerts:      memdb.NewTable[string](db, cloneAlert),
	}
}

func same[V any](v V) V { return v }

// cloneSettings returns a copy of s sharing no map with it; Choices is never nil.
func cloneSettings(s security.Settings) security.Settings {
	c := make(map[security.ControlID]bool, len(s.Choices))
	maps.Copy(c, s.Choices)
	s.Choices = c
	return s
}

// change is a recorded change and its place in its account's history: the
// version the put that recorded it stored.
type change struct {
	Seq    int64
	Change security.Change
}

func cloneChange(c change) change {
	c.Change.Before, c.Change.After = cloneSettings(c.Change.Before), cloneSettings(c.Change.After)
	return c
}

func cloneRun(r security.Run) security.Run {
	r.Regions = slices.Clone(r.Regions)
	return r
}

func cloneAlert(a security.Alert) security.Alert {
	a.Types = slices.Clone(a.Types)
	return a
}

// InTx implements security.Store: fn runs holding the database's lock, and its
// writes are kept only when it returns nil. fn runs once.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.db.InTx(ctx, fn)
}

func notFound(what, id string) error {
	return fmt.Errorf("%w: %s %q", security.ErrNotFound, what, resellerkit.Truncate(id))
}

// key joins the parts of a row key with NUL bytes, which no id holds.
func key(parts ...string) string { return strings.Join(parts, "\x00") }

// ---- settings and changes (S-2) ----

// GetSettings implements security.Store: settings are an organization's and an
// account's, so another organization never sees them (M-7).
func (s *Store) GetSettings(ctx context.Context, orgID, accountID string) (security.Settings, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) (security.Settings, error) {
		st, ok := s.settings.Get(tx, key(orgID, accountID))
		if !ok {
			return security.Settings{}, notFound("settings of account", accountID)
		}
		return st, nil
	})
}

// PutSettings implements security.Store. It checks the version (and the change's
// organization and account) before it writes anything, so a refused put records
// nothing.
func (s *Store) PutSettings(ctx context.Context, st security.Settings, ch security.Change) error {
	ch, err := changeOf(st, ch)
	if err != nil {
		return err
	}
	return s.db.Do(ctx, func(tx *memdb.Tx) error {
		k := key(st.OrgID, st.AccountID)
		cur, _ := s.settings.Get(tx, k) // Version 0 when none is stored
		if st.Version != cur.Version {
			return fmt.Errorf("%w: settings of account %q: stale version %d, current is %d",
				security.ErrConflict, resellerkit.Truncate(st.AccountID), st.Version, cur.Version)
		}
		st.Version++
		s.settings.Put(tx, k, st)
		s.changes.Put(tx, changeKey(st.OrgID, st.AccountID, st.Version), change{Seq: st.Version, Change: ch})
		return nil
	})
}

// changeOf returns ch as recorded for st: of st's organization and account. A
// change naming others is ErrInvalid.
func changeOf(st security.Settings, ch security.Change) (security.Change, error) {
	if (ch.OrgID != "" && ch.OrgID != st.OrgID) || (ch.AccountID != "" && ch.AccountID != st.AccountID) {
		return ch, resellerkit.Invalid(security.ErrInvalid, "change", ch.OrgID+"/"+ch.AccountID, "S-2",
			"a change is recorded for the settings' organization and account")
	}
	ch.OrgID, ch.AccountID = st.OrgID, st.AccountID
	return ch, nil
}

func changeKey(orgID, accountID string, version int64) string {
	return key(orgID, accountID, fmt.Sprintf("%020d", version))
}

// ListChanges implements security.Store: newest first in recording order, by the
// version each put stored, which the page token holds.
func (s *Store) ListChanges(ctx context.Context, orgID, accountID string, page resellerkit.Page) ([]security.Change, string, error) {
	before, err := seqBefore(page)
	if err != nil {
		return nil, "", err
	}
	return memdb.ReadPage(ctx, s.db, func(tx *memdb.Tx) ([]security.Change, string, error) {
		rows := s.changes.Select(tx, func(c change) bool {
			return c.Change.OrgID == orgID && c.Change.AccountID == accountID && (before == 0 || c.Seq < before)
		})
		slices.Reverse(rows) // Select orders them by key: oldest first
		var out []security.Change
		for i, r := range rows {
			if i == page.Size() {
				return out, resellerkit.NextToken(strconv.FormatInt(rows[i-1].Seq, 10)), nil
			}
			out = append(out, r.Change)
		}
		return out, "", nil
	})
}

// seqBefore returns the version a page of changes starts before: 0 for the first
// page. A token that is not a version ListChanges made wraps
// resellerkit.ErrPageToken.
func seqBefore(p resellerkit.Page) (int64, error) {
	after, err := p.After()
	if err != nil || after == "" {
		return 0, err
	}
	n, err := strconv.ParseInt(after, 10, 64)
	if err != nil || n <= 0 || strconv.FormatInt(n, 10) != after {
		return 0, fmt.Errorf("%w %q: not a position in a list of changes", resellerkit.ErrPageToken, resellerkit.Truncate(p.Token))
	}
	return n, nil
}

// ---- runs and items (S-3) ----

// CreateRun implements security.Store: the run is stored as given.
func (s *Store) CreateRun(ctx context.Context, r security.Run) error {
	return s.db.Do(ctx, func(tx *memdb.Tx) error {
		if s.runs.Has(tx, r.ID) {
			return fmt.Errorf("%w: run %q", security.ErrAlreadyExists, resellerkit.Truncate(r.ID))
		}
		s.runs.Put(tx, r.ID, r)
		return nil
	})
}

// GetRun implements security.Store.
func (s *Store) GetRun(ctx context.Context, id string) (security.Run, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) (security.Run, error) {
		r, ok := s.runs.Get(tx, id)
		if !ok {
			return security.Run{}, notFound("run", id)
		}
		return r, nil
	})
}

// laterRun orders runs latest first: by StartedAt, then id in byte order, both
// descending.
func laterRun(a, b security.Run) int {
	if c := b.StartedAt.Compare(a.StartedAt); c != 0 {
		return c
	}
	return strings.Compare(b.ID, a.ID)
}

// UnfinishedRun implements security.Store: the running run started last (of runs
// started at one instant, the greatest id).
func (s *Store) UnfinishedRun(ctx context.Context) (security.Run, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) (security.Run, error) {
		rs := s.runs.Select(tx, func(r security.Run) bool { return r.State == security.RunRunning })
		if len(rs) == 0 {
			return security.Run{}, fmt.Errorf("%w: no unfinished run", security.ErrNotFound)
		}
		return slices.MinFunc(rs, laterRun), nil
	})
}

// ClaimRun implements security.Store: under the database's lock, the running run
// id becomes owner's until until when owner holds it already, or it has no lease
// (LeaseUntil zero), or its lease is not after now; else nothing is written.
func (s *Store) ClaimRun(ctx context.Context, id, owner string, now, until time.Time) (bool, error) {
	var claimed bool
	err := s.db.Do(ctx, func(tx *memdb.Tx) error {
		cur, ok := s.runs.Get(tx, id)
		if !ok {
			return notFound("run", id)
		}
		if cur.State != security.RunRunning ||
			(cur.Owner != owner && !cur.LeaseUntil.IsZero() && cur.LeaseUntil.After(now)) {
			return nil
		}
		cur.Owner, cur.LeaseUntil = owner, until
		s.runs.Put(tx, id, cur)
		claimed = true
		return nil
	})
	if err != nil {
		return false, err
	}
	return claimed, nil
}

// FinishRun implements security.Store: it stores FinishedAt, State and the
// totals, and leaves StartedAt, Regions, Owner and LeaseUntil as they are.
func (s *Store) FinishRun(ctx context.Context, r security.Run) error {
	return s.db.Do(ctx, func(tx *memdb.Tx) error {
		cur, ok := s.runs.Get(tx, r.ID)
		if !ok {
			return notFound("run", r.ID)
		}
		cur.FinishedAt, cur.State = r.FinishedAt, r.State
		cur.Items, cur.Drifted, cur.Repaired, cur.Failed = r.Items, r.Drifted, r.Repaired, r.Failed
		s.runs.Put(tx, r.ID, cur)
		return nil
	})
}

func itemKey(it security.Item) string {
	return key(it.RunID, it.AccountID, string(it.Control), it.Region)
}

// PutItem implements security.Store.
func (s *Store) PutItem(ctx context.Context, it security.Item) error {
	return s.db.Do(ctx, func(tx *memdb.Tx) error {
		if !s.runs.Has(tx, it.RunID) {
			return notFound("run", it.RunID)
		}
		s.items.Put(tx, itemKey(it), it)
		return nil
	})
}

// runItems returns the items of run runID that keep accepts, ordered by account,
// control and region.
func (s *Store) runItems(tx *memdb.Tx, runID string, keep func(security.Item) bool) []security.Item {
	// The key orders a run's items as ListItems does: account, control and region
	// in byte order, NUL-separated (no id holds a NUL, so a shorter part sorts
	// first, as it does compared alone).
	return s.items.Select(tx, func(it security.Item) bool { return it.RunID == runID && keep(it) })
}

// ListItems implements security.Store. orgID and accountID filter independently
// ("" selects every one). The items of a run that does not exist are an empty
// list.
func (s *Store) ListItems(ctx context.Context, runID, orgID, accountID string) ([]security.Item, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) ([]security.Item, error) {
		return s.runItems(tx, runID, func(it security.Item) bool {
			return (orgID == "" || it.OrgID == orgID) && (accountID == "" || it.AccountID == accountID)
		}), nil
	})
}

// LastItems implements security.Store: the items of orgID's account in the latest
// run (StartedAt, then id) that has some, running or finished.
func (s *Store) LastItems(ctx context.Context, orgID, accountID string) (security.Run, []security.Item, error) {
	var its []security.Item
	r, err := memdb.Read(ctx, s.db, func(tx *memdb.Tx) (security.Run, error) {
		ofAccount := func(it security.Item) bool { return it.OrgID == orgID && it.AccountID == accountID }
		var (
			last  security.Run
			found bool
		)
		for _, it := range s.items.Select(tx, ofAccount) {
			if found && it.RunID == last.ID {
				continue
			}
			r, ok := s.runs.Get(tx, it.RunID)
			if ok && (!found || laterRun(r, last) < 0) {
				last, found = r, true
			}
		}
		if !found {
			return security.Run{}, fmt.Errorf("%w: no run reached account %q of organization %q",
				security.ErrNotFound, resellerkit.Truncate(accountID), resellerkit.Truncate(orgID))
		}
		its = s.runItems(tx, last.ID, ofAccount)
		return last, nil
	})
	if err != nil {
		return security.Run{}, nil, err
	}
	return r, its, nil
}

// ---- initial controls (S-1) ----

// MarkInitialized implements security.Store: the first mark is kept; marking
// again changes nothing.
func (s *Store) MarkInitialized(ctx context.Context, accountID string, c security.ControlID, region string, at time.Time) error {
	return s.db.Do(ctx, func(tx *memdb.Tx) error {
		k := key(accountID, string(c), region)
		if !s.initialized.Has(tx, k) {
			s.initialized.Put(tx, k, at)
		}
		return nil
	})
}

// Initialized implements security.Store.
func (s *Store) Initialized(ctx context.Context, accountID string, c security.ControlID, region string) (bool, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) (bool, error) {
		return s.initialized.Has(tx, key(accountID, string(c), region)), nil
	})
}

// ---- alerts (S-4) ----

// PutAlert implements security.Store: alert ids are unique across organizations.
func (s *Store) PutAlert(ctx context.Context, a security.Alert) (bool, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) (bool, error) {
		if s.alerts.Has(tx, a.ID) {
			return false, nil
		}
		s.alerts.Put(tx, a.ID, a)
		return true, nil
	})
}

// newerAlert orders alerts newest first: by ReceivedAt, then id in byte order,
// both descending.
func newerAlert(a, b security.Alert) int {
	if c := b.ReceivedAt.Compare(a.ReceivedAt); c != 0 {
		return c
	}
	return strings.Compare(b.ID, a.ID)
}

// ListAlerts implements security.Store: orgID's alerts ("" names the alerts of
// no organization), of accountID when it is set, newest first. A page token holds
// the last alert's ReceivedAt (microseconds since 1970) and id.
func (s *Store) ListAlerts(ctx context.Context, orgID, accountID string, page resellerkit.Page) ([]security.Alert, string, error) {
	after, err := alertAfter(page)
	if err != nil {
		return nil, "", err
	}
	return memdb.ReadPage(ctx, s.db, func(tx *memdb.Tx) ([]security.Alert, string, error) {
		as := s.alerts.Select(tx, func(a security.Alert) bool {
			return a.OrgID == orgID && (accountID == "" || a.AccountID == accountID) &&
				(after == nil || newerAlert(*after, a) < 0)
		})
		slices.SortFunc(as, newerAlert)
		if n := page.Size(); len(as) > n {
			return as[:n], resellerkit.NextToken(alertPosition(as[n-1])), nil
		}
		return as, "", nil
	})
}

// alertPosition is an alert's place in ListAlerts as its page tokens hold it: its
// ReceivedAt in microseconds since 1970, a NUL byte and its id.
func alertPosition(a security.Alert) string {
	return strconv.FormatInt(a.ReceivedAt.UnixMicro(), 10) + "\x00" + a.ID
}

// alertAfter returns the position a page of alerts starts after, as an alert with
// only ReceivedAt and ID: nil for the first page. A token that is no position
// wraps resellerkit.ErrPageToken.
func alertAfter(p resellerkit.Page) (*security.Alert, error) {
	after, err := p.After()
	if err != nil || after == "" {
		return nil, err
	}
	at, id, ok := strings.Cut(after, "\x00")
	us, err := strconv.ParseInt(at, 10, 64)
	if !ok || err != nil || strconv.FormatInt(us, 10) != at {
		return nil, fmt.Errorf("%w %q: not a position in a list of alerts", resellerkit.ErrPageToken, resellerkit.Truncate(p.Token))
	}
	return &security.Alert{ReceivedAt: time.UnixMicro(us).UTC(), ID: id}, nil
}
