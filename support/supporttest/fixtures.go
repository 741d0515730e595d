package supporttest

import (
	"slices"
	"time"

	"github.com/seeda33a2f4f/resellerkit/support"
)

// t0 is the suite's clock: UTC at microsecond precision, as stores keep times.
var t0 = time.Date(2026, 5, 3, 4, 5, 6, 123456000, time.UTC)

// The accounts of the suite's cases.
const (
	acct1 = "111111111111"
	acct2 = "222222222222"
)

// Case returns a case of orgID's account accountID created at createdAt, with
// every field set as a case being worked on has them: technical, high severity,
// in progress and assigned to "op-1", two CC addresses, answered 10 minutes after
// it was opened, escalated to AWS Support after 30 minutes, and waiting on the
// customer once, from the first to the second hour (a closed span); updated
// after 2 hours; Version 0 (never stored). ResolvedAt, ClosedAt and Scope are
// unset.
func Case(orgID, accountID, id string, createdAt time.Time) support.Case {
	return support.Case{
		ID: id, OrgID: orgID, AccountID: accountID,
		Category: support.Technical, Severity: support.High,
		Subject:  "EC2 インスタンスに接続できません / cannot reach an instance",
		Body:     "ap-northeast-1 の i-0123456789abcdef0 に SSH できません。\nSecurity group sg-1 allows 22.",
		CC:       []string{"ops@example.co.jp", "cto@example.co.jp"},
		Language: "ja", State: support.InProgress,
		OpenedBy: "user-1", OpenedByEmail: "user-1@example.co.jp", Assignee: "op-1",
		Waiting:         []support.Span{{Start: createdAt.Add(time.Hour), End: createdAt.Add(2 * time.Hour)}},
		FirstResponseAt: createdAt.Add(10 * time.Minute),
		Escalation: &support.Escalation{AWSCaseID: "case-111111111111-muen-2026-0123456789abcdef",
			DisplayID: "1234567890", At: createdAt.Add(30 * time.Minute), By: "op-1"},
		CreatedAt: createdAt, UpdatedAt: createdAt.Add(2 * time.Hour),
	}
}

// Reply returns reply id of orgID's case caseID, written at createdAt by the desk
// ("op-1"), with two attachments.
func Reply(orgID, caseID, id string, createdAt time.Time) support.Reply {
	return support.Reply{ID: id, CaseID: caseID, OrgID: orgID, Side: support.Desk, AuthorID: "op-1",
		Body: "ご確認ください。/ Please check the attached logs.\n— support",
		Attachments: []support.Attachment{
			{Name: "console.log", Size: 2048, Ref: "s3://reseller-support/" + caseID + "/" + id + "/console.log"},
			{Name: "スクリーンショット.png", Size: 1 << 20, Ref: "https://files.example.com/" + id},
		},
		CreatedAt: createdAt}
}

// ---- canonical values, for comparing what a store returns ----
//
// A store may return either nil or an empty slice for CC, Waiting and
// Attachments.

// canonCase returns c with empty slices nil and its slices and escalation copied.
func canonCase(c support.Case) support.Case {
	c.CC = nilIfEmpty(slices.Clone(c.CC))
	c.Waiting = nilIfEmpty(slices.Clone(c.Waiting))
	if c.Escalation != nil {
		e := *c.Escalation
		c.Escalation = &e
	}
	return c
}

func canonCases(cs []support.Case) []support.Case {
	if len(cs) == 0 {
		return nil
	}
	out := make([]support.Case, len(cs))
	for i, c := range cs {
		out[i] = canonCase(c)
	}
	return out
}

func canonReply(r support.Reply) support.Reply {
	r.Attachments = nilIfEmpty(slices.Clone(r.Attachments))
	return r
}

func canonReplies(rs []support.Reply) []support.Reply {
	if len(rs) == 0 {
		return nil
	}
	out := make([]support.Reply, len(rs))
	for i, r := range rs {
		out[i] = canonReply(r)
	}
	return out
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// saved is c as the store holds it at Version v, canonical.
func saved(c support.Case, v int64) support.Case {
	c.Version = v
	return canonCase(c)
}
