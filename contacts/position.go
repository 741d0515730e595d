package contacts

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
)

// NoticePosition is a notice's place in Store.ListNoticesNewestFirst as its page
// tokens hold it (before resellerkit.NextToken encodes it): CreatedAt in
// microseconds since 1970, a NUL byte and the id. Store implementations use it
// and ParseNoticePosition so that their tokens agree.
func NoticePosition(n Notice) string {
	return strconv.FormatInt(n.CreatedAt.UnixMicro(), 10) + "\x00" + n.ID
}

// ParseNoticePosition returns the position page starts after in
// Store.ListNoticesNewestFirst, as the CreatedAt (UTC) and id of the last notice
// of the previous page; ok is false for the first page. A token that is not a
// NoticePosition wraps resellerkit.ErrPageToken.
func ParseNoticePosition(page resellerkit.Page) (createdAt time.Time, id string, ok bool, err error) {
	after, err := page.After()
	if err != nil || after == "" {
		return time.Time{}, "", false, err
	}
	at, id, cut := strings.Cut(after, "\x00")
	us, perr := strconv.ParseInt(at, 10, 64)
	if !cut || perr != nil || strconv.FormatInt(us, 10) != at {
		return time.Time{}, "", false, fmt.Errorf("%w %q: not a position in a list of notices newest first",
			resellerkit.ErrPageToken, resellerkit.Truncate(page.Token))
	}
	return time.UnixMicro(us).UTC(), id, true, nil
}

// NewestFirst orders notices as Store.ListNoticesNewestFirst lists them (for
// slices.SortFunc): CreatedAt descending, then id descending in byte order.
func NewestFirst(a, b Notice) int {
	if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
		return c
	}
	return strings.Compare(b.ID, a.ID)
}
