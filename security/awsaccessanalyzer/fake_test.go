package awsaccessanalyzer

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	"github.com/aws/smithy-go"
)

// fakeAPI is IAM Access Analyzer of one account and region in memory. Errors are
// the SDK's own types, wrapped the way the SDK wraps them (*smithy.OperationError).
type fakeAPI struct {
	mu        sync.Mutex
	analyzers []types.AnalyzerSummary
	pageSize  int              // analyzers per ListAnalyzers page (0: all)
	errs      map[string]error // per operation, returned on every call
	lists     []accessanalyzer.ListAnalyzersInput
	creates   []accessanalyzer.CreateAnalyzerInput
}

func newFake(analyzers ...types.AnalyzerSummary) *fakeAPI {
	return &fakeAPI{analyzers: analyzers, errs: map[string]error{}}
}

func opErr(op string, err error) error {
	return &smithy.OperationError{ServiceID: "AccessAnalyzer", OperationName: op, Err: err}
}

func (f *fakeAPI) ListAnalyzers(_ context.Context, in *accessanalyzer.ListAnalyzersInput, _ ...func(*accessanalyzer.Options)) (*accessanalyzer.ListAnalyzersOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lists = append(f.lists, *in)
	if err := f.errs["ListAnalyzers"]; err != nil {
		return nil, opErr("ListAnalyzers", err)
	}
	var match []types.AnalyzerSummary
	for _, a := range f.analyzers {
		if in.Type == "" || a.Type == in.Type {
			match = append(match, a)
		}
	}
	start := 0
	if in.NextToken != nil {
		start = int((*in.NextToken)[0] - '0')
	}
	end := len(match)
	if f.pageSize > 0 && start+f.pageSize < end {
		end = start + f.pageSize
	}
	out := &accessanalyzer.ListAnalyzersOutput{Analyzers: match[start:end]}
	if end < len(match) {
		out.NextToken = aws.String(string(rune('0' + end)))
	}
	return out, nil
}

func (f *fakeAPI) CreateAnalyzer(_ context.Context, in *accessanalyzer.CreateAnalyzerInput, _ ...func(*accessanalyzer.Options)) (*accessanalyzer.CreateAnalyzerOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.creates = append(f.creates, *in)
	if err := f.errs["CreateAnalyzer"]; err != nil {
		return nil, opErr("CreateAnalyzer", err)
	}
	for _, a := range f.analyzers {
		if aws.ToString(a.Name) == aws.ToString(in.AnalyzerName) {
			return nil, opErr("CreateAnalyzer", &types.ConflictException{Message: aws.String("analyzer already exists")})
		}
	}
	arn := "arn:aws:access-analyzer:ap-northeast-1:111122223333:analyzer/" + aws.ToString(in.AnalyzerName)
	f.analyzers = append(f.analyzers, types.AnalyzerSummary{Arn: &arn, Name: in.AnalyzerName, Type: in.Type, Status: types.AnalyzerStatusActive})
	return &accessanalyzer.CreateAnalyzerOutput{Arn: &arn}, nil
}

// check returns a Check over f, recording the accounts and regions asked for.
func (f *fakeAPI) check(opts ...Option) (*Check, *[]string) {
	var where []string
	var mu sync.Mutex
	return newWithAPI(func(_ context.Context, account, region string) (analyzerAPI, error) {
		mu.Lock()
		defer mu.Unlock()
		where = append(where, account+"/"+region)
		return f, nil
	}, opts...), &where
}

func analyzer(name string, st types.AnalyzerStatus) types.AnalyzerSummary {
	return types.AnalyzerSummary{Name: aws.String(name), Type: types.TypeAccount, Status: st,
		Arn: aws.String("arn:aws:access-analyzer:ap-northeast-1:111122223333:analyzer/" + name)}
}
