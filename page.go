package resellerkit

import (
	"encoding/base64"
	"errors"
	"fmt"
)

// Page asks a list for one page: at most Limit items (DefaultPageLimit when 0 or
// less, MaxPageLimit when more), starting after the position Token names. Every list
// in resellerkit pages this way, by keyset: items come in a stable order of a unique
// key, and a token is the last key of the previous page, so paging while rows are
// added and removed never returns a row twice.
type Page struct {
	Limit int    // the most items wanted
	Token string // "" for the first page, else the next-page token a previous call returned
}

// Page sizes.
const (
	DefaultPageLimit = 100  // items per page when Page.Limit is 0 or less
	MaxPageLimit     = 1000 // the most items one page holds, whatever Page.Limit asks
	// MaxPageToken is the longest token After accepts: keys are ids, far shorter.
	MaxPageToken = 512
)

// ErrPageToken is wrapped by the error for a page token no list returned.
var ErrPageToken = errors.New("resellerkit: invalid page token")

// Size returns the number of items the page holds at most: Limit bounded to
// 1..MaxPageLimit, DefaultPageLimit when Limit is 0 or less.
func (p Page) Size() int {
	switch {
	case p.Limit <= 0:
		return DefaultPageLimit
	case p.Limit > MaxPageLimit:
		return MaxPageLimit
	}
	return p.Limit
}

// After returns the key the page starts after: "" for the first page. A token that no
// list made is an error wrapping ErrPageToken.
func (p Page) After() (string, error) {
	if p.Token == "" {
		return "", nil
	}
	if len(p.Token) > MaxPageToken {
		return "", fmt.Errorf("%w: longer than %d characters", ErrPageToken, MaxPageToken)
	}
	b, err := base64.RawURLEncoding.DecodeString(p.Token)
	if err != nil || len(b) == 0 {
		return "", fmt.Errorf("%w %q", ErrPageToken, Truncate(p.Token))
	}
	return string(b), nil
}

// NextToken returns the token of the page after the one that ended with the item
// whose key is lastKey.
func NextToken(lastKey string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(lastKey))
}

// Paginate cuts one page out of items, which are sorted by key and hold at least the
// page's items (more are fine): the items after the page's position, at most Size of
// them, and the next-page token, "" when this is the last page. In-memory stores use
// it; SQL stores do the same with WHERE key > $after ORDER BY key LIMIT size+1.
func Paginate[T any](items []T, p Page, key func(T) string) ([]T, string, error) {
	after, err := p.After()
	if err != nil {
		return nil, "", err
	}
	start := 0
	if after != "" {
		for start < len(items) && key(items[start]) <= after {
			start++
		}
	}
	items = items[start:]
	if n := p.Size(); len(items) > n {
		return items[:n], NextToken(key(items[n-1])), nil
	}
	return items, "", nil
}

// All collects every page of a list into one slice, asking for the largest pages:
// for code that needs a whole list it knows to be small (the power users of one
// organization, the demo data of a seed). list is called with each next token in
// turn until one returns "".
func All[T any](list func(Page) ([]T, string, error)) ([]T, error) {
	var out []T
	page := Page{Limit: MaxPageLimit}
	for {
		items, next, err := list(page)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if next == "" {
			return out, nil
		}
		page.Token = next
	}
}
