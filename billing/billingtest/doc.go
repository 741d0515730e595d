// Package billingtest is the conformance suite of the billing.Store contract: the
// billing lifecycle's cost data (B-13, B-14), issued documents (B-12) and charge
// alarms (B-15).
//
// Every Store implementation calls TestStore from its own tests, with a function
// that returns a fresh, empty store on every call (it may be called from several
// goroutines at once):
//
//	func TestStore(t *testing.T) {
//		billingtest.TestStore(t, func(t *testing.T) billing.Store { return memstore.New() })
//	}
//
// A SQL store opens a new database (or a new schema) per call, and registers its
// cleanup with t.Cleanup.
//
// # Layout
//
// Like contacts/contactstest and identity/identitytest, TestStore is a table of
// named cases built with package storetest, each a small function run as a parallel
// subtest on a fresh store. A case's name is "<Area>/<WhatItProves>", with the
// DOMAIN.md rule id appended when it proves one, so `go test -run
// 'TestStore/CostData/'` runs one area:
//
//   - CostData/…: one stored version per payer and month (B-14). A version
//     generated after the stored one replaces it whole, groups and all; the stored
//     version again is Unchanged and writes nothing; a superseded version (even
//     with a later time) or one generated at or before the stored one is
//     ErrStaleReport and changes nothing; ReportHistory lists the stored versions
//     oldest first; payers and months are independent; decimals round-trip
//     exactly; CostGroups restores each group's Class with billing.ClassifyKey; a
//     version put in a transaction that fails leaves the previous one intact;
//     concurrent versions end with the latest. A version's Sketch comes back from
//     CostReports as put (the same samples of row identities and contents: Overlap
//     shares every sampled row, Len is equal), a nil one as nil, and a newer
//     version's replaces the older one's; ReportHistory may leave sketches out
//     (the suite compares histories without them) but never returns another
//     version's.
//   - Documents/…: numbers 1, 2, 3… per (Series, Year), formatted
//     Series-YYYY-NNNNNN, gap-free under 50 concurrent issues and across failed
//     (also nested) transactions (B-12); a key issued again returns the first
//     document and uses no number; an id under another key is ErrAlreadyExists;
//     GetDocument is scoped to an organization ("" reads any) and another's
//     documents are never seen (M-7); DocumentByKey; ListDocuments' filters and
//     issue order; every field round-trips; no copy in or out can change an
//     issued document.
//   - Alarms/…, Firings/…: create at Version 1, optimistic updates (ErrConflict
//     when stale, one winner of concurrent writers), delete with its firings, list
//     order, organization scoping (M-7), the Service's three-alarms check in a
//     transaction without write skew (B-15); at most one firing per alarm and
//     month, also under 20 concurrent callers; firings newest month first.
//   - Tx/…, Atomic/…: transactions that travel in the context (commit, reads that
//     see the transaction's writes, rollback of every kind of write, a nested
//     failure, a cancelled context); calls that fail, alone or inside a
//     transaction that then commits, change nothing.
//   - Paging/ListDocuments/…: storetest's keyset-paging checks (every row once in
//     order, page sizes, tokens no list made, no row twice while documents are
//     issued between pages, only the organization's rows, foreign tokens, the
//     maximum limit).
//
// Concurrency cases release goroutines together and judge only outcomes; no
// verdict depends on timing or sleeps.
//
// The suite is strict about values (every field must round-trip, errors must wrap
// the exact sentinel and no other) and lenient where the contract is: a nil and an
// empty slice are equal, and decimals are compared by value, in one canonical
// form, so a store may drop trailing zeros (1.50 may come back as 1.5) but no
// other digit.
//
// # Choices where billing.Store's contract is silent
//
// The suite pins these, so that every store answers alike:
//
//   - Cost data. CostReports, CostGroups and ReportHistory of a payer or month
//     with no data return an empty list, not an error. Only stored versions are
//     in the history and can be superseded: a version refused as stale is not
//     recorded, and may be stored later with a later time. The stored version's
//     id again is Unchanged whatever else d carries (its time, its groups).
//     "Generated after" is decided on times at microsecond precision (the same
//     instant in another zone is not after). The Class a group is put with is
//     ignored: CostGroups returns billing.ClassifyKey's.
//   - Documents. The store assigns Seq and Number and ignores those d carries; it
//     takes Series and Year as given. Number is Series, the year in four digits
//     and Seq in at least six ("T1234567890123-2026-000001"). The key is looked up
//     first and across every organization (as DocumentByKey is): a key issued
//     returns its document and false, whatever d's id and organization; only then
//     is an id used under another key ErrAlreadyExists (ids are unique across
//     organizations). With an error, IssueDocument returns the zero Document and
//     false. ListDocuments orders Series by the byte order of its text (a SQL
//     store needs a binary collation), then Year and Seq as numbers; a zero filter
//     field selects every value, OrgID "" every organization. The suite's
//     documents have every amount in the document's Currency.
//   - Alarms. CreateAlarm stores Version 1 whatever a.Version is; alarm ids are
//     unique across organizations. GetAlarm, UpdateAlarm and DeleteAlarm match by
//     organization and id, with no "every organization" for orgID "";
//     UpdateAlarm of another organization's alarm is ErrNotFound (before any
//     version check), and it never changes AccountID, CreatedAt or OrgID.
//     ListAlarms' orgID and accountID filter independently ("" selects every
//     one), so ListAlarms("", account) is the account's alarms in every
//     organization; ids order by byte. The store does not count alarms:
//     ErrLimit (B-15's three per account) is the Service's to return, checking
//     inside InTx, which the suite requires to be serializable. RecordFiring
//     matches the alarm by f.OrgID and f.AlarmID (another organization's is
//     ErrNotFound); a second firing of a month returns false and keeps the first.
//     ListFirings of an alarm that does not exist, or of another organization,
//     returns an empty list, not an error. Deleting an alarm deletes its firings,
//     so an alarm created again with its id has none.
//   - Concurrency. Concurrent IssueDocument, RecordFiring and PutCostData calls
//     (outside transactions) must all succeed or fail only as the contract says
//     (ErrStaleReport for a stale version): a store retries its own transactions
//     rather than return ErrConflict there. Transactions a test writes itself
//     (the alarm limit's) may end in ErrConflict.
//
// The fixture builders the suite uses (CostData, Report, Group, Document, Alarm,
// Firing) are exported for stores' own extra tests.
package billingtest
