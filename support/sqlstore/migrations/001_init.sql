-- support schema (DOMAIN.md §5: P-1 cases, P-2 their clocks, P-3 states and
-- replies, P-4 escalations, P-5 retention). Portable SQL: runs unchanged on
-- SQLite and PostgreSQL. Times are UTC TIMESTAMPs at microsecond precision: NULL
-- when unset, or the zero time (0001-01-01) where a time orders a list and is NOT
-- NULL. Lists (CC addresses, waiting spans, attachments) are JSON arrays in TEXT
-- columns. The indexes ordered lists are served by differ per dialect (byte order
-- of text: COLLATE "C" on PostgreSQL): they are in 002_*.sqlite.sql and
-- 002_*.postgresql.sql.

-- P-1: support cases, one row per case id (unique across organizations). cc is a
-- JSON array of addresses; waiting a JSON array of {"start", "end"} spans (an
-- open span has no end). The escalation to AWS Support (P-4) is the escalation_*
-- columns, escalated saying whether there is one. version starts at 1 and is
-- raised by every update (optimistic concurrency).
CREATE TABLE support_cases (
	id                     TEXT      NOT NULL,
	org_id                 TEXT      NOT NULL,
	account_id             TEXT      NOT NULL,
	category               TEXT      NOT NULL,
	severity               TEXT      NOT NULL,
	subject                TEXT      NOT NULL,
	body                   TEXT      NOT NULL,
	cc                     TEXT      NOT NULL,
	language               TEXT      NOT NULL,
	state                  TEXT      NOT NULL,
	opened_by              TEXT      NOT NULL,
	opened_by_email        TEXT      NOT NULL,
	assignee               TEXT      NOT NULL,
	waiting                TEXT      NOT NULL,
	first_response_at      TIMESTAMP,
	resolved_at            TIMESTAMP,
	closed_at              TIMESTAMP,
	scope                  TEXT      NOT NULL,
	escalated              BOOLEAN   NOT NULL,
	escalation_aws_case_id TEXT      NOT NULL,
	escalation_display_id  TEXT      NOT NULL,
	escalation_at          TIMESTAMP,
	escalation_by          TEXT      NOT NULL,
	created_at             TIMESTAMP NOT NULL,
	updated_at             TIMESTAMP,
	version                BIGINT    NOT NULL,
	CONSTRAINT support_cases_pkey PRIMARY KEY (id)
);

-- P-3: a case's conversation, one row per reply id (unique across cases and
-- organizations). org_id is the case's. attachments is a JSON array of
-- {"name", "size", "ref"}: references to files kept elsewhere.
CREATE TABLE support_replies (
	id          TEXT      NOT NULL,
	case_id     TEXT      NOT NULL,
	org_id      TEXT      NOT NULL,
	side        TEXT      NOT NULL,
	author_id   TEXT      NOT NULL,
	body        TEXT      NOT NULL,
	attachments TEXT      NOT NULL,
	created_at  TIMESTAMP NOT NULL,
	CONSTRAINT support_replies_pkey PRIMARY KEY (id),
	CONSTRAINT support_replies_case_fkey FOREIGN KEY (case_id) REFERENCES support_cases (id)
);
