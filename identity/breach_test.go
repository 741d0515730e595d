package identity

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sha1Hex(s string) string {
	sum := sha1.Sum([]byte(s))
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

var rangePath = regexp.MustCompile(`^/range/[0-9A-F]{5}$`)

// fakeRange serves the range API from known passwords and their counts, padding
// every answer with zero-count entries, including one for each padded password.
// It fails the test if a request carries more than a 5-hex-character prefix or
// lacks the padding header.
func fakeRange(t *testing.T, known map[string]int, padded []string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, http.MethodGet, r.Method)
		assert.Regexp(t, rangePath, r.URL.Path)
		assert.Empty(t, r.URL.RawQuery)
		assert.Equal(t, "true", r.Header.Get("Add-Padding"))
		assert.Equal(t, "resellerkit-identity", r.Header.Get("User-Agent"))
		prefix := strings.TrimPrefix(r.URL.Path, "/range/")
		var b strings.Builder
		for pw, n := range known {
			if h := sha1Hex(pw); h[:5] == prefix {
				fmt.Fprintf(&b, "%s:%d\r\n", h[5:], n)
			}
		}
		for _, pw := range padded {
			if h := sha1Hex(pw); h[:5] == prefix {
				fmt.Fprintf(&b, "%s:0\r\n", h[5:])
			}
		}
		for i := range 20 {
			fmt.Fprintf(&b, "%035X:0\r\n", i) // padding
		}
		_, _ = w.Write([]byte(strings.TrimSuffix(b.String(), "\r\n")))
	}
}

// newTestHIBP returns an HIBP with the default client querying url, its waits
// between retries made tiny.
func newTestHIBP(url string) *HIBP {
	h := NewHIBP(WithHIBPBaseURL(url))
	h.client.RetryWaitMin = time.Millisecond
	h.client.RetryWaitMax = 2 * time.Millisecond
	return h
}

func TestI2_BreachHIBP(t *testing.T) {
	known := map[string]int{"P@ssw0rd1234": 52, "password": 9659365, "Summer2024!!": 3}
	srv := httptest.NewServer(fakeRange(t, known, []string{"Padded0nly!!"}))
	defer srv.Close()
	h := newTestHIBP(srv.URL + "/")

	tests := []struct {
		name string
		pw   string
		want int
	}{
		{"found", "P@ssw0rd1234", 52},
		{"found, large count", "password", 9659365},
		{"found, other", "Summer2024!!", 3},
		{"not found", "Zq8!vL2#nR5^wT", 0},
		{"padding entry with count 0 not counted", "Padded0nly!!", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := h.Breached(context.Background(), tt.pw)
			require.NoError(t, err)
			assert.Equal(t, tt.want, n)
		})
	}
}

func TestI2_BreachHIBPRetries(t *testing.T) {
	var calls atomic.Int32
	ok := fakeRange(t, map[string]int{"P@ssw0rd1234": 7}, nil)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			http.Error(w, "busy", http.StatusInternalServerError)
			return
		}
		ok(w, r)
	}))
	defer srv.Close()

	n, err := newTestHIBP(srv.URL).Breached(context.Background(), "P@ssw0rd1234")
	require.NoError(t, err)
	assert.Equal(t, 7, n)
	assert.Equal(t, int32(2), calls.Load())
}

func TestI2_BreachHIBPErrors(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    string
	}{
		{"persistent 500", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "down", http.StatusInternalServerError)
		}, "500"},
		{"404 not retried", func(w http.ResponseWriter, r *http.Request) {
			http.NotFound(w, r)
		}, "404"},
		{"malformed line", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, "%035X:0\r\n%035X:1\r\nnot a line\r\n", 1, 2)
		}, "line 3"},
		{"bad count", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, "%035X:-1\n", 1)
		}, "line 1"},
		{"oversized", func(w http.ResponseWriter, r *http.Request) {
			line := fmt.Sprintf("%035X:0\r\n", 1)
			_, _ = w.Write([]byte(strings.Repeat(line, maxRangeBody/len(line)+1)))
		}, "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			pw := "Abcdefgh1!"
			n, err := newTestHIBP(srv.URL).Breached(context.Background(), pw)
			require.Error(t, err)
			assert.Zero(t, n)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), pw)
			assert.NotContains(t, err.Error(), sha1Hex(pw)[5:], "the suffix never leaves the process")
		})
	}
}

func TestI2_BreachHIBPContext(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := newTestHIBP(srv.URL).Breached(ctx, "Abcdefgh1!")
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestI2_BreachHIBPDefaults(t *testing.T) {
	h := NewHIBP()
	assert.Equal(t, "https://api.pwnedpasswords.com", h.base)
	assert.Equal(t, 3, h.client.RetryMax)
	assert.Nil(t, h.client.Logger)
	assert.Equal(t, 10*time.Second, h.client.HTTPClient.Timeout)
	var _ BreachChecker = h

	c := retryablehttp.NewClient()
	assert.Same(t, c, NewHIBP(WithHIBPClient(c)).client)
}

func TestI2_ParseRange(t *testing.T) {
	suffix := sha1Hex("x")[5:]
	tests := []struct {
		name    string
		body    string
		want    int
		wantErr string
	}{
		{"empty", "", 0, ""},
		{"LF", "0000000000000000000000000000000000A:1\n" + suffix + ":12\n", 12, ""},
		{"CRLF", "0000000000000000000000000000000000A:1\r\n" + suffix + ":12\r\n", 12, ""},
		{"lower-case suffix", strings.ToLower(suffix) + ":4", 4, ""},
		{"padding 0", suffix + ":0", 0, ""},
		{"no colon", suffix + "12", 0, "line 1"},
		{"short suffix", suffix[1:] + ":1", 0, "line 1"},
		{"non-hex suffix", "G" + suffix[1:] + ":1", 0, "line 1"},
		{"empty count", suffix + ":", 0, "line 1"},
		{"signed count", suffix + ":+1", 0, "line 1"},
		{"huge count", suffix + ":99999999999999999999", 0, "line 1"},
		{"second line bad", suffix + ":1\nzz", 0, "line 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := parseRange(tt.body, suffix)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, n)
		})
	}
}

func FuzzParseRange(f *testing.F) {
	suffix := sha1Hex("x")[5:]
	f.Add("0000000000000000000000000000000000A:1\r\n"+suffix+":12\r\n", suffix)
	f.Add(suffix+":0", suffix)
	f.Add("::\n\r\n:", "")
	f.Fuzz(func(t *testing.T, body, suffix string) {
		n, err := parseRange(body, suffix)
		if err != nil {
			require.Zero(t, n)
			require.Contains(t, err.Error(), "line ")
			return
		}
		require.GreaterOrEqual(t, n, 0)
		if n > 0 {
			require.Contains(t, strings.ToUpper(body), strings.ToUpper(suffix)+":")
		}
	})
}
