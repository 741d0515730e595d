package awscloudtrail

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
)

// DefaultTrailName is the name of the trail Repair creates and keeps.
const DefaultTrailName = "resellerkit-baseline"

// trailAPI lists the only CloudTrail operations the Check calls.
// *cloudtrail.Client implements it; tests pass a fake returning the SDK's own
// types and errors.
type trailAPI interface {
	DescribeTrails(ctx context.Context, in *cloudtrail.DescribeTrailsInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.DescribeTrailsOutput, error)
	GetTrailStatus(ctx context.Context, in *cloudtrail.GetTrailStatusInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.GetTrailStatusOutput, error)
	CreateTrail(ctx context.Context, in *cloudtrail.CreateTrailInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.CreateTrailOutput, error)
	UpdateTrail(ctx context.Context, in *cloudtrail.UpdateTrailInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.UpdateTrailOutput, error)
	StartLogging(ctx context.Context, in *cloudtrail.StartLoggingInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.StartLoggingOutput, error)
}

var _ trailAPI = (*cloudtrail.Client)(nil)

// Check is the security.Check of security.CloudTrail. Build one with New; it is
// safe for concurrent use.
type Check struct {
	// client returns the API of account in region, and the region it calls
	// (the configuration's when region is "").
	client func(ctx context.Context, account, region string) (trailAPI, string, error)
	bucket func(account string) string
	name   string
	home   string
}

var _ security.Check = (*Check)(nil)

// Option configures a Check.
type Option func(*Check)

// WithTrailName sets the name of the trail Repair creates and keeps (default
// DefaultTrailName). An empty name keeps the default.
func WithTrailName(name string) Option {
	return func(c *Check) {
		if name != "" {
			c.name = name
		}
	}
}

// WithHomeRegion sets the region the Check works in when asked for region ""
// (the catalogue's CloudTrail control is global), and so the home region of the
// trail it creates. Default: the region of the Sessions' configuration.
func WithHomeRegion(region string) Option { return func(c *Check) { c.home = region } }

// New returns the Check calling CloudTrail in each account with the
// configuration sessions gives (typically awsfleet.AssumeRole). bucket names the
// existing S3 bucket a trail created for an account delivers to (see the package
// documentation for its policy); Observe does not use it.
func New(sessions awsfleet.Sessions, bucket func(account string) string, opts ...Option) *Check {
	return newWithAPI(func(ctx context.Context, account, region string) (trailAPI, string, error) {
		cfg, err := sessions.Config(ctx, account, region)
		if err != nil {
			return nil, "", err
		}
		return cloudtrail.NewFromConfig(cfg), cfg.Region, nil
	}, bucket, opts...)
}

// newWithAPI returns a Check over any implementation of trailAPI (a fake in
// tests).
func newWithAPI(client func(ctx context.Context, account, region string) (trailAPI, string, error), bucket func(string) string, opts ...Option) *Check {
	c := &Check{client: client, bucket: bucket, name: DefaultTrailName}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Control returns security.CloudTrail.
func (c *Check) Control() security.ControlID { return security.CloudTrail }

// Observe reports the control compliant when a multi-region trail with log file
// validation is logging.
func (c *Check) Observe(ctx context.Context, account, region string) (security.Observation, error) {
	api, _, err := c.api(ctx, account, region)
	if err != nil {
		return security.Observation{}, err
	}
	trails, err := describe(ctx, api)
	if err != nil {
		return security.Observation{}, err
	}
	good, detail, err := find(ctx, api, trails)
	if err != nil {
		return security.Observation{}, err
	}
	return security.Observation{Compliant: good != nil, Detail: detail}, nil
}

// Repair makes the account compliant through the trail named by WithTrailName:
// created when missing, updated to multi-region with log file validation, and
// started. When another multi-region trail exists (the customer's, or the
// organization's) and is not compliant, Repair creates none (a second trail bills
// every management event twice) and returns an error wrapping ErrInvalid naming it.
func (c *Check) Repair(ctx context.Context, account, region string) (string, error) {
	api, rgn, err := c.api(ctx, account, region)
	if err != nil {
		return "", err
	}
	trails, err := describe(ctx, api)
	if err != nil {
		return "", err
	}
	good, detail, err := find(ctx, api, trails)
	if err != nil {
		return "", err
	}
	if good != nil {
		return "nothing to do: " + detail, nil
	}
	for _, t := range trails {
		if aws.ToString(t.Name) != c.name {
			continue
		}
		if home := aws.ToString(t.HomeRegion); home != "" && home != rgn {
			// Only the trail's home region may change it.
			if api, _, err = c.api(ctx, account, home); err != nil {
				return "", err
			}
		}
		return c.fix(ctx, api, t)
	}
	for _, t := range trails {
		if aws.ToBool(t.IsMultiRegionTrail) {
			// A second multi-region trail would record (and bill) every management
			// event twice: the existing trail is the one to fix, by its owner.
			return "", resellerkit.Invalid(security.ErrInvalid, "trail", aws.ToString(t.TrailARN), "S-3",
				"the account already has a multi-region trail that is not compliant ("+detail+"): fix it (log file validation, logging) rather than add a second, paid copy")
		}
	}
	return c.create(ctx, api, account)
}

// api returns the client of account in region (the home region when "").
func (c *Check) api(ctx context.Context, account, region string) (trailAPI, string, error) {
	if region == "" {
		region = c.home
	}
	api, rgn, err := c.client(ctx, account, region)
	if err != nil {
		return nil, "", awsfleet.Map(err)
	}
	return api, rgn, nil
}

// create creates the trail and starts it.
func (c *Check) create(ctx context.Context, api trailAPI, account string) (string, error) {
	bucket := ""
	if c.bucket != nil {
		bucket = c.bucket(account)
	}
	if bucket == "" {
		return "", resellerkit.Invalid(security.ErrInvalid, "bucket", account, "S-3",
			"no S3 bucket configured for the account's CloudTrail trail (awscloudtrail.New's bucket function)")
	}
	_, err := api.CreateTrail(ctx, &cloudtrail.CreateTrailInput{
		Name:                       aws.String(c.name),
		S3BucketName:               aws.String(bucket),
		IsMultiRegionTrail:         aws.Bool(true),
		EnableLogFileValidation:    aws.Bool(true),
		IncludeGlobalServiceEvents: aws.Bool(true),
	})
	var exists *types.TrailAlreadyExistsException
	did := fmt.Sprintf("created trail %s (multi-region, log file validation) to s3://%s", c.name, bucket)
	switch {
	case errors.As(err, &exists):
		did = fmt.Sprintf("trail %s already exists", c.name)
	case err != nil:
		return "", fmt.Errorf("creating trail %s: %w", c.name, bucketErr(bucket, awsfleet.Map(err)))
	}
	if _, err := api.StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: aws.String(c.name)}); err != nil {
		return "", fmt.Errorf("%s; starting it: %w", did, bucketErr(bucket, awsfleet.Map(err)))
	}
	return did + "; started logging", nil
}

// fix brings our existing trail t to multi-region with log file validation and
// starts it, each only when needed.
func (c *Check) fix(ctx context.Context, api trailAPI, t types.Trail) (string, error) {
	id := trailID(t)
	var did []string
	if !aws.ToBool(t.IsMultiRegionTrail) || !aws.ToBool(t.LogFileValidationEnabled) {
		_, err := api.UpdateTrail(ctx, &cloudtrail.UpdateTrailInput{
			Name:                    aws.String(id),
			IsMultiRegionTrail:      aws.Bool(true),
			EnableLogFileValidation: aws.Bool(true),
		})
		if err != nil {
			return "", fmt.Errorf("updating trail %s: %w", c.name, awsfleet.Map(err))
		}
		did = append(did, fmt.Sprintf("updated trail %s to multi-region with log file validation", c.name))
	}
	st, err := api.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(id)})
	if err != nil {
		return "", fmt.Errorf("getting the status of trail %s: %w", c.name, awsfleet.Map(err))
	}
	if !aws.ToBool(st.IsLogging) {
		if _, err := api.StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: aws.String(id)}); err != nil {
			return "", fmt.Errorf("starting trail %s: %w", c.name, bucketErr(aws.ToString(t.S3BucketName), awsfleet.Map(err)))
		}
		did = append(did, fmt.Sprintf("started logging on trail %s", c.name))
	}
	if len(did) == 0 {
		return fmt.Sprintf("trail %s already multi-region, validated and logging", c.name), nil
	}
	return strings.Join(did, "; "), nil
}

// describe lists the trails the region sees, shadow trails included.
func describe(ctx context.Context, api trailAPI) ([]types.Trail, error) {
	out, err := api.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(true)})
	if err != nil {
		return nil, fmt.Errorf("describing trails: %w", awsfleet.Map(err))
	}
	return out.TrailList, nil
}

// find returns the first multi-region trail with log file validation that is
// logging (nil if none), and what was seen.
func find(ctx context.Context, api trailAPI, trails []types.Trail) (*types.Trail, string, error) {
	if len(trails) == 0 {
		return nil, "no trail", nil
	}
	var seen []string
	for _, t := range trails {
		name := aws.ToString(t.Name)
		if aws.ToBool(t.IsOrganizationTrail) {
			name += " (organization)"
		}
		switch {
		case !aws.ToBool(t.IsMultiRegionTrail):
			seen = append(seen, name+": single-region")
			continue
		case !aws.ToBool(t.LogFileValidationEnabled):
			seen = append(seen, name+": no log file validation")
			continue
		}
		st, err := api.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(trailID(t))})
		var gone *types.TrailNotFoundException
		switch {
		case errors.As(err, &gone):
			continue
		case err != nil:
			return nil, "", fmt.Errorf("getting the status of trail %s: %w", aws.ToString(t.Name), awsfleet.Map(err))
		case aws.ToBool(st.IsLogging):
			return &t, fmt.Sprintf("trail %s is multi-region with log file validation and logging", name), nil
		}
		seen = append(seen, name+": not logging")
	}
	if len(seen) == 0 {
		return nil, "no trail", nil
	}
	return nil, "no multi-region trail with log file validation logging: " + strings.Join(seen, "; "), nil
}

// trailID is how to name t in a call: its ARN (required for shadow and
// organization trails), else its name.
func trailID(t types.Trail) string {
	if arn := aws.ToString(t.TrailARN); arn != "" {
		return arn
	}
	return aws.ToString(t.Name)
}

// bucketErr makes CloudTrail's complaints about the bucket configuration errors
// (security.ErrInvalid) naming the bucket; other errors are returned as they are.
func bucketErr(bucket string, err error) error {
	var missing *types.S3BucketDoesNotExistException
	var policy *types.InsufficientS3BucketPolicyException
	switch {
	case errors.As(err, &missing):
		return fmt.Errorf("%w: %w", resellerkit.Invalid(security.ErrInvalid, "bucket", bucket, "S-3",
			"the S3 bucket does not exist: create it (with its bucket policy) before the trail"), err)
	case errors.As(err, &policy):
		return fmt.Errorf("%w: %w", resellerkit.Invalid(security.ErrInvalid, "bucket", bucket, "S-3",
			"the bucket policy does not let CloudTrail write this account's logs"), err)
	}
	return err
}
