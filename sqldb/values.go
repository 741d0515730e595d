package sqldb

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
)

// Conversions between Go values and the columns of the portable subset (see the
// package documentation), the same on both databases. Each …Arg function gives
// the value to bind for a statement argument; each Scan… function gives the
// destination to pass to Scan for a column, reading NULL as the zero value, so a
// value round-trips through its column unchanged.

// TimeArg is the database value of t for a TIMESTAMP column: NULL when t is zero,
// else t in UTC truncated to the microsecond (PostgreSQL's precision, applied on
// SQLite too).
func TimeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Truncate(time.Microsecond)
}

// ScanTime returns a Scan destination that reads a nullable TIMESTAMP into *t:
// in UTC, or the zero time for NULL.
func ScanTime(t *time.Time) sql.Scanner { return timeDest{t} }

type timeDest struct{ t *time.Time }

func (d timeDest) Scan(v any) error {
	var nt sql.NullTime
	if err := nt.Scan(v); err != nil {
		return err
	}
	if nt.Valid {
		*d.t = nt.Time.UTC()
	} else {
		*d.t = time.Time{}
	}
	return nil
}

// MonthArg is the database value of m for a TIMESTAMP column: NULL when m is zero,
// else its first instant.
func MonthArg(m resellerkit.Month) any {
	if m.IsZero() {
		return nil
	}
	return m.Start()
}

// ScanMonth returns a Scan destination that reads a nullable TIMESTAMP into *m:
// the month containing it, or the zero Month for NULL.
func ScanMonth(m *resellerkit.Month) sql.Scanner { return monthDest{m} }

type monthDest struct{ m *resellerkit.Month }

func (d monthDest) Scan(v any) error {
	var t time.Time
	if err := ScanTime(&t).Scan(v); err != nil {
		return err
	}
	*d.m = resellerkit.Month{}
	if !t.IsZero() {
		*d.m = resellerkit.MonthOf(t)
	}
	return nil
}

// TextArg is the database value of an optional text (a reference that may be
// absent): NULL when s is "".
func TextArg(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// ScanText returns a Scan destination that reads a nullable text column into *s
// ("" for NULL).
func ScanText(s *string) sql.Scanner { return textDest{s} }

type textDest struct{ s *string }

func (d textDest) Scan(v any) error {
	var ns sql.NullString
	if err := ns.Scan(v); err != nil {
		return err
	}
	*d.s = ns.String
	return nil
}

// BytesArg is the database value of b for a BLOB (SQLite) or BYTEA (PostgreSQL)
// column: NULL when b is nil, else its bytes, so that nil and empty both
// round-trip.
func BytesArg(b []byte) any {
	if b == nil {
		return nil
	}
	return b
}

// ScanBytes returns a Scan destination that reads a nullable BLOB or BYTEA into
// *b as a fresh slice: nil for NULL, a non-nil empty slice for a zero-length value.
func ScanBytes(b *[]byte) sql.Scanner { return bytesDest{b} }

type bytesDest struct{ b *[]byte }

func (d bytesDest) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*d.b = nil
	case []byte:
		*d.b = append(make([]byte, 0, len(x)), x...)
	case string:
		*d.b = append(make([]byte, 0, len(x)), x...)
	default:
		return fmt.Errorf("sqldb: byte column holds %T, want bytes", v)
	}
	return nil
}

// ListArg is the database value of an ordered list of strings for a TEXT column: a
// JSON array ("[]" for nil), so order and every string round-trip exactly (invalid
// UTF-8 becomes U+FFFD). The strings are encoded as they are, whatever methods
// (MarshalText …) T has.
func ListArg[T ~string](l []T) string {
	s := make([]string, len(l))
	for i, v := range l {
		s[i] = string(v)
	}
	b, err := json.Marshal(s)
	if err != nil {
		panic(err) // a []string always encodes
	}
	return string(b)
}

// ScanList returns a Scan destination that reads a JSON array of strings (see
// ListArg) into *l; an empty array (or JSON null) becomes nil. A column holding
// anything else is an error.
func ScanList[T ~string](l *[]T) sql.Scanner { return listDest[T]{l} }

type listDest[T ~string] struct{ l *[]T }

func (d listDest[T]) Scan(v any) error {
	var b []byte
	switch x := v.(type) {
	case string:
		b = []byte(x)
	case []byte:
		b = x
	default:
		return fmt.Errorf("sqldb: list column holds %T, want text", v)
	}
	var s []string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("sqldb: list column: %w", err)
	}
	var l []T
	if len(s) > 0 {
		l = make([]T, len(s))
		for i, v := range s {
			l[i] = T(v)
		}
	}
	*d.l = l
	return nil
}
