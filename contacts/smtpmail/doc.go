// Package smtpmail is a contacts.Transport that delivers notices by SMTP
// (C-7): one SMTP transaction per Send, to every To and Cc address of the
// message, all or nothing.
//
// # The message
//
// The package builds the MIME message itself: multipart/alternative with a
// text/plain part and a text/html part (both UTF-8, quoted-printable), or a single
// part when the notice has only one of them. Subject and display names are
// RFC 2047 encoded (B encoding for the Subject, which suits Japanese), long header
// lines are folded, and every header value is refused with an error wrapping
// contacts.ErrPermanent if it holds CR or LF (header injection). Headers written:
//
//	From, To, Cc        Cc only when there is one; Bcc never exists
//	Subject, Date       Date from Config.Now
//	Message-ID          <hex(sha256(key))[:32]@domain of From>: the same on every
//	                    attempt of one notice, so a resent notice is one thread entry
//	                    and mail clients and archives can drop the repeat
//	Idempotency-Key     the notice's idempotency key, verbatim (RFC 2047 encoded if it
//	                    is not ASCII), for receivers that deduplicate on it
//	Auto-Submitted      auto-generated (RFC 3834): vacation responders stay quiet
//	MIME-Version, Content-Type, Content-Transfer-Encoding
//
// A message without an idempotency key (a test mail sent directly rather than
// through the outbox) gets a random Message-ID and no Idempotency-Key header.
//
// # The connection
//
// Config.TLS chooses how the connection is protected: TLSStartTLS (the zero value:
// STARTTLS is required, and a server that does not offer it is refused),
// TLSOpportunistic (STARTTLS when offered, plain otherwise), TLSImplicit (SMTPS,
// usually port 465) or TLSNone (for tests and local relays). With a Username the
// transport authenticates with AUTH PLAIN, which net/smtp sends only over TLS or
// to localhost; New refuses credentials with TLSNone to another host.
//
// Send honours ctx: the connection's deadline is the earlier of ctx's deadline
// and Config.Timeout, and cancelling ctx aborts the exchange at once.
//
// # Errors
//
//	5xx reply (*textproto.Error, Code >= 500)        permanent: wraps contacts.ErrPermanent
//	CR/LF in a header value, unparsable address,
//	a message with no recipient                      permanent
//	4xx reply, network error, TLS failure,
//	no STARTTLS when required, ctx done              retryable (the dispatcher backs off)
//
// A refused recipient aborts the whole transaction (RSET): nobody receives a
// message that Send reports as failed, so a retry never duplicates it for the
// recipients that were accepted.
//
// # Why net/smtp
//
// The client is the standard library's net/smtp. It is frozen but complete for
// what a notifier does (EHLO, STARTTLS, AUTH PLAIN, MAIL/RCPT/DATA), it runs on a
// connection this package dials, so ctx and deadlines are simple, and its replies
// are *textproto.Error values whose Code decides permanent or retryable.
// github.com/emersion/go-smtp's client would add a dependency for no feature used
// here; the tests use go-smtp's server as the in-process SMTP server.
package smtpmail
