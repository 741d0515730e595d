package security_test

import (
	"fmt"

	"github.com/seeda33a2f4f/resellerkit/security"
)

// ExampleEstimateCost prices a secure account kept in two regions, with GuardDuty
// turned off (S-2).
func ExampleEstimateCost() {
	s := security.DefaultSettings("org", "123456789012")
	s.Profile = security.Secure
	s.Choices[security.GuardDuty] = false
	e := security.EstimateCost(s, 2)
	fmt.Printf("$%s–$%s a month in %d regions\n", e.Min, e.Max, e.Regions)
	for _, c := range e.Controls {
		if !c.Max.IsZero() {
			fmt.Println(c.Control, c.Min, c.Max)
		}
	}
	// Output:
	// $6–$21 a month in 2 regions
	// cloudtrail-multi-region 0 1
	// config-recording 4 10
	// securityhub-fsbp 2 10
}

// ExampleCatalog lists the managed controls, which no customer can turn off.
func ExampleCatalog() {
	for _, c := range security.Catalog() {
		if c.Class == security.Managed {
			fmt.Println(c.ID, c.SecurityHub)
		}
	}
	// Output:
	// cloudtrail-multi-region [CloudTrail.1 CloudTrail.4]
	// iam-access-analyzer [IAM.28]
	// support-escalation-role []
	// security-alternate-contact [Account.1]
	// root-mfa-no-access-keys [IAM.9 IAM.4]
}
