package contacts_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
)

// requireBoundedInvalid checks the shape of every refusal: the package's
// ValidationError with the rule, a field, and an echoed value that is bounded.
func requireBoundedInvalid(t *testing.T, err error, rule string) {
	t.Helper()
	require.ErrorIs(t, err, contacts.ErrInvalid)
	var ve *resellerkit.ValidationError
	require.True(t, errors.As(err, &ve))
	require.Equal(t, rule, ve.Rule)
	require.NotEmpty(t, ve.Field)
	require.NotEmpty(t, ve.Reason)
	require.LessOrEqual(t, utf8.RuneCountInString(ve.Value), resellerkit.MaxValueLen+1)
}

func FuzzNormalizeAddress(f *testing.F) {
	for _, s := range []string{
		"a@b.example", "A@B.EXAMPLE", "Bob <bob@x.example>", "no-at", "a@b", " a@b.example",
		"a@b.example,c@d.example", `"q u"@x.example`, "a@[1.2.3.4]", "山田@例え.jp", "İ@x.example",
		"a@b.example (c)", "=?utf-8?q?x?= <a@b.example>", strings.Repeat("a", 250) + "@b.jp",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := contacts.NormalizeAddress("to[0]", s)
		if err != nil {
			requireBoundedInvalid(t, err, "C-1")
			return
		}
		require.Equal(t, strings.ToLower(s), got)
		require.LessOrEqual(t, len(got), contacts.MaxAddressLen)
		again, err := contacts.NormalizeAddress("to[0]", got)
		require.NoError(t, err, "a normalized address stays valid")
		require.Equal(t, got, again)
	})
}

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{7,14}$`)

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{
		"03-1234-5678", "090-1234-5678", "0120-123-456", "050-1234-5678", "(03) 1234-5678", "0312345678",
		"０３－１２３４－５６７８", "０９０ー１２３４ー５６７８", "+81 3-1234-5678", "+81 (0)3 1234 5678",
		"+1 415 555 2671", "+44 20 7946 0958", "+44 (0)20 7946 0958", "03-1234-5678 ext 1", "++81",
		"81+3", "((0))", "+(0)81", "+81 (0)(0)3", "", "+", "0", "+0", strings.Repeat("9", 64),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := contacts.NormalizePhone("phones[0]", s)
		if err != nil {
			requireBoundedInvalid(t, err, "C-3")
			return
		}
		require.Regexp(t, e164, got)
		if strings.HasPrefix(got, "+81") {
			require.NotEqual(t, byte('0'), got[3], "no trunk 0 after +81")
			require.Contains(t, []int{12, 13}, len(got), "+81 and 9 or 10 digits")
		}
		again, err := contacts.NormalizePhone("phones[0]", got)
		require.NoError(t, err, "an E.164 result stays valid")
		require.Equal(t, got, again)
	})
}

func FuzzNormalizeList(f *testing.F) {
	f.Add("a@example.com", "")
	f.Add("a@example.com\nb@example.com", "c@example.com")
	f.Add("a@example.com\nA@EXAMPLE.COM", "")
	f.Add("a@example.com", "A@example.com")
	f.Add("", "c@example.com")
	f.Add("1@x.jp\n2@x.jp\n3@x.jp\n4@x.jp\n5@x.jp\n6@x.jp\n7@x.jp", "")
	f.Fuzz(func(t *testing.T, to, cc string) {
		split := func(s string) []string {
			if s == "" {
				return nil
			}
			return strings.Split(s, "\n")
		}
		in := contacts.List{To: split(to), CC: split(cc)}
		got, err := contacts.NormalizeList("security", in)
		if err != nil {
			requireBoundedInvalid(t, err, "C-1")
			return
		}
		require.Len(t, got.To, len(in.To))
		require.Len(t, got.CC, len(in.CC))
		require.GreaterOrEqual(t, len(got.To), 1)
		require.LessOrEqual(t, len(got.To), contacts.MaxPerList)
		require.LessOrEqual(t, len(got.CC), contacts.MaxPerList)
		seen := map[string]bool{}
		for _, a := range append(append([]string{}, got.To...), got.CC...) {
			require.False(t, seen[a], "%q listed twice", a)
			seen[a] = true
		}
		again, err := contacts.NormalizeList("security", got)
		require.NoError(t, err, "a normalized list stays valid")
		require.Equal(t, got, again)
	})
}
