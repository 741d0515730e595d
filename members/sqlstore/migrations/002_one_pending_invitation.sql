-- M-8: at most one pending invitation per organization and address, whatever the
-- interleaving of concurrent Invite calls. A partial unique index is standard in
-- both SQLite (3.8+) and PostgreSQL. Pending invitations already past their expiry
-- are marked expired by the Service before it creates a new one.
CREATE UNIQUE INDEX invitations_one_pending_idx ON invitations (org_id, email) WHERE state = 'pending';
