// Package billingtest is the conformance suite of the billing.Store contract.
package billingtest
