-- PostgreSQL only, for retention (V12).

-- Retention filters jobs on finished_at, which V7 left without statistics: give it the small sample V7 gives the
-- columns queries filter on, so the planner knows how many jobs a cutoff leaves.
ALTER TABLE jobs ALTER COLUMN finished_at SET STATISTICS 10;

-- Jobs are deleted now, each just after its outbox rows in the same transaction, and the outbox's foreign key checked
-- every deleted job against the outbox again (one query per job, a third of deleting a batch of 500) to find nothing.
-- Outbox rows are written only by the store, for a job it has locked (as V6 said of tasks and timeline events, whose
-- keys went then).
ALTER TABLE outbox DROP CONSTRAINT outbox_job_id_fkey;
