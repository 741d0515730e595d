package awsiam

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sids returns the Sid of each statement of the policy document doc.
func sids(t *testing.T, doc string) []string {
	t.Helper()
	var p struct{ Statement []struct{ Sid string } }
	require.NoError(t, json.Unmarshal([]byte(doc), &p))
	var out []string
	for _, s := range p.Statement {
		out = append(out, s.Sid)
	}
	return out
}

// S-3, P-4: a role whose trust policy already has a statement with Repair's
// Sid, trusting another principal (the reseller's principal changed from its
// account to its desk's role, or someone edited the statement), gets the
// principal in a statement of a Sid of its own. IAM requires a policy's Sids
// to be unique ("In IAM, the Sid value must be unique within a JSON policy"):
// a second ResellerSupportEscalation statement made UpdateAssumeRolePolicy
// fail with MalformedPolicyDocument at every run, so the role never trusted
// the principal.
func TestSupportRole_RepairKeepsSidsUnique(t *testing.T) {
	const desk = "arn:aws:iam::999988887777:role/SupportDesk"
	for _, tc := range []struct {
		name  string
		trust string
		want  []string
	}{
		{"our statement trusting the account root", ourTrust,
			[]string{trustSid, trustSid + "2"}},
		{"our Sid taken twice over", `{"Version":"2012-10-17","Statement":[` +
			`{"Sid":"ResellerSupportEscalation","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"sts:AssumeRole"},` +
			`{"Sid":"ResellerSupportEscalation2","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole"}]}`,
			[]string{trustSid, trustSid + "2", trustSid + "3"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake()
			f.roles[DefaultRoleName] = role(DefaultRoleName, tc.trust)
			f.attached[DefaultRoleName] = []string{SupportPolicyARN}
			c := f.supportRole(desk)

			_, err := c.Repair(context.Background(), acct, "")
			require.NoError(t, err)
			require.Len(t, f.trusts, 1)
			assert.Equal(t, tc.want, sids(t, aws.ToString(f.trusts[0].PolicyDocument)), "every Sid unique, the others kept")
			obs, err := c.Observe(context.Background(), acct, "")
			require.NoError(t, err)
			assert.True(t, obs.Compliant, obs.Detail)

			detail, err := c.Repair(context.Background(), acct, "")
			require.NoError(t, err)
			assert.Contains(t, detail, "nothing to do")
			assert.Len(t, f.trusts, 1, "a second run changes nothing")
		})
	}
}
