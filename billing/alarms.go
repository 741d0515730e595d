package billing

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/money"
)

// MaxAlarmsPerAccount is B-15's limit of charge alarms on one account.
const MaxAlarmsPerAccount = 3

// AlarmSpec is what a customer sets on a charge alarm (B-15).
type AlarmSpec struct {
	// OnTag makes the alarm watch the charges whose CmBillingGroup tag is
	// TagValue ("" with OnTag: the untagged charges) instead of the account's.
	OnTag    bool
	TagValue string
	// Threshold is in the cost data's currency, above zero, with at most its
	// minor digits (2 for USD, none for JPY).
	Threshold money.Decimal
	Name      string // optional, at most 100 characters
}

func (a AlarmSpec) validate(cur money.Currency) error {
	var errs []error
	if a.Threshold.Sign() <= 0 || a.Threshold.Places() > cur.MinorDigits() {
		errs = append(errs, resellerkit.Invalid(ErrInvalid, "threshold", a.Threshold.String(), "B-15",
			fmt.Sprintf("want an amount of %s above zero with at most %d decimals", cur, cur.MinorDigits())))
	}
	if !a.OnTag && a.TagValue != "" {
		errs = append(errs, resellerkit.Invalid(ErrInvalid, "tag_value", a.TagValue, "B-15", "a tag value needs on_tag"))
	}
	if utf8.RuneCountInString(a.TagValue) > 256 || !utf8.ValidString(a.TagValue) {
		errs = append(errs, resellerkit.Invalid(ErrInvalid, "tag_value", a.TagValue, "B-9", "want valid UTF-8 of at most 256 characters (AWS's tag value limit)"))
	}
	if utf8.RuneCountInString(a.Name) > 100 || !utf8.ValidString(a.Name) || strings.ContainsAny(a.Name, "\r\n") {
		errs = append(errs, resellerkit.Invalid(ErrInvalid, "name", a.Name, "B-15", "want one line of at most 100 characters"))
	}
	return errors.Join(errs...)
}

// CreateAlarm adds a charge alarm to an account of orgID (B-15). p needs
// contacts.edit on the account (an alarm is a notification setting of it, M-5);
// a fourth alarm on one account fails with ErrLimit, also under concurrency.
func (s *Service) CreateAlarm(ctx context.Context, p members.Principal, orgID, accountID string, spec AlarmSpec) (Alarm, error) {
	if err := s.editableAccount(ctx, p, orgID, accountID); err != nil {
		return Alarm{}, err
	}
	if err := spec.validate(s.costCurrency); err != nil {
		return Alarm{}, err
	}
	now := s.clock()
	a := Alarm{ID: s.newID(), OrgID: orgID, AccountID: accountID, OnTag: spec.OnTag, TagValue: spec.TagValue,
		Threshold: spec.Threshold, Name: spec.Name, CreatedAt: now, UpdatedAt: now, Version: 1}
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		have, err := s.store.ListAlarms(ctx, orgID, accountID)
		if err != nil {
			return err
		}
		if len(have) >= MaxAlarmsPerAccount {
			return fmt.Errorf("billing: account %s has %d charge alarms, the most there can be (B-15): %w", accountID, len(have), ErrLimit)
		}
		return s.store.CreateAlarm(ctx, a)
	})
	if err != nil {
		return Alarm{}, err
	}
	return a, nil
}

// UpdateAlarm changes an alarm's spec if version is current (ErrConflict
// otherwise). p needs contacts.edit on its account.
func (s *Service) UpdateAlarm(ctx context.Context, p members.Principal, orgID, alarmID string, spec AlarmSpec, version int64) (Alarm, error) {
	if version < 1 {
		return Alarm{}, resellerkit.Invalid(ErrInvalid, "version", fmt.Sprint(version), "B-15", "required: the version read (1 or more)")
	}
	if err := spec.validate(s.costCurrency); err != nil {
		return Alarm{}, err
	}
	var out Alarm
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		a, err := s.store.GetAlarm(ctx, orgID, alarmID)
		if err != nil {
			return err
		}
		if err := s.editableAccount(ctx, p, orgID, a.AccountID); err != nil {
			return err
		}
		a.OnTag, a.TagValue, a.Threshold, a.Name, a.UpdatedAt, a.Version = spec.OnTag, spec.TagValue, spec.Threshold, spec.Name, s.clock(), version
		if err := s.store.UpdateAlarm(ctx, a); err != nil {
			return err
		}
		a.Version++
		out = a
		return nil
	})
	return out, err
}

// DeleteAlarm removes an alarm and its history. p needs contacts.edit on its
// account.
func (s *Service) DeleteAlarm(ctx context.Context, p members.Principal, orgID, alarmID string) error {
	return s.store.InTx(ctx, func(ctx context.Context) error {
		a, err := s.store.GetAlarm(ctx, orgID, alarmID)
		if err != nil {
			return err
		}
		if err := s.editableAccount(ctx, p, orgID, a.AccountID); err != nil {
			return err
		}
		return s.store.DeleteAlarm(ctx, orgID, alarmID)
	})
}

// ListAlarms returns the alarms of an account of orgID ("" for every account of
// it), to p with charges.view.
func (s *Service) ListAlarms(ctx context.Context, p members.Principal, orgID, accountID string) ([]Alarm, error) {
	if err := s.authorize(ctx, p, orgID, members.PermChargesView); err != nil {
		return nil, err
	}
	return s.store.ListAlarms(ctx, orgID, accountID)
}

// GetAlarm returns an alarm of orgID to p with charges.view; ErrNotFound for
// another organization's.
func (s *Service) GetAlarm(ctx context.Context, p members.Principal, orgID, alarmID string) (Alarm, error) {
	if err := s.authorize(ctx, p, orgID, members.PermChargesView); err != nil {
		return Alarm{}, err
	}
	return s.store.GetAlarm(ctx, orgID, alarmID)
}

// ListFirings returns when an alarm of orgID fired, newest month first, to p with
// charges.view; ErrNotFound when orgID has no such alarm.
func (s *Service) ListFirings(ctx context.Context, p members.Principal, orgID, alarmID string) ([]AlarmFiring, error) {
	var out []AlarmFiring
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		if _, err := s.GetAlarm(ctx, p, orgID, alarmID); err != nil {
			return err
		}
		var err error
		out, err = s.store.ListFirings(ctx, orgID, alarmID)
		return err
	})
	return out, err
}

// editableAccount checks that accountID is orgID's and that p holds contacts.edit
// there.
func (s *Service) editableAccount(ctx context.Context, p members.Principal, orgID, accountID string) error {
	if err := s.authorize(ctx, p, orgID, members.PermContactsEdit); err != nil {
		return err
	}
	_, err := s.auth.GetAccount(ctx, p, orgID, accountID)
	return err
}

// IsUpfront reports whether an aggregate is an upfront (prepaid) fee, which charge
// alarms leave out (B-15): Savings Plans' upfront fees (SavingsPlanUpfrontFee) and
// Reserved Instances' upfront fees (a Fee row whose usage type is a
// "HeavyUsage" reservation purchase). FOCUS data has no column in the aggregate
// that tells a one-time purchase apart, so its purchases count.
func IsUpfront(k GroupKey) bool {
	switch k.LineItemType {
	case "SavingsPlanUpfrontFee":
		return true
	case "Fee":
		return isRIUpfrontFee([]byte(k.LineItemType), []byte(k.UsageType))
	}
	return false
}

// AlarmReport is what one evaluation of the charge alarms did.
type AlarmReport struct {
	Period    resellerkit.Month
	Evaluated int           // alarms looked at
	Fired     []AlarmFiring // alarms that crossed their threshold for the first time this month
	// AlreadyFired counts the alarms over their threshold that had fired this
	// month before: not notified again.
	AlreadyFired int
	// Unrouted lists the alarms over their threshold whose account has no billing
	// recipients (contacts.ErrNotFound): not recorded as fired, so a run after
	// the recipients are set notifies them.
	Unrouted []Alarm
}

// EvaluateAlarms checks every alarm against the month-to-date charges of period
// without upfront fees (B-15): the account's charges after pricing (or those of
// its tag value), credits not deducted, so a credit never hides a runaway cost.
// An alarm at or over its threshold fires once per month: its firing is recorded
// and its notice (to the account's billing recipients) written in one
// transaction, both idempotent, so any number of runs, concurrent or after a
// crash, send at most one notice per alarm and month. An alarm whose account has
// no billing recipients is reported in Unrouted and not recorded, so it notifies
// once they are set. A system operation.
func (s *Service) EvaluateAlarms(ctx context.Context, period resellerkit.Month) (AlarmReport, error) {
	rep := AlarmReport{Period: period}
	if period.IsZero() {
		return rep, resellerkit.Invalid(ErrInvalid, "period", "", "B-15", "required")
	}
	alarms, err := s.store.ListAlarms(ctx, "", "")
	if err != nil || len(alarms) == 0 {
		return rep, err
	}
	m, err := s.compute(ctx, period, s.charges, func(g *Group) bool { return !IsUpfront(g.GroupKey) }, nil)
	if err != nil {
		return rep, err
	}
	type owned struct {
		orgID string
		acct  *AccountCharges
	}
	accounts := map[string]owned{}
	for i := range m.result.Invoices {
		inv := &m.result.Invoices[i]
		p, _ := projectOf(m.projects, inv.ProjectID)
		for j := range inv.Accounts {
			accounts[inv.Accounts[j].AccountID] = owned{orgID: p.OrgID, acct: &inv.Accounts[j]}
		}
	}
	for _, a := range alarms {
		rep.Evaluated++
		o, ok := accounts[a.AccountID]
		if !ok || o.orgID != a.OrgID {
			continue // no charges, or the account is not (or no longer) the alarm's organization's
		}
		metric := alarmMetric(a, o.acct)
		if metric.Cmp(a.Threshold) < 0 {
			continue
		}
		f := AlarmFiring{AlarmID: a.ID, OrgID: a.OrgID, Period: period, Amount: metric, FiredAt: s.clock()}
		var fired bool
		err := s.store.InTx(ctx, func(ctx context.Context) error {
			f.NoticeID = ""
			if s.notifier != nil {
				n, err := s.notifier.Notify(ctx, contacts.NewNotice{
					Key: "charge_alarm:" + a.ID + ":" + period.String(), Kind: contacts.KindChargeAlarm,
					OrgID: a.OrgID, AccountID: a.AccountID,
					Data: contacts.ChargeAlarmData{AccountID: a.AccountID, Threshold: a.Threshold.StringFixed(s.costCurrency.MinorDigits()),
						Current:  s.costCurrency.Round(metric, money.HalfUp).StringFixed(s.costCurrency.MinorDigits()),
						Currency: string(s.costCurrency), Period: period, URL: s.urls.charges(a.OrgID, a.AccountID)},
				})
				if errors.Is(err, contacts.ErrNotFound) {
					return errNoRecipients
				}
				if err != nil {
					return err
				}
				f.NoticeID = n.ID
			}
			var err error
			fired, err = s.store.RecordFiring(ctx, f)
			return err
		})
		if errors.Is(err, errNoRecipients) {
			rep.Unrouted = append(rep.Unrouted, a)
			continue
		}
		if err != nil {
			return rep, fmt.Errorf("billing: alarm %s of account %s: %w", a.ID, a.AccountID, err)
		}
		if fired {
			rep.Fired = append(rep.Fired, f)
		} else {
			rep.AlreadyFired++
		}
	}
	return rep, nil
}

// errNoRecipients rolls back an alarm's firing when its notice has nobody to go to.
var errNoRecipients = errors.New("billing: the account has no billing recipients")

// alarmMetric is the alarm's month-to-date charges: the account's, or its tag
// value's.
func alarmMetric(a Alarm, ac *AccountCharges) money.Decimal {
	if !a.OnTag {
		return ac.ChargesUSD
	}
	if len(ac.BillingGroups) == 0 {
		if a.TagValue == "" {
			return ac.ChargesUSD // every charge is untagged
		}
		return money.Decimal{}
	}
	for _, g := range ac.BillingGroups {
		if g.Group == a.TagValue {
			return g.ChargesUSD
		}
	}
	return money.Decimal{}
}
