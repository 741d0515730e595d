-- The indexes ordered reads are served by, on PostgreSQL. Keys compare in byte
-- order (COLLATE "C"); PostgreSQL serves such a read from an index only when the
-- index column has that collation (the columns have the database default), so
-- these indexes are in "C".

-- UnfinishedRun: the running run started last (StartedAt, then id).
CREATE INDEX security_runs_state_c_idx ON security_runs (state, started_at, id COLLATE "C");

-- ListItems: a run's items by account, control and region, of every
-- organization or of one (one account's: the same indexes, the account fixed).
CREATE INDEX security_items_run_c_idx ON security_items (run_id, account_id COLLATE "C", control COLLATE "C", region COLLATE "C");
CREATE INDEX security_items_run_org_c_idx ON security_items (run_id, org_id, account_id COLLATE "C", control COLLATE "C", region COLLATE "C");

-- LastItems: the latest run that reached an organization's account.
CREATE INDEX security_items_last_c_idx ON security_items (org_id, account_id COLLATE "C", run_started_at, run_id COLLATE "C");

-- ListAlerts: an organization's alerts (or one account's), newest first by
-- ReceivedAt then id.
CREATE INDEX security_alerts_org_c_idx ON security_alerts (org_id, received_at, id COLLATE "C");
CREATE INDEX security_alerts_account_c_idx ON security_alerts (org_id, account_id COLLATE "C", received_at, id COLLATE "C");
