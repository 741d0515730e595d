package billing

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// goldenSketchRows adds to the sketches ws, row i to ws[i%len(ws)], 10,000 row
// identities (each added twice, the second time 5,000 rows later) and contents of
// which 300 are distinct, then merges them into ws[0].
func goldenSketchRows(ws []*Sketch) *Sketch {
	for i := range 15000 {
		j := i
		if i >= 10000 {
			j = i - 5000
		}
		w := ws[i%len(ws)]
		w.Add(fmt.Appendf(nil, "li-%06d-qmooz4hg3jabcdabcdabcd", j), []byte{byte(j), byte(j >> 8), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
		w.AddContent(fmt.Appendf(nil, "%012d", j%7), fmt.Appendf(nil, "content-%d", j%300))
	}
	for _, w := range ws[1:] {
		ws[0].Merge(w)
	}
	return ws[0]
}

// TestB14_GoldenSketchBinary pins the SHA-256 of the binary form of a sketch
// (MarshalBinary: which hashes a sample keeps, bottom-k, and how they are
// written), a literal computed once (2026-11-29), for the sketch made by one
// worker and by several merged. Stores keep these bytes (CostData.Sketch, B-14):
// a change means the sketches stored by earlier versions no longer compare with
// new ones and needs a migration that re-sketches the stored cost data, not a new
// literal.
func TestB14_GoldenSketchBinary(t *testing.T) {
	const want = "3b9b493c65efbd4c9643056b89b2db97a6e3488a1279129475411c57cd197148"
	for _, workers := range []int{1, 2, 7} {
		ws := make([]*Sketch, workers)
		for i := range ws {
			ws[i] = new(Sketch)
		}
		s := goldenSketchRows(ws)
		require.Equal(t, SketchSize, s.Len())
		b, err := s.MarshalBinary()
		require.NoError(t, err)
		sum := sha256.Sum256(b)
		assert.Equal(t, want, hex.EncodeToString(sum[:]), "%d workers", workers)
	}
}
