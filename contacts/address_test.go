package contacts_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
)

// requireInvalid asserts that err is the package's *resellerkit.ValidationError
// with this field, value and rule, and a reason containing reason.
func requireInvalid(t *testing.T, err error, field, value, rule, reason string) {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, contacts.ErrInvalid)
	var ve *resellerkit.ValidationError
	require.True(t, errors.As(err, &ve), "a *resellerkit.ValidationError, got %T", err)
	assert.Equal(t, field, ve.Field)
	assert.Equal(t, resellerkit.Truncate(value), ve.Value)
	assert.Equal(t, rule, ve.Rule)
	assert.Contains(t, ve.Reason, reason)
}

func TestC1_NormalizeAddress(t *testing.T) {
	long := strings.Repeat("a", 64) + "@" + strings.Repeat("b", 62) + "." + strings.Repeat("c", 62) + "." + strings.Repeat("d", 59) + ".jp" // 253 bytes
	for _, tc := range []struct {
		name, in, want, reason string
	}{
		{name: "plain", in: "alice@example.com", want: "alice@example.com"},
		{name: "lower-cased", in: "Alice.Smith@Example.CO.JP", want: "alice.smith@example.co.jp"},
		{name: "plus and dots", in: "a.b+tag@mail.example.com", want: "a.b+tag@mail.example.com"},
		{name: "punycode domain", in: "info@xn--r8jz45g.jp", want: "info@xn--r8jz45g.jp"},
		{name: "international", in: "山田@例え.jp", reason: "must be ASCII"},
		{name: "full-width domain", in: "user@ｅｘａｍｐｌｅ.com", reason: "must be ASCII"},
		{name: "no-break space", in: "a@example.com\u00a0", reason: "must be ASCII"},
		{name: "IP literal", in: "a@[1.2.3.4]", reason: "host name"},
		{name: "numeric TLD", in: "a@1.2.3.4", reason: "host name"},
		{name: "leading hyphen label", in: "a@-example.com", reason: "host name"},
		{name: "underscore", in: "a@ex_ample.com", reason: "host name"},
		{name: "65-character local part", in: strings.Repeat("l", 65) + "@example.com", reason: "at most 64"},
		{name: "254 bytes", in: long + "x", want: long + "x"},
		{name: "255 bytes", in: long + "xy", reason: "at most 254 bytes"},
		{name: "empty", in: "", reason: "is empty"},
		{name: "no at", in: "alice.example.com", reason: "one email address"},
		{name: "no local part", in: "@example.com", reason: "one email address"},
		{name: "no dot in domain", in: "alice@localhost", reason: "domain must contain a dot"},
		{name: "trailing dot", in: "alice@example.com.", reason: "one email address"},
		{name: "double dot", in: "a..b@example.com", reason: "one email address"},
		{name: "display name", in: "Alice <alice@example.com>", reason: "without a display name"},
		{name: "angle brackets", in: "<alice@example.com>", reason: "bare address"},
		{name: "comment", in: "alice@example.com (Alice)", reason: "without a display name or comment"},
		{name: "leading space", in: " alice@example.com", reason: "bare address"},
		{name: "trailing space", in: "alice@example.com ", reason: "bare address"},
		{name: "quoted local part", in: `"a b"@example.com`, reason: "bare address"},
		{name: "two addresses", in: "a@example.com, b@example.com", reason: "one email address"},
		{name: "newline", in: "a@example.com\nBcc: x@example.com", reason: "one email address"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := contacts.NormalizeAddress("billing.to[0]", tc.in)
			if tc.reason != "" {
				requireInvalid(t, err, "billing.to[0]", tc.in, "C-1", tc.reason)
				assert.Empty(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			again, err := contacts.NormalizeAddress("x", got)
			require.NoError(t, err, "a normalized address stays valid")
			assert.Equal(t, got, again)
		})
	}
}

func TestC1_NormalizeAddress_ErrorMessage(t *testing.T) {
	_, err := contacts.NormalizeAddress("billing.to[2]", "bob@")
	assert.EqualError(t, err, `contacts: invalid input: billing.to[2] "bob@" (C-1): must be one email address like name@example.com`)
}

// addrs returns n distinct addresses a0@example.com … .
func addrs(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = prefix + string(rune('0'+i)) + "@example.com"
	}
	return out
}

func TestC1_NormalizeList(t *testing.T) {
	for _, tc := range []struct {
		name                 string
		in                   contacts.List
		want                 contacts.List
		field, value, reason string
	}{
		{
			name: "one TO, no CC",
			in:   contacts.List{To: []string{"Ops@Example.com"}},
			want: contacts.List{To: []string{"ops@example.com"}},
		},
		{
			name: "empty CC becomes nil",
			in:   contacts.List{To: []string{"ops@example.com"}, CC: []string{}},
			want: contacts.List{To: []string{"ops@example.com"}},
		},
		{
			name: "six and six, order kept",
			in:   contacts.List{To: addrs("T", 6), CC: addrs("c", 6)},
			want: contacts.List{To: addrs("t", 6), CC: addrs("c", 6)},
		},
		{
			name: "same address in other categories is not this list's business",
			in:   contacts.List{To: []string{"b@example.com", "a@example.com"}, CC: []string{"c@example.com"}},
			want: contacts.List{To: []string{"b@example.com", "a@example.com"}, CC: []string{"c@example.com"}},
		},
		{name: "no TO", in: contacts.List{CC: []string{"a@example.com"}}, field: "billing.to", reason: "at least one"},
		{name: "seven TO", in: contacts.List{To: addrs("t", 7)}, field: "billing.to", value: strings.Join(addrs("t", 7), ", "), reason: "at most 6 addresses, got 7"},
		{name: "seven CC", in: contacts.List{To: addrs("t", 1), CC: addrs("c", 7)}, field: "billing.cc", value: strings.Join(addrs("c", 7), ", "), reason: "at most 6 addresses, got 7"},
		{name: "bad TO address", in: contacts.List{To: []string{"a@example.com", "b@example.com", "bob@"}}, field: "billing.to[2]", value: "bob@", reason: "one email address"},
		{name: "bad CC address", in: contacts.List{To: []string{"a@example.com"}, CC: []string{"Bob <b@example.com>"}}, field: "billing.cc[0]", value: "Bob <b@example.com>", reason: "display name"},
		{name: "twice in TO, case-insensitive", in: contacts.List{To: []string{"a@example.com", "b@example.com", "A@EXAMPLE.com"}}, field: "billing.to[2]", value: "A@EXAMPLE.com", reason: "is already in billing.to[0]"},
		{name: "twice in CC", in: contacts.List{To: []string{"a@example.com"}, CC: []string{"c@example.com", "C@example.com"}}, field: "billing.cc[1]", value: "C@example.com", reason: "is already in billing.cc[0]"},
		{name: "in TO and CC", in: contacts.List{To: []string{"a@example.com", "b@example.com"}, CC: []string{"c@example.com", "B@Example.com"}}, field: "billing.cc[1]", value: "B@Example.com", reason: "is already in billing.to[1]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in.Clone()
			got, err := contacts.NormalizeList("billing", tc.in)
			assert.Equal(t, in, tc.in, "the input is not modified")
			if tc.reason != "" {
				requireInvalid(t, err, tc.field, tc.value, "C-1", tc.reason)
				assert.Equal(t, contacts.List{}, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			again, err := contacts.NormalizeList("billing", got)
			require.NoError(t, err)
			assert.Equal(t, got, again, "normalizing is idempotent")
		})
	}
}

func TestC1_NormalizeList_ReturnsNewSlices(t *testing.T) {
	in := contacts.List{To: []string{"a@example.com"}, CC: []string{"c@example.com"}}
	got, err := contacts.NormalizeList("billing", in)
	require.NoError(t, err)
	got.To[0], got.CC[0] = "x@example.com", "y@example.com"
	assert.Equal(t, "a@example.com", in.To[0])
	assert.Equal(t, "c@example.com", in.CC[0])
}

func TestC1_NormalizeList_WithoutFieldPrefix(t *testing.T) {
	_, err := contacts.NormalizeList("", contacts.List{To: []string{"a@example.com"}, CC: []string{"A@example.com"}})
	requireInvalid(t, err, "cc[0]", "A@example.com", "C-1", "is already in to[0]")
}

func TestC1_NormalizeRecipients(t *testing.T) {
	valid := func() contacts.Recipients {
		return contacts.Recipients{
			Billing:   contacts.List{To: []string{"Billing@Example.com"}, CC: []string{"cfo@example.com"}},
			Technical: contacts.List{To: []string{"ops@example.com", "sre@example.com"}},
			Security:  contacts.List{To: []string{"ops@example.com"}, CC: []string{}},
		}
	}
	t.Run("valid", func(t *testing.T) {
		got, err := contacts.NormalizeRecipients(valid())
		require.NoError(t, err)
		assert.Equal(t, contacts.Recipients{
			Billing:   contacts.List{To: []string{"billing@example.com"}, CC: []string{"cfo@example.com"}},
			Technical: contacts.List{To: []string{"ops@example.com", "sre@example.com"}},
			Security:  contacts.List{To: []string{"ops@example.com"}},
		}, got, "lower-cased, empty CC nil; one address may serve several categories")
	})
	for _, tc := range []struct {
		name                 string
		edit                 func(r *contacts.Recipients)
		field, value, reason string
	}{
		{name: "billing TO missing", edit: func(r *contacts.Recipients) { r.Billing.To = nil }, field: "billing.to", reason: "at least one"},
		{name: "technical CC bad", edit: func(r *contacts.Recipients) { r.Technical.CC = []string{"ok@example.com", "no"} }, field: "technical.cc[1]", value: "no", reason: "one email address"},
		{name: "security TO missing", edit: func(r *contacts.Recipients) { r.Security.To = []string{} }, field: "security.to", reason: "at least one"},
		{name: "security duplicate", edit: func(r *contacts.Recipients) { r.Security.CC = []string{"OPS@example.com"} }, field: "security.cc[0]", value: "OPS@example.com", reason: "is already in security.to[0]"},
		{name: "first error in category order", edit: func(r *contacts.Recipients) {
			r.Security.To = nil
			r.Billing.CC = []string{"x"}
		}, field: "billing.cc[0]", value: "x", reason: "one email address"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := valid()
			tc.edit(&r)
			got, err := contacts.NormalizeRecipients(r)
			requireInvalid(t, err, tc.field, tc.value, "C-1", tc.reason)
			assert.Equal(t, contacts.Recipients{}, got)
		})
	}
}
