package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/contacts"
)

// recording is a contacts.Transport keeping what it delivers (the dispatcher
// sends in parallel).
type recording struct {
	mu   sync.Mutex
	sent []contacts.Message
}

func (r *recording) Send(_ context.Context, m contacts.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, m)
	return nil
}

// TestC1_C3_ContactsOverHTTP: view (account.view) and replace (contacts.edit) an
// account's recipients, language and phones; bad input names the body field.
func TestC1_C3_ContactsOverHTTP(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		path := "/v1/orgs/" + f.orgID + "/accounts/100000000001/contacts"
		var c contactsJSON
		require.Equal(t, http.StatusOK, f.do("GET", path, f.token(demoGeneral), nil, &c))
		assert.Zero(t, c.Version)
		assert.Equal(t, "ja", c.Language)

		body := map[string]any{
			"recipients": map[string]any{
				"billing":   map[string]any{"to": []string{"Billing@Demo.example.com"}, "cc": []string{"cfo@demo.example.com"}},
				"technical": map[string]any{"to": []string{"ops@demo.example.com"}},
				"security":  map[string]any{"to": []string{"sec@demo.example.com"}},
			},
			"language": "en", "phones": []string{"03-1234-5678", "０９０－１２３４－５６７８"}, "version": 0,
		}
		var e errorJSON
		require.Equal(t, http.StatusForbidden, f.do("PUT", path, f.token(demoGeneral), body, &e), "view-only")
		require.Equal(t, http.StatusOK, f.do("PUT", path, f.token(demoPower), body, &c))
		assert.Equal(t, int64(1), c.Version)
		assert.Equal(t, []string{"billing@demo.example.com"}, c.Recipients.Billing.To)
		assert.Equal(t, []string{"+81312345678", "+819012345678"}, c.Phones)
		require.Equal(t, http.StatusConflict, f.do("PUT", path, f.token(demoPower), body, &e), "version 0 again")

		body["version"] = 1
		body["phones"] = []string{"03-1234-5678", "not a phone"}
		require.Equal(t, http.StatusBadRequest, f.do("PUT", path, f.token(demoPower), body, &e))
		assert.Equal(t, "phones[1]", e.Error.Field)
		assert.Contains(t, e.Error.Message, "(C-3)")
		body["phones"] = []string{"03-1234-5678"}
		body["recipients"].(map[string]any)["billing"] = map[string]any{"to": []string{}}
		require.Equal(t, http.StatusBadRequest, f.do("PUT", path, f.token(demoPower), body, &e))
		assert.Equal(t, "recipients.billing.to", e.Error.Field)

		require.Equal(t, http.StatusNotFound, f.do("GET", "/v1/orgs/"+f.orgID+"/accounts/999999999999/contacts", f.token(demoPower), nil, &e))
		require.Equal(t, http.StatusForbidden, f.do("GET", path, f.token(outsider), nil, &e))
	})
}

// TestM10_ContactsBulkEditOverHTTP: all or nothing over the listed accounts.
func TestM10_ContactsBulkEditOverHTTP(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		path := "/v1/orgs/" + f.orgID + "/accounts/contacts/bulk-edit"
		rec := map[string]any{"billing": map[string]any{"to": []string{"b@demo.example.com"}},
			"technical": map[string]any{"to": []string{"t@demo.example.com"}}, "security": map[string]any{"to": []string{"s@demo.example.com"}}}
		var e errorJSON
		require.Equal(t, http.StatusBadRequest, f.do("POST", path, f.token(demoPower),
			map[string]any{"account_ids": []string{"100000000001", "100000000002"}, "language": "en"}, &e), "never configured")
		require.Equal(t, http.StatusNotFound, f.do("POST", path, f.token(demoPower),
			map[string]any{"account_ids": []string{"100000000001", "999999999999"}, "recipients": rec, "language": "en", "phones": []string{"03-1111-2222"}}, &e))
		var c contactsJSON
		require.Equal(t, http.StatusOK, f.do("GET", "/v1/orgs/"+f.orgID+"/accounts/100000000001/contacts", f.token(demoPower), nil, &c))
		assert.Zero(t, c.Version, "nothing changed")

		var out pageJSON[contactsJSON]
		require.Equal(t, http.StatusOK, f.do("POST", path, f.token(demoPower),
			map[string]any{"account_ids": []string{"100000000001", "100000000002", "100000000003"}, "recipients": rec, "language": "en",
				"phones": []string{"03-1111-2222"}}, &out))
		require.Len(t, out.Items, 3)
		for _, it := range out.Items {
			assert.Equal(t, "en", it.Language)
			assert.Equal(t, []string{"+81311112222"}, it.Phones)
		}
	})
}

// TestC4_C7_TestMailInvitationsAndNoticesOverHTTP: the test mail and an
// invitation's mail are queued notices; a dispatcher round sends them and the
// list shows their state.
func TestC4_C7_TestMailInvitationsAndNoticesOverHTTP(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		org := "/v1/orgs/" + f.orgID
		power := f.token(demoPower)
		var n noticeJSON
		require.Equal(t, http.StatusAccepted, f.do("POST", org+"/accounts/100000000001/contacts/test-mail", power,
			map[string]any{"category": "security", "to": []string{"proposed@demo.example.com"}, "language": "en"}, &n))
		assert.Equal(t, "test_mail", n.Kind)
		assert.Equal(t, "queued", n.State)
		var e errorJSON
		require.Equal(t, http.StatusBadRequest, f.do("POST", org+"/accounts/100000000001/contacts/test-mail", power,
			map[string]any{"category": "security", "to": []string{"not an address"}, "language": "en"}, &e))
		assert.Equal(t, "to[0]", e.Error.Field)

		var inv invitationJSON
		require.Equal(t, http.StatusCreated, f.do("POST", org+"/invitations", power,
			map[string]any{"email": "invitee@demo.example.com", "type": "general", "permissions": []string{"project.view"}}, &inv))

		var list pageJSON[noticeJSON]
		require.Equal(t, http.StatusOK, f.do("GET", org+"/notices?state=queued", power, nil, &list))
		require.Len(t, withoutSeeded(list.Items), 2)
		require.Equal(t, http.StatusForbidden, f.do("GET", org+"/notices", f.token(demoGeneral), nil, &e), "power users only")

		tr := &recording{}
		r, err := contacts.NewDispatcher(f.b.contacts, tr).RunOnce(context.Background())
		require.NoError(t, err)
		assert.Equal(t, 2+len(f.billing.invoices)+2, r.Sent, "and the seeded invoices' notices, and the seeded support case's two (to the desk, to the inquirer)")
		var keys []string
		for _, m := range tr.sent {
			keys = append(keys, m.IdempotencyKey)
		}
		assert.Contains(t, keys, f.orgID+"/invitation:"+inv.ID, "the key within the organization (C-7)")
		require.Equal(t, http.StatusOK, f.do("GET", org+"/notices?state=sent", power, nil, &list))
		list.Items = withoutSeeded(list.Items)
		assert.Len(t, list.Items, 2)
		require.Equal(t, http.StatusOK, f.do("GET", org+"/notices/"+list.Items[0].ID, power, nil, &n))
		assert.Equal(t, "sent", n.State)
		assert.NotNil(t, n.SentAt)
		require.Equal(t, http.StatusBadRequest, f.do("GET", org+"/notices?state=lost", power, nil, &e))
		require.Equal(t, http.StatusConflict, f.do("POST", org+"/notices/"+list.Items[0].ID+"/requeue", power, nil, &e), "sent, not dead")

		// A reset link: a notice of no organization, for operators.
		require.Equal(t, http.StatusAccepted, f.browser(t).call("POST", "/v1/password-resets", map[string]string{"email": demoGeneral.Email}, nil).StatusCode)
		require.Equal(t, http.StatusForbidden, f.do("GET", "/v1/notices", power, nil, &e))
		require.Equal(t, http.StatusOK, f.do("GET", "/v1/notices", f.token(demoOperator), nil, &list))
	})
}

// TestC7_DeadNoticesAreRequeued: a notice whose every attempt failed is dead,
// visible with its last error, and a power user can queue it again once the
// cause is fixed.
func TestC7_DeadNoticesAreRequeued(t *testing.T) {
	f := newFixture(t, "memory")
	org := "/v1/orgs/" + f.orgID
	power := f.token(demoPower)
	var inv invitationJSON
	require.Equal(t, http.StatusCreated, f.do("POST", org+"/invitations", power,
		map[string]any{"email": "invitee@demo.example.com", "type": "general", "permissions": []string{"project.view"}}, &inv))
	refuse := failing{err: fmt.Errorf("550 5.1.1 mailbox unavailable: %w", contacts.ErrPermanent)}
	_, err := contacts.NewDispatcher(f.b.contacts, refuse, contacts.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))).RunOnce(context.Background())
	require.NoError(t, err)
	var list pageJSON[noticeJSON]
	require.Equal(t, http.StatusOK, f.do("GET", org+"/notices?state=dead", power, nil, &list))
	list.Items = withoutSeeded(list.Items)
	require.Len(t, list.Items, 1)
	assert.Contains(t, list.Items[0].LastError, "550 5.1.1")
	var n noticeJSON
	require.Equal(t, http.StatusOK, f.do("POST", org+"/notices/"+list.Items[0].ID+"/requeue", power, nil, &n))
	assert.Equal(t, "queued", n.State)
	assert.Zero(t, n.Attempts)
	tr := &recording{}
	r, err := contacts.NewDispatcher(f.b.contacts, tr).RunOnce(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 1, r.Sent)
}

// withoutSeeded leaves out the notices of the invoices the demo seed issued and
// of its support case.
func withoutSeeded(ns []noticeJSON) []noticeJSON {
	return slices.DeleteFunc(ns, func(n noticeJSON) bool {
		return n.Kind == string(contacts.KindInvoiceIssued) || n.Kind == string(contacts.KindSupportReply)
	})
}

// failing is a Transport that fails every send with err.
type failing struct{ err error }

func (f failing) Send(context.Context, contacts.Message) error { return f.err }
