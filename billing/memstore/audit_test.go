package memstore_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/billingtest"
	"github.com/seeda33a2f4f/resellerkit/billing/memstore"
)

// TestB12_DocumentSourcesAreCopies: an issued document's Sources (the report
// versions it was computed from, which late credits compare, B-16) do not change
// when what IssueDocument was given or what a read returned is mutated (B-12:
// issued documents are immutable; the store copies on read and write).
func TestB12_DocumentSourcesAreCopies(t *testing.T) {
	ctx := t.Context()
	s := memstore.New()
	period := resellerkit.NewMonth(2026, time.May)
	src := billing.Report{Payer: "111122223333", Period: period, Version: "v1", GeneratedAt: time.Date(2026, 6, 3, 0, 0, 0, 0, time.UTC)}
	in := billingtest.Document("o1", "p1", "d1", period)
	in.Sources = []billing.Report{src}
	scribble := func(d billing.Document) {
		for i := range d.Sources {
			d.Sources[i].Version = "scribbled"
		}
	}
	sources := func() []billing.Report {
		d, err := s.GetDocument(ctx, "o1", "d1")
		require.NoError(t, err)
		return d.Sources
	}

	out, _, err := s.IssueDocument(ctx, in)
	require.NoError(t, err)
	scribble(in)
	assert.Equal(t, []billing.Report{src}, sources(), "mutating what IssueDocument was given")
	scribble(out)
	assert.Equal(t, []billing.Report{src}, sources(), "mutating what IssueDocument returned")
	got, err := s.GetDocument(ctx, "o1", "d1")
	require.NoError(t, err)
	scribble(got)
	assert.Equal(t, []billing.Report{src}, sources(), "mutating what GetDocument returned")
	byKey, err := s.DocumentByKey(ctx, in.Key)
	require.NoError(t, err)
	scribble(byKey)
	assert.Equal(t, []billing.Report{src}, sources(), "mutating what DocumentByKey returned")
	list, _, err := s.ListDocuments(ctx, billing.DocumentFilter{}, resellerkit.Page{})
	require.NoError(t, err)
	require.Len(t, list, 1)
	scribble(list[0])
	assert.Equal(t, []billing.Report{src}, sources(), "mutating what ListDocuments returned")
}
