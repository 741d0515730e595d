// Package smtpmail is a contacts.Transport that delivers notices by SMTP
// (C-7): one SMTP transaction per Send, to every To and Cc address of the
// message that the server accepts.
//
// # The message
//
// The package builds the MIME message itself: multipart/alternative with a
// text/plain part and a text/html part (both UTF-8, quoted-printable), or a single
// part when the notice has only one of them. Subject and display names are
// RFC 2047 encoded (B encoding for the Subject, which suits Japanese; an ASCII
// Subject too when it holds "=?", which a mail client would otherwise decode as
// the start of an encoded word, or a run without spaces too long for one line
// of RFC 5322's 998 characters), long header lines are folded, and every header value is refused with an error wrapping
// contacts.ErrPermanent if it holds CR or LF (header injection). Headers written:
//
//	From, To, Cc        Cc only when there is one; Bcc never exists
//	Subject, Date       Date from Config.Now
//	Message-ID          <hex(sha256(key))[:32]@domain of From>: the same on every
//	                    attempt of one notice, so a resent notice is one thread entry
//	                    and mail clients and archives can drop the repeat
//	Idempotency-Key     the notice's idempotency key, verbatim (RFC 2047 encoded if it
//	                    is not ASCII, holds "=?" or is too long for one line), for
//	                    receivers that deduplicate on it
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
// transport authenticates with AUTH PLAIN when the server advertises it, else
// with AUTH LOGIN (Microsoft 365's smtp.office365.com and some other relays offer
// only LOGIN), else fails with an error naming the mechanisms the server offers.
// Either mechanism sends the credentials only over TLS or to localhost; New
// refuses credentials with TLSNone to another host.
//
// The EHLO name is Config.HelloName when set. Otherwise it is this host's name
// (os.Hostname) when that looks like a fully qualified domain name (two labels
// or more, not localhost, *.localdomain or *.local), else the domain of
// Config.From, which is at least a name the sender owns. "localhost" is sent only
// to a server on localhost when neither is a domain name, and to another server
// the address literal of the connection's local address ("[192.0.2.1]"): some
// relays refuse or score down a client that introduces itself as localhost.
//
// Send honours ctx: the connection's deadline is the earlier of ctx's deadline
// and Config.Timeout, and cancelling ctx aborts the exchange at once.
//
// # Errors
//
// A 5xx reply is permanent only when it refuses this message: a recipient (RCPT
// TO) or the message itself (DATA, end of data). A 5xx reply at an earlier step
// is about the configuration or the account (a wrong password, a sender the relay
// does not accept, a client it does not serve): it would come for every message,
// so it is retryable and an operator fixes it while the dispatcher backs off;
// dead-lettering would throw away the whole outbox for one misconfiguration. The
// error names the step ("smtpmail: smtp.example.com:587 AUTH: 535 5.7.8 …"), and
// it becomes the notice's last error.
//
//	5xx to RCPT TO, every recipient               permanent: wraps contacts.ErrPermanent
//	5xx to RCPT TO, some recipients               delivered to the others: Send returns nil,
//	                                              Config.OnRefused gets the refused ones
//	5xx to DATA or end of data                    permanent
//	CR/LF in a header value, unparsable address,
//	a message with no recipient                   permanent
//	5xx to the greeting, EHLO, STARTTLS, AUTH
//	or MAIL FROM                                  retryable (configuration or account)
//	5xx to RCPT TO or DATA that is about the
//	account: 530, 5.7.8, 5.7.57, 5.7.60, 5.2.252,
//	relay denied                                  retryable (configuration or account)
//	no mechanism in common for AUTH               retryable (configuration)
//	4xx reply, network error, TLS failure,
//	no STARTTLS when required, ctx done           retryable (the dispatcher backs off)
//
// Every error wraps the server's reply as a *textproto.Error when there is one.
//
// # Refused recipients
//
// When the server refuses some recipients with 5xx and accepts at least one, the
// message goes to the accepted ones and Send returns nil: the notice is sent, and
// a retry could never reach the refused addresses anyway. Those addresses would
// be invisible in the outbox, so Send passes them to Config.OnRefused, with the
// message and an error holding every refusal (it wraps contacts.ErrPermanent and
// each *textproto.Error), for the program to log or alert on; without OnRefused
// they are ignored. Only when every recipient is refused does Send fail, with a
// permanent error.
//
// A 4xx reply to any RCPT TO is different: it says "not now", and a retry may
// succeed. Delivering to the accepted recipients now and retrying the message
// later would send it to them twice (Transport.Send has no way to retry only some
// recipients), so the transaction is aborted with RSET: nobody receives it, Send
// returns a retryable error, and the next attempt goes to everyone.
//
// # Why net/smtp
//
// The client is the standard library's net/smtp. It is frozen but complete for
// what a notifier does (EHLO, STARTTLS, AUTH PLAIN, MAIL/RCPT/DATA; AUTH LOGIN is
// a small smtp.Auth of this package), it runs on a connection this package
// dials, so ctx and deadlines are simple, and its replies are *textproto.Error
// values whose Code, with the step that drew it, decides permanent or retryable.
// github.com/emersion/go-smtp's client would add a dependency for no feature used
// here; the tests use go-smtp's server as the in-process SMTP server.
package smtpmail
