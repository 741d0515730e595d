package awsaccount

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
)

const (
	acct = "111122223333"
	desk = "+81-3-0000-1111"
)

var (
	billing    = types.AlternateContactTypeBilling
	operations = types.AlternateContactTypeOperations
	security   = types.AlternateContactTypeSecurity
)

func sample() contacts.AccountContacts {
	return contacts.AccountContacts{
		OrgID:     "org-1",
		AccountID: acct,
		Recipients: contacts.Recipients{
			Billing:   contacts.List{To: []string{"billing@example.co.jp", "keiri@example.co.jp"}, CC: []string{"cfo@example.co.jp"}},
			Technical: contacts.List{To: []string{"ops@example.co.jp"}},
			Security:  contacts.List{To: []string{"sec@example.co.jp"}},
		},
		Language: contacts.Japanese,
		Phones:   []string{"+819012345678", "+81312345678"},
		Version:  1,
	}
}

// wanted is what the default mapping makes of sample().
func wanted() map[types.AlternateContactType]Contact {
	return map[types.AlternateContactType]Contact{
		billing:    {Name: "Billing team", Title: "Billing contact", EmailAddress: "billing@example.co.jp", PhoneNumber: desk},
		operations: {Name: "Operations team", Title: "Operations contact", EmailAddress: "ops@example.co.jp", PhoneNumber: desk},
		security:   {Name: "Security team", Title: "Security contact", EmailAddress: "sec@example.co.jp", PhoneNumber: "+819012345678"},
	}
}

// sleeps records the waits of a Syncer without waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

func newTest(f *fakeAPI, opts ...Option) (*Syncer, *sleeps) {
	sl := &sleeps{}
	return newWithAPI(f, append([]Option{WithDeskPhone(desk), WithSleep(sl.sleep)}, opts...)...), sl
}

func statuses(r Report) map[types.AlternateContactType]Status {
	m := map[types.AlternateContactType]Status{}
	for _, res := range r.Results {
		m[res.Type] = res.Status
	}
	return m
}

func withEmail(c Contact, email string) Contact { c.EmailAddress = email; return c }

var (
	tooMany = func() error {
		return &types.TooManyRequestsException{Message: aws.String("Rate exceeded")}
	}
	denied = func() error {
		return &types.AccessDeniedException{Message: aws.String("trusted access is not enabled for the Account Management service")}
	}
)

func TestC6_Sync(t *testing.T) {
	all := func(s Status) map[types.AlternateContactType]Status {
		return map[types.AlternateContactType]Status{billing: s, operations: s, security: s}
	}
	presetAll := func(f *fakeAPI) {
		for typ, c := range wanted() {
			f.set(acct, typ, c)
		}
	}
	tests := []struct {
		name      string
		setup     func(f *fakeAPI)
		in        func(c *contacts.AccountContacts)
		want      map[types.AlternateContactType]Status
		wantPuts  int
		wantErrIs []error
		check     func(t *testing.T, f *fakeAPI, rep Report, err error, sl *sleeps)
	}{
		{
			name:     "empty AWS: first sync creates all three",
			want:     all(StatusCreated),
			wantPuts: 3,
			check: func(t *testing.T, f *fakeAPI, rep Report, _ error, _ *sleeps) {
				for typ, w := range wanted() {
					got, ok := f.get(acct, typ)
					require.True(t, ok, typ)
					assert.Equal(t, w, got, typ)
					res, _ := rep.Result(typ)
					assert.Nil(t, res.Before)
					assert.Equal(t, w, res.Want)
					assert.Equal(t, 2, res.Attempts) // one Get, one Put
				}
				assert.True(t, rep.Changed())
			},
		},
		{
			name:  "AWS already holds ours: unchanged, no Put",
			setup: presetAll,
			want:  all(StatusUnchanged),
			check: func(t *testing.T, _ *fakeAPI, rep Report, _ error, _ *sleeps) {
				assert.False(t, rep.Changed())
			},
		},
		{
			name:  "billing TO changed: only BILLING updated",
			setup: presetAll,
			in:    func(c *contacts.AccountContacts) { c.Recipients.Billing.To[0] = "new-billing@example.co.jp" },
			want:  map[types.AlternateContactType]Status{billing: StatusUpdated, operations: StatusUnchanged, security: StatusUnchanged}, wantPuts: 1,
			check: func(t *testing.T, f *fakeAPI, rep Report, _ error, _ *sleeps) {
				res, _ := rep.Result(billing)
				assert.Equal(t, []string{"EmailAddress"}, res.Changed)
				require.NotNil(t, res.Before)
				assert.Equal(t, "billing@example.co.jp", res.Before.EmailAddress)
				got, _ := f.get(acct, billing)
				assert.Equal(t, "new-billing@example.co.jp", got.EmailAddress)
				assert.Equal(t, 1, f.countFor("Put", acct, billing))
			},
		},
		{
			name: "email differing only in case is unchanged",
			setup: func(f *fakeAPI) {
				presetAll(f)
				f.set(acct, billing, withEmail(wanted()[billing], "Billing@EXAMPLE.co.jp"))
			},
			want: all(StatusUnchanged),
			check: func(t *testing.T, f *fakeAPI, _ Report, _ error, _ *sleeps) {
				got, _ := f.get(acct, billing)
				assert.Equal(t, "Billing@EXAMPLE.co.jp", got.EmailAddress, "AWS's spelling is kept")
			},
		},
		{
			name: "name differing only in case is updated (exact compare)",
			setup: func(f *fakeAPI) {
				presetAll(f)
				c := wanted()[operations]
				c.Name = "operations team"
				f.set(acct, operations, c)
			},
			want: map[types.AlternateContactType]Status{billing: StatusUnchanged, operations: StatusUpdated, security: StatusUnchanged}, wantPuts: 1,
			check: func(t *testing.T, _ *fakeAPI, rep Report, _ error, _ *sleeps) {
				res, _ := rep.Result(operations)
				assert.Equal(t, []string{"Name"}, res.Changed)
				assert.Equal(t, "OPERATIONS: updated (Name)", res.String())
			},
		},
		{
			name:  "first emergency phone changed: only SECURITY updated",
			setup: presetAll,
			in:    func(c *contacts.AccountContacts) { c.Phones = []string{"+81312345678", "+819012345678"} },
			want:  map[types.AlternateContactType]Status{billing: StatusUnchanged, operations: StatusUnchanged, security: StatusUpdated}, wantPuts: 1,
			check: func(t *testing.T, f *fakeAPI, _ Report, _ error, _ *sleeps) {
				got, _ := f.get(acct, security)
				assert.Equal(t, "+81312345678", got.PhoneNumber)
			},
		},
		{
			name:      "access denied on SECURITY: reported, not retried, the others still synced",
			setup:     func(f *fakeAPI) { f.failNext("Get", acct, security, sticky{denied()}) },
			want:      map[types.AlternateContactType]Status{billing: StatusCreated, operations: StatusCreated, security: StatusFailed},
			wantPuts:  2,
			wantErrIs: []error{ErrAccessDenied},
			check: func(t *testing.T, f *fakeAPI, rep Report, err error, sl *sleeps) {
				var ad *types.AccessDeniedException
				require.ErrorAs(t, err, &ad)
				var te *TypeError
				require.ErrorAs(t, err, &te)
				assert.Equal(t, security, te.Type)
				assert.Equal(t, "GetAlternateContact", te.Op)
				assert.Equal(t, acct, te.AccountID)
				assert.Equal(t, 1, f.countFor("Get", acct, security), "not retried")
				assert.Empty(t, sl.all())
				_, ok := f.get(acct, security)
				assert.False(t, ok)
				res, _ := rep.Result(security)
				assert.Contains(t, res.String(), "SECURITY: failed: awsaccount: 111122223333 SECURITY: GetAlternateContact: awsaccount: access denied")
			},
		},
		{
			name:      "access denied on Put",
			setup:     func(f *fakeAPI) { f.failNext("Put", acct, billing, denied()) },
			want:      map[types.AlternateContactType]Status{billing: StatusFailed, operations: StatusCreated, security: StatusCreated},
			wantPuts:  3,
			wantErrIs: []error{ErrAccessDenied},
			check: func(t *testing.T, f *fakeAPI, _ Report, _ error, _ *sleeps) {
				_, ok := f.get(acct, billing)
				assert.False(t, ok)
			},
		},
		{
			name: "ValidationException from AWS names the field",
			setup: func(f *fakeAPI) {
				f.failNext("Put", acct, operations, &types.ValidationException{
					Message: aws.String("Invalid input"), Reason: types.ValidationExceptionReasonFieldValidationFailed,
					FieldList: []types.ValidationExceptionField{{Name: aws.String("PhoneNumber"), Message: aws.String("must match pattern")}},
				})
			},
			want:      map[types.AlternateContactType]Status{billing: StatusCreated, operations: StatusFailed, security: StatusCreated},
			wantPuts:  3,
			wantErrIs: []error{contacts.ErrInvalid},
			check: func(t *testing.T, f *fakeAPI, _ Report, err error, _ *sleeps) {
				var ve *resellerkit.ValidationError
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, "OPERATIONS.PhoneNumber", ve.Field)
				assert.Equal(t, desk, ve.Value)
				assert.Equal(t, "C-6", ve.Rule)
				var awsVE *types.ValidationException
				require.ErrorAs(t, err, &awsVE)
				assert.Equal(t, 1, f.countFor("Put", acct, operations), "not retried")
			},
		},
		{
			name:     "throttled twice then OK",
			setup:    func(f *fakeAPI) { f.failNext("Get", acct, billing, tooMany(), tooMany()) },
			want:     all(StatusCreated),
			wantPuts: 3,
			check: func(t *testing.T, f *fakeAPI, rep Report, _ error, sl *sleeps) {
				assert.Equal(t, 3, f.countFor("Get", acct, billing))
				res, _ := rep.Result(billing)
				assert.Equal(t, 4, res.Attempts) // three Gets, one Put
				d := sl.all()
				require.Len(t, d, 2)
				assert.True(t, d[0] >= DefaultBaseDelay/2 && d[0] <= DefaultBaseDelay, d[0])
				assert.True(t, d[1] >= DefaultBaseDelay && d[1] <= 2*DefaultBaseDelay, d[1])
			},
		},
		{
			name: "throttled with a generic throttling code, on Put",
			setup: func(f *fakeAPI) {
				f.failNext("Put", acct, security, &smithy.GenericAPIError{Code: "ThrottlingException"})
			},
			want:     all(StatusCreated),
			wantPuts: 4,
			check: func(t *testing.T, _ *fakeAPI, _ Report, _ error, sl *sleeps) {
				assert.Len(t, sl.all(), 1)
			},
		},
		{
			name:      "throttled past the last attempt: failed, the others still synced",
			setup:     func(f *fakeAPI) { f.failNext("Get", acct, operations, sticky{tooMany()}) },
			want:      map[types.AlternateContactType]Status{billing: StatusCreated, operations: StatusFailed, security: StatusCreated},
			wantPuts:  2,
			wantErrIs: []error{ErrThrottled},
			check: func(t *testing.T, f *fakeAPI, _ Report, err error, sl *sleeps) {
				var tm *types.TooManyRequestsException
				require.ErrorAs(t, err, &tm)
				assert.Equal(t, DefaultAttempts, f.countFor("Get", acct, operations))
				d := sl.all()
				require.Len(t, d, DefaultAttempts-1)
				for _, x := range d {
					assert.LessOrEqual(t, x, DefaultMaxDelay)
				}
			},
		},
		{
			name: "another SDK error fails the type and is not retried",
			setup: func(f *fakeAPI) {
				f.failNext("Get", acct, billing, &types.InternalServerException{Message: aws.String("boom")})
			},
			want: map[types.AlternateContactType]Status{billing: StatusFailed, operations: StatusCreated, security: StatusCreated}, wantPuts: 2,
			check: func(t *testing.T, f *fakeAPI, _ Report, err error, _ *sleeps) {
				var ise *types.InternalServerException
				require.ErrorAs(t, err, &ise)
				assert.Equal(t, 1, f.countFor("Get", acct, billing))
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			if tt.setup != nil {
				tt.setup(f)
			}
			c := sample()
			if tt.in != nil {
				tt.in(&c)
			}
			s, sl := newTest(f)
			putsBefore := f.count("Put")
			rep, err := s.Sync(context.Background(), c)
			assert.Equal(t, acct, rep.AccountID)
			assert.Equal(t, tt.want, statuses(rep))
			assert.Equal(t, tt.wantPuts, f.count("Put")-putsBefore, "Put calls")
			anyFailed := false
			for _, st := range tt.want {
				anyFailed = anyFailed || st == StatusFailed
			}
			if !anyFailed {
				require.NoError(t, err)
			} else {
				require.Error(t, err)
				for _, target := range tt.wantErrIs {
					assert.ErrorIs(t, err, target)
				}
			}
			assert.Equal(t, rep.Err() == nil, err == nil)
			// Every type is in the report, in a fixed order.
			var order []types.AlternateContactType
			for _, r := range rep.Results {
				order = append(order, r.Type)
				assert.Equal(t, r.Status == StatusFailed, r.Err != nil, r.Type)
			}
			assert.Equal(t, allTypes, order)
			if tt.check != nil {
				tt.check(t, f, rep, err, sl)
			}
		})
	}
}

func TestC6_ReRunChangesNothing(t *testing.T) {
	f := newFake()
	s, _ := newTest(f)
	rep, err := s.Sync(context.Background(), sample())
	require.NoError(t, err)
	assert.Equal(t, map[types.AlternateContactType]Status{billing: StatusCreated, operations: StatusCreated, security: StatusCreated}, statuses(rep))
	require.Equal(t, 3, f.count("Put"))

	for range 2 {
		rep, err = s.Sync(context.Background(), sample())
		require.NoError(t, err)
		assert.Equal(t, map[types.AlternateContactType]Status{billing: StatusUnchanged, operations: StatusUnchanged, security: StatusUnchanged}, statuses(rep))
		assert.False(t, rep.Changed())
		assert.Equal(t, 3, f.count("Put"), "a re-run calls no Put")
	}
}

func TestC6_ReRunAfterPartialFailure(t *testing.T) {
	f := newFake()
	f.failNext("Put", acct, operations, sticky{tooMany()})
	s, _ := newTest(f)
	rep, err := s.Sync(context.Background(), sample())
	require.ErrorIs(t, err, ErrThrottled)
	assert.Equal(t, map[types.AlternateContactType]Status{billing: StatusCreated, operations: StatusFailed, security: StatusCreated}, statuses(rep))
	_, ok := f.get(acct, operations)
	assert.False(t, ok)

	f.mu.Lock()
	delete(f.errs, fakeCall{"Put", acct, operations})
	f.mu.Unlock()
	rep, err = s.Sync(context.Background(), sample())
	require.NoError(t, err)
	assert.Equal(t, map[types.AlternateContactType]Status{billing: StatusUnchanged, operations: StatusCreated, security: StatusUnchanged}, statuses(rep))
}

func TestC6_Validation(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	tests := []struct {
		name       string
		opts       []Option
		noDesk     bool
		in         func(c *contacts.AccountContacts)
		wantFields []string // failing fields; their types fail, the others are created
	}{
		{name: "name of 64 characters is fine", opts: []Option{WithNameTitle(billing, long(64), "t")}},
		{name: "name of 65 characters", opts: []Option{WithNameTitle(billing, long(65), "t")}, wantFields: []string{"BILLING.Name"}},
		{name: "empty name", opts: []Option{WithNameTitle(billing, "", "t")}, wantFields: []string{"BILLING.Name"}},
		{name: "32 emoji (64 UTF-16 units) are fine", opts: []Option{WithNameTitle(billing, strings.Repeat("🙂", 32), "t")}},
		{name: "33 emoji are 66 UTF-16 units", opts: []Option{WithNameTitle(billing, strings.Repeat("🙂", 33), "t")}, wantFields: []string{"BILLING.Name"}},
		{name: "Japanese title of 50 characters is fine", opts: []Option{WithNameTitle(operations, "運用", strings.Repeat("担", 50))}},
		{name: "title of 51 characters", opts: []Option{WithNameTitle(operations, "n", long(51))}, wantFields: []string{"OPERATIONS.Title"}},
		{
			name:       "email of 255 characters",
			in:         func(c *contacts.AccountContacts) { c.Recipients.Security.To[0] = long(243) + "@example.com" },
			wantFields: []string{"SECURITY.EmailAddress"},
		},
		{
			name:       "email outside AWS's pattern",
			in:         func(c *contacts.AccountContacts) { c.Recipients.Technical.To[0] = "運用@example.jp" },
			wantFields: []string{"OPERATIONS.EmailAddress"},
		},
		{
			name:       "no TO address",
			in:         func(c *contacts.AccountContacts) { c.Recipients.Billing.To = nil },
			wantFields: []string{"BILLING.EmailAddress"},
		},
		{name: "no desk phone", noDesk: true, wantFields: []string{"BILLING.PhoneNumber", "OPERATIONS.PhoneNumber"}},
		{name: "desk phone with letters", opts: []Option{WithDeskPhone("+81-3-CALL-NOW")}, wantFields: []string{"BILLING.PhoneNumber", "OPERATIONS.PhoneNumber"}},
		{name: "desk phone of 26 characters", opts: []Option{WithDeskPhone(strings.Repeat("1", 26))}, wantFields: []string{"BILLING.PhoneNumber", "OPERATIONS.PhoneNumber"}},
		{name: "desk phone of 25 characters is fine", opts: []Option{WithDeskPhone("+81 (3) 1234-5678 0000 12")}},
		{
			name:       "no emergency phone",
			in:         func(c *contacts.AccountContacts) { c.Phones = nil },
			wantFields: []string{"SECURITY.PhoneNumber"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			c := sample()
			if tt.in != nil {
				tt.in(&c)
			}
			opts := tt.opts
			var s *Syncer
			if tt.noDesk {
				s = newWithAPI(f, opts...)
			} else {
				s, _ = newTest(f, opts...)
			}
			rep, err := s.Sync(context.Background(), c)
			failed := map[types.AlternateContactType]bool{}
			var fields []string
			for _, res := range rep.Results {
				if res.Status != StatusFailed {
					assert.Equal(t, StatusCreated, res.Status, res.Type)
					continue
				}
				failed[res.Type] = true
				var te *TypeError
				require.ErrorAs(t, res.Err, &te)
				assert.Equal(t, "validate", te.Op)
				var ve *resellerkit.ValidationError
				require.ErrorAs(t, res.Err, &ve)
				fields = append(fields, ve.Field)
				assert.Equal(t, "C-6", ve.Rule)
				assert.Zero(t, f.countFor("Get", acct, res.Type)+f.countFor("Put", acct, res.Type), "no call for an invalid contact")
			}
			if len(tt.wantFields) == 0 {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, contacts.ErrInvalid)
			assert.Equal(t, tt.wantFields, fields)
			for _, fld := range tt.wantFields {
				assert.Contains(t, err.Error(), fld)
			}
		})
	}
}

func TestC6_DeskPhoneMessage(t *testing.T) {
	err := Contact{Name: "n", Title: "t", EmailAddress: "a@example.com"}.Validate(billing)
	require.ErrorIs(t, err, contacts.ErrInvalid)
	assert.Contains(t, err.Error(), "WithDeskPhone")
	assert.Contains(t, err.Error(), "C-3")
}

func TestC6_AccountID(t *testing.T) {
	for _, id := range []string{"", "12345678901", "1234567890123", "11112222333a", " 111122223333"} {
		t.Run(fmt.Sprintf("%q", id), func(t *testing.T) {
			f := newFake()
			s, _ := newTest(f)
			c := sample()
			c.AccountID = id
			rep, err := s.Sync(context.Background(), c)
			var ve *resellerkit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, "AccountID", ve.Field)
			assert.Equal(t, map[types.AlternateContactType]Status{billing: StatusFailed, operations: StatusFailed, security: StatusFailed}, statuses(rep))
			assert.Empty(t, f.calls, "no call without a valid member account id")
		})
	}
}

func TestC6_ContextCancelled(t *testing.T) {
	t.Run("before Sync: every type failed, no call", func(t *testing.T) {
		f := newFake()
		s, _ := newTest(f)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		rep, err := s.Sync(ctx, sample())
		require.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, map[types.AlternateContactType]Status{billing: StatusFailed, operations: StatusFailed, security: StatusFailed}, statuses(rep))
		assert.Empty(t, f.calls)
	})
	t.Run("after the first Put: the report says exactly what changed", func(t *testing.T) {
		f := newFake()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		f.hook = func(c fakeCall) {
			if c.op == "Get" && c.typ == operations {
				cancel()
			}
		}
		s, _ := newTest(f)
		rep, err := s.Sync(ctx, sample())
		require.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, map[types.AlternateContactType]Status{billing: StatusCreated, operations: StatusFailed, security: StatusFailed}, statuses(rep))
		_, ok := f.get(acct, billing)
		assert.True(t, ok)
		_, ok = f.get(acct, operations)
		assert.False(t, ok)
		assert.Equal(t, 1, f.count("Put"))
	})
	t.Run("while waiting to retry: returns at once", func(t *testing.T) {
		f := newFake()
		f.failNext("Get", acct, billing, sticky{tooMany()})
		// The real sleep, with waits of an hour.
		s := newWithAPI(f, WithDeskPhone(desk), WithRetry(5, time.Hour, time.Hour))
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		time.AfterFunc(20*time.Millisecond, cancel)
		start := time.Now()
		rep, err := s.Sync(ctx, sample())
		assert.Less(t, time.Since(start), time.Minute)
		require.ErrorIs(t, err, context.Canceled)
		var tm *types.TooManyRequestsException
		require.ErrorAs(t, err, &tm, "the last AWS error stays in the chain")
		assert.Equal(t, map[types.AlternateContactType]Status{billing: StatusFailed, operations: StatusFailed, security: StatusFailed}, statuses(rep))
		assert.Equal(t, 1, f.countFor("Get", acct, billing))
	})
}

func TestC6_Mapping(t *testing.T) {
	t.Run("a type the mapping leaves out is skipped and left alone", func(t *testing.T) {
		f := newFake()
		theirs := Contact{Name: "Customer NOC", Title: "NOC", EmailAddress: "noc@customer.example", PhoneNumber: "+1 555 0100"}
		f.set(acct, operations, theirs)
		s, _ := newTest(f, WithMapping(func(c contacts.AccountContacts) (map[types.AlternateContactType]Contact, error) {
			w := wanted()
			delete(w, operations)
			w["FOO"] = Contact{} // a type not synced: ignored
			return w, nil
		}))
		rep, err := s.Sync(context.Background(), sample())
		require.NoError(t, err)
		assert.Equal(t, map[types.AlternateContactType]Status{billing: StatusCreated, operations: StatusSkipped, security: StatusCreated}, statuses(rep))
		got, _ := f.get(acct, operations)
		assert.Equal(t, theirs, got)
		assert.Zero(t, f.countFor("Get", acct, operations)+f.countFor("Put", acct, operations))
		res, _ := rep.Result(operations)
		assert.Contains(t, res.String(), "left as it is")
	})
	t.Run("a mapping error fails every type with no call", func(t *testing.T) {
		f := newFake()
		boom := errors.New("no such customer")
		s, _ := newTest(f, WithMapping(func(contacts.AccountContacts) (map[types.AlternateContactType]Contact, error) {
			return nil, boom
		}))
		rep, err := s.Sync(context.Background(), sample())
		require.ErrorIs(t, err, boom)
		assert.Equal(t, map[types.AlternateContactType]Status{billing: StatusFailed, operations: StatusFailed, security: StatusFailed}, statuses(rep))
		assert.Empty(t, f.calls)
	})
	t.Run("the mapping gets a copy", func(t *testing.T) {
		f := newFake()
		c := sample()
		s, _ := newTest(f, WithMapping(func(in contacts.AccountContacts) (map[types.AlternateContactType]Contact, error) {
			in.Recipients.Billing.To[0] = "changed@example.com"
			return wanted(), nil
		}))
		_, err := s.Sync(context.Background(), c)
		require.NoError(t, err)
		assert.Equal(t, "billing@example.co.jp", c.Recipients.Billing.To[0])
	})
	t.Run("WithTypes(SECURITY) needs no desk phone", func(t *testing.T) {
		f := newFake()
		s := newWithAPI(f, WithTypes(security))
		rep, err := s.Sync(context.Background(), sample())
		require.NoError(t, err)
		assert.Equal(t, map[types.AlternateContactType]Status{security: StatusCreated}, statuses(rep))
		assert.Len(t, f.calls, 2)
	})
	t.Run("WithTypes keeps the fixed order and reports unknown types", func(t *testing.T) {
		f := newFake()
		s, _ := newTest(f, WithTypes(security, "FOO", billing))
		rep, err := s.Sync(context.Background(), sample())
		require.ErrorIs(t, err, contacts.ErrInvalid)
		require.Len(t, rep.Results, 3)
		assert.Equal(t, []types.AlternateContactType{billing, security, "FOO"},
			[]types.AlternateContactType{rep.Results[0].Type, rep.Results[1].Type, rep.Results[2].Type})
		assert.Equal(t, StatusFailed, rep.Results[2].Status)
	})
	t.Run("WithNameTitle", func(t *testing.T) {
		f := newFake()
		s, _ := newTest(f, WithNameTitle(billing, "経理部", "請求担当"))
		_, err := s.Sync(context.Background(), sample())
		require.NoError(t, err)
		got, _ := f.get(acct, billing)
		assert.Equal(t, "経理部", got.Name)
		assert.Equal(t, "請求担当", got.Title)
	})
}

func TestC6_SyncAll(t *testing.T) {
	var list []contacts.AccountContacts
	for i := range 7 {
		c := sample()
		c.AccountID = fmt.Sprintf("1000000000%02d", i)
		list = append(list, c)
	}
	dup := list[2]
	list = append(list, dup)

	for _, parallel := range []int{0, 1, 3} {
		t.Run(fmt.Sprintf("parallel=%d", parallel), func(t *testing.T) {
			f := newFake()
			f.hook = func(fakeCall) { time.Sleep(time.Millisecond) }
			f.failNext("Get", list[4].AccountID, security, sticky{denied()})
			s, _ := newTest(f)
			reports, err := s.SyncAll(context.Background(), list, parallel)
			require.Len(t, reports, len(list))
			for i, rep := range reports {
				assert.Equal(t, list[i].AccountID, rep.AccountID, "reports in the order of the list")
			}
			limit := parallel
			if limit <= 0 {
				limit = DefaultParallel
			}
			assert.LessOrEqual(t, f.maxInflight, limit)

			require.ErrorIs(t, err, ErrAccessDenied)
			require.ErrorIs(t, err, contacts.ErrInvalid, "the duplicate")
			for i, rep := range reports {
				switch i {
				case 4:
					assert.Equal(t, map[types.AlternateContactType]Status{billing: StatusCreated, operations: StatusCreated, security: StatusFailed}, statuses(rep))
				case len(list) - 1:
					assert.Equal(t, map[types.AlternateContactType]Status{billing: StatusFailed, operations: StatusFailed, security: StatusFailed}, statuses(rep))
				default:
					assert.Equal(t, map[types.AlternateContactType]Status{billing: StatusCreated, operations: StatusCreated, security: StatusCreated}, statuses(rep), i)
				}
			}
			assert.Equal(t, 3*7-1, f.count("Put"))

			// Safe to re-run: only the failed type is tried again.
			f.mu.Lock()
			f.errs = map[fakeCall][]error{}
			f.mu.Unlock()
			reports, err = s.SyncAll(context.Background(), list[:7], parallel)
			require.NoError(t, err)
			assert.Equal(t, 3*7, f.count("Put"))
			assert.Equal(t, StatusCreated, reports[4].Results[2].Status)
		})
	}
}

func TestC6_SyncAllCancelled(t *testing.T) {
	f := newFake()
	f.block = make(chan struct{}) // every call waits until ctx is done
	s, _ := newTest(f)
	list := []contacts.AccountContacts{sample(), sample(), sample()}
	list[1].AccountID, list[2].AccountID = "222233334444", "333344445555"
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	reports, err := s.SyncAll(ctx, list, 2)
	require.ErrorIs(t, err, context.Canceled)
	require.Len(t, reports, 3)
	for _, rep := range reports {
		assert.Equal(t, map[types.AlternateContactType]Status{billing: StatusFailed, operations: StatusFailed, security: StatusFailed}, statuses(rep))
	}
	assert.Zero(t, f.count("Put"))
	assert.LessOrEqual(t, f.maxInflight, 2)
}

func TestC6_Backoff(t *testing.T) {
	s := newWithAPI(newFake(), WithRetry(10, 100*time.Millisecond, time.Second))
	for attempt, full := range []time.Duration{100, 200, 400, 800, 1000, 1000, 1000} {
		full *= time.Millisecond
		for range 50 {
			d := s.backoff(attempt + 1)
			assert.GreaterOrEqual(t, d, full/2)
			assert.LessOrEqual(t, d, full)
		}
	}
	s = newWithAPI(newFake(), WithRetry(0, 0, 0))
	assert.Equal(t, 1, s.attempts)
	assert.Zero(t, s.backoff(3))
}

func TestC6_NewPanicsOnNilClient(t *testing.T) {
	assert.Panics(t, func() { New(nil) })
}

func TestC6_ValidationExceptionWithoutFields(t *testing.T) {
	f := newFake()
	f.failNext("Put", acct, billing, &types.ValidationException{Message: aws.String("bad"), Reason: types.ValidationExceptionReasonFieldValidationFailed})
	s, _ := newTest(f)
	_, err := s.Sync(context.Background(), sample())
	var ve *resellerkit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "BILLING", ve.Field)
	assert.Contains(t, ve.Reason, "fieldValidationFailed")
}

func TestC6_Diff(t *testing.T) {
	w := wanted()[billing]
	for _, tc := range []struct {
		change func(c *Contact)
		want   []string
	}{
		{func(*Contact) {}, nil},
		{func(c *Contact) { c.EmailAddress = " BILLING@example.co.jp " }, nil},
		{func(c *Contact) { c.Title = "billing contact" }, []string{"Title"}},
		{func(c *Contact) { c.PhoneNumber = "+81300001111" }, []string{"PhoneNumber"}},
		{func(c *Contact) { *c = Contact{} }, []string{"Name", "Title", "EmailAddress", "PhoneNumber"}},
	} {
		have := w
		tc.change(&have)
		assert.Equal(t, tc.want, diff(have, w))
	}
}

func TestC6_InvalidUTF8(t *testing.T) {
	err := Contact{Name: "a\xffb", Title: "t", EmailAddress: "a@example.com", PhoneNumber: "1"}.Validate(billing)
	var ve *resellerkit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "BILLING.Name", ve.Field)
}
