package smtpmail_test

import (
	"bytes"
	"mime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/contacts/smtpmail"
)

// TestSendSubjectWithAWordTooLongForOneLine: a subject rendered from data (a
// security finding's title, which has no length limit) may hold a run of
// characters without a space, where a header cannot be folded. RFC 5322 2.1.1
// limits every line to 998 characters; a longer one is refused by servers (this
// one, go-smtp, refuses lines over 2000 with a 5xx: the notice would be dead) or
// broken by relays. Such a subject is RFC 2047 encoded, which can be folded, and
// arrives as it was written.
func TestSendSubjectWithAWordTooLongForOneLine(t *testing.T) {
	be := &backend{}
	addr := startServer(t, be, serverOpts{})
	tr := newTransport(t, smtpmail.Config{Addr: addr})
	for _, n := range []int{990, 1200, 2100} {
		m := japaneseMessage()
		m.Subject = "URGENT: possible security incident in AWS account 123456789012: " +
			"arn:aws:s3:::" + strings.Repeat("x", n)
		require.NoError(t, tr.Send(t.Context(), m), "%d", n)
		msgs := be.messages()
		data := msgs[len(msgs)-1].Data
		head, _, _ := bytes.Cut(data, []byte("\r\n\r\n"))
		for _, line := range strings.Split(string(head), "\r\n") {
			assert.LessOrEqual(t, len(line), 998, "%d: %.60s…", n, line)
		}
		decoded, err := new(mime.WordDecoder).DecodeHeader(parse(t, data).header.Get("Subject"))
		require.NoError(t, err)
		assert.Equal(t, m.Subject, decoded, "%d", n)
	}
}
