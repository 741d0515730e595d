package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/identity"
	idmemstore "github.com/seeda33a2f4f/resellerkit/identity/memstore"
	"github.com/seeda33a2f4f/resellerkit/members"
	mmemstore "github.com/seeda33a2f4f/resellerkit/members/memstore"
	"github.com/seeda33a2f4f/resellerkit/support"
	smemstore "github.com/seeda33a2f4f/resellerkit/support/memstore"
)

// casesPath is the path of the demo organization's cases, or of one case and
// what follows it.
func (f *fixture) casesPath(rest ...string) string {
	return "/v1/orgs/" + f.orgID + "/support/cases" + strings.Join(rest, "")
}

// supportCase reads a case as tok's caller.
func (f *fixture) supportCase(tok, id string) caseDetailJSON {
	f.t.Helper()
	var c caseDetailJSON
	require.Equal(f.t, http.StatusOK, f.do("GET", f.casesPath("/", id), tok, nil, &c))
	return c
}

// newCase is a valid case body about prod-web.
func newCase() map[string]any {
	return map[string]any{"account_id": "100000000001", "category": "technical", "severity": "high",
		"subject": "EC2 インスタンスに接続できない / cannot reach an instance", "body": "i-0123 stopped answering SSH at 10:00 JST.",
		"cc": []string{"ops@demo.example.com"}, "language": "en"}
}

// TestP1_SupportCasesOverHTTP: a customer with support.inquire opens a case about
// an account of the organization, lists and reads it with its conversation and
// SLA clocks, and replies with attachments (P-1, P-2, P-3); without
// support.inquire it is 403 (M-5); another organization reaches none of it (M-7).
func TestP1_SupportCasesOverHTTP(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		power := f.token(demoPower)

		// The seeded case: account and billing, taken and answered by the desk.
		seeded := f.supportCase(power, f.support.caseID)
		assert.Equal(t, "account_billing", seeded.Category)
		assert.Equal(t, "in_progress", seeded.State)
		assert.Equal(t, demoPower.IdentityID, seeded.OpenedBy)
		require.Len(t, seeded.Replies, 1)
		assert.Equal(t, "desk", seeded.Replies[0].Side)
		assert.Equal(t, demoOperator.IdentityID, seeded.Replies[0].AuthorID)
		require.NotNil(t, seeded.FirstResponseAt)
		assert.Equal(t, "met", seeded.SLA.FirstResponse.State, "the desk answered at once")
		assert.Equal(t, int64(8*3600), seeded.SLA.FirstResponse.TargetSeconds, "account_billing/normal: 8 business hours")
		assert.Equal(t, int64(40*3600), seeded.SLA.Resolution.TargetSeconds)
		assert.Equal(t, "running", seeded.SLA.Resolution.State)

		// Open (P-1): 201, the defaults filled in.
		var c caseJSON
		require.Equal(t, http.StatusCreated, f.do("POST", f.casesPath(), power, newCase(), &c))
		assert.Equal(t, f.orgID, c.OrgID)
		assert.Equal(t, "100000000001", c.AccountID)
		assert.Equal(t, "open", c.State)
		assert.Equal(t, "high", c.Severity)
		assert.Equal(t, []string{"ops@demo.example.com"}, c.CC)
		assert.Equal(t, int64(1), c.Version)
		assert.Empty(t, c.Waiting)
		body := newCase()
		delete(body, "severity")
		delete(body, "cc")
		delete(body, "language")
		body["account_id"], body["category"] = "100000000004", "account_billing"
		var c2 caseJSON
		require.Equal(t, http.StatusCreated, f.do("POST", f.casesPath(), power, body, &c2))
		assert.Equal(t, "normal", c2.Severity)
		assert.Equal(t, "ja", c2.Language)
		assert.Equal(t, []string{}, c2.CC)

		// Read: the SLA clocks, with RFC 3339 due times.
		var raw map[string]any
		require.Equal(t, http.StatusOK, f.do("GET", f.casesPath("/", c.ID), power, nil, &raw))
		sla := raw["sla"].(map[string]any)
		for _, name := range []string{"first_response", "resolution"} {
			k := sla[name].(map[string]any)
			assert.Equal(t, "running", k["state"], name)
			assert.Contains(t, k, "provisional", name)
			assert.Contains(t, k, "elapsed_seconds", name)
			due, err := time.Parse(time.RFC3339, k["due"].(string))
			require.NoError(t, err, name)
			assert.True(t, strings.HasSuffix(k["due"].(string), "Z"), "UTC, like every time of the API")
			assert.True(t, due.After(time.Now()), name)
		}
		assert.Equal(t, float64(4*3600), sla["first_response"].(map[string]any)["target_seconds"], "technical/high: 4 hours")
		assert.Equal(t, []any{}, raw["replies"])

		// Reply (P-3) with an attachment reference: from the customer's side.
		var rep replyJSON
		require.Equal(t, http.StatusCreated, f.do("POST", f.casesPath("/", c.ID, "/replies"), power, map[string]any{
			"body": "the console log is attached", "attachments": []map[string]any{{"name": "console.log", "size": 2048, "ref": "s3://demo-uploads/console.log"}}}, &rep))
		assert.Equal(t, "customer", rep.Side)
		assert.Equal(t, demoPower.IdentityID, rep.AuthorID)
		assert.Equal(t, []attachmentJSON{{Name: "console.log", Size: 2048, Ref: "s3://demo-uploads/console.log"}}, rep.Attachments)
		got := f.supportCase(power, c.ID)
		require.Len(t, got.Replies, 1)
		assert.Equal(t, rep, got.Replies[0])
		assert.Nil(t, got.FirstResponseAt, "a customer's reply is no response")

		// List, newest first, with filters.
		var list pageJSON[caseJSON]
		require.Equal(t, http.StatusOK, f.do("GET", f.casesPath(), power, nil, &list))
		require.Len(t, list.Items, 3)
		assert.Equal(t, []string{c2.ID, c.ID, f.support.caseID}, []string{list.Items[0].ID, list.Items[1].ID, list.Items[2].ID})
		require.Equal(t, http.StatusOK, f.do("GET", f.casesPath("?state=open"), power, nil, &list))
		assert.Len(t, list.Items, 2)
		require.Equal(t, http.StatusOK, f.do("GET", f.casesPath("?state=in_progress,resolved&account=100000000001"), power, nil, &list))
		require.Len(t, list.Items, 1)
		assert.Equal(t, f.support.caseID, list.Items[0].ID)
		require.Equal(t, http.StatusOK, f.do("GET", f.casesPath("?limit=2"), power, nil, &list))
		require.Len(t, list.Items, 2)
		require.NotEmpty(t, list.NextPageToken)
		require.Equal(t, http.StatusOK, f.do("GET", f.casesPath("?limit=2&page_token="+list.NextPageToken), power, nil, &list))
		require.Len(t, list.Items, 1)
		assert.Equal(t, f.support.caseID, list.Items[0].ID)

		// Bad input.
		var e errorJSON
		require.Equal(t, http.StatusBadRequest, f.do("GET", f.casesPath("?state=pending"), power, nil, &e))
		assert.Equal(t, "invalid", e.Error.Code)
		assert.Equal(t, "state", e.Error.Field)
		bad := newCase()
		bad["category"] = "sales"
		require.Equal(t, http.StatusBadRequest, f.do("POST", f.casesPath(), power, bad, &e))
		assert.Equal(t, "invalid", e.Error.Code)
		assert.Equal(t, "category", e.Error.Field)
		bad = newCase()
		bad["priority"] = 1
		require.Equal(t, http.StatusBadRequest, f.do("POST", f.casesPath(), power, bad, &e))
		assert.Equal(t, "bad_request", e.Error.Code)
		require.Equal(t, http.StatusBadRequest, f.do("POST", f.casesPath("/", c.ID, "/replies"), power, map[string]any{
			"body": "x", "attachments": []map[string]any{{"name": "a.txt", "size": 1}}}, &e))
		assert.Equal(t, "attachments[0]", e.Error.Field)
		bad = newCase()
		bad["account_id"] = "999999999999"
		require.Equal(t, http.StatusNotFound, f.do("POST", f.casesPath(), power, bad, &e), "not an account of the organization")
		assert.Contains(t, e.Error.Message, "999999999999")
		require.Equal(t, http.StatusNotFound, f.do("GET", f.casesPath("/nosuchcase"), power, nil, &e))
		assert.Equal(t, "not_found", e.Error.Code)

		// M-5: the view-only general user has no support.inquire.
		general := f.token(demoGeneral)
		for _, req := range []struct {
			method, path string
			body         any
		}{
			{"GET", f.casesPath(), nil},
			{"POST", f.casesPath(), newCase()},
			{"GET", f.casesPath("/", c.ID), nil},
			{"POST", f.casesPath("/", c.ID, "/replies"), map[string]any{"body": "me too"}},
		} {
			require.Equal(t, http.StatusForbidden, f.do(req.method, req.path, general, req.body, &e), req.method+" "+req.path)
			assert.Equal(t, "permission_denied", e.Error.Code)
			assert.Contains(t, e.Error.Message, "support.inquire")
		}
		// Granted, it may.
		path := "/v1/orgs/" + f.orgID + "/members/" + demoGeneral.IdentityID
		var m memberJSON
		require.Equal(t, http.StatusOK, f.do("GET", path, power, nil, &m))
		require.Equal(t, http.StatusOK, f.do("PUT", path, power,
			map[string]any{"type": "general", "permissions": append(m.Permissions, "support.inquire"), "version": m.Version}, &m))
		require.Equal(t, http.StatusOK, f.do("GET", f.casesPath("/", c.ID), general, nil, nil))

		// M-7: another organization's power user.
		other := f.outsiderOrg()
		out := f.token(outsider)
		require.Equal(t, http.StatusForbidden, f.do("GET", f.casesPath(), out, nil, &e))
		require.Equal(t, http.StatusForbidden, f.do("GET", f.casesPath("/", c.ID), out, nil, &e))
		require.Equal(t, http.StatusForbidden, f.do("POST", f.casesPath("/", c.ID, "/replies"), out, map[string]any{"body": "hi"}, &e))
		require.Equal(t, http.StatusForbidden, f.do("POST", f.casesPath(), out, newCase(), &e))
		theirs := "/v1/orgs/" + other + "/support/cases"
		require.Equal(t, http.StatusNotFound, f.do("GET", theirs+"/"+c.ID, out, nil, &e), "the demo's case is not theirs")
		require.Equal(t, http.StatusNotFound, f.do("POST", theirs+"/"+c.ID+"/replies", out, map[string]any{"body": "hi"}, &e))
		require.Equal(t, http.StatusNotFound, f.do("POST", theirs, out, newCase(), &e), "the demo's account is not theirs")
		require.Equal(t, http.StatusOK, f.do("GET", theirs, out, nil, &list))
		assert.Empty(t, list.Items)
		assert.Len(t, f.supportCase(power, c.ID).Replies, 1, "nothing was added")

		// The seed ran once.
		again, err := seedSupport(context.Background(), f.sup, f.b.state, f.orgID, time.Now())
		require.NoError(t, err)
		assert.Empty(t, again.caseID)
	})
}

// TestP3_SupportDeskOverHTTP: the desk (an operator) sees every organization's
// open cases in its queue with their clocks, moves them through P-3's states (an
// invalid move is 409 naming the states), assigns, answers through the same
// replies endpoint, rejects an out-of-scope request with the reason (P-6); without
// an Escalator, escalation is a clear 422 (P-4). Customers can do none of it.
func TestP3_SupportDeskOverHTTP(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		op, power := f.token(demoOperator), f.token(demoPower)
		var c caseJSON
		require.Equal(t, http.StatusCreated, f.do("POST", f.casesPath(), power, newCase(), &c))

		// The queue: oldest first, with the clocks.
		var q pageJSON[queueItemJSON]
		require.Equal(t, http.StatusOK, f.do("GET", "/v1/operator/support/queue", op, nil, &q))
		require.Len(t, q.Items, 2)
		assert.Equal(t, f.support.caseID, q.Items[0].ID)
		assert.Equal(t, c.ID, q.Items[1].ID)
		assert.Equal(t, f.orgID, q.Items[1].OrgID)
		assert.Equal(t, "running", q.Items[1].SLA.FirstResponse.State)
		assert.NotNil(t, q.Items[1].SLA.FirstResponse.Due)
		assert.Equal(t, "met", q.Items[0].SLA.FirstResponse.State)
		require.Equal(t, http.StatusOK, f.do("GET", "/v1/operator/support/queue?clock=at_risk,breached", op, nil, &q))
		assert.Empty(t, q.Items, "nothing late yet")
		require.Equal(t, http.StatusOK, f.do("GET", "/v1/operator/support/queue?clock=met", op, nil, &q))
		require.Len(t, q.Items, 1)
		assert.Equal(t, f.support.caseID, q.Items[0].ID)
		var e errorJSON
		require.Equal(t, http.StatusBadRequest, f.do("GET", "/v1/operator/support/queue?clock=late", op, nil, &e))
		assert.Equal(t, "clock", e.Error.Field)
		require.Equal(t, http.StatusForbidden, f.do("GET", "/v1/operator/support/queue", power, nil, &e), "customers have no queue")
		assert.Equal(t, "permission_denied", e.Error.Code)

		// Customers cannot act as the desk.
		state := f.casesPath("/", c.ID, "/state")
		for path, body := range map[string]any{
			state:                               map[string]any{"state": "in_progress", "version": 1},
			f.casesPath("/", c.ID, "/assign"):   map[string]any{"assignee": "me", "version": 1},
			f.casesPath("/", c.ID, "/reject"):   map[string]any{"scope": "customer_code", "version": 1},
			f.casesPath("/", c.ID, "/escalate"): nil,
		} {
			require.Equal(t, http.StatusForbidden, f.do("POST", path, power, body, &e), path)
			assert.Equal(t, "permission_denied", e.Error.Code, path)
			assert.Contains(t, e.Error.Message, "support desk", path)
		}

		// State changes (P-3).
		require.Equal(t, http.StatusOK, f.do("POST", state, op, map[string]any{"state": "in_progress", "version": 1}, &c))
		assert.Equal(t, "in_progress", c.State)
		assert.Equal(t, int64(2), c.Version)
		require.Equal(t, http.StatusOK, f.do("POST", state, op, map[string]any{"state": "waiting_on_customer", "version": 2}, &c))
		require.Len(t, c.Waiting, 1)
		assert.Nil(t, c.Waiting[0].End)
		paused := f.supportCase(power, c.ID)
		assert.Equal(t, "paused", paused.SLA.FirstResponse.State, "waiting on the customer")
		assert.Nil(t, paused.SLA.FirstResponse.Due)
		require.Equal(t, http.StatusConflict, f.do("POST", state, op, map[string]any{"state": "closed", "version": 3}, &e))
		assert.Equal(t, "transition_not_allowed", e.Error.Code)
		assert.Contains(t, e.Error.Message, "waiting_on_customer")
		assert.Contains(t, e.Error.Message, "closed")
		require.Equal(t, http.StatusConflict, f.do("POST", state, op, map[string]any{"state": "resolved", "version": 2}, &e))
		assert.Equal(t, "conflict", e.Error.Code, "a stale version")
		require.Equal(t, http.StatusBadRequest, f.do("POST", state, op, map[string]any{"state": "resolved"}, &e))
		assert.Equal(t, "version", e.Error.Field)
		require.Equal(t, http.StatusBadRequest, f.do("POST", state, op, map[string]any{"state": "rejected", "version": 3}, &e))
		assert.Equal(t, "state", e.Error.Field, "rejection is …/reject")

		// The customer answers: back to in_progress.
		require.Equal(t, http.StatusCreated, f.do("POST", f.casesPath("/", c.ID, "/replies"), power, map[string]any{"body": "it is back"}, nil))
		got := f.supportCase(op, c.ID)
		assert.Equal(t, "in_progress", got.State)
		require.NotNil(t, got.Waiting[0].End)

		// The desk answers through the same endpoint: its side, the first response.
		var rep replyJSON
		require.Equal(t, http.StatusCreated, f.do("POST", f.casesPath("/", c.ID, "/replies"), op, map[string]any{"body": "glad to hear it"}, &rep))
		assert.Equal(t, "desk", rep.Side)
		got = f.supportCase(power, c.ID)
		require.NotNil(t, got.FirstResponseAt)
		assert.Equal(t, "met", got.SLA.FirstResponse.State)
		var notices pageJSON[noticeJSON]
		require.Equal(t, http.StatusOK, f.do("GET", "/v1/orgs/"+f.orgID+"/notices?limit=1000", power, nil, &notices))
		var toCustomer int
		for _, n := range notices.Items {
			if n.Kind == "support_reply" && len(n.To) == 1 && n.To[0] == demoPower.Email {
				toCustomer++
			}
		}
		assert.Equal(t, 2, toCustomer, "the seeded case's reply and this one, to the inquirer")

		// Assign.
		var a caseJSON
		require.Equal(t, http.StatusOK, f.do("POST", f.casesPath("/", c.ID, "/assign"), op, map[string]any{"assignee": "operator@reseller.example.com", "version": got.Version}, &a))
		assert.Equal(t, "operator@reseller.example.com", a.Assignee)
		assert.Equal(t, got.Version+1, a.Version)

		// Escalation without an Escalator: a clear 422, after the desk's checks.
		require.Equal(t, http.StatusUnprocessableEntity, f.do("POST", f.casesPath("/", c.ID, "/escalate"), op, nil, &e))
		assert.Equal(t, "escalation_not_configured", e.Error.Code)
		assert.Contains(t, e.Error.Message, "-support-escalation")
		require.Equal(t, http.StatusBadRequest, f.do("POST", f.casesPath("/", c.ID, "/escalate"), op, map[string]any{"to": "aws"}, &e))
		assert.Equal(t, "bad_request", e.Error.Code, "the body, if any, is empty")

		// Reject (P-6): with the reason; a rejected case takes no reply.
		reject := f.casesPath("/", c.ID, "/reject")
		require.Equal(t, http.StatusBadRequest, f.do("POST", reject, op, map[string]any{"scope": "too_hard", "version": a.Version}, &e))
		assert.Equal(t, "scope", e.Error.Field)
		var r caseJSON
		require.Equal(t, http.StatusOK, f.do("POST", reject, op, map[string]any{"scope": "customer_code", "version": a.Version}, &r))
		assert.Equal(t, "rejected", r.State)
		assert.Equal(t, "customer_code", r.Scope)
		assert.Contains(t, r.Reason, "(P-6)")
		assert.Contains(t, r.Reason, "お客様のプログラム")
		assert.NotNil(t, r.ClosedAt)
		assert.Equal(t, r.Reason, f.supportCase(power, c.ID).Reason, "the customer reads it")
		require.Equal(t, http.StatusConflict, f.do("POST", f.casesPath("/", c.ID, "/replies"), power, map[string]any{"body": "but…"}, &e))
		assert.Equal(t, "transition_not_allowed", e.Error.Code)
		require.Equal(t, http.StatusConflict, f.do("POST", reject, op, map[string]any{"scope": "customer_code", "version": r.Version}, &e))
		assert.Equal(t, "transition_not_allowed", e.Error.Code)
		require.Equal(t, http.StatusOK, f.do("GET", "/v1/operator/support/queue", op, nil, &q))
		require.Len(t, q.Items, 1, "a rejected case leaves the queue")

		// The desk acts on any organization, but a case in its own.
		other := f.outsiderOrg()
		require.Equal(t, http.StatusNotFound, f.do("POST", "/v1/orgs/"+other+"/support/cases/"+f.support.caseID+"/state", op,
			map[string]any{"state": "resolved", "version": 1}, &e))
	})
}

// TestP5_PortalPurgesOldCases: the portal's hourly sweep purges the cases past
// their 12 months (P-5) and logs them; younger ones stay. (In a synctest bubble:
// the hour passes on the fake clock.)
func TestP5_PortalPurgesOldCases(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		ids, err := identity.NewService(idmemstore.New(), identity.WithHasher(testHasher(t)))
		require.NoError(t, err)
		store := smemstore.New()
		sup, err := support.NewService(support.Config{Store: store, Members: members.NewService(mmemstore.New()), Policy: support.DefaultPolicy()})
		require.NoError(t, err)
		now := time.Now()
		for id, created := range map[string]time.Time{"old": now.AddDate(-1, 0, -1), "young": now.AddDate(0, -11, 0)} {
			require.NoError(t, store.CreateCase(ctx, support.Case{ID: id, OrgID: "org-1", AccountID: "100000000001",
				Category: support.Technical, Severity: support.Normal, Subject: id, Body: id, Language: "ja",
				State: support.Closed, CreatedAt: created, UpdatedAt: created, Version: 1}))
		}

		var logs syncBuffer
		done := make(chan struct{})
		go func() { sweep(ctx, ids, sup, sweepEvery, slog.New(slog.NewTextHandler(&logs, nil))); close(done) }()
		time.Sleep(sweepEvery + time.Second)
		synctest.Wait()
		assert.Contains(t, logs.String(), `msg="support purge"`)
		assert.Contains(t, logs.String(), "cases=1 ids=old")
		_, err = store.GetCase(ctx, "org-1", "old")
		require.ErrorIs(t, err, support.ErrNotFound)
		_, err = store.GetCase(ctx, "org-1", "young")
		require.NoError(t, err)

		time.Sleep(sweepEvery)
		synctest.Wait()
		assert.Contains(t, logs.String(), "cases=0", "the next sweep finds nothing more")
		cancel()
		<-done
	})
}

// TestP_SupportErrorsMap: the support sentinels' statuses and codes.
func TestP_SupportErrorsMap(t *testing.T) {
	for _, tc := range []struct {
		err    error
		status int
		code   string
	}{
		{support.ErrNotFound, http.StatusNotFound, "not_found"},
		{support.ErrConflict, http.StatusConflict, "conflict"},
		{support.ErrTransition, http.StatusConflict, "transition_not_allowed"},
		{support.ErrAlreadyExists, http.StatusConflict, "already_exists"},
		{support.ErrInvalid, http.StatusBadRequest, "invalid"},
		{resellerkit.Invalid(support.ErrInvalid, "subject", "", "P-1", "required"), http.StatusBadRequest, "invalid"},
		{support.ErrOutOfScope, http.StatusUnprocessableEntity, "out_of_scope"},
		{errEscalationOff, http.StatusUnprocessableEntity, "escalation_not_configured"},
		{fmt.Errorf("%w: %w", support.ErrConflict, support.ErrEscalationClaimed), http.StatusConflict, "escalation_claimed"},
		// An answer lost to the request's own deadline is still an unknown
		// outcome, not "retry later".
		{fmt.Errorf("%w: no answer (%w: %w)", support.ErrConflict, support.ErrEscalationUnknown, context.DeadlineExceeded),
			http.StatusConflict, "escalation_outcome_unknown"},
		{fmt.Errorf("%w: no answer (%w)", support.ErrConflict, support.ErrEscalationUnknown), http.StatusConflict, "escalation_outcome_unknown"},
	} {
		status, body := errorResponse(tc.err)
		assert.Equal(t, tc.status, status, tc.err.Error())
		assert.Equal(t, tc.code, body.Error.Code, tc.err.Error())
	}
	_, body := errorResponse(resellerkit.Invalid(support.ErrInvalid, "subject", "", "P-1", "required"))
	assert.Equal(t, "subject", body.Error.Field)
	raw, err := json.Marshal(body)
	require.NoError(t, err)
	assert.Contains(t, string(raw), `"field":"subject"`)
}
