package identity

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"
)

// DefaultPasskeyName is the label of a passkey registered or renamed without one.
const DefaultPasskeyName = "Passkey"

// maxUserHandleLen is the WebAuthn bound on a user handle (§5.4.3).
const maxUserHandleLen = 64

// passkeyUser is an identity and its passkeys as go-webauthn sees them
// (webauthn.User). The user handle is the identity id: opaque, stable, and no
// personal data (WebAuthn §14.6.1).
type passkeyUser struct {
	id    Identity
	creds []webauthn.Credential
}

func (u passkeyUser) WebAuthnID() []byte   { return []byte(u.id.ID) }
func (u passkeyUser) WebAuthnName() string { return u.id.Email }
func (u passkeyUser) WebAuthnDisplayName() string {
	if u.id.Name != "" {
		return u.id.Name
	}
	return u.id.Email
}
func (u passkeyUser) WebAuthnCredentials() []webauthn.Credential { return u.creds }

// newPasskeyUser decodes the credential records of pks.
func newPasskeyUser(id Identity, pks []Passkey) (passkeyUser, error) {
	u := passkeyUser{id: id, creds: make([]webauthn.Credential, 0, len(pks))}
	for _, p := range pks {
		c, err := decodeCredential(p)
		if err != nil {
			return passkeyUser{}, err
		}
		u.creds = append(u.creds, c)
	}
	return u, nil
}

// decodeCredential returns the go-webauthn record a Passkey stores. A record that
// does not decode is corrupt storage, not a failed sign-in.
func decodeCredential(p Passkey) (webauthn.Credential, error) {
	var c webauthn.Credential
	if err := json.Unmarshal(p.Credential, &c); err != nil {
		return webauthn.Credential{}, fmt.Errorf("identity: passkey %s: stored credential: %w", p.CredentialID, err)
	}
	return c, nil
}

// passkeysOn refuses passkey ceremonies when the Service was built without
// WithPasskeys.
func (s *Service) passkeysOn() error {
	if s.webauthn == nil {
		return invalid("passkeys", "", "I-3", "passkeys are not enabled on this service (WithPasskeys)")
	}
	return nil
}

// passkeyName trims name and checks it like a display name; empty means
// DefaultPasskeyName.
func passkeyName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return DefaultPasskeyName, nil
	}
	return name, checkName(name)
}

// tooManyPasskeys is the error for an identity at Policy.MaxPasskeys.
func (s *Service) tooManyPasskeys(n int) error {
	return invalid("passkeys", strconv.Itoa(n), "I-3",
		fmt.Sprintf("at most %d passkeys per identity; remove one first", s.policy.MaxPasskeys))
}

// refused is ErrUnauthenticated with the reason a ceremony failed, for logs; the
// reason never reaches a person signing in (SignIn answers ErrUnauthenticated).
func refused(err error) error {
	var pe *protocol.Error
	if errors.As(err, &pe) && pe.DevInfo != "" {
		return fmt.Errorf("%w: passkey: %w (%s)", ErrUnauthenticated, err, pe.DevInfo)
	}
	return fmt.Errorf("%w: passkey: %w", ErrUnauthenticated, err)
}

// ceremonyTimeout is the timeout, in milliseconds, the browser is told: the
// ticket's lifetime.
func (s *Service) ceremonyTimeout() int { return int(s.policy.CeremonyTTL.Milliseconds()) }

// BeginPasskeyRegistration starts adding a passkey to the identity (I-3). It
// returns the options to hand to the browser (navigator.credentials.create) and a
// ticket for FinishPasskeyRegistration, valid for Policy.CeremonyTTL and usable
// once. The identity's passkeys are excluded, so an authenticator is not
// registered twice; a discoverable credential is required (sign-in names no
// identity, so the authenticator must hold the user handle) and user
// verification preferred. The current password is asked first.
//
// ErrWrongPassword for a wrong password, or one changed or reset while it was
// being checked (no ticket is issued: I-4); an error wrapping ErrInvalid if
// passkeys are off or the identity already has Policy.MaxPasskeys; ErrNotFound if
// there is no such identity.
func (s *Service) BeginPasskeyRegistration(ctx context.Context, a Auth, password string) (string, *protocol.CredentialCreation, error) {
	if err := a.session(); err != nil {
		return "", nil, err
	}
	identityID := a.Identity.ID
	verified, err := s.verifyCurrent(ctx, identityID, password)
	if err != nil {
		return "", nil, err
	}
	if err := s.passkeysOn(); err != nil {
		return "", nil, err
	}
	var (
		ticket   string
		creation *protocol.CredentialCreation
	)
	err = s.inTxAsVerified(ctx, identityID, verified, func(ctx context.Context) error {
		ticket, creation = "", nil
		id, err := s.store.GetIdentity(ctx, identityID)
		if err != nil {
			return err
		}
		pks, err := s.store.ListPasskeys(ctx, identityID)
		if err != nil {
			return err
		}
		if len(pks) >= s.policy.MaxPasskeys {
			return s.tooManyPasskeys(len(pks))
		}
		user, err := newPasskeyUser(id, pks)
		if err != nil {
			return err
		}
		creation, ticket, err = s.beginRegistration(ctx, user, verified)
		return err
	})
	if err != nil {
		return "", nil, err
	}
	return ticket, creation, nil
}

// registrationState is what a registration ticket holds: the ceremony's WebAuthn
// session data, and when the password BeginPasskeyRegistration checked was set
// (the identity's PasswordChangedAt), so that FinishPasskeyRegistration stores
// the passkey only while that password is still the identity's (I-4). A sign-in
// that rehashed the same password meanwhile changes nothing (nextPasswordChange).
// PasswordChangedAt is nil in a ticket of an earlier release.
type registrationState struct {
	Session           webauthn.SessionData `json:"session"`
	PasswordChangedAt *time.Time           `json:"password_changed_at,omitempty"`
}

// beginRegistration starts the WebAuthn ceremony for user and issues its ticket,
// bound to the password set at verified.
func (s *Service) beginRegistration(ctx context.Context, user passkeyUser, verified time.Time) (*protocol.CredentialCreation, string, error) {
	creation, session, err := s.webauthn.BeginRegistration(user,
		webauthn.WithExclusions(webauthn.Credentials(user.creds).CredentialDescriptors()),
		webauthn.WithAuthenticatorSelection(protocol.AuthenticatorSelection{
			// Required: sign-in is discoverable (no email first, so it names no
			// identity), and a credential not stored on the authenticator sends no
			// user handle, so it could be registered but never used.
			ResidentKey:        protocol.ResidentKeyRequirementRequired,
			RequireResidentKey: protocol.ResidentKeyRequired(),
			UserVerification:   protocol.VerificationPreferred,
		}))
	if err != nil {
		return nil, "", fmt.Errorf("identity: passkey registration: %w", err)
	}
	creation.Response.Timeout = s.ceremonyTimeout()
	data, err := json.Marshal(registrationState{Session: *session, PasswordChangedAt: &verified})
	if err != nil {
		return nil, "", err
	}
	ticket, err := s.issueTicket(ctx, purposeRegistration, user.id.ID, data, s.policy.CeremonyTTL)
	if err != nil {
		return nil, "", err
	}
	return creation, ticket, nil
}

// FinishPasskeyRegistration completes adding a passkey: response is the browser's
// PublicKeyCredential (JSON) answering the options of BeginPasskeyRegistration,
// ticket the ticket it returned, name the person's label for it (empty:
// DefaultPasskeyName). The passkey is stored and becomes a second factor and a
// way to sign in without a password. If the identity had no recovery codes (this
// is its first factor), RecoveryCodeCount new ones are returned, to be shown once
// (I-3); otherwise none.
//
// ErrUnauthenticated (wrapped with the reason) if the ticket is unknown, used,
// expired or another identity's, the response does not verify, or the password
// checked when the registration began was changed or reset since (I-4: a
// registration begun from a session the change ended adds no passkey); an error
// wrapping ErrInvalid for a bad name, passkeys off or Policy.MaxPasskeys reached;
// ErrAlreadyExists if the credential is already registered.
func (s *Service) FinishPasskeyRegistration(ctx context.Context, a Auth, ticket, name string, response []byte) (Passkey, []string, error) {
	if err := a.session(); err != nil {
		return Passkey{}, nil, err
	}
	identityID := a.Identity.ID
	if err := s.passkeysOn(); err != nil {
		return Passkey{}, nil, err
	}
	name, err := passkeyName(name)
	if err != nil {
		return Passkey{}, nil, err
	}
	t, err := s.takeTicket(ctx, purposeRegistration, ticket)
	if err != nil {
		return Passkey{}, nil, err
	}
	if subtle.ConstantTimeCompare([]byte(t.IdentityID), []byte(identityID)) != 1 {
		return Passkey{}, nil, ErrUnauthenticated
	}
	var state registrationState
	if err := json.Unmarshal(t.Data, &state); err != nil {
		return Passkey{}, nil, fmt.Errorf("identity: passkey registration ticket: %w", err)
	}
	if state.PasswordChangedAt == nil { // a ticket of an earlier release: no password to hold the passkey to
		return Passkey{}, nil, errors.Join(ErrUnauthenticated, errors.New("identity: passkey registration ticket of an earlier format"))
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(response)
	if err != nil {
		return Passkey{}, nil, refused(err)
	}
	id, err := s.store.GetIdentity(ctx, identityID)
	if err != nil {
		return Passkey{}, nil, err
	}
	cred, err := s.webauthn.CreateCredential(passkeyUser{id: id}, state.Session, parsed)
	if err != nil {
		return Passkey{}, nil, refused(err)
	}
	record, err := json.Marshal(cred)
	if err != nil {
		return Passkey{}, nil, err
	}
	pk := Passkey{CredentialID: base64.RawURLEncoding.EncodeToString(cred.ID), IdentityID: identityID, Name: name,
		Credential: record, SignCount: cred.Authenticator.SignCount, CreatedAt: s.clock()}
	var (
		stored Passkey
		codes  []string
	)
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		codes = nil
		cur, err := s.store.GetIdentity(ctx, identityID)
		if err != nil {
			return err
		}
		if !cur.PasswordChangedAt.Equal(*state.PasswordChangedAt) {
			return errors.Join(ErrUnauthenticated, errors.New("identity: the password was changed since the passkey registration began"))
		}
		pks, err := s.store.ListPasskeys(ctx, identityID)
		if err != nil {
			return err
		}
		if len(pks) >= s.policy.MaxPasskeys {
			return s.tooManyPasskeys(len(pks))
		}
		if err := s.store.CreatePasskey(ctx, pk); err != nil {
			return err
		}
		if stored, err = s.store.GetPasskey(ctx, identityID, pk.CredentialID); err != nil {
			return err
		}
		codes, err = s.ensureRecoveryCodes(ctx, identityID)
		return err
	})
	if err != nil {
		return Passkey{}, nil, err
	}
	return stored, codes, nil
}

// BeginPasskeySignIn starts a sign-in with a passkey (I-3): without a password
// (SignInWithPasskey) or as the second factor after one (SignIn with
// Credentials.Passkey). It names no identity, so it reveals none: the browser
// offers the person's discoverable credentials for this site and the one chosen
// names its identity. It returns the options to hand to the browser
// (navigator.credentials.get) and a ticket valid for Policy.CeremonyTTL and
// usable once. An error wrapping ErrInvalid if passkeys are off.
//
// Each source address may start at most ChallengeLimit sign-in challenges per
// Policy.FailureWindow (a *ThrottledError beyond): a challenge needs no credential,
// and each is stored until it expires.
func (s *Service) BeginPasskeySignIn(ctx context.Context, client Client) (string, *protocol.CredentialAssertion, error) {
	if err := s.passkeysOn(); err != nil {
		return "", nil, err
	}
	if err := s.countAttempt(ctx, "challenge:"+sourceKey(client.IP), ChallengeLimit); err != nil {
		return "", nil, err
	}
	assertion, session, err := s.webauthn.BeginDiscoverableLogin(webauthn.WithUserVerification(protocol.VerificationPreferred))
	if err != nil {
		return "", nil, fmt.Errorf("identity: passkey sign-in: %w", err)
	}
	assertion.Response.Timeout = s.ceremonyTimeout()
	data, err := json.Marshal(session)
	if err != nil {
		return "", nil, err
	}
	ticket, err := s.issueTicket(ctx, purposeSignIn, "", data, s.policy.CeremonyTTL)
	if err != nil {
		return "", nil, err
	}
	return ticket, assertion, nil
}

// verifyPasskey checks a passkey assertion against the challenge of ticket and
// returns the identity whose passkey made it, after recording the use (sign
// counter, last-used time). The ticket is used up whatever the outcome.
//
// ErrUnauthenticated (wrapped with the reason) for every failure: an unknown,
// used or expired ticket, a malformed response, an unknown user handle or
// credential, a bad signature, a signature counter that did not increase (a
// cloned authenticator or a replayed assertion) or a concurrent use of the same
// passkey. Storage failures are returned as they are.
func (s *Service) verifyPasskey(ctx context.Context, ticket string, response []byte) (Identity, error) {
	id, _, err := s.verifyPasskeyUV(ctx, ticket, response)
	return id, err
}

// verifyPasskeyUV is verifyPasskey also reporting whether this assertion verified
// the user (the UV flag of its authenticator data: a PIN or biometric on the
// device), what a passwordless sign-in needs.
func (s *Service) verifyPasskeyUV(ctx context.Context, ticket string, response []byte) (Identity, bool, error) {
	if s.webauthn == nil {
		return Identity{}, false, ErrUnauthenticated
	}
	t, err := s.takeTicket(ctx, purposeSignIn, ticket)
	if err != nil {
		return Identity{}, false, err
	}
	if t.IdentityID != "" {
		return Identity{}, false, ErrUnauthenticated
	}
	var session webauthn.SessionData
	if err := json.Unmarshal(t.Data, &session); err != nil {
		return Identity{}, false, fmt.Errorf("identity: passkey sign-in ticket: %w", err)
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(response)
	if err != nil {
		return Identity{}, false, refused(err)
	}

	var (
		owner     Identity
		stored    Passkey
		lookupErr error
	)
	handler := func(rawID, userHandle []byte) (webauthn.User, error) {
		owner, stored, lookupErr = s.passkeyOwner(ctx, rawID, userHandle)
		if lookupErr != nil {
			return nil, lookupErr
		}
		c, err := decodeCredential(stored)
		if err != nil {
			lookupErr = err
			return nil, err
		}
		return passkeyUser{id: owner, creds: []webauthn.Credential{c}}, nil
	}
	_, cred, err := s.webauthn.ValidatePasskeyLogin(handler, session, parsed)
	switch {
	case lookupErr != nil && !errors.Is(lookupErr, ErrNotFound):
		return Identity{}, false, lookupErr
	case err != nil:
		return Identity{}, false, refused(err)
	case cred.Authenticator.CloneWarning:
		return Identity{}, false, refused(errors.New("the signature counter did not increase: a cloned authenticator or a replayed assertion"))
	}

	record, err := json.Marshal(cred)
	if err != nil {
		return Identity{}, false, err
	}
	stored.Credential, stored.SignCount, stored.LastUsedAt = record, cred.Authenticator.SignCount, s.clock()
	err = s.store.UpdatePasskey(ctx, stored)
	if errors.Is(err, ErrConflict) || errors.Is(err, ErrNotFound) {
		return Identity{}, false, refused(fmt.Errorf("used concurrently or removed: %w", err))
	}
	if err != nil {
		return Identity{}, false, err
	}
	return owner, parsed.Response.AuthenticatorData.Flags.HasUserVerified(), nil
}

// passkeyOwner returns the identity named by a user handle and its passkey with
// the credential id rawID. ErrNotFound if either does not exist.
func (s *Service) passkeyOwner(ctx context.Context, rawID, userHandle []byte) (Identity, Passkey, error) {
	if len(userHandle) == 0 || len(userHandle) > maxUserHandleLen || len(rawID) == 0 {
		return Identity{}, Passkey{}, ErrNotFound
	}
	id, err := s.store.GetIdentity(ctx, string(userHandle))
	if err != nil {
		return Identity{}, Passkey{}, err
	}
	pk, err := s.store.GetPasskey(ctx, id.ID, base64.RawURLEncoding.EncodeToString(rawID))
	if err != nil {
		return Identity{}, Passkey{}, err
	}
	return id, pk, nil
}

// ListPasskeys returns the identity's passkeys ordered by credential id, with
// their names, creation and last-use times. Credential holds the stored
// go-webauthn record (public key and counter; nothing secret).
func (s *Service) ListPasskeys(ctx context.Context, identityID string) ([]Passkey, error) {
	return s.store.ListPasskeys(ctx, identityID)
}

// RenamePasskey sets the label of the identity's passkey with the credential id
// (empty: DefaultPasskeyName) and returns it. ErrNotFound if the identity has no
// such passkey; an error wrapping ErrInvalid for a bad name.
func (s *Service) RenamePasskey(ctx context.Context, a Auth, credentialID, name string) (Passkey, error) {
	if err := a.session(); err != nil {
		return Passkey{}, err
	}
	identityID := a.Identity.ID
	name, err := passkeyName(name)
	if err != nil {
		return Passkey{}, err
	}
	var out Passkey
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		pk, err := s.store.GetPasskey(ctx, identityID, credentialID)
		if err != nil {
			return err
		}
		pk.Name = name
		if err := s.store.UpdatePasskey(ctx, pk); err != nil {
			return err
		}
		out, err = s.store.GetPasskey(ctx, identityID, credentialID)
		return err
	})
	if err != nil {
		return Passkey{}, err
	}
	return out, nil
}

// RemovePasskey removes the identity's passkey with the credential id after
// checking the password (wrong passwords count as sign-in failures). When no
// second factor remains, the recovery codes go too. ErrWrongPassword (an
// ErrUnauthenticated) for a wrong password, or one changed or reset while it was
// being checked (I-4: nothing is removed); ErrNotFound if the identity has no
// such passkey.
func (s *Service) RemovePasskey(ctx context.Context, a Auth, credentialID, password string) error {
	if err := a.session(); err != nil {
		return err
	}
	identityID := a.Identity.ID
	return s.withPassword(ctx, identityID, password, func(ctx context.Context) error {
		if err := s.store.DeletePasskey(ctx, identityID, credentialID); err != nil {
			return err
		}
		return s.dropCodesIfNoFactor(ctx, identityID)
	})
}
