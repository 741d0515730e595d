package contacts

import (
	"slices"
	"time"
)

// Category is one of the three kinds of notification recipients of an AWS account
// (C-1): 料金 (billing), 技術 (technical), セキュリティ (security).
type Category string

// The categories of C-1.
const (
	Billing   Category = "billing"
	Technical Category = "technical"
	Security  Category = "security"
)

// Categories returns the categories in a fixed order.
func Categories() []Category { return []Category{Billing, Technical, Security} }

// List is one category's recipients: TO holds 1..6 addresses, CC 0..6 (C-1), each
// lower-cased and at most once in the list.
type List struct {
	To []string
	CC []string
}

// Clone returns a deep copy of l.
func (l List) Clone() List {
	return List{To: slices.Clone(l.To), CC: slices.Clone(l.CC)}
}

// Recipients are an account's three lists (C-1).
type Recipients struct {
	Billing   List
	Technical List
	Security  List
}

// For returns the list of category c (an empty List for an unknown category).
func (r Recipients) For(c Category) List {
	switch c {
	case Billing:
		return r.Billing
	case Technical:
		return r.Technical
	case Security:
		return r.Security
	}
	return List{}
}

// Clone returns a deep copy of r.
func (r Recipients) Clone() Recipients {
	return Recipients{Billing: r.Billing.Clone(), Technical: r.Technical.Clone(), Security: r.Security.Clone()}
}

// Language is the language notices to an account are written in (C-2): a BCP 47
// primary language subtag. The Service accepts Japanese and English, and every
// language its Renderer has templates for (WithRenderer).
type Language string

// The languages of C-2.
const (
	Japanese Language = "ja"
	English  Language = "en"
)

// AccountContacts is what an AWS account's owners keep for notices (C-1 … C-3): the
// recipients, the language, and the emergency phones called in order when a
// security incident occurs.
type AccountContacts struct {
	OrgID      string
	AccountID  string
	Recipients Recipients
	Language   Language
	// Phones are 1..3 numbers in E.164 form ("+81312345678"), in the order they are
	// called (C-3). Used for security incidents only.
	Phones    []string
	UpdatedAt time.Time
	// Version is the optimistic-concurrency version: 0 for an account whose
	// contacts were never set, 1 after the first save.
	Version int64
}

// Clone returns a deep copy of c.
func (c AccountContacts) Clone() AccountContacts {
	c.Recipients = c.Recipients.Clone()
	c.Phones = slices.Clone(c.Phones)
	return c
}
