package awsses_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http/httptest"

	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/contacts/awsses"
)

// Example sends a notice through Amazon SES v2. A program builds its client
// from its AWS configuration:
//
//	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion("ap-northeast-1"))
//	client := sesv2.NewFromConfig(cfg)
//
// Here a local endpoint stands in for SES.
func Example() {
	ses := &fakeEndpoint{replies: []reply{{429, "TooManyRequestsException"}}}
	srv := httptest.NewServer(ses)
	defer srv.Close()

	tr := awsses.New(sdkClient(srv.URL), awsses.Config{
		From:                 "Reseller <noreply@reseller.example>",
		ConfigurationSetName: "notices",
	})
	m := contacts.Message{
		IdempotencyKey: "charge_alarm/acct-123456789012/2025-04",
		Kind:           contacts.KindChargeAlarm,
		To:             []string{"billing@customer.example"},
		Subject:        "ご利用料金のお知らせ",
		Text:           "今月のご利用料金が設定額を超えました。",
	}
	for attempt := 1; ; attempt++ {
		err := tr.Send(context.Background(), m)
		if err == nil {
			fmt.Println("attempt", attempt, "accepted")
			break
		}
		if errors.Is(err, contacts.ErrPermanent) {
			log.Fatal("will never be delivered: ", err) // the dispatcher dead-letters it
		}
		fmt.Println("attempt", attempt, "retryable failure") // the dispatcher backs off
		if attempt == 3 {
			log.Fatal(err)
		}
	}
	fmt.Println("tag", awsses.TagValue(m.IdempotencyKey))
	// Output:
	// attempt 1 retryable failure
	// attempt 2 accepted
	// tag sha256_426a4dfb20eebd8afea4cf4145511859e1c58ca24e35f604e909e0e6a3f96ddf
}
