package membersource_test

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/membersource"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/members/memstore"
	"github.com/seeda33a2f4f/resellerkit/members/sqlstore"
	"github.com/seeda33a2f4f/resellerkit/money"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
)

var (
	october  = resellerkit.NewMonth(2026, time.October)
	november = october.Next()
)

// rows is a billing.Input of line items held in memory.
type rows []billing.LineItem

func (r rows) Scan(_ context.Context, newSink func() billing.Sink) (billing.InputStats, error) {
	sink := newSink()
	for i := range r {
		li := r[i]
		if err := sink.Add(&li); err != nil {
			return billing.InputStats{}, err
		}
	}
	return billing.InputStats{Name: "rows", Rows: int64(len(r))}, nil
}

// usage returns a $10 EC2 usage row of account in month m.
func usage(account string, m resellerkit.Month) billing.LineItem {
	return billing.LineItem{Format: billing.FormatCURLegacy, Period: m, BillingPeriod: m,
		AccountID: []byte(account), ProductCode: []byte("AmazonEC2"), LineItemType: []byte("Usage"),
		UsageType: []byte("BoxUsage:t3.micro"), Operation: []byte("RunInstances"), Cost: []byte("10")}
}

// invoiced returns, by project id, the accounts each invoice of res bills.
func invoiced(res *billing.Result) map[string][]string {
	out := map[string][]string{}
	for _, inv := range res.Invoices {
		ids := []string{}
		for _, a := range inv.Accounts {
			ids = append(ids, a.AccountID)
		}
		slices.Sort(ids)
		out[inv.ProjectID] = ids
	}
	return out
}

func unassigned(res *billing.Result) []string {
	var ids []string
	for _, u := range res.Unassigned {
		ids = append(ids, u.AccountID)
	}
	return ids
}

// M-3 end to end: an account moved from project A to B during October is on A's
// October invoice and on B's November invoice; an account whose closure completed in
// October is not billed in November (M-11). Ownership comes from members' history,
// not from a file kept in step by hand.
func TestM3_OwnershipHistoryDecidesTheInvoice(t *testing.T) {
	run := func(t *testing.T, store members.Store) {
		ctx := context.Background()
		now := atomic.Pointer[time.Time]{}
		set := func(tm time.Time) { now.Store(&tm) }
		set(time.Date(2026, time.October, 3, 9, 0, 0, 0, time.UTC))
		svc := members.NewService(store, members.WithClock(func() time.Time { return *now.Load() }))
		alice := members.Principal{IdentityID: "alice", Email: "alice@acme.example", MFA: true}
		staff := members.Principal{IdentityID: "staff", MFA: true, Operator: true}

		org, err := svc.CreateOrganization(ctx, alice, members.NewOrganization{Code: "acme", Name: "Acme"})
		require.NoError(t, err)
		newProject := func(name string, cur money.Currency, policy string) members.Project {
			p, err := svc.CreateProject(ctx, alice, org.ID, members.Project{Name: name, PaymentMethod: members.PaymentBankTransfer,
				Currency: cur, InvoiceTo: []string{"billing@acme.example"}, Billing: members.BillingSettings{ExchangeRatePolicy: policy}})
			require.NoError(t, err)
			return p
		}
		a, b := newProject("A", money.JPY, "ttm"), newProject("B", money.USD, "")
		const moved, closed, stays = "111111111111", "222222222222", "333333333333"
		for id, p := range map[string]string{moved: a.ID, closed: a.ID, stays: b.ID} {
			_, err := svc.RegisterAccount(ctx, staff, org.ID, members.NewAccount{ID: id, ProjectID: p})
			require.NoError(t, err)
		}

		// During October: move one account to B, close another.
		set(time.Date(2026, time.October, 20, 15, 0, 0, 0, time.UTC))
		acct, err := svc.GetAccount(ctx, alice, org.ID, moved)
		require.NoError(t, err)
		_, err = svc.MoveAccount(ctx, alice, org.ID, moved, b.ID, acct.Version)
		require.NoError(t, err)
		app, err := svc.SubmitApplication(ctx, alice, org.ID, members.NewApplication{Kind: members.AppAccountClosure, AccountID: closed})
		require.NoError(t, err)
		_, err = svc.ReviewApplication(ctx, staff, org.ID, app.ID)
		require.NoError(t, err)
		_, err = svc.CompleteApplication(ctx, staff, org.ID, app.ID)
		require.NoError(t, err)

		plans := &billing.Plans{ExchangeRates: map[string]billing.ExchangeRatePolicy{"ttm": {
			Source: "bank TTM, month end",
			Rates:  map[resellerkit.Month]money.Decimal{october: money.MustParse("150.25"), november: money.MustParse("151.5")},
		}}}
		src := membersource.New(svc, plans)
		data := rows{}
		for _, m := range []resellerkit.Month{october, november} {
			for _, id := range []string{moved, closed, stays} {
				data = append(data, usage(id, m))
			}
		}
		issuer := billing.Issuer{Name: "Reseller K.K.", RegistrationNumber: "T1234567890123"}

		oct, err := billing.Run(ctx, billing.Job{Period: october, Issuer: issuer, Projects: src, Inputs: []billing.Input{data}})
		require.NoError(t, err)
		assert.Equal(t, map[string][]string{a.ID: {moved, closed}, b.ID: {stays}}, invoiced(oct),
			"October: the moved account is still A's, the closed one is billed for its last month")
		assert.Empty(t, unassigned(oct))

		nov, err := billing.Run(ctx, billing.Job{Period: november, Issuer: issuer, Projects: src, Inputs: []billing.Input{data}})
		require.NoError(t, err)
		assert.Equal(t, map[string][]string{b.ID: {moved, stays}}, invoiced(nov),
			"November: the moved account is B's; A owns nothing and gets no invoice")
		assert.Equal(t, []string{closed}, unassigned(nov), "the closed account is not billed, and listed rather than dropped")

		// The JPY invoice uses the month's recorded rate.
		require.Len(t, oct.Invoices, 2)
		for _, inv := range oct.Invoices {
			if inv.ProjectID == a.ID {
				assert.Equal(t, "150.25", inv.ExchangeRate.String())
				assert.Equal(t, "bank TTM, month end", inv.ExchangeRateSource)
			}
		}
	}
	t.Run("memstore", func(t *testing.T) { run(t, memstore.New()) })
	sqldbtest.Run(t, func(t *testing.T, d sqldb.Dialect) {
		s, err := sqlstore.New(context.Background(), sqldbtest.Open(t, d))
		require.NoError(t, err)
		run(t, s)
	})
}

// A JPY project whose policy has no rate for the month, or a setting name the
// catalog lacks, stops the run naming the project and the field (B-10).
func TestB10_MissingRateStopsTheRun(t *testing.T) {
	ctx := context.Background()
	alice := members.Principal{IdentityID: "alice", Email: "alice@acme.example", MFA: true}
	for _, c := range []struct {
		name     string
		settings members.BillingSettings
		field    string
	}{
		{"no policy", members.BillingSettings{}, "exchange_rate_policy"},
		{"policy without the month's rate", members.BillingSettings{ExchangeRatePolicy: "ttm"}, "exchange_rate_policy"},
		{"unknown pricing plan", members.BillingSettings{PricingPlan: "gold", ExchangeRatePolicy: "ttm"}, "pricing_plan"},
	} {
		t.Run(c.name, func(t *testing.T) {
			svc := members.NewService(memstore.New(), members.WithClock(func() time.Time { return october.Start().Add(48 * time.Hour) }))
			org, err := svc.CreateOrganization(ctx, alice, members.NewOrganization{Code: "acme", Name: "Acme"})
			require.NoError(t, err)
			p, err := svc.CreateProject(ctx, alice, org.ID, members.Project{Name: "Web", PaymentMethod: members.PaymentCard,
				Currency: money.JPY, InvoiceTo: []string{"b@acme.example"}, Billing: c.settings})
			require.NoError(t, err)
			_, err = svc.RegisterAccount(ctx, members.Principal{IdentityID: "op", MFA: true, Operator: true}, org.ID,
				members.NewAccount{ID: "111111111111", ProjectID: p.ID})
			require.NoError(t, err)
			plans := &billing.Plans{ExchangeRates: map[string]billing.ExchangeRatePolicy{"ttm": {
				Rates: map[resellerkit.Month]money.Decimal{november: money.MustParse("151")}}}}
			_, err = membersource.New(svc, plans).ProjectsFor(ctx, october)
			require.ErrorIs(t, err, billing.ErrInvalid)
			var ve *resellerkit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, c.field, ve.Field)
			assert.Contains(t, err.Error(), p.ID, "the error names the project")
		})
	}
}
