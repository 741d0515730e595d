package main

// The projects pages' messages (ui_projects.go, templates/projects.html,
// templates/project_form.html), added to the catalog.
func init() {
	for k, v := range projectsMessages {
		catalog[k] = v
	}
}

var projectsMessages = map[string]msg{
	"nav.projects": {"プロジェクト", "Projects"},

	"projects.title":       {"プロジェクト一覧", "Projects"},
	"projects.intro":       {"選択中のメンバーズ組織のプロジェクトです。請求書はプロジェクトごとに発行されます。", "The projects of the selected organization. Each project gets its own invoice."},
	"projects.caption":     {"%s のプロジェクト", "Projects of %s"},
	"projects.empty":       {"プロジェクトはありません。", "There are no projects."},
	"projects.saved":       {"プロジェクト「%s」を保存しました。", "Project “%s” saved."},
	"projects.new.link":    {"新しいプロジェクト", "New project"},
	"projects.name":        {"プロジェクト名", "Name"},
	"projects.plan":        {"プラン", "Plan"},
	"projects.payment":     {"支払方法", "Payment method"},
	"projects.currency":    {"請求通貨", "Invoice currency"},
	"projects.invoice_to":  {"請求書送付先 (TO)", "Invoice recipients (TO)"},
	"projects.invoice_cc":  {"請求書送付先 (CC)", "Invoice recipients (CC)"},
	"projects.accounts":    {"AWSアカウント数", "AWS accounts"},
	"projects.updated":     {"更新日時", "Updated"},
	"projects.back":        {"プロジェクト一覧へ戻る", "Back to the projects"},
	"projects.readonly":    {"プロジェクトを変更する権限がありません。", "You may not change projects."},
	"projects.times":       {"作成: %s / 更新: %s", "Created %s, updated %s."},
	"projects.form.failed": {"入力内容に誤りがあります。各項目を確認してください。", "Some fields need attention. Please check each one."},

	"projects.payment.bank_transfer": {"銀行振込", "Bank transfer"},
	"projects.payment.card":          {"クレジットカード", "Credit card"},

	"projects.invoice_to.hint": {"1行に1件、1〜6件のメールアドレスを入力してください。", "One address per line, 1 to 6 addresses."},
	"projects.invoice_cc.hint": {"1行に1件、最大6件のメールアドレスを入力してください (TOと重複しないこと)。", "One address per line, at most 6, none of them also a TO."},

	"projects.new.title":   {"新しいプロジェクト", "New project"},
	"projects.new.submit":  {"作成する", "Create"},
	"projects.edit.title":  {"プロジェクトの編集", "Edit project"},
	"projects.edit.submit": {"保存する", "Save"},

	"projects.billing":                      {"請求の設定", "Billing settings"},
	"projects.billing.pricing_plan":         {"料金プラン", "Pricing plan"},
	"projects.billing.support_fee_rule":     {"サポート料金の規則", "Support fee rule"},
	"projects.billing.exchange_rate_policy": {"為替レートの方針", "Exchange rate policy"},
	"projects.billing.default":              {"標準", "Default"},
	"projects.billing.note":                 {"請求の設定はリセラーが管理します。", "The reseller manages the billing settings."},

	"projects.error.name":             {"プロジェクト名を入力してください (制御文字は使えません)。", "Enter a name (no control characters)."},
	"projects.error.plan":             {"プランに使えない文字が含まれています。", "The plan holds characters that are not allowed."},
	"projects.error.payment_method":   {"支払方法を選択してください。", "Choose a payment method."},
	"projects.error.currency":         {"請求通貨は JPY か USD を選択してください。", "Choose JPY or USD."},
	"projects.error.invoice_to.count": {"請求書送付先 (TO) は1〜6件入力してください。", "Enter 1 to 6 TO addresses."},
	"projects.error.invoice_cc.count": {"請求書送付先 (CC) は6件までです。", "At most 6 CC addresses."},
	"projects.error.address":          {"メールアドレスの形式が正しくありません: %s", "Not a valid email address: %s"},
	"projects.error.duplicate":        {"重複しているメールアドレスがあります: %s", "This address is listed twice: %s"},
	"projects.error.conflict":         {"このプロジェクトは他の人が先に変更しました。現在の内容を表示しています。確認してから、もう一度変更してください。", "Someone else changed this project in the meantime. It is shown as it is now: check it, then make your change again."},
}
