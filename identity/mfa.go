package identity

import (
	"context"
	"encoding/base32"
	"errors"
	"time"
)

// MFAStatus says which second factors an identity has (I-3).
type MFAStatus struct {
	TOTP          bool // a confirmed authenticator app
	Passkeys      int  // registered passkeys
	RecoveryCodes int  // unused recovery codes
}

// Enabled reports whether sign-in with a password needs a second factor: once an
// authenticator app is confirmed or a passkey registered.
func (m MFAStatus) Enabled() bool { return m.TOTP || m.Passkeys > 0 }

// MFAStatus returns the identity's second factors.
func (s *Service) MFAStatus(ctx context.Context, identityID string) (MFAStatus, error) {
	var st MFAStatus
	t, err := s.store.GetTOTP(ctx, identityID)
	switch {
	case err == nil:
		st.TOTP = t.Confirmed
	case !errors.Is(err, ErrNotFound):
		return MFAStatus{}, err
	}
	pks, err := s.store.ListPasskeys(ctx, identityID)
	if err != nil {
		return MFAStatus{}, err
	}
	st.Passkeys = len(pks)
	if st.RecoveryCodes, err = s.store.CountRecoveryCodes(ctx, identityID); err != nil {
		return MFAStatus{}, err
	}
	return st, nil
}

// TOTPEnrollment is what a person needs to add the identity to an authenticator
// app: the secret in base32 (to type in) and the otpauth:// URI (to show as a QR
// code).
type TOTPEnrollment struct {
	Secret string
	URI    string
}

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// BeginTOTP starts enrolling an authenticator app (I-3): it stores a new,
// unconfirmed secret (replacing an unconfirmed one) and returns it. The app counts
// as a factor only after ConfirmTOTP. ErrAlreadyExists if the identity has a
// confirmed app: remove it first. ErrWrongPassword for a wrong password, or one
// changed or reset while it was being checked (I-4: nothing is stored).
func (s *Service) BeginTOTP(ctx context.Context, a Auth, password string) (TOTPEnrollment, error) {
	if err := a.session(); err != nil {
		return TOTPEnrollment{}, err
	}
	identityID := a.Identity.ID
	secret, err := NewTOTPSecret()
	if err != nil {
		return TOTPEnrollment{}, err
	}
	var email string
	err = s.withPassword(ctx, identityID, password, func(ctx context.Context) error {
		id, err := s.store.GetIdentity(ctx, identityID)
		if err != nil {
			return err
		}
		email = id.Email
		cur, err := s.store.GetTOTP(ctx, identityID)
		switch {
		case err == nil && cur.Confirmed:
			return errors.Join(ErrAlreadyExists, errors.New("identity: an authenticator app is already set up; remove it first"))
		case err == nil:
			if err := s.store.DeleteTOTP(ctx, identityID); err != nil {
				return err
			}
		case !errors.Is(err, ErrNotFound):
			return err
		}
		return s.store.CreateTOTP(ctx, TOTP{IdentityID: identityID, Secret: secret, CreatedAt: s.clock()})
	})
	if err != nil {
		return TOTPEnrollment{}, err
	}
	return TOTPEnrollment{Secret: b32.EncodeToString(secret), URI: TOTPURI(s.issuer, email, secret)}, nil
}

// ConfirmTOTP completes enrollment with a code from the app: the app becomes a
// second factor and the code's step is used. If the identity had no recovery
// codes, RecoveryCodeCount new ones are returned, to be shown once (I-3).
// ErrUnauthenticated for a wrong code, ErrNotFound without BeginTOTP.
func (s *Service) ConfirmTOTP(ctx context.Context, a Auth, code string) ([]string, error) {
	if err := a.session(); err != nil {
		return nil, err
	}
	identityID := a.Identity.ID
	var codes []string
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		codes = nil
		t, err := s.store.GetTOTP(ctx, identityID)
		if err != nil {
			return err
		}
		if t.Confirmed {
			return errors.Join(ErrAlreadyExists, errors.New("identity: the authenticator app is already confirmed"))
		}
		step, ok := MatchTOTP(t.Secret, code, s.clock(), t.LastStep)
		if !ok {
			return ErrUnauthenticated
		}
		t.Confirmed, t.LastStep = true, step
		if err := s.store.UpdateTOTP(ctx, t); err != nil {
			return err
		}
		codes, err = s.ensureRecoveryCodes(ctx, identityID)
		return err
	})
	return codes, err
}

// RemoveTOTP removes the identity's authenticator app after checking the password.
// When no second factor remains, the recovery codes go too. ErrWrongPassword for
// a wrong password, or one changed or reset while it was being checked (I-4:
// nothing is removed, so a removal in flight from a session a reset is ending
// does not strip the factor).
func (s *Service) RemoveTOTP(ctx context.Context, a Auth, password string) error {
	if err := a.session(); err != nil {
		return err
	}
	identityID := a.Identity.ID
	return s.withPassword(ctx, identityID, password, func(ctx context.Context) error {
		if err := s.store.DeleteTOTP(ctx, identityID); err != nil {
			return err
		}
		return s.dropCodesIfNoFactor(ctx, identityID)
	})
}

// withPassword checks the identity's current password before a sensitive change
// (verifyCurrent), then runs fn, the change, in a transaction that first requires
// that password to still be the identity's (inTxAsVerified): ErrWrongPassword,
// and nothing done, if it is wrong or was changed or reset meanwhile (I-4).
func (s *Service) withPassword(ctx context.Context, identityID, password string, fn func(ctx context.Context) error) error {
	verified, err := s.verifyCurrent(ctx, identityID, password)
	if err != nil {
		return err
	}
	return s.inTxAsVerified(ctx, identityID, verified, fn)
}

// verifyCurrent checks the identity's current password before a sensitive change:
// ErrWrongPassword if it is wrong. Attempts count like sign-ins against the
// identity's email (reserved before the check), so this cannot be used to guess a
// password past the throttle. It returns when the password it checked was set
// (the identity's PasswordChangedAt), for inTxAsVerified.
func (s *Service) verifyCurrent(ctx context.Context, identityID, password string) (time.Time, error) {
	id, err := s.store.GetIdentity(ctx, identityID)
	if err != nil {
		return time.Time{}, err
	}
	r, err := s.reserve(ctx, limit{emailKey(id.Email), s.policy.FailureLimit})
	if err != nil {
		return time.Time{}, err
	}
	ok, _, err := s.hasher.Verify(ctx, id.PasswordHash, password)
	switch {
	case err != nil:
		return time.Time{}, errors.Join(err, r.release(ctx, 0))
	case !ok:
		return time.Time{}, ErrWrongPassword
	}
	return id.PasswordChangedAt, r.release(ctx, 0)
}

// inTxAsVerified runs fn, a change a password check allowed, in a transaction
// that first re-reads the identity and requires the password verifyCurrent
// checked, set at verified, to still be its password: its PasswordChangedAt is
// still verified. A change or reset committed since (the check takes the hasher's
// time) ended every other session and made the checked password wrong: the
// answer is ErrWrongPassword, as for a wrong password, and fn does not run, so a
// change in flight from a session the reset is ending cannot strip a second
// factor or undo the reset (I-4). The hash is not what is compared: a sign-in
// meanwhile may have replaced it by a new hash of the same password (rehash),
// which changes no password (nextPasswordChange).
func (s *Service) inTxAsVerified(ctx context.Context, identityID string, verified time.Time, fn func(ctx context.Context) error) error {
	return s.store.InTx(ctx, func(ctx context.Context) error {
		id, err := s.store.GetIdentity(ctx, identityID)
		if err != nil {
			return err
		}
		if !id.PasswordChangedAt.Equal(verified) {
			return ErrWrongPassword
		}
		return fn(ctx)
	})
}

// dropCodesIfNoFactor removes the recovery codes once no second factor remains:
// they recover a factor, and would otherwise wait to surprise the next enrollment.
func (s *Service) dropCodesIfNoFactor(ctx context.Context, identityID string) error {
	st, err := s.MFAStatus(ctx, identityID)
	if err != nil || st.Enabled() {
		return err
	}
	return s.store.ReplaceRecoveryCodes(ctx, identityID, nil)
}

// useTOTP accepts code for the identity's confirmed app, at most once per step:
// the step is advanced atomically, so of two requests with the same code only one
// passes. ErrUnauthenticated otherwise.
func (s *Service) useTOTP(ctx context.Context, identityID, code string) error {
	t, err := s.store.GetTOTP(ctx, identityID)
	if errors.Is(err, ErrNotFound) {
		return ErrUnauthenticated
	}
	if err != nil {
		return err
	}
	step, ok := MatchTOTP(t.Secret, code, s.clock(), t.LastStep)
	if !t.Confirmed || !ok {
		return ErrUnauthenticated
	}
	err = s.store.AdvanceTOTPStep(ctx, identityID, step)
	if errors.Is(err, ErrConflict) || errors.Is(err, ErrNotFound) {
		return ErrUnauthenticated // replayed concurrently, or removed meanwhile
	}
	return err
}

// useRecoveryCode spends one recovery code. ErrUnauthenticated if it is not one of
// the identity's unused codes.
func (s *Service) useRecoveryCode(ctx context.Context, identityID, code string) error {
	norm, ok := NormalizeRecoveryCode(code)
	if !ok {
		return ErrUnauthenticated
	}
	err := s.store.UseRecoveryCode(ctx, identityID, hashSecret(norm))
	if errors.Is(err, ErrNotFound) {
		return ErrUnauthenticated
	}
	return err
}

// ensureRecoveryCodes gives the identity RecoveryCodeCount new codes if it has
// none, and returns them (nil if it had some).
func (s *Service) ensureRecoveryCodes(ctx context.Context, identityID string) ([]string, error) {
	n, err := s.store.CountRecoveryCodes(ctx, identityID)
	if err != nil || n > 0 {
		return nil, err
	}
	return s.replaceRecoveryCodes(ctx, identityID)
}

func (s *Service) replaceRecoveryCodes(ctx context.Context, identityID string) ([]string, error) {
	codes, err := NewRecoveryCodes()
	if err != nil {
		return nil, err
	}
	hashes := make([]string, len(codes))
	for i, c := range codes {
		norm, _ := NormalizeRecoveryCode(c)
		hashes[i] = hashSecret(norm)
	}
	if err := s.store.ReplaceRecoveryCodes(ctx, identityID, hashes); err != nil {
		return nil, err
	}
	return codes, nil
}

// RegenerateRecoveryCodes replaces every recovery code of the identity by
// RecoveryCodeCount new ones after checking the password, and returns them to be
// shown once. The identity must have MFA on. ErrWrongPassword for a wrong
// password, or one changed or reset while it was being checked (I-4: the codes
// stay).
func (s *Service) RegenerateRecoveryCodes(ctx context.Context, a Auth, password string) ([]string, error) {
	if err := a.session(); err != nil {
		return nil, err
	}
	identityID := a.Identity.ID
	var codes []string
	err := s.withPassword(ctx, identityID, password, func(ctx context.Context) error {
		codes = nil
		st, err := s.MFAStatus(ctx, identityID)
		if err != nil {
			return err
		}
		if !st.Enabled() {
			return invalid("recovery_codes", "", "I-3", "set up an authenticator app or a passkey first")
		}
		codes, err = s.replaceRecoveryCodes(ctx, identityID)
		return err
	})
	return codes, err
}
