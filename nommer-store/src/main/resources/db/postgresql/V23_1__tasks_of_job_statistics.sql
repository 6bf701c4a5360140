-- PostgreSQL only. V23's column is read from the row of a task that is being completed, never searched for: no
-- statistics (V7).
ALTER TABLE tasks ALTER COLUMN job_tasks SET STATISTICS 0;
