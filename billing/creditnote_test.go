package billing_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
)

// docsOfMonth returns every document (invoices and notes) of project A's October.
func docsOfMonth(t *testing.T, f *fixture) []billing.Document {
	t.Helper()
	docs, err := resellerkit.All(func(pg resellerkit.Page) ([]billing.Document, string, error) {
		return f.store.ListDocuments(f.ctx, billing.DocumentFilter{ProjectID: f.projA.ID, Period: oct}, pg)
	})
	require.NoError(t, err)
	return docs
}

// returnOf is a credit note of one line of amount yen on account A1.
func returnOf(amount string) []billing.ReturnLine {
	return []billing.ReturnLine{{AccountID: acctA1, Description: "返金", Amount: dec2(amount)}}
}

// TestB12_CorrectionKeepsTheMonthsCreditNotes: a credit note (返還インボイス)
// returns money on the month's transaction, and the customer deducts it; a
// corrected invoice (修正インボイス) restates what the month bills and leaves the
// notes standing. So the notes already issued on the original count against the
// correction: a later note returns at most what is still outstanding (the
// correction's subtotal less every note of the month), and a correction that
// would bill less than the notes returned already is refused, naming them. In
// no case does the customer get back more than the month bills. Project A's
// October invoice is $187 at 150 = ¥28,050.
func TestB12_CorrectionKeepsTheMonthsCreditNotes(t *testing.T) {
	for _, tc := range []struct {
		name string
		// returned on the original before the correction
		first string
		// October restated before the correction (nil: the same data)
		restate []line
		// the correction's subtotal, or "" when the correction is refused
		corrected string
		// on the correction: a note refused and one accepted ("" for none)
		refused, accepted string
	}{
		{name: "everything returned, then corrected unchanged: nothing more to return",
			first: "28050", corrected: "28050", refused: "1"},
		{name: "part returned, then corrected upwards: the rest only",
			first: "10000", restate: append(octRows(), line{id: "fix", acct: acctA1, typ: "Usage", product: "AmazonEC2", cost: "10"}),
			corrected: "29700", refused: "19701", accepted: "19700"},
		{name: "a correction billing less than was returned is refused",
			first: "20000", restate: octRows()[:2]}, // A2's $50 gone: $132 = ¥19,800 < ¥20,000
		{name: "a correction billing exactly what is left",
			first: "19800", restate: octRows()[:2], corrected: "19800", refused: "1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			issueOctober(t, f)
			orig, err := f.store.DocumentByKey(f.ctx, "invoice/"+f.projA.ID+"/2026-10")
			require.NoError(t, err)
			require.Equal(t, "28050", orig.Subtotal.Decimal().String())
			note, err := f.svc.IssueCreditNote(f.ctx, "cn-1", orig.ID, "一部返金", returnOf(tc.first))
			require.NoError(t, err)
			if tc.restate != nil {
				f.ingest(t, oct, "v2", time.Date(2026, time.November, 11, 0, 0, 0, 0, time.UTC), tc.restate...)
			}

			before := docsOfMonth(t, f)
			corr, err := f.svc.CorrectInvoice(f.ctx, "fix-1", orig.ID)
			if tc.corrected == "" {
				require.ErrorIs(t, err, billing.ErrInvalid, "the correction would bill less than the notes returned")
				var ve *resellerkit.ValidationError
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, "invoice_id", ve.Field)
				assert.Equal(t, "B-12", ve.Rule)
				assert.Contains(t, ve.Reason, note.Number, "the error names the credit note")
				assert.Equal(t, before, docsOfMonth(t, f), "nothing issued")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.corrected, corr.Subtotal.Decimal().String())

			if tc.refused != "" {
				before := docsOfMonth(t, f)
				_, err := f.svc.IssueCreditNote(f.ctx, "cn-2", corr.ID, "返金", returnOf(tc.refused))
				require.ErrorIs(t, err, billing.ErrInvalid, "the notes of the month would return more than it bills")
				var ve *resellerkit.ValidationError
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, "lines", ve.Field)
				assert.Equal(t, tc.refused, ve.Value)
				assert.Contains(t, ve.Reason, note.Number, "the error names the note already issued")
				assert.Equal(t, before, docsOfMonth(t, f), "nothing issued")
			}
			if tc.accepted != "" {
				_, err := f.svc.IssueCreditNote(f.ctx, "cn-3", corr.ID, "返金", returnOf(tc.accepted))
				require.NoError(t, err)
			}
			sum := dec2("0")
			for _, d := range docsOfMonth(t, f) {
				if d.Kind == billing.DocCreditNote {
					sum = sum.Add(d.Subtotal.Decimal())
				}
			}
			assert.LessOrEqual(t, sum.Cmp(corr.Subtotal.Decimal()), 0, "returned %s of %s", sum, corr.Subtotal.Decimal())
		})
	}
}

// TestB12_SecondCreditNoteBeyondTheRemainderIsRefused: the notes on one invoice
// return at most its subtotal; the one that would go beyond is refused and
// changes nothing (a guard: this held before the corrections above).
func TestB12_SecondCreditNoteBeyondTheRemainderIsRefused(t *testing.T) {
	f := newFixture(t)
	issueOctober(t, f)
	inv, err := f.store.DocumentByKey(f.ctx, "invoice/"+f.projA.ID+"/2026-10")
	require.NoError(t, err)
	_, err = f.svc.IssueCreditNote(f.ctx, "cn-1", inv.ID, "返金", returnOf("28000"))
	require.NoError(t, err)
	before := docsOfMonth(t, f)
	_, err = f.svc.IssueCreditNote(f.ctx, "cn-2", inv.ID, "返金", returnOf("51"))
	require.ErrorIs(t, err, billing.ErrInvalid)
	assert.Equal(t, before, docsOfMonth(t, f))
	_, err = f.svc.IssueCreditNote(f.ctx, "cn-3", inv.ID, "返金", returnOf("50"))
	require.NoError(t, err)
}

// TestB12_CreditNoteLinesNameTheInvoicesAccounts: a credit note returns money on
// its invoice, so a line names one of the invoice's accounts or none (a return on
// the invoice as a whole, e.g. of the support fee). An account on no line of the
// invoice — another organization's (M-7: org A's document never names org B's
// account), one in no project, no account id at all — is refused with the line's
// field and the value, truncated, and nothing is issued.
func TestB12_CreditNoteLinesNameTheInvoicesAccounts(t *testing.T) {
	long := strings.Repeat("1", 300)
	for _, tc := range []struct {
		name, account string
		ok            bool
	}{
		{"an account of the invoice", acctA2, true},
		{"no account: the invoice as a whole", "", true},
		{"another organization's account", acctB1, false},
		{"an account in no project", "123456789012", false},
		{"not an account id", long, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			issueOctober(t, f)
			inv, err := f.store.DocumentByKey(f.ctx, "invoice/"+f.projA.ID+"/2026-10")
			require.NoError(t, err)
			before := docsOfMonth(t, f)
			note, err := f.svc.IssueCreditNote(f.ctx, "cn-1", inv.ID, "返金", []billing.ReturnLine{
				{AccountID: acctA1, Description: "返金 1", Amount: dec2("100")},
				{AccountID: tc.account, Description: "返金 2", Amount: dec2("100")},
			})
			if tc.ok {
				require.NoError(t, err)
				assert.Equal(t, tc.account, note.Lines[1].AccountID)
				return
			}
			require.ErrorIs(t, err, billing.ErrInvalid)
			var ve *resellerkit.ValidationError
			require.True(t, errors.As(err, &ve), "%v", err)
			assert.Equal(t, "lines[1].account_id", ve.Field)
			assert.Equal(t, resellerkit.Truncate(tc.account), ve.Value)
			assert.LessOrEqual(t, len([]rune(ve.Value)), resellerkit.MaxValueLen+1)
			assert.Equal(t, "B-12", ve.Rule)
			assert.Equal(t, before, docsOfMonth(t, f), "nothing issued")
		})
	}
}

// issueTxStore is the fixture's store running hook once, at the start of a
// call's issuing transaction: the first transaction it begins, or with
// afterCompute the first one after it read the month's cost data. That is
// between what the call read, computed and checked before and the transaction
// that checks again and issues its document. The hook runs outside any
// transaction of the call, so what it does commits first.
type issueTxStore struct {
	billing.Store
	afterCompute bool
	computed     atomic.Bool
	once         sync.Once
	hook         func()
}

func (s *issueTxStore) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if !s.afterCompute || s.computed.Load() {
		s.once.Do(s.hook)
	}
	return s.Store.InTx(ctx, fn)
}

func (s *issueTxStore) CostGroups(ctx context.Context, period resellerkit.Month) ([]billing.Group, error) {
	defer s.computed.Store(true)
	return s.Store.CostGroups(ctx, period)
}

func (s *issueTxStore) CostGroupsOf(ctx context.Context, period resellerkit.Month, accountIDs []string) ([]billing.Group, error) {
	defer s.computed.Store(true)
	return s.Store.CostGroupsOf(ctx, period, accountIDs)
}

// TestB12_ConcurrentCreditNoteAndCorrection: a note of ¥20,000 on the original
// and a correction billing ¥19,800, less than the note returns, at once:
// exactly one is issued, on every store, because each checks the other in its
// issuing transaction. The race is forced, not left to the scheduler: the
// other document is issued right before the call's issuing transaction, after
// everything the call read, computed and checked outside it. A note issued
// while the correction was computed refuses the correction, naming the note; a
// correction issued while the note was prepared refuses the note.
func TestB12_ConcurrentCreditNoteAndCorrection(t *testing.T) {
	note := func(svc *billing.Service, f *fixture, invoiceID string) (billing.Document, error) {
		return svc.IssueCreditNote(f.ctx, "cn-1", invoiceID, "返金", returnOf("20000"))
	}
	correction := func(svc *billing.Service, f *fixture, invoiceID string) (billing.Document, error) {
		return svc.CorrectInvoice(f.ctx, "fix-1", invoiceID)
	}
	for _, tc := range []struct {
		name string
		// first is issued by the hook, between the steps of late, which is refused
		first, late func(svc *billing.Service, f *fixture, invoiceID string) (billing.Document, error)
		// with afterCompute the hook waits for late's computation (a correction's)
		afterCompute bool
		// reason returns what late's refusal says, given first as issued
		reason func(first billing.Document) []string
	}{
		{name: "a note issued while the correction is computed refuses the correction",
			first: note, late: correction, afterCompute: true,
			reason: func(n billing.Document) []string { return []string{"credit notes " + n.Number, "returned 20000"} }},
		{name: "a correction issued while the note is prepared refuses the note",
			first: correction, late: note,
			reason: func(c billing.Document) []string {
				return []string{"was corrected by " + c.Number, "on the correction"}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			issueOctober(t, f)
			orig, err := f.store.DocumentByKey(f.ctx, "invoice/"+f.projA.ID+"/2026-10")
			require.NoError(t, err)
			f.ingest(t, oct, "v2", time.Date(2026, time.November, 11, 0, 0, 0, 0, time.UTC), octRows()[:2]...) // ¥19,800

			var first billing.Document
			hooked := false
			st := &issueTxStore{Store: f.store, afterCompute: tc.afterCompute}
			st.hook = func() {
				hooked = true
				var err error
				first, err = tc.first(f.svc, f, orig.ID)
				require.NoError(t, err, "the first document is issued")
			}
			_, err = tc.late(f.serviceOn(t, st), f, orig.ID)
			require.True(t, hooked, "the first document was issued during the call")
			var ve *resellerkit.ValidationError
			require.ErrorAs(t, err, &ve, "the second is refused")
			require.ErrorIs(t, err, billing.ErrInvalid)
			assert.Equal(t, "invoice_id", ve.Field)
			assert.Equal(t, orig.ID, ve.Value)
			for _, want := range tc.reason(first) {
				assert.Contains(t, ve.Reason, want)
			}
			docs := docsOfMonth(t, f)
			require.Len(t, docs, 2, "the invoice and the first document only")
			assert.Equal(t, first.ID, docs[1].ID)
		})
	}
}

// TestB12_CreditNoteLineDescriptionIsOneLine: a return line's description is one
// line of the note's PDF and CSV: 1..200 characters, no line break or other
// control character; else ErrInvalid naming it, and nothing is issued.
func TestB12_CreditNoteLineDescriptionIsOneLine(t *testing.T) {
	for _, tc := range []struct {
		name, description, reason string
	}{
		{"200 characters", strings.Repeat("返", 200), ""},
		{"blank", "  ", "required"},
		{"201 characters", strings.Repeat("返", 201), "at most 200 characters"},
		{"two lines", "返金\n(10月分)", "one line"},
		{"a tab", "返金\t10月分", "one line"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			issueOctober(t, f)
			inv, err := f.store.DocumentByKey(f.ctx, "invoice/"+f.projA.ID+"/2026-10")
			require.NoError(t, err)
			before := docsOfMonth(t, f)
			note, err := f.svc.IssueCreditNote(f.ctx, "cn-1", inv.ID, "返金", []billing.ReturnLine{
				{AccountID: acctA1, Description: tc.description, Amount: dec2("100")},
			})
			if tc.reason == "" {
				require.NoError(t, err)
				assert.Equal(t, tc.description, note.Lines[0].Description)
				return
			}
			var ve *resellerkit.ValidationError
			require.ErrorAs(t, err, &ve)
			require.ErrorIs(t, err, billing.ErrInvalid)
			assert.Equal(t, "lines[0].description", ve.Field)
			assert.Equal(t, resellerkit.Truncate(tc.description), ve.Value)
			assert.Contains(t, ve.Reason, tc.reason)
			assert.Equal(t, before, docsOfMonth(t, f), "nothing issued")
		})
	}
}
