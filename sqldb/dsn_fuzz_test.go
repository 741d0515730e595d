package sqldb

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzDSN checks the DSN handling Open does before it connects: a DSN is either a
// PostgreSQL URL or an SQLite path, never both; an accepted SQLite DSN always
// carries the pragmas every store relies on; and redact never leaks a password.
func FuzzDSN(f *testing.F) {
	for _, s := range []string{
		"portal.db", "file:x.db?mode=ro", ":memory:", "file::memory:?cache=shared", "postgres://u:pw@h/db",
		"postgresql://h/db?sslmode=disable", "mysql://u@h/db", "host=h dbname=x", "file:?a=b", "x.db?_txlock=deferred",
		"postgres://u:secret@[::1", "%zz", "a/b/c.db?_pragma=foreign_keys(0)",
	} {
		f.Add(s)
	}
	o := defaultOptions()
	f.Fuzz(func(t *testing.T, dsn string) {
		if r := redact(dsn); IsPostgresDSN(dsn) {
			if u, err := url.Parse(dsn); err == nil && u.User != nil {
				if pw, ok := u.User.Password(); ok && pw != "" && strings.Contains(r, ":"+pw+"@") {
					t.Fatalf("redact(%q) = %q leaks the password", dsn, r)
				}
			}
			return
		}
		got, memory, err := sqliteDSN(dsn, o)
		if err != nil {
			return
		}
		if !strings.HasPrefix(got, "file:") {
			t.Fatalf("sqliteDSN(%q) = %q: not a file: DSN", dsn, got)
		}
		_, query, _ := strings.Cut(got, "?")
		q, perr := url.ParseQuery(query)
		if perr != nil {
			t.Fatalf("sqliteDSN(%q) = %q: unparsable query: %v", dsn, got, perr)
		}
		if !contains(q["_pragma"], "foreign_keys(1)") {
			t.Fatalf("sqliteDSN(%q) = %q: foreign keys not on", dsn, got)
		}
		if !memory && !contains(q["_pragma"], "journal_mode(WAL)") {
			t.Fatalf("sqliteDSN(%q) = %q: a file database must be in WAL mode", dsn, got)
		}
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
