package awsaccount

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/account/types"

	"github.com/seeda33a2f4f/resellerkit/contacts"
)

// The examples run on the package's in-memory fake of AWS Account Management; a
// program passes New an *account.Client of the management account instead.

func exampleContacts() contacts.AccountContacts {
	return contacts.AccountContacts{
		AccountID: "123456789012",
		Recipients: contacts.Recipients{
			Billing:   contacts.List{To: []string{"billing@example.co.jp"}},
			Technical: contacts.List{To: []string{"ops@example.co.jp"}},
			Security:  contacts.List{To: []string{"security@example.co.jp"}},
		},
		Phones: []string{"+819012345678"},
	}
}

// A first Sync creates the three alternate contacts, a second one writes only what
// changed.
func Example() {
	ctx := context.Background()
	s := newWithAPI(newFake(), WithDeskPhone("+81-3-1234-5678"))
	c := exampleContacts()

	rep, err := s.Sync(ctx, c)
	if err != nil {
		fmt.Println(err)
	}
	for _, r := range rep.Results {
		fmt.Println(r)
	}

	c.Recipients.Billing.To = []string{"keiri@example.co.jp"}
	rep, err = s.Sync(ctx, c)
	if err != nil {
		fmt.Println(err)
	}
	for _, r := range rep.Results {
		fmt.Println(r)
	}
	// Output:
	// BILLING: created
	// OPERATIONS: created
	// SECURITY: created
	// BILLING: updated (EmailAddress)
	// OPERATIONS: unchanged
	// SECURITY: unchanged
}

// When AWS refuses one type, the others are still synced and the error says which
// one failed and why.
func ExampleSyncer_Sync_partialFailure() {
	api := newFake()
	api.failNext("Get", "123456789012", types.AlternateContactTypeSecurity,
		&types.AccessDeniedException{Message: aws.String("not authorized")})
	s := newWithAPI(api, WithDeskPhone("+81-3-1234-5678"))

	rep, err := s.Sync(context.Background(), exampleContacts())
	for _, r := range rep.Results {
		fmt.Println(r.Type, r.Status)
	}
	var te *TypeError
	if errors.As(err, &te) {
		fmt.Println(te.Type, te.Op, errors.Is(err, ErrAccessDenied))
	}
	// Output:
	// BILLING created
	// OPERATIONS created
	// SECURITY failed
	// SECURITY GetAlternateContact true
}

// New takes the management account's client. In a program the client comes from
// config.LoadDefaultConfig and account.NewFromConfig.
func ExampleNew() {
	client := account.New(account.Options{Region: "us-east-1"})
	s := New(client,
		WithDeskPhone("+81-3-1234-5678"),
		WithNameTitle(types.AlternateContactTypeBilling, "Billing team", "請求担当"),
	)
	_ = s // s.SyncAll(ctx, list, 0) syncs every account, two at a time.
}
