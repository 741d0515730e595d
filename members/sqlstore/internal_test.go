package sqlstore

import (
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/members"
)

// FuzzListColumn: whatever list of strings goes into a JSON list column comes
// back identical (order kept, empty as nil), and garbage in the column is an
// error, never a panic.
func FuzzListColumn(f *testing.F) {
	f.Add("a@x.example", "b@x.example", `["x"]`)
	f.Add("", "comma,inside", `[`)
	f.Add("日本語", "\x00", `null`)
	f.Fuzz(func(t *testing.T, a, b, raw string) {
		in := []members.Permission{members.Permission(a), members.Permission(b)}
		enc, err := listArg(in)
		require.NoError(t, err)
		var out []members.Permission
		require.NoError(t, jsonList[members.Permission]{&out}.Scan(enc))
		if len(out) != 2 {
			t.Fatalf("round trip of %q gave %q", in, out)
		}
		for i := range in {
			// JSON replaces invalid UTF-8 with U+FFFD; valid strings round-trip exactly.
			if utf8.ValidString(string(in[i])) {
				require.Equal(t, in[i], out[i])
			}
		}
		var junk []string
		_ = jsonList[string]{&junk}.Scan(raw) // must not panic
		_ = jsonList[string]{&junk}.Scan([]byte(raw))
		require.Error(t, jsonList[string]{&junk}.Scan(42))
	})
}
