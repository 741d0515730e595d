package reports

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/seeda33a2f4f/resellerkit"
)

// MaxManifestSize bounds the bytes read of a manifest (and so the memory a wrong
// object can claim). Real manifests, columns included, are kilobytes to a few
// megabytes.
const MaxManifestSize = 32 << 20

// maxID and maxKey bound a version id and an S3 key (S3 keys are at most 1,024
// bytes).
const (
	maxID  = 256
	maxKey = 1024
)

// legacyManifest is what a legacy CUR manifest says, checked.
type legacyManifest struct {
	AssemblyID string
	Account    string // "" when the manifest has none
	ReportName string // "" when the manifest has none
	Period     resellerkit.Month
	ReportKeys []string
}

// cur2Manifest is what a Data Exports (CUR 2.0) manifest says, checked.
type cur2Manifest struct {
	ExecutionID string
	Account     string            // the exportArn's account, "" without one
	Period      resellerkit.Month // zero when the manifest has no billingPeriod
	DataFiles   []s3URI
}

type s3URI struct{ Bucket, Key string }

// rawPeriod is the billingPeriod object of both manifests.
type rawPeriod struct {
	Start *string `json:"start"`
	End   *string `json:"end"`
}

type rawLegacy struct {
	AssemblyID    *string    `json:"assemblyId"`
	Account       *string    `json:"account"`
	ReportName    *string    `json:"reportName"`
	BillingPeriod *rawPeriod `json:"billingPeriod"`
	ReportKeys    []string   `json:"reportKeys"`
}

type rawCUR2 struct {
	ExecutionID   *string    `json:"executionId"`
	ExportArn     *string    `json:"exportArn"`
	BillingPeriod *rawPeriod `json:"billingPeriod"`
	DataFiles     []string   `json:"dataFiles"`
}

// invalid returns the *resellerkit.ValidationError of a bad manifest field.
func invalid(field, value, reason string) error {
	return resellerkit.Invalid(ErrManifest, field, value, "B-14", reason)
}

// decode unmarshals a manifest into v, turning JSON errors into ValidationErrors.
func decode(data []byte, v any) error {
	err := json.Unmarshal(data, v)
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			field = "(manifest)"
		}
		return invalid(field, "", fmt.Sprintf("a JSON %s where %s is expected", te.Value, jsonKind(te.Type.String())))
	}
	return invalid("(manifest)", "", "not a JSON object: "+err.Error())
}

func jsonKind(goType string) string {
	switch {
	case goType == "string" || goType == "*string":
		return "a string"
	case strings.HasPrefix(goType, "[]"):
		return "an array of strings"
	}
	return "an object"
}

// parseLegacy decodes and checks a legacy CUR manifest: assemblyId (required, a
// folder name), account (optional, 12 digits), reportName (optional),
// billingPeriod.start (required, a timestamp; its UTC month is the period) and
// reportKeys (required, at least one well-formed key, no duplicates).
func parseLegacy(data []byte) (legacyManifest, error) {
	var raw rawLegacy
	if err := decode(data, &raw); err != nil {
		return legacyManifest{}, err
	}
	var m legacyManifest
	var err error
	if m.AssemblyID, err = versionID("assemblyId", raw.AssemblyID); err != nil {
		return m, err
	}
	if raw.Account != nil {
		if !accountID(*raw.Account) {
			return m, invalid("account", *raw.Account, "must be the payer's 12-digit account id")
		}
		m.Account = *raw.Account
	}
	if raw.ReportName != nil {
		m.ReportName = *raw.ReportName
	}
	if raw.BillingPeriod == nil {
		return m, invalid("billingPeriod", "", "required: the report's billing period")
	}
	if m.Period, err = period(raw.BillingPeriod, true); err != nil {
		return m, err
	}
	if len(raw.ReportKeys) == 0 {
		return m, invalid("reportKeys", "", "required: at least one report file")
	}
	seen := make(map[string]bool, len(raw.ReportKeys))
	for i, k := range raw.ReportKeys {
		field := "reportKeys[" + strconv.Itoa(i) + "]"
		// A report without an S3 prefix has keys starting with "/" (see
		// versions); the key must still be in the manifest's folder.
		if reason := badKey(strings.TrimPrefix(k, "/")); reason != "" {
			return m, invalid(field, k, reason)
		}
		if seen[k] {
			return m, invalid(field, k, "listed twice")
		}
		seen[k] = true
	}
	m.ReportKeys = raw.ReportKeys
	return m, nil
}

// parseCUR2 decodes and checks a Data Exports manifest: executionId (required, a
// folder name), exportArn (optional; its account is kept), billingPeriod
// (optional; when present, start is required) and dataFiles (required, at least
// one s3://bucket/key URI, no duplicates).
func parseCUR2(data []byte) (cur2Manifest, error) {
	var raw rawCUR2
	if err := decode(data, &raw); err != nil {
		return cur2Manifest{}, err
	}
	var m cur2Manifest
	var err error
	if m.ExecutionID, err = versionID("executionId", raw.ExecutionID); err != nil {
		return m, err
	}
	if raw.ExportArn != nil {
		m.Account = arnAccount(*raw.ExportArn)
	}
	if raw.BillingPeriod != nil {
		if m.Period, err = period(raw.BillingPeriod, false); err != nil {
			return m, err
		}
	}
	if len(raw.DataFiles) == 0 {
		return m, invalid("dataFiles", "", "required: at least one data file")
	}
	seen := make(map[string]bool, len(raw.DataFiles))
	for i, u := range raw.DataFiles {
		field := "dataFiles[" + strconv.Itoa(i) + "]"
		uri, ok := parseS3URI(u)
		if !ok {
			return m, invalid(field, u, "must be an s3://bucket/key URI")
		}
		if reason := badKey(uri.Key); reason != "" {
			return m, invalid(field, u, reason)
		}
		if seen[u] {
			return m, invalid(field, u, "listed twice")
		}
		seen[u] = true
		m.DataFiles = append(m.DataFiles, uri)
	}
	return m, nil
}

// versionID checks an assemblyId or executionId: required, at most maxID bytes,
// printable, no "/" (it names a folder).
func versionID(field string, s *string) (string, error) {
	if s == nil || *s == "" {
		return "", invalid(field, "", "required: the id of this version of the report")
	}
	v := *s
	switch {
	case len(v) > maxID:
		return "", invalid(field, v, fmt.Sprintf("longer than %d bytes", maxID))
	case !printable(v) || strings.Contains(v, "/") || v == "." || v == "..":
		return "", invalid(field, v, "must be a folder name: printable, without \"/\"")
	}
	return v, nil
}

// period returns the UTC month of billingPeriod.start; end, when present, must be
// a timestamp after start.
func period(p *rawPeriod, required bool) (resellerkit.Month, error) {
	if p.Start == nil {
		if !required && p.End == nil {
			return resellerkit.Month{}, nil
		}
		return resellerkit.Month{}, invalid("billingPeriod.start", "", "required: the first instant of the billing period")
	}
	start, ok := timestamp(*p.Start)
	if !ok {
		return resellerkit.Month{}, invalid("billingPeriod.start", *p.Start, "not a timestamp (e.g. 20231101T000000.000Z or 2023-11-01T00:00:00Z)")
	}
	if p.End != nil {
		end, ok := timestamp(*p.End)
		if !ok {
			return resellerkit.Month{}, invalid("billingPeriod.end", *p.End, "not a timestamp (e.g. 20231201T000000.000Z or 2023-12-01T00:00:00Z)")
		}
		if !end.After(start) {
			return resellerkit.Month{}, invalid("billingPeriod.end", *p.End, "must be after billingPeriod.start")
		}
	}
	m := resellerkit.MonthOf(start)
	if m.Year() < 2000 || m.Year() > 9999 {
		return resellerkit.Month{}, invalid("billingPeriod.start", *p.Start, "out of range")
	}
	return m, nil
}

// timestampLayouts are the forms a manifest's billingPeriod takes: the legacy
// CUR's compact ISO 8601 ("20231101T000000.000Z"), RFC 3339, a date.
var timestampLayouts = []string{"20060102T150405.000Z", "20060102T150405Z", time.RFC3339Nano, "2006-01-02"}

func timestamp(s string) (time.Time, bool) {
	for _, l := range timestampLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// badKey returns why k cannot be a report file's key, or "": empty, too long, not
// printable UTF-8, absolute, or with an empty, "." or ".." segment (a key that
// could leave the report's folder once mapped to a directory).
func badKey(k string) string {
	switch {
	case k == "":
		return "an empty key"
	case len(k) > maxKey:
		return fmt.Sprintf("longer than %d bytes", maxKey)
	case !printable(k):
		return "holds control characters or invalid UTF-8"
	case strings.HasPrefix(k, "/") || strings.HasSuffix(k, "/"):
		return "must be an object key, not starting or ending with \"/\""
	case strings.Contains(k, "\\"):
		return "holds a backslash"
	}
	for seg := range strings.SplitSeq(k, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return "holds an empty, \".\" or \"..\" path segment"
		}
	}
	return ""
}

func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

// accountID reports whether s is a 12-digit AWS account id.
func accountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// arnAccount returns the account field of an ARN (arn:partition:service:region:
// account:resource) when it is a 12-digit id, else "".
func arnAccount(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) == 6 && parts[0] == "arn" && accountID(parts[4]) {
		return parts[4]
	}
	return ""
}

// parseS3URI splits s3://bucket/key.
func parseS3URI(u string) (s3URI, bool) {
	rest, ok := strings.CutPrefix(u, "s3://")
	if !ok {
		return s3URI{}, false
	}
	bucket, key, ok := strings.Cut(rest, "/")
	if !ok || bucket == "" || key == "" || !printable(bucket) {
		return s3URI{}, false
	}
	return s3URI{Bucket: bucket, Key: key}, true
}
