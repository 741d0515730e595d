package identity_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/identity/memstore"
)

// BenchmarkSignIn measures a full password sign-in on memstore with
// DefaultArgon2Params (the argon2id cost dominates: the store is in memory), for a
// known email with the right password and for an unknown email, which verifies a
// dummy hash so that it costs the same (I-4: no enumeration by timing). It reports
// ms/op and the parameters; BENCHMARKS.md records the result.
func BenchmarkSignIn(b *testing.B) {
	p := identity.DefaultArgon2Params()
	for _, bc := range []struct {
		name  string
		email string
	}{
		{"password", "alice@example.com"},
		{"unknown_email", "nobody@example.com"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ctx := context.Background()
			now := time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)
			h, err := identity.NewHasher(p)
			if err != nil {
				b.Fatal(err)
			}
			svc, err := identity.NewService(memstore.New(), identity.WithHasher(h),
				identity.WithClock(func() time.Time { return now }))
			if err != nil {
				b.Fatal(err)
			}
			if _, _, err := svc.Register(ctx, identity.NewIdentity{Email: "alice@example.com", Password: goodPassword}); err != nil {
				b.Fatal(err)
			}
			creds := identity.Credentials{Email: bc.email, Password: goodPassword}
			client := identity.Client{IP: "192.0.2.10", UserAgent: "bench"}
			known := bc.email == "alice@example.com"
			for b.Loop() {
				_, _, err := svc.SignIn(ctx, creds, client)
				switch {
				case known && err != nil:
					b.Fatal(err)
				case !known && !errors.Is(err, identity.ErrUnauthenticated):
					b.Fatal(err)
				case !known:
					// Let the failure leave the window, so the limit never trips.
					now = now.Add(svc.Policy().FailureWindow)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1e3/float64(b.N), "ms/op")
			b.ReportMetric(float64(p.Memory), "argon2_KiB")
			b.ReportMetric(float64(p.Time), "argon2_t")
			b.ReportMetric(float64(p.Threads), "argon2_p")
		})
	}
}
