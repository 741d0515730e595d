package money_test

import (
	"fmt"

	"github.com/seeda33a2f4f/resellerkit/money"
)

func Example() {
	var s money.Sum
	for _, c := range []string{"0.00000080000", "0.0000160599", "1.5E-7", "-0.00000001"} {
		if err := s.AddBytes([]byte(c)); err != nil {
			panic(err)
		}
	}
	total := s.Decimal()
	fmt.Println("sum:", total)

	rate := money.MustParse("151.37")
	fmt.Println("yen:", money.JPY.Round(money.MustParse("12.345").Mul(rate), money.HalfUp))
	fmt.Println("tax:", money.JPY.Round(money.MustParse("35801").Mul(money.MustParse("0.10")), money.Floor))

	parts, _ := money.Allocate(money.MustParse("100"), []money.Decimal{money.NewFromInt(1), money.NewFromInt(1), money.NewFromInt(1)}, 0)
	fmt.Println("parts:", parts)
	// Output:
	// sum: 0.0000169999
	// yen: 1869
	// tax: 3580
	// parts: [34 33 33]
}
