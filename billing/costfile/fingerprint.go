package costfile

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/parquet-go/parquet-go"

	"github.com/seeda33a2f4f/resellerkit/billing"
)

// The overlap check (B-14). Every worker adds the identity of each row it reads,
// handed to its Sink or skipped, to a billing.Sketch of its own (rowFiller.sketch);
// finish merges them into InputStats.Sketch, and billing.Run compares the sketches of
// every two inputs. A row's identity is:
//
//   - CUR (legacy identity/LineItemId, CUR 2.0 identity_line_item_id): its line item
//     id with its usage start as written (the column the reader reads anyway). A
//     line item id repeats over the days or hours of a usage (the same resource and
//     usage type: 1,281 rows of the real CUR sample have 388 ids), so the id alone
//     is no identity. The id with its time interval is (identity/TimeInterval), and
//     a row's usage start lies in its interval, so the id with its usage start is
//     one too (all 1,281 pairs of the sample differ) without reading the interval
//     column (a Parquet column costs about 6 % of a scan). It is the same in every
//     copy and every restated version of the month. AWS does not keep ids between
//     different reports (a legacy CUR and a CUR 2.0 export of one month), so those
//     are not recognized.
//   - Data without ids (FOCUS, a CUR without the identity columns, a row whose id is
//     null): the whole row as read — the record's text in CSV (quotes as written,
//     the line ending left out), every column's value in Parquet.
//
// The cost is one billing.Hash of ~75 bytes per CUR row (about 20 ns; a FOCUS CSV
// row hashes its whole text), reading the id column, and per worker a sample of
// billing.SketchSize hashes: memory stays flat.

// sketchRow adds the identity of the row whose values are v to the worker's sketch;
// rec is the row's CSV record, nil for Parquet (whose rows without an id column are
// added by sketchRowGroup).
func (f *rowFiller) sketchRow(v *rowVals, rec []byte) {
	if id := v[sLineItemID]; len(id) > 0 {
		f.sketch.Add(id, v[sStart])
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
// Copies and versions of one month are found by billing.Run, which compares the
// files' row samples. A path that cannot be opened is an *Error, as ScanFile's.
func Files(opt Options, paths ...string) ([]billing.Input, error) {
	infos := make([]os.FileInfo, len(paths))
	inputs := make([]billing.Input, len(paths))
	for i, p := range paths {
		fi, err := statFile(p)
		if err != nil {
			return nil, &Error{File: p, Err: withoutPath(err)}
		}
		for j := range i {
			if os.SameFile(infos[j], fi) {
				return nil, &Error{File: p, Err: fmt.Errorf("%w: %s is the same file as %s (B-14): its rows would count twice", billing.ErrOverlap, p, paths[j])}
			}
		}
		infos[i] = fi
		inputs[i] = File{Path: p, Options: opt}
	}
	return inputs, nil
}

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
