// Package awsiam checks the baseline's three IAM controls in a member account,
// over github.com/aws/aws-sdk-go-v2/service/iam. IAM is global: each Check is
// called with region "" (the Sessions' configuration keeps its region).
//
// # RootMFA (security.RootMFA, Security Hub IAM.9 and IAM.4)
//
// Observe reads GetAccountSummary: compliant when AccountMFAEnabled is 1 and
// AccountAccessKeysPresent is 0. The control is report only: no API can add MFA
// to the root user or delete its access keys on its behalf, so Repair always
// fails with an error wrapping security.ErrInvalid and the customer acts.
//
// # PasswordPolicy (security.PasswordPolicy, Security Hub IAM.7; CIS)
//
// Observe reads GetAccountPasswordPolicy (NoSuchEntityException: the account has
// none) and compares it with the wanted Policy, DefaultPolicy unless
// configured: at least 14 characters; symbols, numbers, upper and lower case
// letters required; the last 24 passwords not reused; passwords expire within
// 90 days. A policy stricter than wanted is compliant.
//
// Repair calls UpdateAccountPasswordPolicy, which replaces the whole policy.
// It never weakens one: each setting written is the stricter of the account's
// and the wanted one (a longer minimum, a shorter maximum age, a requirement
// kept, hard expiry kept), so a customer's stricter choice survives.
//
// # SupportRole (security.SupportRole, DOMAIN.md P-4)
//
// The role (DefaultRoleName, "KKASupportRole", WithRoleName) through which the
// reseller escalates to AWS Support from the customer's account. Observe calls
// GetRole (NoSuchEntityException: missing) and ListAttachedRolePolicies:
// compliant when its trust policy allows the configured reseller principal
// sts:AssumeRole and the AWS managed policy SupportPolicyARN
// (AWSSupportAccess) is attached. AWSSupportAccess allows support:* (cases,
// and reading Trusted Advisor through the Support API) and nothing else: the
// narrowest AWS managed policy for opening cases.
//
// Repair creates the role (CreateRole, its trust policy built with
// encoding/json) when missing — EntityAlreadyExistsException, a run racing
// another, is fine — adds a statement allowing the principal to an existing
// role's trust policy that lacks it (UpdateAssumeRolePolicy, keeping every
// other statement), and attaches the policy when it is not (AttachRolePolicy).
// The role is kept even when unused (P-4): nothing here deletes it. Running
// Repair again changes nothing.
//
// # Permissions
//
// The role assumed in the member account (security/awsfleet) needs:
//
//	iam:GetAccountSummary                                  (RootMFA)
//	iam:GetAccountPasswordPolicy, iam:UpdateAccountPasswordPolicy (PasswordPolicy)
//	iam:GetRole, iam:ListAttachedRolePolicies,
//	iam:CreateRole, iam:UpdateAssumeRolePolicy,
//	iam:AttachRolePolicy                                   (SupportRole, on the role)
//
// # Errors
//
// AWS's errors go through awsfleet.Map: AccessDenied wraps
// security.ErrAccessDenied and Throttling security.ErrThrottled; the SDK's error
// stays in the chain.
package awsiam
