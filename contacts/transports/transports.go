// Package transports builds a contacts.Transport from configuration, so that a
// program (a portal, a notifier) chooses SMTP, Amazon SES, webhooks or a log with
// flags instead of wiring each adapter itself.
//
//	fs := flag.NewFlagSet("notifier", flag.ContinueOnError)
//	cfg := transports.RegisterFlags(fs)
//	…
//	t, err := transports.Open(ctx, *cfg, logger)
//
// Secrets never come from flags (they would show in the process list): the SMTP
// password from $RESELLERKIT_SMTP_PASSWORD, webhook secrets from
// $RESELLERKIT_WEBHOOK_SECRETS (space-separated, the new one first during a
// rotation). SES takes the AWS SDK's default credential chain and region. The
// log transport (the default) writes text bodies, links included, to the log:
// it is for development.
package transports

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/contacts/awsses"
	"github.com/seeda33a2f4f/resellerkit/contacts/smtpmail"
	"github.com/seeda33a2f4f/resellerkit/contacts/webhook"
)

// Kind names a transport.
type Kind string

// The transports.
const (
	Log     Kind = "log"
	SMTP    Kind = "smtp"
	SES     Kind = "ses"
	Webhook Kind = "webhook"
)

// Environment variables holding secrets.
const (
	EnvSMTPPassword   = "RESELLERKIT_SMTP_PASSWORD"
	EnvWebhookSecrets = "RESELLERKIT_WEBHOOK_SECRETS"
)

// Config chooses and configures a transport.
type Config struct {
	Kind Kind
	// From is the sender of SMTP and SES mail.
	From string
	// SMTPAddr, SMTPUser and SMTPTLS configure SMTP (the password comes from
	// EnvSMTPPassword).
	SMTPAddr string
	SMTPUser string
	SMTPTLS  smtpmail.TLSMode
	// SESConfigurationSet optionally names an SES configuration set.
	SESConfigurationSet string
	// WebhookURL is where webhooks are posted (the secrets come from
	// EnvWebhookSecrets).
	WebhookURL string
}

// RegisterFlags defines the transport flags on fs (-mail, -mail-from, -smtp-addr,
// -smtp-user, -smtp-tls, -ses-configuration-set, -webhook-url) and returns the
// Config they fill when fs is parsed.
func RegisterFlags(fs *flag.FlagSet) *Config {
	c := &Config{Kind: Log}
	fs.Func("mail", "where notices go: log (default), smtp, ses or webhook", func(s string) error {
		switch k := Kind(s); k {
		case Log, SMTP, SES, Webhook:
			c.Kind = k
			return nil
		}
		return fmt.Errorf("must be log, smtp, ses or webhook")
	})
	fs.StringVar(&c.From, "mail-from", "", "the sender of notices (smtp, ses), e.g. noreply@reseller.example")
	fs.StringVar(&c.SMTPAddr, "smtp-addr", "", "the SMTP server, host:port (password in $"+EnvSMTPPassword+")")
	fs.StringVar(&c.SMTPUser, "smtp-user", "", "the SMTP user (AUTH PLAIN or LOGIN, whichever the server offers)")
	c.SMTPTLS = smtpmail.TLSStartTLS
	fs.Func("smtp-tls", "starttls (required, default), opportunistic, implicit or none", func(s string) error {
		return c.SMTPTLS.UnmarshalText([]byte(s))
	})
	fs.StringVar(&c.SESConfigurationSet, "ses-configuration-set", "", "the SES configuration set (optional)")
	fs.StringVar(&c.WebhookURL, "webhook-url", "", "where webhooks are posted (secrets in $"+EnvWebhookSecrets+")")
	return c
}

// Open returns the transport cfg describes; log is the logger of the log
// transport. A missing setting is an error naming the flag.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (contacts.Transport, error) {
	need := func(v, flagName string) error {
		if v == "" {
			return fmt.Errorf("transports: -mail %s needs -%s", cfg.Kind, flagName)
		}
		return nil
	}
	switch cfg.Kind {
	case Log, "":
		// The log transport is for development: its bodies carry the reset and
		// signup links a developer follows.
		return contacts.LogTransport{Logger: log, Bodies: true}, nil
	case SMTP:
		if err := errors.Join(need(cfg.SMTPAddr, "smtp-addr"), need(cfg.From, "mail-from")); err != nil {
			return nil, err
		}
		return smtpmail.New(smtpmail.Config{Addr: cfg.SMTPAddr, From: cfg.From, Username: cfg.SMTPUser,
			Password: os.Getenv(EnvSMTPPassword), TLS: cfg.SMTPTLS})
	case SES:
		if err := need(cfg.From, "mail-from"); err != nil {
			return nil, err
		}
		aws, err := config.LoadDefaultConfig(ctx)
		if err != nil {
			return nil, fmt.Errorf("transports: AWS configuration: %w", err)
		}
		return awsses.New(sesv2.NewFromConfig(aws), awsses.Config{From: cfg.From, ConfigurationSetName: cfg.SESConfigurationSet}), nil
	case Webhook:
		if err := need(cfg.WebhookURL, "webhook-url"); err != nil {
			return nil, err
		}
		secrets := strings.Fields(os.Getenv(EnvWebhookSecrets))
		if len(secrets) == 0 {
			return nil, fmt.Errorf("transports: -mail webhook needs $%s (whsec_… secrets)", EnvWebhookSecrets)
		}
		return webhook.New(cfg.WebhookURL, secrets)
	}
	return nil, fmt.Errorf("transports: unknown transport %q", cfg.Kind)
}
