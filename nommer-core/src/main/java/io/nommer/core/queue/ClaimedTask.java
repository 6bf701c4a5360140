package io.nommer.core.queue;

import io.nommer.core.auth.Principal;
import io.nommer.core.job.Task;
import io.nommer.core.tenant.TenantLimits;

/**
 * A task leased to a worker. Every later write for it must present {@code leaseToken} (the fencing token); a worker
 * whose lease was lost or superseded changes nothing.
 *
 * @param input the job's input URI
 * @param tenant the tenant whose job it is
 * @param limits that tenant's limits in force when the task was claimed (its own over the claiming worker's
 *     defaults), for checking the input against
 */
public record ClaimedTask(Task task, String leaseToken, String input, String tenant, TenantLimits limits) {
    /** A task of the default tenant, with no limits. */
    public ClaimedTask(Task task, String leaseToken, String input) {
        this(task, leaseToken, input, Principal.DEFAULT_TENANT, TenantLimits.NONE);
    }

    public String taskId() {
        return task.id();
    }

    public String jobId() {
        return task.jobId();
    }
}
