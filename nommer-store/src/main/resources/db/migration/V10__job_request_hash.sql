-- The SHA-256 (hex) of the canonical JSON of the request that created a job under an Idempotency-Key, so that the key
-- reused with another request is refused (idempotency_key_reused) instead of answering the first job. NULL for jobs
-- without a key and for jobs stored before this column: those keep answering the first job.
ALTER TABLE jobs ADD COLUMN request_hash TEXT;
