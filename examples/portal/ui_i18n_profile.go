package main

// The profile and application pages' messages (ui_profile.go, ui_applications.go,
// templates/profile.html, applications.html, application_new.html), added to the
// catalog.
func init() {
	for k, v := range profileMessages {
		catalog[k] = v
	}
}

var profileMessages = map[string]msg{
	"nav.profile":      {"プロフィール", "Profile"},
	"nav.desk":         {"運用デスク", "Operator desk"},
	"nav.applications": {"申請", "Applications"},

	"profile.title":                  {"プロフィール", "Profile"},
	"profile.identity":               {"ログイン情報", "Sign-in details"},
	"profile.email":                  {"メールアドレス", "Email address"},
	"profile.sessions":               {"ログイン中のセッション", "Signed-in sessions"},
	"profile.sessions.caption":       {"あなたのセッション (日本時間)", "Your sessions (Japan time)"},
	"profile.sessions.last_seen":     {"最終アクセス", "Last seen"},
	"profile.sessions.user_agent":    {"ブラウザー", "Browser"},
	"profile.sessions.ip":            {"IPアドレス", "IP address"},
	"profile.sessions.created":       {"ログイン日時", "Signed in"},
	"profile.sessions.current":       {"(このセッション)", "(this session)"},
	"profile.sessions.unknown":       {"不明", "Unknown"},
	"profile.sessions.revoke_others": {"他のセッションをすべてログアウト", "Sign out all other sessions"},
	"profile.sessions.revoked":       {"%s 件のセッションをログアウトしました。", "Signed out %s other sessions."},
	"profile.password":               {"パスワードの変更", "Change password"},
	"profile.password.current":       {"現在のパスワード", "Current password"},
	"profile.password.new":           {"新しいパスワード", "New password"},
	"profile.password.rule": {"%d〜%d文字で、英小文字・英大文字・数字・記号をそれぞれ1文字以上含めてください。",
		"%d to %d characters, with at least one lower-case letter, upper-case letter, digit and symbol."},
	"profile.password.submit":  {"パスワードを変更", "Change password"},
	"profile.password.changed": {"パスワードを変更しました。他のセッションはログアウトされました。", "Your password was changed. Your other sessions were signed out."},
	"profile.password.failed":  {"パスワードは変更されていません。各項目を確認してください。", "The password was not changed. Please check each field."},

	"profile.error.current_password": {"現在のパスワードが正しくありません。", "The current password is wrong."},
	"profile.error.new_password": {"新しいパスワードは%d〜%d文字で、英小文字・英大文字・数字・記号をそれぞれ1文字以上含めてください。",
		"The new password must have %d to %d characters, with at least one lower-case letter, upper-case letter, digit and symbol."},
	"profile.error.new_password.breached": {"このパスワードは過去の漏洩データに含まれています。別のパスワードを指定してください。",
		"This password appears in known data breaches. Please choose another."},

	"applications.title":        {"申請一覧", "Applications"},
	"applications.intro":        {"選択中のメンバーズ組織の申請です。", "The applications of the selected organization."},
	"applications.caption":      {"%s の申請", "Applications of %s"},
	"applications.empty":        {"申請はありません。", "There are no applications."},
	"applications.new.link":     {"新しい申請", "New application"},
	"applications.kind":         {"申請の種類", "Kind"},
	"applications.account":      {"AWSアカウントID", "AWS account ID"},
	"applications.account.hint": {"解約・名義変更・アカウント移管の場合は12桁のAWSアカウントIDを入力してください。", "For a closure, an owner change or a transfer-in, the 12-digit AWS account ID."},
	"applications.project":      {"プロジェクト", "Project"},
	"applications.project.none": {"(指定しない)", "(none)"},
	"applications.project.hint": {"新規アカウント発行・アカウント移管の場合は必須です。", "Required for a new account and a transfer-in."},
	"applications.details":      {"申請内容", "Details"},
	"applications.state":        {"ステータス", "Status"},
	"applications.operation":    {"AWS手続きの状況", "AWS operation"},
	"applications.created":      {"申請日時", "Submitted"},
	"applications.back":         {"申請一覧へ戻る", "Back to the applications"},

	"applications.kind.new_account":         {"新規アカウント発行", "New account"},
	"applications.kind.account_closure":     {"解約", "Account closure"},
	"applications.kind.owner_change":        {"名義変更", "Change of owner"},
	"applications.kind.account_transfer_in": {"アカウント移管", "Account transfer-in"},
	"applications.kind.project_creation":    {"プロジェクト作成", "Project creation"},
	"applications.kind.other":               {"その他", "Other"},
	"applications.state.submitted":          {"申請済み", "Submitted"},
	"applications.state.in_review":          {"対応中", "In review"},
	"applications.state.completed":          {"完了", "Completed"},
	"applications.state.rejected":           {"却下", "Rejected"},
	"applications.state.cancelled":          {"取り下げ", "Cancelled"},
	"applications.state.other":              {"不明", "Unknown"},
	"applications.op.running":               {"実行中", "Running"},
	"applications.op.waiting":               {"AWSの処理待ち", "Waiting on AWS"},
	"applications.op.succeeded":             {"成功", "Succeeded"},
	"applications.op.failed":                {"失敗", "Failed"},
	"applications.op.other":                 {"不明", "Unknown"},
	"applications.op.none":                  {"未開始", "Not started"},

	"applications.new.title":  {"新しい申請", "New application"},
	"applications.new.intro":  {"申請の種類を選び、必要な項目を入力してください。", "Choose the kind of application and fill in what it needs."},
	"applications.new.submit": {"申請する", "Submit"},
	"applications.new.failed": {"入力内容に誤りがあります。各項目を確認してください。", "Some fields need attention. Please check each one."},

	"applications.error.kind":               {"申請の種類を選択してください。", "Choose a kind of application."},
	"applications.error.account_id":         {"この申請の種類では、12桁の数字のAWSアカウントIDを入力するか、空欄にしてください。", "Enter a 12-digit AWS account ID, or leave it empty when this kind uses none."},
	"applications.error.account_id.unknown": {"この組織のAWSアカウントではありません。", "Not an AWS account of this organization."},
	"applications.error.project_id":         {"この申請の種類に合わせてプロジェクトを選択するか、指定しないでください。", "Choose a project of this organization, or none when this kind uses none."},
	"applications.error.details":            {"申請内容を確認してください (プロジェクト作成では必須です)。", "Check the details (required for a project creation)."},
	"applications.error.invalid":            {"入力内容を確認してください。", "Please check this field."},
}
