package costfile

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/billing"
)

// sketchTestFile returns a legacy CUR file (legacyHeader) of a few thousand rows in
// the order of seed (0: as generated): more distinct identities than
// billing.SketchSize, so both samples fill; usage starts in every form (B-1 forms,
// fractions, offsets, no zone), in runs of one hour as AWS writes them, so many
// rows share the day, the hour or the whole start of the row before; rows repeated
// verbatim and rows repeated with another form of their start; rows without a line
// item id (their record is their identity); quoted fields.
func sketchTestFile(seed uint64) string {
	r := rand.New(rand.NewPCG(14, 14))
	forms := []string{"2006-01-02T15:04:05Z", "2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04:05.000",
		"2006-01-02T15:04:05.000Z", "2006-01-02T15:04:05.999999999Z07:00"}
	zones := []*time.Location{time.UTC, time.FixedZone("JST", 9*3600), time.FixedZone("", -3600)}
	var rows []string
	var tm time.Time
	form := forms[0]
	for i := range 3000 {
		// Rows come in runs of one hour, as AWS writes them: the same start, or
		// another minute of its hour, mostly in the form of the row before.
		if i%8 == 0 || r.IntN(6) == 0 {
			tm = time.Date(2026, 10, 1+r.IntN(30), r.IntN(24), 0, 0, 0, time.UTC)
			form = forms[r.IntN(len(forms))]
		}
		if r.IntN(3) == 0 {
			tm = tm.Truncate(time.Hour).Add(time.Duration(r.IntN(4)*15) * time.Minute)
		}
		if r.IntN(10) == 0 {
			tm = tm.Add(time.Duration(r.IntN(1000)) * time.Millisecond)
		}
		if r.IntN(10) == 0 {
			form = forms[r.IntN(len(forms))]
		}
		start := tm.In(zones[r.IntN(len(zones))]).Format(form)
		if !strings.Contains(form, "Z07") {
			start = tm.Format(form)
		}
		id := fmt.Sprintf("li%05d", r.IntN(1200)) // ids repeat over starts
		if r.IntN(20) == 0 {
			id = "" // no id: the record is the identity
		}
		row := strings.Join([]string{id, start + "/" + start, "inv1", "AWS", "Anniversary", "999999999999",
			fmt.Sprintf("%012d", r.IntN(7)), []string{"Usage", "Tax", "Credit"}[r.IntN(3)], start, start, "AmazonEC2",
			fmt.Sprintf("APN1-BoxUsage:t3.%d", r.IntN(40)), "RunInstances", "1.0", "0.1", fmt.Sprint(i % 97), `"a, ""b"""`, "EC2",
			"ap-northeast-1", "1", "OnDemand", fmt.Sprint("g", i%5), "web"}, ",") + "\n"
		rows = append(rows, row)
		switch r.IntN(8) {
		case 0: // the same row again
			rows = append(rows, row)
		case 1: // the same row, its start in another form of the same instant
			rows = append(rows, strings.ReplaceAll(row, start, tm.Format(time.RFC3339Nano)))
		}
	}
	if seed != 0 {
		s := rand.New(rand.NewPCG(seed, seed))
		s.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	}
	return legacyHeader + strings.Join(rows, "")
}

// TestB14_SketchDoesNotDependOnWorkersOrBlocks: the sketch of a file (B-14) is the
// same, byte for byte in its binary form, whichever worker reads which rows and
// wherever blocks are cut — one worker or four, 64-byte or default blocks — and
// whatever the order of the rows (each worker's start cache then sees other rows
// before each row): only the file's rows decide it.
func TestB14_SketchDoesNotDependOnWorkersOrBlocks(t *testing.T) {
	var want []byte
	var wantRows int64
	for _, seed := range []uint64{0, 1, 2} {
		text := sketchTestFile(seed)
		for _, opt := range []Options{{Workers: 1}, {Workers: 4}, {Workers: 1, BlockSize: 64}, {Workers: 4, BlockSize: 64}} {
			st, err := Scan(context.Background(), "sketch.csv", strings.NewReader(text), func() billing.Sink { return &nopSink{} }, opt)
			require.NoError(t, err, "seed %d %+v", seed, opt)
			require.NotNil(t, st.Sketch)
			b, err := st.Sketch.MarshalBinary()
			require.NoError(t, err)
			if want == nil {
				want, wantRows = b, st.Rows
				require.Equal(t, billing.SketchSize, st.Sketch.Len(), "the test needs a full sample")
				require.Len(t, b, 1+2*(4+8*billing.SketchSize), "the test needs full samples of rows and contents")
				continue
			}
			require.Equal(t, wantRows, st.Rows, "seed %d %+v", seed, opt)
			require.Equal(t, want, b, "seed %d %+v: the sketch depends on how rows are split", seed, opt)
		}
	}
}
