-- Stored profiles belong to a tenant (issue 16): two tenants may each have a profile named 'web'. The table is
-- rebuilt because SQLite cannot change a primary key in place; profiles made before tenants go to 'default'.
CREATE TABLE profiles_by_tenant (
    tenant     TEXT   NOT NULL,
    name       TEXT   NOT NULL,
    preset     TEXT,
    fields     TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (tenant, name)
);

INSERT INTO profiles_by_tenant (tenant, name, preset, fields, created_at, updated_at)
SELECT 'default', name, preset, fields, created_at, updated_at FROM profiles;

DROP TABLE profiles;
ALTER TABLE profiles_by_tenant RENAME TO profiles;
