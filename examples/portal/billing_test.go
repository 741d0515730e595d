package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/invoicedoc"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// download sends a GET and returns the response (its body read) and the body.
func (f *fixture) download(path, token string) (*http.Response, []byte) {
	f.t.Helper()
	resp, err := f.srv.Client().Do(f.request("GET", path, token, nil))
	require.NoError(f.t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(f.t, err)
	return resp, body
}

// outsiderOrg creates the outsider's own organization and returns its id.
func (f *fixture) outsiderOrg() string {
	f.t.Helper()
	var org orgJSON
	require.Equal(f.t, http.StatusCreated, f.do("POST", "/v1/orgs", f.token(outsider),
		map[string]any{"code": "other", "name": "Other K.K."}, &org))
	return org.ID
}

// withoutPermission takes perm away from the general user (M-5).
func (f *fixture) generalWithout(perm string) {
	f.t.Helper()
	path := "/v1/orgs/" + f.orgID + "/members/" + demoGeneral.IdentityID
	var m memberJSON
	require.Equal(f.t, http.StatusOK, f.do("GET", path, f.token(demoPower), nil, &m))
	var keep []string
	for _, p := range m.Permissions {
		if p != perm {
			keep = append(keep, p)
		}
	}
	require.Equal(f.t, http.StatusOK, f.do("PUT", path, f.token(demoPower),
		map[string]any{"type": "general", "permissions": keep, "version": m.Version}, &m))
}

// invoiceIn returns the seeded invoice in cur.
func (f *fixture) invoiceIn(cur money.Currency) billing.Document {
	f.t.Helper()
	for _, d := range f.billing.invoices {
		if d.Currency == cur {
			return d
		}
	}
	f.t.Fatalf("no seeded %s invoice among %d", cur, len(f.billing.invoices))
	return billing.Document{}
}

func parse(t *testing.T, s string) money.Decimal {
	t.Helper()
	d, err := money.Parse(s)
	require.NoError(t, err, "%q is a decimal string", s)
	return d
}

// TestB13_ChargesOverHTTP: the month-to-date charges per project, account, service
// and CmBillingGroup, as decimal strings with the time the data was aggregated; only
// the organization's own (M-7), and only with charges.view (M-5).
func TestB13_ChargesOverHTTP(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		org := "/v1/orgs/" + f.orgID
		general := f.token(demoGeneral)
		var c chargesJSON
		require.Equal(t, http.StatusOK, f.do("GET", org+"/charges", general, nil, &c))
		assert.Equal(t, resellerkit.MonthOf(time.Now()), c.Period, "the current UTC month by default")
		assert.Equal(t, "USD", c.CostCurrency)
		require.NotNil(t, c.LastUpdated)
		assert.Empty(t, c.Reports, "the reseller's payer accounts are not shown to customers")
		require.Len(t, c.Projects, 2)
		var prod projectChargesJSON
		for _, p := range c.Projects {
			assert.Equal(t, f.orgID, p.OrgID)
			if p.ProjectName == "Production" {
				prod = p
			}
		}
		require.Len(t, prod.Accounts, 3)
		assert.Positive(t, parse(t, prod.Charges).Sign())
		assert.Equal(t, "-10", prod.Credits, "the promotional credit, not deducted from charges")
		assert.Equal(t, 1, parse(t, prod.Estimate).Cmp(parse(t, prod.Charges).Add(parse(t, prod.Credits))), "plus the support fee")
		services := map[string]bool{}
		for _, s := range prod.Services {
			services[s.Service] = true
		}
		assert.Equal(t, map[string]bool{"AmazonEC2": true, "AmazonS3": true}, services, "tax rows are not charged (B-4)")
		groups := map[string]money.Decimal{}
		for _, g := range prod.BillingGroups {
			groups[g.CmBillingGroup] = parse(t, g.Charges)
		}
		assert.Contains(t, groups, "web")
		assert.Contains(t, groups, "database")
		assert.Contains(t, groups, "", "the untagged charges")
		web := prod.Accounts[0]
		require.Equal(t, "100000000001", web.AccountID)
		var ratios money.Decimal
		for _, g := range web.BillingGroups {
			ratios = ratios.Add(parse(t, g.Ratio))
		}
		assert.Equal(t, "1", ratios.String(), "B-9: the shares sum to the account's charges")

		// A past month, and one account (the page a charge-alarm notice links to).
		require.Equal(t, http.StatusOK, f.do("GET", org+"/charges?period="+f.billing.invoiced.String(), general, nil, &c))
		assert.Equal(t, f.billing.invoiced, c.Period)
		require.Len(t, c.Projects, 2)
		require.Equal(t, http.StatusOK, f.do("GET", org+"/accounts/100000000004/charges", general, nil, &c))
		require.Len(t, c.Projects, 1)
		assert.Equal(t, "Development", c.Projects[0].ProjectName)
		require.Len(t, c.Projects[0].Accounts, 1)
		assert.Equal(t, "100000000004", c.Projects[0].Accounts[0].AccountID)

		var e errorJSON
		require.Equal(t, http.StatusBadRequest, f.do("GET", org+"/charges?period=2026-13", general, nil, &e))
		assert.Equal(t, "period", e.Error.Field)
		require.Equal(t, http.StatusBadRequest, f.do("GET", org+"/charges?period=2026-10&period=2026-11", general, nil, &e))

		// M-7: a power user of another organization sees its own (none), not the demo's.
		other := f.outsiderOrg()
		require.Equal(t, http.StatusForbidden, f.do("GET", org+"/charges", f.token(outsider), nil, &e))
		require.Equal(t, http.StatusOK, f.do("GET", "/v1/orgs/"+other+"/charges", f.token(outsider), nil, &c))
		assert.Empty(t, c.Projects)

		// M-5: without charges.view.
		f.generalWithout("charges.view")
		require.Equal(t, http.StatusForbidden, f.do("GET", org+"/charges", general, nil, &e))
		assert.Contains(t, e.Error.Message, "charges.view")

		// Operators see every project; nobody else may ask.
		require.Equal(t, http.StatusOK, f.do("GET", "/v1/operator/billing/charges", f.token(demoOperator), nil, &c))
		assert.Len(t, c.Projects, 2)
		require.Equal(t, http.StatusForbidden, f.do("GET", "/v1/operator/billing/charges", f.token(demoPower), nil, &e))
	})
}

// TestB12_DocumentsOverHTTP: the seeded invoices listed, read, and exported as CSV
// and PDF by a member with invoice.view; another organization's are 404.
func TestB12_DocumentsOverHTTP(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		org := "/v1/orgs/" + f.orgID
		general := f.token(demoGeneral)
		require.Len(t, f.billing.invoices, 2, "Production (JPY) and Development (USD)")
		var list pageJSON[documentJSON]
		require.Equal(t, http.StatusOK, f.do("GET", org+"/documents", general, nil, &list))
		require.Len(t, list.Items, 2)
		assert.Empty(t, list.Items[0].Lines, "lists leave the lines out")
		require.Equal(t, http.StatusOK, f.do("GET", org+"/documents?kind=invoice&period="+f.billing.invoiced.String()+"&limit=1", general, nil, &list))
		require.Len(t, list.Items, 1)
		require.NotEmpty(t, list.NextPageToken)
		first := list.Items[0]
		require.Equal(t, http.StatusOK, f.do("GET", org+"/documents?kind=invoice&limit=1&page_token="+list.NextPageToken, general, nil, &list))
		require.Len(t, list.Items, 1)
		assert.NotEqual(t, first.ID, list.Items[0].ID)
		require.Equal(t, http.StatusOK, f.do("GET", org+"/documents?kind=credit_note", general, nil, &list))
		assert.Empty(t, list.Items)
		var e errorJSON
		require.Equal(t, http.StatusBadRequest, f.do("GET", org+"/documents?kind=receipt", general, nil, &e))
		assert.Equal(t, "kind", e.Error.Field)

		inv := f.invoiceIn(money.JPY)
		var d documentJSON
		require.Equal(t, http.StatusOK, f.do("GET", org+"/documents/"+inv.ID, general, nil, &d))
		assert.Equal(t, "invoice", d.Kind)
		assert.Regexp(t, `^T1234567890123-\d{4}-\d{6}$`, d.Number)
		assert.Equal(t, issuerJSON{Name: demoIssuerName, RegistrationNumber: demoIssuerRegistration}, d.Issuer)
		assert.Equal(t, "Demo Trading K.K.", d.Recipient)
		assert.Equal(t, f.billing.invoiced, d.Period)
		assert.Equal(t, "JPY", d.Currency)
		assert.Equal(t, demoPlans(time.Now()).ExchangeRates[demoRatePolicy].Rates[d.Period].String(), d.ExchangeRate)
		assert.NotEmpty(t, d.ExchangeRateDate)
		require.NotEmpty(t, d.Lines)
		require.Len(t, d.Taxes, 1)
		assert.Equal(t, "0.1", d.Taxes[0].Rate)
		assert.Equal(t, "floor", d.Taxes[0].Rounding)
		assert.Equal(t, parse(t, d.Total), parse(t, d.Subtotal).Add(parse(t, d.Tax)))
		assert.Zero(t, parse(t, d.Total).Places(), "whole yen")

		// CSV, with and without the byte order mark.
		resp, body := f.download(org+"/documents/"+inv.ID+"/csv", general)
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
		assert.Equal(t, "text/csv; charset=utf-8", resp.Header.Get("Content-Type"))
		assert.Equal(t, `attachment; filename=`+inv.Number+`.csv`, resp.Header.Get("Content-Disposition"))
		rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
		require.NoError(t, err)
		assert.Equal(t, invoicedoc.CSVHeader(), rows[0])
		resp, body = f.download(org+"/documents/"+inv.ID+"/csv?bom=1", general)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.True(t, bytes.HasPrefix(body, []byte("\xef\xbb\xbf")))
		require.Equal(t, http.StatusBadRequest, f.do("GET", org+"/documents/"+inv.ID+"/csv?bom=yes", general, nil, &e))

		// M-7: the outsider's own organization has no such document; the demo's
		// is not the outsider's to list. Without invoice.view: 403.
		other := f.outsiderOrg()
		require.Equal(t, http.StatusNotFound, f.do("GET", "/v1/orgs/"+other+"/documents/"+inv.ID, f.token(outsider), nil, &e))
		require.Equal(t, http.StatusNotFound, f.do("GET", "/v1/orgs/"+other+"/documents/"+inv.ID+"/csv", f.token(outsider), nil, &e))
		require.Equal(t, http.StatusForbidden, f.do("GET", org+"/documents", f.token(outsider), nil, &e))
		require.Equal(t, http.StatusNotFound, f.do("GET", org+"/documents/nope", general, nil, &e))

		// Without a font the PDF is 503 with a message saying what to install.
		f.s.fonts = newFontCache(func() (string, error) { return "", invoicedoc.ErrFontNotFound })
		require.Equal(t, http.StatusServiceUnavailable, f.do("GET", org+"/documents/"+inv.ID+"/pdf", general, nil, &e))
		assert.Equal(t, "pdf_unavailable", e.Error.Code)
		assert.Contains(t, e.Error.Message, "fonts-ipaexfont")

		f.s.fonts = newFontCache(invoicedoc.FindFont)
		t.Run("pdf", func(t *testing.T) {
			needFont(t)
			for _, lang := range []string{"", "?lang=en"} {
				resp, body := f.download(org+"/documents/"+inv.ID+"/pdf"+lang, general)
				require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
				assert.Equal(t, "application/pdf", resp.Header.Get("Content-Type"))
				assert.Equal(t, `attachment; filename=`+inv.Number+`.pdf`, resp.Header.Get("Content-Disposition"))
				assert.True(t, bytes.HasPrefix(body, []byte("%PDF-")))
			}
			require.Equal(t, http.StatusBadRequest, f.do("GET", org+"/documents/"+inv.ID+"/pdf?lang=fr", general, nil, &e))
			assert.Equal(t, "lang", e.Error.Field)
		})

		f.generalWithout("invoice.view")
		require.Equal(t, http.StatusForbidden, f.do("GET", org+"/documents/"+inv.ID, general, nil, &e))
	})
}

// needFont skips the test when invoicedoc.FindFont finds no font, unless
// RESELLERKIT_CI is set (as billing/invoicedoc's tests do).
func needFont(t *testing.T) {
	t.Helper()
	if _, err := invoicedoc.FindFont(); err != nil {
		msg := "the PDF export needs the IPAex Gothic font: apt-get install fonts-ipaexfont\n" + err.Error()
		if os.Getenv("RESELLERKIT_CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
}

// TestB15_AlarmsOverHTTP: create (contacts.edit; at most 3 per account), list
// (charges.view), update with the version, firings, delete; another
// organization's alarm is 404.
func TestB15_AlarmsOverHTTP(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		org := "/v1/orgs/" + f.orgID
		power, general := f.token(demoPower), f.token(demoGeneral)
		path := org + "/accounts/100000000001/alarms"
		var a alarmJSON
		require.Equal(t, http.StatusCreated, f.do("POST", path, power, map[string]any{"threshold": "1.00", "name": "any spend"}, &a))
		assert.Equal(t, "1.00", a.Threshold)
		assert.Equal(t, "USD", a.Currency)
		assert.Equal(t, int64(1), a.Version)
		assert.Equal(t, "100000000001", a.AccountID)

		var e errorJSON
		require.Equal(t, http.StatusBadRequest, f.do("POST", path, power, map[string]any{"threshold": 100}, &e), "money is a string")
		assert.Equal(t, "threshold", e.Error.Field)
		require.Equal(t, http.StatusBadRequest, f.do("POST", path, power, map[string]any{"threshold": "lots"}, &e))
		assert.Equal(t, "threshold", e.Error.Field)
		require.Equal(t, http.StatusBadRequest, f.do("POST", path, power, map[string]any{"threshold": "0.001"}, &e))
		assert.Equal(t, "threshold", e.Error.Field)
		require.Equal(t, http.StatusForbidden, f.do("POST", path, general, map[string]any{"threshold": "5"}, &e), "view-only")
		require.Equal(t, http.StatusNotFound, f.do("POST", org+"/accounts/999999999999/alarms", power, map[string]any{"threshold": "5"}, &e))

		var tag alarmJSON
		require.Equal(t, http.StatusCreated, f.do("POST", path, power, map[string]any{"threshold": "500", "on_tag": true, "tag_value": "web"}, &tag))
		require.Equal(t, http.StatusCreated, f.do("POST", path, power, map[string]any{"threshold": "1000"}, nil))
		require.Equal(t, http.StatusConflict, f.do("POST", path, power, map[string]any{"threshold": "2000"}, &e), "B-15: 3 per account")
		assert.Equal(t, "limit_reached", e.Error.Code)

		var list pageJSON[alarmJSON]
		require.Equal(t, http.StatusOK, f.do("GET", path, general, nil, &list))
		assert.Len(t, list.Items, 3)
		require.Equal(t, http.StatusOK, f.do("GET", org+"/alarms", general, nil, &list))
		assert.Len(t, list.Items, 3)

		// Update with the version read; a stale or missing version is refused.
		body := map[string]any{"threshold": "600", "on_tag": true, "tag_value": "web", "name": "web tier", "version": 1}
		require.Equal(t, http.StatusOK, f.do("PUT", org+"/alarms/"+tag.ID, power, body, &a))
		assert.Equal(t, int64(2), a.Version)
		assert.Equal(t, "600.00", a.Threshold)
		require.Equal(t, http.StatusConflict, f.do("PUT", org+"/alarms/"+tag.ID, power, body, &e))
		delete(body, "version")
		require.Equal(t, http.StatusBadRequest, f.do("PUT", org+"/alarms/"+tag.ID, power, body, &e))
		assert.Equal(t, "version", e.Error.Field)

		// Firings: the monthly job evaluates; the $1 alarm fires once, to the
		// account's billing contacts.
		require.Equal(t, http.StatusOK, f.do("PUT", org+"/accounts/100000000001/contacts", power, map[string]any{
			"recipients": map[string]any{
				"billing":   map[string]any{"to": []string{"billing@demo.example.com"}},
				"technical": map[string]any{"to": []string{"ops@demo.example.com"}},
				"security":  map[string]any{"to": []string{"sec@demo.example.com"}},
			},
			"language": "ja", "phones": []string{"03-1234-5678"}, "version": 0,
		}, nil))
		rep, err := f.bill.EvaluateAlarms(context.Background(), resellerkit.MonthOf(time.Now()))
		require.NoError(t, err)
		require.Len(t, rep.Fired, 1, "%+v", rep)
		var fired pageJSON[firingJSON]
		require.Equal(t, http.StatusOK, f.do("GET", org+"/alarms/"+rep.Fired[0].AlarmID+"/firings", general, nil, &fired))
		require.Len(t, fired.Items, 1)
		assert.Equal(t, resellerkit.MonthOf(time.Now()), fired.Items[0].Period)
		assert.NotEmpty(t, fired.Items[0].NoticeID)
		require.Equal(t, http.StatusOK, f.do("GET", org+"/alarms/"+tag.ID+"/firings", general, nil, &fired))
		assert.Empty(t, fired.Items)

		// M-7: through another organization, the alarm does not exist.
		other := "/v1/orgs/" + f.outsiderOrg()
		outsiderTok := f.token(outsider)
		body["version"] = 2
		require.Equal(t, http.StatusNotFound, f.do("PUT", other+"/alarms/"+tag.ID, outsiderTok, body, &e))
		require.Equal(t, http.StatusNotFound, f.do("DELETE", other+"/alarms/"+tag.ID, outsiderTok, nil, &e))
		require.Equal(t, http.StatusNotFound, f.do("GET", other+"/alarms/"+tag.ID+"/firings", outsiderTok, nil, &e))
		require.Equal(t, http.StatusForbidden, f.do("GET", path, outsiderTok, nil, &e))
		require.Equal(t, http.StatusForbidden, f.do("DELETE", org+"/alarms/"+tag.ID, outsiderTok, nil, &e))

		require.Equal(t, http.StatusForbidden, f.do("DELETE", org+"/alarms/"+tag.ID, general, nil, &e))
		require.Equal(t, http.StatusNoContent, f.do("DELETE", org+"/alarms/"+tag.ID, power, nil, nil))
		require.Equal(t, http.StatusNotFound, f.do("DELETE", org+"/alarms/"+tag.ID, power, nil, &e))
		require.Equal(t, http.StatusOK, f.do("GET", path, general, nil, &list))
		assert.Len(t, list.Items, 2)
	})
}

// TestB12_OperatorCreditNotesAndCorrectionsOverHTTP: operators issue a credit note
// and a corrected invoice, each idempotent by its key; nobody else may.
func TestB12_OperatorCreditNotesAndCorrectionsOverHTTP(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		op := f.token(demoOperator)
		inv := f.invoiceIn(money.JPY)
		note := map[string]any{"key": "cn-1", "invoice_id": inv.ID, "reason": "サポート料金の一部返金",
			"lines": []map[string]any{{"account_id": "100000000001", "description": "返金", "amount": "1000"}}}
		var e errorJSON
		for _, p := range []string{demoGeneral.IdentityID, demoPower.IdentityID} {
			tok := f.token(demoGeneral)
			if p == demoPower.IdentityID {
				tok = f.token(demoPower)
			}
			require.Equal(t, http.StatusForbidden, f.do("POST", "/v1/operator/billing/credit-notes", tok, note, &e), p)
			require.Equal(t, http.StatusForbidden, f.do("POST", "/v1/operator/billing/corrections", tok,
				map[string]any{"key": "fix-1", "invoice_id": inv.ID}, &e), p)
		}

		var cn documentJSON
		require.Equal(t, http.StatusCreated, f.do("POST", "/v1/operator/billing/credit-notes", op, note, &cn))
		assert.Equal(t, "credit_note", cn.Kind)
		assert.Equal(t, inv.ID, cn.RefersTo)
		assert.Equal(t, f.orgID, cn.OrgID)
		assert.Equal(t, "1000", cn.Subtotal)
		assert.Equal(t, "100", cn.Tax)
		assert.Equal(t, "1100", cn.Total)
		var again documentJSON
		require.Equal(t, http.StatusCreated, f.do("POST", "/v1/operator/billing/credit-notes", op, note, &again))
		assert.Equal(t, cn.ID, again.ID, "the same key issues one note")

		bad := map[string]any{"key": "cn-2", "invoice_id": inv.ID, "reason": "x",
			"lines": []map[string]any{{"description": "x", "amount": "0.5"}}}
		require.Equal(t, http.StatusBadRequest, f.do("POST", "/v1/operator/billing/credit-notes", op, bad, &e), "whole yen")
		assert.Equal(t, "lines[0].amount", e.Error.Field)
		bad["invoice_id"] = "nope"
		require.Equal(t, http.StatusNotFound, f.do("POST", "/v1/operator/billing/credit-notes", op, bad, &e))
		foreign := map[string]any{"key": "cn-3", "invoice_id": inv.ID, "reason": "x",
			"lines": []map[string]any{{"account_id": "999999999999", "description": "x", "amount": "1"}}}
		require.Equal(t, http.StatusBadRequest, f.do("POST", "/v1/operator/billing/credit-notes", op, foreign, &e),
			"a line names an account of the invoice, or none (B-12, M-7)")
		assert.Equal(t, "lines[0].account_id", e.Error.Field)

		var list pageJSON[documentJSON]
		require.Equal(t, http.StatusOK, f.do("GET", "/v1/orgs/"+f.orgID+"/documents?kind=credit_note", f.token(demoGeneral), nil, &list))
		require.Len(t, list.Items, 1)
		assert.Equal(t, cn.Number, list.Items[0].Number)

		var corr documentJSON
		require.Equal(t, http.StatusCreated, f.do("POST", "/v1/operator/billing/corrections", op,
			map[string]any{"key": "fix-1", "invoice_id": inv.ID}, &corr))
		assert.Equal(t, "invoice", corr.Kind)
		assert.Equal(t, inv.ID, corr.Replaces)
		assert.NotEqual(t, inv.Number, corr.Number)
		assert.Equal(t, inv.Total.String(), corr.Total, "the data did not change")
		require.Equal(t, http.StatusCreated, f.do("POST", "/v1/operator/billing/corrections", op,
			map[string]any{"key": "fix-1", "invoice_id": inv.ID}, &again))
		assert.Equal(t, corr.ID, again.ID)
		require.Equal(t, http.StatusBadRequest, f.do("POST", "/v1/operator/billing/corrections", op,
			map[string]any{"key": "fix-2", "invoice_id": inv.ID}, &e), "correct the latest one")

		t.Run("pdf of the references", func(t *testing.T) {
			needFont(t)
			for _, id := range []string{cn.ID, corr.ID} {
				resp, body := f.download("/v1/orgs/"+f.orgID+"/documents/"+id+"/pdf", f.token(demoGeneral))
				require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
				assert.True(t, bytes.HasPrefix(body, []byte("%PDF-")))
			}
		})
	})
}

// TestPortal_BillingSeedIsIdempotent: a finished billing seed is not repeated; an
// interrupted one, run again, ingests and issues nothing twice.
func TestPortal_BillingSeedIsIdempotent(t *testing.T) {
	f := newFixture(t, "sqlite")
	ctx := context.Background()
	plans := demoPlans(time.Now())
	again, err := seedBilling(ctx, f.bill, f.svc, f.b.state, f.orgID, plans, money.USD, time.Now())
	require.NoError(t, err)
	assert.Empty(t, again.months, "done: nothing to do")

	// As if the first run had stopped before recording that it finished.
	_, err = f.b.db.Pool().ExecContext(ctx, `DELETE FROM portal_state WHERE name = $1`, stateBillingSeededAt)
	require.NoError(t, err)
	again, err = seedBilling(ctx, f.bill, f.svc, f.b.state, f.orgID, plans, money.USD, time.Now())
	require.NoError(t, err)
	assert.Equal(t, f.billing.invoices, again.invoices, "the same invoices, not new ones")
	docs, _, err := f.b.billing.ListDocuments(ctx, billing.DocumentFilter{}, resellerkit.Page{})
	require.NoError(t, err)
	assert.Len(t, docs, len(f.billing.invoices))
}

// TestB16_DemoInvoiceMonth: the seed bills the previous month from its issue day
// (the 10th, Japan time) on, the month before it until then.
func TestB16_DemoInvoiceMonth(t *testing.T) {
	for _, c := range []struct {
		now  time.Time
		want string
	}{
		{time.Date(2026, time.November, 9, 14, 59, 0, 0, time.UTC), "2026-09"}, // 23:59 JST on the 9th
		{time.Date(2026, time.November, 9, 15, 0, 0, 0, time.UTC), "2026-10"},  // 00:00 JST on the 10th
		{time.Date(2026, time.November, 30, 23, 0, 0, 0, time.UTC), "2026-10"},
		{time.Date(2027, time.January, 1, 0, 0, 0, 0, time.UTC), "2026-11"},
	} {
		assert.Equal(t, c.want, demoInvoiceMonth(c.now, billing.Calendar{}).String(), c.now)
	}
	plans := demoPlans(time.Now())
	require.NoError(t, plans.Validate())
	assert.Contains(t, plans.ExchangeRates[demoRatePolicy].Rates, demoInvoiceMonth(time.Now(), billing.Calendar{}))
}

// TestRun_BillingFlags: -plans reads a billing.Plans file; a bad one, or an issuer
// registration number of the wrong form, stops the start.
func TestRun_BillingFlags(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "plans.json")
	require.NoError(t, os.WriteFile(good, []byte(`{"exchange_rates": {"mufg": {"source": "MUFG TTM", "rates": {"2026-10": "151.37"}}}}`), 0o600))
	c, err := parseFlags([]string{"-plans", good, "-issuer-name", "株式会社テスト", "-issuer-registration", "T9999999999999"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "151.37", c.billing.plans.ExchangeRates["mufg"].Rates[resellerkit.NewMonth(2026, time.October)].String())
	assert.Equal(t, billing.Issuer{Name: "株式会社テスト", RegistrationNumber: "T9999999999999"}, c.billing.issuer)

	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"exchange_rates": {"x": {"rates": {"2026-10": "-1"}}}}`), 0o600))
	var buf bytes.Buffer
	require.ErrorContains(t, run(context.Background(), []string{"-plans", bad}, &buf, nil), "-plans")
	require.Error(t, run(context.Background(), []string{"-plans", filepath.Join(dir, "missing.json")}, &buf, nil))
	require.ErrorContains(t, run(context.Background(), []string{"-db", "memory", "-addr", "127.0.0.1:0", "-issuer-registration", "1234"}, &buf, nil), "registration")
}
