package securitytest

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/seeda33a2f4f/resellerkit/security"
)

// t0 is the suite's clock: UTC at microsecond precision, as stores keep times.
var t0 = time.Date(2026, 5, 3, 4, 5, 6, 123456000, time.UTC)

// Settings returns saved-to-be settings of orgID's account with every field set:
// the secure profile, two choices, updated at 2026-05-03 by "user-1", Version 0
// (settings never saved).
func Settings(orgID, accountID string) security.Settings {
	return security.Settings{OrgID: orgID, AccountID: accountID, Profile: security.Secure,
		Choices:   map[security.ControlID]bool{security.GuardDuty: false, security.S3PublicAccessBlock: true},
		UpdatedAt: t0, UpdatedBy: "user-1"}
}

// Change returns the change that saves s, made by by at s.UpdatedAt: from the
// defaults of s's account to s.
func Change(s security.Settings, by string) security.Change {
	return security.Change{OrgID: s.OrgID, AccountID: s.AccountID, By: by, At: s.UpdatedAt,
		Before: security.DefaultSettings(s.OrgID, s.AccountID), After: s}
}

// Run returns a run started at startedAt, still running, over two regions.
func Run(id string, startedAt time.Time) security.Run {
	return security.Run{ID: id, StartedAt: startedAt, State: security.RunRunning,
		Regions: []string{"ap-northeast-1", "us-east-1"}}
}

// Finished returns r finished an hour after it started, with totals.
func Finished(r security.Run) security.Run {
	r.FinishedAt, r.State = r.StartedAt.Add(time.Hour), security.RunFinished
	r.Items, r.Drifted, r.Repaired, r.Failed = 26, 4, 3, 1
	return r
}

// Leased returns r held by owner until until.
func Leased(r security.Run, owner string, until time.Time) security.Run {
	r.Owner, r.LeaseUntil = owner, until
	return r
}

// Item returns the item of run runID for orgID's account, control c and region
// (""for a global control), with every field set: drifted and repaired.
func Item(runID, orgID, accountID string, c security.ControlID, region string) security.Item {
	return security.Item{RunID: runID, OrgID: orgID, AccountID: accountID, Control: c, Region: region,
		Desired: true, Observed: security.Observation{Compliant: false, Detail: fmt.Sprintf("%s off in %q", c, region)},
		Drift: true, Action: security.ActionRepaired, Detail: "enabled " + string(c), Error: "",
		At: t0.Add(10 * time.Minute)}
}

// Alert returns alert id of orgID's account, received at receivedAt, with every
// field set: a HIGH GuardDuty finding, an incident.
func Alert(orgID, accountID, id string, receivedAt time.Time) security.Alert {
	return security.Alert{ID: id, OrgID: orgID, AccountID: accountID, Region: "ap-northeast-1", Product: "GuardDuty",
		Title: "EC2 instance communicating with a known command-and-control server", Severity: "HIGH", Score: 80,
		Incident: true, Types: []string{"TTPs/Command and Control/Backdoor:EC2-C&CActivity.B", "Software and Configuration Checks"},
		CreatedAt: receivedAt.Add(-5 * time.Minute), ReceivedAt: receivedAt, NoticeID: "notice-" + id}
}

// ---- canonical values, for comparing what a store returns ----
//
// A store returns Choices as a non-nil map (empty when there is no choice), and may
// return either nil or an empty slice for Regions and Types.

func canonSettings(s security.Settings) security.Settings {
	s.Choices = maps.Clone(s.Choices)
	if s.Choices == nil {
		s.Choices = map[security.ControlID]bool{}
	}
	return s
}

func canonChange(c security.Change) security.Change {
	c.Before, c.After = canonSettings(c.Before), canonSettings(c.After)
	return c
}

func canonChanges(cs []security.Change) []security.Change {
	if len(cs) == 0 {
		return nil
	}
	out := make([]security.Change, len(cs))
	for i, c := range cs {
		out[i] = canonChange(c)
	}
	return out
}

func canonRun(r security.Run) security.Run {
	if len(r.Regions) == 0 {
		r.Regions = nil
	}
	return r
}

func canonItems(its []security.Item) []security.Item {
	if len(its) == 0 {
		return nil
	}
	return slices.Clone(its)
}

func canonAlert(a security.Alert) security.Alert {
	if len(a.Types) == 0 {
		a.Types = nil
	}
	return a
}

func canonAlerts(as []security.Alert) []security.Alert {
	if len(as) == 0 {
		return nil
	}
	out := make([]security.Alert, len(as))
	for i, a := range as {
		out[i] = canonAlert(a)
	}
	return out
}

// saved is s as PutSettings stores it: at Version v.
func saved(s security.Settings, v int64) security.Settings {
	s.Version = v
	return canonSettings(s)
}
