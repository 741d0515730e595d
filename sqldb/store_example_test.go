package sqldb_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing/fstest"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

// The sentinels of a domain package (exported there: ErrNotFound …).
var (
	errTeamNotFound = errors.New("teams: not found")
	errTeamExists   = errors.New("teams: already exists")
	errTeamConflict = errors.New("teams: conflict")
)

// teamStore is the whole of a small SQL store built on sqldb: the queries are its
// own, everything else (atomic writes, taken keys, versions, paging, error
// mapping, value conversions) is the library's.
type teamStore struct {
	db *sqldb.DB
	c  string // byte order, for keyset paging
}

var teamErrs = sqldb.Sentinels{NotFound: errTeamNotFound, AlreadyExists: errTeamExists, Conflict: errTeamConflict}

type team struct {
	ID, Name string
	Tags     []string
	Version  int64
}

func scanTeam(r sqldb.Row) (team, error) {
	var t team
	err := r.Scan(&t.ID, &t.Name, sqldb.ScanList(&t.Tags), &t.Version)
	return t, err
}

func (s *teamStore) Create(ctx context.Context, t team) error {
	err := s.db.Write(ctx, func(ctx context.Context, q sqldb.Querier) error {
		return teamErrs.Insert(ctx, q, "team", t.ID,
			`INSERT INTO teams (id, name, tags, version) VALUES ($1, $2, $3, 1)`, t.ID, t.Name, sqldb.ListArg(t.Tags))
	})
	return teamErrs.Map(err, "team", t.ID)
}

func (s *teamStore) Rename(ctx context.Context, id, name string, version int64) error {
	err := s.db.Write(ctx, func(ctx context.Context, q sqldb.Querier) error {
		n, err := sqldb.Exec(ctx, q, `UPDATE teams SET name = $1, version = version + 1 WHERE id = $2 AND version = $3`,
			name, id, version)
		if err != nil {
			return err
		}
		return teamErrs.CheckVersion(ctx, q, n, "team", id, version, `SELECT version FROM teams WHERE id = $1`, id)
	})
	return teamErrs.Map(err, "team", id)
}

func (s *teamStore) List(ctx context.Context, pg resellerkit.Page) ([]team, string, error) {
	l, next, err := sqldb.Page(ctx, s.db.Querier(ctx), pg, scanTeam, func(t team) string { return t.ID },
		`SELECT id, name, tags, version FROM teams WHERE id`+s.c+` > $1 ORDER BY id`+s.c+` LIMIT $2`)
	return l, next, teamErrs.Map(err, "teams", "")
}

// A store maps what the database says to its package's sentinels with Sentinels,
// writes atomically with DB.Write and pages with Page.
func ExampleSentinels() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "sqldb-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	db, err := sqldb.Open(ctx, filepath.Join(dir, "teams.db")) // or a postgres:// URL
	if err != nil {
		panic(err)
	}
	defer db.Close()
	err = db.Migrate(ctx, "teams", fstest.MapFS{"001_init.sql": {Data: []byte(`CREATE TABLE teams (
		id VARCHAR(64) PRIMARY KEY, name VARCHAR(200) NOT NULL, tags TEXT NOT NULL, version BIGINT NOT NULL)`)}})
	if err != nil {
		panic(err)
	}
	s := &teamStore{db: db, c: db.ByteOrder()}

	fmt.Println(s.Create(ctx, team{ID: "t1", Name: "Ops", Tags: []string{"oncall", "infra"}}))
	fmt.Println(s.Create(ctx, team{ID: "t2", Name: "Billing"}))
	err = s.Create(ctx, team{ID: "t1", Name: "Again"})
	fmt.Println(err, errors.Is(err, errTeamExists))
	fmt.Println(s.Rename(ctx, "t1", "Operations", 1))
	err = s.Rename(ctx, "t1", "Stale", 1)
	fmt.Println(err, errors.Is(err, errTeamConflict))
	fmt.Println(s.Rename(ctx, "t9", "Ghost", 1))

	page, next, err := s.List(ctx, resellerkit.Page{Limit: 1})
	fmt.Println(page, next != "", err)
	page, next, err = s.List(ctx, resellerkit.Page{Limit: 1, Token: next})
	fmt.Println(page, next != "", err)
	// Output:
	// <nil>
	// <nil>
	// teams: already exists: team "t1" true
	// <nil>
	// teams: conflict: team "t1": stale version 1, current is 2 true
	// teams: not found: team "t9"
	// [{t1 Operations [oncall infra] 2}] true <nil>
	// [{t2 Billing [] 1}] false <nil>
}
