package invoicedoc

import (
	"fmt"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// labels holds every string the PDF prints, in one language.
type labels struct {
	invoiceTitle, creditTitle string
	corrects                  func(ref string) string // a corrected invoice's note
	refersTo                  func(ref string) string // a credit note's note
	recipient                 func(name string) string
	registration              string
	invoiceNumber, creditNo   string
	issueDate, period         string
	dueDate, currency         string
	exchangeRate              string
	rate                      func(from, to money.Currency, r money.Decimal) string
	rateSource                func(source, date string) string
	amountDue, amountReturned string
	taxIncluded               string
	colAccount, colService    string
	colDescription, colRate   string
	colAmount                 string
	taxClass                  func(rate money.Decimal) string
	taxRate, taxable, tax     string
	subtotal, taxTotal, total string
	rounding                  func(modes string) string
	roundingMode              map[money.RoundingMode]string
	kind                      map[billing.LineKind]string
	lateCredits               func(m resellerkit.Month) string
	continued                 string
	page                      func(n, total string) string
	date                      func(t time.Time) string
	month                     func(m resellerkit.Month) string
	periodRange               func(m resellerkit.Month) string
	list                      string // separates the items of a list
}

var japanese = labels{
	invoiceTitle: "適格請求書",
	creditTitle:  "適格返還請求書",
	corrects:     func(ref string) string { return "本書は請求書 " + ref + " を訂正するものです。" },
	refersTo:     func(ref string) string { return "対象の請求書: " + ref },
	recipient:    func(name string) string { return name + " 御中" },
	registration: "登録番号",

	invoiceNumber: "請求書番号",
	creditNo:      "返還請求書番号",
	issueDate:     "発行日",
	period:        "取引期間",
	dueDate:       "お支払期限",
	currency:      "通貨",
	exchangeRate:  "為替レート",
	rate: func(from, to money.Currency, r money.Decimal) string {
		return fmt.Sprintf("1 %s = %s %s", from, r, to)
	},
	rateSource: func(source, date string) string {
		switch {
		case source != "" && date != "":
			return "出典: " + source + "(" + date + ")"
		case source != "":
			return "出典: " + source
		case date != "":
			return date + " のレート"
		}
		return ""
	},
	amountDue:      "ご請求金額",
	amountReturned: "返還金額",
	taxIncluded:    "(税込)",

	colAccount:     "アカウント",
	colService:     "サービス",
	colDescription: "内容",
	colRate:        "税率",
	colAmount:      "金額(税抜)",

	taxClass: func(rate money.Decimal) string {
		if rate.IsZero() {
			return "対象外(0%)"
		}
		return percent(rate) + "対象"
	},
	taxRate:  "税率区分",
	taxable:  "税抜金額",
	tax:      "消費税",
	subtotal: "小計(税抜)",
	taxTotal: "消費税合計",
	total:    "合計(税込)",
	rounding: func(modes string) string {
		return "消費税は税率ごとの合計額に対して一度だけ端数処理しています(" + modes + ")。"
	},
	roundingMode: map[money.RoundingMode]string{
		money.HalfUp:   "四捨五入",
		money.HalfEven: "偶数丸め",
		money.Floor:    "切り捨て",
		money.Ceil:     "切り上げ",
		money.Down:     "0方向への切り捨て",
	},
	kind: map[billing.LineKind]string{
		billing.LineService:     "ご利用料金",
		billing.LineCredits:     "クレジット・返金",
		billing.LineCustom:      "その他",
		billing.LineSupportFee:  "サポート料金",
		billing.LineLateCredits: "クレジット・返金",
		billing.LineReturn:      "返還",
	},
	lateCredits: func(m resellerkit.Month) string {
		return fmt.Sprintf("%d年%d月分の請求後に発生したクレジット・返金", m.Year(), int(m.Month()))
	},
	continued: "(続き)",
	page:      func(n, total string) string { return n + " / " + total + " ページ" },
	date: func(t time.Time) string {
		t = t.UTC()
		return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
	},
	month: func(m resellerkit.Month) string { return fmt.Sprintf("%d年%d月", m.Year(), int(m.Month())) },
	periodRange: func(m resellerkit.Month) string {
		last := m.End().AddDate(0, 0, -1)
		return fmt.Sprintf("%d年%d月1日〜%d月%d日", m.Year(), int(m.Month()), int(last.Month()), last.Day())
	},
	list: "、",
}

var english = labels{
	invoiceTitle: "Invoice",
	creditTitle:  "Credit note",
	corrects:     func(ref string) string { return "This invoice corrects invoice " + ref + "." },
	refersTo:     func(ref string) string { return "Credit note for invoice " + ref },
	recipient:    func(name string) string { return "To: " + name },
	registration: "Registration No.",

	invoiceNumber: "Invoice No.",
	creditNo:      "Credit note No.",
	issueDate:     "Issue date",
	period:        "Period",
	dueDate:       "Due date",
	currency:      "Currency",
	exchangeRate:  "Exchange rate",
	rate: func(from, to money.Currency, r money.Decimal) string {
		return fmt.Sprintf("1 %s = %s %s", from, r, to)
	},
	rateSource: func(source, date string) string {
		switch {
		case source != "" && date != "":
			return "Source: " + source + " (" + date + ")"
		case source != "":
			return "Source: " + source
		case date != "":
			return "Rate of " + date
		}
		return ""
	},
	amountDue:      "Amount due",
	amountReturned: "Amount returned",
	taxIncluded:    " (tax included)",

	colAccount:     "Account",
	colService:     "Service",
	colDescription: "Description",
	colRate:        "Tax",
	colAmount:      "Amount (excl. tax)",

	taxClass: func(rate money.Decimal) string {
		if rate.IsZero() {
			return "Not taxed (0%)"
		}
		return "Taxable at " + percent(rate)
	},
	taxRate:  "Tax rate",
	taxable:  "Amount excl. tax",
	tax:      "Consumption tax",
	subtotal: "Subtotal (excl. tax)",
	taxTotal: "Total consumption tax",
	total:    "Total (incl. tax)",
	rounding: func(modes string) string {
		return "Consumption tax is rounded once on the total of each rate (" + modes + ")."
	},
	roundingMode: map[money.RoundingMode]string{
		money.HalfUp:   "half up",
		money.HalfEven: "half to even",
		money.Floor:    "rounded down",
		money.Ceil:     "rounded up",
		money.Down:     "toward zero",
	},
	kind: map[billing.LineKind]string{
		billing.LineService:     "Usage",
		billing.LineCredits:     "Credits and refunds",
		billing.LineCustom:      "Other",
		billing.LineSupportFee:  "Support fee",
		billing.LineLateCredits: "Credits and refunds",
		billing.LineReturn:      "Return",
	},
	lateCredits: func(m resellerkit.Month) string {
		return "Credits and refunds of " + m.Start().Format("January 2006") + " received after its invoice"
	},
	continued: "(continued)",
	page:      func(n, total string) string { return "Page " + n + " of " + total },
	date:      func(t time.Time) string { return t.UTC().Format("January 2, 2006") },
	month:     func(m resellerkit.Month) string { return m.Start().Format("January 2006") },
	periodRange: func(m resellerkit.Month) string {
		last := m.End().AddDate(0, 0, -1)
		return m.Start().Format("January 2") + " – " + last.Format("January 2, 2006")
	},
	list: ", ",
}
