-- Fairness between tenants and per-tenant limits (issue 16).
--
-- Each task knows its tenant (copied from its job) and carries a fair tag: its place among the other tenants' tasks
-- of the same cloud and priority (start-time fair queuing, see FairShare). Tasks queued before this version keep tag
-- 0, so they go first, oldest first, as before.
ALTER TABLE tasks ADD COLUMN tenant TEXT NOT NULL DEFAULT 'default';
ALTER TABLE tasks ADD COLUMN fair_tag BIGINT NOT NULL DEFAULT 0;
UPDATE tasks SET tenant = (SELECT j.tenant FROM jobs j WHERE j.id = tasks.job_id)
    WHERE job_id IN (SELECT id FROM jobs WHERE tenant <> 'default');

-- The claim reads a band's tenants (one probe each) and then a tenant's tasks in tag order; a queued job's tenant
-- finds its last tag from the other end of its range.
DROP INDEX tasks_claim;
CREATE INDEX tasks_claim ON tasks (cloud, priority DESC, tenant, fair_tag, seq) WHERE state = 'queued';
-- A tenant's running tasks are counted by tenant (its running limit); the reaper reads every running task's lease,
-- which are few: as many as there are worker slots busy.
DROP INDEX tasks_lease;
CREATE INDEX tasks_lease ON tasks (tenant, lease_until) WHERE state = 'running';

-- A tenant's own limits; NULL: the configured default applies (tenant_limits.*). 9223372036854775807: unlimited.
ALTER TABLE tenants ADD COLUMN max_running_tasks BIGINT;
ALTER TABLE tenants ADD COLUMN max_queued_jobs BIGINT;
ALTER TABLE tenants ADD COLUMN max_input_bytes BIGINT;
ALTER TABLE tenants ADD COLUMN max_input_seconds BIGINT;
ALTER TABLE tenants ADD COLUMN max_input_pixels BIGINT;
ALTER TABLE tenants ADD COLUMN max_uploads_per_day BIGINT;

-- A tenant's uploads of the last day are counted for its max_uploads_per_day.
CREATE INDEX uploads_by_tenant ON uploads (tenant, created_at);
