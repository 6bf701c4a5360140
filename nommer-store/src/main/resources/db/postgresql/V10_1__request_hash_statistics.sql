-- PostgreSQL only. jobs.request_hash (V10) is read only beside its idempotency key, never filtered on: no statistics,
-- like the other columns no query looks at (see V7).
ALTER TABLE jobs ALTER COLUMN request_hash SET STATISTICS 0;
