-- Idempotency keys are unique per organization, not across them (C-7, M-7): two
-- organizations' "invoice_issued:2026-10" never collide, and one organization's
-- key never finds another's notice.
ALTER TABLE contacts_notices DROP CONSTRAINT contacts_notices_key_key;
ALTER TABLE contacts_notices ADD CONSTRAINT contacts_notices_org_key_key UNIQUE (org_id, key);
