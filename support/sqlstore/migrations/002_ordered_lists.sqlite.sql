-- The indexes ordered reads are served by, on SQLite. Text compares in byte order
-- by default (BINARY), so plain indexes serve them.

-- ListCases, newest first by CreatedAt then id: the desk's list of every
-- organization (and PurgeCases, oldest first), one organization's, one account's
-- (of an organization or of any), one assignee's, one state's.
CREATE INDEX support_cases_created_idx ON support_cases (created_at, id);
CREATE INDEX support_cases_org_idx ON support_cases (org_id, created_at, id);
CREATE INDEX support_cases_org_account_idx ON support_cases (org_id, account_id, created_at, id);
CREATE INDEX support_cases_account_idx ON support_cases (account_id, created_at, id);
CREATE INDEX support_cases_assignee_idx ON support_cases (assignee, created_at, id);
CREATE INDEX support_cases_state_idx ON support_cases (state, created_at, id);

-- ListReplies, oldest first by CreatedAt then id; PurgeCases deletes a case's
-- replies by it.
CREATE INDEX support_replies_case_idx ON support_replies (case_id, created_at, id);
