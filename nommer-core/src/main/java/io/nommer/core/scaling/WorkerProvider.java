package io.nommer.core.scaling;

import io.nommer.core.fleet.ScalingPolicy;
import java.util.Set;

/**
 * What starts and stops a cloud's workers for the scaler: one adapter per place workers run (processes on the
 * orchestrator's host, a Kubernetes cluster, an EC2 Auto Scaling group). Workers still never talk to the
 * orchestrator: they only need the store and the storage, and report themselves there.
 */
public interface WorkerProvider {
    /** The {@code provider} a policy names to use this one. */
    String name();

    /**
     * The ids of the workers this provider started for {@code cloud} that are still alive (as they will report
     * themselves, {@code worker-HOST-PID}), also those that have not reported yet; so that the scaler counts a worker
     * that is starting, and forgets one that died at once rather than when its reports go stale.
     */
    Set<String> alive(String cloud);

    /**
     * The ids of workers it started for {@code cloud} that have exited lately (their reports may still look fresh),
     * so that a worker that was killed is replaced at the next look rather than once its reports go stale.
     */
    default Set<String> exited(String cloud) {
        return Set.of();
    }

    /**
     * Starts {@code count} workers for {@code cloud} with the policy's slots.
     *
     * @param permanent true for workers that keep running without work (up to {@code min_workers}); the others get
     *     the policy's {@code exit_when_idle}
     * @throws IllegalStateException when it cannot (the reason goes into the cloud's scaling status)
     */
    void start(String cloud, ScalingPolicy policy, int count, boolean permanent);

    /** Asks an idle worker it started to stop (it finishes what it runs first); false if it is not one of its own. */
    boolean stop(String workerId);

    /** Stops watching its workers; the workers themselves run on. */
    default void close() {}
}
