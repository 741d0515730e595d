package memberstest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/money"
	"github.com/seeda33a2f4f/resellerkit/storetest"
)

// t0 is the base time of the suite's records: UTC, microsecond precision, as the
// Service stores times.
var t0 = time.Date(2025, time.January, 15, 10, 20, 30, 123456000, time.UTC)

// month returns t0's UTC month plus n months.
func month(n int) resellerkit.Month { return resellerkit.MonthOf(t0).AddMonths(n) }

// Org returns a valid organization record with id and code, at version 1.
func Org(id, code string) members.Organization {
	return members.Organization{ID: id, Code: code, Name: "Org " + id, CreatedAt: t0, UpdatedAt: t0, Version: 1}
}

// Project returns a valid project record of orgID, invoiced in yen, at version 1.
func Project(orgID, id string) members.Project {
	return members.Project{ID: id, OrgID: orgID, Name: "Project " + id, Plan: "standard",
		PaymentMethod: members.PaymentBankTransfer, Currency: money.JPY,
		InvoiceTo: []string{"to1@" + orgID + ".example", "to2@" + orgID + ".example"},
		InvoiceCC: []string{"cc@" + orgID + ".example"},
		Billing:   members.BillingSettings{PricingPlan: "list", SupportFeeRule: "ten-percent", ExchangeRatePolicy: "ttm-month-end"},
		CreatedAt: t0, UpdatedAt: t0, Version: 1}
}

// Account returns a valid account record of orgID owned by projectID from January
// 2025 on (M-3), at version 1. The store checks that projectID is a project of
// orgID, so create that first.
func Account(orgID, id, projectID string) members.Account {
	return members.Account{ID: id, OrgID: orgID, Name: "acct " + id, Labels: []string{"prod", "web"},
		Ownership: []members.Ownership{{ProjectID: projectID, From: month(0)}},
		CreatedAt: t0, UpdatedAt: t0, Version: 1}
}

// Member returns a valid general membership of identityID in orgID, with email
// identityID@example.com and the account.view permission (with its prerequisite),
// at version 1.
func Member(orgID, identityID string) members.Membership {
	return members.Membership{OrgID: orgID, IdentityID: identityID, Email: identityID + "@example.com",
		Type: members.MemberGeneral, Permissions: []members.Permission{members.PermAccountView, members.PermProjectView},
		CreatedAt: t0, UpdatedAt: t0, Version: 1}
}

// PowerMember returns Member(orgID, identityID) made a power user (M-4).
func PowerMember(orgID, identityID string) members.Membership {
	m := Member(orgID, identityID)
	m.Type, m.Permissions = members.MemberPower, nil
	return m
}

// Invitation returns a valid pending invitation of orgID for email, expiring seven
// days after it was created (M-8), at version 1.
func Invitation(orgID, id, email string) members.Invitation {
	return members.Invitation{ID: id, OrgID: orgID, Email: email, Type: members.MemberGeneral,
		Permissions: []members.Permission{members.PermProjectView}, State: members.InvitationPending,
		InvitedBy: "alice", CreatedAt: t0, ExpiresAt: t0.Add(7 * 24 * time.Hour), Version: 1}
}

// Application returns a valid submitted account-closure application of orgID
// (M-11), at version 1.
func Application(orgID, id string) members.Application {
	return members.Application{ID: id, OrgID: orgID, Kind: members.AppAccountClosure, State: members.AppSubmitted,
		AccountID: "123456789012", Details: "closing", SubmittedBy: "alice", CreatedAt: t0, UpdatedAt: t0, Version: 1}
}

// norm makes nil and empty slices equal for comparison: the contract lets a store
// return either.
func norm(v any) any {
	switch x := v.(type) {
	case members.Project:
		x.InvoiceTo, x.InvoiceCC = storetest.NilIfEmpty(x.InvoiceTo), storetest.NilIfEmpty(x.InvoiceCC)
		return x
	case members.Account:
		x.Labels, x.Ownership = storetest.NilIfEmpty(x.Labels), storetest.NilIfEmpty(x.Ownership)
		return x
	case members.Membership:
		x.Permissions = storetest.NilIfEmpty(x.Permissions)
		return x
	case members.Invitation:
		x.Permissions = storetest.NilIfEmpty(x.Permissions)
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
		return storetest.NilIfEmpty(x)
	case []members.Application:
		return storetest.NilIfEmpty(x)
	case []members.Ownership:
		return storetest.NilIfEmpty(x)
	}
	return v
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

// same requires want and got to be equal, a nil and an empty slice being equal.
func same(t *testing.T, want, got any, msg ...any) {
	t.Helper()
	require.Equal(t, norm(want), norm(got), msg...)
}
