-- The indexes ordered reads are served by, on SQLite. Text compares in byte order
-- by default (BINARY), so plain indexes serve them.

-- UnfinishedRun: the running run started last (StartedAt, then id).
CREATE INDEX security_runs_state_idx ON security_runs (state, started_at, id);

-- ListItems: a run's items by account, control and region (the primary key for
-- every organization's), of one organization.
CREATE INDEX security_items_run_org_idx ON security_items (run_id, org_id, account_id, control, region);

-- LastItems: the latest run that reached an organization's account.
CREATE INDEX security_items_last_idx ON security_items (org_id, account_id, run_started_at, run_id);

-- ListAlerts: an organization's alerts (or one account's), newest first by
-- ReceivedAt then id.
CREATE INDEX security_alerts_org_idx ON security_alerts (org_id, received_at, id);
CREATE INDEX security_alerts_account_idx ON security_alerts (org_id, account_id, received_at, id);
