package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"strings"
	"time"

	sdkconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/seeda33a2f4f/resellerkit/members"
	"github.com/seeda33a2f4f/resellerkit/members/awsorg"
)

// applicationsSetup is how the portal carries applications out (M-11): with AWS
// Organizations from the payer's credentials when -aws is given, else with
// awsorg's simulated Organizations, which logs every call (the demo has no AWS).
type applicationsSetup struct {
	aws         bool
	emailDomain string
	ous         string // profile=ou-… pairs
}

// defaultAccountEmailDomain is the simulated accounts' made-up domain.
const defaultAccountEmailDomain = "reseller.example"

// registerApplicationFlags adds the applications flags to fs.
func registerApplicationFlags(fs *flag.FlagSet, a *applicationsSetup) {
	fs.BoolVar(&a.aws, "aws", false, "carry applications out with AWS Organizations from the default AWS configuration (the payer's credentials); without it a simulated Organizations logs every call")
	fs.StringVar(&a.emailDomain, "account-email-domain", defaultAccountEmailDomain, "the domain of new accounts' root addresses (aws+<application id>@domain); required with -aws")
	fs.StringVar(&a.ous, "account-ous", "", "organizational units of new accounts by security profile, e.g. basic=ou-ab12-basic,secure=ou-ab12-secure (none: the root)")
}

// carrier returns the applications' Carrier.
func (a applicationsSetup) carrier(ctx context.Context, svc *members.Service, log *slog.Logger) (*awsorg.Carrier, error) {
	// A request has 20 s (requestTimeout): a new account still being created
	// after 10 s is left waiting, and the operator completes it again later.
	cfg := awsorg.Config{EmailDomain: a.emailDomain, OUs: map[string]string{}, MaxWait: 10 * time.Second}
	for _, pair := range strings.Split(a.ous, ",") {
		if pair = strings.TrimSpace(pair); pair == "" {
			continue
		}
		profile, ou, ok := strings.Cut(pair, "=")
		if !ok || profile == "" || !strings.HasPrefix(ou, "ou-") {
			return nil, fmt.Errorf("-account-ous %q: want profile=ou-… pairs", pair)
		}
		cfg.OUs[profile] = ou
	}
	if !a.aws {
		return awsorg.NewSimulated(svc, cfg, log), nil
	}
	if a.emailDomain == "" || a.emailDomain == defaultAccountEmailDomain {
		return nil, fmt.Errorf("-aws needs -account-email-domain: the domain whose mail the reseller receives, for new accounts' root addresses")
	}
	base, err := sdkconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("AWS configuration: %w", err)
	}
	if base.Region == "" {
		base.Region = "us-east-1" // Organizations' endpoint
	}
	return awsorg.New(organizations.NewFromConfig(base), svc, cfg), nil
}
