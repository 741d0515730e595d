package contacts_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
)

func routeAccount() contacts.AccountContacts {
	return contacts.AccountContacts{
		OrgID:     "org-1",
		AccountID: "123456789012",
		Recipients: contacts.Recipients{
			Billing:   contacts.List{To: []string{"billing@example.jp"}, CC: []string{"cfo@example.jp"}},
			Technical: contacts.List{To: []string{"ops@example.jp", "sre@example.jp"}},
			Security:  contacts.List{To: []string{"csirt@example.jp"}, CC: []string{"ciso@example.jp"}},
		},
		Language: contacts.Japanese,
		Phones:   []string{"+81312345678", "+819012345678"},
		Version:  1,
	}
}

// TestC5_Route: each kind routed by account goes to its category's TO and CC; only
// a security incident carries the emergency phones (C-3).
func TestC5_Route(t *testing.T) {
	c := routeAccount()
	tests := []struct {
		kind   contacts.Kind
		to, cc []string
		phones []string
	}{
		{contacts.KindChargeAlarm, []string{"billing@example.jp"}, []string{"cfo@example.jp"}, nil},
		{contacts.KindMaintenance, []string{"ops@example.jp", "sre@example.jp"}, nil, nil},
		{contacts.KindTechnicalNotice, []string{"ops@example.jp", "sre@example.jp"}, nil, nil},
		{contacts.KindSecurityAlert, []string{"csirt@example.jp"}, []string{"ciso@example.jp"}, nil},
		{contacts.KindSecurityIncident, []string{"csirt@example.jp"}, []string{"ciso@example.jp"}, []string{"+81312345678", "+819012345678"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			require.True(t, contacts.RoutedByAccount(tt.kind))
			to, cc, phones, err := contacts.Route(tt.kind, c)
			require.NoError(t, err)
			assert.Equal(t, tt.to, to)
			assert.Equal(t, tt.cc, cc)
			assert.Equal(t, tt.phones, phones)
		})
	}
}

// TestC5_RouteCallerAddressed: the kinds addressed by the caller are not routed by
// account, and an unknown kind is refused; both wrap ErrInvalid naming "kind".
func TestC5_RouteCallerAddressed(t *testing.T) {
	for _, kind := range []contacts.Kind{contacts.KindInvoiceIssued, contacts.KindSupportReply, contacts.KindInvitation,
		contacts.KindPasswordReset, contacts.KindTestMail, "", "charge-alarm"} {
		t.Run(string(kind), func(t *testing.T) {
			assert.False(t, contacts.RoutedByAccount(kind))
			to, cc, phones, err := contacts.Route(kind, routeAccount())
			require.ErrorIs(t, err, contacts.ErrInvalid)
			var ve *resellerkit.ValidationError
			require.True(t, errors.As(err, &ve))
			assert.Equal(t, "kind", ve.Field)
			assert.Equal(t, "C-5", ve.Rule)
			assert.Equal(t, string(kind), ve.Value)
			assert.Nil(t, to)
			assert.Nil(t, cc)
			assert.Nil(t, phones)
		})
	}
	_, _, _, err := contacts.Route(contacts.KindInvoiceIssued, routeAccount())
	assert.ErrorContains(t, err, "addressed by the caller")
}

// TestC5_RouteNoRecipients: a notice must not silently go nowhere: a list without
// TO (contacts never set, or only CC) is ErrNotFound naming account and category.
func TestC5_RouteNoRecipients(t *testing.T) {
	tests := []struct {
		kind     contacts.Kind
		category string
		edit     func(*contacts.AccountContacts)
	}{
		{contacts.KindChargeAlarm, "billing", func(c *contacts.AccountContacts) { c.Recipients.Billing.To = nil }},
		{contacts.KindMaintenance, "technical", func(c *contacts.AccountContacts) { c.Recipients.Technical = contacts.List{} }},
		{contacts.KindTechnicalNotice, "technical", func(c *contacts.AccountContacts) { c.Recipients.Technical.To = []string{} }},
		{contacts.KindSecurityAlert, "security", func(c *contacts.AccountContacts) { c.Recipients.Security.To = nil }},
		{contacts.KindSecurityIncident, "security", func(c *contacts.AccountContacts) { *c = contacts.AccountContacts{AccountID: c.AccountID} }},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			c := routeAccount()
			tt.edit(&c)
			to, cc, phones, err := contacts.Route(tt.kind, c)
			require.ErrorIs(t, err, contacts.ErrNotFound)
			assert.ErrorContains(t, err, "123456789012")
			assert.ErrorContains(t, err, tt.category)
			assert.Nil(t, to)
			assert.Nil(t, cc)
			assert.Nil(t, phones)
		})
	}
}

// TestC3_RouteIncidentWithoutPhones: an incident still mails the security contacts
// when no phone is registered.
func TestC3_RouteIncidentWithoutPhones(t *testing.T) {
	c := routeAccount()
	c.Phones = nil
	to, _, phones, err := contacts.Route(contacts.KindSecurityIncident, c)
	require.NoError(t, err)
	assert.Equal(t, []string{"csirt@example.jp"}, to)
	assert.Empty(t, phones)
}

// TestC5_RouteReturnsCopies: changing what Route returns leaves the contacts alone.
func TestC5_RouteReturnsCopies(t *testing.T) {
	c := routeAccount()
	to, cc, phones, err := contacts.Route(contacts.KindSecurityIncident, c)
	require.NoError(t, err)
	to[0], cc[0], phones[0] = "x", "y", "z"
	assert.Equal(t, routeAccount(), c)
}

func TestC5_KindValid(t *testing.T) {
	for _, k := range contacts.Kinds() {
		assert.True(t, k.Valid(), k)
	}
	for _, k := range []contacts.Kind{"", "Charge_Alarm", "invoice", "test_mail "} {
		assert.False(t, k.Valid(), k)
	}
	var routed []contacts.Kind
	for _, k := range contacts.Kinds() {
		if contacts.RoutedByAccount(k) {
			routed = append(routed, k)
		}
	}
	assert.Equal(t, []contacts.Kind{contacts.KindChargeAlarm, contacts.KindMaintenance, contacts.KindTechnicalNotice,
		contacts.KindSecurityAlert, contacts.KindSecurityIncident}, routed)
}
