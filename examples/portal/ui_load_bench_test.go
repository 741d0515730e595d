package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// BenchmarkPortalPages is issue 14's load script: the web UI's pages with real
// volumes. An SQLite-file portal (the test fixture, as -db FILE) is seeded with 50
// organizations of 100 accounts each (5,000 accounts; the demo organization is
// there too) and their month to date of charges (a CUR of one payer, two services a
// day per account, ingested through billing.Service.Ingest). 20 people, each a power
// user of one of the organizations and signed in with a session cookie, request
// their organization's pages over real HTTP on loopback (httptest.Server,
// keep-alive connections), back to back, for b.N requests per page:
//
//   - accounts: the accounts list (first page of 100, with current charges);
//   - account: an account's detail (charges, contacts, security), 100 different ones;
//   - charges: the charges page (month to date by project, account, service, group).
//
// It reports the client-side latency's p50-ms and p99-ms, req/s and bytes/resp
// (the target: p99 under 100 ms on the 2-core machine), and logs the load average
// before and after (-v shows them). One command:
//
//	go test -run '^$' -bench PortalPages -benchtime 1000x -timeout 30m -v ./examples/portal
//
// It only reports; no test depends on timing.
func BenchmarkPortalPages(b *testing.B) {
	const orgs, perOrg, users = 50, 100, 20
	start := time.Now()
	f := newFixture(b, "sqlite")
	lf := seedLoad(b, f, orgs, perOrg, users)
	b.Logf("seeded %d organizations, %d accounts, %d signed-in users, %d cost rows in %v; load average %s",
		orgs, orgs*perOrg, users, lf.rows, time.Since(start).Round(time.Second), loadAverage())

	pages := []struct {
		name string
		path func(u loadUser, i int) string
		want string // a mark of the right page
	}{
		{"accounts", func(u loadUser, _ int) string { return "/orgs/" + u.org + "/accounts" }, `data-page="accounts.html"`},
		{"account", func(u loadUser, i int) string { return "/orgs/" + u.org + "/accounts/" + u.accounts[i%len(u.accounts)] },
			`id="account-charges"`},
		{"charges", func(u loadUser, _ int) string { return "/orgs/" + u.org + "/charges" }, `data-page="charges.html"`},
	}
	for _, pg := range pages {
		b.Run(pg.name, func(b *testing.B) {
			benchmarkPages(b, f, lf.users, pg.path, pg.want)
		})
	}
	b.Logf("load average after: %s", loadAverage())
}

// loadUser is one signed-in person of the load.
type loadUser struct {
	org      string
	cookie   string   // the session cookie's value
	accounts []string // the organization's account ids
}

// loadSeeded is what seedLoad made.
type loadSeeded struct {
	users []loadUser
	rows  int // cost rows ingested
}

// seedLoad creates orgs organizations, each with its own power user, one project
// and perOrg accounts, ingests the current month to date of their charges, and
// signs the first users of them in.
func seedLoad(b *testing.B, f *fixture, orgs, perOrg, users int) loadSeeded {
	b.Helper()
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Microsecond)
	month := resellerkit.MonthOf(now)
	cur := billingSetup{plans: demoPlans(now)}.costCurrency()
	var out loadSeeded
	var all []string
	for o := range orgs {
		email, password := fmt.Sprintf("load-%02d@load.example.com", o), fmt.Sprintf("Load-Password-%02d!", o)
		id, _, err := f.ids.Register(ctx, identity.NewIdentity{ID: fmt.Sprintf("load-%02d", o), Email: email, Password: password})
		require.NoError(b, err)
		p := members.Principal{IdentityID: id.ID, Email: email}
		org, err := f.svc.CreateOrganization(ctx, p, members.NewOrganization{Code: fmt.Sprintf("load%02d", o), Name: fmt.Sprintf("Load %02d K.K.", o)})
		require.NoError(b, err)
		proj, err := f.svc.CreateProject(ctx, p, org.ID, members.Project{Name: "Main", Plan: "standard",
			PaymentMethod: members.PaymentCard, Currency: money.USD, InvoiceTo: []string{"billing@" + org.Code + ".example.com"}})
		require.NoError(b, err)
		u := loadUser{org: org.ID}
		require.NoError(b, f.b.store.InTx(ctx, func(ctx context.Context) error {
			for i := range perOrg {
				a := members.Account{ID: fmt.Sprintf("7%04d%07d", o, i), OrgID: org.ID, Name: fmt.Sprintf("load-%02d-%03d", o, i),
					Ownership: []members.Ownership{{ProjectID: proj.ID, From: month}},
					CreatedAt: now, UpdatedAt: now, Version: 1}
				if err := f.b.store.CreateAccount(ctx, a); err != nil {
					return err
				}
				u.accounts = append(u.accounts, a.ID)
			}
			return nil
		}))
		all = append(all, u.accounts...)
		if o < users {
			_, tok, err := f.ids.SignIn(ctx, identity.Credentials{Email: email, Password: password}, identity.Client{IP: "127.0.0.1", UserAgent: "load"})
			require.NoError(b, err)
			u.cookie = tok
			out.users = append(out.users, u)
		}
	}
	text, rows := loadCUR(month, now, cur, all)
	_, err := f.bill.Ingest(ctx, billing.Report{Payer: loadPayer, Period: month, Version: "load-" + month.String(), GeneratedAt: now},
		[]billing.Input{textInput{name: "load-cur-" + month.String() + ".csv", text: text}})
	require.NoError(b, err)
	out.rows = rows
	return out
}

// loadPayer is the load's payer account: another than the demo's, so the demo's
// months stay as they are.
const loadPayer = "200000000000"

// loadCUR returns a legacy CUR of month m to date for accounts: each day's EC2
// and S3 usage per account, in the demo's columns (demoCURHeader), and its row count.
func loadCUR(m resellerkit.Month, now time.Time, cur money.Currency, accounts []string) (string, int) {
	days := max(1, now.UTC().Day()-1)
	const stamp = "2006-01-02T15:04:05Z"
	var sb strings.Builder
	w := csv.NewWriter(&sb)
	_ = w.Write(demoCURHeader)
	rows := 0
	tags := []string{"web", "database", "batch", ""}
	for i, acct := range accounts {
		for day := 1; day <= days; day++ {
			start := m.Start().AddDate(0, 0, day-1)
			end := start.AddDate(0, 0, 1)
			for s, svc := range [][4]string{
				{"AmazonEC2", "APN1-BoxUsage:m5.large", "RunInstances", "Amazon Elastic Compute Cloud"},
				{"AmazonS3", "APN1-TimedStorage-ByteHrs", "StandardStorage", "Amazon Simple Storage Service"},
			} {
				qty, rate := money.NewFromInt(int64(8+(i+day)%17)), money.MustParse("0.124")
				tag := tags[i%len(tags)]
				if s == 1 {
					qty, rate, tag = money.NewFromInt(int64(100+i%900)), money.MustParse("0.025"), ""
				}
				cost := qty.Mul(rate)
				_ = w.Write([]string{fmt.Sprintf("load-%s-%s-%02d-%d", m, acct, day, s), start.Format(stamp) + "/" + end.Format(stamp),
					"AWS", loadPayer, m.Start().Format(stamp), m.End().Format(stamp), acct, "Usage", start.Format(stamp), end.Format(stamp),
					svc[0], svc[1], svc[2], qty.String(), string(cur), rate.String(), cost.String(), svc[3] + " usage", svc[3], cost.String(), tag})
				rows++
			}
		}
	}
	w.Flush()
	return sb.String(), rows
}

// benchmarkPages sends b.N GET requests, spread over users (one client each,
// concurrent, on keep-alive connections, with its session cookie), for path(user,
// i), checks that each answer is the page (200, holding want), and reports req/s,
// p50-ms, p99-ms and bytes/resp.
func benchmarkPages(b *testing.B, f *fixture, users []loadUser, path func(loadUser, int) string, want string) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: len(users), MaxConnsPerHost: len(users)}}
	defer client.CloseIdleConnections()
	get := func(u loadUser, i int) (int, error) {
		req, err := http.NewRequest(http.MethodGet, f.srv.URL+path(u, i), nil)
		if err != nil {
			return 0, err
		}
		req.Header.Set("Accept", "text/html")
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: u.cookie})
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		switch {
		case err != nil:
			return 0, err
		case resp.StatusCode != http.StatusOK:
			return 0, fmt.Errorf("%s: status %d", req.URL.Path, resp.StatusCode)
		case !strings.Contains(string(body), want):
			return 0, fmt.Errorf("%s: not the page (%q missing)", req.URL.Path, want)
		}
		return len(body), nil
	}
	size, err := get(users[0], 0) // warm up, and check the answer
	require.NoError(b, err)

	latencies := make([]time.Duration, b.N)
	var next atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	b.ResetTimer()
	began := time.Now()
	for _, u := range users {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(b.N); i = next.Add(1) - 1 {
				t0 := time.Now()
				if _, err := get(u, int(i)); err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				latencies[i] = time.Since(t0)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(began)
	b.StopTimer()
	if firstErr != nil {
		logs := f.logs.String()
		b.Fatalf("%v; the server's log ends with:\n%s", firstErr, logs[max(0, len(logs)-4000):])
	}
	slices.Sort(latencies)
	ms := func(q float64) float64 {
		return float64(latencies[min(len(latencies)-1, int(q*float64(len(latencies))))]) / float64(time.Millisecond)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(ms(0.50), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
	b.ReportMetric(float64(size), "bytes/resp")
	b.ReportMetric(0, "ns/op") // meaningless with concurrent clients: see req/s
}

// loadAverage is /proc/loadavg's first three fields ("?" where there is none).
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
