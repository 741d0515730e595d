-- Idempotency keys are unique per organization, not across them (C-7, M-7): two
-- organizations' "invoice_issued:2026-10" never collide, and one organization's
-- key never finds another's notice. SQLite cannot drop a table constraint: the
-- table is rebuilt, its rows kept.
CREATE TABLE contacts_notices_new (
	id          TEXT      NOT NULL,
	key         TEXT      NOT NULL,
	org_id      TEXT      NOT NULL,
	account_id  TEXT      NOT NULL,
	kind        TEXT      NOT NULL,
	language    TEXT      NOT NULL,
	to_addrs    TEXT      NOT NULL,
	cc_addrs    TEXT      NOT NULL,
	phones      TEXT      NOT NULL,
	subject     TEXT      NOT NULL,
	body_text   TEXT      NOT NULL,
	body_html   TEXT      NOT NULL,
	data        BLOB,
	state       TEXT      NOT NULL,
	attempts    INTEGER   NOT NULL,
	next_at     TIMESTAMP NOT NULL,
	lease_owner TEXT,
	lease_until TIMESTAMP,
	last_error  TEXT      NOT NULL,
	created_at  TIMESTAMP,
	sent_at     TIMESTAMP,
	CONSTRAINT contacts_notices_pkey PRIMARY KEY (id),
	CONSTRAINT contacts_notices_org_key_key UNIQUE (org_id, key)
);
INSERT INTO contacts_notices_new SELECT id, key, org_id, account_id, kind, language, to_addrs, cc_addrs, phones,
	subject, body_text, body_html, data, state, attempts, next_at, lease_owner, lease_until, last_error,
	created_at, sent_at FROM contacts_notices;
DROP TABLE contacts_notices;
ALTER TABLE contacts_notices_new RENAME TO contacts_notices;
CREATE INDEX contacts_notices_due_idx ON contacts_notices (next_at, id) WHERE state = 'queued';
CREATE INDEX contacts_notices_org_idx ON contacts_notices (org_id, id);
CREATE INDEX contacts_notices_org_state_idx ON contacts_notices (org_id, state, id);
