-- B-14: each report version keeps the sketch of its rows (CostData.Sketch, in
-- billing.Sketch's binary form), so that the same rows ingested under another
-- payer are refused. A BLOB (BYTEA on PostgreSQL: the one column type the two do
-- not share, hence a file per dialect), NULL when the version has no sketch. Old
-- versions, stored before this column, have none.
ALTER TABLE billing_reports ADD COLUMN sketch BLOB;
