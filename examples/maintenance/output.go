package main

import (
	"fmt"
	"slices"
	"time"

	"github.com/seeda33a2f4f/resellerkit/security"
)

// reportJSON is the report of one maintenance run (S-3): the run with its totals
// and every account × control × region item. It carries no money: costs are the
// settings' (the portal shows their estimate).
type reportJSON struct {
	Run     runJSON    `json:"run"`
	Resumed bool       `json:"resumed"` // an unfinished run (a crash) was continued
	Items   []itemJSON `json:"items"`
}

type runJSON struct {
	ID         string    `json:"id"`
	State      string    `json:"state"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	Regions    []string  `json:"regions"`
	Items      int       `json:"items"`
	Drifted    int       `json:"drifted"`
	Repaired   int       `json:"repaired"`
	Failed     int       `json:"failed"`
}

// itemJSON is one account × control × region: whether the control is wanted on,
// what was observed, whether it drifted and what was done.
type itemJSON struct {
	OrgID     string    `json:"org_id"`
	AccountID string    `json:"account_id"`
	Control   string    `json:"control"`
	Region    string    `json:"region,omitempty"` // absent for a global control
	Desired   bool      `json:"desired"`
	Compliant bool      `json:"compliant"`
	Observed  string    `json:"observed,omitempty"`
	Drift     bool      `json:"drift"`
	Action    string    `json:"action"` // none, repaired, reported, skipped, failed, no_region
	Detail    string    `json:"detail,omitempty"`
	Error     string    `json:"error,omitempty"`
	At        time.Time `json:"at"`
}

func toReport(rep security.Report) reportJSON {
	r := rep.Run
	out := reportJSON{Resumed: rep.Resumed, Items: make([]itemJSON, 0, len(rep.Items)),
		Run: runJSON{ID: r.ID, State: string(r.State), StartedAt: r.StartedAt, FinishedAt: r.FinishedAt, Regions: slices.Clone(r.Regions),
			Items: r.Items, Drifted: r.Drifted, Repaired: r.Repaired, Failed: r.Failed}}
	for _, it := range rep.Items {
		out.Items = append(out.Items, itemJSON{OrgID: it.OrgID, AccountID: it.AccountID, Control: string(it.Control), Region: it.Region,
			Desired: it.Desired, Compliant: it.Observed.Compliant, Observed: it.Observed.Detail, Drift: it.Drift,
			Action: string(it.Action), Detail: it.Detail, Error: it.Error, At: it.At})
	}
	return out
}

// summary is the one line on stderr after a run.
func summary(rep security.Report, accounts int) string {
	r := rep.Run
	s := fmt.Sprintf("maintenance: %d accounts, %d items: %d drifted, %d repaired, %d failed", accounts, r.Items, r.Drifted, r.Repaired, r.Failed)
	if rep.Resumed {
		s += " (an unfinished run resumed)"
	}
	return s
}

// alertReportJSON is what -alerts did with the findings (S-4).
type alertReportJSON struct {
	New       []alertJSON   `json:"new"`       // stored and notified now
	Repeated  int           `json:"repeated"`  // alerted before: nobody notified again
	Incidents int           `json:"incidents"` // of new, those that listed the emergency phones
	Unrouted  []findingJSON `json:"unrouted"`  // no organization owns the account, or it has no security recipients
}

type alertJSON struct {
	ID        string `json:"id"`
	OrgID     string `json:"org_id"`
	AccountID string `json:"account_id"`
	Region    string `json:"region,omitempty"`
	Product   string `json:"product"`
	Title     string `json:"title"`
	Severity  string `json:"severity"`
	Score     int    `json:"score"`
	Incident  bool   `json:"incident"`
	NoticeID  string `json:"notice_id,omitempty"`
}

type findingJSON struct {
	ID        string `json:"id"`
	AccountID string `json:"account_id"`
	Title     string `json:"title"`
	Severity  string `json:"severity"`
}

func toAlertReport(rep security.AlertReport) alertReportJSON {
	out := alertReportJSON{New: []alertJSON{}, Repeated: rep.Repeated, Incidents: rep.Incidents, Unrouted: []findingJSON{}}
	for _, a := range rep.New {
		out.New = append(out.New, alertJSON{ID: a.ID, OrgID: a.OrgID, AccountID: a.AccountID, Region: a.Region, Product: a.Product,
			Title: a.Title, Severity: a.Severity, Score: a.Score, Incident: a.Incident, NoticeID: a.NoticeID})
	}
	for _, f := range rep.Unrouted {
		out.Unrouted = append(out.Unrouted, findingJSON{ID: f.ID, AccountID: f.AccountID, Title: f.Title, Severity: f.Severity.Label})
	}
	return out
}
