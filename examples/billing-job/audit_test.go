package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	csqlstore "github.com/seeda33a2f4f/resellerkit/contacts/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
)

// TestB15_DefaultPeriodOfTheDailyRun: without -period, the monthly run (issue,
// audit) is about the previous UTC month, and the daily run (-steps
// ingest,alarms, as doc.go shows it) about the current one: the month-to-date
// charges the portal shows (B-13) and the alarms watch (B-15). A daily run on the
// previous month would never ingest this month's report nor fire its alarms.
func TestB15_DefaultPeriodOfTheDailyRun(t *testing.T) {
	now := time.Date(2026, 11, 15, 3, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"monthly, every step", []string{"-source", "dir"}, "2026-10"},
		{"issue only", []string{"-steps", "issue"}, "2026-10"},
		{"audit only", []string{"-steps", "audit"}, "2026-10"},
		{"daily", []string{"-source", "dir", "-steps", "ingest,alarms"}, "2026-11"},
		{"daily with delivery", []string{"-source", "dir", "-steps", "ingest,alarms,deliver"}, "2026-11"},
		{"alarms only", []string{"-steps", "alarms"}, "2026-11"},
		{"daily, -now", []string{"-source", "dir", "-steps", "ingest,alarms", "-now", "2026-12-01T00:30:00Z"}, "2026-12"},
		{"daily, -period wins", []string{"-source", "dir", "-steps", "ingest,alarms", "-period", "2026-09"}, "2026-09"},
		{"monthly, -period wins", []string{"-source", "dir", "-period", "2026-09"}, "2026-09"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parseFlags(tc.args, io.Discard, now)
			require.NoError(t, err)
			assert.Equal(t, tc.want, c.period.String())
		})
	}
}

// TestB12_NoticeLinksReachThePortal: -url is the portal's origin (doc.go, -h), and
// the links of the notices the job writes (invoice issued, B-12; charge alarm,
// B-15) are under it, as the portal's own notices' are: the portal's web UI
// answers them (examples/portal's ui_links.go, tested there). A trailing slash
// on -url is the same origin, not a "//" in every link.
func TestB12_NoticeLinksReachThePortal(t *testing.T) {
	for _, origin := range []string{"https://members.example.com", "https://members.example.com/"} {
		t.Run(origin, func(t *testing.T) {
			w := newWorld(t, sqldb.SQLite)
			root := filepath.Join(w.dir, "bucket")
			legacyReport(t, root, asm1, map[string][]byte{"monthly-1.csv.gz": part(t, "p1", 40, "0.5")}, time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC))
			var out, errOut bytes.Buffer
			require.NoError(t, run(context.Background(), w.args(root, "-url", origin), &out, &errOut), errOut.String())

			ctx := context.Background()
			store, err := csqlstore.Open(ctx, w.db)
			require.NoError(t, err)
			defer store.Close()
			notices, err := resellerkit.All(func(pg resellerkit.Page) ([]contacts.Notice, string, error) {
				return store.ListNotices(ctx, w.orgID, "", pg)
			})
			require.NoError(t, err)
			base := "https://members.example.com/orgs/" + w.orgID + "/"
			kinds := map[contacts.Kind]int{}
			for _, n := range notices {
				kinds[n.Kind]++
				switch n.Kind {
				case contacts.KindInvoiceIssued:
					assert.Contains(t, n.Text, base+"documents/", "invoice notice %s", n.Key)
				case contacts.KindChargeAlarm:
					assert.Contains(t, n.Text, base+"accounts/"+acctJPY1+"/charges", "alarm notice %s", n.Key)
				}
				assert.NotContains(t, n.Text, "example.com/v1/", "links for a browser, not the API")
				assert.NotContains(t, n.Text, "example.com//", "no link with an empty path segment")
			}
			assert.Equal(t, map[contacts.Kind]int{contacts.KindInvoiceIssued: 2, contacts.KindChargeAlarm: 1}, kinds)
		})
	}
}

// TestB12_StepsNamesAStep: -steps with no step in it (an empty -steps=, or a
// cron line's -steps "$STEPS" with the variable unset) is refused, naming the
// flag and the value. It ran nothing and exited 0, so the monthly job (B-12) or
// the daily one (B-13, B-15) did nothing every time, with nothing said.
func TestB12_StepsNamesAStep(t *testing.T) {
	for _, v := range []string{"", ",", " , "} {
		t.Run(v, func(t *testing.T) {
			_, err := parseFlags([]string{"-source", "dir", "-steps", v}, io.Discard, time.Now())
			require.Error(t, err)
			assert.ErrorContains(t, err, "-steps")
		})
	}
}
