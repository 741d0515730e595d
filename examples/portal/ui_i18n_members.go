package main

// The members and invitations pages' messages (ui_members.go,
// templates/members.html, member_edit.html, invitations.html, and the invitations
// and leaving an organization on orgs.html), added to the catalog.
func init() {
	for k, v := range membersMessages {
		catalog[k] = v
	}
}

var membersMessages = map[string]msg{
	"nav.members": {"ユーザー管理", "Members"},

	"members.title":       {"ユーザー一覧", "Members"},
	"members.intro":       {"選択中のメンバーズ組織に所属するユーザーと、その権限です。", "The people of the selected organization and what they may do."},
	"members.caption":     {"%s のユーザー", "Members of %s"},
	"members.empty":       {"ユーザーはいません。", "There are no members."},
	"members.email":       {"メールアドレス", "Email"},
	"members.type":        {"ユーザー種別", "Type"},
	"members.permissions": {"権限", "Permissions"},
	"members.updated":     {"更新日時", "Updated"},
	"members.you":         {"(あなた)", "(you)"},
	"members.back":        {"ユーザー一覧へ戻る", "Back to the members"},
	"members.edit.link":   {"%s の権限を変更", "Change %s"},
	"members.changed":     {"%s の権限を変更しました。", "%s was changed."},
	"members.removed":     {"ユーザーを組織から削除しました。", "The member was removed from the organization."},
	"members.form.failed": {"入力内容に誤りがあります。各項目を確認してください。", "Some fields need attention. Please check each one."},

	"members.type.power":   {"パワーユーザー", "Power user"},
	"members.type.general": {"一般ユーザー", "General user"},
	"members.type.hint":    {"パワーユーザーはすべての権限を持ち、ユーザーと招待を管理できます。一般ユーザーは選んだ権限だけを持ちます。", "A power user holds every permission and manages members and invitations; a general user holds the permissions chosen below."},

	"members.permissions.hint": {"一般ユーザーに与える権限を選んでください (パワーユーザーには無視されます)。", "The permissions of a general user (ignored for a power user)."},
	"members.perm.all":         {"すべての権限", "All permissions"},
	"members.perm.none":        {"なし", "None"},

	"members.perm.project.view":       {"プロジェクトの閲覧", "View projects"},
	"members.perm.account.view":       {"AWSアカウントの閲覧", "View AWS accounts"},
	"members.perm.charges.view":       {"利用料金の閲覧", "View charges"},
	"members.perm.invoice.view":       {"請求書の閲覧", "View invoices"},
	"members.perm.contacts.edit":      {"通知先の編集", "Edit notification contacts"},
	"members.perm.security.edit":      {"セキュリティ設定の編集", "Edit security settings"},
	"members.perm.support.inquire":    {"サポートへのお問い合わせ", "Contact support"},
	"members.perm.user.view":          {"ユーザーの閲覧", "View members"},
	"members.perm.invitation.view":    {"招待の閲覧", "View invitations"},
	"members.perm.application.submit": {"申請の提出", "Submit applications"},
	"members.perm.org.edit":           {"組織・プロジェクトの編集", "Edit the organization and projects"},

	"members.perm.needs.project.view": {"(「プロジェクトの閲覧」が必要)", "(needs “View projects”)"},
	"members.perm.needs.account.view": {"(「AWSアカウントの閲覧」が必要)", "(needs “View AWS accounts”)"},
	"members.perm.needs.user.view":    {"(「ユーザーの閲覧」が必要)", "(needs “View members”)"},

	"members.edit.title":  {"ユーザーの権限変更", "Change a member"},
	"members.edit.intro":  {"%s の種別と権限を変更します。", "Change the type and permissions of %s."},
	"members.edit.submit": {"変更を保存する", "Save changes"},
	"members.remove":      {"このユーザーを組織から削除する", "Remove from the organization"},
	"members.remove.hint": {"削除されたユーザーは、この組織にアクセスできなくなります (他の組織には影響しません)。", "The person loses access to this organization only."},
	"members.remove.self": {"自分自身を削除すると、この組織から脱退します。", "Removing yourself leaves this organization."},

	"members.error.type":             {"ユーザー種別を選択してください。", "Choose a type."},
	"members.error.lastpower.demote": {"最後のパワーユーザーは一般ユーザーに変更できません。先に別のユーザーをパワーユーザーにしてください。", "The last power user cannot become a general user. Make someone else a power user first."},
	"members.error.lastpower.remove": {"最後のパワーユーザーは削除できません。先に別のユーザーをパワーユーザーにしてください。", "The last power user cannot be removed. Make someone else a power user first."},
	"members.error.prerequisite":     {"「%s」には「%s」の権限も必要です。", "“%s” needs “%s” as well."},
	"members.error.permission":       {"付与できない権限です: %s", "Not a permission that can be granted: %s"},
	"members.error.email":            {"メールアドレスの形式が正しくありません: %s", "Not a valid email address: %s"},
	"members.error.email.exists":     {"%s は既にこの組織のユーザーか、招待中です。", "%s is already a member or has a pending invitation."},
	"members.error.conflict":         {"このユーザーは他の人が先に変更しました。現在の内容を表示しています。確認してから、もう一度変更してください。", "Someone else changed this member in the meantime. It is shown as it is now: check it, then make your change again."},

	"members.invitations.link":        {"招待の一覧", "Invitations"},
	"members.invitations.title":       {"招待の一覧", "Invitations"},
	"members.invitations.caption":     {"%s への招待", "Invitations to %s"},
	"members.invitations.empty":       {"招待はありません。", "There are no invitations."},
	"members.invitation.state":        {"ステータス", "Status"},
	"members.invitation.created":      {"招待日時", "Invited"},
	"members.invitation.expires":      {"有効期限", "Expires"},
	"members.invitation.actions":      {"操作", "Actions"},
	"members.invitation.revoke":       {"取り消す", "Revoke"},
	"members.invitation.revoke.label": {"%s への招待を取り消す", "Revoke the invitation of %s"},
	"members.invitation.pending":      {"承諾待ち", "Pending"},
	"members.invitation.accepted":     {"承諾済み", "Accepted"},
	"members.invitation.rejected":     {"辞退", "Declined"},
	"members.invitation.expired":      {"期限切れ", "Expired"},
	"members.invitation.revoked":      {"取り消し", "Revoked"},
	"members.invitation.other":        {"不明", "Unknown"},
	"members.invited":                 {"%s を招待しました。招待メールを送信します。", "%s was invited; the invitation mail is on its way."},
	"members.invited.generic":         {"招待しました。招待メールを送信します。", "The invitation was made; its mail is on its way."},
	"members.revoked":                 {"招待を取り消しました。", "The invitation was revoked."},
	"members.revoke.late":             {"この招待は既に承諾・辞退・期限切れ・取り消しのいずれかになっているため、取り消せませんでした。", "The invitation was no longer pending (accepted, declined, expired or revoked), so it was not revoked."},
	"members.invite.title":            {"ユーザーを招待する", "Invite someone"},
	"members.invite.submit":           {"招待する", "Invite"},

	"members.mine.title":        {"あなたへの招待", "Invitations for you"},
	"members.mine.to":           {"組織 %s への招待", "Invitation to organization %s"},
	"members.mine.expires":      {"有効期限: %s", "Expires %s"},
	"members.mine.accept":       {"承諾する", "Accept"},
	"members.mine.reject":       {"辞退する", "Decline"},
	"members.mine.accept.label": {"組織 %s への招待を承諾する", "Accept the invitation to %s"},
	"members.mine.reject.label": {"組織 %s への招待を辞退する", "Decline the invitation to %s"},
	"members.mine.rejected":     {"招待を辞退しました。", "You declined the invitation."},
	"members.mine.mfa":          {"この組織は二要素認証を必須にしています。二要素認証でサインインし直してから承諾してください。", "This organization requires two-factor sign-in. Sign in again with your second factor, then accept."},
	"members.mine.already":      {"既にこの組織のユーザーです。", "You are already a member of this organization."},
	"members.mine.expired":      {"この招待は有効期限が切れています。招待した方に再送を依頼してください。", "This invitation has expired. Ask for a new one."},
	"members.mine.decided":      {"この招待は既に承諾・辞退・取り消しのいずれかが行われています。", "This invitation was already answered or revoked."},

	"members.leave.link":       {"脱退する", "Leave"},
	"members.leave.link.label": {"%s から脱退する", "Leave %s"},
	"members.leave.title":      {"%s からの脱退", "Leave %s"},
	"members.leave.back":       {"脱退せずに組織一覧へ戻る", "Back to the organizations without leaving"},
	"members.leave.confirm":    {"%s から脱退しますか?脱退すると、この組織のAWSアカウントや請求書などを閲覧できなくなります (他の組織には影響しません)。もう一度参加するには、この組織のパワーユーザーからの招待が必要です。", "Leave %s? You will no longer see its AWS accounts, invoices or anything else of it (other organizations are not affected). To join again, you need a new invitation from one of its power users."},
	"members.leave.submit":     {"この組織から脱退する", "Leave this organization"},
	"members.leave.done":       {"組織から脱退しました。", "You left the organization."},
	"members.leave.lastpower":  {"あなたはこの組織の最後のパワーユーザーのため、脱退できません。先に別のユーザーをパワーユーザーにしてください。", "You are the last power user of this organization, so you cannot leave it. Make someone else a power user first."},
}
