package memberstest_test

import (
	"context"
	"fmt"

	"github.com/seeda33a2f4f/resellerkit/members/memberstest"
	"github.com/seeda33a2f4f/resellerkit/members/memstore"
)

// A store's test calls memberstest.TestStore(t, newStore) and
// memberstest.TestService(t, newStore); the record builders the suite uses are
// exported for stores' own extra tests.
func Example() {
	ctx := context.Background()
	s := memstore.New()
	_ = s.CreateOrganization(ctx, memberstest.Org("o1", "acme"))
	_ = s.CreateProject(ctx, memberstest.Project("o1", "p1")) // an account's owner must exist (M-3)
	_ = s.CreateAccount(ctx, memberstest.Account("o1", "123456789012", "p1"))
	a, _ := s.GetAccount(ctx, "o1", "123456789012")
	from := a.Ownership[0].From
	owner, _ := a.ProjectAt(from)
	_, before := a.ProjectAt(from.Prev())
	fmt.Println(a.ID, "owned by", owner, "from", from, "/ owned before:", before, "/ version", a.Version)
	// Output:
	// 123456789012 owned by p1 from 2025-01 / owned before: false / version 1
}
