package sqlstore_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
)

// envCrashDSN names, in the process TestB14_CrashWhileIngestingKeepsThePreviousVersion
// starts, the database the child ingests into before it is killed.
const envCrashDSN = "RESELLERKIT_BILLING_CRASH_DSN"

// crashMarker is the line the child prints once version 3 is written, not
// committed.
const crashMarker = "billing-sqlstore: v3 written, not committed"

// crashGroups is the size of the version the child is killed while ingesting.
const crashGroups = 20_000

const crashPayer = "111111111111"

// The versions of the crash test: v2 the stored month, v3 the one being ingested.
var (
	crashV1 = costData(crashPayer, "v1", t0, 10, 1)
	crashV2 = costData(crashPayer, "v2", t0.Add(time.Hour), 1_234, 2)
	crashV3 = costData(crashPayer, "v3", t0.Add(2*time.Hour), crashGroups, 3)
)

// TestB14_CrashWhileIngestingKeepsThePreviousVersion: a process that dies (SIGKILL)
// in the middle of ingesting version 3 leaves version 2 whole, report and groups,
// and nothing of version 3 anywhere; version 3 is then ingested normally (B-14).
// The child is this test binary run again (TestCrashChild), holding the
// transaction open with v3 written until it is killed; on PostgreSQL it uses the
// same schema, on SQLite the same file.
func TestB14_CrashWhileIngestingKeepsThePreviousVersion(t *testing.T) {
	sqldbtest.Run(t, func(t *testing.T, d sqldb.Dialect) {
		ctx := t.Context()
		var dsn string
		if d == sqldb.SQLite {
			dsn = filepath.Join(t.TempDir(), "billing.db")
		} else {
			db := sqldbtest.Postgres(t) // a fresh schema, dropped when the test ends
			var schema string
			require.NoError(t, db.Pool().QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema))
			u, err := url.Parse(os.Getenv(sqldbtest.EnvPostgresDSN))
			require.NoError(t, err)
			q := u.Query()
			q.Set("search_path", schema)
			u.RawQuery = q.Encode()
			dsn = u.String()
		}
		s, err := sqlstore.Open(ctx, dsn)
		require.NoError(t, err)
		for _, v := range []billing.CostData{crashV1, crashV2} {
			out, err := s.PutCostData(ctx, v)
			require.NoError(t, err)
			require.Equal(t, billing.Stored, out)
		}
		require.NoError(t, s.Close())

		runAndKillChild(t, dsn)

		s, err = sqlstore.Open(ctx, dsn) // as a restarted program would
		require.NoError(t, err)
		defer s.Close()
		reports, err := s.CostReports(ctx, may)
		require.NoError(t, err)
		assert.Equal(t, []billing.CostData{header(crashV2)}, reports, "v2 is the month's report")
		groups, err := s.CostGroups(ctx, may)
		require.NoError(t, err)
		assert.Equal(t, classified(crashV2.Groups), canonGroups(groups), "v2's groups, whole")
		history, err := s.ReportHistory(ctx, crashPayer, may)
		require.NoError(t, err)
		assert.Equal(t, []billing.CostData{header(crashV1), header(crashV2)}, history, "v3 is not in the history")
		for _, table := range []string{"billing_reports", "billing_cost_groups"} {
			var n int
			require.NoError(t, s.DB().Pool().QueryRowContext(ctx,
				`SELECT COUNT(*) FROM `+table+` WHERE version = $1`, "v3").Scan(&n))
			assert.Zero(t, n, "rows of v3 in %s", table)
		}

		out, err := s.PutCostData(ctx, crashV3)
		require.NoError(t, err, "v3 ingested again after the crash")
		assert.Equal(t, billing.Stored, out)
		groups, err = s.CostGroups(ctx, may)
		require.NoError(t, err)
		assert.Equal(t, classified(crashV3.Groups), canonGroups(groups))
	})
}

// runAndKillChild starts TestCrashChild on dsn, waits until it has written v3 in
// its open transaction, and kills it with SIGKILL.
func runAndKillChild(t *testing.T, dsn string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), envCrashDSN+"="+dsn)
	stdin, err := cmd.StdinPipe() // the child blocks reading it until it is killed
	require.NoError(t, err)
	defer stdin.Close()
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	killed := false
	defer func() {
		if !killed {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	}()
	lines := bufio.NewScanner(stdout)
	marked := false
	var out []string
	for lines.Scan() {
		if lines.Text() == crashMarker {
			marked = true
			break
		}
		out = append(out, lines.Text())
	}
	require.True(t, marked, "the child ended before writing v3:\n%s\n%s", strings.Join(out, "\n"), stderr.String())
	require.NoError(t, cmd.Process.Kill()) // SIGKILL: no deferred code, no rollback, no close
	killed = true
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	err = cmd.Wait()
	require.Error(t, err, "the child was killed")
	assert.Contains(t, err.Error(), "killed")
}

// TestCrashChild is the child process of
// TestB14_CrashWhileIngestingKeepsThePreviousVersion; it is skipped unless that
// test started it. In one transaction it stores v3, prints crashMarker and blocks
// reading its standard input, with the transaction open, until it is killed.
func TestCrashChild(t *testing.T) {
	dsn := os.Getenv(envCrashDSN)
	if dsn == "" {
		t.Skip("run by TestB14_CrashWhileIngestingKeepsThePreviousVersion only")
	}
	ctx := context.Background()
	s, err := sqlstore.Open(ctx, dsn)
	require.NoError(t, err)
	err = s.InTx(ctx, func(ctx context.Context) error {
		out, err := s.PutCostData(ctx, crashV3)
		if err != nil {
			return err
		}
		if out != billing.Stored {
			return fmt.Errorf("v3: %s", out)
		}
		fmt.Println(crashMarker)
		_, err = io.Copy(io.Discard, os.Stdin) // until the parent kills us
		return err
	})
	t.Fatalf("the child was not killed: %v", err)
}
