-- The queue indexes cover only the rows their queries look for: queued tasks for the claim, running tasks for the
-- reaper. A finished task then leaves no entry behind in them, which keeps them small with millions of tasks done
-- and saves index writes (and WAL) on every claim and completion.
DROP INDEX tasks_claim;
CREATE INDEX tasks_claim ON tasks (cloud, priority DESC, seq) WHERE state = 'queued';
DROP INDEX tasks_lease;
CREATE INDEX tasks_lease ON tasks (lease_until) WHERE state = 'running';
