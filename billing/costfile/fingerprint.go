package costfile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
)

// The overlap check (B-14). Every worker adds the identity of each row it reads,
// handed to its Sink or skipped, to a billing.Sketch of its own (rowFiller.sketch);
// finish merges them into InputStats.Sketch, and billing.Run compares the sketches of
// every two inputs. A row's identity is:
//
//   - CUR (legacy identity/LineItemId, CUR 2.0 identity_line_item_id): its line item
//     id with its usage start as an instant (the parsed timestamp's UTC date,
//     time and nanoseconds, so "2026-10-21T08:00:00Z" and Athena's "2026-10-21 08:00:00.000"
//     are one start). A line item id repeats over the days or hours of a usage
//     (1,281 rows of the real CUR sample have 388 ids), so the id alone is no
//     identity; with its usage start it is (all 1,281 pairs differ), without
//     reading identity/TimeInterval (a Parquet column costs about 6 % of a scan).
//   - Data without ids (FOCUS, a CUR without the identity columns, a row whose id is
//     null): the whole row as read — the record's text in CSV (quotes as written,
//     the line ending left out), every column's value in Parquet.
//
// Every CUR row also adds its content (billing.Sketch.AddContent): usage account,
// usage start as an instant, line item type, product code, usage type and
// operation, the fields the reader reads anyway — no ids, no costs. AWS documents
// identity/LineItemId as not consistent between reports: a restated month can
// carry new ids, and its contents still match (billing.ContentOverlapPercent).
// Different reports (a legacy CUR and a CUR 2.0 export of one month) have different
// ids but the same contents, so they are found too when their fields are written
// alike.
//
// The cost is two billing.Hash per CUR row (about 20 ns each; a FOCUS CSV row
// hashes its whole text), reading the id column, and per worker two samples of
// billing.SketchSize hashes: memory stays flat. The usage start is parsed once, by
// fill, for its month and its instant (parseStart); once a sample is full, a hash
// costs one comparison.

// parseStart parses a usage start (B-1) once for its two uses: its UTC month
// (LineItem.Period, as parsePeriod) and its instant as the overlap check hashes it
// (B-14): 12 bytes, the UTC date and time packed into 8 and the nanoseconds into 4,
// the same for every way of writing one instant ("2026-10-21T08:00:00Z",
// "2026-10-21 08:00:00.000", "2026-10-21T17:00:00+09:00"). The two B-1 forms take
// a path without time.Time or loops (rows rarely share the start of the row before
// them); the others, and every error, are parsePeriod's.
func parseStart(b []byte) (resellerkit.Month, [12]byte, error) {
	var inst [12]byte
	if (len(b) == 19 || (len(b) == 20 && b[19] == 'Z')) && (b[10] == 'T' || b[10] == ' ') &&
		b[4] == '-' && b[7] == '-' && b[13] == ':' && b[16] == ':' {
		y1, ok1 := digits2(b[0], b[1])
		y2, ok2 := digits2(b[2], b[3])
		mo, ok3 := digits2(b[5], b[6])
		d, ok4 := digits2(b[8], b[9])
		h, ok5 := digits2(b[11], b[12])
		mi, ok6 := digits2(b[14], b[15])
		sec, ok7 := digits2(b[17], b[18])
		y := 100*y1 + y2
		if ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7 && y >= 1 && mo >= 1 && mo <= 12 &&
			d >= 1 && d <= daysIn(y, mo) && h < 24 && mi < 60 && sec < 60 {
			binary.LittleEndian.PutUint64(inst[:], packInstant(y, mo, d, h, mi, sec))
			return resellerkit.NewMonth(y, time.Month(mo)), inst, nil
		}
	}
	p, err := parsePeriod(b)
	if err != nil {
		return p, inst, err
	}
	t, err := parseTime(b) // parsePeriod accepted b: so does parseTime, its fast forms too
	if err != nil {
		return p, inst, err
	}
	y, mo, d := t.Date()
	h, mi, sec := t.Clock()
	binary.LittleEndian.PutUint64(inst[:], packInstant(y, int(mo), d, h, mi, sec))
	binary.LittleEndian.PutUint32(inst[8:], uint32(t.Nanosecond()))
	return p, inst, nil
}

// packInstant packs a UTC date and time of day into one word.
func packInstant(y, mo, d, h, mi, sec int) uint64 {
	return uint64(y)<<26 | uint64(mo)<<22 | uint64(d)<<17 | uint64(h)<<12 | uint64(mi)<<6 | uint64(sec)
}

// digits2 returns the number the ASCII digits a and b write, and whether both are
// digits.
func digits2(a, b byte) (int, bool) {
	a, b = a-'0', b-'0' // a byte below '0' wraps above 9
	return int(a)*10 + int(b), a <= 9 && b <= 9
}

// sketchRow adds the identity of the row whose values are v to the worker's sketch;
// rec is the row's CSV record, nil for Parquet (whose rows without an id column are
// added by sketchRowGroup). It follows fill, which parsed the row's usage start.
func (f *rowFiller) sketchRow(v *rowVals, rec []byte) {
	var start []byte
	if f.s.format != billing.FormatFOCUS {
		start = f.startInst[:] // fill parsed the row's usage start (parseStart)
		f.sketch.AddContent(v[sAccount], start, v[sLineItemType], v[sProductCode], v[sUsageType], v[sOperation])
	}
	if id := v[sLineItemID]; len(id) > 0 && start != nil {
		f.sketch.Add(id, start)
		return
	}
	if rec != nil {
		for len(rec) > 0 && (rec[len(rec)-1] == '\n' || rec[len(rec)-1] == '\r') {
			rec = rec[:len(rec)-1]
		}
		f.sketch.Add(rec)
		return
	}
	if f.s.col[sLineItemID] >= 0 {
		// A Parquet row whose id is null: the values read.
		f.sketch.Add(v[:]...)
	}
}

// sketchRowGroup adds the identity of every row of a Parquet row group to the
// worker's sketch when the file has no line item id column: all of the row's
// values, read a few rows at a time. With ids it does nothing (sketchRow does it).
func (f *rowFiller) sketchRowGroup(g parquet.RowGroup) error {
	if f.s.col[sLineItemID] >= 0 {
		return nil
	}
	rows := g.Rows()
	defer rows.Close()
	buf := make([]parquet.Row, 64)
	var b []byte
	for {
		n, err := rows.ReadRows(buf)
		for _, r := range buf[:n] {
			b = b[:0]
			for _, v := range r {
				// Column, null or not, and length make the encoding unambiguous.
				b = append(b, byte(v.Column()), byte(v.Column()>>8), byte(v.DefinitionLevel()), byte(v.RepetitionLevel()))
				if !v.IsNull() {
					start := len(b)
					b = append(b, 0, 0, 0, 0)
					b = v.AppendBytes(b)
					l := len(b) - start - 4
					b[start], b[start+1], b[start+2], b[start+3] = byte(l), byte(l>>8), byte(l>>16), byte(l>>24)
				}
			}
			f.sketch.Add(b)
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: %w", ErrParquet, err)
		}
		if n == 0 {
			return fmt.Errorf("%w: no rows read", ErrParquet)
		}
	}
}

// mergeSketches returns the sketch of an input: its workers' sketches merged.
func mergeSketches(fillers []*rowFiller) *billing.Sketch {
	var s billing.Sketch
	for _, f := range fillers {
		s.Merge(&f.sketch)
	}
	return &s
}

// Files returns the cost files at paths as billing.Inputs (File{Path, opt}), in
// order, after a cheap check that no file is given twice (B-14): the same path, a
// symbolic or hard link to another path given, or a second name of the same file
// is refused with an error wrapping billing.ErrOverlap that names both paths.
// Two files of the legacy CUR layout, <billing period>/<assembly id>/<name>-N.csv
// (.csv.gz, .csv.zip, as AWS writes them: "20261001-20261101/<uuid>/cur-1.csv.gz")
// under one billing-period folder but in different assembly folders are two
// versions of that month and refused too, whatever their rows. The CUR 2.0 / Data
// Exports layout (BILLING_PERIOD=YYYY-MM/…) is not recognized by its paths: its
// versions are found by their rows (billing.ContentOverlapPercent).
// Copies and versions of one month are found by billing.Run, which compares the
// files' row samples. A path that cannot be opened is an *Error, as ScanFile's.
func Files(opt Options, paths ...string) ([]billing.Input, error) {
	infos := make([]os.FileInfo, len(paths))
	inputs := make([]billing.Input, len(paths))
	type version struct{ period, assembly string }
	versions := make([]version, len(paths))
	for i, p := range paths {
		fi, err := statFile(p)
		if err != nil {
			return nil, &Error{File: p, Err: withoutPath(err)}
		}
		versions[i].period, versions[i].assembly = curAssembly(p)
		for j := range i {
			if os.SameFile(infos[j], fi) {
				return nil, &Error{File: p, Err: fmt.Errorf("%w: %s is the same file as %s (B-14): its rows would count twice", billing.ErrOverlap, p, paths[j])}
			}
			if v, w := versions[i], versions[j]; v.period != "" && v.period == w.period && v.assembly != w.assembly {
				return nil, &Error{File: p, Err: fmt.Errorf("%w: %s and %s are two versions of the month %s: assemblies %s and %s (B-14); give only the newest",
					billing.ErrOverlap, paths[j], p, filepath.Base(v.period), w.assembly, v.assembly)}
			}
		}
		infos[i] = fi
		inputs[i] = File{Path: p, Options: opt}
	}
	return inputs, nil
}

// curAssembly returns the billing-period folder (its path, cleaned and absolute)
// and the assembly id of a file of the legacy CUR layout,
// …/<yyyymmdd-yyyymmdd>/<assembly id>/<name>-<N>.csv[.gz|.zip], or "" and "".
func curAssembly(path string) (period, assembly string) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", ""
	}
	dir, name := filepath.Split(abs)
	dir = filepath.Clean(dir)
	periodDir, assembly := filepath.Split(dir)
	periodDir = filepath.Clean(periodDir)
	if !legacyPart.MatchString(name) || assembly == "" || !legacyPeriod.MatchString(filepath.Base(periodDir)) {
		return "", ""
	}
	return periodDir, assembly
}

var (
	legacyPart   = regexp.MustCompile(`^.+-[0-9]+\.csv(\.gz|\.zip)?$`)
	legacyPeriod = regexp.MustCompile(`^[0-9]{8}-[0-9]{8}$`)
)

// statFile returns the FileInfo of the file at path, opening it as ScanFile does, so
// that a file that cannot be read fails here with ScanFile's error.
func statFile(path string) (os.FileInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.Stat()
}
