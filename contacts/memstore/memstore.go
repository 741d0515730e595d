package memstore

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/memdb"
)

// Store is an in-memory contacts.Store, safe for concurrent use. The zero value is
// not usable; call New or NewOn.
type Store struct {
	db       *memdb.DB
	contacts *memdb.Records[contacts.AccountContacts] // keyed by org id + "\x00" + account id
	notices  *memdb.Table[string, contacts.Notice]    // keyed by notice id
}

var _ contacts.Store = (*Store)(nil)

// New returns an empty Store on a database of its own.
func New() *Store { return NewOn(memdb.New()) }

// NewOn returns an empty Store whose tables live in db, which the memstores of other
// packages (members, identity…) may share: like SQL stores on one database, they
// then run under one lock, and one transaction spans them, so a change and the
// notice it causes commit together or not at all.
func NewOn(db *memdb.DB) *Store {
	return &Store{db: db,
		contacts: &memdb.Records[contacts.AccountContacts]{
			Table: memdb.NewTable[string](db, contacts.AccountContacts.Clone),
			Name:  "contacts of account", Key: contactsKey,
			Scope:   func(c contacts.AccountContacts) string { return c.OrgID },
			Version: func(c *contacts.AccountContacts) *int64 { return &c.Version },
			Merge: func(cur, c contacts.AccountContacts) contacts.AccountContacts {
				cur.Recipients, cur.Language, cur.Phones, cur.UpdatedAt = c.Recipients, c.Language, c.Phones, c.UpdatedAt
				return cur
			},
			Errors: memdb.Errors{NotFound: contacts.ErrNotFound, AlreadyExists: contacts.ErrAlreadyExists, Conflict: contacts.ErrConflict},
		},
		notices: memdb.NewTable[string](db, contacts.Notice.Clone),
	}
}

// contactsKey is the row key of an account's contacts: one record per organization
// and account, so an organization never learns whether another one saved contacts
// for the same account id (M-7).
func contactsKey(c contacts.AccountContacts) string { return c.OrgID + "\x00" + c.AccountID }

// InTx implements contacts.Store: fn runs holding the database's lock, and its
// writes are kept only when it returns nil.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.db.InTx(ctx, fn)
}

func notFound(what, id string) error {
	return fmt.Errorf("%w: %s %q", contacts.ErrNotFound, what, resellerkit.Truncate(id))
}

func exists(what, id string) error {
	return fmt.Errorf("%w: %s %q", contacts.ErrAlreadyExists, what, resellerkit.Truncate(id))
}

// ---- account contacts ----

// GetAccountContacts implements contacts.Store.
func (s *Store) GetAccountContacts(ctx context.Context, orgID, accountID string) (contacts.AccountContacts, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) (contacts.AccountContacts, error) {
		return s.contacts.Find(tx, orgID+"\x00"+accountID, orgID, accountID)
	})
}

// PutAccountContacts implements contacts.Store.
func (s *Store) PutAccountContacts(ctx context.Context, c contacts.AccountContacts) error {
	return s.db.Do(ctx, func(tx *memdb.Tx) error {
		if c.Version == 0 {
			return s.contacts.Create(tx, c)
		}
		return s.contacts.Update(tx, c, c.AccountID)
	})
}

// ListAccountContacts implements contacts.Store.
func (s *Store) ListAccountContacts(ctx context.Context, orgID string, page resellerkit.Page) ([]contacts.AccountContacts, string, error) {
	return memdb.ReadPage(ctx, s.db, func(tx *memdb.Tx) ([]contacts.AccountContacts, string, error) {
		return s.contacts.Page(tx, page, func(c contacts.AccountContacts) bool { return c.OrgID == orgID },
			func(c contacts.AccountContacts) string { return c.AccountID })
	})
}

// ---- notices ----

// EnqueueNotice implements contacts.Store.
func (s *Store) EnqueueNotice(ctx context.Context, n contacts.Notice) error {
	return s.db.Do(ctx, func(tx *memdb.Tx) error {
		if s.notices.Has(tx, n.ID) {
			return exists("notice", n.ID)
		}
		if s.byKey(tx, n.OrgID, n.Key) != nil {
			return exists("notice with key", n.Key)
		}
		n.State = contacts.NoticeQueued
		s.notices.Put(tx, n.ID, n)
		return nil
	})
}

// byKey returns orgID's notice with key, or nil.
func (s *Store) byKey(tx *memdb.Tx, orgID, key string) *contacts.Notice {
	found := s.notices.Select(tx, func(n contacts.Notice) bool { return n.OrgID == orgID && n.Key == key })
	if len(found) == 0 {
		return nil
	}
	return &found[0]
}

// GetNotice implements contacts.Store.
func (s *Store) GetNotice(ctx context.Context, orgID, noticeID string) (contacts.Notice, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) (contacts.Notice, error) { return s.find(tx, orgID, noticeID) })
}

// find returns notice id of orgID.
func (s *Store) find(tx *memdb.Tx, orgID, id string) (contacts.Notice, error) {
	n, ok := s.notices.Get(tx, id)
	if !ok || n.OrgID != orgID {
		return contacts.Notice{}, notFound("notice", id)
	}
	return n, nil
}

// GetNoticeByKey implements contacts.Store.
func (s *Store) GetNoticeByKey(ctx context.Context, orgID, key string) (contacts.Notice, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) (contacts.Notice, error) {
		if n := s.byKey(tx, orgID, key); n != nil {
			return *n, nil
		}
		return contacts.Notice{}, notFound("notice with key", key)
	})
}

// RequeueNotice implements contacts.Store.
func (s *Store) RequeueNotice(ctx context.Context, orgID, noticeID string, now time.Time) error {
	return s.db.Do(ctx, func(tx *memdb.Tx) error {
		n, err := s.find(tx, orgID, noticeID)
		if err != nil {
			return err
		}
		if n.State != contacts.NoticeDead {
			return fmt.Errorf("%w: notice %q is not dead", contacts.ErrConflict, resellerkit.Truncate(noticeID))
		}
		n.State, n.NextAt, n.Attempts, n.LeaseOwner, n.LeaseUntil = contacts.NoticeQueued, now, 0, "", time.Time{}
		s.notices.Put(tx, n.ID, n)
		return nil
	})
}

// ListNotices implements contacts.Store.
func (s *Store) ListNotices(ctx context.Context, orgID string, state contacts.NoticeState, page resellerkit.Page) ([]contacts.Notice, string, error) {
	return memdb.ReadPage(ctx, s.db, func(tx *memdb.Tx) ([]contacts.Notice, string, error) {
		return resellerkit.Paginate(s.notices.Select(tx, func(n contacts.Notice) bool {
			return n.OrgID == orgID && (state == "" || n.State == state)
		}), page, func(n contacts.Notice) string { return n.ID })
	})
}

// ListNoticesNewestFirst implements contacts.Store: it selects the
// organization's notices after the token's position, sorts them newest first and
// returns the first page (a map has no order to read a page from).
func (s *Store) ListNoticesNewestFirst(ctx context.Context, orgID string, state contacts.NoticeState, page resellerkit.Page) ([]contacts.Notice, string, error) {
	at, id, after, err := contacts.ParseNoticePosition(page)
	if err != nil {
		return nil, "", err
	}
	last := contacts.Notice{CreatedAt: at, ID: id}
	return memdb.ReadPage(ctx, s.db, func(tx *memdb.Tx) ([]contacts.Notice, string, error) {
		l := s.notices.Select(tx, func(n contacts.Notice) bool {
			return n.OrgID == orgID && (state == "" || n.State == state) && (!after || contacts.NewestFirst(last, n) < 0)
		})
		slices.SortFunc(l, contacts.NewestFirst)
		if size := page.Size(); len(l) > size {
			return l[:size], resellerkit.NextToken(contacts.NoticePosition(l[size-1])), nil
		}
		return l, "", nil
	})
}

// ClaimNotices implements contacts.Store. Under the database's lock the due
// notices are chosen and leased in one step, so two claims never share one.
func (s *Store) ClaimNotices(ctx context.Context, owner string, now, leaseUntil time.Time, limit int) ([]contacts.Notice, error) {
	return memdb.Read(ctx, s.db, func(tx *memdb.Tx) ([]contacts.Notice, error) {
		if limit <= 0 {
			return nil, nil
		}
		due := s.notices.Select(tx, func(n contacts.Notice) bool {
			return n.State == contacts.NoticeQueued && !n.NextAt.After(now) && !n.LeaseUntil.After(now)
		})
		// Select returns them in id order; a stable sort keeps it among equal NextAt.
		slices.SortStableFunc(due, func(a, b contacts.Notice) int { return a.NextAt.Compare(b.NextAt) })
		claimed := make([]contacts.Notice, 0, min(limit, len(due)))
		for _, n := range due[:min(limit, len(due))] {
			n.LeaseOwner, n.LeaseUntil = owner, leaseUntil
			s.notices.Put(tx, n.ID, n)
			stored, _ := s.notices.Get(tx, n.ID) // as stored: times in UTC at microseconds
			claimed = append(claimed, stored)
		}
		return claimed, nil
	})
}

// holds reports whether owner holds the lease of the claim n was read under:
// the lease names owner, ends when n's does (compared at the stored precision),
// and no attempt was counted since.
func holds(cur, n contacts.Notice, owner string) bool {
	return cur.LeaseOwner != "" && cur.LeaseOwner == owner && cur.LeaseUntil.Equal(n.LeaseUntil.Truncate(time.Microsecond)) &&
		cur.Attempts == n.Attempts
}

// leaseLost is the ErrConflict of a claim whose lease owner does not hold.
func leaseLost(cur, n contacts.Notice, owner string) error {
	return fmt.Errorf("%w: notice %q: the lease of %q until %s at attempt %d is not held (holder %q until %s, attempt %d)",
		contacts.ErrConflict, resellerkit.Truncate(n.ID), resellerkit.Truncate(owner), n.LeaseUntil.Format(time.RFC3339Nano), n.Attempts,
		resellerkit.Truncate(cur.LeaseOwner), cur.LeaseUntil.Format(time.RFC3339Nano), cur.Attempts)
}

// StartNotice implements contacts.Store: it counts the attempt if owner holds
// the lease of n's claim and no attempt was counted since n was read.
func (s *Store) StartNotice(ctx context.Context, n contacts.Notice, owner string) error {
	return s.db.Do(ctx, func(tx *memdb.Tx) error {
		cur, err := s.find(tx, n.OrgID, n.ID)
		if err != nil {
			return err
		}
		if !holds(cur, n, owner) {
			return leaseLost(cur, n, owner)
		}
		cur.Attempts++
		s.notices.Put(tx, cur.ID, cur)
		return nil
	})
}

// FinishNotice implements contacts.Store. The notice is matched by n.OrgID and
// n.ID; owner holds its lease if the lease names owner and ends at n.LeaseUntil,
// and Attempts is still the one n carries.
func (s *Store) FinishNotice(ctx context.Context, n contacts.Notice, owner string) error {
	return s.db.Do(ctx, func(tx *memdb.Tx) error {
		cur, err := s.find(tx, n.OrgID, n.ID)
		if err != nil {
			return err
		}
		if !holds(cur, n, owner) {
			return leaseLost(cur, n, owner)
		}
		cur.State, cur.NextAt, cur.LastError, cur.SentAt = n.State, n.NextAt, n.LastError, n.SentAt
		cur.LeaseOwner, cur.LeaseUntil = "", time.Time{}
		s.notices.Put(tx, cur.ID, cur)
		return nil
	})
}
