package athena

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seeda33a2f4f/resellerkit"
	"github.com/seeda33a2f4f/resellerkit/billing"
)

// TestQueryTextHoldsNoConfiguredValue sends the query of each layout, with and
// without public costs, and checks the text Athena gets: no string literal at all
// (no quote character), neither the billing period nor a map key nor any value of
// the invoicing configuration (accounts, services, usage types, operations,
// billing entities), only double-quoted identifiers; every value is an execution
// parameter, one per placeholder.
func TestQueryTextHoldsNoConfiguredValue(t *testing.T) {
	period := resellerkit.NewMonth(2027, time.March)
	inv := invoicingConfig(t, true)
	var configured []string
	for _, p := range inv.Projects {
		configured = append(configured, p.Accounts...)
		for _, r := range p.PricingRules {
			configured = append(configured, r.Service, r.UsageType, r.Operation, r.BillingEntity)
		}
	}
	for _, layout := range []Layout{CUR2, LegacyCUR} {
		for _, public := range []bool{false, true} {
			cols := unblendedCols
			if public {
				cols = publicCols
			}
			api := &fakeAPI{pages: []*types.ResultSet{resultSet(cols, true)}}
			parts := BillingPeriodPartition
			if layout == LegacyCUR {
				parts = YearMonthPartitions
			}
			src, _ := newFakeSource(t, api, Config{Layout: layout, Catalog: "awsdatacatalog", Database: "cur_db", Table: "export-march", Period: period, Partitions: parts})
			_, err := scan(src, &publicSink{period: period, public: public})
			require.NoError(t, err)
			require.Len(t, api.started, 1)
			sql := aws.ToString(api.started[0].QueryString)
			params := api.started[0].ExecutionParameters

			assert.NotContains(t, sql, "'", "%s public=%v: a string literal in the query text", layout, public)
			for _, v := range append(configured, "2027", "03-01", "04-01", "= 3", "CmBillingGroup") {
				if v != "" {
					assert.NotContains(t, sql, v, "%s public=%v", layout, public)
				}
			}
			// The map keys are column names too, but never outside quotes; every name
			// in the text is a quoted identifier or an SQL keyword or function.
			unquoted := regexp.MustCompile(`"[^"]*"`).ReplaceAllString(sql, "")
			for _, v := range billingGroupKeys {
				assert.NotContains(t, unquoted, v)
			}
			assert.NotContains(t, unquoted, "product_name")
			words := regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*`).FindAllString(unquoted, -1)
			for _, w := range words {
				assert.Contains(t, []string{"SELECT", "AS", "element_at", "COALESCE", "COUNT", "SUM", "CAST", "DECIMAL", "FROM", "WHERE", "AND", "TIMESTAMP", "GROUP", "BY",
					"CASE", "WHEN", "THEN", "ELSE", "END", "OR", "IS", "NULL", "contains", "map_keys"}, w)
			}
			assert.Contains(t, sql, `FROM "awsdatacatalog"."cur_db"."export-march"`)
			assert.Equal(t, strings.Count(sql, "?"), len(params), "one parameter per placeholder")
			for _, p := range params {
				assert.Regexp(t, `^'[^']*'$`, p)
			}
			assert.Subset(t, params, []string{"'2027-03-01 00:00:00'", "'2027-04-01 00:00:00'"})
			if layout == CUR2 {
				assert.Equal(t, "'2027-03'", params[len(params)-1])
			} else {
				assert.Equal(t, []string{"'2027'", "'3'"}, params[len(params)-2:])
			}
		}
	}
}

// publicSink is a Sink of a period that reads public costs or not.
type publicSink struct {
	period resellerkit.Month
	public bool
	countingSink
}

func (s *publicSink) Period() resellerkit.Month    { return s.period }
func (s *publicSink) UsesField(billing.Field) bool { return s.public }

// TestLiteralEscapesQuotes checks the parameters' SQL string literals: a quote in
// a value is doubled, so the value stays one literal.
func TestLiteralEscapesQuotes(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"product_name", "'product_name'"},
		{"it's", "'it''s'"},
		{"'; DROP TABLE cur; --", "'''; DROP TABLE cur; --'"},
		{"", "''"},
	} {
		assert.Equal(t, tc.want, literal(tc.in))
		assert.Equal(t, tc.in, unliteral(t, literal(tc.in)))
	}
}

// TestStatementText pins the query of each layout (the SQL a reviewer reads).
func TestStatementText(t *testing.T) {
	cur2 := Config{Layout: CUR2, Database: "cur", Table: "data_export"}
	st := cur2.statement(october, true)
	assert.Equal(t, `SELECT
  "line_item_usage_account_id" AS "account_id",
  "line_item_product_code" AS "product_code",
  element_at("product", ?) AS "product_name",
  "line_item_line_item_type" AS "line_item_type",
  "line_item_usage_type" AS "usage_type",
  "line_item_operation" AS "operation",
  "bill_billing_entity" AS "billing_entity",
  CASE WHEN contains(map_keys("resource_tags"), ?) THEN element_at("resource_tags", ?) WHEN contains(map_keys("resource_tags"), ?) THEN element_at("resource_tags", ?) WHEN contains(map_keys("resource_tags"), ?) THEN element_at("resource_tags", ?) WHEN contains(map_keys("resource_tags"), ?) THEN element_at("resource_tags", ?) WHEN contains(map_keys("resource_tags"), ?) THEN element_at("resource_tags", ?) END AS "billing_group",
  "line_item_currency_code" AS "currency",
  "pricing_currency" AS "public_currency",
  COUNT(*) AS "line_items",
  SUM(CAST("line_item_unblended_cost" AS DECIMAL(38,10))) AS "cost",
  SUM(CAST(COALESCE("pricing_public_on_demand_cost", "line_item_unblended_cost") AS DECIMAL(38,10))) AS "public_cost",
  SUM(CASE WHEN CAST("line_item_unblended_cost" AS DECIMAL(38,10)) <> "line_item_unblended_cost" THEN 1 ELSE 0 END) AS "inexact_cost",
  SUM(CASE WHEN CAST(COALESCE("pricing_public_on_demand_cost", "line_item_unblended_cost") AS DECIMAL(38,10)) <> COALESCE("pricing_public_on_demand_cost", "line_item_unblended_cost") THEN 1 ELSE 0 END) AS "inexact_public_cost",
  SUM(CASE WHEN "line_item_usage_start_date" IS NULL THEN 1 ELSE 0 END) AS "no_usage_start"
FROM "cur"."data_export"
WHERE (COALESCE("bill_billing_period_start_date", "line_item_usage_start_date") >= CAST(? AS TIMESTAMP)
  AND COALESCE("bill_billing_period_start_date", "line_item_usage_start_date") < CAST(? AS TIMESTAMP)
  OR COALESCE("bill_billing_period_start_date", "line_item_usage_start_date") IS NULL)
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10`, st.SQL)
	assert.Equal(t, []string{"'product_name'", "'user:CmBillingGroup'", "'user:CmBillingGroup'", "'CmBillingGroup'", "'CmBillingGroup'",
		"'user_cm_billing_group'", "'user_cm_billing_group'", "'cm_billing_group'", "'cm_billing_group'",
		"'user_CmBillingGroup'", "'user_CmBillingGroup'", "'2026-10-01 00:00:00'", "'2026-11-01 00:00:00'"}, st.Params)

	legacy := Config{Layout: LegacyCUR, Database: "cur", Table: "cur_report", TagColumn: "resource_tags_user_billing_group", Partitions: YearMonthPartitions}
	st = legacy.statement(october, false)
	assert.Equal(t, `SELECT
  "line_item_usage_account_id" AS "account_id",
  "line_item_product_code" AS "product_code",
  "product_product_name" AS "product_name",
  "line_item_line_item_type" AS "line_item_type",
  "line_item_usage_type" AS "usage_type",
  "line_item_operation" AS "operation",
  "bill_billing_entity" AS "billing_entity",
  "resource_tags_user_billing_group" AS "billing_group",
  "line_item_currency_code" AS "currency",
  COUNT(*) AS "line_items",
  SUM(CAST("line_item_unblended_cost" AS DECIMAL(38,10))) AS "cost",
  SUM(CASE WHEN CAST("line_item_unblended_cost" AS DECIMAL(38,10)) <> "line_item_unblended_cost" THEN 1 ELSE 0 END) AS "inexact_cost",
  SUM(CASE WHEN "line_item_usage_start_date" IS NULL THEN 1 ELSE 0 END) AS "no_usage_start"
FROM "cur"."cur_report"
WHERE (COALESCE("bill_billing_period_start_date", "line_item_usage_start_date") >= CAST(? AS TIMESTAMP)
  AND COALESCE("bill_billing_period_start_date", "line_item_usage_start_date") < CAST(? AS TIMESTAMP)
  OR COALESCE("bill_billing_period_start_date", "line_item_usage_start_date") IS NULL)
  AND "year" = ? AND "month" = ?
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9`, st.SQL)
	assert.Equal(t, []string{"'2026-10-01 00:00:00'", "'2026-11-01 00:00:00'", "'2026'", "'10'"}, st.Params)
	march := resellerkit.NewMonth(2027, time.March)
	assert.Equal(t, []string{"'2027'", "'3'"}, legacy.statement(march, false).Params[2:], "legacy CUR's month partition has no leading zero")
	cur2.Partitions = BillingPeriodPartition
	st = cur2.statement(march, false)
	assert.Contains(t, st.SQL, "IS NULL)\n  AND \"billing_period\" = ?\nGROUP BY")
	assert.Equal(t, "'2027-03'", st.Params[len(st.Params)-1])
	assert.Equal(t, unblendedCols, st.Columns)
}

// TestConfigValidate refuses, each with a ValidationError naming the field, every
// name that could not be a quoted identifier (so no configured text can end the
// quotes) and every other bad setting; New refuses a bad Config.
func TestConfigValidate(t *testing.T) {
	ok := Config{Layout: CUR2, Database: "cur", Table: "data_export"}
	require.NoError(t, ok.Validate())
	for _, tc := range []struct {
		name   string
		modify func(*Config)
		field  string
	}{
		{"no layout", func(c *Config) { c.Layout = 0 }, "layout"},
		{"no database", func(c *Config) { c.Database = "" }, "database"},
		{"no table", func(c *Config) { c.Table = "" }, "table"},
		{"a quote in the table", func(c *Config) { c.Table = `x" ; DROP TABLE "cur` }, "table"},
		{"a dot in the database", func(c *Config) { c.Database = "other.cur" }, "database"},
		{"a space in the table", func(c *Config) { c.Table = "data export" }, "table"},
		{"a newline in the catalog", func(c *Config) { c.Catalog = "c\n--" }, "catalog"},
		{"a name too long", func(c *Config) { c.Table = strings.Repeat("t", 256) }, "table"},
		{"a tag column for CUR 2.0", func(c *Config) { c.TagColumn = "resource_tags_user_cm_billing_group" }, "tag_column"},
		{"a bad tag column", func(c *Config) { c.Layout, c.TagColumn = LegacyCUR, `tag"` }, "tag_column"},
		{"a bad workgroup", func(c *Config) { c.WorkGroup = "work group" }, "work_group"},
		{"an unknown partitioning", func(c *Config) { c.Partitions = 7 }, "partitions"},
		{"an output location not on S3", func(c *Config) { c.OutputLocation = "/tmp/results" }, "output_location"},
		{"a page too large", func(c *Config) { c.PageSize = 1001 }, "page_size"},
		{"a negative timeout", func(c *Config) { c.Poll.Timeout = -time.Second }, "poll"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := ok
			tc.modify(&c)
			err := c.Validate()
			require.ErrorIs(t, err, ErrInvalid)
			var ve *resellerkit.ValidationError
			require.True(t, errors.As(err, &ve))
			assert.Equal(t, tc.field, ve.Field)
			_, err = New(&fakeAPI{}, c)
			assert.ErrorIs(t, err, ErrInvalid)
		})
	}
	_, err := New(nil, ok)
	assert.ErrorIs(t, err, ErrInvalid)
}
