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
