-- When each job finished, in a table of its own that is only ever inserted into (and emptied by retention), in place
-- of two indexes on jobs: jobs_by_finished (V12) and jobs_unfinished (V16). An index that names finished_at, in its
-- columns or its condition, makes the update that finishes a job write a new entry in every index of jobs (PostgreSQL
-- can keep an update heap-only, HOT, only when no indexed column changes). Without them that update is heap-only,
-- and a job's finish costs one small row here: in the throughput benchmark the update went from 20 to 5 us a job, and
-- the WAL a job writes from 3.3 to 3.0 KiB, this table's row included (BENCHMARKS.md).
--
-- Who reads it: retention (the oldest finished jobs first), the metrics' fold of finished jobs, and the activity
-- window (jobs finished in it). Jobs not finished yet are found through the queue's own partial indexes instead:
-- a job is unfinished exactly while one of its tasks is queued or running (JobFinisher.finishIfDone).
-- jobs.finished_at stays as the job's own record; a row here exists exactly while it is set.
CREATE TABLE job_finishes (
    finished_at BIGINT    NOT NULL,
    job_id      ${id_text} NOT NULL,
    PRIMARY KEY (finished_at, job_id)
);

INSERT INTO job_finishes (finished_at, job_id) SELECT finished_at, id FROM jobs WHERE finished_at IS NOT NULL;

DROP INDEX jobs_by_finished;
DROP INDEX jobs_unfinished;
