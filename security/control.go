package security

import (
	"slices"

	"github.com/seeda33a2f4f/resellerkit/money"
)

// ControlID names a control of the baseline (S-1).
type ControlID string

// The controls of the baseline. Each names the AWS Security Hub control (AWS
// Foundational Security Best Practices, CIS AWS Foundations) it corresponds to in
// Control.SecurityHub.
const (
	GuardDuty            ControlID = "guardduty"                      // GuardDuty.1, per region
	S3PublicAccessBlock  ControlID = "s3-account-public-access-block" // S3.1
	EBSDefaultEncryption ControlID = "ebs-default-encryption"         // EC2.7, per region
	IMDSv2Default        ControlID = "imdsv2-default"                 // EC2.8 for new instances, per region
	DefaultSGClosed      ControlID = "default-security-group-closed"  // EC2.2, per region
	CloudTrail           ControlID = "cloudtrail-multi-region"        // CloudTrail.1, CloudTrail.4
	ConfigRecording      ControlID = "config-recording"               // Config.1, per region
	SecurityHubFSBP      ControlID = "securityhub-fsbp"               // SecurityHub.1, per region
	AccessAnalyzer       ControlID = "iam-access-analyzer"            // IAM.28, per region
	RootMFA              ControlID = "root-mfa-no-access-keys"        // IAM.9, IAM.4 (report only)
	PasswordPolicy       ControlID = "iam-password-policy"            // IAM.7
	SecurityContact      ControlID = "security-alternate-contact"     // Account.1
	SupportRole          ControlID = "support-escalation-role"        // P-4: KKASupportRole
)

// Class says who decides whether a control is on (S-1).
type Class string

// The classes of control.
const (
	// Managed controls are required by the service: always on, repaired at every
	// maintenance run; a customer cannot turn one off.
	Managed Class = "managed"
	// Initial controls are set once, when the account is issued (its first
	// maintenance run); the customer may change the setting in AWS afterwards, or
	// turn the control off, and it is not restored.
	Initial Class = "initial"
	// Maintained controls are opt-in (on in the secure profile): restored to the
	// recommended setting at every maintenance run while on.
	Maintained Class = "maintained"
)

// Remedy says how a control's drift is repaired.
type Remedy string

// The remedies.
const (
	// RepairByAPI: the maintenance run repairs it through the AWS API.
	RepairByAPI Remedy = "api"
	// ReportOnly: drift is reported; the repair is the customer's (root MFA: no
	// API can add it, and root access keys belong to the root user).
	ReportOnly Remedy = "report"
)

// Control is one control of the baseline (S-1).
type Control struct {
	ID ControlID
	// SecurityHub lists the AWS Security Hub control ids it corresponds to.
	SecurityHub []string
	TitleJA     string
	TitleEN     string
	Class       Class
	// PerRegion controls are observed and repaired in every configured region;
	// the others once per account (global services).
	PerRegion bool
	// Secure reports whether the control is on in the secure profile only (a
	// maintained control); the others are on in both profiles.
	Secure bool
	// CostMin and CostMax bound its estimated monthly cost in USD per account (per
	// region when PerRegion), at a small account's usage (S-2).
	CostMin, CostMax money.Decimal
	Remedy           Remedy
	// Observe and Repair say which AWS operations observe and repair it.
	Observe, Repair string
}

// usd is a whole-dollar amount.
func usd(n int64) money.Decimal { return money.NewFromInt(n) }

// catalog is the baseline, in display order.
var catalog = []Control{
	{ID: CloudTrail, SecurityHub: []string{"CloudTrail.1", "CloudTrail.4"}, TitleJA: "CloudTrail（全リージョン・ログ検証）", TitleEN: "CloudTrail multi-region trail with log file validation",
		Class: Managed, CostMin: usd(0), CostMax: usd(1), Remedy: RepairByAPI,
		Observe: "cloudtrail:DescribeTrails, GetTrailStatus", Repair: "cloudtrail:CreateTrail, UpdateTrail, StartLogging"},
	{ID: AccessAnalyzer, SecurityHub: []string{"IAM.28"}, TitleJA: "IAM Access Analyzer", TitleEN: "IAM Access Analyzer",
		Class: Managed, PerRegion: true, CostMin: usd(0), CostMax: usd(0), Remedy: RepairByAPI,
		Observe: "access-analyzer:ListAnalyzers", Repair: "access-analyzer:CreateAnalyzer"},
	{ID: SupportRole, TitleJA: "サポート用ロール（KKASupportRole）", TitleEN: "Support escalation role (KKASupportRole)",
		Class: Managed, CostMin: usd(0), CostMax: usd(0), Remedy: RepairByAPI,
		Observe: "iam:GetRole, ListAttachedRolePolicies", Repair: "iam:CreateRole, AttachRolePolicy, UpdateAssumeRolePolicy"},
	{ID: SecurityContact, SecurityHub: []string{"Account.1"}, TitleJA: "セキュリティ代替連絡先", TitleEN: "Security alternate contact",
		Class: Managed, CostMin: usd(0), CostMax: usd(0), Remedy: RepairByAPI,
		Observe: "account:GetAlternateContact", Repair: "account:PutAlternateContact (from the account's security contacts, C-6)"},
	{ID: RootMFA, SecurityHub: []string{"IAM.9", "IAM.4"}, TitleJA: "ルートユーザーのMFA・アクセスキーなし", TitleEN: "Root user MFA and no root access keys",
		Class: Managed, CostMin: usd(0), CostMax: usd(0), Remedy: ReportOnly,
		Observe: "iam:GetAccountSummary", Repair: "report only: the customer enables MFA and deletes the keys"},
	{ID: S3PublicAccessBlock, SecurityHub: []string{"S3.1"}, TitleJA: "S3 ブロックパブリックアクセス（アカウント）", TitleEN: "S3 Block Public Access (account)",
		Class: Initial, CostMin: usd(0), CostMax: usd(0), Remedy: RepairByAPI,
		Observe: "s3control:GetPublicAccessBlock", Repair: "s3control:PutPublicAccessBlock"},
	{ID: EBSDefaultEncryption, SecurityHub: []string{"EC2.7"}, TitleJA: "EBS デフォルト暗号化", TitleEN: "EBS encryption by default",
		Class: Initial, PerRegion: true, CostMin: usd(0), CostMax: usd(0), Remedy: RepairByAPI,
		Observe: "ec2:GetEbsEncryptionByDefault", Repair: "ec2:EnableEbsEncryptionByDefault"},
	{ID: IMDSv2Default, SecurityHub: []string{"EC2.8"}, TitleJA: "IMDSv2 をデフォルトで必須化", TitleEN: "IMDSv2 required by default",
		Class: Initial, PerRegion: true, CostMin: usd(0), CostMax: usd(0), Remedy: RepairByAPI,
		Observe: "ec2:GetInstanceMetadataDefaults", Repair: "ec2:ModifyInstanceMetadataDefaults"},
	{ID: DefaultSGClosed, SecurityHub: []string{"EC2.2"}, TitleJA: "デフォルトセキュリティグループの通信遮断", TitleEN: "Default security groups closed",
		Class: Initial, PerRegion: true, CostMin: usd(0), CostMax: usd(0), Remedy: RepairByAPI,
		Observe: "ec2:DescribeSecurityGroups", Repair: "ec2:DescribeNetworkInterfaces, RevokeSecurityGroupIngress, RevokeSecurityGroupEgress"},
	{ID: PasswordPolicy, SecurityHub: []string{"IAM.7"}, TitleJA: "IAM パスワードポリシー", TitleEN: "IAM password policy",
		Class: Initial, CostMin: usd(0), CostMax: usd(0), Remedy: RepairByAPI,
		Observe: "iam:GetAccountPasswordPolicy", Repair: "iam:UpdateAccountPasswordPolicy"},
	{ID: GuardDuty, SecurityHub: []string{"GuardDuty.1"}, TitleJA: "Amazon GuardDuty", TitleEN: "Amazon GuardDuty",
		Class: Maintained, PerRegion: true, Secure: true, CostMin: usd(2), CostMax: usd(5), Remedy: RepairByAPI,
		Observe: "guardduty:ListDetectors, GetDetector", Repair: "guardduty:CreateDetector, UpdateDetector"},
	{ID: ConfigRecording, SecurityHub: []string{"Config.1"}, TitleJA: "AWS Config の記録", TitleEN: "AWS Config recording",
		Class: Maintained, PerRegion: true, Secure: true, CostMin: usd(2), CostMax: usd(5), Remedy: RepairByAPI,
		Observe: "config:DescribeConfigurationRecorders, DescribeConfigurationRecorderStatus, DescribeDeliveryChannels",
		Repair:  "config:PutConfigurationRecorder, PutDeliveryChannel, StartConfigurationRecorder"},
	{ID: SecurityHubFSBP, SecurityHub: []string{"SecurityHub.1"}, TitleJA: "AWS Security Hub（基礎的なセキュリティのベストプラクティス）", TitleEN: "AWS Security Hub with Foundational Security Best Practices",
		Class: Maintained, PerRegion: true, Secure: true, CostMin: usd(1), CostMax: usd(5), Remedy: RepairByAPI,
		Observe: "securityhub:DescribeHub, GetEnabledStandards", Repair: "securityhub:EnableSecurityHub, BatchEnableStandards"},
}

// Catalog returns the controls of the baseline, in display order (a new slice).
func Catalog() []Control {
	out := make([]Control, len(catalog))
	for i, c := range catalog {
		c.SecurityHub = slices.Clone(c.SecurityHub)
		out[i] = c
	}
	return out
}

// Lookup returns the control with id.
func Lookup(id ControlID) (Control, bool) {
	for _, c := range catalog {
		if c.ID == id {
			c.SecurityHub = slices.Clone(c.SecurityHub)
			return c, true
		}
	}
	return Control{}, false
}

// Valid reports whether id is a control of the catalogue.
func (id ControlID) Valid() bool {
	_, ok := Lookup(id)
	return ok
}
