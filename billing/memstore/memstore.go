package memstore

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/memdb"
)

// Store is an in-memory billing.Store, safe for concurrent use. The zero value is
// not usable; call New or NewOn.
type Store struct {
	db *memdb.DB
	// months holds each payer's month: the stored version and the history of
	// every version ever stored. Keyed by period + "\x00" + payer, so a period's
	// rows come in payer order.
	months *memdb.Table[string, month]
	docs   *memdb.Table[string, billing.Document] // keyed by document id
	keys   *memdb.Table[string, string]           // document key → document id
	// counters holds the last Seq of each numbering series and year, keyed by
	// series + "\x00" + year. It is a row of the transaction like any other, so a
	// transaction that fails gives its numbers back.
	counters *memdb.Table[string, int64]
	alarms   *memdb.Records[billing.Alarm]
	firings  *memdb.Table[string, billing.AlarmFiring] // keyed by alarm id + "\x00" + period
}

// month is one payer's billing month.
type month struct {
	Current version   // the stored version, groups and all
	History []version // every version ever stored, oldest first, without groups
}

// version is one stored report version: its data with a nil Sketch, and the
// sketch's binary form (nil when it had none). The bytes are written once and
// never mutated, so copies of a version share them; every read decodes a Sketch of
// its own (a Sketch's reads sort it in place, so one is never shared).
type version struct {
	Data   billing.CostData
	Sketch []byte
}

func (m month) clone() month {
	m.Current.Data = cloneCostData(m.Current.Data)
	m.History = slices.Clone(m.History)
	for i := range m.History {
		m.History[i].Data = cloneCostData(m.History[i].Data)
	}
	return m
}

// cloneCostData returns a copy of d sharing no slice with it. The Groups' fields
// are strings and decimals, which no method mutates, so copying the slice suffices.
// The Sketch is not copied: stored data has none (see version).
func cloneCostData(d billing.CostData) billing.CostData {
	d.Files = slices.Clone(d.Files)
	d.Groups = slices.Clone(d.Groups)
	return d
}

// newVersion returns d as stored, its sketch in binary form. Its slices are d's:
// the table copies what it is given.
func newVersion(d billing.CostData) (version, error) {
	v := version{Data: d}
	v.Data.Sketch = nil
	if d.Sketch != nil {
		b, err := d.Sketch.MarshalBinary()
		if err != nil {
			return version{}, fmt.Errorf("billing/memstore: sketch of payer %s's %s: %w",
				resellerkit.Truncate(d.Payer), d.Period, err)
		}
		v.Sketch = b
	}
	return v, nil
}

// header returns v as CostReports and ReportHistory return it: without groups,
// with a Sketch of its own decoded from the stored binary form.
func (v version) header() (billing.CostData, error) {
	d := cloneCostData(v.Data)
	d.Groups = nil
	if v.Sketch != nil {
		d.Sketch = new(billing.Sketch)
		if err := d.Sketch.UnmarshalBinary(v.Sketch); err != nil {
			return billing.CostData{}, fmt.Errorf("billing/memstore: sketch of version %q of payer %s's %s: %w",
				resellerkit.Truncate(d.Version), resellerkit.Truncate(d.Payer), d.Period, err)
		}
	}
	return d, nil
}

// cloneDocument returns a copy of d sharing no slice with it.
func cloneDocument(d billing.Document) billing.Document {
	d.Sources = slices.Clone(d.Sources)
	d.Lines = slices.Clone(d.Lines)
	d.Taxes = slices.Clone(d.Taxes)
	return d
}

func same[V any](v V) V { return v }

var _ billing.Store = (*Store)(nil)

// New returns an empty Store on a database of its own.
func New() *Store { return NewOn(memdb.New()) }

// NewOn returns an empty Store whose tables live in db, which the memstores of other
// packages (members, contacts, identity…) may share: like SQL stores on one
// database, they then run under one lock, and one transaction spans them, so an
// alarm's firing and the notice it sends commit together or not at all.
func NewOn(db *memdb.DB) *Store {
	return &Store{db: db,
		months:   memdb.NewTable[string](db, month.clone),
		docs:     memdb.NewTable[string](db, cloneDocument),
		keys:     memdb.NewTable[string](db, same[string]),
		counters: memdb.NewTable[string](db, same[int64]),
		alarms: &memdb.Records[billing.Alarm]{Table: memdb.NewTable[string](db, same[billing.Alarm]),
			Name: "alarm", Key: func(a billing.Alarm) string { return a.ID },
			Scope:   func(a billing.Alarm) string { return a.OrgID },
			Version: func(a *billing.Alarm) *int64 { return &a.Version },
			Merge: func(cur, a billing.Alarm) billing.Alarm {
				cur.OnTag, cur.TagValue, cur.Threshold, cur.Name, cur.UpdatedAt = a.OnTag, a.TagValue, a.Threshold, a.Name, a.UpdatedAt
				return cur
			},
			Errors: memdb.Errors{NotFound: billing.ErrNotFound, AlreadyExists: billing.ErrAlreadyExists, Conflict: billing.ErrConflict}},
		firings: memdb.NewTable[string](db, same[billing.AlarmFiring]),
	}
}

// InTx implements billing.Store: fn runs holding the database's lock, and its
// writes are kept only when it returns nil. fn runs once.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.db.InTx(ctx, fn)
}

func notFound(what, id string) error {
	return fmt.Errorf("%w: %s %q", billing.ErrNotFound, what, resellerkit.Truncate(id))
}

// utc is t as stored: UTC at microsecond precision.
func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// ---- cost data (B-13, B-14) ----

func monthKey(period resellerkit.Month, payer string) string { return period.String() + "\x00" + payer }

// PutCostData implements billing.Store. Every check is made before anything is
// written, so a stale version changes nothing.
func (s *Store) PutCostData(ctx context.Context, d billing.CostData) (billing.PutOutcome, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) (billing.PutOutcome, error) {
		k := monthKey(d.Period, d.Payer)
		m, ok := s.months.Get(tx, k)
		if ok {
			cur := m.Current.Data
			if d.Version == cur.Version {
				return billing.Unchanged, nil
			}
			if slices.ContainsFunc(m.History, func(h version) bool { return h.Data.Version == d.Version }) {
				return 0, fmt.Errorf("%w: version %q of payer %s's %s was superseded by %q",
					billing.ErrStaleReport, resellerkit.Truncate(d.Version), resellerkit.Truncate(d.Payer), d.Period, resellerkit.Truncate(cur.Version))
			}
			if !utc(d.GeneratedAt).After(cur.GeneratedAt) {
				return 0, fmt.Errorf("%w: version %q of payer %s's %s, generated at %s, is not after the stored %q, generated at %s",
					billing.ErrStaleReport, resellerkit.Truncate(d.Version), resellerkit.Truncate(d.Payer), d.Period,
					utc(d.GeneratedAt).Format(time.RFC3339Nano), resellerkit.Truncate(cur.Version), cur.GeneratedAt.Format(time.RFC3339Nano))
			}
		}
		v, err := newVersion(d)
		if err != nil {
			return 0, err
		}
		head := v
		head.Data.Groups = nil
		m.Current = v
		m.History = append(m.History, head)
		s.months.Put(tx, k, m)
		return billing.Stored, nil
	})
}

// current returns the stored months of period, in payer order.
func (s *Store) current(tx *memdb.Tx, period resellerkit.Month) []month {
	return s.months.Select(tx, func(m month) bool { return m.Current.Data.Period == period })
}

// CostReports implements billing.Store: each version with a Sketch of its own.
func (s *Store) CostReports(ctx context.Context, period resellerkit.Month) ([]billing.CostData, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) ([]billing.CostData, error) {
		var out []billing.CostData
		for _, m := range s.current(tx, period) {
			d, err := m.Current.header()
			if err != nil {
				return nil, err
			}
			out = append(out, d)
		}
		return out, nil
	})
}

// CostGroups implements billing.Store. Each group's Class is billing.ClassifyKey's
// of its key, whatever Class it was stored with.
func (s *Store) CostGroups(ctx context.Context, period resellerkit.Month) ([]billing.Group, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) ([]billing.Group, error) {
		var out []billing.Group
		for _, m := range s.current(tx, period) {
			for _, g := range m.Current.Data.Groups {
				g.Class = billing.ClassifyKey(g.GroupKey)
				out = append(out, g)
			}
		}
		return out, nil
	})
}

// CostGroupsOf implements billing.Store: CostGroups' groups of the listed
// accounts.
func (s *Store) CostGroupsOf(ctx context.Context, period resellerkit.Month, accountIDs []string) ([]billing.Group, error) {
	want := make(map[string]bool, len(accountIDs))
	for _, id := range accountIDs {
		want[id] = true
	}
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) ([]billing.Group, error) {
		var out []billing.Group
		if len(want) == 0 {
			return out, nil
		}
		for _, m := range s.current(tx, period) {
			for _, g := range m.Current.Data.Groups {
				if want[g.AccountID] {
					g.Class = billing.ClassifyKey(g.GroupKey)
					out = append(out, g)
				}
			}
		}
		return out, nil
	})
}

// ReportHistory implements billing.Store, each version with a Sketch of its own. A
// payer and month never stored have an empty history, not an error.
func (s *Store) ReportHistory(ctx context.Context, payer string, period resellerkit.Month) ([]billing.CostData, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) ([]billing.CostData, error) {
		m, _ := s.months.Get(tx, monthKey(period, payer))
		var out []billing.CostData
		for _, v := range m.History {
			d, err := v.header()
			if err != nil {
				return nil, err
			}
			out = append(out, d)
		}
		return out, nil
	})
}

// ---- documents (B-12) ----

// number returns a document's number: series, year and sequence number as
// "Series-YYYY-NNNNNN".
func number(series string, year int, seq int64) string {
	return fmt.Sprintf("%s-%04d-%06d", series, year, seq)
}

func counterKey(series string, year int) string { return series + "\x00" + strconv.Itoa(year) }

// IssueDocument implements billing.Store. The number comes from a counter row of
// the transaction, so a transaction that fails uses none.
func (s *Store) IssueDocument(ctx context.Context, d billing.Document) (billing.Document, bool, error) {
	var issued bool
	out, err := memdb.Read(ctx, s.db, func(tx *memdb.Tx) (billing.Document, error) {
		if id, ok := s.keys.Get(tx, d.Key); ok {
			first, _ := s.docs.Get(tx, id)
			return first, nil
		}
		if s.docs.Has(tx, d.ID) {
			return billing.Document{}, fmt.Errorf("%w: document %q, under another key than %q",
				billing.ErrAlreadyExists, resellerkit.Truncate(d.ID), resellerkit.Truncate(d.Key))
		}
		ck := counterKey(d.Series, d.Year)
		seq, _ := s.counters.Get(tx, ck)
		seq++
		d.Seq, d.Number = seq, number(d.Series, d.Year, seq)
		s.counters.Put(tx, ck, seq)
		s.docs.Put(tx, d.ID, d)
		s.keys.Put(tx, d.Key, d.ID)
		issued = true
		stored, _ := s.docs.Get(tx, d.ID) // as stored: times in UTC at microseconds
		return stored, nil
	})
	return out, issued && err == nil, err
}

// GetDocument implements billing.Store.
func (s *Store) GetDocument(ctx context.Context, orgID, id string) (billing.Document, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) (billing.Document, error) {
		d, ok := s.docs.Get(tx, id)
		if !ok || (orgID != "" && d.OrgID != orgID) {
			return billing.Document{}, notFound("document", id)
		}
		return d, nil
	})
}

// DocumentByKey implements billing.Store.
func (s *Store) DocumentByKey(ctx context.Context, key string) (billing.Document, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) (billing.Document, error) {
		if id, ok := s.keys.Get(tx, key); ok {
			if d, ok := s.docs.Get(tx, id); ok {
				return d, nil
			}
		}
		return billing.Document{}, notFound("document with key", key)
	})
}

// docPosition is a document's place in issue order as a string whose byte order
// is that of (Series, Year, Seq): the key of ListDocuments' pages.
func docPosition(d billing.Document) string {
	return fmt.Sprintf("%s\x00%010d\x00%019d", d.Series, d.Year, d.Seq)
}

// checkPosition requires the key a page token names to be a docPosition.
func checkPosition(p resellerkit.Page) error {
	after, err := p.After()
	if err != nil || after == "" {
		return err
	}
	parts := strings.Split(after, "\x00")
	if len(parts) != 3 || len(parts[1]) != 10 || len(parts[2]) != 19 || !digits(parts[1]) || !digits(parts[2]) {
		return fmt.Errorf("%w %q: not a position in the documents", resellerkit.ErrPageToken, resellerkit.Truncate(p.Token))
	}
	return nil
}

func digits(s string) bool {
	return strings.Trim(s, "0123456789") == ""
}

// ListDocuments implements billing.Store.
func (s *Store) ListDocuments(ctx context.Context, f billing.DocumentFilter, page resellerkit.Page) ([]billing.Document, string, error) {
	if err := checkPosition(page); err != nil {
		return nil, "", err
	}
	return memdb.ReadPage(ctx, s.db, func(tx *memdb.Tx) ([]billing.Document, string, error) {
		docs := s.docs.Select(tx, func(d billing.Document) bool {
			return (f.OrgID == "" || d.OrgID == f.OrgID) && (f.ProjectID == "" || d.ProjectID == f.ProjectID) &&
				(f.Period.IsZero() || d.Period == f.Period) && (f.Kind == "" || d.Kind == f.Kind)
		})
		slices.SortFunc(docs, func(a, b billing.Document) int { return strings.Compare(docPosition(a), docPosition(b)) })
		return resellerkit.Paginate(docs, page, docPosition)
	})
}

// ---- alarms (B-15) ----

// CreateAlarm implements billing.Store: the alarm is stored at Version 1.
func (s *Store) CreateAlarm(ctx context.Context, a billing.Alarm) error {
	return s.db.Do(ctx, func(tx *memdb.Tx) error { return s.alarms.Create(tx, a) })
}

// UpdateAlarm implements billing.Store.
func (s *Store) UpdateAlarm(ctx context.Context, a billing.Alarm) error {
	return s.db.Do(ctx, func(tx *memdb.Tx) error { return s.alarms.Update(tx, a, a.ID) })
}

// DeleteAlarm implements billing.Store.
func (s *Store) DeleteAlarm(ctx context.Context, orgID, id string) error {
	return s.db.Do(ctx, func(tx *memdb.Tx) error {
		if _, err := s.alarms.Find(tx, id, orgID, id); err != nil {
			return err
		}
		s.alarms.Delete(tx, id)
		for _, f := range s.firings.Select(tx, func(f billing.AlarmFiring) bool { return f.AlarmID == id }) {
			s.firings.Delete(tx, firingKey(f))
		}
		return nil
	})
}

// GetAlarm implements billing.Store.
func (s *Store) GetAlarm(ctx context.Context, orgID, id string) (billing.Alarm, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) (billing.Alarm, error) { return s.alarms.Find(tx, id, orgID, id) })
}

// ListAlarms implements billing.Store. orgID and accountID filter independently:
// "" selects every organization, every account.
func (s *Store) ListAlarms(ctx context.Context, orgID, accountID string) ([]billing.Alarm, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) ([]billing.Alarm, error) {
		as := s.alarms.Select(tx, func(a billing.Alarm) bool {
			return (orgID == "" || a.OrgID == orgID) && (accountID == "" || a.AccountID == accountID)
		})
		// Select returns them in id order; a stable sort keeps it within an account.
		slices.SortStableFunc(as, func(a, b billing.Alarm) int { return strings.Compare(a.AccountID, b.AccountID) })
		return as, nil
	})
}

func firingKey(f billing.AlarmFiring) string { return f.AlarmID + "\x00" + f.Period.String() }

// RecordFiring implements billing.Store. The alarm is matched by f.OrgID and
// f.AlarmID: another organization's alarm is ErrNotFound.
func (s *Store) RecordFiring(ctx context.Context, f billing.AlarmFiring) (bool, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) (bool, error) {
		if _, err := s.alarms.Find(tx, f.AlarmID, f.OrgID, f.AlarmID); err != nil {
			return false, err
		}
		k := firingKey(f)
		if s.firings.Has(tx, k) {
			return false, nil
		}
		s.firings.Put(tx, k, f)
		return true, nil
	})
}

// ListFirings implements billing.Store. The firings of an alarm that does not
// exist, or of another organization's, are an empty list.
func (s *Store) ListFirings(ctx context.Context, orgID, alarmID string) ([]billing.AlarmFiring, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) ([]billing.AlarmFiring, error) {
		fs := s.firings.Select(tx, func(f billing.AlarmFiring) bool { return f.AlarmID == alarmID && f.OrgID == orgID })
		slices.SortFunc(fs, func(a, b billing.AlarmFiring) int { return b.Period.Compare(a.Period) })
		return fs, nil
	})
}
