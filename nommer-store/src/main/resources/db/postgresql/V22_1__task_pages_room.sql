-- More room on each new tasks page (V19 left half of it). A claim writes a new version of a run of consecutive task
-- rows in one transaction, each longer than the row it replaces (a lease token, a worker), and with pages half full a
-- quarter of those versions did not fit beside their rows: PostgreSQL then writes the whole row to the WAL instead of
-- what changed, and a lock record besides. At 30 every update stayed on its page in the throughput benchmark: WAL
-- per bulk job down about 100 B (BENCHMARKS.md, session 15). Since V22 the row of a task using a preset as it is has
-- half the bytes it had, so such a task takes less room on disk at 30 than it did at 50; one with settings of its own
-- takes about 1.7 times what it did. Pages already written keep their rows as they are.
ALTER TABLE tasks SET (fillfactor = 30);
