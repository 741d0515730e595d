// Package awssupport escalates the support desk's cases to AWS Support
// (DOMAIN.md P-4): it opens, reads and answers AWS Support cases in a
// customer's account through the role kept there for it (DefaultRole,
// "KKASupportRole", allowed only to work with support cases), assumed from the
// payer account with STS. Client implements support.Escalator.
//
//	sessions := awssupport.Sessions(payerConfig, awssupport.DefaultRole)
//	client := awssupport.New(sessions)
//	ref, err := client.CreateCase(ctx, "123456789012", awssupport.CaseInput{…})
//
// Sessions is awsfleet.AssumeRole with the role name (configurable); any
// awsfleet.Sessions works, e.g. awsfleet.Static for one account's own
// credentials. The Support API is global: it is called in Region (us-east-1)
// at DefaultEndpoint, whatever the configuration's region.
//
// # Why the API is called by hand
//
// The SDK's client, github.com/aws/aws-sdk-go-v2/service/support, cannot be
// installed where this module is built, so this package speaks the wire
// protocol itself, with the SDK's own parts for the rest: each call is an
// HTTPS POST to "/" with Content-Type application/x-amz-json-1.1, X-Amz-Target
// "AWSSupport_20130415.<Operation>" and a JSON body, signed with the SDK's
// SigV4 signer (aws/signer/v4, service "support", region us-east-1, the
// payload's SHA-256) using the credentials the Sessions give for the account
// (aws.Config.Credentials), sent with the configuration's HTTP client (else
// the SDK's buildable client), and retried by the configuration's aws.Retryer
// (else retry.NewStandard). Only reads (DescribeCases) are retried on any
// retryable error; CreateCase and AddCommunicationToCase, which are not
// idempotent, only when AWS throttled them (see "A CreateCase whose answer is
// lost"). Should the SDK's client become
// available, Client's methods keep their contract over it.
//
// # Errors
//
// An error answer is read as the SDK's generated AWS JSON 1.1 deserializers
// read it: the type from the X-Amzn-ErrorType header, else the body's __type,
// else its code, cleaned by restjson.SanitizeErrorCode; the message from the
// body's message. It becomes an *APIError (smithy.APIError) kept in the chain,
// under one of the sentinels: SubscriptionRequiredException is
// ErrNoSupportPlan (the API needs a Business, Enterprise On-Ramp or Enterprise
// Support plan), CaseIdNotFound ErrCaseNotFound, CaseCreationLimitExceeded and
// the attachment limits ErrLimit, AccessDeniedException and refused
// credentials ErrAccessDenied (with security.ErrAccessDenied), throttling that
// outlived the retries ErrThrottled (with security.ErrThrottled),
// InternalServerError and HTTP 5xx ErrUnavailable. A role that cannot be
// assumed is ErrAccessDenied, wrapping awsfleet.Map's security.ErrUnreachable
// and security.ErrAccessDenied. Bad input is ErrInvalid, a
// *resellerkit.ValidationError naming the field, found before any call.
//
// # A CreateCase whose answer is lost
//
// CreateCase has no idempotency token, so a case AWS opened but whose answer
// never arrived is opened again by the next call. A CreateCase error after which
// AWS may have opened the case wraps support.ErrEscalationUnknown (and
// support.Service then keeps the escalation claimed until
// support.EscalationTimeout, telling the desk to check AWS's console): the
// request may have reached AWS — a connection was had — and no answer saying
// what AWS did was read. That is a connection dropped before or during the
// answer, the HTTP client's own Timeout (with the caller's context still live;
// a context that ended is the caller's to judge), an answer cut short, a 2xx
// answer that cannot be decoded or has no caseId, and HTTP 5xx. A 5xx counts
// as unknown because AWS documents that the service may or may not have
// processed such a request (and a 502 or 504 of a load balancer says nothing of
// the service behind it); this package does not retry a CreateCase on 5xx, and
// neither does the SDK's buildable HTTP client, so the 5xx answered the one
// attempt that may have opened the case. The cost of this choice is a desk
// told to check the console (and waiting EscalationTimeout) when AWS failed
// without opening anything, rather than a second AWS case. Known outcomes are
// plain errors: a 4xx answer (AWS refused the call; throttling, retried first,
// included) and a request that never left (not built or signed, credentials
// not had, the endpoint's name not resolved or no connection made). A
// retrying HTTP client given with WithHTTPClient (e.g. go-retryablehttp)
// should not be: it would repeat a CreateCase AWS may have done. Reads
// (DescribeCases) and AddCommunicationToCase, which escalation does not use,
// do not wrap the sentinel.
//
// # IAM permissions
//
// The role in the customer's account needs support:CreateCase,
// support:DescribeCases and support:AddCommunicationToCase (the IAM actions
// are the operations' names), and a trust policy letting the payer assume it
// (with an external id if awsfleet.WithExternalID is given). Without them the
// calls are ErrAccessDenied.
//
// # Sources of the wire format
//
//   - The AWS Support API model, botocore's
//     botocore/data/support/2013-04-15/service-2.json (github.com/boto/botocore):
//     protocol json, jsonVersion 1.1, targetPrefix AWSSupport_20130415,
//     endpointPrefix and signing name support; the shapes CreateCaseRequest
//     (subject and communicationBody required; serviceCode, severityCode,
//     categoryCode, ccEmailAddresses, language, issueType, attachmentSetId),
//     CreateCaseResponse (caseId), DescribeCasesRequest (caseIdList,
//     displayId, afterTime, beforeTime, includeResolvedCases — false by
//     default —, nextToken, maxResults, language, includeCommunications),
//     DescribeCasesResponse (cases, nextToken), CaseDetails, Communication,
//     RecentCaseCommunications, AddCommunicationToCaseRequest (caseId,
//     communicationBody, ccEmailAddresses, attachmentSetId) and its response
//     (result); CommunicationBody length 1–8000, CcEmailAddressList at most
//     10; the errors InternalServerError (a fault), CaseIdNotFound,
//     CaseCreationLimitExceeded, AttachmentLimitExceeded, ThrottlingException;
//     the severity codes low, normal, high, urgent, critical; the languages
//     zh, en, ja, ko; the statuses of a case.
//   - The AWS Support API Reference, CreateCase:
//     https://docs.aws.amazon.com/awssupport/latest/APIReference/API_CreateCase.html
//     (request syntax; SubscriptionRequiredException without a Business,
//     Enterprise On-Ramp or Enterprise Support plan).
//   - AWS CLI examples, awscli/examples/support/describe-cases.rst and
//     create-case.rst (github.com/aws/aws-cli): a CaseDetails as returned
//     (timeCreated "2020-03-23T21:31:47.774Z", displayId, status) and a case
//     filed under service "general-info", category "using-aws".
//   - aws-sdk-go-v2's generated AWS JSON 1.1 clients (e.g. service/cloudtrail's
//     serializers.go and deserializers.go): the headers sent, and how an error
//     answer's type and message are found (X-Amzn-ErrorType, __type, code;
//     restjson.SanitizeErrorCode).
//
// The model sets no length on a subject: MaxSubjectLen is this package's own
// bound.
package awssupport
