// Package invoicedoc exports an issued billing.Document — a qualified invoice
// (適格請求書) or a qualified credit note (適格返還請求書) — as CSV for spreadsheets
// and accounting systems, and as a PDF to send to the customer (DOMAIN.md B-10,
// B-11, B-12, B-16).
//
// # What the document states, and why
//
// Since October 2023 Japan's qualified invoice system (インボイス制度, 適格請求書等
// 保存方式) lets a customer deduct the consumption tax it paid only when it keeps a
// qualified invoice from a registered issuer. Such an invoice must state: the
// issuer's name and registration number (登録番号: T and 13 digits); the date of
// the transactions (a monthly invoice may state the month); what was supplied;
// the amounts, totalled per tax rate, with the rates; the consumption tax per
// rate; and the recipient. A qualified credit note states the same of the money
// returned. The tax of a rate is computed once on the rate's total and rounded
// once: summing per-line rounded taxes is not allowed (B-11).
//
// PDF prints all of it, in Japanese (the default) or English: the title; the
// recipient with 御中; the issuer with its registration number (and, optionally,
// its address); the document's number, issue date, transaction period (the billed
// month and its first and last day), due date, currency and — when the amounts
// were converted from the cost data's currency — the one exchange rate of the
// document with its source and date (B-10); the lines (account, service,
// description, tax rate, amount excluding tax); per rate the taxable amount and the
// tax (10%対象 …); the subtotal, the tax and the total; and how the tax was
// rounded. A corrected invoice says which number it corrects and a credit note
// which invoice it refers to: a billing.Document names that one by ID, so the
// caller passes its number in Options.Reference. Amounts are printed as the
// document holds them, never recomputed: ¥1,234,567 for yen (no decimals),
// $1,234.50 for dollars, a minus sign for credits. Dates follow the language:
// 2026年11月10日, November 10, 2026. Long tables continue on the following pages
// with their header repeated; every page's footer carries the number and the page
// count.
//
// Both functions refuse, with an error wrapping ErrInvalid and writing nothing, a
// document that lacks an item above (no number, a registration number not of the
// form T + 13 digits, an amount in another currency than the document's, …):
// printing it would give the customer an invoice that is not qualified.
//
// # CSV
//
// CSV writes RFC 4180 (encoding/csv, CRLF) UTF-8: a header, one row per line with
// the exact amount in the cost currency next to the rounded amount, then the
// taxable amount and the tax of each rate and the total (see CSVHeader). It writes
// no byte order mark; Excel in Japan needs one to read UTF-8, so
// CSVWithOptions(w, d, CSVOptions{BOM: true}) is the call for Excel users.
//
// # The font
//
// A PDF shows Japanese only with a font that has its glyphs, and a document that
// must look the same everywhere embeds it. PDF uses IPAex Gothic (IPAexゴシック),
// the font of Japan's Information-technology Promotion Agency (IPA) for business
// documents (JIS X 0213 kanji, proportional kana and Latin), shipped by Debian and
// Ubuntu as fonts-ipaexfont-gothic (in fonts-ipaexfont) and by Homebrew as the
// font-ipaexfont cask. It is released under the IPA Font License Agreement v1.0,
// an OSI-approved open-source licence under which a font embedded in a document
// is not a derived program: fpdf (github.com/go-pdf/fpdf) embeds only the subset
// of glyphs a document uses, with the Unicode map that lets readers copy and
// search the text (a one-page invoice is about 50 KB). The font is not bundled with
// this module: FindFont looks for ipaexg.ttf where package managers install it,
// or Options.Font and Options.FontPath name another TrueType (.ttf) font, e.g.
// the company's own. Fonts with PostScript outlines (.otf) and collections (.ttc),
// which fpdf cannot embed, are refused.
//
// Characters outside Unicode's Basic Multilingual Plane (emoji, rare kanji of
// plane 2), which fpdf cannot draw, are printed as 〓.
package invoicedoc
