-- A task row is written three times (inserted, claimed, finished) and a job row three times (inserted, running,
-- finished). When the new version of a row fits on the page of the old one, PostgreSQL logs only the bytes that
-- changed between them (for a task, everything before `state`, the profile included, is a shared prefix), and a job's
-- `running` update, which changes no indexed column, is heap-only (HOT): no index entry at all. With full pages the new
-- version goes to another page, and the whole row and an entry in every index are written again. A claim updates a
-- run of consecutive rows in one transaction, so a page needs room for a new version of each of its rows at once.
-- In the throughput benchmark (bulk, WAL per job): tasks at 50 took it from 5.9 to 5.1 KiB; jobs at 40 (V6 had 70)
-- from 3.9 to 3.4 KiB, with the job's `running` update HOT every time instead of a third of the time. Tasks at 35
-- saved another 0.25 KiB but would make the tables of a long history three times their packed size.
ALTER TABLE tasks SET (fillfactor = 50);
ALTER TABLE jobs SET (fillfactor = 40);
