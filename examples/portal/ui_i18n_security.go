package main

// The security settings form's messages (ui_security.go,
// templates/security_edit.html) and the account detail's last maintenance drift
// (ui_account.go), added to the catalog. The Japanese wording follows the help
// page of the customer portal's security settings.
func init() {
	for k, v := range securityMessages {
		catalog[k] = v
	}
}

var securityMessages = map[string]msg{
	"security.edit.title": {"セキュリティ設定の変更", "Edit security settings"},
	"security.edit.link":  {"セキュリティ設定を変更する", "Edit the security settings"},
	"security.edit.back":  {"AWSアカウント詳細へ戻る", "Back to the account"},
	"security.edit.intro": {"プロファイルと、任意の設定項目ごとの有効・無効を選びます。「概算費用を確認」で保存前に月額の概算費用を表示します。変更は次回の定期メンテナンスで反映されます。",
		"Choose the profile and, for each optional control, whether it is on or off. \"Preview the cost\" shows the estimated monthly cost before saving. Changes apply at the next maintenance run."},
	"security.edit.saved":    {"セキュリティ設定を保存しました。次回の定期メンテナンスで反映されます。", "The security settings are saved. They apply at the next maintenance run."},
	"security.edit.failed":   {"入力内容に誤りがあります。保存されていません。", "Some fields need attention. Nothing was saved."},
	"security.edit.conflict": {"他の方が先に設定を変更しました。現在の設定を表示しています。確認してからもう一度保存してください。", "Someone else changed the settings meanwhile. They are shown as they are now: check them and save again."},

	"security.estimate.saved":   {"現在の設定の月額概算費用", "Estimated monthly cost of the saved settings"},
	"security.estimate.preview": {"この内容の月額概算費用 (未保存)", "Estimated monthly cost of this input (not saved)"},
	"security.estimate.now":     {"現在の設定では $%s 〜 $%s です。", "The saved settings cost $%s to $%s."},
	"security.estimate.lines":   {"有効な設定項目ごとの概算費用 (USD/月)", "Estimated cost per control on (USD a month)"},
	"security.estimate.note": {"セキュアプロファイルのセキュリティ設定には、最低でも月額 $5〜$15 程度の費用がかかります。実際の費用はご利用状況によって異なります。",
		"The secure profile's controls cost at least about $5 to $15 a month. The actual cost depends on the account's usage."},

	"security.profile.hint":       {"ベーシック: 必須と初期設定の項目。セキュア: さらに GuardDuty、AWS Config、Security Hub を維持します。", "Basic: the managed and initial controls. Secure: also GuardDuty, AWS Config and Security Hub, kept on."},
	"security.controls":           {"設定項目", "Controls"},
	"security.control":            {"設定項目", "Control"},
	"security.class":              {"種類", "Class"},
	"security.setting":            {"設定", "Setting"},
	"security.cost.range":         {"概算費用 (USD/月)", "Estimated cost (USD a month)"},
	"security.cost.min":           {"最小", "Minimum"},
	"security.cost.max":           {"最大", "Maximum"},
	"security.cost.perregion":     {"リージョンごと", "per region"},
	"security.regions":            {"リージョンごとの項目は %d リージョンで維持されます。", "Regional controls are kept in %d regions."},
	"security.class.managed":      {"必須", "Managed"},
	"security.class.initial":      {"初期設定", "Initial"},
	"security.class.maintained":   {"維持", "Maintained"},
	"security.always":             {"常に有効 (変更できません)", "Always on (cannot be changed)"},
	"security.choice.profile.on":  {"プロファイルに従う (有効)", "As the profile (on)"},
	"security.choice.profile.off": {"プロファイルに従う (無効)", "As the profile (off)"},
	"security.choice.on":          {"有効", "On"},
	"security.choice.off":         {"無効", "Off"},
	"security.preview":            {"概算費用を確認", "Preview the cost"},
	"security.save":               {"保存する", "Save"},

	"security.error.profile": {"ベーシックかセキュアを選んでください。", "Choose basic or secure."},
	"security.error.choice":  {"プロファイルに従う、有効、無効のいずれかを選んでください。", "Choose as the profile, on or off."},
	"security.error.control": {"この設定項目はありません。", "There is no such control."},
	"security.error.managed": {"必須の設定項目は無効にできません。", "A managed control cannot be turned off."},

	"security.changes":        {"変更履歴", "Changes"},
	"security.changes.none":   {"設定はまだ変更されていません (既定の設定です)。", "The settings were never changed (the defaults)."},
	"security.change.by":      {"変更者: %s", "by %s"},
	"security.change.profile": {"プロファイル: %s → %s", "Profile: %s → %s"},
	"security.change.on":      {"%s を有効化", "%s turned on"},
	"security.change.off":     {"%s を無効化", "%s turned off"},
	"security.change.none":    {"有効な設定項目に変更なし", "No control changed state"},

	"security.drift.title":   {"最終メンテナンスの結果", "Last maintenance"},
	"security.drift.none":    {"このアカウントはまだ定期メンテナンスされていません。", "No maintenance run has reached this account yet."},
	"security.drift.run":     {"実行日時", "Run"},
	"security.drift.ended":   {"終了日時", "Ended"},
	"security.drift.state":   {"状態", "State"},
	"security.drift.totals":  {"結果", "Outcome"},
	"security.drift.summary": {"%d 項目中、差分 %d 件、修復 %d 件、失敗 %d 件", "%d items: %d drifted, %d repaired, %d failed"},
	"security.drift.items":   {"差分・修復・失敗のあった項目", "Items with drift, repairs or failures"},
	"security.drift.clean":   {"差分はありませんでした。", "No drift was found."},
	"security.drift.region":  {"リージョン", "Region"},
	"security.drift.action":  {"対応", "Action"},
	"security.drift.detail":  {"内容（AWS・システムの原文、英語）", "Detail (as AWS or the system reports it)"},
	"security.drift.global":  {"グローバル", "Global"},

	"security.action.none":      {"準拠", "Compliant"},
	"security.action.repaired":  {"修復済み", "Repaired"},
	"security.action.reported":  {"報告のみ", "Reported"},
	"security.action.skipped":   {"対象外", "Skipped"},
	"security.action.failed":    {"失敗", "Failed"},
	"security.action.no_region": {"リージョン無効", "Region not enabled"},
	"security.run.running":      {"実行中", "Running"},
	"security.run.finished":     {"完了", "Finished"},
}
