package io.nommer.core.tenant;

import java.time.Duration;
import java.util.Optional;

/**
 * The store's side of per-tenant limits: each tenant's own {@link TenantLimits}, and what the tenant uses of them.
 * The claim enforces {@link TenantLimit#MAX_RUNNING_TASKS} itself ({@link io.nommer.core.queue.TaskQueue}); the other
 * limits are checked by whoever accepts the work, from the counts here. {@code TenantQuotasContract} in the store
 * module's tests states the behaviour every engine must have.
 */
public interface TenantQuotas {
    /** The limits set for {@code tenant} itself (not the defaults); empty when there is no such tenant. */
    Optional<TenantLimits> limits(String tenant);

    /** Replaces the limits set for {@code tenant}, creating the tenant when it is new; answers them as stored. */
    TenantLimits setLimits(String tenant, TenantLimits limits);

    /** How many of the tenant's tasks are running now. */
    long runningTasks(String tenant);

    /**
     * How many of the tenant's jobs have an output waiting in the queue (a task queued, whether runnable now or later),
     * counting no further than {@code atMost}: the cost grows with the count, so a check against a limit stops there.
     */
    long queuedJobs(String tenant, long atMost);

    /**
     * The tenant's uploads in the last {@code window} (database time), and when they will be fewer than {@code limit}.
     */
    Uploads uploads(String tenant, Duration window, long limit);

    /**
     * @param count uploads in the window
     * @param untilBelowLimit how long until the window holds fewer than the limit; zero when it already does
     */
    record Uploads(long count, Duration untilBelowLimit) {}
}
