package main

// The account detail page's messages (ui_account.go, templates/account.html),
// added to the catalog. The Japanese wording follows the help page of the
// customer portal's AWS account detail screen.
func init() {
	for k, v := range accountMessages {
		catalog[k] = v
	}
}

var accountMessages = map[string]msg{
	"account.title":   {"AWSアカウント詳細", "AWS account details"},
	"account.back":    {"AWSアカウント一覧へ戻る", "Back to the AWS accounts"},
	"account.summary": {"AWSアカウント情報", "Account information"},
	"account.id":      {"AWSアカウントID", "AWS account ID"},
	"account.name":    {"アカウント名", "Account name"},
	"account.project": {"プロジェクト", "Project"},
	"account.closed":  {"解約済み (%s から)", "Closed (from %s)"},
	"account.none":    {"—", "—"},

	"account.charges.title":   {"現在のご利用料金", "Current charges"},
	"account.charges.month":   {"対象月", "Month"},
	"account.charges.charges": {"ご利用料金 (%s)", "Charges (%s)"},
	"account.charges.credits": {"クレジット (%s)", "Credits (%s)"},
	"account.charges.updated": {"最終更新", "Last updated"},
	"account.charges.note": {"現時点までに集計された当月分のご利用料金です (税抜)。集計タイミングによって料金がゼロで表示されることがあります。",
		"Month-to-date charges aggregated so far (before tax). They may show as zero until the data is aggregated."},

	"account.notify.title":     {"AWSアカウント通知先メールアドレス", "Notification email addresses"},
	"account.notify.intro":     {"各種通知の宛先となるメールアドレスです。", "The addresses notices about this account are sent to."},
	"account.notify.kind":      {"通知先", "Recipients"},
	"account.notify.to":        {"TO", "To"},
	"account.notify.cc":        {"CC", "CC"},
	"account.notify.billing":   {"料金通知先", "Billing"},
	"account.notify.technical": {"技術通知先", "Technical"},
	"account.notify.security":  {"セキュリティ通知先", "Security"},
	"account.notify.empty":     {"未設定", "Not set"},
	"account.notify.language":  {"通知メール言語", "Notification language"},
	"account.notify.lang.ja":   {"日本語", "Japanese"},
	"account.notify.lang.en":   {"英語", "English"},

	"account.phones.title": {"緊急連絡先電話番号", "Emergency phone numbers"},
	"account.phones.intro": {"セキュリティインシデント発生時に、優先度順にお電話いたします。",
		"Called in this order when a security incident occurs."},
	"account.phones.empty": {"緊急連絡先電話番号は登録されていません。", "No emergency phone number is registered."},

	"account.security.title":          {"セキュリティ設定", "Security settings"},
	"account.security.profile":        {"プロファイル", "Profile"},
	"account.security.profile.basic":  {"ベーシック", "Basic"},
	"account.security.profile.secure": {"セキュア", "Secure"},
	"account.security.controls":       {"有効な設定", "Controls on"},
	"account.security.controls.empty": {"有効な設定はありません。", "No control is on."},
	"account.security.cost":           {"月額の概算費用", "Estimated monthly cost"},
	"account.security.cost.range":     {"$%s 〜 $%s (USD、%d リージョン)", "$%s to $%s (USD, %d regions)"},
	"account.security.note": {"有効化した項目は、定期メンテナンスのタイミングで設定が修復・復旧されます。セキュリティ設定の利用には別途料金が発生する場合があります。",
		"The controls on are restored at each maintenance run. Some controls cost extra in the account."},
}
