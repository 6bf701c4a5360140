package io.nommer.core.service;

import io.nommer.core.fleet.Cloud;
import io.nommer.core.fleet.FleetRegistry;
import io.nommer.core.fleet.Pricing;
import io.nommer.core.fleet.ScalingPolicy;
import io.nommer.core.fleet.WorkerStatus;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

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
    private final Set<String> scalingProviders;
    private volatile CachedPricing pricing;

    /** @param scalingProviders the providers this orchestrator's scaler has ({@code local}...), which policies may name */
    public FleetService(FleetRegistry fleet, Set<String> scalingProviders) {
        this.fleet = fleet;
        this.scalingProviders = Set.copyOf(scalingProviders);
    }

    /**
     * What a {@code PUT /v1/clouds/{name}} changes; a null value keeps what the cloud has.
     *
     * @param setsScaling whether it sets {@code scaling} (to {@code scaling}, or off when that is null)
     */
    public record CloudChange(Long priority, Double pricePerCoreHour, boolean setsScaling, ScalingPolicy scaling) {}

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
     * 0, an unknown price (0) and no scaling.
     *
     * @throws ValidationException for a name, priority, price or scaling policy out of bounds, or a policy naming a
     *     provider this orchestrator does not have
     */
    public PutCloud putCloud(String name, CloudChange change) {
        requireCloudName(name);
        Long priority = change.priority();
        if (priority != null && (priority < Cloud.MIN_PRIORITY || priority > Cloud.MAX_PRIORITY)) {
            throw new ValidationException("invalid_request", "priority", PRIORITY_RULE);
        }
        Double price = change.pricePerCoreHour();
        if (price != null && !(price >= 0 && price <= MAX_PRICE_PER_CORE_HOUR)) {
            throw new ValidationException("invalid_request", "price_per_core_hour", PRICE_RULE);
        }
        ScalingPolicy scaling = change.scaling();
        if (scaling != null && !scalingProviders.contains(scaling.provider())) {
            throw new ValidationException(
                    "invalid_request",
                    "scaling.provider",
                    "provider " + scaling.provider() + " is not available in this orchestrator"
                            + (scalingProviders.isEmpty() ? " (it has none)" : "; it has " + scalingProviders));
        }
        Optional<Cloud> existing = fleet.findCloud(name);
        int newPriority = priority != null
                ? priority.intValue()
                : existing.map(Cloud::priority).orElse(0);
        Cloud cloud = existing.isPresent() && existing.get().priority() == newPriority
                ? existing.get()
                : fleet.putCloud(name, newPriority);
        if (price != null) {
            // why: a cloud deleted meanwhile is gone; answering the one just stored is the honest answer
            cloud = fleet.priceCloud(name, price).orElse(cloud);
            pricing = null;
        }
        if (change.setsScaling() && !Objects.equals(cloud.scaling(), scaling)) {
            cloud = fleet.scaleCloud(name, scaling).orElse(cloud);
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
