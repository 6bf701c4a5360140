package io.nommer.core.queue;

import io.nommer.core.fleet.Cloud;
import io.nommer.core.job.OutputFile;
import io.nommer.core.tenant.TenantLimits;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The queue of tasks workers claim. {@code TaskQueueContract} in the store module's tests states the behaviour every
 * engine must have.
 *
 * <p>Rules (DESIGN.md): a claim is one short transaction that leases tasks with a fresh token and a
 * {@code lease_until} in database time; every later write for a task names that token and does nothing when it no
 * longer matches a running lease. No method holds a transaction open beyond its own call. The last task's terminal
 * write, the job's terminal state, its {@code job.<state>} timeline event and (with a notify URL) its webhook outbox
 * row commit together.
 */
public interface TaskQueue {

    /**
     * Leases up to {@code max} runnable queued tasks of the given clouds to {@code workerId} for {@code lease}, each
     * with {@code attempt + 1} and a fresh token: clouds with a higher priority first, then higher task priority;
     * among tasks of equal priority, tenants take turns (one tenant's backlog never holds another's work back), and
     * each tenant's tasks go oldest first. Clouds that do not exist contribute nothing.
     *
     * <p>A tenant with {@link io.nommer.core.tenant.TenantLimit#MAX_RUNNING_TASKS} in force (its own limit, else
     * {@code defaults}) gets no more tasks than take its running tasks to that limit, even when several workers claim
     * at once; its other tasks wait.
     *
     * @param defaults the limits of tenants that set none themselves (the worker's configuration)
     */
    default List<ClaimedTask> claim(
            String workerId, List<String> clouds, int max, Duration lease, TenantLimits defaults) {
        return claim(workerId, clouds, null, max, lease, defaults);
    }

    /**
     * {@link #claim(String, List, int, Duration, TenantLimits)} for a worker that has only {@code stacks}: it never
     * takes a task pinned to another stack (a task pinned to none it takes). Pinned tasks no claimer can take stay
     * queued, and do not hold back the others.
     *
     * @param stacks the names of the stacks the worker has; null takes a task of any stack (a worker that runs no
     *     tool, the null encoder)
     */
    List<ClaimedTask> claim(
            String workerId, List<String> clouds, List<String> stacks, int max, Duration lease, TenantLimits defaults);

    /** {@link #claim(String, List, int, Duration, TenantLimits)} with no default limits. */
    default List<ClaimedTask> claim(String workerId, List<String> clouds, int max, Duration lease) {
        return claim(workerId, clouds, max, lease, TenantLimits.NONE);
    }

    /** {@link #claim(String, List, int, Duration)} from the default cloud. */
    default List<ClaimedTask> claim(String workerId, int max, Duration lease) {
        return claim(workerId, List.of(Cloud.DEFAULT), max, lease);
    }

    /**
     * Extends a lease and records progress (0-100, null to leave unchanged).
     *
     * @return false when the lease is no longer this token's: the caller must stop work on the task
     */
    boolean heartbeat(String taskId, String leaseToken, Duration lease, Double progress);

    /** Marks the task succeeded with its files. Returns false (changing nothing) when the token no longer holds. */
    default boolean complete(String taskId, String leaseToken, List<OutputFile> files, double cpuSeconds) {
        return completeAll(List.of(new Completion(taskId, leaseToken, files, cpuSeconds)))
                .get(0);
    }

    /**
     * Marks several tasks succeeded in one transaction, each fenced by its own token, and answers in the same order
     * whether each was still held.
     */
    List<Boolean> completeAll(List<Completion> completions);

    /**
     * Records which stack the leased attempt runs on and the exact version of each of its tools (the task's
     * {@link io.nommer.core.job.Task#tools()}), with a {@code task.stack} event on the job's timeline. Returns false
     * (changing nothing) when the token no longer holds.
     */
    boolean recordStack(String taskId, String leaseToken, io.nommer.core.stack.Stack stack);

    /** Records a failed attempt (see {@link TaskFailure}). Returns false when the token no longer holds. */
    boolean fail(String taskId, String leaseToken, TaskFailure failure);

    /**
     * Gives a lease back without counting the attempt (a worker shutting down). Returns false when the token no
     * longer holds.
     */
    boolean release(String taskId, String leaseToken);

    /**
     * Re-queues running tasks whose lease expired (after {@code backoff} times the attempt count), or fails them with
     * {@code lease_expired} when they have no attempts left.
     *
     * @return how many tasks were re-queued or failed
     */
    int reapExpiredLeases(Duration backoff);

    /** The earliest time a queued task becomes runnable, to let idle workers sleep precisely; empty when none. */
    Optional<Instant> nextRunnableAt();
}
