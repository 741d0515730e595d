-- The outbox (C-7), with Data as a BLOB (BYTEA on PostgreSQL: the one column type
-- the two do not share), so a notice's JSON comes back byte for byte; a nil Data
-- is NULL. Keyset lists compare text in byte order, SQLite's default (BINARY)
-- collation, so plain indexes serve them.
--
-- org_id is '' for a notice of no organization. next_at is never NULL: a zero
-- NextAt is stored as the zero time.Time (0001-01-01 00:00:00), the earliest
-- instant, so "due" is one range on the claim index. lease_owner and lease_until
-- are NULL when no dispatcher holds the notice.
CREATE TABLE contacts_notices (
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
	-- C-7: the same idempotency key enqueued twice is one notice.
	CONSTRAINT contacts_notices_key_key UNIQUE (key)
);

-- ClaimNotices: the queued notices due by now, oldest NextAt first. Sent and dead
-- notices leave the index.
CREATE INDEX contacts_notices_due_idx ON contacts_notices (next_at, id) WHERE state = 'queued';
-- ListNotices of an organization, all of them or those in one state, by id.
CREATE INDEX contacts_notices_org_idx ON contacts_notices (org_id, id);
CREATE INDEX contacts_notices_org_state_idx ON contacts_notices (org_id, state, id);
