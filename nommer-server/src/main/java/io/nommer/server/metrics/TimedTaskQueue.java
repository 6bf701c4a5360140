package io.nommer.server.metrics;

import io.micrometer.core.instrument.Timer;
import io.nommer.core.queue.ClaimedTask;
import io.nommer.core.queue.Completion;
import io.nommer.core.queue.TaskFailure;
import io.nommer.core.queue.TaskQueue;
import io.nommer.core.stack.Stack;
import io.nommer.core.tenant.TenantLimits;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A {@link TaskQueue} that times its claims, for the in-process workers of {@code nommer serve}: the worker in core
 * stays free of any metrics library, and the claim's cost is measured where it is paid (one store transaction).
 */
public final class TimedTaskQueue implements TaskQueue {
    private final TaskQueue queue;
    private final Timer claims;

    public TimedTaskQueue(TaskQueue queue, Timer claims) {
        this.queue = queue;
        this.claims = claims;
    }

    @Override
    public List<ClaimedTask> claim(
            String workerId, List<String> clouds, List<String> stacks, int max, Duration lease, TenantLimits defaults) {
        long started = System.nanoTime();
        try {
            return queue.claim(workerId, clouds, stacks, max, lease, defaults);
        } finally {
            claims.record(Duration.ofNanos(System.nanoTime() - started));
        }
    }

    @Override
    public boolean heartbeat(String taskId, String leaseToken, Duration lease, Double progress) {
        return queue.heartbeat(taskId, leaseToken, lease, progress);
    }

    @Override
    public List<Boolean> completeAll(List<Completion> completions) {
        return queue.completeAll(completions);
    }

    @Override
    public boolean recordStack(String taskId, String leaseToken, Stack stack) {
        return queue.recordStack(taskId, leaseToken, stack);
    }

    @Override
    public boolean fail(String taskId, String leaseToken, TaskFailure failure) {
        return queue.fail(taskId, leaseToken, failure);
    }

    @Override
    public boolean release(String taskId, String leaseToken) {
        return queue.release(taskId, leaseToken);
    }

    @Override
    public int reapExpiredLeases(Duration backoff) {
        return queue.reapExpiredLeases(backoff);
    }

    @Override
    public Optional<Instant> nextRunnableAt() {
        return queue.nextRunnableAt();
    }
}
