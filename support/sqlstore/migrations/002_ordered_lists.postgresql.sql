-- The indexes ordered reads are served by, on PostgreSQL. Keys compare in byte
-- order (COLLATE "C"); PostgreSQL serves such a read from an index only when the
-- index column has that collation (the columns have the database default), so
-- the id columns of these indexes are in "C".

-- ListCases, newest first by CreatedAt then id: the desk's list of every
-- organization (and PurgeCases, oldest first), one organization's, one account's
-- (of an organization or of any), one assignee's, one state's.
CREATE INDEX support_cases_created_c_idx ON support_cases (created_at, id COLLATE "C");
CREATE INDEX support_cases_org_c_idx ON support_cases (org_id, created_at, id COLLATE "C");
CREATE INDEX support_cases_org_account_c_idx ON support_cases (org_id, account_id, created_at, id COLLATE "C");
CREATE INDEX support_cases_account_c_idx ON support_cases (account_id, created_at, id COLLATE "C");
CREATE INDEX support_cases_assignee_c_idx ON support_cases (assignee, created_at, id COLLATE "C");
CREATE INDEX support_cases_state_c_idx ON support_cases (state, created_at, id COLLATE "C");

-- ListReplies, oldest first by CreatedAt then id; PurgeCases deletes a case's
-- replies by it.
CREATE INDEX support_replies_case_c_idx ON support_replies (case_id, created_at, id COLLATE "C");
