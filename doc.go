// Package resellerkit is a Go SDK for companies that resell AWS: the partners who own
// the AWS payer accounts, bill their customers in yen, support them and keep their
// accounts secure (in Japan, 請求代行 "billing agency" services and their "Members"
// portals).
//
// This root package holds the vocabulary every package shares: Month (a UTC calendar
// month: billing periods, account ownership), Page with Paginate and NextToken
// (keyset paging, the contract of every list) and ValidationError (bad input: field,
// bounded value, rule id, reason, wrapping the rejecting package's ErrInvalid). It
// imports nothing of the module. Each top-level package owns one concern as pure
// domain logic, with small interfaces for storage and AWS that it declares itself:
//
//   - members: organizations (the tenants), projects (the unit of invoicing), AWS
//     accounts and their ownership history, memberships and permissions, invitations,
//     bulk edit and applications (DOMAIN.md §1, rules M-1..M-11).
//   - billing: reading AWS cost data (legacy CUR, CUR 2.0, FOCUS; in billing/costfile),
//     classification, pricing rules, the reseller support fee, currency conversion,
//     consumption tax and invoice amounts (§2, B-1..B-16).
//   - money: the exact decimal type every amount is held in, currencies and explicit
//     rounding; no binary floating point ever holds money.
//   - sqldb: the public SQL layer: one SQLite or PostgreSQL database for every
//     package's store, each package's own migrations, and transactions that travel
//     in the context so a change spanning packages commits as one.
//   - memdb: the same for the in-memory stores (each domain's memstore, and any
//     fake a user builds): tables under one lock, transactions in the context.
//   - strictjson: strict JSON decoding for configurations and request bodies:
//     exact field names, no key twice, the right JSON types, each typed value's own
//     checks, valid UTF-8; every problem with its JSON path, line, column and rule id.
//   - contacts, security, support, identity: notification recipients and notices, the
//     security baseline, support cases, and people, passwords and sessions (§3–§7;
//     arriving in later releases).
//   - examples: runnable programs wiring the packages through their public API only:
//     examples/portal (an HTTP JSON API over members on SQLite or PostgreSQL) and
//     examples/invoicing (a command that turns cost files into exact invoices).
//
// Every storage interface has an in-memory implementation (package memstore under its
// domain) for users' own tests, an SQL implementation for SQLite (the embedded default,
// pure Go) and PostgreSQL (package sqlstore), and one conformance suite (package
// <domain>test) that every implementation passes.
//
// Dependencies point one way: examples → adapters (memstore, sqlstore, costfile,
// membersource) → domain → sqldb, money, strictjson, this package, internal. Rule ids such as M-5 or B-11 refer to DOMAIN.md, the specification; tests
// are named after them.
package resellerkit
