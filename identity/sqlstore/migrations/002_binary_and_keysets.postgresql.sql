-- The identity tables holding byte strings (BYTEA on PostgreSQL, BLOB on
-- SQLite: the one column type the two do not share), and the indexes lists page
-- by. A nil byte slice is NULL, an empty one a zero-length BYTEA, so both
-- round-trip. Keyset pages compare text in byte order: WHERE id COLLATE "C" > $1
-- ORDER BY id COLLATE "C". PostgreSQL serves them from an index only when the
-- index column has that collation (the columns have the database default), so
-- the list indexes are in "C"; their leading identity_id also serves the foreign
-- key cascades.

-- I-3: at most one TOTP secret per identity. last_step is the last accepted RFC
-- 6238 time step; AdvanceTOTPStep raises it in one conditional UPDATE.
CREATE TABLE identity_totp (
	identity_id TEXT    NOT NULL,
	secret      BYTEA,
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
	credential    BYTEA,
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
	data        BYTEA,
	created_at  TIMESTAMP,
	expires_at  TIMESTAMP,
	CONSTRAINT identity_tickets_pkey PRIMARY KEY (hash),
	CONSTRAINT identity_tickets_identity_fkey FOREIGN KEY (identity_id)
		REFERENCES identity_identities (id) ON DELETE CASCADE
);
CREATE INDEX identity_tickets_identity_idx ON identity_tickets (identity_id, purpose);
CREATE INDEX identity_tickets_expires_idx ON identity_tickets (expires_at);

-- Lists and cascades: every identity, and an identity's rows, in byte order.
CREATE INDEX identity_identities_id_c_idx ON identity_identities (id COLLATE "C");
CREATE INDEX identity_passkeys_identity_c_idx ON identity_passkeys (identity_id, credential_id COLLATE "C");
CREATE INDEX identity_sessions_identity_c_idx ON identity_sessions (identity_id, id COLLATE "C");
CREATE INDEX identity_api_keys_identity_c_idx ON identity_api_keys (identity_id, id COLLATE "C");
