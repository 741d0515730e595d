package contacts

import (
	"context"
	"log/slog"
	"strings"
)

// LogTransport is a Transport that writes each message to a logger instead of
// delivering it: the default of a development portal, and a way to see what
// would be sent. It logs the kind, recipients, subject and idempotency key, and
// the text body only when Bodies is set: a body may hold a single-use link (a
// password reset), which whoever reads the log could then use.
type LogTransport struct {
	Logger *slog.Logger // nil: slog.Default()
	// Bodies adds the text body to each line: for development, where the log is
	// the only way to follow a reset or signup link.
	Bodies bool
}

// Send implements Transport by logging m.
func (l LogTransport) Send(ctx context.Context, m Message) error {
	log := l.Logger
	if log == nil {
		log = slog.Default()
	}
	attrs := []slog.Attr{slog.String("kind", string(m.Kind)), slog.String("to", strings.Join(m.To, ",")),
		slog.String("cc", strings.Join(m.CC, ",")), slog.String("subject", m.Subject), slog.String("key", m.IdempotencyKey)}
	if l.Bodies {
		attrs = append(attrs, slog.String("text", m.Text))
	}
	log.LogAttrs(ctx, slog.LevelInfo, "notice (log transport: not sent)", attrs...)
	return nil
}
