package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	sdkconfig "github.com/aws/aws-sdk-go-v2/config"

	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/awsaccessanalyzer"
	"github.com/seeda33a2f4f/resellerkit/security/awsaccount"
	"github.com/seeda33a2f4f/resellerkit/security/awscloudtrail"
	"github.com/seeda33a2f4f/resellerkit/security/awsconfig"
	"github.com/seeda33a2f4f/resellerkit/security/awsec2"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
	"github.com/seeda33a2f4f/resellerkit/security/awsguardduty"
	"github.com/seeda33a2f4f/resellerkit/security/awsiam"
	"github.com/seeda33a2f4f/resellerkit/security/awss3control"
	"github.com/seeda33a2f4f/resellerkit/security/awssecurityhub"
	"github.com/seeda33a2f4f/resellerkit/strictjson"
)

// accountPlaceholder in a bucket name or a role ARN of the settings stands for
// the member account's id.
const accountPlaceholder = "{account}"

// adapterSettings is the -config file: what the AWS adapters need besides the
// role they assume (doc.go shows an example). Unknown fields are refused.
type adapterSettings struct {
	// HomeRegion is where CloudTrail's trail lives and AWS Config records the
	// global resource types (default: the first of -regions).
	HomeRegion string `json:"home_region"`
	CloudTrail struct {
		// Bucket is the existing log-archive bucket a created trail delivers to
		// (required; {account} is replaced by the account id).
		Bucket    string `json:"bucket"`
		TrailName string `json:"trail_name"` // default awscloudtrail.DefaultTrailName
	} `json:"cloudtrail"`
	Config struct {
		// Bucket is the existing bucket the delivery channel delivers to
		// (required; {account} replaced).
		Bucket string `json:"bucket"`
		// RoleARN is the role AWS Config uses ({account} replaced; default AWS
		// Config's service-linked role, awsconfig.ServiceLinkedRoleARN).
		RoleARN   string `json:"role_arn"`
		KeyPrefix string `json:"key_prefix"`
	} `json:"config"`
	SupportRole struct {
		// Principal may assume the support role: the reseller's account id or an
		// IAM ARN (required).
		Principal string `json:"principal"`
		RoleName  string `json:"role_name"` // default awsiam.DefaultRoleName (KKASupportRole)
	} `json:"support_role"`
	AccessAnalyzer struct {
		Name string `json:"name"` // default awsaccessanalyzer.DefaultName
	} `json:"access_analyzer"`
	// PasswordPolicy overrides fields of awsiam.DefaultPolicy (CIS).
	PasswordPolicy passwordPolicy `json:"password_policy"`
	// IncidentScore is the ASFF normalized severity from which an alert is an
	// incident (default 70).
	IncidentScore int `json:"incident_score"`
}

// passwordPolicy is awsiam.Policy in the file's spelling.
type passwordPolicy struct {
	MinimumLength      int32 `json:"minimum_length"`
	RequireSymbols     bool  `json:"require_symbols"`
	RequireNumbers     bool  `json:"require_numbers"`
	RequireUppercase   bool  `json:"require_uppercase"`
	RequireLowercase   bool  `json:"require_lowercase"`
	ReusePrevention    int32 `json:"reuse_prevention"`
	MaxAgeDays         int32 `json:"max_age_days"`
	AllowUsersToChange bool  `json:"allow_users_to_change"`
	HardExpiry         bool  `json:"hard_expiry"`
}

func (p passwordPolicy) policy() awsiam.Policy {
	return awsiam.Policy{MinimumLength: p.MinimumLength, RequireSymbols: p.RequireSymbols, RequireNumbers: p.RequireNumbers,
		RequireUppercase: p.RequireUppercase, RequireLowercase: p.RequireLowercase, ReusePrevention: p.ReusePrevention,
		MaxAgeDays: p.MaxAgeDays, AllowUsersToChange: p.AllowUsersToChange, HardExpiry: p.HardExpiry}
}

// loadSettings reads the -config file: strict JSON of adapterSettings's shape,
// the password policy's absent fields those of awsiam.DefaultPolicy.
func loadSettings(path string) (*adapterSettings, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("-config: %w", err)
	}
	d := awsiam.DefaultPolicy()
	s := &adapterSettings{PasswordPolicy: passwordPolicy{MinimumLength: d.MinimumLength, RequireSymbols: d.RequireSymbols,
		RequireNumbers: d.RequireNumbers, RequireUppercase: d.RequireUppercase, RequireLowercase: d.RequireLowercase,
		ReusePrevention: d.ReusePrevention, MaxAgeDays: d.MaxAgeDays, AllowUsersToChange: d.AllowUsersToChange, HardExpiry: d.HardExpiry}}
	if err := strictjson.Unmarshal(data, s, strictjson.Options{}); err != nil {
		return nil, fmt.Errorf("-config %s: %w", path, err)
	}
	if err := s.PasswordPolicy.policy().Validate(); err != nil {
		return nil, fmt.Errorf("-config %s: password_policy: %w", path, err)
	}
	return s, nil
}

// validate reports the settings the adapters cannot do without.
func (s *adapterSettings) validate() error {
	var errs []error
	for field, v := range map[string]string{"cloudtrail.bucket": s.CloudTrail.Bucket, "config.bucket": s.Config.Bucket,
		"support_role.principal": s.SupportRole.Principal} {
		if strings.TrimSpace(v) == "" {
			errs = append(errs, fmt.Errorf("%s is required", field))
		}
	}
	return errors.Join(errs...)
}

// perAccount returns a function giving pattern with accountPlaceholder replaced
// by the account id.
func perAccount(pattern string) func(account string) string {
	return func(account string) string { return strings.ReplaceAll(pattern, accountPlaceholder, account) }
}

// awsChecks returns the Checks of the 13 controls of the catalogue, calling AWS
// with the default AWS configuration (environment, shared files, instance role:
// the payer's credentials) through awsfleet.AssumeRole(-role, -external-id) in
// each member account; the security alternate contact is written from the payer
// itself (security/awsaccount), with the account's contacts from contactsOf.
func awsChecks(ctx context.Context, s *adapterSettings, o options, contactsOf awsaccount.ContactsFunc) ([]security.Check, error) {
	if err := s.validate(); err != nil {
		return nil, fmt.Errorf("-config: %w", err)
	}
	base, err := sdkconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("AWS configuration: %w", err)
	}
	home := s.HomeRegion
	if home == "" {
		home = o.regions[0]
	}
	if base.Region == "" {
		base.Region = home
	}
	var opts []awsfleet.Option
	if o.externalID != "" {
		opts = append(opts, awsfleet.WithExternalID(o.externalID))
	}
	return buildChecks(s, awsfleet.AssumeRole(base, o.role, opts...), home, func() *awsaccount.Check {
		return awsaccount.New(base, contactsOf)
	}), nil
}

// buildChecks returns the 13 Checks over sessions (newContact builds the
// security alternate contact's, which calls AWS from the payer).
func buildChecks(s *adapterSettings, sessions awsfleet.Sessions, home string, newContact func() *awsaccount.Check) []security.Check {
	roleARN := awsconfig.ServiceLinkedRoleARN
	if s.Config.RoleARN != "" {
		roleARN = perAccount(s.Config.RoleARN)
	}
	checks := []security.Check{
		awscloudtrail.New(sessions, perAccount(s.CloudTrail.Bucket), awscloudtrail.WithTrailName(s.CloudTrail.TrailName),
			awscloudtrail.WithHomeRegion(home)),
		awsaccessanalyzer.New(sessions, awsaccessanalyzer.WithName(s.AccessAnalyzer.Name)),
		awsiam.NewSupportRole(sessions, s.SupportRole.Principal, awsiam.WithRoleName(s.SupportRole.RoleName)),
		newContact(),
		awsiam.NewRootMFA(sessions),
		awss3control.New(sessions),
	}
	checks = append(checks, awsec2.Checks(sessions)...)
	return append(checks,
		awsiam.NewPasswordPolicy(sessions, s.PasswordPolicy.policy()),
		awsguardduty.New(sessions),
		awsconfig.New(sessions, awsconfig.Settings{HomeRegion: home, RoleARN: roleARN, Bucket: perAccount(s.Config.Bucket),
			KeyPrefix: s.Config.KeyPrefix}),
		awssecurityhub.New(sessions),
	)
}
