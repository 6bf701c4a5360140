-- Retention (issue 16): finished jobs are deleted some time after they finished, uploads some time after they were
-- stored.

-- The oldest finished jobs first, reading only finished jobs. Partial on finished_at alone, so that on PostgreSQL a
-- claim (which changes a job's state, not finished_at) can stay a heap-only update; a job's finish writes it anyway.
CREATE INDEX jobs_by_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL;

-- A job's webhook rows: whether one is still being delivered keeps the job, and they are deleted with it (without
-- this, each deleted job would read the whole outbox, once for the delete and once for the foreign key's check).
CREATE INDEX outbox_by_job ON outbox (job_id);

-- The oldest uploads first.
CREATE INDEX uploads_by_created ON uploads (created_at);
