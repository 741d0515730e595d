package reports_test

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
	"github.com/seeda33a2f4f/resellerkit/billing/costfile"
	"github.com/seeda33a2f4f/resellerkit/billing/reports"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// The monthly ingestion on a copy of a report bucket: the legacy CUR under cur/
// has two assembly folders for November 2023; the period folder's manifest names
// the current one, whose two parts are streamed into billing.Run.
func Example() {
	ctx := context.Background()
	period := resellerkit.NewMonth(2023, time.November)
	src := reports.NewDir("testdata/bucket", reports.Config{Prefix: "cur"})
	versions, err := src.Versions(ctx, period)
	if err != nil {
		fmt.Println(err)
		return
	}
	rate := money.MustParse("150")
	cfg := &billing.Config{
		Issuer:   billing.Issuer{Name: "Example Reseller K.K.", RegistrationNumber: "T1234567890123"},
		Projects: []billing.Project{{ID: "sunbird", Currency: money.JPY, ExchangeRate: &rate, Accounts: []string{"123412340534"}}},
	}
	for _, v := range versions {
		fmt.Println(v.Payer, v.Period, v.Format, v.Version)
		for _, f := range v.Files {
			rel, _ := filepath.Rel("testdata/bucket", f.Name)
			fmt.Println(" ", filepath.ToSlash(rel))
		}
		res, err := billing.Run(ctx, billing.Job{Period: period, Issuer: cfg.Issuer, Projects: cfg, Inputs: v.Inputs(costfile.Options{})})
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, in := range res.Inputs {
			fmt.Println(" ", in.Format, in.Compression, in.Rows, "rows")
		}
	}
	// Output:
	// 123412340534 2023-11 cur-legacy a1b2c3d4-0000-4000-8000-000000000002
	//   cur/example-cur/20231101-20231201/a1b2c3d4-0000-4000-8000-000000000002/example-cur-1.csv.gz
	//   cur/example-cur/20231101-20231201/a1b2c3d4-0000-4000-8000-000000000002/example-cur-2.csv.gz
	//   cur-legacy gzip 20 rows
	//   cur-legacy gzip 20 rows
}
