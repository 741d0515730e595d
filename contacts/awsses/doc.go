// Package awsses is a contacts.Transport that delivers notices through Amazon
// SES v2 (SendEmail with simple content), for C-7.
//
// New takes the *sesv2.Client a program builds from its AWS configuration. The
// adapter calls one operation, SendEmail, through an unexported interface, so the
// tests substitute a fake that returns the SDK's own error types.
//
// # The message
//
// Subject, text and HTML go as simple content with the UTF-8 charset (SES encodes
// them). To and Cc are the destination; there is never a Bcc. Config.From is the
// sender, a display name RFC 2047 encoded when it is not ASCII, and
// Config.ConfigurationSetName, when set, selects the configuration set (event
// publishing, dedicated IPs).
//
// The idempotency key reaches the receiver twice:
//
//   - as the header "Idempotency-Key" (types.Message.Headers), verbatim when it is
//     printable ASCII of at most 981 characters (SES allows 996 for the header's
//     name and value together), in its tag form otherwise;
//   - as the message tag "idempotency_key", which SES publishes with every event of
//     the message (delivery, bounce, complaint) to the configuration set's
//     destinations. Tag values allow only [A-Za-z0-9_-] and 256 characters: a key
//     that fits goes verbatim; any other key goes as "sha256_" and the hexadecimal
//     SHA-256 of the key (TagValue).
//
// The tag "notice_kind" carries the notice's kind. SES assigns its own Message-ID:
// unlike smtpmail, a resent notice does not repeat it, and receivers deduplicate
// on the Idempotency-Key header.
//
// # Errors
//
// Errors are told apart with errors.As on the SDK's modelled types; the returned
// error wraps the SDK's error, so callers can do the same. Permanent means SES
// refused this message and no retry can change that. A failure of the account or
// of the configuration refuses every message until an operator fixes it: it is
// retryable, so the dispatcher backs off (its attempt limit bounds the wait)
// instead of dead-lettering the whole outbox, and the error, the notice's last
// error, names what to fix.
//
//	*types.MessageRejected                     permanent: the content or a recipient is refused
//	                                           (a virus, an unverified recipient in the sandbox);
//	                                           retryable when its message names Config.From
//	                                           ("Email address is not verified … : <From>":
//	                                           the sender identity is not verified)
//	*types.BadRequestException                 permanent: the request is invalid, see below
//	no recipient, CR or LF in the subject      permanent, before calling SES
//	*types.MailFromDomainNotVerifiedException  retryable (configuration): the sender's custom
//	                                           MAIL FROM domain is not verified
//	*types.AccountSuspendedException           retryable (account): sending is suspended until
//	                                           AWS reinstates the account
//	*types.NotFoundException                   retryable (configuration): no such configuration
//	                                           set (Config.ConfigurationSetName)
//	*types.TooManyRequestsException            retryable: rate exceeded
//	*types.LimitExceededException              retryable: sending quota exceeded, it resets
//	*types.SendingPausedException              retryable: a pause is a state an operator or AWS
//	                                           lifts; the dispatcher's attempt limit ends it
//	an API error coded Throttling,
//	ThrottlingException or RequestLimitExceeded retryable
//	network errors, ctx done, anything else    retryable
//
// BadRequestException stays permanent, which is a compromise: SES returns it
// mostly for what is wrong with this message (an invalid recipient address,
// "Illegal address" or "Missing final '@domain'", a recipient list too long),
// where retrying would only delay the dead letter; but it also covers a few
// configuration mistakes, a malformed Config.From above all, which then
// dead-letter each notice. Check the configuration when notices die with
// BadRequest on addresses that look right: the last error carries SES's message.
//
// Anything not listed is retryable: an unknown error should not turn a notice
// into a dead letter at once, and the dispatcher's attempt limit bounds the cost.
// The SDK's own retryer also retries throttling and 5xx inside one Send.
package awsses
