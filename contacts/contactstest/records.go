package contactstest

import (
	"encoding/json"
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// t0 is the base time of the suite's records: UTC, microsecond precision, as the
// store returns times.
var t0 = time.Date(2026, time.April, 6, 9, 15, 30, 123456000, time.UTC)

// Contacts returns the contacts of account accountID of orgID as a caller creates
// them (Version 0), with every field set: three lists with TO and CC, a language,
// two phones.
func Contacts(orgID, accountID string) contacts.AccountContacts {
	mail := func(who string) string { return who + "-" + accountID + "@example.com" }
	return contacts.AccountContacts{
		OrgID: orgID, AccountID: accountID,
		Recipients: contacts.Recipients{
			Billing:   contacts.List{To: []string{mail("billing")}, CC: []string{mail("cfo"), mail("accounting")}},
			Technical: contacts.List{To: []string{mail("ops"), mail("sre")}, CC: []string{mail("cto")}},
			Security:  contacts.List{To: []string{mail("security")}, CC: []string{mail("ciso")}},
		},
		Language:  contacts.Japanese,
		Phones:    []string{"+81312345678", "+819012345678"},
		UpdatedAt: t0,
	}
}

// Notice returns a queued notice of orgID ("" for none) with id, the idempotency
// key "key:"+id, every field set, due at t0 and never attempted.
func Notice(orgID, id string) contacts.Notice {
	return contacts.Notice{
		ID: id, Key: "key:" + id, OrgID: orgID, AccountID: "123456789012",
		Kind: contacts.KindSecurityIncident, Language: contacts.Japanese,
		To: []string{"security@example.com", "soc@example.com"}, CC: []string{"ciso@example.com"},
		Phones:  []string{"+81312345678"},
		Subject: "[重要] セキュリティインシデント " + id, Text: "本文 " + id, HTML: "<p>本文 " + id + "</p>",
		Data:  json.RawMessage(`{"id":"` + id + `","n":1}`),
		State: contacts.NoticeQueued, NextAt: t0, CreatedAt: t0,
	}
}

// created is c as stored by a create: version 1.
func created(c contacts.AccountContacts) contacts.AccountContacts {
	c.Version = 1
	return c
}

// at returns Notice(orgID, id) due at next.
func at(orgID, id string, next time.Time) contacts.Notice {
	n := Notice(orgID, id)
	n.NextAt = next
	return n
}

// enqueue stores every notice, failing t on the first error.
func enqueue(t *testing.T, s contacts.Store, ns ...contacts.Notice) {
	t.Helper()
	for _, n := range ns {
		require.NoError(t, s.EnqueueNotice(t.Context(), n), "enqueue %q", n.ID)
	}
}

// put saves every record, failing t on the first error.
func put(t *testing.T, s contacts.Store, cs ...contacts.AccountContacts) {
	t.Helper()
	for _, c := range cs {
		require.NoError(t, s.PutAccountContacts(t.Context(), c), "put %s/%s", c.OrgID, c.AccountID)
	}
}

// getNotice returns notice id of orgID, failing t if there is none.
func getNotice(t *testing.T, s contacts.Store, orgID, id string) contacts.Notice {
	t.Helper()
	n, err := s.GetNotice(t.Context(), orgID, id)
	require.NoError(t, err, "notice %q of %q", id, orgID)
	return n
}

// ids returns the ids of notices, in order.
func ids(ns []contacts.Notice) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.ID
	}
	return out
}

// claimOne claims with limit 1 and requires the notice claimed to be want.
func claimOne(t *testing.T, s contacts.Store, owner string, now, until time.Time, want string) contacts.Notice {
	t.Helper()
	got, err := s.ClaimNotices(t.Context(), owner, now, until, 1)
	require.NoError(t, err)
	require.Equal(t, []string{want}, ids(got), "the notice claimed")
	return got[0]
}

// start starts an attempt on n, as ClaimNotices returned it to owner, failing t
// on an error, and returns n as the attempt holds it: Attempts one more.
func start(t *testing.T, s contacts.Store, n contacts.Notice, owner string) contacts.Notice {
	t.Helper()
	require.NoError(t, s.StartNotice(t.Context(), n, owner), "start an attempt on %q", n.ID)
	n.Attempts++
	return n
}

// finish claims notice want (the only due one at now) for owner "setup", starts
// an attempt and finishes it with state and lastError.
func finish(t *testing.T, s contacts.Store, want string, now time.Time, state contacts.NoticeState, lastError string) {
	t.Helper()
	n := start(t, s, claimOne(t, s, "setup", now, now.Add(time.Minute), want), "setup")
	n.State, n.LastError = state, lastError
	if state == contacts.NoticeSent {
		n.SentAt = now
	}
	require.NoError(t, s.FinishNotice(t.Context(), n, "setup"))
}

// seedLease is when the lease seed takes on "n-leased" ends.
var seedLease = t0.Add(time.Hour)

// fixture is what seed stored: the organizations whose rows dump reads.
var fixtureOrgs = []string{"", "o1", "o2"}

// seed stores a small world: contacts of two accounts of o1 and one of o2, and
// notices of o1, o2 and of no organization in every state (queued, leased, sent,
// retrying, dead): the sent, dead and retrying ones after one attempt, the leased
// one (by "d0" until seedLease) claimed with no attempt started. Every queued
// notice is due at t0 or later.
func seed(t *testing.T, s contacts.Store) {
	t.Helper()
	put(t, s, Contacts("o1", "111111111111"), Contacts("o1", "222222222222"), Contacts("o2", "333333333333"))
	before := t0.Add(-time.Hour)
	enqueue(t, s, at("o1", "n-sent", before), at("o2", "n-dead", before.Add(time.Second)),
		at("o1", "n-retry", before.Add(2*time.Second)), at("o1", "n-leased", before.Add(3*time.Second)))
	finish(t, s, "n-sent", before.Add(time.Hour), contacts.NoticeSent, "")
	finish(t, s, "n-dead", before.Add(time.Hour), contacts.NoticeDead, "550 no such user")
	r := start(t, s, claimOne(t, s, "setup", before.Add(time.Hour), before.Add(2*time.Hour), "n-retry"), "setup")
	r.NextAt, r.LastError = t0.Add(time.Hour), "451 try again"
	must(t, s.FinishNotice(t.Context(), r, "setup"))
	claimOne(t, s, "d0", before.Add(time.Hour), seedLease, "n-leased")
	enqueue(t, s, Notice("o1", "n-queued"), Notice("", "n-none"), Notice("o2", "n-other"))
}

// dump reads everything the fixture organizations hold through the Store's reads:
// each organization's contacts and notices.
func dump(t *testing.T, s contacts.Store) map[string]any {
	t.Helper()
	ctx := t.Context()
	out := map[string]any{}
	for _, org := range fixtureOrgs {
		for _, c := range storetest.All(t, func(p resellerkit.Page) ([]contacts.AccountContacts, string, error) {
			return s.ListAccountContacts(ctx, org, p)
		}) {
			out[fmt.Sprintf("contacts/%s/%s", org, c.AccountID)] = c
		}
		for _, n := range storetest.All(t, func(p resellerkit.Page) ([]contacts.Notice, string, error) {
			return s.ListNotices(ctx, org, "", p)
		}) {
			out[fmt.Sprintf("notice/%s/%s", org, n.ID)] = n
		}
	}
	return out
}

// with returns a copy of m with the entries of extra.
func with(m map[string]any, extra map[string]any) map[string]any {
	out := maps.Clone(m)
	maps.Copy(out, extra)
	return out
}
