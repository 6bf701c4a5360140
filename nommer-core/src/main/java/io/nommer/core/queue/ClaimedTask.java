package io.nommer.core.queue;

import io.nommer.core.job.Task;

/**
 * A task leased to a worker. Every later write for it must present {@code leaseToken} (the fencing token); a worker
 * whose lease was lost or superseded changes nothing.
 *
 * @param input the job's input URI
 */
public record ClaimedTask(Task task, String leaseToken, String input) {
    public String taskId() {
        return task.id();
    }

    public String jobId() {
        return task.jobId();
    }
}
