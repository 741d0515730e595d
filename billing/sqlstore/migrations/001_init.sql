-- billing schema (DOMAIN.md §2: B-12 documents, B-13/B-14 cost data, B-15 alarms).
-- Portable SQL: runs unchanged on SQLite and PostgreSQL. Text is TEXT; money is
-- exact decimal TEXT (the digits as written, read back with money.Parse: never a
-- float, never a NUMERIC whose scale the database would choose); times are UTC
-- TIMESTAMPs at microsecond precision, NULL when unset; a month is the TIMESTAMP
-- of its first instant (the zero Month as the zero time, 0001-01-01, where the
-- month is part of a key). The indexes ordered lists are served by, and the
-- triggers that make issued documents immutable, differ per dialect: they are in
-- 002_*.sqlite.sql and 002_*.postgresql.sql.

-- B-14: every version of a payer's month ever stored, one row each. is_current
-- marks the one that is the month's data (002 makes it unique per payer and
-- month); the others are the history, kept so that a superseded version sent
-- again is recognised (ErrStaleReport) and never replaces a newer one.
CREATE TABLE billing_reports (
	payer             TEXT      NOT NULL,
	period            TIMESTAMP NOT NULL,
	version           TEXT      NOT NULL,
	generated_at      TIMESTAMP NOT NULL,
	aggregated_at     TIMESTAMP,
	cost_currency     TEXT      NOT NULL,
	files             TEXT      NOT NULL,
	row_count         BIGINT    NOT NULL,
	outside_row_count BIGINT    NOT NULL,
	is_current        BOOLEAN   NOT NULL,
	CONSTRAINT billing_reports_pkey PRIMARY KEY (payer, period, version)
);
-- ReportHistory: a payer's month, oldest version first.
CREATE INDEX billing_reports_history_idx ON billing_reports (payer, period, generated_at);

-- B-13, B-14: the aggregates of each payer's current version of a month, in the
-- order they were given (ord), at full detail. Only the current version's groups
-- are kept: storing a newer version deletes the older one's in the same
-- transaction. No foreign key to billing_reports: both are written by the one
-- transaction of PutCostData, and a month holds ~100k groups whose insert a
-- per-row check would slow down. The primary key serves CostGroups (one payer at
-- a time, by ord) and the delete of a replaced version.
CREATE TABLE billing_cost_groups (
	period          TIMESTAMP NOT NULL,
	payer           TEXT      NOT NULL,
	ord             INTEGER   NOT NULL,
	version         TEXT      NOT NULL,
	format          INTEGER   NOT NULL,
	account_id      TEXT      NOT NULL,
	product_code    TEXT      NOT NULL,
	product_name    TEXT      NOT NULL,
	line_item_type  TEXT      NOT NULL,
	usage_type      TEXT      NOT NULL,
	operation       TEXT      NOT NULL,
	billing_entity  TEXT      NOT NULL,
	billing_group   TEXT      NOT NULL,
	row_count       BIGINT    NOT NULL,
	cost            TEXT      NOT NULL,
	public_cost     TEXT      NOT NULL,
	CONSTRAINT billing_cost_groups_pkey PRIMARY KEY (period, payer, ord)
);

-- B-12: issued invoices and credit notes, frozen when issued (002 adds the
-- triggers that refuse every UPDATE and DELETE). Sources (the report versions an
-- invoice was computed from), lines and taxes are JSON arrays in TEXT columns
-- (their order and every digit round-trip); an amount is its decimal and its
-- currency. Numbers are unique per series and year, and keys
-- (the idempotency of issuing) unique across the table.
CREATE TABLE billing_documents (
	id                         TEXT      NOT NULL,
	key                        TEXT      NOT NULL,
	kind                       TEXT      NOT NULL,
	number                     TEXT      NOT NULL,
	series                     TEXT      NOT NULL,
	year                       INTEGER   NOT NULL,
	seq                        BIGINT    NOT NULL,
	replaces                   TEXT      NOT NULL,
	refers_to                  TEXT      NOT NULL,
	org_id                     TEXT      NOT NULL,
	project_id                 TEXT      NOT NULL,
	period                     TIMESTAMP NOT NULL,
	issuer_name                TEXT      NOT NULL,
	issuer_registration_number TEXT      NOT NULL,
	recipient                  TEXT      NOT NULL,
	issue_date                 TIMESTAMP,
	due_date                   TIMESTAMP,
	description                TEXT      NOT NULL,
	currency                   TEXT      NOT NULL,
	cost_currency              TEXT      NOT NULL,
	exchange_rate              TEXT      NOT NULL,
	exchange_rate_source       TEXT      NOT NULL,
	exchange_rate_date         TIMESTAMP,
	sources                    TEXT      NOT NULL,
	lines                      TEXT      NOT NULL,
	taxes                      TEXT      NOT NULL,
	subtotal                   TEXT      NOT NULL,
	subtotal_currency          TEXT      NOT NULL,
	tax                        TEXT      NOT NULL,
	tax_currency               TEXT      NOT NULL,
	total                      TEXT      NOT NULL,
	total_currency             TEXT      NOT NULL,
	issued_at                  TIMESTAMP,
	CONSTRAINT billing_documents_pkey PRIMARY KEY (id),
	CONSTRAINT billing_documents_key_key UNIQUE (key),
	CONSTRAINT billing_documents_number_key UNIQUE (series, year, seq)
);

-- B-12: the last number used per series and year. IssueDocument reads and raises
-- it in the transaction that inserts the document, so a number is used only by a
-- document that committed: gap-free, whatever the concurrency.
CREATE TABLE billing_document_counters (
	series   TEXT    NOT NULL,
	year     INTEGER NOT NULL,
	last_seq BIGINT  NOT NULL,
	CONSTRAINT billing_document_counters_pkey PRIMARY KEY (series, year)
);

-- B-15: charge alarms. The id is unique across organizations; every read and write
-- also names the organization (M-7).
CREATE TABLE billing_alarms (
	id         TEXT    NOT NULL,
	org_id     TEXT    NOT NULL,
	account_id TEXT    NOT NULL,
	on_tag     BOOLEAN NOT NULL,
	tag_value  TEXT    NOT NULL,
	threshold  TEXT    NOT NULL,
	name       TEXT    NOT NULL,
	created_at TIMESTAMP,
	updated_at TIMESTAMP,
	version    BIGINT  NOT NULL,
	CONSTRAINT billing_alarms_pkey PRIMARY KEY (id)
);

-- B-15: at most one firing per alarm and month (the primary key), removed with
-- the alarm. The primary key serves ListFirings, newest month first.
CREATE TABLE billing_alarm_firings (
	alarm_id  TEXT      NOT NULL,
	period    TIMESTAMP NOT NULL,
	org_id    TEXT      NOT NULL,
	amount    TEXT      NOT NULL,
	fired_at  TIMESTAMP,
	notice_id TEXT      NOT NULL,
	CONSTRAINT billing_alarm_firings_pkey PRIMARY KEY (alarm_id, period),
	CONSTRAINT billing_alarm_firings_alarm_fkey FOREIGN KEY (alarm_id)
		REFERENCES billing_alarms (id) ON DELETE CASCADE
);
