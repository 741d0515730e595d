package curgen_test

import (
	"fmt"
	"io"

	"github.com/seeda33a2f4f/resellerkit/internal/curgen"
)

// Example generates a small legacy CUR file and sums the exact cost per line item
// type as the generator reports it, in units of 1e-10 USD.
func Example() {
	totals := map[string]int64{}
	rows, err := curgen.Write(io.Discard, curgen.Config{
		Rows: 1000, Seed: 42,
		Observe: func(r *curgen.Row) { totals[r.LineItemType] += r.Cost },
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("rows:", rows)
	fmt.Println("columns:", len(curgen.Header()))
	negated := totals["SavingsPlanCoveredUsage"] + totals["SavingsPlanNegation"]
	fmt.Println("covered usage + negation:", negated)
	fmt.Println("first account:", curgen.AccountIDs(1)[0])
	// Output:
	// rows: 1000
	// columns: 121
	// covered usage + negation: 0
	// first account: 654602269276
}
