package awsaccessanalyzer

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
)

// DefaultName is the name of the analyzer Repair creates.
const DefaultName = "resellerkit-baseline"

// analyzerAPI lists the only IAM Access Analyzer operations the Check calls.
// *accessanalyzer.Client implements it; tests pass a fake returning the SDK's
// own types and errors.
type analyzerAPI interface {
	ListAnalyzers(ctx context.Context, in *accessanalyzer.ListAnalyzersInput, optFns ...func(*accessanalyzer.Options)) (*accessanalyzer.ListAnalyzersOutput, error)
	CreateAnalyzer(ctx context.Context, in *accessanalyzer.CreateAnalyzerInput, optFns ...func(*accessanalyzer.Options)) (*accessanalyzer.CreateAnalyzerOutput, error)
}

var _ analyzerAPI = (*accessanalyzer.Client)(nil)

// Check is the security.Check of security.AccessAnalyzer. Build one with New;
// it is safe for concurrent use.
type Check struct {
	client func(ctx context.Context, account, region string) (analyzerAPI, error)
	name   string
}

var _ security.Check = (*Check)(nil)

// Option configures a Check.
type Option func(*Check)

// WithName sets the name of the analyzer Repair creates (default DefaultName).
// An empty name keeps the default.
func WithName(name string) Option {
	return func(c *Check) {
		if name != "" {
			c.name = name
		}
	}
}

// New returns the Check calling IAM Access Analyzer in each account and region
// with the configuration sessions gives (typically awsfleet.AssumeRole).
func New(sessions awsfleet.Sessions, opts ...Option) *Check {
	return newWithAPI(func(ctx context.Context, account, region string) (analyzerAPI, error) {
		cfg, err := sessions.Config(ctx, account, region)
		if err != nil {
			return nil, err
		}
		return accessanalyzer.NewFromConfig(cfg), nil
	}, opts...)
}

// newWithAPI returns a Check over any implementation of analyzerAPI (a fake in
// tests).
func newWithAPI(client func(ctx context.Context, account, region string) (analyzerAPI, error), opts ...Option) *Check {
	c := &Check{client: client, name: DefaultName}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Control returns security.AccessAnalyzer.
func (c *Check) Control() security.ControlID { return security.AccessAnalyzer }

// Observe reports the control compliant when an account analyzer of the region
// is ACTIVE.
func (c *Check) Observe(ctx context.Context, account, region string) (security.Observation, error) {
	api, err := c.client(ctx, account, region)
	if err != nil {
		return security.Observation{}, awsfleet.Map(err)
	}
	list, err := c.list(ctx, api)
	if err != nil {
		return security.Observation{}, err
	}
	if a, ok := find(list, types.AnalyzerStatusActive); ok {
		return security.Observation{Compliant: true, Detail: fmt.Sprintf("analyzer %s is active", aws.ToString(a.Name))}, nil
	}
	return security.Observation{Detail: describe(list)}, nil
}

// Repair creates the account analyzer unless one is ACTIVE or CREATING. When
// the analyzer of its name exists but is FAILED or DISABLED, it fails with an
// error wrapping security.ErrInvalid naming it and its status: that analyzer
// must be deleted before another of its name can be created.
func (c *Check) Repair(ctx context.Context, account, region string) (string, error) {
	api, err := c.client(ctx, account, region)
	if err != nil {
		return "", awsfleet.Map(err)
	}
	list, err := c.list(ctx, api)
	if err != nil {
		return "", err
	}
	for _, st := range []types.AnalyzerStatus{types.AnalyzerStatusActive, types.AnalyzerStatusCreating} {
		if a, ok := find(list, st); ok {
			return fmt.Sprintf("analyzer %s is already %s", aws.ToString(a.Name), strings.ToLower(string(st))), nil
		}
	}
	if err := c.stuck(list); err != nil {
		return "", err
	}
	_, err = api.CreateAnalyzer(ctx, &accessanalyzer.CreateAnalyzerInput{
		AnalyzerName: aws.String(c.name),
		Type:         types.TypeAccount,
	})
	var conflict *types.ConflictException
	switch {
	case errors.As(err, &conflict):
		// Created meanwhile (another run): fine, unless it is not working.
		if again, lerr := c.list(ctx, api); lerr == nil {
			if err := c.stuck(again); err != nil {
				return "", err
			}
		}
		return fmt.Sprintf("analyzer %s already exists", c.name), nil
	case err != nil:
		return "", fmt.Errorf("creating analyzer %s: %w", c.name, awsfleet.Map(err))
	}
	return fmt.Sprintf("created analyzer %s", c.name), nil
}

// stuck is the error of an analyzer named as ours in list that is neither
// ACTIVE nor CREATING (FAILED, DISABLED): CreateAnalyzer cannot replace it
// (ConflictException), so the control cannot be repaired until it is deleted.
func (c *Check) stuck(list []types.AnalyzerSummary) error {
	for _, a := range list {
		if aws.ToString(a.Name) != c.name || (a.Type != "" && a.Type != types.TypeAccount) ||
			a.Status == types.AnalyzerStatusActive || a.Status == types.AnalyzerStatusCreating {
			continue
		}
		st := string(a.Status)
		if a.StatusReason != nil && a.StatusReason.Code != "" {
			st += " (" + string(a.StatusReason.Code) + ")"
		}
		return resellerkit.Invalid(security.ErrInvalid, "analyzer", c.name, "S-3",
			"the analyzer exists but is "+st+", and one of the same name cannot be created: delete it (after fixing the cause) so that the next run creates it again")
	}
	return nil
}

// list returns every account analyzer of the region.
func (c *Check) list(ctx context.Context, api analyzerAPI) ([]types.AnalyzerSummary, error) {
	var all []types.AnalyzerSummary
	var token *string
	for {
		out, err := api.ListAnalyzers(ctx, &accessanalyzer.ListAnalyzersInput{Type: types.TypeAccount, NextToken: token})
		if err != nil {
			return nil, fmt.Errorf("listing analyzers: %w", awsfleet.Map(err))
		}
		all = append(all, out.Analyzers...)
		if aws.ToString(out.NextToken) == "" {
			return all, nil
		}
		token = out.NextToken
	}
}

// find returns the first account analyzer with status st.
func find(list []types.AnalyzerSummary, st types.AnalyzerStatus) (types.AnalyzerSummary, bool) {
	for _, a := range list {
		if a.Status == st && (a.Type == "" || a.Type == types.TypeAccount) {
			return a, true
		}
	}
	return types.AnalyzerSummary{}, false
}

// describe says what was seen when no analyzer is active.
func describe(list []types.AnalyzerSummary) string {
	if len(list) == 0 {
		return "no account analyzer"
	}
	parts := make([]string, 0, len(list))
	for _, a := range list {
		parts = append(parts, fmt.Sprintf("%s is %s", aws.ToString(a.Name), strings.ToLower(string(a.Status))))
	}
	return "no active account analyzer: " + strings.Join(parts, ", ")
}
