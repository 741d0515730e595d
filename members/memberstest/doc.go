// Package memberstest is the conformance suite of the members.Store contract.
//
// Every Store implementation calls TestStore and TestService from its own tests:
//
//	func TestStore(t *testing.T) {
//		memberstest.TestStore(t, func(t *testing.T) members.Store { return memstore.New() })
//	}
//
// # Layout
//
// Like testing/slogtest and OpenFGA's storage suites, TestStore is a table of
// named cases, each a small function run as a parallel subtest on a fresh store.
// A case's name starts with the DOMAIN.md rule it proves, or with "Store/" for
// behaviour the contract alone promises:
//
//   - M-1…M-11: organizations' unique, immutable codes (M-1), every field of
//     projects (M-2), account ownership history by month, owners that are
//     projects of the account's organization and account ids unique across
//     organizations (M-3), memberships per organization (M-4), organization
//     scoping of every read, write and page token (M-7), one pending invitation
//     per address and the expiring list (M-8), removal that keeps the other
//     organizations (M-9), applications and closed accounts (M-11).
//   - Store/…: for every record type, version 1 on create, ErrNotFound,
//     ErrAlreadyExists for a taken key, ErrConflict for a stale version, values
//     copied in and out, times in UTC at microsecond precision.
//   - Store/InTx…, Store/NestedInTx…, Store/FailedCallInTx…: transactions that
//     travel in the context. Reads made with the transaction's context see its
//     uncommitted writes; a failing fn keeps nothing and its error comes back
//     unchanged; a nested InTx joins the outer one and, when its fn fails, undoes
//     only its own writes; a call that fails inside a transaction changes nothing
//     even when the caller goes on and commits.
//   - Store/<List>/…: keyset paging of each of the nine lists: byte order of the
//     key, the page size asked for (the default for 0 or less, never more than
//     resellerkit.MaxPageLimit), "" after the last page, malformed tokens wrapping
//     resellerkit.ErrPageToken, no row twice while rows are added and removed
//     between pages; and M-7/<List>/…: a token from one organization's list used
//     on another's lists only the other's rows.
//   - Concurrency: two writers of one version, one wins (Store/Concurrent…);
//     read-modify-write transactions lose no committed update (Store/NoLostUpdate);
//     concurrent creators of one pending invitation, one wins (M-8); two
//     transactions that each check "two power users" and demote a different one
//     never both commit (M-9, write skew).
//
// The concurrency cases pass on a store that runs transactions one at a time and on
// one that runs them at once; no verdict depends on timing. Where transactions must
// all read before any writes, they meet at a barrier that stops waiting, for good,
// when the store holds the others back.
//
// TestService runs the Service-level concurrency checks on a store: concurrent
// demotions keep a power user (M-9), concurrent invitations of one address yield one
// invitation and ErrAlreadyExists for the others (M-8), concurrent updates of one
// project version yield one winner and ErrConflict (M-2).
//
// The suite is strict about values (every field must round-trip) and lenient where
// the contract is: a nil and an empty slice are equal. The record builders it uses
// (Org, Project, Account, Member, PowerMember, Invitation, Application) are exported
// for a store's own extra tests.
package memberstest
