-- job_finishes' key, (finished_at, job_id), put a job's id in an index entry for every finished job: 48 bytes an
-- entry, and about 95 B of WAL to insert it. Its readers all look for a range of times (retention, the metrics' fold,
-- the activity window) or for one job's row at its time (retention's delete, a retry), and find the job's id in the
-- row: an index on the time alone serves each of them, with entries of 16 bytes, the many of one time kept together
-- as one. In the throughput benchmark, WAL per bulk job about 30 B less. (SQLite keeps V21's key.)
ALTER TABLE job_finishes DROP CONSTRAINT job_finishes_pkey;
CREATE INDEX job_finishes_by_time ON job_finishes (finished_at);
