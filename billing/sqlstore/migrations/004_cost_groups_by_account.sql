-- B-13: one organization's current charges read the cost groups of its accounts
-- only (billing.Store.CostGroupsOf), per payer of the month: without this index
-- that is a scan of every account's groups of the payer's month.
CREATE INDEX billing_cost_groups_account ON billing_cost_groups (period, payer, account_id);
