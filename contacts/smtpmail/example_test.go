package smtpmail_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"mime"
	"net"
	"net/mail"

	"github.com/emersion/go-smtp"

	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/contacts/smtpmail"
)

// Example sends a Japanese notice to an in-process SMTP server (a real
// deployment names its relay, "smtp.example.com:587", and keeps the default
// STARTTLS mode), then sends it again as a dispatcher does after a crash: the
// server sees the same Message-ID twice and can drop the repeat.
func Example() {
	be := &backend{}
	srv := smtp.NewServer(be)
	srv.Domain = "localhost"
	srv.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go func() { _ = srv.Serve(l) }()
	defer srv.Close()

	tr, err := smtpmail.New(smtpmail.Config{
		Addr: l.Addr().String(),
		From: "お知らせ <noreply@reseller.example>",
		TLS:  smtpmail.TLSNone, // a test server; use TLSStartTLS or TLSImplicit in production
	})
	if err != nil {
		log.Fatal(err)
	}
	m := contacts.Message{
		IdempotencyKey: "maintenance/2025-04-01/acct-123456789012",
		Kind:           contacts.KindMaintenance,
		Language:       contacts.Japanese,
		To:             []string{"ops@customer.example"},
		Subject:        "メンテナンスのお知らせ",
		Text:           "4月1日にメンテナンスを実施します。",
		HTML:           "<p>4月1日にメンテナンスを実施します。</p>",
	}
	for range 2 {
		if err := tr.Send(context.Background(), m); err != nil {
			if errors.Is(err, contacts.ErrPermanent) {
				log.Fatal("will never be delivered: ", err)
			}
			log.Fatal("retry later: ", err)
		}
	}

	for _, r := range be.messages() {
		msg, err := mail.ReadMessage(bytes.NewReader(r.Data))
		if err != nil {
			log.Fatal(err)
		}
		subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		fmt.Println(r.Rcpts, subject, msg.Header.Get("Message-ID"))
	}
	// Output:
	// [ops@customer.example] メンテナンスのお知らせ <bb92e677183b13a08e0f20d0ba83529c@reseller.example>
	// [ops@customer.example] メンテナンスのお知らせ <bb92e677183b13a08e0f20d0ba83529c@reseller.example>
}
