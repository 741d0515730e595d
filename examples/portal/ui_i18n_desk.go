package main

// The reseller desk's messages (ui_desk.go, templates/desk_*.html), added to the
// catalog.
func init() {
	for k, v := range deskMessages {
		catalog[k] = v
	}
}

var deskMessages = map[string]msg{
	"desk.org": {"メンバーズ組織", "Organization"},

	"desk.queue.title":        {"サポートキュー", "Support queue"},
	"desk.queue.intro":        {"全組織の未完了のお問い合わせです (古い順)。対応期限は日本時間です。", "Every organization's open cases, oldest first. Due times are in Japan time."},
	"desk.queue.caption":      {"未完了のお問い合わせ", "Open support cases"},
	"desk.queue.empty":        {"該当するお問い合わせはありません。", "No cases match."},
	"desk.queue.filter":       {"SLAの状態", "SLA state"},
	"desk.queue.filter.all":   {"すべて", "All"},
	"desk.queue.filter.apply": {"絞り込む", "Filter"},

	"desk.apps.title":   {"申請の処理", "Applications"},
	"desk.apps.intro":   {"組織を選んで申請を確認し、審査・完了・却下します。", "Choose an organization to review, complete or reject its applications."},
	"desk.apps.open":    {"表示", "Show"},
	"desk.apps.caption": {"%s の申請", "Applications of %s"},
	"desk.apps.empty":   {"申請はありません。", "There are no applications."},
	"desk.apps.failed":  {"入力内容に誤りがあります。", "Some fields need attention."},
	"desk.apps.refused": {"AWSが操作を拒否しました。操作の理由を確認してください。", "AWS refused the operation. See its reason."},

	"desk.app.id":        {"申請ID", "Application ID"},
	"desk.app.kind":      {"種類", "Kind"},
	"desk.app.target":    {"対象", "Concerns"},
	"desk.app.state":     {"ステータス", "Status"},
	"desk.app.operation": {"AWSの操作", "AWS operation"},
	"desk.app.updated":   {"更新日時", "Updated"},
	"desk.app.actions":   {"操作", "Actions"},
	"desk.app.reason":    {"理由", "Reason"},

	"desk.action.review":   {"審査を開始", "Start review"},
	"desk.action.complete": {"完了する", "Complete"},
	"desk.action.reject":   {"却下する", "Reject"},

	"desk.error.reason":         {"却下の理由を入力してください。", "Enter the reason for the rejection."},
	"desk.error.reason.invalid": {"理由は200文字以内で、制御文字を含めずに入力してください。", "Enter a reason of at most 200 characters without control characters."},

	"desk.kind.account_closure":     {"解約", "Account closure"},
	"desk.kind.owner_change":        {"名義変更", "Change of owner"},
	"desk.kind.new_account":         {"新規アカウント発行", "New account"},
	"desk.kind.account_transfer_in": {"アカウントの移管", "Account transfer-in"},
	"desk.kind.project_creation":    {"プロジェクト作成", "New project"},

	"desk.state.submitted": {"申請済み", "Submitted"},
	"desk.state.in_review": {"審査中", "In review"},
	"desk.state.completed": {"完了", "Completed"},
	"desk.state.rejected":  {"却下", "Rejected"},
	"desk.state.cancelled": {"取り下げ", "Cancelled"},

	"desk.op.none":      {"未開始", "Not started"},
	"desk.op.running":   {"実行中", "Running"},
	"desk.op.waiting":   {"AWSの完了待ち", "Waiting on AWS"},
	"desk.op.succeeded": {"成功", "Succeeded"},
	"desk.op.failed":    {"失敗", "Failed"},
}
