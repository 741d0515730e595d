-- The identity tables holding byte strings (BLOB on SQLite, BYTEA on
-- PostgreSQL: the one column type the two do not share), and the indexes lists
-- page by. A nil byte slice is NULL, an empty one a zero-length BLOB, so both
-- round-trip. Keyset pages compare text in byte order, SQLite's default (BINARY)
-- collation, so plain indexes serve them.

-- I-3: at most one TOTP secret per identity. last_step is the last accepted RFC
-- 6238 time step; AdvanceTOTPStep raises it in one conditional UPDATE.
CREATE TABLE identity_totp (
	identity_id TEXT    NOT NULL,
	secret      BLOB,
	confirmed   BOOLEAN NOT NULL,
	last_step   BIGINT  NOT NULL,
	created_at  TIMESTAMP,
	version     BIGINT  NOT NULL,
	CONSTRAINT identity_totp_pkey PRIMARY KEY (identity_id),
	CONSTRAINT identity_totp_identity_fkey FOREIGN KEY (identity_id)
		REFERENCES identity_identities (id) ON DELETE CASCADE
);

-- A credential id is unique across identities (the authenticator chose it).
CREATE TABLE identity_passkeys (
	credential_id TEXT   NOT NULL,
	identity_id   TEXT   NOT NULL,
	name          TEXT   NOT NULL,
	credential    BLOB,
	sign_count    BIGINT NOT NULL,
	created_at    TIMESTAMP,
	last_used_at  TIMESTAMP,
	version       BIGINT NOT NULL,
	CONSTRAINT identity_passkeys_pkey PRIMARY KEY (credential_id),
	CONSTRAINT identity_passkeys_identity_fkey FOREIGN KEY (identity_id)
		REFERENCES identity_identities (id) ON DELETE CASCADE
);

-- Single-use secrets: TakeTicket deletes the row it returns. identity_id is NULL
-- for a ticket of no identity (a passwordless sign-in challenge).
CREATE TABLE identity_tickets (
	hash        TEXT NOT NULL,
	purpose     TEXT NOT NULL,
	identity_id TEXT,
	data        BLOB,
	created_at  TIMESTAMP,
	expires_at  TIMESTAMP,
	CONSTRAINT identity_tickets_pkey PRIMARY KEY (hash),
	CONSTRAINT identity_tickets_identity_fkey FOREIGN KEY (identity_id)
		REFERENCES identity_identities (id) ON DELETE CASCADE
);
CREATE INDEX identity_tickets_identity_idx ON identity_tickets (identity_id, purpose);
CREATE INDEX identity_tickets_expires_idx ON identity_tickets (expires_at);

-- Lists and cascades: an identity's rows, in key order.
CREATE INDEX identity_passkeys_identity_idx ON identity_passkeys (identity_id, credential_id);
CREATE INDEX identity_sessions_identity_idx ON identity_sessions (identity_id, id);
CREATE INDEX identity_api_keys_identity_idx ON identity_api_keys (identity_id, id);
