package io.nommer.core.fleet;

import java.time.Duration;
import java.util.Set;

/**
 * How a cloud's workers are scaled (issue 17): how many may run, how many tasks each runs at once, how soon after
 * starting workers more may be started, and how long a worker it starts waits without work before it exits on its
 * own. Scaling down is left to the workers: a worker started above {@code minWorkers} exits after {@code exitWhenIdle}
 * without a task, so the scaler never stops a busy worker to shrink the farm.
 *
 * @param provider what starts workers: {@code local} (processes on the orchestrator's host), {@code kubernetes} or
 *     {@code ec2}
 * @param minWorkers kept running even without work (they are started without an idle exit)
 * @param maxWorkers never more than this
 * @param slotsPerWorker tasks a worker runs at once (its {@code slots})
 * @param scaleUpCooldown after starting workers, how long to wait before starting more: workers take a while to
 *     start and claim, and starting again before they have would overshoot
 * @param exitWhenIdle handed to the workers it starts ({@code --exit-when-idle})
 */
public record ScalingPolicy(
        String provider,
        int minWorkers,
        int maxWorkers,
        int slotsPerWorker,
        Duration scaleUpCooldown,
        Duration exitWhenIdle) {
    public static final Set<String> PROVIDERS = Set.of("local", "kubernetes", "ec2");
    public static final int MAX_WORKERS = 10_000;
    public static final int MAX_SLOTS = 256;
    public static final Duration MAX_COOLDOWN = Duration.ofHours(1);
    public static final Duration MIN_EXIT_WHEN_IDLE = Duration.ofSeconds(5);

    /** @throws IllegalArgumentException naming the first value out of bounds */
    public ScalingPolicy {
        if (!PROVIDERS.contains(provider)) {
            throw new IllegalArgumentException("provider must be one of " + PROVIDERS + ", not " + provider);
        }
        if (minWorkers < 0 || maxWorkers < 1 || maxWorkers > MAX_WORKERS || minWorkers > maxWorkers) {
            throw new IllegalArgumentException(
                    "min_workers and max_workers must satisfy 0 <= min_workers <= max_workers"
                            + " and 1 <= max_workers <= " + MAX_WORKERS + ", not " + minWorkers + " and " + maxWorkers);
        }
        if (slotsPerWorker < 1 || slotsPerWorker > MAX_SLOTS) {
            throw new IllegalArgumentException(
                    "slots_per_worker must be 1 to " + MAX_SLOTS + ", not " + slotsPerWorker);
        }
        if (scaleUpCooldown.isNegative() || scaleUpCooldown.compareTo(MAX_COOLDOWN) > 0) {
            throw new IllegalArgumentException("scale_up_cooldown must be 0 to 1 hour, not " + scaleUpCooldown);
        }
        if (exitWhenIdle.compareTo(MIN_EXIT_WHEN_IDLE) < 0) {
            throw new IllegalArgumentException("exit_when_idle must be at least 5 s, not " + exitWhenIdle);
        }
    }
}
