package io.nommer.core.service;

import io.nommer.core.fleet.Cloud;
import io.nommer.core.fleet.FleetRegistry;
import io.nommer.core.fleet.Pricing;
import io.nommer.core.fleet.WorkerStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Clouds (pools of workers with a priority) and the workers seen lately, as the API offers them. */
public final class FleetService {
    /** A worker that has not reported for this long is gone (it reports every second). */
    static final Duration WORKER_SEEN_WITHIN = Duration.ofMinutes(1);

    /** How long {@link #pricing()} answers from memory. */
    static final Duration PRICES_TTL = Duration.ofSeconds(10);

    /** What a price may be: anything above this is a typo (PiCloud charged 0.05). */
    static final double MAX_PRICE_PER_CORE_HOUR = 1_000_000;

    public static final String PRICE_RULE = "price_per_core_hour must be a number from 0 (unknown) to "
            + (long) MAX_PRICE_PER_CORE_HOUR + ", in the currency costs are to be reported in";

    private record CachedPricing(Pricing pricing, long readAt) {}

    private final FleetRegistry fleet;
    private volatile CachedPricing pricing;

    public FleetService(FleetRegistry fleet) {
        this.fleet = fleet;
    }

    /** What a cloud's priority must be. */
    public static final String PRIORITY_RULE = "priority must be a whole number from " + Cloud.MIN_PRIORITY + " to "
            + Cloud.MAX_PRIORITY + " (higher is claimed first)";

    /** A cloud after {@link #putCloud}, and whether that call created it. */
    public record PutCloud(Cloud cloud, boolean created) {}

    public List<Cloud> clouds() {
        return fleet.listClouds();
    }

    /** @throws NotFoundException when there is no such cloud */
    public Cloud cloud(String name) {
        return fleet.findCloud(name).orElseThrow(() -> new NotFoundException("cloud " + name));
    }

    /**
     * Creates a cloud or changes it. A value left out (null) keeps what the cloud has; a new cloud starts at priority
     * 0 and an unknown price (0).
     *
     * @param pricePerCoreHour from now on (see {@link Pricing}); work finished earlier keeps its price
     * @throws ValidationException for a name, priority or price out of bounds
     */
    public PutCloud putCloud(String name, Long priority, Double pricePerCoreHour) {
        requireCloudName(name);
        if (priority != null && (priority < Cloud.MIN_PRIORITY || priority > Cloud.MAX_PRIORITY)) {
            throw new ValidationException("invalid_request", "priority", PRIORITY_RULE);
        }
        if (pricePerCoreHour != null && !(pricePerCoreHour >= 0 && pricePerCoreHour <= MAX_PRICE_PER_CORE_HOUR)) {
            throw new ValidationException("invalid_request", "price_per_core_hour", PRICE_RULE);
        }
        Optional<Cloud> existing = fleet.findCloud(name);
        int newPriority = priority != null
                ? priority.intValue()
                : existing.map(Cloud::priority).orElse(0);
        Cloud cloud = existing.isPresent() && existing.get().priority() == newPriority
                ? existing.get()
                : fleet.putCloud(name, newPriority);
        if (pricePerCoreHour != null) {
            // why: a cloud deleted meanwhile is gone; answering the one just stored is the honest answer
            cloud = fleet.priceCloud(name, pricePerCoreHour).orElse(cloud);
            pricing = null;
        }
        return new PutCloud(cloud, existing.isEmpty());
    }

    /**
     * Every cloud's prices, for costs. Read from the store at most every {@link #PRICES_TTL}, so a price set through
     * another orchestrator shows in this one's costs within that time.
     */
    public Pricing pricing() {
        CachedPricing cached = pricing;
        long now = System.nanoTime();
        if (cached == null || now - cached.readAt() > PRICES_TTL.toNanos()) {
            cached = new CachedPricing(new Pricing(fleet.prices()), now);
            pricing = cached;
        }
        return cached.pricing();
    }

    /** @throws ValidationException when {@code name} cannot be a cloud's name */
    public static void requireCloudName(String name) {
        if (!Cloud.validName(name)) {
            throw new ValidationException(
                    "invalid_request",
                    "name",
                    "cloud names are 1-64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit");
        }
    }

    /**
     * @throws NotFoundException when there is no such cloud
     * @throws ConflictException {@code cloud_in_use} for the default cloud or one with queued or running tasks
     */
    public void deleteCloud(String name) {
        try {
            if (!fleet.deleteCloud(name)) {
                throw new NotFoundException("cloud " + name);
            }
        } catch (IllegalStateException e) {
            throw new ConflictException("cloud_in_use", "cloud " + name + " cannot be deleted: " + e.getMessage());
        }
    }

    /** Workers that reported within the last minute. */
    public List<WorkerStatus> workers() {
        return fleet.listWorkers(WORKER_SEEN_WITHIN);
    }
}
