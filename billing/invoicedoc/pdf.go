package invoicedoc

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/go-pdf/fpdf"

	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// Options change how PDF renders a document. The zero value renders in Japanese
// with the IPAex Gothic font FindFont finds.
type Options struct {
	// Language is "ja" (the default when empty) or "en": every string the
	// document prints, dates and the recipient's honorific follow it. The
	// document's own text (names, descriptions) is printed as it is.
	Language string
	// Font is a TrueType font (.ttf bytes) with the glyphs of every character
	// printed; fpdf embeds the subset of it the document uses. When empty, the
	// font is read from FontPath, or when that is empty too, from FindFont.
	// Callers rendering many documents read the file once and pass it here.
	Font []byte
	// FontPath is the path of the TrueType font when Font is empty.
	FontPath string
	// IssuerAddress is printed under the issuer's name, one line each (address,
	// telephone, contact). A qualified invoice does not require it.
	IssuerAddress []string
	// Notes are printed at the end, one paragraph each: payment instructions
	// (the bank account, お振込先), a contact.
	Notes []string
	// Reference is the number of the document that d.Replaces (a corrected
	// invoice) or d.RefersTo (a credit note) names, which a billing.Document
	// holds only as an ID: the caller looks it up. When empty the ID is printed.
	Reference string
}

// The layout, in millimetres on A4 portrait.
const (
	pageW, pageH = 210.0, 297.0
	margin       = 15.0
	contentW     = pageW - 2*margin
	footerY      = pageH - 10
	bodyBottom   = pageH - 18 // nothing but the footer below
	lineH        = 5.0        // a table row's line
	cellMargin   = 1.0        // the space left and right of a cell's text
	fontFamily   = "doc"
)

// table columns: account, service, description, tax rate, amount.
var colW = [5]float64{27, 50, 60, 13, 30}

// PDF renders d as a one- or many-page A4 PDF and writes it to w. The document
// states every item of a qualified invoice (B-12), in opt.Language: the title
// (適格請求書 / Invoice, 適格返還請求書 / Credit note; a corrected invoice says which
// it corrects, a credit note which invoice it refers to), the recipient (御中), the
// issuer's name and registration number, the number, issue date, transaction period
// (the month), due date (invoices), currency and — when the amounts were converted —
// the exchange rate with its source and date; the lines (account, service,
// description, tax rate, amount); per tax rate the taxable amount and the tax; the
// subtotal, the tax and the total. A line table longer than a page continues on the
// next with its header repeated; every page's footer has the number and "page n of
// N". Yen are printed as ¥1,234,567, dollars as $1,234.50.
//
// A document lacking an item of B-12, or an unknown Language, is an error wrapping
// ErrInvalid; a missing font one wrapping ErrFontNotFound. Nothing is written to w
// on error.
func PDF(w io.Writer, d billing.Document, opt Options) (err error) {
	if err := check(d); err != nil {
		return err
	}
	var lb *labels
	switch opt.Language {
	case "", "ja":
		lb = &japanese
	case "en":
		lb = &english
	default:
		return fmt.Errorf("%w: language %q: want ja or en", ErrInvalid, opt.Language)
	}
	font := opt.Font
	if len(font) == 0 {
		path := opt.FontPath
		if path == "" {
			if path, err = FindFont(); err != nil {
				return err
			}
		}
		if font, err = os.ReadFile(path); err != nil {
			return fmt.Errorf("invoicedoc: reading the font: %w", err)
		}
	}
	// fpdf reports most problems through Error, but a malformed font makes it
	// panic: a library function returns an error instead.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("invoicedoc: rendering the PDF: %v", r)
		}
	}()
	if err := checkFont(font); err != nil {
		return err
	}
	// Two passes: the first counts the pages, which every footer states. (fpdf's
	// page-count alias is sized as its placeholder, so a right-aligned "of N"
	// would sit off the margin.)
	var r *renderer
	total := ""
	for range 2 {
		r = newRenderer(d, opt, lb, font, total)
		r.render()
		if e := r.pdf.Error(); e != nil {
			return fmt.Errorf("invoicedoc: rendering the PDF: %w", e)
		}
		total = strconv.Itoa(r.pdf.PageNo())
	}
	var buf bytes.Buffer
	if err := r.pdf.Output(&buf); err != nil {
		return fmt.Errorf("invoicedoc: rendering the PDF: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// checkFont refuses what fpdf cannot embed, before fpdf prints its own complaint.
func checkFont(b []byte) error {
	if len(b) >= 4 {
		switch string(b[:4]) {
		case "\x00\x01\x00\x00", "true":
			return nil
		case "OTTO":
			return fmt.Errorf("%w: the font has PostScript (CFF) outlines; fpdf embeds TrueType outlines only: use a .ttf such as IPAex Gothic", ErrInvalid)
		case "ttcf":
			return fmt.Errorf("%w: the font is a TrueType collection (.ttc); fpdf embeds a single .ttf such as IPAex Gothic", ErrInvalid)
		}
	}
	return fmt.Errorf("%w: the font is not a TrueType font (.ttf)", ErrInvalid)
}

// renderer draws one document.
type renderer struct {
	pdf *fpdf.Fpdf
	d   billing.Document
	opt Options
	lb  *labels
	// inTable makes a page break draw the line table's header again.
	inTable bool
	pages   string // the number of pages, for the footers
}

func newRenderer(d billing.Document, opt Options, lb *labels, font []byte, pages string) *renderer {
	p := fpdf.New("P", "mm", "A4", "")
	p.AddUTF8FontFromBytes(fontFamily, "", font)
	p.SetMargins(margin, margin, margin)
	p.SetAutoPageBreak(false, 0) // the renderer breaks pages itself, see need
	p.SetCellMargin(cellMargin)
	// A document renders to the same bytes every time.
	stamp := d.IssuedAt
	if stamp.IsZero() {
		stamp = d.IssueDate
	}
	p.SetCreationDate(stamp)
	p.SetModificationDate(stamp)
	p.SetCatalogSort(true)
	p.SetTitle(sanitize(title(d, lb)+" "+d.Number), true)
	p.SetAuthor(sanitize(d.Issuer.Name), true)
	p.SetCreator("resellerkit", false)
	p.SetLang(map[*labels]string{&japanese: "ja-JP", &english: "en"}[lb])
	r := &renderer{pdf: p, d: d, opt: opt, lb: lb, pages: pages}
	p.SetFooterFunc(r.footer)
	return r
}

func title(d billing.Document, lb *labels) string {
	if d.Kind == billing.DocCreditNote {
		return lb.creditTitle
	}
	return lb.invoiceTitle
}

func (r *renderer) font(size float64) { r.pdf.SetFont(fontFamily, "", size) }

// text draws s in a cell of width w at the current position; ln as CellFormat.
func (r *renderer) text(w, h float64, s, align string, ln int) {
	r.pdf.CellFormat(w, h, sanitize(s), "", ln, align, false, 0, "")
}

// wrap splits s into the lines that fit a cell of width w in the current font.
// It breaks at spaces, which it drops, and between Japanese characters, but not
// before closing punctuation (、。」) nor after opening brackets (禁則処理). fpdf's
// own SplitText is not used: it drops the kanji at which it breaks a line.
func (r *renderer) wrap(s string, w float64) []string {
	limit := w - 2*cellMargin
	var out []string
	for _, para := range strings.Split(sanitize(s), "\n") {
		rs := []rune(para)
		start, brk, width := 0, -1, 0.0
		for i := 0; i < len(rs); i++ {
			if i > start && breakBefore(rs[i-1], rs[i]) {
				brk = i
			}
			width += r.pdf.GetStringWidth(string(rs[i]))
			if width <= limit || i == start {
				continue
			}
			if brk <= start {
				brk = i // no break opportunity: cut the word
			}
			out = append(out, strings.TrimRight(string(rs[start:brk]), " "))
			for brk < len(rs) && rs[brk] == ' ' {
				brk++
			}
			start, i, width = brk, brk-1, 0
		}
		if start < len(rs) || len(rs) == 0 {
			out = append(out, string(rs[start:]))
		}
	}
	return out
}

// breakBefore reports whether a line may break between a and b.
func breakBefore(a, b rune) bool {
	switch {
	case a == ' ':
		return b != ' '
	case strings.ContainsRune("、。，．・ー）」』】〕〉》｝ぁぃぅぇぉっゃゅょァィゥェォッャュョ),.:;!?%", b):
		return false
	case strings.ContainsRune("（「『【〔〈《｛(", a):
		return false
	}
	return wide(a) || wide(b)
}

// wide reports whether r is a Japanese character, between which lines break
// without a space.
func wide(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) ||
		(r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF)
}

// need starts a new page unless h millimetres fit above the footer; a table
// continued on the new page gets its header again.
func (r *renderer) need(h float64) {
	if r.pdf.GetY()+h <= bodyBottom {
		return
	}
	r.pdf.AddPage()
	r.pdf.SetY(margin)
	if r.inTable {
		r.font(8)
		r.pdf.SetTextColor(90, 90, 90)
		r.text(contentW, 5, title(r.d, r.lb)+" "+r.d.Number+" "+r.lb.continued, "L", 1)
		r.pdf.SetTextColor(0, 0, 0)
		r.tableHeader()
	}
}

func (r *renderer) footer() {
	p := r.pdf
	p.SetY(footerY)
	r.font(8)
	p.SetTextColor(90, 90, 90)
	r.text(contentW/2, 4, r.d.Number, "L", 0)
	r.text(contentW/2, 4, r.lb.page(strconv.Itoa(p.PageNo()), r.pages), "R", 0)
	p.SetTextColor(0, 0, 0)
}

func (r *renderer) render() {
	p, d, lb := r.pdf, r.d, r.lb
	p.AddPage()

	// The title, and what a corrected invoice or a credit note refers to.
	r.font(20)
	p.SetY(margin)
	r.text(contentW, 10, title(d, lb), "C", 1)
	ref := r.opt.Reference
	switch {
	case d.Kind == billing.DocInvoice && d.Replaces != "":
		if ref == "" {
			ref = d.Replaces
		}
		r.font(9)
		r.text(contentW, 5, lb.corrects(ref), "C", 1)
	case d.Kind == billing.DocCreditNote && d.RefersTo != "":
		if ref == "" {
			ref = d.RefersTo
		}
		r.font(9)
		r.text(contentW, 5, lb.refersTo(ref), "C", 1)
	}
	top := p.GetY() + 6

	// Right: the issuer.
	const rightX, rightW = margin + 112, contentW - 112
	p.SetXY(rightX, top)
	r.font(11)
	for _, s := range r.wrap(d.Issuer.Name, rightW) {
		p.SetX(rightX)
		r.text(rightW, 5.5, s, "L", 1)
	}
	r.font(9)
	p.SetX(rightX)
	r.text(rightW, 5, lb.registration+": "+d.Issuer.RegistrationNumber, "L", 1)
	for _, line := range r.opt.IssuerAddress {
		for _, s := range r.wrap(line, rightW) {
			p.SetX(rightX)
			r.text(rightW, 4.5, s, "L", 1)
		}
	}
	rightBottom := p.GetY()

	// Left: the recipient, then the document's facts.
	const leftW = 104.0
	p.SetXY(margin, top)
	r.font(13)
	for _, s := range r.wrap(lb.recipient(d.Recipient), leftW) {
		r.text(leftW, 7, s, "L", 1)
	}
	y := p.GetY() + 0.5
	p.SetLineWidth(0.3)
	p.Line(margin, y, margin+leftW, y)
	p.SetY(y + 3)
	r.facts(leftW)
	p.SetY(max(p.GetY(), rightBottom) + 4)

	// The amount due (or returned), tax included.
	label := lb.amountDue
	if d.Kind == billing.DocCreditNote {
		label = lb.amountReturned
	}
	y = p.GetY()
	p.SetFillColor(235, 240, 247)
	p.Rect(margin, y, leftW, 11, "FD")
	p.SetXY(margin+1, y+1.5)
	r.font(10)
	label += lb.taxIncluded
	labelW := p.GetStringWidth(label) + 2*cellMargin
	r.text(labelW, 8, label, "L", 0)
	r.font(15)
	r.text(leftW-2-labelW, 8, formatAmount(d.Total)+" ("+string(d.Currency)+")", "R", 1)
	p.SetY(y + 11 + 3)

	if d.Description != "" {
		r.font(9)
		for _, s := range r.wrap(d.Description, contentW) {
			r.need(4.5)
			r.text(contentW, 4.5, s, "L", 1)
		}
		p.Ln(2)
	}

	r.lines()
	r.totals()
	r.notes()
}

// facts prints the number, dates, period, currency and exchange rate as label and
// value rows in a column of width w.
func (r *renderer) facts(w float64) {
	p, d, lb := r.pdf, r.d, r.lb
	const labelW = 30.0
	row := func(label string, values ...string) {
		r.font(9)
		first := true
		for _, v := range values {
			if v == "" {
				continue
			}
			for _, s := range r.wrap(v, w-labelW) {
				p.SetX(margin)
				if first {
					p.SetTextColor(90, 90, 90)
					r.text(labelW, 5, label, "L", 0)
					p.SetTextColor(0, 0, 0)
					first = false
				} else {
					p.SetX(margin + labelW)
				}
				r.text(w-labelW, 5, s, "L", 1)
			}
		}
	}
	number := lb.invoiceNumber
	if d.Kind == billing.DocCreditNote {
		number = lb.creditNo
	}
	row(number, d.Number)
	row(lb.issueDate, lb.date(d.IssueDate))
	row(lb.period, lb.month(d.Period)+" ("+lb.periodRange(d.Period)+")")
	if !d.DueDate.IsZero() {
		row(lb.dueDate, lb.date(d.DueDate))
	}
	row(lb.currency, string(d.Currency))
	if converted(d) {
		date := ""
		if !d.ExchangeRateDate.IsZero() {
			date = lb.date(d.ExchangeRateDate)
		}
		from := d.CostCurrency
		if from == "" {
			from = money.USD
		}
		row(lb.exchangeRate, lb.rate(from, d.Currency, d.ExchangeRate), lb.rateSource(d.ExchangeRateSource, date))
	}
}

func (r *renderer) tableHeader() {
	p, lb := r.pdf, r.lb
	r.font(8.5)
	p.SetFillColor(226, 232, 240)
	p.SetDrawColor(150, 150, 150)
	p.SetLineWidth(0.2)
	heads := [5]string{lb.colAccount, lb.colService, lb.colDescription, lb.colRate, lb.colAmount}
	align := [5]string{"L", "L", "L", "C", "R"}
	for i, h := range heads {
		p.CellFormat(colW[i], 6, sanitize(h), "1", 0, align[i], true, 0, "")
	}
	p.Ln(6)
}

// lineCells returns a line's text per column.
func (r *renderer) lineCells(l billing.DocumentLine) [5]string {
	lb := r.lb
	service := l.ServiceName
	if service == "" {
		service = l.Service
	}
	desc := l.Description
	switch {
	case l.Kind == billing.LineLateCredits && !l.RefPeriod.IsZero() && desc == "":
		desc = lb.lateCredits(l.RefPeriod)
	case l.Kind == billing.LineLateCredits && !l.RefPeriod.IsZero():
		desc += " (" + lb.month(l.RefPeriod) + ")"
	case desc == "" && lb.kind[l.Kind] != "":
		desc = lb.kind[l.Kind]
	case desc == "":
		desc = string(l.Kind)
	}
	return [5]string{l.AccountID, service, desc, percent(l.TaxRate), formatAmount(l.Amount)}
}

func (r *renderer) lines() {
	p := r.pdf
	r.need(6 + lineH)
	r.inTable = true
	r.tableHeader()
	align := [5]string{"L", "L", "L", "C", "R"}
	for n, l := range r.d.Lines {
		cells := r.lineCells(l)
		r.font(8.5)
		wrapped := make([][]string, len(cells))
		rows := 1
		for i, c := range cells {
			wrapped[i] = r.wrap(c, colW[i])
			rows = max(rows, len(wrapped[i]))
		}
		h := float64(rows)*lineH + 1
		r.need(h)
		y := p.GetY()
		if n%2 == 1 {
			p.SetFillColor(247, 249, 252)
			p.Rect(margin, y, contentW, h, "F")
		}
		x := margin
		for i := range cells {
			for j, s := range wrapped[i] {
				p.SetXY(x, y+0.5+float64(j)*lineH)
				p.CellFormat(colW[i], lineH, s, "", 0, align[i], false, 0, "")
			}
			x += colW[i]
		}
		p.SetDrawColor(200, 200, 200)
		p.Line(margin, y+h, margin+contentW, y+h)
		p.SetY(y + h)
	}
	r.inTable = false
	p.Ln(4)
}

// totals prints per tax rate the taxable amount and the tax (B-11), then the
// subtotal, tax and total, right-aligned under the lines.
func (r *renderer) totals() {
	p, d, lb := r.pdf, r.d, r.lb
	rows := len(d.Taxes) + 4
	r.need(float64(rows)*6 + 12)
	const w0, w1, w2 = 36.0, 38.0, 38.0
	x := margin + contentW - (w0 + w1 + w2)
	p.SetDrawColor(150, 150, 150)
	p.SetLineWidth(0.2)
	cell := func(w float64, s, border, align string, fill bool) {
		p.CellFormat(w, 6, sanitize(s), border, 0, align, fill, 0, "")
	}
	r.font(8.5)
	p.SetFillColor(226, 232, 240)
	p.SetX(x)
	cell(w0, lb.taxRate, "1", "L", true)
	cell(w1, lb.taxable, "1", "R", true)
	cell(w2, lb.tax, "1", "R", true)
	p.Ln(6)
	r.font(9)
	for _, t := range d.Taxes {
		p.SetX(x)
		cell(w0, lb.taxClass(t.Rate), "1", "L", false)
		cell(w1, formatAmount(t.Taxable), "1", "R", false)
		cell(w2, formatAmount(t.Tax), "1", "R", false)
		p.Ln(6)
	}
	p.Ln(2)
	for i, row := range [][2]string{
		{lb.subtotal, formatAmount(d.Subtotal)},
		{lb.taxTotal, formatAmount(d.Tax)},
		{lb.total, formatAmount(d.Total)},
	} {
		p.SetX(x + w0)
		fill := i == 2
		if fill {
			r.font(10)
		}
		cell(w1, row[0], "1", "L", fill)
		cell(w2, row[1], "1", "R", fill)
		p.Ln(6)
	}
	// How the tax was rounded: once per rate (B-11).
	var modes []string
	for _, t := range d.Taxes {
		if m := lb.roundingMode[t.Rounding]; m != "" && !slices.Contains(modes, m) {
			modes = append(modes, m)
		}
	}
	if len(modes) > 0 {
		p.Ln(1)
		r.font(7.5)
		p.SetTextColor(90, 90, 90)
		for _, s := range r.wrap(lb.rounding(strings.Join(modes, lb.list)), contentW) {
			r.text(contentW, 4, s, "R", 1)
		}
		p.SetTextColor(0, 0, 0)
	}
}

func (r *renderer) notes() {
	if len(r.opt.Notes) == 0 {
		return
	}
	p := r.pdf
	p.Ln(4)
	r.font(9)
	for _, n := range r.opt.Notes {
		for _, s := range r.wrap(n, contentW) {
			r.need(4.8)
			r.text(contentW, 4.8, s, "L", 1)
		}
		p.Ln(1.5)
	}
}
