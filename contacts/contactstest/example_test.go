package contactstest_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/contacts/contactstest"
	"github.com/seeda33a2f4f/resellerkit/contacts/memstore"
)

// A store's test runs the suite on fresh stores:
//
//	func TestStore(t *testing.T) {
//		contactstest.TestStore(t, func(t *testing.T) contacts.Store { return memstore.New() })
//	}
//
// The record builders the suite uses are exported for stores' own extra tests;
// here on memstore, the store users put in their own tests.
func Example() {
	ctx := context.Background()
	s := memstore.New()
	_ = s.PutAccountContacts(ctx, contactstest.Contacts("o1", "123456789012"))
	c, _ := s.GetAccountContacts(ctx, "o1", "123456789012")
	fmt.Println(c.Recipients.Security.To, c.Phones[0], "version", c.Version)

	n := contactstest.Notice("o1", "n1")
	_ = s.EnqueueNotice(ctx, n)
	fmt.Println(errors.Is(s.EnqueueNotice(ctx, contactstest.Notice("o2", "n1")), contacts.ErrAlreadyExists))

	claimed, _ := s.ClaimNotices(ctx, "dispatcher-1", n.NextAt, n.NextAt.Add(time.Minute), 10)
	fmt.Println(len(claimed), claimed[0].LeaseOwner, claimed[0].Attempts)
	_ = s.StartNotice(ctx, claimed[0], "dispatcher-1")
	started, _ := s.GetNotice(ctx, "o1", "n1")
	fmt.Println(started.Attempts)
	// Output:
	// [security-123456789012@example.com] +81312345678 version 1
	// true
	// 1 dispatcher-1 0
	// 1
}
