// Package awsorg carries out customers' applications (DOMAIN.md M-11) in AWS
// Organizations (github.com/aws/aws-sdk-go-v2/service/organizations), from the
// reseller's payer (management) account, and records every step in the
// application's members.Operation.
//
// A reseller operator reviews an application (members.Service.ReviewApplication)
// and then calls Carrier.Complete instead of members.Service.CompleteApplication.
// The portal's default mode uses NewSimulated, an in-memory Organizations that
// logs each call; with real credentials it uses New.
//
// # What each kind does in AWS
//
//   - new_account: CreateAccount with the derived root address and name and
//     Config.RoleName (the role the reseller assumes in the account, default
//     OrganizationAccountAccessRole); DescribeCreateAccountStatus polled with
//     backoff (Config.PollInitial doubling to PollMax) until SUCCEEDED or FAILED;
//     then ListParents and MoveAccount from the root to the OU of the account's
//     security profile (Config.OUs); members.Service.RegisterAccount under the
//     application's project (from the current month, M-3); the application
//     completed. FAILED (EMAIL_ALREADY_EXISTS, ACCOUNT_LIMIT_EXCEEDED, …) leaves
//     the application in review, its operation failed with a reason per
//     FailureReason that says what to do.
//   - account_closure: CloseAccount, then the application completed, which ends
//     the account's billing at the end of the month (members). AWS suspends the
//     account and closes it for good after 90 days. AccountAlreadyClosedException
//     counts as closed; ConstraintViolationException with
//     CLOSE_ACCOUNT_QUOTA_EXCEEDED or CLOSE_ACCOUNT_REQUESTS_LIMIT_EXCEEDED (AWS's
//     quota of closures per rolling 30 days) and AccountNotFoundException fail the
//     operation with a clear reason.
//   - account_transfer_in: InviteAccountToOrganization of the account; each
//     Complete then reads the handshake (DescribeHandshake): REQUESTED or OPEN
//     leaves the operation waiting ("waiting for the account's owner to accept",
//     no error: run again later); ACCEPTED registers the account under the
//     application's project and completes the application; DECLINED, EXPIRED and
//     CANCELED fail it, and so does an invitation AWS no longer knows
//     (HandshakeNotFoundException: it forgets one 30 days after it ended). HandshakeConstraintViolationException (the account still
//     in another organization, a different seller of record, …) fails it with a
//     clear reason. The account stays where AWS puts invited accounts (the root);
//     moving it to an OU is the security baseline's business.
//   - owner_change: no AWS call. The change of contract holder is recorded with
//     its effective month (the next UTC month: like a move between projects, M-3,
//     it takes effect from a month boundary) and ContactsReview, which asks the
//     new holder to review the account's contacts; the application completes.
//   - project_creation: not an AWS operation; Complete completes it exactly as
//     members.Service.CompleteApplication does, with no Operation recorded.
//
// # New accounts: addresses, names, profiles
//
// Customers do not choose root addresses: an AWS account's root address belongs
// to whoever controls the mailbox, and it must be the reseller. Config.Identity
// derives the address and name; DefaultIdentity gives "aws+<application
// id>@<Config.EmailDomain>" (a plus-addressed or catch-all mailbox of the
// reseller's) and the name the Details ask for, followed by " (<application id>)".
// Details are one line; ParseDetails reads "name: …" and "profile: …" parts
// separated by ";", e.g. "name: web-prod; profile: secure". The profile defaults
// to Config.DefaultProfile ("basic"). With Config.OUs set, a profile without an
// OU is refused (members.ErrInvalid) before any call; with none, accounts stay in
// the root. Applying the profile's security baseline is the security package's
// job once the account is registered.
//
// # Idempotency and crash safety
//
// Everything the carrier knows about an operation is in members, written through
// members.Service.UpdateOperation in one transaction with the application's
// version check. A run first claims the operation (Owner, LeaseUntil = now +
// Config.Lease) before calling AWS; a second run meanwhile gets ErrInProgress (a
// members.ErrConflict); a run whose lease expired (its process died) is taken
// over. Every step renews the lease, and every AWS call is recorded as a step
// with AWS's request id (from the output's metadata or the error's
// *awshttp.ResponseError).
//
// None of these Organizations calls takes a client token, so a process dying
// between a call and its record is handled by looking AWS up before calling
// again:
//
//   - CreateAccount: the run records that it is calling, then calls, then records
//     the CreateAccountStatus id. A run resuming with the intent recorded but no
//     id lists ListCreateAccountStatus (IN_PROGRESS, SUCCEEDED, FAILED) for a
//     request with the derived name made since then (less 15 minutes for clock
//     differences): one in progress or succeeded is adopted; two are ambiguous and
//     nothing is created (an error naming them, for a person to resolve); a failed
//     one is adopted only when none is live. Only when none is found is
//     CreateAccount called again. As a last guard, the derived root address is the
//     application's own, and AWS refuses a second account with one address
//     (EMAIL_ALREADY_EXISTS). A resumed new-account operation therefore creates
//     exactly one account.
//   - MoveAccount: ListParents first; an account already in its OU is not moved,
//     and DuplicateAccountException counts as moved.
//   - RegisterAccount: members.ErrAlreadyExists for an account already in the
//     organization counts as registered; one registered to another organization
//     fails the operation.
//   - CloseAccount: calling it again gets AccountAlreadyClosedException, success.
//   - InviteAccountToOrganization: a resuming run with the intent recorded but no
//     handshake id lists ListHandshakesForOrganization for an invitation of the
//     account carrying the application's note (open or requested, or accepted
//     since the intent; failing those, one declined, cancelled or expired since
//     the intent, whose outcome the attempt then records: the owner is never
//     invited twice); so does DuplicateHandshakeException, for an open one.
//   - The operation recorded succeeded but the application not completed: the
//     next Complete only completes it.
//
// Complete returns, by outcome: the application completed and a nil error; the
// operation waiting and a nil error (AWS is not done: run again later); the
// application in review, its operation failed, and an error wrapping ErrRefused
// (AWS refused; a later Complete carries it out again once the cause is fixed,
// or the operator rejects the application); or an error with the operation
// recorded waiting and its reason (ErrThrottled after Config.Attempts with
// backoff, a server or network error, a cancelled context, a store error) — the
// next Complete resumes it. AWS's own error stays in every chain
// (errors.As(err, new(*types.ConstraintViolationException))).
//
// # Refused or interrupted
//
// members refuses to complete or reject an application while its operation is
// running or waiting (AWS may be acting on it), so only what AWS may answer
// differently later is recorded waiting: throttling (TooManyRequestsException
// and the SDK's throttle codes), server errors (5xx, ServiceException), the SDK's
// retryable codes, ConcurrentModificationException, FinalizingOrganizationException,
// expired credentials or signatures, transport errors (no answer read), a
// cancelled context, and errors that are not AWS's (a store error, an ambiguous
// look-up). Every other AWS error is a refusal, permanent by its nature: a
// client error (4xx), modelled or not — AccessDeniedException once Config.Attempts
// calls were denied (a policy just changed takes a moment to apply; an explicit
// deny is for good), AWSOrganizationsNotInUseException, InvalidInputException,
// ConstraintViolationException with a reason this package does not know,
// DestinationParentNotFoundException, an error code AWS adds later. Left waiting,
// such an operation would be answered the same by every Complete and its
// application could never be completed nor rejected.
//
// A refusal the package knows (a FAILED create request, the closure quota, a
// declined or forgotten invitation, …) ends the attempt: the next Complete starts
// a new one (a new create request, a new invitation). Any other refusal fails the
// operation with a reason naming the call, AWS's error code and message, and what
// AWS already has for the application (its create request, account or
// invitation: whoever rejects the application sees to it in AWS), but keeps the
// attempt: the next Complete, once the cause is fixed, resumes where the refused
// call stopped (step awsorg:Resume), as after an interruption — it neither
// creates a second account nor invites the owner twice. A call AWS refused
// created nothing, so a resumed run calls it again without looking it up first.
//
// One Complete waits at most Config.MaxWait (in Config.Sleep's waits) for a new
// account; then the operation is recorded waiting and the call returns, so an
// operator's request never hangs.
//
// # IAM permissions in the payer (management) account
//
//	organizations:CreateAccount
//	organizations:DescribeCreateAccountStatus
//	organizations:ListCreateAccountStatus
//	organizations:ListParents
//	organizations:MoveAccount
//	organizations:CloseAccount
//	organizations:InviteAccountToOrganization
//	organizations:DescribeHandshake
//	organizations:ListHandshakesForOrganization
//
// CreateAccount also needs the service-linked role AWSServiceRoleForOrganizations,
// which Organizations creates itself when all features are enabled; CloseAccount
// needs all features enabled. The carrier never calls anything else (no
// RemoveAccountFromOrganization, no tagging).
package awsorg
