package support

import (
	"context"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
)

// CaseFilter selects cases in Store.ListCases. Zero fields select all.
type CaseFilter struct {
	OrgID     string // "" with the desk's unscoped list only
	AccountID string
	States    []State // any of them; empty: every state
	Assignee  string
}

// Store keeps support cases and their replies (P-1 … P-5). supporttest.TestStore
// checks every implementation. InTx has members.Store.InTx's contract; errors
// wrap the package's sentinels; values are copied in and out; times are UTC at
// microsecond precision; lists page by keyset in the order named.
type Store interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error

	// CreateCase stores a new case. ErrAlreadyExists if its id is used.
	CreateCase(ctx context.Context, c Case) error
	// GetCase returns the case of orgID (any organization's when orgID is "").
	// ErrNotFound.
	GetCase(ctx context.Context, orgID, id string) (Case, error)
	// UpdateCase stores every field of c but ID, OrgID, AccountID, OpenedBy and
	// CreatedAt if c.Version is the stored one, matching by c.OrgID and c.ID, and
	// increments Version. ErrNotFound, ErrConflict.
	UpdateCase(ctx context.Context, c Case) error
	// ListCases returns a page of the cases f selects, newest first (CreatedAt,
	// then ID).
	ListCases(ctx context.Context, f CaseFilter, page resellerkit.Page) ([]Case, string, error)

	// AddReply stores a reply of a case of r.OrgID. ErrNotFound if the case does
	// not exist there; ErrAlreadyExists if the reply id is used.
	AddReply(ctx context.Context, r Reply) error
	// ListReplies returns the replies of orgID's case, oldest first (all of them:
	// a conversation is read whole).
	ListReplies(ctx context.Context, orgID, caseID string) ([]Reply, error)

	// PurgeCases deletes, with their replies, up to limit cases created before
	// cutoff (P-5: retention), oldest first, and returns their ids. A case
	// already purged is not reported again.
	PurgeCases(ctx context.Context, cutoff time.Time, limit int) ([]string, error)
}
