package memstore

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/memdb"
	"github.com/seeda33a2f4f/resellerkit/support"
)

// Store is an in-memory support.Store, safe for concurrent use. The zero value is
// not usable; call New or NewOn.
type Store struct {
	db *memdb.DB
	// cases are keyed by id (unique across organizations); every check of the
	// contract (version, organization) is the Records table's.
	cases *memdb.Records[support.Case]
	// replies are keyed by reply id (unique across cases and organizations).
	replies *memdb.Table[string, support.Reply]
}

var _ support.Store = (*Store)(nil)

// New returns an empty Store on a database of its own.
func New() *Store { return NewOn(memdb.New()) }

// NewOn returns an empty Store whose tables live in db, which the memstores of
// other packages (members, contacts…) may share: like SQL stores on one database,
// they then run under one lock, and one transaction spans them, so a reply and
// the notice it sends commit together or not at all.
func NewOn(db *memdb.DB) *Store {
	return &Store{db: db,
		cases: &memdb.Records[support.Case]{
			Table:   memdb.NewTable[string](db, cloneCase),
			Name:    "case",
			Key:     func(c support.Case) string { return c.ID },
			Scope:   func(c support.Case) string { return c.OrgID },
			Version: func(c *support.Case) *int64 { return &c.Version },
			Merge:   mergeCase,
			Errors:  memdb.Errors{NotFound: support.ErrNotFound, AlreadyExists: support.ErrAlreadyExists, Conflict: support.ErrConflict},
		},
		replies: memdb.NewTable[string](db, cloneReply),
	}
}

// cloneCase returns a copy of c sharing no slice or escalation with it. memdb
// keeps the times of a value in UTC at microsecond precision but follows no
// pointer, so the escalation's time is normalized here.
func cloneCase(c support.Case) support.Case {
	c.CC = slices.Clone(c.CC)
	c.Waiting = slices.Clone(c.Waiting)
	if c.Escalation != nil {
		e := *c.Escalation
		e.At = instant(e.At)
		c.Escalation = &e
	}
	return c
}

func cloneReply(r support.Reply) support.Reply {
	r.Attachments = slices.Clone(r.Attachments)
	return r
}

// instant is t as stores keep it: in UTC at microsecond precision (the zero time
// stays zero).
func instant(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

// mergeCase is what UpdateCase stores: c, but the fields an update never changes
// as they are stored.
func mergeCase(cur, c support.Case) support.Case {
	c.ID, c.OrgID, c.AccountID, c.OpenedBy, c.CreatedAt = cur.ID, cur.OrgID, cur.AccountID, cur.OpenedBy, cur.CreatedAt
	return c
}

// InTx implements support.Store: fn runs holding the database's lock, and its
// writes are kept only when it returns nil. fn runs once.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.db.InTx(ctx, fn)
}

// findCase returns orgID's case id, of any organization when orgID is "".
func (s *Store) findCase(tx *memdb.Tx, orgID, id string) (support.Case, error) {
	c, ok := s.cases.Get(tx, id)
	if !ok || (orgID != "" && c.OrgID != orgID) {
		return support.Case{}, s.cases.NotFound(id)
	}
	return c, nil
}

// CreateCase implements support.Store: the case is stored at Version 1.
func (s *Store) CreateCase(ctx context.Context, c support.Case) error {
	return s.db.Do(ctx, func(tx *memdb.Tx) error { return s.cases.Create(tx, c) })
}

// GetCase implements support.Store.
func (s *Store) GetCase(ctx context.Context, orgID, id string) (support.Case, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) (support.Case, error) { return s.findCase(tx, orgID, id) })
}

// UpdateCase implements support.Store.
func (s *Store) UpdateCase(ctx context.Context, c support.Case) error {
	return s.db.Do(ctx, func(tx *memdb.Tx) error { return s.cases.Update(tx, c, c.ID) })
}

// newer orders cases newest first: by CreatedAt, then id in byte order, both
// descending.
func newer(a, b support.Case) int {
	if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
		return c
	}
	return strings.Compare(b.ID, a.ID)
}

// selects reports whether f selects c.
func selects(f support.CaseFilter, c support.Case) bool {
	return (f.OrgID == "" || c.OrgID == f.OrgID) && (f.AccountID == "" || c.AccountID == f.AccountID) &&
		(len(f.States) == 0 || slices.Contains(f.States, c.State)) && (f.Assignee == "" || c.Assignee == f.Assignee)
}

// ListCases implements support.Store: newest first, by CreatedAt then id. A page
// token holds the last case's CreatedAt (microseconds since 1970) and id.
func (s *Store) ListCases(ctx context.Context, f support.CaseFilter, page resellerkit.Page) ([]support.Case, string, error) {
	after, err := caseAfter(page)
	if err != nil {
		return nil, "", err
	}
	return memdb.ReadPage(ctx, s.db, func(tx *memdb.Tx) ([]support.Case, string, error) {
		cs := s.cases.Select(tx, func(c support.Case) bool {
			return selects(f, c) && (after == nil || newer(*after, c) < 0)
		})
		slices.SortFunc(cs, newer)
		if n := page.Size(); len(cs) > n {
			return cs[:n], resellerkit.NextToken(casePosition(cs[n-1])), nil
		}
		return cs, "", nil
	})
}

// casePosition is a case's place in ListCases as its page tokens hold it: its
// CreatedAt in microseconds since 1970, a NUL byte and its id.
func casePosition(c support.Case) string {
	return strconv.FormatInt(c.CreatedAt.UnixMicro(), 10) + "\x00" + c.ID
}

// caseAfter returns the position a page of cases starts after, as a case with
// only CreatedAt and ID: nil for the first page. A token that is no position
// wraps resellerkit.ErrPageToken.
func caseAfter(p resellerkit.Page) (*support.Case, error) {
	after, err := p.After()
	if err != nil || after == "" {
		return nil, err
	}
	at, id, ok := strings.Cut(after, "\x00")
	us, err := strconv.ParseInt(at, 10, 64)
	if !ok || err != nil || strconv.FormatInt(us, 10) != at {
		return nil, fmt.Errorf("%w %q: not a position in a list of cases", resellerkit.ErrPageToken, resellerkit.Truncate(p.Token))
	}
	return &support.Case{CreatedAt: time.UnixMicro(us).UTC(), ID: id}, nil
}

// AddReply implements support.Store: the case must be r.OrgID's, and reply ids
// are unique across cases and organizations.
func (s *Store) AddReply(ctx context.Context, r support.Reply) error {
	return s.db.Do(ctx, func(tx *memdb.Tx) error {
		if c, ok := s.cases.Get(tx, r.CaseID); !ok || c.OrgID != r.OrgID {
			return s.cases.NotFound(r.CaseID)
		}
		if s.replies.Has(tx, r.ID) {
			return fmt.Errorf("%w: reply %q", support.ErrAlreadyExists, resellerkit.Truncate(r.ID))
		}
		s.replies.Put(tx, r.ID, r)
		return nil
	})
}

// older orders replies oldest first: by CreatedAt, then id in byte order.
func older(a, b support.Reply) int {
	if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

// ListReplies implements support.Store: every reply of orgID's case (of any
// organization when orgID is ""), oldest first; ErrNotFound when there is no
// such case.
func (s *Store) ListReplies(ctx context.Context, orgID, caseID string) ([]support.Reply, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) ([]support.Reply, error) {
		if _, err := s.findCase(tx, orgID, caseID); err != nil {
			return nil, err
		}
		rs := s.replies.Select(tx, func(r support.Reply) bool { return r.CaseID == caseID })
		slices.SortFunc(rs, older)
		return rs, nil
	})
}

// PurgeCases implements support.Store: the limit oldest cases (CreatedAt, then
// id) of every organization created before cutoff, at microsecond precision,
// are deleted with their replies. A limit below 1 is ErrInvalid.
func (s *Store) PurgeCases(ctx context.Context, cutoff time.Time, limit int) ([]string, error) {
	if limit < 1 {
		return nil, resellerkit.Invalid(support.ErrInvalid, "limit", strconv.Itoa(limit), "P-5", "want at least 1")
	}
	cutoff = cutoff.Truncate(time.Microsecond)
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) ([]string, error) {
		old := s.cases.Select(tx, func(c support.Case) bool { return c.CreatedAt.Before(cutoff) })
		slices.SortFunc(old, func(a, b support.Case) int { return newer(b, a) })
		old = old[:min(len(old), limit)]
		if len(old) == 0 {
			return nil, nil
		}
		ids := make([]string, len(old))
		purged := make(map[string]bool, len(old))
		for i, c := range old {
			ids[i] = c.ID
			purged[c.ID] = true
		}
		for _, r := range s.replies.Select(tx, func(r support.Reply) bool { return purged[r.CaseID] }) {
			s.replies.Delete(tx, r.ID)
		}
		for _, id := range ids {
			s.cases.Delete(tx, id)
		}
		return ids, nil
	})
}
