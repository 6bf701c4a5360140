-- The SHA-256 (hex) of the token handed to whoever submitted the job, once, in the response that created it. Until
-- API keys and tenants exist, holding it is what makes a caller the job's owner (e.g. for its encryption keys).
ALTER TABLE jobs ADD COLUMN owner_token_hash TEXT;
