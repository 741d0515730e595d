package smtpmail

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"

	"github.com/seeda33a2f4f/resellerkit/contacts"
)

// maxLine is the length past which header lines are folded (RFC 5322 2.1.1).
const maxLine = 78

// maxHardLine is the length no line may exceed, folded or not (RFC 5322 2.1.1).
const maxHardLine = 998

// MessageID returns the Message-ID header value of the notice whose idempotency
// key is key, sent from an address at domain: "<" + the first 32 hexadecimal
// digits of SHA-256(key) + "@" + domain + ">". Every attempt of one notice has
// the same Message-ID.
func MessageID(key, domain string) string {
	sum := sha256.Sum256([]byte(key))
	return "<" + hex.EncodeToString(sum[:])[:32] + "@" + domain + ">"
}

// build returns the message of m as sent after DATA, and its envelope
// recipients. Its errors wrap contacts.ErrPermanent: the message cannot be sent
// as it is.
func (t *Transport) build(m contacts.Message) ([]byte, []string, error) {
	if hasCRLF(m.Subject) {
		return nil, nil, permanent("the subject holds CR or LF")
	}
	if hasCRLF(m.IdempotencyKey) {
		return nil, nil, permanent("the idempotency key holds CR or LF")
	}
	to, err := parseList("To", m.To)
	if err != nil {
		return nil, nil, err
	}
	cc, err := parseList("Cc", m.CC)
	if err != nil {
		return nil, nil, err
	}
	if len(to)+len(cc) == 0 {
		return nil, nil, permanent("the message has no recipient")
	}
	var rcpts []string
	seen := make(map[string]bool)
	for _, a := range append(to, cc...) {
		if k := strings.ToLower(a.Address); !seen[k] {
			seen[k] = true
			rcpts = append(rcpts, a.Address)
		}
	}

	var b bytes.Buffer
	header(&b, "From", t.from.String())
	header(&b, "To", joinAddresses(to))
	if len(cc) > 0 {
		header(&b, "Cc", joinAddresses(cc))
	}
	header(&b, "Subject", encodeWords(mime.BEncoding, m.Subject))
	header(&b, "Date", t.cfg.Now().Format(time.RFC1123Z))
	if m.IdempotencyKey != "" {
		header(&b, "Message-ID", MessageID(m.IdempotencyKey, t.domain))
		header(&b, "Idempotency-Key", encodeWords(mime.QEncoding, m.IdempotencyKey))
	} else {
		header(&b, "Message-ID", "<"+randomHex()+"@"+t.domain+">")
	}
	header(&b, "Auto-Submitted", "auto-generated")
	header(&b, "MIME-Version", "1.0")

	switch {
	case m.Text != "" && m.HTML != "":
		mw := multipart.NewWriter(&b)
		header(&b, "Content-Type", mime.FormatMediaType("multipart/alternative",
			map[string]string{"boundary": mw.Boundary()}))
		b.WriteString("\r\n")
		for _, p := range []struct{ typ, body string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
			pw, err := mw.CreatePart(textproto.MIMEHeader{
				"Content-Type":              {p.typ + "; charset=UTF-8"},
				"Content-Transfer-Encoding": {"quoted-printable"},
			})
			if err != nil {
				return nil, nil, permanent("%v", err)
			}
			if err := writeQP(pw, p.body); err != nil {
				return nil, nil, permanent("%v", err)
			}
		}
		if err := mw.Close(); err != nil {
			return nil, nil, permanent("%v", err)
		}
	default:
		typ, body := "text/plain", m.Text
		if m.Text == "" && m.HTML != "" {
			typ, body = "text/html", m.HTML
		}
		header(&b, "Content-Type", typ+"; charset=UTF-8")
		header(&b, "Content-Transfer-Encoding", "quoted-printable")
		b.WriteString("\r\n")
		if err := writeQP(&b, body); err != nil {
			return nil, nil, permanent("%v", err)
		}
	}
	return b.Bytes(), rcpts, nil
}

// parseList parses the addresses of one header, refusing CR and LF.
func parseList(field string, list []string) ([]*mail.Address, error) {
	out := make([]*mail.Address, 0, len(list))
	for i, s := range list {
		if hasCRLF(s) {
			return nil, permanent("%s[%d] holds CR or LF", field, i)
		}
		a, err := mail.ParseAddress(s)
		if err != nil {
			return nil, permanent("%s[%d] %q: %v", field, i, s, err)
		}
		out = append(out, a)
	}
	return out, nil
}

func joinAddresses(list []*mail.Address) string {
	s := make([]string, len(list))
	for i, a := range list {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}

// header writes "name: value" and CRLF, folding at spaces so that lines stay
// within maxLine where the value allows it. Callers have refused CR and LF.
func header(b *bytes.Buffer, name, value string) {
	b.WriteString(name)
	b.WriteString(":")
	n := len(name) + 1
	for _, word := range strings.Split(value, " ") {
		if word != "" && n > len(name)+1 && n+1+len(word) > maxLine {
			b.WriteString("\r\n")
			n = 0
		}
		b.WriteString(" ")
		b.WriteString(word)
		n += 1 + len(word)
	}
	b.WriteString("\r\n")
}

// encodeWords returns s RFC 2047 encoded with enc when it needs it: when it is
// not printable ASCII (as mime.WordEncoder.Encode decides), when it holds "=?",
// which a reader would otherwise take for the start of an encoded word and
// decode, and when it holds a run without spaces too long for one line (header
// folds only at spaces; a line over maxHardLine is refused by servers). An ASCII
// s is then B encoded in words of at most 45 bytes (75 characters), separated by
// spaces where header folds lines.
func encodeWords(enc mime.WordEncoder, s string) string {
	if e := enc.Encode("UTF-8", s); e != s || !strings.Contains(s, "=?") && !unfoldable(s) {
		return e
	}
	const chunk = 45 // base64 of 45 bytes is 60 characters: "=?UTF-8?b?" + 60 + "?=" = 72
	var words []string
	for len(s) > 0 {
		n := min(chunk, len(s))
		words = append(words, "=?UTF-8?b?"+base64.StdEncoding.EncodeToString([]byte(s[:n]))+"?=")
		s = s[n:]
	}
	return strings.Join(words, " ")
}

// unfoldable reports whether s holds a run without spaces that would not fit on
// one line after the longest header name written with encodeWords.
func unfoldable(s string) bool {
	for _, word := range strings.Split(s, " ") {
		if len(word) > maxHardLine-len("Idempotency-Key: ") {
			return true
		}
	}
	return false
}

// writeQP writes body quoted-printable, its line breaks as CRLF.
func writeQP(w io.Writer, body string) error {
	qp := quotedprintable.NewWriter(w)
	if _, err := qp.Write([]byte(body)); err != nil {
		return err
	}
	return qp.Close()
}
