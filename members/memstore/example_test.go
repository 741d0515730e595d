package memstore_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/members/memstore"
)

// A transaction that fails keeps nothing; a stale version is a conflict.
func Example() {
	ctx := context.Background()
	s := memstore.New()
	_ = s.CreateOrganization(ctx, members.Organization{ID: "o1", Code: "acme", Name: "Acme"})

	err := s.InTx(ctx, func(tx members.Store) error {
		if err := tx.CreateProject(ctx, members.Project{ID: "p1", OrgID: "o1", Name: "Web"}); err != nil {
			return err
		}
		return errors.New("changed my mind")
	})
	_, getErr := s.GetProject(ctx, "o1", "p1")
	fmt.Println(err, "/", errors.Is(getErr, members.ErrNotFound))

	o, _ := s.GetOrganization(ctx, "o1")
	o.Alias = "ACME"
	fmt.Println(s.UpdateOrganization(ctx, o))
	fmt.Println(errors.Is(s.UpdateOrganization(ctx, o), members.ErrConflict))
	// Output:
	// changed my mind / true
	// <nil>
	// true
}
