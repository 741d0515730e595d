package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

// TestS3_UnwrittenSummaryNoticeFailsTheRun: a summary notice that cannot be
// written to the outbox (security.Report.NoticeErrors) is said on stderr, naming
// the account, and the command exits non-zero. The run itself is finished and
// its report printed, so running it again repairs nothing and writes no summary:
// an exit status of 0 and no word of it left the account's technical contacts
// never told what was repaired, with nothing for cron to notice.
func TestS3_UnwrittenSummaryNoticeFailsTheRun(t *testing.T) {
	w := newWorld(t, sqldb.SQLite)
	ctx := context.Background()
	db, err := sqldb.Open(ctx, w.dsn)
	require.NoError(t, err)
	_, err = db.Pool().ExecContext(ctx, `CREATE TRIGGER audit_outbox_down BEFORE INSERT ON contacts_notices
		BEGIN SELECT RAISE(ABORT, 'outbox unavailable'); END`)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	out, errOut, err := runJob(t, "-db", w.dsn, "-simulate", "-issue", acctA1)
	require.Error(t, err, "a summary notice was not written: the run must not succeed silently")
	assert.ErrorContains(t, err, "1 summary notice")
	assert.Contains(t, errOut, "maintenance: 3 accounts")
	assert.Contains(t, errOut, "summary of account "+acctA1)
	assert.Contains(t, errOut, "outbox unavailable")
	rep := decode[reportJSON](t, out)
	assert.Equal(t, "finished", rep.Run.State, "the run is finished and reported")
}

// TestS1_IssueNamesAnAccountOfAnOrganization: -issue sets the initial controls
// of the accounts being issued (S-1). An id there that no organization has this
// month (a typo, an account not registered yet) set nothing and the run
// succeeded, so the account went out without its initial controls with nothing
// said; and -alerts, which runs no maintenance, took -issue silently. Both are
// refused before anything is maintained (an account of an organization that
// -accounts leaves out stays allowed: the same -issue list may go with a narrower
// -accounts).
func TestS1_IssueNamesAnAccountOfAnOrganization(t *testing.T) {
	w := newWorld(t, sqldb.SQLite)
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"not an account of any organization": {[]string{"-simulate", "-issue", acctA1 + ",999999999999"}, "-issue: account 999999999999 belongs to no organization"},
		"with -accounts":                     {[]string{"-simulate", "-accounts", acctA1, "-issue", "999999999999"}, "-issue: account 999999999999"},
		"with -alerts":                       {[]string{"-alerts", "f.json", "-issue", acctA1}, "-alerts routes findings"},
	} {
		t.Run(name, func(t *testing.T) {
			out, _, err := runJob(t, append([]string{"-db", w.dsn}, tc.args...)...)
			require.Error(t, err)
			assert.ErrorContains(t, err, tc.want)
			assert.Empty(t, out, "no report: nothing was maintained")
		})
	}
	// No run was started by the refused commands: the next one is a fresh run.
	out, errOut, err := runJob(t, "-db", w.dsn, "-simulate", "-issue", acctA1)
	require.NoError(t, err, errOut)
	assert.False(t, decode[reportJSON](t, out).Resumed)
}

// TestS3_SimulateRefusesConfig: -simulate and -config are alternatives (the usage
// line: -config adapters.json | -simulate). Given both, the command ran the
// simulated fleet on the database named by -db, recording its made-up drift and
// repairs as the accounts' maintenance run and mailing their technical contacts a
// summary of repairs never made on AWS. It is refused, naming both flags, before
// the database is opened.
func TestS3_SimulateRefusesConfig(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "portal.db")
	cfg := writeConfig(t, `{"cloudtrail": {"bucket": "b"}, "config": {"bucket": "c"}, "support_role": {"principal": "111122223333"}}`)
	out, _, err := runJob(t, "-db", dsn, "-simulate", "-config", cfg)
	require.Error(t, err)
	assert.ErrorContains(t, err, "-simulate")
	assert.ErrorContains(t, err, "-config")
	assert.Empty(t, out)
	_, statErr := os.Stat(dsn)
	assert.ErrorIs(t, statErr, os.ErrNotExist, "refused before the database is opened")
}
