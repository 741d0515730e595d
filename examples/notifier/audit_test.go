package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestC7_MaxAttemptsBelowOneIsRefused: -max-attempts 0 or a negative count is
// refused, naming the flag and the value, before the database is touched. The
// dispatcher takes any count below 1 as 1, so -max-attempts 0 (read by an
// operator as "no limit") made every notice dead on its first transient failure
// (C-7), with nothing said.
func TestC7_MaxAttemptsBelowOneIsRefused(t *testing.T) {
	for _, v := range []string{"0", "-3"} {
		t.Run(v, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "portal.db")
			var out bytes.Buffer
			err := run(context.Background(), []string{"-db", path, "-once", "-max-attempts", v}, &out)
			require.Error(t, err)
			assert.ErrorContains(t, err, "-max-attempts "+v)
			_, statErr := os.Stat(path)
			assert.ErrorIs(t, statErr, os.ErrNotExist, "refused before the database is opened")
		})
	}
}

// TestC7_OnceStoppedSaysWhatWasDone: -once stopped by SIGINT or SIGTERM (its
// context cancelled) exits non-zero, the outbox not drained, and still logs what
// it did ("notifier stopped" with its counts), as the long-running mode does. It
// returned the bare error without them, so a cron run cut short by systemd said
// nothing of the notices it had sent. The long-running mode exits 0 when stopped.
func TestC7_OnceStoppedSaysWhatWasDone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "portal.db")
	for _, tc := range []struct {
		name string
		args []string
		want error
	}{
		{"once", []string{"-db", path, "-once"}, context.Canceled},
		{"long-running", []string{"-db", path}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			out := &signalAfterStart{cancel: cancel}
			err := run(ctx, tc.args, out)
			if tc.want != nil {
				require.ErrorIs(t, err, tc.want)
			} else {
				require.NoError(t, err)
			}
			assert.Contains(t, out.String(), "notifier stopped")
			assert.Contains(t, out.String(), "sent=0")
		})
	}
}

// signalAfterStart is the notifier's output; it cancels the run (a signal) once
// the notifier has started.
type signalAfterStart struct {
	bytes.Buffer
	cancel context.CancelFunc
}

func (s *signalAfterStart) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte("notifier started")) {
		s.cancel()
	}
	return s.Buffer.Write(p)
}
