package awsaccount_test

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account/types"

	"github.com/seeda33a2f4f/resellerkit/contacts"
	contactsaws "github.com/seeda33a2f4f/resellerkit/contacts/awsaccount"
	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/awsaccount"
)

// The check calls AWS Account Management with the payer's own credentials
// (config.LoadDefaultConfig in a program) and takes the contacts from
// resellerkit's contacts; here a fixed set. Nothing calls AWS until Observe or
// Repair.
func Example() {
	payer := aws.Config{Region: "us-east-1"}
	contactsOf := func(_ context.Context, id string) (contacts.AccountContacts, error) {
		return contacts.AccountContacts{AccountID: id,
			Recipients: contacts.Recipients{Security: contacts.List{To: []string{"soc@example.co.jp"}}},
			Phones:     []string{"+81312345678"}}, nil
	}
	var check security.Check = awsaccount.New(payer, contactsOf,
		contactsaws.WithNameTitle(types.AlternateContactTypeSecurity, "SOC", "Security operations"))
	fmt.Println(check.Control())
	// Output: security-alternate-contact
}
