package awsconfig

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/configservice/types"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
)

// DefaultName is the name of the recorder and of the delivery channel Repair
// creates, the one the AWS console uses.
const DefaultName = "default"

// configAPI lists the only AWS Config operations the Check calls.
// *configservice.Client implements it; tests pass a fake returning the SDK's own
// types and errors.
type configAPI interface {
	DescribeConfigurationRecorders(ctx context.Context, in *configservice.DescribeConfigurationRecordersInput, optFns ...func(*configservice.Options)) (*configservice.DescribeConfigurationRecordersOutput, error)
	DescribeConfigurationRecorderStatus(ctx context.Context, in *configservice.DescribeConfigurationRecorderStatusInput, optFns ...func(*configservice.Options)) (*configservice.DescribeConfigurationRecorderStatusOutput, error)
	DescribeDeliveryChannels(ctx context.Context, in *configservice.DescribeDeliveryChannelsInput, optFns ...func(*configservice.Options)) (*configservice.DescribeDeliveryChannelsOutput, error)
	PutConfigurationRecorder(ctx context.Context, in *configservice.PutConfigurationRecorderInput, optFns ...func(*configservice.Options)) (*configservice.PutConfigurationRecorderOutput, error)
	PutDeliveryChannel(ctx context.Context, in *configservice.PutDeliveryChannelInput, optFns ...func(*configservice.Options)) (*configservice.PutDeliveryChannelOutput, error)
	StartConfigurationRecorder(ctx context.Context, in *configservice.StartConfigurationRecorderInput, optFns ...func(*configservice.Options)) (*configservice.StartConfigurationRecorderOutput, error)
}

var _ configAPI = (*configservice.Client)(nil)

// Settings say what Repair creates. Observe needs none of them.
type Settings struct {
	// HomeRegion is the one region whose recorder also records the global
	// resource types (IAM users, roles, policies, groups). Required by Repair
	// when it creates a recorder.
	HomeRegion string
	// RoleARN returns the ARN of the existing IAM role AWS Config uses in the
	// account, e.g. ServiceLinkedRoleARN. Required by Repair when it creates a
	// recorder.
	RoleARN func(account string) string
	// Bucket returns the name of the existing S3 bucket the account's delivery
	// channel delivers to. Required by Repair when it creates a channel.
	Bucket func(account string) string
	// KeyPrefix is the delivery channel's S3 key prefix (none when empty).
	KeyPrefix string
	// RecorderName and ChannelName name what Repair creates (DefaultName when
	// empty).
	RecorderName, ChannelName string
}

// ServiceLinkedRoleARN returns the ARN of AWS Config's service-linked role in
// account (partition aws), for Settings.RoleARN. The role must exist: create it
// once per account with iam:CreateServiceLinkedRole for config.amazonaws.com.
func ServiceLinkedRoleARN(account string) string {
	return "arn:aws:iam::" + account + ":role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
}

// Check is the security.Check of security.ConfigRecording. Build one with New;
// it is safe for concurrent use.
type Check struct {
	// client returns the API of account in region, and the region it calls
	// (the configuration's when region is "").
	client func(ctx context.Context, account, region string) (configAPI, string, error)
	set    Settings
}

var _ security.Check = (*Check)(nil)

// New returns the Check calling AWS Config in each account and region with the
// configuration sessions gives (typically awsfleet.AssumeRole).
func New(sessions awsfleet.Sessions, s Settings) *Check {
	return newWithAPI(func(ctx context.Context, account, region string) (configAPI, string, error) {
		cfg, err := sessions.Config(ctx, account, region)
		if err != nil {
			return nil, "", err
		}
		return configservice.NewFromConfig(cfg), cfg.Region, nil
	}, s)
}

// newWithAPI returns a Check over any implementation of configAPI (a fake in
// tests).
func newWithAPI(client func(ctx context.Context, account, region string) (configAPI, string, error), s Settings) *Check {
	if s.RecorderName == "" {
		s.RecorderName = DefaultName
	}
	if s.ChannelName == "" {
		s.ChannelName = DefaultName
	}
	return &Check{client: client, set: s}
}

// Control returns security.ConfigRecording.
func (c *Check) Control() security.ControlID { return security.ConfigRecording }

// state is what was seen of AWS Config in one account and region.
type state struct {
	recorder  *types.ConfigurationRecorder // nil: none
	recording bool
	status    string                 // for people: the recorder's last status
	channel   *types.DeliveryChannel // nil: none
}

// Observe reports the control compliant when a recorder is recording and a
// delivery channel exists.
func (c *Check) Observe(ctx context.Context, account, region string) (security.Observation, error) {
	api, _, err := c.client(ctx, account, region)
	if err != nil {
		return security.Observation{}, awsfleet.Map(err)
	}
	st, err := observe(ctx, api)
	if err != nil {
		return security.Observation{}, err
	}
	var parts []string
	switch {
	case st.recorder == nil:
		parts = append(parts, "no configuration recorder")
	case st.recording:
		parts = append(parts, fmt.Sprintf("recorder %s recording", aws.ToString(st.recorder.Name)))
	default:
		parts = append(parts, fmt.Sprintf("recorder %s not recording%s", aws.ToString(st.recorder.Name), st.status))
	}
	if st.channel == nil {
		parts = append(parts, "no delivery channel")
	} else {
		parts = append(parts, fmt.Sprintf("delivery channel %s to s3://%s", aws.ToString(st.channel.Name), aws.ToString(st.channel.S3BucketName)))
	}
	return security.Observation{Compliant: st.recording && st.channel != nil, Detail: strings.Join(parts, "; ")}, nil
}

// Repair creates the recorder and the delivery channel when missing and starts
// the recorder when it is not recording.
func (c *Check) Repair(ctx context.Context, account, region string) (string, error) {
	api, rgn, err := c.client(ctx, account, region)
	if err != nil {
		return "", awsfleet.Map(err)
	}
	st, err := observe(ctx, api)
	if err != nil {
		return "", err
	}
	var did []string
	var name string
	if st.recorder != nil {
		name = aws.ToString(st.recorder.Name)
	} else {
		if name, err = c.putRecorder(ctx, api, account, rgn); err != nil {
			return "", err
		}
		what := "all supported resource types"
		if rgn == c.set.HomeRegion {
			what += ", global ones included"
		}
		did = append(did, fmt.Sprintf("created recorder %s (%s)", name, what))
	}
	if st.channel == nil {
		d, err := c.putChannel(ctx, api, account)
		if err != nil {
			return "", err
		}
		did = append(did, d)
	}
	if !st.recording {
		_, err := api.StartConfigurationRecorder(ctx, &configservice.StartConfigurationRecorderInput{ConfigurationRecorderName: aws.String(name)})
		if err != nil {
			return "", fmt.Errorf("starting recorder %s: %w", name, awsfleet.Map(err))
		}
		did = append(did, fmt.Sprintf("started recorder %s", name))
	}
	if len(did) == 0 {
		return fmt.Sprintf("nothing to do: recorder %s recording; delivery channel %s", name, aws.ToString(st.channel.Name)), nil
	}
	return strings.Join(did, "; "), nil
}

// putRecorder creates the recorder and returns its name: ours, or the one that
// appeared meanwhile (MaxNumberOfConfigurationRecordersExceededException).
func (c *Check) putRecorder(ctx context.Context, api configAPI, account, region string) (string, error) {
	role := ""
	if c.set.RoleARN != nil {
		role = c.set.RoleARN(account)
	}
	switch {
	case c.set.HomeRegion == "":
		return "", resellerkit.Invalid(security.ErrInvalid, "HomeRegion", "", "S-3",
			"awsconfig.Settings.HomeRegion must name the one region recording global resource types")
	case role == "":
		return "", resellerkit.Invalid(security.ErrInvalid, "RoleARN", account, "S-3",
			"no IAM role configured for AWS Config in the account (awsconfig.Settings.RoleARN)")
	}
	name := c.set.RecorderName
	_, err := api.PutConfigurationRecorder(ctx, &configservice.PutConfigurationRecorderInput{
		ConfigurationRecorder: &types.ConfigurationRecorder{
			Name:    aws.String(name),
			RoleARN: aws.String(role),
			RecordingGroup: &types.RecordingGroup{
				AllSupported:               true,
				IncludeGlobalResourceTypes: region == c.set.HomeRegion,
			},
		},
	})
	var tooMany *types.MaxNumberOfConfigurationRecordersExceededException
	var badRole *types.InvalidRoleException
	switch {
	case errors.As(err, &tooMany):
		out, derr := api.DescribeConfigurationRecorders(ctx, &configservice.DescribeConfigurationRecordersInput{})
		if derr != nil {
			return "", fmt.Errorf("describing recorders: %w", awsfleet.Map(derr))
		}
		if len(out.ConfigurationRecorders) == 0 {
			return "", fmt.Errorf("creating recorder %s: %w", name, awsfleet.Map(err))
		}
		return aws.ToString(out.ConfigurationRecorders[0].Name), nil
	case errors.As(err, &badRole):
		return "", fmt.Errorf("%w: %w", resellerkit.Invalid(security.ErrInvalid, "RoleARN", role, "S-3",
			"AWS Config cannot use the role: it must exist and trust config.amazonaws.com"), err)
	case err != nil:
		return "", fmt.Errorf("creating recorder %s: %w", name, awsfleet.Map(err))
	}
	return name, nil
}

// putChannel creates the delivery channel; one that appeared meanwhile
// (MaxNumberOfDeliveryChannelsExceededException) is fine.
func (c *Check) putChannel(ctx context.Context, api configAPI, account string) (string, error) {
	bucket := ""
	if c.set.Bucket != nil {
		bucket = c.set.Bucket(account)
	}
	if bucket == "" {
		return "", resellerkit.Invalid(security.ErrInvalid, "Bucket", account, "S-3",
			"no S3 bucket configured for the account's AWS Config delivery channel (awsconfig.Settings.Bucket)")
	}
	ch := &types.DeliveryChannel{Name: aws.String(c.set.ChannelName), S3BucketName: aws.String(bucket)}
	if c.set.KeyPrefix != "" {
		ch.S3KeyPrefix = aws.String(c.set.KeyPrefix)
	}
	_, err := api.PutDeliveryChannel(ctx, &configservice.PutDeliveryChannelInput{DeliveryChannel: ch})
	var tooMany *types.MaxNumberOfDeliveryChannelsExceededException
	var noBucket *types.NoSuchBucketException
	var policy *types.InsufficientDeliveryPolicyException
	switch {
	case errors.As(err, &tooMany):
		return "a delivery channel already exists", nil
	case errors.As(err, &noBucket):
		return "", fmt.Errorf("%w: %w", resellerkit.Invalid(security.ErrInvalid, "Bucket", bucket, "S-3",
			"the S3 bucket does not exist: create it (with its bucket policy) first"), err)
	case errors.As(err, &policy):
		return "", fmt.Errorf("%w: %w", resellerkit.Invalid(security.ErrInvalid, "Bucket", bucket, "S-3",
			"the bucket policy does not let AWS Config deliver this account's items"), err)
	case err != nil:
		return "", fmt.Errorf("creating delivery channel %s: %w", c.set.ChannelName, awsfleet.Map(err))
	}
	return fmt.Sprintf("created delivery channel %s to s3://%s", c.set.ChannelName, bucket), nil
}

// observe reads the recorder, its status and the delivery channel.
func observe(ctx context.Context, api configAPI) (state, error) {
	var st state
	recs, err := api.DescribeConfigurationRecorders(ctx, &configservice.DescribeConfigurationRecordersInput{})
	if err != nil {
		return st, fmt.Errorf("describing recorders: %w", awsfleet.Map(err))
	}
	for _, r := range recs.ConfigurationRecorders {
		if aws.ToString(r.ServicePrincipal) == "" { // customer managed, not service-linked
			st.recorder = &r
			break
		}
	}
	if st.recorder != nil {
		out, err := api.DescribeConfigurationRecorderStatus(ctx, &configservice.DescribeConfigurationRecorderStatusInput{})
		if err != nil {
			return st, fmt.Errorf("describing recorder status: %w", awsfleet.Map(err))
		}
		for _, s := range out.ConfigurationRecordersStatus {
			if aws.ToString(s.Name) != aws.ToString(st.recorder.Name) {
				continue
			}
			st.recording = s.Recording
			if s.LastStatus != "" {
				st.status = " (last status " + string(s.LastStatus)
				if s.LastErrorCode != nil {
					st.status += ": " + aws.ToString(s.LastErrorCode)
				}
				st.status += ")"
			}
		}
	}
	chs, err := api.DescribeDeliveryChannels(ctx, &configservice.DescribeDeliveryChannelsInput{})
	if err != nil {
		return st, fmt.Errorf("describing delivery channels: %w", awsfleet.Map(err))
	}
	if len(chs.DeliveryChannels) > 0 {
		st.channel = &chs.DeliveryChannels[0]
	}
	return st, nil
}
