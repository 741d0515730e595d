package awsaccount

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/account/types"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/contacts"
	contactsaws "github.com/seeda33a2f4f/resellerkit/contacts/awsaccount"
	"github.com/seeda33a2f4f/resellerkit/security"
	"github.com/seeda33a2f4f/resellerkit/security/awsfleet"
)

// accountAPI lists the only AWS Account Management operation the Check calls
// itself; writing goes through the Syncer. *account.Client implements it;
// tests pass a fake returning the SDK's own types and errors.
type accountAPI interface {
	GetAlternateContact(ctx context.Context, in *account.GetAlternateContactInput, optFns ...func(*account.Options)) (*account.GetAlternateContactOutput, error)
}

var _ accountAPI = (*account.Client)(nil)

// syncer is what Repair needs of contacts/awsaccount.Syncer.
type syncer interface {
	Sync(ctx context.Context, c contacts.AccountContacts) (contactsaws.Report, error)
}

var _ syncer = (*contactsaws.Syncer)(nil)

// ContactsFunc returns the contacts resellerkit keeps for an account (for
// example a contacts.Service's read); an account without any answers an error
// wrapping contacts.ErrNotFound.
type ContactsFunc func(ctx context.Context, accountID string) (contacts.AccountContacts, error)

// Check is the security.Check of security.SecurityContact. Build one with New;
// it is safe for concurrent use.
type Check struct {
	api      accountAPI
	sync     syncer
	contacts ContactsFunc
}

var _ security.Check = (*Check)(nil)

// New returns the Check calling AWS Account Management with payer, the
// configuration of the organization's management account (or of a delegated
// administrator for AWS Account Management). contactsOf gives an account's
// contacts to Repair. opts configure the contacts/awsaccount.Syncer Repair
// uses (e.g. WithNameTitle, WithMapping, WithRetry); it syncs the SECURITY type
// only, whatever WithTypes says.
func New(payer aws.Config, contactsOf ContactsFunc, opts ...contactsaws.Option) *Check {
	client := account.NewFromConfig(payer)
	opts = append(opts[:len(opts):len(opts)], contactsaws.WithTypes(types.AlternateContactTypeSecurity))
	return newWithAPI(client, contactsaws.New(client, opts...), contactsOf)
}

// newWithAPI returns a Check over any implementation of accountAPI and syncer
// (fakes in tests).
func newWithAPI(api accountAPI, s syncer, contactsOf ContactsFunc) *Check {
	return &Check{api: api, sync: s, contacts: contactsOf}
}

// Control returns security.SecurityContact.
func (c *Check) Control() security.ControlID { return security.SecurityContact }

// Observe reports the control compliant when the account has a security
// alternate contact. region is ignored.
func (c *Check) Observe(ctx context.Context, accountID, _ string) (security.Observation, error) {
	if err := checkAccountID(accountID); err != nil {
		return security.Observation{}, err
	}
	out, err := c.api.GetAlternateContact(ctx, &account.GetAlternateContactInput{
		AccountId:            aws.String(accountID),
		AlternateContactType: types.AlternateContactTypeSecurity,
	})
	var missing *types.ResourceNotFoundException
	switch {
	case errors.As(err, &missing):
		return security.Observation{Detail: "no security alternate contact"}, nil
	case err != nil:
		return security.Observation{}, fmt.Errorf("getting the security alternate contact of %s: %w", accountID, awsfleet.Map(err))
	case out.AlternateContact == nil:
		return security.Observation{Detail: "no security alternate contact"}, nil
	}
	return security.Observation{Compliant: true, Detail: fmt.Sprintf("security alternate contact: %s <%s>",
		aws.ToString(out.AlternateContact.Name), aws.ToString(out.AlternateContact.EmailAddress))}, nil
}

// Repair writes the account's security alternate contact from its contacts,
// unless AWS already holds it. region is ignored.
func (c *Check) Repair(ctx context.Context, accountID, _ string) (string, error) {
	if err := checkAccountID(accountID); err != nil {
		return "", err
	}
	if c.contacts == nil {
		return "", resellerkit.Invalid(security.ErrInvalid, "contacts", accountID, "C-6",
			"no function giving the account's contacts (awsaccount.New)")
	}
	ours, err := c.contacts(ctx, accountID)
	switch {
	case errors.Is(err, contacts.ErrNotFound):
		return "", fmt.Errorf("%w: account %s has no contacts to make its security alternate contact from: %w", security.ErrInvalid, accountID, err)
	case err != nil:
		return "", fmt.Errorf("reading the contacts of account %s: %w", accountID, err)
	case ours.AccountID == "":
		ours.AccountID = accountID
	case ours.AccountID != accountID:
		return "", resellerkit.Invalid(security.ErrInvalid, "AccountID", ours.AccountID, "C-6",
			"the contacts given for account "+accountID+" are another account's")
	}
	rep, err := c.sync.Sync(ctx, ours)
	if err != nil {
		if errors.Is(err, contacts.ErrInvalid) {
			return "", fmt.Errorf("%w: account %s: its contacts cannot make a security alternate contact: %w", security.ErrInvalid, accountID, err)
		}
		return "", fmt.Errorf("syncing the security alternate contact of %s: %w", accountID, awsfleet.Map(err))
	}
	res, ok := rep.Result(types.AlternateContactTypeSecurity)
	if !ok {
		return "", fmt.Errorf("syncing the security alternate contact of %s: no SECURITY result", accountID)
	}
	switch res.Status {
	case contactsaws.StatusCreated:
		return "set the security alternate contact", nil
	case contactsaws.StatusUpdated:
		return "updated the security alternate contact (" + strings.Join(res.Changed, ", ") + ")", nil
	case contactsaws.StatusUnchanged:
		return "security alternate contact already up to date", nil
	}
	// StatusSkipped: a custom mapping (WithMapping) gave no SECURITY contact.
	return "", resellerkit.Invalid(security.ErrInvalid, "contacts", accountID, "C-6",
		"the contacts mapping gives account "+accountID+" no security alternate contact ("+string(res.Status)+")")
}

// checkAccountID insists on a 12-digit id: without AccountId AWS would act on
// the management account's own contacts.
func checkAccountID(id string) error {
	if len(id) != 12 || strings.Trim(id, "0123456789") != "" {
		return resellerkit.Invalid(security.ErrInvalid, "account", id, "C-6", "must be a member account's 12-digit id")
	}
	return nil
}
