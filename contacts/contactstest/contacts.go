package contactstest

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// contactsCases check GetAccountContacts, PutAccountContacts and the records
// ListAccountContacts returns: create with version 0, update with the version
// read, and organization scoping.
func contactsCases() []storeCase {
	return []storeCase{
		{"Contacts/CreateWithVersion0StoresVersion1", contactsCreate},
		{"Contacts/NeverSavedIsErrNotFound", contactsNeverSaved},
		{"Contacts/SecondCreateIsErrAlreadyExists", contactsSecondCreate},
		{"Contacts/UpdateWithCurrentVersion", contactsUpdate},
		{"Contacts/StaleVersionIsErrConflict", contactsStale},
		{"Contacts/UpdateOfMissingIsErrNotFound", contactsUpdateMissing},
		{"Contacts/ConcurrentCreatesOneWins", contactsConcurrentCreates},
		{"Contacts/ConcurrentUpdatesOfOneVersionOneWins", contactsConcurrentUpdates},
		{"Contacts/OrgScoped_M7", contactsOrgScoped},
		{"Contacts/ListIsTheOrgsInAccountIDOrder", contactsList},
	}
}

// getContacts returns the contacts of account of org, failing t if there are none.
func getContacts(t *testing.T, s contacts.Store, org, account string) contacts.AccountContacts {
	t.Helper()
	c, err := s.GetAccountContacts(t.Context(), org, account)
	require.NoError(t, err, "contacts of %s/%s", org, account)
	return c
}

// contactsCreate: a Put with Version 0 creates the record with every field, at
// version 1.
func contactsCreate(t *testing.T, s contacts.Store) {
	put(t, s, Contacts("o1", "111111111111"))
	assert.Equal(t, created(Contacts("o1", "111111111111")), getContacts(t, s, "o1", "111111111111"))

	c := Contacts("o1", "222222222222")
	c.Language, c.Phones = contacts.English, []string{"+14155550100"}
	c.Recipients.Technical, c.Recipients.Security.CC = contacts.List{To: []string{"x@example.com"}}, nil
	put(t, s, c)
	got := getContacts(t, s, "o1", "222222222222")
	assert.Equal(t, int64(1), got.Version)
	assert.Equal(t, contacts.English, got.Language)
	assert.Equal(t, []string{"+14155550100"}, got.Phones)
	assert.Equal(t, []string{"x@example.com"}, got.Recipients.Technical.To)
	assert.Empty(t, got.Recipients.Technical.CC)
	assert.Empty(t, got.Recipients.Security.CC)
	assert.Equal(t, c.Recipients.Billing, got.Recipients.Billing)
}

func contactsNeverSaved(t *testing.T, s contacts.Store) {
	_, err := s.GetAccountContacts(t.Context(), "o1", "111111111111")
	errIs(t, err, contacts.ErrNotFound)
	rows, next, err := s.ListAccountContacts(t.Context(), "o1", resellerkit.Page{})
	must(t, err)
	assert.Empty(t, rows)
	assert.Empty(t, next)
}

// contactsSecondCreate: a create of contacts that exist is ErrAlreadyExists and
// changes nothing.
func contactsSecondCreate(t *testing.T, s contacts.Store) {
	put(t, s, Contacts("o1", "111111111111"))
	again := Contacts("o1", "111111111111")
	again.Language, again.Phones = contacts.English, []string{"+14155550100"}
	errIs(t, s.PutAccountContacts(t.Context(), again), contacts.ErrAlreadyExists)
	assert.Equal(t, created(Contacts("o1", "111111111111")), getContacts(t, s, "o1", "111111111111"))
}

// contactsUpdate: a Put with the version read replaces Recipients, Language,
// Phones and UpdatedAt, and the stored version becomes Version+1, every time.
func contactsUpdate(t *testing.T, s contacts.Store) {
	put(t, s, Contacts("o1", "111111111111"))
	c := getContacts(t, s, "o1", "111111111111")
	c.Recipients = contacts.Recipients{
		Billing:   contacts.List{To: []string{"new-billing@example.com"}},
		Technical: contacts.List{To: []string{"new-ops@example.com"}, CC: []string{"a@example.com", "b@example.com"}},
		Security:  contacts.List{To: []string{"new-sec@example.com"}},
	}
	c.Language, c.Phones, c.UpdatedAt = contacts.English, []string{"+14155550100", "+14155550101", "+14155550102"}, t0.Add(time.Hour)
	must(t, s.PutAccountContacts(t.Context(), c))
	want := c
	want.Version = 2
	assert.Equal(t, want, getContacts(t, s, "o1", "111111111111"))

	want.Language, want.UpdatedAt = contacts.Japanese, t0.Add(2*time.Hour)
	must(t, s.PutAccountContacts(t.Context(), want))
	want.Version = 3
	assert.Equal(t, want, getContacts(t, s, "o1", "111111111111"))
}

// contactsStale: a Put with a version other than the stored one (older, newer)
// is ErrConflict and changes nothing.
func contactsStale(t *testing.T, s contacts.Store) {
	put(t, s, Contacts("o1", "111111111111"))
	c := getContacts(t, s, "o1", "111111111111")
	c.Language = contacts.English
	must(t, s.PutAccountContacts(t.Context(), c)) // version 2 now
	stored := getContacts(t, s, "o1", "111111111111")
	for _, v := range []int64{1, 3, 9} {
		stale := Contacts("o1", "111111111111")
		stale.Phones, stale.Version = []string{"+14155550100"}, v
		errIs(t, s.PutAccountContacts(t.Context(), stale), contacts.ErrConflict, "version %d", v)
		assert.Equal(t, stored, getContacts(t, s, "o1", "111111111111"), "version %d", v)
	}
}

// contactsUpdateMissing: a Put with a version of contacts never saved is
// ErrNotFound and creates nothing.
func contactsUpdateMissing(t *testing.T, s contacts.Store) {
	c := Contacts("o1", "111111111111")
	c.Version = 1
	errIs(t, s.PutAccountContacts(t.Context(), c), contacts.ErrNotFound)
	_, err := s.GetAccountContacts(t.Context(), "o1", "111111111111")
	errIs(t, err, contacts.ErrNotFound, "the failed update created nothing")
}

// contactsConcurrentCreates: of concurrent creates of one account's contacts one
// wins; the others are ErrAlreadyExists and the winner's record is stored.
func contactsConcurrentCreates(t *testing.T, s contacts.Store) {
	errs := storetest.Concurrently(4, func(i int) error {
		c := Contacts("o1", "111111111111")
		c.Phones = []string{fmt.Sprintf("+8131234567%d", i)}
		return s.PutAccountContacts(t.Context(), c)
	})
	winner := oneWinner(t, errs, contacts.ErrAlreadyExists)
	got := getContacts(t, s, "o1", "111111111111")
	assert.Equal(t, []string{fmt.Sprintf("+8131234567%d", winner)}, got.Phones)
	assert.Equal(t, int64(1), got.Version)
}

// contactsConcurrentUpdates: of concurrent updates of one version one wins; the
// others are ErrConflict and the winner's record is stored at version 2.
func contactsConcurrentUpdates(t *testing.T, s contacts.Store) {
	put(t, s, Contacts("o1", "111111111111"))
	read := getContacts(t, s, "o1", "111111111111")
	errs := storetest.Concurrently(4, func(i int) error {
		c := read.Clone()
		c.Phones = []string{fmt.Sprintf("+8131234567%d", i)}
		return s.PutAccountContacts(t.Context(), c)
	})
	winner := oneWinner(t, errs, contacts.ErrConflict)
	got := getContacts(t, s, "o1", "111111111111")
	assert.Equal(t, []string{fmt.Sprintf("+8131234567%d", winner)}, got.Phones)
	assert.Equal(t, int64(2), got.Version)
}

// contactsOrgScoped: another organization's contacts are reported exactly like
// missing ones (M-7): Get and an update are ErrNotFound, its list does not hold
// them, and a create succeeds as it would for an account never saved, making a
// record of its own that leaves the first one untouched.
func contactsOrgScoped(t *testing.T, s contacts.Store) {
	ctx := t.Context()
	put(t, s, Contacts("o1", "111111111111"))
	mine := getContacts(t, s, "o1", "111111111111")

	_, err := s.GetAccountContacts(ctx, "o2", "111111111111")
	errIs(t, err, contacts.ErrNotFound, "o2 reads o1's contacts")
	_, err = s.GetAccountContacts(ctx, "", "111111111111")
	errIs(t, err, contacts.ErrNotFound, "no organization reads o1's contacts")
	hijack := Contacts("o2", "111111111111")
	hijack.Recipients.Billing.To, hijack.Version = []string{"attacker@example.com"}, 1
	errIs(t, s.PutAccountContacts(ctx, hijack), contacts.ErrNotFound, "o2 updates o1's contacts")
	assert.Equal(t, mine, getContacts(t, s, "o1", "111111111111"))
	rows, _, err := s.ListAccountContacts(ctx, "o2", resellerkit.Page{})
	must(t, err)
	assert.Empty(t, rows, "o2's list holds o1's contacts")

	hijack.Version = 0
	must(t, s.PutAccountContacts(ctx, hijack)) // as for an account never saved
	assert.Equal(t, created(hijack), getContacts(t, s, "o2", "111111111111"))
	assert.Equal(t, mine, getContacts(t, s, "o1", "111111111111"), "o2's create left o1's record alone")
	hijack.Version = 1
	must(t, s.PutAccountContacts(ctx, hijack))
	assert.Equal(t, mine, getContacts(t, s, "o1", "111111111111"), "o2's update left o1's record alone")
}

// contactsList: ListAccountContacts returns the organization's saved contacts,
// whole, in the byte order of AccountID.
func contactsList(t *testing.T, s contacts.Store) {
	put(t, s, Contacts("o1", "333333333333"), Contacts("o2", "222222222222"), Contacts("o1", "111111111111"))
	c := getContacts(t, s, "o1", "333333333333")
	c.Language = contacts.English
	must(t, s.PutAccountContacts(t.Context(), c))
	c.Version++
	got := storetest.All(t, func(p resellerkit.Page) ([]contacts.AccountContacts, string, error) {
		return s.ListAccountContacts(t.Context(), "o1", p)
	})
	assert.Equal(t, []contacts.AccountContacts{created(Contacts("o1", "111111111111")), c}, got)
}
