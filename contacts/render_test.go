package contacts_test

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// renderSamples is fixed sample data for every kind. Times are UTC, as stores keep
// them; the templates show them in JST.
func renderSamples() map[contacts.Kind]contacts.NoticeData {
	detected := time.Date(2026, 5, 16, 17, 42, 0, 0, time.UTC) // 2026-05-17 02:42 JST
	return map[contacts.Kind]contacts.NoticeData{
		contacts.KindInvoiceIssued: contacts.InvoiceIssuedData{OrgName: "株式会社サンプル", ProjectName: "基幹システム",
			Period: resellerkit.NewMonth(2026, time.April), Total: "¥1,234,567",
			DueDate: time.Date(2026, 5, 31, 0, 0, 0, 0, time.UTC), URL: "https://portal.example.jp/invoices/inv-2026-04-001"},
		contacts.KindChargeAlarm: contacts.ChargeAlarmData{AccountID: "123456789012", AccountName: "production",
			Threshold: "1,000.00", Current: "1,234.56", Currency: "USD", Period: resellerkit.NewMonth(2026, time.May),
			URL: "https://portal.example.jp/accounts/123456789012/charges"},
		contacts.KindMaintenance: contacts.MaintenanceData{AccountID: "123456789012", AccountName: "production",
			Title: "請求代行基盤の定期メンテナンス", Body: "メンテナンス中はポータルをご利用いただけません。\nAWSの各サービスには影響ありません。",
			StartsAt: time.Date(2026, 6, 6, 16, 0, 0, 0, time.UTC), EndsAt: time.Date(2026, 6, 6, 20, 0, 0, 0, time.UTC)},
		contacts.KindTechnicalNotice: contacts.TechnicalNoticeData{AccountID: "123456789012",
			Title: "Amazon RDS for MySQL 8.0 standard support ends", Body: "Upgrade to 8.4 before the date below.\nAfter it, Extended Support charges apply.",
			StartsAt: time.Date(2026, 7, 31, 15, 0, 0, 0, time.UTC)},
		contacts.KindSecurityAlert: contacts.SecurityAlertData{AccountID: "123456789012", AccountName: "production",
			Finding: "Recon:EC2/PortProbeUnprotectedPort", Severity: "MEDIUM", Region: "ap-northeast-1", DetectedAt: detected,
			URL: "https://portal.example.jp/accounts/123456789012/security/f-1"},
		contacts.KindSecurityIncident: contacts.SecurityIncidentData{AccountID: "123456789012", AccountName: "production",
			Finding: "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS", Severity: "HIGH",
			Region: "ap-northeast-1", DetectedAt: detected, URL: "https://portal.example.jp/accounts/123456789012/security/f-2",
			Phones: []string{"+81312345678", "+819012345678"}},
		contacts.KindSupportReply: contacts.SupportReplyData{CaseID: "12345", Subject: "EC2インスタンスに接続できない",
			ReplyExcerpt: "お問い合わせありがとうございます。\nセキュリティグループのインバウンドルールをご確認ください。",
			URL:          "https://portal.example.jp/support/12345"},
		contacts.KindInvitation: contacts.InvitationData{OrgName: "株式会社サンプル", InviterName: "山田 太郎",
			URL: "https://portal.example.jp/invitations/accept?token=abc", ExpiresAt: time.Date(2026, 5, 23, 3, 0, 0, 0, time.UTC)},
		contacts.KindPasswordReset: contacts.PasswordResetData{Name: "Hanako Suzuki", URL: "https://portal.example.jp/reset?token=xyz",
			ExpiresAt: time.Date(2026, 5, 16, 9, 30, 0, 0, time.UTC)},
		contacts.KindSignup: contacts.SignupData{URL: "https://portal.example.jp/signup?token=xyz",
			ExpiresAt: time.Date(2026, 5, 16, 9, 30, 0, 0, time.UTC)},
		contacts.KindTestMail: contacts.TestMailData{Category: contacts.Security, AccountID: "123456789012"},
	}
}

func newRenderer(t *testing.T) *contacts.Renderer {
	t.Helper()
	r, err := contacts.NewRenderer()
	require.NoError(t, err)
	return r
}

func renderGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./contacts -run Golden -update to create %s", path)
	assert.Equal(t, string(want), got, "%s differs; review and run with -update", path)
}

// TestC5_RenderGolden renders every kind in every built-in language with the
// fixed samples and compares with testdata/golden/<kind>.<lang>.{subject.txt,txt,html}.
func TestC5_RenderGolden(t *testing.T) {
	r := newRenderer(t)
	samples := renderSamples()
	for _, kind := range contacts.Kinds() {
		for _, lang := range []contacts.Language{contacts.Japanese, contacts.English} {
			t.Run(string(kind)+"."+string(lang), func(t *testing.T) {
				got, err := r.Render(kind, lang, samples[kind])
				require.NoError(t, err)
				base := string(kind) + "." + string(lang)
				renderGolden(t, base+".subject.txt", got.Subject+"\n")
				renderGolden(t, base+".txt", got.Text)
				renderGolden(t, base+".html", got.HTML)
			})
		}
	}
}

// TestC2_EveryKindInBothLanguages: ja and en are built in, for every kind, with a
// one-line subject and both bodies.
func TestC2_EveryKindInBothLanguages(t *testing.T) {
	r := newRenderer(t)
	assert.Equal(t, []contacts.Language{contacts.English, contacts.Japanese}, r.Languages())
	samples := renderSamples()
	for _, kind := range contacts.Kinds() {
		require.Contains(t, samples, kind, "add a sample for the new kind")
		for _, lang := range r.Languages() {
			got, err := r.Render(kind, lang, samples[kind])
			require.NoError(t, err, "%s.%s", kind, lang)
			assert.NotEmpty(t, got.Subject, "%s.%s", kind, lang)
			assert.NotContains(t, got.Subject, "\n")
			assert.True(t, strings.HasSuffix(got.Text, "\n"), "%s.%s", kind, lang)
			assert.True(t, strings.HasPrefix(got.HTML, "<!DOCTYPE html>\n<html lang=\""+string(lang)+"\">"), "%s.%s", kind, lang)
			assert.NotContains(t, got.HTML, "<style", "inline styles only")
			assert.NotContains(t, got.HTML, "ZgotmplZ", "an unsafe value reached the HTML")
		}
		ja, err := r.Render(kind, contacts.Japanese, samples[kind])
		require.NoError(t, err)
		assert.Contains(t, ja.Text, "本メールは送信専用のアドレスからお送りしています。")
	}
	// Languages returns a copy.
	r.Languages()[0] = "xx"
	assert.Equal(t, []contacts.Language{contacts.English, contacts.Japanese}, r.Languages())
}

// TestC2_RenderZeroData: every template renders the zero value of its data (optional
// lines left out), which NewRenderer relies on.
func TestC2_RenderZeroData(t *testing.T) {
	r := newRenderer(t)
	zeros := []contacts.NoticeData{contacts.InvoiceIssuedData{}, contacts.ChargeAlarmData{}, contacts.MaintenanceData{},
		contacts.TechnicalNoticeData{}, contacts.SecurityAlertData{}, contacts.SecurityIncidentData{},
		contacts.SupportReplyData{}, contacts.InvitationData{}, contacts.PasswordResetData{}, contacts.SignupData{}, contacts.TestMailData{}}
	require.Len(t, zeros, len(contacts.Kinds()))
	for _, zero := range zeros {
		kind := zero.NoticeKind()
		for _, lang := range r.Languages() {
			got, err := r.Render(kind, lang, zero)
			require.NoError(t, err, "%s.%s", kind, lang)
			assert.NotContains(t, got.Text, "0001", "a zero time is left out")
		}
	}
	got, err := r.Render(contacts.KindSecurityIncident, contacts.Japanese, contacts.SecurityIncidentData{AccountID: "123456789012"})
	require.NoError(t, err)
	assert.Contains(t, got.Text, "緊急連絡先電話番号が登録されていないため", "an incident without phones asks for one")
}

// TestC5_RenderFromJSONMap: the JSON of the data decoded into a map (a stored
// notice's Data) renders exactly as the struct does.
func TestC5_RenderFromJSONMap(t *testing.T) {
	r := newRenderer(t)
	for kind, data := range renderSamples() {
		raw, err := json.Marshal(data)
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(raw, &m))
		for _, lang := range r.Languages() {
			want, err := r.Render(kind, lang, data)
			require.NoError(t, err)
			got, err := r.Render(kind, lang, m)
			require.NoError(t, err, "%s.%s", kind, lang)
			assert.Equal(t, want, got, "%s.%s", kind, lang)
			ptr, err := r.Render(kind, lang, &data)
			require.NoError(t, err)
			assert.Equal(t, want, ptr)
		}
	}
}

// TestC5_RenderEscapesHTML: hostile data is escaped in the HTML body and left as
// written in the text body and the subject; a javascript: URL never becomes a link.
func TestC5_RenderEscapesHTML(t *testing.T) {
	r := newRenderer(t)
	data := contacts.InvitationData{OrgName: `"Evil" & Co <b>`, InviterName: `<script>alert(1)</script>`,
		URL: "javascript:alert(1)", ExpiresAt: time.Date(2026, 5, 23, 3, 0, 0, 0, time.UTC)}
	for _, lang := range r.Languages() {
		got, err := r.Render(contacts.KindInvitation, lang, data)
		require.NoError(t, err)
		assert.NotContains(t, got.HTML, "<script>")
		assert.Contains(t, got.HTML, "&lt;script&gt;alert(1)&lt;/script&gt;")
		assert.Contains(t, got.HTML, "&#34;Evil&#34; &amp; Co &lt;b&gt;")
		assert.NotContains(t, got.HTML, `href="javascript:`)
		assert.Contains(t, got.HTML, `href="#ZgotmplZ"`)

		assert.Contains(t, got.Text, "<script>alert(1)</script>", "text/plain is not HTML-escaped")
		assert.Contains(t, got.Text, `"Evil" & Co <b>`)
		assert.NotContains(t, got.Text, "&lt;")
		assert.Contains(t, got.Subject, "<script>alert(1)</script>")
	}
	// Multi-line user text keeps its lines, escaped, in HTML.
	got, err := r.Render(contacts.KindSupportReply, contacts.English, contacts.SupportReplyData{CaseID: "1", Subject: "s",
		ReplyExcerpt: "line <1>\r\nline 2\n", URL: "https://x.example/"})
	require.NoError(t, err)
	assert.Contains(t, got.HTML, "line &lt;1&gt;<br>line 2</div>")
	assert.Contains(t, got.Text, "> line <1>\n> line 2\n")
}

// TestC5_RenderSubjectOneLine: line breaks in data cannot add a mail header.
func TestC5_RenderSubjectOneLine(t *testing.T) {
	r := newRenderer(t)
	data := contacts.MaintenanceData{Title: "Window\r\nBcc: victim@example.com\n\u2028x", Body: "b"}
	for _, lang := range r.Languages() {
		got, err := r.Render(contacts.KindMaintenance, lang, data)
		require.NoError(t, err)
		assert.NotContains(t, got.Subject, "\r")
		assert.NotContains(t, got.Subject, "\n")
		assert.NotContains(t, got.Subject, "\u2028")
		assert.Contains(t, got.Subject, "Window Bcc: victim@example.com x")
	}
}

// TestC5_RenderBadData: missing map keys, wrong data, nil data, a bad time; all
// wrap ErrInvalid.
func TestC5_RenderBadData(t *testing.T) {
	r := newRenderer(t)
	full := map[string]any{"AccountID": "123456789012", "AccountName": "", "Threshold": "1", "Current": "2",
		"Currency": "USD", "Period": "2026-05", "URL": "https://x.example/"}
	_, err := r.Render(contacts.KindChargeAlarm, contacts.Japanese, full)
	require.NoError(t, err)

	missing := map[string]any{}
	for k, v := range full {
		if k != "Current" {
			missing[k] = v
		}
	}
	_, err = r.Render(contacts.KindChargeAlarm, contacts.Japanese, missing)
	require.ErrorIs(t, err, contacts.ErrInvalid)
	assert.ErrorContains(t, err, "Current")

	badTime := map[string]any{"Name": "n", "URL": "https://x.example/", "ExpiresAt": "tomorrow"}
	_, err = r.Render(contacts.KindPasswordReset, contacts.English, badTime)
	require.ErrorIs(t, err, contacts.ErrInvalid)
	assert.ErrorContains(t, err, "RFC 3339")

	badMonth := map[string]any{}
	for k, v := range full {
		badMonth[k] = v
	}
	badMonth["Period"] = "May 2026"
	_, err = r.Render(contacts.KindChargeAlarm, contacts.English, badMonth)
	require.ErrorIs(t, err, contacts.ErrInvalid)

	var ve *resellerkit.ValidationError
	_, err = r.Render(contacts.KindChargeAlarm, contacts.English, contacts.SecurityAlertData{})
	require.ErrorIs(t, err, contacts.ErrInvalid)
	require.True(t, errors.As(err, &ve))
	assert.Equal(t, "data", ve.Field)
	assert.ErrorContains(t, err, "security_alert")

	for _, data := range []any{nil, (*contacts.ChargeAlarmData)(nil), map[string]any(nil)} {
		_, err = r.Render(contacts.KindChargeAlarm, contacts.English, data)
		require.ErrorIs(t, err, contacts.ErrInvalid, "%#v", data)
		require.True(t, errors.As(err, &ve))
		assert.Equal(t, "data", ve.Field)
	}

	// A struct of no kind, lacking the fields: the template names the field.
	_, err = r.Render(contacts.KindChargeAlarm, contacts.English, struct{ AccountID string }{"1"})
	require.ErrorIs(t, err, contacts.ErrInvalid)
	assert.ErrorContains(t, err, "Threshold")
}

// TestC2_RenderUnknownLanguageOrKind: errors wrapping ErrInvalid naming the field.
func TestC2_RenderUnknownLanguageOrKind(t *testing.T) {
	r := newRenderer(t)
	data := renderSamples()[contacts.KindTestMail]
	for _, lang := range []contacts.Language{"", "ko", "JA", "ja-JP"} {
		_, err := r.Render(contacts.KindTestMail, lang, data)
		require.ErrorIs(t, err, contacts.ErrInvalid)
		var ve *resellerkit.ValidationError
		require.True(t, errors.As(err, &ve))
		assert.Equal(t, "language", ve.Field)
		assert.Equal(t, "C-2", ve.Rule)
		assert.Equal(t, string(lang), ve.Value)
	}
	_, err := r.Render("newsletter", contacts.Japanese, data)
	require.ErrorIs(t, err, contacts.ErrInvalid)
	var ve *resellerkit.ValidationError
	require.True(t, errors.As(err, &ve))
	assert.Equal(t, "kind", ve.Field)
}

// koTemplates is a complete Korean template set.
func koTemplates() fstest.MapFS {
	fsys := fstest.MapFS{}
	for _, kind := range contacts.Kinds() {
		fsys[string(kind)+".ko.subject.txt"] = &fstest.MapFile{Data: []byte("[알림] " + string(kind) + "\n")}
		fsys[string(kind)+".ko.txt"] = &fstest.MapFile{Data: []byte("안녕하세요.\n{{printf \"%v\" .}}\n")}
		fsys[string(kind)+".ko.html"] = &fstest.MapFile{Data: []byte("<p>안녕하세요.</p>\n")}
	}
	fsys["README.md"] = &fstest.MapFile{Data: []byte("ignored")}
	fsys["drafts/charge_alarm.ko.txt"] = &fstest.MapFile{Data: []byte("{{ ignored: not at the root")}
	return fsys
}

// TestC2_ExtraLanguage: an extra template set adds a language.
func TestC2_ExtraLanguage(t *testing.T) {
	r, err := contacts.NewRenderer(koTemplates())
	require.NoError(t, err)
	assert.Equal(t, []contacts.Language{contacts.English, contacts.Japanese, "ko"}, r.Languages())
	got, err := r.Render(contacts.KindTestMail, "ko", contacts.TestMailData{Category: contacts.Billing, AccountID: "123456789012"})
	require.NoError(t, err)
	assert.Equal(t, "[알림] test_mail", got.Subject)
	assert.Equal(t, "안녕하세요.\n{billing 123456789012}\n", got.Text)
	assert.Equal(t, "<p>안녕하세요.</p>\n", got.HTML)
	// The built-ins are still there.
	_, err = r.Render(contacts.KindTestMail, contacts.Japanese, contacts.TestMailData{Category: contacts.Billing})
	require.NoError(t, err)
}

// TestC2_ExtraOverride: a later set replaces a file of the same name.
func TestC2_ExtraOverride(t *testing.T) {
	over := fstest.MapFS{"charge_alarm.ja.subject.txt": &fstest.MapFile{Data: []byte("【サンプル社】料金アラート {{.AccountID}}\n")}}
	r, err := contacts.NewRenderer(over)
	require.NoError(t, err)
	assert.Equal(t, []contacts.Language{contacts.English, contacts.Japanese}, r.Languages())
	data := renderSamples()[contacts.KindChargeAlarm]
	got, err := r.Render(contacts.KindChargeAlarm, contacts.Japanese, data)
	require.NoError(t, err)
	assert.Equal(t, "【サンプル社】料金アラート 123456789012", got.Subject)
	def, err := newRenderer(t).Render(contacts.KindChargeAlarm, contacts.Japanese, data)
	require.NoError(t, err)
	assert.Equal(t, def.Text, got.Text, "only the subject was replaced")
}

// TestC2_ExtraBroken: a broken extra set fails NewRenderer, naming the file.
func TestC2_ExtraBroken(t *testing.T) {
	tests := []struct {
		name     string
		fsys     func() fstest.MapFS
		contains []string
	}{
		{"syntax", func() fstest.MapFS {
			f := koTemplates()
			f["charge_alarm.ko.txt"] = &fstest.MapFile{Data: []byte("{{.AccountID")}
			return f
		}, []string{"charge_alarm.ko.txt", "extra template set 1"}},
		{"html syntax", func() fstest.MapFS {
			f := koTemplates()
			f["invitation.ko.html"] = &fstest.MapFile{Data: []byte("<a href=\"{{.URL}}\">{{end}}")}
			return f
		}, []string{"invitation.ko.html"}},
		{"unknown field", func() fstest.MapFS {
			return fstest.MapFS{"maintenance.en.txt": &fstest.MapFile{Data: []byte("{{.Titel}}\n")}}
		}, []string{"maintenance.en.txt", "Titel"}},
		{"unknown function", func() fstest.MapFS {
			return fstest.MapFS{"maintenance.ja.subject.txt": &fstest.MapFile{Data: []byte("{{upper .Title}}")}}
		}, []string{"maintenance.ja.subject.txt", "upper"}},
		{"html escaping", func() fstest.MapFS {
			return fstest.MapFS{"test_mail.en.html": &fstest.MapFile{Data: []byte("<a href=\"{{.AccountID}}")}}
		}, []string{"test_mail.en.html"}},
		{"missing file", func() fstest.MapFS {
			f := koTemplates()
			delete(f, "security_incident.ko.html")
			return f
		}, []string{"security_incident.ko.html", `"ko"`}},
		{"unknown kind", func() fstest.MapFS {
			return fstest.MapFS{"chargealarm.ja.txt": &fstest.MapFile{Data: []byte("x")}}
		}, []string{"chargealarm.ja.txt", "not a notice kind"}},
		{"bad language", func() fstest.MapFS {
			return fstest.MapFS{"charge_alarm.JA.txt": &fstest.MapFile{Data: []byte("x")}}
		}, []string{"charge_alarm.JA.txt"}},
		{"bad name", func() fstest.MapFS {
			return fstest.MapFS{"charge_alarm.ja.subjct.txt": &fstest.MapFile{Data: []byte("x")}}
		}, []string{"charge_alarm.ja.subjct.txt"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := contacts.NewRenderer(tt.fsys())
			require.Error(t, err)
			assert.Nil(t, r)
			for _, s := range tt.contains {
				assert.ErrorContains(t, err, s)
			}
		})
	}
	// The second of two extra sets is named as such.
	_, err := contacts.NewRenderer(fstest.MapFS{}, fstest.MapFS{"test_mail.en.txt": &fstest.MapFile{Data: []byte("{{")}})
	assert.ErrorContains(t, err, "extra template set 2")
	_, err = contacts.NewRenderer(nil)
	assert.Error(t, err)
}

// TestC5_RenderConcurrent: one Renderer serves many goroutines (run with -race).
func TestC5_RenderConcurrent(t *testing.T) {
	r := newRenderer(t)
	samples := renderSamples()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for _, kind := range contacts.Kinds() {
				for _, lang := range r.Languages() {
					if _, err := r.Render(kind, lang, samples[kind]); err != nil {
						t.Error(err)
					}
				}
			}
		})
	}
	wg.Wait()
}
