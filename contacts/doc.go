// Package contacts keeps who hears about an AWS account and delivers what they
// hear (DOMAIN.md §3, C-1 … C-7; with M-2 and M-10 of members).
//
// # Contacts (C-1 … C-3)
//
// Each AWS account has recipients in three categories, Billing (料金), Technical
// (技術) and Security (セキュリティ), each a TO list of 1..6 addresses and a CC list
// of 0..6, validated (syntax, at most 254 bytes, no address twice in one
// category, compared case-insensitively) and stored lower-cased (NormalizeList);
// a notification language (C-2: Japanese by default, English, and any language an
// extra template set adds); and 1..3 emergency phones in the order they are
// called (C-3), accepted in Japanese national forms ("03-1234-5678",
// "090-1234-5678", full-width digits) or international ones and stored as E.164
// ("+81312345678"); they are used for security incidents only. Invoice recipients
// belong to the project (members.Project.InvoiceTo/CC, M-2): the caller passes them
// when it notifies an invoice.
//
// Contacts keeps no permissions of its own: members decides (Accounts, which
// members.Service implements). Reading an account's contacts needs account.view,
// changing them contacts.edit (M-5), and an account of another organization is
// not found (M-7). A bulk edit (M-10) overwrites the fields it sets on every listed
// account through members.Service.EditAccounts: one transaction, authorized per
// account inside it, all or nothing. An account never configured gets contacts
// only complete: a bulk edit setting only the language of such an account fails,
// naming it.
//
// # Notices (C-4, C-5)
//
// Service.Notify routes a notice by its Kind (Route: charge alarms to the billing
// recipients, maintenance and technical notices to the technical ones, security
// alerts and incidents to the security ones, incidents with the emergency phones;
// invoices, support replies, invitations and password resets to the addresses the
// caller gives), renders it in the account's language from embedded templates
// (Renderer: text/template for the text part, html/template for the HTML part;
// extra template sets add languages or replace the wording), and writes it to the
// outbox. The test mail of C-4 goes to a proposed list before it is saved.
//
// # Delivery that loses nothing (C-7)
//
// Notify writes in the transaction its context carries, so a notice exists exactly
// when the change causing it commits: on one database (sqldb, or memdb in memory)
// a members invitation and its mail are one transaction. Every notice has an
// idempotency key from its cause ("invitation:" + id): notifying twice is one
// notice. A Dispatcher (in the portal's process, or alone in examples/notifier)
// claims due notices with a lease, sends them through a Transport (smtpmail,
// awsses, webhook, or a log), and records the outcome; a failure is retried after
// an exponential backoff with jitter, up to a number of attempts, then the notice
// is dead, with its attempts and last error visible (ListNotices). A dispatcher
// that dies between sending and recording sends again once its lease expires,
// with the same key, which every transport carries (a Message-ID and an
// Idempotency-Key header, a webhook-id, an SES tag), so receivers can drop the
// repeat. A key is unique in its organization, so what transports carry is the
// key within it ("<organization id>/<key>", Message.IdempotencyKey): two
// organizations' notices of one key are never taken for a repeat. Two
// dispatchers never hold one notice at the same time.
//
// An attempt is a send that started, counted (Store.StartNotice) just before the
// transport is called, not when the notice is claimed: a claimed notice that
// never reached the transport, because the dispatcher was stopped or died before
// its turn, or its turn came too late in the lease (RoundReport.Expired), loses
// no attempt, however often that happens under overload, and its first real
// failure is attempt 1. A send that started counts even when its outcome is never
// recorded (the dispatcher died or lost its lease during it): a notice whose
// every send kills its sender is dead, with "no outcome recorded" as its last
// error, once those sends reach the limit, instead of being sent forever.
//
// # Choices where DOMAIN.md is silent
//
//   - A notice is rendered when it is written, not when it is sent: what was sent
//     is what the outbox shows, and a template change never alters a queued mail.
//   - Notify refuses a notice that would go nowhere (an account without
//     recipients) instead of dropping it.
//   - Listing notices needs contacts.edit: they carry addresses and contents.
//   - AWS alternate contacts (C-6, awsaccount) take the first TO of each
//     category; the security one gets the first emergency phone, as AWS calls it
//     about incidents, the others a desk phone the reseller configures.
//
// # Storage
//
// Store holds contacts and the outbox; memstore (the fake for tests) and sqlstore
// (SQLite and PostgreSQL through sqldb) implement it and pass
// contactstest.TestStore.
package contacts
