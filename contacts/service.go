package contacts

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
)

// Accounts is what contacts needs from members: members.Service implements it.
// Contacts keeps no authorization of its own: reading an account's contacts needs
// account.view on it, changing them contacts.edit (M-5), and both come from here.
type Accounts interface {
	// Authorize checks p's permission need in orgID (members.Service.Authorize).
	Authorize(ctx context.Context, p members.Principal, orgID string, need members.Permission) error
	// GetAccount returns the account of orgID p may see (account.view).
	GetAccount(ctx context.Context, p members.Principal, orgID, accountID string) (members.Account, error)
	// EditAccounts authorizes p for need on every listed account and calls apply in
	// one transaction (members.Service.EditAccounts, M-10).
	EditAccounts(ctx context.Context, p members.Principal, orgID string, accountIDs []string, need members.Permission,
		apply func(ctx context.Context, accounts []members.Account) error) error
}

// Service is the contacts domain's API: accounts' recipients, language and
// emergency phones (C-1 … C-3), their bulk edit (M-10), the test mail (C-4) and
// notices (C-5, C-7), which it routes, renders and writes to the outbox for a
// Dispatcher to deliver.
type Service struct {
	store    Store
	accounts Accounts
	render   *Renderer
	now      func() time.Time
	newID    func() string

	testMails   int           // test mails per account per testWindow
	testWindow  time.Duration //
	testMu      sync.Mutex
	testHistory map[string][]time.Time // org + account → recent test mails
}

// DefaultTestMailLimit is how many test mails one account may send per hour unless
// WithTestMailLimit says otherwise.
const DefaultTestMailLimit = 10

// WithTestMailLimit bounds the test mails of C-4 to n per account per window
// (default DefaultTestMailLimit per hour): a test mail goes to addresses nobody
// has confirmed, from the reseller's domain, and must not become a way to send
// mail to strangers (which gets the domain or the SES account suspended). The
// count is kept by this Service, in memory: several portal processes each allow n.
func WithTestMailLimit(n int, window time.Duration) Option {
	return func(s *Service) { s.testMails, s.testWindow = n, window }
}

// Option configures a Service.
type Option func(*Service)

// WithClock sets the clock (default time.Now).
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// WithIDGenerator sets the generator of notice ids (default: 26 random lower-case
// base32 characters).
func WithIDGenerator(newID func() string) Option { return func(s *Service) { s.newID = newID } }

// WithRenderer sets the templates (default: NewRenderer(), the built-in Japanese
// and English ones). A renderer with more languages extends C-2: the Service
// accepts every language it renders.
func WithRenderer(r *Renderer) Option { return func(s *Service) { s.render = r } }

// NewService returns a Service over store, authorizing through accounts.
func NewService(store Store, accounts Accounts, opts ...Option) (*Service, error) {
	s := &Service{store: store, accounts: accounts, now: time.Now, newID: func() string { return strings.ToLower(rand.Text()) },
		testMails: DefaultTestMailLimit, testWindow: time.Hour, testHistory: map[string][]time.Time{}}
	for _, o := range opts {
		o(s)
	}
	if s.render == nil {
		r, err := NewRenderer()
		if err != nil {
			return nil, err
		}
		s.render = r
	}
	return s, nil
}

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Languages returns the languages notices can be written in (C-2).
func (s *Service) Languages() []Language { return s.render.Languages() }

// checkLanguage refuses a language the renderer has no templates for (C-2).
func (s *Service) checkLanguage(field string, l Language) error {
	if !slices.Contains(s.render.Languages(), l) {
		return invalid(field, string(l), "C-2", fmt.Sprintf("must be one of %v", s.render.Languages()))
	}
	return nil
}

// defaults is what an account whose contacts were never saved has: no recipients,
// Japanese, no phones, Version 0.
func defaults(orgID, accountID string) AccountContacts {
	return AccountContacts{OrgID: orgID, AccountID: accountID, Language: Japanese}
}

// load returns the account's saved contacts, or its defaults.
func (s *Service) load(ctx context.Context, orgID, accountID string) (AccountContacts, error) {
	c, err := s.store.GetAccountContacts(ctx, orgID, accountID)
	if errors.Is(err, ErrNotFound) {
		return defaults(orgID, accountID), nil
	}
	return c, err
}

// GetAccountContacts returns the contacts of an account p may see (account.view):
// Version 0 and no recipients when they were never saved.
func (s *Service) GetAccountContacts(ctx context.Context, p members.Principal, orgID, accountID string) (AccountContacts, error) {
	if _, err := s.accounts.GetAccount(ctx, p, orgID, accountID); err != nil {
		return AccountContacts{}, err
	}
	return s.load(ctx, orgID, accountID)
}

// Update replaces an account's contacts (C-1 … C-3): every field is written.
type Update struct {
	Recipients Recipients
	Language   Language
	Phones     []string
	// Version is the version read: 0 for contacts never saved.
	Version int64
}

// UpdateAccountContacts replaces an account's contacts after validating every
// field (C-1: TO 1..6 and CC 0..6 per category, valid and distinct addresses; C-2:
// a known language; C-3: 1..3 phones, stored in E.164). Needs contacts.edit. A
// stale Version is ErrConflict.
func (s *Service) UpdateAccountContacts(ctx context.Context, p members.Principal, orgID, accountID string, u Update) (AccountContacts, error) {
	next, err := s.validate(u.Recipients, u.Language, u.Phones)
	if err != nil {
		return AccountContacts{}, err
	}
	var out AccountContacts
	err = s.accounts.EditAccounts(ctx, p, orgID, []string{accountID}, members.PermContactsEdit, func(ctx context.Context, _ []members.Account) error {
		cur, err := s.load(ctx, orgID, accountID)
		if err != nil {
			return err
		}
		if u.Version != cur.Version {
			return fmt.Errorf("%w: contacts of account %q: stale version %d, current is %d", ErrConflict, accountID, u.Version, cur.Version)
		}
		next.OrgID, next.AccountID, next.Version, next.UpdatedAt = orgID, accountID, cur.Version, s.clock()
		if err := s.store.PutAccountContacts(ctx, next); err != nil {
			return err
		}
		next.Version++
		out = next
		return nil
	})
	return out, err
}

// validate normalizes a whole set of contacts. Recipient errors name their field
// under "recipients." (e.g. "recipients.billing.to[1]"), as an update spells it.
func (s *Service) validate(r Recipients, lang Language, phones []string) (AccountContacts, error) {
	rec, err := normalizeRecipients(r)
	if err != nil {
		return AccountContacts{}, err
	}
	if err := s.checkLanguage("language", lang); err != nil {
		return AccountContacts{}, err
	}
	ph, err := NormalizePhones("phones", phones)
	if err != nil {
		return AccountContacts{}, err
	}
	return AccountContacts{Recipients: rec, Language: lang, Phones: ph}, nil
}

// normalizeRecipients is NormalizeRecipients with its error's field under
// "recipients.".
func normalizeRecipients(r Recipients) (Recipients, error) {
	rec, err := NormalizeRecipients(r)
	var ve *resellerkit.ValidationError
	if errors.As(err, &ve) {
		ve.Field = "recipients." + ve.Field
	}
	return rec, err
}

// BulkEdit is the input of BulkEditAccountContacts: the fields to overwrite on
// every listed account (M-10); a nil field is left as it is.
type BulkEdit struct {
	Recipients *Recipients
	Language   *Language
	Phones     []string // nil: unchanged
}

// BulkEditAccountContacts overwrites the set fields of BulkEdit on every listed
// account of orgID, in one transaction, all or nothing (M-10): members authorizes
// contacts.edit on each account inside that transaction, and any invalid value,
// foreign or unknown account, or account left without valid contacts (one never
// configured needs recipients and phones in the same edit) fails the whole batch
// with an error naming the account. It returns the accounts' contacts as saved.
func (s *Service) BulkEditAccountContacts(ctx context.Context, p members.Principal, orgID string, accountIDs []string, e BulkEdit) ([]AccountContacts, error) {
	if e.Recipients == nil && e.Language == nil && e.Phones == nil {
		return nil, invalid("edit", "", "M-10", "set at least one of recipients, language and phones")
	}
	var rec Recipients
	if e.Recipients != nil {
		var err error
		if rec, err = normalizeRecipients(*e.Recipients); err != nil {
			return nil, err
		}
	}
	if e.Language != nil {
		if err := s.checkLanguage("language", *e.Language); err != nil {
			return nil, err
		}
	}
	var phones []string
	if e.Phones != nil {
		var err error
		if phones, err = NormalizePhones("phones", e.Phones); err != nil {
			return nil, err
		}
	}
	var out []AccountContacts
	err := s.accounts.EditAccounts(ctx, p, orgID, accountIDs, members.PermContactsEdit, func(ctx context.Context, accounts []members.Account) error {
		out = make([]AccountContacts, 0, len(accounts))
		now := s.clock()
		for i, a := range accounts {
			cur, err := s.load(ctx, orgID, a.ID)
			if err != nil {
				return err
			}
			next := cur.Clone()
			if e.Recipients != nil {
				next.Recipients = rec.Clone()
			}
			if e.Language != nil {
				next.Language = *e.Language
			}
			if e.Phones != nil {
				next.Phones = slices.Clone(phones)
			}
			if _, err := s.validate(next.Recipients, next.Language, next.Phones); err != nil {
				return fmt.Errorf("bulk edit (M-10), account_ids[%d] %q has no complete contacts after this edit: %w", i, a.ID, err)
			}
			next.UpdatedAt = now
			if err := s.store.PutAccountContacts(ctx, next); err != nil {
				return err
			}
			next.Version++
			out = append(out, next)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SendTestMail queues the test mail of C-4 to a proposed list of category for an
// account, before the list is saved, so the person can check the addresses
// reach someone. Needs contacts.edit on the account. The list is validated as a
// saved one would be; nothing is saved.
func (s *Service) SendTestMail(ctx context.Context, p members.Principal, orgID, accountID string, category Category, list List, lang Language) (Notice, error) {
	if !slices.Contains(Categories(), category) {
		return Notice{}, invalid("category", string(category), "C-1", "must be billing, technical or security")
	}
	l, err := NormalizeList("", list)
	if err != nil {
		return Notice{}, err
	}
	if err := s.checkLanguage("language", lang); err != nil {
		return Notice{}, err
	}
	var out Notice
	err = s.accounts.EditAccounts(ctx, p, orgID, []string{accountID}, members.PermContactsEdit, func(ctx context.Context, _ []members.Account) error {
		if err := s.countTestMail(orgID, accountID); err != nil {
			return err
		}
		var err error
		out, err = s.enqueue(ctx, NewNotice{Key: "test_mail:" + s.newID(), Kind: KindTestMail, OrgID: orgID, AccountID: accountID,
			Language: lang, To: l.To, CC: l.CC, Data: TestMailData{Category: category, AccountID: accountID}})
		return err
	})
	return out, err
}

// ErrTooManyTestMails reports a test mail over WithTestMailLimit's bound (C-4).
var ErrTooManyTestMails = errors.New("contacts: too many test mails for this account; try again later")

// countTestMail counts one test mail of the account, or refuses it over the
// limit.
func (s *Service) countTestMail(orgID, accountID string) error {
	key := orgID + "\x00" + accountID
	now := s.clock()
	s.testMu.Lock()
	defer s.testMu.Unlock()
	recent := slices.DeleteFunc(s.testHistory[key], func(t time.Time) bool { return !now.Before(t.Add(s.testWindow)) })
	if len(recent) >= s.testMails {
		s.testHistory[key] = recent
		return ErrTooManyTestMails
	}
	s.testHistory[key] = append(recent, now)
	return nil
}

// NewNotice is the input of Notify.
type NewNotice struct {
	// Key is the idempotency key, required: the same key notified twice is one
	// notice (a job re-run after a crash notifies again harmlessly). Build it from
	// what the notice is about, e.g. "invoice_issued:" + invoice id.
	Key       string
	Kind      Kind
	OrgID     string // the organization concerned; "" for none (a password reset)
	AccountID string // for kinds routed by account (C-5): whose recipients
	// Language overrides the account's language; required for kinds addressed by
	// the caller.
	Language Language
	To, CC   []string // for kinds addressed by the caller (RoutedByAccount false)
	Data     any      // the template data of the kind (see Renderer)
}

// MaxKeyLen bounds an idempotency key.
const MaxKeyLen = 200

// Notify writes a notice to the outbox (C-5, C-7): recipients routed by kind from
// the account's contacts (or given by the caller), rendered in the account's
// language (or the one given), with the idempotency key. Called with a context
// carrying a transaction, the notice is written in it, so it exists exactly when
// the change that causes it commits. A key already enqueued returns that notice
// and writes nothing. It is a system operation without a principal: callers are
// other packages' services, which authorized their own change.
func (s *Service) Notify(ctx context.Context, n NewNotice) (Notice, error) {
	var out Notice
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		out, err = s.enqueue(ctx, n)
		return err
	})
	return out, err
}

func (s *Service) enqueue(ctx context.Context, n NewNotice) (Notice, error) {
	if n.Key == "" || len(n.Key) > MaxKeyLen {
		return Notice{}, invalid("key", n.Key, "C-7", fmt.Sprintf("an idempotency key of 1..%d characters is required", MaxKeyLen))
	}
	if !n.Kind.Valid() {
		return Notice{}, invalid("kind", string(n.Kind), "C-5", "is not a notice kind")
	}
	if err := checkData(n.Data); err != nil {
		return Notice{}, err
	}
	if prev, err := s.store.GetNoticeByKey(ctx, n.OrgID, n.Key); err == nil {
		return sameNotice(prev, n)
	} else if !errors.Is(err, ErrNotFound) {
		return Notice{}, err
	}
	notice := Notice{ID: s.newID(), Key: n.Key, OrgID: n.OrgID, AccountID: n.AccountID, Kind: n.Kind, Language: n.Language,
		State: NoticeQueued, CreatedAt: s.clock()}
	notice.NextAt = notice.CreatedAt
	if RoutedByAccount(n.Kind) {
		c, err := s.store.GetAccountContacts(ctx, n.OrgID, n.AccountID)
		if errors.Is(err, ErrNotFound) {
			return Notice{}, fmt.Errorf("%w: account %q has no contacts to send %s to (C-5)", ErrNotFound, resellerkit.Truncate(n.AccountID), n.Kind)
		}
		if err != nil {
			return Notice{}, err
		}
		if notice.To, notice.CC, notice.Phones, err = Route(n.Kind, c); err != nil {
			return Notice{}, err
		}
		if notice.Language == "" {
			notice.Language = c.Language
		}
		n.Data = routedData(n.Data, n.AccountID, notice.Phones)
	} else {
		l, err := NormalizeList("", List{To: n.To, CC: n.CC})
		if err != nil {
			return Notice{}, err
		}
		notice.To, notice.CC = l.To, l.CC
	}
	if err := s.checkLanguage("language", notice.Language); err != nil {
		return Notice{}, err
	}
	r, err := s.render.Render(n.Kind, notice.Language, n.Data)
	if err != nil {
		return Notice{}, err
	}
	notice.Subject, notice.Text, notice.HTML = r.Subject, r.Text, r.HTML
	if n.Data != nil {
		if notice.Data, err = json.Marshal(n.Data); err != nil {
			return Notice{}, fmt.Errorf("contacts: notice data: %w", err)
		}
	}
	if err := s.store.EnqueueNotice(ctx, notice); errors.Is(err, ErrAlreadyExists) {
		// A concurrent Notify of the same key won (or, rarely, the id was taken).
		prev, gerr := s.store.GetNoticeByKey(ctx, n.OrgID, n.Key)
		if gerr != nil {
			return Notice{}, err
		}
		return sameNotice(prev, n)
	} else if err != nil {
		return Notice{}, err
	}
	return notice, nil
}

// checkData refuses the template data of a notice that would be useless without
// a field its templates cannot do without: the link of an invitation, a reset, a
// signup or a support reply, the total and link of an invoice (the data's
// required method, on the value and through a pointer alike). A notice must not go
// out empty; the caller's bug is an error, not a mail.
func checkData(d any) error {
	if r, ok := d.(interface{ required() error }); ok {
		return r.required()
	}
	return nil
}

// need returns the error of a required data field left empty.
func need(field, v string) error {
	if strings.TrimSpace(v) == "" {
		return invalid("data."+field, "", "C-5", "is required for this notice")
	}
	return nil
}

// sameNotice returns prev, the notice already enqueued with n's key, if it is
// about the same thing: same kind and account. Otherwise the key was reused for
// another notice, a caller's bug: ErrConflict rather than a silently dropped
// notice.
func sameNotice(prev Notice, n NewNotice) (Notice, error) {
	if prev.Kind != n.Kind || prev.AccountID != n.AccountID {
		return Notice{}, fmt.Errorf("%w: idempotency key %q already names a %s notice (C-7)", ErrConflict, resellerkit.Truncate(n.Key), prev.Kind)
	}
	return prev, nil
}

// routedData returns the template data of a notice routed by account with the
// account and, for an incident, the emergency phones routing found (the data's
// routed method, on the value and through a pointer alike): routing is
// authoritative, so a mail never names another account than the one it went to,
// nor phones other than those on file (C-3).
func routedData(d any, accountID string, phones []string) any {
	if r, ok := d.(interface {
		routed(accountID string, phones []string) NoticeData
	}); ok {
		return r.routed(accountID, phones)
	}
	return d
}

// GetNotice returns one notice of orgID with its delivery state (C-7). Needs a
// power user (members.PermUserManage): notices carry the recipients and contents
// of every area (invitations, charges, invoices, security), which no single
// permission of M-5 covers. Reseller operators read notices of no organization
// (password resets, signups) with orgID "".
func (s *Service) GetNotice(ctx context.Context, p members.Principal, orgID, noticeID string) (Notice, error) {
	if err := s.authorizeNotices(ctx, p, orgID); err != nil {
		return Notice{}, err
	}
	return s.store.GetNotice(ctx, orgID, noticeID)
}

// authorizeNotices checks that p may read and requeue orgID's notices: a power
// user of it, or a reseller operator (who alone reaches the notices of no
// organization, orgID "").
func (s *Service) authorizeNotices(ctx context.Context, p members.Principal, orgID string) error {
	if orgID == "" {
		if !p.Operator || p.OrgID != "" {
			return members.ErrPermissionDenied
		}
		return nil
	}
	return s.accounts.Authorize(ctx, p, orgID, members.PermUserManage)
}

// RequeueNotice makes a dead notice of orgID due again, its attempts counted from
// zero (C-7): after an operator fixed what made it fail (a mail server's
// password, a webhook's URL). Needs a power user (orgID "": an operator).
// ErrConflict if the notice is not dead.
func (s *Service) RequeueNotice(ctx context.Context, p members.Principal, orgID, noticeID string) (Notice, error) {
	if err := s.authorizeNotices(ctx, p, orgID); err != nil {
		return Notice{}, err
	}
	var out Notice
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.RequeueNotice(ctx, orgID, noticeID, s.clock()); err != nil {
			return err
		}
		var err error
		out, err = s.store.GetNotice(ctx, orgID, noticeID)
		return err
	})
	return out, err
}

// ListNotices returns a page of orgID's notices ordered by id, only those in
// state when it is not empty (C-7: queued, sent, dead, with attempts and the last
// error). Needs a power user; orgID "" (notices of no organization) an operator.
func (s *Service) ListNotices(ctx context.Context, p members.Principal, orgID string, state NoticeState, page resellerkit.Page) ([]Notice, string, error) {
	if _, err := page.After(); err != nil {
		return nil, "", invalid("page_token", page.Token, "", "is not a token a previous page returned")
	}
	if err := s.mayListNotices(ctx, p, orgID, state); err != nil {
		return nil, "", err
	}
	return s.store.ListNotices(ctx, orgID, state, page)
}

// ListNoticesNewestFirst returns a page of orgID's notices newest first
// (CreatedAt, then id, both descending), only those in state when it is not
// empty: what a person reading the outbox wants first, at the cost of one page
// however many notices the organization accumulated. Its page tokens are its own
// (a token of ListNotices is invalid here). The same permission as ListNotices: a
// power user; orgID "" (notices of no organization) an operator.
func (s *Service) ListNoticesNewestFirst(ctx context.Context, p members.Principal, orgID string, state NoticeState, page resellerkit.Page) ([]Notice, string, error) {
	if _, _, _, err := ParseNoticePosition(page); err != nil {
		return nil, "", invalid("page_token", page.Token, "", "is not a token a previous page of notices newest first returned")
	}
	if err := s.mayListNotices(ctx, p, orgID, state); err != nil {
		return nil, "", err
	}
	return s.store.ListNoticesNewestFirst(ctx, orgID, state, page)
}

// mayListNotices checks the state filter and that p may read orgID's notices.
func (s *Service) mayListNotices(ctx context.Context, p members.Principal, orgID string, state NoticeState) error {
	switch state {
	case "", NoticeQueued, NoticeSent, NoticeDead:
	default:
		return invalid("state", string(state), "C-7", "must be queued, sent or dead")
	}
	return s.authorizeNotices(ctx, p, orgID)
}
