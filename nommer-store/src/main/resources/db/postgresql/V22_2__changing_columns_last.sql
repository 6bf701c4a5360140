-- The columns a claim and a completion change, side by side at the end of each row, so that their updates log a few
-- bytes instead of most of the row. When the new version of a row goes on the page of the old one, PostgreSQL logs
-- only what lies between the first and the last byte that differ (V19). With `state` near the start of the row and
-- the times at its end, that was nearly every column: the job's input, metadata and cloud, the task's cloud, run_after,
-- lease token and worker were logged again at each change although they had not changed. PostgreSQL places columns
-- in the order of their table's definition and cannot move one, so both tables are copied into tables with the same
-- columns in a new order, and given back their keys, indexes, statistics targets and page settings.
--
-- The order, for each table: what never changes after the insert; then what only a claim writes; then what both a
-- claim and a completion write (`state` and `updated_at` in the middle); then what only a completion writes. A claim
-- then logs from its first column to `updated_at`, and a completion from the lease to its last.
--
-- Upgrading rewrites both tables once, holding their locks for it: 8 s for a store of a million finished jobs on the
-- benchmark's machine (3.8 GB of jobs and tasks before, 0.8 GB after). Stop the service for it. The copies are packed
-- full; the fillfactors below apply to the pages written after them, as those of V19 and V22.1 did.

LOCK TABLE jobs, tasks IN EXCLUSIVE MODE;

CREATE TABLE jobs_reordered (
    created_at       BIGINT  NOT NULL,
    max_attempts     INTEGER NOT NULL,
    id               TEXT    COLLATE "C" NOT NULL,
    tenant           TEXT    NOT NULL DEFAULT 'default',
    cloud            TEXT    NOT NULL DEFAULT 'default',
    priority         TEXT    NOT NULL,
    input            TEXT    NOT NULL,
    metadata         TEXT    NOT NULL,
    notify_url       TEXT,
    idempotency_key  TEXT,
    owner_token_hash TEXT,
    request_hash     TEXT,
    input_info       TEXT,
    -- written when the job starts
    started_at       BIGINT,
    -- written when it starts and when it finishes
    state            TEXT    COLLATE "C" NOT NULL,
    updated_at       BIGINT  NOT NULL,
    -- written when it finishes
    finished_at      BIGINT
);

INSERT INTO jobs_reordered (created_at, max_attempts, id, tenant, cloud, priority, input, metadata, notify_url,
        idempotency_key, owner_token_hash, request_hash, input_info, started_at, state, updated_at, finished_at)
    SELECT created_at, max_attempts, id, tenant, cloud, priority, input, metadata, notify_url,
        idempotency_key, owner_token_hash, request_hash, input_info, started_at, state, updated_at, finished_at
    FROM jobs;

CREATE TABLE tasks_reordered (
    seq           BIGINT           NOT NULL,
    run_after     BIGINT           NOT NULL,
    fair_tag      BIGINT           NOT NULL DEFAULT 0,
    created_at    BIGINT           NOT NULL,
    idx           INTEGER          NOT NULL,
    priority      INTEGER          NOT NULL,
    max_attempts  INTEGER          NOT NULL,
    parts         INTEGER          NOT NULL DEFAULT 0,
    waiting_on    INTEGER          NOT NULL DEFAULT 0,
    part          INTEGER,
    id            TEXT             COLLATE "C" NOT NULL,
    job_id        TEXT             COLLATE "C" NOT NULL,
    name          TEXT             NOT NULL,
    preset        TEXT,
    profile       TEXT             NOT NULL,
    destination   TEXT,
    cloud         TEXT             COLLATE "C" NOT NULL DEFAULT 'default',
    tenant        TEXT             NOT NULL DEFAULT 'default',
    stack         TEXT,
    tools         TEXT,
    -- written by a claim
    started_at    BIGINT,
    attempt       INTEGER          NOT NULL DEFAULT 0,
    worker_id     TEXT,
    -- written by a claim and by a completion (which clears the lease)
    lease_until   BIGINT,
    lease_token   TEXT,
    state         TEXT             NOT NULL,
    updated_at    BIGINT           NOT NULL,
    -- written by a completion
    progress      DOUBLE PRECISION NOT NULL DEFAULT 0,
    finished_at   BIGINT,
    cpu_seconds   DOUBLE PRECISION NOT NULL DEFAULT 0,
    files         TEXT,
    error_code    TEXT,
    error_message TEXT,
    log_tail      TEXT
);

INSERT INTO tasks_reordered (seq, run_after, fair_tag, created_at, idx, priority, max_attempts, parts, waiting_on,
        part, id, job_id, name, preset, profile, destination, cloud, tenant, stack, tools, started_at, attempt,
        worker_id, lease_until, lease_token, state, updated_at, progress, finished_at, cpu_seconds, files, error_code,
        error_message, log_tail)
    SELECT seq, run_after, fair_tag, created_at, idx, priority, max_attempts, parts, waiting_on,
        part, id, job_id, name, preset, profile, destination, cloud, tenant, stack, tools, started_at, attempt,
        worker_id, lease_until, lease_token, state, updated_at, progress, finished_at, cpu_seconds, files, error_code,
        error_message, log_tail
    FROM tasks;

-- The queue's order goes on from where it was: the new identity starts after the last number the old one gave.
CREATE TEMPORARY TABLE tasks_seq_reached ON COMMIT DROP AS
    SELECT COALESCE(pg_sequence_last_value(pg_get_serial_sequence('tasks', 'seq')::regclass), 0) AS last_value;

DROP TABLE jobs;
DROP TABLE tasks;
ALTER TABLE jobs_reordered RENAME TO jobs;
ALTER TABLE tasks_reordered RENAME TO tasks;

ALTER TABLE tasks ALTER COLUMN seq ADD GENERATED BY DEFAULT AS IDENTITY;
-- (PERFORM, in a block: Flyway prints what a migration's SELECT returns)
DO $$
BEGIN
    PERFORM setval(pg_get_serial_sequence('tasks', 'seq'), last_value + 1, false) FROM tasks_seq_reached;
END
$$;

-- Keys and indexes as V1-V13 and V6 left them, but for the listing's two, now in ascending order. New jobs come last
-- in them, and PostgreSQL fills the last page of an index full before it splits it, where a new first entry splits
-- the first page in halves: half-empty pages, and about 25 B more WAL per job in the benchmark. The listing (newest
-- first) reads them backwards, without a sort (FinishedJobsPlansTest).
ALTER TABLE jobs ADD PRIMARY KEY (id);
CREATE INDEX jobs_by_created ON jobs (created_at, id);
CREATE INDEX jobs_by_tenant ON jobs (tenant, created_at, id);
CREATE UNIQUE INDEX jobs_by_idempotency_key ON jobs (idempotency_key) WHERE idempotency_key IS NOT NULL;

ALTER TABLE tasks ADD PRIMARY KEY (job_id, idx);
CREATE INDEX tasks_claim ON tasks (cloud, priority DESC, tenant, fair_tag, seq) WHERE state = 'queued';
CREATE INDEX tasks_lease ON tasks (tenant, lease_until) WHERE state = 'running';
CREATE INDEX tasks_by_destination ON tasks (destination, name) WHERE destination IS NOT NULL AND part IS NULL;

-- Statistics targets as V7, V9.1, V10.1, V12.1, V13.1 and V14.1 left them.
ALTER TABLE jobs
    ALTER COLUMN id SET STATISTICS 10,
    ALTER COLUMN state SET STATISTICS 10,
    ALTER COLUMN created_at SET STATISTICS 10,
    ALTER COLUMN finished_at SET STATISTICS 10,
    ALTER COLUMN idempotency_key SET STATISTICS 10,
    ALTER COLUMN notify_url SET STATISTICS 10,
    ALTER COLUMN cloud SET STATISTICS 10,
    ALTER COLUMN tenant SET STATISTICS 10,
    ALTER COLUMN priority SET STATISTICS 0,
    ALTER COLUMN input SET STATISTICS 0,
    ALTER COLUMN input_info SET STATISTICS 0,
    ALTER COLUMN metadata SET STATISTICS 0,
    ALTER COLUMN max_attempts SET STATISTICS 0,
    ALTER COLUMN started_at SET STATISTICS 0,
    ALTER COLUMN updated_at SET STATISTICS 0,
    ALTER COLUMN owner_token_hash SET STATISTICS 0,
    ALTER COLUMN request_hash SET STATISTICS 0;

ALTER TABLE tasks
    ALTER COLUMN seq SET STATISTICS 10,
    ALTER COLUMN id SET STATISTICS 10,
    ALTER COLUMN job_id SET STATISTICS 10,
    ALTER COLUMN idx SET STATISTICS 10,
    ALTER COLUMN name SET STATISTICS 10,
    ALTER COLUMN state SET STATISTICS 10,
    ALTER COLUMN priority SET STATISTICS 10,
    ALTER COLUMN cloud SET STATISTICS 10,
    ALTER COLUMN run_after SET STATISTICS 10,
    ALTER COLUMN lease_token SET STATISTICS 10,
    ALTER COLUMN lease_until SET STATISTICS 10,
    ALTER COLUMN part SET STATISTICS 10,
    ALTER COLUMN parts SET STATISTICS 10,
    ALTER COLUMN waiting_on SET STATISTICS 10,
    ALTER COLUMN tenant SET STATISTICS 10,
    ALTER COLUMN fair_tag SET STATISTICS 10,
    ALTER COLUMN stack SET STATISTICS 10,
    ALTER COLUMN tools SET STATISTICS 10,
    ALTER COLUMN preset SET STATISTICS 0,
    ALTER COLUMN profile SET STATISTICS 0,
    ALTER COLUMN destination SET STATISTICS 0,
    ALTER COLUMN progress SET STATISTICS 0,
    ALTER COLUMN attempt SET STATISTICS 0,
    ALTER COLUMN max_attempts SET STATISTICS 0,
    ALTER COLUMN worker_id SET STATISTICS 0,
    ALTER COLUMN files SET STATISTICS 0,
    ALTER COLUMN error_code SET STATISTICS 0,
    ALTER COLUMN error_message SET STATISTICS 0,
    ALTER COLUMN log_tail SET STATISTICS 0,
    ALTER COLUMN cpu_seconds SET STATISTICS 0,
    ALTER COLUMN created_at SET STATISTICS 0,
    ALTER COLUMN started_at SET STATISTICS 0,
    ALTER COLUMN finished_at SET STATISTICS 0,
    ALTER COLUMN updated_at SET STATISTICS 0;

-- Page settings as V6, V19 and V22.1 left them.
ALTER TABLE jobs SET (fillfactor = 40);
ALTER TABLE tasks SET (fillfactor = 30, autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 20000);

ANALYZE jobs;
ANALYZE tasks;
