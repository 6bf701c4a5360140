package io.nommer.core.scaling;

import io.nommer.core.fleet.ScalingPolicy;
import java.time.Duration;
import java.time.Instant;

/**
 * The scaler's rule, the same for every provider: enough workers for the runnable and running tasks
 * ({@code ceil(tasks / slots_per_worker)}), within {@code min_workers} and {@code max_workers}.
 *
 * <ul>
 *   <li>Up: below the need, it starts the difference at once, unless it started workers less than
 *       {@code scale_up_cooldown} ago (they may not have claimed yet); below {@code min_workers} it starts them
 *       whatever the cooldown.
 *   <li>Down: above the need it does nothing; the workers it started exit on their own after
 *       {@code exit_when_idle} without a task, so no busy worker is ever stopped. Only above {@code max_workers}
 *       (the maximum was lowered) does it stop workers, and then only idle ones.
 * </ul>
 */
public final class ScalingRule {
    private ScalingRule() {}

    /**
     * @param lastScaleUp when it last started workers for this cloud; null if never
     */
    public static ScalingDecision decide(ScalingPolicy policy, CloudLoad load, Instant now, Instant lastScaleUp) {
        int tasks = load.runnableTasks() + load.runningTasks();
        int needed = Math.ceilDiv(tasks, policy.slotsPerWorker());
        int desired = Math.clamp(needed, policy.minWorkers(), policy.maxWorkers());
        int current = load.workers();
        String need = tasks + (tasks == 1 ? " task needs " : " tasks need ") + needed + " worker(s) of "
                + policy.slotsPerWorker() + " slot(s)";
        if (desired > current) {
            if (current >= policy.minWorkers() && lastScaleUp != null) {
                Instant ready = lastScaleUp.plus(policy.scaleUpCooldown());
                if (now.isBefore(ready)) {
                    return new ScalingDecision(
                            desired,
                            0,
                            0,
                            need + "; " + current + " running; waiting " + seconds(Duration.between(now, ready))
                                    + " more (scale_up_cooldown) for the last ones started to claim work");
                }
            }
            String why = current < policy.minWorkers()
                    ? "below min_workers (" + policy.minWorkers() + ")"
                    : need
                            + (needed > policy.maxWorkers()
                                    ? ", at most max_workers (" + policy.maxWorkers() + ")"
                                    : "");
            return new ScalingDecision(
                    desired, desired - current, 0, why + "; " + current + " running: starting " + (desired - current));
        }
        if (current > policy.maxWorkers()) {
            int stop = Math.min(current - policy.maxWorkers(), load.idleWorkers());
            return new ScalingDecision(
                    desired,
                    0,
                    stop,
                    current + " running, above max_workers (" + policy.maxWorkers() + "): stopping " + stop
                            + " idle worker(s)"
                            + (stop < current - policy.maxWorkers() ? "; the others once they are idle" : ""));
        }
        if (desired < current) {
            return new ScalingDecision(
                    desired,
                    0,
                    0,
                    need + "; " + current + " running: the " + (current - desired)
                            + " more exit on their own after exit_when_idle (" + seconds(policy.exitWhenIdle())
                            + ") without work");
        }
        return new ScalingDecision(desired, 0, 0, need + "; " + current + " running: enough");
    }

    private static String seconds(Duration d) {
        long s = Math.max(0, (d.toMillis() + 999) / 1000);
        return s + " s";
    }
}
