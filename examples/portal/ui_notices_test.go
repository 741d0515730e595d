package main

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
)

func init() {
	states := []supportOption{{Value: "", Key: "notices.state.all"}, {Value: "dead", Key: "notices.state.dead"}}
	uiSamples["notices.html"] = []any{noticesPage{States: states}, noticesPage{State: "dead", States: states,
		First: "/orgs/o1/notices?state=dead", Next: "/orgs/o1/notices?state=dead&page_token=x", Rows: []noticeRow{
			{ID: "n1", Subject: "[Test] billing", Account: "100000000001", KindKey: "notices.kind.test_mail", StateKey: "notices.state.dead", Dead: true,
				To: []string{"a@b.example", "c@b.example"}, CC: []string{"d@b.example"}, Attempts: 5, LastError: "550 no such user", Created: "2026-01-02 09:00 JST"},
			{ID: "n2", Subject: "Invitation", KindKey: "notices.kind.invitation", StateKey: "notices.state.queued", To: []string{"n@b.example"},
				NextAt: "2026-01-02 09:05 JST", Created: "2026-01-02 09:00 JST"},
			{ID: "n3", Subject: "Invoice", KindKey: "notices.kind.other", StateKey: "notices.state.sent", To: []string{"n@b.example"},
				Attempts: 1, Sent: "2026-01-02 09:01 JST", Created: "2026-01-02 09:00 JST"}}}}
}

// bouncer is a Transport refusing mail to any address starting with "bounce".
type bouncer struct{}

func (bouncer) Send(_ context.Context, m contacts.Message) error {
	if slices.ContainsFunc(m.To, func(a string) bool { return strings.HasPrefix(a, "bounce") }) {
		return errors.New("550 mailbox unavailable")
	}
	return nil
}

// testMail queues a test mail of the demo account 100000000001 to to.
func (f *fixture) testMail(t *testing.T, to string) contacts.Notice {
	t.Helper()
	n, err := f.notices.SendTestMail(context.Background(), demoPower, f.orgID, "100000000001", contacts.Billing,
		contacts.List{To: []string{to}}, contacts.Japanese)
	require.NoError(t, err)
	return n
}

// deliver runs one dispatch round over every due notice: one attempt each.
func (f *fixture) deliver(t *testing.T) {
	t.Helper()
	d := contacts.NewDispatcher(f.b.contacts, bouncer{}, contacts.WithMaxAttempts(1), contacts.WithBatch(500, 1))
	_, err := d.RunOnce(context.Background())
	require.NoError(t, err)
}

func TestUI_NoticesShowTheirDeliveryNewestFirst(t *testing.T) {
	f := newFixture(t, "memory")
	sent := f.testMail(t, "ok@demo.example.com")
	dead := f.testMail(t, "bounce@demo.example.com")
	f.deliver(t)
	queued := f.testMail(t, "later@demo.example.com")

	c := f.uiClient(t)
	_, accounts := c.signIn(demoPower, "")
	base := "/orgs/" + f.orgID + "/notices"
	assert.Contains(t, accounts, `href="`+base+`"`, "the navigation links a power user to the notices")
	for _, tc := range []struct{ lang, sent, dead, queued, kind string }{
		{"ja", "送信済み", "送信失敗", "送信待ち", "テストメール"},
		{"en", "Sent", "Failed", "Queued", "Test mail"},
	} {
		resp, body := c.get(base, "Accept-Language", tc.lang)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		checkPage(t, resp, body)
		assert.Regexp(t, `data-notice="`+sent.ID+`">[\s\S]*?ok@demo.example.com[\s\S]*?<td class="state">`+tc.sent+`[\s\S]*?<td class="num attempts">1</td>`, body)
		assert.Regexp(t, `data-notice="`+dead.ID+`">[\s\S]*?<td class="state failed">`+tc.dead+`[\s\S]*?550 mailbox unavailable[\s\S]*?<td class="num attempts">1</td>`, body)
		assert.Regexp(t, `data-notice="`+queued.ID+`">[\s\S]*?<td class="state">`+tc.queued, body)
		assert.Contains(t, body, tc.kind)
		assert.Less(t, strings.Index(body, queued.ID), strings.Index(body, sent.ID), "newest first")
		assert.NotRegexp(t, `\bnotices\.[a-z]`, stripAttrs(body), "no message key shown as text")
	}

	_, body := c.get(base + "?state=dead")
	assert.Contains(t, body, `data-notice="`+dead.ID+`"`)
	assert.NotContains(t, body, `data-notice="`+sent.ID+`"`)
	assert.NotContains(t, body, `data-notice="`+queued.ID+`"`)
	assert.Regexp(t, `<option value="dead" selected>`, body)
	resp, _ := c.get(base + "?state=lost")
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "an unknown state is refused as the API does")
}

func TestUI_NoticesPaginateKeepingTheFilter(t *testing.T) {
	f := newFixture(t, "memory")
	var want []string
	for _, to := range []string{"a@demo.example.com", "b@demo.example.com", "c@demo.example.com"} {
		want = append([]string{f.testMail(t, to).ID}, want...)
	}
	c := f.uiClient(t)
	_, _ = c.signIn(demoPower, "")
	path := "/orgs/" + f.orgID + "/notices?state=queued&limit=2"
	reRow := regexp.MustCompile(`data-notice="([^"]+)"`)
	var got []string
	for range 20 {
		_, body := c.get(path)
		for _, m := range reRow.FindAllStringSubmatch(body, -1) {
			got = append(got, m[1])
		}
		next := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(body)
		if next == nil {
			break
		}
		path = html.UnescapeString(next[1])
		assert.Contains(t, path, "state=queued", "the filter is kept")
		assert.Contains(t, path, "limit=2")
	}
	require.GreaterOrEqual(t, len(got), 3)
	assert.Equal(t, want, got[:3], "the test mails, newest first, before the older notices")
	assert.Len(t, slices.Compact(slices.Sorted(slices.Values(got))), len(got), "no notice twice")
}

// countingStore is a contacts.Store that counts the notices its lists return, so
// a test can tell how much of the outbox a page read.
type countingStore struct {
	contacts.Store
	mu          sync.Mutex
	calls, rows int
}

// ListNotices implements contacts.Store, counting.
func (c *countingStore) ListNotices(ctx context.Context, orgID string, state contacts.NoticeState, page resellerkit.Page) ([]contacts.Notice, string, error) {
	return c.count(c.Store.ListNotices(ctx, orgID, state, page))
}

// ListNoticesNewestFirst implements contacts.Store, counting.
func (c *countingStore) ListNoticesNewestFirst(ctx context.Context, orgID string, state contacts.NoticeState, page resellerkit.Page) ([]contacts.Notice, string, error) {
	return c.count(c.Store.ListNoticesNewestFirst(ctx, orgID, state, page))
}

func (c *countingStore) count(l []contacts.Notice, next string, err error) ([]contacts.Notice, string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	c.rows += len(l)
	return l, next, err
}

// read returns the calls and rows counted since the last read, and resets them.
func (c *countingStore) read() (calls, rows int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	calls, rows, c.calls, c.rows = c.calls, c.rows, 0, 0
	return calls, rows
}

// TestUI_NoticesPageReadsOnePageOfTheStore: the notices page and the API's list
// read one page of notices from the store, however many the organization has
// (issue 14), newest first; the next page continues where it stopped.
func TestUI_NoticesPageReadsOnePageOfTheStore(t *testing.T) {
	f := newFixture(t, "memory")
	counting := &countingStore{Store: f.b.contacts}
	notices, err := contacts.NewService(counting, f.svc)
	require.NoError(t, err)
	f.s.notices = notices
	ctx := context.Background()
	var newest []string
	for i := range 12 {
		n, err := f.notices.Notify(ctx, contacts.NewNotice{Key: fmt.Sprintf("invitation:volume-%d", i), Kind: contacts.KindInvitation,
			OrgID: f.orgID, Language: contacts.English, To: []string{"new@demo.example.com"},
			Data: contacts.InvitationData{URL: "https://portal.example/join"}})
		require.NoError(t, err)
		newest = append([]string{n.ID}, newest...)
	}
	_, _ = counting.read()

	c := f.uiClient(t)
	_, _ = c.signIn(demoPower, "")
	reRow := regexp.MustCompile(`data-notice="([^"]+)"`)
	path := "/orgs/" + f.orgID + "/notices?limit=4"
	for _, lang := range []string{"ja", "en"} {
		_, _ = counting.read()
		resp, body := c.get(path, "Accept-Language", lang)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		calls, rows := counting.read()
		assert.Equal(t, 1, calls, "%s: one list call", lang)
		assert.Equal(t, 4, rows, "%s: one page of rows, not the %d notices", lang, len(newest))
		var got []string
		for _, m := range reRow.FindAllStringSubmatch(body, -1) {
			got = append(got, m[1])
		}
		assert.Equal(t, newest[:4], got, "%s: the newest first", lang)
	}
	_, body := c.get(path)
	next := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(body)
	require.NotNil(t, next)
	_, _ = counting.read()
	_, body = c.get(html.UnescapeString(next[1]))
	calls, rows := counting.read()
	assert.Equal(t, [2]int{1, 4}, [2]int{calls, rows}, "the next page reads one page too")
	var got []string
	for _, m := range reRow.FindAllStringSubmatch(body, -1) {
		got = append(got, m[1])
	}
	assert.Equal(t, newest[4:8], got, "the next page continues after the last shown")

	var list pageJSON[noticeJSON]
	require.Equal(t, http.StatusOK, f.do("GET", "/v1/orgs/"+f.orgID+"/notices?limit=3", f.token(demoPower), nil, &list))
	calls, rows = counting.read()
	assert.Equal(t, [2]int{1, 3}, [2]int{calls, rows}, "the API reads one page")
	assert.Equal(t, newest[:3], []string{list.Items[0].ID, list.Items[1].ID, list.Items[2].ID}, "the API lists newest first")
	assert.NotEmpty(t, list.NextPageToken)
	var e errorJSON
	require.Equal(t, http.StatusBadRequest, f.do("GET", "/v1/orgs/"+f.orgID+"/notices?page_token=not-a-token", f.token(demoPower), nil, &e))
	assert.Equal(t, "page_token", e.Error.Field)
}

func init() {
	uiSamples["contacts_edit.html"] = append(uiSamples["contacts_edit.html"],
		contactsEditPage{AccountID: "100000000001", Version: "1", Phones: phoneInputs(nil),
			Lists:    []contactsEditList{{Cat: "billing", Key: "account.notify.billing", To: "a@b.example"}},
			TestMail: &contactsTestMail{ID: "n1", CatKey: "account.notify.billing", To: "a@b.example", NoticesURL: "/orgs/o1/notices"}},
		contactsEditPage{AccountID: "100000000001", Version: "1", Error: "contacts.test.throttled",
			TestMail: &contactsTestMail{ID: "n1", CatKey: "account.notify.security", To: "a@b.example"}})
}

// testMailsTo returns the organization's test mails whose first TO is to.
func (f *fixture) testMailsTo(t *testing.T, to string) []contacts.Notice {
	t.Helper()
	all, _, err := f.notices.ListNotices(context.Background(), demoPower, f.orgID, "", resellerkit.Page{Limit: resellerkit.MaxPageLimit})
	require.NoError(t, err)
	var out []contacts.Notice
	for _, n := range all {
		if n.Kind == contacts.KindTestMail && len(n.To) > 0 && n.To[0] == to {
			out = append(out, n)
		}
	}
	return out
}

func TestUI_TestMailGoesToTheAddressesAsEnteredAndSavesNothing(t *testing.T) {
	f := newFixture(t, "memory")
	f.setContacts(t, "100000000001")
	before := f.storedContacts(t, "100000000001")
	c := f.uiClient(t)
	_, _ = c.signIn(demoPower, "")
	edit := "/orgs/" + f.orgID + "/accounts/100000000001/contacts/edit"
	test := "/orgs/" + f.orgID + "/accounts/100000000001/contacts/test-mail"
	resp, body := c.get(edit)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	checkPage(t, resp, body)
	assert.Contains(t, body, `formaction="`+test+`" name="test_category" value="billing"`)
	assert.Contains(t, body, "料金通知先にテストメールを送信")

	form := contactsForm("1", "03-1234-5678")
	form.Set("test_category", "billing")
	for _, tc := range []struct{ lang, queued string }{
		{"ja", "料金通知先のテストメールを送信待ちにしました (宛先: bill-to@demo.example.com, bill-2@demo.example.com)。"},
		{"en", "A test mail to the Billing addresses (bill-to@demo.example.com, bill-2@demo.example.com) is queued."},
	} {
		resp, body = c.post(test, form, "Accept-Language", tc.lang)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		checkPage(t, resp, body)
		assert.Contains(t, body, `id="test-mail-queued">`+html.EscapeString(tc.queued))
		assert.Contains(t, body, `<a href="/orgs/`+f.orgID+`/notices">`)
		assert.Contains(t, body, "bill-to@demo.example.com\r\n\r\nbill-2@demo.example.com</textarea>", "the input is kept")
		assert.Contains(t, body, `value="03-1234-5678"`)
	}
	assert.Equal(t, before, f.storedContacts(t, "100000000001"), "nothing saved")
	sent := f.testMailsTo(t, "bill-to@demo.example.com")
	require.Len(t, sent, 2)
	assert.Equal(t, []string{"bill-to@demo.example.com", "bill-2@demo.example.com"}, sent[0].To)
	assert.Equal(t, contacts.English, sent[0].Language, "in the form's language")
	_, body = c.get("/orgs/" + f.orgID + "/notices")
	assert.Contains(t, body, `data-notice="`+sent[0].ID+`"`, "the notices list shows it")

	form.Set("test_category", "technical")
	form.Set("technical_to", "tech@demo.example.com\r\nnot an address")
	resp, body = c.post(test, form, "Accept-Language", "en")
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
	assert.Regexp(t, `id="technical_to"[^>]*aria-invalid="true" aria-describedby="technical_to-error"`, body)
	assert.Contains(t, body, `id="technical_to-error">`+html.EscapeString("“not an address” is not a valid email address."))
	assert.Empty(t, f.testMailsTo(t, "tech@demo.example.com"))
}

func TestUI_TestMailThrottleIsShown(t *testing.T) {
	f := newFixture(t, "memory")
	f.setContacts(t, "100000000001")
	c := f.uiClient(t)
	_, _ = c.signIn(demoPower, "")
	test := "/orgs/" + f.orgID + "/accounts/100000000001/contacts/test-mail"
	form := contactsForm("1", "03-1234-5678")
	form.Set("test_category", "security")
	n := 0
	var resp *http.Response
	var body string
	for n = 0; n <= contacts.DefaultTestMailLimit; n++ {
		resp, body = c.post(test, form, "Accept-Language", "en")
		if resp.StatusCode != http.StatusOK {
			break
		}
	}
	assert.Equal(t, contacts.DefaultTestMailLimit, n, "the limit's worth are queued")
	require.Equal(t, http.StatusTooManyRequests, resp.StatusCode, body)
	checkPage(t, resp, body)
	assert.Contains(t, body, "Too many test mails for this account.")
	assert.Contains(t, body, "sec-to@demo.example.com</textarea>", "the input is kept")
}

func TestUI_TestMailNeedsContactsEditInTheOrganization(t *testing.T) {
	f := newFixture(t, "memory")
	f.setContacts(t, "100000000001")
	form := contactsForm("1", "03-1234-5678")
	form.Set("test_category", "billing")
	c := f.uiClient(t)
	_, _ = c.signIn(demoGeneral, "")
	resp, body := c.post("/orgs/"+f.orgID+"/accounts/100000000001/contacts/test-mail", form)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	checkPage(t, resp, body)

	other := f.outsiderOrg()
	p := f.uiClient(t)
	_, _ = p.signIn(demoPower, "")
	for _, path := range []string{"/orgs/" + other + "/accounts/100000000001/contacts/test-mail"} {
		resp, _ := p.post(path, form)
		assert.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, resp.StatusCode, path)
	}
	assert.Empty(t, f.testMailsTo(t, "bill-to@demo.example.com"), "no test mail queued")
}
