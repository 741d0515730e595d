package identity

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// BreachChecker reports how often a password appears in a corpus of passwords
// exposed in data breaches.
type BreachChecker interface {
	// Breached returns how many times password appears in the corpus; 0 means not
	// found. An error means the answer is unknown (the corpus was unreachable or
	// answered nonsense), never that the password is bad.
	Breached(ctx context.Context, password string) (int, error)
}

// HIBP is a BreachChecker over the Have I Been Pwned "Pwned Passwords" range API,
// using its k-anonymity protocol: it sends only the first 5 hex characters of the
// password's SHA-1 and finds the rest of the hash among the few hundred suffixes
// the service returns, so neither the password nor its full hash ever leaves the
// process. It asks for padded responses (Add-Padding), so an observer cannot infer
// the prefix from the response size either.
//
// Breach checks are off by default in this library, which must work offline; a
// Service takes a BreachChecker as an option. An HIBP is safe for concurrent use.
type HIBP struct {
	base   string
	client *retryablehttp.Client
}

// HIBPOption configures an HIBP made by NewHIBP.
type HIBPOption func(*HIBP)

// hibpBaseURL is where NewHIBP sends range queries unless told otherwise.
const hibpBaseURL = "https://api.pwnedpasswords.com"

const (
	hibpUserAgent = "resellerkit-identity"
	hibpTimeout   = 10 * time.Second
	// maxRangeBody bounds a range response; real ones are about 30–40 KB padded.
	maxRangeBody = 4 << 20
)

// WithHIBPBaseURL sends range queries to url (scheme, host and optionally a path,
// without the "/range/…" part) instead of https://api.pwnedpasswords.com: a
// mirror, or a test server.
func WithHIBPBaseURL(url string) HIBPOption {
	return func(h *HIBP) { h.base = strings.TrimRight(url, "/") }
}

// WithHIBPClient makes range queries with c instead of the default client
// (retryablehttp.NewClient with RetryMax 3, no logging, errors that say why the last
// attempt failed (ErrorPropagatedRetryPolicy), and a 10 s timeout per HTTP request).
func WithHIBPClient(c *retryablehttp.Client) HIBPOption {
	return func(h *HIBP) { h.client = c }
}

// NewHIBP returns an HIBP querying https://api.pwnedpasswords.com with a retrying
// HTTP client, as changed by opts. Whatever the client, one Breached call, retries included,
// takes at most 10 s unless its context ends first.
func NewHIBP(opts ...HIBPOption) *HIBP {
	h := &HIBP{base: hibpBaseURL}
	for _, o := range opts {
		o(h)
	}
	if h.client == nil {
		c := retryablehttp.NewClient()
		c.RetryMax = 3
		c.Logger = nil
		// Like the default policy, but a final failure says why (e.g. the status).
		c.CheckRetry = retryablehttp.ErrorPropagatedRetryPolicy
		c.HTTPClient.Timeout = hibpTimeout
		h.client = c
	}
	return h
}

// Breached returns how many times password appears in Pwned Passwords. Only the
// first 5 characters of the password's upper-case hex SHA-1 are sent; padding
// entries (count 0) never match. A status other than 200 after the client's
// retries, an oversized body or a malformed line is an error.
func (h *HIBP) Breached(ctx context.Context, password string) (int, error) {
	sum := sha1.Sum([]byte(password))
	hash := strings.ToUpper(hex.EncodeToString(sum[:]))
	prefix, suffix := hash[:5], hash[5:]

	ctx, cancel := context.WithTimeout(ctx, hibpTimeout)
	defer cancel()
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodGet, h.base+"/range/"+prefix, nil)
	if err != nil {
		return 0, fmt.Errorf("identity: breach check: %w", err)
	}
	req.Header.Set("Add-Padding", "true")
	req.Header.Set("User-Agent", hibpUserAgent)
	resp, err := h.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("identity: breach check: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("identity: breach check: unexpected HTTP status %s", resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxRangeBody+1))
	if err != nil {
		return 0, fmt.Errorf("identity: breach check: reading the response: %w", err)
	}
	if len(body) > maxRangeBody {
		return 0, fmt.Errorf("identity: breach check: response larger than %d bytes", maxRangeBody)
	}
	n, err := parseRange(string(body), suffix)
	if err != nil {
		return 0, fmt.Errorf("identity: breach check: %w", err)
	}
	return n, nil
}

// parseRange returns the count of suffix (35 upper-case hex characters) in a range
// response: lines "SUFFIX:COUNT" ended by CRLF or LF, suffixes compared
// case-insensitively, empty lines skipped. A line that is not a 35-hex-character
// suffix, a colon and a decimal count is an error naming its line number.
func parseRange(body, suffix string) (int, error) {
	found := 0
	line := 0
	for rest := body; rest != ""; {
		var l string
		l, rest, _ = strings.Cut(rest, "\n")
		line++
		l = strings.TrimSuffix(l, "\r")
		if l == "" {
			continue
		}
		s, c, ok := strings.Cut(l, ":")
		if !ok || len(s) != 35 || !isHex(s) {
			return 0, fmt.Errorf("range response line %d: want SUFFIX:COUNT with a 35-character hex suffix", line)
		}
		n, err := strconv.ParseUint(c, 10, 31)
		if err != nil {
			return 0, fmt.Errorf("range response line %d: count is not a decimal number", line)
		}
		if n > 0 && strings.EqualFold(s, suffix) {
			found = int(n)
		}
	}
	return found, nil
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
