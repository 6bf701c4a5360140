-- PostgreSQL only. Claims filter on the task's stack (V14); like V7's columns, a small sample is enough for it and
-- for the tools a worker recorded, and keeps ANALYZE cheap.
ALTER TABLE tasks
    ALTER COLUMN stack SET STATISTICS 10,
    ALTER COLUMN tools SET STATISTICS 10;
