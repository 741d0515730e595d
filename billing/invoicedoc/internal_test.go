package invoicedoc

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/money"
)

func TestFormatAmount(t *testing.T) {
	for _, c := range []struct {
		cur  money.Currency
		d    string
		want string
	}{
		{money.JPY, "0", "¥0"},
		{money.JPY, "999", "¥999"},
		{money.JPY, "1000", "¥1,000"},
		{money.JPY, "1234567", "¥1,234,567"},
		{money.JPY, "-1234", "-¥1,234"},
		{money.JPY, "100000000000", "¥100,000,000,000"},
		{money.USD, "1234.5", "$1,234.50"},
		{money.USD, "0.05", "$0.05"},
		{money.USD, "-999999.99", "-$999,999.99"},
		{money.USD, "12.345", "$12.345"}, // never rounds: no digit of money is hidden
	} {
		assert.Equal(t, c.want, formatAmount(c.cur.Amount(money.MustParse(c.d))), "%s %s", c.cur, c.d)
	}
	assert.Equal(t, "10%", percent(money.MustParse("0.10")))
	assert.Equal(t, "8%", percent(money.MustParse("0.08")))
	assert.Equal(t, "0%", percent(money.Decimal{}))
}

func TestBreakBefore(t *testing.T) {
	for _, c := range []struct {
		a, b rune
		want bool
	}{
		{' ', 'A', true}, {'A', 'B', false}, {'A', ' ', false},
		{'請', '求', true}, {'ト', 'ン', true}, {'A', '請', true},
		{'求', '、', false}, {'求', '。', false}, {'「', '請', false}, {'ジ', 'ッ', false},
	} {
		assert.Equal(t, c.want, breakBefore(c.a, c.b), "%q|%q", c.a, c.b)
	}
}

func TestSanitize(t *testing.T) {
	assert.Equal(t, "請求 〓 a b", sanitize("請求\t😀\x01 a\rb"))
}

func TestFindFontNotFound(t *testing.T) {
	home := t.TempDir()
	_, err := findFont("", home, []string{"/nonexistent/fonts", "~/fonts"})
	require.ErrorIs(t, err, ErrFontNotFound)
	assert.Contains(t, err.Error(), "fonts-ipaexfont")
	assert.Contains(t, err.Error(), filepath.Join(home, "fonts", "ipaexg.ttf"))

	require.NoError(t, os.MkdirAll(filepath.Join(home, "fonts"), 0o755))
	want := filepath.Join(home, "fonts", "ipaexg.ttf")
	require.NoError(t, os.WriteFile(want, []byte("x"), 0o644))
	got, err := findFont("", home, []string{"/nonexistent/fonts", "~/fonts"})
	require.NoError(t, err)
	assert.Equal(t, want, got)
}

func TestCheckFont(t *testing.T) {
	require.NoError(t, checkFont([]byte("\x00\x01\x00\x00rest")))
	require.NoError(t, checkFont([]byte("true....")))
	for _, b := range []string{"OTTO....", "ttcf....", "", "xx"} {
		require.ErrorIs(t, checkFont([]byte(b)), ErrInvalid, "%q", b)
	}
}
