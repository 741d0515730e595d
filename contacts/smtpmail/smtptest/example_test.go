package smtptest_test

import (
	"context"
	"fmt"

	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/contacts/smtpmail"
	"github.com/seeda33a2f4f/resellerkit/contacts/smtpmail/smtptest"
)

// A test sends through smtpmail to the test server and reads what arrived. (In a
// test, smtptest.NewServer(t) starts it and stops it when the test ends.)
func ExampleStart() {
	srv, _ := smtptest.Start()
	defer srv.Close()
	tr, _ := smtpmail.New(smtpmail.Config{Addr: srv.Addr, From: "noreply@example.com", TLS: smtpmail.TLSNone})
	_ = tr.Send(context.Background(), contacts.Message{IdempotencyKey: "k1", To: []string{"a@example.com"}, Subject: "Hello", Text: "Hi"})
	msgs := srv.Messages()
	fmt.Println(len(msgs), msgs[0].Rcpts, msgs[0].Header().Get("Idempotency-Key"))
	// Output: 1 [a@example.com] k1
}
