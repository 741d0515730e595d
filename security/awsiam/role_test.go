package awsiam

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit/security"
)

const (
	reseller     = "999988887777"
	resellerRoot = "arn:aws:iam::999988887777:root"
	ourTrust     = `{"Version":"2012-10-17","Statement":[{"Sid":"ResellerSupportEscalation","Effect":"Allow",` +
		`"Principal":{"AWS":["arn:aws:iam::999988887777:root"]},"Action":["sts:AssumeRole"]}]}`
	otherTrust = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},` +
		`"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}}`
)

func TestSupportRole_Observe_P4(t *testing.T) {
	for _, tc := range []struct {
		name      string
		trust     string
		attached  []string
		pageSize  int
		principal string
		compliant bool
		detail    string
	}{
		{name: "compliant: as Repair writes it", trust: ourTrust, attached: []string{SupportPolicyARN},
			compliant: true, detail: "role KKASupportRole trusts arn:aws:iam::999988887777:root, AWSSupportAccess attached"},
		{name: "compliant: account id form, action list, a condition, policy on page 2",
			trust: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"999988887777"},` +
				`"Action":["sts:TagSession","sts:AssumeRole"],"Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`,
			attached: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess", SupportPolicyARN}, pageSize: 1,
			compliant: true, detail: "role KKASupportRole trusts arn:aws:iam::999988887777:root, AWSSupportAccess attached"},
		{name: "compliant: a role ARN principal", principal: "arn:aws:iam::999988887777:role/SupportDesk",
			trust:    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::999988887777:role/SupportDesk"]},"Action":"sts:AssumeRole"}]}`,
			attached: []string{SupportPolicyARN}, compliant: true,
			detail: "role KKASupportRole trusts arn:aws:iam::999988887777:role/SupportDesk, AWSSupportAccess attached"},
		{name: "drift: missing", detail: "role KKASupportRole missing"},
		{name: "drift: trusts someone else, no policy", trust: otherTrust,
			detail: "role KKASupportRole: its trust policy does not allow arn:aws:iam::999988887777:root; AWSSupportAccess not attached"},
		{name: "drift: a Deny or a wildcard principal is no grant",
			trust: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"999988887777"},"Action":"sts:AssumeRole"},` +
				`{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}`, attached: []string{SupportPolicyARN},
			detail: "role KKASupportRole: its trust policy does not allow arn:aws:iam::999988887777:root"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake()
			f.pageSize = tc.pageSize
			if tc.trust != "" {
				f.roles[DefaultRoleName] = role(DefaultRoleName, tc.trust)
				f.attached[DefaultRoleName] = tc.attached
			}
			principal := reseller
			if tc.principal != "" {
				principal = tc.principal
			}
			obs, err := f.supportRole(principal).Observe(context.Background(), acct, "")
			require.NoError(t, err)
			assert.Equal(t, security.Observation{Compliant: tc.compliant, Detail: tc.detail}, obs)
			assert.Empty(t, f.creates)
			assert.Empty(t, f.attaches)
			assert.Empty(t, f.trusts)
		})
	}
}

func TestSupportRole_Repair_P4(t *testing.T) {
	t.Run("missing: created with its trust policy and AWSSupportAccess; again: nothing", func(t *testing.T) {
		f := newFake()
		c := f.supportRole(reseller)
		detail, err := c.Repair(context.Background(), acct, "")
		require.NoError(t, err)
		assert.Equal(t, "created role KKASupportRole trusting arn:aws:iam::999988887777:root; attached AWSSupportAccess", detail)
		require.Len(t, f.creates, 1)
		assert.Equal(t, "KKASupportRole", aws.ToString(f.creates[0].RoleName))
		assert.JSONEq(t, ourTrust, aws.ToString(f.creates[0].AssumeRolePolicyDocument))
		assert.Equal(t, roleDescription, aws.ToString(f.creates[0].Description))
		assert.Equal(t, []iam.AttachRolePolicyInput{{RoleName: aws.String("KKASupportRole"), PolicyArn: aws.String(SupportPolicyARN)}}, f.attaches)

		obs, err := c.Observe(context.Background(), acct, "")
		require.NoError(t, err)
		assert.True(t, obs.Compliant, obs.Detail)
		detail, err = c.Repair(context.Background(), acct, "")
		require.NoError(t, err)
		assert.Equal(t, "nothing to do: role KKASupportRole trusts arn:aws:iam::999988887777:root, AWSSupportAccess attached", detail)
		assert.Len(t, f.creates, 1, "idempotent")
		assert.Len(t, f.attaches, 1, "idempotent")
	})
	t.Run("EntityAlreadyExists (a race): fine, then the policy is attached", func(t *testing.T) {
		f := newFake()
		f.raced = role(DefaultRoleName, ourTrust)
		detail, err := f.supportRole(reseller).Repair(context.Background(), acct, "")
		require.NoError(t, err)
		assert.Equal(t, "role KKASupportRole already exists; attached AWSSupportAccess", detail)
		assert.Len(t, f.attaches, 1)
	})
	t.Run("EntityAlreadyExists with someone else's trust: read again and our principal added", func(t *testing.T) {
		f := newFake()
		f.raced = role(DefaultRoleName, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole"}]}`)
		detail, err := f.supportRole(reseller).Repair(context.Background(), acct, "")
		require.NoError(t, err)
		assert.Contains(t, detail, "role KKASupportRole already exists; allowed")
		obs, err := f.supportRole(reseller).Observe(context.Background(), acct, "")
		require.NoError(t, err)
		assert.True(t, obs.Compliant, "never assumed to trust us: %s", obs.Detail)
	})
	t.Run("policy detached: attached again, nothing else", func(t *testing.T) {
		f := newFake()
		f.roles[DefaultRoleName] = role(DefaultRoleName, ourTrust)
		detail, err := f.supportRole(reseller).Repair(context.Background(), acct, "")
		require.NoError(t, err)
		assert.Equal(t, "attached AWSSupportAccess", detail)
		assert.Empty(t, f.creates)
		assert.Empty(t, f.trusts)
	})
	t.Run("trust lacking the principal: our statement added, the others kept", func(t *testing.T) {
		f := newFake()
		f.roles["Support"] = role("Support", otherTrust)
		f.attached["Support"] = []string{SupportPolicyARN}
		c := f.supportRole(reseller, WithRoleName("Support"), WithRoleName(""))
		detail, err := c.Repair(context.Background(), acct, "")
		require.NoError(t, err)
		assert.Equal(t, "allowed arn:aws:iam::999988887777:root in the trust policy of role Support", detail)
		require.Len(t, f.trusts, 1)
		assert.Equal(t, "Support", aws.ToString(f.trusts[0].RoleName))
		assert.JSONEq(t, `{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}},
			{"Sid":"ResellerSupportEscalation","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::999988887777:root"]},"Action":["sts:AssumeRole"]}]}`,
			aws.ToString(f.trusts[0].PolicyDocument))
		assert.Empty(t, f.attaches)
		obs, err := c.Observe(context.Background(), acct, "")
		require.NoError(t, err)
		assert.True(t, obs.Compliant, obs.Detail)
	})
	t.Run("an invalid principal is refused before any call", func(t *testing.T) {
		for _, p := range []string{"", "12345", "reseller"} {
			f := newFake()
			_, err := f.supportRole(p).Repair(context.Background(), acct, "")
			require.ErrorIs(t, err, security.ErrInvalid, p)
			_, err = f.supportRole(p).Observe(context.Background(), acct, "")
			require.ErrorIs(t, err, security.ErrInvalid, p)
			assert.Empty(t, f.calls)
		}
	})
	t.Run("the trust policy is JSON built by encoding/json", func(t *testing.T) {
		b, err := json.Marshal(trustPolicy(`arn:aws:iam::999988887777:role/a"b`))
		require.NoError(t, err)
		assert.JSONEq(t, `{"Version":"2012-10-17","Statement":[{"Sid":"ResellerSupportEscalation","Effect":"Allow",`+
			`"Principal":{"AWS":["arn:aws:iam::999988887777:role/a\"b"]},"Action":["sts:AssumeRole"]}]}`, string(b))
	})
	ops := []struct {
		op    string
		setup func(*fakeAPI)
	}{
		{"GetRole", func(*fakeAPI) {}},
		{"ListAttachedRolePolicies", func(f *fakeAPI) { f.roles[DefaultRoleName] = role(DefaultRoleName, ourTrust) }},
		{"CreateRole", func(*fakeAPI) {}},
		{"UpdateAssumeRolePolicy", func(f *fakeAPI) { f.roles[DefaultRoleName] = role(DefaultRoleName, otherTrust) }},
		{"AttachRolePolicy", func(f *fakeAPI) { f.roles[DefaultRoleName] = role(DefaultRoleName, ourTrust) }},
	}
	for _, o := range ops {
		for _, e := range mappedErrors {
			t.Run(o.op+" "+e.name, func(t *testing.T) {
				f := newFake()
				o.setup(f)
				f.errs[o.op] = e.err
				c := f.supportRole(reseller)
				_, err := c.Repair(context.Background(), acct, "")
				require.ErrorIs(t, err, e.want)
				require.ErrorIs(t, err, e.err)
				if o.op == "GetRole" || o.op == "ListAttachedRolePolicies" {
					_, err = c.Observe(context.Background(), acct, "")
					require.ErrorIs(t, err, e.want)
				}
			})
		}
	}
	t.Run("sessions error", func(t *testing.T) {
		boom := errors.New("no session")
		c := newSupportRole(func(context.Context, string, string) (roleAPI, error) { return nil, boom }, reseller)
		_, err := c.Repair(context.Background(), acct, "")
		require.ErrorIs(t, err, boom)
	})
}
