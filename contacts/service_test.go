package contacts_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	cmem "github.com/seeda33a2f4f/resellerkit/contacts/memstore"
	"github.com/seeda33a2f4f/resellerkit/members"
	mmem "github.com/seeda33a2f4f/resellerkit/members/memstore"
	"github.com/seeda33a2f4f/resellerkit/memdb"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// env is members and contacts on one in-memory database: organization acme with
// accounts 111…, 222… and 333… (alice power user, bob view-only), and organization
// other with account 999….
type env struct {
	ctx     context.Context
	db      *memdb.DB
	store   *cmem.Store
	mem     *members.Service
	svc     *contacts.Service
	op      members.Principal
	alice   members.Principal
	bob     members.Principal
	mallory members.Principal // power user of other
	org     members.Organization
	other   members.Organization
	serial  int
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{ctx: context.Background(), db: memdb.New(), op: members.Principal{IdentityID: "op", MFA: true, Operator: true},
		alice: members.Principal{IdentityID: "alice", Email: "alice@acme.example"}, bob: members.Principal{IdentityID: "bob", Email: "bob@acme.example"},
		mallory: members.Principal{IdentityID: "mallory", Email: "mallory@other.example"}}
	e.store = cmem.NewOn(e.db)
	e.mem = members.NewService(mmem.NewOn(e.db))
	svc, err := contacts.NewService(e.store, e.mem, contacts.WithClock(func() time.Time { return t0 }),
		contacts.WithIDGenerator(func() string { e.serial++; return fmt.Sprintf("n%04d", e.serial) }))
	require.NoError(t, err)
	e.svc = svc
	e.org, err = e.mem.CreateOrganization(e.ctx, e.alice, members.NewOrganization{Code: "acme", Name: "Acme"})
	require.NoError(t, err)
	e.other, err = e.mem.CreateOrganization(e.ctx, e.mallory, members.NewOrganization{Code: "other", Name: "Other"})
	require.NoError(t, err)
	for org, ids := range map[members.Organization][]string{e.org: {"111111111111", "222222222222", "333333333333"}, e.other: {"999999999999"}} {
		owner := e.alice
		if org.ID == e.other.ID {
			owner = e.mallory
		}
		p, err := e.mem.CreateProject(e.ctx, owner, org.ID, members.Project{Name: "P", Plan: "standard",
			PaymentMethod: members.PaymentCard, Currency: money.USD, InvoiceTo: []string{"billing@" + org.Code + ".example"}})
		require.NoError(t, err)
		for _, id := range ids {
			_, err := e.mem.RegisterAccount(e.ctx, e.op, org.ID, members.NewAccount{ID: id, ProjectID: p.ID})
			require.NoError(t, err)
		}
	}
	inv, err := e.mem.Invite(e.ctx, e.alice, e.org.ID, members.NewInvitation{Email: e.bob.Email, Type: members.MemberGeneral,
		Permissions: []members.Permission{members.PermProjectView, members.PermAccountView}})
	require.NoError(t, err)
	_, err = e.mem.AcceptInvitation(e.ctx, e.bob, e.org.ID, inv.ID)
	require.NoError(t, err)
	return e
}

// full is a complete, valid set of contacts.
func full() contacts.Update {
	return contacts.Update{
		Recipients: contacts.Recipients{
			Billing:   contacts.List{To: []string{"Billing@Acme.example"}, CC: []string{"cfo@acme.example"}},
			Technical: contacts.List{To: []string{"ops@acme.example"}},
			Security:  contacts.List{To: []string{"sec@acme.example", "ciso@acme.example"}},
		},
		Language: contacts.English,
		Phones:   []string{"03-1234-5678", "090-1234-5678"},
	}
}

func TestC1_C3_ContactsValidatedNormalizedAndVersioned(t *testing.T) {
	e := newEnv(t)
	got, err := e.svc.GetAccountContacts(e.ctx, e.bob, e.org.ID, "111111111111")
	require.NoError(t, err)
	assert.Equal(t, int64(0), got.Version, "never saved")
	assert.Equal(t, contacts.Japanese, got.Language, "the default language (C-2)")

	saved, err := e.svc.UpdateAccountContacts(e.ctx, e.alice, e.org.ID, "111111111111", full())
	require.NoError(t, err)
	assert.Equal(t, int64(1), saved.Version)
	assert.Equal(t, []string{"billing@acme.example"}, saved.Recipients.Billing.To, "lower-cased (C-1)")
	assert.Equal(t, []string{"+81312345678", "+819012345678"}, saved.Phones, "E.164 (C-3)")
	got, err = e.svc.GetAccountContacts(e.ctx, e.bob, e.org.ID, "111111111111")
	require.NoError(t, err)
	assert.Equal(t, saved, got)

	_, err = e.svc.UpdateAccountContacts(e.ctx, e.alice, e.org.ID, "111111111111", full())
	require.ErrorIs(t, err, contacts.ErrConflict, "version 0 again: stale")
	u := full()
	u.Version = 1
	u.Language = contacts.Japanese
	saved, err = e.svc.UpdateAccountContacts(e.ctx, e.alice, e.org.ID, "111111111111", u)
	require.NoError(t, err)
	assert.Equal(t, int64(2), saved.Version)
}

func TestC1_C2_C3_BadInputNamesTheFieldAndChangesNothing(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name  string
		edit  func(u *contacts.Update)
		field string
		rule  string
	}{
		{"no billing TO", func(u *contacts.Update) { u.Recipients.Billing.To = nil }, "recipients.billing.to", "C-1"},
		{"seven CC", func(u *contacts.Update) {
			u.Recipients.Security.CC = strings.Split("a@x.example,b@x.example,c@x.example,d@x.example,e@x.example,f@x.example,g@x.example", ",")
		}, "recipients.security.cc", "C-1"},
		{"duplicate, other case", func(u *contacts.Update) {
			u.Recipients.Technical.To = []string{"ops@acme.example", "OPS@acme.example"}
		}, "recipients.technical.to[1]", "C-1"},
		{"not an address", func(u *contacts.Update) { u.Recipients.Billing.CC = []string{"cfo at acme"} }, "recipients.billing.cc[0]", "C-1"},
		{"unknown language", func(u *contacts.Update) { u.Language = "fr" }, "language", "C-2"},
		{"no phone", func(u *contacts.Update) { u.Phones = nil }, "phones", "C-3"},
		{"four phones", func(u *contacts.Update) {
			u.Phones = []string{"03-1111-1111", "03-2222-2222", "03-3333-3333", "03-4444-4444"}
		}, "phones", "C-3"},
		{"bad phone", func(u *contacts.Update) { u.Phones = []string{"03-1234-5678", "12345"} }, "phones[1]", "C-3"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			u := full()
			tc.edit(&u)
			_, err := e.svc.UpdateAccountContacts(e.ctx, e.alice, e.org.ID, "111111111111", u)
			require.ErrorIs(t, err, contacts.ErrInvalid)
			var ve *resellerkit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.Equal(t, tc.rule, ve.Rule)
			got, err := e.svc.GetAccountContacts(e.ctx, e.alice, e.org.ID, "111111111111")
			require.NoError(t, err)
			assert.Zero(t, got.Version, "nothing saved")
		})
	}
}

// TestM5_M7_ReadNeedsAccountViewEditNeedsContactsEdit: bob (view only) reads but
// cannot edit; another organization's power user neither reads nor edits.
func TestM5_M7_ReadNeedsAccountViewEditNeedsContactsEdit(t *testing.T) {
	e := newEnv(t)
	_, err := e.svc.UpdateAccountContacts(e.ctx, e.bob, e.org.ID, "111111111111", full())
	require.ErrorIs(t, err, members.ErrPermissionDenied)
	assert.Contains(t, err.Error(), "contacts.edit")

	_, err = e.svc.GetAccountContacts(e.ctx, e.mallory, e.org.ID, "111111111111")
	require.ErrorIs(t, err, members.ErrPermissionDenied)
	_, err = e.svc.GetAccountContacts(e.ctx, e.mallory, e.other.ID, "111111111111")
	require.ErrorIs(t, err, members.ErrNotFound, "acme's account through mallory's own organization")
	_, err = e.svc.UpdateAccountContacts(e.ctx, e.mallory, e.other.ID, "111111111111", full())
	require.ErrorIs(t, err, members.ErrNotFound)
	_, _, err = e.svc.ListNotices(e.ctx, e.mallory, e.org.ID, "", resellerkit.Page{})
	require.ErrorIs(t, err, members.ErrPermissionDenied)
}

// TestM10_BulkEditOverwritesAllOrNothing: the set fields overwrite every listed
// account in one transaction; a foreign account, or an account left incomplete,
// fails the batch with nothing changed anywhere.
func TestM10_BulkEditOverwritesAllOrNothing(t *testing.T) {
	e := newEnv(t)
	_, err := e.svc.UpdateAccountContacts(e.ctx, e.alice, e.org.ID, "111111111111", full())
	require.NoError(t, err)
	en := contacts.English
	ja := contacts.Japanese

	_, err = e.svc.BulkEditAccountContacts(e.ctx, e.alice, e.org.ID, []string{"111111111111", "999999999999"}, contacts.BulkEdit{Language: &ja})
	require.ErrorIs(t, err, members.ErrNotFound, "another organization's account")
	_, err = e.svc.BulkEditAccountContacts(e.ctx, e.alice, e.org.ID, []string{"111111111111", "222222222222"}, contacts.BulkEdit{Language: &ja})
	require.ErrorIs(t, err, contacts.ErrInvalid, "222… never had recipients")
	assert.Contains(t, err.Error(), "222222222222")
	got, err := e.svc.GetAccountContacts(e.ctx, e.alice, e.org.ID, "111111111111")
	require.NoError(t, err)
	assert.Equal(t, en, got.Language, "nothing changed")
	assert.Equal(t, int64(1), got.Version)

	rec := full().Recipients
	rec.Technical = contacts.List{To: []string{"noc@acme.example"}}
	out, err := e.svc.BulkEditAccountContacts(e.ctx, e.alice, e.org.ID, []string{"111111111111", "222222222222", "333333333333"},
		contacts.BulkEdit{Recipients: &rec, Language: &ja, Phones: []string{"０３－９８７６－５４３２"}})
	require.NoError(t, err)
	require.Len(t, out, 3)
	for _, c := range out {
		assert.Equal(t, []string{"noc@acme.example"}, c.Recipients.Technical.To)
		assert.Equal(t, ja, c.Language)
		assert.Equal(t, []string{"+81398765432"}, c.Phones, "full-width input, E.164 stored")
	}
	assert.Equal(t, int64(2), out[0].Version)
	assert.Equal(t, int64(1), out[1].Version)

	_, err = e.svc.BulkEditAccountContacts(e.ctx, e.bob, e.org.ID, []string{"111111111111"}, contacts.BulkEdit{Language: &en})
	require.ErrorIs(t, err, members.ErrPermissionDenied)
	_, err = e.svc.BulkEditAccountContacts(e.ctx, e.alice, e.org.ID, []string{"111111111111"}, contacts.BulkEdit{})
	require.ErrorIs(t, err, contacts.ErrInvalid, "nothing to set")
}

// TestC4_TestMailGoesToTheProposedListAndSavesNothing.
func TestC4_TestMailGoesToTheProposedListAndSavesNothing(t *testing.T) {
	e := newEnv(t)
	n, err := e.svc.SendTestMail(e.ctx, e.alice, e.org.ID, "111111111111", contacts.Billing,
		contacts.List{To: []string{"New@Acme.example"}, CC: []string{"cc@acme.example"}}, contacts.English)
	require.NoError(t, err)
	assert.Equal(t, contacts.KindTestMail, n.Kind)
	assert.Equal(t, []string{"new@acme.example"}, n.To)
	assert.Equal(t, []string{"cc@acme.example"}, n.CC)
	assert.Equal(t, contacts.NoticeQueued, n.State)
	assert.NotEmpty(t, n.Subject)
	got, err := e.svc.GetAccountContacts(e.ctx, e.alice, e.org.ID, "111111111111")
	require.NoError(t, err)
	assert.Zero(t, got.Version, "the proposed list is not saved")

	_, err = e.svc.SendTestMail(e.ctx, e.alice, e.org.ID, "111111111111", contacts.Billing, contacts.List{}, contacts.English)
	require.ErrorIs(t, err, contacts.ErrInvalid, "a TO is needed")
	_, err = e.svc.SendTestMail(e.ctx, e.bob, e.org.ID, "111111111111", contacts.Billing, contacts.List{To: []string{"a@acme.example"}}, contacts.English)
	require.ErrorIs(t, err, members.ErrPermissionDenied)
}

// TestC5_NotifyRoutesByKindInTheAccountsLanguage.
func TestC5_NotifyRoutesByKindInTheAccountsLanguage(t *testing.T) {
	e := newEnv(t)
	_, err := e.svc.UpdateAccountContacts(e.ctx, e.alice, e.org.ID, "111111111111", full())
	require.NoError(t, err)
	alarm, err := e.svc.Notify(e.ctx, contacts.NewNotice{Key: "alarm:1", Kind: contacts.KindChargeAlarm, OrgID: e.org.ID,
		AccountID: "111111111111", Data: contacts.ChargeAlarmData{AccountID: "111111111111", Threshold: "1,000", Current: "1,234", Currency: "USD"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"billing@acme.example"}, alarm.To)
	assert.Equal(t, []string{"cfo@acme.example"}, alarm.CC)
	assert.Equal(t, contacts.English, alarm.Language)
	assert.Contains(t, alarm.Text, "1,234")
	assert.Empty(t, alarm.Phones)

	incident, err := e.svc.Notify(e.ctx, contacts.NewNotice{Key: "incident:1", Kind: contacts.KindSecurityIncident, OrgID: e.org.ID,
		AccountID: "111111111111", Language: contacts.Japanese, Data: contacts.SecurityIncidentData{AccountID: "111111111111", Finding: "root login"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"sec@acme.example", "ciso@acme.example"}, incident.To)
	assert.Equal(t, []string{"+81312345678", "+819012345678"}, incident.Phones, "phones only for incidents (C-3)")
	assert.Equal(t, contacts.Japanese, incident.Language, "the override")

	invoice, err := e.svc.Notify(e.ctx, contacts.NewNotice{Key: "invoice:1", Kind: contacts.KindInvoiceIssued, OrgID: e.org.ID,
		Language: contacts.Japanese, To: []string{"Billing@Acme.example"}, Data: contacts.InvoiceIssuedData{OrgName: "Acme", Total: "¥12,345", URL: "https://portal.example/invoices/1"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"billing@acme.example"}, invoice.To)

	_, err = e.svc.Notify(e.ctx, contacts.NewNotice{Key: "alarm:2", Kind: contacts.KindChargeAlarm, OrgID: e.org.ID,
		AccountID: "222222222222", Data: contacts.ChargeAlarmData{}})
	require.ErrorIs(t, err, contacts.ErrNotFound, "an account without contacts: the notice must not go nowhere")
	_, err = e.svc.Notify(e.ctx, contacts.NewNotice{Kind: contacts.KindChargeAlarm, OrgID: e.org.ID, AccountID: "111111111111"})
	require.ErrorIs(t, err, contacts.ErrInvalid, "a key is required")
}

// TestC7_NotifyTwiceWithOneKeyIsOneNotice.
func TestC7_NotifyTwiceWithOneKeyIsOneNotice(t *testing.T) {
	e := newEnv(t)
	in := contacts.NewNotice{Key: "invitation:abc", Kind: contacts.KindInvitation, OrgID: e.org.ID, Language: contacts.English,
		To: []string{"new@acme.example"}, Data: contacts.InvitationData{OrgName: "Acme", URL: "https://portal.example/join"}}
	a, err := e.svc.Notify(e.ctx, in)
	require.NoError(t, err)
	b, err := e.svc.Notify(e.ctx, in)
	require.NoError(t, err)
	assert.Equal(t, a.ID, b.ID)
	list, _, err := e.svc.ListNotices(e.ctx, e.alice, e.org.ID, "", resellerkit.Page{})
	require.NoError(t, err)
	assert.Len(t, list, 1)
}

// TestC7_ANoticeCommitsWithTheChangeThatCausesIt: written in the transaction of a
// members change, the notice exists exactly when that change commits.
func TestC7_ANoticeCommitsWithTheChangeThatCausesIt(t *testing.T) {
	e := newEnv(t)
	boom := errors.New("the invitation failed later")
	invite := func(email string, fail bool) error {
		return e.db.InTx(e.ctx, func(ctx context.Context) error {
			inv, err := e.mem.Invite(ctx, e.alice, e.org.ID, members.NewInvitation{Email: email, Type: members.MemberGeneral})
			if err != nil {
				return err
			}
			if _, err := e.svc.Notify(ctx, contacts.NewNotice{Key: "invitation:" + inv.ID, Kind: contacts.KindInvitation, OrgID: e.org.ID,
				Language: contacts.Japanese, To: []string{email}, Data: contacts.InvitationData{OrgName: "Acme", URL: "https://portal.example/join"}}); err != nil {
				return err
			}
			if fail {
				return boom
			}
			return nil
		})
	}
	require.ErrorIs(t, invite("rolled@acme.example", true), boom)
	require.NoError(t, invite("kept@acme.example", false))
	list, _, err := e.svc.ListNotices(e.ctx, e.alice, e.org.ID, contacts.NoticeQueued, resellerkit.Page{})
	require.NoError(t, err)
	require.Len(t, list, 1, "the rolled-back change left no notice")
	assert.Equal(t, []string{"kept@acme.example"}, list[0].To)
	invs, _, err := e.mem.ListInvitations(e.ctx, e.alice, e.org.ID, resellerkit.Page{})
	require.NoError(t, err)
	assert.Len(t, invs, 2, "bob's and kept's")
}

// TestC5_ANoticeWithoutItsLinkIsRefused: an invitation, reset, signup, support
// reply or invoice without the link (or total) its mail exists for is the
// caller's bug: an error naming the field, nothing queued.
func TestC5_ANoticeWithoutItsLinkIsRefused(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		kind  contacts.Kind
		data  any
		field string
	}{
		{contacts.KindInvitation, contacts.InvitationData{OrgName: "Acme"}, "data.URL"},
		{contacts.KindPasswordReset, &contacts.PasswordResetData{}, "data.URL"},
		{contacts.KindSignup, contacts.SignupData{}, "data.URL"},
		{contacts.KindSupportReply, contacts.SupportReplyData{CaseID: "1"}, "data.URL"},
		{contacts.KindInvoiceIssued, contacts.InvoiceIssuedData{URL: "https://portal.example/i"}, "data.Total"},
	} {
		_, err := e.svc.Notify(e.ctx, contacts.NewNotice{Key: "k:" + string(tc.kind), Kind: tc.kind, OrgID: e.org.ID,
			Language: contacts.English, To: []string{"a@acme.example"}, Data: tc.data})
		require.ErrorIs(t, err, contacts.ErrInvalid, tc.kind)
		var ve *resellerkit.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, tc.field, ve.Field)
	}
	list, _, err := e.svc.ListNotices(e.ctx, e.alice, e.org.ID, "", resellerkit.Page{})
	require.NoError(t, err)
	assert.Empty(t, list)
}

// TestM7_C7_KeysArePerOrganizationAndNeverReusedSilently: two organizations may
// use one key; within one, the same key for another kind or account is a
// conflict, never another organization's notice handed back or a notice dropped.
func TestM7_C7_KeysArePerOrganizationAndNeverReusedSilently(t *testing.T) {
	e := newEnv(t)
	_, err := e.svc.UpdateAccountContacts(e.ctx, e.alice, e.org.ID, "111111111111", full())
	require.NoError(t, err)
	u := full()
	u.Recipients.Billing = contacts.List{To: []string{"billing@other.example"}}
	_, err = e.svc.UpdateAccountContacts(e.ctx, e.mallory, e.other.ID, "999999999999", u)
	require.NoError(t, err)

	a, err := e.svc.Notify(e.ctx, contacts.NewNotice{Key: "alarm:2026-11", Kind: contacts.KindChargeAlarm, OrgID: e.org.ID,
		AccountID: "111111111111", Data: contacts.ChargeAlarmData{}})
	require.NoError(t, err)
	b, err := e.svc.Notify(e.ctx, contacts.NewNotice{Key: "alarm:2026-11", Kind: contacts.KindChargeAlarm, OrgID: e.other.ID,
		AccountID: "999999999999", Data: contacts.ChargeAlarmData{}})
	require.NoError(t, err)
	assert.NotEqual(t, a.ID, b.ID)
	assert.Equal(t, []string{"billing@other.example"}, b.To, "other's own recipients, never acme's")

	_, err = e.svc.Notify(e.ctx, contacts.NewNotice{Key: "alarm:2026-11", Kind: contacts.KindPasswordReset, OrgID: e.org.ID,
		Language: contacts.Japanese, To: []string{"x@acme.example"}, Data: contacts.PasswordResetData{URL: "https://portal.example/reset"}})
	require.ErrorIs(t, err, contacts.ErrConflict, "the key names a charge alarm")
}

// TestC3_C5_RoutingDecidesTheAccountAndPhonesInTheMail: the data of a routed
// notice names the account it went to and, for an incident, the phones on file,
// whatever the caller put there.
func TestC3_C5_RoutingDecidesTheAccountAndPhonesInTheMail(t *testing.T) {
	e := newEnv(t)
	_, err := e.svc.UpdateAccountContacts(e.ctx, e.alice, e.org.ID, "111111111111", full())
	require.NoError(t, err)
	n, err := e.svc.Notify(e.ctx, contacts.NewNotice{Key: "incident:1", Kind: contacts.KindSecurityIncident, OrgID: e.org.ID,
		AccountID: "111111111111", Language: contacts.English,
		Data: &contacts.SecurityIncidentData{AccountID: "222222222222", Finding: "root login", Phones: []string{"+15550000000"}}})
	require.NoError(t, err)
	assert.Contains(t, n.Text, "111111111111")
	assert.NotContains(t, n.Text, "222222222222")
	assert.Contains(t, n.Text, "+81312345678", "the phones on file")
	assert.NotContains(t, n.Text, "+15550000000")
	assert.Equal(t, []string{"+81312345678", "+819012345678"}, n.Phones)
}

// TestC7_NoticesArePowerUsersAndDeadOnesRequeue: a general user, even with
// contacts.edit, sees no notices; a power user lists them and requeues a dead
// one; notices of no organization are for operators.
func TestC7_NoticesArePowerUsersAndDeadOnesRequeue(t *testing.T) {
	e := newEnv(t)
	n, err := e.svc.Notify(e.ctx, contacts.NewNotice{Key: "invitation:1", Kind: contacts.KindInvitation, OrgID: e.org.ID,
		Language: contacts.English, To: []string{"new@acme.example"}, Data: contacts.InvitationData{URL: "https://portal.example/join"}})
	require.NoError(t, err)
	_, _, err = e.svc.ListNotices(e.ctx, e.bob, e.org.ID, "", resellerkit.Page{})
	require.ErrorIs(t, err, members.ErrPermissionDenied)
	_, err = e.svc.RequeueNotice(e.ctx, e.alice, e.org.ID, n.ID)
	require.ErrorIs(t, err, contacts.ErrConflict, "queued, not dead")

	c := &clock{t: t0}
	_, err = newDispatcher(e.store, &recorder{fail: 1, failErr: fmt.Errorf("550: %w", contacts.ErrPermanent)}, c).RunOnce(e.ctx)
	require.NoError(t, err)
	dead, _, err := e.svc.ListNotices(e.ctx, e.alice, e.org.ID, contacts.NoticeDead, resellerkit.Page{})
	require.NoError(t, err)
	require.Len(t, dead, 1)
	again, err := e.svc.RequeueNotice(e.ctx, e.alice, e.org.ID, n.ID)
	require.NoError(t, err)
	assert.Equal(t, contacts.NoticeQueued, again.State)
	_, err = e.svc.RequeueNotice(e.ctx, e.mallory, e.org.ID, n.ID)
	require.ErrorIs(t, err, members.ErrPermissionDenied)

	_, err = e.svc.Notify(e.ctx, contacts.NewNotice{Key: "reset:1", Kind: contacts.KindPasswordReset, Language: contacts.Japanese,
		To: []string{"someone@example.com"}, Data: contacts.PasswordResetData{URL: "https://portal.example/reset"}})
	require.NoError(t, err)
	_, _, err = e.svc.ListNotices(e.ctx, e.alice, "", "", resellerkit.Page{})
	require.ErrorIs(t, err, members.ErrPermissionDenied, "a power user is no operator")
	sys, _, err := e.svc.ListNotices(e.ctx, e.op, "", "", resellerkit.Page{})
	require.NoError(t, err)
	require.Len(t, sys, 1)
}

// TestC4_TestMailsAreLimitedPerAccount: a test mail goes to unconfirmed
// addresses; an account may send a bounded number per window.
func TestC4_TestMailsAreLimitedPerAccount(t *testing.T) {
	e := newEnv(t)
	now := t0
	svc, err := contacts.NewService(e.store, e.mem, contacts.WithTestMailLimit(2, time.Hour), contacts.WithClock(func() time.Time { return now }))
	require.NoError(t, err)
	send := func(account string) error {
		_, err := svc.SendTestMail(e.ctx, e.alice, e.org.ID, account, contacts.Billing, contacts.List{To: []string{"a@acme.example"}}, contacts.English)
		return err
	}
	require.NoError(t, send("111111111111"))
	require.NoError(t, send("111111111111"))
	require.ErrorIs(t, send("111111111111"), contacts.ErrTooManyTestMails)
	require.NoError(t, send("222222222222"), "another account has its own count")
	now = now.Add(time.Hour)
	require.NoError(t, send("111111111111"), "the window passed")
}

// TestC7_NoticesNewestFirstPageByPageForPowerUsers: the newest-first listing has
// ListNotices' permission (a power user of the organization; an operator for
// notices of none), pages newest first keeping the state filter, never shows
// another organization's notice (M-7), and names the field of a bad state or
// token (a token of ListNotices included).
func TestC7_NoticesNewestFirstPageByPageForPowerUsers(t *testing.T) {
	e := newEnv(t)
	now := t0
	svc, err := contacts.NewService(e.store, e.mem, contacts.WithClock(func() time.Time { return now }),
		contacts.WithIDGenerator(func() string { e.serial++; return fmt.Sprintf("n%04d", e.serial) }))
	require.NoError(t, err)
	var want []string
	for i := range 5 {
		n, err := svc.Notify(e.ctx, contacts.NewNotice{Key: fmt.Sprintf("invitation:%d", i), Kind: contacts.KindInvitation, OrgID: e.org.ID,
			Language: contacts.English, To: []string{"new@acme.example"}, Data: contacts.InvitationData{URL: "https://portal.example/join"}})
		require.NoError(t, err)
		want = append([]string{n.ID}, want...)
		now = now.Add(time.Minute)
	}
	_, err = svc.Notify(e.ctx, contacts.NewNotice{Key: "invitation:x", Kind: contacts.KindInvitation, OrgID: e.other.ID,
		Language: contacts.English, To: []string{"new@other.example"}, Data: contacts.InvitationData{URL: "https://portal.example/join"}})
	require.NoError(t, err)

	var got []string
	page := resellerkit.Page{Limit: 2}
	for {
		list, next, err := svc.ListNoticesNewestFirst(e.ctx, e.alice, e.org.ID, contacts.NoticeQueued, page)
		require.NoError(t, err)
		for _, n := range list {
			got = append(got, n.ID)
		}
		if next == "" {
			break
		}
		page.Token = next
	}
	assert.Equal(t, want, got, "newest first, every notice once, none of other")

	for _, c := range []struct {
		name string
		p    members.Principal
		org  string
	}{{"view-only member", e.bob, e.org.ID}, {"another organization's power user", e.mallory, e.org.ID}, {"a power user is no operator", e.alice, ""}} {
		_, _, err := svc.ListNoticesNewestFirst(e.ctx, c.p, c.org, "", resellerkit.Page{})
		require.ErrorIs(t, err, members.ErrPermissionDenied, c.name)
	}
	_, _, err = svc.ListNoticesNewestFirst(e.ctx, e.op, "", "", resellerkit.Page{})
	require.NoError(t, err, "an operator lists the notices of no organization")

	_, _, err = svc.ListNoticesNewestFirst(e.ctx, e.alice, e.org.ID, "lost", resellerkit.Page{})
	require.ErrorIs(t, err, contacts.ErrInvalid)
	assert.Contains(t, err.Error(), "state")
	_, idToken, err := svc.ListNotices(e.ctx, e.alice, e.org.ID, "", resellerkit.Page{Limit: 1})
	require.NoError(t, err)
	for _, token := range []string{idToken, "not a token"} {
		_, _, err = svc.ListNoticesNewestFirst(e.ctx, e.alice, e.org.ID, "", resellerkit.Page{Token: token})
		require.ErrorIs(t, err, contacts.ErrInvalid, "token %q", token)
		assert.Contains(t, err.Error(), "page_token")
	}
}
