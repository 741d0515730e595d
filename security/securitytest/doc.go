// Package securitytest is the conformance suite of the security.Store contract:
// an account's settings and their changes (S-2), maintenance runs and their items
// (S-3), the initial controls set once (S-1), and security alerts (S-4).
//
// Every Store implementation calls TestStore from its own tests, with a function
// that returns a fresh, empty store on every call (it may be called from several
// goroutines at once):
//
//	func TestStore(t *testing.T) {
//		securitytest.TestStore(t, func(t *testing.T) security.Store { return memstore.New() })
//	}
//
// A SQL store opens a new database (or a new schema) per call, and registers its
// cleanup with t.Cleanup.
//
// # Layout
//
// Like billing/billingtest and contacts/contactstest, TestStore is a table of
// named cases built with package storetest, each a small function run as a
// parallel subtest on a fresh store. A case's name is "<Area>/<WhatItProves>",
// with the DOMAIN.md rule id appended when it proves one, so `go test -run
// 'TestStore/Items/'` runs one area:
//
//   - Settings/…: GetSettings of settings never saved is ErrNotFound; PutSettings
//     with Version 0 creates at Version 1, with the stored version replaces the
//     settings whole and bumps it, with any other is ErrConflict (also under
//     concurrent writers: one wins) and records nothing; the change is recorded
//     in the same write, whole; Choices are copied in and out; ListChanges is
//     newest first; settings and changes are an organization's (M-7).
//   - Runs/…, Items/…: runs round-trip (Owner and LeaseUntil too) and their ids
//     are unique (ErrAlreadyExists); UnfinishedRun is the latest running run
//     (ErrNotFound when none); ClaimRun extends the holder's lease, refuses
//     another owner before the lease expires and a finished run (false, nothing
//     written), takes an expired lease over (also when 20 owners claim at once:
//     one wins) and is ErrNotFound for an unknown run; FinishRun stores the end,
//     state and totals only; an item put again for the same run, account,
//     control and region replaces the first, an item of an unknown run is
//     ErrNotFound; ListItems' order and filters;
//     LastItems is the account's items in the latest run that reached it, with
//     that run, and never another organization's (M-7).
//   - Initialized/…: an initial control is marked per account, control and
//     region; marking again, also concurrently, is no error.
//   - Alerts/…: every field round-trips; PutAlert stores an id once (true), also
//     when 20 callers put it at once, and answers false for an id it holds;
//     ListAlerts is newest first and filters by organization and account (M-7).
//   - Tx/…, Atomic/…: transactions that travel in the context (commit, reads that
//     see the transaction's writes, rollback of every kind of write, a nested
//     failure, a cancelled context); calls that fail, alone or inside a
//     transaction that then commits, change nothing.
//   - Paging/ListAlerts/…, Paging/ListChanges/…: keyset pages (every row once in
//     order, page sizes, tokens no list made wrapping resellerkit.ErrPageToken, no
//     row twice while rows are added between pages, only the organization's rows,
//     tokens that cross organizations, the maximum limit). ListAlerts runs
//     storetest's checks with alerts whose ReceivedAt orders their keys.
//
// Concurrency cases release goroutines together and judge only outcomes; no
// verdict depends on timing or sleeps. The suite is strict about values (every
// field must round-trip, errors must wrap the exact sentinel and no other) and
// lenient where the contract is: a nil and an empty Regions or Types are equal.
//
// # Choices where security.Store's contract is silent
//
// The suite pins these, so that every store answers alike:
//
//   - Settings are keyed by organization and account: the same account id under
//     another organization has settings and changes of its own, and neither sees
//     the other's (M-7). The store does not validate settings (the Service does).
//     Choices come back as a map, empty and never nil when there is no choice
//     (in Change.Before and Change.After too), so a caller may set into it.
//   - PutSettings' version check is one rule: s.Version must be the stored
//     version, 0 when none is stored; anything else (0 when settings exist, 1 when
//     none do, a negative or future version) is ErrConflict. The stored Version is
//     s.Version+1; every other field is stored as given. The change is recorded
//     as given (the store does not set After.Version), under s's organization and
//     account: a change with OrgID and AccountID "" gets s's, one naming another
//     organization or account is ErrInvalid and nothing is written.
//   - ListChanges is newest first in the order the changes were recorded (each
//     put's new Version), not by Change.At, which is the caller's clock. Its
//     orgID and accountID are matched exactly.
//   - Runs are the fleet's, not an organization's: GetRun, UnfinishedRun and
//     FinishRun take no organization. CreateRun stores the run as given (State
//     and totals too). "Latest" (UnfinishedRun, LastItems) is the greatest
//     StartedAt, then the greatest id in byte order. FinishRun stores
//     FinishedAt, State and the four totals and nothing else; finishing again
//     stores the latest values.
//   - Items are keyed by run, account, control and region (OrgID is data: an
//     account has one organization). ListItems orders account, control and
//     region by the byte order of their text; orgID and accountID filter
//     independently ("" selects every one), so ListItems(run, "", account) is the
//     account's items in every organization. ListItems of a run that does not
//     exist is an empty list, not an error. LastItems counts running runs too
//     (a run in progress that reached the account is its last observation).
//   - MarkInitialized keeps the first mark; Initialized of a control never marked
//     is false, not an error. Neither takes an organization: the fact is the AWS
//     account's.
//   - Alert ids are unique across organizations: PutAlert of an id held by another
//     organization's alert is false and writes nothing. ListAlerts matches orgID
//     exactly ("" lists the alerts of no organization, never every
//     organization's); accountID "" selects every account of it. Of alerts
//     received at one instant, the greater id (byte order) comes first.
//   - Concurrent PutSettings, PutAlert and MarkInitialized calls (outside
//     transactions) must succeed or fail only as the contract says: a store
//     retries its own transactions rather than return ErrConflict for a lost
//     race.
//
// The fixture builders the suite uses (Settings, Change, Run, Finished, Item,
// Alert) are exported for stores' own extra tests.
//
// # A fake fleet
//
// Fleet is an in-memory AWS fleet for tests and demos: one fake security.Check
// per control of the catalogue, keeping each account × control × region's state,
// counting observations and repairs, and failing as told (an unreachable
// account, a region not enabled, an error per item), so a program's maintenance
// runs are tested without AWS.
package securitytest
