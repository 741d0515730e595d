package awsaccount

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	contactsaws "github.com/seeda33a2f4f/resellerkit/contacts/awsaccount"
	"github.com/seeda33a2f4f/resellerkit/security"
)

const acct = "111122223333"

func ours() contacts.AccountContacts {
	return contacts.AccountContacts{
		OrgID: "org-1", AccountID: acct, Language: contacts.Japanese,
		Recipients: contacts.Recipients{
			Billing:   contacts.List{To: []string{"billing@example.co.jp"}},
			Technical: contacts.List{To: []string{"tech@example.co.jp"}},
			Security:  contacts.List{To: []string{"sec@example.co.jp"}, CC: []string{"ciso@example.co.jp"}},
		},
		Phones:  []string{"+81312345678"},
		Version: 3,
	}
}

func contactsOf(m map[string]contacts.AccountContacts) ContactsFunc {
	return func(_ context.Context, id string) (contacts.AccountContacts, error) {
		c, ok := m[id]
		if !ok {
			return contacts.AccountContacts{}, fmt.Errorf("account %s: %w", id, contacts.ErrNotFound)
		}
		return c, nil
	}
}

func TestObserve_S3(t *testing.T) {
	for _, tc := range []struct {
		name      string
		have      map[string]types.AlternateContact
		compliant bool
		detail    string
	}{
		{"compliant", map[string]types.AlternateContact{acct: {AlternateContactType: types.AlternateContactTypeSecurity,
			Name: aws.String("Security team"), Title: aws.String("Security contact"), EmailAddress: aws.String("sec@example.co.jp"), PhoneNumber: aws.String("+81312345678")}},
			true, "security alternate contact: Security team <sec@example.co.jp>"},
		{"drift: none (ResourceNotFoundException)", nil, false, "no security alternate contact"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeAPI{security: tc.have}
			s := &fakeSyncer{}
			c := newWithAPI(f, s, contactsOf(nil))
			assert.Equal(t, security.SecurityContact, c.Control())
			obs, err := c.Observe(context.Background(), acct, "")
			require.NoError(t, err)
			assert.Equal(t, security.Observation{Compliant: tc.compliant, Detail: tc.detail}, obs)
			assert.Equal(t, []account.GetAlternateContactInput{{AccountId: aws.String(acct), AlternateContactType: types.AlternateContactTypeSecurity}}, f.gets)
			assert.Empty(t, s.synced)
		})
	}
	t.Run("an account id that is not one is refused before any call", func(t *testing.T) {
		f := &fakeAPI{}
		c := newWithAPI(f, &fakeSyncer{}, contactsOf(nil))
		for _, id := range []string{"", "12345", "11112222333a"} {
			_, err := c.Observe(context.Background(), id, "")
			require.ErrorIs(t, err, security.ErrInvalid, id)
			_, err = c.Repair(context.Background(), id, "")
			require.ErrorIs(t, err, security.ErrInvalid, id)
		}
		assert.Empty(t, f.gets)
	})
}

func TestRepair_S3(t *testing.T) {
	for _, tc := range []struct {
		name   string
		result contactsaws.Result
		detail string
	}{
		{"created", contactsaws.Result{Status: contactsaws.StatusCreated}, "set the security alternate contact"},
		{"updated", contactsaws.Result{Status: contactsaws.StatusUpdated, Changed: []string{"EmailAddress", "PhoneNumber"}},
			"updated the security alternate contact (EmailAddress, PhoneNumber)"},
		{"idempotent: already up to date", contactsaws.Result{Status: contactsaws.StatusUnchanged}, "security alternate contact already up to date"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &fakeSyncer{result: tc.result}
			c := newWithAPI(&fakeAPI{}, s, contactsOf(map[string]contacts.AccountContacts{acct: ours()}))
			detail, err := c.Repair(context.Background(), acct, "")
			require.NoError(t, err)
			assert.Equal(t, tc.detail, detail)
			assert.Equal(t, []contacts.AccountContacts{ours()}, s.synced, "the account's own contacts, as given")
		})
	}
	t.Run("contacts without an account id get the account's", func(t *testing.T) {
		c0 := ours()
		c0.AccountID = ""
		s := &fakeSyncer{result: contactsaws.Result{Status: contactsaws.StatusCreated}}
		_, err := newWithAPI(&fakeAPI{}, s, contactsOf(map[string]contacts.AccountContacts{acct: c0})).Repair(context.Background(), acct, "")
		require.NoError(t, err)
		assert.Equal(t, acct, s.synced[0].AccountID)
	})
	t.Run("no contacts: ErrInvalid naming the account, nothing synced", func(t *testing.T) {
		s := &fakeSyncer{}
		_, err := newWithAPI(&fakeAPI{}, s, contactsOf(nil)).Repair(context.Background(), acct, "")
		require.ErrorIs(t, err, security.ErrInvalid)
		require.ErrorIs(t, err, contacts.ErrNotFound)
		assert.ErrorContains(t, err, acct)
		assert.Empty(t, s.synced)
	})
	t.Run("another account's contacts are refused", func(t *testing.T) {
		s := &fakeSyncer{}
		_, err := newWithAPI(&fakeAPI{}, s, contactsOf(map[string]contacts.AccountContacts{"444455556666": ours()})).
			Repair(context.Background(), "444455556666", "")
		require.ErrorIs(t, err, security.ErrInvalid)
		assert.Empty(t, s.synced)
	})
	t.Run("no contacts function", func(t *testing.T) {
		_, err := newWithAPI(&fakeAPI{}, &fakeSyncer{}, nil).Repair(context.Background(), acct, "")
		require.ErrorIs(t, err, security.ErrInvalid)
	})
	t.Run("contacts that cannot make one (no emergency phone): ErrInvalid naming the account", func(t *testing.T) {
		verr := resellerkit.Invalid(contacts.ErrInvalid, "SECURITY.PhoneNumber", "", "C-6", "required by AWS: the account has no emergency phone (C-3)")
		s := &fakeSyncer{result: failed(acct, "validate", verr)}
		_, err := newWithAPI(&fakeAPI{}, s, contactsOf(map[string]contacts.AccountContacts{acct: ours()})).Repair(context.Background(), acct, "")
		require.ErrorIs(t, err, security.ErrInvalid)
		require.ErrorIs(t, err, contacts.ErrInvalid)
		var ve *resellerkit.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "SECURITY.PhoneNumber", ve.Field)
		assert.ErrorContains(t, err, acct)
	})
	t.Run("a mapping giving no SECURITY contact: ErrInvalid", func(t *testing.T) {
		s := &fakeSyncer{result: contactsaws.Result{Status: contactsaws.StatusSkipped}}
		_, err := newWithAPI(&fakeAPI{}, s, contactsOf(map[string]contacts.AccountContacts{acct: ours()})).Repair(context.Background(), acct, "")
		require.ErrorIs(t, err, security.ErrInvalid)
	})
	t.Run("the contacts store failing is returned as it is", func(t *testing.T) {
		boom := errors.New("database down")
		_, err := newWithAPI(&fakeAPI{}, &fakeSyncer{}, func(context.Context, string) (contacts.AccountContacts, error) {
			return contacts.AccountContacts{}, boom
		}).Repair(context.Background(), acct, "")
		require.ErrorIs(t, err, boom)
		require.NotErrorIs(t, err, security.ErrInvalid)
	})
}

func TestErrors_S3(t *testing.T) {
	for _, tc := range []struct {
		name     string
		err      error
		sentinel error // contacts/awsaccount's own, as the Syncer wraps
		want     error
	}{
		{"access denied", &types.AccessDeniedException{Message: aws.String("not the management account")}, contactsaws.ErrAccessDenied, security.ErrAccessDenied},
		{"throttled", &types.TooManyRequestsException{Message: aws.String("slow down")}, contactsaws.ErrThrottled, security.ErrThrottled},
		{"region not enabled", &smithy.GenericAPIError{Code: "UnrecognizedClientException", Message: "The security token included in the request is invalid."}, nil, security.ErrRegionDisabled},
		{"opt-in required", &smithy.GenericAPIError{Code: "OptInRequired"}, nil, security.ErrRegionDisabled},
	} {
		t.Run("GetAlternateContact "+tc.name, func(t *testing.T) {
			c := newWithAPI(&fakeAPI{err: tc.err}, &fakeSyncer{}, contactsOf(nil))
			_, err := c.Observe(context.Background(), acct, "")
			require.ErrorIs(t, err, tc.want)
			require.ErrorIs(t, err, tc.err)
			require.NotErrorIs(t, err, security.ErrUnreachable, "no role is assumed")
		})
		t.Run("Sync "+tc.name, func(t *testing.T) {
			for _, op := range []string{"GetAlternateContact", "PutAlternateContact"} {
				s := &fakeSyncer{result: failed(acct, op, wrapped(tc.sentinel, op, tc.err))}
				c := newWithAPI(&fakeAPI{}, s, contactsOf(map[string]contacts.AccountContacts{acct: ours()}))
				_, err := c.Repair(context.Background(), acct, "")
				require.ErrorIs(t, err, tc.want, op)
				require.ErrorIs(t, err, tc.err, op)
			}
		})
	}
}
