package io.nommer.core.service;

import io.nommer.core.fleet.Cloud;
import io.nommer.core.fleet.FleetRegistry;
import io.nommer.core.fleet.WorkerStatus;
import java.time.Duration;
import java.util.List;

/** Clouds (pools of workers with a priority) and the workers seen lately, as the API offers them. */
public final class FleetService {
    /** A worker that has not reported for this long is gone (it reports every second). */
    static final Duration WORKER_SEEN_WITHIN = Duration.ofMinutes(1);

    private final FleetRegistry fleet;

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
     * Creates a cloud or changes its priority.
     *
     * @throws ValidationException for a name or priority out of bounds
     */
    public PutCloud putCloud(String name, long priority) {
        requireCloudName(name);
        if (priority < Cloud.MIN_PRIORITY || priority > Cloud.MAX_PRIORITY) {
            throw new ValidationException("invalid_request", "priority", PRIORITY_RULE);
        }
        boolean existed = fleet.findCloud(name).isPresent();
        return new PutCloud(fleet.putCloud(name, (int) priority), !existed);
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
