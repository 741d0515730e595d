package main

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// BenchmarkAccountsFirstPage measures what issue 11 asked for: the first page of
// GET /v1/orgs/{org}/accounts in an organization of 5,000 accounts, over real HTTP
// (httptest.Server on 127.0.0.1), with 20 clients sending requests back to back.
// It reports throughput (req/s), the median and 99th percentile latency (p50-ms,
// p99-ms) and the answer's size (bytes/resp). Sub-benchmarks: the default page
// (100 items) and the largest (limit=1000), on an SQLite file and, when
// RESELLERKIT_TEST_POSTGRES_DSN is set, PostgreSQL.
//
//	go test -run '^$' -bench AccountsFirstPage -benchtime 20000x ./examples/portal
//
// It only reports; no test depends on timing.
func BenchmarkAccountsFirstPage(b *testing.B) {
	const accounts, clients = 5000, 20
	for _, kind := range []string{"sqlite", "postgresql"} {
		b.Run(kind, func(b *testing.B) {
			f := newFixture(b, kind)
			seedAccounts(b, f.b.store, f.orgID, f.project().ID, accounts-len(demoAccounts))
			for _, query := range []string{"", "?limit=1000"} {
				b.Run("page"+query, func(b *testing.B) {
					benchmarkGET(b, f, "/v1/orgs/"+f.orgID+"/accounts"+query, f.token(demoGeneral), clients)
				})
			}
		})
	}
}

// benchmarkGET sends b.N GET requests for path from clients concurrent clients,
// each on its own keep-alive connection, and reports req/s, p50-ms, p99-ms and
// bytes/resp.
func benchmarkGET(b *testing.B, f *fixture, path, token string, clients int) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}}
	defer client.CloseIdleConnections()
	get := func() (int, error) {
		req, err := http.NewRequest(http.MethodGet, f.srv.URL+path, nil)
		if err != nil {
			return 0, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		n, err := io.Copy(io.Discard, resp.Body)
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		return int(n), err
	}
	size, err := get() // warm up, and check the answer
	require.NoError(b, err)

	latencies := make([]time.Duration, b.N)
	var next atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range clients {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(b.N); i = next.Add(1) - 1 {
				t0 := time.Now()
				if _, err := get(); err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				latencies[i] = time.Since(t0)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	require.NoError(b, firstErr)
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
