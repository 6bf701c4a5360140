-- PostgreSQL only. Autovacuum re-analyzes a table after every tenth of its rows changed, and the queue's tables change
-- all the time: each job is inserted and updated twice, with its task and four timeline events. At the default
-- statistics target ANALYZE samples 30,000 rows and builds statistics for every column, profiles and messages
-- included; in the throughput benchmark that took more of the database's CPU than all of vacuum, about a tenth of the
-- machine while jobs poured in, landing on some rounds and not others.
--
-- Every query of these tables finds its rows by key or reads a partial index in its order, so the planner needs
-- little: the columns that queries filter, join or sort on keep a small sample (target 10: 3,000 rows, ten most
-- common values), and the columns no query looks at get none. ANALYZE of a 100,000-task table went from about 350 ms
-- to about 25 ms. A query that starts filtering on a column set to 0 here should give it a target again.

ALTER TABLE jobs
    ALTER COLUMN id SET STATISTICS 10,
    ALTER COLUMN state SET STATISTICS 10,
    ALTER COLUMN created_at SET STATISTICS 10,
    ALTER COLUMN idempotency_key SET STATISTICS 10,
    ALTER COLUMN notify_url SET STATISTICS 10,
    ALTER COLUMN cloud SET STATISTICS 10,
    ALTER COLUMN priority SET STATISTICS 0,
    ALTER COLUMN input SET STATISTICS 0,
    ALTER COLUMN input_info SET STATISTICS 0,
    ALTER COLUMN metadata SET STATISTICS 0,
    ALTER COLUMN max_attempts SET STATISTICS 0,
    ALTER COLUMN started_at SET STATISTICS 0,
    ALTER COLUMN finished_at SET STATISTICS 0,
    ALTER COLUMN updated_at SET STATISTICS 0,
    ALTER COLUMN owner_token_hash SET STATISTICS 0;

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

ALTER TABLE job_events
    ALTER COLUMN id SET STATISTICS 10,
    ALTER COLUMN job_id SET STATISTICS 10,
    ALTER COLUMN task_id SET STATISTICS 0,
    ALTER COLUMN created_at SET STATISTICS 0,
    ALTER COLUMN type SET STATISTICS 0,
    ALTER COLUMN message SET STATISTICS 0;
