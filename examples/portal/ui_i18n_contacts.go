package main

// The messages of the notification settings forms (ui_contacts.go,
// templates/contacts_edit.html and templates/bulk.html), added to the catalog.
func init() {
	for k, v := range contactsMessages {
		catalog[k] = v
	}
}

var contactsMessages = map[string]msg{
	"contacts.edit.title": {"通知先の編集", "Edit notification settings"},
	"contacts.edit.link":  {"通知先を編集", "Edit notification settings"},
	"contacts.edit.back":  {"AWSアカウント詳細へ戻る", "Back to the account details"},
	"contacts.edit.addresses.hint": {"メールアドレスは1行に1件ずつ入力してください (TO は1〜6件、CC は0〜6件)。",
		"One address a line (1 to 6 in To, up to 6 in CC)."},
	"contacts.edit.to": {"%s (TO)", "%s (To)"},
	"contacts.edit.cc": {"%s (CC)", "%s (CC)"},
	"contacts.edit.phones.hint": {"1〜3件の電話番号を、お電話する順に入力してください。",
		"One to three numbers, in the order they are called."},
	"contacts.edit.phone":  {"電話番号 %d", "Phone %d"},
	"contacts.edit.submit": {"保存", "Save"},

	"contacts.error.address":      {"「%s」は正しいメールアドレスではありません。", "“%s” is not a valid email address."},
	"contacts.error.phone":        {"「%s」は正しい電話番号ではありません。", "“%s” is not a valid phone number."},
	"contacts.error.duplicate":    {"「%s」が重複しています。", "“%s” is given twice."},
	"contacts.error.phones.count": {"電話番号を1〜3件入力してください。", "Enter one to three phone numbers."},
	"contacts.error.list.count":   {"TO は1〜6件、CC は0〜6件で入力してください。", "Enter 1 to 6 addresses in To and up to 6 in CC."},
	"contacts.error.language":     {"通知メール言語を選択してください。", "Choose a notification language."},
	"contacts.error.invalid":      {"入力内容を確認してください (%s)。", "Please check what you entered (%s)."},
	"contacts.error.conflict": {"ほかの方が先に変更しました。ページを開き直してから、もう一度編集してください。",
		"Someone else changed these settings first. Open the page again and redo your edit."},

	"bulk.title": {"通知先の一括編集", "Bulk edit of notification settings"},
	"bulk.link":  {"通知先を一括編集", "Bulk edit notification settings"},
	"bulk.intro": {"選択したすべてのAWSアカウントに、同じ緊急連絡先電話番号と通知メール言語を設定します。1件でも設定できない場合は、どのアカウントも変更されません。",
		"Sets the same emergency phones and notification language on every selected account. If any one cannot be set, no account is changed."},
	"bulk.accounts":    {"対象のAWSアカウント", "Accounts to change"},
	"bulk.phones.hint": {"空欄のままにすると電話番号は変更しません。", "Leave every box empty to keep the phones as they are."},
	"bulk.unchanged":   {"変更しない", "Keep as is"},
	"bulk.submit":      {"一括で保存", "Save on all selected"},
	"bulk.done":        {"%s 件のAWSアカウントを更新しました。", "%s accounts updated."},

	"contacts.bulk.noaccounts": {"AWSアカウントを1件以上選択してください。", "Select at least one account."},
	"contacts.bulk.nothing":    {"電話番号または通知メール言語を入力してください。", "Enter phones or choose a language to set."},
	"contacts.bulk.incomplete": {"通知先が未設定のAWSアカウントが含まれているため、どのアカウントも変更されませんでした。",
		"An account has no notification settings yet, so no account was changed."},
	"contacts.bulk.incomplete.account": {"AWSアカウント %s の通知先が未設定のため、どのアカウントも変更されませんでした。先にそのアカウントの通知先を編集してください。",
		"Account %s has no notification settings yet, so no account was changed. Edit that account's settings first."},
}
