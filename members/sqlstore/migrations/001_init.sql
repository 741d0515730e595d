-- members schema (DOMAIN.md §1). Portable SQL: runs unchanged on SQLite and
-- PostgreSQL. Text is TEXT (lengths are validated by the domain, identically
-- on both databases); times are UTC TIMESTAMPs at microsecond precision, NULL
-- when unset; lists of strings are JSON arrays in TEXT columns, kept in order.
-- Every aggregate carries a version for optimistic concurrency.

CREATE TABLE organizations (
	id          TEXT    NOT NULL,
	code        TEXT    NOT NULL,
	name        TEXT    NOT NULL,
	alias       TEXT    NOT NULL,
	enforce_mfa BOOLEAN NOT NULL,
	created_at  TIMESTAMP,
	updated_at  TIMESTAMP,
	version     BIGINT  NOT NULL,
	CONSTRAINT organizations_pkey PRIMARY KEY (id),
	CONSTRAINT organizations_code_key UNIQUE (code)
);

CREATE TABLE projects (
	id                   TEXT   NOT NULL,
	org_id               TEXT   NOT NULL,
	name                 TEXT   NOT NULL,
	plan                 TEXT   NOT NULL,
	payment_method       TEXT   NOT NULL,
	currency             TEXT   NOT NULL,
	invoice_to           TEXT   NOT NULL,
	invoice_cc           TEXT   NOT NULL,
	pricing_plan         TEXT   NOT NULL,
	support_fee_rule     TEXT   NOT NULL,
	exchange_rate_policy TEXT   NOT NULL,
	created_at           TIMESTAMP,
	updated_at           TIMESTAMP,
	version              BIGINT NOT NULL,
	CONSTRAINT projects_pkey PRIMARY KEY (id),
	CONSTRAINT projects_org_fkey FOREIGN KEY (org_id) REFERENCES organizations (id)
);
CREATE INDEX projects_org_idx ON projects (org_id, id);

-- An AWS account has one owner across all organizations: the id is the key (M-3).
CREATE TABLE accounts (
	id          TEXT   NOT NULL,
	org_id      TEXT   NOT NULL,
	name        TEXT   NOT NULL,
	labels      TEXT   NOT NULL,
	closed_from TIMESTAMP,
	created_at  TIMESTAMP,
	updated_at  TIMESTAMP,
	version     BIGINT NOT NULL,
	CONSTRAINT accounts_pkey PRIMARY KEY (id),
	CONSTRAINT accounts_org_fkey FOREIGN KEY (org_id) REFERENCES organizations (id)
);
CREATE INDEX accounts_org_idx ON accounts (org_id, id);

-- Ownership history (M-3): from the UTC month starting at from_month the
-- account belongs to project_id. Replaced wholesale with its account.
CREATE TABLE account_ownership (
	account_id TEXT      NOT NULL,
	from_month TIMESTAMP NOT NULL,
	project_id TEXT      NOT NULL,
	CONSTRAINT account_ownership_pkey PRIMARY KEY (account_id, from_month),
	CONSTRAINT account_ownership_account_fkey FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE
);

CREATE TABLE memberships (
	org_id      TEXT   NOT NULL,
	identity_id TEXT   NOT NULL,
	email       TEXT   NOT NULL,
	member_type TEXT   NOT NULL,
	permissions TEXT   NOT NULL,
	created_at  TIMESTAMP,
	updated_at  TIMESTAMP,
	version     BIGINT NOT NULL,
	CONSTRAINT memberships_pkey PRIMARY KEY (org_id, identity_id),
	CONSTRAINT memberships_org_fkey FOREIGN KEY (org_id) REFERENCES organizations (id)
);
CREATE INDEX memberships_identity_idx ON memberships (identity_id);

CREATE TABLE invitations (
	id          TEXT   NOT NULL,
	org_id      TEXT   NOT NULL,
	email       TEXT   NOT NULL,
	member_type TEXT   NOT NULL,
	permissions TEXT   NOT NULL,
	state       TEXT   NOT NULL,
	invited_by  TEXT   NOT NULL,
	accepted_by TEXT   NOT NULL,
	created_at  TIMESTAMP,
	expires_at  TIMESTAMP,
	decided_at  TIMESTAMP,
	version     BIGINT NOT NULL,
	CONSTRAINT invitations_pkey PRIMARY KEY (id),
	CONSTRAINT invitations_org_fkey FOREIGN KEY (org_id) REFERENCES organizations (id)
);
CREATE INDEX invitations_org_idx ON invitations (org_id, id);
CREATE INDEX invitations_email_idx ON invitations (email);
CREATE INDEX invitations_pending_idx ON invitations (state, expires_at);

CREATE TABLE applications (
	id           TEXT   NOT NULL,
	org_id       TEXT   NOT NULL,
	kind         TEXT   NOT NULL,
	state        TEXT   NOT NULL,
	account_id   TEXT   NOT NULL,
	project_id   TEXT   NOT NULL,
	details      TEXT   NOT NULL,
	submitted_by TEXT   NOT NULL,
	reviewed_by  TEXT   NOT NULL,
	reason       TEXT   NOT NULL,
	created_at   TIMESTAMP,
	updated_at   TIMESTAMP,
	version      BIGINT NOT NULL,
	CONSTRAINT applications_pkey PRIMARY KEY (id),
	CONSTRAINT applications_org_fkey FOREIGN KEY (org_id) REFERENCES organizations (id)
);
CREATE INDEX applications_org_idx ON applications (org_id, id);
