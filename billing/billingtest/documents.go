package billingtest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/money"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// documentCases check the issued documents of B-12: gap-free numbers per series and
// year, idempotent issuing by key, organization scoping (M-7), filters and issue
// order, and values that round-trip and cannot be changed through a copy.
func documentCases() []storeCase {
	return []storeCase{
		{"Documents/NumbersStartAt1AndFollow_B12", docNumbersFollow},
		{"Documents/NumbersPerSeriesAndYear_B12", docNumbersPerSeriesAndYear},
		{"Documents/GivenSeqAndNumberAreIgnored_B12", docGivenNumberIgnored},
		{"Documents/SameKeyReturnsTheFirstAndUsesNoNumber_B12", docSameKey},
		{"Documents/IDUnderAnotherKeyIsErrAlreadyExists_B12", docIDTaken},
		{"Documents/ConcurrentIssuesAreGapFree_B12", docConcurrentGapFree},
		{"Documents/ConcurrentIssuesOfOneKeyIssueOne_B12", docConcurrentSameKey},
		{"Documents/FailedTxUsesNoNumber_B12", docFailedTx},
		{"Documents/NestedFailureGivesItsNumbersBack_B12", docNestedFailure},
		{"Documents/GetIsScopedByOrg_M7", docGetScoped},
		{"Documents/DocumentByKey", docByKey},
		{"Documents/ListFilters", docListFilters},
		{"Documents/ListInIssueOrder_B12", docListIssueOrder},
		{"Documents/AnotherOrgSeesNone_M7", docTenantIsolation},
		{"Documents/EveryFieldRoundTripsInUTC_B12", docEveryField},
		{"Documents/CopiesCannotChangeAnIssuedDocument_B12", docCopies},
	}
}

// numbered returns d with id, key and series, for year.
func numbered(d billing.Document, id, key, ser string, year int) billing.Document {
	d.ID, d.Key, d.Series, d.Year = id, key, ser, year
	d.IssueDate = time.Date(year, 1, 10, 0, 0, 0, 0, time.UTC)
	return d
}

// docNumbersFollow: a series' numbers are 1, 2, 3… of its year, formatted
// Series-YYYY-NNNNNN, and the store returns what it stored.
func docNumbersFollow(t *testing.T, s billing.Store) {
	for i := range 12 {
		d := Document("o1", fmt.Sprintf("p%02d", i), fmt.Sprintf("d%02d", i), may)
		got := issue(t, s, d)
		want := canonDocument(issued(d, int64(i+1)))
		assert.Equal(t, want, got)
		assert.Equal(t, want, getDoc(t, s, "o1", d.ID), "the stored document is the one returned")
	}
	assert.Equal(t, "T1234567890123-2026-000001", getDoc(t, s, "o1", "d00").Number)
	assert.Equal(t, "T1234567890123-2026-000012", getDoc(t, s, "o1", "d11").Number)
}

// docNumbersPerSeriesAndYear: each (Series, Year) numbers from 1 on its own,
// whatever the order of issue.
func docNumbersPerSeriesAndYear(t *testing.T, s billing.Store) {
	base := Document("o1", "p1", "", may)
	for i, c := range []struct {
		series string
		year   int
		seq    int64
		number string
	}{
		{"T1111111111111", 2026, 1, "T1111111111111-2026-000001"},
		{"T2222222222222", 2026, 1, "T2222222222222-2026-000001"},
		{"T1111111111111", 2027, 1, "T1111111111111-2027-000001"},
		{"T1111111111111", 2026, 2, "T1111111111111-2026-000002"},
		{"T2222222222222", 2026, 2, "T2222222222222-2026-000002"},
		{"T1111111111111", 2027, 2, "T1111111111111-2027-000002"},
		{"T1111111111111", 2026, 3, "T1111111111111-2026-000003"},
		{"T2222222222222", 2025, 1, "T2222222222222-2025-000001"},
	} {
		d := numbered(base, fmt.Sprintf("d%d", i), fmt.Sprintf("key%d", i), c.series, c.year)
		got := issue(t, s, d)
		assert.Equal(t, c.seq, got.Seq, "document %d (%s %d)", i, c.series, c.year)
		assert.Equal(t, c.number, got.Number, "document %d", i)
		assert.Equal(t, c.series, got.Series)
		assert.Equal(t, c.year, got.Year)
	}
}

// docGivenNumberIgnored: the store assigns Seq and Number, whatever d carries.
func docGivenNumberIgnored(t *testing.T, s billing.Store) {
	d := Document("o1", "p1", "d1", may)
	d.Seq, d.Number = 42, "T1234567890123-2026-000042"
	got := issue(t, s, d)
	assert.Equal(t, int64(1), got.Seq)
	assert.Equal(t, "T1234567890123-2026-000001", got.Number)
}

// docSameKey: a document with a key already issued is not stored: the first one is
// returned with false, and no number is used, whatever the second one carries (its
// id too).
func docSameKey(t *testing.T, s billing.Store) {
	ctx := t.Context()
	first := Document("o1", "p1", "d1", may)
	want := issue(t, s, first)
	before := dump(t, s)
	for _, again := range []billing.Document{
		first,
		edit(Document("o1", "p1", "d-other", may), func(d *billing.Document) { d.Description = "second" }),
		edit(Document("o2", "p9", "d-o2", apr), func(d *billing.Document) { d.Key = first.Key }),
		edit(Document("o1", "p1", "d1", may), func(d *billing.Document) { d.Total = money.JPY.Amount(dec("1")) }),
	} {
		got, ok, err := s.IssueDocument(ctx, again)
		require.NoError(t, err, "document %q", again.ID)
		assert.False(t, ok, "document %q: the key was issued", again.ID)
		assert.Equal(t, want, canonDocument(got), "document %q: the first document", again.ID)
	}
	storetest.SameDump(t, before, dump(t, s), "a key issued again writes nothing")
	_, err := s.GetDocument(ctx, "", "d-other")
	errIs(t, err, billing.ErrNotFound)
	next := issue(t, s, Document("o1", "p2", "d2", may))
	assert.Equal(t, int64(2), next.Seq, "no number was used")
}

// edit returns d changed by f.
func edit(d billing.Document, f func(d *billing.Document)) billing.Document {
	f(&d)
	return d
}

// docIDTaken: an id issued under one key, used under another, is ErrAlreadyExists
// (whatever the organization), writes nothing and uses no number.
func docIDTaken(t *testing.T, s billing.Store) {
	ctx := t.Context()
	issue(t, s, Document("o1", "p1", "d1", may))
	before := dump(t, s)
	for _, d := range []billing.Document{Document("o1", "p1", "d1", jun), Document("o2", "p2", "d1", may)} {
		got, ok, err := s.IssueDocument(ctx, d)
		errIs(t, err, billing.ErrAlreadyExists, "key %q", d.Key)
		assert.False(t, ok)
		assert.Empty(t, got.ID, "no document with the error")
	}
	storetest.SameDump(t, before, dump(t, s), "a refused document writes nothing")
	_, err := s.DocumentByKey(ctx, "invoice/p1/2026-06")
	errIs(t, err, billing.ErrNotFound)
	assert.Equal(t, int64(2), issue(t, s, Document("o1", "p1", "d2", jun)).Seq, "no number was used")
}

// docConcurrentGapFree: 50 documents issued at once get 1…50: no gap, no number
// twice (B-12).
func docConcurrentGapFree(t *testing.T, s billing.Store) {
	const n = 50
	got := make([]billing.Document, n)
	errs := storetest.Concurrently(n, func(i int) error {
		d, ok, err := s.IssueDocument(t.Context(), Document("o1", fmt.Sprintf("p%02d", i), fmt.Sprintf("d%02d", i), may))
		if err == nil && !ok {
			err = fmt.Errorf("document %d: not issued", i)
		}
		got[i] = d
		return err
	})
	for i, err := range errs {
		require.NoError(t, err, "document %d", i)
	}
	var seqs []int64
	numbers := map[string]bool{}
	for _, d := range got {
		seqs = append(seqs, d.Seq)
		numbers[d.Number] = true
		assert.Equal(t, fmt.Sprintf("%s-2026-%06d", series, d.Seq), d.Number)
	}
	slices.Sort(seqs)
	want := make([]int64, n)
	for i := range want {
		want[i] = int64(i + 1)
	}
	assert.Equal(t, want, seqs, "1…%d, no gap, none twice", n)
	assert.Len(t, numbers, n)
	list := docs(t, s, billing.DocumentFilter{})
	require.Len(t, list, n)
	for i, d := range list {
		assert.Equal(t, int64(i+1), d.Seq, "listed in issue order")
		assert.Equal(t, canonDocument(got[slices.IndexFunc(got, func(g billing.Document) bool { return g.ID == d.ID })]), d)
	}
}

// docConcurrentSameKey: documents of one key issued at once: one is issued, every
// caller gets it, one number is used.
func docConcurrentSameKey(t *testing.T, s billing.Store) {
	const n = 10
	got := make([]billing.Document, n)
	oks := make([]bool, n)
	errs := storetest.Concurrently(n, func(i int) error {
		var err error
		got[i], oks[i], err = s.IssueDocument(t.Context(), Document("o1", "p1", fmt.Sprintf("d%02d", i), may))
		return err
	})
	for i, err := range errs {
		require.NoError(t, err, "caller %d", i)
	}
	winner := slices.Index(oks, true)
	require.NotEqual(t, -1, winner, "one caller issues it")
	assert.Equal(t, 1, len(slices.DeleteFunc(slices.Clone(oks), func(ok bool) bool { return !ok })), "one caller issues it: %v", oks)
	for i := range got {
		assert.Equal(t, fmt.Sprintf("d%02d", winner), got[i].ID, "caller %d gets the issued document", i)
		assert.Equal(t, int64(1), got[i].Seq)
	}
	assert.Len(t, docs(t, s, billing.DocumentFilter{}), 1)
	assert.Equal(t, int64(2), issue(t, s, Document("o1", "p2", "next", may)).Seq, "one number was used")
}

// docFailedTx: a document issued in a transaction that fails is not kept, and its
// number is not used: the next document gets it.
func docFailedTx(t *testing.T, s billing.Store) {
	ctx := t.Context()
	issue(t, s, Document("o1", "p0", "d0", may))
	err := s.InTx(ctx, func(ctx context.Context) error {
		for i := 1; i <= 3; i++ {
			got := issueIn(ctx, t, s, Document("o1", fmt.Sprintf("p%d", i), fmt.Sprintf("d%d", i), may))
			assert.Equal(t, int64(i+1), got.Seq)
		}
		return errRollback
	})
	require.ErrorIs(t, err, errRollback)
	for i := 1; i <= 3; i++ {
		_, err = s.GetDocument(ctx, "", fmt.Sprintf("d%d", i))
		errIs(t, err, billing.ErrNotFound)
		_, err = s.DocumentByKey(ctx, fmt.Sprintf("invoice/p%d/%s", i, may))
		errIs(t, err, billing.ErrNotFound)
	}
	got := issue(t, s, Document("o1", "p1", "d1", may))
	assert.Equal(t, int64(2), got.Seq, "the rolled-back numbers are used again: no gap")
	assert.Equal(t, []string{"d0", "d1"}, docIDs(docs(t, s, billing.DocumentFilter{})))
}

// docNestedFailure: a nested transaction that fails gives back the numbers it
// used; the outer transaction's next document gets them.
func docNestedFailure(t *testing.T, s billing.Store) {
	ctx := t.Context()
	must(t, s.InTx(ctx, func(ctx context.Context) error {
		assert.Equal(t, int64(1), issueIn(ctx, t, s, Document("o1", "pa", "a", may)).Seq)
		err := s.InTx(ctx, func(ctx context.Context) error {
			assert.Equal(t, int64(2), issueIn(ctx, t, s, Document("o1", "pb", "b", may)).Seq)
			return errRollback
		})
		require.ErrorIs(t, err, errRollback)
		_, err = s.GetDocument(ctx, "o1", "b")
		errIs(t, err, billing.ErrNotFound, "the nested issue is undone")
		assert.Equal(t, int64(2), issueIn(ctx, t, s, Document("o1", "pc", "c", may)).Seq)
		return nil
	}))
	list := docs(t, s, billing.DocumentFilter{})
	assert.Equal(t, []string{"a", "c"}, docIDs(list))
	assert.Equal(t, []int64{1, 2}, []int64{list[0].Seq, list[1].Seq})
}

// docGetScoped: GetDocument reads orgID's documents, every organization's when
// orgID is ""; another organization's id is ErrNotFound, like a missing one (M-7).
func docGetScoped(t *testing.T, s billing.Store) {
	ctx := t.Context()
	want := issue(t, s, Document("o1", "p1", "d1", may))
	assert.Equal(t, want, getDoc(t, s, "o1", "d1"))
	assert.Equal(t, want, getDoc(t, s, "", "d1"), "orgID \"\" reads any organization's")
	for _, c := range []struct{ org, id string }{{"o2", "d1"}, {"O1", "d1"}, {"o1", "missing"}, {"", "missing"}, {"o1", "D1"}} {
		got, err := s.GetDocument(ctx, c.org, c.id)
		errIs(t, err, billing.ErrNotFound, "document %q of %q", c.id, c.org)
		assert.Empty(t, got.ID)
	}
}

// docByKey: DocumentByKey finds the document issued with a key; an unknown key is
// ErrNotFound.
func docByKey(t *testing.T, s billing.Store) {
	ctx := t.Context()
	want := issue(t, s, Document("o1", "p1", "d1", may))
	issue(t, s, Document("o1", "p1", "d2", jun))
	got, err := s.DocumentByKey(ctx, "invoice/p1/2026-05")
	must(t, err)
	assert.Equal(t, want, canonDocument(got))
	for _, key := range []string{"invoice/p1/2026-04", "INVOICE/p1/2026-05", "", "d1"} {
		_, err := s.DocumentByKey(ctx, key)
		errIs(t, err, billing.ErrNotFound, "key %q", key)
	}
}

// docListFilters: each filter field selects alone and together, in issue order.
func docListFilters(t *testing.T, s billing.Store) {
	credit := func(org, project, id string, period resellerkit.Month, refersTo string) billing.Document {
		d := Document(org, project, id, period)
		d.Kind, d.Key, d.RefersTo, d.DueDate = billing.DocCreditNote, "credit/"+id, refersTo, time.Time{}
		return d
	}
	for _, d := range []billing.Document{
		Document("o1", "p1", "i1", apr),
		Document("o1", "p2", "i2", apr),
		Document("o2", "p3", "i3", apr),
		Document("o1", "p1", "i4", may),
		credit("o1", "p1", "c5", may, "i4"),
		Document("o2", "p3", "i6", may),
		credit("o2", "p3", "c7", may, "i6"),
	} {
		issue(t, s, d)
	}
	for _, c := range []struct {
		name string
		f    billing.DocumentFilter
		want []string
	}{
		{"all", billing.DocumentFilter{}, []string{"i1", "i2", "i3", "i4", "c5", "i6", "c7"}},
		{"org", billing.DocumentFilter{OrgID: "o1"}, []string{"i1", "i2", "i4", "c5"}},
		{"other org", billing.DocumentFilter{OrgID: "o2"}, []string{"i3", "i6", "c7"}},
		{"project", billing.DocumentFilter{ProjectID: "p1"}, []string{"i1", "i4", "c5"}},
		{"period", billing.DocumentFilter{Period: may}, []string{"i4", "c5", "i6", "c7"}},
		{"kind", billing.DocumentFilter{Kind: billing.DocCreditNote}, []string{"c5", "c7"}},
		{"invoices", billing.DocumentFilter{Kind: billing.DocInvoice}, []string{"i1", "i2", "i3", "i4", "i6"}},
		{"org and period", billing.DocumentFilter{OrgID: "o1", Period: apr}, []string{"i1", "i2"}},
		{"every field", billing.DocumentFilter{OrgID: "o2", ProjectID: "p3", Period: may, Kind: billing.DocInvoice}, []string{"i6"}},
		{"project of another org", billing.DocumentFilter{OrgID: "o1", ProjectID: "p3"}, nil},
		{"unknown org", billing.DocumentFilter{OrgID: "o9"}, nil},
		{"month with none", billing.DocumentFilter{Period: jun}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, storetest.NilIfEmpty(docIDs(docs(t, s, c.f))))
			for _, limit := range []int{1, 2} {
				var got []string
				page := resellerkit.Page{Limit: limit}
				for range 20 {
					ds, next, err := s.ListDocuments(t.Context(), c.f, page)
					require.NoError(t, err)
					require.LessOrEqual(t, len(ds), limit)
					got = append(got, docIDs(ds)...)
					if next == "" {
						break
					}
					page.Token = next
				}
				assert.Equal(t, c.want, storetest.NilIfEmpty(got), "pages of %d", limit)
			}
		})
	}
}

// docListIssueOrder: documents are listed by Series, Year and Seq (numerically:
// 10 after 9), whatever the order of issue, in pages of any size.
func docListIssueOrder(t *testing.T, s billing.Store) {
	base := Document("o1", "p1", "", may)
	var want []string
	type k struct {
		series string
		year   int
	}
	count := map[k]int{}
	// Issued interleaved: T2 2026, T1 2027, T1 2026, … twelve of T1 2026.
	order := []k{{"T2", 2026}, {"T1", 2027}, {"T1", 2026}, {"T1", 2026}, {"T2", 2025}, {"T1", 2027}}
	for range 10 {
		order = append(order, k{"T1", 2026})
	}
	for i, o := range order {
		count[o]++
		issue(t, s, numbered(base, fmt.Sprintf("%s-%d-%02d", o.series, o.year, count[o]), fmt.Sprint("key", i), o.series, o.year))
	}
	for _, o := range []k{{"T1", 2026}, {"T1", 2027}, {"T2", 2025}, {"T2", 2026}} {
		for n := 1; n <= count[o]; n++ {
			want = append(want, fmt.Sprintf("%s-%d-%02d", o.series, o.year, n))
		}
	}
	for _, limit := range []int{1, 3, 5, 11, 12, len(want), 0} {
		var got []string
		page := resellerkit.Page{Limit: limit}
		for range 100 {
			ds, next, err := s.ListDocuments(t.Context(), billing.DocumentFilter{OrgID: "o1"}, page)
			require.NoError(t, err)
			for _, d := range ds {
				assert.Equal(t, d.ID, fmt.Sprintf("%s-%d-%02d", d.Series, d.Year, d.Seq), "Seq follows issue order")
			}
			got = append(got, docIDs(ds)...)
			if next == "" {
				break
			}
			page.Token = next
		}
		assert.Equal(t, want, got, "limit %d: by Series, Year and Seq", limit)
	}
}

// docTenantIsolation: organization B's calls never see organization A's documents
// (M-7): not by id, not in its lists, not under its own filters.
func docTenantIsolation(t *testing.T, s billing.Store) {
	ctx := t.Context()
	a := issue(t, s, Document("oA", "pA", "dA", may))
	b := issue(t, s, Document("oB", "pB", "dB", may))
	_, err := s.GetDocument(ctx, "oB", "dA")
	errIs(t, err, billing.ErrNotFound)
	assert.Equal(t, []billing.Document{b}, docs(t, s, billing.DocumentFilter{OrgID: "oB"}))
	assert.Empty(t, docs(t, s, billing.DocumentFilter{OrgID: "oB", ProjectID: "pA"}), "A's project under B's filter")
	assert.Equal(t, []billing.Document{a}, docs(t, s, billing.DocumentFilter{OrgID: "oA"}))
	assert.Equal(t, []billing.Document{a, b}, docs(t, s, billing.DocumentFilter{}), "the operators' list has both")
}

// docEveryField: every field of a document round-trips: amounts with their
// currency, every digit of the decimals, lines in order with RefPeriod, taxes,
// and times in UTC at microsecond precision whatever zone they were given in.
func docEveryField(t *testing.T, s billing.Store) {
	want := Document("o1", "p1", "d1", may)
	want.Replaces, want.RefersTo = "d0", ""
	want.ExchangeRate = dec("151.2345678901")
	want.Lines = append(want.Lines, billing.DocumentLine{Kind: billing.LineCustom, Description: "大きな値",
		TaxRate: dec("0.08"), AmountCost: dec("123456789012.1234567890"), Amount: money.JPY.Amount(dec("-123456789"))})
	want.Taxes = append(want.Taxes, billing.TaxAmount{Rate: dec("0.08"), Taxable: money.JPY.Amount(dec("-123456789")),
		Tax: money.JPY.Amount(dec("-9876543")), Rounding: money.HalfEven})
	want.IssuedAt = t0.Add(7 * time.Microsecond)
	in := want
	in.Lines, in.Taxes = slices.Clone(want.Lines), slices.Clone(want.Taxes)
	in.IssueDate, in.DueDate = storetest.Local(want.IssueDate), storetest.Local(want.DueDate)
	in.ExchangeRateDate, in.IssuedAt = storetest.Local(want.ExchangeRateDate), storetest.Local(want.IssuedAt)
	wantStored := canonDocument(issued(want, 1))
	got := issue(t, s, in)
	assert.Equal(t, wantStored, got, "IssueDocument returns the document as stored")
	got = getDoc(t, s, "o1", "d1")
	assert.Equal(t, wantStored, got)
	for what, pair := range map[string][2]time.Time{
		"IssueDate": {want.IssueDate, got.IssueDate}, "DueDate": {want.DueDate, got.DueDate},
		"ExchangeRateDate": {want.ExchangeRateDate, got.ExchangeRateDate}, "IssuedAt": {want.IssuedAt, got.IssuedAt},
	} {
		storetest.UTC(t, pair[0], pair[1], what)
	}
	assert.Equal(t, money.JPY, got.Total.Currency())
	assert.Equal(t, "225919", got.Total.String())
	assert.Equal(t, "123456789012.123456789", got.Lines[3].AmountCost.String())
	assert.Equal(t, "-0.0000000181", got.Lines[1].AmountCost.String())
	assert.Equal(t, apr, got.Lines[1].RefPeriod)
	assert.True(t, got.Lines[0].RefPeriod.IsZero())

	credit := Document("o1", "p1", "c1", may)
	credit.Kind, credit.Key, credit.RefersTo, credit.DueDate = billing.DocCreditNote, "credit/c1", "d1", time.Time{}
	credit.Lines = []billing.DocumentLine{{Kind: billing.LineReturn, Description: "返還", TaxRate: dec("0.1"),
		AmountCost: dec("-1"), Amount: money.JPY.Amount(dec("-151"))}}
	credit.Taxes = nil
	got = issue(t, s, credit)
	assert.Equal(t, canonDocument(issued(credit, 2)), got, "a credit note: zero DueDate, no taxes")
	assert.True(t, getDoc(t, s, "o1", "c1").DueDate.IsZero(), "the zero time means unset")
}

// scribbleDocument overwrites every element of d's slices.
func scribbleDocument(d billing.Document) {
	for i := range d.Lines {
		d.Lines[i].Description, d.Lines[i].AmountCost, d.Lines[i].Amount = "scribbled", dec("666"), money.USD.Amount(dec("666"))
	}
	for i := range d.Taxes {
		d.Taxes[i].Tax = money.USD.Amount(dec("666"))
	}
	for i := range d.Sources {
		d.Sources[i].Version = "scribbled"
	}
}

// docCopies: an issued document does not change when what IssueDocument was given
// or what any read returned is mutated (B-12: issued documents are immutable; the
// contract has no way to change one, and no copy may be one).
func docCopies(t *testing.T, s billing.Store) {
	ctx := t.Context()
	in := Document("o1", "p1", "d1", may)
	want := canonDocument(issued(Document("o1", "p1", "d1", may), 1))
	out, _, err := s.IssueDocument(ctx, in)
	must(t, err)
	scribbleDocument(in)
	assert.Equal(t, want, getDoc(t, s, "o1", "d1"), "mutating what IssueDocument was given")
	scribbleDocument(out)
	assert.Equal(t, want, getDoc(t, s, "o1", "d1"), "mutating what IssueDocument returned")

	again, ok, err := s.IssueDocument(ctx, Document("o1", "p1", "d1", may))
	must(t, err)
	require.False(t, ok)
	scribbleDocument(again)
	assert.Equal(t, want, getDoc(t, s, "o1", "d1"), "mutating what IssueDocument returned for a key issued")

	got, err := s.GetDocument(ctx, "o1", "d1")
	must(t, err)
	scribbleDocument(got)
	assert.Equal(t, want, getDoc(t, s, "o1", "d1"), "mutating what GetDocument returned")

	byKey, err := s.DocumentByKey(ctx, in.Key)
	must(t, err)
	scribbleDocument(byKey)
	assert.Equal(t, want, getDoc(t, s, "o1", "d1"), "mutating what DocumentByKey returned")

	list, _, err := s.ListDocuments(ctx, billing.DocumentFilter{}, resellerkit.Page{})
	must(t, err)
	require.Len(t, list, 1)
	scribbleDocument(list[0])
	assert.Equal(t, want, getDoc(t, s, "o1", "d1"), "mutating what ListDocuments returned")
}
