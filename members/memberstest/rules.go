package memberstest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/money"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// ruleCases are the cases that prove a DOMAIN.md rule at the storage level.
func ruleCases() []storeCase {
	return []storeCase{
		{"M-1/OrganizationRoundTrip", organizationRoundTrip},
		{"M-1/IDAndCodeAreUnique", idAndCodeAreUnique},
		{"M-1/UpdateNeverChangesCode", updateNeverChangesCode},
		{"M-2/ProjectRoundTrip", projectRoundTrip},
		{"M-3/OwnershipHistoryByMonth", ownershipHistoryByMonth},
		{"M-3/OwnerMustBeAProjectOfTheOrganization", ownerMustBeAProjectOfTheOrganization},
		{"M-3/OwnershipMonthsIncrease", ownershipMonthsIncrease},
		{"M-3/AccountIDUniqueAcrossOrganizations", accountIDUniqueAcrossOrganizations},
		{"M-4/MembershipRoundTrip", membershipRoundTrip},
		{"M-7/OrgScopedReads", orgScopedReads},
		{"M-7/OrgScopedWrites", orgScopedWrites},
		{"M-7/CreateInMissingOrganizationIsNotFound", createInMissingOrganization},
		{"M-8/InvitationRoundTrip", invitationRoundTrip},
		{"M-8/OnePendingInvitationPerAddress", onePendingInvitationPerAddress},
		{"M-8/PendingExpiringAcrossOrganizations", pendingExpiringAcrossOrganizations},
		{"M-8/DecidedInvitationLeavesPendingExpiring", decidedInvitationLeavesPendingExpiring},
		{"M-9/RemovingAMembershipKeepsTheOthers", removingAMembershipKeepsTheOthers},
		{"M-11/ApplicationRoundTrip", applicationRoundTrip},
		{"M-11/ClosedAccountRoundTrips", closedAccountRoundTrips},
	}
}

// organizationRoundTrip: every field of M-1 round-trips through create, get and
// list (Store/UpdateStoresOnlyItsFields checks that an update never stores Code).
func organizationRoundTrip(t *testing.T, s members.Store) {
	ctx := t.Context()
	o := Org("o1", "acme")
	o.Alias, o.EnforceMFA = "ACME", true
	must(t, s.CreateOrganization(ctx, o))
	got, err := s.GetOrganization(ctx, "o1")
	must(t, err)
	same(t, o, got)
	orgs(t, s, "o0")
	listed, _, err := s.ListOrganizations(ctx, resellerkit.Page{})
	must(t, err)
	same(t, []members.Organization{Org("o0", "code-o0"), o}, listed, "lists hold whole records")
}

func idAndCodeAreUnique(t *testing.T, s members.Store) {
	ctx := t.Context()
	must(t, s.CreateOrganization(ctx, Org("o1", "acme")))
	for _, dup := range []members.Organization{Org("o2", "acme"), Org("o1", "other")} {
		alreadyExists(t, s.CreateOrganization(ctx, dup), "%+v", dup)
	}
	assert.Equal(t, []string{"o1"}, listed(t, s, lists("ListOrganizations"), ""))
	got, err := s.GetOrganization(ctx, "o1")
	must(t, err)
	same(t, Org("o1", "acme"), got)
}

func updateNeverChangesCode(t *testing.T, s members.Store) {
	ctx := t.Context()
	must(t, s.CreateOrganization(ctx, Org("o1", "acme")))
	must(t, s.CreateOrganization(ctx, Org("o2", "beta")))
	o, err := s.GetOrganization(ctx, "o2")
	must(t, err)
	o.Code, o.Alias = "acme", "B" // o1's code: ignored, neither an error nor a change
	must(t, s.UpdateOrganization(ctx, o))
	got, err := s.GetOrganization(ctx, "o2")
	must(t, err)
	assert.Equal(t, "beta", got.Code)
	assert.Equal(t, "B", got.Alias)
}

// projectRoundTrip: every field of M-2 round-trips through create, get and list
// (Store/UpdateStoresOnlyItsFields covers updates).
func projectRoundTrip(t *testing.T, s members.Store) {
	ctx := t.Context()
	orgs(t, s, "o1")
	p := Project("o1", "p2")
	p.Currency, p.PaymentMethod = money.USD, members.PaymentCard
	must(t, s.CreateProject(ctx, p))
	must(t, s.CreateProject(ctx, Project("o1", "p1")))
	got, err := s.GetProject(ctx, "o1", "p2")
	must(t, err)
	same(t, p, got)
	list, _, err := s.ListProjects(ctx, "o1", resellerkit.Page{})
	must(t, err)
	same(t, []members.Project{Project("o1", "p1"), p}, list)
}

// ownershipHistoryByMonth: an account's ownership history round-trips oldest
// first, answers which project owned it in any month, and is replaced whole.
func ownershipHistoryByMonth(t *testing.T, s members.Store) {
	ctx := t.Context()
	orgs(t, s, "o1")
	must(t, s.CreateProject(ctx, Project("o1", "p1")))
	must(t, s.CreateProject(ctx, Project("o1", "p2")))
	a := Account("o1", "000000000042", "p1")
	must(t, s.CreateAccount(ctx, a))
	got, err := s.GetAccount(ctx, "o1", a.ID)
	must(t, err)
	same(t, a, got)

	// p1 from month 0, p2 from month 1, p1 again from month 3.
	got.Ownership = append(got.Ownership,
		members.Ownership{ProjectID: "p2", From: month(1)},
		members.Ownership{ProjectID: "p1", From: month(3)})
	got.Name, got.Labels, got.UpdatedAt = "renamed", nil, t0.Add(time.Second)
	must(t, s.UpdateAccount(ctx, got))
	after, err := s.GetAccount(ctx, "o1", a.ID)
	must(t, err)
	got.Version = 2
	same(t, got, after)
	for m, want := range map[int]string{-1: "", 0: "p1", 1: "p2", 2: "p2", 3: "p1", 30: "p1"} {
		owner, ok := after.ProjectAt(month(m))
		assert.Equal(t, want, owner, "owner in %s", month(m))
		assert.Equal(t, want != "", ok, "owner in %s", month(m))
	}
	found, err := s.FindAccount(ctx, a.ID)
	must(t, err)
	same(t, after, found, "FindAccount returns the history too")
	listed, _, err := s.ListAccounts(ctx, "o1", resellerkit.Page{})
	must(t, err)
	require.Len(t, listed, 1)
	same(t, after, listed[0], "ListAccounts returns the history too")

	after.Ownership = after.Ownership[:1]
	must(t, s.UpdateAccount(ctx, after))
	final, err := s.GetAccount(ctx, "o1", a.ID)
	must(t, err)
	same(t, []members.Ownership{{ProjectID: "p1", From: month(0)}}, final.Ownership, "a shorter history replaces the old one")
	assert.Equal(t, int64(3), final.Version)
}

// ownerMustBeAProjectOfTheOrganization: an ownership entry naming a project of
// another organization, or none, is ErrNotFound on create and update and changes
// nothing (M-3, M-7).
func ownerMustBeAProjectOfTheOrganization(t *testing.T, s members.Store) {
	ctx := t.Context()
	orgs(t, s, "o1", "o2")
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
		upd.Name = "renamed"
		upd.Ownership = append(upd.Ownership, members.Ownership{ProjectID: bad, From: month(1)})
		require.ErrorIs(t, s.UpdateAccount(ctx, upd), members.ErrNotFound, bad)
		got, err := s.GetAccount(ctx, "o1", a.ID)
		must(t, err)
		same(t, a, got, "unchanged after %s", bad)
	}
}

// ownershipMonthsIncrease: an ownership history whose months do not strictly
// increase (two owners of one month, or an entry without a project) is invalid and
// nothing is stored, on create and on update (M-3).
func ownershipMonthsIncrease(t *testing.T, s members.Store) {
	ctx := t.Context()
	orgs(t, s, "o1")
	must(t, s.CreateProject(ctx, Project("o1", "p1")))
	must(t, s.CreateProject(ctx, Project("o1", "p2")))
	twice := Account("o1", "111111111111", "p1")
	twice.Ownership = append(twice.Ownership, members.Ownership{ProjectID: "p2", From: twice.Ownership[0].From})
	backwards := Account("o1", "111111111111", "p1")
	backwards.Ownership = append(backwards.Ownership, members.Ownership{ProjectID: "p2", From: month(-1)})
	noProject := Account("o1", "111111111111", "")
	for name, bad := range map[string]members.Account{"same month twice": twice, "month going back": backwards, "no project": noProject} {
		require.ErrorIs(t, s.CreateAccount(ctx, bad), members.ErrInvalid, name)
		_, err := s.GetAccount(ctx, "o1", bad.ID)
		require.ErrorIs(t, err, members.ErrNotFound, "%s: nothing created", name)
	}
	a := Account("o1", "111111111111", "p1")
	must(t, s.CreateAccount(ctx, a))
	for name, bad := range map[string]members.Account{"same month twice": twice, "month going back": backwards} {
		bad.Version = a.Version
		require.ErrorIs(t, s.UpdateAccount(ctx, bad), members.ErrInvalid, name)
		got, err := s.GetAccount(ctx, "o1", a.ID)
		must(t, err)
		same(t, a, got, "%s: unchanged", name)
	}
}

// accountIDUniqueAcrossOrganizations: an AWS account has one owner, so its id is
// unique across organizations; FindAccount (unscoped) finds it wherever it is.
func accountIDUniqueAcrossOrganizations(t *testing.T, s members.Store) {
	ctx := t.Context()
	orgs(t, s, "o1", "o2")
	must(t, s.CreateProject(ctx, Project("o1", "p1")))
	must(t, s.CreateProject(ctx, Project("o2", "q1")))
	must(t, s.CreateAccount(ctx, Account("o1", "111111111111", "p1")))
	alreadyExists(t, s.CreateAccount(ctx, Account("o2", "111111111111", "q1")))
	_, err := s.GetAccount(ctx, "o2", "111111111111")
	require.ErrorIs(t, err, members.ErrNotFound)
	found, err := s.FindAccount(ctx, "111111111111")
	must(t, err)
	same(t, Account("o1", "111111111111", "p1"), found)
	_, err = s.FindAccount(ctx, "999999999999")
	require.ErrorIs(t, err, members.ErrNotFound)
}

// membershipRoundTrip: one membership per identity and organization, type and
// permissions per organization (M-4); deletes are versioned.
func membershipRoundTrip(t *testing.T, s members.Store) {
	ctx := t.Context()
	orgs(t, s, "o1", "o2")
	m := Member("o1", "bob")
	must(t, s.CreateMembership(ctx, m))
	must(t, s.CreateMembership(ctx, Member("o1", "alice")))
	must(t, s.CreateMembership(ctx, PowerMember("o2", "bob")))
	alreadyExists(t, s.CreateMembership(ctx, Member("o1", "bob")), "one membership per identity and organization")

	got, err := s.GetMembership(ctx, "o1", "bob")
	must(t, err)
	same(t, m, got)
	other, err := s.GetMembership(ctx, "o2", "bob")
	must(t, err)
	same(t, PowerMember("o2", "bob"), other, "type and permissions are per organization")
	assert.Equal(t, []string{"alice", "bob"}, listed(t, s, lists("ListMemberships"), "o1"))
	assert.Equal(t, []string{"o1", "o2"}, listed(t, s, lists("ListMembershipsOfIdentity"), "bob"))

	got.Type, got.Permissions = members.MemberPower, nil
	must(t, s.UpdateMembership(ctx, got))
	require.ErrorIs(t, s.DeleteMembership(ctx, "o1", "bob", 1), members.ErrConflict, "stale version")
	require.ErrorIs(t, s.DeleteMembership(ctx, "o1", "carol", 1), members.ErrNotFound)
	must(t, s.DeleteMembership(ctx, "o1", "bob", 2))
	_, err = s.GetMembership(ctx, "o1", "bob")
	require.ErrorIs(t, err, members.ErrNotFound)
	must(t, s.CreateMembership(ctx, Member("o1", "bob"))) // and may join again
}

// removingAMembershipKeepsTheOthers: removing a member removes that organization
// only; the person keeps the others, and the organization its other members.
func removingAMembershipKeepsTheOthers(t *testing.T, s members.Store) {
	ctx := t.Context()
	orgs(t, s, "o1", "o2", "o3")
	for _, m := range []members.Membership{Member("o1", "bob"), Member("o2", "bob"), Member("o3", "bob"), Member("o2", "alice")} {
		must(t, s.CreateMembership(ctx, m))
	}
	must(t, s.DeleteMembership(ctx, "o2", "bob", 1))
	assert.Equal(t, []string{"o1", "o3"}, listed(t, s, lists("ListMembershipsOfIdentity"), "bob"))
	assert.Equal(t, []string{"alice"}, listed(t, s, lists("ListMemberships"), "o2"))
}

// seed fills organization orgID with one record of each kind; ids carry prefix and
// the account id is acct.
func seed(t *testing.T, s members.Store, orgID, prefix, acct string) {
	t.Helper()
	ctx := t.Context()
	must(t, s.CreateOrganization(ctx, Org(orgID, prefix+"-code")))
	must(t, s.CreateProject(ctx, Project(orgID, prefix+"-p")))
	must(t, s.CreateAccount(ctx, Account(orgID, acct, prefix+"-p")))
	must(t, s.CreateMembership(ctx, Member(orgID, prefix+"-user")))
	must(t, s.CreateInvitation(ctx, Invitation(orgID, prefix+"-inv", prefix+"@example.com")))
	must(t, s.CreateApplication(ctx, Application(orgID, prefix+"-app")))
}

// seedTwo seeds organizations oa and ob (M-7 cases).
func seedTwo(t *testing.T, s members.Store) {
	seed(t, s, "oa", "a", "100000000000")
	seed(t, s, "ob", "b", "200000000000")
}

// orgScopedReads: every read given organization A returns only A's records, and
// B's ids read through A are ErrNotFound, exactly like missing ones (M-7).
func orgScopedReads(t *testing.T, s members.Store) {
	ctx := t.Context()
	seedTwo(t, s)
	for _, org := range []string{"oa", "ob"} {
		for _, l := range listers() {
			if !l.Scoped() || l.Name == "ListMembershipsOfIdentity" || l.Name == "ListInvitationsByEmail" {
				continue
			}
			rows := storetest.All(t, func(p resellerkit.Page) ([]storetest.Row, string, error) { return l.List(ctx, s, org, p) })
			require.Len(t, rows, 1, "%s(%s)", l.Name, org)
			assert.Equal(t, org, rows[0].Scope, "%s(%s)", l.Name, org)
		}
	}
	reads := map[string]func() error{
		"GetProject":     func() error { _, err := s.GetProject(ctx, "oa", "b-p"); return err },
		"GetAccount":     func() error { _, err := s.GetAccount(ctx, "oa", "200000000000"); return err },
		"GetMembership":  func() error { _, err := s.GetMembership(ctx, "oa", "b-user"); return err },
		"GetInvitation":  func() error { _, err := s.GetInvitation(ctx, "oa", "b-inv"); return err },
		"GetApplication": func() error { _, err := s.GetApplication(ctx, "oa", "b-app"); return err },
	}
	for name, read := range reads {
		require.ErrorIs(t, read(), members.ErrNotFound, name)
	}
}

// orgScopedWrites: a write naming organization A with B's ids finds nothing
// (ErrNotFound) and changes nothing of B's (M-7).
func orgScopedWrites(t *testing.T, s members.Store) {
	ctx := t.Context()
	seedTwo(t, s)
	before := dump(t, s)

	bp, err := s.GetProject(ctx, "ob", "b-p")
	must(t, err)
	bp.OrgID, bp.Name = "oa", "hijacked"
	ba, err := s.GetAccount(ctx, "ob", "200000000000")
	must(t, err)
	ba.OrgID, ba.Name = "oa", "hijacked"
	ba.Ownership = []members.Ownership{{ProjectID: "a-p", From: month(0)}}
	bm, err := s.GetMembership(ctx, "ob", "b-user")
	must(t, err)
	bm.OrgID, bm.Type = "oa", members.MemberPower
	bi, err := s.GetInvitation(ctx, "ob", "b-inv")
	must(t, err)
	bi.OrgID, bi.State = "oa", members.InvitationRevoked
	bapp, err := s.GetApplication(ctx, "ob", "b-app")
	must(t, err)
	bapp.OrgID, bapp.State = "oa", members.AppCancelled

	for name, err := range map[string]error{
		"UpdateProject":     s.UpdateProject(ctx, bp),
		"UpdateAccount":     s.UpdateAccount(ctx, ba),
		"UpdateMembership":  s.UpdateMembership(ctx, bm),
		"DeleteMembership":  s.DeleteMembership(ctx, "oa", "b-user", 1),
		"UpdateInvitation":  s.UpdateInvitation(ctx, bi),
		"UpdateApplication": s.UpdateApplication(ctx, bapp),
	} {
		require.ErrorIs(t, err, members.ErrNotFound, name)
	}
	require.Equal(t, before, dump(t, s), "nothing changed")
}

// createInMissingOrganization: a record of an organization that does not exist is
// never stored (M-7; SQL stores' foreign keys).
func createInMissingOrganization(t *testing.T, s members.Store) {
	ctx := t.Context()
	orgs(t, s, "o1")
	must(t, s.CreateProject(ctx, Project("o1", "p1")))
	before := dump(t, s)
	for name, err := range map[string]error{
		"CreateProject":     s.CreateProject(ctx, Project("nope", "p9")),
		"CreateAccount":     s.CreateAccount(ctx, Account("nope", "999999999999", "p1")),
		"CreateMembership":  s.CreateMembership(ctx, Member("nope", "bob")),
		"CreateInvitation":  s.CreateInvitation(ctx, Invitation("nope", "i9", "x@example.com")),
		"CreateApplication": s.CreateApplication(ctx, Application("nope", "ap9")),
	} {
		require.ErrorIs(t, err, members.ErrNotFound, name)
	}
	require.Equal(t, before, dump(t, s), "nothing stored")
	_, err := s.FindAccount(ctx, "999999999999")
	require.ErrorIs(t, err, members.ErrNotFound)
	_, err = s.GetOrganization(ctx, "nope")
	require.ErrorIs(t, err, members.ErrNotFound, "no organization created on the way")
}

func invitationRoundTrip(t *testing.T, s members.Store) {
	ctx := t.Context()
	orgs(t, s, "o1", "o2")
	inv := Invitation("o1", "i2", "carol@example.com")
	must(t, s.CreateInvitation(ctx, inv))
	must(t, s.CreateInvitation(ctx, Invitation("o1", "i1", "dave@example.com")))
	must(t, s.CreateInvitation(ctx, Invitation("o2", "i3", "carol@example.com")))

	got, err := s.GetInvitation(ctx, "o1", "i2")
	must(t, err)
	same(t, inv, got)
	assert.Equal(t, []string{"i1", "i2"}, listed(t, s, lists("ListInvitations"), "o1"))
	byMail, _, err := s.ListInvitationsByEmail(ctx, "carol@example.com", resellerkit.Page{})
	must(t, err)
	same(t, []members.Invitation{inv, Invitation("o2", "i3", "carol@example.com")}, byMail, "the invitee's view spans organizations")
}

// onePendingInvitationPerAddress: at most one pending invitation per organization
// and address (ErrAlreadyExists); other organizations and decided invitations do
// not count (M-8).
func onePendingInvitationPerAddress(t *testing.T, s members.Store) {
	ctx := t.Context()
	orgs(t, s, "o1", "o2")
	must(t, s.CreateInvitation(ctx, Invitation("o1", "i1", "carol@example.com")))
	alreadyExists(t, s.CreateInvitation(ctx, Invitation("o1", "i2", "carol@example.com")))
	_, err := s.GetInvitation(ctx, "o1", "i2")
	require.ErrorIs(t, err, members.ErrNotFound)

	must(t, s.CreateInvitation(ctx, Invitation("o2", "i3", "carol@example.com")))
	must(t, s.CreateInvitation(ctx, Invitation("o1", "i4", "dave@example.com")))
	decided := Invitation("o1", "i5", "carol@example.com")
	decided.State, decided.DecidedAt = members.InvitationRejected, t0
	must(t, s.CreateInvitation(ctx, decided))

	inv, err := s.GetInvitation(ctx, "o1", "i1")
	must(t, err)
	inv.State, inv.DecidedAt = members.InvitationRevoked, t0
	must(t, s.UpdateInvitation(ctx, inv))
	must(t, s.CreateInvitation(ctx, Invitation("o1", "i6", "carol@example.com")))
}

// pendingExpiringAcrossOrganizations: pending invitations whose expiry is at or
// before t, in every organization, and no others.
func pendingExpiringAcrossOrganizations(t *testing.T, s members.Store) {
	ctx := t.Context()
	orgs(t, s, "o1", "o2")
	early := Invitation("o1", "i1", "a@example.com")
	early.ExpiresAt = t0.Add(time.Hour)
	exact := Invitation("o2", "i2", "b@example.com")
	exact.ExpiresAt = t0.Add(2 * time.Hour)
	late := Invitation("o1", "i3", "c@example.com")
	late.ExpiresAt = t0.Add(2*time.Hour + time.Microsecond)
	done := Invitation("o1", "i4", "d@example.com")
	done.ExpiresAt, done.State, done.DecidedAt = t0, members.InvitationRevoked, t0
	for _, i := range []members.Invitation{early, exact, late, done} {
		must(t, s.CreateInvitation(ctx, i))
	}
	got, _, err := s.ListPendingInvitationsExpiring(ctx, t0.Add(2*time.Hour), resellerkit.Page{})
	must(t, err)
	same(t, []members.Invitation{early, exact}, got, "pending, expiring at or before t, across organizations")
}

func decidedInvitationLeavesPendingExpiring(t *testing.T, s members.Store) {
	ctx := t.Context()
	orgs(t, s, "o1")
	must(t, s.CreateInvitation(ctx, Invitation("o1", "i1", "carol@example.com")))
	late := t0.Add(30 * 24 * time.Hour)
	list, _, err := s.ListPendingInvitationsExpiring(ctx, late, resellerkit.Page{})
	must(t, err)
	require.Len(t, list, 1)
	inv := list[0]
	inv.State, inv.DecidedAt = members.InvitationRejected, t0
	must(t, s.UpdateInvitation(ctx, inv))
	list, _, err = s.ListPendingInvitationsExpiring(ctx, late, resellerkit.Page{})
	must(t, err)
	assert.Empty(t, list)
}

// applicationRoundTrip: every field of M-11's applications round-trips.
func applicationRoundTrip(t *testing.T, s members.Store) {
	ctx := t.Context()
	orgs(t, s, "o1")
	a := Application("o1", "a2")
	must(t, s.CreateApplication(ctx, a))
	b := Application("o1", "a1")
	b.Kind, b.AccountID, b.ProjectID, b.Details = members.AppNewAccount, "", "p1", "new account for p1"
	must(t, s.CreateApplication(ctx, b))
	got, err := s.GetApplication(ctx, "o1", "a2")
	must(t, err)
	same(t, a, got)
	list, _, err := s.ListApplications(ctx, "o1", resellerkit.Page{})
	must(t, err)
	same(t, []members.Application{b, a}, list)
}

// closedAccountRoundTrips: a completed closure's first unbilled month is stored,
// ends ownership from that month, and can be cleared again.
func closedAccountRoundTrips(t *testing.T, s members.Store) {
	ctx := t.Context()
	orgs(t, s, "o1")
	must(t, s.CreateProject(ctx, Project("o1", "p1")))
	a := Account("o1", "000000000042", "p1")
	a.ClosedFrom = month(4)
	must(t, s.CreateAccount(ctx, a))
	got, err := s.FindAccount(ctx, a.ID)
	must(t, err)
	assert.Equal(t, month(4), got.ClosedFrom)
	_, ok := got.ProjectAt(month(3))
	assert.True(t, ok, "billed until the month before")
	_, ok = got.ProjectAt(month(4))
	assert.False(t, ok, "not billed from ClosedFrom on")

	got.ClosedFrom = resellerkit.Month{}
	must(t, s.UpdateAccount(ctx, got))
	reopened, err := s.GetAccount(ctx, "o1", a.ID)
	must(t, err)
	assert.True(t, reopened.ClosedFrom.IsZero(), "the zero Month means open (NULL in SQL)")
}
