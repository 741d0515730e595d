// Package webhook is a contacts.Transport that delivers notices as HTTP POST
// requests signed the Standard Webhooks way (https://www.standardwebhooks.com/),
// for C-7, and the Verify function receivers check them with.
//
// # The request
//
// The body is the JSON of Payload: the rendered notice (kind, language, to, cc,
// subject, text, html, data; phones, a security incident's emergency phones in
// the order to call them, when there are any) with its notice_id and
// idempotency_key. The headers:
//
//	webhook-id         ID(idempotency key): the same on every attempt of one notice,
//	                   so a receiver that stores the ids it processed drops a repeat
//	webhook-timestamp  the attempt's time, integer Unix seconds
//	webhook-signature  "v1,<base64 HMAC-SHA256 of id.timestamp.body>", one per secret,
//	                   space-separated
//	Idempotency-Key    the idempotency key itself, when it is header-safe
//
// # Secrets and rotation
//
// Secrets are "whsec_" and the standard base64 of 24 to 64 random bytes. Every
// secret given to New signs every request, in the order given, so during a
// rotation configure both, the new one first: receivers still on the old secret
// and receivers already on the new one both find a signature they verify. Drop
// the old secret once every receiver has switched. Signing with a retired secret
// weakens nothing: a receiver accepts only a signature made with its own secret.
//
// # Delivery and errors
//
// The request goes through github.com/hashicorp/go-retryablehttp with a few quick
// retries (WithRetryMax, default 2) for network blips and transient answers, each
// attempt re-signed with a fresh timestamp and bounded by WithTimeout (default
// 15 seconds); retries across minutes and hours are the dispatcher's, with the
// same webhook-id. Redirects are not followed.
//
//	2xx                                 delivered
//	400 Bad Request, 413 Content Too Large,
//	415 Unsupported Media Type,
//	422 Unprocessable Content           permanent: this payload is refused; wraps
//	                                    contacts.ErrPermanent (and *StatusError)
//	410 Gone                            permanent: the endpoint is gone for good
//	Data that is not valid JSON         permanent, before sending
//	401, 403                            retryable: the receiver does not accept the
//	                                    signature (a secret not yet or no longer shared)
//	404, 405, 3xx                       retryable: the URL or the route is wrong, or moved
//	any other 4xx                       retryable
//	408, 429, 5xx, network error,
//	ctx done                            retryable, retried within Send first
//
// A permanent failure is one of this notice only. A misconfigured endpoint
// refuses every notice alike until an operator fixes the secret or the URL: it is
// retryable, so the dispatcher keeps the notices and backs off (its attempt limit
// bounds the wait) instead of dead-lettering the whole outbox, and the
// *StatusError in the notice's last error says what the receiver answered. Only
// 408, 429 and 5xx, which can change within seconds, use the quick retries inside
// one Send. Every non-2xx answer is a *StatusError.
//
// # Receivers
//
// A receiver reads the raw body, calls Verify with its secret, the request's
// headers, the body, a tolerance and the current time, and then deduplicates on
// the webhook-id header before acting: verification before parsing, and the raw
// bytes, never re-encoded JSON.
package webhook
