package main

// The notices page's messages (ui_notices.go, templates/notices.html) and the
// test mail's on the contacts edit page (ui_contacts.go), added to the catalog.
func init() {
	for k, v := range noticesMessages {
		catalog[k] = v
	}
}

var noticesMessages = map[string]msg{
	"nav.notices": {"通知履歴", "Notices"},

	"notices.title":      {"通知履歴", "Notices"},
	"notices.intro":      {"選択中のメンバーズ組織に送られた通知と、その配信状況です (新しい順)。", "The notices of the selected organization and their delivery, newest first."},
	"notices.caption":    {"%s の通知", "Notices of %s"},
	"notices.empty":      {"通知はありません。", "There are no notices."},
	"notices.created":    {"作成日時", "Created"},
	"notices.kind":       {"種類", "Kind"},
	"notices.subject":    {"件名", "Subject"},
	"notices.recipients": {"宛先", "Recipients"},
	"notices.state":      {"配信状況", "Delivery"},
	"notices.attempts":   {"試行回数", "Attempts"},
	"notices.filter":     {"絞り込む", "Filter"},
	"notices.sent.at":    {"送信: %s", "Sent %s"},
	"notices.next.at":    {"次回の試行: %s", "Next attempt %s"},
	"notices.last.error": {"最後のエラー: %s", "Last error: %s"},

	"notices.state.all":    {"すべて", "All"},
	"notices.state.queued": {"送信待ち", "Queued"},
	"notices.state.sent":   {"送信済み", "Sent"},
	"notices.state.dead":   {"送信失敗", "Failed"},
	"notices.state.other":  {"不明", "Unknown"},

	"notices.kind.invoice_issued":    {"請求書発行", "Invoice issued"},
	"notices.kind.charge_alarm":      {"料金アラーム", "Charge alarm"},
	"notices.kind.maintenance":       {"メンテナンス", "Maintenance"},
	"notices.kind.technical_notice":  {"技術的なお知らせ", "Technical notice"},
	"notices.kind.security_alert":    {"セキュリティアラート", "Security alert"},
	"notices.kind.security_incident": {"セキュリティインシデント", "Security incident"},
	"notices.kind.support_reply":     {"サポートの回答", "Support reply"},
	"notices.kind.invitation":        {"招待", "Invitation"},
	"notices.kind.password_reset":    {"パスワード再設定", "Password reset"},
	"notices.kind.signup":            {"ユーザー登録", "Sign-up"},
	"notices.kind.test_mail":         {"テストメール", "Test mail"},
	"notices.kind.other":             {"その他", "Other"},

	"contacts.test.send":      {"%sにテストメールを送信", "Send a test mail to the %s addresses"},
	"contacts.test.hint":      {"テストメールは、保存前でも、この画面に入力中のアドレス (TO・CC) に、選択中の通知メール言語で送信されます。", "A test mail goes to the addresses (To and CC) as entered here, saved or not, in the notification language chosen below."},
	"contacts.test.queued":    {"%sのテストメールを送信待ちにしました (宛先: %s)。入力内容はまだ保存されていません。", "A test mail to the %s addresses (%s) is queued. What you entered is not saved yet."},
	"contacts.test.notices":   {"通知履歴で配信状況を見る", "See its delivery in the notices"},
	"contacts.test.throttled": {"このAWSアカウントのテストメールの送信回数が上限に達しました。しばらく待ってから、もう一度お試しください。", "Too many test mails for this account. Please wait a while and try again."},
	"contacts.test.category":  {"テストメールの種類を選び直してください。", "Choose which addresses to test again."},
}
