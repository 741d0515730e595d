package main

// The messages of the accounts list's selection (templates/accounts.html) and of
// the application form filing for the selected accounts (ui_applications.go,
// templates/application_new.html), added to the catalog.
func init() {
	for k, v := range selectionMessages {
		catalog[k] = v
	}
}

var selectionMessages = map[string]msg{
	"accounts.select":              {"選択", "Select"},
	"accounts.select.one":          {"AWSアカウント %s を選択", "Select AWS account %s"},
	"accounts.select.actions":      {"選択したAWSアカウントの操作", "Actions on the selected AWS accounts"},
	"accounts.select.closure":      {"選択したアカウントの解約を申請", "Apply to close the selected accounts"},
	"accounts.select.owner_change": {"選択したアカウントの名義変更を申請", "Apply to change the owner of the selected accounts"},
	"accounts.select.bulk":         {"選択したアカウントを一括編集", "Bulk-edit the selected accounts"},

	"applications.selected":      {"対象のAWSアカウント", "AWS accounts"},
	"applications.selected.hint": {"アカウントごとに1件ずつ申請します。すべての申請が受け付けられるか、1件も申請されないかのどちらかです。", "One application per account is filed: all of them, or none if one is refused."},

	"applications.error.kind.selection":    {"選択したアカウントに申請できるのは、解約と名義変更です。", "For the selected accounts, apply for a closure or a change of owner."},
	"applications.error.accounts.none":     {"AWSアカウントを1件以上選択してください。", "Select at least one AWS account."},
	"applications.selection.already":       {"選択したAWSアカウントのうち %d 件には、同じ種類の申請が既に受付中のため、重ねて申請していません。", "%d of the selected AWS accounts already had an open application of this kind: it was not filed again."},
	"applications.error.account_id.closed": {"このAWSアカウントは既に解約されています。", "This AWS account is already closed."},
	"applications.error.account_id.open":   {"このAWSアカウントには、受付中または審査中の解約・名義変更（または移管）の申請があります。その申請の完了を待つか、受付中であれば取り消してください。", "This AWS account has an open closure or change of owner (or transfer-in) application: wait for it, or cancel it while it is submitted."},
}
