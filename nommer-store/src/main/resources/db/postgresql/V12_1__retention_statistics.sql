-- PostgreSQL only. Retention (V12) filters jobs on finished_at, which V7 left without statistics: give it the small
-- sample V7 gives the columns queries filter on, so the planner knows how many jobs a cutoff leaves.
ALTER TABLE jobs ALTER COLUMN finished_at SET STATISTICS 10;
