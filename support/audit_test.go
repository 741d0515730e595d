package support_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
	"github.com/seeda33a2f4f/resellerkit/sqldb"
	"github.com/seeda33a2f4f/resellerkit/sqldb/sqldbtest"
	"github.com/seeda33a2f4f/resellerkit/support"
	"github.com/seeda33a2f4f/resellerkit/support/awssupport"
)

// lateEscalator is an AWS Support whose CreateCase goes through (the AWS case
// exists: calls counts them) while the request that asked for it runs out of
// time: cancel ends the caller's context, before the answer (lost: the call
// fails with the context's error) or just after it (answered).
type lateEscalator struct {
	escalator
	cancel   context.CancelFunc
	answered bool
}

func (l *lateEscalator) Escalate(ctx context.Context, c support.Case) (support.Escalation, error) {
	e, err := l.escalator.Escalate(ctx, c)
	l.cancel()
	if !l.answered {
		return support.Escalation{}, ctx.Err()
	}
	return e, err
}

// P-4: an escalation whose request runs out of time (the portal gives each
// request a deadline; a browser closes) must not open a second AWS case. When AWS
// answered, the AWS case is recorded all the same; when the answer was lost, the
// outcome is unknown, so the claim stays (ErrConflict to the next attempt until
// EscalationTimeout) instead of being given back for an immediate second
// CreateCase. On SQLite, whose transactions see the cancelled context, and on the
// memory store.
func TestP4_EscalationOutlivingItsRequestOpensOneAWSCase(t *testing.T) {
	for _, kind := range []string{"memory", "sqlite", "postgresql"} {
		t.Run(kind, func(t *testing.T) {
			if kind == "postgresql" {
				sqldbtest.SkipUnavailable(t, sqldb.PostgreSQL)
			}
			storeKind = kind
			defer func() { storeKind = "memory" }()
			for _, answered := range []bool{true, false} {
				t.Run(map[bool]string{true: "answered", false: "answer lost"}[answered], func(t *testing.T) {
					f := newFixture(t)
					c := f.open(t, support.Urgent)
					ctx, cancel := context.WithCancel(f.ctx)
					late := &lateEscalator{cancel: cancel, answered: answered}
					svc, err := support.NewService(support.Config{Store: f.store, Members: f.members, Escalator: late, Policy: policy(), Now: f.clock})
					require.NoError(t, err)
					_, err = svc.Escalate(ctx, f.desk, f.orgA.ID, c.ID)
					got, _, gerr := f.svc.Get(f.ctx, f.desk, f.orgA.ID, c.ID)
					require.NoError(t, gerr)
					if answered {
						require.NoError(t, err, "AWS opened the case: it is recorded though the request ended")
						require.NotNil(t, got.Escalation)
						assert.Equal(t, "case-111111111111-1", got.Escalation.AWSCaseID)
					} else {
						require.ErrorIs(t, err, support.ErrConflict)
						require.ErrorIs(t, err, support.ErrEscalationUnknown, "cut off by the request's end, the outcome is unknown all the same")
						require.NotNil(t, got.Escalation, "the claim is kept: AWS may have opened the case")
						assert.Empty(t, got.Escalation.AWSCaseID)
					}

					// The desk tries again at once: no second AWS case.
					f.set(f.clock().Add(time.Minute))
					again, err := svc.Escalate(f.ctx, f.desk, f.orgA.ID, c.ID)
					if answered {
						require.NoError(t, err)
						assert.Equal(t, "case-111111111111-1", again.Escalation.AWSCaseID)
					} else {
						require.ErrorIs(t, err, support.ErrConflict, "being escalated (outcome unknown)")
						require.ErrorIs(t, err, support.ErrEscalationClaimed)
					}
					assert.Equal(t, int32(1), late.calls.Load(), "one CreateCase")

					if !answered {
						// Past EscalationTimeout the desk (having checked AWS's console) may
						// try again.
						f.set(f.clock().Add(support.EscalationTimeout))
						late.answered = true
						late.cancel = func() {}
						got, err := svc.Escalate(f.ctx, f.desk, f.orgA.ID, c.ID)
						require.NoError(t, err)
						assert.Equal(t, "case-111111111111-2", got.Escalation.AWSCaseID)
					}
				})
			}
		})
	}
}

// P-4: AWS Support receives CreateCase (and opens the case) but its answer is
// lost on the wire — the connection drops, or the HTTP client's own Timeout
// fires — while the desk's context is still live; or AWS answers HTTP 5xx (the
// request may or may not have been processed). The outcome is unknown as after
// a cancelled call (support.ErrEscalationUnknown): the claim stays, so the
// desk's immediate retry does not open a second AWS case. A clear refusal (HTTP
// 4xx) opened nothing: the claim is given back and the retry opens the case.
// Through awssupport's client against a fake AWS Support API.
func TestP4_EscalationAnswerLostOnTheWireOpensOneAWSCase(t *testing.T) {
	for _, tc := range []struct {
		name    string
		first   func(w http.ResponseWriter, r *http.Request) // the first CreateCase's answer, the case opened
		unknown bool
	}{
		{"connection dropped", func(w http.ResponseWriter, _ *http.Request) {
			conn, _, _ := w.(http.Hijacker).Hijack()
			_ = conn.Close()
		}, true},
		{"client timeout", func(_ http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done(): // the client gave up and closed the connection
			case <-time.After(10 * time.Second):
			}
		}, true},
		{"AWS failing on its side", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, `{"__type":"InternalServerError","message":"internal"}`)
		}, true},
		{"refused", nil, false}, // ValidationException: no case opened
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls, creates atomic.Int32 // CreateCase received, AWS cases opened
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.ReadAll(r.Body)
				w.Header().Set("Content-Type", "application/x-amz-json-1.1")
				if !strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".CreateCase") {
					w.WriteHeader(http.StatusBadRequest) // DescribeCases: the display id stays unread
					return
				}
				if calls.Add(1) == 1 && tc.first == nil {
					w.WriteHeader(http.StatusBadRequest)
					_, _ = io.WriteString(w, `{"__type":"ValidationException","message":"bad serviceCode"}`)
					return
				}
				n := creates.Add(1)
				if n == 1 && tc.first != nil {
					tc.first(w, r)
					return
				}
				_, _ = fmt.Fprintf(w, `{"caseId":"case-111111111111-%d"}`, n)
			}))
			defer srv.Close()
			hc := srv.Client()
			hc.Timeout = 200 * time.Millisecond
			esc := awssupport.New(awsfleet.Static(aws.Config{Region: "ap-northeast-1",
				Credentials: credentials.NewStaticCredentialsProvider("AKID", "secret", "")}),
				awssupport.WithEndpoint(srv.URL), awssupport.WithHTTPClient(hc))
			f := newFixture(t)
			c := f.open(t, support.Urgent)
			svc, err := support.NewService(support.Config{Store: f.store, Members: f.members, Escalator: esc, Policy: policy(), Now: f.clock})
			require.NoError(t, err)

			_, err = svc.Escalate(f.ctx, f.desk, f.orgA.ID, c.ID)
			require.Error(t, err)
			assert.Equal(t, tc.unknown, errors.Is(err, support.ErrEscalationUnknown), "outcome unknown: %v", err)
			assert.Equal(t, tc.unknown, errors.Is(err, support.ErrConflict), "claim kept: %v", err)
			got, _, err := f.svc.Get(f.ctx, f.desk, f.orgA.ID, c.ID)
			require.NoError(t, err)
			if tc.unknown {
				require.NotNil(t, got.Escalation, "the claim is kept: AWS may have opened the case")
				assert.Empty(t, got.Escalation.AWSCaseID)
			} else {
				assert.Nil(t, got.Escalation, "the claim is given back: AWS opened nothing")
			}

			// The desk tries again a minute later.
			f.set(f.clock().Add(time.Minute))
			again, err := svc.Escalate(f.ctx, f.desk, f.orgA.ID, c.ID)
			if tc.unknown {
				require.ErrorIs(t, err, support.ErrConflict, "being escalated (outcome unknown)")
				assert.Equal(t, int32(1), creates.Load(), "one AWS case")
				return
			}
			require.NoError(t, err)
			require.NotNil(t, again.Escalation)
			assert.Equal(t, "case-111111111111-1", again.Escalation.AWSCaseID)
			assert.Equal(t, int32(2), calls.Load(), "CreateCase called again")
			assert.Equal(t, int32(1), creates.Load(), "one AWS case")
		})
	}
}

// Bad filters are refused with an error naming the field, the value and the
// rule, not answered with an empty list a caller takes for "no such case": a
// state or clock state misspelt ("waiting" for waiting_on_customer), an account id
// that is none.
func TestP3_ListAndQueueRefuseBadFilters(t *testing.T) {
	f := newFixture(t)
	f.open(t, support.Normal)
	for _, tc := range []struct {
		name, field, value string
		filter             support.CaseFilter
	}{
		{"unknown state", "states[1]", "waiting", support.CaseFilter{States: []support.State{support.Open, "waiting"}}},
		{"account id not 12 digits", "account_id", "1111-1111-1111", support.CaseFilter{AccountID: "1111-1111-1111"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := f.svc.List(f.ctx, f.alice, f.orgA.ID, tc.filter, resellerkit.Page{})
			var ve *resellerkit.ValidationError
			require.ErrorAs(t, err, &ve)
			require.ErrorIs(t, err, support.ErrInvalid)
			assert.Equal(t, tc.field, ve.Field)
			assert.Equal(t, tc.value, ve.Value)
			assert.NotEmpty(t, ve.Rule)
		})
	}
	_, err := f.svc.Queue(f.ctx, f.desk, []support.ClockState{support.ClockBreached, "late"})
	var ve *resellerkit.ValidationError
	require.ErrorAs(t, err, &ve)
	require.ErrorIs(t, err, support.ErrInvalid)
	assert.Equal(t, "only[1]", ve.Field)
	assert.Equal(t, "late", ve.Value)
}

// P-5 at a leap day: on 2028-02-29, twelve months back is 2027-02-28 (2027 has
// no 29 February), not 2027-03-01: a case opened on 1 March 2027 is kept until 1
// March 2028, not purged the day before its twelve months are up.
func TestP5_RetentionOnALeapDay(t *testing.T) {
	f := newFixture(t)
	f.set(time.Date(2027, 2, 27, 10, 0, 0, 0, time.UTC))
	old := f.open(t, support.Normal)
	f.set(time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC))
	young := f.open(t, support.Normal)
	f.set(time.Date(2028, 2, 29, 10, 0, 0, 0, time.UTC))
	p, err := f.svc.Purge(f.ctx)
	require.NoError(t, err)
	assert.Equal(t, time.Date(2027, 2, 28, 10, 0, 0, 0, time.UTC), p.Cutoff)
	assert.Equal(t, []string{old.ID}, p.Cases, "only the case older than 12 months")
	_, _, err = f.svc.Get(f.ctx, f.alice, f.orgA.ID, young.ID)
	require.NoError(t, err, "kept until 2028-03-01")

	f.set(time.Date(2028, 3, 1, 9, 0, 0, 1000, time.UTC))
	p, err = f.svc.Purge(f.ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{young.ID}, p.Cases, "purged once its 12 months are up")
}
