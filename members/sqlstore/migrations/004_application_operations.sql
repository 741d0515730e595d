-- An application's AWS operation (M-11): its state, ids and steps as JSON; NULL
-- before it starts.
ALTER TABLE applications ADD COLUMN operation TEXT;
