package webauthntest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/fxamacker/cbor/v2"
	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/protocol/webauthncose"
)

// Errors an Authenticator returns where a browser would reject the ceremony.
var (
	// ErrExcluded reports a registration whose excludeCredentials names a
	// credential this authenticator already holds for the relying party (the
	// browser's InvalidStateError).
	ErrExcluded = errors.New("webauthntest: the authenticator already holds an excluded credential")
	// ErrNoCredential reports an assertion for which the authenticator holds no
	// usable credential: none for the relying party, none in allowCredentials, or
	// not the one asked for.
	ErrNoCredential = errors.New("webauthntest: no matching credential")
	// ErrUnsupported reports options the authenticator cannot satisfy: no ES256 in
	// pubKeyCredParams, or a relying party id the origin may not use.
	ErrUnsupported = errors.New("webauthntest: unsupported options")
)

// Authenticator flags (WebAuthn §6.1).
const (
	flagUP = 0x01 // user present
	flagUV = 0x04 // user verified
	flagAT = 0x40 // attested credential data included
)

// ctap2 is the canonical CBOR encoding authenticators use (CTAP2 §8).
var ctap2 = func() cbor.EncMode {
	em, err := cbor.CTAP2EncOptions().EncMode()
	if err != nil {
		panic(err)
	}
	return em
}()

// Authenticator is a software passkey behind a browser at one origin. It is safe
// for concurrent use.
type Authenticator struct {
	origin string
	host   string

	mu    sync.Mutex
	creds []*credential // in the order they were created
	last  []byte        // the last assertion response
	noUV  bool          // SetUserVerification(false)
}

// SetUserVerification sets whether assertions report user verification (the UV
// flag: a PIN or biometric checked on the device). It is on by default; off, the
// authenticator behaves like a security key used without its PIN.
func (a *Authenticator) SetUserVerification(on bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.noUV = !on
}

type credential struct {
	id         []byte
	rpID       string
	userHandle []byte
	key        *ecdsa.PrivateKey
	counter    uint32 // the value the last assertion carried (0 after registration)
}

// New returns an authenticator with no credentials, answering ceremonies as a
// browser at origin would (e.g. "https://portal.example.com"): the origin goes
// into clientDataJSON, and its host is the relying party id when the options name
// none.
func New(origin string) *Authenticator {
	host := origin
	if u, err := url.Parse(origin); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return &Authenticator{origin: origin, host: host}
}

// Origin returns the origin the authenticator answers from.
func (a *Authenticator) Origin() string { return a.origin }

// rpID returns the relying party id of a ceremony, checked against the origin the
// way a browser does: the origin's host must be the id or a subdomain of it.
func (a *Authenticator) rpID(id string) (string, error) {
	if id == "" {
		return a.host, nil
	}
	if a.host != id && !strings.HasSuffix(a.host, "."+id) {
		return "", fmt.Errorf("%w: origin %s may not use relying party id %q", ErrUnsupported, a.origin, id)
	}
	return id, nil
}

// Register answers a registration (navigator.credentials.create) with the JSON a
// browser would POST: id, rawId, type "public-key" and response.clientDataJSON and
// response.attestationObject (base64url), plus the authenticatorData, publicKey
// and publicKeyAlgorithm members browsers add. It creates a new ES256 credential
// and keeps it, with options' user handle, as a discoverable credential.
//
// The user handle (options.Response.User.ID) may be a protocol.URLEncodedBase64
// or []byte, as go-webauthn builds it, or a string holding its base64url text, as
// it arrives when the options were decoded from JSON.
//
// ErrExcluded if the authenticator holds a credential of the exclude list;
// ErrUnsupported if ES256 is not among the acceptable algorithms.
func (a *Authenticator) Register(options *protocol.CredentialCreation) ([]byte, error) {
	if options == nil {
		return nil, errors.New("webauthntest: nil creation options")
	}
	o := options.Response
	rpID, err := a.rpID(o.RelyingParty.ID)
	if err != nil {
		return nil, err
	}
	user, err := userHandle(o.User.ID)
	if err != nil {
		return nil, err
	}
	if len(o.Challenge) == 0 {
		return nil, errors.New("webauthntest: creation options without a challenge")
	}
	if len(o.Parameters) > 0 && !slices.ContainsFunc(o.Parameters, func(p protocol.CredentialParameter) bool {
		return p.Algorithm == webauthncose.AlgES256 && (p.Type == "" || p.Type == protocol.PublicKeyCredentialType)
	}) {
		return nil, fmt.Errorf("%w: ES256 is not among pubKeyCredParams", ErrUnsupported)
	}

	a.mu.Lock()
	defer a.mu.Unlock()
	for _, ex := range o.CredentialExcludeList {
		if a.find(rpID, ex.CredentialID) != nil {
			return nil, ErrExcluded
		}
	}

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	c := &credential{id: make([]byte, 32), rpID: rpID, userHandle: user, key: key}
	_, _ = rand.Read(c.id) // crypto/rand.Read never fails

	coseKey, err := coseES256(&key.PublicKey)
	if err != nil {
		return nil, err
	}
	authData := authenticatorData(rpID, flagUP|flagUV|flagAT, 0)
	authData = append(authData, make([]byte, 16)...) // AAGUID: zero
	authData = binary.BigEndian.AppendUint16(authData, uint16(len(c.id)))
	authData = append(authData, c.id...)
	authData = append(authData, coseKey...)

	attObj, err := ctap2.Marshal(map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": authData})
	if err != nil {
		return nil, err
	}
	spki, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, err
	}
	clientData, err := a.clientData("webauthn.create", o.Challenge)
	if err != nil {
		return nil, err
	}

	resp := map[string]any{
		"id":                      b64(c.id),
		"rawId":                   b64(c.id),
		"type":                    "public-key",
		"authenticatorAttachment": "platform",
		"clientExtensionResults":  map[string]any{},
		"response": map[string]any{
			"clientDataJSON":     b64(clientData),
			"attestationObject":  b64(attObj),
			"authenticatorData":  b64(authData),
			"publicKey":          b64(spki),
			"publicKeyAlgorithm": int64(webauthncose.AlgES256),
			"transports":         []string{"internal"},
		},
	}
	out, err := json.Marshal(resp)
	if err != nil {
		return nil, err
	}
	a.creds = append(a.creds, c)
	return out, nil
}

// Assert answers a sign-in (navigator.credentials.get) with the JSON a browser
// would POST: id, rawId, type "public-key" and response.clientDataJSON,
// authenticatorData, signature and userHandle (base64url). The credential is the
// first of allowCredentials the authenticator holds for the relying party or,
// when the list is empty (a discoverable, passwordless sign-in), the one it
// created last for the relying party. The credential's counter grows by one
// and the new value is signed.
//
// ErrNoCredential if it holds no such credential.
func (a *Authenticator) Assert(options *protocol.CredentialAssertion) ([]byte, error) {
	return a.assert(options, nil)
}

// AssertWith is Assert with the credential chosen, as a person picks one passkey
// among several: credentialID is its id in base64url without padding (the "id"
// member of Register's response, identity.Passkey.CredentialID). ErrNoCredential
// if the authenticator does not hold it for the relying party, or
// allowCredentials is not empty and does not list it.
func (a *Authenticator) AssertWith(options *protocol.CredentialAssertion, credentialID string) ([]byte, error) {
	id, err := base64.RawURLEncoding.DecodeString(credentialID)
	if err != nil {
		return nil, fmt.Errorf("%w: credential id %q is not base64url", ErrNoCredential, credentialID)
	}
	return a.assert(options, id)
}

func (a *Authenticator) assert(options *protocol.CredentialAssertion, want []byte) ([]byte, error) {
	if options == nil {
		return nil, errors.New("webauthntest: nil assertion options")
	}
	o := options.Response
	rpID, err := a.rpID(o.RelyingPartyID)
	if err != nil {
		return nil, err
	}
	if len(o.Challenge) == 0 {
		return nil, errors.New("webauthntest: assertion options without a challenge")
	}

	a.mu.Lock()
	defer a.mu.Unlock()
	var c *credential
	switch {
	case want != nil:
		c = a.find(rpID, want)
		if c != nil && len(o.AllowedCredentials) > 0 && !slices.ContainsFunc(o.AllowedCredentials, func(d protocol.CredentialDescriptor) bool {
			return bytes.Equal(d.CredentialID, want)
		}) {
			c = nil
		}
	case len(o.AllowedCredentials) > 0:
		for _, d := range o.AllowedCredentials {
			if c = a.find(rpID, d.CredentialID); c != nil {
				break
			}
		}
	default:
		for _, x := range slices.Backward(a.creds) {
			if x.rpID == rpID {
				c = x
				break
			}
		}
	}
	if c == nil {
		return nil, ErrNoCredential
	}

	clientData, err := a.clientData("webauthn.get", o.Challenge)
	if err != nil {
		return nil, err
	}
	counter := c.counter + 1
	flags := byte(flagUP | flagUV)
	if a.noUV {
		flags = flagUP
	}
	authData := authenticatorData(rpID, flags, counter)
	hash := sha256.Sum256(clientData)
	digest := sha256.Sum256(append(slices.Clone(authData), hash[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, c.key, digest[:])
	if err != nil {
		return nil, err
	}
	resp := map[string]any{
		"id":                      b64(c.id),
		"rawId":                   b64(c.id),
		"type":                    "public-key",
		"authenticatorAttachment": "platform",
		"clientExtensionResults":  map[string]any{},
		"response": map[string]any{
			"clientDataJSON":    b64(clientData),
			"authenticatorData": b64(authData),
			"signature":         b64(sig),
			"userHandle":        b64(c.userHandle),
		},
	}
	out, err := json.Marshal(resp)
	if err != nil {
		return nil, err
	}
	c.counter = counter
	a.last = out
	return slices.Clone(out), nil
}

// LastAssertion returns the response of the last successful Assert or AssertWith
// unchanged (nil before the first), to replay it.
func (a *Authenticator) LastAssertion() []byte {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.last)
}

// SetCounter sets the signature counter of the credential (base64url id, as in
// CredentialIDs) to n: its next assertion carries n+1. Setting it to a value
// below one already used makes the authenticator look cloned. ErrNoCredential
// if it holds no such credential.
func (a *Authenticator) SetCounter(credentialID string, n uint32) error {
	id, err := base64.RawURLEncoding.DecodeString(credentialID)
	if err != nil {
		return fmt.Errorf("%w: credential id %q is not base64url", ErrNoCredential, credentialID)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, c := range a.creds {
		if bytes.Equal(c.id, id) {
			c.counter = n
			return nil
		}
	}
	return ErrNoCredential
}

// Counter returns the counter value the credential's last assertion carried (0
// before the first). ErrNoCredential if it holds no such credential.
func (a *Authenticator) Counter(credentialID string) (uint32, error) {
	id, err := base64.RawURLEncoding.DecodeString(credentialID)
	if err != nil {
		return 0, fmt.Errorf("%w: credential id %q is not base64url", ErrNoCredential, credentialID)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, c := range a.creds {
		if bytes.Equal(c.id, id) {
			return c.counter, nil
		}
	}
	return 0, ErrNoCredential
}

// CredentialIDs returns the ids of the credentials the authenticator holds, in
// base64url without padding, oldest first.
func (a *Authenticator) CredentialIDs() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	ids := make([]string, len(a.creds))
	for i, c := range a.creds {
		ids[i] = b64(c.id)
	}
	return ids
}

// find returns the credential with id for rpID, or nil. The caller holds a.mu.
func (a *Authenticator) find(rpID string, id []byte) *credential {
	for _, c := range a.creds {
		if c.rpID == rpID && bytes.Equal(c.id, id) {
			return c
		}
	}
	return nil
}

// clientData returns the CollectedClientData JSON of a ceremony (WebAuthn §5.8.1).
func (a *Authenticator) clientData(typ string, challenge protocol.URLEncodedBase64) ([]byte, error) {
	return json.Marshal(struct {
		Type        string `json:"type"`
		Challenge   string `json:"challenge"`
		Origin      string `json:"origin"`
		CrossOrigin bool   `json:"crossOrigin"`
	}{typ, b64(challenge), a.origin, false})
}

// authenticatorData returns rpIdHash ‖ flags ‖ signCount (WebAuthn §6.1).
func authenticatorData(rpID string, flags byte, counter uint32) []byte {
	h := sha256.Sum256([]byte(rpID))
	out := make([]byte, 0, 37+16+2+32+80)
	out = append(out, h[:]...)
	out = append(out, flags)
	return binary.BigEndian.AppendUint32(out, counter)
}

// coseES256 returns the COSE_Key of an ES256 public key (RFC 9053 §7.1.1): kty
// EC2, alg ES256, crv P-256, x, y.
func coseES256(pub *ecdsa.PublicKey) ([]byte, error) {
	raw, err := pub.Bytes() // 0x04 ‖ x ‖ y
	if err != nil {
		return nil, err
	}
	return ctap2.Marshal(map[int]any{1: 2, 3: int(webauthncose.AlgES256), -1: 1, -2: raw[1:33], -3: raw[33:65]})
}

// userHandle returns the bytes of a user entity id as go-webauthn or JSON
// decoding leave it.
func userHandle(id any) ([]byte, error) {
	var h []byte
	switch v := id.(type) {
	case protocol.URLEncodedBase64:
		h = v
	case []byte:
		h = v
	case string:
		var err error
		if h, err = base64.RawURLEncoding.DecodeString(strings.TrimRight(v, "=")); err != nil {
			return nil, fmt.Errorf("webauthntest: user id %q is not base64url: %w", v, err)
		}
	default:
		return nil, fmt.Errorf("webauthntest: user id of type %T", id)
	}
	if len(h) == 0 || len(h) > 64 {
		return nil, fmt.Errorf("webauthntest: user handle of %d bytes (want 1 to 64)", len(h))
	}
	return slices.Clone(h), nil
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
