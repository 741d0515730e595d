package memberstest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/money"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// kind is one versioned record type of the contract, for the cases every type
// shares: version 1 on create, ErrNotFound, ErrAlreadyExists, ErrConflict, copies.
// Records are of organization "o1" (made by base) unless the kind is the
// organization itself.
type kind[T any] struct {
	noun    string
	build   func(orgID, id string) T // a valid record
	version func(*T) *int64
	create  func(s members.Store) func(context.Context, T) error
	get     func(ctx context.Context, s members.Store, orgID, id string) (T, error)
	update  func(s members.Store) func(context.Context, T) error
	change  func(*T) // changes every field the update stores
	fixed   func(*T) // changes fields the update must not store
	alias   func(*T) // changes the contents of the record's slices; nil when it has none
}

// kindCase is what the shared cases need of a kind, whatever its T.
type kindCase interface {
	String() string
	createSetsVersion1(t *testing.T, s members.Store)
	missingIsNotFound(t *testing.T, s members.Store)
	duplicateAlreadyExists(t *testing.T, s members.Store)
	staleVersionConflict(t *testing.T, s members.Store)
	updateStoresItsFields(t *testing.T, s members.Store)
	copiedInAndOut(t *testing.T, s members.Store)
	holdsSlices() bool
	// failingCalls makes, with ctx, calls that must fail; id names a record
	// created before.
	failingCalls(ctx context.Context, s members.Store, id string) []failure
	createOne(ctx context.Context, s members.Store, id string) error
}

func (k kind[T]) String() string { return k.noun }

func (k kind[T]) createOne(ctx context.Context, s members.Store, id string) error {
	return k.create(s)(ctx, k.build("o1", id))
}

// stored returns record id of o1, requiring it to exist.
func (k kind[T]) stored(t *testing.T, s members.Store, id string) T {
	t.Helper()
	v, err := k.get(t.Context(), s, "o1", id)
	require.NoError(t, err)
	return v
}

func (k kind[T]) createSetsVersion1(t *testing.T, s members.Store) {
	v := k.build("o1", "v1")
	*k.version(&v) = 42
	must(t, k.create(s)(t.Context(), v))
	same(t, k.build("o1", "v1"), k.stored(t, s, "v1"), "stored with version 1 whatever the argument held")
}

func (k kind[T]) missingIsNotFound(t *testing.T, s members.Store) {
	_, err := k.get(t.Context(), s, "o1", "missing")
	require.ErrorIs(t, err, members.ErrNotFound, "get")
	require.ErrorIs(t, k.update(s)(t.Context(), k.build("o1", "missing")), members.ErrNotFound, "update")
}

func (k kind[T]) duplicateAlreadyExists(t *testing.T, s members.Store) {
	must(t, k.createOne(t.Context(), s, "d1"))
	dup := k.build("o1", "d1")
	k.change(&dup)
	alreadyExists(t, k.create(s)(t.Context(), dup))
	same(t, k.build("o1", "d1"), k.stored(t, s, "d1"), "the first record stays")
}

func (k kind[T]) staleVersionConflict(t *testing.T, s members.Store) {
	must(t, k.createOne(t.Context(), s, "s1"))
	v := k.stored(t, s, "s1")
	k.change(&v)
	must(t, k.update(s)(t.Context(), v)) // version 1 → 2
	want := v
	*k.version(&want) = 2
	for _, stale := range []int64{1, 3, 0} {
		*k.version(&v) = stale
		err := k.update(s)(t.Context(), v)
		require.ErrorIs(t, err, members.ErrConflict, "version %d", stale)
		assert.NotErrorIs(t, err, members.ErrAlreadyExists, "version %d", stale)
	}
	same(t, want, k.stored(t, s, "s1"), "stale writes change nothing")
}

// updateStoresItsFields: an update stores the fields its Store comment names and
// leaves the others (keys, creation time, what the record was created with) as
// they were.
func (k kind[T]) updateStoresItsFields(t *testing.T, s members.Store) {
	must(t, k.createOne(t.Context(), s, "u1"))
	v := k.stored(t, s, "u1")
	k.change(&v)
	want := v
	*k.version(&want) = 2
	k.fixed(&v)
	must(t, k.update(s)(t.Context(), v))
	same(t, want, k.stored(t, s, "u1"))
}

// holdsSlices reports whether the kind's records hold slices a caller could alias.
func (k kind[T]) holdsSlices() bool { return k.alias != nil }

func (k kind[T]) copiedInAndOut(t *testing.T, s members.Store) {
	v := k.build("o1", "c1")
	must(t, k.create(s)(t.Context(), v))
	k.alias(&v)
	got := k.stored(t, s, "c1")
	same(t, k.build("o1", "c1"), got, "mutating the argument after the call changes nothing stored")
	k.alias(&got)
	same(t, k.build("o1", "c1"), k.stored(t, s, "c1"), "mutating a result changes nothing stored")
	upd := k.stored(t, s, "c1")
	must(t, k.update(s)(t.Context(), upd))
	k.alias(&upd)
	want := k.build("o1", "c1")
	*k.version(&want) = 2
	same(t, want, k.stored(t, s, "c1"), "mutating an update's argument changes nothing stored")
}

// failure is a call that must fail: its name, its error and the sentinel that
// error must wrap.
type failure struct {
	name      string
	err, want error
}

func (k kind[T]) failingCalls(ctx context.Context, s members.Store, id string) []failure {
	dup := k.build("o1", id)
	k.change(&dup)
	stale := k.build("o1", id)
	k.change(&stale)
	*k.version(&stale) = 7
	calls := []failure{
		{k.noun + ": duplicate create", k.create(s)(ctx, dup), members.ErrAlreadyExists},
		{k.noun + ": stale update", k.update(s)(ctx, stale), members.ErrConflict},
		{k.noun + ": missing update", k.update(s)(ctx, k.build("o1", "missing")), members.ErrNotFound},
	}
	if k.noun != "organization" {
		calls = append(calls, failure{k.noun + ": create in a missing organization",
			k.create(s)(ctx, k.build("nope", "n1")), members.ErrNotFound})
	}
	return calls
}

// kinds returns every record type of the contract.
func kinds() []kindCase {
	return []kindCase{
		kind[members.Organization]{
			noun:    "organization",
			build:   func(_, id string) members.Organization { return Org(id, "code-"+id) },
			version: func(o *members.Organization) *int64 { return &o.Version },
			create:  func(s members.Store) func(context.Context, members.Organization) error { return s.CreateOrganization },
			get: func(ctx context.Context, s members.Store, _, id string) (members.Organization, error) {
				return s.GetOrganization(ctx, id)
			},
			update: func(s members.Store) func(context.Context, members.Organization) error { return s.UpdateOrganization },
			change: func(o *members.Organization) {
				o.Name, o.Alias, o.EnforceMFA, o.UpdatedAt = "changed", "CHANGED", true, t0.Add(time.Minute)
			},
			fixed: func(o *members.Organization) { o.Code, o.CreatedAt = "changed", t0.Add(time.Hour) },
		},
		kind[members.Project]{
			noun:    "project",
			build:   Project,
			version: func(p *members.Project) *int64 { return &p.Version },
			create:  func(s members.Store) func(context.Context, members.Project) error { return s.CreateProject },
			get: func(ctx context.Context, s members.Store, org, id string) (members.Project, error) {
				return s.GetProject(ctx, org, id)
			},
			update: func(s members.Store) func(context.Context, members.Project) error { return s.UpdateProject },
			change: func(p *members.Project) {
				p.Name, p.Plan, p.PaymentMethod, p.Currency = "changed", "enterprise", members.PaymentCard, money.USD
				p.InvoiceTo, p.InvoiceCC = []string{"a@x.example"}, nil
				p.Billing = members.BillingSettings{PricingPlan: "discount-5", SupportFeeRule: "flat", ExchangeRatePolicy: "spot"}
				p.UpdatedAt = t0.Add(time.Minute)
			},
			fixed: func(p *members.Project) { p.CreatedAt = t0.Add(time.Hour) },
			alias: func(p *members.Project) { p.InvoiceTo[0], p.InvoiceCC[0] = "mutated@x.example", "mutated@x.example" },
		},
		kind[members.Account]{
			noun:    "account",
			build:   func(org, id string) members.Account { return Account(org, id, "p0") },
			version: func(a *members.Account) *int64 { return &a.Version },
			create:  func(s members.Store) func(context.Context, members.Account) error { return s.CreateAccount },
			get: func(ctx context.Context, s members.Store, org, id string) (members.Account, error) {
				return s.GetAccount(ctx, org, id)
			},
			update: func(s members.Store) func(context.Context, members.Account) error { return s.UpdateAccount },
			change: func(a *members.Account) {
				a.Name, a.Labels, a.ClosedFrom, a.UpdatedAt = "changed", []string{"staging"}, month(6), t0.Add(time.Minute)
				a.Ownership = append(a.Ownership, members.Ownership{ProjectID: nextOwner, From: month(2)})
			},
			fixed: func(a *members.Account) { a.CreatedAt = t0.Add(time.Hour) },
			alias: func(a *members.Account) { a.Labels[0], a.Ownership[0].From = "mutated", month(-5) },
		},
		kind[members.Membership]{
			noun:    "membership",
			build:   Member,
			version: func(m *members.Membership) *int64 { return &m.Version },
			create:  func(s members.Store) func(context.Context, members.Membership) error { return s.CreateMembership },
			get: func(ctx context.Context, s members.Store, org, id string) (members.Membership, error) {
				return s.GetMembership(ctx, org, id)
			},
			update: func(s members.Store) func(context.Context, members.Membership) error { return s.UpdateMembership },
			change: func(m *members.Membership) {
				m.Email, m.Type, m.Permissions, m.UpdatedAt = "changed@example.com", members.MemberPower, nil, t0.Add(time.Minute)
			},
			fixed: func(m *members.Membership) { m.CreatedAt = t0.Add(time.Hour) },
			alias: func(m *members.Membership) { m.Permissions[0] = members.PermOrgEdit },
		},
		kind[members.Invitation]{
			noun:    "invitation",
			build:   func(org, id string) members.Invitation { return Invitation(org, id, mail(id)) },
			version: func(i *members.Invitation) *int64 { return &i.Version },
			create:  func(s members.Store) func(context.Context, members.Invitation) error { return s.CreateInvitation },
			get: func(ctx context.Context, s members.Store, org, id string) (members.Invitation, error) {
				return s.GetInvitation(ctx, org, id)
			},
			update: func(s members.Store) func(context.Context, members.Invitation) error { return s.UpdateInvitation },
			change: func(i *members.Invitation) {
				i.State, i.AcceptedBy, i.DecidedAt = members.InvitationAccepted, "carol", t0.Add(time.Minute)
			},
			fixed: func(i *members.Invitation) {
				i.Email, i.Type, i.Permissions, i.InvitedBy = "other@example.com", members.MemberPower, nil, "mallory"
				i.CreatedAt, i.ExpiresAt = t0.Add(time.Hour), t0.Add(time.Hour)
			},
			alias: func(i *members.Invitation) { i.Permissions[0] = members.PermOrgEdit },
		},
		kind[members.Application]{
			noun:    "application",
			build:   Application,
			version: func(a *members.Application) *int64 { return &a.Version },
			create:  func(s members.Store) func(context.Context, members.Application) error { return s.CreateApplication },
			get: func(ctx context.Context, s members.Store, org, id string) (members.Application, error) {
				return s.GetApplication(ctx, org, id)
			},
			update: func(s members.Store) func(context.Context, members.Application) error { return s.UpdateApplication },
			change: func(a *members.Application) {
				a.State, a.ReviewedBy, a.Reason, a.UpdatedAt = members.AppRejected, "op", "not eligible", t0.Add(time.Minute)
				a.Operation = &members.Operation{State: members.OpFailed, Token: "tok", Owner: "runner", LeaseUntil: t0.Add(2 * time.Minute),
					AWSAccountID: "210987654321", CreateRequestID: "car-1", EffectiveMonth: resellerkit.NewMonth(2026, time.December),
					ContactsReview: true, Reason: "EMAIL_ALREADY_EXISTS",
					Steps: []members.OperationStep{{At: t0.Add(time.Minute), Action: "organizations:CreateAccount", RequestID: "req-1", Outcome: "FAILED"}}}
			},
			fixed: func(a *members.Application) {
				a.Kind, a.AccountID, a.ProjectID, a.Details = members.AppOwnerChange, "999999999999", "p9", "edited"
				a.SubmittedBy, a.CreatedAt = "mallory", t0.Add(time.Hour)
			},
		},
	}
}

// nextOwner is the project of o1 an account changed by its kind moves to (M-3).
const nextOwner = "p-next"

// base makes what every kind's records need: organization o1 and its projects p0,
// the owner of the accounts, and nextOwner.
func base(t *testing.T, s members.Store) {
	t.Helper()
	orgs(t, s, "o1")
	must(t, s.CreateProject(t.Context(), Project("o1", "p0")))
	must(t, s.CreateProject(t.Context(), Project("o1", nextOwner)))
}

// eachKind returns a case that runs check on every kind, in subtests sharing one
// store.
func eachKind(check func(k kindCase, t *testing.T, s members.Store)) func(t *testing.T, s members.Store) {
	return eachKindWhere(func(kindCase) bool { return true }, check)
}

// eachKindWhere is eachKind for the kinds keep accepts: a case that does not apply to
// a kind is not run for it (rather than run and skipped, which CI reads as a
// PostgreSQL suite that did not run).
func eachKindWhere(keep func(kindCase) bool, check func(k kindCase, t *testing.T, s members.Store)) func(t *testing.T, s members.Store) {
	return func(t *testing.T, s members.Store) {
		base(t, s)
		for _, k := range kinds() {
			if keep(k) {
				t.Run(k.String(), func(t *testing.T) { check(k, t, s) })
			}
		}
	}
}

// recordCases are the contract's rules that hold for every record type.
func recordCases() []storeCase {
	return []storeCase{
		{"Store/CreateSetsVersion1", eachKind(kindCase.createSetsVersion1)},
		{"Store/MissingIsNotFound", missingIsNotFound},
		{"Store/DuplicateKeyAlreadyExists", eachKind(kindCase.duplicateAlreadyExists)},
		{"Store/StaleVersionConflict", staleVersionConflict},
		{"Store/UpdateStoresOnlyItsFields", eachKind(kindCase.updateStoresItsFields)},
		{"Store/ValuesCopiedInAndOut", eachKindWhere(kindCase.holdsSlices, kindCase.copiedInAndOut)},
		{"Store/TimesInUTCAtMicroseconds", timesInUTC},
	}
}

func missingIsNotFound(t *testing.T, s members.Store) {
	eachKind(kindCase.missingIsNotFound)(t, s)
	ctx := t.Context()
	require.ErrorIs(t, s.DeleteMembership(ctx, "o1", "missing", 1), members.ErrNotFound, "DeleteMembership")
	_, err := s.FindAccount(ctx, "missing")
	require.ErrorIs(t, err, members.ErrNotFound, "FindAccount")
	for _, l := range listers() {
		if l.Scoped() {
			assert.Empty(t, listed(t, s, l, "nope"), "%s of a missing scope is empty, not an error", l.Name)
		}
	}
}

func staleVersionConflict(t *testing.T, s members.Store) {
	eachKind(kindCase.staleVersionConflict)(t, s)
	ctx := t.Context()
	must(t, s.CreateMembership(ctx, Member("o1", "del")))
	err := s.DeleteMembership(ctx, "o1", "del", 2)
	require.ErrorIs(t, err, members.ErrConflict, "DeleteMembership of a stale version")
	_, err = s.GetMembership(ctx, "o1", "del")
	must(t, err)
}

// timesInUTC: times come back in UTC at microsecond precision whatever zone and
// precision they were given in, and the zero time stays zero.
func timesInUTC(t *testing.T, s members.Store) {
	ctx := t.Context()
	jst := time.FixedZone("JST", 9*3600)
	at := time.Date(2025, 4, 1, 8, 59, 59, 999999999, jst) // still March in UTC
	o := Org("o1", "acme")
	o.CreatedAt, o.UpdatedAt = at, time.Time{}
	must(t, s.CreateOrganization(ctx, o))
	got, err := s.GetOrganization(ctx, "o1")
	must(t, err)
	assert.Equal(t, time.Date(2025, 3, 31, 23, 59, 59, 999999000, time.UTC), got.CreatedAt)
	assert.True(t, got.UpdatedAt.IsZero(), "the zero time means unset")

	inv := Invitation("o1", "i1", "a@example.com")
	inv.ExpiresAt = at
	must(t, s.CreateInvitation(ctx, inv))
	list, _, err := s.ListPendingInvitationsExpiring(ctx, time.Date(2025, 3, 31, 23, 59, 59, 999999000, time.UTC), resellerkit.Page{})
	must(t, err)
	require.Len(t, list, 1, "expiry compared at microsecond precision")
	assert.Equal(t, time.UTC, list[0].ExpiresAt.Location())
	assert.True(t, list[0].DecidedAt.IsZero())
}

// dump returns everything the store holds, as its lists show it, for comparing
// before and after calls that must change nothing.
func dump(t *testing.T, s members.Store) map[string]any {
	t.Helper()
	ctx := t.Context()
	all := func(list func(context.Context, string, resellerkit.Page) ([]any, string, error), org string) any {
		return storetest.All(t, func(p resellerkit.Page) ([]any, string, error) { return list(ctx, org, p) })
	}
	organizations := storetest.All(t, func(p resellerkit.Page) ([]members.Organization, string, error) {
		return s.ListOrganizations(ctx, p)
	})
	out := map[string]any{"organizations": norm(organizations)}
	for _, o := range organizations {
		out[o.ID+"/projects"] = all(anyList(s.ListProjects), o.ID)
		out[o.ID+"/accounts"] = all(anyList(s.ListAccounts), o.ID)
		out[o.ID+"/memberships"] = all(anyList(s.ListMemberships), o.ID)
		out[o.ID+"/invitations"] = all(anyList(s.ListInvitations), o.ID)
		out[o.ID+"/applications"] = all(anyList(s.ListApplications), o.ID)
	}
	return out
}

// anyList adapts a list of T to a list of normalized values.
func anyList[T any](list func(context.Context, string, resellerkit.Page) ([]T, string, error)) func(context.Context, string, resellerkit.Page) ([]any, string, error) {
	return func(ctx context.Context, scope string, p resellerkit.Page) ([]any, string, error) {
		items, next, err := list(ctx, scope, p)
		out := make([]any, len(items))
		for i, v := range items {
			out[i] = norm(v)
		}
		return out, next, err
	}
}
