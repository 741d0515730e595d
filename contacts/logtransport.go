package contacts

import (
	"context"
	"log/slog"
	"strings"
)

// LogTransport is a Transport that writes each message to a logger instead of
// delivering it: the default of a development portal, and a way to see what
// would be sent. It logs the kind, recipients, subject and idempotency key, not
// the body (which may hold a single-use link).
type LogTransport struct {
	Logger *slog.Logger // nil: slog.Default()
}

// Send implements Transport by logging m.
func (l LogTransport) Send(ctx context.Context, m Message) error {
	log := l.Logger
	if log == nil {
		log = slog.Default()
	}
	log.InfoContext(ctx, "notice (log transport: not sent)", slog.String("kind", string(m.Kind)),
		slog.String("to", strings.Join(m.To, ",")), slog.String("cc", strings.Join(m.CC, ",")),
		slog.String("subject", m.Subject), slog.String("key", m.IdempotencyKey))
	return nil
}
