-- Clouds: named pools of workers with a priority (Panda's "encoding clouds"). Claims take the worker's clouds in
-- priority order, then task priority, then age. 'default' always exists.
CREATE TABLE clouds (
    name       TEXT    NOT NULL PRIMARY KEY,
    priority   INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL
);

INSERT INTO clouds (name, priority, created_at, updated_at) VALUES ('default', 0, ${now_millis}, ${now_millis});

-- Workers announce themselves and heartbeat here, so operators can see the farm; nothing depends on a row existing.
CREATE TABLE workers (
    id         TEXT    NOT NULL PRIMARY KEY,
    clouds     TEXT    NOT NULL,
    slots      INTEGER NOT NULL,
    active     INTEGER NOT NULL,
    host       TEXT,
    encoder    TEXT    NOT NULL,
    started_at BIGINT  NOT NULL,
    last_seen  BIGINT  NOT NULL
);

-- the claim query now runs per cloud: state = 'queued' AND cloud IN (...) ORDER BY priority DESC, seq
DROP INDEX tasks_claim;
CREATE INDEX tasks_claim ON tasks (state, cloud, priority DESC, seq);
