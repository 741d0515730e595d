package awsaccount

import (
	"context"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/smithy-go"

	"github.com/seeda33a2f4f/resellerkit/contacts"
	contactsaws "github.com/seeda33a2f4f/resellerkit/contacts/awsaccount"
)

// fakeAPI is AWS Account Management's GetAlternateContact over a map of
// SECURITY contacts per account. Errors are the SDK's own types, wrapped the
// way the SDK wraps them (*smithy.OperationError).
type fakeAPI struct {
	mu       sync.Mutex
	security map[string]types.AlternateContact
	err      error
	gets     []account.GetAlternateContactInput
}

func opErr(op string, err error) error {
	return &smithy.OperationError{ServiceID: "Account", OperationName: op, Err: err}
}

func (f *fakeAPI) GetAlternateContact(_ context.Context, in *account.GetAlternateContactInput, _ ...func(*account.Options)) (*account.GetAlternateContactOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gets = append(f.gets, *in)
	if f.err != nil {
		return nil, opErr("GetAlternateContact", f.err)
	}
	c, ok := f.security[aws.ToString(in.AccountId)]
	if !ok || in.AlternateContactType != types.AlternateContactTypeSecurity {
		return nil, opErr("GetAlternateContact", &types.ResourceNotFoundException{Message: aws.String("No contact of the inputted alternate contact type found.")})
	}
	return &account.GetAlternateContactOutput{AlternateContact: &c}, nil
}

// fakeSyncer stands for contacts/awsaccount.Syncer restricted to SECURITY: it
// returns the report and error it is given, built the way the Syncer builds
// them (a *contactsaws.TypeError wrapping the SDK's error).
type fakeSyncer struct {
	mu     sync.Mutex
	synced []contacts.AccountContacts
	result contactsaws.Result
}

func (s *fakeSyncer) Sync(_ context.Context, c contacts.AccountContacts) (contactsaws.Report, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.synced = append(s.synced, c.Clone())
	res := s.result
	if res.Type == "" {
		res.Type = types.AlternateContactTypeSecurity
	}
	rep := contactsaws.Report{AccountID: c.AccountID, Results: []contactsaws.Result{res}}
	return rep, rep.Err()
}

// failed is the Result of a SECURITY sync that failed in op with err.
func failed(acct, op string, err error) contactsaws.Result {
	return contactsaws.Result{Type: types.AlternateContactTypeSecurity, Status: contactsaws.StatusFailed,
		Err: &contactsaws.TypeError{AccountID: acct, Type: types.AlternateContactTypeSecurity, Op: op, Err: err}}
}

// wrapped is err as the Syncer wraps it: its own sentinel, then the SDK's
// error inside a *smithy.OperationError.
func wrapped(sentinel error, op string, err error) error {
	if sentinel == nil {
		return opErr(op, err)
	}
	return fmt.Errorf("%w: %w", sentinel, opErr(op, err))
}
