package invoicedoc_test

import (
	"bytes"
	"encoding/csv"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/invoicedoc"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create it")
	assert.Equal(t, string(want), string(got), "%s differs: rerun with -update if the change is intended", path)
}

func TestCSVGolden(t *testing.T) {
	for name, d := range map[string]billing.Document{
		"invoice_jpy.golden.csv": jpyInvoice(),
		"credit_note.golden.csv": creditNote(),
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, invoicedoc.CSV(&buf, d))
			golden(t, name, buf.Bytes())

			// It reads back with encoding/csv: a header and a row per line, two per
			// tax rate and the total.
			rows, err := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
			require.NoError(t, err)
			require.Len(t, rows, 1+len(d.Lines)+2*len(d.Taxes)+1)
			assert.Equal(t, invoicedoc.CSVHeader(), rows[0])
			last := rows[len(rows)-1]
			assert.Equal(t, []string{invoicedoc.RowTotal, d.Total.String(), string(d.Currency)},
				[]string{last[3], last[12], last[13]})
			assert.True(t, bytes.HasSuffix(buf.Bytes(), []byte("\r\n")), "RFC 4180 line ends")
		})
	}
}

func TestCSVBOM(t *testing.T) {
	var plain, bom bytes.Buffer
	require.NoError(t, invoicedoc.CSV(&plain, jpyInvoice()))
	require.NoError(t, invoicedoc.CSVWithOptions(&bom, jpyInvoice(), invoicedoc.CSVOptions{BOM: true}))
	assert.False(t, bytes.HasPrefix(plain.Bytes(), []byte{0xEF, 0xBB, 0xBF}), "CSV writes no BOM")
	assert.Equal(t, append([]byte{0xEF, 0xBB, 0xBF}, plain.Bytes()...), bom.Bytes())
}

func TestCSVQuotes(t *testing.T) {
	d := jpyInvoice()
	d.Lines[6].Description = "運用代行費, \"月額\"\n2行目"
	var buf bytes.Buffer
	require.NoError(t, invoicedoc.CSV(&buf, d))
	rows, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, d.Lines[6].Description, rows[7][7], "a field with a comma, quotes and a newline round-trips")
}

// B-12: a document lacking an item a qualified invoice states is refused, and
// nothing is written.
func TestInvalidDocument(t *testing.T) {
	for name, change := range map[string]func(*billing.Document){
		"no number":        func(d *billing.Document) { d.Number = "" },
		"registration":     func(d *billing.Document) { d.Issuer.RegistrationNumber = "1234567890123" },
		"registration T12": func(d *billing.Document) { d.Issuer.RegistrationNumber = "T123456789012" },
		"no issuer":        func(d *billing.Document) { d.Issuer.Name = "" },
		"no recipient":     func(d *billing.Document) { d.Recipient = "" },
		"no issue date":    func(d *billing.Document) { d.IssueDate = time.Time{} },
		"kind":             func(d *billing.Document) { d.Kind = "receipt" },
		"line currency":    func(d *billing.Document) { d.Lines[0].Amount = usdInvoice().Lines[0].Amount },
	} {
		t.Run(name, func(t *testing.T) {
			d := jpyInvoice()
			change(&d)
			var buf bytes.Buffer
			require.ErrorIs(t, invoicedoc.CSV(&buf, d), invoicedoc.ErrInvalid)
			require.ErrorIs(t, invoicedoc.PDF(&buf, d, invoicedoc.Options{Font: []byte("unused")}), invoicedoc.ErrInvalid)
			assert.Zero(t, buf.Len())
		})
	}
	var buf bytes.Buffer
	err := invoicedoc.PDF(&buf, jpyInvoice(), invoicedoc.Options{Language: "fr", Font: []byte("unused")})
	require.ErrorIs(t, err, invoicedoc.ErrInvalid)
	assert.Zero(t, buf.Len())
}

func TestBadFont(t *testing.T) {
	var buf bytes.Buffer
	err := invoicedoc.PDF(&buf, jpyInvoice(), invoicedoc.Options{Font: []byte("not a font")})
	require.ErrorIs(t, err, invoicedoc.ErrInvalid, "a malformed font is an error, not a panic")
	assert.Zero(t, buf.Len())

	err = invoicedoc.PDF(&buf, jpyInvoice(), invoicedoc.Options{FontPath: filepath.Join(t.TempDir(), "none.ttf")})
	require.ErrorIs(t, err, os.ErrNotExist)
}

func TestFindFontEnv(t *testing.T) {
	t.Setenv(invoicedoc.FontEnv, filepath.Join(t.TempDir(), "missing.ttf"))
	_, err := invoicedoc.FindFont()
	require.ErrorIs(t, err, os.ErrNotExist)

	path := filepath.Join(t.TempDir(), "font.ttf")
	require.NoError(t, os.WriteFile(path, []byte("x"), 0o644))
	t.Setenv(invoicedoc.FontEnv, path)
	got, err := invoicedoc.FindFont()
	require.NoError(t, err)
	assert.Equal(t, path, got)
}

// tools returns the font's path, or skips the test (fails it on CI) when the font
// or pdftotext is missing.
func tools(t *testing.T) string {
	t.Helper()
	font, err := invoicedoc.FindFont()
	_, lookErr := exec.LookPath("pdftotext")
	if err == nil && lookErr == nil {
		return font
	}
	msg := "the PDF tests need the IPAex Gothic font and pdftotext: apt-get install fonts-ipaexfont poppler-utils"
	if err != nil {
		msg += "\n" + err.Error()
	}
	if lookErr != nil {
		msg += "\n" + lookErr.Error()
	}
	if os.Getenv("RESELLERKIT_CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

var fontCache = map[string][]byte{}

// render renders d and returns the PDF and its text as pdftotext -layout extracts
// it, each line's trailing spaces removed and runs of three or more spaces made
// three, so that the golden files hold the page's reading order and columns but
// not the exact spacing one poppler version computes.
func render(t *testing.T, d billing.Document, opt invoicedoc.Options) (pdf []byte, text string) {
	t.Helper()
	path := tools(t)
	if fontCache[path] == nil {
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		fontCache[path] = b
	}
	opt.Font = fontCache[path]
	var buf bytes.Buffer
	require.NoError(t, invoicedoc.PDF(&buf, d, opt))
	require.True(t, bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")))
	file := filepath.Join(t.TempDir(), "doc.pdf")
	require.NoError(t, os.WriteFile(file, buf.Bytes(), 0o644))
	out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", file, "-").Output()
	require.NoError(t, err)
	return buf.Bytes(), normalize(string(out))
}

var spaces = regexp.MustCompile(`   +`)

func normalize(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = spaces.ReplaceAllString(strings.TrimRight(l, " "), "   ")
	}
	return strings.Join(lines, "\n")
}

var options = invoicedoc.Options{
	IssuerAddress: []string{"〒100-0005 東京都千代田区丸の内1-1-1", "TEL 03-1234-5678"},
	Notes:         []string{"お振込先: みずほ銀行 丸の内支店 普通 1234567 カ)クラウドリセール", "お振込手数料はお客様のご負担でお願いいたします。"},
}

// B-12, B-11, B-10: the Japanese invoice states every item of a qualified invoice,
// and its text extracts as Japanese (the font's subset is embedded with its
// Unicode map).
func TestPDFInvoiceJapanese(t *testing.T) {
	d := jpyInvoice()
	_, text := render(t, d, options)
	golden(t, "invoice_jpy.golden.txt", []byte(text))

	for _, want := range []string{
		"適格請求書", "株式会社サンプル商事 御中", "株式会社クラウドリセール", "登録番号: T1234567890123",
		"請求書番号", "T1234567890123-2026-000042", "2026年11月10日", "2026年10月", "2026年11月30日",
		"1 USD = 150.25 JPY", "三菱UFJ銀行 TTM", "2026年10月30日", "消費税", "10%対象", "対象外(0%)",
		"Amazon Elastic Compute Cloud", "123456789012", "2026年9月分の請求後に発生した", "お振込先",
	} {
		assert.Contains(t, text, want)
	}
	// Every per-rate taxable amount and tax, the subtotal, the tax and the total.
	for _, tx := range d.Taxes {
		assert.Contains(t, text, yen(tx.Taxable.String()))
		assert.Contains(t, text, yen(tx.Tax.String()))
	}
	for _, a := range []string{d.Subtotal.String(), d.Tax.String(), d.Total.String()} {
		assert.Contains(t, text, yen(a))
	}
	assert.Equal(t, "¥362,502", yen(d.Taxes[0].Taxable.String()), "the test document is what the golden file shows")
	assert.Equal(t, 1, strings.Count(text, "\f"), "one page")
}

// yen formats whole yen as the PDF does.
func yen(s string) string {
	var b strings.Builder
	if strings.HasPrefix(s, "-") {
		b.WriteString("-")
		s = s[1:]
	}
	b.WriteString("¥")
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func TestPDFCreditNote(t *testing.T) {
	d := creditNote()
	_, text := render(t, d, invoicedoc.Options{Reference: "T1234567890123-2026-000042"})
	golden(t, "credit_note.golden.txt", []byte(text))
	for _, want := range []string{
		"適格返還請求書", "対象の請求書: T1234567890123-2026-000042", "返還請求書番号", "返還金額",
		"登録番号: T1234567890123", "¥12,345", "¥23,456", "¥35,801", "¥3,580", "¥39,381",
	} {
		assert.Contains(t, text, want)
	}
	// B-11's example: tax on the sum (¥3,580), not the sum of per-line taxes.
	assert.Equal(t, "3580", d.Tax.String())
	assert.NotContains(t, text, "為替レート", "no exchange rate: nothing was converted")
	assert.NotContains(t, text, "お支払期限", "a credit note has no due date")
}

func TestPDFEnglish(t *testing.T) {
	_, text := render(t, usdInvoice(), invoicedoc.Options{Language: "en", Reference: "T1234567890123-2026-000044"})
	golden(t, "invoice_usd_en.golden.txt", []byte(text))
	for _, want := range []string{
		"Invoice", "This invoice corrects invoice T1234567890123-2026-000044.", "To: Example Corp.",
		"Registration No.: T1234567890123", "Issue date", "November 12, 2026", "October 2026",
		"Due date", "December 31, 2026", "Taxable at 10%", "Consumption tax", "Total (incl. tax)",
		"$10,234.57", "$12.00", "$1,024.66", "$11,271.23", "$1,127.12", "$12,398.35",
	} {
		assert.Contains(t, text, want)
	}
	assert.NotContains(t, text, "Exchange rate")
	assert.NotRegexp(t, `\p{Han}|\p{Hiragana}|\p{Katakana}`, strings.ReplaceAll(text, "株式会社クラウドリセール", ""),
		"no Japanese string but the issuer's own name")
}

// A long invoice continues on further pages, each with the table's header again
// and its page number; the totals come once, at the end.
func TestPDFPagination(t *testing.T) {
	d := manyLines(120)
	_, text := render(t, d, invoicedoc.Options{})
	pages := strings.Split(strings.TrimSuffix(text, "\f"), "\f")
	require.GreaterOrEqual(t, len(pages), 3)
	for i, p := range pages {
		assert.Contains(t, p, "アカウント", "page %d repeats the table header", i+1)
		assert.Contains(t, p, " / "+strconv.Itoa(len(pages))+" ページ", "page %d is numbered", i+1)
		if i > 0 {
			assert.Contains(t, p, "(続き)", "page %d says it continues", i+1)
		}
	}
	// Every line is there once.
	assert.Equal(t, 120, strings.Count(text, "10%   ¥")+strings.Count(text, "10% ¥"))
	assert.Equal(t, 1, strings.Count(text, "合計(税込)"))
	assert.Contains(t, pages[len(pages)-1], yen(d.Total.String()))
}
