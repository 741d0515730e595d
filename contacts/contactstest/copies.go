package contactstest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
)

// copyCases check that values are copied in and out: a caller mutating a slice it
// passed or received never changes the store.
func copyCases() []storeCase {
	return []storeCase{
		{"Copies/AccountContacts", copiesContacts},
		{"Copies/Notice", copiesNotice},
	}
}

// scribbleContacts overwrites every string of c's slices.
func scribbleContacts(c contacts.AccountContacts) {
	for _, l := range []contacts.List{c.Recipients.Billing, c.Recipients.Technical, c.Recipients.Security} {
		for _, s := range [][]string{l.To, l.CC} {
			for i := range s {
				s[i] = "scribbled@example.com"
			}
		}
	}
	for i := range c.Phones {
		c.Phones[i] = "+10000000000"
	}
}

// scribbleNotice overwrites every element of n's slices.
func scribbleNotice(n contacts.Notice) {
	for _, s := range [][]string{n.To, n.CC, n.Phones} {
		for i := range s {
			s[i] = "scribbled"
		}
	}
	for i := range n.Data {
		n.Data[i] = 'X'
	}
}

func copiesContacts(t *testing.T, s contacts.Store) {
	ctx := t.Context()
	in := Contacts("o1", "111111111111")
	put(t, s, in)
	scribbleContacts(in)
	want := created(Contacts("o1", "111111111111"))
	assert.Equal(t, want, getContacts(t, s, "o1", "111111111111"), "mutating what PutAccountContacts created from")

	got := getContacts(t, s, "o1", "111111111111")
	scribbleContacts(got)
	assert.Equal(t, want, getContacts(t, s, "o1", "111111111111"), "mutating what GetAccountContacts returned")

	list, _, err := s.ListAccountContacts(ctx, "o1", resellerkit.Page{})
	must(t, err)
	require.Len(t, list, 1)
	scribbleContacts(list[0])
	assert.Equal(t, want, getContacts(t, s, "o1", "111111111111"), "mutating what ListAccountContacts returned")

	u := created(Contacts("o1", "111111111111"))
	must(t, s.PutAccountContacts(ctx, u))
	scribbleContacts(u)
	want.Version = 2
	assert.Equal(t, want, getContacts(t, s, "o1", "111111111111"), "mutating what PutAccountContacts updated from")
}

func copiesNotice(t *testing.T, s contacts.Store) {
	ctx := t.Context()
	in := Notice("o1", "n1")
	enqueue(t, s, in)
	scribbleNotice(in)
	want := Notice("o1", "n1")
	assert.Equal(t, want, getNotice(t, s, "o1", "n1"), "mutating what EnqueueNotice was given")

	scribbleNotice(getNotice(t, s, "o1", "n1"))
	assert.Equal(t, want, getNotice(t, s, "o1", "n1"), "mutating what GetNotice returned")

	byKey, err := s.GetNoticeByKey(ctx, "o1", want.Key)
	must(t, err)
	scribbleNotice(byKey)
	assert.Equal(t, want, getNotice(t, s, "o1", "n1"), "mutating what GetNoticeByKey returned")

	list, _, err := s.ListNotices(ctx, "o1", "", resellerkit.Page{})
	must(t, err)
	require.Len(t, list, 1)
	scribbleNotice(list[0])
	assert.Equal(t, want, getNotice(t, s, "o1", "n1"), "mutating what ListNotices returned")

	claimed := claimOne(t, s, "d1", t0, t0.Add(time.Minute), "n1")
	scribbleNotice(claimed)
	got := getNotice(t, s, "o1", "n1")
	assert.Equal(t, want.To, got.To, "mutating what ClaimNotices returned")
	assert.Equal(t, want.CC, got.CC)
	assert.Equal(t, want.Phones, got.Phones)
	assert.Equal(t, want.Data, got.Data)
}
