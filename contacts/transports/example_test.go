package transports_test

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"

	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/contacts/transports"
)

// A program registers the flags, parses them and opens the transport they name.
func Example() {
	fs := flag.NewFlagSet("notifier", flag.ContinueOnError)
	cfg := transports.RegisterFlags(fs)
	_ = fs.Parse([]string{"-mail", "log"})
	log := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}))
	t, err := transports.Open(context.Background(), *cfg, log)
	fmt.Println(err)
	_ = t.Send(context.Background(), contacts.Message{Kind: contacts.KindTestMail, To: []string{"a@example.com"}, Subject: "Test", IdempotencyKey: "k"})
	// Output:
	// <nil>
	// level=INFO msg="notice (log transport: not sent)" kind=test_mail to=a@example.com cc="" subject=Test key=k text=""
}
