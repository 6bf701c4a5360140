-- nommer store schema. Portable SQL (SQLite and PostgreSQL); ${identity_pk} comes from the dialect.
-- Times are epoch milliseconds (BIGINT); JSON documents are TEXT.

CREATE TABLE jobs (
    id              TEXT    NOT NULL PRIMARY KEY,
    state           TEXT    NOT NULL,
    priority        TEXT    NOT NULL,
    input           TEXT    NOT NULL,
    input_info      TEXT,
    metadata        TEXT    NOT NULL,
    notify_url      TEXT,
    idempotency_key TEXT    UNIQUE,
    max_attempts    INTEGER NOT NULL,
    cloud           TEXT    NOT NULL DEFAULT 'default',
    created_at      BIGINT  NOT NULL,
    started_at      BIGINT,
    finished_at     BIGINT,
    updated_at      BIGINT  NOT NULL
);

CREATE INDEX jobs_by_created ON jobs (created_at DESC, id DESC);
CREATE INDEX jobs_by_state ON jobs (state, created_at DESC);

CREATE TABLE tasks (
    -- why: a generated sequence orders the queue by age exactly, even within one millisecond
    seq             ${identity_pk},
    id              TEXT    NOT NULL UNIQUE,
    job_id          TEXT    NOT NULL REFERENCES jobs (id),
    idx             INTEGER NOT NULL,
    name            TEXT    NOT NULL,
    preset          TEXT,
    profile         TEXT    NOT NULL,
    destination     TEXT,
    state           TEXT    NOT NULL,
    priority        INTEGER NOT NULL,
    cloud           TEXT    NOT NULL DEFAULT 'default',
    progress        DOUBLE PRECISION NOT NULL DEFAULT 0,
    attempt         INTEGER NOT NULL DEFAULT 0,
    max_attempts    INTEGER NOT NULL,
    run_after       BIGINT  NOT NULL,
    lease_token     TEXT,
    lease_until     BIGINT,
    worker_id       TEXT,
    files           TEXT,
    error_code      TEXT,
    error_message   TEXT,
    log_tail        TEXT,
    cpu_seconds     DOUBLE PRECISION NOT NULL DEFAULT 0,
    created_at      BIGINT  NOT NULL,
    started_at      BIGINT,
    finished_at     BIGINT,
    updated_at      BIGINT  NOT NULL,
    UNIQUE (job_id, idx)
);

-- the claim query: state = 'queued' ORDER BY priority DESC, seq
CREATE INDEX tasks_claim ON tasks (state, priority DESC, seq);
-- the reaper: state = 'running' AND lease_until < now
CREATE INDEX tasks_lease ON tasks (state, lease_until);

CREATE TABLE job_events (
    id         ${identity_pk},
    job_id     TEXT   NOT NULL REFERENCES jobs (id),
    task_id    TEXT,
    created_at BIGINT NOT NULL,
    type       TEXT   NOT NULL,
    message    TEXT
);

CREATE INDEX job_events_by_job ON job_events (job_id, id);

CREATE TABLE profiles (
    name       TEXT   NOT NULL PRIMARY KEY,
    preset     TEXT,
    fields     TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- webhook deliveries, written in the transaction that made the job terminal
CREATE TABLE outbox (
    id              ${identity_pk},
    job_id          TEXT    NOT NULL REFERENCES jobs (id),
    url             TEXT    NOT NULL,
    event           TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT  NOT NULL,
    delivered_at    BIGINT,
    http_status     INTEGER,
    last_error      TEXT,
    given_up_at     BIGINT
);

CREATE INDEX outbox_due ON outbox (next_attempt_at);
