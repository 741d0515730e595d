package sqlstore

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/support"
)

const replyColumns = `id, case_id, org_id, side, author_id, body, attachments, created_at`

// jsonAttachment is an Attachment in the attachments column.
type jsonAttachment struct {
	Name string `json:"name"`
	Size int64  `json:"size"`
	Ref  string `json:"ref"`
}

func scanReply(r sqldb.Row) (support.Reply, error) {
	var (
		rp support.Reply
		as []jsonAttachment
	)
	err := r.Scan(&rp.ID, &rp.CaseID, &rp.OrgID, &rp.Side, &rp.AuthorID, &rp.Body, jsonDest{&as}, scanInstant(&rp.CreatedAt))
	if len(as) > 0 {
		rp.Attachments = make([]support.Attachment, len(as))
		for i, a := range as {
			rp.Attachments[i] = support.Attachment(a)
		}
	}
	return rp, err
}

// AddReply implements support.Store: it checks that the case is r.OrgID's, then
// inserts the reply with INSERT … ON CONFLICT DO NOTHING on its id (unique across
// cases and organizations).
func (s *Store) AddReply(ctx context.Context, r support.Reply) error {
	as := make([]jsonAttachment, len(r.Attachments))
	for i, a := range r.Attachments {
		as[i] = jsonAttachment(a)
	}
	attachments, err := jsonArg(as)
	if err != nil {
		return err
	}
	err = s.db.Write(ctx, func(ctx context.Context, q sqldb.Querier) error {
		if err := errs.Require(ctx, q, "case", r.CaseID,
			`SELECT 1 FROM support_cases WHERE id = $1 AND org_id = $2`, r.CaseID, r.OrgID); err != nil {
			return err
		}
		return errs.Insert(ctx, q, "reply", r.ID, `INSERT INTO support_replies (`+replyColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			r.ID, r.CaseID, r.OrgID, string(r.Side), r.AuthorID, r.Body, attachments, instant(r.CreatedAt))
	})
	return errs.Map(err, "reply", r.ID)
}

// ListReplies implements support.Store: in one read transaction, the case must be
// orgID's (any organization's when orgID is ""), and its replies are read oldest
// first by (created_at, id) from the case's index.
func (s *Store) ListReplies(ctx context.Context, orgID, caseID string) ([]support.Reply, error) {
	var out []support.Reply
	err := s.db.ReadTx(ctx, func(ctx context.Context) error {
		q := s.q(ctx)
		query, args := `SELECT 1 FROM support_cases WHERE id = $1`, []any{caseID}
		if orgID != "" {
			query, args = query+` AND org_id = $2`, append(args, orgID)
		}
		if err := errs.Require(ctx, q, "case", caseID, query, args...); err != nil {
			return err
		}
		var err error
		out, err = sqldb.Collect(ctx, q, scanReply, `SELECT `+replyColumns+` FROM support_replies
			WHERE case_id = $1 ORDER BY created_at, id`+s.c, caseID)
		return err
	})
	if err != nil {
		return nil, errs.Map(err, "case", caseID)
	}
	return out, nil
}

// purgeChunk is how many ids one DELETE of PurgeCases names, well below both
// databases' limits on statement arguments.
const purgeChunk = 500

// PurgeCases implements support.Store in one write: it selects the limit oldest
// cases created before cutoff (at microsecond precision) by (created_at, id) from
// the index of every case, then deletes their replies and them. A limit below 1
// is ErrInvalid.
func (s *Store) PurgeCases(ctx context.Context, cutoff time.Time, limit int) ([]string, error) {
	if limit < 1 {
		return nil, resellerkit.Invalid(support.ErrInvalid, "limit", strconv.Itoa(limit), "P-5", "want at least 1")
	}
	var ids []string
	err := s.db.Write(ctx, func(ctx context.Context, q sqldb.Querier) error {
		var err error
		ids, err = sqldb.Collect(ctx, q, func(r sqldb.Row) (string, error) {
			var id string
			return id, r.Scan(&id)
		}, `SELECT id FROM support_cases WHERE created_at < $1 ORDER BY created_at, id`+s.c+` LIMIT $2`, instant(cutoff), limit)
		if err != nil {
			return err
		}
		for start := 0; start < len(ids); start += purgeChunk {
			chunk := ids[start:min(len(ids), start+purgeChunk)]
			in := make([]string, len(chunk))
			args := make([]any, len(chunk))
			for i, id := range chunk {
				in[i], args[i] = "$"+strconv.Itoa(i+1), id
			}
			list := strings.Join(in, ", ")
			if _, err := sqldb.Exec(ctx, q, `DELETE FROM support_replies WHERE case_id IN (`+list+`)`, args...); err != nil {
				return err
			}
			if _, err := sqldb.Exec(ctx, q, `DELETE FROM support_cases WHERE id IN (`+list+`)`, args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, errs.Map(err, "cases created before", cutoff.UTC().Format(time.RFC3339))
	}
	return ids, nil
}
