-- ListNoticesNewestFirst: an organization's notices newest first (created_at,
-- then id in byte order, both descending), all of them or those in one state,
-- read backwards from these indexes so that a page costs its rows, not the
-- organization's history (issue 14). The id tie-break compares in the "C"
-- collation, so the index column has it (as 002's list indexes).
--
-- created_at is no longer NULL: EnqueueNotice stores a zero CreatedAt as the
-- earliest instant (0001-01-01 00:00:00, as next_at), so the keyset's row value
-- (created_at, id) compares on every row. Notices stored before get that instant.
UPDATE contacts_notices SET created_at = TIMESTAMP '0001-01-01 00:00:00' WHERE created_at IS NULL;
CREATE INDEX contacts_notices_org_created_c_idx ON contacts_notices (org_id, created_at, id COLLATE "C");
CREATE INDEX contacts_notices_org_state_created_c_idx ON contacts_notices (org_id, state, created_at, id COLLATE "C");
