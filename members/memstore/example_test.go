package memstore_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/members/memstore"
)

// The transaction travels in the context InTx hands its function: every call made
// with it is part of the transaction, and a failing function keeps nothing. A
// stale version is a conflict; a taken id already exists.
func Example() {
	ctx := context.Background()
	s := memstore.New()
	_ = s.CreateOrganization(ctx, members.Organization{ID: "o1", Code: "acme", Name: "Acme"})

	err := s.InTx(ctx, func(ctx context.Context) error {
		if err := s.CreateProject(ctx, members.Project{ID: "p1", OrgID: "o1", Name: "Web"}); err != nil {
			return err
		}
		_, err := s.GetProject(ctx, "o1", "p1") // the transaction sees its own write
		fmt.Println("inside:", err)
		return errors.New("changed my mind")
	})
	_, getErr := s.GetProject(ctx, "o1", "p1")
	fmt.Println(err, "/ kept:", !errors.Is(getErr, members.ErrNotFound))

	o, _ := s.GetOrganization(ctx, "o1")
	o.Alias = "ACME"
	fmt.Println("update:", s.UpdateOrganization(ctx, o))
	fmt.Println("stale update conflicts:", errors.Is(s.UpdateOrganization(ctx, o), members.ErrConflict))
	err = s.CreateOrganization(ctx, members.Organization{ID: "o2", Code: "acme"})
	fmt.Println("taken code:", errors.Is(err, members.ErrAlreadyExists))
	// Output:
	// inside: <nil>
	// changed my mind / kept: false
	// update: <nil>
	// stale update conflicts: true
	// taken code: true
}

// Lists come a page at a time, in the byte order of their key: pass the token a
// page returns to get the next one; "" means there is none.
func Example_paging() {
	ctx := context.Background()
	s := memstore.New()
	_ = s.CreateOrganization(ctx, members.Organization{ID: "o1", Code: "acme"})
	for _, id := range []string{"web", "api", "batch", "Mobile", "data"} {
		_ = s.CreateProject(ctx, members.Project{ID: id, OrgID: "o1"})
	}
	page := resellerkit.Page{Limit: 2}
	for {
		ps, next, err := s.ListProjects(ctx, "o1", page)
		if err != nil {
			panic(err)
		}
		for _, p := range ps {
			fmt.Print(p.ID, " ")
		}
		fmt.Println("| last page:", next == "")
		if next == "" {
			break
		}
		page.Token = next
	}
	// Output:
	// Mobile api | last page: false
	// batch data | last page: false
	// web | last page: true
}
