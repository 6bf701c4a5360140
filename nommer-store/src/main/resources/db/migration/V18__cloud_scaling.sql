-- The scaler (issue 17). A cloud's scaling policy (JSON; NULL: not scaled) and what the scaler last decided for it
-- (JSON: desired and current workers, the reason, when it last started workers, counts of its decisions), so that an
-- orchestrator that takes the scaler over goes on from there (its cooldown included) and GET /v1/clouds shows it.
ALTER TABLE clouds ADD COLUMN scaling TEXT;
ALTER TABLE clouds ADD COLUMN scaling_status TEXT;

-- Only one orchestrator scales at a time: it holds this row's lease and renews it; when it stops renewing, another
-- takes it over once the lease has expired.
CREATE TABLE scaler_lease (
    name       TEXT   NOT NULL PRIMARY KEY,
    holder     TEXT,
    expires_at BIGINT NOT NULL
);

INSERT INTO scaler_lease (name, holder, expires_at) VALUES ('scaler', NULL, 0);
