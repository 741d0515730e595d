package awsguardduty

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/guardduty/types"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
)

// api lists the only Amazon GuardDuty operations the Check calls.
// *guardduty.Client implements it; tests pass a fake returning the SDK's own
// types and errors.
type api interface {
	ListDetectors(ctx context.Context, in *guardduty.ListDetectorsInput, optFns ...func(*guardduty.Options)) (*guardduty.ListDetectorsOutput, error)
	GetDetector(ctx context.Context, in *guardduty.GetDetectorInput, optFns ...func(*guardduty.Options)) (*guardduty.GetDetectorOutput, error)
	CreateDetector(ctx context.Context, in *guardduty.CreateDetectorInput, optFns ...func(*guardduty.Options)) (*guardduty.CreateDetectorOutput, error)
	UpdateDetector(ctx context.Context, in *guardduty.UpdateDetectorInput, optFns ...func(*guardduty.Options)) (*guardduty.UpdateDetectorOutput, error)
}

var _ api = (*guardduty.Client)(nil)

// clients returns the GuardDuty client to call in an account and region.
type clients func(ctx context.Context, account, region string) (api, error)

// Check is the security.Check of security.GuardDuty (Security Hub
// GuardDuty.1): a GuardDuty detector enabled in the region. Build one with New;
// it is safe for concurrent use.
type Check struct{ clients clients }

var _ security.Check = (*Check)(nil)

// New returns the Check calling GuardDuty with the configuration s gives for
// each account and region; optFns adjust every client built. It panics if s is
// nil.
func New(s awsfleet.Sessions, optFns ...func(*guardduty.Options)) *Check {
	if s == nil {
		panic("awsguardduty: a nil awsfleet.Sessions")
	}
	optFns = slices.Clone(optFns)
	return newWithAPI(func(ctx context.Context, account, region string) (api, error) {
		cfg, err := s.Config(ctx, account, region)
		if err != nil {
			return nil, fmt.Errorf("awsguardduty: configuration of account %s, region %q: %w", account, region, awsfleet.Map(err))
		}
		if cfg.Region == "" {
			return nil, resellerkit.Invalid(security.ErrInvalid, "region", region, "S-3",
				"a regional control needs a region, and the Sessions' configuration has none")
		}
		return guardduty.NewFromConfig(cfg, optFns...), nil
	})
}

// newWithAPI returns the Check over any implementation of api (a fake in tests).
func newWithAPI(c clients) *Check { return &Check{clients: c} }

// Control returns security.GuardDuty.
func (*Check) Control() security.ControlID { return security.GuardDuty }

func (g *Check) client(ctx context.Context, account, region string) (api, error) {
	if g.clients == nil {
		panic("awsguardduty: a Check not built with New")
	}
	return g.clients(ctx, account, region)
}

// detector is a detector of the region and its status.
type detector struct {
	id     string
	status types.DetectorStatus
}

// state is what the Check sees in a region: its detectors (GuardDuty allows one
// per account and region).
type state []detector

func (s state) enabled() (detector, bool) {
	for _, d := range s {
		if d.status == types.DetectorStatusEnabled {
			return d, true
		}
	}
	return detector{}, false
}

func (s state) observation() security.Observation {
	if len(s) == 0 {
		return security.Observation{Detail: "no GuardDuty detector"}
	}
	parts := make([]string, len(s))
	for i, d := range s {
		parts[i] = fmt.Sprintf("detector %s %s", d.id, strings.ToLower(string(d.status)))
	}
	_, ok := s.enabled()
	return security.Observation{Compliant: ok, Detail: strings.Join(parts, ", ")}
}

// Observe reports the control compliant when the region has a GuardDuty
// detector whose Status is ENABLED (guardduty:ListDetectors, every page, and
// guardduty:GetDetector of each). The Detail names the detectors and their
// status, or says there is none.
func (g *Check) Observe(ctx context.Context, account, region string) (security.Observation, error) {
	client, err := g.client(ctx, account, region)
	if err != nil {
		return security.Observation{}, err
	}
	st, err := observe(ctx, client, account, region)
	if err != nil {
		return security.Observation{}, err
	}
	return st.observation(), nil
}

func observe(ctx context.Context, client api, account, region string) (state, error) {
	var st state
	p := guardduty.NewListDetectorsPaginator(client, &guardduty.ListDetectorsInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, fail("ListDetectors", account, region, err)
		}
		for _, id := range out.DetectorIds {
			d, err := client.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: aws.String(id)})
			if err != nil {
				return nil, fail("GetDetector "+id, account, region, err)
			}
			st = append(st, detector{id: id, status: d.Status})
		}
	}
	return st, nil
}

// Repair enables GuardDuty in the region: guardduty:CreateDetector with Enable
// when there is no detector, guardduty:UpdateDetector with Enable when there is
// one disabled. The detector is created with GuardDuty's defaults (findings
// published every six hours, the protection plans GuardDuty enables for a new
// detector). When a detector is already enabled, nothing is called but the
// observation. A CreateDetector refused because a detector exists meanwhile
// (BadRequestException, ConflictException) is not an error: Repair observes
// again and enables that detector if it must.
func (g *Check) Repair(ctx context.Context, account, region string) (string, error) {
	client, err := g.client(ctx, account, region)
	if err != nil {
		return "", err
	}
	st, err := observe(ctx, client, account, region)
	if err != nil {
		return "", err
	}
	if d, ok := st.enabled(); ok {
		return fmt.Sprintf("GuardDuty already enabled (detector %s)", d.id), nil
	}
	if len(st) == 0 {
		out, err := client.CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(true)})
		if err == nil {
			return fmt.Sprintf("created detector %s, enabled", aws.ToString(out.DetectorId)), nil
		}
		var bad *types.BadRequestException
		var conflict *types.ConflictException
		if !errors.As(err, &bad) && !errors.As(err, &conflict) {
			return "", fail("CreateDetector", account, region, err)
		}
		// Perhaps a detector was created meanwhile (by another run, or by the
		// organization's delegated administrator): look again.
		again, oerr := observe(ctx, client, account, region)
		if oerr != nil {
			return "", errors.Join(fail("CreateDetector", account, region, err), oerr)
		}
		if len(again) == 0 {
			return "", fail("CreateDetector", account, region, err)
		}
		if d, ok := again.enabled(); ok {
			return fmt.Sprintf("detector %s already existed, enabled", d.id), nil
		}
		st = again
	}
	d := st[0]
	if _, err := client.UpdateDetector(ctx, &guardduty.UpdateDetectorInput{DetectorId: aws.String(d.id), Enable: aws.Bool(true)}); err != nil {
		return "", fail("UpdateDetector "+d.id, account, region, err)
	}
	return fmt.Sprintf("enabled detector %s (was %s)", d.id, strings.ToLower(string(d.status))), nil
}

// fail wraps an AWS error of operation op with where it happened, mapped to
// security's sentinels by awsfleet.Map (the SDK's error stays in the chain).
func fail(op, account, region string, err error) error {
	return fmt.Errorf("awsguardduty: %s (account %s, %s): %w", op, account, region, awsfleet.Map(err))
}
