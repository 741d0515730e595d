package webhook_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/contacts/webhook"
)

// Example posts a notice to a receiver that verifies the signature and drops
// repeats by webhook-id. The notice is sent twice, as a dispatcher that died
// before recording its success does; the receiver acts once.
func Example() {
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" // shared with the receiver

	var (
		mu   sync.Mutex
		seen = map[string]bool{}
	)
	receiver := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if err := webhook.Verify(secret, r.Header, body, 5*time.Minute, time.Now()); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		id := r.Header.Get(webhook.HeaderID)
		mu.Lock()
		defer mu.Unlock()
		if seen[id] {
			fmt.Println("repeat of", id, "acknowledged")
			return
		}
		seen[id] = true
		var p webhook.Payload
		if err := json.Unmarshal(body, &p); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		fmt.Println("processing", p.Kind, p.Subject, p.To)
	})
	srv := httptest.NewServer(receiver)
	defer srv.Close()

	tr, err := webhook.New(srv.URL+"/hooks/notices", []string{secret})
	if err != nil {
		log.Fatal(err)
	}
	m := contacts.Message{
		IdempotencyKey: "security_incident/acct-123456789012/42",
		Kind:           contacts.KindSecurityIncident,
		Language:       contacts.English,
		To:             []string{"soc@customer.example"},
		Subject:        "Security incident on 123456789012",
		Text:           "GuardDuty reported a high-severity finding.",
	}
	for range 2 {
		if err := tr.Send(context.Background(), m); err != nil {
			log.Fatal(err)
		}
	}
	// Output:
	// processing security_incident Security incident on 123456789012 [soc@customer.example]
	// repeat of security_incident/acct-123456789012/42 acknowledged
}
