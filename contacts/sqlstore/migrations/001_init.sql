-- contacts schema (DOMAIN.md §3, C-1 … C-3, C-7). Portable SQL: runs unchanged on
-- SQLite and PostgreSQL. Text is TEXT (lengths are validated by the domain);
-- ordered lists of strings are JSON arrays in TEXT columns (sqldb.ListArg), so
-- their order round-trips; times are UTC TIMESTAMPs at microsecond precision,
-- NULL when unset. The outbox holds a byte string (a notice's Data) and so
-- differs per dialect: it is in 002_*.sqlite.sql and 002_*.postgresql.sql.

-- C-1 … C-3: one row per organization and account, so an organization never
-- learns whether another one saved contacts for the same account id (M-7). The
-- primary key serves ListAccountContacts on SQLite; PostgreSQL gets an index in
-- the "C" collation in 002.
CREATE TABLE contacts_accounts (
	org_id       TEXT   NOT NULL,
	account_id   TEXT   NOT NULL,
	billing_to   TEXT   NOT NULL,
	billing_cc   TEXT   NOT NULL,
	technical_to TEXT   NOT NULL,
	technical_cc TEXT   NOT NULL,
	security_to  TEXT   NOT NULL,
	security_cc  TEXT   NOT NULL,
	language     TEXT   NOT NULL,
	phones       TEXT   NOT NULL,
	updated_at   TIMESTAMP,
	version      BIGINT NOT NULL,
	CONSTRAINT contacts_accounts_pkey PRIMARY KEY (org_id, account_id)
);
