// Package identity holds the people who sign in to a reseller's portal: identities
// keyed by an email that never changes, passwords, multi-factor authentication,
// sessions and API keys (DOMAIN.md §6, I-1 … I-5).
package identity
