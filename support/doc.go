// Package support is the reseller's support desk (DOMAIN.md §5, P-1 … P-6):
// cases about an AWS account of an organization, their conversation and state
// machine, service-level clocks on business hours with Japanese holidays,
// escalation to AWS Support through a role in the customer's account, and
// retention.
package support
