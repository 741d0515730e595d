// Package webauthntest is a software WebAuthn authenticator for tests: it plays
// the part of a browser and a passkey together, so tests of code built on
// identity's passkeys (or on any go-webauthn relying party) can register
// credentials and sign in without a browser or a security key.
//
// An Authenticator answers the options a relying party sends
// (*protocol.CredentialCreation to register, *protocol.CredentialAssertion to sign
// in) with the JSON a browser would POST back. Each credential is an ES256 (ECDSA
// P-256, SHA-256) key pair, kept as a discoverable (resident) credential with the
// user handle it was created for. Registration uses the "none" attestation format
// with a zero AAGUID and the flags UP, UV and AT; assertions carry UP and UV and a
// signature counter that starts at 0 and grows by one per assertion.
//
// Knobs for the attacks tests should cover: SetCounter makes a credential's
// counter go backwards (what a cloned authenticator looks like), and
// LastAssertion returns the previous response unchanged, to replay it.
//
// It is a test double, not an authenticator to protect anything: keys live in
// memory, unprotected.
package webauthntest
