package main

import (
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
