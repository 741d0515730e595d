package security

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	"github.com/seeda33a2f4f/resellerkit/members"
)

// Finding is a security finding in the AWS Security Finding Format (ASFF), the
// shape Security Hub gives GuardDuty's findings and its own (S-4): the fields an
// alert needs.
type Finding struct {
	ID          string    `json:"Id"`
	AccountID   string    `json:"AwsAccountId"`
	Region      string    `json:"Region"`
	ProductName string    `json:"ProductName"`
	GeneratorID string    `json:"GeneratorId"`
	Title       string    `json:"Title"`
	Description string    `json:"Description"`
	Types       []string  `json:"Types"`
	CreatedAt   time.Time `json:"CreatedAt"`
	UpdatedAt   time.Time `json:"UpdatedAt"`
	Severity    struct {
		Label      string `json:"Label"`
		Normalized int    `json:"Normalized"`
	} `json:"Severity"`
	// RecordState (ACTIVE, ARCHIVED), Workflow.Status (NEW, NOTIFIED, RESOLVED,
	// SUPPRESSED) and Compliance.Status (PASSED, WARNING, FAILED,
	// NOT_AVAILABLE) say whether the finding is a problem to tell anyone about.
	RecordState string `json:"RecordState"`
	Workflow    struct {
		Status string `json:"Status"`
	} `json:"Workflow"`
	Compliance struct {
		Status string `json:"Status"`
	} `json:"Compliance"`
}

// Actionable reports whether f is a problem to alert on: not archived, not
// resolved or suppressed in its workflow, and not a passed compliance check
// (Security Hub sends its standards' passing checks as findings too).
func (f *Finding) Actionable() bool {
	switch {
	case strings.EqualFold(f.RecordState, "ARCHIVED"):
		return false
	case strings.EqualFold(f.Workflow.Status, "RESOLVED"), strings.EqualFold(f.Workflow.Status, "SUPPRESSED"):
		return false
	case strings.EqualFold(f.Compliance.Status, "PASSED"), strings.EqualFold(f.Compliance.Status, "NOT_AVAILABLE"):
		return false
	}
	return true
}

// MaxFindingsSize bounds a document of findings ParseFindings reads.
const MaxFindingsSize = 16 << 20

// severityScores are the ASFF labels with the normalized score each stands for
// when a finding gives only the label (ASFF: INFORMATIONAL 0, LOW 1–39, MEDIUM
// 40–69, HIGH 70–89, CRITICAL 90–100).
var severityScores = map[string]int{"INFORMATIONAL": 0, "LOW": 1, "MEDIUM": 40, "HIGH": 70, "CRITICAL": 90}

// ParseFindings reads ASFF findings: a Security Hub GetFindings answer or an
// import batch ({"Findings": [...]}), an EventBridge event of Security Hub
// ({"detail": {"findings": [...]}}), or a bare JSON array. Each finding needs an
// Id, a 12-digit AwsAccountId, a Title and a severity (Label or Normalized); a
// bad one fails the whole document with an error naming its index, field and
// value.
func ParseFindings(r io.Reader) ([]Finding, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFindingsSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFindingsSize {
		return nil, resellerkit.Invalid(ErrInvalid, "findings", "", "S-4", fmt.Sprintf("the document is over %d bytes", MaxFindingsSize))
	}
	data = bytes.TrimSpace(data)
	var list []json.RawMessage
	switch {
	case len(data) > 0 && data[0] == '[':
		if err := json.Unmarshal(data, &list); err != nil {
			return nil, resellerkit.Invalid(ErrInvalid, "findings", "", "S-4", "not a JSON array of findings: "+err.Error())
		}
	default:
		var doc struct {
			Findings []json.RawMessage `json:"Findings"`
			Detail   *struct {
				Findings []json.RawMessage `json:"findings"`
			} `json:"detail"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			return nil, resellerkit.Invalid(ErrInvalid, "findings", "", "S-4", "not JSON findings: "+err.Error())
		}
		list = doc.Findings
		if doc.Detail != nil {
			list = append(list, doc.Detail.Findings...)
		}
		if doc.Findings == nil && doc.Detail == nil {
			return nil, resellerkit.Invalid(ErrInvalid, "findings", "", "S-4", `want {"Findings": [...]}, an EventBridge event with detail.findings, or an array`)
		}
	}
	out := make([]Finding, 0, len(list))
	var errs []error
	for i, raw := range list {
		var f Finding
		if err := json.Unmarshal(raw, &f); err != nil {
			errs = append(errs, resellerkit.Invalid(ErrInvalid, fmt.Sprintf("findings[%d]", i), "", "S-4", err.Error()))
			continue
		}
		if err := f.validate(fmt.Sprintf("findings[%d]", i)); err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, f)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// validate checks the fields an alert needs and fills the score from the label.
func (f *Finding) validate(field string) error {
	var errs []error
	if f.ID == "" || len(f.ID) > 512 {
		errs = append(errs, resellerkit.Invalid(ErrInvalid, field+".Id", f.ID, "S-4", "required, at most 512 characters"))
	}
	if len(f.AccountID) != 12 || strings.Trim(f.AccountID, "0123456789") != "" {
		errs = append(errs, resellerkit.Invalid(ErrInvalid, field+".AwsAccountId", f.AccountID, "S-4", "want a 12-digit AWS account id"))
	}
	if strings.TrimSpace(f.Title) == "" {
		errs = append(errs, resellerkit.Invalid(ErrInvalid, field+".Title", "", "S-4", "required"))
	}
	label := strings.ToUpper(f.Severity.Label)
	score, known := severityScores[label]
	switch {
	case f.Severity.Normalized < 0 || f.Severity.Normalized > 100:
		errs = append(errs, resellerkit.Invalid(ErrInvalid, field+".Severity.Normalized", fmt.Sprint(f.Severity.Normalized), "S-4", "want 0..100"))
	case label != "" && !known:
		errs = append(errs, resellerkit.Invalid(ErrInvalid, field+".Severity.Label", f.Severity.Label, "S-4", "want INFORMATIONAL, LOW, MEDIUM, HIGH or CRITICAL"))
	case label == "" && f.Severity.Normalized == 0:
		errs = append(errs, resellerkit.Invalid(ErrInvalid, field+".Severity", "", "S-4", "want a Label or a Normalized score"))
	case f.Severity.Normalized == 0:
		f.Severity.Normalized = score
	}
	if label == "" {
		f.Severity.Label = labelOf(f.Severity.Normalized)
	} else {
		f.Severity.Label = label
	}
	return errors.Join(errs...)
}

// labelOf is the ASFF label of a normalized score.
func labelOf(score int) string {
	switch {
	case score >= 90:
		return "CRITICAL"
	case score >= 70:
		return "HIGH"
	case score >= 40:
		return "MEDIUM"
	case score >= 1:
		return "LOW"
	}
	return "INFORMATIONAL"
}

// AlertReport is what Service.Alert did with a batch of findings.
type AlertReport struct {
	New       []Alert // alerts stored and notified now
	Repeated  int     // findings alerted before: not notified again
	Ignored   int     // findings not Actionable (archived, resolved, passed)
	Unrouted  []Finding
	Incidents int // of New, those at or above the incident score
}

// Alert routes findings (S-4): findings that are not Actionable are ignored;
// each other finding id is alerted once — stored, and
// notified to its account's security contacts; one at or above the incident score
// is an incident, whose notice lists the emergency phones in call order. The same
// finding again (Security Hub updates findings; EventBridge delivers at least
// once) notifies nobody, also when its severity fell below the incident score
// since it was alerted; one raised to the incident score since is alerted once
// more, as an incident (its ID ends in EscalatedSuffix). A finding of an account
// no organization owns, or whose account has no security recipients, is returned
// in Unrouted and not stored, so a later delivery is routed. A system operation.
func (s *Service) Alert(ctx context.Context, findings []Finding) (AlertReport, error) {
	var rep AlertReport
	month := resellerkit.MonthOf(s.clock())
	for i := range findings {
		f := findings[i]
		if err := f.validate(fmt.Sprintf("findings[%d]", i)); err != nil {
			return rep, err
		}
		if !f.Actionable() {
			rep.Ignored++
			continue
		}
		owner, err := s.members.ProjectOwning(ctx, f.AccountID, month)
		if errors.Is(err, members.ErrNotFound) {
			rep.Unrouted = append(rep.Unrouted, f)
			continue
		}
		if err != nil {
			return rep, err
		}
		a := Alert{ID: f.ID, OrgID: owner.OrgID, AccountID: f.AccountID, Region: f.Region, Product: cmp.Or(f.ProductName, "Security Hub"),
			Title: f.Title, Severity: f.Severity.Label, Score: f.Severity.Normalized, Incident: f.Severity.Normalized >= s.incident,
			Types: slices.Clone(f.Types), CreatedAt: f.CreatedAt.UTC().Truncate(time.Microsecond), ReceivedAt: s.clock()}
		stored, err := s.alertOnce(ctx, &a)
		switch {
		case errors.Is(err, contacts.ErrNotFound):
			rep.Unrouted = append(rep.Unrouted, f)
		case err != nil:
			return rep, fmt.Errorf("security: finding %s: %w", resellerkit.Truncate(f.ID), err)
		case stored:
			rep.New = append(rep.New, a)
			if a.Incident {
				rep.Incidents++
			}
		default:
			rep.Repeated++
		}
	}
	return rep, nil
}

// EscalatedSuffix ends the ID of the alert of a finding raised to an incident
// after it was alerted (S-4): the finding's id followed by "#incident", which no
// ASFF id holds. Its notice is an incident's, listing the emergency phones.
const EscalatedSuffix = "#incident"

// alertOnce notifies and stores a in one transaction, and reports whether it is
// new. Notify comes first (its key makes a repeated finding a no-op), so the
// alert is stored with its notice's id. The key is the finding's, and a notice
// holds one kind: when the finding was alerted with a severity on the other side
// of the incident score (Security Hub updates findings, their severity too), a
// finding lowered from an incident is a repeat, and one raised to an incident is
// alerted once more, as an incident, under a.ID + EscalatedSuffix.
func (s *Service) alertOnce(ctx context.Context, a *Alert) (stored bool, err error) {
	for {
		err = s.store.InTx(ctx, func(ctx context.Context) error {
			a.NoticeID = ""
			if s.notifier != nil {
				n, err := s.notifier.Notify(ctx, s.alertNotice(*a))
				if err != nil {
					return err
				}
				a.NoticeID = n.ID
			}
			var err error
			stored, err = s.store.PutAlert(ctx, *a)
			return err
		})
		if !errors.Is(err, contacts.ErrConflict) || strings.HasSuffix(a.ID, EscalatedSuffix) {
			return stored, err
		}
		// The finding's notice is of the other kind: it was alerted already.
		if !a.Incident {
			// Its alert is stored too, unless the notice was written in another
			// store's transaction and the process died before the alert: keep
			// it then, as a repeat (it was notified).
			a.NoticeID = ""
			_, err = s.store.PutAlert(ctx, *a)
			return false, err
		}
		a.ID += EscalatedSuffix
	}
}

// alertNotice is the notice of an alert: an incident (phones listed by contacts)
// or an alert, keyed by the finding id.
func (s *Service) alertNotice(a Alert) contacts.NewNotice {
	url := fmt.Sprintf("%s/orgs/%s/accounts/%s/security/alerts", s.baseURL, a.OrgID, a.AccountID)
	sum := sha256.Sum256([]byte(a.ID)) // finding ids (ARNs) may be longer than a notice key
	n := contacts.NewNotice{Key: "security_alert:" + hex.EncodeToString(sum[:16]), OrgID: a.OrgID, AccountID: a.AccountID}
	if a.Incident {
		n.Kind = contacts.KindSecurityIncident
		n.Data = contacts.SecurityIncidentData{AccountID: a.AccountID, Finding: a.Title, Severity: a.Severity, Region: a.Region,
			DetectedAt: a.CreatedAt, URL: url}
		return n
	}
	n.Kind = contacts.KindSecurityAlert
	n.Data = contacts.SecurityAlertData{AccountID: a.AccountID, Finding: a.Title, Severity: a.Severity, Region: a.Region,
		DetectedAt: a.CreatedAt, URL: url}
	return n
}
