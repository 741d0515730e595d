// Package identity holds the people who sign in to a reseller's portal: identities
// keyed by an email that never changes, passwords, multi-factor authentication,
// sessions and API keys (DOMAIN.md §6, I-1 … I-5).
//
// # Model
//
//   - Identity (I-1): one person, keyed by a normalized (lower-cased) email that
//     can never change; a new address is a new identity. Role and list addresses
//     (info@, admin@, ml-…) are accepted with a Warning: an identity is one
//     person, and everyone reading a shared mailbox could reset its password.
//   - Password (I-2): ASCII letters, digits and the symbols of PasswordSymbols,
//     10–70 characters, with a lower-case letter, an upper-case letter, a digit and
//     a symbol; CheckPassword names every unmet rule in one error and never echoes
//     the password. Stored only as argon2id (Hasher) with its parameters in the
//     hash string; a hash made with older parameters is replaced at the next
//     successful sign-in. An optional BreachChecker (HIBP, the k-anonymity range
//     protocol: only 5 hex characters of the SHA-1 leave the process) refuses known
//     breached passwords; it is off by default, so the library works offline.
//   - Second factors (I-3): an authenticator app (TOTP, RFC 6238: SHA-1, 6 digits,
//     30 s, ±1 step), passkeys (WebAuthn, through go-webauthn), and
//     RecoveryCodeCount single-use recovery codes, created with the first factor and
//     shown once. MFA is on once an app is confirmed or a passkey registered; from
//     then on a password alone is ErrSecondFactorRequired. A TOTP code is accepted
//     once: the store keeps the last accepted step and advances it atomically
//     (Store.AdvanceTOTPStep), so that code and every code of its step or an earlier
//     one are refused afterwards, even by two requests racing with the same code
//     (RFC 6238 §5.2; the common Go TOTP library does not track used codes). A
//     passkey signs in alone (passwordless) only with user verification (a PIN or
//     biometric on the device), so such a session counts as MFA; a passkey whose
//     signature counter does not increase (a cloned authenticator) is refused.
//   - Sessions and API keys (I-4): random tokens, prefixed so they can be told
//     apart and found by secret scanners (SessionTokenPrefix, APIKeyPrefix), shown
//     once and stored as SHA-256 hashes (high-entropy secrets need no slow hash).
//     Sessions end after Policy.SessionIdle without use, at Policy.SessionLifetime,
//     or when revoked; each records whether a second factor established it, which
//     is what the EnforceMFA gate of members (M-6) reads. An API key acts for one
//     identity in one organization only (members.Principal.OrgID), is created from
//     a session (never from another key), inherits that session's MFA, may expire,
//     and is revoked at once. Only a session manages the person's credentials
//     (password, second factors, sessions, keys; ErrSessionRequired otherwise), so
//     a key leaked from a program can never become the person; adding a second
//     factor, like removing one, asks for the current password.
//   - Throttling (I-4): failed sign-ins count per email (Policy.FailureLimit) and
//     per source address (an IPv6 address by its /64; Policy.SourceFailureLimit,
//     higher, as an office shares one address); at the limit within
//     Policy.FailureWindow, even the right password is refused with a
//     *ThrottledError until the oldest failure leaves the window. Each attempt is
//     counted before its password is checked, in one transaction with the check
//     of the limit, so concurrent guesses cannot overshoot it. The counters live
//     in the Store, so every server of a portal shares them.
//   - No enumeration: an unknown email and a wrong password get the same
//     ErrUnauthenticated, after the same work (a dummy argon2id verification); a
//     password-reset or signup request answers the same whether or not the email
//     has an identity (a real one then does a little more work: a ticket and a
//     mail, which the per-address and per-source limits keep rare); passkey
//     sign-in challenges name no identity.
//   - Password reset and signup: a single-use, short-lived token mailed through a
//     Mailer (the portal sends it as a contacts notice; LogMailer is for
//     development). A reset ends every session; second factors stay, so a reset is
//     no way around MFA. A new identity is created only with a signup token
//     (RequestSignup, CompleteSignup): proof that the person holds the address, so
//     nobody (an inviter included) can claim someone else's email for good. Tokens
//     are looked up before any password is hashed, and tried at most
//     TicketAttemptLimit times per source address per window.
//   - Deleting an identity (I-5) needs it to belong to no organization: the Service
//     asks Memberships (members.Service implements it) in the same transaction.
//
// # Choices where DOMAIN.md is silent
//
//   - Sessions idle out after 2 hours and end after 12 (DefaultPolicy): the portal
//     controls AWS accounts and money. Last-seen times are written at most once a
//     minute, so a busy session does not write on every request.
//   - Argon2id parameters are OWASP's (19 MiB, 2 passes, 1 lane: about 40 ms on
//     the CI machine, BENCHMARKS.md); a Hasher runs at most GOMAXPROCS hashes at
//     once, so a burst of sign-ins cannot take unbounded memory.
//   - Changing the password ends the identity's other sessions and pending reset
//     links; removing a factor, regenerating recovery codes and changing the
//     password ask for the current password, and a wrong one counts as a failure.
//     What a current password allowed is written only while it is still the
//     identity's (checked in the writing transaction): a change or reset
//     committed while it was being checked makes it wrong (ErrWrongPassword);
//     a sign-in that stored a new hash of the same password (the hasher's
//     parameters were raised) does not.
//     An enrollment begun on the old password (an app not yet confirmed, a
//     passkey registration) cannot complete after a change or reset.
//   - A change or reset keeps the identity's API keys, passkeys and authenticator
//     app: they are credentials of their own (a key serves a program, whose owner
//     did not ask for the change; removing second factors on a reset would let
//     whoever reads the mailbox drop MFA). A person who resets because of an
//     intrusion reviews them afterwards (ListAPIKeys, ListPasskeys; the portal's
//     profile page) and revokes what is not theirs.
//   - A breach service that cannot be reached does not block a password change.
//
// # Storage
//
// Store is the storage contract; memstore (in memory, the fake for tests) and
// sqlstore (SQLite and PostgreSQL through sqldb) implement it and pass
// identitytest.TestStore. Stores on one database share transactions with the
// other packages' stores: the portal creates an identity and accepts a members
// invitation in one transaction. webauthntest is a software authenticator for
// testing passkey flows without a browser.
package identity
