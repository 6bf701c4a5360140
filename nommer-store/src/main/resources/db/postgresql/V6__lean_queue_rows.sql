-- PostgreSQL only (SQLite keeps V1's shape): fewer index entries and checks per job, since every claim and completion
-- writes new versions of a job row and a task row, and each new version is written to every index of its table.

-- Ids, states and cloud names compare bytewise: they are opaque ASCII, and the database's own collation (often a
-- libc locale such as C.UTF-8) would run strcoll for every index comparison.
ALTER TABLE jobs ALTER COLUMN id TYPE TEXT COLLATE "C", ALTER COLUMN state TYPE TEXT COLLATE "C";
ALTER TABLE tasks ALTER COLUMN id TYPE TEXT COLLATE "C", ALTER COLUMN job_id TYPE TEXT COLLATE "C",
    ALTER COLUMN cloud TYPE TEXT COLLATE "C";
ALTER TABLE job_events ALTER COLUMN job_id TYPE TEXT COLLATE "C";
ALTER TABLE outbox ALTER COLUMN job_id TYPE TEXT COLLATE "C";

-- Most jobs have no idempotency key: only the ones that do need an index entry.
ALTER TABLE jobs DROP CONSTRAINT jobs_idempotency_key_key;
CREATE UNIQUE INDEX jobs_by_idempotency_key ON jobs (idempotency_key) WHERE idempotency_key IS NOT NULL;

-- A job's state changes twice (claimed, finished). With no index on state, and room left on each page, PostgreSQL
-- writes those changes as heap-only (HOT) updates, which touch no index at all; in the throughput benchmark this was
-- worth about a fifth of the bulk rate. Listing jobs by state now walks jobs_by_created newest first and filters, so
-- on a large store a rare state is found faster within a time range (the API's created_after/created_before).
DROP INDEX jobs_by_state;
ALTER TABLE jobs SET (fillfactor = 70);

-- A task is its job's task number idx: one key, (job_id, idx), which also finds a job's tasks. The task id is derived
-- from it (JdbcStore.taskId), so a unique index on it would only repeat the key, and seq only orders the queue
-- (tasks_claim).
ALTER TABLE tasks DROP CONSTRAINT tasks_pkey;
ALTER TABLE tasks DROP CONSTRAINT tasks_id_key;
ALTER TABLE tasks DROP CONSTRAINT tasks_job_id_idx_key;
ALTER TABLE tasks ADD PRIMARY KEY (job_id, idx);

-- Tasks and timeline events are written only by the store, for a job it has just written or read, and jobs are never
-- deleted: the foreign keys' checks (each a lookup and a row lock on the job) guarded against nothing else, and cost
-- about a third of each task insert and half of each event insert.
ALTER TABLE tasks DROP CONSTRAINT tasks_job_id_fkey;
ALTER TABLE job_events DROP CONSTRAINT job_events_job_id_fkey;

-- Timeline events are read by job, in order: one index, (job_id, id), instead of two.
ALTER TABLE job_events DROP CONSTRAINT job_events_pkey;
DROP INDEX job_events_by_job;
ALTER TABLE job_events ADD PRIMARY KEY (job_id, id);


-- A claim reads the queue index (tasks_claim) from its head, where every claimed task leaves a dead entry until
-- VACUUM removes it: claims slow down with each task claimed since the last vacuum. By default autovacuum waits for
-- a fifth of the table to be dead, which in a table of millions of finished tasks is millions of dead entries at the
-- head of the queue; vacuum tasks after every 20,000 dead rows instead, whatever the table's size.
ALTER TABLE tasks SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 20000);
