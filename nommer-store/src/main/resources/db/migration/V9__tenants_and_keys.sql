-- Tenants and their API keys (issue 16). A key's secret is never stored: only the SHA-256 of its token.
CREATE TABLE tenants (
    name       TEXT   NOT NULL PRIMARY KEY,
    created_at BIGINT NOT NULL
);

INSERT INTO tenants (name, created_at) VALUES ('default', 0);

CREATE TABLE api_keys (
    id           TEXT   NOT NULL PRIMARY KEY,
    tenant       TEXT   NOT NULL REFERENCES tenants (name),
    role         TEXT   NOT NULL,
    description  TEXT,
    secret_hash  TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT,
    revoked_at   BIGINT,
    last_used_at BIGINT
);

-- Every job belongs to a tenant; those made before tenants existed (or with authentication off) to 'default'.
ALTER TABLE jobs ADD COLUMN tenant TEXT NOT NULL DEFAULT 'default';
CREATE INDEX jobs_by_tenant ON jobs (tenant, created_at DESC, id DESC);

-- Who stored each upload, so that only its tenant can name it as an input.
CREATE TABLE uploads (
    id         TEXT   NOT NULL PRIMARY KEY,
    tenant     TEXT   NOT NULL,
    size       BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
