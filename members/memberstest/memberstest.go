package memberstest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/members"
)

// T0 is the base time of the suite's records: UTC, microsecond precision.
var T0 = time.Date(2025, time.January, 15, 10, 20, 30, 123456000, time.UTC)

// month returns the first instant of the UTC month at T0 plus n months.
func month(n int) time.Time { return members.MonthStart(T0).AddDate(0, n, 0) }

// Org returns a valid organization record with id and code.
func Org(id, code string) members.Organization {
	return members.Organization{ID: id, Code: code, Name: "Org " + id, Alias: "", EnforceMFA: false,
		CreatedAt: T0, UpdatedAt: T0, Version: 1}
}

// Project returns a valid project record of orgID.
func Project(orgID, id string) members.Project {
	return members.Project{ID: id, OrgID: orgID, Name: "Project " + id, Plan: "standard",
		PaymentMethod: members.PaymentBankTransfer, Currency: members.CurrencyJPY,
		InvoiceTo: []string{"to1@" + orgID + ".example", "to2@" + orgID + ".example"},
		InvoiceCC: []string{"cc@" + orgID + ".example"},
		Billing:   members.BillingSettings{PricingPlan: "list", SupportFeeRule: "ten-percent", ExchangeRatePolicy: "ttm-month-end"},
		CreatedAt: T0, UpdatedAt: T0, Version: 1}
}

// Account returns a valid account record of orgID owned by projectID from T0's month.
func Account(orgID, id, projectID string) members.Account {
	return members.Account{ID: id, OrgID: orgID, Name: "acct " + id, Labels: []string{"prod", "web"},
		Ownership: []members.Ownership{{ProjectID: projectID, From: month(0)}},
		CreatedAt: T0, UpdatedAt: T0, Version: 1}
}

// Member returns a valid general membership of identityID in orgID.
func Member(orgID, identityID string) members.Membership {
	return members.Membership{OrgID: orgID, IdentityID: identityID, Email: identityID + "@example.com",
		Type: members.MemberGeneral, Permissions: []members.Permission{members.PermAccountView, members.PermProjectView},
		CreatedAt: T0, UpdatedAt: T0, Version: 1}
}

// Invitation returns a valid pending invitation of orgID for email.
func Invitation(orgID, id, email string) members.Invitation {
	return members.Invitation{ID: id, OrgID: orgID, Email: email, Type: members.MemberGeneral,
		Permissions: []members.Permission{members.PermProjectView}, State: members.InvitationPending,
		InvitedBy: "alice", CreatedAt: T0, ExpiresAt: T0.Add(7 * 24 * time.Hour), Version: 1}
}

// Application returns a valid submitted application of orgID.
func Application(orgID, id string) members.Application {
	return members.Application{ID: id, OrgID: orgID, Kind: members.AppAccountClosure, State: members.AppSubmitted,
		AccountID: "123456789012", Details: "closing", SubmittedBy: "alice", CreatedAt: T0, UpdatedAt: T0, Version: 1}
}

// norm makes nil and empty slices equal for comparison.
func norm(v any) any {
	switch x := v.(type) {
	case members.Project:
		x.InvoiceTo, x.InvoiceCC = nilIfEmpty(x.InvoiceTo), nilIfEmpty(x.InvoiceCC)
		return x
	case members.Account:
		x.Labels, x.Ownership = nilIfEmpty(x.Labels), nilIfEmpty(x.Ownership)
		return x
	case members.Membership:
		x.Permissions = nilIfEmpty(x.Permissions)
		return x
	case members.Invitation:
		x.Permissions = nilIfEmpty(x.Permissions)
		return x
	case []members.Project:
		return normAll(x)
	case []members.Account:
		return normAll(x)
	case []members.Membership:
		return normAll(x)
	case []members.Invitation:
		return normAll(x)
	case []members.Organization:
		return nilIfEmpty(x)
	case []members.Application:
		return nilIfEmpty(x)
	}
	return v
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

func normAll[T any](s []T) []any {
	if len(s) == 0 {
		return nil
	}
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = norm(v)
	}
	return out
}

func same(t *testing.T, want, got any, msg ...any) {
	t.Helper()
	require.Equal(t, norm(want), norm(got), msg...)
}

func must(t *testing.T, err error) {
	t.Helper()
	require.NoError(t, err)
}

// TestStore runs the conformance suite. newStore must return a fresh, empty store for
// every call; it is called once per subtest.
func TestStore(t *testing.T, newStore func(t *testing.T) members.Store) {
	ctx := context.Background()
	run := func(name string, f func(t *testing.T, s members.Store)) {
		t.Run(name, func(t *testing.T) { f(t, newStore(t)) })
	}

	run("Organization/CRUD", func(t *testing.T, s members.Store) {
		o := Org("o1", "acme")
		o.Alias, o.EnforceMFA = "ACME", true
		must(t, s.CreateOrganization(ctx, o))
		got, err := s.GetOrganization(ctx, "o1")
		must(t, err)
		same(t, o, got)

		got.Name, got.Alias, got.EnforceMFA, got.UpdatedAt = "Acme 2", "", false, T0.Add(time.Hour)
		got.Code, got.CreatedAt = "changed", T0.Add(time.Hour) // must be ignored
		must(t, s.UpdateOrganization(ctx, got))
		after, err := s.GetOrganization(ctx, "o1")
		must(t, err)
		want := o
		want.Name, want.Alias, want.EnforceMFA, want.UpdatedAt, want.Version = "Acme 2", "", false, T0.Add(time.Hour), 2
		same(t, want, after, "code and created-at are immutable (M-1); version increments")

		must(t, s.CreateOrganization(ctx, Org("o0", "beta")))
		assert.Equal(t, []string{"o0", "o1"}, orgIDs(t)(s.ListOrganizations(ctx)), "ordered by id")
	})

	run("Organization/CreateSetsVersion1", func(t *testing.T, s members.Store) {
		o := Org("o1", "acme")
		o.Version = 42
		must(t, s.CreateOrganization(ctx, o))
		got, err := s.GetOrganization(ctx, "o1")
		must(t, err)
		assert.Equal(t, int64(1), got.Version)
	})

	run("Organization/NotFound", func(t *testing.T, s members.Store) {
		_, err := s.GetOrganization(ctx, "nope")
		require.ErrorIs(t, err, members.ErrNotFound)
		err = s.UpdateOrganization(ctx, Org("nope", "nope"))
		require.ErrorIs(t, err, members.ErrNotFound)
		list, err := s.ListOrganizations(ctx)
		must(t, err)
		assert.Empty(t, list)
	})

	run("Organization/DuplicateIDOrCodeConflict", func(t *testing.T, s members.Store) {
		must(t, s.CreateOrganization(ctx, Org("o1", "acme")))
		require.ErrorIs(t, s.CreateOrganization(ctx, Org("o2", "acme")), members.ErrConflict, "unique code (M-1)")
		require.ErrorIs(t, s.CreateOrganization(ctx, Org("o1", "other")), members.ErrConflict, "unique id")
		list, err := s.ListOrganizations(ctx)
		must(t, err)
		require.Len(t, list, 1)
		same(t, Org("o1", "acme"), list[0])
	})

	run("Organization/StaleVersionConflict", func(t *testing.T, s members.Store) {
		must(t, s.CreateOrganization(ctx, Org("o1", "acme")))
		o, err := s.GetOrganization(ctx, "o1")
		must(t, err)
		o.Alias = "first"
		must(t, s.UpdateOrganization(ctx, o))
		o.Alias = "second" // still version 1
		require.ErrorIs(t, s.UpdateOrganization(ctx, o), members.ErrConflict)
		got, err := s.GetOrganization(ctx, "o1")
		must(t, err)
		assert.Equal(t, "first", got.Alias, "a stale write changes nothing")
		assert.Equal(t, int64(2), got.Version)
	})

	run("Project/CRUD", func(t *testing.T, s members.Store) {
		must(t, s.CreateOrganization(ctx, Org("o1", "acme")))
		p := Project("o1", "p2")
		must(t, s.CreateProject(ctx, p))
		must(t, s.CreateProject(ctx, Project("o1", "p1")))
		got, err := s.GetProject(ctx, "o1", "p2")
		must(t, err)
		same(t, p, got)

		got.Name, got.Plan, got.PaymentMethod, got.Currency = "Renamed", "enterprise", members.PaymentCard, members.CurrencyUSD
		got.InvoiceTo, got.InvoiceCC = []string{"a@x.example"}, nil
		got.Billing = members.BillingSettings{PricingPlan: "discount-5", SupportFeeRule: "flat", ExchangeRatePolicy: "spot"}
		got.UpdatedAt = T0.Add(time.Minute)
		must(t, s.UpdateProject(ctx, got))
		after, err := s.GetProject(ctx, "o1", "p2")
		must(t, err)
		got.Version = 2
		same(t, got, after)

		list, err := s.ListProjects(ctx, "o1")
		require.Equal(t, []string{"p1", "p2"}, projectIDs(t)(list, err), "ordered by id")
		same(t, after, list[1])
	})

	run("Project/NotFoundAndDuplicate", func(t *testing.T, s members.Store) {
		must(t, s.CreateOrganization(ctx, Org("o1", "acme")))
		_, err := s.GetProject(ctx, "o1", "nope")
		require.ErrorIs(t, err, members.ErrNotFound)
		require.ErrorIs(t, s.UpdateProject(ctx, Project("o1", "nope")), members.ErrNotFound)
		must(t, s.CreateProject(ctx, Project("o1", "p1")))
		require.ErrorIs(t, s.CreateProject(ctx, Project("o1", "p1")), members.ErrConflict)
		list, err := s.ListProjects(ctx, "o1")
		must(t, err)
		require.Len(t, list, 1)
	})

	run("Project/StaleVersionConflict", func(t *testing.T, s members.Store) {
		must(t, s.CreateOrganization(ctx, Org("o1", "acme")))
		must(t, s.CreateProject(ctx, Project("o1", "p1")))
		p, err := s.GetProject(ctx, "o1", "p1")
		must(t, err)
		p.Name = "first"
		must(t, s.UpdateProject(ctx, p))
		p.Name = "second"
		require.ErrorIs(t, s.UpdateProject(ctx, p), members.ErrConflict)
		got, err := s.GetProject(ctx, "o1", "p1")
		must(t, err)
		assert.Equal(t, "first", got.Name)
		assert.Equal(t, int64(2), got.Version)
	})

	run("Project/ConcurrentUpdatesOneWins", func(t *testing.T, s members.Store) {
		must(t, s.CreateOrganization(ctx, Org("o1", "acme")))
		must(t, s.CreateProject(ctx, Project("o1", "p1")))
		base, err := s.GetProject(ctx, "o1", "p1")
		must(t, err)
		const writers = 2
		errs := concurrently(writers, func(i int) error {
			p := base.Clone()
			p.Name = fmt.Sprintf("writer %d", i)
			return s.UpdateProject(ctx, p)
		})
		winner := oneWinner(t, errs)
		got, err := s.GetProject(ctx, "o1", "p1")
		must(t, err)
		assert.Equal(t, fmt.Sprintf("writer %d", winner), got.Name, "the winner's write is stored")
		assert.Equal(t, int64(2), got.Version)
	})

	run("Tx/NoLostUpdate", func(t *testing.T, s members.Store) {
		// Read-modify-write inside InTx, as the Service does, with no version check
		// of its own: the store alone must make concurrent increments either all
		// count or fail with ErrConflict. Every committed transaction is counted.
		must(t, s.CreateOrganization(ctx, Org("o1", "acme")))
		must(t, s.CreateProject(ctx, Project("o1", "p1")))
		const n = 4
		meet := newBarrier(n, 300*time.Millisecond)
		errs := concurrently(n, func(i int) error {
			return s.InTx(ctx, func(tx members.Store) error {
				p, err := tx.GetProject(ctx, "o1", "p1")
				if err != nil {
					return err
				}
				meet.wait() // every transaction has read before any writes
				var k int
				if _, err := fmt.Sscanf(p.Plan, "n=%d", &k); err != nil {
					k = 0
				}
				p.Plan = fmt.Sprintf("n=%d", k+1)
				return tx.UpdateProject(ctx, p)
			})
		})
		committed := 0
		for i, err := range errs {
			if err == nil {
				committed++
				continue
			}
			require.ErrorIs(t, err, members.ErrConflict, "transaction %d", i)
		}
		require.Positive(t, committed)
		got, err := s.GetProject(ctx, "o1", "p1")
		must(t, err)
		assert.Equal(t, fmt.Sprintf("n=%d", committed), got.Plan, "a committed increment was lost")
		assert.Equal(t, int64(1+committed), got.Version)
	})

	run("Tx/NoWriteSkew", func(t *testing.T, s members.Store) {
		// The M-9 shape at store level: two transactions each count the power users
		// (two), then each demotes a different one. Run serially, the second would
		// see one power user left and stop; so the two must never both commit.
		errLast := errors.New("last power user")
		for run := range 5 {
			org := fmt.Sprintf("o%d", run)
			must(t, s.CreateOrganization(ctx, Org(org, "code-"+org)))
			for _, id := range []string{"alice", "bob"} {
				m := Member(org, id)
				m.Type, m.Permissions = members.MemberPower, nil
				must(t, s.CreateMembership(ctx, m))
			}
			meet := newBarrier(2, 300*time.Millisecond)
			victims := []string{"alice", "bob"}
			errs := concurrently(2, func(i int) error {
				return s.InTx(ctx, func(tx members.Store) error {
					ms, err := tx.ListMemberships(ctx, org)
					if err != nil {
						return err
					}
					power := 0
					for _, m := range ms {
						if m.Type == members.MemberPower {
							power++
						}
					}
					meet.wait()
					if power < 2 {
						return errLast
					}
					m, err := tx.GetMembership(ctx, org, victims[i])
					if err != nil {
						return err
					}
					m.Type = members.MemberGeneral
					return tx.UpdateMembership(ctx, m)
				})
			})
			committed := 0
			for i, err := range errs {
				if err == nil {
					committed++
					continue
				}
				if !errors.Is(err, errLast) {
					require.ErrorIs(t, err, members.ErrConflict, "run %d, transaction %d", run, i)
				}
			}
			require.Equal(t, 1, committed, "run %d: exactly one demotion commits: %v", run, errs)
			ms, err := s.ListMemberships(ctx, org)
			must(t, err)
			power := 0
			for _, m := range ms {
				if m.Type == members.MemberPower {
					power++
				}
			}
			require.Equal(t, 1, power, "run %d", run)
		}
	})

	run("Tx/ContextCancelled", func(t *testing.T, s members.Store) {
		must(t, s.CreateOrganization(ctx, Org("o1", "acme")))
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		err := s.InTx(cctx, func(tx members.Store) error {
			return tx.CreateProject(cctx, Project("o1", "p1"))
		})
		require.ErrorIs(t, err, context.Canceled)
		_, err = s.GetProject(ctx, "o1", "p1")
		require.ErrorIs(t, err, members.ErrNotFound, "a cancelled transaction writes nothing")
	})

	run("Account/OwnerMustBeAProjectOfTheOrganization", func(t *testing.T, s members.Store) {
		// M-3, M-7: an ownership entry naming a project of another organization, or
		// none, is ErrNotFound on create and update and changes nothing.
		must(t, s.CreateOrganization(ctx, Org("o1", "acme")))
		must(t, s.CreateOrganization(ctx, Org("o2", "beta")))
		must(t, s.CreateProject(ctx, Project("o1", "p1")))
		must(t, s.CreateProject(ctx, Project("o2", "q1")))
		for _, bad := range []string{"q1", "missing"} {
			require.ErrorIs(t, s.CreateAccount(ctx, Account("o1", "111111111111", bad)), members.ErrNotFound, bad)
			_, err := s.FindAccount(ctx, "111111111111")
			require.ErrorIs(t, err, members.ErrNotFound, "nothing created for %s", bad)
		}
		a := Account("o1", "111111111111", "p1")
		must(t, s.CreateAccount(ctx, a))
		for _, bad := range []string{"q1", "missing"} {
			upd := a.Clone()
			upd.Ownership = append(upd.Ownership, members.Ownership{ProjectID: bad, From: month(1)})
			require.ErrorIs(t, s.UpdateAccount(ctx, upd), members.ErrNotFound, bad)
			got, err := s.GetAccount(ctx, "o1", a.ID)
			must(t, err)
			same(t, a, got, "unchanged after %s", bad)
		}
	})

	run("Invitation/OnePendingPerAddress", func(t *testing.T, s members.Store) {
		// M-8: at most one pending invitation per organization and address, even
		// for concurrent creators; other organizations and decided invitations do
		// not count.
		must(t, s.CreateOrganization(ctx, Org("o1", "acme")))
		must(t, s.CreateOrganization(ctx, Org("o2", "beta")))
		must(t, s.CreateInvitation(ctx, Invitation("o1", "i1", "carol@example.com")))
		require.ErrorIs(t, s.CreateInvitation(ctx, Invitation("o1", "i2", "carol@example.com")), members.ErrConflict)
		must(t, s.CreateInvitation(ctx, Invitation("o2", "i3", "carol@example.com")))
		must(t, s.CreateInvitation(ctx, Invitation("o1", "i4", "dave@example.com")))
		inv, err := s.GetInvitation(ctx, "o1", "i1")
		must(t, err)
		inv.State, inv.DecidedAt = members.InvitationRevoked, T0
		must(t, s.UpdateInvitation(ctx, inv))
		must(t, s.CreateInvitation(ctx, Invitation("o1", "i5", "carol@example.com")))

		errs := concurrently(2, func(i int) error {
			return s.CreateInvitation(ctx, Invitation("o1", fmt.Sprintf("c%d", i), "erin@example.com"))
		})
		oneWinner(t, errs)
		errs = concurrently(2, func(i int) error {
			return s.InTx(ctx, func(tx members.Store) error {
				return tx.CreateInvitation(ctx, Invitation("o1", fmt.Sprintf("t%d", i), "frank@example.com"))
			})
		})
		oneWinner(t, errs)
	})

	run("Invitation/LeavesPendingExpiringListOnceDecided", func(t *testing.T, s members.Store) {
		must(t, s.CreateOrganization(ctx, Org("o1", "acme")))
		must(t, s.CreateInvitation(ctx, Invitation("o1", "i1", "carol@example.com")))
		late := T0.Add(30 * 24 * time.Hour)
		list, err := s.ListPendingInvitationsExpiring(ctx, late)
		must(t, err)
		require.Len(t, list, 1)
		inv := list[0]
		inv.State, inv.DecidedAt = members.InvitationRejected, T0
		must(t, s.UpdateInvitation(ctx, inv))
		list, err = s.ListPendingInvitationsExpiring(ctx, late)
		must(t, err)
		assert.Empty(t, list)
	})

	run("Organization/UpdateNeverChangesCode", func(t *testing.T, s members.Store) {
		must(t, s.CreateOrganization(ctx, Org("o1", "acme")))
		must(t, s.CreateOrganization(ctx, Org("o2", "beta")))
		o, err := s.GetOrganization(ctx, "o2")
		must(t, err)
		o.Code = "acme" // collides with o1's: must be ignored, neither fail nor change
		o.Alias = "B"
		must(t, s.UpdateOrganization(ctx, o))
		got, err := s.GetOrganization(ctx, "o2")
		must(t, err)
		assert.Equal(t, "beta", got.Code)
		assert.Equal(t, "B", got.Alias)
	})

	run("Account/CRUDAndOwnershipHistory", func(t *testing.T, s members.Store) {
		must(t, s.CreateOrganization(ctx, Org("o1", "acme")))
		must(t, s.CreateProject(ctx, Project("o1", "p1")))
		must(t, s.CreateProject(ctx, Project("o1", "p2")))
		a := Account("o1", "000000000042", "p1")
		must(t, s.CreateAccount(ctx, a))
		got, err := s.GetAccount(ctx, "o1", a.ID)
		must(t, err)
		same(t, a, got)

		// M-3: p1 until month 0, p2 from month 1, back to p1 from month 3.
		got.Ownership = append(got.Ownership,
			members.Ownership{ProjectID: "p2", From: month(1)},
			members.Ownership{ProjectID: "p1", From: month(3)})
		got.Name, got.Labels, got.UpdatedAt = "renamed", nil, T0.Add(time.Second)
		must(t, s.UpdateAccount(ctx, got))
		after, err := s.GetAccount(ctx, "o1", a.ID)
		must(t, err)
		got.Version = 2
		same(t, got, after)
		for _, c := range []struct {
			at   time.Time
			want string
		}{
			{month(-1), ""}, {month(0), "p1"}, {T0, "p1"}, {month(1), "p2"},
			{month(2).Add(-time.Microsecond), "p2"}, {month(2), "p2"}, {month(3), "p1"}, {month(30), "p1"},
		} {
			owner, ok := after.ProjectAt(c.at)
			assert.Equal(t, c.want, owner, "owner at %s", c.at)
			assert.Equal(t, c.want != "", ok)
		}

		// Closing (M-11) round-trips and ends ownership.
		after.ClosedFrom = month(4)
		must(t, s.UpdateAccount(ctx, after))
		closed, err := s.FindAccount(ctx, a.ID)
		must(t, err)
		assert.Equal(t, month(4), closed.ClosedFrom)
		_, ok := closed.ProjectAt(month(4))
		assert.False(t, ok)

		// Replacing the history with a shorter one drops the rest.
		closed.Ownership = closed.Ownership[:1]
		closed.ClosedFrom = time.Time{}
		must(t, s.UpdateAccount(ctx, closed))
		final, err := s.GetAccount(ctx, "o1", a.ID)
		must(t, err)
		same(t, []members.Ownership{{ProjectID: "p1", From: month(0)}}, final.Ownership)
		assert.True(t, final.ClosedFrom.IsZero())
		assert.Equal(t, int64(4), final.Version)
	})

	run("Account/UniqueAcrossOrganizations", func(t *testing.T, s members.Store) {
		must(t, s.CreateOrganization(ctx, Org("o1", "acme")))
		must(t, s.CreateOrganization(ctx, Org("o2", "beta")))
		must(t, s.CreateProject(ctx, Project("o1", "p1")))
		must(t, s.CreateProject(ctx, Project("o2", "q1")))
		must(t, s.CreateAccount(ctx, Account("o1", "111111111111", "p1")))
		require.ErrorIs(t, s.CreateAccount(ctx, Account("o2", "111111111111", "q1")), members.ErrConflict)
		_, err := s.GetAccount(ctx, "o2", "111111111111")
		require.ErrorIs(t, err, members.ErrNotFound)
		found, err := s.FindAccount(ctx, "111111111111")
		must(t, err)
		assert.Equal(t, "o1", found.OrgID)
		_, err = s.FindAccount(ctx, "999999999999")
		require.ErrorIs(t, err, members.ErrNotFound)
	})

	run("Account/ListAndStaleVersion", func(t *testing.T, s members.Store) {
		must(t, s.CreateOrganization(ctx, Org("o1", "acme")))
		must(t, s.CreateProject(ctx, Project("o1", "p1")))
		for _, id := range []string{"300000000000", "100000000000", "200000000000"} {
			must(t, s.CreateAccount(ctx, Account("o1", id, "p1")))
		}
		list, err := s.ListAccounts(ctx, "o1")
		require.Equal(t, []string{"100000000000", "200000000000", "300000000000"}, accountIDs(t)(list, err))
		a := list[0]
		a.Name = "first"
		must(t, s.UpdateAccount(ctx, a))
		a.Name = "second"
		require.ErrorIs(t, s.UpdateAccount(ctx, a), members.ErrConflict)
		got, err := s.GetAccount(ctx, "o1", a.ID)
		must(t, err)
		assert.Equal(t, "first", got.Name)
		require.ErrorIs(t, s.UpdateAccount(ctx, Account("o1", "999999999999", "p1")), members.ErrNotFound)
	})

	run("Membership/CRUD", func(t *testing.T, s members.Store) {
		must(t, s.CreateOrganization(ctx, Org("o1", "acme")))
		must(t, s.CreateOrganization(ctx, Org("o2", "beta")))
		m := Member("o1", "bob")
		must(t, s.CreateMembership(ctx, m))
		must(t, s.CreateMembership(ctx, Member("o1", "alice")))
		must(t, s.CreateMembership(ctx, Member("o2", "bob")))
		require.ErrorIs(t, s.CreateMembership(ctx, Member("o1", "bob")), members.ErrConflict)

		got, err := s.GetMembership(ctx, "o1", "bob")
		must(t, err)
		same(t, m, got)
		_, err = s.GetMembership(ctx, "o1", "carol")
		require.ErrorIs(t, err, members.ErrNotFound)

		assert.Equal(t, []string{"alice", "bob"}, memberIdentities(t)(s.ListMemberships(ctx, "o1")))
		assert.Equal(t, []string{"o1", "o2"}, memberOrgs(t)(s.ListMembershipsOfIdentity(ctx, "bob")))

		got.Type, got.Permissions, got.UpdatedAt = members.MemberPower, nil, T0.Add(time.Hour)
		must(t, s.UpdateMembership(ctx, got))
		got.Version = 2
		after, err := s.GetMembership(ctx, "o1", "bob")
		must(t, err)
		same(t, got, after)
		require.ErrorIs(t, s.UpdateMembership(ctx, m), members.ErrConflict, "stale version")
		require.ErrorIs(t, s.UpdateMembership(ctx, Member("o1", "carol")), members.ErrNotFound)

		require.ErrorIs(t, s.DeleteMembership(ctx, "o1", "bob", 1), members.ErrConflict, "stale version")
		require.ErrorIs(t, s.DeleteMembership(ctx, "o1", "carol", 1), members.ErrNotFound)
		must(t, s.DeleteMembership(ctx, "o1", "bob", 2))
		_, err = s.GetMembership(ctx, "o1", "bob")
		require.ErrorIs(t, err, members.ErrNotFound)
		assert.Equal(t, []string{"o2"}, memberOrgs(t)(s.ListMembershipsOfIdentity(ctx, "bob")), "M-9: the other organization's membership stays")
	})

	run("Invitation/CRUD", func(t *testing.T, s members.Store) {
		must(t, s.CreateOrganization(ctx, Org("o1", "acme")))
		must(t, s.CreateOrganization(ctx, Org("o2", "beta")))
		inv := Invitation("o1", "i2", "carol@example.com")
		must(t, s.CreateInvitation(ctx, inv))
		require.ErrorIs(t, s.CreateInvitation(ctx, inv), members.ErrConflict)
		must(t, s.CreateInvitation(ctx, Invitation("o1", "i1", "dave@example.com")))
		must(t, s.CreateInvitation(ctx, Invitation("o2", "i3", "carol@example.com")))

		got, err := s.GetInvitation(ctx, "o1", "i2")
		must(t, err)
		same(t, inv, got)
		_, err = s.GetInvitation(ctx, "o1", "nope")
		require.ErrorIs(t, err, members.ErrNotFound)

		assert.Equal(t, []string{"i1", "i2"}, invitationIDs(t)(s.ListInvitations(ctx, "o1")))
		assert.Equal(t, []string{"i2", "i3"}, invitationIDs(t)(s.ListInvitationsByEmail(ctx, "carol@example.com")))

		got.State, got.AcceptedBy, got.DecidedAt = members.InvitationAccepted, "carol", T0.Add(time.Hour)
		must(t, s.UpdateInvitation(ctx, got))
		got.Version = 2
		after, err := s.GetInvitation(ctx, "o1", "i2")
		must(t, err)
		same(t, got, after)
		require.ErrorIs(t, s.UpdateInvitation(ctx, inv), members.ErrConflict)
		require.ErrorIs(t, s.UpdateInvitation(ctx, Invitation("o1", "nope", "x@example.com")), members.ErrNotFound)
	})

	run("Invitation/PendingExpiring", func(t *testing.T, s members.Store) {
		must(t, s.CreateOrganization(ctx, Org("o1", "acme")))
		must(t, s.CreateOrganization(ctx, Org("o2", "beta")))
		early := Invitation("o1", "i1", "a@example.com")
		early.ExpiresAt = T0.Add(time.Hour)
		exact := Invitation("o2", "i2", "b@example.com")
		exact.ExpiresAt = T0.Add(2 * time.Hour)
		late := Invitation("o1", "i3", "c@example.com")
		late.ExpiresAt = T0.Add(2*time.Hour + time.Microsecond)
		done := Invitation("o1", "i4", "d@example.com")
		done.ExpiresAt, done.State, done.DecidedAt = T0, members.InvitationRevoked, T0
		for _, i := range []members.Invitation{early, exact, late, done} {
			must(t, s.CreateInvitation(ctx, i))
		}
		got, err := s.ListPendingInvitationsExpiring(ctx, T0.Add(2*time.Hour))
		must(t, err)
		ids := []string{}
		for _, i := range got {
			ids = append(ids, i.ID)
		}
		assert.Equal(t, []string{"i1", "i2"}, ids, "pending, expiry at or before t, across organizations")
	})

	run("Application/CRUD", func(t *testing.T, s members.Store) {
		must(t, s.CreateOrganization(ctx, Org("o1", "acme")))
		a := Application("o1", "a2")
		must(t, s.CreateApplication(ctx, a))
		require.ErrorIs(t, s.CreateApplication(ctx, a), members.ErrConflict)
		b := Application("o1", "a1")
		b.Kind, b.AccountID, b.ProjectID, b.Details = members.AppNewAccount, "", "p1", ""
		must(t, s.CreateApplication(ctx, b))
		got, err := s.GetApplication(ctx, "o1", "a2")
		must(t, err)
		same(t, a, got)
		_, err = s.GetApplication(ctx, "o1", "nope")
		require.ErrorIs(t, err, members.ErrNotFound)
		list, err := s.ListApplications(ctx, "o1")
		must(t, err)
		require.Len(t, list, 2)
		same(t, b, list[0])

		got.State, got.ReviewedBy, got.Reason, got.UpdatedAt = members.AppRejected, "op", "not eligible", T0.Add(time.Hour)
		must(t, s.UpdateApplication(ctx, got))
		got.Version = 2
		after, err := s.GetApplication(ctx, "o1", "a2")
		must(t, err)
		same(t, got, after)
		require.ErrorIs(t, s.UpdateApplication(ctx, a), members.ErrConflict)
		require.ErrorIs(t, s.UpdateApplication(ctx, Application("o1", "nope")), members.ErrNotFound)
	})

	run("Isolation/OrgScopedReadsAndWrites", func(t *testing.T, s members.Store) {
		// M-7: every org-scoped method given organization A never returns or
		// changes organization B's rows, even with B's ids.
		seed(t, ctx, s, "oa", "a")
		seed(t, ctx, s, "ob", "b")
		checkOnlyOrg(t, ctx, s, "oa")
		checkOnlyOrg(t, ctx, s, "ob")

		_, err := s.GetProject(ctx, "oa", "b-p")
		require.ErrorIs(t, err, members.ErrNotFound)
		_, err = s.GetAccount(ctx, "oa", "200000000000")
		require.ErrorIs(t, err, members.ErrNotFound)
		_, err = s.GetMembership(ctx, "oa", "b-user")
		require.ErrorIs(t, err, members.ErrNotFound)
		_, err = s.GetInvitation(ctx, "oa", "b-inv")
		require.ErrorIs(t, err, members.ErrNotFound)
		_, err = s.GetApplication(ctx, "oa", "b-app")
		require.ErrorIs(t, err, members.ErrNotFound)

		// Writes naming organization A with B's ids find nothing and change nothing.
		bp, err := s.GetProject(ctx, "ob", "b-p")
		must(t, err)
		bp.OrgID, bp.Name = "oa", "hijacked"
		require.ErrorIs(t, s.UpdateProject(ctx, bp), members.ErrNotFound)
		ba, err := s.GetAccount(ctx, "ob", "200000000000")
		must(t, err)
		ba.OrgID, ba.Name = "oa", "hijacked"
		require.ErrorIs(t, s.UpdateAccount(ctx, ba), members.ErrNotFound)
		bm, err := s.GetMembership(ctx, "ob", "b-user")
		must(t, err)
		bm.OrgID, bm.Type = "oa", members.MemberPower
		require.ErrorIs(t, s.UpdateMembership(ctx, bm), members.ErrNotFound)
		require.ErrorIs(t, s.DeleteMembership(ctx, "oa", "b-user", 1), members.ErrNotFound)
		bi, err := s.GetInvitation(ctx, "ob", "b-inv")
		must(t, err)
		bi.OrgID, bi.State = "oa", members.InvitationRevoked
		require.ErrorIs(t, s.UpdateInvitation(ctx, bi), members.ErrNotFound)
		bapp, err := s.GetApplication(ctx, "ob", "b-app")
		must(t, err)
		bapp.OrgID, bapp.State = "oa", members.AppCancelled
		require.ErrorIs(t, s.UpdateApplication(ctx, bapp), members.ErrNotFound)

		p, err := s.GetProject(ctx, "ob", "b-p")
		must(t, err)
		assert.Equal(t, "Project b-p", p.Name)
		a, err := s.GetAccount(ctx, "ob", "200000000000")
		must(t, err)
		assert.Equal(t, int64(1), a.Version)
		m, err := s.GetMembership(ctx, "ob", "b-user")
		must(t, err)
		assert.Equal(t, members.MemberGeneral, m.Type)
		i, err := s.GetInvitation(ctx, "ob", "b-inv")
		must(t, err)
		assert.Equal(t, members.InvitationPending, i.State)
		ap, err := s.GetApplication(ctx, "ob", "b-app")
		must(t, err)
		assert.Equal(t, members.AppSubmitted, ap.State)
	})

	run("Tx/CommitsEverything", func(t *testing.T, s members.Store) {
		err := s.InTx(ctx, func(tx members.Store) error {
			if err := tx.CreateOrganization(ctx, Org("o1", "acme")); err != nil {
				return err
			}
			if err := tx.CreateMembership(ctx, Member("o1", "alice")); err != nil {
				return err
			}
			// Reads inside the transaction see its own writes.
			if _, err := tx.GetMembership(ctx, "o1", "alice"); err != nil {
				return err
			}
			// A nested InTx joins the same transaction.
			return tx.InTx(ctx, func(tx2 members.Store) error { return tx2.CreateProject(ctx, Project("o1", "p1")) })
		})
		must(t, err)
		_, err = s.GetOrganization(ctx, "o1")
		must(t, err)
		_, err = s.GetMembership(ctx, "o1", "alice")
		must(t, err)
		_, err = s.GetProject(ctx, "o1", "p1")
		must(t, err)
	})

	run("Tx/FailureChangesNothing", func(t *testing.T, s members.Store) {
		must(t, s.CreateOrganization(ctx, Org("o1", "acme")))
		must(t, s.CreateProject(ctx, Project("o1", "p1")))
		must(t, s.CreateAccount(ctx, Account("o1", "111111111111", "p1")))
		must(t, s.CreateInvitation(ctx, Invitation("o1", "i1", "carol@example.com")))
		must(t, s.CreateMembership(ctx, Member("o1", "carol")))
		sentinel := errors.New("boom")
		cases := []struct {
			name string
			fn   func(tx members.Store) error
			want error
		}{
			{"fn error after writes", func(tx members.Store) error {
				a, err := tx.GetAccount(ctx, "o1", "111111111111")
				if err != nil {
					return err
				}
				a.Name = "changed"
				if err := tx.UpdateAccount(ctx, a); err != nil {
					return err
				}
				if err := tx.CreateProject(ctx, Project("o1", "p9")); err != nil {
					return err
				}
				return fmt.Errorf("wrapped: %w", sentinel)
			}, sentinel},
			{"accept invitation whose membership conflicts", func(tx members.Store) error {
				inv, err := tx.GetInvitation(ctx, "o1", "i1")
				if err != nil {
					return err
				}
				inv.State, inv.AcceptedBy, inv.DecidedAt = members.InvitationAccepted, "carol", T0
				if err := tx.UpdateInvitation(ctx, inv); err != nil {
					return err
				}
				return tx.CreateMembership(ctx, Member("o1", "carol")) // already a member
			}, members.ErrConflict},
			{"bulk update with one stale account", func(tx members.Store) error {
				a, err := tx.GetAccount(ctx, "o1", "111111111111")
				if err != nil {
					return err
				}
				a.Name = "changed"
				if err := tx.UpdateAccount(ctx, a); err != nil {
					return err
				}
				return tx.UpdateAccount(ctx, a) // same version again: stale
			}, members.ErrConflict},
			{"organization create then duplicate code", func(tx members.Store) error {
				if err := tx.CreateOrganization(ctx, Org("o2", "beta")); err != nil {
					return err
				}
				return tx.CreateOrganization(ctx, Org("o3", "beta"))
			}, members.ErrConflict},
		}
		for _, c := range cases {
			err := s.InTx(ctx, c.fn)
			require.ErrorIs(t, err, c.want, c.name)
			a, err := s.GetAccount(ctx, "o1", "111111111111")
			must(t, err)
			same(t, Account("o1", "111111111111", "p1"), a, c.name)
			_, err = s.GetProject(ctx, "o1", "p9")
			require.ErrorIs(t, err, members.ErrNotFound, c.name)
			inv, err := s.GetInvitation(ctx, "o1", "i1")
			must(t, err)
			same(t, Invitation("o1", "i1", "carol@example.com"), inv, c.name)
			orgs, err := s.ListOrganizations(ctx)
			must(t, err)
			require.Len(t, orgs, 1, c.name)
		}
	})

	run("Values/CopiedInAndOut", func(t *testing.T, s members.Store) {
		must(t, s.CreateOrganization(ctx, Org("o1", "acme")))
		p := Project("o1", "p1")
		must(t, s.CreateProject(ctx, p))
		p.InvoiceTo[0] = "mutated@example.com"
		got, err := s.GetProject(ctx, "o1", "p1")
		must(t, err)
		assert.Equal(t, "to1@o1.example", got.InvoiceTo[0], "mutating the argument does not change the store")
		got.InvoiceTo[0] = "mutated@example.com"
		again, err := s.GetProject(ctx, "o1", "p1")
		must(t, err)
		assert.Equal(t, "to1@o1.example", again.InvoiceTo[0], "mutating a result does not change the store")
	})

	run("MissingOrganization/CreateIsNotFound", func(t *testing.T, s members.Store) {
		// A row of an organization that does not exist is never stored (M-7).
		must(t, s.CreateOrganization(ctx, Org("o1", "acme")))
		must(t, s.CreateProject(ctx, Project("o1", "p1")))
		creates := map[string]func() error{
			"project":     func() error { return s.CreateProject(ctx, Project("nope", "p9")) },
			"account":     func() error { return s.CreateAccount(ctx, Account("nope", "a9", "p1")) },
			"membership":  func() error { return s.CreateMembership(ctx, Member("nope", "bob")) },
			"invitation":  func() error { return s.CreateInvitation(ctx, Invitation("nope", "i9", "x@example.com")) },
			"application": func() error { return s.CreateApplication(ctx, Application("nope", "ap9")) },
		}
		for name, create := range creates {
			require.ErrorIs(t, create(), members.ErrNotFound, name)
		}
		_, err := s.GetProject(ctx, "nope", "p9")
		require.ErrorIs(t, err, members.ErrNotFound)
		_, err = s.FindAccount(ctx, "a9")
		require.ErrorIs(t, err, members.ErrNotFound)
		_, err = s.GetMembership(ctx, "nope", "bob")
		require.ErrorIs(t, err, members.ErrNotFound)
		_, err = s.GetInvitation(ctx, "nope", "i9")
		require.ErrorIs(t, err, members.ErrNotFound)
		_, err = s.GetApplication(ctx, "nope", "ap9")
		require.ErrorIs(t, err, members.ErrNotFound)
	})

	run("Account/FailedWriteInTxChangesNothing", func(t *testing.T, s members.Store) {
		// A call that fails changes nothing, even when the caller handles the error
		// inside InTx and commits (M-3, M-7: another organization's project).
		must(t, s.CreateOrganization(ctx, Org("o1", "acme")))
		must(t, s.CreateOrganization(ctx, Org("o2", "beta")))
		must(t, s.CreateProject(ctx, Project("o1", "p1")))
		must(t, s.CreateProject(ctx, Project("o2", "p2")))
		must(t, s.CreateAccount(ctx, Account("o1", "a1", "p1")))
		before, err := s.GetAccount(ctx, "o1", "a1")
		must(t, err)

		must(t, s.InTx(ctx, func(tx members.Store) error {
			upd := before.Clone()
			upd.Name = "renamed"
			upd.Ownership = append(upd.Ownership, members.Ownership{ProjectID: "p2", From: month(1)})
			require.ErrorIs(t, tx.UpdateAccount(ctx, upd), members.ErrNotFound)
			require.ErrorIs(t, tx.CreateAccount(ctx, Account("o1", "a2", "p2")), members.ErrNotFound)
			return nil // the caller went on: the transaction commits
		}))

		after, err := s.GetAccount(ctx, "o1", "a1")
		must(t, err)
		same(t, before, after, "the failed update changed nothing (version, name, ownership)")
		_, err = s.GetAccount(ctx, "o1", "a2")
		require.ErrorIs(t, err, members.ErrNotFound, "the failed create stored no account")
	})
}

// barrier lets n goroutines meet: wait returns once all n have arrived, or after
// timeout for a store whose transactions run one at a time (one transaction
// cannot arrive while another holds the store). Once open it stays open, so a
// retried transaction passes straight through.
type barrier struct {
	mu      sync.Mutex
	n       int
	open    chan struct{}
	timeout time.Duration
}

func newBarrier(n int, timeout time.Duration) *barrier {
	return &barrier{n: n, open: make(chan struct{}), timeout: timeout}
}

func (b *barrier) wait() {
	b.mu.Lock()
	b.n--
	if b.n == 0 {
		close(b.open)
	}
	b.mu.Unlock()
	select {
	case <-b.open:
	case <-time.After(b.timeout):
	}
}

// concurrently runs f(0..n-1) in n goroutines released together and returns their
// errors.
func concurrently(n int, f func(i int) error) []error {
	var start, done sync.WaitGroup
	start.Add(1)
	errs := make([]error, n)
	for i := range n {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			errs[i] = f(i)
		}()
	}
	start.Done()
	done.Wait()
	return errs
}

// oneWinner asserts that exactly one error is nil and the others are ErrConflict,
// and returns the winner's index.
func oneWinner(t *testing.T, errs []error) int {
	t.Helper()
	winner := -1
	for i, err := range errs {
		if err == nil {
			require.Equal(t, -1, winner, "more than one writer of the same version succeeded")
			winner = i
			continue
		}
		require.ErrorIs(t, err, members.ErrConflict, "writer %d", i)
	}
	require.NotEqual(t, -1, winner, "no writer succeeded: %v", errs)
	return winner
}

// seed fills organization orgID with one row of each kind; ids carry prefix.
func seed(t *testing.T, ctx context.Context, s members.Store, orgID, prefix string) {
	t.Helper()
	must(t, s.CreateOrganization(ctx, Org(orgID, prefix+"-code")))
	must(t, s.CreateProject(ctx, Project(orgID, prefix+"-p")))
	acct := "100000000000"
	if prefix == "b" {
		acct = "200000000000"
	}
	must(t, s.CreateAccount(ctx, Account(orgID, acct, prefix+"-p")))
	must(t, s.CreateMembership(ctx, Member(orgID, prefix+"-user")))
	must(t, s.CreateInvitation(ctx, Invitation(orgID, prefix+"-inv", prefix+"@example.com")))
	must(t, s.CreateApplication(ctx, Application(orgID, prefix+"-app")))
}

func checkOnlyOrg(t *testing.T, ctx context.Context, s members.Store, orgID string) {
	t.Helper()
	ps, err := s.ListProjects(ctx, orgID)
	must(t, err)
	as, err := s.ListAccounts(ctx, orgID)
	must(t, err)
	ms, err := s.ListMemberships(ctx, orgID)
	must(t, err)
	is, err := s.ListInvitations(ctx, orgID)
	must(t, err)
	aps, err := s.ListApplications(ctx, orgID)
	must(t, err)
	require.Len(t, ps, 1)
	require.Len(t, as, 1)
	require.Len(t, ms, 1)
	require.Len(t, is, 1)
	require.Len(t, aps, 1)
	for _, got := range []string{ps[0].OrgID, as[0].OrgID, ms[0].OrgID, is[0].OrgID, aps[0].OrgID} {
		assert.Equal(t, orgID, got)
	}
}

// Each xxxIDs(t) returns a function that fails t on a List call's error and returns
// the listed rows' keys in order, so a check of content and order reads
// assert.Equal(t, want, projectIDs(t)(s.ListProjects(ctx, "o1"))).
func orgIDs(t *testing.T) func([]members.Organization, error) []string {
	return listed(t, func(o members.Organization) string { return o.ID })
}

func projectIDs(t *testing.T) func([]members.Project, error) []string {
	return listed(t, func(p members.Project) string { return p.ID })
}

func accountIDs(t *testing.T) func([]members.Account, error) []string {
	return listed(t, func(a members.Account) string { return a.ID })
}

func invitationIDs(t *testing.T) func([]members.Invitation, error) []string {
	return listed(t, func(i members.Invitation) string { return i.ID })
}

func memberIdentities(t *testing.T) func([]members.Membership, error) []string {
	return listed(t, func(m members.Membership) string { return m.IdentityID })
}

func memberOrgs(t *testing.T) func([]members.Membership, error) []string {
	return listed(t, func(m members.Membership) string { return m.OrgID })
}

func listed[T any](t *testing.T, key func(T) string) func([]T, error) []string {
	return func(rows []T, err error) []string {
		t.Helper()
		must(t, err)
		keys := make([]string, len(rows))
		for i, r := range rows {
			keys[i] = key(r)
		}
		return keys
	}
}
