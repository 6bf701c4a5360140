package io.nommer.core.fleet;

import io.nommer.core.job.Task;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * What work cost: a task's CPU seconds (user plus system time ffmpeg reports for the task's encoding runs) times
 * the price per core-hour its cloud had when the task finished (a running task: the price now), divided by 3600. A
 * price of 0, or none, means the price is unknown and so is the cost. Changing a cloud's price therefore re-prices
 * only work that finishes afterwards.
 *
 * <p>This is PiCloud's way of charging ("$0.05 per compute unit-hour", billed by the CPU time used), not a cloud
 * provider's bill: idle workers, storage and transfer are not in it.
 */
public final class Pricing {
    /** No prices: every cost is unknown. */
    public static final Pricing NONE = new Pricing(List.of());

    private static final double SECONDS_PER_HOUR = 3600;

    private final Map<String, NavigableMap<Instant, Double>> byCloud = new HashMap<>();

    public Pricing(Collection<CloudPrice> prices) {
        for (CloudPrice p : prices) {
            byCloud.computeIfAbsent(p.cloud(), c -> new TreeMap<>()).put(p.effectiveAt(), p.pricePerCoreHour());
        }
    }

    /** The price per core-hour {@code cloud} had at {@code at}; 0 when unknown. */
    public double pricePerCoreHour(String cloud, Instant at) {
        NavigableMap<Instant, Double> history = byCloud.get(cloud);
        if (history == null) {
            return 0;
        }
        Map.Entry<Instant, Double> inEffect = history.floorEntry(at);
        return inEffect == null ? 0 : inEffect.getValue();
    }

    /** What {@code task} of a job in {@code cloud} cost, or null when the price is unknown. */
    public Double cost(String cloud, Task task, Instant now) {
        double price = pricePerCoreHour(cloud, task.finishedAt() == null ? now : task.finishedAt());
        return price > 0 ? task.cpuSeconds() * price / SECONDS_PER_HOUR : null;
    }

    /** The sum of {@code tasks}' costs; null when a task that used CPU, or every task, has no known price. */
    public Double cost(String cloud, Collection<Task> tasks, Instant now) {
        double total = 0;
        boolean priced = false;
        for (Task t : tasks) {
            Double cost = cost(cloud, t, now);
            if (cost == null && t.cpuSeconds() > 0) {
                return null;
            }
            priced |= cost != null;
            total += cost == null ? 0 : cost;
        }
        return priced ? total : null;
    }
}
