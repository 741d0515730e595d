package main

// The messages of the charges and documents pages (ui_charges.go), merged into
// the catalog.

func init() {
	for k, v := range chargesMessages {
		catalog[k] = v
	}
}

var chargesMessages = map[string]msg{
	"nav.charges":  {"ご利用料金", "Charges"},
	"nav.invoices": {"請求書", "Invoices"},

	"charges.title": {"ご利用料金", "Charges"},
	"charges.intro": {"選択中のメンバーズ組織の %s の利用料金 (当月分は現時点までの集計、税抜) です。",
		"The charges of the selected organization for %s (month to date for the current month, before tax)."},
	"charges.period":         {"対象月", "Month"},
	"charges.period.label":   {"対象月の切り替え", "Choose the month"},
	"charges.prev":           {"前月 (%s)", "Previous month (%s)"},
	"charges.next":           {"翌月 (%s)", "Next month (%s)"},
	"charges.updated":        {"最終更新: %s", "Last updated: %s"},
	"charges.updated.none":   {"この月の利用データはまだ集計されていません。", "No usage data has been aggregated for this month yet."},
	"charges.total":          {"利用料金合計", "Total charges"},
	"charges.estimate":       {"請求見込額 (税抜)", "Estimated invoice (before tax)"},
	"charges.currency":       {"通貨: %s", "Currency: %s"},
	"charges.projects":       {"プロジェクト別", "By project"},
	"charges.accounts":       {"AWSアカウント別", "By AWS account"},
	"charges.services":       {"サービス別", "By service"},
	"charges.groups":         {"CmBillingGroup 別", "By CmBillingGroup"},
	"charges.chart":          {"サービス別利用料金のグラフ", "Chart of the charges by service"},
	"charges.chart.desc":     {"上位のサービスの利用料金を横棒で示します。正確な金額は下の表をご覧ください。", "Horizontal bars of the largest services' charges; the exact amounts are in the table below."},
	"charges.col.project":    {"プロジェクト", "Project"},
	"charges.col.account":    {"AWSアカウントID", "AWS account ID"},
	"charges.col.service":    {"サービス", "Service"},
	"charges.col.group":      {"CmBillingGroup", "CmBillingGroup"},
	"charges.col.charges":    {"利用料金", "Charges"},
	"charges.col.credits":    {"クレジット", "Credits"},
	"charges.col.custom":     {"カスタム項目", "Custom items"},
	"charges.col.support":    {"サポート費用", "Support fee"},
	"charges.col.estimate":   {"見込額", "Estimate"},
	"charges.group.untagged": {"(タグなし)", "(untagged)"},
	"charges.empty":          {"この月の利用料金はありません。", "There are no charges for this month."},
	"charges.note": {"利用データはAWSから1〜1.5日遅れて反映されます。金額は換算前の正確な値です。",
		"Usage data reaches the portal 1 to 1.5 days after AWS records it. The amounts are exact, before conversion."},

	"invoices.title":            {"請求書・返還請求書", "Invoices and credit notes"},
	"invoices.intro":            {"選択中のメンバーズ組織に発行された適格請求書と適格返還請求書です。", "The qualified invoices and credit notes issued to the selected organization."},
	"invoices.caption":          {"%s の請求書", "Invoices of %s"},
	"invoices.number":           {"番号", "Number"},
	"invoices.period":           {"対象月", "Month"},
	"invoices.kind":             {"種別", "Kind"},
	"invoices.total":            {"合計 (税込)", "Total (tax included)"},
	"invoices.issued":           {"発行日", "Issue date"},
	"invoices.download":         {"ダウンロード", "Download"},
	"invoices.kind.invoice":     {"請求書", "Invoice"},
	"invoices.kind.credit_note": {"返還請求書", "Credit note"},
	"invoices.pdf.ja":           {"PDF (日本語)", "PDF (Japanese)"},
	"invoices.pdf.en":           {"PDF (英語)", "PDF (English)"},
	"invoices.csv":              {"CSV", "CSV"},
	"invoices.download.label":   {"%s をダウンロード", "Download %s"},
	"invoices.empty":            {"発行済みの請求書はありません。", "No invoice has been issued."},
}
