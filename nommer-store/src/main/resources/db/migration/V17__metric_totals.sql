-- Metrics (issue 18): running totals of the work submitted and finished, for /metrics.
--
-- Nothing on the queue's path writes here: now and then an orchestrator folds the jobs submitted (by created_at) or
-- finished (by finished_at) since the fold's watermark, up to a minute ago, into these rows, and moves the watermark,
-- in one transaction that holds the fold's row (so that several orchestrators fold each job once). What is newer than
-- the watermark is read live, through jobs_by_created and jobs_by_finished. The totals outlive the jobs: retention
-- deletes jobs, not what they counted.
CREATE TABLE metric_folds (
    name  TEXT   NOT NULL PRIMARY KEY,
    up_to BIGINT NOT NULL
);

INSERT INTO metric_folds (name, up_to) VALUES ('created', 0);
INSERT INTO metric_folds (name, up_to) VALUES ('finished', 0);

-- kind: jobs_submitted, outputs_submitted (fold 'created'); jobs_finished, outputs_finished (fold 'finished').
-- preset and state are '' where a kind has none.
CREATE TABLE metric_totals (
    kind           TEXT             NOT NULL,
    cloud          TEXT             NOT NULL,
    preset         TEXT             NOT NULL,
    state          TEXT             NOT NULL,
    items          BIGINT           NOT NULL,
    bytes          BIGINT           NOT NULL,
    cpu_seconds    DOUBLE PRECISION NOT NULL,
    encode_seconds DOUBLE PRECISION NOT NULL,
    wait_seconds   DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (kind, cloud, preset, state)
);
