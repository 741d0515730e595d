-- identity schema (DOMAIN.md §6, I-1 … I-5). Portable SQL: runs unchanged on
-- SQLite and PostgreSQL. Text is TEXT (lengths are validated by the domain);
-- times are UTC TIMESTAMPs at microsecond precision, NULL when unset. Tables
-- holding byte strings, and the indexes that lists page by, differ per dialect:
-- they are in 002_*.sqlite.sql and 002_*.postgresql.sql.
--
-- Every row of an identity references identity_identities ON DELETE CASCADE, so
-- deleting an identity removes its TOTP, recovery codes, passkeys, sessions, API
-- keys and tickets in the same statement (sqldb opens SQLite with foreign keys
-- on).

-- I-1: an email has at most one identity, and never changes.
CREATE TABLE identity_identities (
	id                  TEXT   NOT NULL,
	email               TEXT   NOT NULL,
	name                TEXT   NOT NULL,
	password_hash       TEXT   NOT NULL,
	password_changed_at TIMESTAMP,
	created_at          TIMESTAMP,
	updated_at          TIMESTAMP,
	version             BIGINT NOT NULL,
	CONSTRAINT identity_identities_pkey PRIMARY KEY (id),
	CONSTRAINT identity_identities_email_key UNIQUE (email)
);

-- One row per unused recovery code; using a code deletes its row (I-3).
CREATE TABLE identity_recovery_codes (
	identity_id TEXT NOT NULL,
	hash        TEXT NOT NULL,
	CONSTRAINT identity_recovery_codes_pkey PRIMARY KEY (identity_id, hash),
	CONSTRAINT identity_recovery_codes_identity_fkey FOREIGN KEY (identity_id)
		REFERENCES identity_identities (id) ON DELETE CASCADE
);

-- I-4: a session is found by the hash of its token, never by the token.
CREATE TABLE identity_sessions (
	id           TEXT    NOT NULL,
	token_hash   TEXT    NOT NULL,
	identity_id  TEXT    NOT NULL,
	mfa          BOOLEAN NOT NULL,
	method       TEXT    NOT NULL,
	user_agent   TEXT    NOT NULL,
	source_ip    TEXT    NOT NULL,
	created_at   TIMESTAMP,
	last_seen_at TIMESTAMP,
	expires_at   TIMESTAMP,
	CONSTRAINT identity_sessions_pkey PRIMARY KEY (id),
	CONSTRAINT identity_sessions_token_hash_key UNIQUE (token_hash),
	CONSTRAINT identity_sessions_identity_fkey FOREIGN KEY (identity_id)
		REFERENCES identity_identities (id) ON DELETE CASCADE
);
-- DeleteStaleSessions: expired OR idle, one index each.
CREATE INDEX identity_sessions_expires_idx ON identity_sessions (expires_at);
CREATE INDEX identity_sessions_last_seen_idx ON identity_sessions (last_seen_at);

CREATE TABLE identity_api_keys (
	id           TEXT    NOT NULL,
	identity_id  TEXT    NOT NULL,
	org_id       TEXT    NOT NULL,
	name         TEXT    NOT NULL,
	secret_hash  TEXT    NOT NULL,
	mfa          BOOLEAN NOT NULL,
	created_at   TIMESTAMP,
	expires_at   TIMESTAMP,
	last_used_at TIMESTAMP,
	CONSTRAINT identity_api_keys_pkey PRIMARY KEY (id),
	CONSTRAINT identity_api_keys_identity_fkey FOREIGN KEY (identity_id)
		REFERENCES identity_identities (id) ON DELETE CASCADE
);

-- Failed sign-ins (I-4 throttling), under an email or a source address. Rows
-- are events, not entities: no key, and two failures at the same instant are two
-- rows.
CREATE TABLE identity_failures (
	key TEXT      NOT NULL,
	at  TIMESTAMP NOT NULL
);
CREATE INDEX identity_failures_key_at_idx ON identity_failures (key, at);
CREATE INDEX identity_failures_at_idx ON identity_failures (at);
