package identity

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/seeda33a2f4f/resellerkit"
)

// MaxNameLen bounds an identity's display name, in characters.
const MaxNameLen = 200

// NewIdentity is the input of Register.
type NewIdentity struct {
	// ID is optional: empty, the Service generates one; set, it keeps an id from an
	// existing system (a migration, or readable demo users), 1..64 characters of
	// a-z, 0-9, '-' and '_'.
	ID       string
	Email    string
	Name     string
	Password string
}

// Register creates an identity (I-1) with a password that passes every rule of I-2
// (and the breach check, when configured). It returns warnings for a role or list
// address. ErrAlreadyExists if the email has an identity. Called with a context
// carrying a transaction (for example the one in which members accepts an
// invitation), it joins that transaction.
//
// Register does not authorize: the caller decides who may create identities (a
// reseller operator, or a person accepting an invitation sent to that address).
func (s *Service) Register(ctx context.Context, in NewIdentity) (Identity, []Warning, error) {
	email, err := NormalizeEmail(in.Email)
	if err != nil {
		return Identity{}, nil, err
	}
	if err := checkName(in.Name); err != nil {
		return Identity{}, nil, err
	}
	idv := in.ID
	if idv == "" {
		idv = s.newID()
	} else if err := checkID(idv); err != nil {
		return Identity{}, nil, err
	}
	hash, err := s.newPasswordHash(ctx, "password", in.Password)
	if err != nil {
		return Identity{}, nil, err
	}
	now := s.clock()
	id := Identity{ID: idv, Email: email, Name: in.Name, PasswordHash: hash, PasswordChangedAt: now,
		CreatedAt: now, UpdatedAt: now, Version: 1}
	if err := s.store.CreateIdentity(ctx, id); err != nil {
		return Identity{}, nil, err
	}
	return id.public(), EmailWarnings(email), nil
}

// checkID checks a caller-chosen identity id.
func checkID(id string) error {
	ok := len(id) >= 1 && len(id) <= 64
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			ok = false
		}
	}
	if !ok {
		return invalid("id", id, "I-1", "must be 1..64 of a-z, 0-9, '-' and '_'")
	}
	return nil
}

func checkName(name string) error {
	switch {
	case !utf8.ValidString(name) || strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return invalid("name", name, "I-1", "must be valid text without control characters")
	case utf8.RuneCountInString(name) > MaxNameLen:
		return invalid("name", name, "I-1", "must be at most 200 characters")
	}
	return nil
}

// newPasswordHash checks a new password against I-2 and the breach check, then
// hashes it. field names the password in errors: "password" for a new identity,
// "new_password" for a change or a reset.
func (s *Service) newPasswordHash(ctx context.Context, field, password string) (string, error) {
	if err := s.checkNewPassword(ctx, field, password); err != nil {
		return "", err
	}
	return s.hasher.Hash(ctx, password)
}

// checkNewPassword checks a new password against I-2 and the breach check.
func (s *Service) checkNewPassword(ctx context.Context, field, password string) error {
	if err := CheckPassword(password); err != nil {
		var ve *resellerkit.ValidationError
		if errors.As(err, &ve) {
			ve.Field = field
		}
		return err
	}
	if s.breach != nil {
		// An unavailable breach service does not block the change (WithBreachChecker).
		if n, err := s.breach.Breached(ctx, password); err == nil && n > 0 {
			return invalid(field, "", "I-2", "appears in known data breaches; choose another")
		}
	}
	return nil
}

// public returns id without its password hash: what the Service hands out.
func (id Identity) public() Identity {
	id.PasswordHash = ""
	return id
}

// GetIdentity returns the identity. ErrNotFound if none.
func (s *Service) GetIdentity(ctx context.Context, identityID string) (Identity, error) {
	id, err := s.store.GetIdentity(ctx, identityID)
	return id.public(), err
}

// FindIdentityByEmail returns the identity with the email. ErrNotFound if none (or
// the email is malformed). For trusted callers (operators, the invitation flow):
// never answer an anonymous request with its result, that would enumerate accounts.
func (s *Service) FindIdentityByEmail(ctx context.Context, email string) (Identity, error) {
	norm, err := NormalizeEmail(email)
	if err != nil {
		return Identity{}, ErrNotFound
	}
	id, err := s.store.GetIdentityByEmail(ctx, norm)
	return id.public(), err
}

// ListIdentities returns a page of every identity ordered by id: for the
// reseller's operators.
func (s *Service) ListIdentities(ctx context.Context, page resellerkit.Page) ([]Identity, string, error) {
	if err := checkPage(page); err != nil {
		return nil, "", err
	}
	ids, next, err := s.store.ListIdentities(ctx, page)
	for i := range ids {
		ids[i] = ids[i].public()
	}
	return ids, next, err
}

// checkPage refuses a page token no list made, before any store call.
func checkPage(page resellerkit.Page) error {
	if _, err := page.After(); err != nil {
		return invalid("page_token", page.Token, "", "is not a token a previous page returned")
	}
	return nil
}

// Rename sets the identity's display name.
func (s *Service) Rename(ctx context.Context, identityID, name string) (Identity, error) {
	if err := checkName(name); err != nil {
		return Identity{}, err
	}
	var out Identity
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		id, err := s.store.GetIdentity(ctx, identityID)
		if err != nil {
			return err
		}
		id.Name, id.UpdatedAt = name, s.clock()
		if err := s.store.UpdateIdentity(ctx, id); err != nil {
			return err
		}
		id.Version++
		out = id.public()
		return nil
	})
	return out, err
}

// DeleteIdentity removes the identity with every credential and session it has,
// only if it belongs to no organization (I-5): ErrInUse otherwise, and also when
// the Service has no Memberships to ask. With stores on one database the check and
// the delete are one transaction, so a concurrent invitation acceptance cannot
// slip in between.
func (s *Service) DeleteIdentity(ctx context.Context, identityID string) error {
	return s.store.InTx(ctx, func(ctx context.Context) error {
		id, err := s.store.GetIdentity(ctx, identityID)
		if err != nil {
			return err
		}
		if s.members == nil {
			return errors.Join(ErrInUse, errors.New("identity: no membership source configured (WithMemberships)"))
		}
		in, err := s.members.HasMemberships(ctx, identityID)
		if err != nil {
			return err
		}
		if in {
			return ErrInUse
		}
		return s.store.DeleteIdentity(ctx, identityID, id.Version)
	})
}

// ChangePassword replaces the password of a's identity after verifying the current
// one (I-2); a wrong one counts as a failed sign-in, and once the limit is reached
// the answer is a *ThrottledError (I-4). Every other session of the identity,
// every pending reset link and an authenticator app not yet confirmed (the old
// password allowed its enrollment) end; a's own session stays. A password changed
// or reset meanwhile (after current was checked) makes current wrong: the change
// is not written (ErrWrongPassword), so it never undoes a reset.
func (s *Service) ChangePassword(ctx context.Context, a Auth, current, next string) error {
	if err := a.session(); err != nil {
		return err
	}
	verified, err := s.verifyCurrent(ctx, a.Identity.ID, current)
	if err != nil {
		return err
	}
	hash, err := s.newPasswordHash(ctx, "new_password", next)
	if err != nil {
		return err
	}
	return s.inTxAsVerified(ctx, a.Identity.ID, verified, func(ctx context.Context) error {
		if err := s.setPassword(ctx, a.Identity.ID, hash, a.SessionID); err != nil {
			return err
		}
		return s.store.ClearFailures(ctx, emailKey(a.Identity.Email))
	})
}

// setPassword stores hash as the identity's password, ends its sessions but keep,
// its pending reset links and its unconfirmed authenticator app, inside ctx's
// transaction. The app goes because BeginTOTP stored it on the old password's
// word: ConfirmTOTP, in flight from a session the change is ending, must not make
// it a factor afterwards (I-4). A passkey registration begun on the old password
// fails the same way (FinishPasskeyRegistration checks the ticket's password).
func (s *Service) setPassword(ctx context.Context, identityID, hash, keep string) error {
	id, err := s.store.GetIdentity(ctx, identityID)
	if err != nil {
		return err
	}
	now := s.clock()
	id.PasswordHash, id.PasswordChangedAt, id.UpdatedAt = hash, nextPasswordChange(id.PasswordChangedAt, now), now
	if err := s.store.UpdateIdentity(ctx, id); err != nil {
		return err
	}
	if _, err := s.store.DeleteSessions(ctx, identityID, keep); err != nil {
		return err
	}
	if _, err := s.store.DeleteTickets(ctx, identityID, purposeReset); err != nil {
		return err
	}
	switch t, err := s.store.GetTOTP(ctx, identityID); {
	case errors.Is(err, ErrNotFound):
		return nil
	case err != nil:
		return err
	case t.Confirmed:
		return nil // a second factor: a reset is no way around MFA
	}
	return s.store.DeleteTOTP(ctx, identityID)
}

// nextPasswordChange is the PasswordChangedAt of a password set at now over one
// set at prev: now at the stores' precision (microseconds), or a microsecond after
// prev if now is not after it (a clock that stands still or went back), so that
// every change or reset moves it. It is what the guards of I-4 compare
// (inTxAsVerified, signIn, FinishPasskeyRegistration): unlike the hash, which a
// sign-in's rehash replaces by another of the same password, it changes with the
// password and only with it.
func nextPasswordChange(prev, now time.Time) time.Time {
	at := now.UTC().Truncate(time.Microsecond)
	if prev = prev.UTC().Truncate(time.Microsecond); !at.After(prev) {
		at = prev.Add(time.Microsecond)
	}
	return at
}

// RequestPasswordReset mails a single-use link (valid Policy.ResetTTL) to the
// identity with email, if there is one. It answers the same whether or not there is
// (no account enumeration) and sends at most Policy.FailureLimit mails per address
// per Policy.FailureWindow, so it cannot be used to flood a mailbox; a source
// address asking for more than ResetLimitPerSource in that window gets a
// *ThrottledError, whatever the addresses.
func (s *Service) RequestPasswordReset(ctx context.Context, email string, client Client) error {
	if s.mailer == nil {
		return errors.New("identity: no mailer configured (WithMailer)")
	}
	norm, err := NormalizeEmail(email)
	if err != nil {
		return err
	}
	if err := s.countAttempt(ctx, "reset:"+sourceKey(client.IP), ResetLimitPerSource); err != nil {
		return err
	}
	key := "reset:" + norm
	if _, throttled, err := s.throttled(ctx, key); err != nil || throttled {
		return err
	}
	if err := s.store.AddFailure(ctx, key, s.clock()); err != nil {
		return err
	}
	id, err := s.store.GetIdentityByEmail(ctx, norm)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	token, err := s.issueTicket(ctx, purposeReset, id.ID, nil, s.policy.ResetTTL)
	if err != nil {
		return err
	}
	return s.mailer.SendMail(ctx, Mail{Kind: MailPasswordReset, To: id.Email, Name: id.Name, Token: token,
		ExpiresAt: s.clock().Add(s.policy.ResetTTL)})
}

// ResetPassword sets a new password with the token of a reset mail. The token works
// once and only before it expires (ErrUnauthenticated otherwise). A new password
// that breaks I-2 is refused before the token is used, so the person can try again
// with the same link; no password is hashed before the token is found, so a
// client without one costs no argon2id work, and each source address may try at
// most TicketAttemptLimit tokens per Policy.FailureWindow. Every session of the
// identity ends, as does an authenticator app not yet confirmed, and its sign-in
// failures are forgotten. Second factors stay: a reset is not a way around MFA.
func (s *Service) ResetPassword(ctx context.Context, token, newPassword string, client Client) error {
	if err := s.checkNewPassword(ctx, "new_password", newPassword); err != nil {
		return err
	}
	if err := s.countAttempt(ctx, "ticket:"+sourceKey(client.IP), TicketAttemptLimit); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(ctx context.Context) error {
		t, err := s.takeTicket(ctx, purposeReset, token)
		if err != nil {
			return err
		}
		id, err := s.store.GetIdentity(ctx, t.IdentityID)
		if err != nil {
			return err
		}
		hash, err := s.hasher.Hash(ctx, newPassword)
		if err != nil {
			return err
		}
		if err := s.setPassword(ctx, id.ID, hash, ""); err != nil {
			return err
		}
		return s.store.ClearFailures(ctx, emailKey(id.Email))
	})
}

// RequestSignup mails a single-use link (valid Policy.ResetTTL) with which the
// owner of email can create an identity (CompleteSignup): the proof that the
// person holds the address, which an identity is keyed by for good (I-1). It
// answers the same whether or not the email has an identity (then nothing is
// sent), with the same limits per address and per source as RequestPasswordReset.
func (s *Service) RequestSignup(ctx context.Context, email string, client Client) error {
	if s.mailer == nil {
		return errors.New("identity: no mailer configured (WithMailer)")
	}
	norm, err := NormalizeEmail(email)
	if err != nil {
		return err
	}
	if err := s.countAttempt(ctx, "signup:"+sourceKey(client.IP), ResetLimitPerSource); err != nil {
		return err
	}
	key := "signup:" + norm
	if _, throttled, err := s.throttled(ctx, key); err != nil || throttled {
		return err
	}
	if err := s.store.AddFailure(ctx, key, s.clock()); err != nil {
		return err
	}
	if _, err := s.store.GetIdentityByEmail(ctx, norm); err == nil {
		return nil
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	token, err := s.issueTicket(ctx, purposeSignup, "", []byte(norm), s.policy.ResetTTL)
	if err != nil {
		return err
	}
	return s.mailer.SendMail(ctx, Mail{Kind: MailSignup, To: norm, Token: token, ExpiresAt: s.clock().Add(s.policy.ResetTTL)})
}

// CompleteSignup creates the identity of the address a RequestSignup mail went to,
// with the token of that mail, in.Name and in.Password (in.Email and in.ID are
// ignored: the address is the one the token proves). The token works once and only
// before it expires (ErrUnauthenticated otherwise); a password breaking I-2 is
// refused before the token is used; each source address may try at most
// TicketAttemptLimit tokens per window. ErrAlreadyExists if the address got an
// identity meanwhile. Called with a context carrying a transaction (accepting a
// members invitation in the same one), it joins it: if that transaction fails, the
// identity is not created and the token stays usable.
func (s *Service) CompleteSignup(ctx context.Context, token string, in NewIdentity, client Client) (Identity, []Warning, error) {
	if err := checkName(in.Name); err != nil {
		return Identity{}, nil, err
	}
	if err := s.checkNewPassword(ctx, "password", in.Password); err != nil {
		return Identity{}, nil, err
	}
	if err := s.countAttempt(ctx, "ticket:"+sourceKey(client.IP), TicketAttemptLimit); err != nil {
		return Identity{}, nil, err
	}
	var out Identity
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		t, err := s.takeTicket(ctx, purposeSignup, token)
		if err != nil {
			return err
		}
		hash, err := s.hasher.Hash(ctx, in.Password)
		if err != nil {
			return err
		}
		now := s.clock()
		out = Identity{ID: s.newID(), Email: string(t.Data), Name: in.Name, PasswordHash: hash, PasswordChangedAt: now,
			CreatedAt: now, UpdatedAt: now, Version: 1}
		return s.store.CreateIdentity(ctx, out)
	})
	if err != nil {
		return Identity{}, nil, err
	}
	return out.public(), EmailWarnings(out.Email), nil
}
