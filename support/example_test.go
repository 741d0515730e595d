package support_test

import (
	"fmt"
	"time"

	"github.com/seeda33a2f4f/resellerkit/support"
	"github.com/seeda33a2f4f/resellerkit/support/hours"
)

// ExamplePolicy_Evaluate: an urgent account and billing case opened on a Friday at
// 16:30 in Tokyo is due for its first reply on Monday at 10:30 (two business
// hours: 16:30–17:00, then 09:00–10:30), and at risk once 75 % is used.
func ExamplePolicy_Evaluate() {
	jst := hours.Tokyo()
	p := support.DefaultPolicy()
	c := support.Case{ID: "c1", Category: support.AccountBilling, Severity: support.Urgent, State: support.Open,
		CreatedAt: time.Date(2025, 11, 14, 16, 30, 0, 0, jst)}
	sla, _ := p.Evaluate(&c, time.Date(2025, 11, 17, 10, 0, 0, 0, jst))
	fmt.Println(sla.FirstResponse.Due.In(jst).Format("Mon 2006-01-02 15:04"), sla.FirstResponse.Elapsed, sla.FirstResponse.State)
	// Output: Mon 2025-11-17 10:30 1h30m0s at_risk
}

// ExampleCanMove shows P-3's state machine.
func ExampleCanMove() {
	fmt.Println(support.CanMove(support.Open, support.InProgress), support.CanMove(support.Closed, support.InProgress))
	// Output: true false
}
