-- A task row is written three times: inserted, claimed, finished. Claiming and finishing change its state, which the
-- queue's partial indexes name, so neither is a heap-only update; but when the new version fits on the same page,
-- PostgreSQL logs only the bytes that changed between the old and the new version (everything before `state`,
-- including the profile, is a shared prefix). With every page full (fillfactor 100) the new version goes to another
-- page and its whole row, profile and all, is written to the WAL again. Leave half of each page for those versions.
ALTER TABLE tasks SET (fillfactor = 50);
