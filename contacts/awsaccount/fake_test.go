package awsaccount

import (
	"context"
	"errors"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/smithy-go"
)

// fakeAPI is AWS Account Management in memory: alternate contacts in a map, errors
// the SDK's own types wrapped the way the SDK wraps them (*smithy.OperationError).
type fakeAPI struct {
	mu       sync.Mutex
	contacts map[fakeKey]types.AlternateContact
	// errs are queued per call: the next call of (op, account, type) pops and
	// returns the first; a queue whose last element is sticky keeps failing.
	errs  map[fakeCall][]error
	calls []fakeCall
	// hook, if set, runs (without the lock) before every call.
	hook func(c fakeCall)
	// inflight/maxInflight count concurrent calls, for SyncAll.
	inflight, maxInflight int
	block                 chan struct{} // if set, every call waits on it
}

type fakeKey struct {
	account string
	typ     types.AlternateContactType
}

type fakeCall struct {
	op      string // "Get" or "Put"
	account string
	typ     types.AlternateContactType
}

// sticky marks an error returned on every call from then on.
type sticky struct{ error }

func newFake() *fakeAPI {
	return &fakeAPI{contacts: map[fakeKey]types.AlternateContact{}, errs: map[fakeCall][]error{}}
}

// failNext queues errs for the next calls of op on (account, t).
func (f *fakeAPI) failNext(op, acct string, t types.AlternateContactType, errs ...error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	k := fakeCall{op, acct, t}
	f.errs[k] = append(f.errs[k], errs...)
}

func (f *fakeAPI) set(acct string, t types.AlternateContactType, c Contact) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.contacts[fakeKey{acct, t}] = types.AlternateContact{
		AlternateContactType: t, Name: aws.String(c.Name), Title: aws.String(c.Title),
		EmailAddress: aws.String(c.EmailAddress), PhoneNumber: aws.String(c.PhoneNumber),
	}
}

func (f *fakeAPI) get(acct string, t types.AlternateContactType) (Contact, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a, ok := f.contacts[fakeKey{acct, t}]
	return fromAWS(&a), ok
}

func (f *fakeAPI) count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if c.op == op {
			n++
		}
	}
	return n
}

func (f *fakeAPI) countFor(op, acct string, t types.AlternateContactType) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if c == (fakeCall{op, acct, t}) {
			n++
		}
	}
	return n
}

// begin records the call and returns the error to answer, if any.
func (f *fakeAPI) begin(ctx context.Context, c fakeCall) error {
	if f.hook != nil {
		f.hook(c)
	}
	f.mu.Lock()
	f.calls = append(f.calls, c)
	f.inflight++
	f.maxInflight = max(f.maxInflight, f.inflight)
	block := f.block
	f.mu.Unlock()
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if c.account == "" {
		return errors.New("fake: AccountId missing: the real API would act on the caller's own account")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	q := f.errs[c]
	if len(q) == 0 {
		return nil
	}
	err := q[0]
	if s, ok := err.(sticky); ok {
		return s.error
	}
	f.errs[c] = q[1:]
	return err
}

func (f *fakeAPI) end() {
	f.mu.Lock()
	f.inflight--
	f.mu.Unlock()
}

func opErr(op string, err error) error {
	return &smithy.OperationError{ServiceID: "Account", OperationName: op, Err: err}
}

func (f *fakeAPI) GetAlternateContact(ctx context.Context, in *account.GetAlternateContactInput, _ ...func(*account.Options)) (*account.GetAlternateContactOutput, error) {
	c := fakeCall{"Get", aws.ToString(in.AccountId), in.AlternateContactType}
	defer f.end()
	if err := f.begin(ctx, c); err != nil {
		return nil, opErr("GetAlternateContact", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	a, ok := f.contacts[fakeKey{c.account, c.typ}]
	if !ok {
		return nil, opErr("GetAlternateContact", &types.ResourceNotFoundException{Message: aws.String("No contact of the requested type found.")})
	}
	return &account.GetAlternateContactOutput{AlternateContact: &a}, nil
}

func (f *fakeAPI) PutAlternateContact(ctx context.Context, in *account.PutAlternateContactInput, _ ...func(*account.Options)) (*account.PutAlternateContactOutput, error) {
	c := fakeCall{"Put", aws.ToString(in.AccountId), in.AlternateContactType}
	defer f.end()
	if err := f.begin(ctx, c); err != nil {
		return nil, opErr("PutAlternateContact", err)
	}
	if in.Name == nil || in.Title == nil || in.EmailAddress == nil || in.PhoneNumber == nil {
		return nil, opErr("PutAlternateContact", errors.New("fake: a required member is nil"))
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.contacts[fakeKey{c.account, c.typ}] = types.AlternateContact{
		AlternateContactType: c.typ, Name: aws.String(*in.Name), Title: aws.String(*in.Title),
		EmailAddress: aws.String(*in.EmailAddress), PhoneNumber: aws.String(*in.PhoneNumber),
	}
	return &account.PutAlternateContactOutput{}, nil
}
