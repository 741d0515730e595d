-- security schema (DOMAIN.md §4: S-1 initial controls, S-2 settings and their
-- changes, S-3 maintenance runs and items, S-4 alerts). Portable SQL: runs
-- unchanged on SQLite and PostgreSQL. Times are UTC TIMESTAMPs at microsecond
-- precision: NULL when unset, or the zero time (0001-01-01) where a time orders a
-- list and is NOT NULL. Lists of strings, choices and settings are JSON in TEXT
-- columns. The indexes ordered lists are served by differ per dialect (byte
-- order of text: COLLATE "C" on PostgreSQL): they are in 002_*.sqlite.sql and
-- 002_*.postgresql.sql.

-- S-2: an account's saved settings, one row per organization and account (M-7:
-- the same account id under another organization is another row). choices is a
-- JSON object of control id to on/off. version starts at 1 and is raised by
-- every save (optimistic concurrency).
CREATE TABLE security_settings (
	org_id     TEXT      NOT NULL,
	account_id TEXT      NOT NULL,
	profile    TEXT      NOT NULL,
	choices    TEXT      NOT NULL,
	updated_at TIMESTAMP,
	updated_by TEXT      NOT NULL,
	version    BIGINT    NOT NULL,
	CONSTRAINT security_settings_pkey PRIMARY KEY (org_id, account_id)
);

-- S-2: every save of an account's settings, written by the save's transaction.
-- seq is the version the save stored, so the primary key orders an account's
-- changes as they were recorded and serves ListChanges, newest first. The
-- settings before and after are JSON objects.
CREATE TABLE security_changes (
	org_id          TEXT      NOT NULL,
	account_id      TEXT      NOT NULL,
	seq             BIGINT    NOT NULL,
	changed_by      TEXT      NOT NULL,
	changed_at      TIMESTAMP,
	settings_before TEXT      NOT NULL,
	settings_after  TEXT      NOT NULL,
	CONSTRAINT security_changes_pkey PRIMARY KEY (org_id, account_id, seq)
);

-- S-3: maintenance runs over the fleet. regions is a JSON array.
CREATE TABLE security_runs (
	id          TEXT      NOT NULL,
	started_at  TIMESTAMP NOT NULL,
	finished_at TIMESTAMP,
	state       TEXT      NOT NULL,
	regions     TEXT      NOT NULL,
	items       BIGINT    NOT NULL,
	drifted     BIGINT    NOT NULL,
	repaired    BIGINT    NOT NULL,
	failed      BIGINT    NOT NULL,
	CONSTRAINT security_runs_pkey PRIMARY KEY (id)
);

-- S-3: one item per run, account, control and region ('' for a global control);
-- a retried item replaces the first. run_started_at is the run's StartedAt
-- (which never changes), copied so that an account's latest run is one index
-- lookup (LastItems).
CREATE TABLE security_items (
	run_id          TEXT      NOT NULL,
	account_id      TEXT      NOT NULL,
	control         TEXT      NOT NULL,
	region          TEXT      NOT NULL,
	org_id          TEXT      NOT NULL,
	run_started_at  TIMESTAMP NOT NULL,
	desired         BOOLEAN   NOT NULL,
	compliant       BOOLEAN   NOT NULL,
	observed_detail TEXT      NOT NULL,
	drift           BOOLEAN   NOT NULL,
	action          TEXT      NOT NULL,
	detail          TEXT      NOT NULL,
	error           TEXT      NOT NULL,
	at              TIMESTAMP,
	CONSTRAINT security_items_pkey PRIMARY KEY (run_id, account_id, control, region),
	CONSTRAINT security_items_run_fkey FOREIGN KEY (run_id) REFERENCES security_runs (id)
);

-- S-1: the initial controls set (or found set) once, per account, control and
-- region; at is when it was first recorded.
CREATE TABLE security_initialized (
	account_id TEXT      NOT NULL,
	control    TEXT      NOT NULL,
	region     TEXT      NOT NULL,
	at         TIMESTAMP,
	CONSTRAINT security_initialized_pkey PRIMARY KEY (account_id, control, region)
);

-- S-4: security alerts, once per finding id (unique across organizations).
-- types is a JSON array.
CREATE TABLE security_alerts (
	id          TEXT      NOT NULL,
	org_id      TEXT      NOT NULL,
	account_id  TEXT      NOT NULL,
	region      TEXT      NOT NULL,
	product     TEXT      NOT NULL,
	title       TEXT      NOT NULL,
	severity    TEXT      NOT NULL,
	score       INTEGER   NOT NULL,
	incident    BOOLEAN   NOT NULL,
	types       TEXT      NOT NULL,
	created_at  TIMESTAMP,
	received_at TIMESTAMP NOT NULL,
	notice_id   TEXT      NOT NULL,
	CONSTRAINT security_alerts_pkey PRIMARY KEY (id)
);
