package contacts

import (
	"context"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
)

// Store is the storage contract of contacts: accounts' contacts and the notice
// outbox. It holds no authorization (members decides who may read or edit an
// account) and no policy (the Dispatcher decides retries). Every implementation
// passes contactstest.TestStore.
//
// Conventions are those of members.Store: transactions travel in the context and
// join one the context carries (so a notice is written in the transaction of the
// change that causes it, across packages on one database); organization scoping
// (another organization's row is ErrNotFound); versions (Put with the version read;
// ErrConflict when stale); atomic errors; values copied in and out; times UTC at
// microsecond precision, zero meaning unset and comparing as the earliest time;
// keyset lists in byte order of the key named; errors wrapping ErrNotFound,
// ErrAlreadyExists or ErrConflict, anything else an infrastructure failure.
type Store interface {
	// InTx runs fn in one serializable transaction, joining one ctx carries
	// (members.Store.InTx states the full contract).
	InTx(ctx context.Context, fn func(ctx context.Context) error) error

	// GetAccountContacts returns the account's contacts. ErrNotFound if they were
	// never saved (or the account is another organization's).
	GetAccountContacts(ctx context.Context, orgID, accountID string) (AccountContacts, error)
	// PutAccountContacts saves c, keyed by (OrgID, AccountID). With c.Version 0 it
	// creates them (ErrAlreadyExists if they exist); otherwise it replaces Recipients, Language, Phones and
	// UpdatedAt if c.Version is current (ErrConflict if not, ErrNotFound if they do
	// not exist). The stored version becomes c.Version+1.
	PutAccountContacts(ctx context.Context, c AccountContacts) error
	// ListAccountContacts returns a page of the organization's saved contacts
	// ordered by AccountID.
	ListAccountContacts(ctx context.Context, orgID string, page resellerkit.Page) ([]AccountContacts, string, error)

	// EnqueueNotice stores a new notice (State NoticeQueued, whatever n.State
	// holds). ErrAlreadyExists if the id is taken (ids are unique across
	// organizations) or the organization already has a notice with the Key: the
	// same key enqueued twice in one organization is one notice, while two
	// organizations' keys never collide.
	EnqueueNotice(ctx context.Context, n Notice) error
	// GetNotice returns the notice of orgID ("" for notices of no organization).
	// ErrNotFound if none.
	GetNotice(ctx context.Context, orgID, noticeID string) (Notice, error)
	// GetNoticeByKey returns orgID's notice with the idempotency key ("" for
	// notices of no organization). ErrNotFound if none.
	GetNoticeByKey(ctx context.Context, orgID, key string) (Notice, error)
	// ListNotices returns a page of the organization's notices ("" for notices of
	// no organization) ordered by ID, only those in state when state is not empty.
	ListNotices(ctx context.Context, orgID string, state NoticeState, page resellerkit.Page) ([]Notice, string, error)
	// ListNoticesNewestFirst returns a page of the organization's notices ("" for
	// notices of no organization), newest first: CreatedAt descending, then ID
	// descending in byte order (a zero CreatedAt is the earliest), only those in
	// state when state is not empty. Its page tokens hold the last notice's
	// position (NoticePosition); a token that is no position wraps
	// resellerkit.ErrPageToken. Its cost is that of one page, whatever the
	// organization's history.
	ListNoticesNewestFirst(ctx context.Context, orgID string, state NoticeState, page resellerkit.Page) ([]Notice, string, error)
	// ClaimNotices leases up to limit due notices to owner until leaseUntil (which
	// must be after now) and returns them, oldest NextAt first: queued notices whose
	// NextAt is at or before now and whose lease is free or expired (LeaseUntil at
	// or before now). Each claimed notice has LeaseOwner and LeaseUntil set, as
	// returned and as stored; its Attempts is unchanged (a claim is no attempt:
	// StartNotice counts one). Two concurrent claims never return the same notice,
	// and a notice claimed again has a later LeaseUntil than before, so owner and
	// LeaseUntil name one claim. Unscoped: dispatchers serve every organization.
	ClaimNotices(ctx context.Context, owner string, now, leaseUntil time.Time, limit int) ([]Notice, error)
	// StartNotice records that owner starts a delivery attempt on the notice it
	// claimed (found by n.OrgID and n.ID, n as ClaimNotices returned it): Attempts
	// becomes n.Attempts+1, and nothing else changes, if owner still holds that
	// claim's lease and no attempt was counted since n was read (the lease owner
	// is owner, LeaseUntil is n.LeaseUntil and Attempts is n.Attempts). The caller
	// sends only after it succeeded, so Attempts counts the sends that started,
	// whatever becomes of them, and never a claim that sent nothing. ErrConflict
	// if the lease was lost or never taken, or an attempt was counted since n was
	// read; ErrNotFound if there is no such notice.
	StartNotice(ctx context.Context, n Notice, owner string) error
	// RequeueNotice makes orgID's dead notice due again at now: State queued,
	// NextAt now, Attempts 0, LastError kept until the next attempt replaces it.
	// ErrNotFound if there is no such notice, ErrConflict if it is not dead.
	RequeueNotice(ctx context.Context, orgID, noticeID string, now time.Time) error
	// FinishNotice records the outcome of owner's claim of the notice (found by
	// n.OrgID and n.ID): it stores State, NextAt, LastError and SentAt from n and
	// clears the lease, if owner still holds the lease of that claim and Attempts
	// is unchanged since n was read (the lease owner is owner, LeaseUntil is
	// n.LeaseUntil and Attempts is n.Attempts: n.Attempts+1 after StartNotice, or
	// as claimed when no attempt started). ErrConflict if the lease was lost
	// (expired and claimed again, by another dispatcher or by owner) or the notice
	// is not leased, ErrNotFound if there is no such notice.
	FinishNotice(ctx context.Context, n Notice, owner string) error
}
