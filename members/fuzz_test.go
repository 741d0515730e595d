package members_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
)

func FuzzValidateAccountID(f *testing.F) {
	for _, s := range []string{"123456789012", "000000000000", "12345678901", "1234567890123", "12345678901a", "", "１２３４５６７８９０１２"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		err := members.ValidateAccountID("account_id", id)
		digits := len(id) == 12 && strings.Trim(id, "0123456789") == ""
		if digits {
			require.NoError(t, err)
			return
		}
		var ve *resellerkit.ValidationError
		require.True(t, errors.As(err, &ve))
		require.Equal(t, "M-3", ve.Rule)
		require.Equal(t, id, ve.Value)
	})
}

func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range []string{"a@b.example", "A@B.EXAMPLE", "Bob <bob@x.example>", "no-at", "a@b", " a@b.example", "a@b.example,c@d.example", "\"q u\"@x.example", "a@[1.2.3.4]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := members.NormalizeEmail("email", "M-2", s)
		if err != nil {
			require.ErrorIs(t, err, members.ErrInvalid)
			require.Contains(t, err.Error(), "M-2")
			return
		}
		require.Equal(t, strings.ToLower(s), got)
		again, err := members.NormalizeEmail("email", "M-2", got)
		require.NoError(t, err, "normalized addresses stay valid")
		require.Equal(t, got, again)
	})
}

func FuzzNormalizePermissions(f *testing.F) {
	f.Add("project.view,account.view")
	f.Add("account.view")
	f.Add("user.view,invitation.view,user.view")
	f.Add("user.manage")
	f.Fuzz(func(t *testing.T, list string) {
		var perms []members.Permission
		for _, p := range strings.Split(list, ",") {
			perms = append(perms, members.Permission(p))
		}
		set, err := members.NormalizePermissions(members.MemberGeneral, perms)
		if err != nil {
			require.ErrorIs(t, err, members.ErrInvalid)
			return
		}
		// Every granted permission is known and its prerequisite granted (M-5).
		for _, p := range set {
			require.True(t, p.Valid())
			if q, ok := p.Prerequisite(); ok {
				require.Contains(t, set, q)
			}
		}
	})
}

func FuzzValidateOrgCode(f *testing.F) {
	for _, s := range []string{"acme", "a", "ab", "-ab", "ab-", "AB", "a b", "a_b", "ａｂ", strings.Repeat("a", 33), strings.Repeat("a", 32)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		err := members.ValidateOrgCode(code)
		ok := len(code) >= members.MinOrgCodeLen && len(code) <= members.MaxOrgCodeLen && code[0] != '-' &&
			strings.Trim(code, "abcdefghijklmnopqrstuvwxyz0123456789-") == ""
		if ok {
			require.NoError(t, err)
			return
		}
		var ve *resellerkit.ValidationError
		require.True(t, errors.As(err, &ve))
		require.Equal(t, "code", ve.Field)
		require.Equal(t, "M-1", ve.Rule)
		require.LessOrEqual(t, len([]rune(ve.Value)), resellerkit.MaxValueLen+1, "the echoed value is bounded")
	})
}
