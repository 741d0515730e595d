-- The indexes ordered lists are served by, and the triggers that make issued
-- documents immutable (B-12), on SQLite. Text compares in byte order by default
-- (BINARY), so plain indexes serve the keyset lists.

-- B-14: one current version per payer and month; CostReports, by payer.
CREATE UNIQUE INDEX billing_reports_current_idx ON billing_reports (period, payer) WHERE is_current;

-- ListDocuments: by series, year and seq (the unique number constraint serves the
-- unfiltered list), of one organization, or of one of its projects.
CREATE INDEX billing_documents_org_number_idx ON billing_documents (org_id, series, year, seq);
CREATE INDEX billing_documents_project_number_idx ON billing_documents (org_id, project_id, series, year, seq);

-- ListAlarms: by account then id, of one organization or of all.
CREATE INDEX billing_alarms_org_account_idx ON billing_alarms (org_id, account_id, id);
CREATE INDEX billing_alarms_account_idx ON billing_alarms (account_id, id);

-- B-12: an issued document is never changed nor removed, whoever asks: the store,
-- another program on the same file, or a hand-typed statement. (A correction is a
-- new document that references the old one.)
CREATE TRIGGER billing_documents_no_update BEFORE UPDATE ON billing_documents
BEGIN
	SELECT RAISE(ABORT, 'billing: issued documents are immutable');
END;
CREATE TRIGGER billing_documents_no_delete BEFORE DELETE ON billing_documents
BEGIN
	SELECT RAISE(ABORT, 'billing: issued documents are immutable');
END;
