package awsses

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSendKeyHeaderWithinSESLimits: SES refuses (BadRequestException, permanent)
// a message header whose name and value together exceed 996 characters
// (types.MessageHeader), so a printable key that fits 995 characters but not
// beside "Idempotency-Key" goes in its tag form, like any key that is not
// header-safe, and the longest that fits goes verbatim.
func TestSendKeyHeaderWithinSESLimits(t *testing.T) {
	const fits = 996 - len(HeaderIdempotencyKey)
	for _, tc := range []struct {
		key      string
		verbatim bool
	}{
		{strings.Repeat("k", fits), true},
		{strings.Repeat("k", fits+1), false},
		{strings.Repeat("k", 995), false},
	} {
		fake := &fakeSES{}
		tr := newWithAPI(fake, Config{From: "noreply@reseller.example"})
		m := message()
		m.IdempotencyKey = tc.key
		require.NoError(t, tr.Send(t.Context(), m))
		v := headers(fake.calls[0])[HeaderIdempotencyKey]
		assert.LessOrEqual(t, len(HeaderIdempotencyKey)+len(v), 996, "%d", len(tc.key))
		if tc.verbatim {
			assert.Equal(t, tc.key, v)
		} else {
			assert.Equal(t, TagValue(tc.key), v)
		}
	}
}
