package identity

import (
	"context"
	"log/slog"
	"time"
)

// MailKind names what a Mail is for.
type MailKind string

// The mails the Service sends.
const (
	// MailPasswordReset carries a single-use link to set a new password.
	MailPasswordReset MailKind = "identity.password_reset"
	// MailSignup carries a single-use link to create an identity for the address:
	// the proof that the person holds it (RequestSignup).
	MailSignup MailKind = "identity.signup"
)

// Mail is one message the Service asks a Mailer to deliver. It carries data, not
// text: the Mailer (contacts, with its templates in each language) renders it.
type Mail struct {
	Kind      MailKind
	To        string // the identity's email
	Name      string // the identity's display name, may be empty
	Token     string // the secret to put in the link; never log it in production
	ExpiresAt time.Time
}

// Mailer delivers the Service's mails. The contacts package implements it with an
// outbox written in the caller's transaction; LogMailer is for development.
type Mailer interface {
	SendMail(ctx context.Context, m Mail) error
}

// LogMailer writes each mail to a logger instead of sending it, token included, so
// a developer can follow the link. It is for development only: whoever reads the
// log can reset the password.
type LogMailer struct {
	Logger *slog.Logger // nil: slog.Default()
}

// SendMail implements Mailer by logging m.
func (l LogMailer) SendMail(ctx context.Context, m Mail) error {
	log := l.Logger
	if log == nil {
		log = slog.Default()
	}
	log.InfoContext(ctx, "identity mail (development: not sent)", slog.String("kind", string(m.Kind)),
		slog.String("to", m.To), slog.String("token", m.Token), slog.Time("expires_at", m.ExpiresAt))
	return nil
}
