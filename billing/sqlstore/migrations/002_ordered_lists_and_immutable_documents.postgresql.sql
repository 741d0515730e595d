-- The indexes ordered lists are served by, and the triggers that make issued
-- documents immutable (B-12), on PostgreSQL. Keyset lists compare text in byte
-- order (COLLATE "C"); PostgreSQL serves them from an index only when the index
-- column has that collation (the columns have the database default), so the list
-- indexes are in "C".

-- B-14: one current version per payer and month; CostReports, by payer.
CREATE UNIQUE INDEX billing_reports_current_idx ON billing_reports (period, payer COLLATE "C") WHERE is_current;

-- ListDocuments: by series, year and seq, of every organization, of one, or of one
-- of its projects.
CREATE INDEX billing_documents_number_c_idx ON billing_documents (series COLLATE "C", year, seq);
CREATE INDEX billing_documents_org_number_c_idx ON billing_documents (org_id, series COLLATE "C", year, seq);
CREATE INDEX billing_documents_project_number_c_idx ON billing_documents (org_id, project_id, series COLLATE "C", year, seq);

-- ListAlarms: by account then id, of one organization or of all.
CREATE INDEX billing_alarms_org_account_c_idx ON billing_alarms (org_id, account_id COLLATE "C", id COLLATE "C");
CREATE INDEX billing_alarms_account_c_idx ON billing_alarms (account_id COLLATE "C", id COLLATE "C");

-- B-12: an issued document is never changed nor removed, whoever asks: the store,
-- another program on the same database, or a hand-typed statement. (A correction
-- is a new document that references the old one.) The error has its own SQLSTATE,
-- RKIMM, which the store reports as billing.ErrImmutable.
CREATE FUNCTION billing_documents_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'billing: issued documents are immutable' USING ERRCODE = 'RKIMM';
END
$$;
CREATE TRIGGER billing_documents_no_change BEFORE UPDATE OR DELETE ON billing_documents
	FOR EACH ROW EXECUTE FUNCTION billing_documents_immutable();
CREATE TRIGGER billing_documents_no_truncate BEFORE TRUNCATE ON billing_documents
	FOR EACH STATEMENT EXECUTE FUNCTION billing_documents_immutable();
