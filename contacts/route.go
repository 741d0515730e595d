package contacts

import (
	"fmt"
	"slices"
)

// Route returns who receives a notice of kind about the account whose contacts are
// c (C-5). It is pure: no I/O, and the slices it returns are copies.
//
// The routing table:
//
//	kind                  to / cc                  phones
//	charge_alarm          billing TO / CC          —
//	maintenance           technical TO / CC        —
//	technical_notice      technical TO / CC        —
//	security_alert        security TO / CC         —
//	security_incident     security TO / CC         c.Phones, in call order (C-3)
//
// The emergency phones are returned for security incidents only: C-3 says they are
// used for nothing else. An incident whose account has no phones still routes (the
// mail matters more than the missing call list); phones is then empty.
//
// The other kinds are addressed by the caller, not routed by account: an invoice
// goes to the project's invoice recipients (M-2), a support reply to the inquirer,
// an invitation to the invitee, a password reset to the identity's email, a test
// mail (C-4) to the proposed list. For those, and for a kind that is not a notice
// kind, Route returns an error wrapping ErrInvalid naming "kind".
//
// A notice must not silently go nowhere: if the account's list for the kind has no
// TO address (its contacts were never set), Route returns an error wrapping
// ErrNotFound that names the account and the category.
func Route(kind Kind, c AccountContacts) (to, cc, phones []string, err error) {
	cat, ok := routeCategory(kind)
	if !ok {
		if kind.Valid() {
			return nil, nil, nil, invalid("kind", string(kind), "C-5", "is addressed by the caller, not routed by account")
		}
		return nil, nil, nil, invalid("kind", string(kind), "C-5", "is not a notice kind")
	}
	l := c.Recipients.For(cat)
	if len(l.To) == 0 {
		return nil, nil, nil, fmt.Errorf("%w: account %q has no %s recipients for a %s notice (C-5)",
			ErrNotFound, c.AccountID, cat, kind)
	}
	to, cc = slices.Clone(l.To), slices.Clone(l.CC)
	if kind == KindSecurityIncident {
		phones = slices.Clone(c.Phones)
	}
	return to, cc, phones, nil
}

// RoutedByAccount reports whether notices of kind k go to an account's recipients
// (Route serves them) rather than to addresses the caller gives.
func RoutedByAccount(k Kind) bool {
	_, ok := routeCategory(k)
	return ok
}

// Valid reports whether k is one of the notice kinds of Kinds.
func (k Kind) Valid() bool { return slices.Contains(Kinds(), k) }

// routeCategory returns the recipient category a kind routed by account goes to.
func routeCategory(k Kind) (Category, bool) {
	switch k {
	case KindChargeAlarm:
		return Billing, true
	case KindMaintenance, KindTechnicalNotice:
		return Technical, true
	case KindSecurityAlert, KindSecurityIncident:
		return Security, true
	}
	return "", false
}
