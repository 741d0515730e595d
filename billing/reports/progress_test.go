package reports_test

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/billing/costfile"
	"github.com/seeda33a2f4f/resellerkit/billing/reports"
)

// TestProgress_NeverConcurrent: billing.Run reads a version's files several at
// once, and still the Progress callback of the source, which keeps a plain map
// here, is never called twice at the same time; every file is reported read to
// its end.
func TestProgress_NeverConcurrent(t *testing.T) {
	f := newFakeS3(t)
	bucketLayout(t, f, t.TempDir())
	var (
		inside, overlapped atomic.Bool
		progress           = map[string][2]int64{} // no lock: the source serializes
	)
	src := reports.NewS3(f.client, testBucket, reports.Config{Prefix: "cur/", Progress: func(file string, n, size int64) {
		if !inside.CompareAndSwap(false, true) {
			overlapped.Store(true)
		}
		progress[file] = [2]int64{n, size}
		for range 20 {
			runtime.Gosched() // a slow callback: another file's call would come in now
		}
		inside.Store(false)
	}})
	vs, err := src.Versions(context.Background(), nov2023)
	require.NoError(t, err)
	require.Len(t, vs, 1)
	require.Len(t, vs[0].Files, 3)

	for range 5 {
		res := runJob(t, vs[0].Inputs(costfile.Options{Workers: 1}))
		require.Len(t, res.Inputs, 3)
	}
	assert.False(t, overlapped.Load(), "two Progress calls at once")
	for _, file := range vs[0].Files {
		assert.Equal(t, [2]int64{file.Size, file.Size}, progress[file.Name], file.Name)
	}
}
