package main

import (
	"context"
	"errors"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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

func TestUI_NoticeKeyOrdersNewestFirstThenByID(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	ns := []contacts.Notice{{ID: "b", CreatedAt: t0}, {ID: "c", CreatedAt: t0.Add(time.Microsecond)}, {ID: "a", CreatedAt: t0},
		{ID: "d", CreatedAt: t0.Add(-time.Hour)}}
	slices.SortFunc(ns, func(x, y contacts.Notice) int { return strings.Compare(noticeKey(x), noticeKey(y)) })
	var ids []string
	for _, n := range ns {
		ids = append(ids, n.ID)
	}
	assert.Equal(t, []string{"c", "a", "b", "d"}, ids)
}
