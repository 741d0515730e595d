package securitytest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/seeda33a2f4f/resellerkit/security"
)

// Fleet is an in-memory fake of a reseller's AWS fleet for the security
// baseline: the state of every account × control × region as Checks see it, for
// users' tests and demos (the portal's demo, examples/maintenance -simulate) in
// place of the AWS adapters (security/aws…).
//
// Every account starts as a fresh account does, with every control drifted (not
// compliant); a Repair makes the item compliant, and SetCompliant makes one
// drift again (or be compliant already). SetUnreachable, SetRegionDisabled and
// SetError make the fleet fail the way the adapters do, with errors wrapping
// security's sentinels. Observes and Repairs count the calls per item.
//
// Items are keyed by account, control and region; a global control (not
// PerRegion) has region "", and its methods here ignore the region given. A
// Fleet is safe for concurrent use; the zero value is not: use NewFleet.
type Fleet struct {
	mu          sync.Mutex
	compliant   map[fleetKey]bool
	observes    map[fleetKey]int
	repairs     map[fleetKey]int
	errs        map[fleetKey]error
	unreachable map[string]bool
	disabled    map[regionKey]bool // account "" disables the region in every account
}

type fleetKey struct {
	account string
	control security.ControlID
	region  string
}

type regionKey struct{ account, region string }

// NewFleet returns a Fleet of fresh accounts: every control drifted, every
// account reachable, every region enabled.
func NewFleet() *Fleet {
	return &Fleet{compliant: map[fleetKey]bool{}, observes: map[fleetKey]int{}, repairs: map[fleetKey]int{},
		errs: map[fleetKey]error{}, unreachable: map[string]bool{}, disabled: map[regionKey]bool{}}
}

// fleetItem returns the item's key, with region "" for a global control.
func fleetItem(account string, c security.ControlID, region string) fleetKey {
	if ctl, ok := security.Lookup(c); ok && !ctl.PerRegion {
		region = ""
	}
	return fleetKey{account: account, control: c, region: region}
}

// Checks returns one fake security.Check per control of the catalogue, in
// catalogue order, all over f: give them to security.Config.Checks. A
// ReportOnly control's Check refuses Repair with an error wrapping
// security.ErrInvalid, as the adapters do.
func (f *Fleet) Checks() []security.Check {
	cat := security.Catalog()
	out := make([]security.Check, 0, len(cat))
	for _, c := range cat {
		out = append(out, &fleetCheck{fleet: f, control: c})
	}
	return out
}

// SetCompliant sets whether control is in its recommended state in account and
// region ("" for a global control): false makes it drift, as a customer turning
// it off would.
func (f *Fleet) SetCompliant(account string, control security.ControlID, region string, compliant bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.compliant[fleetItem(account, control, region)] = compliant
}

// Compliant reports whether control is in its recommended state in account and
// region.
func (f *Fleet) Compliant(account string, control security.ControlID, region string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.compliant[fleetItem(account, control, region)]
}

// SetUnreachable makes every call in account fail (or succeed again, with
// false) with an error wrapping security.ErrUnreachable and
// security.ErrAccessDenied: its role cannot be assumed.
func (f *Fleet) SetUnreachable(account string, unreachable bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	setFlag(f.unreachable, account, unreachable)
}

// SetRegionDisabled makes region not enabled in account (every account when
// account is ""), or enabled again with false: the calls of regional controls
// there fail with an error wrapping security.ErrRegionDisabled.
func (f *Fleet) SetRegionDisabled(account, region string, disabled bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	setFlag(f.disabled, regionKey{account, region}, disabled)
}

// SetError makes every Observe and Repair of control in account and region fail
// with err (a nil err clears it), e.g. an error wrapping
// security.ErrAccessDenied for a permission the role lacks, or
// security.ErrThrottled.
func (f *Fleet) SetError(account string, control security.ControlID, region string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	k := fleetItem(account, control, region)
	if err == nil {
		delete(f.errs, k)
		return
	}
	f.errs[k] = err
}

// Observes returns how many times control was observed in account and region
// (calls that failed included).
func (f *Fleet) Observes(account string, control security.ControlID, region string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.observes[fleetItem(account, control, region)]
}

// Repairs returns how many times control was repaired in account and region
// (calls that failed excluded).
func (f *Fleet) Repairs(account string, control security.ControlID, region string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.repairs[fleetItem(account, control, region)]
}

// TotalRepairs returns the number of repairs made in the whole fleet.
func (f *Fleet) TotalRepairs() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, r := range f.repairs {
		n += r
	}
	return n
}

// Accounts returns the accounts the fleet has seen (called, or set), sorted.
func (f *Fleet) Accounts() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	seen := map[string]bool{}
	for _, m := range []map[fleetKey]int{f.observes, f.repairs} {
		for k := range m {
			seen[k.account] = true
		}
	}
	for k := range f.compliant {
		seen[k.account] = true
	}
	for k := range f.errs {
		seen[k.account] = true
	}
	for a := range f.unreachable {
		seen[a] = true
	}
	return slices.Sorted(maps.Keys(seen))
}

func setFlag[K comparable](m map[K]bool, k K, on bool) {
	if on {
		m[k] = true
		return
	}
	delete(m, k)
}

// fail returns the error a call of k meets, if any. f.mu is held.
func (f *Fleet) fail(k fleetKey) error {
	switch {
	case f.unreachable[k.account]:
		return fmt.Errorf("%w: %w: simulated: cannot assume the role in account %s", security.ErrUnreachable, security.ErrAccessDenied, k.account)
	case k.region != "" && (f.disabled[regionKey{k.account, k.region}] || f.disabled[regionKey{"", k.region}]):
		return fmt.Errorf("%w: simulated: %s is not enabled in account %s", security.ErrRegionDisabled, k.region, k.account)
	case f.errs[k] != nil:
		return f.errs[k]
	}
	return nil
}

// fleetCheck is the fake Check of one control over a Fleet.
type fleetCheck struct {
	fleet   *Fleet
	control security.Control
}

// Control implements security.Check.
func (c *fleetCheck) Control() security.ControlID { return c.control.ID }

// Observe implements security.Check: the item's state in the fleet.
func (c *fleetCheck) Observe(ctx context.Context, account, region string) (security.Observation, error) {
	if err := ctx.Err(); err != nil {
		return security.Observation{}, err
	}
	f := c.fleet
	f.mu.Lock()
	defer f.mu.Unlock()
	k := fleetItem(account, c.control.ID, region)
	f.observes[k]++
	if err := f.fail(k); err != nil {
		return security.Observation{}, err
	}
	if f.compliant[k] {
		return security.Observation{Compliant: true, Detail: "simulated: compliant"}, nil
	}
	return security.Observation{Detail: "simulated: not in the recommended state"}, nil
}

// Repair implements security.Check: the item becomes compliant; a ReportOnly
// control is refused with security.ErrInvalid.
func (c *fleetCheck) Repair(ctx context.Context, account, region string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	f := c.fleet
	f.mu.Lock()
	defer f.mu.Unlock()
	k := fleetItem(account, c.control.ID, region)
	if err := f.fail(k); err != nil {
		return "", err
	}
	if c.control.Remedy == security.ReportOnly {
		return "", fmt.Errorf("%w: %s is report only: %s", security.ErrInvalid, c.control.ID, c.control.Repair)
	}
	if f.compliant[k] {
		return "simulated: already compliant, nothing done", nil
	}
	f.repairs[k]++
	f.compliant[k] = true
	return "simulated: " + c.control.Repair, nil
}
