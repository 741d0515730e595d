package contactstest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// txCases check the transactions that travel in the context (Store.InTx) and the
// atomicity of every failing call.
func txCases() []storeCase {
	return []storeCase{
		{"Tx/CommitKeepsEverything", txCommit},
		{"Tx/ReadsSeeUncommittedWrites", txReadsSeeWrites},
		{"Tx/RollbackKeepsNothing", txRollback},
		{"Tx/RollbackLeavesNoNotice_C7", txRollbackNoNotice},
		{"Tx/FailedCallInsideTxChangesNothing", txFailedCallInside},
		{"Tx/NestedJoinsTheTransaction", txNestedJoins},
		{"Tx/NestedFailureUndoesOnlyItsWrites", txNestedFailure},
		{"Tx/CancelledContextWritesNothing", txCancelled},
		{"Atomic/FailedCallsChangeNothing", atomicFailedCalls},
	}
}

// writeEverything makes one write with every writing method on the seed fixture
// and returns the first error: a create and an update of contacts, an enqueue, a
// claim, an attempt started on every notice claimed and the finish of one.
func writeEverything(ctx context.Context, s contacts.Store) error {
	if err := s.PutAccountContacts(ctx, Contacts("o2", "444444444444")); err != nil {
		return err
	}
	c, err := s.GetAccountContacts(ctx, "o1", "111111111111")
	if err != nil {
		return err
	}
	c.Language = contacts.English
	if err := s.PutAccountContacts(ctx, c); err != nil {
		return err
	}
	if err := s.EnqueueNotice(ctx, at("o1", "n-new", t0.Add(-time.Minute))); err != nil { // claimed first
		return err
	}
	got, err := s.ClaimNotices(ctx, "d1", t0, t0.Add(time.Minute), 10)
	if err != nil {
		return err
	}
	if len(got) != 4 { // n-new, n-none, n-other, n-queued
		return fmt.Errorf("claimed %d notices, want 4", len(got))
	}
	for i, n := range got {
		if err := s.StartNotice(ctx, n, "d1"); err != nil {
			return err
		}
		got[i].Attempts++
	}
	n := got[0]
	n.State, n.SentAt = contacts.NoticeSent, t0
	return s.FinishNotice(ctx, n, "d1")
}

// txCommit: every write of a transaction whose fn returns nil is kept.
func txCommit(t *testing.T, s contacts.Store) {
	seed(t, s)
	before := dump(t, s)
	must(t, s.InTx(t.Context(), func(ctx context.Context) error { return writeEverything(ctx, s) }))
	after := dump(t, s)
	assert.Equal(t, created(Contacts("o2", "444444444444")), after["contacts/o2/444444444444"])
	assert.Equal(t, int64(2), after["contacts/o1/111111111111"].(contacts.AccountContacts).Version)
	n := after["notice/o1/n-new"].(contacts.Notice)
	assert.Equal(t, "key:n-new", n.Key)
	assert.Equal(t, contacts.NoticeSent, n.State, "the enqueued notice was claimed and sent in the transaction")
	assert.Equal(t, 1, n.Attempts)
	for _, k := range []string{"notice//n-none", "notice/o2/n-other", "notice/o1/n-queued"} {
		assert.Equal(t, "d1", after[k].(contacts.Notice).LeaseOwner, k)
		assert.Equal(t, 1, after[k].(contacts.Notice).Attempts, k)
		assert.NotEqual(t, before[k], after[k], k)
	}
	assert.Len(t, after, len(before)+2)
}

// txReadsSeeWrites: every read made with the transaction's context sees its
// writes; once fn fails none is kept.
func txReadsSeeWrites(t *testing.T, s contacts.Store) {
	seed(t, s)
	before := dump(t, s)
	err := s.InTx(t.Context(), func(ctx context.Context) error {
		require.NoError(t, writeEverything(ctx, s))
		c, err := s.GetAccountContacts(ctx, "o2", "444444444444")
		require.NoError(t, err)
		assert.Equal(t, created(Contacts("o2", "444444444444")), c)
		c, err = s.GetAccountContacts(ctx, "o1", "111111111111")
		require.NoError(t, err)
		assert.Equal(t, contacts.English, c.Language)
		assert.Equal(t, int64(2), c.Version)
		cs, _, err := s.ListAccountContacts(ctx, "o2", resellerkit.Page{})
		require.NoError(t, err)
		assert.Len(t, cs, 2)

		n, err := s.GetNotice(ctx, "o1", "n-new")
		require.NoError(t, err)
		assert.Equal(t, contacts.NoticeSent, n.State)
		n, err = s.GetNoticeByKey(ctx, "o1", "key:n-new")
		require.NoError(t, err)
		assert.Equal(t, "n-new", n.ID)
		ns, _, err := s.ListNotices(ctx, "o1", contacts.NoticeSent, resellerkit.Page{})
		require.NoError(t, err)
		assert.Equal(t, []string{"n-new", "n-sent"}, ids(ns))
		leased, err := s.ClaimNotices(ctx, "d2", t0, t0.Add(time.Minute), 10)
		require.NoError(t, err)
		assert.Empty(t, leased, "the transaction's claims hold")
		errIs(t, s.EnqueueNotice(ctx, Notice("o1", "n-new")), contacts.ErrAlreadyExists, "the transaction's enqueue holds the id")
		return errRollback
	})
	require.ErrorIs(t, err, errRollback)
	storetest.SameDump(t, before, dump(t, s), "nothing of the failed transaction is kept")
}

// txRollback: a transaction that writes with every method, then fails, keeps none
// of it, and InTx returns fn's error unchanged.
func txRollback(t *testing.T, s contacts.Store) {
	seed(t, s)
	before := dump(t, s)
	wrapped := fmt.Errorf("wrapped: %w", errRollback)
	err := s.InTx(t.Context(), func(ctx context.Context) error {
		require.NoError(t, writeEverything(ctx, s))
		return wrapped
	})
	assert.Same(t, wrapped, err, "InTx returns fn's error unchanged")
	storetest.SameDump(t, before, dump(t, s), "nothing of the failed transaction is kept")
	leased := claim(t, s, "d2", t0, t0.Add(time.Minute), 10)
	assert.ElementsMatch(t, []string{"n-none", "n-other", "n-queued"}, ids(leased), "the rolled-back claims are free again")
	for _, n := range leased {
		assert.Zero(t, n.Attempts, "the rolled-back attempt does not count")
	}
}

// txRollbackNoNotice: a change whose transaction rolls back leaves no notice
// (C-7): not by id, not by key, not in a list, not for a dispatcher; and the key
// is free again.
func txRollbackNoNotice(t *testing.T, s contacts.Store) {
	ctx := t.Context()
	err := s.InTx(ctx, func(ctx context.Context) error {
		if err := s.PutAccountContacts(ctx, Contacts("o1", "111111111111")); err != nil {
			return err
		}
		if err := s.EnqueueNotice(ctx, Notice("o1", "n1")); err != nil {
			return err
		}
		return errRollback
	})
	require.ErrorIs(t, err, errRollback)
	_, err = s.GetAccountContacts(ctx, "o1", "111111111111")
	errIs(t, err, contacts.ErrNotFound, "the change")
	_, err = s.GetNotice(ctx, "o1", "n1")
	errIs(t, err, contacts.ErrNotFound, "the notice by id")
	_, err = s.GetNoticeByKey(ctx, "o1", "key:n1")
	errIs(t, err, contacts.ErrNotFound, "the notice by key")
	list, _, err := s.ListNotices(ctx, "o1", "", resellerkit.Page{})
	must(t, err)
	assert.Empty(t, list)
	assert.Empty(t, claim(t, s, "d1", never, never.Add(time.Minute), 10), "nothing for a dispatcher")
	enqueue(t, s, Notice("o1", "n1")) // id and key are free
}

// failingCall is a call that must fail with want.
type failingCall struct {
	name string
	want error
	call func(ctx context.Context) error
}

// failingCalls are calls of every method that fail on the seed fixture, one per
// error the contract names.
func failingCalls(s contacts.Store) []failingCall {
	nf, ae, cf := contacts.ErrNotFound, contacts.ErrAlreadyExists, contacts.ErrConflict
	version := func(c contacts.AccountContacts, v int64) contacts.AccountContacts {
		c.Phones, c.Version = []string{"+14155550100"}, v
		return c
	}
	dupKey := Notice("o1", "n-fresh")
	dupKey.Key = "key:n-queued"
	// sentBy is notice id of org as a claim leasing it until seedLease (the
	// lease seed took on n-leased) with attempts would finish it.
	sentBy := func(id, org string, attempts int) contacts.Notice {
		n := Notice(org, id)
		n.State, n.SentAt, n.Attempts, n.LeaseUntil = contacts.NoticeSent, t0, attempts, seedLease
		return n
	}
	otherLease := sentBy("n-leased", "o1", 0)
	otherLease.LeaseUntil = seedLease.Add(-time.Microsecond)
	badToken := resellerkit.Page{Token: "!"}
	calls := []failingCall{
		{"PutAccountContacts: create of existing contacts", ae, func(ctx context.Context) error {
			return s.PutAccountContacts(ctx, version(Contacts("o1", "111111111111"), 0))
		}},
		{"PutAccountContacts: a stale version", cf, func(ctx context.Context) error {
			return s.PutAccountContacts(ctx, version(Contacts("o1", "111111111111"), 2))
		}},
		{"PutAccountContacts: update of missing contacts", nf, func(ctx context.Context) error {
			return s.PutAccountContacts(ctx, version(Contacts("o1", "999999999999"), 1))
		}},
		{"PutAccountContacts: update of another organization's", nf, func(ctx context.Context) error {
			return s.PutAccountContacts(ctx, version(Contacts("o2", "111111111111"), 1))
		}},
		{"EnqueueNotice: a taken id", ae, func(ctx context.Context) error {
			n := Notice("o2", "n-queued")
			n.Key = "fresh key"
			return s.EnqueueNotice(ctx, n)
		}},
		{"EnqueueNotice: a taken key", ae, func(ctx context.Context) error { return s.EnqueueNotice(ctx, dupKey) }},
		{"ListAccountContacts: a bad token", resellerkit.ErrPageToken, func(ctx context.Context) error {
			_, _, err := s.ListAccountContacts(ctx, "o1", badToken)
			return err
		}},
		{"ListNotices: a bad token", resellerkit.ErrPageToken, func(ctx context.Context) error {
			_, _, err := s.ListNotices(ctx, "o1", "", badToken)
			return err
		}},
	}
	// StartNotice and FinishNotice fail alike: each acts only for the owner of
	// the claim (its lease, its attempt) on a leased notice of the organization.
	for _, m := range []struct {
		name string
		call func(ctx context.Context, n contacts.Notice, owner string) error
	}{{"FinishNotice", s.FinishNotice}, {"StartNotice", s.StartNotice}} {
		for _, c := range []struct {
			what  string
			want  error
			n     contacts.Notice
			owner string
		}{
			{"another owner", cf, sentBy("n-leased", "o1", 0), "d9"},
			{"another attempt", cf, sentBy("n-leased", "o1", 1), "d0"},
			{"another lease", cf, otherLease, "d0"},
			{"a notice finished already", cf, sentBy("n-sent", "o1", 1), "setup"},
			{"an unclaimed notice", cf, sentBy("n-queued", "o1", 0), ""},
			{"missing", nf, sentBy("n-missing", "o1", 0), "d0"},
			{"another organization's", nf, sentBy("n-leased", "o2", 0), "d0"},
		} {
			calls = append(calls, failingCall{m.name + ": " + c.what, c.want, func(ctx context.Context) error { return m.call(ctx, c.n, c.owner) }})
		}
	}
	return calls
}

// atomicFailedCalls: every call that fails changes nothing.
func atomicFailedCalls(t *testing.T, s contacts.Store) {
	seed(t, s)
	before := dump(t, s)
	for _, c := range failingCalls(s) {
		err := c.call(t.Context())
		if c.want == resellerkit.ErrPageToken {
			require.ErrorIs(t, err, c.want, c.name)
		} else {
			errIs(t, err, c.want, c.name)
		}
		storetest.SameDump(t, before, dump(t, s), "%s left a trace", c.name)
	}
}

// txFailedCallInside: every call that fails inside a transaction changes nothing,
// even when the caller handles the error and commits; the transaction stays
// usable.
func txFailedCallInside(t *testing.T, s contacts.Store) {
	seed(t, s)
	before := dump(t, s)
	errs := map[string]error{}
	must(t, s.InTx(t.Context(), func(ctx context.Context) error {
		for _, c := range failingCalls(s) {
			errs[c.name] = c.call(ctx)
		}
		return s.EnqueueNotice(ctx, Notice("o1", "n-after"))
	}))
	for _, c := range failingCalls(s) {
		if c.want == resellerkit.ErrPageToken {
			require.ErrorIs(t, errs[c.name], c.want, c.name)
		} else {
			errIs(t, errs[c.name], c.want, c.name)
		}
	}
	storetest.SameDump(t, with(before, map[string]any{"notice/o1/n-after": Notice("o1", "n-after")}), dump(t, s),
		"no failed call left a trace; the write after them committed")
}

// txNestedJoins: an InTx inside another is part of it: what it wrote is seen by the
// outer one, commits with it and is undone with it.
func txNestedJoins(t *testing.T, s contacts.Store) {
	ctx := t.Context()
	err := s.InTx(ctx, func(ctx context.Context) error {
		require.NoError(t, s.InTx(ctx, func(ctx context.Context) error { return s.EnqueueNotice(ctx, Notice("o1", "n1")) }))
		_, err := s.GetNotice(ctx, "o1", "n1")
		require.NoError(t, err, "the outer transaction sees the inner one's write")
		return errRollback
	})
	require.ErrorIs(t, err, errRollback)
	_, err = s.GetNotice(ctx, "o1", "n1")
	errIs(t, err, contacts.ErrNotFound, "the inner write did not commit on its own")

	must(t, s.InTx(ctx, func(ctx context.Context) error {
		return s.InTx(ctx, func(ctx context.Context) error { return s.EnqueueNotice(ctx, Notice("o1", "n1")) })
	}))
	assert.Equal(t, Notice("o1", "n1"), getNotice(t, s, "o1", "n1"))
}

// txNestedFailure: a nested InTx whose fn fails undoes its own writes (an
// enqueue, a claim, a contacts update) and hands back its error unchanged; the
// outer transaction goes on, sees its own writes, and commits them.
func txNestedFailure(t *testing.T, s contacts.Store) {
	ctx := t.Context()
	put(t, s, Contacts("o1", "111111111111"))
	inner := fmt.Errorf("inner: %w", errRollback)
	must(t, s.InTx(ctx, func(ctx context.Context) error {
		require.NoError(t, s.EnqueueNotice(ctx, Notice("o1", "n1")))
		err := s.InTx(ctx, func(ctx context.Context) error {
			require.NoError(t, s.EnqueueNotice(ctx, Notice("o1", "n2")))
			got, err := s.ClaimNotices(ctx, "d1", t0, t0.Add(time.Minute), 10)
			require.NoError(t, err)
			require.ElementsMatch(t, []string{"n1", "n2"}, ids(got))
			c, err := s.GetAccountContacts(ctx, "o1", "111111111111")
			require.NoError(t, err)
			c.Language = contacts.English
			require.NoError(t, s.PutAccountContacts(ctx, c))
			return inner
		})
		assert.Same(t, inner, err, "the inner InTx returns its fn's error unchanged")
		assert.Equal(t, Notice("o1", "n1"), getNoticeIn(ctx, t, s, "o1", "n1"), "the inner claim is undone")
		_, err = s.GetNotice(ctx, "o1", "n2")
		errIs(t, err, contacts.ErrNotFound, "the inner enqueue is undone")
		c, err := s.GetAccountContacts(ctx, "o1", "111111111111")
		require.NoError(t, err)
		assert.Equal(t, created(Contacts("o1", "111111111111")), c, "the inner update is undone")
		return s.EnqueueNotice(ctx, Notice("o1", "n2")) // the id the inner transaction used is free again
	}))
	list, _, err := s.ListNotices(ctx, "o1", "", resellerkit.Page{})
	must(t, err)
	assert.Equal(t, []contacts.Notice{Notice("o1", "n1"), Notice("o1", "n2")}, list)
}

// getNoticeIn is getNotice with the transaction's context.
func getNoticeIn(ctx context.Context, t *testing.T, s contacts.Store, orgID, id string) contacts.Notice {
	t.Helper()
	n, err := s.GetNotice(ctx, orgID, id)
	require.NoError(t, err, "notice %q of %q", id, orgID)
	return n
}

func txCancelled(t *testing.T, s contacts.Store) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := s.InTx(ctx, func(ctx context.Context) error { return s.EnqueueNotice(ctx, Notice("o1", "n1")) })
	require.ErrorIs(t, err, context.Canceled)
	for _, sentinel := range sentinels {
		assert.NotErrorIs(t, err, sentinel, "a caller that gave up is none of the contract's outcomes")
	}
	_, err = s.GetNotice(t.Context(), "o1", "n1")
	errIs(t, err, contacts.ErrNotFound, "a cancelled transaction writes nothing")
}
