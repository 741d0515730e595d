package security

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// Profile is the security profile an account is issued with (S-1).
type Profile string

// The profiles.
const (
	// Basic: the managed and initial controls.
	Basic Profile = "basic"
	// Secure: basic plus the maintained controls (GuardDuty, AWS Config, Security
	// Hub), which cost at least $5–15 a month (S-2).
	Secure Profile = "secure"
)

// Valid reports whether p is a profile.
func (p Profile) Valid() bool { return p == Basic || p == Secure }

// UnmarshalText accepts "basic" or "secure".
func (p *Profile) UnmarshalText(b []byte) error {
	v := Profile(b)
	if !v.Valid() {
		return resellerkit.Invalid(ErrInvalid, "profile", string(b), "S-1", "want basic or secure")
	}
	*p = v
	return nil
}

// Settings are an account's security settings (S-2): its profile and, for the
// controls a customer may choose (initial and maintained ones), explicit choices
// that override the profile. Changes apply at the next maintenance run.
type Settings struct {
	OrgID     string
	AccountID string
	Profile   Profile
	// Choices turns optional controls on or off against the profile's default.
	// Managed controls cannot be turned off (ErrManaged).
	Choices   map[ControlID]bool
	UpdatedAt time.Time
	UpdatedBy string // the identity id of who saved them; "" for the defaults
	Version   int64  // 0: never saved (the defaults)
}

// DefaultSettings are an account's settings until someone saves others: the basic
// profile, no choice.
func DefaultSettings(orgID, accountID string) Settings {
	return Settings{OrgID: orgID, AccountID: accountID, Profile: Basic, Choices: map[ControlID]bool{}}
}

// On reports whether c is wanted on: a managed control always; otherwise the
// explicit choice, else the profile's default (maintained controls in secure only).
func (s *Settings) On(c Control) bool {
	if c.Class == Managed {
		return true
	}
	if on, ok := s.Choices[c.ID]; ok {
		return on
	}
	return !c.Secure || s.Profile == Secure
}

// Validate checks the profile and every choice, reporting each problem.
func (s *Settings) Validate() error {
	var errs []error
	if !s.Profile.Valid() {
		errs = append(errs, resellerkit.Invalid(ErrInvalid, "profile", string(s.Profile), "S-1", "want basic or secure"))
	}
	for _, id := range slices.Sorted(maps.Keys(s.Choices)) {
		c, ok := Lookup(id)
		switch {
		case !ok:
			errs = append(errs, resellerkit.Invalid(ErrInvalid, "choices."+string(id), string(id), "S-1", "is not a control of the baseline"))
		case c.Class == Managed && !s.Choices[id]:
			errs = append(errs, fmt.Errorf("%w: %w", ErrManaged, resellerkit.Invalid(ErrInvalid, "choices."+string(id), "false", "S-1",
				"a managed control is required by the service and cannot be turned off")))
		}
	}
	return errors.Join(errs...)
}

// Estimate is the estimated monthly cost of an account's settings (S-2), in USD,
// as a range.
type Estimate struct {
	Min, Max money.Decimal
	Regions  int
	Controls []ControlCost // the controls on, with a cost or not, in catalogue order
}

// ControlCost is one control's part of an Estimate: its range times its regions.
type ControlCost struct {
	Control  ControlID
	Min, Max money.Decimal
}

// EstimateCost returns the estimated monthly cost of s when maintained in regions
// regions (at least 1): each control on, per region when it is regional.
func EstimateCost(s Settings, regions int) Estimate {
	regions = max(regions, 1)
	e := Estimate{Regions: regions}
	for _, c := range catalog {
		if !s.On(c) {
			continue
		}
		n := money.NewFromInt(1)
		if c.PerRegion {
			n = money.NewFromInt(int64(regions))
		}
		cc := ControlCost{Control: c.ID, Min: c.CostMin.Mul(n), Max: c.CostMax.Mul(n)}
		e.Min, e.Max = e.Min.Add(cc.Min), e.Max.Add(cc.Max)
		e.Controls = append(e.Controls, cc)
	}
	return e
}

// Change is one recorded change of an account's settings (S-2): who, when, what.
type Change struct {
	OrgID     string
	AccountID string
	By        string // identity id
	At        time.Time
	Before    Settings
	After     Settings
}
