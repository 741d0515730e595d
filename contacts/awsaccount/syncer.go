package awsaccount

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/account/types"
	"golang.org/x/sync/errgroup"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
)

// accountAPI lists the only AWS Account Management operations the Syncer calls.
// *account.Client implements it; tests pass a fake returning the SDK's own error
// types. DeleteAlternateContact is deliberately absent: the Syncer never removes a
// contact the customer set in AWS (see the package documentation).
type accountAPI interface {
	GetAlternateContact(ctx context.Context, in *account.GetAlternateContactInput, optFns ...func(*account.Options)) (*account.GetAlternateContactOutput, error)
	PutAlternateContact(ctx context.Context, in *account.PutAlternateContactInput, optFns ...func(*account.Options)) (*account.PutAlternateContactOutput, error)
}

var _ accountAPI = (*account.Client)(nil)

// Defaults of the Syncer's options.
const (
	// DefaultParallel is how many accounts SyncAll syncs at once when asked for 0
	// or fewer: AWS Account Management's request quotas are low.
	DefaultParallel = 2
	// DefaultAttempts is how many times a throttled call is made in all (the SDK
	// client's own retryer retries inside each of them).
	DefaultAttempts = 4
	// DefaultBaseDelay is the wait before the first retry; each next wait doubles,
	// up to DefaultMaxDelay, and is jittered to between half and all of that.
	DefaultBaseDelay = time.Second
	// DefaultMaxDelay caps the wait between two attempts.
	DefaultMaxDelay = 20 * time.Second
)

// allTypes are the alternate contact types in the order they are synced.
var allTypes = []types.AlternateContactType{
	types.AlternateContactTypeBilling,
	types.AlternateContactTypeOperations,
	types.AlternateContactTypeSecurity,
}

// Syncer keeps member accounts' AWS alternate contacts equal to ours (C-6). Build
// one with New; it is safe for concurrent use and holds no state between calls.
type Syncer struct {
	api       accountAPI
	types     []types.AlternateContactType
	names     map[types.AlternateContactType]NameTitle
	deskPhone string
	mapping   func(contacts.AccountContacts) (map[types.AlternateContactType]Contact, error)
	attempts  int
	baseDelay time.Duration
	maxDelay  time.Duration
	sleep     func(ctx context.Context, d time.Duration) error
}

// Option configures a Syncer.
type Option func(*Syncer)

// WithDeskPhone sets the phone number written to the BILLING and OPERATIONS
// contacts by the default mapping, typically the reseller's support desk. AWS
// requires a phone on every contact and emergency phones may not be used for
// anything but security incidents (C-3), so without it those two types fail
// validation (and WithTypes can leave them out). At most 25 digits, spaces and
// "+-()"; E.164 ("+81312345678") is advised.
func WithDeskPhone(phone string) Option { return func(s *Syncer) { s.deskPhone = phone } }

// WithNameTitle sets the Name and Title the default mapping writes to contacts of
// type t (DefaultNames lists the defaults). AWS may quote both in its mail: put no
// sensitive information in them.
func WithNameTitle(t types.AlternateContactType, name, title string) Option {
	return func(s *Syncer) { s.names[t] = NameTitle{Name: name, Title: title} }
}

// WithMapping replaces the default mapping from our contacts to AWS's. f gets a
// copy of the account's contacts and returns the contact wanted per type. A type
// it leaves out is reported StatusSkipped and left alone in AWS; entries for types
// not synced (WithTypes) are ignored; an error fails every type of the account with
// no call made. Every contact it returns is still checked with Contact.Validate.
// A nil f keeps the default.
func WithMapping(f func(contacts.AccountContacts) (map[types.AlternateContactType]Contact, error)) Option {
	return func(s *Syncer) {
		if f != nil {
			s.mapping = f
		}
	}
}

// WithTypes selects the alternate contact types to sync (default all three); they
// are synced in the order BILLING, OPERATIONS, SECURITY whatever the order given.
// With none given the default stays.
func WithTypes(ts ...types.AlternateContactType) Option {
	return func(s *Syncer) {
		if len(ts) == 0 {
			return
		}
		var sel []types.AlternateContactType
		for _, t := range allTypes {
			if slices.Contains(ts, t) {
				sel = append(sel, t)
			}
		}
		for _, t := range ts { // unknown types: reported failed by Sync, never dropped
			if !slices.Contains(sel, t) {
				sel = append(sel, t)
			}
		}
		s.types = sel
	}
}

// WithRetry sets how throttled calls are retried: attempts calls in all (at least
// 1), waiting base before the first retry and doubling up to maxDelay, each wait
// jittered to between half and all of its value.
func WithRetry(attempts int, base, maxDelay time.Duration) Option {
	return func(s *Syncer) {
		s.attempts, s.baseDelay, s.maxDelay = max1(attempts), base, maxDelay
	}
}

// WithSleep replaces how the Syncer waits between attempts; it must return early
// with ctx's error when ctx is done. Tests pass one that records and returns at
// once.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(s *Syncer) {
		if sleep != nil {
			s.sleep = sleep
		}
	}
}

// New returns a Syncer calling AWS through client, which must be an AWS Account
// Management client of the organization's management account (or of a delegated
// administrator for AWS Account Management), with trusted access for AWS Account
// Management enabled in AWS Organizations. It panics if client is nil.
func New(client *account.Client, opts ...Option) *Syncer {
	if client == nil {
		panic("awsaccount: New with a nil *account.Client")
	}
	return newWithAPI(client, opts...)
}

// newWithAPI returns a Syncer over any implementation of accountAPI (a fake in
// tests).
func newWithAPI(api accountAPI, opts ...Option) *Syncer {
	s := &Syncer{
		api:       api,
		types:     slices.Clone(allTypes),
		names:     DefaultNames(),
		attempts:  DefaultAttempts,
		baseDelay: DefaultBaseDelay,
		maxDelay:  DefaultMaxDelay,
		sleep:     sleepContext,
	}
	for _, o := range opts {
		o(s)
	}
	if s.mapping == nil {
		s.mapping = s.defaultMapping
	}
	return s
}

// Sync brings the account's AWS alternate contacts in line with c, one type after
// another: it reads AWS's contact, compares it with ours (email addresses
// case-insensitively, the other fields exactly) and writes ours only when they
// differ, so a second Sync with the same c calls no PutAlternateContact and reports
// everything unchanged. It never deletes a contact.
//
// The Report holds one Result per synced type, whatever happened. The error is nil
// when none failed, otherwise the errors.Join of every failed type's *TypeError:
// nothing is skipped silently, and a failure of one type does not stop the others.
// A throttled call is retried (WithRetry); access denied and validation errors are
// not. When ctx is done, the types not yet synced fail with ctx's error.
func (s *Syncer) Sync(ctx context.Context, c contacts.AccountContacts) (Report, error) {
	rep := Report{AccountID: c.AccountID, Results: make([]Result, 0, len(s.types))}
	if err := checkAccountID(c.AccountID); err != nil {
		s.failAll(&rep, "validate", err)
		return rep, rep.Err()
	}
	want, err := s.mapping(c.Clone())
	if err != nil {
		s.failAll(&rep, "map", fmt.Errorf("mapping the account's contacts: %w", err))
		return rep, rep.Err()
	}
	for _, t := range s.types {
		rep.Results = append(rep.Results, s.syncType(ctx, c.AccountID, t, want))
	}
	return rep, rep.Err()
}

func (s *Syncer) failAll(rep *Report, op string, err error) {
	rep.Results = rep.Results[:0]
	for _, t := range s.types {
		rep.Results = append(rep.Results, Result{Type: t, Status: StatusFailed,
			Err: &TypeError{AccountID: rep.AccountID, Type: t, Op: op, Err: err}})
	}
}

// syncType syncs one type; the Result says what it did.
func (s *Syncer) syncType(ctx context.Context, accountID string, t types.AlternateContactType, want map[types.AlternateContactType]Contact) Result {
	res := Result{Type: t}
	fail := func(op string, err error) Result {
		res.Status, res.Err = StatusFailed, &TypeError{AccountID: accountID, Type: t, Op: op, Err: err}
		return res
	}
	if !slices.Contains(allTypes, t) {
		return fail("validate", resellerkit.Invalid(contacts.ErrInvalid, "Type", string(t), "C-6",
			"unknown alternate contact type (BILLING, OPERATIONS or SECURITY)"))
	}
	w, ok := want[t]
	if !ok {
		res.Status = StatusSkipped
		return res
	}
	res.Want = w
	if err := w.Validate(t); err != nil {
		return fail("validate", err)
	}
	if err := ctx.Err(); err != nil {
		return fail("GetAlternateContact", err)
	}

	var out *account.GetAlternateContactOutput
	n, err := s.withRetry(ctx, func() (err error) {
		out, err = s.api.GetAlternateContact(ctx, &account.GetAlternateContactInput{
			AccountId: &accountID, AlternateContactType: t,
		})
		return err
	})
	res.Attempts += n
	var notFound *types.ResourceNotFoundException
	switch {
	case errors.As(err, &notFound):
		// AWS holds no contact of this type.
	case err != nil:
		return fail("GetAlternateContact", translate(t, w, err))
	case out != nil && out.AlternateContact != nil:
		have := fromAWS(out.AlternateContact)
		res.Before = &have
	}

	status := StatusCreated
	res.Changed = []string{"Name", "Title", "EmailAddress", "PhoneNumber"}
	if res.Before != nil {
		status, res.Changed = StatusUpdated, diff(*res.Before, w)
		if len(res.Changed) == 0 {
			res.Status, res.Changed = StatusUnchanged, nil
			return res
		}
	}
	n, err = s.withRetry(ctx, func() error {
		_, err := s.api.PutAlternateContact(ctx, &account.PutAlternateContactInput{
			AccountId:            &accountID,
			AlternateContactType: t,
			Name:                 &w.Name,
			Title:                &w.Title,
			EmailAddress:         &w.EmailAddress,
			PhoneNumber:          &w.PhoneNumber,
		})
		return err
	})
	res.Attempts += n
	if err != nil {
		return fail("PutAlternateContact", translate(t, w, err))
	}
	res.Status = status
	return res
}

// SyncAll syncs every account of list, at most parallel at once (DefaultParallel
// when parallel ≤ 0), and returns their reports in the order of list with the
// errors.Join of every account's error. A failing account does not stop the others.
// An AccountID given twice is synced once; the later entries fail.
func (s *Syncer) SyncAll(ctx context.Context, list []contacts.AccountContacts, parallel int) ([]Report, error) {
	if parallel <= 0 {
		parallel = DefaultParallel
	}
	reports := make([]Report, len(list))
	errs := make([]error, len(list))
	first := make(map[string]int, len(list))
	var g errgroup.Group
	g.SetLimit(parallel)
	for i, c := range list {
		if j, dup := first[c.AccountID]; dup {
			reports[i] = Report{AccountID: c.AccountID}
			s.failAll(&reports[i], "validate", resellerkit.Invalid(contacts.ErrInvalid,
				fmt.Sprintf("list[%d].AccountID", i), c.AccountID, "C-6",
				fmt.Sprintf("same account as list[%d], which is the one synced", j)))
			errs[i] = reports[i].Err()
			continue
		}
		first[c.AccountID] = i
		g.Go(func() error {
			reports[i], errs[i] = s.Sync(ctx, c)
			return nil
		})
	}
	_ = g.Wait() // every goroutine returns nil; failures are in errs
	return reports, errors.Join(errs...)
}

// withRetry makes call until it succeeds, fails with anything but throttling, or
// has been made s.attempts times, waiting between attempts. It returns the number
// of calls made.
func (s *Syncer) withRetry(ctx context.Context, call func() error) (int, error) {
	for attempt := 1; ; attempt++ {
		err := call()
		if err == nil || !isThrottle(err) {
			return attempt, err
		}
		if attempt >= s.attempts {
			return attempt, fmt.Errorf("%w after %d attempts: %w", ErrThrottled, attempt, err)
		}
		if serr := s.sleep(ctx, s.backoff(attempt)); serr != nil {
			return attempt, fmt.Errorf("waiting to retry: %w (after: %w)", serr, err)
		}
	}
}

// backoff is the wait after the attempt-th throttled call: base·2^(attempt-1),
// capped at maxDelay, jittered to [d/2, d].
func (s *Syncer) backoff(attempt int) time.Duration {
	d := s.baseDelay
	for i := 1; i < attempt && d < s.maxDelay; i++ {
		d *= 2
	}
	d = min(d, s.maxDelay)
	if d <= 1 {
		return max(d, 0)
	}
	return d/2 + rand.N(d-d/2+1)
}

func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// checkAccountID insists on a 12-digit id: without AccountId AWS would act on the
// calling (management) account's own contacts.
func checkAccountID(id string) error {
	ok := len(id) == 12
	for i := 0; ok && i < len(id); i++ {
		ok = id[i] >= '0' && id[i] <= '9'
	}
	if !ok {
		return resellerkit.Invalid(contacts.ErrInvalid, "AccountID", id, "C-6",
			"must be a member account's 12-digit id (without one AWS would change the management account's own contacts)")
	}
	return nil
}

func fromAWS(a *types.AlternateContact) Contact {
	return Contact{Name: deref(a.Name), Title: deref(a.Title), EmailAddress: deref(a.EmailAddress), PhoneNumber: deref(a.PhoneNumber)}
}

func max1(n int) int { return max(n, 1) }
