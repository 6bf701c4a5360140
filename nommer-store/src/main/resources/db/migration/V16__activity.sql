-- The dashboard's activity plots (GET /v1/stats/activity, JdbcActivity) read the jobs active in the last hour: those
-- finished in it through jobs_by_finished (V12), and those not finished yet through this index, which holds only them
-- and so stays as small as the queue, however many finished jobs the store keeps. PostgreSQL has no index on state
-- (V6 dropped jobs_by_state so that a claim's update of a job stays heap-only); this one names no column a claim
-- changes, and finished_at, which completion sets, is already indexed by jobs_by_finished.
CREATE INDEX jobs_unfinished ON jobs (created_at) WHERE finished_at IS NULL;
