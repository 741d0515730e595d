package awss3control

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/s3control/types"
)

// fakeS3Control is a stateful fake of api: PutPublicAccessBlock changes what
// GetPublicAccessBlock returns; a nil pab is an account without the
// configuration. errs[op] makes operation op fail.
type fakeS3Control struct {
	mu   sync.Mutex
	pab  map[string]*types.PublicAccessBlockConfiguration // by account
	errs map[string]error

	calls   []string
	regions []string
	getIn   []*s3control.GetPublicAccessBlockInput
	putIn   []*s3control.PutPublicAccessBlockInput
}

var _ api = (*fakeS3Control)(nil)

func (f *fakeS3Control) clients() clients {
	return func(_ context.Context, _, region string) (api, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.regions = append(f.regions, region)
		return f, nil
	}
}

func (f *fakeS3Control) GetPublicAccessBlock(_ context.Context, in *s3control.GetPublicAccessBlockInput, _ ...func(*s3control.Options)) (*s3control.GetPublicAccessBlockOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "GetPublicAccessBlock")
	f.getIn = append(f.getIn, in)
	if err := f.errs["GetPublicAccessBlock"]; err != nil {
		return nil, err
	}
	c, ok := f.pab[aws.ToString(in.AccountId)]
	if !ok {
		return nil, &types.NoSuchPublicAccessBlockConfiguration{Message: aws.String("The public access block configuration was not found")}
	}
	cp := *c
	return &s3control.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: &cp}, nil
}

func (f *fakeS3Control) PutPublicAccessBlock(_ context.Context, in *s3control.PutPublicAccessBlockInput, _ ...func(*s3control.Options)) (*s3control.PutPublicAccessBlockOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "PutPublicAccessBlock")
	f.putIn = append(f.putIn, in)
	if err := f.errs["PutPublicAccessBlock"]; err != nil {
		return nil, err
	}
	if f.pab == nil {
		f.pab = map[string]*types.PublicAccessBlockConfiguration{}
	}
	cp := *in.PublicAccessBlockConfiguration
	f.pab[aws.ToString(in.AccountId)] = &cp
	return &s3control.PutPublicAccessBlockOutput{}, nil
}
