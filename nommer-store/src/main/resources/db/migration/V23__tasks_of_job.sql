-- How many tasks each task's job has, written with the task. A job whose only task has just succeeded has succeeded,
-- without counting its job's tasks again (JdbcTaskQueue.completeAll): in the throughput benchmark, where every job
-- has one task, that count was a statement per completed batch and a look into the task index for each of its jobs.
-- Rows written before this migration have none, and their jobs are counted as before.
ALTER TABLE tasks ADD COLUMN job_tasks INTEGER;
