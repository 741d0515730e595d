-- S-3: a run's holder and lease (security.Run.Owner, LeaseUntil). A maintenance
-- runner holds the run it works until lease_until; another takes an unfinished
-- run over only once the lease expired (ClaimRun's one conditional UPDATE), so
-- two runners never work one run. Runs recorded before this migration have no
-- owner ('') and no lease (NULL): free to claim. Portable SQL.
ALTER TABLE security_runs ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE security_runs ADD COLUMN lease_until TIMESTAMP;
