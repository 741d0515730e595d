package main

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// The UI's languages: Japanese by default, English by choice (the language
// cookie, set by the switch in the header) or by the browser's Accept-Language.

// lang is a language of the UI.
type lang string

// The UI's languages; langs lists them, the default first.
const (
	langJA lang = "ja"
	langEN lang = "en"
)

var langs = []lang{langJA, langEN}

// langCookie remembers the language a person chose with the switch.
const langCookie = "rk_lang"

// parseLang returns the UI language s names, if it is one.
func parseLang(s string) (lang, bool) {
	for _, l := range langs {
		if string(l) == s {
			return l, true
		}
	}
	return "", false
}

// langOf returns the request's language: the cookie's when it names one, else the
// first of Accept-Language's languages (by weight) that the UI has, else Japanese.
func langOf(r *http.Request) lang {
	if c, err := r.Cookie(langCookie); err == nil {
		if l, ok := parseLang(c.Value); ok {
			return l
		}
	}
	return acceptLanguage(r.Header.Get("Accept-Language"))
}

// acceptLanguage picks the UI language an Accept-Language header prefers most
// (RFC 9110 §12.5.4: the highest q wins, earlier wins a tie, q=0 refuses); Japanese
// when it names none of them.
func acceptLanguage(h string) lang {
	best, bestQ := langJA, 0.0
	for _, part := range strings.Split(h, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				continue
			}
			q = f
		}
		primary, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		l, ok := parseLang(primary)
		if ok && q > bestQ {
			best, bestQ = l, q
		}
	}
	return best
}

// msg is one message of the catalog in every language.
type msg struct{ ja, en string }

// in returns the message in l.
func (m msg) in(l lang) string {
	if l == langEN {
		return m.en
	}
	return m.ja
}

// translate returns the message key in l, formatted with args (fmt verbs) when
// there are any. A key the catalog lacks is an error, so a template that uses one
// fails to render (TestUI_EveryTemplateRendersInEveryLanguage finds them).
func translate(l lang, key string, args ...any) (string, error) {
	m, ok := catalog[key]
	if !ok {
		return "", fmt.Errorf("ui: no message %q", key)
	}
	if len(args) == 0 {
		return m.in(l), nil
	}
	return fmt.Sprintf(m.in(l), args...), nil
}

// catalog holds every string the UI shows, by key, in Japanese and English. The
// Japanese wording follows the help pages of the customer portal the UI mirrors.
var catalog = map[string]msg{
	"app.name":         {"リセラーポータル", "Reseller portal"},
	"skip":             {"メインコンテンツまでスキップ", "Skip to main content"},
	"nav.label":        {"メインメニュー", "Main menu"},
	"nav.accounts":     {"AWSアカウント", "AWS accounts"},
	"lang.label":       {"表示言語", "Language"},
	"lang.switch":      {"English", "日本語"},
	"lang.switch.hint": {"Switch to English", "日本語に切り替える"},
	"org.label":        {"メンバーズ組織", "Organization"},
	"org.switch":       {"切り替え", "Switch"},
	"signout":          {"サインアウト", "Sign out"},
	"signedin.as":      {"サインイン中: %s", "Signed in as %s"},

	"signin.title":          {"サインイン", "Sign in"},
	"signin.email":          {"メールアドレス", "Email address"},
	"signin.password":       {"パスワード", "Password"},
	"signin.submit":         {"サインイン", "Sign in"},
	"signin.failed":         {"メールアドレスまたはパスワードが正しくありません。", "The email address or password is incorrect."},
	"signin.throttled":      {"試行回数が多すぎます。%d 秒後にもう一度お試しください。", "Too many attempts. Try again in %d seconds."},
	"signin.missing":        {"メールアドレスとパスワードを入力してください。", "Enter your email address and password."},
	"signin.expired":        {"時間切れです。もう一度サインインしてください。", "This sign-in took too long. Please sign in again."},
	"signin.totp.title":     {"2段階認証", "Two-step verification"},
	"signin.totp.intro":     {"認証アプリに表示されている6桁のコードを入力してください。", "Enter the 6-digit code shown in your authenticator app."},
	"signin.totp.code":      {"認証コード", "Authentication code"},
	"signin.totp.recovery":  {"または、リカバリーコード", "Or a recovery code"},
	"signin.totp.submit":    {"確認", "Verify"},
	"signin.totp.failed":    {"コードが正しくありません。", "The code is incorrect."},
	"signin.totp.missing":   {"認証コードまたはリカバリーコードを入力してください。", "Enter an authentication code or a recovery code."},
	"signin.signedout":      {"サインアウトしました。", "You have signed out."},
	"signin.error.required": {"入力してください。", "Required."},

	"accounts.title":   {"AWSアカウント一覧", "AWS accounts"},
	"accounts.intro":   {"選択中のメンバーズ組織管理下にあるAWSアカウントの一覧です。", "The AWS accounts of the selected organization."},
	"accounts.caption": {"%s のAWSアカウント", "AWS accounts of %s"},
	"accounts.id":      {"AWSアカウントID", "AWS account ID"},
	"accounts.name":    {"アカウント名", "Account name"},
	"accounts.project": {"プロジェクト", "Project"},
	"accounts.charges": {"現在のご利用料金", "Current charges"},
	"accounts.updated": {"最終更新", "Last updated"},
	"accounts.closed":  {"解約済み (%s から)", "closed (from %s)"},
	"accounts.empty":   {"AWSアカウントはありません。", "There are no AWS accounts."},
	"accounts.charges.note": {"現時点で集計した当月の利用料金です (税抜)。集計タイミングによって料金がゼロで表示されることがあります。",
		"Month-to-date charges aggregated so far (before tax). They may show as zero until the data is aggregated."},
	"accounts.nodata":   {"—", "—"},
	"page.label":        {"ページ", "Pages"},
	"page.next":         {"次のページ", "Next page"},
	"page.first":        {"最初のページ", "First page"},
	"orgs.title":        {"メンバーズ組織", "Organizations"},
	"orgs.none":         {"所属しているメンバーズ組織はありません。", "You belong to no organization."},
	"orgs.open":         {"%s を開く", "Open %s"},
	"error.403.title":   {"アクセスできません", "Access denied"},
	"error.403.body":    {"このページを表示する権限がありません。", "You do not have permission to view this page."},
	"error.404.title":   {"ページが見つかりません", "Page not found"},
	"error.404.body":    {"お探しのページは存在しないか、移動しました。", "The page you are looking for does not exist or has moved."},
	"error.400.title":   {"リクエストが正しくありません", "Bad request"},
	"error.400.body":    {"入力内容を確認してください。", "Please check what you entered."},
	"error.500.title":   {"エラーが発生しました", "Something went wrong"},
	"error.500.body":    {"しばらくしてからもう一度お試しください。", "Please try again in a moment."},
	"error.503.title":   {"ただいま混み合っています", "The portal is busy"},
	"error.503.body":    {"しばらくしてからもう一度お試しください。", "Please try again in a moment."},
	"error.back":        {"AWSアカウント一覧へ戻る", "Back to the AWS accounts"},
	"error.status":      {"ステータス %d", "Status %d"},
	"error.crossorigin": {"別のサイトから送信されたため、処理しませんでした。", "This form was sent from another site and was not processed."},
	"error.mfarequired": {"2段階認証でサインインしていないため、処理しませんでした。2段階認証でサインインし直してから、もう一度お試しください。", "This needs two-step verification: sign in again with it, then try again."},
}
