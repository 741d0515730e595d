package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/support"
)

const caseColumns = `id, org_id, account_id, category, severity, subject, body, cc, language, state,
	opened_by, opened_by_email, assignee, waiting, first_response_at, resolved_at, closed_at, scope,
	escalated, escalation_aws_case_id, escalation_display_id, escalation_at, escalation_by,
	created_at, updated_at, version`

// jsonSpan is a Span in the waiting column: times in UTC at microsecond
// precision, an open span with no end.
type jsonSpan struct {
	Start time.Time  `json:"start"`
	End   *time.Time `json:"end,omitempty"`
}

func toJSONSpans(spans []support.Span) []jsonSpan {
	out := make([]jsonSpan, len(spans))
	for i, sp := range spans {
		out[i].Start = instant(sp.Start)
		if !sp.End.IsZero() {
			end := instant(sp.End)
			out[i].End = &end
		}
	}
	return out
}

func fromJSONSpans(spans []jsonSpan) []support.Span {
	if len(spans) == 0 {
		return nil
	}
	out := make([]support.Span, len(spans))
	for i, sp := range spans {
		out[i].Start = zeroable(sp.Start)
		if sp.End != nil {
			out[i].End = zeroable(*sp.End)
		}
	}
	return out
}

// caseArgs returns the values of c for the columns of caseColumns, c's version
// being version.
func caseArgs(c support.Case, version int64) ([]any, error) {
	waiting, err := jsonArg(toJSONSpans(c.Waiting))
	if err != nil {
		return nil, err
	}
	var e support.Escalation
	if c.Escalation != nil {
		e = *c.Escalation
	}
	return []any{c.ID, c.OrgID, c.AccountID, string(c.Category), string(c.Severity), c.Subject, c.Body,
		sqldb.ListArg(c.CC), c.Language, string(c.State), c.OpenedBy, c.OpenedByEmail, c.Assignee, waiting,
		sqldb.TimeArg(c.FirstResponseAt), sqldb.TimeArg(c.ResolvedAt), sqldb.TimeArg(c.ClosedAt), string(c.Scope),
		c.Escalation != nil, e.AWSCaseID, e.DisplayID, sqldb.TimeArg(e.At), e.By,
		instant(c.CreatedAt), sqldb.TimeArg(c.UpdatedAt), version}, nil
}

func scanCase(r sqldb.Row) (support.Case, error) {
	var (
		c         support.Case
		waiting   []jsonSpan
		escalated bool
		e         support.Escalation
	)
	err := r.Scan(&c.ID, &c.OrgID, &c.AccountID, &c.Category, &c.Severity, &c.Subject, &c.Body,
		sqldb.ScanList(&c.CC), &c.Language, &c.State, &c.OpenedBy, &c.OpenedByEmail, &c.Assignee, jsonDest{&waiting},
		sqldb.ScanTime(&c.FirstResponseAt), sqldb.ScanTime(&c.ResolvedAt), sqldb.ScanTime(&c.ClosedAt), &c.Scope,
		&escalated, &e.AWSCaseID, &e.DisplayID, sqldb.ScanTime(&e.At), &e.By,
		scanInstant(&c.CreatedAt), sqldb.ScanTime(&c.UpdatedAt), &c.Version)
	c.Waiting = fromJSONSpans(waiting)
	if escalated {
		c.Escalation = &e
	}
	return c, err
}

// CreateCase implements support.Store with one INSERT … ON CONFLICT DO NOTHING on
// the id (unique across organizations), at Version 1.
func (s *Store) CreateCase(ctx context.Context, c support.Case) error {
	args, err := caseArgs(c, 1)
	if err != nil {
		return err
	}
	err = s.db.Write(ctx, func(ctx context.Context, q sqldb.Querier) error {
		return errs.Insert(ctx, q, "case", c.ID, `INSERT INTO support_cases (`+caseColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
			$21, $22, $23, $24, $25, $26)`, args...)
	})
	return errs.Map(err, "case", c.ID)
}

// GetCase implements support.Store: orgID "" reads any organization's case.
func (s *Store) GetCase(ctx context.Context, orgID, id string) (support.Case, error) {
	query, args := `SELECT `+caseColumns+` FROM support_cases WHERE id = $1`, []any{id}
	if orgID != "" {
		query, args = query+` AND org_id = $2`, append(args, orgID)
	}
	c, err := scanCase(s.q(ctx).QueryRowContext(ctx, query, args...))
	if err != nil {
		return support.Case{}, errs.Map(err, "case", id)
	}
	return c, nil
}

// UpdateCase implements support.Store with one UPDATE … WHERE id, org_id and
// version match, which leaves the immutable columns (id, org_id, account_id,
// opened_by, created_at) alone; when it changes no row, the stored version says
// whether the case is missing (ErrNotFound) or the version stale (ErrConflict).
func (s *Store) UpdateCase(ctx context.Context, c support.Case) error {
	args, err := caseArgs(c, c.Version)
	if err != nil {
		return err
	}
	// The mutable columns, in caseColumns' order (category … state, then
	// opened_by_email … escalation_by, then updated_at), then the key and the
	// version read.
	set := append(append(append(args[3:10:10], args[11:23]...), args[24]), c.ID, c.OrgID, c.Version)
	err = s.db.Write(ctx, func(ctx context.Context, q sqldb.Querier) error {
		n, err := sqldb.Exec(ctx, q, `UPDATE support_cases SET category = $1, severity = $2, subject = $3, body = $4,
			cc = $5, language = $6, state = $7, opened_by_email = $8, assignee = $9, waiting = $10,
			first_response_at = $11, resolved_at = $12, closed_at = $13, scope = $14, escalated = $15,
			escalation_aws_case_id = $16, escalation_display_id = $17, escalation_at = $18, escalation_by = $19,
			updated_at = $20, version = version + 1
			WHERE id = $21 AND org_id = $22 AND version = $23`, set...)
		if err != nil {
			return err
		}
		return errs.CheckVersion(ctx, q, n, "case", c.ID, c.Version,
			`SELECT version FROM support_cases WHERE id = $1 AND org_id = $2`, c.ID, c.OrgID)
	})
	return errs.Map(err, "case", c.ID)
}

// casePosition is a case's place in ListCases as its page tokens hold it: its
// CreatedAt in microseconds since 1970, a NUL byte and its id.
func casePosition(c support.Case) string {
	return strconv.FormatInt(c.CreatedAt.UnixMicro(), 10) + "\x00" + c.ID
}

// parseCasePosition is the inverse of casePosition; anything else wraps
// resellerkit.ErrPageToken.
func parseCasePosition(p resellerkit.Page, after string) (time.Time, string, error) {
	at, id, ok := strings.Cut(after, "\x00")
	us, err := strconv.ParseInt(at, 10, 64)
	if !ok || err != nil || strconv.FormatInt(us, 10) != at {
		return time.Time{}, "", fmt.Errorf("%w %q: not a position in a list of cases", resellerkit.ErrPageToken, resellerkit.Truncate(p.Token))
	}
	return time.UnixMicro(us).UTC(), id, nil
}

// ListCases implements support.Store by keyset: the cases f selects, newest
// first by (created_at, id) read backwards from an index (the organization's,
// the account's, the assignee's, the state's or every case's), after the token's
// position.
func (s *Store) ListCases(ctx context.Context, f support.CaseFilter, page resellerkit.Page) ([]support.Case, string, error) {
	after, err := page.After()
	if err != nil {
		return nil, "", err
	}
	var (
		where []string
		args  []any
	)
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.OrgID != "" {
		where = append(where, `org_id = `+arg(f.OrgID))
	}
	if f.AccountID != "" {
		where = append(where, `account_id = `+arg(f.AccountID))
	}
	if f.Assignee != "" {
		where = append(where, `assignee = `+arg(f.Assignee))
	}
	if len(f.States) > 0 {
		in := make([]string, len(f.States))
		for i, st := range f.States {
			in[i] = arg(string(st))
		}
		where = append(where, `state IN (`+strings.Join(in, ", ")+`)`)
	}
	if after != "" {
		at, id, err := parseCasePosition(page, after)
		if err != nil {
			return nil, "", err
		}
		where = append(where, `(created_at, id`+s.c+`) < (`+arg(instant(at))+`, `+arg(id)+`)`)
	}
	query := `SELECT ` + caseColumns + ` FROM support_cases`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	size := page.Size()
	query += ` ORDER BY created_at DESC, id` + s.c + ` DESC LIMIT ` + arg(size+1)
	l, err := sqldb.Collect(ctx, s.q(ctx), scanCase, query, args...)
	if err != nil {
		return nil, "", errs.Map(err, "cases of organization", f.OrgID)
	}
	if len(l) <= size {
		return l, "", nil
	}
	return l[:size], resellerkit.NextToken(casePosition(l[size-1])), nil
}
