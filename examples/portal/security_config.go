package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/securitytest"
)

// The security baseline of the portal (S-1 … S-4): each account's settings with
// their estimated cost, the drift its last maintenance run found, and its
// security alerts. The portal runs no maintenance itself: examples/maintenance
// does, against AWS, on the same database.
//
// The demo has no AWS: its security.Service is given the Checks of a
// securitytest.Fleet, an in-memory fake of the fleet, so that the one run the
// seed makes (seedSecurity) has something to observe and repair. A real
// deployment gives the Service the AWS adapters (security/aws…, over
// security/awsfleet), as examples/maintenance does; the portal's endpoints only
// read and save, so any Checks would do.

// demoSecurityRegions are where the demo keeps the regional controls (S-3):
// Tokyo, and N. Virginia where AWS keeps its global services' events.
var demoSecurityRegions = []string{"ap-northeast-1", "us-east-1"}

// securedDemoAccount is the demo account the seed switches to the secure
// profile (GuardDuty, AWS Config and Security Hub on), so the demo shows a cost
// estimate above zero and a recorded change.
const securedDemoAccount = "100000000002" // prod-db

// newSecurityService returns the portal's one security.Service over store:
// members authorizes and routes findings, notices (nil: none) sends the
// maintenance summaries and alerts, checks observe and repair (the demo's
// securitytest.Fleet), links in notices point under origin (the web UI answers
// them: ui_links.go).
func newSecurityService(store security.Store, svc *members.Service, notices *contacts.Service, checks []security.Check, origin string, now func() time.Time) (*security.Service, error) {
	cfg := security.Config{Store: store, Members: svc, Checks: checks, Regions: demoSecurityRegions,
		BaseURL: origin, Now: now}
	if notices != nil { // a nil *contacts.Service in the interface would not be nil
		cfg.Notifier = notices
	}
	return security.NewService(cfg)
}

// securitySeeded is what seedSecurity did.
type securitySeeded struct {
	run security.Run // the seeded maintenance run (zero: none this start)
}

// seedSecurity gives the demo organization security data, the first time the
// portal starts on a database with security (a portal_state row records it):
// the power user switches securedDemoAccount to the secure profile (a recorded
// change, S-2), then one maintenance run over the demo organization's accounts of
// the current month (members.Service.BilledProjects, as examples/maintenance
// picks them) on fleet, where two items are already compliant (a customer who
// set them up) and the rest drifted like fresh accounts: it repairs the drift of
// the controls on (S-3), and the drift endpoint shows it. An interrupted seed is
// repeated: saved settings are kept, an unfinished run resumed.
func seedSecurity(ctx context.Context, sec *security.Service, svc *members.Service, fleet *securitytest.Fleet, state *stateTable, orgID string, now time.Time) (securitySeeded, error) {
	var out securitySeeded
	done, err := state.SecuritySeeded(ctx)
	if err != nil || done || orgID == "" {
		return out, err
	}
	st, _, err := sec.GetSettings(ctx, demoPower, orgID, securedDemoAccount)
	switch {
	case errors.Is(err, members.ErrNotFound): // the account left the demo organization
	case err != nil:
		return out, fmt.Errorf("settings of %s: %w", securedDemoAccount, err)
	case st.Version == 0:
		if _, _, err := sec.UpdateSettings(ctx, demoPower, orgID, securedDemoAccount,
			security.SettingsUpdate{Profile: security.Secure}); err != nil {
			return out, fmt.Errorf("settings of %s: %w", securedDemoAccount, err)
		}
	}
	billed, err := svc.BilledProjects(ctx, resellerkit.MonthOf(now))
	if err != nil {
		return out, err
	}
	var targets []security.Target
	for _, bp := range billed {
		if bp.Project.OrgID != orgID {
			continue
		}
		for _, a := range bp.Accounts {
			targets = append(targets, security.Target{OrgID: orgID, AccountID: a, New: true}) // the demo accounts are being issued
		}
	}
	if len(targets) > 0 {
		fleet.SetCompliant(demoAccounts[0].id, security.CloudTrail, "", true)
		fleet.SetCompliant(demoAccounts[4].id, security.EBSDefaultEncryption, demoSecurityRegions[0], true)
		rep, err := sec.Maintain(ctx, targets)
		if err != nil {
			return out, fmt.Errorf("maintenance run: %w", err)
		}
		out.run = rep.Run
	}
	return out, state.MarkSecuritySeeded(ctx, now)
}

// printSecurity prints what seedSecurity did and where to look.
func printSecurity(out io.Writer, base string, sd seeded, ss securitySeeded) {
	if sd.orgID == "" || ss.run.ID == "" {
		return
	}
	r := ss.run
	fmt.Fprintf(out, "Demo security (a simulated fleet, no AWS): maintenance run %s: %d items, %d drifted, %d repaired, %d failed\n",
		r.ID, r.Items, r.Drifted, r.Repaired, r.Failed)
	fmt.Fprintf(out, "  settings at %s/v1/orgs/%s/accounts/%s/security, drift at …/security/drift\n", base, sd.orgID, securedDemoAccount)
}
