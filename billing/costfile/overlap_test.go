package costfile

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/internal/curgen"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// runFiles bills October 2026 (or period) from the files at paths, as the invoicing
// command does, with two workers per file.
func runFiles(t *testing.T, period resellerkit.Month, paths ...string) (*billing.Result, error) {
	t.Helper()
	rate := money.MustParse("150")
	cfg := &billing.Config{
		Issuer:   billing.Issuer{Name: "R", RegistrationNumber: "T1234567890123"},
		Projects: []billing.Project{{ID: "p", Currency: money.JPY, ExchangeRate: &rate, Accounts: curgen.AccountIDs(4)}},
	}
	var inputs []billing.Input
	for _, p := range paths {
		inputs = append(inputs, File{Path: p, Options: Options{Workers: 2, BlockSize: 64 << 10}})
	}
	return billing.Run(context.Background(), billing.Job{Period: period, Issuer: cfg.Issuer, Projects: cfg, Inputs: inputs})
}

var b14Oct = resellerkit.NewMonth(2026, 10)

// write writes data to dir/name (creating directories) and returns the path.
func write(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, data, 0o644))
	return p
}

// month is a generated month of legacy CUR (curgen, 3,000 rows: unique line item
// ids, quoted descriptions with newlines), as CSV records.
func month(t *testing.T) [][]string {
	t.Helper()
	var b bytes.Buffer
	_, err := curgen.Write(&b, curgen.Config{Rows: 3000, Seed: 7, Accounts: 8})
	require.NoError(t, err)
	recs, err := csv.NewReader(&b).ReadAll()
	require.NoError(t, err)
	return recs
}

func csvText(t *testing.T, recs [][]string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	require.NoError(t, w.WriteAll(recs))
	return b.Bytes()
}

// refused checks that err is B-14's, with no result, naming both files.
func refused(t *testing.T, res *billing.Result, err error, a, b string) {
	t.Helper()
	require.ErrorIs(t, err, billing.ErrOverlap)
	assert.Nil(t, res)
	assert.Contains(t, err.Error(), a)
	assert.Contains(t, err.Error(), b)
	assert.Contains(t, err.Error(), "(B-14)")
}

// TestB14_SameFileTwice: one path given twice is refused, naming it twice; Files
// refuses it before anything is read.
func TestB14_SameFileTwice(t *testing.T) {
	recs := month(t)
	a := write(t, t.TempDir(), "cur.csv", csvText(t, recs))
	res, err := runFiles(t, b14Oct, a, a)
	refused(t, res, err, a, a)
	assert.Equal(t, "inputs "+a+" and "+a+" overlap: 2048 of the 2048 sampled rows of "+a+" are also in "+a+
		" (B-14): the same report twice, a copy, or two versions of one month; give each month's rows once", err.Error())

	_, err = Files(Options{}, a, a)
	require.ErrorIs(t, err, billing.ErrOverlap)
	assert.Equal(t, a+": billing: inputs overlap: "+a+" is the same file as "+a+" (B-14): its rows would count twice", err.Error())
}

// TestB14_CopyUnderAnotherName: a byte-for-byte copy, gzip-compressed or not, is
// refused naming both; Files, which compares only file identities, lets it through
// to Run.
func TestB14_CopyUnderAnotherName(t *testing.T) {
	dir := t.TempDir()
	text := csvText(t, month(t))
	a := write(t, dir, "cur-00001.csv", text)
	b := write(t, dir, "copy/cur-00001.csv.gz", gz(t, string(text)))
	_, err := Files(Options{}, a, b)
	require.NoError(t, err)
	res, err := runFiles(t, b14Oct, a, b)
	refused(t, res, err, a, b)
}

// TestB14_Symlink: a symbolic link to a file given with it is refused by Files
// (os.SameFile) and by Run (the rows are the same).
func TestB14_Symlink(t *testing.T) {
	dir := t.TempDir()
	a := write(t, dir, "2026-10/cur.csv", csvText(t, month(t)))
	link := filepath.Join(dir, "latest.csv")
	require.NoError(t, os.Symlink(a, link))
	_, err := Files(Options{}, link, a)
	require.ErrorIs(t, err, billing.ErrOverlap)
	assert.Equal(t, a+": billing: inputs overlap: "+a+" is the same file as "+link+" (B-14): its rows would count twice", err.Error())
	res, err := runFiles(t, b14Oct, link, a)
	refused(t, res, err, link, a)
}

// TestB14_RestatedMonth: AWS restates a month under a new assembly id, so a glob of
// the month's directory picks up both versions. The second has new line item ids
// (AWS does not keep them between reports), changed costs and a late row: refused by
// its rows' contents, naming both; Files refuses the two assembly folders before
// reading. Hand computed: v1's 3 rows are all in v2 (4 rows), so "3 of the 3 sampled
// rows of v1".
func TestB14_RestatedMonth(t *testing.T) {
	const header = "identity/LineItemId,identity/TimeInterval,lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UnblendedCost\n"
	const day1 = "2026-10-01T00:00:00Z/2026-10-02T00:00:00Z"
	v1 := header +
		"li-ec2," + day1 + ",123456789012,Usage,2026-10-01T00:00:00Z,AmazonEC2,10.00\n" +
		"li-s3," + day1 + ",123456789012,Usage,2026-10-01T00:00:00Z,AmazonS3,1.50\n" +
		"li-tax," + day1 + ",123456789012,Tax,2026-10-01T00:00:00Z,AmazonEC2,1.15\n"
	v2 := header +
		"v2-ec2," + day1 + ",123456789012,Usage,2026-10-01T00:00:00Z,AmazonEC2,9.00\n" + // new ids, restated cost
		"v2-s3," + day1 + ",123456789012,Usage,2026-10-01T00:00:00Z,AmazonS3,1.50\n" +
		"v2-tax," + day1 + ",123456789012,Tax,2026-10-01T00:00:00Z,AmazonEC2,1.05\n" +
		"li-late,2026-10-31T00:00:00Z/2026-11-01T00:00:00Z,123456789012,Usage,2026-10-31T00:00:00Z,AmazonEC2,2.00\n"
	dir := t.TempDir()
	a := write(t, dir, "cur/20261001-20261101/a1b2c3d4-0001/cur-00001.csv.gz", gz(t, v1))
	b := write(t, dir, "cur/20261001-20261101/e5f6a7b8-0002/cur-00001.csv.gz", gz(t, v2))
	res, err := runFiles(t, b14Oct, a, b)
	refused(t, res, err, a, b)
	assert.Equal(t, "inputs "+a+" and "+b+" overlap: 3 of the 3 sampled rows of "+a+" are also in "+b+
		" (B-14): the same report twice, a copy, or two versions of one month; give each month's rows once", err.Error())
	_, err = Files(Options{}, a, b)
	require.ErrorIs(t, err, billing.ErrOverlap)
	assert.Equal(t, b+": billing: inputs overlap: "+a+" and "+b+" are two versions of the month 20261001-20261101: assemblies a1b2c3d4-0001 and e5f6a7b8-0002 (B-14); give only the newest", err.Error())
	// Two parts of one assembly, and a file outside the layout, pass Files.
	p2 := write(t, dir, "cur/20261001-20261101/a1b2c3d4-0001/cur-00002.csv.gz", gz(t, header))
	_, err = Files(Options{}, a, p2, write(t, dir, "other/cur-00001.csv.gz", gz(t, header)))
	require.NoError(t, err)

	// The same on a generated month: every id regenerated and every cost restated,
	// the rows in another order.
	recs := month(t)
	cost, id := slices.Index(recs[0], "lineItem/UnblendedCost"), slices.Index(recs[0], "identity/LineItemId")
	restated := [][]string{recs[0]}
	for _, r := range slices.Backward(recs[1:]) {
		r = slices.Clone(r)
		r[cost] = "1.25"
		r[id] = "v2-" + r[id]
		restated = append(restated, r)
	}
	a = write(t, dir, "gen/v1/cur.csv", csvText(t, recs))
	b = write(t, dir, "gen/v2/cur.csv", csvText(t, restated))
	res, err = runFiles(t, b14Oct, a, b)
	refused(t, res, err, a, b)
	assert.Contains(t, err.Error(), ": 2048 of the 2048 sampled rows of ")
}

// TestB14_PartsOfOneMonthAccepted: the parts of one month's report share no row
// identity and are billed as the whole file is; a line item id that recurs on other
// days (its interval and usage start differ) is no overlap.
func TestB14_PartsOfOneMonthAccepted(t *testing.T) {
	dir := t.TempDir()
	recs := month(t)
	whole := write(t, dir, "whole.csv", csvText(t, recs))
	cut := len(recs) / 3
	p1 := write(t, dir, "cur-00001.csv.gz", gz(t, string(csvText(t, recs[:cut]))))
	p2 := write(t, dir, "cur-00002.csv", csvText(t, append([][]string{recs[0]}, recs[cut:]...)))
	want, err := runFiles(t, b14Oct, whole)
	require.NoError(t, err)
	got, err := runFiles(t, b14Oct, p1, p2)
	require.NoError(t, err)
	assert.Equal(t, want.Invoices, got.Invoices)
	assert.Equal(t, want.Rows, got.Rows)
	require.NotNil(t, got.Inputs[0].Sketch)
	assert.Equal(t, cut-1, got.Inputs[0].Sketch.Len(), "all of a part's rows are sampled when it has fewer than SketchSize")

	const header = "identity/LineItemId,identity/TimeInterval,lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UnblendedCost\n"
	d1 := write(t, dir, "day1.csv", []byte(header+"li-ec2,2026-10-01T00:00:00Z/2026-10-02T00:00:00Z,123456789012,Usage,2026-10-01T00:00:00Z,AmazonEC2,10\n"))
	d2 := write(t, dir, "day2.csv", []byte(header+"li-ec2,2026-10-02T00:00:00Z/2026-10-03T00:00:00Z,123456789012,Usage,2026-10-02T00:00:00Z,AmazonEC2,10\n"))
	res, err := runFiles(t, b14Oct, d1, d2)
	require.NoError(t, err)
	assert.Equal(t, int64(2), res.Rows.InPeriod)
}

// TestB14_RowsRepeatedInOneFile: a row repeated inside one file is data, billed as
// often as it appears (hand computed: 10 + 10 + 10 = 30 USD on the account).
func TestB14_RowsRepeatedInOneFile(t *testing.T) {
	const header = "identity/LineItemId,identity/TimeInterval,lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UnblendedCost\n"
	acct := curgen.AccountIDs(1)[0]
	r := "li-1,2026-10-01T00:00:00Z/2026-10-02T00:00:00Z," + acct + ",Usage,2026-10-01T00:00:00Z,AmazonEC2,10\n"
	p := write(t, t.TempDir(), "cur.csv", []byte(header+r+r+r))
	res, err := runFiles(t, b14Oct, p)
	require.NoError(t, err)
	assert.Equal(t, int64(3), res.Inputs[0].Rows)
	assert.Equal(t, 1, res.Inputs[0].Sketch.Len())
	assert.Equal(t, "30", res.Invoices[0].ChargesUSD.String())

	// Without ids too: the same text three times is one identity.
	noID := strings.Join(strings.Split(header, ",")[2:], ",")
	r = acct + ",Usage,2026-10-01T00:00:00Z,AmazonEC2,10\n"
	p = write(t, t.TempDir(), "cur.csv", []byte(noID+r+r+r))
	res, err = runFiles(t, b14Oct, p)
	require.NoError(t, err)
	assert.Equal(t, "30", res.Invoices[0].ChargesUSD.String())
}

// TestB14_FOCUSWithoutIDs: FOCUS has no row id, so a row is identified by its whole
// text: a copy of the real FOCUS sample, or a version with one cost restated, is
// refused; the sample cut into two parts is accepted and billed as the whole.
func TestB14_FOCUSWithoutIDs(t *testing.T) {
	text, err := os.ReadFile(focusSample)
	require.NoError(t, err)
	recs, err := csv.NewReader(bytes.NewReader(text)).ReadAll()
	require.NoError(t, err)
	dir := t.TempDir()
	sep := resellerkit.NewMonth(2024, 9)

	res, err := runFiles(t, sep, focusSample, write(t, dir, "copy/focus.csv", text))
	refused(t, res, err, focusSample, filepath.Join(dir, "copy/focus.csv"))
	assert.Contains(t, err.Error(), ": 1000 of the 1000 sampled rows of ", "every row of the sample, other providers' too")

	cost := slices.Index(recs[0], "BilledCost")
	restated := slices.Clone(recs)
	restated[5] = slices.Clone(restated[5])
	restated[5][cost] = "0.01"
	v2 := write(t, dir, "v2/focus.csv", csvText(t, restated))
	v1 := write(t, dir, "v1/focus.csv", csvText(t, recs))
	res, err = runFiles(t, sep, v1, v2)
	refused(t, res, err, v1, v2)
	assert.Contains(t, err.Error(), ": 999 of the 1000 sampled rows of ")

	want, err := runFiles(t, sep, v1)
	require.NoError(t, err)
	p1 := write(t, dir, "part1.csv", csvText(t, recs[:400]))
	p2 := write(t, dir, "part2.csv", csvText(t, append([][]string{recs[0]}, recs[400:]...)))
	got, err := runFiles(t, sep, p1, p2)
	require.NoError(t, err)
	assert.Equal(t, want.Invoices, got.Invoices)
}

// TestB14_Parquet: Parquet files are sampled too. The same month written as CSV and
// converted to CUR 2.0 Parquet by a tool (curgen: the same line item ids and usage
// starts) is refused; Parquet files without ids are identified by all their values.
// (AWS keeps no ids between different reports, so a legacy CUR and a CUR 2.0
// export of one month are not recognized.)
func TestB14_Parquet(t *testing.T) {
	cfg := curgen.Config{Rows: 3000, Seed: 9, Accounts: 8}
	var c, p bytes.Buffer
	_, err := curgen.Write(&c, cfg)
	require.NoError(t, err)
	_, err = curgen.WriteParquet(&p, cfg)
	require.NoError(t, err)
	dir := t.TempDir()
	a := write(t, dir, "legacy/cur.csv", c.Bytes())
	b := write(t, dir, "cur2/data.parquet", p.Bytes())
	res, err := runFiles(t, b14Oct, a, b)
	refused(t, res, err, a, b)

	// Two Parquet files without ids: the same rows are refused, other rows are not.
	rows := []cur2Row{
		{Entity: "AWS", Account: "123456789012", Type: "Usage", Start: b14Oct.Start(), Product: "AmazonEC2", Op: "RunInstances", Cost: 1.5},
		{Entity: "AWS", Account: "123456789012", Type: "Usage", Start: b14Oct.Start(), Product: "AmazonS3", Op: "PutObject", Cost: 0.25,
			Tags: map[string]string{"user_cm_billing_group": "web"}},
	}
	x, y := writeParquet(t, rows, 1), writeParquet(t, rows[:1], 1)
	res, err = runFiles(t, b14Oct, x, y)
	refused(t, res, err, x, y)
	assert.Contains(t, err.Error(), ": 1 of the 1 sampled rows of "+y)
	z := writeParquet(t, rows[1:], 1)
	_, err = runFiles(t, b14Oct, y, z)
	require.NoError(t, err)
}

// TestB14_RealCURSample: the real anonymized CUR repeats each line item id over the
// days of its usage (1,281 rows, 388 ids). Cut by usage day into two parts, which
// share 234 ids, it is accepted and billed as the whole; the file next to a copy
// of it is refused, all of its 1,281 rows sampled.
func TestB14_RealCURSample(t *testing.T) {
	text, err := os.ReadFile(awsCURSample)
	require.NoError(t, err)
	recs, err := csv.NewReader(bytes.NewReader(text)).ReadAll()
	require.NoError(t, err)
	start, id := slices.Index(recs[0], "lineItem/UsageStartDate"), slices.Index(recs[0], "identity/LineItemId")
	odd, even := [][]string{recs[0]}, [][]string{recs[0]}
	ids := map[string]int{}
	for _, r := range recs[1:] {
		if r[start][9]%2 == 1 { // the day's last digit
			odd = append(odd, r)
			ids[r[id]] |= 1
		} else {
			even = append(even, r)
			ids[r[id]] |= 2
		}
	}
	shared := 0
	for _, v := range ids {
		if v == 3 {
			shared++
		}
	}
	require.Equal(t, 234, shared, "the parts share line item ids")

	nov := resellerkit.NewMonth(2023, 11)
	dir := t.TempDir()
	want, err := runFiles(t, nov, awsCURSample)
	require.NoError(t, err)
	got, err := runFiles(t, nov, write(t, dir, "odd.csv", csvText(t, odd)), write(t, dir, "even.csv", csvText(t, even)))
	require.NoError(t, err)
	assert.Equal(t, want.Invoices, got.Invoices)
	assert.Equal(t, want.Unassigned, got.Unassigned)

	c := write(t, dir, "copy.csv", text)
	res, err := runFiles(t, nov, awsCURSample, c)
	refused(t, res, err, awsCURSample, c)
	assert.Contains(t, err.Error(), ": 1281 of the 1281 sampled rows of ")
}

// TestB14_ReformattedCopyRefused: a copy of a CUR file written back by Athena (its
// usage starts as "2026-10-21 08:00:00.000", its header in lower case) has the same
// rows: refused naming both, though the text of every start differs. The same rows
// with new ids too are refused by their contents.
func TestB14_ReformattedCopyRefused(t *testing.T) {
	recs := month(t)
	start, id := slices.Index(recs[0], "lineItem/UsageStartDate"), slices.Index(recs[0], "identity/LineItemId")
	athena := [][]string{make([]string, len(recs[0]))}
	for i, h := range recs[0] {
		athena[0][i] = strings.ToLower(h)
	}
	for _, r := range recs[1:] {
		r = slices.Clone(r)
		require.Len(t, r[start], len("2026-10-21T08:00:00Z"))
		r[start] = strings.Replace(strings.TrimSuffix(r[start], "Z"), "T", " ", 1) + ".000"
		athena = append(athena, r)
	}
	dir := t.TempDir()
	a := write(t, dir, "cur.csv", csvText(t, recs))
	b := write(t, dir, "athena.csv", csvText(t, athena))
	res, err := runFiles(t, b14Oct, a, b)
	refused(t, res, err, a, b)
	assert.Contains(t, err.Error(), ": 2048 of the 2048 sampled rows of ")

	for _, r := range athena[1:] {
		r[id] = "new-" + r[id]
	}
	c := write(t, dir, "athena-new-ids.csv", csvText(t, athena))
	res, err = runFiles(t, b14Oct, a, c)
	refused(t, res, err, a, c)
}
